"""The tallies kept in memory: answers applied once, whoever tells them and whenever."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.groupcommit import GroupCommitter
from agora.polls.responses import Submission, answers_by_response, record_responses
from agora.polls.results import ResultsStore
from tests.conftest import EventFactory, PollFactory
from tests.polls.conftest import participants, recorded


def store_of(db: Database) -> ResultsStore:
    """A store whose committer is not running: loads run in a worker thread."""
    committer: GroupCommitter[Submission, Any] = GroupCommitter(lambda batch: [])
    return ResultsStore(db, committer)


def counts(result: dict[str, Any]) -> dict[str, int]:
    return {o["id"]: o["count"] for o in result["options"] if o["count"]}


def answered(
    session: Session, event_id: int, question_id: int, voters: list[int], options: list[str]
) -> list[str]:
    """Record one answer per voter; return the response ids."""
    outcomes = record_responses(
        session,
        [
            Submission(question_id, voter, event_id, {"option": option})
            for voter, option in zip(voters, options, strict=True)
        ],
    )
    session.commit()
    return [str(recorded(o).body["id"]) for o in outcomes]


def test_another_processs_answers_count_once_whether_or_not_the_load_read_them(
    db: Database, session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    voters = participants(session, event, 3)
    first, second = answered(session, event.id, qid, voters[:2], ["o1", "o2"])
    store = store_of(db)

    async def scenario() -> list[dict[str, int]]:
        seen = [counts(await store.result(qid))]
        store.apply_answer(qid, first, {"option": "o1"})  # committed before the load: no-op
        seen.append(counts(await store.result(qid)))
        store.apply_answer(qid, "0" * 32, {"option": "o3"})  # a new answer from elsewhere
        store.apply_answer(qid, "0" * 32, {"option": "o3"})  # told twice: counted once
        seen.append(counts(await store.result(qid)))
        store.apply_answer(qid, second, {"option": "o4"})  # a changed answer moves
        seen.append(counts(await store.result(qid)))
        return seen

    assert asyncio.run(scenario()) == [
        {"o1": 1, "o2": 1},
        {"o1": 1, "o2": 1},
        {"o1": 1, "o2": 1, "o3": 1},
        {"o1": 1, "o3": 1, "o4": 1},
    ]


def test_answers_told_while_the_tally_loads_are_applied_once_it_is_in(
    db: Database,
    session: Session,
    make_event: EventFactory,
    make_poll: PollFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    voters = participants(session, event, 2)
    (kept,) = answered(session, event.id, qid, voters[:1], ["o1"])
    store = store_of(db)
    real = answers_by_response

    async def scenario() -> dict[str, int]:
        loop = asyncio.get_running_loop()

        def slow_load(load_session: Session, question_id: int) -> dict[str, dict[str, Any]]:
            found = real(load_session, question_id)
            # meanwhile, on the event loop: one answer the load read, one it did not
            loop.call_soon_threadsafe(store.apply_answer, qid, kept, {"option": "o1"})
            loop.call_soon_threadsafe(store.apply_answer, qid, "f" * 32, {"option": "o2"})
            return found

        monkeypatch.setattr("agora.polls.results.answers_by_response", slow_load)
        await store.question(qid)  # described first: the load below is the tally's
        return counts(await store.result(qid))

    assert asyncio.run(scenario()) == {"o1": 1, "o2": 1}


def test_an_answer_to_a_tally_nobody_loaded_waits_for_the_database(
    db: Database, session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    store = store_of(db)
    store.apply_answer(qid, "a" * 32, {"option": "o2"})  # not in the database: ignored

    async def scenario() -> dict[str, int]:
        return counts(await store.result(qid))

    assert asyncio.run(scenario()) == {}


def test_a_failed_load_leaves_nothing_waiting_for_it(
    db: Database, make_event: EventFactory, make_poll: PollFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    store = store_of(db)

    def broken(_session: Session, _question_id: int) -> dict[str, dict[str, Any]]:
        raise RuntimeError("the database went away")

    async def scenario() -> dict[str, int]:
        await store.question(qid)
        monkeypatch.setattr("agora.polls.results.answers_by_response", broken)
        with pytest.raises(RuntimeError):
            await store.result(qid)
        store.apply_answer(qid, "b" * 32, {"option": "o1"})  # nobody is loading: not kept
        assert (store._loading, store._loads) == ({}, {})
        monkeypatch.setattr("agora.polls.results.answers_by_response", answers_by_response)
        return counts(await store.result(qid))

    assert asyncio.run(scenario()) == {}
