"""Ranking: each participant orders the options (all, or their top ``top_k``).

Ballots are counted by one of the methods of ``agora.polls.ranking``; the moderator picks
which one the screen and the report show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.core.i18n import _
from agora.polls.kinds import fields
from agora.polls.kinds.base import FormFields
from agora.polls.kinds.spec import Marker, QuestionKind, QuestionSpec
from agora.polls.kinds.table import (
    N_,
    OPTION,
    Chart,
    Column,
    Count,
    Format,
    N_plural,
    Note,
    Phrase,
    ResultTable,
    Row,
)
from agora.polls.ranking import RANKING_EXPLANATIONS, RANKING_METHODS
from agora.polls.tally import RankingTally, Tally

KIND = QuestionKind.ranking
NAME = N_("Ranking")
DEFAULTS: Mapping[str, Any] = {}
#: The ranking methods by name with their labels; the first, positional, is the default.
METHODS: Mapping[str, str] = {name: N_(label) for name, (label, _f) in RANKING_METHODS.items()}
#: What each method's score means, marked for the live pages' catalogue too.
EXPLANATIONS: Mapping[str, str] = {name: N_(text) for name, text in RANKING_EXPLANATIONS.items()}
THEMED = False
#: The settings the poll editor offers for this kind, in its order.
SETTINGS: tuple[str, ...] = ("options", "top_k", "partial", "ranking_method")
#: How a pasted list names this kind.
MARKER = Marker(("ranking", "rank"), "top_k")

BALLOTS = N_plural("%(num)s ballot", "%(num)s ballots")
TITLE = N_("{method} · {count}")
SCORE = N_("Score")
SCORE_LOWER_BETTER = N_("Score (lower is better)")
RANK = N_("Rank")
METHOD = N_("Method")
LOWER_IS_BETTER = N_("Lower is better")


def check(spec: QuestionSpec) -> None:
    """Check the options and that the number to rank fits them."""
    fields.check_options(spec)
    fields.check_up_to_options(
        spec.top_k,
        len(spec.options),
        _("The number of options to rank must be between 1 and {count}."),
        "top_k",
    )


def validate(spec: QuestionSpec, raw: object) -> dict[str, Any]:
    """Return ``{"ranking": [ids]}``, best first: every option, or exactly ``top_k``.

    A partial ranking (``spec.partial``) takes from one option up to ``top_k`` (or all).
    """
    values = fields.list_field(raw, "ranking")
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
    ranking = fields.distinct_options(spec, values, "ranking", _("'{label}' is ranked twice."))
    return {"ranking": ranking}


def from_form(form: FormFields) -> object:
    """Read the position typed for each option (``rank-<id>``); blank ones are unranked."""
    positions: list[tuple[int, str]] = []
    for name, value in form.multi_items():
        if name.startswith("rank-") and str(value).strip():
            try:
                positions.append((int(str(value)), name[5:]))
            except ValueError:
                raise InvalidInput(_("A position must be a number."), field=name) from None
    return {"ranking": [option for _pos, option in sorted(positions)]}


def ranking_order(
    options: Sequence[Mapping[str, str]], answer: Mapping[str, Any] | None
) -> list[Mapping[str, str]]:
    """Return the options in the participant's ranked order, unranked ones after (for the phone)."""
    ranked = list(answer.get("ranking", [])) if answer else []
    by_id = {o["id"]: o for o in options}
    first = [by_id[i] for i in ranked if i in by_id]
    return first + [o for o in options if o["id"] not in ranked]


def texts(answer: Mapping[str, Any]) -> list[str]:
    """Return no text: the answer is an order of options."""
    return []


def tally(spec: QuestionSpec) -> Tally:
    """Count identical ballots together, ranked by a method when read."""
    return RankingTally(spec.options)


def table(result: Mapping[str, Any]) -> ResultTable:
    """Return the options best first with their rank and score under the result's method."""
    name = str(result["method"])
    method = Phrase(METHODS[name])
    options = len(result["options"])
    explanation = Phrase(EXPLANATIONS[name], {"first": options, "second": max(options - 1, 0)})
    ballots = int(result["ballots"])
    lower = bool(result.get("lower_is_better"))
    score = Phrase(SCORE_LOWER_BETTER if lower else SCORE)
    return ResultTable(
        kind=str(result["kind"]),
        name=Phrase(NAME),
        voters=int(result["voters"]),
        summary=(method, Count(ballots, *BALLOTS)),
        chart=Chart.bars,
        title=Phrase(TITLE, {"method": method, "count": Count(ballots, *BALLOTS)}),
        axis=score,
        columns=(
            Column("rank", Phrase(RANK), Format.integer),
            Column("label", Phrase(OPTION), Format.text),
            Column("score", score, Format.score),
        ),
        # Before the first ballot every option ties for first: no rank is shown ("–").
        rows=tuple(
            Row(str(o["id"]), (o["rank"] if ballots else None, o["label"], o["score"]))
            for o in result["options"]
        ),
        label="label",
        value="score",
        figure=("score",),
        ranked=True,
        method=method,
        notes=(Note(METHOD, method), Note(LOWER_IS_BETTER, lower)),
        explanation=explanation,
    )
