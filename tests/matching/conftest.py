"""Factories for matching's tests: plain profiles for the pure parts, a small knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agora.core.db import Database
from agora.demo.matching import seed_matching
from agora.matching.profiles import ActorFacts, MatchProfile, merge

MakeProfile = Callable[..., MatchProfile]


@pytest.fixture
def match_profile() -> MakeProfile:
    """Return a factory of complete profiles: ``match_profile(1, "Hamburg", "DE", …)``."""

    def factory(
        actor_id: int,
        name: str,
        country: str = "",
        *,
        kind: str = "city",
        area: str = "",
        lat: float | None = None,
        lon: float | None = None,
        zone: str = "",
        population: int | None = None,
        cooperation_topics: tuple[str, ...] = (),
        **stored: Any,
    ) -> MatchProfile:
        facts = ActorFacts(actor_id, name, kind, country, area, lat, lon, zone, population)
        return merge(facts, stored or None, cooperation_topics=cooperation_topics)

    return factory


@pytest.fixture
def match_demo(db: Database) -> dict[str, int]:
    """Seed the matching demo; return the actors' ids by name."""
    with db.session() as session:
        actors = seed_matching(session)
        return {name: actor.id for name, actor in actors.items()}
