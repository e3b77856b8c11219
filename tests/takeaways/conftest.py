"""Helpers of the takeaway tests: a valid takeaway to vary, and takeaways made by services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agora.core.db import Database
from agora.events.models import Event
from agora.takeaways import services
from agora.takeaways.models import Takeaway, TakeawayState

# The floor's request factory and the browser fixtures; pytest only finds fixtures on a
# test's conftest path.
from tests.floor.conftest import make_request, new_participant  # noqa: F401

TakeawayFactory = Callable[..., Takeaway]


def hamburg(**changes: Any) -> dict[str, Any]:
    """Return a valid takeaway (Hamburg's, from the reference session) with ``changes``."""
    data: dict[str, Any] = {
        "speaker_name": "Anna Schmidt",
        "organisation": "Free and Hanseatic City of Hamburg",
        "place": "Hamburg",
        "country": "DE",
        "partners": [
            {"organisation": "", "place": "Melbourne", "country": "AU", "world_area": "oceania"},
            {
                "organisation": "ACT Government",
                "place": "Canberra",
                "country": "AU",
                "world_area": "oceania",
            },
        ],
        "topics": ["digital public services", "urban mobility"],
        "outcomes": [
            {"kind": "expert_exchange", "description": "Planned expert exchanges", "date": ""}
        ],
        "lesson": "Align with partners who share technology, governance and culture; "
        "do a potential benefit analysis first.",
    }
    data.update(changes)
    return data


def stored_takeaway(db: Database, takeaway_id: int) -> Takeaway:
    """Return a takeaway as the database holds it now."""
    with db.session() as session:
        found = session.get(Takeaway, takeaway_id)
        assert found is not None
        return found


@pytest.fixture
def make_takeaway(db: Database) -> TakeawayFactory:
    """Write a takeaway for ``event`` (by a new participant unless ``participant_id`` given)."""

    def factory(event: Event, state: str = "pending", **changes: Any) -> Takeaway:
        participant_id = changes.pop("participant_id", None) or new_participant(db, event)
        with db.session() as session:
            stored = session.get(Event, event.id)
            assert stored is not None
            takeaway = services.create_takeaway(
                session, stored, hamburg(**changes), services.Actor(participant_id)
            )
            takeaway.state = TakeawayState(state)
            return takeaway

    return factory
