"""Validation of a participant's raw answer into the normalized form stored and tallied.

Raw answers come from JSON, so anything may arrive: the wrong type, ``true`` where a
number is expected, ``null``, unknown fields. Every rejection is an ``InvalidAnswer``
whose message a participant can act on and whose ``field`` is a dotted path into the
answer (``ranking[2]``, ``points.asia``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from agora.core.errors import InvalidAnswer
from agora.core.i18n import _
from agora.polls.kinds import QuestionKind, QuestionSpec

#: Longest piece of a participant's own input quoted back in a message.
QUOTE_LENGTH = 40


def validate_answer(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return the normalized answer to ``spec`` or raise ``InvalidAnswer`` saying what is wrong."""
    return _VALIDATORS[spec.kind](spec, raw)


def _single_choice(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    value = _only_field(raw, "option")
    return {"option": _known_option(spec, value, "option")}


def _multiple_choice(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    values = _list_field(raw, "options")
    most = len(spec.options) if spec.max_choices is None else spec.max_choices
    if not values:
        raise InvalidAnswer(_("Choose at least one option."), field="options")
    if len(values) > most:
        raise InvalidAnswer(
            _("Too many options: the limit is {most}, you chose {count}.").format(
                most=most, count=len(values)
            ),
            field="options",
        )
    chosen = _distinct_options(spec, values, "options", _("'{label}' is chosen twice."))
    # Stored in question order so that equal choices are equal answers.
    return {"options": [option_id for option_id in spec.option_ids() if option_id in chosen]}


def _ranking(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    values = _list_field(raw, "ranking")
    count = len(spec.options)
    if spec.partial:
        most = count if spec.top_k is None else spec.top_k
        if not values:
            raise InvalidAnswer(_("Rank at least one option."), field="ranking")
        if len(values) > most:
            raise InvalidAnswer(
                _("You may rank up to {most}; you ranked {ranked}.").format(
                    most=most, ranked=len(values)
                ),
                field="ranking",
            )
    elif spec.top_k is None and len(values) != count:
        raise InvalidAnswer(
            _("Rank all the options ({count}); you ranked {ranked}.").format(
                count=count, ranked=len(values)
            ),
            field="ranking",
        )
    elif spec.top_k is not None and len(values) != spec.top_k:
        raise InvalidAnswer(
            _("Rank your top {top_k}; you ranked {ranked}.").format(
                top_k=spec.top_k, ranked=len(values)
            ),
            field="ranking",
        )
    ranking = _distinct_options(spec, values, "ranking", _("'{label}' is ranked twice."))
    return {"ranking": ranking}


def _open_text(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    return {"texts": _texts(spec, _list_field(raw, "texts"), "texts")}


def _word_cloud(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    words = _texts(spec, _list_field(raw, "words"), "words")
    seen: set[str] = set()
    for index, word in enumerate(words):
        folded = word.casefold()
        if folded in seen:
            raise InvalidAnswer(
                _("'{word}' is already in your answer.").format(word=_quote(word)),
                field=f"words[{index}]",
            )
        seen.add(folded)
    return {"words": words}


def _rating(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    value = _only_field(raw, "value")
    if not _is_int(value):
        raise InvalidAnswer(
            _("Choose a whole number from 1 to {high}.").format(high=spec.scale_max),
            field="value",
        )
    if not 1 <= value <= spec.scale_max:
        raise InvalidAnswer(
            _("The rating must be from 1 to {high}; {value} is outside the scale.").format(
                high=spec.scale_max, value=value
            ),
            field="value",
        )
    return {"value": value}


def _points(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    given = _only_field(raw, "points")
    if not isinstance(given, Mapping):
        raise InvalidAnswer(_("Give your points as a number for each option."), field="points")
    labels = {option.id: option.label for option in spec.options}
    total = 0
    for option_id, value in given.items():
        if not isinstance(option_id, str) or option_id not in labels:
            raise InvalidAnswer(
                _("Option '{id}' is not one of this question's options.").format(
                    id=_quote(option_id)
                ),
                field=f"points.{_quote(option_id)}",
            )
        label = labels[option_id]
        if not _is_int(value):
            raise InvalidAnswer(
                _("The points for '{label}' must be a whole number.").format(label=label),
                field=f"points.{option_id}",
            )
        if value < 0:
            raise InvalidAnswer(
                _("The points for '{label}' cannot be negative.").format(label=label),
                field=f"points.{option_id}",
            )
        total += value
    if total != spec.budget:
        raise InvalidAnswer(
            _("The points add up to {total}; they must add up to exactly {budget}.").format(
                total=total, budget=spec.budget
            ),
            field="points",
        )
    # Zero entries carry no information; dropping them keeps one stored form per answer.
    return {
        "points": {
            option_id: given[option_id] for option_id in spec.option_ids() if given.get(option_id)
        }
    }


_VALIDATORS: dict[QuestionKind, Callable[[QuestionSpec, object], dict[str, Any]]] = {
    QuestionKind.single_choice: _single_choice,
    QuestionKind.multiple_choice: _multiple_choice,
    QuestionKind.ranking: _ranking,
    QuestionKind.open_text: _open_text,
    QuestionKind.word_cloud: _word_cloud,
    QuestionKind.rating: _rating,
    QuestionKind.points: _points,
}


def _only_field(raw: object, name: str) -> object:
    """Return the one field an answer must have, rejecting any other."""
    if not isinstance(raw, Mapping):
        raise InvalidAnswer(_("The answer is not in the form this question expects."))
    for key in raw:
        if key != name:
            raise InvalidAnswer(
                _("'{key}' is not part of an answer to this question.").format(key=_quote(key)),
                field=_quote(key),
            )
    if name not in raw:
        raise InvalidAnswer(_("The answer is missing '{name}'.").format(name=name), field=name)
    return raw[name]


def _list_field(raw: object, name: str) -> list[object]:
    """Return the one field an answer must have when that field is a list."""
    value = _only_field(raw, name)
    if not isinstance(value, list):
        raise InvalidAnswer(_("'{name}' must be a list.").format(name=name), field=name)
    return value


def _known_option(spec: QuestionSpec, value: object, field: str) -> str:
    """Return ``value`` when it is the id of one of the question's options."""
    if not isinstance(value, str):
        raise InvalidAnswer(_("Choose one of the question's options."), field=field)
    if value not in spec.option_ids():
        raise InvalidAnswer(
            _("Option '{id}' is not one of this question's options.").format(id=_quote(value)),
            field=field,
        )
    return value


def _distinct_options(spec: QuestionSpec, values: list[object], name: str, twice: str) -> list[str]:
    """Return ``values`` as known option ids, each at most once; ``twice`` names a repeat."""
    seen: list[str] = []
    for index, value in enumerate(values):
        field = f"{name}[{index}]"
        option_id = _known_option(spec, value, field)
        if option_id in seen:
            raise InvalidAnswer(twice.format(label=spec.label_of(option_id)), field=field)
        seen.append(option_id)
    return seen


def _texts(spec: QuestionSpec, values: list[object], name: str) -> list[str]:
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
    texts: list[str] = []
    for index, value in enumerate(values):
        field = f"{name}[{index}]"
        if not isinstance(value, str):
            raise InvalidAnswer(_("Each answer must be text."), field=field)
        # NFC first so that "é" typed as e + accent counts as one character, like on screen.
        text = unicodedata.normalize("NFC", value).strip()
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
        texts.append(text)
    return texts


def _is_int(value: object) -> TypeGuard[int]:
    """Tell whether ``value`` is a whole number; JSON ``true`` is not one."""
    return isinstance(value, int) and not isinstance(value, bool)


def _quote(value: object) -> str:
    """Return a participant's input shortened for quoting back in a message."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"
