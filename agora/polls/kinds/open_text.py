"""Open text: each participant writes up to ``max_entries`` answers; the result lists them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    N_,
    Chart,
    Column,
    Format,
    Phrase,
    ResultTable,
    Row,
    answers,
)
from agora.polls.tally import OpenTextTally, Tally

KIND = QuestionKind.open_text
NAME = N_("Open text")
DEFAULTS: Mapping[str, Any] = {}
METHODS: Mapping[str, str] = {}
#: The report groups open-text answers into themes and names their languages.
THEMED = True
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("max_entries", "max_length", "language")
#: How a pasted list names this kind.
MARKER = Marker(("open text", "open", "text"), "max_entries")

ANSWER = N_("Answer")


def check(spec: QuestionSpec) -> None:
    """Check the longest entry and that at least one entry is allowed."""
    fields.check_max_length(spec)
    if spec.max_entries < 1:
        raise InvalidInput(
            _("Participants must be allowed at least one answer."), field="max_entries"
        )


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"texts": [...]}``, each entry normalized and within the limits."""
    return {"texts": fields.texts(spec, fields.list_field(raw, "texts"), "texts")}


def from_form(form: FormFields) -> object:
    """Read the text boxes that are not blank."""
    return {"texts": fields.filled(form.getlist("texts"))}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return the entries as written."""
    return [str(text) for text in answer.get("texts", [])]


def tally(spec: QuestionSpec) -> Tally:
    """Keep every entry in the order the answers arrived."""
    return OpenTextTally()


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return one row per entry, as cards: open text has no chart."""
    voters = int(result["voters"])
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(NAME),
        voters=voters,
        summary=(answers(voters),),
        chart=Chart.cards,
        title=Phrase(NAME),
        axis=Phrase(ANSWER),
        columns=(Column("text", Phrase(ANSWER), Format.text),),
        rows=tuple(Row(str(i), (a["text"],)) for i, a in enumerate(result["answers"])),
        label="text",
        value=None,
        figure=(),
    )
