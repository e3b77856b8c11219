"""Actors, memberships and cooperations: what the services store, refuse and keep current."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from pydantic import ValidationError

from agora.core.db import Database
from agora.core.errors import InvalidInput, NotFound
from agora.knowledge import services
from agora.knowledge.models import Actor, Cooperation, Lesson
from agora.knowledge.schemas import (
    ActorFields,
    CooperationFields,
    CooperationIn,
    KnowledgeDocument,
    Participation,
    problems,
)
from tests.knowledge.records_fixtures import ActorFactory, CooperationFactory


def test_find_or_create_finds_an_actor_by_place_code_then_by_name_and_country(
    db: Database, kb_actor: ActorFactory
) -> None:
    graz = kb_actor("Graz", place_code="geonames:2778067", names=["Gradec"])
    with db.session() as session:
        by_code, new = services.find_or_create_actor(
            session, ActorFields(name="City of Graz", country="AT", place_code="geonames:2778067")
        )
        assert (by_code.id, new) == (graz.id, False)
        by_other_name, new = services.find_or_create_actor(
            session, ActorFields(name="gradec", country="AT")
        )
        assert (by_other_name.id, new) == (graz.id, False)
        elsewhere, new = services.find_or_create_actor(
            session, ActorFields(name="Graz", country="DE")
        )
        assert new
        assert elsewhere.id != graz.id


def test_a_membership_needs_a_network(db: Database, kb_actor: ActorFactory) -> None:
    city = kb_actor("Genova", country="IT")
    other = kb_actor("Mar del Plata", country="AR")
    network = kb_actor("EUROCITIES", kind="network", country="BE")
    with db.session() as session:
        member = session.get_one(Actor, city.id)
        with pytest.raises(InvalidInput) as refused:
            services.add_membership(session, member, session.get_one(Actor, other.id))
        assert refused.value.field == "network_id"
        before = member.updated_at
        time.sleep(0.01)
        services.add_membership(
            session, member, session.get_one(Actor, network.id), dt.date(2001, 1, 1)
        )
        assert member.updated_at > before
        assert [n.name for _m, n in services.memberships(session, city.id)] == ["EUROCITIES"]
        services.remove_membership(session, member, network.id)
        assert services.memberships(session, city.id) == []
        with pytest.raises(NotFound):
            services.remove_membership(session, member, network.id)


def test_a_cooperation_keeps_its_parts_and_detects_the_lesson_language(
    db: Database, kb_actor: ActorFactory
) -> None:
    lead = kb_actor("Extremadura", kind="region", country="ES")
    partner = kb_actor("Piura", kind="region", country="PE")
    data = CooperationFields.model_validate(
        {
            "title": "Innovation ecosystem with Piura",
            "programme": "IURC",
            "started_on": "2021-03-01",
            "topics": ["innovation_ecosystems", "health"],
            "activities": [{"kind": "delegation", "date": "2022-05-02", "description": "Experts"}],
            "outcomes": [
                {
                    "kind": "facility_designed",
                    "description": "Technology park design",
                    "evidence_url": "https://example.org/park",
                }
            ],
            "lessons": [
                {
                    "text": "Compartir cómo construimos nuestro ecosistema ayudó a Piura "
                    "a diseñar el suyo."
                }
            ],
        }
    )
    with db.session() as session:
        made = services.create_cooperation(
            session,
            data,
            [Participation(actor_id=lead.id, role="lead"), Participation(actor_id=partner.id)],
        )
        assert [t.slug for t in services.cooperation_topics(session, made.id)] == [
            "health",
            "innovation_ecosystems",
        ]
        assert [x.language for x in services.lessons(session, made.id)] == ["es"]
        assert [(link.role, a.name) for link, a in services.participants(session, made.id)] == [
            ("lead", "Extremadura"),
            ("partner", "Piura"),
        ]
        created = made.updated_at
        time.sleep(0.01)
        services.update_cooperation(
            session,
            made,
            data.model_copy(update={"topics": ["health"]}),
            [Participation(actor_id=lead.id, role="lead")],
        )
        assert made.updated_at > created
        assert len(services.participants(session, made.id)) == 1


def test_an_unknown_topic_or_actor_is_refused_by_its_path(
    db: Database, kb_actor: ActorFactory
) -> None:
    lead = kb_actor()
    with db.session() as session:
        with pytest.raises(InvalidInput) as refused:
            services.create_cooperation(
                session,
                CooperationFields(title="x", topics=["mobility", "urban_water"]),
                [Participation(actor_id=lead.id)],
            )
        assert refused.value.field == "topics[1]"
        with pytest.raises(InvalidInput) as refused:
            services.create_cooperation(
                session,
                CooperationFields(title="x"),
                [Participation(actor_id=lead.id), Participation(actor_id=999_999)],
            )
        assert refused.value.field == "actors[1].actor_id"


def test_deleting_an_actor_touches_its_cooperations(
    db: Database, kb_actor: ActorFactory, kb_cooperation: CooperationFactory
) -> None:
    a, b = kb_actor("Krapina-Zagorje", country="HR"), kb_actor()
    made = kb_cooperation(a, b)
    time.sleep(0.01)
    with db.session() as session:
        services.delete_actor(session, session.get_one(Actor, b.id))
    with db.session() as session:
        stored = session.get_one(Cooperation, made.id)
        assert stored.updated_at > made.updated_at
        assert [x.name for _l, x in services.participants(session, made.id)] == ["Krapina-Zagorje"]
        services.delete_cooperation(session, stored)
    with db.session() as session:
        assert session.get(Cooperation, made.id) is None
        assert session.query(Lesson).count() == 0


def test_validation_names_the_field_by_its_path() -> None:
    with pytest.raises(ValidationError) as error:
        KnowledgeDocument.model_validate(
            {
                "actors": [{"key": "a", "name": "Hamburg", "country": "DE"}],
                "cooperations": [
                    {"title": "ok", "actors": [{"actor": "a"}]},
                    {
                        "title": "",
                        "actors": [{"actor": "a", "role": "host"}],
                        "ended_on": "2020-01-01",
                        "started_on": "2021-01-01",
                    },
                ],
            }
        )
    found = dict(problems(error.value))
    assert "cooperations[1].title" in found
    assert "cooperations[1].actors[0].role" in found
    with pytest.raises(ValidationError) as error:
        ActorFields.model_validate({"name": "Genova", "country": "ITA", "world_area": "moon"})
    found = dict(problems(error.value))
    assert found["country"].startswith("Give a two-letter ISO 3166-1 country code")
    assert found["world_area"].startswith("Give one of these world areas")
    with pytest.raises(ValidationError) as error:
        CooperationIn.model_validate({"title": "x", "actors": [{"actor_id": 1}, {"actor_id": 1}]})
    assert dict(problems(error.value))["actors"] == "An actor is listed twice."
