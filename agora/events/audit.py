"""The audit log of an event: who moderated what, who exported or erased whose data.

A route that changes what participants see or erases or exports personal data records it
here in the same unit of work as the change, so that the entry exists exactly when the
change does. Entries are short sentences' parts (``action`` is a fixed code, ``subject``
names the thing, never its text: a question is "question 12", not what it says), so that
the log holds no personal data beyond the actor's own name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.accounts.team import actor_name
from agora.core.i18n import _
from agora.core.security import fingerprint
from agora.events.models import AuditEntry, Event
from agora.web.deps import MODERATOR_COOKIE, bearer_token
from agora.web.state import AppState

#: The most entries one page of the log shows.
PAGE = 200


@dataclass(frozen=True)
class Actor:
    """Who did something: an organiser (by account), a moderator link, or the system."""

    label: str
    organiser_id: int | None = None


#: Entries the server writes on its own (the retention purge).
SYSTEM = Actor("Agora (retention)")
#: A participant acting on their own contributions.
PARTICIPANT = Actor("participant")


def actor_of(request: Request, state: AppState, session: Session, event: Event) -> Actor:
    """Return who the request acts as on ``event``, in the order ``can_moderate`` checks.

    An organiser signed in (or calling with an API token) is named by account; otherwise
    the request came through the moderator link (cookie or key header).
    """
    organiser = current_organiser(request, session)
    if organiser is not None:
        via = " (API token)" if bearer_token(request) else ""
        return Actor(f"{actor_name(organiser)}{via}", organiser.id)
    cookie = request.cookies.get(MODERATOR_COOKIE)
    if cookie and state.signer.read_moderator_token(cookie).get(event.id) == fingerprint(
        event.moderator_key
    ):
        return Actor("moderator link")
    if request.headers.get("x-moderator-key") == event.moderator_key:
        return Actor("moderator link (key)")
    return PARTICIPANT


def record(session: Session, event: Event, actor: Actor, action: str, subject: str = "") -> None:
    """Add one entry to ``event``'s log, in the caller's unit of work."""
    session.add(
        AuditEntry(
            event_id=event.id,
            actor=actor.label[:400],
            organiser_id=actor.organiser_id,
            action=action[:64],
            subject=subject[:400],
        )
    )


def record_as(
    request: Request,
    state: AppState,
    session: Session,
    event: Event,
    action: str,
    subject: str = "",
) -> None:
    """Add an entry for whoever ``request`` acts as (routes that load by id, not by code)."""
    record(session, event, actor_of(request, state, session, event), action, subject)


def actor_label(actor: str) -> str:
    """Return an entry's actor in the reader's language (accounts are names, kept as is)."""
    labels = {
        SYSTEM.label: _("Agora (retention)"),
        PARTICIPANT.label: _("participant"),
        "moderator link": _("moderator link"),
        "moderator link (key)": _("moderator link (key)"),
    }
    return labels.get(actor, actor)


def action_labels() -> dict[str, str]:
    """Return every action code recorded in the log with what it says, in the page's language.

    A code is ``<thing>.<verb>``; ``tests/events/test_audit_routes.py`` checks that every
    code a route records has a label here.
    """
    return {
        # Q&A
        "qa.approve": _("approved an audience question"),
        "qa.reject": _("rejected (hid) an audience question"),
        "qa.answer": _("marked an audience question answered"),
        "qa.archive": _("archived an audience question"),
        "qa.restore": _("restored an audience question"),
        "qa.highlight": _("pinned an audience question to the screen"),
        "qa.unhighlight": _("unpinned an audience question"),
        "qa.settings": _("changed the Q&A rules"),
        # polls
        "poll.open": _("opened a poll"),
        "poll.reopen": _("reopened a poll"),
        "poll.close": _("closed a poll"),
        "poll.reveal": _("showed a poll's results to participants"),
        "poll.hide": _("hid a poll's results from participants"),
        "poll.archive": _("archived (removed) a poll"),
        "poll.restore": _("restored a poll"),
        "poll.duplicate": _("duplicated a poll"),
        "poll.up": _("moved a poll up"),
        "poll.down": _("moved a poll down"),
        "poll.screen": _("chose the question on the screen"),
        "poll.method": _("changed a question's ranking method"),
        "poll.settings": _("changed a poll's settings"),
        "poll.change": _("changed a poll's settings"),
        "theme.rename": _("renamed a theme"),
        "theme.merge": _("merged themes"),
        "theme.split": _("split a theme"),
        "theme.move": _("moved answers to another theme"),
        "theme.reset": _("reset the themes of a question"),
        "theme.regroup": _("grouped answers into a chosen number of themes"),
        # floor
        "floor.add": _("added a speaker to the floor queue"),
        "floor.next": _("called the next speaker"),
        "floor.give": _("gave the floor"),
        "floor.end": _("ended a turn"),
        "floor.move": _("moved a request in the floor queue"),
        "floor.up": _("moved a request up the floor queue"),
        "floor.down": _("moved a request down the floor queue"),
        "floor.withdraw": _("withdrew a floor request"),
        "floor.requeue": _("put a request back in the floor queue"),
        # takeaways and closing
        "takeaway.approve": _("approved a takeaway"),
        "takeaway.reject": _("rejected a takeaway"),
        "takeaway.restore": _("put a takeaway back to pending"),
        "knowledge.promote": _("added a takeaway to the knowledge base"),
        "event.close": _("closed the event"),
        "event.reopen": _("reopened the event"),
        # the report
        "report.link_on": _("switched the report's public link on"),
        "report.link_off": _("switched the report's public link off"),
        "report.annex_on": _("listed who registered in the report"),
        "report.annex_off": _("removed the list of who registered from the report"),
        # registrations
        "registration.check-in": _("checked a registration in"),
        "registration.undo-check-in": _("undid a check-in"),
        "registration.cancel": _("cancelled a registration"),
        "registration.restore": _("restored a cancelled registration"),
        "registration.walk-in": _("registered a walk-in at the door"),
        "registrations.import": _("imported registrations"),
        "registrations.open": _("opened the registration form"),
        "registrations.close": _("closed the registration form"),
        # the team and the links
        "team.invite": _("invited a co-moderator"),
        "team.withdraw": _("withdrew an invitation"),
        "team.remove": _("removed a co-moderator"),
        "team.accept": _("accepted an invitation to co-moderate"),
        "link.moderator": _("replaced the moderator link"),
        "link.screen": _("replaced the screen link"),
        # personal data (agora.privacy)
        "person.exported": _("exported one person's data"),
        "person.erased": _("erased one person's data"),
        "participant.erased_self": _("a participant erased their own contributions"),
        "registration.erased_self": _("a registrant erased their registration"),
        "privacy.settings_changed": _("changed the privacy notice or retention period"),
        "personal_data.purged": _("removed personal data at the end of the retention period"),
    }


def action_label(action: str) -> str:
    """Return what ``action`` says, or the code itself for one this version does not know."""
    return action_labels().get(action, action)


def entries(session: Session, event: Event, limit: int = PAGE) -> Sequence[AuditEntry]:
    """Return ``event``'s latest entries, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.event_id == event.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()
