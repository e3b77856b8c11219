"""Fixtures of the floor tests: requests made through the services, browser fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agora.core.db import Database
from agora.events.models import Event
from agora.events.services import join_event
from agora.floor import services
from agora.floor.models import FloorRequest

RequestFactory = Callable[..., FloorRequest]


def moderator(event: Event) -> dict[str, str]:
    """Return the header that lets an API call moderate ``event``."""
    return {"X-Moderator-Key": event.moderator_key}


def new_participant(db: Database, event: Event, name: str = "", organisation: str = "") -> int:
    """Join a participant to ``event`` and return their id."""
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        return join_event(session, stored, name=name, organisation=organisation).id


def stored_request(db: Database, request_id: int) -> FloorRequest:
    """Return a floor request as the database holds it now."""
    with db.session() as session:
        found = session.get(FloorRequest, request_id)
        assert found is not None
        return found


@pytest.fixture
def make_request(db: Database) -> RequestFactory:
    """Put someone in an event's queue (a new participant unless ``participant_id`` is given).

    ``state="speaking"`` gives them the floor, ``state="done"`` also ends their turn.
    """

    def factory(
        event: Event, name: str = "Anna", *, state: str = "waiting", **fields: Any
    ) -> FloorRequest:
        participant_id = fields.pop("participant_id", None)
        if participant_id is None and fields.pop("with_participant", True):
            participant_id = new_participant(db, event)
        with db.session() as session:
            stored = session.get(Event, event.id)
            assert stored is not None
            request = services.request_floor(session, stored, participant_id, name=name, **fields)
            if state in {"speaking", "done"}:
                services.give_floor(session, request)
            if state == "done":
                services.end_turn(session, request)
            if state == "withdrawn":
                services.withdraw(session, request, None, moderator=True)
            return request

    return factory
