"""The audit log of an event: who moderated what, who exported or erased whose data.

A route that changes what participants see or erases or exports personal data records it
here in the same unit of work as the change, so that the entry exists exactly when the
change does. Entries are short sentences' parts (``action`` is a fixed code, ``subject``
names the thing, never its text: a question is "question 12", not what it says), so that
the log holds no personal data beyond the actor's own name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.core.security import fingerprint
from agora.events.models import AuditEntry, Event
from agora.web.deps import MODERATOR_COOKIE, bearer_token
from agora.web.state import AppState

#: The most entries one page of the log shows.
PAGE = 200


@dataclass(frozen=True)
class Actor:
    """Who did something: an organiser (by account), a moderator link, or the system."""

    label: str
    organiser_id: int | None = None


#: Entries the server writes on its own (the retention purge).
SYSTEM = Actor("Agora (retention)")
#: A participant acting on their own contributions.
PARTICIPANT = Actor("participant")


def actor_of(request: Request, state: AppState, session: Session, event: Event) -> Actor:
    """Return who the request acts as on ``event``, in the order ``can_moderate`` checks.

    An organiser signed in (or calling with an API token) is named by account; otherwise
    the request came through the moderator link (cookie or key header).
    """
    organiser = current_organiser(request, session)
    if organiser is not None:
        via = " (API token)" if bearer_token(request) else ""
        name = f"{organiser.name} <{organiser.email}>" if organiser.name else organiser.email
        return Actor(f"{name}{via}", organiser.id)
    cookie = request.cookies.get(MODERATOR_COOKIE)
    if cookie and state.signer.read_moderator_token(cookie).get(event.id) == fingerprint(
        event.moderator_key
    ):
        return Actor("moderator link")
    if request.headers.get("x-moderator-key") == event.moderator_key:
        return Actor("moderator link (key)")
    return PARTICIPANT


def record(session: Session, event: Event, actor: Actor, action: str, subject: str = "") -> None:
    """Add one entry to ``event``'s log, in the caller's unit of work."""
    session.add(
        AuditEntry(
            event_id=event.id,
            actor=actor.label[:400],
            organiser_id=actor.organiser_id,
            action=action[:64],
            subject=subject[:400],
        )
    )


def entries(session: Session, event: Event, limit: int = PAGE) -> Sequence[AuditEntry]:
    """Return ``event``'s latest entries, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.event_id == event.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return session.scalars(query).all()
