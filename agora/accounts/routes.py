"""Every URL of organiser accounts: sign in, sign out, and the organiser's list of events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from agora.accounts.services import authenticate
from agora.core.errors import AgoraError
from agora.events.models import Event
from agora.web.deps import ORGANISER_COOKIE, StateDep, current_organiser
from agora.web.links import event_links

router = APIRouter()


@router.get("/login", include_in_schema=False)
def login_page(request: Request, state: StateDep) -> Response:
    """Ask an organiser for e-mail address and password."""
    return state.templates.TemplateResponse(request, "accounts/login.html", {})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Sign an organiser in and show their events."""
    try:
        with state.db.session() as session:
            organiser = authenticate(session, email=email, password=password)
    except AgoraError as exc:
        return state.templates.TemplateResponse(
            request, "accounts/login.html", {"error": exc, "email": email}, status_code=401
        )
    response = RedirectResponse("/events", status_code=303)
    response.set_cookie(
        ORGANISER_COOKIE,
        state.signer.organiser_token(organiser.id),
        max_age=60 * 60 * 12,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout() -> Response:
    """Sign the organiser out."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(ORGANISER_COOKIE)
    return response


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
        request, "accounts/events.html", {"organiser": organiser, "rows": rows}
    )
