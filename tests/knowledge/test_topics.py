"""The taxonomy: shipped as data, stored on first use, edited by organisers, matched to text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agora.core.db import Database
from agora.core.errors import Conflict
from agora.knowledge import services, topics
from agora.knowledge.models import CooperationTopic, Topic
from agora.knowledge.schemas import CooperationFields, Participation, TopicIn
from tests.knowledge.records_fixtures import ActorFactory

SLUGS = [
    "digital_transition",
    "mobility",
    "energy_circular",
    "health",
    "culture_tourism",
    "innovation_ecosystems",
    "participatory_governance",
]


def test_the_shipped_topics_are_named_in_every_language_with_sdgs_and_domains() -> None:
    shipped = topics.shipped()
    assert [t.slug for t in shipped] == SLUGS
    for topic in shipped:
        assert set(topic.names) == set(topics.LANGUAGES)
        assert all(1 <= n <= 17 for n in topic.sdgs)
        assert topic.sdgs
        assert topic.s3_domains
        assert topic.keywords


def test_topics_are_stored_on_first_use_only_once(db: Database) -> None:
    with db.session() as session:
        assert session.scalars(select(Topic)).first() is None
        assert [t.slug for t in topics.list_topics(session)] == SLUGS
        topics.ensure_topics(session)
        assert len(topics.list_topics(session)) == 7
        mobility = topics.get_topic(session, "mobility")
        assert topics.topic_name(mobility, "hr") == "Urbana mobilnost"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("urban mobility", "mobility"),
        ("Digital public services", "digital_transition"),
        ("health innovation", "health"),
        ("heritage preservation", "culture_tourism"),
        ("business incubators", "innovation_ecosystems"),
        ("participatory budgeting", "participatory_governance"),
        ("circular economy", "energy_circular"),
        ("Gouvernance participative", "participatory_governance"),
        ("Energy transition & circular economy", "energy_circular"),
        ("mobilty", "mobility"),
    ],
)
def test_a_takeaway_topic_matches_the_taxonomy(db: Database, text: str, slug: str) -> None:
    with db.session() as session:
        found = topics.match_topic(session, text)
        assert found is not None
        assert found.slug == slug


def test_unrelated_text_matches_no_topic(db: Database) -> None:
    with db.session() as session:
        assert topics.match_topic(session, "weather on Tuesday") is None


def test_organisers_add_rename_and_remove_topics(db: Database, kb_actor: ActorFactory) -> None:
    lead = kb_actor()
    with db.session() as session:
        water = topics.create_topic(
            session, TopicIn(slug="urban_water", name="Urban water", sdgs=[6, 11, 6])
        )
        assert water.sdgs == [6, 11]
        assert water.names == {"en": "Urban water"}
        with pytest.raises(Conflict):
            topics.create_topic(session, TopicIn(slug="health", name="Health again"))
        made = services.create_cooperation(
            session,
            CooperationFields(title="Water", topics=["urban_water"]),
            [Participation(actor_id=lead.id)],
        )
        topics.update_topic(
            session, water, TopicIn(slug="water_management", name="Water management")
        )
        assert [t.slug for t in services.cooperation_topics(session, made.id)] == [
            "water_management"
        ]
        with pytest.raises(Conflict):
            topics.update_topic(session, water, TopicIn(slug="health", name="Water"))
        topics.delete_topic(session, water)
        assert session.scalars(select(CooperationTopic)).first() is None
