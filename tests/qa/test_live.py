"""The Q&A section of the live pages: what each audience's stream and page may see."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event
from agora.qa import live
from tests.conftest import EventFactory, join
from tests.pages.test_stream import open_stream
from tests.qa.conftest import QuestionFactory, configure, new_participant


def test_public_message_has_only_approved_and_answered_questions_without_who_asked(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    asker = new_participant(db, event, name="Ana")
    states = ["approved", "answered", "pending", "rejected", "archived"]
    for state in states:
        make_question(event, f"A {state} one?", participant_id=asker, state=state)

    messages = {name: (data, public) for name, data, public in live.render(db, event.id)}

    public, is_public = messages["qa"]
    assert is_public is True
    assert [q["text"] for q in public["questions"]] == ["A approved one?", "A answered one?"]
    assert set(public["questions"][0]) == {
        "id", "text", "author", "votes", "highlighted", "state", "created_at"
    }  # fmt: skip
    assert "participant" not in json.dumps(public)
    full, is_public = messages["qa_moderation"]
    assert is_public is False
    assert sorted(q["state"] for q in full["questions"]) == sorted(states)
    assert "participant" not in json.dumps(full)


def test_render_of_an_event_without_questions_is_empty_lists(
    db: Database, make_event: EventFactory
) -> None:
    assert live.render(db, make_event().id) == [
        ("qa", {"questions": []}, True),
        ("qa_moderation", {"questions": []}, False),
    ]


def test_page_context_per_role(
    session: Session,
    db: Database,
    make_event: EventFactory,
    make_question: QuestionFactory,
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    asker = new_participant(db, event, name="Marta")
    mine = make_question(event, "Still pending?", participant_id=asker)
    shown = make_question(event, "On the list?", state="approved", highlighted=True)
    make_question(event, "Thrown out?", state="rejected")
    stored = session.get(Event, event.id)
    assert stored is not None

    phone = live.page_context(session, stored, asker, "participant")
    assert [q["id"] for q in phone["by_votes"]] == [shown.id]
    assert [q["id"] for q in phone["mine"]] == [mine.id]
    assert phone["name"] == "Marta"
    assert phone["upvoted"] == set()
    moderator = live.page_context(session, stored, None, "moderator")
    assert [len(moderator[k]) for k in ("pending", "approved", "answered", "closed")] == [
        1,
        1,
        0,
        1,
    ]
    screen = live.page_context(session, stored, None, "screen")
    assert screen["highlighted"]["id"] == shown.id
    assert screen["top"] == []
    stranger = live.page_context(session, stored, None, "participant")
    assert stranger["mine"] == []


def test_participant_stream_gets_the_public_list_and_never_the_moderation_one(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    headers = join(client, event.code)
    with open_stream(client, event) as stream:
        snapshot = stream.until("snapshot")
        assert snapshot.data["sections"]["qa"] == {"questions": []}
        assert "qa_moderation" not in snapshot.data["sections"]
        asked = client.post(
            f"/api/v1/events/{event.code}/questions", json={"text": "Live?"}, headers=headers
        ).json()
        client.post(
            f"/api/v1/audience-questions/{asked['id']}/approve",
            headers={"X-Moderator-Key": event.moderator_key},
        )
        while True:  # the pending question's update may come first, with an empty list
            message = stream.until("qa")
            if message.data["questions"]:
                break
        assert [q["text"] for q in message.data["questions"]] == ["Live?"]
    assert all(m.event != "qa_moderation" for m in stream.seen)


def test_moderator_stream_gets_pending_questions(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    with open_stream(client, event, key=event.moderator_key) as stream:
        assert "qa_moderation" in stream.until("snapshot").data["sections"]
        client.post(
            f"/api/v1/events/{event.code}/questions",
            json={"text": "For the moderator?"},
            headers=join(client, event.code),
        )
        message = stream.until("qa_moderation")
        assert [q["text"] for q in message.data["questions"]] == ["For the moderator?"]
