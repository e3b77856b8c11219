"""Every URL of takeaways: write, edit, record a turn's, moderate, close (JSON API and forms)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import (
    AgoraError,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
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
from agora.events.services import close_event, normalize_code, reopen_event
from agora.floor import live as floor_live
from agora.floor.routes import event_request
from agora.floor.services import get_request
from agora.takeaways import fields, forms, live, services
from agora.takeaways.forms import form_field, takeaway_from_form
from agora.takeaways.models import Takeaway, TakeawayState
from agora.takeaways.schemas import (
    TakeawayAction,
    TakeawayDetails,
    TakeawayIn,
    TakeawayOut,
    TakeawayPatch,
)
from agora.takeaways.services import Actor
from agora.web.deps import IdPath, StateDep, WorkDep, participant_in
from agora.web.state import AppState

router = APIRouter()


def actor_of(request: Request, state: AppState, session: Session, event: Event) -> Actor:
    """Return who calls: their participant id in ``event`` and whether they moderate it."""
    return Actor(
        participant_id=participant_in(request, state, event.id),
        moderator=can_moderate(request, state, session, event),
    )


def takeaway_out(takeaway: Takeaway, event: Event, actor: Actor) -> TakeawayOut:
    """Return the API view of a takeaway, with whether the caller wrote it and may edit it."""
    return TakeawayOut.model_validate(
        {
            **live.public_view(takeaway),
            "event_id": takeaway.event_id,
            "state": takeaway.state,
            "created_at": takeaway.created_at,
            "updated_at": takeaway.updated_at,
            "mine": services.is_author(takeaway, actor),
            "editable": services.can_edit(event, takeaway, actor),
        }
    )


def _event_of(session: Session, takeaway: Takeaway) -> Event:
    event = session.get(Event, takeaway.event_id)
    assert event is not None  # a takeaway always belongs to an event
    return event


def _visible(takeaway: Takeaway, actor: Actor) -> bool:
    return (
        takeaway.state is TakeawayState.approved
        or actor.moderator
        or services.is_author(takeaway, actor)
    )


def _changed(state: AppState, event_id: int, *, turn: bool = False) -> None:
    state.changed(event_id, live.NAME)
    if turn:  # the moderators' queue marks the turns whose takeaway is recorded
        state.changed(event_id, floor_live.NAME)


# -- JSON API ------------------------------------------------------------------------------


def visible_takeaway(
    request: Request, state: AppState, session: Session, takeaway_id: int
) -> tuple[Takeaway, Event, Actor]:
    """Return a takeaway the caller may see, its event and the caller; others do not exist."""
    takeaway = services.get_takeaway(session, takeaway_id)
    event = _event_of(session, takeaway)
    actor = actor_of(request, state, session, event)
    if not _visible(takeaway, actor):
        raise NotFound(_("There is no takeaway {id}.").format(id=takeaway_id))
    return takeaway, event, actor


@router.get("/api/v1/events/{code}/takeaways", tags=["takeaways"])
def list_takeaways(event: EventDep, request: Request, state: StateDep) -> list[TakeawayOut]:
    """Return the approved takeaways; the caller's own and, for moderators, all of them too."""

    def load(session: Session, e: Event) -> list[TakeawayOut]:
        actor = actor_of(request, state, session, e)
        return [
            takeaway_out(t, e, actor)
            for t in services.event_takeaways(session, e.id)
            if _visible(t, actor)
        ]

    return event.sync(load)


@router.post("/api/v1/events/{code}/takeaways", status_code=201, tags=["takeaways"])
def create_takeaway(
    data: TakeawayIn, event: EventDep, request: Request, state: StateDep
) -> TakeawayOut:
    """Write a takeaway (participants: it waits for a moderator's approval)."""

    def change(session: Session, e: Event) -> TakeawayOut:
        actor = actor_of(request, state, session, e)
        if actor.participant_id is None and not actor.moderator:
            raise NotAuthenticated(_("Join the event first: no participant token was sent."))
        takeaway = services.create_takeaway(session, e, data.model_dump(), actor)
        return takeaway_out(takeaway, e, actor)

    out = event.sync(change)
    _changed(state, out.event_id)
    return out


@router.get("/api/v1/takeaways/{takeaway_id}", tags=["takeaways"])
def read_takeaway(
    takeaway_id: IdPath, request: Request, state: StateDep, work: WorkDep
) -> TakeawayOut:
    """Return a takeaway: approved ones to everyone, others to their author and moderators."""
    return work.sync(
        lambda session: takeaway_out(*visible_takeaway(request, state, session, takeaway_id))
    )


@router.patch("/api/v1/takeaways/{takeaway_id}", tags=["takeaways"])
def patch_takeaway(
    takeaway_id: IdPath, data: TakeawayPatch, request: Request, state: StateDep, work: WorkDep
) -> TakeawayOut:
    """Change a takeaway: its author until the event closes, a moderator at any time."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)

    def change(session: Session) -> TakeawayOut:
        takeaway, event, actor = visible_takeaway(request, state, session, takeaway_id)
        services.update_takeaway(session, event, takeaway, changes, actor)
        return takeaway_out(takeaway, event, actor)

    out = work.sync(change)
    _changed(state, out.event_id)
    return out


@router.post("/api/v1/takeaways/{takeaway_id}/{action}", tags=["takeaways"])
def moderate_takeaway(
    takeaway_id: IdPath, action: TakeawayAction, request: Request, state: StateDep, work: WorkDep
) -> TakeawayOut:
    """Approve, reject or restore (back to pending) a takeaway (moderators)."""

    def change(session: Session) -> TakeawayOut:
        takeaway = services.get_takeaway(session, takeaway_id)
        event = _event_of(session, takeaway)
        check_moderator(request, state, session, event)
        services.moderate(session, takeaway, action.value)
        subject = f"takeaway {takeaway.id}"
        record_as(request, state, session, event, f"takeaway.{action.value}", subject)
        return takeaway_out(takeaway, event, actor_of(request, state, session, event))

    out = work.sync(change)
    _changed(state, out.event_id)
    return out


@router.put(
    "/api/v1/floor/{request_id}/takeaway",
    tags=["takeaways"],
    responses={201: {"description": "Recorded for the first time"}},
)
def record_turn_takeaway(
    request_id: IdPath,
    data: TakeawayDetails,
    request: Request,
    response: Response,
    state: StateDep,
    work: WorkDep,
) -> TakeawayOut:
    """Record or correct the takeaway of a speaker's turn (the speaker or a moderator)."""

    def change(session: Session) -> tuple[TakeawayOut, bool]:
        floor_request = get_request(session, request_id)
        event = session.get_one(Event, floor_request.event_id)
        actor = actor_of(request, state, session, event)
        if actor.participant_id is None and not actor.moderator:
            raise NotAuthenticated(_("Join the event first: no participant token was sent."))
        takeaway, created = services.record_turn_takeaway(
            session, floor_request, data.model_dump(), actor
        )
        return takeaway_out(takeaway, event, actor), created

    out, created = work.sync(change)
    response.status_code = 201 if created else 200
    _changed(state, out.event_id, turn=True)
    return out


# -- pages and form posts (they work without JavaScript) ----------------------------------

#: Builds a form page in a unit of work: (session, event, actor) → template context.
PageBuilder = Callable[[Session, Event, Actor], dict[str, Any]]
#: A form's change: (session, event, actor) → True when it touched a speaker's turn.
FormChange = Callable[[Session, Event, Actor], bool]


def _back(code: str, back: str) -> str:
    page = "/moderate" if back == "moderator" else ""
    return f"/e/{normalize_code(code)}{page}#takeaways"


async def _form_page(
    request: Request,
    state: AppState,
    event: EventScope,
    build: PageBuilder,
    *,
    error: AgoraError | None = None,
) -> Response:
    """Draw a page with one takeaway form; with an error, what was typed stays in it."""

    def load(session: Session, e: Event) -> dict[str, Any]:
        return {"event": e, **build(session, e, actor_of(request, state, session, e))}

    context = await event.run(load)
    context |= {
        "error": error,
        "error_field": form_field(error.field) if error else "",
        "world_areas": fields.world_areas,
        "outcome_kinds": fields.outcome_kinds,
    }
    return state.templates.TemplateResponse(
        request,
        "takeaways/page.html",
        context,
        status_code=error.status_code if error else 200,
    )


async def _form_post(
    request: Request,
    state: AppState,
    event: EventScope,
    change: FormChange,
    on_error: PageBuilder,
    *,
    back: str | None = None,
) -> Response:
    """Run a form's change in one unit of work, then go back to the page.

    The page is ``back`` ("moderator" or "participant"), else the form's ``back`` field.
    A moderator's form comes with a moderated event: the caller is checked before the change.
    """
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[int, bool]:
        return e.id, change(session, e, actor_of(request, state, session, e))

    try:
        event_id, turn = await event.run(run)
    except AgoraError as exc:
        # the change was rolled back; the page is drawn in a new unit of work for whoever
        # posted (a refused moderator button gets the message alone: _moderator_page)
        page = replace(event, moderated=False)
        return await _form_page(request, state, page, on_error, error=exc)
    _changed(state, event_id, turn=turn)
    return RedirectResponse(_back(event.code, back or str(form.get("back") or "")), status_code=303)


@router.post("/e/{code}/takeaways", include_in_schema=False)
async def create_form(event: EventDep, request: Request, state: StateDep) -> Response:
    """Write a takeaway from the participant page."""
    form = await request.form()
    data = takeaway_from_form(form)

    def change(session: Session, e: Event, actor: Actor) -> bool:
        if actor.participant_id is None:
            raise NotAuthenticated(_("Join the event first."))
        services.create_takeaway(session, e, data, Actor(actor.participant_id))
        return False

    def again(session: Session, e: Event, actor: Actor) -> dict[str, Any]:
        return forms.form_page(
            e,
            _("Share a takeaway"),
            f"/e/{e.code}/takeaways",
            data,
            "participant",
            who=None,
        )

    return await _form_post(request, state, event, change, again)


@router.get("/e/{code}/takeaways/{takeaway_id}/edit", include_in_schema=False)
async def edit_page(
    takeaway_id: IdPath, event: EventDep, request: Request, state: StateDep
) -> Response:
    """Show a takeaway's form to its author (until the event closes) or a moderator."""
    back = "moderator" if request.query_params.get("back") == "moderator" else "participant"

    def build(session: Session, e: Event, actor: Actor) -> dict[str, Any]:
        takeaway = _event_takeaway(session, e, takeaway_id)
        services.check_can_edit(e, takeaway, actor)
        return forms.edit_page(e, takeaway, live.form_values(takeaway), back)

    return await _form_page(request, state, event, build)


def _event_takeaway(session: Session, event: Event, takeaway_id: int) -> Takeaway:
    takeaway = services.get_takeaway(session, takeaway_id)
    if takeaway.event_id != event.id:
        raise NotFound(_("There is no takeaway {id}.").format(id=takeaway_id))
    return takeaway


@router.post("/e/{code}/takeaways/{takeaway_id}", include_in_schema=False)
async def edit_form(
    takeaway_id: IdPath, event: EventDep, request: Request, state: StateDep
) -> Response:
    """Save a takeaway's form."""
    form = await request.form()
    data = takeaway_from_form(form)
    back = "moderator" if str(form.get("back") or "") == "moderator" else "participant"

    def change(session: Session, e: Event, actor: Actor) -> bool:
        takeaway = _event_takeaway(session, e, takeaway_id)
        services.update_takeaway(session, e, takeaway, data, actor)
        return takeaway.floor_request_id is not None

    def again(session: Session, e: Event, actor: Actor) -> dict[str, Any]:
        return forms.edit_page(e, _event_takeaway(session, e, takeaway_id), data, back)

    return await _form_post(request, state, event, change, again)


@router.get("/e/{code}/floor/{request_id}/takeaway", include_in_schema=False)
async def turn_page(
    request_id: IdPath, event: EventDep, request: Request, state: StateDep
) -> Response:
    """Show the form of a turn's takeaway to the speaker or a moderator."""
    back = "moderator" if request.query_params.get("back") == "moderator" else "participant"

    def build(session: Session, e: Event, actor: Actor) -> dict[str, Any]:
        floor_request = event_request(session, e, request_id)
        speaker = actor.participant_id is not None
        if not actor.moderator and not (
            speaker and floor_request.participant_id == actor.participant_id
        ):
            raise NotAllowed(_("Only the speaker or a moderator can record this turn's takeaway."))
        existing = services.turn_takeaway(session, floor_request.id)
        if existing is not None:
            services.check_can_edit(e, existing, actor)
        return forms.form_page(
            e,
            _("The takeaway of {name}'s turn").format(name=floor_request.name),
            f"/e/{e.code}/floor/{floor_request.id}/takeaway",
            live.form_values(existing),
            back,
            who=forms.turn_who(floor_request),
        )

    return await _form_page(request, state, event, build)


async def _record_turn(
    request: Request,
    state: AppState,
    event: EventScope,
    turn: Callable[[Any], int],
    *,
    new_only: bool,
) -> Response:
    form = await request.form()
    data = takeaway_from_form(form, who=False)
    back = "moderator" if str(form.get("back") or "") == "moderator" else "participant"

    def change(session: Session, e: Event, actor: Actor) -> bool:
        floor_request = event_request(session, e, turn(form))
        if new_only and services.turn_takeaway(session, floor_request.id) is not None:
            raise Conflict(_("This turn's takeaway is already recorded; edit it instead."))
        services.record_turn_takeaway(session, floor_request, data, actor)
        return True

    def again(session: Session, e: Event, actor: Actor) -> dict[str, Any]:
        floor_request = event_request(session, e, turn(form))
        return forms.form_page(
            e,
            _("The takeaway of {name}'s turn").format(name=floor_request.name),
            f"/e/{e.code}/floor/{floor_request.id}/takeaway",
            data,
            back,
            who=forms.turn_who(floor_request),
        )

    return await _form_post(request, state, event, change, again)


@router.post("/e/{code}/floor/{request_id}/takeaway", include_in_schema=False)
async def turn_form(
    request_id: IdPath, event: EventDep, request: Request, state: StateDep
) -> Response:
    """Record or correct the takeaway of a turn from its form page."""
    return await _record_turn(request, state, event, lambda _form: request_id, new_only=False)


def _turn_field(form: Any) -> int:
    value = str(form.get("turn") or "")
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput(_("Choose the turn the takeaway belongs to."), field="turn")
    return int(value)


@router.post("/e/{code}/moderate/takeaways/record", include_in_schema=False)
async def record_form(event: EventDep, request: Request, state: StateDep) -> Response:
    """Record the takeaway of the chosen turn from the moderator page."""
    return await _record_turn(request, state, event, _turn_field, new_only=True)


@router.post("/e/{code}/moderate/takeaways/{takeaway_id}/{action}", include_in_schema=False)
async def moderate_form(
    takeaway_id: IdPath, action: str, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Run an approve, reject or restore button of the moderator page."""

    def change(session: Session, e: Event, actor: Actor) -> bool:
        services.moderate(session, _event_takeaway(session, e, takeaway_id), action)
        event.record(
            session, e, f"takeaway.{TakeawayAction(action).value}", f"takeaway {takeaway_id}"
        )
        return False

    return await _moderator_post(request, state, event, change)


def _moderator_page(session: Session, event: Event, actor: Actor) -> dict[str, Any]:
    # a refused moderator button: the message alone, and the way back
    return {
        "title": _("Takeaways"),
        "back": "moderator",
        "back_url": f"/e/{event.code}/moderate#takeaways",
    }


async def _moderator_post(
    request: Request, state: AppState, event: EventScope, change: FormChange
) -> Response:
    return await _form_post(request, state, event, change, _moderator_page, back="moderator")


@router.post("/e/{code}/moderate/takeaways/{action}", include_in_schema=False)
async def closure_form(
    action: str, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Close or reopen the event from the moderator page."""
    change_closure = {"close": close_event, "reopen": reopen_event}.get(action)

    def change(session: Session, e: Event, actor: Actor) -> bool:
        if change_closure is None:
            raise NotFound(_("There is no such page."))
        change_closure(session, e)
        event.record(session, e, f"event.{action}")
        return False

    return await _moderator_post(request, state, event, change)
