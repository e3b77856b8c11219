"""State changes of polls: create, open, close, reveal, duplicate, reorder, edit.

Edits of questions (the poll editor's) go through ``update_question``, which checks the new
settings with the kind's ``check`` and, once people may have answered, with the rules of
``agora.polls.editing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.models import Event
from agora.polls import editing
from agora.polls.kinds import (
    TEXT_MAX_LENGTH,
    Option,
    QuestionKind,
    QuestionSpec,
    check_spec,
    kind_of,
)
from agora.polls.models import Poll, PollState, Question, Response, VotingRule
from agora.polls.paste import PastedQuestion, PasteError, read_questions
from agora.polls.responses import load_answers
from agora.polls.schemas import OptionIn, PollIn, PollPatch, QuestionIn
from agora.text.clean import plain

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
    kind = kind_of(data.kind)
    # options given to a kind that takes none are ignored, like every other setting
    given = data.options if "options" in kind.SETTINGS else []
    options: list[dict[str, str]] = []
    for index, option in enumerate(given, start=1):
        if isinstance(option, OptionIn):
            options.append({"id": option.id, "label": plain(option.label)})
        else:
            label = plain(option)
            if not label:
                raise InvalidInput(_("Option {n} has no text.").format(n=index), field="options")
            options.append({"id": f"o{index}", "label": label})
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
        "min_label": plain(data.min_label),
        "max_label": plain(data.max_label),
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
        title=plain(data.title),
        position=0 if last is None else last + 1,
        allow_change=data.allow_change,
        results_visible=data.results_visible,
        voting_rule=data.voting_rule,
    )
    for index, item in enumerate(data.questions):
        try:
            config = _config_from_input(item, event.language)
        except InvalidInput as exc:
            exc.field = f"questions[{index}].{exc.field}" if exc.field else f"questions[{index}]"
            raise
        poll.questions.append(
            Question(position=index, kind=item.kind.value, prompt=plain(item.prompt), config=config)
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
    if patch.voting_rule is not None:
        poll.voting_rule = patch.voting_rule
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
        voting_rule=poll.voting_rule,
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


# -- the poll editor -----------------------------------------------------------------------


def update_poll_details(
    session: Session,
    poll: Poll,
    *,
    title: str,
    allow_change: bool,
    results_visible: bool,
    voting_rule: VotingRule = VotingRule.anyone,
) -> Poll:
    """Rename a poll and set whether answers may change, results are shown and who votes.

    Always allowed, an open poll's rule too: a response already given stays counted.
    """
    poll.title = plain(title)
    patch = PollPatch(
        allow_change=allow_change, results_visible=results_visible, voting_rule=voting_rule
    )
    return update_poll(session, poll, patch)


def answer_counts(session: Session, question_ids: list[int]) -> dict[int, int]:
    """Return how many answers each question has (questions without any are left out)."""
    if not question_ids:
        return {}
    rows = session.execute(
        select(Response.question_id, func.count())
        .where(Response.question_id.in_(question_ids))
        .group_by(Response.question_id)
    )
    return {int(question_id): int(count) for question_id, count in rows}


def question_input(question: Question) -> QuestionIn:
    """Return a stored question as the input that describes it (the editor starts from it)."""
    config = question.config
    return QuestionIn(
        kind=QuestionKind(question.kind),
        prompt=question.prompt,
        options=[OptionIn(id=o["id"], label=o["label"]) for o in config.get("options", [])],
        max_choices=config.get("max_choices"),
        top_k=config.get("top_k"),
        partial=bool(config.get("partial", False)),
        max_length=config.get("max_length"),
        max_entries=config.get("max_entries", 1),
        scale_max=config.get("scale_max", 5),
        min_label=config.get("min_label", ""),
        max_label=config.get("max_label", ""),
        budget=config.get("budget", 100),
        language=config.get("language"),
        ranking_method=config.get("ranking_method", "positional"),
    )


def _prompt(data: QuestionIn) -> str:
    prompt = plain(data.prompt)
    if not prompt:
        raise InvalidInput(_("Write the question."), field="prompt")
    return prompt


def _with_ids(options: list[str | OptionIn], taken: set[str]) -> list[str | OptionIn]:
    """Give new options (plain labels) ids that no option of the question has."""
    used = set(taken) | {o.id for o in options if isinstance(o, OptionIn)}
    out: list[str | OptionIn] = []
    number = 0
    for option in options:
        if isinstance(option, OptionIn):
            out.append(option)
            continue
        label = plain(option)
        if not label:
            raise InvalidInput(
                _("Option {n} has no text.").format(n=len(out) + 1), field=f"options[{len(out)}]"
            )
        number += 1
        while f"o{number}" in used:
            number += 1
        used.add(f"o{number}")
        out.append(OptionIn(id=f"o{number}", label=label))
    return out


def add_question(session: Session, poll: Poll, data: QuestionIn) -> Question:
    """Add a question at the end of a poll that is not open."""
    editing.check_question_added(poll_open=poll.state is PollState.open, count=len(poll.questions))
    event = session.get_one(Event, poll.event_id)
    question = Question(
        position=len(poll.questions),
        kind=data.kind.value,
        prompt=_prompt(data),
        config=_config_from_input(data, event.language),
    )
    poll.questions.append(question)
    session.flush()
    return question


def update_question(session: Session, question: Question, data: QuestionIn) -> Question:
    """Replace a question's prompt, kind and settings, as far as its answers allow.

    Options given as plain labels are new and get fresh ids; options given with an id keep
    it, so answers naming them stay attached. Nothing changes if the kind's check or the
    rules of ``agora.polls.editing`` refuse the new question.
    """
    prompt = _prompt(data)
    config = question_config(question, data)
    poll = question.poll
    editing.check_question_edit(
        spec_of(question),
        spec_from_config(data.kind.value, config),
        load_answers(session, question.id),
        poll_open=poll.state is PollState.open,
    )
    question.kind = data.kind.value
    question.prompt = prompt
    question.config = config
    session.flush()
    return question


def question_config(question: Question, data: QuestionIn) -> dict[str, Any]:
    """Return the settings ``data`` would give a stored question, checked by its kind.

    New options (plain labels) get ids that none of the question's options has.
    """
    taken = {o["id"] for o in question.config.get("options", [])}
    data = data.model_copy(update={"options": _with_ids(list(data.options), taken)})
    return _config_from_input(data, str(question.config.get("language") or "en"))


def add_option(session: Session, question: Question, label: str) -> Question:
    """Add an option at the end of a question's list."""
    data = question_input(question)
    return update_question(
        session, question, data.model_copy(update={"options": [*data.options, label]})
    )


def remove_option(session: Session, question: Question, option_id: str) -> Question:
    """Remove an option that no answer names (see ``agora.polls.editing``)."""
    data = question_input(question)
    options = [o for o in data.options if not (isinstance(o, OptionIn) and o.id == option_id)]
    if len(options) == len(data.options):
        raise NotFound(_("This question has no option '{id}'.").format(id=option_id))
    return update_question(session, question, data.model_copy(update={"options": options}))


def move_option(session: Session, question: Question, option_id: str, position: int) -> Question:
    """Move an option to ``position`` (0 is first) in the order participants see."""
    data = question_input(question)
    options = list(data.options)
    moving = next((o for o in options if isinstance(o, OptionIn) and o.id == option_id), None)
    if moving is None:
        raise NotFound(_("This question has no option '{id}'.").format(id=option_id))
    options.remove(moving)
    options.insert(max(0, min(position, len(options))), moving)
    return update_question(session, question, data.model_copy(update={"options": options}))


def remove_question(session: Session, question: Question) -> Poll:
    """Remove a question without answers from a poll that is not open, keeping one at least."""
    poll = question.poll
    editing.check_question_removed(
        poll_open=poll.state is PollState.open,
        answers=answer_counts(session, [question.id]).get(question.id, 0),
        count=len(poll.questions),
    )
    poll.questions.remove(question)
    for index, item in enumerate(poll.questions):
        item.position = index
    poll.screen_position = min(poll.screen_position, len(poll.questions) - 1)
    session.flush()
    return poll


def pasted_questions(text: str, language: str) -> list[QuestionIn]:
    """Return the questions a pasted text describes, each checked like the editor's.

    Raises ``PasteError`` listing every problem with its line (docs/polls-editor.md).
    """
    parsed, problems = read_questions(text)
    questions: list[QuestionIn] = []
    for item in parsed:
        try:
            data = QuestionIn(
                kind=item.kind, prompt=item.prompt, options=list(item.options), **item.settings
            )
            _config_from_input(data, language)
        except ValidationError as exc:
            problems.append((item.line, _out_of_range(item, exc)))
        except InvalidInput as exc:
            problems.append((item.line_of(exc.field), exc.message))
        else:
            questions.append(data)
    if problems:
        raise PasteError(problems)
    return questions


def _out_of_range(item: PastedQuestion, error: ValidationError) -> str:
    """Say which number of a pasted marker the API's bounds refuse, and what they allow."""
    name = str(error.errors()[0]["loc"][0])
    bounds = {"ge": 1, "le": None}
    for rule in QuestionIn.model_fields[name].metadata:
        for key in bounds:
            if hasattr(rule, key):
                bounds[key] = getattr(rule, key)
    return _("{number} is out of range here: use a number from {low} to {high}.").format(
        number=item.settings.get(name, ""), low=bounds["ge"], high=bounds["le"]
    )


def add_pasted_questions(session: Session, poll: Poll, text: str) -> list[Question]:
    """Add the questions of a pasted text to a poll: all of them, or none on any problem."""
    event = session.get_one(Event, poll.event_id)
    questions = pasted_questions(text, event.language)
    editing.check_question_added(
        poll_open=poll.state is PollState.open, count=len(poll.questions), adding=len(questions)
    )
    return [add_question(session, poll, data) for data in questions]


def create_pasted_poll(session: Session, event: Event, title: str, text: str) -> Poll:
    """Create a draft poll from a pasted list of questions (nothing on any problem)."""
    questions = pasted_questions(text, event.language)
    editing.check_question_added(poll_open=False, count=0, adding=len(questions))
    return create_poll(session, event, PollIn(title=title, questions=questions))
