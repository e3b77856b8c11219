"""The polls JSON API: creating and running polls, permissions, responses of every kind, results."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll, PollState, Response
from agora.polls.ranking import RANKING_METHODS
from tests.conftest import EventFactory, OrganiserFactory, PollFactory, join, question


def moderator(event: Event) -> dict[str, str]:
    return {"X-Moderator-Key": event.moderator_key}


def count_responses(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def stored_answers(db: Database, question_id: int) -> list[dict[str, Any]]:
    with db.session() as session:
        return list(
            session.scalars(select(Response.answer).where(Response.question_id == question_id))
        )


def stored_state(db: Database, poll_id: int) -> PollState:
    with db.session() as session:
        poll = session.get(Poll, poll_id)
        assert poll is not None
        return poll.state


def respond(
    client: TestClient,
    question_id: int,
    answer: Any,
    headers: dict[str, str],
) -> httpx2.Response:
    return client.post(
        f"/api/v1/questions/{question_id}/responses", json={"answer": answer}, headers=headers
    )


def error_of(response: httpx2.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["message"]
    return body


# -- creating polls -----------------------------------------------------------------------

#: A question of every kind, as an API client sends it.
QUESTIONS: dict[str, dict[str, Any]] = {
    "single_choice": {"options": ["Asia", "Africa"]},
    "multiple_choice": {"options": ["Asia", "Africa", "Oceania"], "max_choices": 2},
    "ranking": {
        "options": [{"id": "asia", "label": "Asia"}, {"id": "latam", "label": "Latin America"}],
        "ranking_method": "borda",
    },
    "open_text": {"max_length": 120, "max_entries": 2},
    "word_cloud": {"max_entries": 3},
    "rating": {"scale_max": 10, "min_label": "not at all", "max_label": "very"},
    "points": {"options": ["Asia", "Africa"], "budget": 10},
}


def test_organiser_creates_an_event_and_a_poll_of_every_kind(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    created = client.post(
        "/api/v1/events",
        json={"title": "EU Regions Week", "starts_on": "2023-10-10", "code": "eu-week"},
        headers=organiser.headers,
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["code"] == "EUWEEK"
    assert event["participant_url"] == "http://testserver/e/EUWEEK"

    polls = []
    for kind, fields in QUESTIONS.items():
        response = client.post(
            "/api/v1/events/euweek/polls",
            json={"title": kind, "questions": [{"kind": kind, "prompt": f"{kind}?", **fields}]},
            headers=organiser.headers,
        )
        assert response.status_code == 201, response.text
        polls.append(response.json())

    assert [p["state"] for p in polls] == ["draft"] * 7
    assert [p["position"] for p in polls] == list(range(7))
    assert [p["questions"][0]["kind"] for p in polls] == list(QUESTIONS)
    configs = {p["questions"][0]["kind"]: p["questions"][0]["config"] for p in polls}
    assert [o["label"] for o in configs["single_choice"]["options"]] == ["Asia", "Africa"]
    assert configs["multiple_choice"]["max_choices"] == 2
    assert [o["id"] for o in configs["ranking"]["options"]] == ["asia", "latam"]
    assert configs["ranking"]["ranking_method"] == "borda"
    assert configs["open_text"]["max_length"] == 120
    assert configs["word_cloud"]["max_length"] == 40  # a word cloud wants a word or two
    assert configs["rating"]["scale_max"] == 10
    assert configs["points"]["budget"] == 10

    as_moderator = client.get("/api/v1/events/EUWEEK/polls", headers=organiser.headers)
    assert [p["id"] for p in as_moderator.json()] == [p["id"] for p in polls]
    as_participant = client.get("/api/v1/events/EUWEEK/polls")
    assert as_participant.json() == []  # drafts are the moderators' business


def test_poll_with_a_misconfigured_question_is_refused_with_the_question_named(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.code}/polls",
        json={
            "questions": [
                {"kind": "rating", "prompt": "How useful?"},
                {"kind": "multiple_choice", "prompt": "Which?", "options": ["A"], "max_choices": 3},
            ]
        },
        headers=moderator(event),
    )

    body = error_of(response, 422)
    assert body["field"] == "questions[1].max_choices"
    assert "between 1 and 1" in body["message"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Poll)) == 0


def test_poll_of_an_unknown_kind_is_refused_by_the_schema(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.code}/polls",
        json={"questions": [{"kind": "lottery", "prompt": "Feeling lucky?"}]},
        headers=moderator(event),
    )

    body = error_of(response, 422)
    assert body["field"] == "questions.0.kind"


# -- running polls --------------------------------------------------------------------------


def test_moderator_opens_closes_reveals_hides_and_duplicates_a_poll(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"), state="draft", title="Usefulness")

    def act(action: str) -> dict[str, Any]:
        response = client.post(f"/api/v1/polls/{poll.id}/{action}", headers=moderator(event))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert act("open")["state"] == "open"
    assert stored_state(db, poll.id) is PollState.open
    assert act("close")["state"] == "closed"
    assert act("reopen")["state"] == "open"
    assert act("reveal")["results_visible"] is True
    assert act("hide")["results_visible"] is False
    copy = act("duplicate")
    assert copy["id"] != poll.id
    assert (copy["state"], copy["title"], copy["position"]) == ("draft", "Usefulness (copy)", 1)
    assert [q["kind"] for q in copy["questions"]] == ["rating"]
    assert act("close")["state"] == "closed"
    assert act("archive")["state"] == "archived"
    assert act("restore")["state"] == "closed"


def test_open_poll_cannot_be_archived_through_the_api(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)

    response = client.post(f"/api/v1/polls/{poll.id}/archive", headers=moderator(event))

    body = error_of(response, 409)
    assert body["message"] == "A poll that is open cannot be changed by 'archive'."
    assert stored_state(db, poll.id) is PollState.open


def test_unknown_poll_action_is_refused(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)

    body = error_of(client.post(f"/api/v1/polls/{poll.id}/explode", headers=moderator(event)), 422)
    assert "'explode' is not a poll action" in body["message"]


def test_patch_changes_a_poll_s_settings(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    first = make_poll(event)
    second = make_poll(event, question("rating"), question("open_text"))

    response = client.patch(
        f"/api/v1/polls/{second.id}",
        json={"allow_change": True, "screen_position": 1, "position": 0},
        headers=moderator(event),
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["allow_change"], body["screen_position"], body["position"]) == (True, 1, 0)
    listed = client.get(f"/api/v1/events/{event.code}/polls", headers=moderator(event)).json()
    assert [p["id"] for p in listed] == [second.id, first.id]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"screen_position": 2}, "screen_position"),
        ({"screen_position": -1}, "screen_position"),
        ({"state": "open"}, "state"),
    ],
)
def test_patch_refuses_invalid_settings(
    client: TestClient,
    make_event: EventFactory,
    make_poll: PollFactory,
    patch: dict[str, Any],
    field: str,
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"), question("open_text"))

    body = error_of(
        client.patch(f"/api/v1/polls/{poll.id}", json=patch, headers=moderator(event)), 422
    )

    assert body["field"] == field
    again = client.get(f"/api/v1/polls/{poll.id}", headers=moderator(event)).json()
    assert (again["screen_position"], again["state"]) == (0, "open")


# -- permissions ----------------------------------------------------------------------------


def test_creating_an_event_needs_an_organiser_token(client: TestClient) -> None:
    event = {"title": "Anonymous", "starts_on": "2023-10-10"}

    missing = error_of(client.post("/api/v1/events", json=event), 401)
    forged = error_of(
        client.post("/api/v1/events", json=event, headers={"Authorization": "Bearer agora_forged"}),
        401,
    )

    assert "API token" in missing["message"]
    assert forged["error"] == "NotAuthenticated"


def test_only_the_event_s_moderators_may_create_and_run_polls(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    make_organiser: OrganiserFactory,
) -> None:
    owner = make_organiser(email="owner@example.org")
    stranger = make_organiser(email="stranger@example.org")
    event = make_event(organiser_id=owner.id)
    poll = make_poll(event, state="draft")
    participant = join(client, event.code)
    new_poll = {"questions": [{"kind": "rating", "prompt": "How useful?"}]}
    refused: list[dict[str, str]] = [
        {},
        participant,
        stranger.headers,
        {"X-Moderator-Key": "not-the-key"},
    ]

    for headers in refused:
        create = client.post(f"/api/v1/events/{event.code}/polls", json=new_poll, headers=headers)
        assert error_of(create, 403)["message"] == "Only the event's moderators may do this."
        opened = client.post(f"/api/v1/polls/{poll.id}/open", headers=headers)
        assert error_of(opened, 403)["error"] == "NotAllowed"
        patched = client.patch(
            f"/api/v1/polls/{poll.id}", json={"results_visible": True}, headers=headers
        )
        assert patched.status_code == 403
        assert client.get(f"/api/v1/polls/{poll.id}", headers=headers).status_code == 403

    assert stored_state(db, poll.id) is PollState.draft
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Poll)) == 1

    owned = client.post(f"/api/v1/polls/{poll.id}/open", headers=owner.headers)
    assert owned.status_code == 200, owned.text
    assert stored_state(db, poll.id) is PollState.open


def test_actions_on_an_unknown_poll_are_not_found(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()

    body = error_of(client.post("/api/v1/polls/424242/open", headers=moderator(event)), 404)

    assert body["message"] == "There is no poll 424242."


# -- results --------------------------------------------------------------------------------


def test_participants_see_results_only_while_they_are_revealed(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)
    qid = poll.questions[0].id
    participant = join(client, event.code)
    assert respond(client, qid, {"option": "o2"}, participant).status_code == 201
    url = f"/api/v1/questions/{qid}/results"

    hidden = error_of(client.get(url, headers=participant), 403)
    assert hidden["message"] == "Only the event's moderators may do this."
    assert client.get(url, headers=moderator(event)).json()["voters"] == 1

    client.post(f"/api/v1/polls/{poll.id}/reveal", headers=moderator(event))
    shown = client.get(url, headers=participant)
    assert shown.status_code == 200, shown.text
    assert shown.json()["voters"] == 1
    assert [o["count"] for o in shown.json()["options"]] == [0, 1, 0, 0]

    client.post(f"/api/v1/polls/{poll.id}/hide", headers=moderator(event))
    assert client.get(url, headers=participant).status_code == 403


def test_results_of_a_draft_poll_stay_hidden_even_when_marked_visible(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, state="draft", results_visible=True)
    url = f"/api/v1/questions/{poll.questions[0].id}/results"

    assert client.get(url).status_code == 403
    assert client.get(url, headers=moderator(event)).status_code == 200


RANKING_OPTIONS = ["asia", "oceania", "latam", "north-america", "africa"]
BALLOTS = [
    ["latam", "asia", "africa", "oceania", "north-america"],
    ["latam", "asia", "oceania", "north-america", "africa"],
    ["asia", "oceania", "latam", "africa", "north-america"],
    ["africa", "asia", "oceania", "latam", "north-america"],
    ["oceania", "asia", "latam", "north-america", "africa"],
]


@pytest.mark.parametrize("method", list(RANKING_METHODS))
def test_ranking_results_are_counted_by_the_method_asked_for(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory, method: str
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking", options=RANKING_OPTIONS), results_visible=True)
    qid = poll.questions[0].id
    ids = [o["id"] for o in poll.questions[0].config["options"]]
    by_label = dict(zip(RANKING_OPTIONS, ids, strict=True))
    for ballot in BALLOTS:
        answer = {"ranking": [by_label[label] for label in ballot]}
        assert respond(client, qid, answer, join(client, event.code)).status_code == 201

    response = client.get(f"/api/v1/questions/{qid}/results", params={"method": method})

    assert response.status_code == 200, response.text
    result = response.json()
    expected = RANKING_METHODS[method][1](
        ids, {tuple(by_label[label] for label in ballot): 1 for ballot in BALLOTS}
    )
    assert result["method"] == method
    assert result["ballots"] == 5
    assert [o["id"] for o in result["options"]] == expected.order
    assert {o["id"]: o["score"] for o in result["options"]} == pytest.approx(expected.scores)


def test_unknown_ranking_method_is_refused_with_the_methods_listed(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"), results_visible=True)
    url = f"/api/v1/questions/{poll.questions[0].id}/results"

    body = error_of(client.get(url, params={"method": "dictator"}), 422)

    assert body["field"] == "method"
    assert "'dictator' is not a ranking method" in body["message"]
    assert "schulze" in body["message"]
    assert client.get(url, params={"method": "x" * 33}).status_code == 422


def test_method_on_a_question_that_is_not_a_ranking_is_refused(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"), results_visible=True)

    response = client.get(
        f"/api/v1/questions/{poll.questions[0].id}/results", params={"method": "borda"}
    )

    assert 400 <= response.status_code < 500
    assert "ranking" in response.json()["message"]


# -- responses of every kind ------------------------------------------------------------------

#: kind → (question settings, a valid answer, what is stored, typical invalid answers and the
#: field each one is refused for). Options are o1…o4 unless given.
KINDS: dict[str, tuple[dict[str, Any], Any, Any, list[tuple[Any, str | None]]]] = {
    "single_choice": (
        {},
        {"option": "o3"},
        {"option": "o3"},
        [
            ({"option": "o9"}, "option"),
            ({"option": 1}, "option"),
            ({"options": ["o1"]}, "options"),
            ({}, "option"),
            (["o1"], None),
        ],
    ),
    "multiple_choice": (
        {"max_choices": 2},
        {"options": ["o4", "o1"]},
        {"options": ["o1", "o4"]},
        [
            ({"options": []}, "options"),
            ({"options": ["o1", "o2", "o3"]}, "options"),
            ({"options": ["o1", "o1"]}, "options[1]"),
            ({"options": "o1"}, "options"),
        ],
    ),
    "ranking": (
        {"top_k": 2},
        {"ranking": ["o2", "o4"]},
        {"ranking": ["o2", "o4"]},
        [
            ({"ranking": ["o2"]}, "ranking"),
            ({"ranking": ["o2", "o2"]}, "ranking[1]"),
            ({"ranking": ["o2", "zz"]}, "ranking[1]"),
        ],
    ),
    "open_text": (
        {"max_length": 20},
        {"texts": ["  City Science  "]},
        {"texts": ["City Science"]},
        [
            ({"texts": ["x" * 21]}, "texts[0]"),
            ({"texts": ["   "]}, "texts[0]"),
            ({"texts": []}, "texts"),
            ({"texts": ["one", "two"]}, "texts"),
            ({"texts": [42]}, "texts[0]"),
        ],
    ),
    "word_cloud": (
        {"max_entries": 3},
        {"words": ["energy", "climate"]},
        {"words": ["energy", "climate"]},
        [
            ({"words": ["energy", "Energy"]}, "words[1]"),
            ({"words": ["a", "b", "c", "d"]}, "words"),
            ({"words": ["x" * 41]}, "words[0]"),
        ],
    ),
    "rating": (
        {"scale_max": 5},
        {"value": 5},
        {"value": 5},
        [
            ({"value": 0}, "value"),
            ({"value": 6}, "value"),
            ({"value": "4"}, "value"),
            ({"value": True}, "value"),
            ({"value": 4.5}, "value"),
        ],
    ),
    "points": (
        {"budget": 10},
        {"points": {"o1": 7, "o2": 3, "o3": 0}},
        {"points": {"o1": 7, "o2": 3}},
        [
            ({"points": {"o1": 7, "o2": 2}}, "points"),
            ({"points": {"o1": 11, "o2": -1}}, "points.o2"),
            ({"points": {"o9": 10}}, "points.o9"),
            ({"points": {"o1": "10"}}, "points.o1"),
            ({"points": [10]}, "points"),
        ],
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_refuses_invalid_answers_and_records_a_valid_one(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory, kind: str
) -> None:
    fields, valid, stored, invalid = KINDS[kind]
    event = make_event()
    qid = make_poll(event, question(kind, **fields)).questions[0].id
    participant = join(client, event.code)

    for answer, field in invalid:
        body = error_of(respond(client, qid, answer, participant), 422)
        assert body["error"] == "InvalidAnswer", answer
        assert body.get("field") == field, answer
    assert count_responses(db) == 0

    accepted = respond(client, qid, valid, participant)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["answer"] == stored
    assert accepted.json()["changed"] is False
    assert stored_answers(db, qid) == [stored]
    result = client.get(f"/api/v1/questions/{qid}/results", headers=moderator(event)).json()
    assert (result["kind"], result["voters"]) == (kind, 1)


def test_changed_answer_replaces_the_old_one_in_the_results(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, question(QuestionKind.single_choice), allow_change=True).questions[0].id
    participant = join(client, event.code)
    url = f"/api/v1/questions/{qid}/results"
    assert respond(client, qid, {"option": "o1"}, participant).status_code == 201
    assert client.get(url, headers=moderator(event)).json()["options"][0]["count"] == 1

    changed = respond(client, qid, {"option": "o2"}, participant)

    assert changed.status_code == 200, changed.text
    assert changed.json()["changed"] is True
    assert changed.json()["answer"] == {"option": "o2"}
    result = client.get(url, headers=moderator(event)).json()
    assert result["voters"] == 1
    assert [o["count"] for o in result["options"]] == [0, 1, 0, 0]
    assert stored_answers(db, qid) == [{"option": "o2"}]


def test_second_answer_is_refused_when_the_poll_does_not_allow_changes(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    participant = join(client, event.code)
    assert respond(client, qid, {"option": "o1"}, participant).status_code == 201

    body = error_of(respond(client, qid, {"option": "o2"}, participant), 409)

    assert "already answered" in body["message"]
    result = client.get(f"/api/v1/questions/{qid}/results", headers=moderator(event)).json()
    assert [o["count"] for o in result["options"]] == [1, 0, 0, 0]
    assert stored_answers(db, qid) == [{"option": "o1"}]


# -- malformed requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"answer": {"option": "o1"}', "The request body is not valid JSON."),
        (b"\xff\xfe", "The request body is not valid JSON."),
        (b"{}", "Send a JSON object with one field, 'answer'."),
        (
            b'{"answer": {"option": "o1"}, "extra": 1}',
            "Send a JSON object with one field, 'answer'.",
        ),
        (b'[{"answer": {"option": "o1"}}]', "Send a JSON object with one field, 'answer'."),
        (b"x" * (64 * 1024 + 1), "The request is too large (at most 64 KB)."),
    ],
)
def test_malformed_response_body_is_refused_with_a_message(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    content: bytes,
    message: str,
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    headers = {**join(client, event.code), "Content-Type": "application/json"}

    response = client.post(f"/api/v1/questions/{qid}/responses", content=content, headers=headers)

    assert error_of(response, 422)["message"] == message
    assert count_responses(db) == 0


def test_oversize_idempotency_key_is_refused(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    headers = {**join(client, event.code), "Idempotency-Key": "k" * 201}

    body = error_of(respond(client, qid, {"option": "o1"}, headers), 422)

    assert body["field"] == "Idempotency-Key"
    assert "1 to 200" in body["message"]
    assert count_responses(db) == 0
    headers["Idempotency-Key"] = "k" * 200
    assert respond(client, qid, {"option": "o1"}, headers).status_code == 201


def test_participant_of_another_event_cannot_answer(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event()
    qid = make_poll(event).questions[0].id
    outsider = join(client, other.code)

    body = error_of(respond(client, qid, {"option": "o1"}, outsider), 404)

    assert body["message"] == f"There is no question {qid}."
    assert count_responses(db) == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer forged.token"}, {"Authorization": "Bearer agora_organiser"}],
)
def test_answer_without_a_participant_token_is_unauthenticated(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    headers: dict[str, str],
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id

    body = error_of(respond(client, qid, {"option": "o1"}, headers), 401)

    assert "Join the event first" in body["message"]
    assert count_responses(db) == 0


def test_answer_to_an_unknown_question_is_not_found(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()

    body = error_of(respond(client, 31337, {"option": "o1"}, join(client, event.code)), 404)

    assert body["message"] == "There is no question 31337."
