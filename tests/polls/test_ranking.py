"""Ranking methods against small profiles worked out by hand, plus properties they must keep."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora.polls.ranking import (
    RANKING_METHODS,
    Ballots,
    average_rank,
    borda,
    copeland,
    irv,
    pairwise,
    positional,
    schulze,
)

PROPERTY = settings(max_examples=60, deadline=None, database=None)

WORLD_AREAS = ("asia", "north_america", "latin_america", "africa", "oceania")
ALL_METHODS = sorted(RANKING_METHODS)


def ballot(letters: str) -> tuple[str, ...]:
    """Return a ballot written as letters, best first: "BAC" is B > A > C."""
    return tuple(letters)


# --- the classic Condorcet profile -----------------------------------------------------------
#
# 3 voters A > B > C and 2 voters B > C > A. A beats B 3-2 and C 3-2 head to head (the
# Condorcet winner), yet B collects more Borda points.
#   Borda (2, 1, 0):     A = 3·2 + 2·0 = 6    B = 3·1 + 2·2 = 7    C = 3·0 + 2·1 = 2
#   Positional (3, 2, 1): A = (9 + 2)/5 = 2.2  B = (6 + 6)/5 = 2.4  C = (3 + 4)/5 = 1.4
#   Average rank:        A = (3 + 6)/5 = 1.8  B = (6 + 2)/5 = 1.6  C = (9 + 4)/5 = 2.6
#   Copeland: A beats B and C (2), B beats C (1 — 5-0), C 0.
#   IRV: round 1 A 3, B 2, C 0 → C out; round 2 A 3, B 2 → B out; A wins.
CONDORCET = {ballot("ABC"): 3, ballot("BCA"): 2}


def test_borda_prefers_the_broadly_liked_option_over_the_condorcet_winner() -> None:
    result = borda("ABC", CONDORCET)
    assert result.scores == {"A": 6, "B": 7, "C": 2}
    assert result.order == ["B", "A", "C"]
    assert result.details["mean_points"] == {"A": 1.2, "B": 1.4, "C": 0.4}


def test_schulze_and_copeland_elect_the_condorcet_winner() -> None:
    assert schulze("ABC", CONDORCET).order == ["A", "B", "C"]
    assert copeland("ABC", CONDORCET).scores == {"A": 2, "B": 1, "C": 0}
    assert copeland("ABC", CONDORCET).ranks == {"A": 1, "B": 2, "C": 3}


def test_positional_and_average_rank_follow_borda_on_full_ballots() -> None:
    assert positional("ABC", CONDORCET).scores == pytest.approx({"A": 2.2, "B": 2.4, "C": 1.4})
    assert positional("ABC", CONDORCET).details["total_points"] == {"A": 11, "B": 12, "C": 7}
    result = average_rank("ABC", CONDORCET)
    assert result.scores == pytest.approx({"A": 1.8, "B": 1.6, "C": 2.6})
    assert result.order == ["B", "A", "C"]
    assert result.lower_is_better


def test_irv_elects_the_majority_first_choice() -> None:
    result = irv("ABC", CONDORCET)
    assert result.ranks == {"A": 1, "B": 2, "C": 3}
    assert [r["eliminated"] for r in result.details["rounds"]] == ["C", "B", None]
    assert result.details["rounds"][1]["counts"] == {"A": 3, "B": 2}


def test_pairwise_matrix_counts_ballots_preferring_each_option() -> None:
    assert copeland("ABC", CONDORCET).details["pairwise"] == {
        "A": {"B": 3, "C": 3},
        "B": {"A": 2, "C": 5},
        "C": {"A": 2, "B": 0},
    }


# --- Schulze, Wikipedia's 45-voter example --------------------------------------------------
#
# From the "Schulze method" article. Its pairwise matrix d[row][column]:
#        A   B   C   D   E
#   A    —  20  26  30  22
#   B   25   —  16  33  18
#   C   19  29   —  17  24
#   D   15  12  28   —  14
#   E   23  27  21  31   —
# and strongest paths p[row][column]:
#        A   B   C   D   E
#   A    —  28  28  30  24
#   B   25   —  28  33  24
#   C   25  29   —  29  24
#   D   25  28  28   —  24
#   E   25  28  28  31   —
# E beats all 4 (25 > 24 against A…), A beats B, C, D (3), C beats B and D (2), B beats
# D (1), D none: E > A > C > B > D. Head to head there is a cycle (A beats C, C beats B,
# B beats A), so no Condorcet winner.
WIKIPEDIA = {
    ballot("ACBED"): 5,
    ballot("ADECB"): 5,
    ballot("BEDAC"): 8,
    ballot("CABED"): 3,
    ballot("CAEBD"): 7,
    ballot("CBADE"): 2,
    ballot("DCEBA"): 7,
    ballot("EBADC"): 8,
}


def test_schulze_reproduces_the_wikipedia_example() -> None:
    result = schulze("ABCDE", WIKIPEDIA)
    assert result.order == ["E", "A", "C", "B", "D"]
    assert result.scores == {"A": 3, "B": 1, "C": 2, "D": 0, "E": 4}
    assert result.details["pairwise"] == {
        "A": {"B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31},
    }
    assert result.details["strongest_paths"] == {
        "A": {"B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31},
    }


def test_copeland_leaves_the_wikipedia_cycle_partly_tied() -> None:
    # From the matrix: E beats A, B, D (3); A beats C, D; B beats A, D; C beats B, E (2 each);
    # D beats C (1).
    result = copeland("ABCDE", WIKIPEDIA)
    assert result.scores == {"A": 2, "B": 2, "C": 2, "D": 1, "E": 3}
    assert result.ranks == {"A": 2, "B": 2, "C": 2, "D": 5, "E": 1}
    assert result.order == ["E", "A", "B", "C", "D"]


# --- Schulze: two winners that neither beats the other ----------------------------------------
#
# 20 voters, three ballots (AU Australasia, NA North America, AF Africa, AS Asia, LA Latin
# America):
#   7 × AU > NA > AF > AS > LA,   6 × AF > LA > AS > AU > NA,   7 × NA > AF > LA > AS > AU.
# Head to head (winning votes): AU beats NA 13-7; AF, AS and LA each beat AU 13-7; NA beats
# AF, AS and LA 14-6; AF beats AS and LA 20-0; LA beats AS 13-7.
# Strongest paths: NA→AU = 13 (NA→AF→AU, or NA→LA→AU) and AU→NA = 13 (direct): a draw.
#   AU reaches every other option through NA at 13 and each of them reaches AU at 13 too,
#   so AU beats nothing and nothing beats AU. NA beats AF, AS, LA (14 against 13); AF beats
#   AS and LA (20 against 13); AS and LA draw at 13.
# Schulze winners: NA and AU (nothing beats them). Then AF; then AS and LA, level.
# Counting beaten options (NA 3, AF 2, the rest 0) would have put NA first alone.
TWO_WINNERS: Ballots = {
    ("australasia", "north_america", "africa", "asia", "latin_america"): 7,
    ("africa", "latin_america", "asia", "australasia", "north_america"): 6,
    ("north_america", "africa", "latin_america", "asia", "australasia"): 7,
}
AREAS_WITH_AUSTRALASIA = ("asia", "north_america", "latin_america", "africa", "australasia")


def test_schulze_winners_are_every_option_nothing_beats() -> None:
    result = schulze(AREAS_WITH_AUSTRALASIA, TWO_WINNERS)
    paths = result.details["strongest_paths"]
    assert paths["north_america"]["australasia"] == paths["australasia"]["north_america"] == 13
    assert result.ranks == {
        "asia": 4,
        "north_america": 1,
        "latin_america": 4,
        "africa": 3,
        "australasia": 1,
    }
    assert result.order == ["north_america", "australasia", "africa", "asia", "latin_america"]
    # The score counts the options placed below, so the two winners score alike although
    # North America beats three options and Australasia none.
    assert result.scores == {
        "asia": 0,
        "north_america": 3,
        "latin_america": 0,
        "africa": 2,
        "australasia": 3,
    }
    assert result.details["beats"]["australasia"] == []
    assert result.details["beats"]["north_america"] == ["asia", "latin_america", "africa"]


def test_schulze_places_an_option_below_every_option_that_beats_it() -> None:
    # A beats B, B beats C, D is beaten by none and beats none (no ballot ranks D above
    # or below the others more often than the reverse): D shares first place with A,
    # and C comes after B, not level with it.
    #   2 × A > B > C > D,  2 × D > A > B > C  →  D vs A 2-2, D vs B 2-2, D vs C 2-2.
    result = schulze("ABCD", {ballot("ABCD"): 2, ballot("DABC"): 2})
    assert result.ranks == {"A": 1, "B": 3, "C": 4, "D": 1}
    assert result.scores == {"A": 2, "B": 1, "C": 0, "D": 2}  # options placed below
    assert result.details["beats"] == {"A": ["B", "C"], "B": ["C"], "C": [], "D": []}


# --- a Condorcet cycle ------------------------------------------------------------------------
#
# One voter each A > B > C, B > C > A, C > A > B: every option beats the next 2-1 and loses
# to the one before 1-2, so everything is level except for instant-runoff.
#   Positional 2 each, Borda 3 each, average rank 2 each; Copeland 1 each (a win, a loss);
#   Schulze: every strongest path is 2, nothing beats anything.
#   IRV: round 1 all 1 vote, no earlier round, positional level → C (last in question
#   order) goes; its ballot C > A > B moves to A; round 2 A 2, B 1 → B goes.
CYCLE = {ballot("ABC"): 1, ballot("BCA"): 1, ballot("CAB"): 1}


@pytest.mark.parametrize("method", ["positional", "borda", "average_rank", "copeland", "schulze"])
def test_a_condorcet_cycle_leaves_every_option_level(method: str) -> None:
    result = RANKING_METHODS[method][1]("ABC", CYCLE)
    assert result.ranks == {"A": 1, "B": 1, "C": 1}
    assert len(set(result.scores.values())) == 1


def test_a_condorcet_cycle_has_equal_strongest_paths() -> None:
    paths = schulze("ABC", CYCLE).details["strongest_paths"]
    assert {paths[a][b] for a in "ABC" for b in "ABC" if a != b} == {2}


def test_irv_breaks_a_condorcet_cycle_by_question_order_then_counts() -> None:
    result = irv("ABC", CYCLE)
    assert [(r["eliminated"], r["tie_break"]) for r in result.details["rounds"]] == [
        ("C", "question_order"),
        ("B", None),
        (None, None),
    ]
    assert result.ranks == {"A": 1, "B": 2, "C": 3}


# --- ties ------------------------------------------------------------------------------------
#
# One voter A > B > C, one voter B > A > C: A and B are exactly level everywhere.
#   Positional A = B = (3 + 2)/2 = 2.5, C = 1;  Borda A = B = 3, C = 0
#   Average rank A = B = 1.5, C = 3;  Copeland A = B = 1.5 (tie + win), C = 0
#   Schulze: no path either way between A and B; both beat C.
TIED = {ballot("ABC"): 1, ballot("BAC"): 1}


@pytest.mark.parametrize("method", ["positional", "borda", "average_rank", "copeland", "schulze"])
def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(method: str) -> None:
    result = RANKING_METHODS[method][1]("ABC", TIED)
    assert result.ranks == {"A": 1, "B": 1, "C": 3}
    assert result.scores["A"] == result.scores["B"]


def test_tied_options_are_listed_in_question_order() -> None:
    assert positional("BAC", TIED).order == ["B", "A", "C"]
    assert positional("ACB", TIED).order == ["A", "B", "C"]


def test_irv_breaks_a_complete_tie_by_question_order() -> None:
    # Round 1: A 1, B 1, C 0 → C out. Round 2: A 1, B 1, level in round 1 too and on
    # positional score, so B, later in question order, goes.
    result = irv("ABC", TIED)
    assert result.ranks == {"A": 1, "B": 2, "C": 3}
    assert [r["tie_break"] for r in result.details["rounds"]] == [None, "question_order", None]


# --- instant-runoff look-back --------------------------------------------------------------
#
# 5 × A>B>C>D, 3 × C>A>B>D, 2 × B>A>C>D, 1 × D>B>A>C (11 ballots).
# Round 1: A 5, C 3, B 2, D 1 → D out, its ballot goes to B.
# Round 2: A 5, B 3, C 3 → B and C tie. Looking back, round 1 had B 2 < C 3: B goes.
#   (Positional would have removed C: B = 32/11 > C = 27/11; so would question order.)
# Round 3: B's ballots go to A: A 8, C 3 → C out. Round 4: A 11.
LOOK_BACK = {ballot("ABCD"): 5, ballot("CABD"): 3, ballot("BACD"): 2, ballot("DBAC"): 1}


def test_irv_elimination_tie_is_broken_by_the_previous_round() -> None:
    result = irv("ABCD", LOOK_BACK)
    rounds = result.details["rounds"]
    assert rounds[1] == {
        "round": 2,
        "counts": {"A": 5, "B": 3, "C": 3},
        "exhausted": 0,
        "eliminated": "B",
        "tie_break": "previous_round",
    }
    assert result.order == ["A", "C", "B", "D"]
    assert rounds[-1] == {
        "round": 4,
        "counts": {"A": 11},
        "exhausted": 0,
        "eliminated": None,
        "tie_break": None,
    }


# Looking back must start at the round just before and go towards the first, never the
# other way. 18 ballots over A-E:
#   6 × A>B>C>D>E, 4 × B>A>C>D>E, 3 × C>A>B>D>E, 2 × D>C>A>B>E, 1 × E>B>A>C>D, 2 × E>A>B>C>D
# Round 1: A 6, B 4, C 3, E 3, D 2 → D out, its two ballots go to C.
# Round 2: A 6, C 5, B 4, E 3 → E out: one ballot to B, two to A.
# Round 3: A 8, B 5, C 5 → B and C tie. Round 2 (the one before) had B 4 < C 5: B goes.
#   Looking from round 1 forwards would find B 4 > C 3 and remove C; so would the
#   positional score (B 67, C 59) and question order.
# Round 4: B's five ballots go to A: A 13, C 5 → C out. Round 5: A 18.
LOOK_BACK_DIRECTION = {
    ballot("ABCDE"): 6,
    ballot("BACDE"): 4,
    ballot("CABDE"): 3,
    ballot("DCABE"): 2,
    ballot("EBACD"): 1,
    ballot("EABCD"): 2,
}


def test_irv_looks_back_from_the_previous_round_not_from_the_first() -> None:
    result = irv("ABCDE", LOOK_BACK_DIRECTION)
    rounds = result.details["rounds"]
    assert [r["counts"] for r in rounds[:3]] == [
        {"A": 6, "B": 4, "C": 3, "D": 2, "E": 3},
        {"A": 6, "B": 4, "C": 5, "E": 3},
        {"A": 8, "B": 5, "C": 5},
    ]
    assert [(r["eliminated"], r["tie_break"]) for r in rounds] == [
        ("D", None),
        ("E", None),
        ("B", "previous_round"),
        ("C", None),
        (None, None),
    ]
    assert result.order == ["A", "C", "B", "E", "D"]
    assert positional("ABCDE", LOOK_BACK_DIRECTION).details["total_points"]["B"] == 67


# When the round just before is level too, the rounds before it decide.
#   8 × A>B>D>E>C, 3 × B>A>C>D>E, 4 × C>A>B>D>E, 1 × D>B>A>C>E, 1 × E>B>A>C>D, 1 × E>C>A>B>D
# Round 1: A 8, C 4, B 3, E 2, D 1 → D out, to B. Round 2: A 8, B 4, C 4, E 2 → E out, one
# ballot each to B and C. Round 3: A 8, B 5, C 5: round 2 is level (4-4), round 1 has
# B 3 < C 4, so B goes, although its positional score is higher (69 against 45).
LOOK_BACK_TWO_ROUNDS = {
    ballot("ABDEC"): 8,
    ballot("BACDE"): 3,
    ballot("CABDE"): 4,
    ballot("DBACE"): 1,
    ballot("EBACD"): 1,
    ballot("ECABD"): 1,
}


def test_irv_keeps_looking_back_while_the_earlier_round_is_level() -> None:
    result = irv("ABCDE", LOOK_BACK_TWO_ROUNDS)
    rounds = result.details["rounds"]
    assert rounds[1]["counts"] == {"A": 8, "B": 4, "C": 4, "E": 2}
    assert rounds[2]["counts"] == {"A": 8, "B": 5, "C": 5}
    assert (rounds[2]["eliminated"], rounds[2]["tie_break"]) == ("B", "previous_round")
    assert result.order == ["A", "C", "B", "E", "D"]


# Level in every round so far, the lower positional score goes.
#   2 × A>B>C, 1 × B>C>A, 1 × C>B>A: round 1 A 2, B 1, C 1, no earlier round;
#   positional B 2·2 + 3 + 2 = 9, C 2·1 + 2 + 3 = 7 → C out, its ballot goes to B;
#   round 2 A 2, B 2 → round 1 had B 1 < A 2 → B out.
def test_irv_falls_back_on_the_positional_score() -> None:
    result = irv("ABC", {ballot("ABC"): 2, ballot("BCA"): 1, ballot("CBA"): 1})
    assert [(r["eliminated"], r["tie_break"]) for r in result.details["rounds"]] == [
        ("C", "positional"),
        ("B", "previous_round"),
        (None, None),
    ]


def test_irv_gives_distinct_places_even_when_final_votes_are_equal() -> None:
    result = irv("ABCD", LOOK_BACK)
    # B and C both had 3 votes in their last round; their places still differ.
    assert result.scores == {"A": 11, "B": 3, "C": 3, "D": 1}
    assert result.ranks == {"A": 1, "B": 3, "C": 2, "D": 4}


def test_positional_would_have_eliminated_the_other_option() -> None:
    scores = positional("ABCD", LOOK_BACK).details["total_points"]
    assert scores == {"A": 37, "B": 32, "C": 27, "D": 14}


# --- truncated (top-2) ballots over the world areas -----------------------------------------
#
# Five areas, each participant ranks their top 2 (N = 5, k = 2):
#   3 × Asia > Africa,  2 × Latin America > Asia,  1 × Africa > Latin America.
# Positional (5, 4, unranked 0), 6 ballots:
#   Asia 3·5 + 2·4 = 23, Africa 3·4 + 5 = 17, Latin America 2·5 + 4 = 14, others 0.
# Borda (4, 3; the three unranked share 2, 1, 0 → 1 each):
#   Asia 12 + 6 + 1 = 19, Africa 9 + 2 + 4 = 15, Latin America 3 + 8 + 3 = 14,
#   North America = Oceania = 3 + 2 + 1 = 6 (total 60 = 6 ballots × 10 points).
# Average rank (unranked take the mean of places 3..5 = 4):
#   Asia (3 + 4 + 4)/6 = 11/6, Africa (6 + 8 + 1)/6 = 15/6, Latin America (12 + 2 + 2)/6 = 16/6,
#   North America = Oceania = 4.
# Copeland: Asia–Latin America 3-3 tie; Asia beats Africa 5-1; Africa beats Latin America
#   4-2; the three ranked areas beat the two never-ranked ones; those two tie 0-0.
#   Asia 3.5, Africa 3, Latin America 2.5, North America 0.5, Oceania 0.5.
# Schulze: Asia reaches Latin America through Africa (min(5, 4) = 4) and nothing reaches
#   Asia, so Asia 4, Africa 3, Latin America 2, the others 0.
# IRV: r1 Asia 3, Latin America 2, Africa 1, N. America 0, Oceania 0 → Oceania (question
#   order); r2 → North America; r3 → Africa, whose ballot goes to Latin America;
#   r4 Asia 3, Latin America 3 → look back (3 vs 2): Latin America out;
#   r5 Asia 5, and the Africa > Latin America ballot is exhausted.
TOP_TWO: Ballots = {
    ("asia", "africa"): 3,
    ("latin_america", "asia"): 2,
    ("africa", "latin_america"): 1,
}


def test_positional_gives_unranked_areas_nothing() -> None:
    result = positional(WORLD_AREAS, TOP_TWO)
    assert result.details["total_points"] == {
        "asia": 23,
        "north_america": 0,
        "latin_america": 14,
        "africa": 17,
        "oceania": 0,
    }
    assert result.scores["asia"] == pytest.approx(23 / 6)
    assert result.ranks == {
        "asia": 1,
        "north_america": 4,
        "latin_america": 3,
        "africa": 2,
        "oceania": 4,
    }


def test_borda_shares_unranked_points_equally() -> None:
    result = borda(WORLD_AREAS, TOP_TWO)
    assert result.scores == {
        "asia": 19,
        "north_america": 6,
        "latin_america": 14,
        "africa": 15,
        "oceania": 6,
    }
    assert result.details["max_points"] == 4


def test_average_rank_places_unranked_areas_in_the_middle_of_the_rest() -> None:
    result = average_rank(WORLD_AREAS, TOP_TWO)
    assert result.scores == pytest.approx(
        {
            "asia": 11 / 6,
            "north_america": 4,
            "latin_america": 16 / 6,
            "africa": 15 / 6,
            "oceania": 4,
        }
    )
    assert result.details["distribution"]["asia"] == {"positions": [3, 2, 0, 0, 0], "unranked": 1}
    assert result.details["distribution"]["oceania"] == {
        "positions": [0, 0, 0, 0, 0],
        "unranked": 6,
    }
    assert result.order == ["asia", "africa", "latin_america", "north_america", "oceania"]


def test_copeland_counts_ranked_over_unranked_as_a_preference() -> None:
    result = copeland(WORLD_AREAS, TOP_TWO)
    assert result.scores == {
        "asia": 3.5,
        "north_america": 0.5,
        "latin_america": 2.5,
        "africa": 3,
        "oceania": 0.5,
    }
    assert result.details["pairwise"]["north_america"]["oceania"] == 0
    assert result.details["ties"]["asia"] == 1


def test_schulze_finds_a_path_around_a_pairwise_tie() -> None:
    result = schulze(WORLD_AREAS, TOP_TWO)
    assert result.details["strongest_paths"]["asia"]["latin_america"] == 4
    assert result.details["strongest_paths"]["latin_america"]["asia"] == 0
    assert result.order == ["asia", "africa", "latin_america", "north_america", "oceania"]
    assert result.ranks["oceania"] == 4


def test_irv_counts_exhausted_top_k_ballots() -> None:
    result = irv(WORLD_AREAS, TOP_TWO)
    rounds = result.details["rounds"]
    assert [r["eliminated"] for r in rounds] == [
        "oceania",
        "north_america",
        "africa",
        "latin_america",
        None,
    ]
    assert [r["tie_break"] for r in rounds] == [
        "question_order",
        None,
        None,
        "previous_round",
        None,
    ]
    assert rounds[3]["counts"] == {"asia": 3, "latin_america": 3}
    assert rounds[4] == {
        "round": 5,
        "counts": {"asia": 5},
        "exhausted": 1,
        "eliminated": None,
        "tie_break": None,
    }
    assert result.order == ["asia", "latin_america", "africa", "north_america", "oceania"]


# --- partial ballots of mixed lengths ------------------------------------------------------
#
# Four options (N = 4), ballots ranking 1, 2 and 3 of them: 2 × A,  1 × B > C,  1 × C > B > D.
# Positional (4, 3, 2, 1; unranked 0): A 8, B 4 + 3 = 7, C 3 + 4 = 7, D 2 (per ballot / 4).
# Borda (3, 2, 1, 0; the unranked share the empty places' points, (N − k − 1)/2 each):
#   2 × A: A 3, B = C = D 1;  B > C: B 3, C 2, A = D 0.5;  C > B > D: C 3, B 2, D 1, A 0.
#   A 6.5, B 7, C 7, D 3.5 (24 = 4 ballots × 6 points).
# Average rank (unranked take (k + 1 + N)/2): A (1 + 1 + 3.5 + 4)/4 = 2.375,
#   B (3 + 3 + 1 + 2)/4 = 2.25, C 2.25, D (3 + 3 + 3.5 + 3)/4 = 3.125.
# Pairwise: A–B 2-2, A–C 2-2, B–C 1-1 (the A ballots rank neither), A, B, C beat D 2-1,
#   2-0, 2-0. Copeland A = B = C = 2, D 0; Schulze: A, B, C each beat D and nothing else.
# IRV: r1 A 2, B 1, C 1, D 0 → D; r2 A 2, B 1, C 1 → B and C level in r1 and on positional
#   score, C (later) goes, its ballot moves to B; r3 A 2, B 2 → r2 had B 1 < A 2: B goes;
#   r4 A 2, with both B ballots exhausted.
MIXED: Ballots = {ballot("A"): 2, ballot("BC"): 1, ballot("CBD"): 1}


def test_every_method_reads_each_ballot_with_its_own_length() -> None:
    assert positional("ABCD", MIXED).details["total_points"] == {"A": 8, "B": 7, "C": 7, "D": 2}
    assert positional("ABCD", MIXED).ranks == {"A": 1, "B": 2, "C": 2, "D": 4}
    assert borda("ABCD", MIXED).scores == {"A": 6.5, "B": 7, "C": 7, "D": 3.5}
    assert borda("ABCD", MIXED).ranks == {"A": 3, "B": 1, "C": 1, "D": 4}
    assert average_rank("ABCD", MIXED).scores == {"A": 2.375, "B": 2.25, "C": 2.25, "D": 3.125}
    assert copeland("ABCD", MIXED).scores == {"A": 2, "B": 2, "C": 2, "D": 0}
    assert copeland("ABCD", MIXED).details["pairwise"]["B"] == {"A": 2, "C": 1, "D": 2}
    assert schulze("ABCD", MIXED).ranks == {"A": 1, "B": 1, "C": 1, "D": 4}


def test_irv_exhausts_short_ballots_and_breaks_ties_as_documented() -> None:
    rounds = irv("ABCD", MIXED).details["rounds"]
    assert [(r["eliminated"], r["tie_break"], r["exhausted"]) for r in rounds] == [
        ("D", None, 0),
        ("C", "question_order", 0),
        ("B", "previous_round", 0),
        (None, None, 2),
    ]
    assert rounds[2]["counts"] == {"A": 2, "B": 2}


# --- edge cases ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_METHODS)
def test_no_ballots_gives_zero_scores_and_a_shared_first_place(name: str) -> None:
    result = RANKING_METHODS[name][1](WORLD_AREAS, {})
    assert result.scores == dict.fromkeys(WORLD_AREAS, 0.0)
    assert result.ranks == dict.fromkeys(WORLD_AREAS, 1)
    assert result.order == list(WORLD_AREAS)


@pytest.mark.parametrize("name", ALL_METHODS)
def test_ballots_cast_zero_times_are_ignored(name: str) -> None:
    method = RANKING_METHODS[name][1]
    with_zero = {**CONDORCET, ballot("CBA"): 0}
    assert method("ABC", with_zero) == method("ABC", CONDORCET)


@pytest.mark.parametrize("bad", [ballot("AA"), ballot("AZ")])
def test_malformed_ballot_is_a_programming_error(bad: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="repeats an option or names an unknown one"):
        positional("ABC", {bad: 1})


@pytest.mark.parametrize("name", ALL_METHODS)
def test_a_single_option_wins_alone(name: str) -> None:
    result = RANKING_METHODS[name][1](["asia"], {("asia",): 4})
    assert result.ranks == {"asia": 1}


@pytest.mark.parametrize("name", ALL_METHODS)
def test_details_are_json_serializable(name: str) -> None:
    result = RANKING_METHODS[name][1](WORLD_AREAS, TOP_TWO)
    assert json.loads(json.dumps(result.details)) == result.details


def test_every_method_has_a_label() -> None:
    assert RANKING_METHODS["positional"][0] == "Average points"
    assert all(label for label, _method in RANKING_METHODS.values())


# --- properties --------------------------------------------------------------------------------

OPTIONS = ("a", "b", "c", "d")


@st.composite
def profiles(draw: st.DrawFn, *, full: bool = False) -> dict[tuple[str, ...], int]:
    """Draw a small profile of ballots over OPTIONS, truncated unless ``full``."""
    count = draw(st.integers(min_value=0, max_value=6))
    profile: dict[tuple[str, ...], int] = {}
    for _ in range(count):
        order = draw(st.permutations(OPTIONS))
        length = len(OPTIONS) if full else draw(st.integers(1, len(OPTIONS)))
        profile[tuple(order[:length])] = draw(st.integers(1, 5))
    return profile


def reordered(profile: Ballots, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Return the same profile with its ballots in another order."""
    return {key: profile[key] for key in keys}


@PROPERTY
@given(data=st.data(), profile=profiles())
def test_ballot_order_never_changes_a_result(
    data: st.DataObject, profile: dict[tuple[str, ...], int]
) -> None:
    shuffled = reordered(profile, data.draw(st.permutations(list(profile))))
    for _label, method in RANKING_METHODS.values():
        assert method(OPTIONS, shuffled) == method(OPTIONS, profile)


@PROPERTY
@given(profile=profiles(full=True))
def test_positional_is_borda_plus_one_on_full_ballots(
    profile: dict[tuple[str, ...], int],
) -> None:
    by_position = positional(OPTIONS, profile)
    by_borda = borda(OPTIONS, profile)
    assert by_position.ranks == by_borda.ranks
    if profile:
        for option in OPTIONS:
            assert by_position.scores[option] == pytest.approx(
                by_borda.details["mean_points"][option] + 1
            )


@PROPERTY
@given(profile=profiles())
def test_a_condorcet_winner_wins_schulze_and_copeland(
    profile: dict[tuple[str, ...], int],
) -> None:
    matrix = pairwise(OPTIONS, list(profile.items()))
    winners = [a for a in OPTIONS if all(matrix[a][b] > matrix[b][a] for b in OPTIONS if b != a)]
    for winner in winners:
        for method in (schulze, copeland):
            ranks = method(OPTIONS, profile).ranks
            assert ranks[winner] == 1
            assert list(ranks.values()).count(1) == 1


@PROPERTY
@given(profile=profiles())
def test_irv_gives_every_option_its_own_place(profile: dict[tuple[str, ...], int]) -> None:
    ranks = irv(OPTIONS, profile).ranks
    if profile:
        assert sorted(ranks.values()) == [1, 2, 3, 4]
    else:
        assert set(ranks.values()) == {1}


@PROPERTY
@given(profile=profiles())
def test_ranks_agree_with_scores(profile: dict[tuple[str, ...], int]) -> None:
    # Instant-runoff places by elimination and Schulze by its beat relation (below).
    for name, (_label, method) in RANKING_METHODS.items():
        if name in {"irv", "schulze"}:
            continue
        result = method(OPTIONS, profile)
        sign = -1 if result.lower_is_better else 1
        for a in OPTIONS:
            better = sum(sign * result.scores[b] > sign * result.scores[a] for b in OPTIONS)
            assert result.ranks[a] == 1 + better


@PROPERTY
@given(profile=profiles())
def test_schulze_ranks_follow_the_beat_relation(profile: dict[tuple[str, ...], int]) -> None:
    result = schulze(OPTIONS, profile)
    paths = result.details["strongest_paths"]

    def beats(a: str, b: str) -> bool:
        return a != b and paths[a][b] > paths[b][a]

    for a in OPTIONS:
        beaten_by = [b for b in OPTIONS if beats(b, a)]
        # Below everything that beats it, and right below the lowest of those.
        assert all(result.ranks[b] < result.ranks[a] for b in beaten_by)
        assert result.ranks[a] == 1 + (
            max(
                result.ranks[b] + sum(result.ranks[c] == result.ranks[b] for c in OPTIONS) - 1
                for b in beaten_by
            )
            if beaten_by
            else 0
        )
        assert result.details["beats"][a] == [b for b in OPTIONS if beats(a, b)]
        assert result.scores[a] == sum(result.ranks[b] > result.ranks[a] for b in OPTIONS)
