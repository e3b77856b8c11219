"""Batched response recording (agora.polls.responses) on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, NotFound
from agora.polls.kinds import QuestionKind
from agora.polls.models import Response, SubmissionKey
from agora.polls.responses import Submission, load_answers, record_responses
from agora.polls.services import (
    change_state,
)
from tests.conftest import EventFactory, PollFactory, question
from tests.polls.conftest import count_rows, participants, recorded, stored_poll

# -- recording responses ---------------------------------------------------------------------


def test_one_batch_records_the_answers_of_several_participants(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    pids = participants(session, event, 3)
    answers = [{"option": "o1"}, {"option": "o2"}, {"option": "o1"}]

    outcomes = record_responses(
        session, [Submission(qid, pid, event.id, a) for pid, a in zip(pids, answers, strict=True)]
    )
    session.commit()

    results = [recorded(o) for o in outcomes]
    assert [r.status_code for r in results] == [201, 201, 201]
    assert [r.body["answer"] for r in results] == answers
    assert [r.old_answer for r in results] == [None, None, None]
    assert [r.new_answer for r in results] == answers
    assert len({r.body["id"] for r in results}) == 3
    assert load_answers(session, qid) == answers
    rows = session.execute(select(Response.participant_id, Response.answer)).all()
    assert sorted((pid, answer["option"]) for pid, answer in rows) == sorted(
        (pid, a["option"]) for pid, a in zip(pids, answers, strict=True)
    )


def test_second_answer_in_one_batch_is_a_conflict_when_changes_are_not_allowed(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    [pid] = participants(session, event, 1)

    first, second = record_responses(
        session,
        [
            Submission(qid, pid, event.id, {"option": "o1"}),
            Submission(qid, pid, event.id, {"option": "o2"}),
        ],
    )
    session.commit()

    assert recorded(first).status_code == 201
    assert isinstance(second, Conflict)
    assert "already answered" in second.message
    assert load_answers(session, qid) == [{"option": "o1"}]


def test_answers_changed_within_one_batch_keep_the_last_and_chain_old_answers(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, allow_change=True).questions[0].id
    [pid] = participants(session, event, 1)
    answers = [{"option": "o1"}, {"option": "o2"}, {"option": "o3"}]

    outcomes = [
        recorded(o)
        for o in record_responses(session, [Submission(qid, pid, event.id, a) for a in answers])
    ]
    session.commit()

    assert [o.status_code for o in outcomes] == [201, 200, 200]
    assert [o.body["changed"] for o in outcomes] == [False, True, True]
    assert [o.old_answer for o in outcomes] == [None, answers[0], answers[1]]
    assert [o.new_answer for o in outcomes] == answers
    assert len({o.body["id"] for o in outcomes}) == 1
    assert load_answers(session, qid) == [{"option": "o3"}]


def test_answer_stored_in_an_earlier_batch_is_replaced_when_changes_are_allowed(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, allow_change=True).questions[0].id
    [pid] = participants(session, event, 1)
    [first] = record_responses(session, [Submission(qid, pid, event.id, {"option": "o1"})])
    session.commit()

    [second] = record_responses(session, [Submission(qid, pid, event.id, {"option": "o4"})])
    session.commit()

    assert recorded(second).status_code == 200
    assert recorded(second).old_answer == {"option": "o1"}
    assert recorded(second).body["id"] == recorded(first).body["id"]
    assert load_answers(session, qid) == [{"option": "o4"}]


def test_same_idempotency_key_twice_in_one_batch_replays_the_first(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, allow_change=True).questions[0].id
    [pid] = participants(session, event, 1)

    first, again = (
        recorded(o)
        for o in record_responses(
            session,
            [
                Submission(qid, pid, event.id, {"option": "o1"}, "key-1"),
                Submission(qid, pid, event.id, {"option": "o1"}, "key-1"),
            ],
        )
    )
    session.commit()

    assert (first.status_code, first.replayed) == (201, False)
    assert (again.status_code, again.body, again.replayed) == (201, first.body, True)
    assert again.new_answer is None  # a replay changes no tally
    assert load_answers(session, qid) == [{"option": "o1"}]
    assert count_rows(session, SubmissionKey) == 1


def test_key_seen_in_an_earlier_batch_replays_its_first_result(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, allow_change=True).questions[0].id
    [pid] = participants(session, event, 1)
    [first] = record_responses(session, [Submission(qid, pid, event.id, {"option": "o1"}, "k")])
    session.commit()

    [again] = record_responses(session, [Submission(qid, pid, event.id, {"option": "o1"}, "k")])
    session.commit()

    assert recorded(again).replayed is True
    assert recorded(again).status_code == 201
    assert recorded(again).body == recorded(first).body
    assert recorded(again).old_answer is None
    assert load_answers(session, qid) == [{"option": "o1"}]
    stored = session.scalars(select(SubmissionKey)).one()
    assert (stored.participant_id, stored.key, stored.status_code) == (pid, "k", 201)


def test_idempotency_keys_belong_to_one_participant(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event).questions[0].id
    alice, bob = participants(session, event, 2)
    record_responses(session, [Submission(qid, alice, event.id, {"option": "o1"}, "same")])
    session.commit()

    [bobs] = record_responses(session, [Submission(qid, bob, event.id, {"option": "o2"}, "same")])
    session.commit()

    assert recorded(bobs).replayed is False
    assert recorded(bobs).status_code == 201
    assert load_answers(session, qid) == [{"option": "o1"}, {"option": "o2"}]


def test_question_of_another_event_is_not_found_and_others_in_the_batch_are_kept(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event()
    ours = make_poll(event).questions[0].id
    theirs = make_poll(other).questions[0].id
    [pid] = participants(session, event, 1)

    wrong, unknown, right = record_responses(
        session,
        [
            Submission(theirs, pid, event.id, {"option": "o1"}, "k1"),
            Submission(999_999, pid, event.id, {"option": "o1"}),
            Submission(ours, pid, event.id, {"option": "o2"}),
        ],
    )
    session.commit()

    assert isinstance(wrong, NotFound)
    assert wrong.message == f"There is no question {theirs}."
    assert isinstance(unknown, NotFound)
    assert recorded(right).status_code == 201
    assert load_answers(session, theirs) == []
    assert load_answers(session, ours) == [{"option": "o2"}]
    assert count_rows(session, SubmissionKey) == 0


@pytest.mark.parametrize("path", [(), ("close",), ("close", "archive")])
def test_poll_that_is_not_open_refuses_responses_and_stores_nothing(
    session: Session, make_event: EventFactory, make_poll: PollFactory, path: tuple[str, ...]
) -> None:
    event = make_event()
    poll = make_poll(event, state="open" if path else "draft")
    for action in path:
        change_state(session, stored_poll(session, poll), action)
    session.commit()
    [pid] = participants(session, event, 1)

    outcomes = record_responses(
        session,
        [
            Submission(poll.questions[0].id, pid, event.id, {"option": "o1"}, "key"),
            Submission(poll.questions[0].id, pid, event.id, {"option": "o1"}, "key"),
        ],
    )
    session.commit()

    for outcome in outcomes:
        assert isinstance(outcome, Conflict)
        assert outcome.message == "This poll is not open for answers."
    assert count_rows(session, Response) == 0
    assert count_rows(session, SubmissionKey) == 0


def test_answers_to_two_questions_of_one_poll_are_separate(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question(QuestionKind.rating), question(QuestionKind.open_text))
    [pid] = participants(session, event, 1)
    rating, text = (q.id for q in poll.questions)

    outcomes = record_responses(
        session,
        [
            Submission(rating, pid, event.id, {"value": 4}),
            Submission(text, pid, event.id, {"texts": ["City Science Initiative"]}),
        ],
    )
    session.commit()

    assert [recorded(o).status_code for o in outcomes] == [201, 201]
    assert load_answers(session, rating) == [{"value": 4}]
    assert load_answers(session, text) == [{"texts": ["City Science Initiative"]}]


def test_one_key_twice_in_a_batch_with_different_answers_refuses_the_second(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    from agora.core.errors import InvalidInput

    event = make_event()
    qid = make_poll(event).questions[0].id
    (pid,) = participants(session, event, 1)

    first, second, again = record_responses(
        session,
        [
            Submission(qid, pid, event.id, {"option": "o1"}, idempotency_key="k"),
            Submission(qid, pid, event.id, {"option": "o2"}, idempotency_key="k"),
            Submission(qid, pid, event.id, {"option": "o1"}, idempotency_key="k"),
        ],
    )
    session.commit()

    assert recorded(first).status_code == 201
    assert isinstance(second, InvalidInput)
    assert recorded(again).replayed
    assert load_answers(session, qid) == [{"option": "o1"}]
    stored = session.scalar(select(SubmissionKey))
    assert stored is not None
    assert stored.fingerprint == Submission(qid, pid, event.id, {"option": "o1"}).fingerprint
