"""Request dependencies shared by every domain's routes, as named ``Annotated`` aliases.

The request pipeline: ``StateDep`` (the app's shared objects), ``WorkDep`` (a unit of work:
one database session in one worker thread, committed), ``ParticipantDep`` and
``OptionalParticipantDep`` (the calling participant, from the signed cookie or bearer
token). ``accounts.deps`` adds the organiser and ``events.deps`` the event and the
moderated event, built on these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from agora.core.db import Database
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

T = TypeVar("T")


@dataclass(frozen=True)
class UnitOfWork:
    """Runs a route's database work with one session in one worker thread, then commits.

    A session never crosses a thread hop: holding one while waiting for a thread-pool slot
    deadlocked joins once about 40 requests were in flight (docs/performance.md).
    """

    db: Database

    async def __call__(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in a worker thread; commit on success, roll back on error."""
        return await anyio.to_thread.run_sync(self.sync, work)

    def sync(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in this thread (for routes FastAPI already runs in one)."""
        with self.db.session() as session:
            return work(session)


async def unit_of_work(state: StateDep) -> UnitOfWork:
    """Return the unit of work of this request."""
    return UnitOfWork(state.db)


WorkDep = Annotated[UnitOfWork, Depends(unit_of_work)]


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


async def optional_participant(request: Request, state: StateDep) -> ParticipantRef | None:
    """Return the calling participant, or None for someone who has not joined."""
    return participant_ref(request, state)


OptionalParticipantDep = Annotated[ParticipantRef | None, Depends(optional_participant)]
