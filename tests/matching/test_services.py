"""Matching on the database: the demo's Hamburg, profiles saved, analyses edited and restored."""

from __future__ import annotations

import pytest

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.demo.matching import seed_matching
from agora.matching import services
from agora.matching.scoring import COMPONENTS
from tests.conftest import OrganiserFactory


def test_hamburg_matches_for_digital_services_and_mobility(
    db: Database, match_demo: dict[str, int]
) -> None:
    hamburg = match_demo["Hamburg"]
    with db.session() as session:
        goal = services.check_goal(session, ["digital_transition", "mobility"])
        result = services.match(session, hamburg, goal, limit=5)
    names = [m.name for m in result.matches]
    assert len(names) == 5
    assert "City of Melbourne" not in names  # already a partner
    assert "EUROCITIES" not in names  # networks are not candidates by default
    assert result.matches[0].total >= result.matches[-1].total
    first = result.matches[0]
    assert [c.name for c in first.components] == list(COMPONENTS)
    assert all(c.explanation for c in first.components)


def test_the_seed_is_idempotent(db: Database, match_demo: dict[str, int]) -> None:
    with db.session() as session:
        before = len(services.cooperations(session))
        seed_matching(session)
    with db.session() as session:
        assert len(services.cooperations(session)) == before


def test_find_actor_by_id_or_name(db: Database, match_demo: dict[str, int]) -> None:
    with db.session() as session:
        assert services.find_actor(session, "hamburg").id == match_demo["Hamburg"]
        assert services.find_actor(session, str(match_demo["Seoul"])).name == "Seoul"
        with pytest.raises(InvalidInput, match="Several actors"):
            services.find_actor(session, "ham")
        with pytest.raises(NotFound):
            services.find_actor(session, "Atlantis")


def test_a_goal_with_an_unknown_topic_names_the_field(
    db: Database, match_demo: dict[str, int]
) -> None:
    with db.session() as session, pytest.raises(InvalidInput) as error:
        services.check_goal(session, ["quantum_farming"])
    assert error.value.field == "topics"


def test_a_saved_profile_is_self_assessed_and_checked(
    db: Database, match_demo: dict[str, int]
) -> None:
    graz = match_demo["Graz"]
    with db.session() as session:
        services.save_profile(
            session,
            graz,
            {"offers": ["health"], "languages": ["de", "EN"], "dimensions": {"governance": 0.7}},
        )
    with db.session() as session:
        profile = services.profile_of(session, graz)
        assert profile.offers == ("health",)
        assert profile.languages == ("de", "en")
        assert profile.dimensions["governance"].source == "self"
        assert profile.dimensions["technology"].source == "derived"
        with pytest.raises(InvalidInput) as error:
            services.save_profile(session, graz, {"world_areas": ["atlantis"]})
        assert error.value.field == "world_areas"
        with pytest.raises(InvalidInput) as error:
            services.save_profile(session, graz, {"seeks": ["nothing"]})
        assert error.value.field == "seeks"


def test_benefit_sections_keep_their_revisions_and_restore(
    db: Database, match_demo: dict[str, int], make_organiser: OrganiserFactory
) -> None:
    hamburg, seoul = match_demo["Hamburg"], match_demo["Seoul"]
    organiser = make_organiser()
    with db.session() as session:
        goal = services.check_goal(session, ["digital_transition", "mobility"])
        drafted = services.analysis(session, hamburg, seoul, goal)
        assert "Seoul" in drafted.texts["benefits"]
        assert drafted.edited is False
        first = services.save_benefit_section(
            session, hamburg, seoul, "risks", "- Time zones: plan calls early.", organiser.id
        )
        assert first is not None
        same = services.save_benefit_section(
            session, hamburg, seoul, "risks", "- Time zones: plan calls early.  ", organiser.id
        )
        assert same is None
        services.save_benefit_section(session, hamburg, seoul, "risks", "Other", organiser.id)
        current = services.benefit_revisions(session, hamburg, seoul, "risks")[0]
        with pytest.raises(Conflict):
            services.restore_benefit_revision(session, hamburg, seoul, current.id, organiser.id)
        services.restore_benefit_revision(session, hamburg, seoul, first.id, organiser.id)
        edited = services.analysis(session, hamburg, seoul, goal)
        assert edited.texts["risks"] == "- Time zones: plan calls early."
        assert len(edited.revisions["risks"]) == 3
        assert edited.edited is True
        with pytest.raises(InvalidInput) as error:
            services.save_benefit_section(session, hamburg, seoul, "gossip", "x", organiser.id)
        assert error.value.field == "section"
        with pytest.raises(InvalidInput):
            services.analysis(session, hamburg, hamburg, goal)


def test_the_seed_reuses_actors_and_partnerships_already_in_the_knowledge_base(
    db: Database,
) -> None:
    from sqlalchemy import func, select

    from agora.knowledge.models import Actor, ActorKind, Cooperation, CooperationActor

    with db.session() as session:
        hamburg = Actor(kind=ActorKind.city, name="Hamburg", country="DE")
        melbourne = Actor(kind=ActorKind.city, name="Melbourne", country="AU")
        session.add_all([hamburg, melbourne])
        session.flush()
        told = Cooperation(title="Told in the session")
        session.add(told)
        session.flush()
        session.add_all(
            [
                CooperationActor(cooperation_id=told.id, actor_id=hamburg.id, role="lead"),
                CooperationActor(cooperation_id=told.id, actor_id=melbourne.id),
            ]
        )
        session.flush()
        actors = seed_matching(session)
        assert actors["Hamburg"].id == hamburg.id
        assert actors["City of Melbourne"].id == melbourne.id
        assert melbourne.timezone == "Australia/Melbourne"  # completed, not replaced
        titles = session.scalars(select(Cooperation.title)).all()
        assert "Told in the session" in titles
        assert "Hamburg and Melbourne: digital public services and mobility" not in titles
        assert (
            session.scalar(select(func.count()).select_from(Actor).where(Actor.name == "Hamburg"))
            == 1
        )


def test_candidates_are_built_once_until_the_knowledge_changes(
    db: Database, match_demo: dict[str, int]
) -> None:
    from agora.knowledge.models import Actor, ActorKind, ActorMembership

    with db.session() as session:
        first = services.kept_candidates(session)
        assert services.kept_candidates(session) is first  # nothing changed: kept
    with db.session() as session:
        session.add(Actor(kind=ActorKind.city, name="Lyon", country="FR"))
    with db.session() as session:
        second = services.kept_candidates(session)
        assert second is not first
        assert "Lyon" in {p.actor.name for p in second.profiles}
        hamburg, seoul = match_demo["Hamburg"], match_demo["Seoul"]
        session.add(ActorMembership(member_id=seoul, network_id=hamburg))
    with db.session() as session:
        assert services.kept_candidates(session) is not second  # a new membership
