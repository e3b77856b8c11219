"""The Q&A JSON API: asking, listing, upvoting and moderating, and who may do what."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from tests.conftest import EventFactory, join
from tests.qa.conftest import QuestionFactory, configure, stored_question, vote_rows


def moderator(event: Event) -> dict[str, str]:
    return {"X-Moderator-Key": event.moderator_key}


def ask(
    client: TestClient, event: Event, headers: dict[str, str], text: str, **fields: object
) -> dict[str, object]:
    response = client.post(
        f"/api/v1/events/{event.code}/questions", json={"text": text, **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_participant_asks_and_everyone_sees_it_without_who_asked(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    asker = join(client, event.code, name="Ana")
    body = ask(client, event, asker, "How <i>long</i> did the MoU take?")
    assert body["state"] == "approved"
    assert body["author"] == "Ana"
    assert body["votes"] == 0
    assert str(body["created_at"]).endswith("Z")  # UTC, also from SQLite
    listed = client.get(f"/api/v1/events/{event.code}/questions").json()
    assert [q["text"] for q in listed] == ["How <i>long</i> did the MoU take?"]
    assert listed[0]["upvoted"] is None  # not a participant of the event
    assert "participant_id" not in listed[0]


def test_anonymous_question_through_the_api(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    body = ask(client, event, join(client, event.code, name="Ana"), "Who?", anonymous=True)
    assert body["author"] == ""


def test_invalid_question_is_a_422_with_the_field(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_anonymous=False)
    headers = join(client, event.code)
    short = client.post(
        f"/api/v1/events/{event.code}/questions", json={"text": "Hi"}, headers=headers
    )
    assert short.status_code == 422
    assert short.json()["field"] == "text"
    nameless = client.post(
        f"/api/v1/events/{event.code}/questions", json={"text": "Why?"}, headers=headers
    )
    assert nameless.status_code == 422
    assert nameless.json()["field"] == "author_name"
    assert "anonymous" in nameless.json()["message"]


def test_profane_question_is_refused_with_a_clear_message(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(language="de"), qa_profanity_filter=True)
    response = client.post(
        f"/api/v1/events/{event.code}/questions",
        json={"text": "Warum dauert das so scheiße lange?"},
        headers=join(client, event.code),
    )
    assert response.status_code == 422
    assert "rephrase" in response.json()["message"]
    assert client.get(f"/api/v1/events/{event.code}/questions").json() == []


def test_asking_needs_a_participant_of_that_event(
    client: TestClient, make_event: EventFactory
) -> None:
    event, other = make_event(), make_event()
    url = f"/api/v1/events/{event.code}/questions"
    assert client.post(url, json={"text": "Anyone?"}).status_code == 401
    elsewhere = client.post(url, json={"text": "Anyone?"}, headers=join(client, other.code))
    assert elsewhere.status_code == 404
    assert client.get(f"/api/v1/events/{event.code}/questions").json() == []


def test_pending_questions_are_invisible_to_participants_until_approved(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    headers = join(client, event.code)
    body = ask(client, event, headers, "Pending for now?")
    assert body["state"] == "pending"
    url = f"/api/v1/events/{event.code}/questions"
    assert client.get(url, headers=headers).json() == []
    assert [q["state"] for q in client.get(url, headers=moderator(event)).json()] == ["pending"]
    upvote = client.post(f"/api/v1/audience-questions/{body['id']}/upvote", headers=headers)
    assert upvote.status_code == 404

    approved = client.post(
        f"/api/v1/audience-questions/{body['id']}/approve", headers=moderator(event)
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert [q["text"] for q in client.get(url, headers=headers).json()] == ["Pending for now?"]


def test_only_moderators_moderate(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    url = f"/api/v1/audience-questions/{question.id}/highlight"
    for headers in ({}, join(client, event.code), {"X-Moderator-Key": make_event().moderator_key}):
        refused = client.post(url, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["message"] == "Only the event's moderators may do this."
    done = client.post(url, headers=moderator(event))
    assert done.status_code == 200
    assert done.json()["highlighted"] is True


def test_refused_transition_is_a_409_and_unknown_action_a_422(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event, state="pending")
    conflict = client.post(
        f"/api/v1/audience-questions/{question.id}/answer", headers=moderator(event)
    )
    assert conflict.status_code == 409
    assert "cannot be changed by 'answer'" in conflict.json()["message"]
    unknown = client.post(
        f"/api/v1/audience-questions/{question.id}/delete", headers=moderator(event)
    )
    assert unknown.status_code == 422
    missing = client.post("/api/v1/audience-questions/999999/approve", headers=moderator(event))
    assert missing.status_code == 404


def test_upvote_is_idempotent_and_can_be_withdrawn(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    headers = join(client, event.code)
    url = f"/api/v1/audience-questions/{question.id}/upvote"
    first, again = client.post(url, headers=headers), client.post(url, headers=headers)
    assert first.json() == {
        "question_id": question.id,
        "votes": 1,
        "upvoted": True,
        "changed": True,
    }
    assert again.json() == {
        "question_id": question.id,
        "votes": 1,
        "upvoted": True,
        "changed": False,
    }
    listed = client.get(f"/api/v1/events/{event.code}/questions", headers=headers).json()
    assert listed[0]["upvoted"] is True
    withdrawn = client.delete(url, headers=headers)
    assert withdrawn.json() == {
        "question_id": question.id,
        "votes": 0,
        "upvoted": False,
        "changed": True,
    }
    assert client.delete(url, headers=headers).json()["changed"] is False
    assert vote_rows(db, question.id) == 0
    assert stored_question(db, question.id).votes == 0


def test_upvote_needs_a_participant_of_the_question_s_event(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    question = make_question(make_event())
    url = f"/api/v1/audience-questions/{question.id}/upvote"
    assert client.post(url).status_code == 401
    outsider = client.post(url, headers=join(client, make_event().code))
    assert outsider.status_code == 404
    assert vote_rows(db, question.id) == 0


def test_answered_question_takes_no_more_votes(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event, state="answered")
    response = client.post(
        f"/api/v1/audience-questions/{question.id}/upvote", headers=join(client, event.code)
    )
    assert response.status_code == 409


def test_list_orders_by_votes_or_by_time(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    older = make_question(event, "Older?")
    newer = make_question(event, "Newer?")
    client.post(f"/api/v1/audience-questions/{older.id}/upvote", headers=join(client, event.code))
    url = f"/api/v1/events/{event.code}/questions"
    assert [q["id"] for q in client.get(url).json()] == [older.id, newer.id]
    assert [q["id"] for q in client.get(url, params={"order": "time"}).json()] == [
        newer.id,
        older.id,
    ]
    assert client.get(url, params={"order": "random"}).status_code == 422


def test_moderator_changes_the_rules_and_everyone_can_read_them(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event(language="hr")
    url = f"/api/v1/events/{event.code}/qa-settings"
    assert client.get(url).json() == {
        "moderated": False,
        "anonymous": True,
        "profanity_filter": False,
        "profanity_languages": ["hr", "en"],
    }
    refused = client.patch(url, json={"moderated": True}, headers=join(client, event.code))
    assert refused.status_code == 403
    changed = client.patch(
        url, json={"moderated": True, "profanity_filter": True}, headers=moderator(event)
    )
    assert changed.status_code == 200
    assert changed.json()["moderated"] is True
    assert changed.json()["anonymous"] is True  # left out: unchanged
    body = ask(client, event, join(client, event.code), "Now pending?")
    assert body["state"] == "pending"
