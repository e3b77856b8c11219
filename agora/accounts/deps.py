"""Who the caller is as an organiser: an API token or the sign-in cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agora.accounts.models import Organiser
from agora.accounts.services import organiser_for_token, organiser_signed_in
from agora.core.errors import NotAuthenticated
from agora.core.i18n import _
from agora.web.deps import ORGANISER_COOKIE, WorkDep, bearer_token


def current_organiser(request: Request, session: Session) -> Organiser | None:
    """Return the organiser of an API token or of the sign-in cookie, or None.

    The cookie names a sign-in kept on the server: it stops counting at sign-out, when the
    password changes and when it expires.
    """
    token = bearer_token(request)
    if token and token.startswith("agora_"):
        return organiser_for_token(session, token)
    cookie = request.cookies.get(ORGANISER_COOKIE)
    return organiser_signed_in(session, cookie) if cookie else None


def require_organiser(request: Request, work: WorkDep) -> Organiser:
    """Return the calling organiser or refuse with 401."""
    organiser = work.sync(lambda session: current_organiser(request, session))
    if organiser is None:
        raise NotAuthenticated(_("Send an organiser API token (agora token create)."))
    return organiser


OrganiserDep = Annotated[Organiser, Depends(require_organiser)]
