"""Helpers of the poll tests that work on a session of the test database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.errors import AgoraError
from agora.events.models import Event
from agora.events.services import join_event
from agora.polls.models import Poll
from agora.polls.responses import Recorded


def stored_event(session: Session, event: Event) -> Event:
    """Return ``event`` as loaded in ``session``."""
    found = session.get(Event, event.id)
    assert found is not None
    return found


def stored_poll(session: Session, poll: Poll) -> Poll:
    """Return ``poll`` as loaded in ``session``."""
    found = session.get(Poll, poll.id)
    assert found is not None
    return found


def participants(session: Session, event: Event, count: int) -> list[int]:
    """Join ``count`` participants to ``event`` and return their ids."""
    return [join_event(session, stored_event(session, event)).id for _ in range(count)]


def count_rows(session: Session, model: type[Any]) -> int:
    """Return how many rows the table of ``model`` holds."""
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def recorded(outcome: Recorded | AgoraError) -> Recorded:
    """Return the outcome, asserting it is a recorded response and not an error."""
    assert isinstance(outcome, Recorded), outcome
    return outcome
