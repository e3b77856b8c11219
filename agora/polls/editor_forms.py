"""The poll editor's forms: their fields to a ``QuestionIn``, and questions to what the forms show.

A question's form sends its prompt, its kind, one ``option-<id>`` field per option in the
order shown, a ``new_option`` and the settings its kind takes (``kind.SETTINGS``); the
button pressed is ``action``: ``save``, ``add``, or ``up:<id>``, ``down:<id>``,
``remove:<id>`` for an option. Settings of other kinds keep their stored values, so a
kind changed back and forth loses nothing. Errors name the form field they are about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from agora.core.errors import AgoraError, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import QuestionKind, kind_of
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.fields import quote
from agora.polls.models import VotingRule
from agora.polls.paste import MAX_LABEL, MAX_OPTIONS, MAX_PROMPT
from agora.polls.schemas import OptionIn, QuestionIn

#: The longest poll title, as the API allows.
MAX_TITLE = 300
#: Settings typed as whole numbers; those that may be left blank mean "all".
NUMBERS = ("max_choices", "top_k", "max_length", "max_entries", "scale_max", "budget")
OPTIONAL_NUMBERS = frozenset({"max_choices", "top_k"})
TEXTS = {"min_label": 100, "max_label": 100}
_OPTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_PATH = re.compile(r"^options\[(\d+)\]")


@dataclass(frozen=True)
class Action:
    """The button a question form was sent with: save, add, or an option's up, down, remove."""

    name: str
    option: str = ""


@dataclass
class QuestionView:
    """A question as the editor's form shows it: stored, or as typed when it was refused."""

    id: int
    kind: str
    prompt: str
    #: (id, label) in the order shown; an option typed but not saved has the id "".
    options: list[tuple[str, str]]
    #: Each setting's value as its input shows it ("" for a blank number).
    values: dict[str, str]
    answers: int = 0
    new_option: str = ""
    error: AgoraError | None = None
    #: The form field the error is about ("" for the question as a whole).
    error_field: str = ""


def values_of(data: QuestionIn) -> dict[str, str]:
    """Return a question's settings as its form's inputs show them."""
    return {
        "max_choices": _text(data.max_choices),
        "top_k": _text(data.top_k),
        "partial": "1" if data.partial else "",
        "max_length": _text(data.max_length),
        "max_entries": str(data.max_entries),
        "scale_max": str(data.scale_max),
        "min_label": data.min_label,
        "max_label": data.max_label,
        "budget": str(data.budget),
        "language": data.language or "",
        "ranking_method": data.ranking_method,
    }


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def view_of(question_id: int, data: QuestionIn, answers: int) -> QuestionView:
    """Return the form view of a stored question (``data`` from ``services.question_input``)."""
    return QuestionView(
        id=question_id,
        kind=data.kind.value,
        prompt=data.prompt,
        options=[(o.id, o.label) for o in data.options if isinstance(o, OptionIn)],
        values=values_of(data),
        answers=answers,
    )


def draft_view(stored: QuestionView, form: FormFields, error: AgoraError) -> QuestionView:
    """Return the view of a refused form: what was typed, with the error next to its field."""
    options = _typed_options(form)
    values = dict(stored.values)
    for name in values:
        if name == "partial":
            values[name] = "1" if form.get("partial") else ""
        elif form.get(name) is not None:
            values[name] = str(form.get(name))
    try:
        kind = read_kind(form).value
    except InvalidInput:
        kind = stored.kind
    return QuestionView(
        id=stored.id,
        kind=kind,
        prompt=str(form.get("prompt") or ""),
        options=options,
        values=values,
        answers=stored.answers,
        new_option=str(form.get("new_option") or ""),
        error=error,
        error_field=input_of(error.field, [o for o, _label in options], form),
    )


def _typed_options(form: FormFields) -> list[tuple[str, str]]:
    return [
        (name.removeprefix("option-"), str(value))
        for name, value in form.multi_items()
        if name.startswith("option-")
    ]


def input_of(path: str | None, option_ids: list[str], form: FormFields | None = None) -> str:
    """Return the form field an error's path names (``options[2].label`` → ``option-<id>``)."""
    if not path:
        return ""
    path = re.sub(r"^questions\[\d+\]\.?", "", path)  # a new poll's first question
    match = _PATH.match(path)
    if match:
        index = int(match.group(1))
        if index < len(option_ids):
            return f"option-{option_ids[index]}"
        return "new_option"
    return path.split("[", 1)[0].split(".", 1)[0]


def read_action(form: FormFields) -> Action:
    """Return the button a question form was sent with."""
    raw = str(form.get("action") or "save")
    name, _sep, option = raw.partition(":")
    if name in {"save", "add"} and not option:
        return Action(name)
    if name in {"up", "down", "remove"} and _OPTION_ID.match(option):
        return Action(name, option)
    raise InvalidInput(_("This button is not one of the editor's."), field="action")


def question_from_form(form: FormFields, stored: QuestionIn | None = None) -> QuestionIn:
    """Return the question a form describes, its action applied to the options.

    ``stored`` gives the settings the chosen kind does not take (the defaults for a new
    question). Raises ``InvalidInput`` naming the form field at fault.
    """
    kind = read_kind(form)
    takes = kind_of(kind).SETTINGS
    base = stored or QuestionIn(kind=kind, prompt="-")
    prompt = str(form.get("prompt") or "").strip()
    if not prompt:
        raise InvalidInput(_("Write the question."), field="prompt")
    _check_length(prompt, MAX_PROMPT, "prompt")
    fields: dict[str, Any] = {
        name: getattr(base, name)
        for name in (*NUMBERS, "partial", *TEXTS, "language", "ranking_method")
    }
    for name in takes:
        if name in NUMBERS:
            fields[name] = whole_number(form, name, optional=name in OPTIONAL_NUMBERS)
        elif name == "partial":
            fields[name] = bool(form.get("partial"))
        elif name in TEXTS:
            fields[name] = str(form.get(name) or "").strip()
            _check_length(fields[name], TEXTS[name], name)
        elif name in {"language", "ranking_method"} and form.get(name):
            fields[name] = str(form.get(name))
    options: list[str | OptionIn] = []
    if "options" in takes:
        options = _options(form, read_action(form))
    try:
        return QuestionIn(kind=kind, prompt=prompt, options=options, **fields)
    except ValidationError as exc:  # the checks above keep to the API's bounds; a guard
        name = str(exc.errors()[0]["loc"][0])
        raise InvalidInput(_("This value is not allowed."), field=name) from None


def read_kind(form: FormFields) -> QuestionKind:
    """Return the kind a form chose."""
    try:
        return QuestionKind(str(form.get("kind") or ""))
    except ValueError:
        raise InvalidInput(_("Choose a kind of question."), field="kind") from None


def _options(form: FormFields, action: Action) -> list[str | OptionIn]:
    options: list[str | OptionIn] = []
    for index, (option_id, typed) in enumerate(_typed_options(form), start=1):
        label = typed.strip()
        name = f"option-{option_id}"
        if not _OPTION_ID.match(option_id):
            raise InvalidInput(_("This option is not one of the question's."), field=name)
        if not label and action != Action("remove", option_id):
            raise InvalidInput(
                _("Option {n} is empty: write it, or remove the option.").format(n=index),
                field=name,
            )
        _check_length(label, MAX_LABEL, name)
        options.append(OptionIn(id=option_id, label=label or "-"))
    new = str(form.get("new_option") or "").strip()
    if new:
        _check_length(new, MAX_LABEL, "new_option")
        options.append(new)
    elif action.name == "add":
        raise InvalidInput(_("Type the new option first."), field="new_option")
    ids = [o.id if isinstance(o, OptionIn) else "" for o in options]
    if action.option and action.option not in ids:
        raise InvalidInput(_("This option is not one of the question's."), field="action")
    if action.name == "remove":
        options.pop(ids.index(action.option))
    elif action.name in {"up", "down"}:
        at = ids.index(action.option)
        to = at - 1 if action.name == "up" else at + 1
        if 0 <= to < len(options):
            options[at], options[to] = options[to], options[at]
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(
            _("A question offers at most {most} options.").format(most=MAX_OPTIONS),
            field="new_option",
        )
    return options


def whole_number(form: FormFields, name: str, *, optional: bool = False) -> int | None:
    """Return the number typed in ``name`` (None if blank and ``optional``), in the API's bounds."""
    typed = str(form.get(name) or "").strip()
    if not typed:
        if optional:
            return None
        raise InvalidInput(_("Type a number here."), field=name)
    if not typed.isdigit() or len(typed) > 7:
        raise InvalidInput(
            _("“{value}” is not a whole number.").format(value=quote(typed)), field=name
        )
    value = int(typed)
    low, high = bounds(name)
    if value < low or (high is not None and value > high):
        message = _("Use a number from {low} to {high}.") if high else _("Use {low} or more.")
        raise InvalidInput(message.format(low=low, high=high), field=name)
    return value


def bounds(name: str) -> tuple[int, int | None]:
    """Return the lowest and highest value the API accepts for a number setting."""
    low, high = 1, None
    for rule in QuestionIn.model_fields[name].metadata:
        low = int(getattr(rule, "ge", low))
        high = getattr(rule, "le", high)
    return low, high


def _check_length(text: str, most: int, name: str) -> None:
    if len(text) > most:
        raise InvalidInput(
            _("This text is {length} characters long; the limit is {most}.").format(
                length=len(text), most=most
            ),
            field=name,
        )


def option_lines(form: FormFields, name: str = "options") -> list[str]:
    """Return the options typed one per line in a new question's box (blank lines skipped)."""
    lines = [line.strip() for line in str(form.get(name) or "").splitlines()]
    options = [line for line in lines if line]
    for line in options:
        _check_length(line, MAX_LABEL, name)
    if len(options) > MAX_OPTIONS:
        raise InvalidInput(
            _("A question offers at most {most} options.").format(most=MAX_OPTIONS), field=name
        )
    return options


def new_question(form: FormFields) -> QuestionIn:
    """Return the question of an "add a question" form: kind, question, options one per line."""
    kind = read_kind(form)
    prompt = str(form.get("prompt") or "").strip()
    if not prompt:
        raise InvalidInput(_("Write the question."), field="prompt")
    _check_length(prompt, MAX_PROMPT, "prompt")
    options = option_lines(form)
    module = kind_of(kind)
    if options and "options" not in module.SETTINGS:
        raise InvalidInput(
            _(
                "A question of the kind “{kind}” takes no options: clear them or choose "
                "another kind."
            ).format(kind=_(module.NAME)),
            field="options",
        )
    given: list[str | OptionIn] = [*options]
    return QuestionIn(kind=kind, prompt=prompt, options=given)


def poll_title(form: FormFields) -> str:
    """Return the title typed for a poll."""
    title = str(form.get("title") or "").strip()
    _check_length(title, MAX_TITLE, "title")
    return title


def voting_rule(form: FormFields) -> VotingRule:
    """Return the voting rule chosen for a poll (``anyone`` when the form sends none)."""
    raw = str(form.get("voting_rule") or VotingRule.anyone.value)
    try:
        return VotingRule(raw)
    except ValueError:
        raise InvalidInput(
            _("'{rule}' is not a voting rule; choose one of the list.").format(rule=raw[:40]),
            field="voting_rule",
        ) from None


def form_values(form: FormFields) -> dict[str, str]:
    """Return a form's text fields, to show them again after an error."""
    return {str(k): str(v) for k, v in form.multi_items() if isinstance(v, str)}
