"""Every URL of organiser accounts: sign in and sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from agora.accounts.services import authenticate
from agora.core.errors import AgoraError
from agora.web.deps import ORGANISER_COOKIE, StateDep, WorkDep

router = APIRouter()


@router.get("/login", include_in_schema=False)
def login_page(request: Request, state: StateDep) -> Response:
    """Ask an organiser for e-mail address and password."""
    return state.templates.TemplateResponse(request, "accounts/login.html", {})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    state: StateDep,
    work: WorkDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Sign an organiser in and show their events."""
    try:
        organiser = work.sync(lambda session: authenticate(session, email=email, password=password))
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
