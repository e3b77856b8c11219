"""Factories of the knowledge pages' tests: actors, cooperations and a small world of them.

They insert rows directly (the knowledge base's services are another branch's work).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from agora.core.db import Database
from agora.knowledge.models import (
    ActivityKind,
    Actor,
    ActorKind,
    ActorMembership,
    Cooperation,
    CooperationActivity,
    CooperationActor,
    CooperationOutcome,
    CooperationSource,
    CooperationTopic,
    Lesson,
    OutcomeKind,
    Topic,
)
from tests.knowledge.records_fixtures import kb_actor, kb_approved, kb_cooperation  # noqa: F401
from tests.knowledge.search_fixtures import search_make_cooperation, search_topics  # noqa: F401

ActorFactory = Callable[..., Actor]
CooperationFactory = Callable[..., Cooperation]


def add_actor(db: Database, name: str = "Krapina-Zagorje County", **fields: Any) -> Actor:
    """Create and commit an actor; keyword arguments override the defaults."""
    values: dict[str, Any] = {"kind": ActorKind.region, "country": "HR", "world_area": "europe"}
    values.update(fields)
    with db.session() as session:
        actor = Actor(name=name, **values)
        session.add(actor)
        session.flush()
        return actor


def add_topic(
    db: Database, slug: str = "mobility", name: str = "Urban mobility", **fields: Any
) -> Topic:
    """Create and commit a topic of the taxonomy."""
    with db.session() as session:
        topic = Topic(slug=slug, name=name, **fields)
        session.add(topic)
        session.flush()
        return topic


@pytest.fixture
def pages_actor(db: Database) -> ActorFactory:
    """Create and commit an actor; keyword arguments override the defaults."""
    return lambda *args, **fields: add_actor(db, *args, **fields)


@pytest.fixture
def pages_topic(db: Database) -> Callable[..., Topic]:
    """Create and commit a topic of the taxonomy."""
    return lambda *args, **fields: add_topic(db, *args, **fields)


@pytest.fixture
def pages_cooperation(db: Database) -> CooperationFactory:
    """Create and commit a cooperation between actors (see ``cooperation_factory``)."""
    return cooperation_factory(db)


def cooperation_factory(db: Database) -> CooperationFactory:
    """Return a function that creates and commits a cooperation (the first actor leads).

    ``outcomes`` is a list of (kind, description, evidence_url); ``topics`` of topic ids;
    ``activities`` of (kind, date, description); ``lessons`` of (text, language).
    """

    def factory(
        *actors: Actor,
        title: str = "Smart mobility partnership",
        outcomes: list[tuple[OutcomeKind, str, str]] | None = None,
        topics: list[int] | None = None,
        activities: list[tuple[ActivityKind, dt.date | None, str]] | None = None,
        lessons: list[tuple[str, str]] | None = None,
        **fields: Any,
    ) -> Cooperation:
        with db.session() as session:
            cooperation = Cooperation(title=title, **fields)
            session.add(cooperation)
            session.flush()
            for n, actor in enumerate(actors):
                role = "lead" if n == 0 else "partner"
                session.add(
                    CooperationActor(cooperation_id=cooperation.id, actor_id=actor.id, role=role)
                )
            for kind, description, url in outcomes or []:
                session.add(
                    CooperationOutcome(
                        cooperation_id=cooperation.id,
                        kind=kind,
                        description=description,
                        evidence_url=url,
                    )
                )
            for topic_id in topics or []:
                session.add(CooperationTopic(cooperation_id=cooperation.id, topic_id=topic_id))
            for activity, date, description in activities or []:
                session.add(
                    CooperationActivity(
                        cooperation_id=cooperation.id,
                        kind=activity,
                        date=date,
                        description=description,
                    )
                )
            for text, language in lessons or []:
                session.add(Lesson(cooperation_id=cooperation.id, text=text, language=language))
            session.flush()
            return cooperation

    return factory


@dataclass
class PagesWorld:
    """A small knowledge base: regions of Europe with partners in Asia, Oceania and Latin
    America, a network, topics, and cooperations with outcomes."""

    zagorje: Actor
    catalonia: Actor
    guangdong: Actor
    victoria: Actor
    jalisco: Actor
    eurocities: Actor
    unplaced: Actor
    mobility: Topic
    energy: Topic
    first: Cooperation
    second: Cooperation
    third: Cooperation


@pytest.fixture
def pages_world(db: Database) -> PagesWorld:
    """Create the small knowledge base the page tests read."""
    return seed_world(db)


def seed_world(db: Database) -> PagesWorld:
    """Create the small knowledge base of ``PagesWorld`` in ``db``."""

    def pages_actor(name: str, **fields: Any) -> Actor:
        return add_actor(db, name, **fields)

    def pages_topic(slug: str, name: str, **fields: Any) -> Topic:
        return add_topic(db, slug, name, **fields)

    pages_cooperation = cooperation_factory(db)
    zagorje = pages_actor(
        "Krapina-Zagorje County", latitude=46.1, longitude=15.9, subdivision="HR-02"
    )
    catalonia = pages_actor(
        "Catalonia", country="ES", latitude=41.6, longitude=1.5, subdivision="ES-CT"
    )
    guangdong = pages_actor(
        "Guangdong",
        kind=ActorKind.province,
        country="CN",
        world_area="asia",
        latitude=23.1,
        longitude=113.3,
    )
    victoria = pages_actor(
        "Victoria", country="AU", world_area="oceania", latitude=-37.8, longitude=144.9
    )
    jalisco = pages_actor(
        "Jalisco", country="MX", world_area="latin_america", latitude=20.7, longitude=-103.3
    )
    eurocities = pages_actor(
        "EUROCITIES", kind=ActorKind.network, country="BE", latitude=50.85, longitude=4.35
    )
    unplaced = pages_actor(
        "Agency without a place", kind=ActorKind.other, country="", world_area=""
    )
    with db.session() as session:
        session.add(ActorMembership(member_id=catalonia.id, network_id=eurocities.id))
        session.add(ActorMembership(member_id=zagorje.id, network_id=eurocities.id))
    mobility = pages_topic(
        "mobility", "Urban mobility", names={"fr": "Mobilité urbaine"}, sdgs=[11]
    )
    energy = pages_topic("energy_circular", "Energy transition and circular economy", sdgs=[7, 12])
    first = pages_cooperation(
        zagorje,
        guangdong,
        title="Smart mobility partnership",
        programme="International Urban and Regional Cooperation",
        started_on=dt.date(2019, 3, 1),
        ended_on=dt.date(2022, 6, 30),
        outcomes=[
            (OutcomeKind.memorandum, "Memorandum signed in Guangzhou", "https://example.org/mou"),
            (OutcomeKind.joint_project, "Joint e-bus pilot", "javascript:alert(1)"),
            (OutcomeKind.delegation_visit, "Delegation to Zagreb", ""),
        ],
        topics=[mobility.id],
        activities=[
            (ActivityKind.study_visit, dt.date(2019, 5, 14), "Study visit to Shenzhen"),
            (ActivityKind.memorandum_signature, dt.date(2020, 1, 20), "Signature"),
        ],
        lessons=[("Start with a memorandum the mayors can sign.", "en")],
    )
    second = pages_cooperation(
        catalonia,
        victoria,
        zagorje,
        title="Circular economy exchange",
        outcomes=[(OutcomeKind.guideline, "A guide to circular procurement", "")],
        topics=[energy.id],
        lessons=[("Las visitas técnicas valen más que las conferencias.", "es")],
    )
    third = pages_cooperation(
        jalisco, catalonia, title="Creative industries", source=CooperationSource.import_
    )
    return PagesWorld(
        zagorje,
        catalonia,
        guangdong,
        victoria,
        jalisco,
        eurocities,
        unplaced,
        mobility,
        energy,
        first,
        second,
        third,
    )
