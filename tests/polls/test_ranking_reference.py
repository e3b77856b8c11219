"""The six ranking methods against pref_voting, an independent implementation, on random profiles.

pref_voting (https://github.com/voting-tools/pref_voting) is a maintained library of
voting methods from social choice research. A truncated ballot becomes one of its
``ProfileWithTies`` rankings with *extended strict preference*: a ranked option is
preferred to every unranked one and unranked options are level, which is the rule
docs/ranking-methods.md gives. Where the library's conventions differ from Agora's, the
tests compare what both define the same way and say so:

- Borda on truncated ballots: pref_voting's *symmetric* Borda score (options a ballot
  ranks below minus options it ranks above) is 2 × Agora's Borda points − (N − 1) on
  every ballot, because sharing the empty places' points equally is the same rule.
  The positional score and the average rank are also fixed functions of the library's
  counts (see each test).
- Copeland: pref_voting scores wins − losses; Agora wins + ties / 2 = (that + N − 1) / 2.
- Schulze: pref_voting's beat path weighs a link by its *margin* by default; Agora by
  its *winning votes* (docs/ranking-methods.md), so the tests pass the library's
  ``support`` as the strength. On complete ballots the two agree (checked below).
- Instant-runoff: pref_voting removes every option tied for fewest votes at once, or
  breaks ties by a fixed order; Agora removes one, by looking back (see the doc). So
  the rounds' counts are compared everywhere, the order of elimination where no round
  has a tie, and Agora's winner is one the library's parallel-universe tie-breaking
  (any order of tied eliminations) can produce.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting.c1_methods import copeland as pv_copeland
from pref_voting.iterative_methods import instant_runoff_put, instant_runoff_with_explanation
from pref_voting.margin_based_methods import beat_path, beat_path_defeat
from pref_voting.profiles import Profile as LinearProfile
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.scoring_methods import borda as pv_borda
from pref_voting.scoring_methods import (
    domination_borda_scores,
    scoring_rule,
    symmetric_borda_scores,
)

from agora.polls.ranking import (
    Ballots,
    average_rank,
    borda,
    copeland,
    irv,
    positional,
    schulze,
)

REFERENCE = settings(max_examples=100, deadline=None, database=None)
OPTIONS = ("a", "b", "c", "d", "e")
Profile = dict[tuple[str, ...], int]


# --- profiles ------------------------------------------------------------------------------


@st.composite
def random_profiles(draw: st.DrawFn, *, complete: bool) -> Profile:
    """Draw 1 to 8 distinct ballots; small weights make pairwise ties common."""
    profile: Profile = {}
    for _ in range(draw(st.integers(1, 8))):
        order = draw(st.permutations(OPTIONS))
        length = len(OPTIONS) if complete else draw(st.integers(1, len(OPTIONS)))
        profile[tuple(order[:length])] = draw(st.integers(1, 4))
    return profile


@st.composite
def cyclic_profiles(draw: st.DrawFn, *, complete: bool) -> Profile:
    """Draw rotations of one order (a Condorcet cycle when weights are near), maybe cut short."""
    base = draw(st.permutations(OPTIONS))
    length = len(OPTIONS) if complete else draw(st.integers(1, len(OPTIONS)))
    profile: Profile = {}
    for shift in range(draw(st.integers(2, len(OPTIONS)))):
        rotated = (*base[shift:], *base[:shift])
        profile[tuple(rotated[:length])] = draw(st.integers(1, 3))
    return profile


def profiles(*, complete: bool = False) -> st.SearchStrategy[Profile]:
    """Draw random or cyclic profiles, truncated (ballots of any length) unless ``complete``."""
    return st.one_of(random_profiles(complete=complete), cyclic_profiles(complete=complete))


def any_profiles() -> st.SearchStrategy[Profile]:
    """Draw complete and truncated profiles alike."""
    return st.one_of(profiles(complete=True), profiles())


def library_profile(profile: Ballots) -> Any:
    """Return the profile as pref_voting's ProfileWithTies, unranked options below ranked ones."""
    rankings = [{option: place for place, option in enumerate(ballot, 1)} for ballot in profile]
    converted = ProfileWithTies(rankings, rcounts=list(profile.values()), candidates=list(OPTIONS))
    converted.use_extended_strict_preference()
    return converted


def voters(profile: Ballots) -> int:
    return sum(profile.values())


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Return 1, 1, 3 ranks, highest score first, by sorting (apart from Agora's own helper)."""
    ordered = sorted(scores.values(), reverse=True)
    return {option: ordered.index(score) + 1 for option, score in scores.items()}


# --- scoring methods -------------------------------------------------------------------------


@REFERENCE
@given(profile=any_profiles())
def test_positional_matches_the_library(profile: Profile) -> None:
    # Agora: N points for 1st … 1 for last ranked, 0 unranked. That is the number of
    # options a ballot puts below the option (its domination Borda score, unranked ones
    # included) plus 1 when the ballot ranks it.
    reference = library_profile(profile)
    below = domination_borda_scores(reference)
    ranked_by = reference.num_ranking_each_candidate()
    expected = {option: below[option] + ranked_by[option] for option in OPTIONS}
    result = positional(OPTIONS, profile)
    assert result.details["total_points"] == expected
    assert result.scores == {option: expected[option] / voters(profile) for option in OPTIONS}
    assert result.ranks == competition_ranks({o: float(p) for o, p in expected.items()})


@REFERENCE
@given(profile=any_profiles())
def test_borda_matches_the_library_symmetric_borda(profile: Profile) -> None:
    symmetric = symmetric_borda_scores(library_profile(profile))
    shift = (len(OPTIONS) - 1) * voters(profile)
    result = borda(OPTIONS, profile)
    assert {option: 2 * result.scores[option] - shift for option in OPTIONS} == symmetric
    assert result.ranks == competition_ranks({o: float(s) for o, s in symmetric.items()})


def linear_profile(profile: Ballots) -> Any:
    """Return complete ballots as the library's Profile of linear orders (options as 0…N-1)."""
    rankings = [[OPTIONS.index(option) for option in ballot] for ballot in profile]
    return LinearProfile(rankings, rcounts=list(profile.values()))


def names(indices: Sequence[int]) -> list[str]:
    return sorted(OPTIONS[index] for index in indices)


@REFERENCE
@given(profile=profiles(complete=True))
def test_borda_and_positional_match_the_classic_count_on_complete_ballots(
    profile: Profile,
) -> None:
    reference = linear_profile(profile)
    classic = reference.borda_scores()
    assert borda(OPTIONS, profile).scores == {o: classic[i] for i, o in enumerate(OPTIONS)}
    by_position = positional(OPTIONS, profile)
    winners = sorted(o for o, rank in by_position.ranks.items() if rank == 1)
    assert winners == names(pv_borda(reference))
    assert winners == names(scoring_rule(reference, score=lambda count, rank: count - rank + 1))


@REFERENCE
@given(profile=any_profiles())
def test_average_rank_matches_the_library(profile: Profile) -> None:
    # Position p on a ballot is (N + 1)/2 minus half the symmetric Borda score there;
    # an unranked option's (N + k + 1)/2 is the same formula, since its score is −k.
    reference = library_profile(profile)
    symmetric = symmetric_borda_scores(reference)
    count = voters(profile)
    result = average_rank(OPTIONS, profile)
    for option in OPTIONS:
        expected = (len(OPTIONS) + 1) / 2 - symmetric[option] / (2 * count)
        assert abs(result.scores[option] - expected) < 1e-9
    unranked = {o: count - n for o, n in reference.num_ranking_each_candidate().items()}
    distribution = result.details["distribution"]
    assert {o: distribution[o]["unranked"] for o in OPTIONS} == unranked
    assert result.lower_is_better
    assert result.ranks == competition_ranks({o: float(s) for o, s in symmetric.items()})


# --- pairwise methods ------------------------------------------------------------------------


@REFERENCE
@given(profile=any_profiles())
def test_pairwise_counts_match_the_library(profile: Profile) -> None:
    reference = library_profile(profile)
    matrix = copeland(OPTIONS, profile).details["pairwise"]
    assert matrix == {a: {b: reference.support(a, b) for b in OPTIONS if b != a} for a in OPTIONS}


@REFERENCE
@given(profile=any_profiles())
def test_copeland_matches_the_library(profile: Profile) -> None:
    reference = library_profile(profile)
    wins_minus_losses = reference.copeland_scores()
    result = copeland(OPTIONS, profile)
    assert {
        option: 2 * result.scores[option] - (len(OPTIONS) - 1) for option in OPTIONS
    } == wins_minus_losses
    assert sorted(o for o, rank in result.ranks.items() if rank == 1) == pv_copeland(reference)


def library_schulze_ranks(reference: Any) -> dict[str, int]:
    """Return ranks from the library's beat-path defeats: each generation shares one rank."""
    defeats = beat_path_defeat(reference, strength_function=reference.support)
    ranks: dict[str, int] = {}
    for generation in nx.topological_generations(defeats):
        ranks.update(dict.fromkeys(generation, len(ranks) + 1))
    return ranks


@REFERENCE
@given(profile=any_profiles())
def test_schulze_matches_the_library(profile: Profile) -> None:
    reference = library_profile(profile)
    result = schulze(OPTIONS, profile)
    winners = sorted(o for o, rank in result.ranks.items() if rank == 1)
    assert winners == beat_path(reference, strength_function=reference.support)
    assert winners == beat_path(reference, strength_function=reference.support, algorithm="basic")
    defeats = beat_path_defeat(reference, strength_function=reference.support)
    paths = result.details["strongest_paths"]
    agora_defeats = {
        (a, b) for a in OPTIONS for b in OPTIONS if a != b and paths[a][b] > paths[b][a]
    }
    assert agora_defeats == set(defeats.edges)
    assert result.ranks == library_schulze_ranks(reference)
    assert result.details["beats"] == {
        option: [b for b in OPTIONS if defeats.has_edge(option, b)] for option in OPTIONS
    }
    ranks = result.ranks
    assert result.scores == {
        option: float(sum(ranks[b] > ranks[option] for b in OPTIONS)) for option in OPTIONS
    }


@REFERENCE
@given(profile=profiles(complete=True))
def test_schulze_winning_votes_and_margins_agree_on_complete_ballots(profile: Profile) -> None:
    # Every ballot ranks both options of every pair, so margin = 2 × winning votes − voters.
    reference = library_profile(profile)
    winners = sorted(o for o, rank in schulze(OPTIONS, profile).ranks.items() if rank == 1)
    assert winners == beat_path(reference)


# --- instant-runoff --------------------------------------------------------------------------


def rounds_of(profile: Profile) -> list[dict[str, Any]]:
    rounds: list[dict[str, Any]] = irv(OPTIONS, profile).details["rounds"]
    return rounds


@REFERENCE
@given(profile=any_profiles())
def test_irv_rounds_count_votes_and_exhausted_ballots_like_the_library(profile: Profile) -> None:
    reference = library_profile(profile)
    for round_ in rounds_of(profile):
        continuing = sorted(round_["counts"])
        assert round_["counts"] == reference.tops_scores(curr_cands=continuing)
        left = reference.remove_candidates([o for o in OPTIONS if o not in continuing])
        assert round_["exhausted"] == left.num_empty_rankings()


@REFERENCE
@given(profile=any_profiles())
def test_irv_eliminates_by_the_documented_tie_rule(profile: Profile) -> None:
    # Among the options with the fewest votes, the one eliminated has the smallest
    # (votes this round, the round before, …, round 1, positional points, −question
    # order): a lexicographic reading of the doc's rule, apart from Agora's filtering.
    reference = library_profile(profile)
    below = domination_borda_scores(reference)
    ranked_by = reference.num_ranking_each_candidate()
    points = {option: below[option] + ranked_by[option] for option in OPTIONS}
    rounds = rounds_of(profile)
    for number, round_ in enumerate(rounds[:-1]):
        counts = round_["counts"]
        fewest = min(counts.values())
        tied = [o for o in counts if counts[o] == fewest]

        def key(option: str, number: int = number) -> tuple[int, ...]:
            history = [rounds[earlier]["counts"][option] for earlier in range(number, -1, -1)]
            return (*history, points[option], -OPTIONS.index(option))

        assert round_["eliminated"] == min(tied, key=key)
        if len(tied) == 1:
            assert round_["tie_break"] is None
            continue
        # The rule that decided is the first place where the two smallest keys differ.
        first, second = sorted(map(key, tied))[:2]
        decided_at = next(i for i, (x, y) in enumerate(zip(first, second, strict=True)) if x != y)
        rules = ["previous_round"] * number + ["positional", "question_order"]
        assert round_["tie_break"] == rules[decided_at - 1]


@REFERENCE
@given(profile=any_profiles())
def test_irv_matches_the_library_when_no_round_is_tied(profile: Profile) -> None:
    reference = library_profile(profile)
    winners, eliminations = instant_runoff_with_explanation(reference)
    result = irv(OPTIONS, profile)
    if all(len(eliminated) == 1 for eliminated in eliminations):
        assert [r["eliminated"] for r in result.details["rounds"][:-1]] == [
            eliminated[0] for eliminated in eliminations
        ]
        assert result.order[0] == winners[0]
    # With ties, Agora's winner is one that some order of tied eliminations produces.
    assert result.order[0] in instant_runoff_put(reference)


@REFERENCE
@given(profile=profiles(complete=True))
def test_irv_matches_the_library_linear_count_on_complete_ballots(profile: Profile) -> None:
    # The library's other implementation (NumPy, linear orders), run to the last round.
    reference = linear_profile(profile)
    winners, eliminations = instant_runoff_with_explanation(reference, exit_on_majority=False)
    result = irv(OPTIONS, profile)
    if all(len(eliminated) == 1 for eliminated in eliminations):
        assert [r["eliminated"] for r in result.details["rounds"][:-1]] == [
            OPTIONS[eliminated[0]] for eliminated in eliminations
        ]
        assert [result.order[0]] == names(winners)
