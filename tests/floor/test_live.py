"""The floor section of the live pages: what each audience's stream and page may see."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event
from agora.floor import live
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory


def test_public_message_names_speakers_without_participant_ids(
    db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    speaker = make_request(event, "Hamburg", organisation="City", place="Hamburg", topic="ICT",
                           state="speaking")  # fmt: skip
    waiting = [make_request(event, name) for name in ["A", "B", "C", "D"]]
    make_request(event, "Gone", state="withdrawn")

    messages = {name: (data, public) for name, data, public in live.render(db, event.id)}

    public, is_public = messages["floor"]
    assert is_public is True
    assert public["speaking"]["name"] == "Hamburg"
    assert public["speaking"]["place"] == "Hamburg"
    assert public["speaking"]["started_at"].endswith("+00:00")
    assert [r["name"] for r in public["next"]] == ["A", "B", "C"]
    assert public["waiting"] == 4
    assert public["queue"] == [r.id for r in waiting]
    assert "participant" not in json.dumps(public)
    assert speaker.participant_id is not None

    full, is_public = messages["floor_moderation"]
    assert is_public is False
    assert [r["name"] for r in full["waiting"]] == ["A", "B", "C", "D"]
    assert [r["name"] for r in full["earlier"]] == ["Gone"]
    assert full["speaking"]["takeaway"] is False
    assert "participant" not in json.dumps(full)


def test_render_of_an_empty_floor(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    assert live.render(db, event.id) == [
        ("floor", {"speaking": None, "next": [], "waiting": 0, "queue": []}, True),
        ("floor_moderation", {"speaking": None, "waiting": [], "earlier": []}, False),
    ]


def test_page_context_marks_the_participants_own_request(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    make_request(event, "First")
    mine = make_request(event, "Me", place="Genova")
    stored = session.get(Event, event.id)
    assert stored is not None
    context = live.page_context(session, stored, mine.participant_id, "participant")
    assert context["mine"]["id"] == mine.id
    assert context["mine"]["number"] == 2
    assert context["defaults"] == {"name": "Me", "organisation": "", "place": "Genova"}
    assert "moderation" not in context
    moderator = live.page_context(session, stored, None, "moderator")
    assert len(moderator["moderation"]["waiting"]) == 2
    screen = live.page_context(session, stored, None, "screen")
    assert "mine" not in screen
    assert screen["elapsed"] == 0
