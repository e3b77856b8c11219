"""Every URL of floor: the queue for the microphone (JSON API and the pages' form posts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import AgoraError, InvalidInput, NotAuthenticated, NotFound
from agora.core.i18n import _
from agora.events.audit import record_as
from agora.events.deps import (
    EventDep,
    EventScope,
    ModeratedEventDep,
    can_moderate,
    check_moderator,
)
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.floor import live, services
from agora.floor.models import FloorRequest
from agora.floor.schemas import (
    FloorAction,
    FloorMove,
    FloorQueueOut,
    FloorRequestIn,
    FloorRequestOut,
)
from agora.web.deps import IdPath, StateDep, WorkDep, participant_in
from agora.web.state import AppState

router = APIRouter()

#: The form fields of "ask for the microphone", shown again after an error.
REQUEST_FIELDS = ("name", "organisation", "place", "topic")


def request_out(request: FloorRequest, participant_id: int | None = None) -> FloorRequestOut:
    """Return the API view of a floor request; ``mine`` when it is the caller's."""
    return FloorRequestOut(
        id=request.id,
        event_id=request.event_id,
        name=request.name,
        organisation=request.organisation,
        place=request.place,
        topic=request.topic,
        state=request.state,
        position=request.position,
        requested_at=request.requested_at,
        started_at=request.started_at,
        ended_at=request.ended_at,
        mine=participant_id is not None and request.participant_id == participant_id,
    )


def caller(
    request: Request, state: AppState, session: Session, event: Event
) -> tuple[int | None, bool]:
    """Return the caller's participant id in ``event`` (or None) and whether they moderate it."""
    return participant_in(request, state, event.id), can_moderate(request, state, session, event)


def event_request(session: Session, event: Event, request_id: int) -> FloorRequest:
    """Return a floor request of ``event`` or raise NotFound."""
    floor_request = services.get_request(session, request_id)
    if floor_request.event_id != event.id:
        raise NotFound(_("There is no floor request {id}.").format(id=request_id))
    return floor_request


def moderated_request(
    request: Request, state: AppState, session: Session, request_id: int
) -> FloorRequest:
    """Load a floor request and check that the caller moderates its event."""
    floor_request = services.get_request(session, request_id)
    check_moderator(request, state, session, session.get_one(Event, floor_request.event_id))
    return floor_request


def apply_action(
    session: Session, floor_request: FloorRequest, action: str, position: int | None = None
) -> FloorRequest:
    """Run one moderator action (give, end, move, up, down, withdraw, requeue) on a request."""
    if action in {"up", "down"}:
        current = services.queue_position(session, floor_request)
        position = max(0, (current or 0) + (1 if action == "down" else -1))
        action = "move"
    if action == "move":
        if position is None:
            raise InvalidInput(_("Say where to move the request."), field="position")
        services.move(session, floor_request, position)
        return floor_request
    if action == "withdraw":
        return services.withdraw(session, floor_request, None, moderator=True)
    return services.change_state(session, floor_request, action)


# -- JSON API ------------------------------------------------------------------------------


@router.get("/api/v1/events/{code}/floor", tags=["floor"])
def read_floor(event: EventDep, request: Request, state: StateDep) -> FloorQueueOut:
    """Return who speaks and who waits; moderators also get the last finished turns."""

    def load(session: Session, e: Event) -> FloorQueueOut:
        participant_id, moderator = caller(request, state, session, e)
        speaker = services.current_speaker(session, e.id)
        return FloorQueueOut(
            speaking=None if speaker is None else request_out(speaker, participant_id),
            waiting=[request_out(r, participant_id) for r in services.waiting(session, e.id)],
            turns=[request_out(r) for r in services.finished_turns(session, e.id)]
            if moderator
            else [],
        )

    return event.sync(load)


@router.post("/api/v1/events/{code}/floor", status_code=201, tags=["floor"])
def ask_for_floor(
    data: FloorRequestIn, event: EventDep, request: Request, state: StateDep
) -> FloorRequestOut:
    """Ask for the microphone (a participant), or add someone to the queue (a moderator)."""

    def change(session: Session, e: Event) -> FloorRequestOut:
        participant_id, moderator = caller(request, state, session, e)
        if participant_id is None and not moderator:
            raise NotAuthenticated(_("Join the event first: no participant token was sent."))
        floor_request = services.request_floor(session, e, participant_id, **data.model_dump())
        if participant_id is None:  # a moderator adds someone without a phone
            event.record(session, e, "floor.add", f"floor request {floor_request.id}")
        return request_out(floor_request, participant_id)

    out = event.sync(change)
    state.changed(out.event_id, live.NAME)
    return out


@router.post("/api/v1/events/{code}/floor/next", tags=["floor"])
def call_next_speaker(event: ModeratedEventDep, state: StateDep) -> FloorRequestOut:
    """Give the microphone to the first in line, ending the current turn (moderators)."""

    def change(session: Session, e: Event) -> FloorRequestOut:
        called = services.call_next(session, e)
        event.record(session, e, "floor.next", f"floor request {called.id}")
        return request_out(called)

    out = event.sync(change)
    state.changed(out.event_id, live.NAME)
    return out


@router.delete("/api/v1/floor/{request_id}", tags=["floor"])
def withdraw_request(
    request_id: IdPath, request: Request, state: StateDep, work: WorkDep
) -> FloorRequestOut:
    """Withdraw a waiting request: one's own, or any for a moderator."""

    def change(session: Session) -> FloorRequestOut:
        floor_request = services.get_request(session, request_id)
        event = session.get_one(Event, floor_request.event_id)
        participant_id, moderator = caller(request, state, session, event)
        if participant_id is None and not moderator:
            raise NotAuthenticated(_("Join the event first: no participant token was sent."))
        own = participant_id is not None and floor_request.participant_id == participant_id
        services.withdraw(session, floor_request, participant_id, moderator=moderator)
        if moderator and not own:
            subject = f"floor request {floor_request.id}"
            record_as(request, state, session, event, "floor.withdraw", subject)
        return request_out(floor_request, participant_id)

    out = work.sync(change)
    state.changed(out.event_id, live.NAME)
    return out


@router.post("/api/v1/floor/{request_id}/{action}", tags=["floor"])
def floor_action(
    request_id: IdPath,
    action: FloorAction,
    request: Request,
    state: StateDep,
    work: WorkDep,
    data: FloorMove | None = None,
) -> FloorRequestOut:
    """Give the floor, end the turn, move in the queue (body ``{"position": 0}``) or requeue."""
    position = None if data is None else data.position

    def change(session: Session) -> FloorRequestOut:
        floor_request = moderated_request(request, state, session, request_id)
        out = request_out(apply_action(session, floor_request, action.value, position))
        event = session.get_one(Event, floor_request.event_id)
        subject = f"floor request {request_id}"
        record_as(request, state, session, event, f"floor.{action.value}", subject)
        return out

    out = work.sync(change)
    state.changed(out.event_id, live.NAME)
    return out


# -- form posts (the pages without JavaScript) --------------------------------------------

#: A form's change: (session, event, the caller's participant id or None) → None.
FormChange = Callable[[Session, Event, int | None], object]


async def _error_page(
    request: Request,
    state: AppState,
    event: EventScope,
    role: str,
    error: AgoraError,
    values: dict[str, str] | None = None,
) -> Response:
    """Draw the floor section alone with the error, keeping what the person typed.

    Its own unit of work: the one that failed was rolled back. A moderator's form comes
    with a moderated event, so only its moderators see the moderators' queue: anyone else
    gets the 403 alone.
    """

    def load(session: Session, e: Event) -> dict[str, Any]:
        participant_id = participant_in(request, state, e.id)
        return {
            "event": e,
            "sections": {live.NAME: live.page_context(session, e, participant_id, role)},
        }

    page = await event.run(load)
    return state.templates.TemplateResponse(
        request,
        "floor/page.html",
        {**page, "role": role, "floor_error": error, "floor_values": values},
        status_code=error.status_code,
    )


async def _form_post(
    request: Request,
    state: AppState,
    event: EventScope,
    role: str,
    change: FormChange,
    values: dict[str, str] | None = None,
) -> Response:
    """Run a form's change in one unit of work, then go back to the page.

    A moderator's form comes with a moderated event: the caller is checked before the change.
    """

    def run(session: Session, e: Event) -> int:
        change(session, e, participant_in(request, state, e.id))
        return e.id

    try:
        event_id = await event.run(run)
    except AgoraError as exc:
        return await _error_page(request, state, event, role, exc, values)
    state.changed(event_id, live.NAME)
    page = "/moderate" if role == "moderator" else ""
    return RedirectResponse(f"/e/{normalize_code(event.code)}{page}#floor", status_code=303)


def _text_fields(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in REQUEST_FIELDS}


@router.post("/e/{code}/floor", include_in_schema=False)
async def ask_form(event: EventDep, request: Request, state: StateDep) -> Response:
    """Ask for the microphone from the participant page."""
    values = _text_fields(await request.form())

    def change(session: Session, e: Event, participant_id: int | None) -> None:
        if participant_id is None:
            raise NotAuthenticated(_("Join the event first."))
        services.request_floor(session, e, participant_id, **values)

    return await _form_post(request, state, event, "participant", change, values)


@router.post("/e/{code}/floor/{request_id}/withdraw", include_in_schema=False)
async def withdraw_form(
    request_id: IdPath, event: EventDep, request: Request, state: StateDep
) -> Response:
    """Withdraw one's own request from the participant page."""

    def change(session: Session, e: Event, participant_id: int | None) -> None:
        floor_request = event_request(session, e, request_id)
        services.withdraw(session, floor_request, participant_id, moderator=False)

    return await _form_post(request, state, event, "participant", change)


@router.post("/e/{code}/moderate/floor", include_in_schema=False)
async def add_speaker_form(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Add someone without a phone to the queue, from the moderator page."""
    values = _text_fields(await request.form())

    def change(session: Session, e: Event, _participant: int | None) -> None:
        added = services.request_floor(session, e, None, **values)
        event.record(session, e, "floor.add", f"floor request {added.id}")

    return await _form_post(request, state, event, "moderator", change, values)


@router.post("/e/{code}/moderate/floor/next", include_in_schema=False)
async def call_next_form(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Call the next speaker from the moderator page."""

    def change(session: Session, e: Event, _participant: int | None) -> None:
        called = services.call_next(session, e)
        event.record(session, e, "floor.next", f"floor request {called.id}")

    return await _form_post(request, state, event, "moderator", change)


@router.post("/e/{code}/moderate/floor/{request_id}/{action}", include_in_schema=False)
async def moderator_form(
    request_id: IdPath, action: str, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Run a queue button of the moderator page: give, end, up, down, withdraw, requeue."""
    form = await request.form()
    raw_position = str(form.get("position") or "")
    position = int(raw_position) if raw_position.isdigit() and len(raw_position) < 6 else None
    if action not in {"give", "end", "up", "down", "withdraw", "requeue", "move"}:
        error = InvalidInput(_("'{a}' is not a floor action.").format(a=action[:40]))
        return await _error_page(request, state, event, "moderator", error)

    def change(session: Session, e: Event, _participant: int | None) -> None:
        apply_action(session, event_request(session, e, request_id), action, position)
        event.record(session, e, f"floor.{action}", f"floor request {request_id}")

    return await _form_post(request, state, event, "moderator", change)
