"""An event's privacy notice: the organiser's text, or one Agora writes from the facts.

The notice is plain text: paragraphs separated by an empty line, lines kept. Templates
show it escaped, line by line; nothing in it is read as HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from agora.accounts.models import Organiser
from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.events.models import Event
from agora.registrations.models import Registration

#: The longest notice an organiser may write.
MAX_NOTICE = 20_000
#: The most days an event's own retention period may be (a hundred years).
MAX_RETENTION_DAYS = 36_500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def retention_days(event: Event, default: int) -> int:
    """Return how many days after its last day ``event`` keeps personal data."""
    return event.retention_days if event.retention_days is not None else default


def purge_date(event: Event, default: int) -> dt.date:
    """Return the first day on which ``event``'s personal data is purged."""
    return event.ends_on + dt.timedelta(days=retention_days(event, default))


def clean_notice(text: str) -> str:
    """Return the notice as stored (line ends unified, ends trimmed), or raise InvalidInput."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_NOTICE:
        raise InvalidInput(
            _("The privacy notice is longer than {n} characters.").format(n=MAX_NOTICE),
            field="privacy_notice",
        )
    if _CONTROL.search(text):
        raise InvalidInput(
            _("The privacy notice contains a control character."), field="privacy_notice"
        )
    return text


def clean_retention(text: str) -> int | None:
    """Return the days typed (None when empty: the server's setting), or raise InvalidInput."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= MAX_RETENTION_DAYS:
        raise InvalidInput(
            _(
                "The retention period is a whole number of days from 1 to {n}; leave it "
                "empty to use the server's setting."
            ).format(n=f"{MAX_RETENTION_DAYS:,}"),
            field="retention_days",
        )
    return int(text)


def paragraphs(text: str) -> list[list[str]]:
    """Return ``text``'s paragraphs, each as its lines (for a template to escape and show)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.splitlines()] for block in blocks if block.strip()]


@dataclass(frozen=True)
class Notice:
    """The notice an event shows, and whether the organiser wrote it."""

    text: str
    written: bool


def organiser_contact(session: Session, event: Event) -> str:
    """Return who answers questions about the data: the organiser's name and address."""
    organiser = None if event.organiser_id is None else session.get(Organiser, event.organiser_id)
    if organiser is None:
        return _("the organisers of the event")
    return f"{organiser.name} <{organiser.email}>" if organiser.name else organiser.email


def default_notice(session: Session, event: Event, default_days: int, base: str) -> str:
    """Write the notice from the facts: what the event collects, how long, whom to ask."""
    has_registrations = event.registration_open or bool(
        session.scalar(select(exists().where(Registration.event_id == event.id)))
    )
    contact = organiser_contact(session, event)
    parts = [
        _(
            "{contact} organises \u201c{event}\u201d with Agora and decides what happens "
            "to the personal data it keeps."
        ).format(contact=contact, event=event.title)
    ]
    if has_registrations:
        parts.append(
            _(
                "When you register, Agora keeps your name, e-mail address, organisation, type "
                "of organisation, country and region or city, your place on the list and "
                "whether you came. It uses them for the seats, the check-in at the door and "
                "to e-mail you the link to your registration."
            )
        )
    joined = (
        _("When you join, the event asks for your name and, if you wish, your organisation.")
        if event.ask_identity
        else _("When you join, Agora asks for no name: you are a number.")
    )
    parts.append(
        joined
        + " "
        + _(
            "It keeps what you contribute: your answers to polls, the questions you ask "
            "(with your name if you give it) and upvote, your requests to speak (with the "
            "name and organisation you give) and the takeaways you share. They are used to "
            "run the session and to write its report."
        )
    )
    days = retention_days(event, default_days)
    parts.append(
        _(
            "Personal data is kept for {days} days after the event, until {date}. Then names, "
            "e-mail addresses and other details that identify someone are erased; the "
            "results, the questions and the lessons shared stay, without names."
        ).format(days=days, date=purge_date(event, default_days).isoformat())
    )
    parts.append(
        _(
            "You can see, download and erase what you contributed at {me} (from the browser "
            "you joined with), and your registration from the link you received by e-mail."
        ).format(me=f"{base}/e/{event.code}/me")
    )
    parts.append(
        _("Questions about your data, or a request to erase it: write to {contact}.").format(
            contact=contact
        )
    )
    return "\n\n".join(parts)


def notice_of(session: Session, event: Event, default_days: int, base: str) -> Notice:
    """Return the notice ``event`` shows: the organiser's, else the one Agora writes."""
    if event.privacy_notice.strip():
        return Notice(event.privacy_notice, written=True)
    return Notice(default_notice(session, event, default_days, base), written=False)
