"""Incremental tallies: results per kind, answer changes, and properties of adding and removing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora.core.errors import InvalidInput
from agora.core.i18n import set_language
from agora.polls.kinds import (
    Option,
    QuestionKind,
    QuestionSpec,
    make_spec,
    make_tally,
    validate_answer,
    with_method_label,
)
from agora.polls.kinds import QuestionTally as Tally
from agora.polls.ranking import RANKING_METHODS
from agora.polls.tally import fold_entry
from agora.text.words import stop_words_for

PROPERTY = settings(max_examples=40, deadline=None, database=None)

# The reference session asked: "Please rank your interest in the following world areas".
WORLD_AREAS = (
    Option("asia", "Asia"),
    Option("north_america", "North America"),
    Option("latin_america", "Latin America and the Caribbean"),
    Option("africa", "Africa"),
    Option("oceania", "Oceania"),
)


def tally_of(spec: QuestionSpec, *raw_answers: object) -> Tally:
    """Return a tally of ``spec`` fed the raw answers, validated as the app would."""
    tally = make_tally(spec)
    for raw in raw_answers:
        tally.add(validate_answer(spec, raw))
    return tally


def counts(result: dict[str, Any], field: str = "count") -> dict[str, Any]:
    """Return ``field`` per option id from a result's options."""
    return {option["id"]: option[field] for option in result["options"]}


# --- choice --------------------------------------------------------------------------------


def test_single_choice_counts_and_shares_in_option_order() -> None:
    spec = make_spec(QuestionKind.single_choice, options=WORLD_AREAS)
    tally = tally_of(spec, {"option": "asia"}, {"option": "africa"}, {"option": "asia"})
    result = tally.result()
    assert result["kind"] == "single_choice"
    assert result["voters"] == 3
    assert result["options"][0] == {"id": "asia", "label": "Asia", "count": 2, "share": 2 / 3}
    assert [option["id"] for option in result["options"]] == [o.id for o in WORLD_AREAS]
    assert counts(result) == {
        "asia": 2,
        "north_america": 0,
        "latin_america": 0,
        "africa": 1,
        "oceania": 0,
    }


def test_choice_shares_are_zero_without_voters() -> None:
    result = make_tally(make_spec(QuestionKind.single_choice, options=WORLD_AREAS)).result()
    assert result["voters"] == 0
    assert {option["share"] for option in result["options"]} == {0.0}


def test_multiple_choice_share_is_of_voters_not_of_choices() -> None:
    spec = make_spec(QuestionKind.multiple_choice, options=WORLD_AREAS)
    tally = tally_of(
        spec, {"options": ["asia", "africa"]}, {"options": ["asia"]}, {"options": ["oceania"]}
    )
    shares = counts(tally.result(), "share")
    assert shares["asia"] == pytest.approx(2 / 3)
    assert shares["africa"] == pytest.approx(1 / 3)
    assert sum(shares.values()) == pytest.approx(4 / 3)


def test_changing_an_answer_moves_the_vote() -> None:
    spec = make_spec(QuestionKind.single_choice, options=WORLD_AREAS)
    tally = tally_of(spec, {"option": "asia"}, {"option": "oceania"})
    tally.remove({"option": "asia"})
    tally.add({"option": "latin_america"})
    result = tally.result()
    assert result["voters"] == 2
    assert counts(result)["asia"] == 0
    assert counts(result)["latin_america"] == 1


# --- rating --------------------------------------------------------------------------------


def test_rating_gives_the_whole_distribution_mean_and_median() -> None:
    spec = make_spec(
        QuestionKind.rating, scale_max=5, min_label="Not useful", max_label="Very useful"
    )
    tally = tally_of(spec, *({"value": value} for value in (1, 2, 2, 5)))
    result = tally.result()
    assert result == {
        "kind": "rating",
        "voters": 4,
        "distribution": [
            {"value": 1, "count": 1},
            {"value": 2, "count": 2},
            {"value": 3, "count": 0},
            {"value": 4, "count": 0},
            {"value": 5, "count": 1},
        ],
        "mean": 2.5,
        "median": 2.0,
        "min_label": "Not useful",
        "max_label": "Very useful",
        "scale_max": 5,
    }


@pytest.mark.parametrize(
    ("values", "median"),
    [((4,), 4.0), ((1, 3), 2.0), ((1, 2, 2, 4, 5), 2.0), ((1, 1, 5, 5), 3.0), ((2, 3, 4, 4), 3.5)],
)
def test_rating_median_averages_the_two_middle_values(
    values: tuple[int, ...], median: float
) -> None:
    tally = tally_of(make_spec(QuestionKind.rating), *({"value": v} for v in values))
    assert tally.result()["median"] == median


def test_rating_without_voters_has_no_mean_or_median() -> None:
    result = make_tally(make_spec(QuestionKind.rating, scale_max=3)).result()
    assert result["mean"] is None
    assert result["median"] is None
    assert [entry["count"] for entry in result["distribution"]] == [0, 0, 0]


# --- points --------------------------------------------------------------------------------


def test_points_give_total_mean_and_share_of_all_points() -> None:
    spec = make_spec(QuestionKind.points, options=WORLD_AREAS, budget=100)
    tally = tally_of(
        spec,
        {"points": {"asia": 60, "africa": 40}},
        {"points": {"asia": 20, "oceania": 80}},
    )
    result = tally.result()
    assert result["budget"] == 100
    assert result["options"][0] == {
        "id": "asia",
        "label": "Asia",
        "total": 80,
        "mean": 40.0,
        "share": 0.4,
    }
    assert counts(result, "total") == {
        "asia": 80,
        "north_america": 0,
        "latin_america": 0,
        "africa": 40,
        "oceania": 80,
    }
    assert sum(counts(result, "share").values()) == pytest.approx(1.0)


def test_points_without_voters_have_zero_mean_and_share() -> None:
    result = make_tally(make_spec(QuestionKind.points, options=WORLD_AREAS)).result()
    assert {(o["mean"], o["share"]) for o in result["options"]} == {(0.0, 0.0)}


# --- word cloud ----------------------------------------------------------------------------


def test_word_cloud_merges_case_punctuation_and_spacing() -> None:
    spec = make_spec(QuestionKind.word_cloud, max_entries=3)
    tally = tally_of(
        spec,
        {"words": ["Trust", "Urban   mobility"]},
        {"words": ["trust!", "urban mobility."]},
        {"words": ["«TRUST»", "Patience"]},
    )
    assert tally.result()["words"] == [
        {"word": "trust", "count": 3},
        {"word": "urban mobility", "count": 2},
        {"word": "patience", "count": 1},
    ]


def test_word_cloud_merges_accents_and_shows_the_usual_spelling() -> None:
    spec = make_spec(QuestionKind.word_cloud, language="fr")
    tally = tally_of(
        spec,
        {"words": ["Coopération"]},
        {"words": ["cooperation"]},
        {"words": ["la coopération"]},
    )
    # "la" is a French stop word; two of three spellings keep the accent.
    assert tally.result()["words"] == [{"word": "coopération", "count": 3}]


def test_word_cloud_spelling_tie_shows_the_alphabetically_first() -> None:
    spec = make_spec(QuestionKind.word_cloud)
    tally = tally_of(spec, {"words": ["Coopération"]}, {"words": ["Cooperation"]})
    assert tally.result()["words"] == [{"word": "cooperation", "count": 2}]


def test_word_cloud_drops_stop_words_and_entries_left_empty() -> None:
    spec = make_spec(QuestionKind.word_cloud, max_entries=3)
    tally = tally_of(spec, {"words": ["the", "The trust", "don’t"]}, {"words": ["Funding"]})
    result = tally.result()
    assert result["voters"] == 2
    assert result["words"] == [{"word": "funding", "count": 1}, {"word": "trust", "count": 1}]


def test_word_cloud_orders_by_count_then_word() -> None:
    spec = make_spec(QuestionKind.word_cloud, max_entries=3)
    tally = tally_of(
        spec,
        {"words": ["Networks", "Funding", "Asia"]},
        {"words": ["Funding", "Asia"]},
        {"words": ["Zeal"]},
    )
    assert [(w["word"], w["count"]) for w in tally.result()["words"]] == [
        ("asia", 2),
        ("funding", 2),
        ("networks", 1),
        ("zeal", 1),
    ]


def test_word_cloud_in_an_unknown_language_keeps_every_word() -> None:
    assert stop_words_for("xx") == frozenset()
    spec = make_spec(QuestionKind.word_cloud, language="xx")
    assert tally_of(spec, {"words": ["the"]}).result()["words"] == [{"word": "the", "count": 1}]


def test_fold_entry_gives_key_and_spelling() -> None:
    english = stop_words_for("en")
    assert fold_entry("  The  Straße—of Trust… ", english) == (
        "strasse—of trust",
        "straße—of trust",
    )
    assert fold_entry("?!", english) is None
    assert fold_entry("and the", english) is None


def test_removing_a_word_cloud_answer_restores_the_counts() -> None:
    spec = make_spec(QuestionKind.word_cloud, max_entries=2)
    tally = tally_of(spec, {"words": ["Trust", "Asia"]}, {"words": ["trust"]})
    tally.remove({"words": ["Trust", "Asia"]})
    assert tally.result()["words"] == [{"word": "trust", "count": 1}]
    assert tally.voters == 1


# --- open text -----------------------------------------------------------------------------


def test_open_text_keeps_arrival_order_and_each_entry() -> None:
    spec = make_spec(QuestionKind.open_text, max_entries=2)
    tally = tally_of(
        spec,
        {"texts": ["Build trust before projects"]},
        {"texts": ["Use the networks", "Learn the language"]},
    )
    assert tally.result() == {
        "kind": "open_text",
        "voters": 2,
        "answers": [
            {"text": "Build trust before projects"},
            {"text": "Use the networks"},
            {"text": "Learn the language"},
        ],
    }


def test_open_text_remove_deletes_the_first_identical_answer() -> None:
    spec = make_spec(QuestionKind.open_text)
    tally = tally_of(spec, {"texts": ["Yes"]}, {"texts": ["No"]}, {"texts": ["Yes"]})
    tally.remove({"texts": ["Yes"]})
    assert [a["text"] for a in tally.result()["answers"]] == ["No", "Yes"]


# --- ranking -------------------------------------------------------------------------------

# Top-2 rankings of the world areas (worked out in test_ranking.py): positional points
# Asia 23, Africa 17, Latin America 14, North America 0, Oceania 0 over 6 ballots.
TOP_TWO_ANSWERS = (
    *[{"ranking": ["asia", "africa"]}] * 3,
    *[{"ranking": ["latin_america", "asia"]}] * 2,
    {"ranking": ["africa", "latin_america"]},
)


def ranking_tally() -> Tally:
    """Return a top-2 world areas ranking tally fed the six answers above."""
    spec = make_spec(QuestionKind.ranking, options=WORLD_AREAS, top_k=2)
    return tally_of(spec, *TOP_TWO_ANSWERS)


def test_ranking_result_defaults_to_the_positional_score() -> None:
    result = ranking_tally().result()
    assert result["kind"] == "ranking"
    assert result["method"] == "positional"
    assert "method_label" not in result  # ids only: the name is added where it is shown
    assert result["voters"] == result["ballots"] == 6
    assert result["lower_is_better"] is False
    assert result["options"][:2] == [
        {"id": "asia", "label": "Asia", "score": pytest.approx(23 / 6), "rank": 1},
        {"id": "africa", "label": "Africa", "score": pytest.approx(17 / 6), "rank": 2},
    ]
    # The two areas nobody ranked share fourth place, listed in question order.
    assert [(o["id"], o["rank"]) for o in result["options"][3:]] == [
        ("north_america", 4),
        ("oceania", 4),
    ]
    assert result["details"]["total_points"]["latin_america"] == 14


@pytest.mark.parametrize("method", sorted(RANKING_METHODS))
def test_ranking_result_is_available_for_every_method(method: str) -> None:
    result = ranking_tally().result(method)
    assert result["method"] == method
    assert with_method_label(result)["method_label"] == RANKING_METHODS[method][0]
    assert result["options"][0]["id"] == "asia"
    assert json.loads(json.dumps(result)) == result


def test_ranking_result_irv_shows_the_rounds() -> None:
    rounds = ranking_tally().result("irv")["details"]["rounds"]
    assert rounds[-1]["counts"] == {"asia": 5}
    assert rounds[-1]["exhausted"] == 1


def test_unknown_ranking_method_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        ranking_tally().result("dowdall")
    assert caught.value.field == "method"
    assert "'dowdall' is not a ranking method" in caught.value.message
    assert "schulze" in caught.value.message


def test_other_kinds_refuse_a_ranking_method() -> None:
    tally = make_tally(make_spec(QuestionKind.rating))
    with pytest.raises(InvalidInput) as caught:
        tally.result("borda")
    assert caught.value.field == "method"


def test_changing_a_ballot_updates_the_ranking() -> None:
    # One Asia > Africa ballot becomes Oceania > Asia: Asia 22, Latin America 14,
    # Africa 13, Oceania 5, North America 0 positional points.
    tally = ranking_tally()
    tally.remove({"ranking": ["asia", "africa"]})
    tally.add({"ranking": ["oceania", "asia"]})
    result = tally.result()
    assert [option["id"] for option in result["options"]] == [
        "asia",
        "latin_america",
        "africa",
        "oceania",
        "north_america",
    ]
    assert result["details"]["total_points"]["oceania"] == 5
    assert result["ballots"] == 6


# --- removing what was never added ------------------------------------------------------------

NEVER_ADDED: list[tuple[QuestionSpec, dict[str, Any], dict[str, Any]]] = [
    (
        make_spec(QuestionKind.single_choice, options=WORLD_AREAS),
        {"option": "asia"},
        {"option": "africa"},
    ),
    (
        make_spec(QuestionKind.multiple_choice, options=WORLD_AREAS),
        {"options": ["asia"]},
        {"options": ["asia", "africa"]},
    ),
    (
        make_spec(QuestionKind.ranking, options=WORLD_AREAS, top_k=1),
        {"ranking": ["asia"]},
        {"ranking": ["africa"]},
    ),
    (make_spec(QuestionKind.rating), {"value": 2}, {"value": 3}),
    (
        make_spec(QuestionKind.points, options=WORLD_AREAS, budget=10),
        {"points": {"asia": 10}},
        {"points": {"africa": 10}},
    ),
    (make_spec(QuestionKind.word_cloud), {"words": ["trust"]}, {"words": ["asia"]}),
    (make_spec(QuestionKind.open_text), {"texts": ["yes"]}, {"texts": ["no"]}),
]


@pytest.mark.parametrize(("spec", "added", "other"), NEVER_ADDED)
def test_removing_an_answer_never_added_fails_and_changes_nothing(
    spec: QuestionSpec, added: dict[str, Any], other: dict[str, Any]
) -> None:
    tally = tally_of(spec, added)
    before = tally.result()
    with pytest.raises(ValueError, match="not counted"):
        tally.remove(other)
    assert tally.result() == before
    assert tally.voters == 1


@pytest.mark.parametrize(("spec", "added", "other"), NEVER_ADDED)
def test_removing_from_an_empty_tally_fails(
    spec: QuestionSpec, added: dict[str, Any], other: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="empty tally"):
        make_tally(spec).remove(added)


# --- properties --------------------------------------------------------------------------------

SPECS = {
    QuestionKind.single_choice: make_spec(QuestionKind.single_choice, options=WORLD_AREAS),
    QuestionKind.multiple_choice: make_spec(
        QuestionKind.multiple_choice, options=WORLD_AREAS, max_choices=3
    ),
    QuestionKind.ranking: make_spec(QuestionKind.ranking, options=WORLD_AREAS, top_k=3),
    QuestionKind.rating: make_spec(QuestionKind.rating, scale_max=7),
    QuestionKind.points: make_spec(QuestionKind.points, options=WORLD_AREAS[:3], budget=10),
    QuestionKind.word_cloud: make_spec(QuestionKind.word_cloud, max_entries=3),
    QuestionKind.open_text: make_spec(QuestionKind.open_text, max_entries=2),
}
VOCABULARY = [
    "Trust",
    "trust",
    "TRUST!",
    "Coopération",
    "cooperation",
    "the",
    "and the",
    "Urban mobility",
    "urban  mobility",
    "Patience",
    "don’t",
    "Asia",
]
TEXTS = ["Build trust first", "Use networks", "Learn the language", "Yes", "yes"]


def raw_answers(spec: QuestionSpec) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy of raw answers that ``spec`` accepts."""
    ids = list(spec.option_ids())
    strategies: dict[QuestionKind, st.SearchStrategy[dict[str, Any]]] = {
        QuestionKind.single_choice: st.builds(lambda o: {"option": o}, st.sampled_from(ids)),
        QuestionKind.multiple_choice: st.builds(
            lambda chosen: {"options": chosen},
            st.lists(
                st.sampled_from(ids), min_size=1, max_size=spec.max_choices or len(ids), unique=True
            ),
        ),
        QuestionKind.ranking: st.builds(
            lambda order: {"ranking": list(order[: spec.top_k or len(ids)])},
            st.permutations(ids),
        ),
        QuestionKind.rating: st.builds(lambda v: {"value": v}, st.integers(1, spec.scale_max)),
        QuestionKind.points: st.builds(
            lambda cuts: {"points": split_budget(ids, sorted(cuts), spec.budget)},
            st.lists(st.integers(0, spec.budget), min_size=len(ids) - 1, max_size=len(ids) - 1),
        ),
        QuestionKind.word_cloud: st.builds(
            lambda words: {"words": words},
            st.lists(
                st.sampled_from(VOCABULARY),
                min_size=1,
                max_size=spec.max_entries,
                unique_by=str.casefold,
            ),
        ),
        QuestionKind.open_text: st.builds(
            lambda texts: {"texts": texts},
            st.lists(st.sampled_from(TEXTS), min_size=1, max_size=spec.max_entries),
        ),
    }
    return strategies[spec.kind]


def split_budget(ids: Sequence[str], cuts: Sequence[int], budget: int) -> dict[str, int]:
    """Return the points between consecutive cuts of ``0..budget``, one share per option."""
    bounds = [0, *cuts, budget]
    return {option_id: bounds[i + 1] - bounds[i] for i, option_id in enumerate(ids)}


def answer_lists(spec: QuestionSpec, max_size: int = 8) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Return a strategy of lists of normalized answers to ``spec``."""
    valid = raw_answers(spec).map(lambda raw: validate_answer(spec, raw))
    return st.lists(valid, max_size=max_size)


def every_result(tally: Tally) -> dict[str | None, dict[str, Any]]:
    """Return the tally's result, under every ranking method for a ranking tally."""
    if tally.spec.kind is QuestionKind.ranking:
        return {method: tally.result(method) for method in RANKING_METHODS}
    result = tally.result()
    if tally.spec.kind is QuestionKind.open_text:
        # Identical answers carry no participant id, so only the multiset is restored.
        result["answers"] = sorted(a["text"] for a in result["answers"])
    return {None: result}


def fed(spec: QuestionSpec, answers: Sequence[dict[str, Any]]) -> Tally:
    """Return a new tally of ``spec`` with ``answers`` added in order."""
    tally = make_tally(spec)
    for answer in answers:
        tally.add(answer)
    return tally


@pytest.mark.parametrize("kind", list(QuestionKind))
@PROPERTY
@given(data=st.data())
def test_adding_then_removing_answers_restores_the_result(
    kind: QuestionKind, data: st.DataObject
) -> None:
    spec = SPECS[kind]
    base = data.draw(answer_lists(spec), label="base")
    extra = data.draw(answer_lists(spec), label="extra")
    tally = fed(spec, base)
    before = every_result(tally)
    for answer in extra:
        tally.add(answer)
    for answer in data.draw(st.permutations(extra), label="removal order"):
        tally.remove(answer)
    assert every_result(tally) == before
    assert tally.voters == len(base)


ORDER_FREE = [kind for kind in QuestionKind if kind is not QuestionKind.open_text]


@pytest.mark.parametrize("kind", ORDER_FREE)
@PROPERTY
@given(data=st.data())
def test_order_of_answers_does_not_change_the_result(
    kind: QuestionKind, data: st.DataObject
) -> None:
    spec = SPECS[kind]
    answers = data.draw(answer_lists(spec))
    shuffled = data.draw(st.permutations(answers))
    assert every_result(fed(spec, shuffled)) == every_result(fed(spec, answers))


@PROPERTY
@given(answers=answer_lists(SPECS[QuestionKind.single_choice]).filter(bool))
def test_single_choice_shares_add_up_to_one(answers: list[dict[str, Any]]) -> None:
    result = fed(SPECS[QuestionKind.single_choice], answers).result()
    assert sum(counts(result, "share").values()) == pytest.approx(1.0)
    assert sum(counts(result).values()) == result["voters"] == len(answers)


@pytest.mark.parametrize("kind", list(QuestionKind))
@PROPERTY
@given(data=st.data())
def test_every_result_is_json_serializable(kind: QuestionKind, data: st.DataObject) -> None:
    tally = fed(SPECS[kind], data.draw(answer_lists(SPECS[kind], max_size=4)))
    for result in every_result(tally).values():
        assert json.loads(json.dumps(result)) == result


def test_make_tally_covers_every_kind() -> None:
    for kind in QuestionKind:
        assert make_tally(SPECS[kind]).result()["kind"] == kind.value


def test_a_result_is_the_same_in_every_language_and_named_in_the_readers() -> None:
    set_language("fr")
    try:
        in_french = ranking_tally().result("borda")
        label = with_method_label(in_french)["method_label"]
    finally:
        set_language("en")
    assert in_french == ranking_tally().result("borda")
    assert label == "Méthode de Borda"
    assert with_method_label(in_french)["method_label"] == RANKING_METHODS["borda"][0]
    assert with_method_label({"kind": "rating", "mean": 3}) == {"kind": "rating", "mean": 3}
