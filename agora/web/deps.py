"""Request dependencies shared by every domain's routes, as named ``Annotated`` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from agora.accounts.models import Organiser
from agora.accounts.services import organiser_for_token
from agora.core.errors import NotAllowed, NotAuthenticated
from agora.core.i18n import _
from agora.events.models import Event
from agora.web.state import AppState

PARTICIPANT_COOKIE = "agora_p"
MODERATOR_COOKIE = "agora_m"
FLASH_COOKIE = "agora_flash"
ORGANISER_COOKIE = "agora_o"


#: A database id in a URL: a positive 32-bit integer, so a huge number is a clear 422.
IdPath = Annotated[int, Path(ge=1, le=2_147_483_647)]


async def get_state(request: Request) -> AppState:
    """Return the application's shared state."""
    state: AppState = request.app.state.agora
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def bearer_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass(frozen=True)
class ParticipantRef:
    """Who is answering: taken from the signed cookie or bearer token, no database needed."""

    event_id: int
    participant_id: int


def participant_ref(request: Request, state: AppState) -> ParticipantRef | None:
    """Return the participant a request comes from, or None."""
    token = bearer_token(request) or request.cookies.get(PARTICIPANT_COOKIE)
    if not token or token.startswith("agora_"):
        return None
    ref = state.signer.read_participant_token(token)
    return None if ref is None else ParticipantRef(*ref)


def participant_in(request: Request, state: AppState, event_id: int) -> int | None:
    """Return the id of the request's participant if they joined ``event_id``, else None."""
    ref = participant_ref(request, state)
    return ref.participant_id if ref is not None and ref.event_id == event_id else None


async def require_participant(request: Request, state: StateDep) -> ParticipantRef:
    """Return the calling participant or refuse with 401."""
    ref = participant_ref(request, state)
    if ref is None:
        raise NotAuthenticated(_("Join the event first: no participant token was sent."))
    return ref


ParticipantDep = Annotated[ParticipantRef, Depends(require_participant)]


def current_organiser(request: Request, session: Session) -> Organiser | None:
    """Return the organiser of an API token or of the sign-in cookie, or None."""
    token = bearer_token(request)
    if token and token.startswith("agora_"):
        return organiser_for_token(session, token)
    cookie = request.cookies.get(ORGANISER_COOKIE)
    if cookie:
        state: AppState = request.app.state.agora
        organiser_id = state.signer.read_organiser_token(cookie)
        if organiser_id is not None:
            return session.get(Organiser, organiser_id)
    return None


def require_organiser(request: Request, state: StateDep) -> Organiser:
    """Return the calling organiser or refuse with 401."""
    with state.db.session() as session:
        organiser = current_organiser(request, session)
    if organiser is None:
        raise NotAuthenticated(_("Send an organiser API token (agora token create)."))
    return organiser


OrganiserDep = Annotated[Organiser, Depends(require_organiser)]


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
