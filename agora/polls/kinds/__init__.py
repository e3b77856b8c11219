"""Question kinds: one module each, holding everything a kind is.

A kind's module (``single_choice``, ``ranking``…) checks a question's settings before a
poll opens (``check``), validates a participant's answer (``validate``), reads a phone's
plain HTML form (``from_form``), picks a pure counter of ``agora.polls.tally`` (``tally``)
and turns a result into the neutral :class:`ResultTable` every renderer draws (``table``).
The phone's input for a kind is its template, ``polls/templates/polls/kinds/<kind>.html``.

This module is the registry: it maps each :class:`QuestionKind` to its module and offers
the operations the rest of Agora calls, whatever the kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agora.polls.kinds import (
    multiple_choice,
    open_text,
    points,
    ranking,
    rating,
    single_choice,
    word_cloud,
)
from agora.polls.kinds.base import FormFields, Kind, QuestionTally, with_method_label
from agora.polls.kinds.fields import check_language
from agora.polls.kinds.spec import TEXT_MAX_LENGTH, Marker, Option, QuestionKind, QuestionSpec
from agora.polls.kinds.table import ResultTable, words

__all__ = [
    "KINDS",
    "TEXT_MAX_LENGTH",
    "FormFields",
    "Kind",
    "Marker",
    "Option",
    "QuestionKind",
    "QuestionSpec",
    "QuestionTally",
    "ResultTable",
    "answer_from_form",
    "check_spec",
    "kind_of",
    "make_spec",
    "make_tally",
    "result_table",
    "validate_answer",
    "with_method_label",
    "words",
]

#: Every kind's module; mypy checks here that each one is a :class:`Kind`.
_MODULES: tuple[Kind, ...] = (
    single_choice,
    multiple_choice,
    ranking,
    open_text,
    word_cloud,
    rating,
    points,
)

#: The module of each kind.
KINDS: dict[QuestionKind, Kind] = {module.KIND: module for module in _MODULES}


def kind_of(kind: QuestionKind | str) -> Kind:
    """Return the module describing ``kind`` (a ``QuestionKind`` or its value)."""
    return KINDS[QuestionKind(kind)]


def make_spec(
    kind: QuestionKind,
    *,
    options: Sequence[Option] = (),
    max_choices: int | None = None,
    top_k: int | None = None,
    partial: bool = False,
    max_length: int | None = None,
    max_entries: int = 1,
    scale_max: int = 5,
    min_label: str = "",
    max_label: str = "",
    budget: int = 100,
    language: str = "en",
) -> QuestionSpec:
    """Build a checked spec, applying the kind's defaults (a word cloud entry is 40 characters)."""
    defaults = kind_of(kind).DEFAULTS
    spec = QuestionSpec(
        kind=kind,
        options=tuple(options),
        max_choices=max_choices,
        top_k=top_k,
        partial=partial,
        max_length=defaults.get("max_length", TEXT_MAX_LENGTH)
        if max_length is None
        else max_length,
        max_entries=max_entries,
        scale_max=scale_max,
        min_label=min_label,
        max_label=max_label,
        budget=budget,
        language=language,
    )
    check_spec(spec)
    return spec


def check_spec(spec: QuestionSpec) -> None:
    """Raise ``InvalidInput`` naming the field when a question's settings cannot work."""
    kind_of(spec.kind).check(spec)
    check_language(spec)


def validate_answer(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return the normalized answer to ``spec`` or raise ``InvalidAnswer`` saying what is wrong."""
    return kind_of(spec.kind).validate(spec, raw)


def answer_from_form(kind: QuestionKind | str, form: FormFields) -> object:
    """Turn a participant page's form fields into a raw answer of the kind's shape."""
    return kind_of(kind).from_form(form)


def make_tally(spec: QuestionSpec) -> QuestionTally:
    """Return an empty tally for the kind of question ``spec`` describes."""
    return QuestionTally(spec, kind_of(spec.kind))


def result_table(result: Mapping[str, Any]) -> ResultTable:
    """Return the neutral table of a result (as ``QuestionTally.result`` gives it)."""
    return kind_of(str(result["kind"])).table(result)
