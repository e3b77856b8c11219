"""Responses through the API: validation, one per participant, idempotent retries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.polls.models import Response
from tests.conftest import EventFactory, PollFactory, join, question


def count_responses(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def test_ranking_response_is_recorded_and_counted(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"))
    qid = poll.questions[0].id
    auth = join(client, event.code)
    response = client.post(
        f"/api/v1/questions/{qid}/responses",
        json={"answer": {"ranking": ["o2", "o1", "o3", "o4"]}},
        headers=auth,
    )
    assert response.status_code == 201, response.text
    assert response.json()["answer"] == {"ranking": ["o2", "o1", "o3", "o4"]}
    assert count_responses(db) == 1
    client.post(f"/e/{event.code}/moderate?key={event.moderator_key}", follow_redirects=False)
    result = client.get(
        f"/api/v1/questions/{qid}/results", headers={"X-Moderator-Key": event.moderator_key}
    ).json()
    assert result["ballots"] == 1
    assert result["options"][0]["id"] == "o2"
    assert result["options"][0]["score"] == 4


def test_partial_ranking_takes_ballots_of_any_length_up_to_k(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking", top_k=3, partial=True), results_visible=True)
    qid = poll.questions[0].id
    assert poll.questions[0].config["partial"] is True
    for ranking in (["o1"], ["o2", "o1"], ["o3", "o2", "o1"]):
        sent = client.post(
            f"/api/v1/questions/{qid}/responses",
            json={"answer": {"ranking": ranking}},
            headers=join(client, event.code),
        )
        assert sent.status_code == 201, sent.text
    too_long = client.post(
        f"/api/v1/questions/{qid}/responses",
        json={"answer": {"ranking": ["o1", "o2", "o3", "o4"]}},
        headers=join(client, event.code),
    )
    assert too_long.status_code == 422
    assert too_long.json()["message"] == "You may rank up to 3; you ranked 4."

    # Round 1: o1, o2, o3 one vote each, o4 none → o4. Round 2: level before too; positional
    # o1 9, o2 7, o3 4 → o3, whose ballot moves to o2. Round 3: o1 1, o2 2 → o1, and the
    # ballot that ranked only o1 is exhausted.
    result = client.get(f"/api/v1/questions/{qid}/results", params={"method": "irv"}).json()
    assert result["ballots"] == 3
    assert [o["id"] for o in result["options"]] == ["o2", "o1", "o3", "o4"]
    rounds = result["details"]["rounds"]
    assert [(r["eliminated"], r["tie_break"], r["exhausted"]) for r in rounds] == [
        ("o4", None, 0),
        ("o3", "positional", 0),
        ("o1", None, 0),
        (None, None, 1),
    ]


def test_closed_poll_rejects_response_and_stores_nothing(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    auth = join(client, event.code)
    closed = client.post(
        f"/api/v1/polls/{poll.id}/close", headers={"X-Moderator-Key": event.moderator_key}
    )
    assert closed.status_code == 200, closed.text
    response = client.post(
        f"/api/v1/questions/{poll.questions[0].id}/responses",
        json={"answer": {"option": "o1"}},
        headers=auth,
    )
    assert response.status_code == 409
    assert "not open" in response.json()["message"]
    assert count_responses(db) == 0


def test_idempotent_retry_returns_first_result_and_counts_once(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    qid = poll.questions[0].id
    auth = {**join(client, event.code), "Idempotency-Key": "abc-1"}
    first = client.post(
        f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o1"}}, headers=auth
    )
    again = client.post(
        f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o1"}}, headers=auth
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["idempotency-replayed"] == "true"
    assert count_responses(db) == 1


def test_an_idempotency_key_reused_for_another_answer_or_question_is_a_422(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"), question("single_choice"))
    first_q, second_q = (q.id for q in poll.questions)
    auth = {**join(client, event.code), "Idempotency-Key": "once"}
    url = "/api/v1/questions/{}/responses"
    assert (
        client.post(
            url.format(first_q), json={"answer": {"option": "o1"}}, headers=auth
        ).status_code
        == 201
    )

    other_question = client.post(
        url.format(second_q), json={"answer": {"option": "o1"}}, headers=auth
    )
    other_answer = client.post(url.format(first_q), json={"answer": {"option": "o2"}}, headers=auth)

    for refused in (other_question, other_answer):
        assert refused.status_code == 422
        assert refused.json()["field"] == "Idempotency-Key"
        assert "already used for another answer" in refused.json()["message"]
    assert count_responses(db) == 1  # the second question got nothing, the first kept o1
    same = client.post(url.format(first_q), json={"answer": {"option": "o1"}}, headers=auth)
    assert same.headers["idempotency-replayed"] == "true"


def test_unknown_option_is_refused_with_a_message(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    response = client.post(
        f"/api/v1/questions/{poll.questions[0].id}/responses",
        json={"answer": {"option": "zz"}},
        headers=join(client, event.code),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "option"
    assert "'zz'" in response.json()["message"]
    assert count_responses(db) == 0


def test_moderator_reorders_questions_of_a_draft_poll(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(
        event,
        question("rating", prompt="First"),
        question("open_text", prompt="Second"),
        state="draft",
    )
    second = poll.questions[1].id
    moved = client.patch(
        f"/api/v1/questions/{second}",
        json={"position": 0},
        headers={"X-Moderator-Key": event.moderator_key},
    )
    assert moved.status_code == 200, moved.text
    assert [q["prompt"] for q in moved.json()["questions"]] == ["Second", "First"]
    refused = client.patch(f"/api/v1/questions/{second}", json={"position": 1})
    assert refused.status_code == 403


def test_open_poll_questions_cannot_be_reordered(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"), question("open_text"))
    response = client.patch(
        f"/api/v1/questions/{poll.questions[1].id}",
        json={"position": 0},
        headers={"X-Moderator-Key": event.moderator_key},
    )
    assert response.status_code == 409
    assert "draft" in response.json()["message"]


def test_moderator_changes_the_ranking_method_the_results_use(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"))
    qid = poll.questions[0].id
    moderator = {"X-Moderator-Key": event.moderator_key}
    changed = client.patch(
        f"/api/v1/questions/{qid}", json={"ranking_method": "schulze"}, headers=moderator
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["questions"][0]["config"]["ranking_method"] == "schulze"
    result = client.get(f"/api/v1/questions/{qid}/results", headers=moderator).json()
    assert result["method"] == "schulze"
    wrong = client.patch(
        f"/api/v1/questions/{qid}", json={"ranking_method": "dowdall"}, headers=moderator
    )
    assert wrong.status_code == 422
    assert "dowdall" in wrong.json()["message"]


def test_the_lean_route_serves_votes_and_refuses_as_the_documented_one_does(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    from starlette.routing import Route

    from agora.polls.routes import respond_lean, router

    # the plain Starlette route comes first among polls' routes, so it is the one matched
    first = router.routes[0]
    assert isinstance(first, Route)
    assert first.endpoint is respond_lean
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    qid = poll.questions[0].id
    no_token = client.post(f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o1"}})
    assert no_token.status_code == 401
    assert no_token.json()["error"] == "NotAuthenticated"
    auth = join(client, event.code)
    for bad_id in (0, 2_147_483_648):
        refused = client.post(
            f"/api/v1/questions/{bad_id}/responses", json={"answer": {"option": "o1"}}, headers=auth
        )
        assert refused.status_code == 422
        assert refused.json()["field"] == "question_id"
    not_a_number = client.post(
        "/api/v1/questions/abc/responses", json={"answer": {"option": "o1"}}, headers=auth
    )
    assert not_a_number.status_code == 422  # FastAPI's documented route answers this one
    bad_key = client.post(
        f"/api/v1/questions/{qid}/responses",
        json={"answer": {"option": "o1"}},
        headers={**auth, "Idempotency-Key": "x" * 500},
    )
    assert bad_key.status_code == 422
    assert bad_key.json()["field"] == "Idempotency-Key"
    assert count_responses(db) == 0
    ok = client.post(
        f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o1"}}, headers=auth
    )
    assert ok.status_code == 201, ok.text
    assert count_responses(db) == 1
