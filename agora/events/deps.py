"""The event of a request, and who may moderate it.

``EventDep``, ``ModeratedEventDep`` and ``OwnedEventDep`` give a route the event named by
the ``{code}`` in its path as an ``EventScope``: ``await event.run(work)`` runs
``work(session, event)`` in one unit of work, after checking, for a moderated event, that
the caller may moderate it (a moderator link's cookie or key, the event's organiser or one
of its co-moderators), and for an owned event that the caller is the organiser who owns it
(its settings, archiving, deleting, duplicating).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.accounts.models import Organiser
from agora.accounts.team import is_co_moderator
from agora.core.errors import NotAllowed, NotAuthenticated
from agora.core.i18n import _
from agora.core.security import fingerprint
from agora.events.audit import Actor, actor_of, record
from agora.events.models import Event
from agora.events.services import get_event
from agora.web.deps import MODERATOR_COOKIE, StateDep, UnitOfWork, WorkDep
from agora.web.state import AppState


def can_moderate(request: Request, state: AppState, session: Session, event: Event) -> bool:
    """Tell whether the request may moderate ``event``.

    A moderator link's cookie counts only while the link's key is the event's current one:
    replacing the key (``accounts.team.rotate_link``) signs its browsers out.
    """
    cookie = request.cookies.get(MODERATOR_COOKIE)
    if cookie and state.signer.read_moderator_token(cookie).get(event.id) == fingerprint(
        event.moderator_key
    ):
        return True
    if request.headers.get("x-moderator-key") == event.moderator_key:
        return True
    organiser = current_organiser(request, session)
    if organiser is None:
        return False
    return organiser.id == event.organiser_id or is_co_moderator(session, event.id, organiser.id)


def team_account(request: Request, session: Session, event: Event) -> int | None:
    """Return the id of the caller's organiser account if it is on ``event``'s team, else None.

    A participant joined with it is linked to the account (``services.join_event``).
    """
    organiser = current_organiser(request, session)
    if organiser is None:
        return None
    if organiser.id == event.organiser_id or is_co_moderator(session, event.id, organiser.id):
        return organiser.id
    return None


def check_moderator(request: Request, state: AppState, session: Session, event: Event) -> None:
    """Refuse with 403 unless the request may moderate ``event``."""
    if not can_moderate(request, state, session, event):
        raise NotAllowed(_("Only the event's moderators may do this."))


def check_owner(request: Request, session: Session, event: Event) -> None:
    """Refuse with 401 unless an organiser is signed in, 403 unless they own ``event``."""
    organiser = current_organiser(request, session)
    if organiser is None:
        raise NotAuthenticated(_("Sign in as the event's organiser to do this."))
    if organiser.id != event.organiser_id:
        raise NotAllowed(_("Only the organiser of this event may do this."))


def check_team_member(
    request: Request, session: Session, event: Event, *, sign_in: str, refused: str
) -> Organiser:
    """Refuse with 401 (``sign_in``) unless an organiser is signed in, 403 (``refused``)
    unless they own or co-moderate ``event``; return them.

    For what must name a person (the audit log, data exports and erasures): the shared
    moderator link is refused.
    """
    organiser = current_organiser(request, session)
    if organiser is None:
        raise NotAuthenticated(sign_in)
    if organiser.id != event.organiser_id and not is_co_moderator(session, event.id, organiser.id):
        raise NotAllowed(refused)
    return organiser


T = TypeVar("T")


@dataclass(frozen=True)
class EventScope:
    """The event a request is about, loaded and checked inside each unit of work."""

    code: str
    moderated: bool
    request: Request
    state: AppState
    work: UnitOfWork
    owned: bool = False

    def load(self, session: Session) -> Event:
        """Return the event (NotFound if there is none), checking the caller if asked."""
        event = get_event(session, self.code)
        if self.owned:
            check_owner(self.request, session, event)
        elif self.moderated:
            check_moderator(self.request, self.state, session, event)
        return event

    async def run(self, work: Callable[[Session, Event], T]) -> T:
        """Run ``work(session, event)`` in a worker thread, in one committed transaction."""
        return await self.work(lambda session: work(session, self.load(session)))

    def actor(self, session: Session, event: Event) -> Actor:
        """Return who this request acts as, for the audit log (``events.audit``)."""
        return actor_of(self.request, self.state, session, event)

    def record(self, session: Session, event: Event, action: str, subject: str = "") -> None:
        """Add an entry to ``event``'s audit log for who this request acts as."""
        record(session, event, self.actor(session, event), action, subject)

    def sync(self, work: Callable[[Session, Event], T]) -> T:
        """Run ``work(session, event)`` in this thread (a route FastAPI runs in one)."""
        return self.work.sync(lambda session: work(session, self.load(session)))


async def event_scope(code: str, request: Request, state: StateDep, work: WorkDep) -> EventScope:
    """Return the scope of the event named in the path, for anyone."""
    return EventScope(code, False, request, state, work)


async def moderated_event_scope(
    code: str, request: Request, state: StateDep, work: WorkDep
) -> EventScope:
    """Return the scope of the event named in the path, for its moderators only."""
    return EventScope(code, True, request, state, work)


async def owned_event_scope(
    code: str, request: Request, state: StateDep, work: WorkDep
) -> EventScope:
    """Return the scope of the event named in the path, for its organiser only."""
    return EventScope(code, True, request, state, work, owned=True)


EventDep = Annotated[EventScope, Depends(event_scope)]
ModeratedEventDep = Annotated[EventScope, Depends(moderated_event_scope)]
OwnedEventDep = Annotated[EventScope, Depends(owned_event_scope)]
