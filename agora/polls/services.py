"""State changes of polls: create, open, close, reveal, duplicate, reorder, record responses."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import AgoraError, Conflict, InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.models import Event
from agora.polls.kinds import Option, QuestionKind, QuestionSpec, check_spec
from agora.polls.models import Poll, PollState, Question, Response, SubmissionKey
from agora.polls.ranking import RANKING_METHODS
from agora.polls.schemas import OptionIn, PollIn, PollPatch, QuestionIn

WORD_CLOUD_MAX_LENGTH = 40

#: Which state each action leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[frozenset[PollState], PollState]] = {
    "open": (frozenset({PollState.draft, PollState.closed}), PollState.open),
    "close": (frozenset({PollState.open}), PollState.closed),
    "archive": (frozenset({PollState.draft, PollState.closed}), PollState.archived),
    "restore": (frozenset({PollState.archived}), PollState.closed),
}


def spec_of(question: Question) -> QuestionSpec:
    """Return the pure description of a stored question."""
    return spec_from_config(question.kind, question.config)


def spec_from_config(kind: str, config: dict[str, Any]) -> QuestionSpec:
    """Build a QuestionSpec from a question's kind and stored config."""
    fields = {k: v for k, v in config.items() if k not in {"options", "ranking_method"}}
    options = tuple(Option(o["id"], o["label"]) for o in config.get("options", []))
    return QuestionSpec(kind=QuestionKind(kind), options=options, **fields)


def _config_from_input(data: QuestionIn, default_language: str) -> dict[str, Any]:
    options: list[dict[str, str]] = []
    for index, option in enumerate(data.options, start=1):
        if isinstance(option, OptionIn):
            options.append({"id": option.id, "label": option.label.strip()})
        else:
            label = option.strip()
            if not label:
                raise InvalidInput(_("Option {n} has no text.").format(n=index), field="options")
            options.append({"id": f"o{index}", "label": label})
    max_length = data.max_length
    if max_length is None:
        max_length = WORD_CLOUD_MAX_LENGTH if data.kind is QuestionKind.word_cloud else 280
    config: dict[str, Any] = {
        "options": options,
        "max_choices": data.max_choices,
        "top_k": data.top_k,
        "max_length": max_length,
        "max_entries": data.max_entries,
        "scale_max": data.scale_max,
        "min_label": data.min_label.strip(),
        "max_label": data.max_label.strip(),
        "budget": data.budget,
        "language": (data.language or default_language).split("-")[0].lower(),
    }
    if data.kind is QuestionKind.ranking:
        if data.ranking_method not in RANKING_METHODS:
            raise InvalidInput(
                _("'{m}' is not a ranking method; use one of: {all}.").format(
                    m=data.ranking_method, all=", ".join(RANKING_METHODS)
                ),
                field="ranking_method",
            )
        config["ranking_method"] = data.ranking_method
    check_spec(spec_from_config(data.kind.value, config))
    return config


def create_poll(session: Session, event: Event, data: PollIn) -> Poll:
    """Create a draft poll at the end of the event's list of polls."""
    last = session.scalar(
        select(Poll.position).where(Poll.event_id == event.id).order_by(Poll.position.desc())
    )
    poll = Poll(
        event_id=event.id,
        title=data.title.strip(),
        position=0 if last is None else last + 1,
        allow_change=data.allow_change,
        results_visible=data.results_visible,
    )
    for index, item in enumerate(data.questions):
        try:
            config = _config_from_input(item, event.language)
        except InvalidInput as exc:
            exc.field = f"questions[{index}].{exc.field}" if exc.field else f"questions[{index}]"
            raise
        poll.questions.append(
            Question(
                position=index, kind=item.kind.value, prompt=item.prompt.strip(), config=config
            )
        )
    session.add(poll)
    session.flush()
    return poll


def get_poll(session: Session, poll_id: int) -> Poll:
    """Return the poll with ``poll_id`` or raise NotFound."""
    poll = session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(_("There is no poll {id}.").format(id=poll_id))
    return poll


def get_question(session: Session, question_id: int) -> Question:
    """Return the question with ``question_id`` or raise NotFound."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(_("There is no question {id}.").format(id=question_id))
    return question


def event_polls(session: Session, event_id: int, *, include_archived: bool = True) -> list[Poll]:
    """Return an event's polls in their order."""
    query = select(Poll).where(Poll.event_id == event_id).order_by(Poll.position, Poll.id)
    if not include_archived:
        query = query.where(Poll.state != PollState.archived)
    return list(session.scalars(query))


def change_state(session: Session, poll: Poll, action: str) -> Poll:
    """Apply ``action`` (open, close, archive, restore) if the poll's state allows it."""
    if action not in TRANSITIONS:
        raise InvalidInput(_("'{a}' is not a poll action.").format(a=action), field="action")
    sources, target = TRANSITIONS[action]
    if poll.state not in sources:
        raise Conflict(
            _("A poll that is {state} cannot be changed by '{action}'.").format(
                state=poll.state.value, action=action
            )
        )
    poll.state = target
    session.flush()
    return poll


def open_poll(session: Session, poll: Poll) -> Poll:
    """Open a draft or closed poll for responses."""
    return change_state(session, poll, "open")


def close_poll(session: Session, poll: Poll) -> Poll:
    """Stop accepting responses; the poll can be reopened."""
    return change_state(session, poll, "close")


def update_poll(session: Session, poll: Poll, patch: PollPatch) -> Poll:
    """Change a poll's visibility, answer-changing rule, screen question or position."""
    if patch.results_visible is not None:
        poll.results_visible = patch.results_visible
    if patch.allow_change is not None:
        poll.allow_change = patch.allow_change
    if patch.screen_position is not None:
        if patch.screen_position >= len(poll.questions):
            raise InvalidInput(
                _("This poll has {n} questions.").format(n=len(poll.questions)),
                field="screen_position",
            )
        poll.screen_position = patch.screen_position
    if patch.position is not None:
        move_poll(session, poll, patch.position)
    session.flush()
    return poll


def move_poll(session: Session, poll: Poll, position: int) -> None:
    """Move a poll to ``position`` in its event's list, shifting the others."""
    polls = event_polls(session, poll.event_id)
    polls.remove(poll)
    polls.insert(min(position, len(polls)), poll)
    for index, item in enumerate(polls):
        item.position = index
    session.flush()


def move_question(session: Session, poll: Poll, question_id: int, position: int) -> None:
    """Move a question of a draft poll to ``position``."""
    if poll.state is not PollState.draft:
        raise Conflict(_("Questions can only be reordered while the poll is a draft."))
    questions = list(poll.questions)
    moving = next((q for q in questions if q.id == question_id), None)
    if moving is None:
        raise NotFound(_("There is no question {id} in this poll.").format(id=question_id))
    questions.remove(moving)
    questions.insert(min(position, len(questions)), moving)
    for index, item in enumerate(questions):
        item.position = index
    session.flush()
    session.refresh(poll)


def set_ranking_method(session: Session, question: Question, method: str) -> Question:
    """Choose the ranking method the screen and the results use by default."""
    if question.kind != QuestionKind.ranking.value:
        raise InvalidInput(_("Only ranking questions have a method."), field="ranking_method")
    if method not in RANKING_METHODS:
        raise InvalidInput(
            _("'{m}' is not a ranking method; use one of: {all}.").format(
                m=method, all=", ".join(RANKING_METHODS)
            ),
            field="ranking_method",
        )
    question.config = {**question.config, "ranking_method": method}
    session.flush()
    return question


def duplicate_poll(session: Session, poll: Poll) -> Poll:
    """Copy a poll and its questions into a new draft, without responses."""
    copy = Poll(
        event_id=poll.event_id,
        title=_("{title} (copy)").format(title=poll.title) if poll.title else "",
        position=poll.position + 1,
        allow_change=poll.allow_change,
        results_visible=False,
    )
    for question in poll.questions:
        copy.questions.append(
            Question(
                position=question.position,
                kind=question.kind,
                prompt=question.prompt,
                config=dict(question.config),
            )
        )
    for other in event_polls(session, poll.event_id):
        if other.position > poll.position:
            other.position += 1
    session.add(copy)
    session.flush()
    return copy


# ---------------------------------------------------------------------------- responses


@dataclass(frozen=True)
class Submission:
    """A validated answer waiting to be written; the participant's event comes from its token."""

    question_id: int
    participant_id: int
    event_id: int
    answer: dict[str, Any]
    idempotency_key: str | None = None


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
            outcomes[index] = Recorded(
                row.status_code, row.body, s.event_id, s.question_id, replayed=True
            )
        elif pair in first_with_key:
            followers[index] = first_with_key[pair]
        else:
            first_with_key[pair] = index

    todo = [i for i, o in enumerate(outcomes) if o is None and i not in followers]
    question_ids = {submissions[i].question_id for i in todo}
    polls: dict[int, tuple[int, PollState, bool]] = {}
    if question_ids:
        polls = {
            qid: (event_id, state, allow_change)
            for qid, event_id, state, allow_change in session.execute(
                select(Question.id, Poll.event_id, Poll.state, Poll.allow_change)
                .join(Poll)
                .where(Question.id.in_(question_ids))
            )
        }
    participant_ids = {submissions[i].participant_id for i in todo}
    current: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
    if todo:
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
        _event_id, state, allow_change = poll
        if state is not PollState.open:
            outcomes[index] = Conflict(_("This poll is not open for answers."))
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
        session.execute(
            insert(Response).on_conflict_do_nothing(
                index_elements=["question_id", "participant_id"]
            ),
            list(inserts.values()),
        )
        written = set(session.scalars(select(Response.id).where(Response.id.in_(inserts.keys()))))
        lost = set(inserts) - written
        if lost:  # another process answered for this participant at the same moment
            for index, outcome in enumerate(outcomes):
                if isinstance(outcome, Recorded) and outcome.body.get("id") in lost:
                    outcomes[index] = Conflict(_("You have already answered this question."))
    if updates:
        session.execute(update(Response), list(updates.values()))

    keys = []
    for pair, index in first_with_key.items():
        outcome = outcomes[index]
        if isinstance(outcome, Recorded):
            keys.append(
                {
                    "participant_id": pair[0],
                    "key": pair[1],
                    "status_code": outcome.status_code,
                    "body": outcome.body,
                    "created_at": now,
                }
            )
    if keys:
        session.execute(
            insert(SubmissionKey).on_conflict_do_nothing(index_elements=["participant_id", "key"]),
            keys,
        )

    for index, leader in followers.items():
        led = outcomes[leader]
        if isinstance(led, Recorded):
            s = submissions[index]
            outcomes[index] = Recorded(
                led.status_code, led.body, s.event_id, s.question_id, replayed=True
            )
        else:
            outcomes[index] = led
    return [
        o if o is not None else AgoraError(_("The response was not processed.")) for o in outcomes
    ]


def load_answers(session: Session, question_id: int) -> list[dict[str, Any]]:
    """Return every answer to a question in the order they were first given."""
    return list(
        session.scalars(
            select(Response.answer).where(Response.question_id == question_id).order_by(Response.id)
        )
    )


def participant_answers(
    session: Session, participant_id: int, question_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Return a participant's answers to the given questions, by question id."""
    if not question_ids:
        return {}
    rows = session.execute(
        select(Response.question_id, Response.answer).where(
            Response.participant_id == participant_id, Response.question_id.in_(question_ids)
        )
    )
    return {qid: answer for qid, answer in rows}
