"""The takeaways section of the live pages: approved ones for everyone, all for moderators."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event
from agora.takeaways import live
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory, new_participant
from tests.takeaways.conftest import TakeawayFactory


def test_public_message_has_approved_takeaways_without_participant_ids(
    db: Database, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    for state in ["approved", "pending", "rejected"]:
        make_takeaway(event, state=state, lesson=f"A {state} lesson")

    messages = {name: (data, public) for name, data, public in live.render(db, event.id)}

    public, is_public = messages["takeaways"]
    assert is_public is True
    assert public["count"] == 1
    assert [t["lesson"] for t in public["takeaways"]] == ["A approved lesson"]
    assert "state" not in public["takeaways"][0]
    assert "participant" not in json.dumps(public)
    full, is_public = messages["takeaways_moderation"]
    assert is_public is False
    assert full["counts"] == {"pending": 1, "approved": 1, "rejected": 1}
    assert full["closed"] is False
    assert "participant" not in json.dumps(full)


def test_page_context_of_a_participant_who_spoke(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, "Marta", organisation="Murcia", place="Murcia", state="done")
    stored = session.get(Event, event.id)
    assert stored is not None
    context = live.page_context(session, stored, turn.participant_id, "participant")
    assert context["turn"]["id"] == turn.id
    assert context["defaults"]["speaker_name"] == "Marta"
    assert context["mine"] == []
    moderator = live.page_context(session, stored, None, "moderator")
    assert [t["id"] for t in moderator["open_turns"]] == [turn.id]
    assert moderator["world_areas"]()["oceania"] == "Oceania"


def test_page_context_of_a_new_participant(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Luca", organisation="Genova")
    stored = session.get(Event, event.id)
    assert stored is not None
    context = live.page_context(session, stored, participant, "participant")
    assert context["turn"] is None
    assert context["defaults"]["organisation"] == "Genova"
