"""Ranking methods: turn ranked ballots into an order of the options, with the workings shown.

Every method takes ``options`` (option ids in question order) and ``ballots`` (each
distinct ballot, a tuple of option ids best first, mapped to how many participants cast
it) and returns a ``RankingResult``. A ballot may be truncated (a top-k or partial
ranking, of any length from one ballot to the next): the options it leaves out are below
every option it ranks and equal among themselves.

Tie rules, the same for every method:

- Options with equal scores share a rank, in standard competition ranking (1, 1, 3),
  and are listed in question order.
- Schulze ranks by its beat relation rather than by its score: the options no other
  option beats share rank 1, the options none of the rest beats share the next rank
  (1, 1, 3 again), and so on.
- Instant-runoff gives every option its own place: when several options have the
  fewest votes in a round, the one eliminated is the one with fewer votes in the
  previous round (looking back round by round to the first), then the one with the
  lower positional score, then the one later in question order.
- With no ballots at all, every score is 0 and every option shares rank 1.

Scores are sums of whole numbers or halves, at most divided by the number of ballots, so
equal scores compare exactly equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from agora.core.i18n import N_

Ballots = Mapping[tuple[str, ...], int]
Pairwise = dict[str, dict[str, int]]


@dataclass(frozen=True)
class RankingResult:
    """Scores and shared ranks per option (in question order), with method-specific details."""

    scores: dict[str, float]
    ranks: dict[str, int]
    details: dict[str, Any]
    #: True for methods where the smallest score is the best (average rank).
    lower_is_better: bool = False

    @property
    def order(self) -> list[str]:
        """Return the option ids best first, ties in question order."""
        return sorted(self.ranks, key=self.ranks.__getitem__)


def positional(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Score as Slido shows it: with N options, 1st place earns N points, 2nd N-1, unranked 0.

    The score is the mean number of points per ballot.
    """
    cast, total = _cast(options, ballots)
    count = len(options)
    points = dict.fromkeys(options, 0)
    for ballot, weight in cast:
        for position, option in enumerate(ballot):
            points[option] += (count - position) * weight
    scores = {option: points[option] / total if total else 0.0 for option in options}
    return _result(options, scores, {"total_points": points, "max_points": count}, total)


def borda(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Borda count: 1st place earns N-1 points, last 0; the score is the total of points.

    On a ballot ranking k of N options, the unranked options share equally the points of
    the unranked places: each gets the mean of N-k-1 … 0, that is (N-k-1)/2.
    """
    cast, total = _cast(options, ballots)
    count = len(options)
    points = dict.fromkeys(options, 0.0)
    for ballot, weight in cast:
        for position, option in enumerate(ballot):
            points[option] += (count - 1 - position) * weight
        share = (count - len(ballot) - 1) / 2
        for option in _unranked(options, ballot):
            points[option] += share * weight
    means = {option: points[option] / total if total else 0.0 for option in options}
    return _result(options, points, {"mean_points": means, "max_points": count - 1}, total)


def average_rank(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Mean position given to each option (1 = best; lower is better).

    On a ballot ranking k of N options, an unranked option takes the mean of the unranked
    positions k+1 … N. The details give, per option, how many ballots put it at each
    position 1 … N and how many left it unranked.
    """
    cast, total = _cast(options, ballots)
    count = len(options)
    position_sum = dict.fromkeys(options, 0.0)
    at_position = {option: [0] * count for option in options}
    unranked = dict.fromkeys(options, 0)
    for ballot, weight in cast:
        for position, option in enumerate(ballot):
            position_sum[option] += (position + 1) * weight
            at_position[option][position] += weight
        unranked_position = (len(ballot) + 1 + count) / 2
        for option in _unranked(options, ballot):
            position_sum[option] += unranked_position * weight
            unranked[option] += weight
    scores = {option: position_sum[option] / total if total else 0.0 for option in options}
    distribution = {
        option: {"positions": at_position[option], "unranked": unranked[option]}
        for option in options
    }
    return _result(options, scores, {"distribution": distribution}, total, lower_is_better=True)


def copeland(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Pairwise contests: one point per option beaten by a majority, half a point per tie.

    On a ballot, an option beats another ranked below it or left unranked; two unranked
    options are no preference. The details give the pairwise matrix (``pairwise[a][b]`` is
    the number of ballots preferring a to b) and each option's wins, ties and losses.
    """
    cast, total = _cast(options, ballots)
    matrix = pairwise(options, cast)
    wins = dict.fromkeys(options, 0)
    ties = dict.fromkeys(options, 0)
    losses = dict.fromkeys(options, 0)
    for a, b in combinations(options, 2):
        if matrix[a][b] > matrix[b][a]:
            wins[a] += 1
            losses[b] += 1
        elif matrix[a][b] < matrix[b][a]:
            wins[b] += 1
            losses[a] += 1
        else:
            ties[a] += 1
            ties[b] += 1
    scores = {option: wins[option] + ties[option] / 2 for option in options}
    details = {"pairwise": matrix, "wins": wins, "ties": ties, "losses": losses}
    return _result(options, scores, details, total)


def schulze(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Schulze method: options ranked by strongest paths; the score counts the options below.

    A direct link a→b has strength ``pairwise[a][b]`` (winning votes) when more ballots
    prefer a to b than b to a, else 0; a path is as strong as its weakest link, and a
    beats b when the strongest path from a to b is stronger than the one from b to a.
    The winners are the options nothing beats; the places below follow the same relation
    (see ``ranks_by_relation``). The score is the number of options placed below, so it
    always agrees with the places (an unbeaten option may beat few others directly: the
    details list what each option beats).
    """
    cast = _cast(options, ballots)[0]
    matrix = pairwise(options, cast)
    strength = {
        a: {b: matrix[a][b] if matrix[a][b] > matrix[b][a] else 0 for b in options if b != a}
        for a in options
    }
    # Floyd–Warshall over the widest-path semiring: O(N³) for a poll's handful of options.
    for middle in options:
        for a in options:
            if a == middle:
                continue
            for b in options:
                if b in (a, middle):
                    continue
                through = min(strength[a][middle], strength[middle][b])
                if through > strength[a][b]:
                    strength[a][b] = through
    beaten = {
        a: frozenset(b for b in options if b != a and strength[a][b] > strength[b][a])
        for a in options
    }
    ranks = ranks_by_relation(options, beaten)
    return RankingResult(
        scores={a: float(sum(ranks[b] > ranks[a] for b in options)) for a in options},
        ranks=ranks,
        details={
            "pairwise": matrix,
            "strongest_paths": strength,
            "beats": {a: sorted(beaten[a], key=list(options).index) for a in options},
        },
    )


def irv(options: Sequence[str], ballots: Ballots) -> RankingResult:
    """Instant-runoff: count each ballot for its best continuing option, drop the last, repeat.

    Rounds continue until one option remains so that every option gets a place: the
    winner first, then the others in reverse order of elimination. The score is the
    number of votes the option had in the last round it took part in. The details list
    each round's counts, exhausted ballots (no continuing option left on them), the
    option eliminated and the tie rule that decided it, if any.
    """
    cast, total = _cast(options, ballots)
    if not total:
        return _result(options, dict.fromkeys(options, 0.0), {"rounds": []}, total)
    first_positional = positional(options, ballots).scores
    question_order = {option: index for index, option in enumerate(options)}
    continuing = list(options)
    history: list[dict[str, int]] = []
    rounds: list[dict[str, Any]] = []
    eliminated: list[str] = []
    scores: dict[str, float] = {}
    while True:
        still_in = set(continuing)
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ballot, weight in cast:
            top = next((option for option in ballot if option in still_in), None)
            if top is None:
                exhausted += weight
            else:
                counts[top] += weight
        history.append(counts)
        for option in continuing:
            scores[option] = float(counts[option])
        if len(continuing) == 1:
            rounds.append(_round(len(history), counts, exhausted, None, None))
            break
        loser, rule = _irv_loser(continuing, history, first_positional, question_order)
        rounds.append(_round(len(history), counts, exhausted, loser, rule))
        continuing.remove(loser)
        eliminated.append(loser)
    places = [*continuing, *reversed(eliminated)]
    ranks = {option: places.index(option) + 1 for option in options}
    return RankingResult(
        scores={option: scores[option] for option in options},
        ranks=ranks,
        details={"rounds": rounds},
    )


RankingMethod = Callable[[Sequence[str], Ballots], RankingResult]

#: Ranking methods by name: (label shown to moderators, function).
RANKING_METHODS: dict[str, tuple[str, RankingMethod]] = {
    "positional": (N_("Average points"), positional),
    "borda": (N_("Borda count"), borda),
    "average_rank": (N_("Average rank"), average_rank),
    "copeland": (N_("Copeland (pairwise wins)"), copeland),
    "schulze": (N_("Schulze (strongest paths)"), schulze),
    "irv": (N_("Instant-runoff"), irv),
}

DEFAULT_METHOD = "positional"

#: What each method's score means, in one sentence a reader understands; ``{first}`` is
#: the number of options (the points of a first place), ``{second}`` one less.
RANKING_EXPLANATIONS: dict[str, str] = {
    "positional": N_(
        "Average points per ballot: first place earns {first} points, second {second}, "
        "down to 1 for last place; an option left unranked earns none. Higher is better."
    ),
    "borda": N_(
        "Borda count: on each ballot first place earns {second} points and last place none; "
        "the score adds them up over all ballots. Higher is better."
    ),
    "average_rank": N_(
        "Average place given on the ballots, 1 being first; an option left unranked takes "
        "the average of the places left. Lower is better."
    ),
    "copeland": N_(
        "Options are compared in pairs: an option scores one point for each other option "
        "that more ballots put below it than above it, half a point for a tie."
    ),
    "schulze": N_(
        "Options are compared in pairs and along chains of majorities (Schulze method); "
        "the score is the number of options each one beats."
    ),
    "irv": N_(
        "Instant-runoff: the option with the fewest first places is dropped and its ballots "
        "go to their next choice, until one remains; the score is the votes an option held "
        "in the last round it took part in."
    ),
}


def pairwise(options: Sequence[str], ballots: Sequence[tuple[tuple[str, ...], int]]) -> Pairwise:
    """Return ``matrix[a][b]``: how many ballots prefer a to b (ranked above, or ranked vs not)."""
    matrix = {a: dict.fromkeys((b for b in options if b != a), 0) for a in options}
    for ballot, weight in ballots:
        unranked = _unranked(options, ballot)
        for index, above in enumerate(ballot):
            for below in ballot[index + 1 :]:
                matrix[above][below] += weight
            for below in unranked:
                matrix[above][below] += weight
    return matrix


def shared_ranks(
    options: Sequence[str], scores: Mapping[str, float], *, lower_is_better: bool = False
) -> dict[str, int]:
    """Return standard competition ranks (1, 1, 3): one plus the number of better scores."""
    sign = -1 if lower_is_better else 1
    return {
        option: 1 + sum(sign * scores[other] > sign * scores[option] for other in options)
        for option in options
    }


def ranks_by_relation(
    options: Sequence[str], beaten: Mapping[str, frozenset[str]]
) -> dict[str, int]:
    """Return standard competition ranks that follow a strict partial order ("a beats b").

    ``beaten[a]`` is the set of options a beats. The options nothing beats share rank 1;
    without them, the options none of the rest beats share the next rank (one plus the
    number of options already placed), and so on. So an option always ranks below every
    option that beats it, and two options share a rank only when neither beats the other.
    """
    ranks: dict[str, int] = {}
    remaining = list(options)
    while remaining:
        beaten_here = {b for a in remaining for b in beaten[a]}
        unbeaten = [option for option in remaining if option not in beaten_here]
        if not unbeaten:
            raise ValueError("The relation has a cycle, so it is not an order.")
        for option in unbeaten:
            ranks[option] = len(options) - len(remaining) + 1
        remaining = [option for option in remaining if option in beaten_here]
    return ranks


def _cast(
    options: Sequence[str], ballots: Ballots
) -> tuple[list[tuple[tuple[str, ...], int]], int]:
    """Return the ballots cast at least once and their total, refusing malformed ones."""
    known = set(options)
    cast: list[tuple[tuple[str, ...], int]] = []
    for ballot, weight in ballots.items():
        if weight <= 0:
            continue
        if len(set(ballot)) != len(ballot) or not known.issuperset(ballot):
            raise ValueError(f"Ballot {ballot!r} repeats an option or names an unknown one.")
        cast.append((ballot, weight))
    return cast, sum(weight for _, weight in cast)


def _unranked(options: Sequence[str], ballot: tuple[str, ...]) -> list[str]:
    """Return the options a ballot leaves out, in question order."""
    ranked = set(ballot)
    return [option for option in options if option not in ranked]


def _result(
    options: Sequence[str],
    scores: dict[str, float],
    details: dict[str, Any],
    total: int,
    *,
    lower_is_better: bool = False,
) -> RankingResult:
    """Attach shared ranks to the scores; with no ballots every score is 0 and every rank 1."""
    if not total:
        scores = dict.fromkeys(options, 0.0)
    return RankingResult(
        scores=scores,
        ranks=shared_ranks(options, scores, lower_is_better=lower_is_better),
        details=details,
        lower_is_better=lower_is_better,
    )


def _irv_loser(
    continuing: Sequence[str],
    history: Sequence[Mapping[str, int]],
    positional_scores: Mapping[str, float],
    question_order: Mapping[str, int],
) -> tuple[str, str | None]:
    """Return the option to eliminate this round and the tie rule that decided it, if any."""
    counts = history[-1]
    fewest = min(counts[option] for option in continuing)
    tied = [option for option in continuing if counts[option] == fewest]
    if len(tied) == 1:
        return tied[0], None
    for previous in reversed(history[:-1]):
        low = min(previous[option] for option in tied)
        tied = [option for option in tied if previous[option] == low]
        if len(tied) == 1:
            return tied[0], "previous_round"
    low_score = min(positional_scores[option] for option in tied)
    tied = [option for option in tied if positional_scores[option] == low_score]
    if len(tied) == 1:
        return tied[0], "positional"
    return max(tied, key=question_order.__getitem__), "question_order"


def _round(
    number: int,
    counts: dict[str, int],
    exhausted: int,
    eliminated: str | None,
    tie_break: str | None,
) -> dict[str, Any]:
    """Return one instant-runoff round as shown in the details."""
    return {
        "round": number,
        "counts": counts,
        "exhausted": exhausted,
        "eliminated": eliminated,
        "tie_break": tie_break,
    }
