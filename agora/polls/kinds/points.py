"""Points: each participant spreads exactly ``budget`` points over the options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    MEAN,
    N_,
    OPTION,
    SHARE,
    Chart,
    Column,
    Count,
    Format,
    N_plural,
    Note,
    Phrase,
    ResultTable,
    Row,
    answers,
)
from agora.polls.tally import PointsTally, Tally

KIND = QuestionKind.points
NAME = N_("Points")
DEFAULTS: Mapping[str, Any] = {}
METHODS: Mapping[str, str] = {}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("options", "budget")
#: How a pasted list names this kind.
MARKER = Marker(("points",), "budget")

TITLE = N_plural("Points given by %(num)s participant", "Points given by %(num)s participants")
POINTS = N_("Points")
MEAN_WORD = N_("mean")
BUDGET = N_("Budget")


def check(spec: QuestionSpec) -> None:
    """Check the options and that the budget is at least one point."""
    fields.check_options(spec)
    if spec.budget < 1:
        raise InvalidInput(_("The points budget must be at least 1."), field="budget")


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"points": {id: n}}``: whole numbers adding up to the budget, zeros dropped."""
    given = fields.only_field(raw, "points")
    if not isinstance(given, Mapping):
        raise InvalidAnswer(_("Give your points as a number for each option."), field="points")
    labels = {option.id: option.label for option in spec.options}
    total = 0
    for option_id, value in given.items():
        if not isinstance(option_id, str) or option_id not in labels:
            raise InvalidAnswer(
                _("Option '{id}' is not one of this question's options.").format(
                    id=fields.quote(option_id)
                ),
                field=f"points.{fields.quote(option_id)}",
            )
        label = labels[option_id]
        if not fields.is_int(value):
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


def from_form(form: FormFields) -> object:
    """Read the number typed for each option (``points-<id>``); blank ones give nothing."""
    points: dict[str, Any] = {}
    for name, value in form.multi_items():
        if name.startswith("points-") and str(value).strip():
            text = str(value).strip()
            points[name[7:]] = int(text) if text.isdigit() else text
    return {"points": points}


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return no text: the answer is numbers."""
    return []


def tally(spec: QuestionSpec) -> Tally:
    """Add up the points of each option."""
    return PointsTally(spec.options, spec.budget)


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return one row per option: total points, mean per participant and share of all points."""
    voters = int(result["voters"])
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(NAME),
        voters=voters,
        summary=(answers(voters),),
        chart=Chart.bars,
        title=Phrase("{count}", {"count": Count(voters, *TITLE)}, translate=False),
        axis=Phrase(POINTS),
        columns=(
            Column("label", Phrase(OPTION), Format.text),
            Column("total", Phrase(POINTS), Format.integer),
            Column("mean", Phrase(MEAN), Format.mean, prefix=MEAN_WORD),
            Column("share", Phrase(SHARE), Format.share),
        ),
        rows=tuple(
            Row(str(o["id"]), (o["label"], o["total"], o["mean"], o["share"]))
            for o in result["options"]
        ),
        label="label",
        value="total",
        figure=("total", "mean"),
        notes=(Note(BUDGET, result.get("budget")),),
    )
