"""Promoting a takeaway: the prefilled record, the review of ambiguous places, once only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput
from agora.knowledge import promotion, services
from agora.knowledge.models import Actor, Cooperation, CooperationSource
from agora.takeaways.models import Takeaway, TakeawayState
from tests.conftest import EventFactory
from tests.knowledge.records_fixtures import ActorFactory, ApprovedFactory

MURCIA = {
    "speaker_name": "Lucía Pérez",
    "organisation": "",
    "place": "Murcia",
    "country": "ES",
    "partners": [
        {
            "organisation": "Partner city in China",
            "place": "",
            "country": "CN",
            "world_area": "asia",
        }
    ],
    "topics": ["culture", "heritage preservation"],
    "outcomes": [{"kind": "policy_adapted", "description": "Local policies adapted", "date": ""}],
    "lesson": "Exchanging solutions on heritage with our partner city led us to adapt policies.",
}


def test_an_unambiguous_takeaway_is_prefilled_with_actors_topics_outcomes_and_lesson(
    db: Database, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(
        event, place="Krapina-Zagorje County", country="HR", organisation="Krapina-Zagorje County"
    )
    with db.session() as session:
        draft = promotion.prefill(session, session.get_one(Takeaway, takeaway.id))
    assert not draft.needs_review
    lead, melbourne, canberra = draft.slots
    assert lead.chosen == "place:HR-02"
    assert melbourne.chosen == "place:geonames:2158177"  # Melbourne, AU
    assert canberra.name == "ACT Government"
    assert draft.topics == ["digital_transition", "mobility"]
    assert draft.outcomes[0].kind.value == "expert_exchange"
    assert draft.lessons[0].language == "en"
    assert draft.title.startswith("Krapina-Zagorje County with")


def test_an_ambiguous_place_waits_for_the_moderators_choice(
    db: Database, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(event, **MURCIA)
    with db.session() as session:
        stored = session.get_one(Takeaway, takeaway.id)
        draft = promotion.prefill(session, stored)
        lead = draft.slots[0]
        assert draft.needs_review
        assert lead.ambiguous
        keys = [c.key for c in lead.candidates]
        assert {"place:ES-MC", "place:geonames:2513416"} <= set(keys)  # the region, the city
        assert keys[-1] == promotion.NEW
        with pytest.raises(InvalidInput) as refused:
            promotion.promote(session, stored, promotion.Review())
        assert refused.value.field == "lead"
        with pytest.raises(InvalidInput) as refused:
            promotion.promote(session, stored, promotion.Review(choices={"lead": "place:FR"}))
        assert refused.value.field == "lead"
        assert session.scalars(select(Cooperation)).first() is None  # nothing saved
        made = promotion.promote(
            session, stored, promotion.Review(programme="IURC", choices={"lead": "place:ES-MC"})
        )
    with db.session() as session:
        cooperation = session.get_one(Cooperation, made.id)
        assert (cooperation.source, cooperation.takeaway_id, cooperation.event_id) == (
            CooperationSource.session,
            takeaway.id,
            event.id,
        )
        assert cooperation.speaker_name == "Lucía Pérez"
        assert cooperation.programme == "IURC"
        actors = [(link.role, actor) for link, actor in services.participants(session, made.id)]
        assert [(r, a.name, a.place_code) for r, a in actors] == [
            ("lead", "Murcia", "ES-MC"),
            ("partner", "Partner city in China", ""),
        ]
        assert actors[0][1].provenance == f"session:{event.code}"
        assert actors[0][1].latitude is not None


def test_a_takeaway_is_promoted_once(
    db: Database, make_event: EventFactory, kb_approved: ApprovedFactory
) -> None:
    event = make_event()
    takeaway = kb_approved(event, place="Graz", country="AT", partners=[])
    with db.session() as session:
        stored = session.get_one(Takeaway, takeaway.id)
        made = promotion.promote(session, stored, promotion.Review())
    with db.session() as session:
        stored = session.get_one(Takeaway, takeaway.id)
        with pytest.raises(Conflict) as refused:
            promotion.promote(session, stored, promotion.Review())
        assert f"/knowledge/cooperations/{made.id}" in refused.value.message


def test_a_known_actor_is_reused_and_a_pending_takeaway_refused(
    db: Database, make_event: EventFactory, kb_approved: ApprovedFactory, kb_actor: ActorFactory
) -> None:
    melbourne = kb_actor("City of Melbourne", country="AU", place_code="geonames:2158177")
    event = make_event()
    takeaway = kb_approved(event, place="Graz", country="AT")
    with db.session() as session:
        stored = session.get_one(Takeaway, takeaway.id)
        draft = promotion.prefill(session, stored)
        assert draft.slots[1].chosen == f"actor:{melbourne.id}"
        stored.state = TakeawayState.pending
        with pytest.raises(Conflict):
            promotion.prefill(session, stored)
        stored.state = TakeawayState.approved
        made = promotion.promote(session, stored, promotion.Review())
        ids = [a.id for _l, a in services.participants(session, made.id)]
        assert melbourne.id in ids
        assert (
            session.scalars(select(Actor).where(Actor.name == "City of Melbourne")).all()[0].id
            == melbourne.id
        )


def test_an_organisation_named_as_a_cluster_or_university_keeps_that_kind() -> None:
    from agora.knowledge.models import ActorKind
    from agora.knowledge.promotion import _kind_named

    assert _kind_named("Human Technology Styria (HTS) cluster") is ActorKind.cluster
    assert _kind_named("Universidad Nacional de Piura") is ActorKind.university
    assert _kind_named("EUROCITIES network") is ActorKind.network
    assert _kind_named("Municipality of Mar del Plata") is None  # the place says: a city
