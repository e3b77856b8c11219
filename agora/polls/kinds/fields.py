"""Checks shared by the kinds: parts of a participant's raw answer, and common settings.

Raw answers come from JSON, so anything may arrive: the wrong type, ``true`` where a
number is expected, ``null``, unknown fields. Every rejection is an ``InvalidAnswer``
whose message a participant can act on and whose ``field`` is a dotted path into the
answer (``ranking[2]``, ``points.asia``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds.spec import QuestionSpec
from agora.text.clean import plain

#: Longest piece of a participant's own input quoted back in a message.
QUOTE_LENGTH = 40


# -- settings ------------------------------------------------------------------------------


def check_options(spec: QuestionSpec) -> None:
    """Check that a question offering options has some, each with a distinct id and a label."""
    if not spec.options:
        raise InvalidInput(_("This question needs at least one option."), field="options")
    seen: set[str] = set()
    for index, option in enumerate(spec.options):
        if not option.id:
            raise InvalidInput(_("Every option needs an id."), field=f"options[{index}].id")
        if option.id in seen:
            raise InvalidInput(
                _("Two options have the id '{id}'.").format(id=option.id),
                field=f"options[{index}].id",
            )
        if not option.label.strip():
            raise InvalidInput(_("Every option needs a label."), field=f"options[{index}].label")
        seen.add(option.id)


def check_up_to_options(value: int | None, count: int, message: str, field: str) -> None:
    """Check that an optional limit lies between 1 and the number of options."""
    if value is not None and not 1 <= value <= count:
        raise InvalidInput(message.format(count=count), field=field)


def check_max_length(spec: QuestionSpec) -> None:
    """Check the longest entry allowed of a question answered with text."""
    if spec.max_length < 1:
        raise InvalidInput(
            _("The longest answer allowed must be at least 1 character."), field="max_length"
        )


def check_language(spec: QuestionSpec) -> None:
    """Check that the answers' language is an ISO 639-1 code."""
    if not (len(spec.language) == 2 and spec.language.isascii() and spec.language.islower()):
        raise InvalidInput(
            _("The language must be a two-letter ISO 639-1 code such as 'en'."),
            field="language",
        )


# -- answers -------------------------------------------------------------------------------


def only_field(raw: object, name: str) -> object:
    """Return the one field an answer must have, rejecting any other."""
    if not isinstance(raw, Mapping):
        raise InvalidAnswer(_("The answer is not in the form this question expects."))
    for key in raw:
        if key != name:
            raise InvalidAnswer(
                _("'{key}' is not part of an answer to this question.").format(key=quote(key)),
                field=quote(key),
            )
    if name not in raw:
        raise InvalidAnswer(_("The answer is missing '{name}'.").format(name=name), field=name)
    return raw[name]


def list_field(raw: object, name: str) -> list[object]:
    """Return the one field an answer must have when that field is a list."""
    value = only_field(raw, name)
    if not isinstance(value, list):
        raise InvalidAnswer(_("'{name}' must be a list.").format(name=name), field=name)
    return value


def known_option(spec: QuestionSpec, value: object, field: str) -> str:
    """Return ``value`` when it is the id of one of the question's options."""
    if not isinstance(value, str):
        raise InvalidAnswer(_("Choose one of the question's options."), field=field)
    if value not in spec.option_ids():
        raise InvalidAnswer(
            _("Option '{id}' is not one of this question's options.").format(id=quote(value)),
            field=field,
        )
    return value


def distinct_options(spec: QuestionSpec, values: list[object], name: str, twice: str) -> list[str]:
    """Return ``values`` as known option ids, each at most once; ``twice`` names a repeat."""
    seen: list[str] = []
    for index, value in enumerate(values):
        field = f"{name}[{index}]"
        option_id = known_option(spec, value, field)
        if option_id in seen:
            raise InvalidAnswer(twice.format(label=spec.label_of(option_id)), field=field)
        seen.append(option_id)
    return seen


def texts(spec: QuestionSpec, values: list[object], name: str) -> list[str]:
    """Return the entries NFC-normalized and stripped, checking their number and length."""
    if not values:
        raise InvalidAnswer(_("Write at least one answer."), field=name)
    if len(values) > spec.max_entries:
        raise InvalidAnswer(
            _("Too many answers: the limit is {most}, you sent {count}.").format(
                most=spec.max_entries, count=len(values)
            ),
            field=name,
        )
    out: list[str] = []
    for index, value in enumerate(values):
        field = f"{name}[{index}]"
        if not isinstance(value, str):
            raise InvalidAnswer(_("Each answer must be text."), field=field)
        # NFC first so that "é" typed as e + accent counts as one character, like on screen.
        text = plain(value, multiline=True)
        if not text:
            raise InvalidAnswer(
                _("Answer {number} is empty.").format(number=index + 1), field=field
            )
        if len(text) > spec.max_length:
            raise InvalidAnswer(
                _("Answer {number} is {length} characters long; the limit is {most}.").format(
                    number=index + 1, length=len(text), most=spec.max_length
                ),
                field=field,
            )
        out.append(text)
    return out


def filled(values: list[object]) -> list[object]:
    """Return the form values that are not blank (empty text boxes are not answers)."""
    return [value for value in values if str(value).strip()]


def is_int(value: object) -> TypeGuard[int]:
    """Tell whether ``value`` is a whole number; JSON ``true`` is not one."""
    return isinstance(value, int) and not isinstance(value, bool)


def quote(value: object) -> str:
    """Return a participant's input shortened for quoting back in a message."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"
