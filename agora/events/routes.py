"""Every URL of events: create, look up and join (JSON API), start, join and QR (pages)."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.accounts.deps import OrganiserDep, current_organiser
from agora.core.errors import AgoraError, InvalidInput
from agora.core.i18n import _
from agora.events import agenda, services
from agora.events.deps import check_moderator
from agora.events.live import NAME as AGENDA
from agora.events.live import item_view
from agora.events.models import AgendaItem, Event
from agora.events.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaMove,
    EventAdminOut,
    EventIn,
    EventOut,
    JoinIn,
    JoinOut,
)
from agora.web.deps import IdPath, StateDep
from agora.web.links import base_url, event_links, qr_svg, set_participant_cookie
from agora.web.state import AppState

router = APIRouter()

# -- JSON API ------------------------------------------------------------------------------


@router.post("/api/v1/events", status_code=201, tags=["events"])
def create_event(
    data: EventIn, request: Request, state: StateDep, organiser: OrganiserDep
) -> EventAdminOut:
    """Create an event owned by the calling organiser."""
    with state.db.session() as session:
        event = services.create_event(session, organiser_id=organiser.id, **data.model_dump())
    return EventAdminOut.model_validate(
        {
            **EventOut.model_validate(event, from_attributes=True).model_dump(),
            **event_links(request, state, event),
        }
    )


@router.get("/api/v1/events/{code}", tags=["events"])
def read_event(code: str, state: StateDep) -> EventOut:
    """Return the public description of an event."""
    with state.db.session() as session:
        event = services.get_event(session, code)
    return EventOut.model_validate(event, from_attributes=True)


@router.post("/api/v1/events/{code}/join", status_code=201, tags=["events"])
def join(code: str, data: JoinIn, state: StateDep) -> JoinOut:
    """Join an event and receive a participant token (once the participant is committed)."""
    with state.db.session() as session:
        event = services.get_event(session, code)
        participant = services.join_event(
            session, event, name=data.name, organisation=data.organisation
        )
    return JoinOut(
        participant_token=state.signer.participant_token(event.id, participant.id),
        event=EventOut.model_validate(event, from_attributes=True),
    )


# -- pages ---------------------------------------------------------------------------------


@router.get("/join", include_in_schema=False)
def join_by_code(code: str, request: Request, state: StateDep) -> Response:
    """Send the start page's code form to the event's participant page."""
    try:
        with state.db.session() as session:
            event = services.get_event(session, services.check_code(code))
    except AgoraError as exc:
        return state.templates.TemplateResponse(
            request, "web/start.html", {"error": exc, "code": code}, status_code=exc.status_code
        )
    return RedirectResponse(f"/e/{event.code}", status_code=303)


@router.post("/e/{code}/join", include_in_schema=False)
def join_page(
    code: str,
    request: Request,
    state: StateDep,
    name: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
) -> Response:
    """Join from the participant page's form, then show the event."""
    with state.db.session() as session:
        event = services.get_event(session, code)
    try:
        with state.db.session() as session:
            participant = services.join_event(session, event, name=name, organisation=organisation)
    except AgoraError as exc:
        return state.templates.TemplateResponse(
            request,
            "events/join.html",
            {"event": event, "error": exc, "name": name, "organisation": organisation},
            status_code=exc.status_code,
        )
    response = RedirectResponse(f"/e/{event.code}", status_code=303)
    set_participant_cookie(
        response, request, state.signer.participant_token(event.id, participant.id)
    )
    return response


@router.get("/e/{code}/qr.svg", include_in_schema=False)
def qr_code(code: str, request: Request, state: StateDep) -> Response:
    """Return the QR code that opens the event's participant page, as an SVG file."""
    with state.db.session() as session:
        event = services.get_event(session, code)
    svg = qr_svg(f"{base_url(request, state)}/e/{event.code}", inline=False)
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=3600"})


# -- the agenda ----------------------------------------------------------------------------


def agenda_out(item: AgendaItem, current_id: int | None) -> AgendaItemOut:
    """Return the API view of an agenda item."""
    return AgendaItemOut.model_validate(item_view(item, current_id))


def _moderated_event(request: Request, state: AppState, session: Session, code: str) -> Event:
    event = services.get_event(session, code)
    check_moderator(request, state, session, event)
    return event


@router.get("/api/v1/events/{code}/agenda", tags=["agenda"])
def read_agenda(code: str, state: StateDep) -> list[AgendaItemOut]:
    """Return the event's agenda, the item happening now marked ``current``."""
    with state.db.session() as session:
        event = services.get_event(session, code)
        return [agenda_out(i, event.current_item_id) for i in agenda.agenda(session, event.id)]


@router.post("/api/v1/events/{code}/agenda", status_code=201, tags=["agenda"])
def add_agenda_item(
    code: str, data: AgendaItemIn, request: Request, state: StateDep
) -> AgendaItemOut:
    """Add an item at the end of the agenda (moderators)."""
    with state.db.session() as session:
        event = _moderated_event(request, state, session, code)
        item = agenda.add_item(session, event, data)
        out = agenda_out(item, event.current_item_id)
    state.changed(event.id, AGENDA)
    return out


@router.put("/api/v1/events/{code}/agenda/{item_id}", tags=["agenda"])
def update_agenda_item(
    code: str, item_id: IdPath, data: AgendaItemIn, request: Request, state: StateDep
) -> AgendaItemOut:
    """Change an agenda item (moderators)."""
    with state.db.session() as session:
        event = _moderated_event(request, state, session, code)
        item = agenda.update_item(session, event, agenda.get_item(session, event, item_id), data)
        out = agenda_out(item, event.current_item_id)
    state.changed(event.id, AGENDA)
    return out


@router.delete("/api/v1/events/{code}/agenda/{item_id}", status_code=204, tags=["agenda"])
def delete_agenda_item(code: str, item_id: IdPath, request: Request, state: StateDep) -> Response:
    """Remove an agenda item that is not happening now (moderators)."""
    with state.db.session() as session:
        event = _moderated_event(request, state, session, code)
        agenda.remove_item(session, event, agenda.get_item(session, event, item_id))
    state.changed(event.id, AGENDA)
    return Response(status_code=204)


@router.post("/api/v1/events/{code}/agenda/now", tags=["agenda"])
def move_now(
    code: str, move: AgendaMove, request: Request, state: StateDep
) -> AgendaItemOut | None:
    """Move "now" to an item (``item_id``) or one step (``step``: 1 next, -1 previous)."""
    with state.db.session() as session:
        event = _moderated_event(request, state, session, code)
        item = _apply_move(session, event, move)
        out = None if item is None else agenda_out(item, event.current_item_id)
    state.changed(event.id, AGENDA)
    return out


def _apply_move(session: Session, event: Event, move: AgendaMove) -> AgendaItem | None:
    if move.item_id is not None:
        return agenda.set_now(session, event, agenda.get_item(session, event, move.item_id))
    if move.step:
        return agenda.step_now(session, event, move.step)
    return agenda.set_now(session, event, None)


@router.post("/e/{code}/moderate/agenda/{action}", include_in_schema=False)
async def agenda_form(code: str, action: str, request: Request, state: StateDep) -> Response:
    """Run an agenda button of the moderator page (now, next, previous, add, up, down, delete)."""
    form = await request.form()

    def number(name: str) -> int | None:
        value = str(form.get(name, "")).strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    def run() -> int:
        with state.db.session() as session:
            event = _moderated_event(request, state, session, code)
            if action in {"next", "previous"}:
                agenda.step_now(session, event, 1 if action == "next" else -1)
            elif action == "now":
                item_id = number("item_id")
                _apply_move(session, event, AgendaMove(item_id=item_id))
            elif action == "add":
                data = AgendaItemIn.model_validate(
                    {
                        "kind": str(form.get("kind", "")),
                        "title": str(form.get("title", "")),
                        "speaker_name": str(form.get("speaker_name", "")),
                        "speaker_organisation": str(form.get("speaker_organisation", "")),
                        "duration_minutes": number("duration_minutes"),
                        "poll_id": number("poll_id"),
                    }
                )
                agenda.add_item(session, event, data)
            elif action in {"up", "down", "delete"}:
                item = agenda.get_item(session, event, number("item_id") or 0)
                if action == "delete":
                    agenda.remove_item(session, event, item)
                else:
                    agenda.move_item(
                        session, event, item, item.position + (1 if action == "down" else -1)
                    )
            else:
                raise InvalidInput(_("'{a}' is not an agenda action.").format(a=action))
            return event.id

    try:
        event_id = await anyio.to_thread.run_sync(run)
    except ValidationError as exc:
        raise InvalidInput(
            _("The agenda item is not valid: {e}").format(e=_first_error(exc))
        ) from exc
    state.changed(event_id, AGENDA)
    return RedirectResponse(f"/e/{services.normalize_code(code)}/moderate#agenda", status_code=303)


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()))
    return f"{field}: {first.get('msg')}" if field else str(first.get("msg"))


# -- the organiser's events -----------------------------------------------------------


@router.get("/events", include_in_schema=False)
def my_events(request: Request, state: StateDep) -> Response:
    """List the signed-in organiser's events with their three links."""
    with state.db.session() as session:
        organiser = current_organiser(request, session)
        if organiser is None:
            return RedirectResponse("/login", status_code=303)
        events = session.scalars(
            select(Event).where(Event.organiser_id == organiser.id).order_by(Event.starts_on.desc())
        )
        rows = [(event, event_links(request, state, event)) for event in events]
    return state.templates.TemplateResponse(
        request, "events/mine.html", {"organiser": organiser, "rows": rows}
    )
