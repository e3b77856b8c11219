"""Every URL of events: create, look up and join (JSON API), start, join and QR (pages)."""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from agora.core.errors import AgoraError
from agora.events import services
from agora.events.models import Event
from agora.events.schemas import EventAdminOut, EventIn, EventOut, JoinIn, JoinOut
from agora.web.deps import PARTICIPANT_COOKIE, OrganiserDep, StateDep, participant_ref
from agora.web.state import AppState

router = APIRouter()

COOKIE_AGE = 60 * 60 * 24 * 30


def base_url(request: Request, state: AppState) -> str:
    """Return the address participants reach Agora at (setting, or this request's host)."""
    return (state.settings.public_url or str(request.base_url)).rstrip("/")


def event_links(request: Request, state: AppState, event: Event) -> dict[str, str]:
    """Return the participant, screen and moderator links of an event."""
    base = base_url(request, state)
    return {
        "participant_url": f"{base}/e/{event.code}",
        "screen_url": f"{base}/e/{event.code}/screen?key={event.screen_key}",
        "moderator_url": f"{base}/e/{event.code}/moderate?key={event.moderator_key}",
    }


def set_participant_cookie(response: Response, request: Request, token: str) -> None:
    """Store the participant token in a signed, HttpOnly cookie."""
    response.set_cookie(
        PARTICIPANT_COOKIE,
        token,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


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


def qr_svg(url: str, *, inline: bool) -> str:
    """Return the QR code of ``url`` as SVG (inline: without XML declaration and size)."""
    qr = segno.make(url, error="m")
    if inline:
        return str(qr.svg_inline(scale=8, dark="#000", light="#fff", omitsize=True))
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=8, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode()


@router.get("/e/{code}/qr.svg", include_in_schema=False)
def qr_code(code: str, request: Request, state: StateDep) -> Response:
    """Return the QR code that opens the event's participant page, as an SVG file."""
    with state.db.session() as session:
        event = services.get_event(session, code)
    svg = qr_svg(f"{base_url(request, state)}/e/{event.code}", inline=False)
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=3600"})


def current_participant(request: Request, state: AppState, event: Event) -> int | None:
    """Return the id of the page's participant in ``event``, or None."""
    ref = participant_ref(request, state)
    return ref.participant_id if ref is not None and ref.event_id == event.id else None
