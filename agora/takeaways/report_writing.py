"""State changes of a report's writing: its narrative sections (with history) and settings.

The organiser (or a moderator) writes four sections of the report in their own words; each
save adds a revision, so nothing written is ever lost. The report's settings say whether it
lists the people who registered, and whether it can be read by a public link.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import N_, _
from agora.events.models import Event
from agora.takeaways.models import ReportRevision, ReportSettings
from agora.text.clean import plain

#: The narrative sections, in the order the report shows them, with their names.
SECTIONS: dict[str, str] = {
    "introduction": N_("Introduction"),
    "methodology": N_("Methodology"),
    "impact": N_("Impact"),
    "conclusions": N_("Conclusions"),
}
#: The longest text a section takes (a few pages: the report is not a book).
MAX_SECTION_LENGTH = 20_000
#: Who saved a revision when it was someone with the moderator link, not an organiser.
MODERATOR = "moderator"


@dataclass(frozen=True)
class Author:
    """Who saves a section: an organiser (by id), else a moderator link's holder."""

    organiser_id: int | None = None

    @property
    def stored(self) -> str:
        """Return how a revision records its author."""
        return MODERATOR if self.organiser_id is None else str(self.organiser_id)


# -- reading -------------------------------------------------------------------------------


def _check_section(section: str) -> str:
    if section not in SECTIONS:
        raise InvalidInput(
            _("The report has no section '{name}'; it has {names}.").format(
                name=section[:40], names=", ".join(SECTIONS)
            ),
            field="section",
        )
    return section


def revisions(session: Session, event_id: int, section: str) -> list[ReportRevision]:
    """Return a section's revisions, the newest (its current text) first."""
    _check_section(section)
    return list(
        session.scalars(
            select(ReportRevision)
            .where(ReportRevision.event_id == event_id, ReportRevision.section == section)
            .order_by(ReportRevision.id.desc())
        )
    )


def narrative(session: Session, event_id: int) -> dict[str, str]:
    """Return each section's current text, in report order, leaving out empty ones."""
    latest: dict[str, str] = {}
    rows = session.scalars(
        select(ReportRevision)
        .where(ReportRevision.event_id == event_id)
        .order_by(ReportRevision.id)
    )
    for row in rows:
        latest[row.section] = row.text
    return {name: latest[name] for name in SECTIONS if latest.get(name, "").strip()}


def report_settings(session: Session, event_id: int) -> ReportSettings:
    """Return the event's report settings (the defaults until someone changes them)."""
    found = session.get(ReportSettings, event_id)
    if found is None:
        found = ReportSettings(
            event_id=event_id, participant_annex=False, share_token=None, dropped_drafts=[]
        )
    return found


def shared_event_id(session: Session, token: str) -> int:
    """Return the event whose report the public link ``token`` shows, or raise NotFound."""
    event_id = (
        session.scalar(select(ReportSettings.event_id).where(ReportSettings.share_token == token))
        if token
        else None
    )
    if event_id is None:
        raise NotFound(_("There is no report at this link (it may have been switched off)."))
    return event_id


# -- changes -------------------------------------------------------------------------------


def save_section(
    session: Session, event: Event, section: str, text: str, author: Author
) -> ReportRevision | None:
    """Save a section's text as a new revision (None when it is the same as the current one).

    Line endings are made Unix ones and trailing spaces dropped, so that a save without a
    change adds no revision.
    """
    _check_section(section)
    if not isinstance(text, str):
        raise InvalidInput(_("A section's text must be text."), field="text")
    if "\x00" in text:  # refused, not cleaned like the other control characters
        raise InvalidInput(_("The text holds a character that cannot be stored."), field="text")
    cleaned = "\n".join(line.rstrip() for line in plain(text, multiline=True).split("\n")).strip()
    if len(cleaned) > MAX_SECTION_LENGTH:
        raise InvalidInput(
            _("A section takes at most {max} characters; this one has {count}.").format(
                max=MAX_SECTION_LENGTH, count=len(cleaned)
            ),
            field="text",
        )
    history = revisions(session, event.id, section)
    current = history[0].text if history else ""
    if cleaned == current:
        return None
    revision = ReportRevision(
        event_id=event.id,
        section=section,
        text=cleaned,
        author=author.stored,
        created_at=utcnow(),
    )
    session.add(revision)
    session.flush()
    return revision


def restore_revision(
    session: Session, event: Event, revision_id: int, author: Author
) -> ReportRevision:
    """Make an old revision's text current again, as a new revision (the history stays)."""
    old = session.get(ReportRevision, revision_id)
    if old is None or old.event_id != event.id:
        raise NotFound(_("This report has no revision {id}.").format(id=revision_id))
    history = revisions(session, event.id, old.section)
    if history and history[0].id == old.id:
        raise Conflict(_("This revision is already the current text."))
    revision = ReportRevision(
        event_id=event.id,
        section=old.section,
        text=old.text,
        author=author.stored,
        created_at=utcnow(),
    )
    session.add(revision)
    session.flush()
    return revision


def _stored_settings(session: Session, event: Event) -> ReportSettings:
    found = session.get(ReportSettings, event.id)
    if found is None:
        found = ReportSettings(
            event_id=event.id, participant_annex=False, share_token=None, dropped_drafts=[]
        )
        session.add(found)
    return found


def set_participant_annex(session: Session, event: Event, on: bool) -> ReportSettings:
    """Say whether the report (every format but the public link) lists who registered."""
    found = _stored_settings(session, event)
    found.participant_annex = bool(on)
    found.updated_at = utcnow()
    session.flush()
    return found


def set_public_link(session: Session, event: Event, on: bool) -> ReportSettings:
    """Switch the public read-only link on (a fresh unguessable token) or off (none).

    Switching it on again makes a new link: one that was switched off never works again.
    """
    found = _stored_settings(session, event)
    if on and found.share_token is None:
        found.share_token = secrets.token_urlsafe(32)
    elif not on:
        found.share_token = None
    found.updated_at = utcnow()
    session.flush()
    return found


#: A proposed sentence's key: letters, digits and dashes (``ranking-first-12``).
_DRAFT_KEY = re.compile(r"^[a-z0-9-]{1,60}$")


def drop_draft(session: Session, event: Event, key: str) -> ReportSettings:
    """Hide a proposed sentence from the report page (it can be shown again)."""
    if not isinstance(key, str) or not _DRAFT_KEY.match(key):
        raise InvalidInput(_("This is not a proposed sentence."), field="key")
    found = _stored_settings(session, event)
    if key not in found.dropped_drafts:
        found.dropped_drafts = [*found.dropped_drafts, key]
    found.updated_at = utcnow()
    session.flush()
    return found


def show_dropped_drafts(session: Session, event: Event) -> ReportSettings:
    """Show every dropped proposed sentence again."""
    found = _stored_settings(session, event)
    found.dropped_drafts = []
    found.updated_at = utcnow()
    session.flush()
    return found


def appended(current: str, sentence: str) -> str:
    """Return ``current`` with ``sentence`` at the end of its last paragraph.

    After a list, the sentence starts a new paragraph.
    """
    last_line = current.rstrip().rsplit("\n", 1)[-1].lstrip()
    if not current.strip():
        return sentence
    if last_line.startswith(("- ", "* ", "+ ")):
        return f"{current.rstrip()}\n\n{sentence}"
    return f"{current.rstrip()} {sentence}"


def append_to_section(
    session: Session, event: Event, section: str, sentence: str, author: Author
) -> ReportRevision | None:
    """Add a sentence at the end of a section's text, as a new revision."""
    history = revisions(session, event.id, section)
    current = history[0].text if history else ""
    return save_section(session, event, section, appended(current, sentence), author)
