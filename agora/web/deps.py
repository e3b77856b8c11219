"""Request dependencies shared by every domain's routes, as named ``Annotated`` aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request

from agora.core.errors import NotAuthenticated
from agora.core.i18n import _
from agora.web.state import AppState

PARTICIPANT_COOKIE = "agora_p"
MODERATOR_COOKIE = "agora_m"
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
