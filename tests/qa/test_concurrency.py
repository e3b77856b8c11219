"""Upvotes at the same moment: one per participant, and ``votes`` always equals the rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx2
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.qa.models import AudienceQuestion
from agora.qa.services import upvote
from tests.conftest import EventFactory, join
from tests.qa.conftest import QuestionFactory, new_participant, stored_question, vote_rows


def all_at_once(calls: list[Callable[[], httpx2.Response]]) -> list[httpx2.Response]:
    """Run the calls in as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx2.Response]) -> httpx2.Response:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=60) for future in futures]


def vote_call(
    client: TestClient, question_id: int, headers: dict[str, str], *, up: bool = True
) -> Callable[[], httpx2.Response]:
    url = f"/api/v1/audience-questions/{question_id}/upvote"

    def call() -> httpx2.Response:
        return client.post(url, headers=headers) if up else client.delete(url, headers=headers)

    return call


def test_twenty_concurrent_upvotes_of_one_participant_count_once(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    headers = join(client, event.code)

    responses = all_at_once([vote_call(client, question.id, headers)] * 20)

    assert [r.status_code for r in responses] == [200] * 20
    assert [r.json()["changed"] for r in responses].count(True) == 1
    assert {r.json()["votes"] for r in responses} == {1}
    assert vote_rows(db, question.id) == 1
    assert stored_question(db, question.id).votes == 1


def test_many_participants_upvoting_at_once_are_all_counted(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    people = [join(client, event.code) for _ in range(30)]

    responses = all_at_once([vote_call(client, question.id, headers) for headers in people])

    assert [r.status_code for r in responses] == [200] * 30
    assert all(r.json()["changed"] for r in responses)
    assert sorted(r.json()["votes"] for r in responses)[-1] == 30
    assert vote_rows(db, question.id) == 30
    assert stored_question(db, question.id).votes == 30


def test_concurrent_upvotes_and_withdrawals_keep_the_count_equal_to_the_rows(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    people = [join(client, event.code) for _ in range(8)]
    calls = [
        vote_call(client, question.id, headers, up=up)
        for headers in people
        for up in (True, False, True, True, False)
    ]

    responses = all_at_once(calls)

    assert {r.status_code for r in responses} == {200}
    rows = vote_rows(db, question.id)
    assert 0 <= rows <= len(people)
    assert stored_question(db, question.id).votes == rows


def test_concurrent_service_calls_in_their_own_transactions_count_once(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    person = new_participant(db, event)
    threads = 12  # each holds a pooled connection at the barrier: stay within the pool
    barrier = threading.Barrier(threads)

    def vote() -> bool:
        with db.session() as session:
            stored = session.get(AudienceQuestion, question.id)
            assert stored is not None
            barrier.wait(timeout=10)  # every transaction has read the question: now all write
            return upvote(session, stored, person)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        counted = [f.result(timeout=60) for f in [pool.submit(vote) for _ in range(threads)]]

    assert counted.count(True) == 1
    assert vote_rows(db, question.id) == 1
    assert stored_question(db, question.id).votes == 1
