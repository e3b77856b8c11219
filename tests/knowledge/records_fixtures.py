"""Factories of the knowledge base's records (kbcore's tests): actors, cooperations, takeaways."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agora.core.db import Database
from agora.events.models import Event
from agora.knowledge import services
from agora.knowledge.models import Actor, Cooperation
from agora.knowledge.schemas import ActorFields, CooperationFields, Participation
from agora.takeaways import services as takeaway_services
from agora.takeaways.models import Takeaway, TakeawayState
from tests.takeaways.conftest import hamburg

ActorFactory = Callable[..., Actor]
CooperationFactory = Callable[..., Cooperation]
ApprovedFactory = Callable[..., Takeaway]


def sqlite_only(tmp_path: Path, sqlite_template: Path) -> str:
    """Return the URL of a fresh migrated SQLite copy (for tests that need no PostgreSQL run)."""
    path = tmp_path / "agora.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def kb_actor(db: Database) -> ActorFactory:
    """Create and commit an actor; keyword arguments are its fields."""

    def factory(name: str = "Graz", **fields: Any) -> Actor:
        fields.setdefault("kind", "city")
        fields.setdefault("country", "AT")
        with db.session() as session:
            return services.create_actor(session, ActorFields(name=name, **fields))

    return factory


@pytest.fixture
def kb_cooperation(db: Database) -> CooperationFactory:
    """Create and commit a cooperation between actors (lead first)."""

    def factory(
        *actors: Actor, title: str = "Health hub partnership", **fields: Any
    ) -> Cooperation:
        data = CooperationFields(title=title, **fields)
        links = [
            Participation(actor_id=a.id, role="lead" if n == 0 else "partner")
            for n, a in enumerate(actors)
        ]
        with db.session() as session:
            return services.create_cooperation(session, data, links)

    return factory


@pytest.fixture
def kb_approved(db: Database) -> ApprovedFactory:
    """Write an approved takeaway (a moderator's) for ``event``: Hamburg's unless changed."""

    def factory(event: Event, **changes: Any) -> Takeaway:
        with db.session() as session:
            stored = session.get_one(Event, event.id)
            takeaway = takeaway_services.create_takeaway(
                session, stored, hamburg(**changes), takeaway_services.Actor(moderator=True)
            )
            assert takeaway.state is TakeawayState.approved
            return takeaway

    return factory
