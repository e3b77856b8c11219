"""State changes of takeaways: write, edit, record a speaker's turn, moderate, close the event.

The values themselves are checked by ``agora.takeaways.fields``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from agora.core.i18n import _
from agora.events.models import Event, Participant
from agora.floor.models import FloorRequest, FloorState
from agora.takeaways.fields import (
    DETAIL_FIELDS,
    WHO_FIELDS,
    clean_details,
    clean_takeaway,
    refuse_unknown,
)
from agora.takeaways.models import Takeaway, TakeawayState

#: Which state each moderation action leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[frozenset[TakeawayState], TakeawayState]] = {
    "approve": (frozenset({TakeawayState.pending, TakeawayState.rejected}), TakeawayState.approved),
    "reject": (frozenset({TakeawayState.pending, TakeawayState.approved}), TakeawayState.rejected),
    "restore": (frozenset({TakeawayState.approved, TakeawayState.rejected}), TakeawayState.pending),
}


@dataclass(frozen=True)
class Actor:
    """Who changes a takeaway: a participant of the event, a moderator, or both."""

    participant_id: int | None = None
    moderator: bool = False


# -- reading -------------------------------------------------------------------------------


def get_takeaway(session: Session, takeaway_id: int) -> Takeaway:
    """Return the takeaway with ``takeaway_id`` or raise NotFound."""
    takeaway = session.get(Takeaway, takeaway_id)
    if takeaway is None:
        raise NotFound(_("There is no takeaway {id}.").format(id=takeaway_id))
    return takeaway


def event_takeaways(
    session: Session, event_id: int, *, states: frozenset[TakeawayState] | None = None
) -> list[Takeaway]:
    """Return an event's takeaways in the order they were written."""
    query = select(Takeaway).where(Takeaway.event_id == event_id)
    if states is not None:
        query = query.where(Takeaway.state.in_(states))
    return list(session.scalars(query.order_by(Takeaway.created_at, Takeaway.id)))


def takeaways_of(session: Session, event_id: int, participant_id: int) -> list[Takeaway]:
    """Return what one participant wrote or said at an event."""
    return list(
        session.scalars(
            select(Takeaway)
            .where(Takeaway.event_id == event_id, Takeaway.participant_id == participant_id)
            .order_by(Takeaway.created_at, Takeaway.id)
        )
    )


def turn_takeaway(session: Session, request_id: int) -> Takeaway | None:
    """Return the takeaway recorded for a speaker's turn, if any."""
    return session.scalars(
        select(Takeaway).where(Takeaway.floor_request_id == request_id).limit(1)
    ).first()


def is_author(takeaway: Takeaway, actor: Actor) -> bool:
    """Tell whether ``actor`` is the participant the takeaway is attributed to."""
    return actor.participant_id is not None and takeaway.participant_id == actor.participant_id


def can_edit(event: Event, takeaway: Takeaway, actor: Actor) -> bool:
    """Tell whether ``actor`` may change the takeaway now."""
    return actor.moderator or (is_author(takeaway, actor) and event.closed_at is None)


def check_can_edit(event: Event, takeaway: Takeaway, actor: Actor) -> None:
    """Refuse unless ``actor`` is a moderator, or the author while the event is open."""
    if actor.moderator:
        return
    if not is_author(takeaway, actor):
        raise NotAllowed(_("Only its author or a moderator can change this takeaway."))
    if event.closed_at is not None:
        raise Conflict(_("The event is closed: takeaways can no longer be changed."))


def _check_open_for(event: Event, actor: Actor) -> None:
    if event.closed_at is not None and not actor.moderator:
        raise Conflict(_("The event is closed: takeaways can no longer be added."))


# -- changing ------------------------------------------------------------------------------


def create_takeaway(
    session: Session, event: Event, data: Mapping[str, Any], actor: Actor
) -> Takeaway:
    """Add a takeaway written by a participant (pending moderation) or a moderator (approved)."""
    _check_open_for(event, actor)
    participant = None
    if actor.participant_id is not None:
        participant = session.get(Participant, actor.participant_id)
        if participant is None or participant.event_id != event.id:
            raise NotAllowed(_("Join the event first."))
    elif not actor.moderator:
        raise NotAllowed(_("Join the event first."))
    data = dict(data)
    if participant is not None and not any(str(data.get(k) or "").strip() for k in WHO_FIELDS):
        data["speaker_name"], data["organisation"] = participant.name, participant.organisation
    fields = clean_takeaway(data)
    now = utcnow()
    takeaway = Takeaway(
        event_id=event.id,
        participant_id=participant.id if participant is not None else None,
        state=TakeawayState.pending if participant is not None else TakeawayState.approved,
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(takeaway)
    session.flush()
    return takeaway


def update_takeaway(
    session: Session, event: Event, takeaway: Takeaway, changes: Mapping[str, Any], actor: Actor
) -> Takeaway:
    """Change some fields of a takeaway; an author's change goes back to moderation.

    The who of a speaker's turn stays the speaker's: it is copied from the floor request.
    """
    check_can_edit(event, takeaway, actor)
    refuse_unknown(changes, WHO_FIELDS + DETAIL_FIELDS)
    current = {name: getattr(takeaway, name) for name in WHO_FIELDS + DETAIL_FIELDS}
    merged = {**current, **changes}
    if takeaway.floor_request_id is not None:
        fields: dict[str, Any] = {
            **{name: current[name] for name in WHO_FIELDS},
            **clean_details(merged),
        }
    else:
        fields = clean_takeaway(merged)
    for name, value in fields.items():
        setattr(takeaway, name, value)
    if not actor.moderator:  # approved text changed by its author is checked again
        takeaway.state = TakeawayState.pending
    takeaway.updated_at = utcnow()
    session.flush()
    return takeaway


def record_turn_takeaway(
    session: Session, request: FloorRequest, data: Mapping[str, Any], actor: Actor
) -> tuple[Takeaway, bool]:
    """Record (or correct) the takeaway a speaker gave during or after their turn.

    It is attributed to the speaker and the turn: name, organisation and place come from
    the floor request, whatever ``data`` says. Returns the takeaway and whether it is new.
    """
    event = session.get(Event, request.event_id)
    assert event is not None  # a floor request always belongs to an event
    speaker = actor.participant_id is not None and actor.participant_id == request.participant_id
    if not actor.moderator and not speaker:
        raise NotAllowed(_("Only the speaker or a moderator can record this turn's takeaway."))
    if request.state not in {FloorState.speaking, FloorState.done}:
        raise Conflict(_("A turn's takeaway is recorded during or after the turn."))
    existing = turn_takeaway(session, request.id)
    details = {k: v for k, v in data.items() if k not in WHO_FIELDS}
    if existing is not None:
        return update_takeaway(session, event, existing, details, actor), False
    _check_open_for(event, actor)
    refuse_unknown(details, DETAIL_FIELDS)
    now = utcnow()
    takeaway = Takeaway(
        event_id=event.id,
        participant_id=request.participant_id,
        floor_request_id=request.id,
        speaker_name=request.name,
        organisation=request.organisation,
        place=request.place,
        state=TakeawayState.approved if actor.moderator else TakeawayState.pending,
        created_at=now,
        updated_at=now,
        **clean_details(details),
    )
    session.add(takeaway)
    session.flush()
    return takeaway, True


def moderate(session: Session, takeaway: Takeaway, action: str) -> Takeaway:
    """Approve, reject or restore (back to pending) a takeaway."""
    if action not in TRANSITIONS:
        raise InvalidInput(
            _("'{a}' is not a takeaway action.").format(a=action[:40]), field="action"
        )
    sources, target = TRANSITIONS[action]
    if takeaway.state not in sources:
        raise Conflict(
            _("A takeaway that is {state} cannot be changed by '{action}'.").format(
                state=takeaway.state.value, action=action
            )
        )
    takeaway.state = target
    session.flush()
    return takeaway
