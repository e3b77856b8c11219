"""Who may moderate an event: a moderator link's cookie or key, or the event's organiser."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.core.errors import NotAllowed
from agora.core.i18n import _
from agora.events.models import Event
from agora.web.deps import MODERATOR_COOKIE
from agora.web.state import AppState


def can_moderate(request: Request, state: AppState, session: Session, event: Event) -> bool:
    """Tell whether the request may moderate ``event``."""
    cookie = request.cookies.get(MODERATOR_COOKIE)
    if cookie and event.id in state.signer.read_moderator_token(cookie):
        return True
    if request.headers.get("x-moderator-key") == event.moderator_key:
        return True
    organiser = current_organiser(request, session)
    return organiser is not None and organiser.id == event.organiser_id


def check_moderator(request: Request, state: AppState, session: Session, event: Event) -> None:
    """Refuse with 403 unless the request may moderate ``event``."""
    if not can_moderate(request, state, session, event):
        raise NotAllowed(_("Only the event's moderators may do this."))
