"""Factories of the search tests: knowledge-base records inserted as models (no service needed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from agora.core.db import Database
from agora.knowledge.models import (
    Actor,
    ActorKind,
    Cooperation,
    CooperationActor,
    CooperationOutcome,
    CooperationTopic,
    Lesson,
    OutcomeKind,
    Topic,
)

SearchCooperationFactory = Callable[..., int]

#: The topics every search test has (the slugs of the shipped taxonomy).
SEARCH_TOPICS = {
    "mobility": "Urban mobility",
    "culture_tourism": "Culture and tourism",
    "innovation_ecosystems": "Innovation ecosystems and technology transfer",
}


@pytest.fixture
def search_topics(db: Database) -> dict[str, int]:
    """Create the test topics; return their ids by slug."""
    with db.session() as session:
        topics = [
            Topic(slug=slug, name=name, names={"en": name}, position=i)
            for i, (slug, name) in enumerate(SEARCH_TOPICS.items())
        ]
        session.add_all(topics)
        session.flush()
        return {t.slug: t.id for t in topics}


@pytest.fixture
def search_make_cooperation(
    db: Database, search_topics: dict[str, int]
) -> SearchCooperationFactory:
    """Create a cooperation with its partners, topics, lessons and outcomes; return its id.

    ``partners`` are (name, kind, country, world_area) tuples; ``lessons`` texts (English
    unless ``language``); ``outcomes`` (kind, description) pairs; ``topics`` slugs.
    """

    def factory(
        title: str = "Partnership",
        *,
        summary: str = "",
        programme: str = "International Urban and Regional Cooperation",
        started_on: dt.date | None = dt.date(2021, 3, 1),
        ended_on: dt.date | None = None,
        partners: tuple[tuple[str, str, str, str], ...] = (
            ("Krapina-Zagorje County", "region", "HR", "europe"),
            ("City of Melbourne", "city", "AU", "oceania"),
        ),
        topics: tuple[str, ...] = (),
        lessons: tuple[str, ...] = (),
        language: str = "en",
        outcomes: tuple[tuple[str, str], ...] = (),
        **fields: Any,
    ) -> int:
        with db.session() as session:
            cooperation = Cooperation(
                title=title,
                summary=summary,
                programme=programme,
                started_on=started_on,
                ended_on=ended_on,
                **fields,
            )
            session.add(cooperation)
            session.flush()
            for i, (name, kind, country, area) in enumerate(partners):
                actor = session.query(Actor).filter_by(name=name).one_or_none()
                if actor is None:
                    actor = Actor(name=name, kind=ActorKind(kind), country=country, world_area=area)
                    session.add(actor)
                    session.flush()
                session.add(
                    CooperationActor(
                        cooperation_id=cooperation.id,
                        actor_id=actor.id,
                        role="lead" if i == 0 else "partner",
                    )
                )
            for slug in topics:
                session.add(
                    CooperationTopic(cooperation_id=cooperation.id, topic_id=search_topics[slug])
                )
            for lesson in lessons:
                session.add(Lesson(cooperation_id=cooperation.id, text=lesson, language=language))
            for kind, description in outcomes:
                session.add(
                    CooperationOutcome(
                        cooperation_id=cooperation.id,
                        kind=OutcomeKind(kind),
                        description=description,
                    )
                )
            session.flush()
            return cooperation.id

    return factory
