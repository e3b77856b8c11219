"""Recording responses: many in one transaction, one per participant and question."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import AgoraError, Conflict, InvalidInput, NotAllowed, NotFound
from agora.core.i18n import _
from agora.events.models import Participant
from agora.polls.models import Poll, PollState, Question, Response, SubmissionKey, VotingRule
from agora.polls.voting import UNLINKED, admits, linked_people, refusal


@dataclass(frozen=True)
class Submission:
    """A validated answer waiting to be written; the participant's event comes from its token."""

    question_id: int
    participant_id: int
    event_id: int
    answer: dict[str, Any]
    idempotency_key: str | None = None

    @property
    def fingerprint(self) -> str:
        """Return what this request asks (question and answer), hashed: a key is bound to it."""
        answer = json.dumps(self.answer, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{self.question_id}:{answer}".encode()).hexdigest()


@dataclass(frozen=True)
class Recorded:
    """The outcome of a submission: what to send back and how the tally changes."""

    status_code: int
    body: dict[str, Any]
    event_id: int
    question_id: int
    old_answer: dict[str, Any] | None = None
    new_answer: dict[str, Any] | None = None
    replayed: bool = False


#: The tables themselves: the hot path writes them with Core statements.
RESPONSES = cast(Table, Response.__table__)
KEYS = cast(Table, SubmissionKey.__table__)

_id_lock = threading.Lock()
_last_id_time = 0


def new_response_id() -> str:
    """Return a response id that sorts in the order responses were recorded by this process."""
    global _last_id_time
    with _id_lock:
        _last_id_time = max(time.time_ns(), _last_id_time + 1)
        stamp = _last_id_time
    return f"{stamp:016x}{secrets.randbits(64):016x}"


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert


def record_responses(
    session: Session, submissions: Sequence[Submission]
) -> list[Recorded | AgoraError]:
    """Write a batch of responses in one transaction and return each one's outcome.

    A response is refused when its question is unknown or belongs to another event, when
    its poll is not open, or when the participant answered already and the poll does not
    allow changes. A submission whose Idempotency-Key was seen before gets the first
    outcome again and changes nothing. The caller commits.
    """
    outcomes: list[Recorded | AgoraError | None] = [None] * len(submissions)
    insert = _insert(session)

    # Replays: a key already stored, or the same key twice in this batch.
    keyed = {(s.participant_id, s.idempotency_key) for s in submissions if s.idempotency_key}
    stored: dict[tuple[int, str], SubmissionKey] = {}
    if keyed:
        rows = session.scalars(
            select(SubmissionKey).where(
                SubmissionKey.participant_id.in_({p for p, _k in keyed}),
                SubmissionKey.key.in_({k for _p, k in keyed}),
            )
        )
        stored = {(r.participant_id, r.key): r for r in rows if (r.participant_id, r.key) in keyed}
    first_with_key: dict[tuple[int, str], int] = {}
    followers: dict[int, int] = {}
    for index, s in enumerate(submissions):
        if not s.idempotency_key:
            continue
        pair = (s.participant_id, s.idempotency_key)
        if pair in stored:
            row = stored[pair]
            if row.fingerprint and row.fingerprint != s.fingerprint:
                outcomes[index] = _reused_key()
                continue
            outcomes[index] = Recorded(
                row.status_code, row.body, s.event_id, s.question_id, replayed=True
            )
        elif pair in first_with_key:
            followers[index] = first_with_key[pair]
        else:
            first_with_key[pair] = index

    todo = [i for i, o in enumerate(outcomes) if o is None and i not in followers]
    question_ids = {submissions[i].question_id for i in todo}
    polls: dict[int, tuple[int, PollState, bool, VotingRule]] = {}
    if question_ids:
        polls = {
            qid: (event_id, state, allow_change, rule)
            for qid, event_id, state, allow_change, rule in session.execute(
                select(Question.id, Poll.event_id, Poll.state, Poll.allow_change, Poll.voting_rule)
                .join(Poll)
                .where(Question.id.in_(question_ids))
            )
        }
    participant_ids = {submissions[i].participant_id for i in todo}
    # a poll with a voting rule: who the participants are, one query for the batch
    ruled = {
        submissions[i].participant_id
        for i in todo
        if (poll := polls.get(submissions[i].question_id)) and poll[3] is not VotingRule.anyone
    }
    links = linked_people(session, ruled) if ruled else {}
    current: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
    present: set[int] = set()
    if todo:  # a participant who erased their data keeps a signed token, not a row
        present = set(
            session.scalars(select(Participant.id).where(Participant.id.in_(participant_ids)))
        )
        for rid, qid, pid, answer in session.execute(
            select(Response.id, Response.question_id, Response.participant_id, Response.answer)
            .where(Response.question_id.in_(question_ids))
            .where(Response.participant_id.in_(participant_ids))
        ):
            current[(qid, pid)] = (rid, answer)

    now = utcnow()
    inserts: dict[str, dict[str, Any]] = {}
    updates: dict[str, dict[str, Any]] = {}
    for index in todo:
        s = submissions[index]
        poll = polls.get(s.question_id)
        if poll is None or poll[0] != s.event_id:
            outcomes[index] = NotFound(_("There is no question {id}.").format(id=s.question_id))
            continue
        _event_id, state, allow_change, rule = poll
        if s.participant_id not in present:
            outcomes[index] = NotFound(
                _("You are no longer a participant of this event (your data was erased).")
            )
            continue
        if state is not PollState.open:
            outcomes[index] = Conflict(_("This poll is not open for answers."))
            continue
        if rule is not VotingRule.anyone and not admits(
            rule, links.get(s.participant_id, UNLINKED)
        ):
            outcomes[index] = NotAllowed(refusal(rule))
            continue
        answered = (s.question_id, s.participant_id)
        previous = current.get(answered)
        if previous is None:
            rid = new_response_id()
            inserts[rid] = {
                "id": rid,
                "question_id": s.question_id,
                "participant_id": s.participant_id,
                "answer": s.answer,
                "created_at": now,
                "updated_at": now,
            }
            status, old = 201, None
        elif allow_change:
            rid, old = previous
            if rid in inserts:
                inserts[rid]["answer"] = s.answer
            else:
                updates[rid] = {"id": rid, "answer": s.answer, "updated_at": now}
            status = 200
        else:
            outcomes[index] = Conflict(
                _("You have already answered this question; this poll does not allow changes.")
            )
            continue
        current[answered] = (rid, s.answer)
        body = {
            "id": rid,
            "question_id": s.question_id,
            "answer": s.answer,
            "changed": status == 200,
        }
        outcomes[index] = Recorded(status, body, s.event_id, s.question_id, old, s.answer)

    if inserts:
        # Core inserts (not the ORM's bulk path: a third of the batch's time went there),
        # and the ids written come back from the same statement: no read-back.
        written = set(
            session.connection()
            .execute(
                insert(RESPONSES)
                .on_conflict_do_nothing(index_elements=["question_id", "participant_id"])
                .returning(RESPONSES.c.id),
                list(inserts.values()),
            )
            .scalars()
        )
        lost = set(inserts) - written
        if lost:  # another process answered for this participant at the same moment
            for index, outcome in enumerate(outcomes):
                if isinstance(outcome, Recorded) and outcome.body.get("id") in lost:
                    outcomes[index] = Conflict(_("You have already answered this question."))
    if updates:
        session.connection().execute(
            update(RESPONSES).where(RESPONSES.c.id == bindparam("rid")),
            [
                {"rid": u["id"], "answer": u["answer"], "updated_at": u["updated_at"]}
                for u in updates.values()
            ],
        )

    keys = []
    for pair, index in first_with_key.items():
        outcome = outcomes[index]
        if isinstance(outcome, Recorded):
            keys.append(
                {
                    "participant_id": pair[0],
                    "key": pair[1],
                    "fingerprint": submissions[index].fingerprint,
                    "status_code": outcome.status_code,
                    "body": outcome.body,
                    "created_at": now,
                }
            )
    if keys:
        session.connection().execute(
            insert(KEYS).on_conflict_do_nothing(index_elements=["participant_id", "key"]), keys
        )

    for index, leader in followers.items():
        led = outcomes[leader]
        if submissions[index].fingerprint != submissions[leader].fingerprint:
            outcomes[index] = _reused_key()
        elif isinstance(led, Recorded):
            s = submissions[index]
            outcomes[index] = Recorded(
                led.status_code, led.body, s.event_id, s.question_id, replayed=True
            )
        else:
            outcomes[index] = led
    return [
        o if o is not None else AgoraError(_("The response was not processed.")) for o in outcomes
    ]


def _reused_key() -> InvalidInput:
    return InvalidInput(
        _(
            "This Idempotency-Key was already used for another answer; "
            "send a new key with each new answer."
        ),
        field="Idempotency-Key",
    )


def load_answers(session: Session, question_id: int) -> list[dict[str, Any]]:
    """Return every answer to a question in the order they were first given."""
    return list(
        session.scalars(
            select(Response.answer).where(Response.question_id == question_id).order_by(Response.id)
        )
    )


def answers_by_response(session: Session, question_id: int) -> dict[str, dict[str, Any]]:
    """Return every answer to a question by its response id, in the order first given."""
    rows = session.execute(
        select(Response.id, Response.answer)
        .where(Response.question_id == question_id)
        .order_by(Response.id)
    )
    return {rid: answer for rid, answer in rows}


def all_answers_of(session: Session, participant_id: int) -> dict[int, dict[str, Any]]:
    """Return every answer of a participant (a participant belongs to one event), by question.

    The phone keeps them to draw in place a poll that opens later, reopened polls included.
    """
    rows = session.execute(
        select(Response.question_id, Response.answer).where(
            Response.participant_id == participant_id
        )
    )
    return {qid: answer for qid, answer in rows}
