"""State changes of polls: create, open, close, reveal, duplicate, reorder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.models import Event
from agora.polls.kinds import (
    TEXT_MAX_LENGTH,
    Option,
    QuestionKind,
    QuestionSpec,
    check_spec,
    kind_of,
)
from agora.polls.models import Poll, PollState, Question
from agora.polls.schemas import OptionIn, PollIn, PollPatch, QuestionIn

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
    kind = kind_of(data.kind)
    max_length = data.max_length
    if max_length is None:
        max_length = kind.DEFAULTS.get("max_length", TEXT_MAX_LENGTH)
    config: dict[str, Any] = {
        "options": options,
        "max_choices": data.max_choices,
        "top_k": data.top_k,
        "partial": data.partial,
        "max_length": max_length,
        "max_entries": data.max_entries,
        "scale_max": data.scale_max,
        "min_label": data.min_label.strip(),
        "max_label": data.max_label.strip(),
        "budget": data.budget,
        "language": (data.language or default_language).split("-")[0].lower(),
    }
    if kind.METHODS:
        _check_method(kind.METHODS, data.ranking_method)
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


def apply_action(session: Session, poll: Poll, action: str) -> Poll:
    """Run one moderator action on a poll and return the poll to show afterwards.

    The actions are the states' (open, reopen, close, archive, restore), reveal and hide
    (results to participants) and duplicate, which returns the new draft.
    """
    if action == "duplicate":
        return duplicate_poll(session, poll)
    if action == "reveal":
        return update_poll(session, poll, PollPatch(results_visible=True))
    if action == "hide":
        return update_poll(session, poll, PollPatch(results_visible=False))
    return change_state(session, poll, "open" if action == "reopen" else action)


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
    methods = kind_of(question.kind).METHODS
    if not methods:
        raise InvalidInput(_("Only ranking questions have a method."), field="ranking_method")
    _check_method(methods, method)
    question.config = {**question.config, "ranking_method": method}
    session.flush()
    return question


def _check_method(methods: Mapping[str, str], method: str) -> None:
    """Refuse a ranking method the question's kind does not have."""
    if method not in methods:
        raise InvalidInput(
            _("'{m}' is not a ranking method; use one of: {all}.").format(
                m=method, all=", ".join(methods)
            ),
            field="ranking_method",
        )


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
