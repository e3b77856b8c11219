"""Who the caller is as an organiser: an API token or the sign-in cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agora.accounts.models import Organiser
from agora.accounts.services import organiser_for_token, session_stamp
from agora.core.errors import NotAuthenticated
from agora.core.i18n import _
from agora.web.deps import ORGANISER_COOKIE, WorkDep, bearer_token
from agora.web.state import AppState


def current_organiser(request: Request, session: Session) -> Organiser | None:
    """Return the organiser of an API token or of the sign-in cookie, or None.

    A cookie issued before the organiser's password last changed no longer counts.
    """
    token = bearer_token(request)
    if token and token.startswith("agora_"):
        return organiser_for_token(session, token)
    cookie = request.cookies.get(ORGANISER_COOKIE)
    if cookie:
        state: AppState = request.app.state.agora
        found = state.signer.read_organiser_token(cookie)
        if found is not None:
            organiser = session.get(Organiser, found[0])
            if organiser is not None and organiser.password_hash:
                return organiser if session_stamp(organiser) == found[1] else None
    return None


def require_organiser(request: Request, work: WorkDep) -> Organiser:
    """Return the calling organiser or refuse with 401."""
    organiser = work.sync(lambda session: current_organiser(request, session))
    if organiser is None:
        raise NotAuthenticated(_("Send an organiser API token (agora token create)."))
    return organiser


OrganiserDep = Annotated[Organiser, Depends(require_organiser)]
