"""State changes of the floor queue: ask for the microphone, withdraw, reorder, give, end."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from agora.core.i18n import _
from agora.events.models import Event, Participant
from agora.floor.models import FloorRequest, FloorState
from agora.text.clean import plain

NAME_LENGTH = 200
ORGANISATION_LENGTH = 300
PLACE_LENGTH = 200
TOPIC_LENGTH = 200

#: Which state each action leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[frozenset[FloorState], FloorState]] = {
    "give": (frozenset({FloorState.waiting}), FloorState.speaking),
    "end": (frozenset({FloorState.speaking}), FloorState.done),
    "withdraw": (frozenset({FloorState.waiting}), FloorState.withdrawn),
    # the moderator's undo of a wrong "withdraw" or "end": back to the end of the queue
    "requeue": (frozenset({FloorState.withdrawn, FloorState.done}), FloorState.waiting),
}

#: The states in which a request is still open (one per participant at a time).
OPEN_STATES = frozenset({FloorState.waiting, FloorState.speaking})


def clean_line(value: str, field: str, limit: int, label: str) -> str:
    """Return ``value`` as one line of text (NFC, no control characters) or refuse it."""
    text = plain(value)
    if len(text) > limit:
        raise InvalidInput(
            _("{label} is {length} characters long; the limit is {limit}.").format(
                label=label, length=len(text), limit=limit
            ),
            field=field,
        )
    return text


def _lock_queue(session: Session, event_id: int) -> None:
    # Changes to one event's queue run one at a time (PostgreSQL row lock; SQLite has a
    # single writer anyway), so two moderators cannot give the floor to two speakers.
    session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


def get_request(session: Session, request_id: int) -> FloorRequest:
    """Return the floor request with ``request_id`` or raise NotFound."""
    request = session.get(FloorRequest, request_id)
    if request is None:
        raise NotFound(_("There is no floor request {id}.").format(id=request_id))
    return request


def waiting(session: Session, event_id: int) -> list[FloorRequest]:
    """Return the event's waiting requests in the order they will speak."""
    return list(
        session.scalars(
            select(FloorRequest)
            .where(FloorRequest.event_id == event_id, FloorRequest.state == FloorState.waiting)
            .order_by(FloorRequest.position, FloorRequest.requested_at, FloorRequest.id)
        )
    )


def current_speaker(session: Session, event_id: int) -> FloorRequest | None:
    """Return the request whose speaker has the floor now, if any."""
    return session.scalars(
        select(FloorRequest)
        .where(FloorRequest.event_id == event_id, FloorRequest.state == FloorState.speaking)
        .order_by(FloorRequest.started_at.desc(), FloorRequest.id.desc())
        .limit(1)
    ).first()


def finished_turns(session: Session, event_id: int, limit: int = 5) -> list[FloorRequest]:
    """Return the event's last finished turns, the latest first."""
    return list(
        session.scalars(
            select(FloorRequest)
            .where(FloorRequest.event_id == event_id, FloorRequest.state == FloorState.done)
            .order_by(FloorRequest.ended_at.desc(), FloorRequest.id.desc())
            .limit(limit)
        )
    )


def earlier_requests(
    session: Session, event_id: int, limit: int | None = None
) -> list[FloorRequest]:
    """Return the requests that left the queue (turns done, withdrawn), the latest first.

    Every one by default: the moderator finds an earlier speaker (and the takeaway of their
    turn) however many requests were withdrawn since.
    """
    left = func.coalesce(FloorRequest.ended_at, FloorRequest.requested_at)
    query = (
        select(FloorRequest)
        .where(
            FloorRequest.event_id == event_id,
            FloorRequest.state.in_((FloorState.done, FloorState.withdrawn)),
        )
        .order_by(left.desc(), FloorRequest.id.desc())
    )
    return list(session.scalars(query if limit is None else query.limit(limit)))


def open_request_of(session: Session, event_id: int, participant_id: int) -> FloorRequest | None:
    """Return the participant's waiting or speaking request, if any."""
    return session.scalars(
        select(FloorRequest)
        .where(
            FloorRequest.event_id == event_id,
            FloorRequest.participant_id == participant_id,
            FloorRequest.state.in_(OPEN_STATES),
        )
        .order_by(FloorRequest.id.desc())
        .limit(1)
    ).first()


def latest_request_of(session: Session, event_id: int, participant_id: int) -> FloorRequest | None:
    """Return the participant's most recent request in any state, if any."""
    return session.scalars(
        select(FloorRequest)
        .where(FloorRequest.event_id == event_id, FloorRequest.participant_id == participant_id)
        .order_by(FloorRequest.id.desc())
        .limit(1)
    ).first()


def _next_position(session: Session, event_id: int) -> int:
    last = session.scalar(
        select(func.max(FloorRequest.position)).where(
            FloorRequest.event_id == event_id, FloorRequest.state == FloorState.waiting
        )
    )
    return 0 if last is None else last + 1


def request_floor(
    session: Session,
    event: Event,
    participant_id: int | None,
    *,
    name: str = "",
    organisation: str = "",
    place: str = "",
    topic: str = "",
) -> FloorRequest:
    """Put someone at the end of the queue for the microphone.

    Args:
        session: the open database session.
        event: the event whose floor is asked for.
        participant_id: who asks; None when a moderator adds someone without a phone.
        name: shown on the screen; the participant's name when left empty.
        organisation: the participant's organisation when left empty.
        place: the city or region the speaker represents.
        topic: what they want to say, at most 200 characters.
    """
    if event.closed_at is not None:
        raise Conflict(_("This event is closed."))
    _lock_queue(session, event.id)
    participant = None
    if participant_id is not None:
        participant = session.get(Participant, participant_id)
        if participant is None or participant.event_id != event.id:
            raise NotAllowed(_("Join the event first."))
        mine = open_request_of(session, event.id, participant_id)
        if mine is not None:
            raise Conflict(
                _("You have the floor now.")
                if mine.state is FloorState.speaking
                else _("You already asked for the microphone; withdraw first to ask again.")
            )
    name = clean_line(name, "name", NAME_LENGTH, _("The name"))
    organisation = clean_line(
        organisation, "organisation", ORGANISATION_LENGTH, _("The organisation")
    )
    if participant is not None:
        name = name or participant.name.strip()
        organisation = organisation or participant.organisation.strip()
    if not name:
        raise InvalidInput(_("Give your name: the screen shows it when you speak."), field="name")
    request = FloorRequest(
        event_id=event.id,
        participant_id=participant_id,
        name=name,
        organisation=organisation,
        place=clean_line(place, "place", PLACE_LENGTH, _("The city or region")),
        topic=clean_line(topic, "topic", TOPIC_LENGTH, _("The topic")),
        state=FloorState.waiting,
        position=_next_position(session, event.id),
        requested_at=utcnow(),
    )
    session.add(request)
    session.flush()
    return request


def change_state(session: Session, request: FloorRequest, action: str) -> FloorRequest:
    """Apply ``action`` (give, end, withdraw, requeue) if the request's state allows it."""
    if action not in TRANSITIONS:
        raise InvalidInput(_("'{a}' is not a floor action.").format(a=action), field="action")
    sources, target = TRANSITIONS[action]
    _lock_queue(session, request.event_id)
    session.refresh(request)  # the state as it is now that the queue is ours
    if request.state not in sources:
        raise Conflict(
            _("A floor request that is {state} cannot be changed by '{action}'.").format(
                state=request.state.value, action=action
            )
        )
    now = utcnow()
    if target is FloorState.speaking:
        speaker = current_speaker(session, request.event_id)
        if speaker is not None:
            speaker.state, speaker.ended_at = FloorState.done, now
        request.started_at, request.ended_at = now, None
    elif target is FloorState.done:
        request.ended_at = now
    elif target is FloorState.waiting:
        if request.participant_id is not None:
            mine = open_request_of(session, request.event_id, request.participant_id)
            if mine is not None:
                raise Conflict(_("This person already has another request in the queue."))
        request.position = _next_position(session, request.event_id)
        request.started_at = request.ended_at = None
    request.state = target
    session.flush()
    return request


def give_floor(session: Session, request: FloorRequest) -> FloorRequest:
    """Give the microphone to a waiting speaker, ending the current speaker's turn."""
    return change_state(session, request, "give")


def call_next(session: Session, event: Event) -> FloorRequest:
    """Give the microphone to the first speaker in the queue."""
    _lock_queue(session, event.id)
    queue = waiting(session, event.id)
    if not queue:
        raise Conflict(_("Nobody is waiting for the microphone."))
    return give_floor(session, queue[0])


def end_turn(session: Session, request: FloorRequest) -> FloorRequest:
    """End a speaker's turn."""
    return change_state(session, request, "end")


def withdraw(
    session: Session, request: FloorRequest, participant_id: int | None, *, moderator: bool
) -> FloorRequest:
    """Take a waiting request out of the queue: its own participant's, or any for a moderator."""
    if not moderator and (participant_id is None or request.participant_id != participant_id):
        raise NotAllowed(_("Only the person who asked can withdraw this request."))
    return change_state(session, request, "withdraw")


def requeue(session: Session, request: FloorRequest) -> FloorRequest:
    """Put a withdrawn or finished request back at the end of the queue (a moderator's undo)."""
    return change_state(session, request, "requeue")


def move(session: Session, request: FloorRequest, position: int) -> list[FloorRequest]:
    """Move a waiting request to ``position`` (0 speaks next) and return the new queue."""
    _lock_queue(session, request.event_id)
    session.refresh(request)
    if request.state is not FloorState.waiting:
        raise Conflict(_("Only a waiting request can be moved in the queue."))
    if position < 0:
        raise InvalidInput(_("A position is 0 or more."), field="position")
    queue = waiting(session, request.event_id)
    queue.remove(request)
    queue.insert(min(position, len(queue)), request)
    for index, item in enumerate(queue):
        item.position = index
    session.flush()
    return queue


def queue_position(session: Session, request: FloorRequest) -> int | None:
    """Return where a waiting request stands in the queue (0 is next), None otherwise."""
    if request.state is not FloorState.waiting:
        return None
    ids = [r.id for r in waiting(session, request.event_id)]
    return ids.index(request.id) if request.id in ids else None
