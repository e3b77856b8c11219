"""Concurrent submissions: one participant counts once, retries replay, batches really form."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.polls.live import PollsLive
from agora.polls.models import Response, SubmissionKey
from agora.web.state import AppState
from tests.conftest import EventFactory, PollFactory, join, question

T = TypeVar("T")


def all_at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls in as many threads, released together by a barrier; return their results."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=30) for future in futures]


def state_of(app: FastAPI) -> AppState:
    state: AppState = app.state.agora
    return state


def post_answer(
    client: TestClient, question_id: int, answer: dict[str, Any], headers: dict[str, str]
) -> Callable[[], httpx2.Response]:
    def call() -> httpx2.Response:
        return client.post(
            f"/api/v1/questions/{question_id}/responses", json={"answer": answer}, headers=headers
        )

    return call


def stored_responses(db: Database, question_id: int) -> list[dict[str, Any]]:
    with db.session() as session:
        return list(
            session.scalars(select(Response.answer).where(Response.question_id == question_id))
        )


def voters(client: TestClient, question_id: int, moderator_key: str) -> int:
    response = client.get(
        f"/api/v1/questions/{question_id}/results", headers={"X-Moderator-Key": moderator_key}
    )
    assert response.status_code == 200, response.text
    count: int = response.json()["voters"]
    return count


@pytest.mark.parametrize("copies", [2, 20])
def test_concurrent_submissions_of_one_participant_count_once(
    app: FastAPI,
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    copies: int,
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    participant = join(client, event.code)
    options = ["o1", "o2", "o3", "o4"]
    calls = [
        post_answer(client, qid, {"option": options[i % 4]}, participant) for i in range(copies)
    ]
    committer = state_of(app).part(PollsLive).committer
    batches_before, items_before = committer.batches, committer.items

    responses = all_at_once(calls)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (copies - 1)
    [accepted] = [r for r in responses if r.status_code == 201]
    assert stored_responses(db, qid) == [accepted.json()["answer"]]
    assert voters(client, qid, event.moderator_key) == 1
    assert committer.items - items_before == copies
    if copies > 2:  # evidence that the requests were in flight together
        assert committer.batches - batches_before < copies


def test_concurrent_changes_of_one_participant_leave_one_answer_matching_the_tally(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, question("rating", scale_max=10), allow_change=True).questions[0].id
    participant = join(client, event.code)
    assert voters(client, qid, event.moderator_key) == 0  # the tally is loaded before the rush

    responses = all_at_once(
        [post_answer(client, qid, {"value": value}, participant) for value in range(1, 11)]
    )

    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    [stored] = stored_responses(db, qid)
    result = client.get(
        f"/api/v1/questions/{qid}/results", headers={"X-Moderator-Key": event.moderator_key}
    ).json()
    assert result["voters"] == 1
    assert result["mean"] == stored["value"]


def test_concurrent_retries_with_one_idempotency_key_count_once_and_agree(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    headers = {**join(client, event.code), "Idempotency-Key": "vote-42"}

    responses = all_at_once([post_answer(client, qid, {"option": "o2"}, headers)] * 20)

    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    replayed = [r.headers.get("idempotency-replayed") for r in responses]
    assert replayed.count("true") == 19
    assert stored_responses(db, qid) == [{"option": "o2"}]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SubmissionKey)) == 1
    assert voters(client, qid, event.moderator_key) == 1


def test_many_participants_at_once_are_all_counted_in_shared_batches(
    app: FastAPI,
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    participants = [join(client, event.code) for _ in range(40)]
    assert voters(client, qid, event.moderator_key) == 0
    committer = state_of(app).part(PollsLive).committer
    batches_before, items_before = committer.batches, committer.items

    responses = all_at_once(
        [
            post_answer(client, qid, {"option": f"o{i % 4 + 1}"}, headers)
            for i, headers in enumerate(participants)
        ]
    )

    assert [r.status_code for r in responses] == [201] * 40
    assert len(stored_responses(db, qid)) == 40
    result = client.get(
        f"/api/v1/questions/{qid}/results", headers={"X-Moderator-Key": event.moderator_key}
    ).json()
    assert result["voters"] == 40
    assert [o["count"] for o in result["options"]] == [10, 10, 10, 10]
    items = committer.items - items_before
    batches = committer.batches - batches_before
    assert items == 40
    assert batches < items, "every response was committed on its own: no group commit"
