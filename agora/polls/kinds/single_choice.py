"""Single choice: each participant picks one option; the result counts each option's choosers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    COUNT,
    N_,
    OPTION,
    SHARE,
    Chart,
    Column,
    Count,
    Format,
    N_plural,
    Phrase,
    ResultTable,
    Row,
    answers,
)
from agora.polls.tally import ChoiceTally, Tally

KIND = QuestionKind.single_choice
NAME = N_("Single choice")
DEFAULTS: Mapping[str, Any] = {}
METHODS: Mapping[str, str] = {}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("options",)
#: How a pasted list names this kind.
MARKER = Marker(("single", "single choice", "choice"))

TITLE = N_plural("%(num)s respondent", "%(num)s respondents")
AXIS = N_("Answers")


def check(spec: QuestionSpec) -> None:
    """Check that the question offers options."""
    fields.check_options(spec)


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"option": id}`` for one of the question's options."""
    value = fields.only_field(raw, "option")
    return {"option": fields.known_option(spec, value, "option")}


def from_form(form: FormFields) -> object:
    """Read the chosen radio button."""
    return {"option": form.get("option") or ""}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return no text: the answer is an option."""
    return []


def tally(spec: QuestionSpec) -> Tally:
    """Count the choosers of each option."""
    return ChoiceTally(spec.options, "option")


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return one row per option in question order: count and share of the voters."""
    return choice_table(result, NAME)


def choice_table(result: Mapping[str, Any], name: str) -> ResultTable:
    """Return the table of a choice result (multiple choice shares it)."""
    voters = int(result["voters"])
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(name),
        voters=voters,
        summary=(answers(voters),),
        chart=Chart.bars,
        title=Phrase("{count}", {"count": Count(voters, *TITLE)}, translate=False),
        axis=Phrase(AXIS),
        columns=(
            Column("label", Phrase(OPTION), Format.text),
            Column("count", Phrase(COUNT), Format.integer),
            Column("share", Phrase(SHARE), Format.share),
        ),
        rows=tuple(
            Row(str(o["id"]), (o["label"], o["count"], o["share"])) for o in result["options"]
        ),
        label="label",
        value="count",
        figure=("count", "share"),
    )
