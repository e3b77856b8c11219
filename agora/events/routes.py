"""Every URL of events: create, look up and join (JSON API), start, join and QR (pages).

The organiser's pages (events list, settings, archive, delete) are in
``organiser_routes.py`` and the agenda builder in ``agenda_routes.py``; both are included
here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from agora.accounts.deps import OrganiserDep
from agora.core.errors import AgoraError, InvalidInput
from agora.core.i18n import _
from agora.events import agenda, services
from agora.events.agenda_routes import router as builder_router
from agora.events.audit_routes import router as audit_router
from agora.events.deps import EventDep, ModeratedEventDep, team_account
from agora.events.joins import Joins
from agora.events.live import NAME as AGENDA
from agora.events.live import item_view
from agora.events.models import AgendaItem, Event
from agora.events.organiser_routes import router as organiser_router
from agora.events.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AgendaMove,
    EventAdminOut,
    EventClosure,
    EventIn,
    EventOut,
    JoinIn,
    JoinOut,
)
from agora.web.deps import ORGANISER_COOKIE, IdPath, StateDep, WorkDep
from agora.web.links import base_url, event_links, qr_svg, set_participant_cookie

router = APIRouter()

# -- JSON API ------------------------------------------------------------------------------


@router.post("/api/v1/events", status_code=201, tags=["events"])
def create_event(
    data: EventIn, request: Request, state: StateDep, work: WorkDep, organiser: OrganiserDep
) -> EventAdminOut:
    """Create an event owned by the calling organiser."""
    event = work.sync(
        lambda session: services.create_event(
            session, organiser_id=organiser.id, **data.model_dump()
        )
    )
    return EventAdminOut.model_validate(
        {
            **EventOut.model_validate(event, from_attributes=True).model_dump(),
            **event_links(request, state, event),
        }
    )


@router.get("/api/v1/events/{code}", tags=["events"])
def read_event(event: EventDep) -> EventOut:
    """Return the public description of an event."""
    return event.sync(lambda _session, e: EventOut.model_validate(e, from_attributes=True))


@router.post("/api/v1/events/{code}/join", status_code=201, tags=["events"])
async def join(data: JoinIn, event: EventDep, request: Request, state: StateDep) -> JoinOut:
    """Join an event and receive a participant token (once the participant is committed).

    A member of the event's team calling with their account (signed in, or an API token)
    joins as the participant linked to it, the same one each time (``signed_in`` polls).
    Anyone else joins through the group committer (``joins.Joins``).
    """
    if ORGANISER_COOKIE not in request.cookies and "authorization" not in request.headers:
        joins = state.part(Joins)
        known = await joins.event(event.code)
        participant_id = await joins.join(known, data.name, data.organisation)
        return JoinOut(
            participant_token=state.signer.participant_token(known.id, participant_id),
            event=known.public,
        )
    joined, participant = await event.run(
        lambda session, e: (
            e,
            services.join_event(
                session,
                e,
                name=data.name,
                organisation=data.organisation,
                organiser_id=team_account(request, session, e),
            ),
        )
    )
    return JoinOut(
        participant_token=state.signer.participant_token(joined.id, participant.id),
        event=EventOut.model_validate(joined, from_attributes=True),
    )


# -- pages ---------------------------------------------------------------------------------


@router.get("/join", include_in_schema=False)
def join_by_code(code: str, request: Request, state: StateDep, work: WorkDep) -> Response:
    """Send the start page's code form to the event's participant page."""
    try:
        event = work.sync(lambda session: services.get_event(session, services.check_code(code)))
    except AgoraError as exc:
        return state.templates.TemplateResponse(
            request, "web/start.html", {"error": exc, "code": code}, status_code=exc.status_code
        )
    return RedirectResponse(f"/e/{event.code}", status_code=303)


@router.post("/e/{code}/join", include_in_schema=False)
def join_page(
    event: EventDep,
    request: Request,
    state: StateDep,
    name: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
) -> Response:
    """Join from the participant page's form, then show the event (linked as ``join``)."""
    try:
        joined, participant = event.sync(
            lambda session, e: (
                e,
                services.join_event(
                    session,
                    e,
                    name=name,
                    organisation=organisation,
                    organiser_id=team_account(request, session, e),
                ),
            )
        )
    except AgoraError as exc:  # the join rolled back: show the form again, with the event
        shown = event.sync(lambda _session, e: e)
        return state.templates.TemplateResponse(
            request,
            "events/join.html",
            {"event": shown, "error": exc, "name": name, "organisation": organisation},
            status_code=exc.status_code,
        )
    response = RedirectResponse(f"/e/{joined.code}", status_code=303)
    set_participant_cookie(
        response, request, state.signer.participant_token(joined.id, participant.id)
    )
    return response


@router.get("/e/{code}/qr.svg", include_in_schema=False)
def qr_code(event: EventDep, request: Request, state: StateDep) -> Response:
    """Return the QR code that opens the event's participant page, as an SVG file."""
    code = event.sync(lambda _session, e: e.code)
    svg = qr_svg(f"{base_url(request, state)}/e/{code}", inline=False)
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=3600"})


# -- the agenda ----------------------------------------------------------------------------


def agenda_out(item: AgendaItem, current_id: int | None) -> AgendaItemOut:
    """Return the API view of an agenda item."""
    return AgendaItemOut.model_validate(item_view(item, current_id))


@router.get("/api/v1/events/{code}/agenda", tags=["agenda"])
def read_agenda(event: EventDep) -> list[AgendaItemOut]:
    """Return the event's agenda, the item happening now marked ``current``."""
    return event.sync(
        lambda session, e: [agenda_out(i, e.current_item_id) for i in agenda.agenda(session, e.id)]
    )


@router.post("/api/v1/events/{code}/agenda", status_code=201, tags=["agenda"])
def add_agenda_item(data: AgendaItemIn, event: ModeratedEventDep, state: StateDep) -> AgendaItemOut:
    """Add an item at the end of the agenda (moderators)."""

    def add(session: Session, e: Event) -> tuple[int, AgendaItemOut]:
        item = agenda.add_item(session, e, data)
        return e.id, agenda_out(item, e.current_item_id)

    event_id, out = event.sync(add)
    state.changed(event_id, AGENDA)
    return out


@router.put("/api/v1/events/{code}/agenda/{item_id}", tags=["agenda"])
def update_agenda_item(
    item_id: IdPath, data: AgendaItemIn, event: ModeratedEventDep, state: StateDep
) -> AgendaItemOut:
    """Change an agenda item (moderators)."""

    def update(session: Session, e: Event) -> tuple[int, AgendaItemOut]:
        item = agenda.update_item(session, e, agenda.get_item(session, e, item_id), data)
        return e.id, agenda_out(item, e.current_item_id)

    event_id, out = event.sync(update)
    state.changed(event_id, AGENDA)
    return out


@router.delete("/api/v1/events/{code}/agenda/{item_id}", status_code=204, tags=["agenda"])
def delete_agenda_item(item_id: IdPath, event: ModeratedEventDep, state: StateDep) -> Response:
    """Remove an agenda item that is not happening now (moderators)."""

    def remove(session: Session, e: Event) -> int:
        agenda.remove_item(session, e, agenda.get_item(session, e, item_id))
        return e.id

    state.changed(event.sync(remove), AGENDA)
    return Response(status_code=204)


@router.post("/api/v1/events/{code}/agenda/now", tags=["agenda"])
def move_now(move: AgendaMove, event: ModeratedEventDep, state: StateDep) -> AgendaItemOut | None:
    """Move "now" to an item (``item_id``) or one step (``step``: 1 next, -1 previous)."""

    def run(session: Session, e: Event) -> tuple[int, AgendaItemOut | None]:
        item = _apply_move(session, e, move)
        return e.id, None if item is None else agenda_out(item, e.current_item_id)

    event_id, out = event.sync(run)
    state.changed(event_id, AGENDA)
    return out


def _apply_move(session: Session, event: Event, move: AgendaMove) -> AgendaItem | None:
    if move.item_id is not None:
        return agenda.set_now(session, event, agenda.get_item(session, event, move.item_id))
    if move.step:
        return agenda.step_now(session, event, move.step)
    return agenda.set_now(session, event, None)


@router.post("/e/{code}/moderate/agenda/{action}", include_in_schema=False)
async def agenda_form(
    action: str, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Run an agenda button of the moderator page (now, next, previous, add, up, down, delete)."""
    form = await request.form()

    def number(name: str) -> int | None:
        value = str(form.get(name, "")).strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    def run(session: Session, e: Event) -> int:
        if action in {"next", "previous"}:
            agenda.step_now(session, e, 1 if action == "next" else -1)
        elif action == "now":
            item_id = number("item_id")
            _apply_move(session, e, AgendaMove(item_id=item_id))
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
            agenda.add_item(session, e, data)
        elif action in {"up", "down", "delete"}:
            item = agenda.get_item(session, e, number("item_id") or 0)
            if action == "delete":
                agenda.remove_item(session, e, item)
            else:
                agenda.move_item(session, e, item, item.position + (1 if action == "down" else -1))
        else:
            raise InvalidInput(_("'{a}' is not an agenda action.").format(a=action))
        return e.id

    try:
        event_id = await event.run(run)
    except ValidationError as exc:
        raise InvalidInput(
            _("The agenda item is not valid: {e}").format(e=_first_error(exc))
        ) from exc
    state.changed(event_id, AGENDA)
    return RedirectResponse(
        f"/e/{services.normalize_code(event.code)}/moderate#agenda", status_code=303
    )


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ()))
    return f"{field}: {first.get('msg')}" if field else str(first.get("msg"))


# -- closing the event (authors can no longer change their takeaways) -------------------


def _closure(event: Event) -> EventClosure:
    return EventClosure(
        code=event.code, closed=event.closed_at is not None, closed_at=event.closed_at
    )


@router.post("/api/v1/events/{code}/close", tags=["events"])
def close_event(event: ModeratedEventDep, state: StateDep) -> EventClosure:
    """Close the event: authors can no longer add or edit takeaways (moderators)."""

    def change(session: Session, e: Event) -> tuple[int, EventClosure]:
        out = _closure(services.close_event(session, e))
        event.record(session, e, "event.close")
        return e.id, out

    event_id, out = event.sync(change)
    state.event_changed(event_id)
    return out


@router.post("/api/v1/events/{code}/reopen", tags=["events"])
def reopen_event(event: ModeratedEventDep, state: StateDep) -> EventClosure:
    """Reopen a closed event, so that authors can edit their takeaways again (moderators)."""

    def change(session: Session, e: Event) -> tuple[int, EventClosure]:
        out = _closure(services.reopen_event(session, e))
        event.record(session, e, "event.reopen")
        return e.id, out

    event_id, out = event.sync(change)
    state.event_changed(event_id)
    return out


# -- the organiser's pages: events and the agenda builder -------------------------------

router.include_router(organiser_router)
router.include_router(builder_router)
router.include_router(audit_router)  # the audit log's page and API (audit_routes.py)
