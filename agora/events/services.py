"""State changes of events: create, change, archive and delete one; join codes; joining."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agora.accounts.team import co_moderated_event_ids
from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from agora.core.i18n import _, supported
from agora.core.security import new_key
from agora.events.models import Event, Participant
from agora.events.times import DEFAULT_TIME_ZONE, check_time_zone, in_zone
from agora.text.clean import plain

#: Join code letters: no 0/O, 1/I/L, so a code read off a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_CODE_LENGTH = 12


def normalize_code(code: str) -> str:
    """Return a join code in canonical form (upper case, no spaces or dashes)."""
    return code.strip().upper().replace(" ", "").replace("-", "")


def check_code(code: str) -> str:
    """Return the canonical code or raise if it has characters a join code cannot have."""
    code = normalize_code(code)
    if not 4 <= len(code) <= MAX_CODE_LENGTH:
        raise InvalidInput(
            _("A join code has 4 to {n} characters.").format(n=MAX_CODE_LENGTH), field="code"
        )
    wrong = sorted({c for c in code if c not in CODE_ALPHABET})
    if wrong:
        raise InvalidInput(
            _("A join code cannot contain {chars}.").format(chars=", ".join(wrong)), field="code"
        )
    return code


def new_join_code(session: Session) -> str:
    """Return a random join code no event uses yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if session.scalar(select(Event.id).where(Event.code == code)) is None:
            return code


def create_event(
    session: Session,
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    venue: str = "",
    capacity: int | None = None,
    description: str = "",
    language: str = "en",
    ask_identity: bool = False,
    organiser_id: int | None = None,
    code: str | None = None,
    start_time: dt.time | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    registration_open: bool = True,
) -> Event:
    """Create an event with a join code (random unless ``code`` is given)."""
    title = _check_title(title)
    ends_on = _check_days(starts_on, ends_on)
    _check_capacity(capacity)
    time_zone = check_time_zone(time_zone)
    language = supported(language) or language  # "pt" and "pt-BR" are Agora's "pt-PT"
    if code is None:
        code = new_join_code(session)
    else:
        code = check_code(code)
        if session.scalar(select(Event.id).where(Event.code == code)) is not None:
            raise Conflict(_("Another event uses the code {code}.").format(code=code), field="code")
    event = Event(
        code=code,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        venue=plain(venue),
        capacity=capacity,
        description=plain(description, multiline=True),
        language=language,
        ask_identity=ask_identity,
        organiser_id=organiser_id,
        moderator_key=new_key(),
        screen_key=new_key(),
        start_time=_minutes(start_time),
        time_zone=time_zone,
        registration_open=registration_open,
    )
    session.add(event)
    session.flush()
    return event


def _check_title(title: str) -> str:
    title = plain(title)
    if not title:
        raise InvalidInput(_("The event needs a title."), field="title")
    if len(title) > 300:
        raise InvalidInput(_("The title is longer than 300 characters."), field="title")
    return title


def _check_days(starts_on: dt.date, ends_on: dt.date | None) -> dt.date:
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise InvalidInput(_("The event cannot end before it starts."), field="ends_on")
    return ends_on


def _check_capacity(capacity: int | None) -> None:
    if capacity is not None and capacity < 1:
        raise InvalidInput(_("The capacity must be at least 1."), field="capacity")


def _minutes(moment: dt.time | None) -> dt.time | None:
    # a start is planned to the minute; seconds would only show up as noise
    return None if moment is None else moment.replace(second=0, microsecond=0, tzinfo=None)


def update_event(
    session: Session,
    event: Event,
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    start_time: dt.time | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    venue: str = "",
    capacity: int | None = None,
    language: str = "en",
    registration_open: bool = True,
) -> Event:
    """Change an event's settings; nothing changes when one of them is refused."""
    title = _check_title(title)
    if ends_on is None:  # keep the event as many days long as it was
        ends_on = starts_on + (event.ends_on - event.starts_on)
    ends_on = _check_days(starts_on, ends_on)
    _check_capacity(capacity)
    time_zone = check_time_zone(time_zone)
    event.title, event.starts_on, event.ends_on = title, starts_on, ends_on
    event.start_time, event.time_zone = _minutes(start_time), time_zone
    language = supported(language) or language
    event.venue, event.capacity, event.language = plain(venue), capacity, language
    event.registration_open = registration_open
    session.flush()
    return event


def organiser_events(session: Session, organiser_id: int, *, archived: bool = False) -> list[Event]:
    """Return the events an organiser owns or co-moderates, newest first: archived or not."""
    query = select(Event).where(
        or_(Event.organiser_id == organiser_id, Event.id.in_(co_moderated_event_ids(organiser_id)))
    )
    query = query.where(Event.archived_at.is_not(None) if archived else Event.archived_at.is_(None))
    return list(session.scalars(query.order_by(Event.starts_on.desc(), Event.id.desc())))


def is_past(event: Event, now: dt.datetime) -> bool:
    """Tell whether the event's last day is over where it happens."""
    return event.ends_on < in_zone(now, event).date()


def archive_event(session: Session, event: Event) -> Event:
    """Hide an event from the organiser's lists; it keeps working and can be restored."""
    if event.archived_at is not None:
        raise Conflict(_("The event is already archived."))
    event.archived_at = utcnow()
    session.flush()
    return event


def restore_event(session: Session, event: Event) -> Event:
    """Bring an archived event back into the organiser's lists."""
    if event.archived_at is None:
        raise Conflict(_("The event is not archived."))
    event.archived_at = None
    session.flush()
    return event


def delete_event(session: Session, event: Event) -> None:
    """Delete an event and everything of it (the database cascades to every table)."""
    session.delete(event)
    session.flush()


def get_event(session: Session, code: str) -> Event:
    """Return the event with join ``code`` (any case), or raise NotFound."""
    event = session.scalar(select(Event).where(Event.code == normalize_code(code)))
    if event is None:
        raise NotFound(_("No event has the code {code}.").format(code=normalize_code(code)))
    return event


def joining_identity(ask_identity: bool, name: str, organisation: str) -> tuple[str, str]:
    """Return the name and organisation someone joins with, cleaned, or raise InvalidInput.

    A name is required when the event asks for one (``ask_identity``).
    """
    name, organisation = plain(name), plain(organisation)
    if ask_identity and not name:
        raise InvalidInput(_("Please give your name to join this event."), field="name")
    if len(name) > 200:
        raise InvalidInput(_("The name is longer than 200 characters."), field="name")
    if len(organisation) > 300:
        raise InvalidInput(
            _("The organisation is longer than 300 characters."), field="organisation"
        )
    return name, organisation


def join_event(
    session: Session,
    event: Event,
    *,
    name: str = "",
    organisation: str = "",
    registration_id: int | None = None,
    organiser_id: int | None = None,
) -> Participant:
    """Add a participant to ``event``; a name is required when the event asks for one.

    Joining linked to a registration (``registration_id``, from the registrant's page) or to
    an organiser account (``organiser_id``, signed in as a member of the event's team) gives
    the participant already linked to it when there is one, whatever device asks: one
    registration or account is one participant, so it votes once in a poll with a voting
    rule (``agora.polls.voting``). The caller checks that the link is the caller's.
    """
    linked = _linked_participant(session, event, registration_id, organiser_id)
    if linked is not None:
        return linked
    name, organisation = joining_identity(event.ask_identity, name, organisation)
    participant = Participant(
        event_id=event.id,
        name=name,
        organisation=organisation,
        registration_id=registration_id,
        organiser_id=None if registration_id is not None else organiser_id,
    )
    if registration_id is None and organiser_id is None:
        session.add(participant)
        session.flush()
        return participant
    try:  # two devices joining for one registration or account at once: one row wins
        with session.begin_nested():
            session.add(participant)
    except IntegrityError:
        linked = _linked_participant(session, event, registration_id, organiser_id)
        if linked is None:
            raise
        return linked
    return participant


def _linked_participant(
    session: Session, event: Event, registration_id: int | None, organiser_id: int | None
) -> Participant | None:
    """Return the participant of ``event`` already linked to the registration or account."""
    if registration_id is not None:
        query = select(Participant).where(Participant.registration_id == registration_id)
    elif organiser_id is not None:
        query = select(Participant).where(
            Participant.event_id == event.id, Participant.organiser_id == organiser_id
        )
    else:
        return None
    found = session.scalars(query).first()
    if found is not None and found.event_id != event.id:
        raise NotAllowed(_("This registration belongs to another event."))
    return found


def close_event(session: Session, event: Event) -> Event:
    """Close the event: from now on only moderators can add or change takeaways."""
    if event.closed_at is not None:
        raise Conflict(_("The event is already closed."))
    event.closed_at = utcnow()
    session.flush()
    return event


def reopen_event(session: Session, event: Event) -> Event:
    """Reopen a closed event, so that authors can edit their takeaways again."""
    if event.closed_at is None:
        raise Conflict(_("The event is not closed."))
    event.closed_at = None
    session.flush()
    return event
