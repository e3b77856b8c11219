"""Rating: each participant picks a whole number on a scale from 1 to ``scale_max``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    COUNT,
    MEAN,
    N_,
    Chart,
    Column,
    Count,
    Figure,
    Format,
    N_plural,
    Note,
    Phrase,
    ResultTable,
    Row,
    Text,
    answers,
    number,
)
from agora.polls.tally import RatingTally, Tally

KIND = QuestionKind.rating
NAME = N_("Rating")
DEFAULTS: Mapping[str, Any] = {}
METHODS: Mapping[str, str] = {}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("scale_max", "min_label", "max_label")
#: How a pasted list names this kind.
MARKER = Marker(("rating", "scale"), "scale_max")

#: Where a scale may end.
SCALE = range(2, 11)
TITLE = N_("Mean {mean} · median {median} · {count}")
RATINGS = N_plural("%(num)s rating", "%(num)s ratings")
AXIS = N_("Ratings")
RATING = N_("Rating")
MEAN_WORD = N_("mean")
MEDIAN_WORD = N_("median")
MEDIAN = N_("Median")
LOWEST = N_("Lowest means")
HIGHEST = N_("Highest means")


def check(spec: QuestionSpec) -> None:
    """Check that the scale ends between 2 and 10."""
    if spec.scale_max not in SCALE:
        raise InvalidInput(
            _("A rating scale must end between {low} and {high}.").format(
                low=SCALE.start, high=SCALE.stop - 1
            ),
            field="scale_max",
        )


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"value": n}`` with n a whole number on the scale."""
    value = fields.only_field(raw, "value")
    if not fields.is_int(value):
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


def from_form(form: FormFields) -> object:
    """Read the chosen point of the scale (anything but digits is refused by ``validate``)."""
    value = str(form.get("value") or "")
    return {"value": int(value) if value.isdigit() else value}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return no text: the answer is a number."""
    return []


def tally(spec: QuestionSpec) -> Tally:
    """Count each point of the scale; read the mean and the median off the counts."""
    return RatingTally(spec.scale_max, spec.min_label, spec.max_label)


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return one row per point of the scale with how many chose it; mean and median."""
    voters = int(result["voters"])
    mean, median = result.get("mean"), result.get("median")
    summary: tuple[Text, ...] = (answers(voters),)
    if mean is not None:
        summary += (Figure(MEAN_WORD, mean, Format.score), Figure(MEDIAN_WORD, median, Format.mean))
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(NAME),
        voters=voters,
        summary=summary,
        chart=Chart.columns,
        title=Phrase(
            TITLE,
            {"mean": number(mean), "median": number(median), "count": Count(voters, *RATINGS)},
        ),
        axis=Phrase(AXIS),
        columns=(
            Column("value", Phrase(RATING), Format.text),
            Column("count", Phrase(COUNT), Format.integer),
        ),
        rows=tuple(Row(str(d["value"]), (d["value"], d["count"])) for d in result["distribution"]),
        label="value",
        value="count",
        figure=("count",),
        notes=(
            Note(MEAN, mean),
            Note(MEDIAN, median),
            Note(LOWEST, str(result.get("min_label", ""))),
            Note(HIGHEST, str(result.get("max_label", ""))),
        ),
    )
