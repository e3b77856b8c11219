"""Validation of raw answers into their normalized form, and checks of question specs."""

from __future__ import annotations

from typing import Any

import pytest

from agora.core.errors import InvalidAnswer, InvalidInput
from agora.polls.kinds import (
    Option,
    QuestionKind,
    QuestionSpec,
    check_spec,
    make_spec,
    validate_answer,
)

# The reference session asked: "Please rank your interest in the following world areas".
WORLD_AREAS = (
    Option("asia", "Asia"),
    Option("north_america", "North America"),
    Option("latin_america", "Latin America and the Caribbean"),
    Option("africa", "Africa"),
    Option("oceania", "Oceania"),
)
ABC = (Option("a", "Alpha"), Option("b", "Bravo"), Option("c", "Charlie"))


def spec_of(kind: QuestionKind, **overrides: Any) -> QuestionSpec:
    """Return a checked spec of ``kind``, with the world areas as options where it takes some."""
    if kind in (
        QuestionKind.single_choice,
        QuestionKind.multiple_choice,
        QuestionKind.ranking,
        QuestionKind.points,
    ):
        overrides.setdefault("options", WORLD_AREAS)
    return make_spec(kind, **overrides)


def rejection(spec: QuestionSpec, raw: object) -> InvalidAnswer:
    """Return the error ``validate_answer`` raises for ``raw``."""
    with pytest.raises(InvalidAnswer) as caught:
        validate_answer(spec, raw)
    return caught.value


# --- shapes common to every kind ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(QuestionKind))
@pytest.mark.parametrize("raw", [None, "asia", 3, ["asia"], True])
def test_answer_that_is_not_an_object_is_rejected(kind: QuestionKind, raw: object) -> None:
    error = rejection(spec_of(kind), raw)
    assert "not in the form" in error.message
    assert error.field is None


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (QuestionKind.single_choice, {"option": "asia", "comment": "hi"}),
        (QuestionKind.multiple_choice, {"options": ["asia"], "extra": 1}),
        (QuestionKind.ranking, {"ranking": [], "top": 1}),
        (QuestionKind.open_text, {"texts": ["x"], "name": "Ana"}),
        (QuestionKind.word_cloud, {"words": ["x"], "lang": "en"}),
        (QuestionKind.rating, {"value": 3, "note": None}),
        (QuestionKind.points, {"points": {"asia": 100}, "total": 100}),
    ],
)
def test_answer_with_an_extra_field_is_rejected(kind: QuestionKind, raw: object) -> None:
    error = rejection(spec_of(kind), raw)
    assert "is not part of an answer" in error.message
    assert error.field in {"comment", "extra", "top", "name", "lang", "note", "total"}


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        (QuestionKind.single_choice, "option"),
        (QuestionKind.multiple_choice, "options"),
        (QuestionKind.ranking, "ranking"),
        (QuestionKind.open_text, "texts"),
        (QuestionKind.word_cloud, "words"),
        (QuestionKind.rating, "value"),
        (QuestionKind.points, "points"),
    ],
)
def test_answer_missing_its_field_is_rejected(kind: QuestionKind, field: str) -> None:
    error = rejection(spec_of(kind), {})
    assert error.message == f"The answer is missing '{field}'."
    assert error.field == field


def test_error_names_the_error_class_and_field_for_the_api() -> None:
    error = rejection(spec_of(QuestionKind.single_choice), {"option": "zz"})
    assert error.to_dict() == {
        "error": "InvalidAnswer",
        "message": "Option 'zz' is not one of this question's options.",
        "field": "option",
    }


# --- single choice -------------------------------------------------------------------------


def test_single_choice_accepts_a_known_option() -> None:
    spec = spec_of(QuestionKind.single_choice)
    assert validate_answer(spec, {"option": "africa"}) == {"option": "africa"}


@pytest.mark.parametrize("value", [None, 1, True, ["asia"], {"id": "asia"}])
def test_single_choice_rejects_a_value_that_is_not_an_option_id(value: object) -> None:
    error = rejection(spec_of(QuestionKind.single_choice), {"option": value})
    assert "Choose one of the question's options" in error.message
    assert error.field == "option"


def test_single_choice_rejects_an_unknown_option() -> None:
    error = rejection(spec_of(QuestionKind.single_choice), {"option": "europe"})
    assert error.message == "Option 'europe' is not one of this question's options."


def test_a_very_long_unknown_option_is_shortened_in_the_message() -> None:
    error = rejection(spec_of(QuestionKind.single_choice), {"option": "x" * 500})
    assert len(error.message) < 100
    assert "…" in error.message


# --- multiple choice -----------------------------------------------------------------------


def test_multiple_choice_is_stored_in_question_order() -> None:
    spec = spec_of(QuestionKind.multiple_choice)
    answer = validate_answer(spec, {"options": ["oceania", "asia", "africa"]})
    assert answer == {"options": ["asia", "africa", "oceania"]}


def test_multiple_choice_rejects_an_empty_choice() -> None:
    error = rejection(spec_of(QuestionKind.multiple_choice), {"options": []})
    assert error.message == "Choose at least one option."


def test_multiple_choice_rejects_more_than_the_allowed_choices() -> None:
    spec = spec_of(QuestionKind.multiple_choice, max_choices=2)
    error = rejection(spec, {"options": ["asia", "africa", "oceania"]})
    assert error.message == "Too many options: the limit is 2, you chose 3."
    assert error.field == "options"


def test_multiple_choice_without_a_limit_accepts_every_option() -> None:
    spec = spec_of(QuestionKind.multiple_choice)
    every = [option.id for option in WORLD_AREAS]
    assert validate_answer(spec, {"options": list(reversed(every))}) == {"options": every}


def test_multiple_choice_rejects_an_option_chosen_twice() -> None:
    error = rejection(spec_of(QuestionKind.multiple_choice), {"options": ["asia", "asia"]})
    assert error.message == "'Asia' is chosen twice."
    assert error.field == "options[1]"


def test_multiple_choice_rejects_an_unknown_option_with_its_position() -> None:
    error = rejection(spec_of(QuestionKind.multiple_choice), {"options": ["asia", "zz"]})
    assert error.message == "Option 'zz' is not one of this question's options."
    assert error.field == "options[1]"


@pytest.mark.parametrize("value", ["asia", {"asia": True}, None])
def test_multiple_choice_rejects_options_that_are_not_a_list(value: object) -> None:
    error = rejection(spec_of(QuestionKind.multiple_choice), {"options": value})
    assert error.message == "'options' must be a list."


def test_multiple_choice_rejects_a_choice_that_is_not_text() -> None:
    error = rejection(spec_of(QuestionKind.multiple_choice), {"options": ["asia", 2]})
    assert error.field == "options[1]"


# --- ranking -------------------------------------------------------------------------------


def test_ranking_of_all_world_areas_is_kept_in_the_participants_order() -> None:
    ranking = ["latin_america", "asia", "africa", "oceania", "north_america"]
    answer = validate_answer(spec_of(QuestionKind.ranking), {"ranking": ranking})
    assert answer == {"ranking": ranking}


def test_ranking_must_rank_every_option_when_there_is_no_top_k() -> None:
    error = rejection(spec_of(QuestionKind.ranking), {"ranking": ["asia", "africa"]})
    assert error.message == "Rank all the options (5); you ranked 2."
    assert error.field == "ranking"


def test_top_k_ranking_must_rank_exactly_k() -> None:
    spec = spec_of(QuestionKind.ranking, top_k=3)
    assert validate_answer(spec, {"ranking": ["oceania", "asia", "africa"]}) == {
        "ranking": ["oceania", "asia", "africa"]
    }
    error = rejection(spec, {"ranking": ["oceania", "asia", "africa", "north_america"]})
    assert error.message == "Rank your top 3; you ranked 4."


@pytest.mark.parametrize("length", [1, 2, 3])
def test_partial_top_k_ranking_accepts_from_one_to_k_options(length: int) -> None:
    spec = spec_of(QuestionKind.ranking, top_k=3, partial=True)
    ranking = ["oceania", "asia", "africa"][:length]
    assert validate_answer(spec, {"ranking": ranking}) == {"ranking": ranking}


@pytest.mark.parametrize("length", [1, 4, 5])
def test_partial_ranking_without_top_k_accepts_up_to_every_option(length: int) -> None:
    spec = spec_of(QuestionKind.ranking, partial=True)
    ranking = ["latin_america", "asia", "africa", "oceania", "north_america"][:length]
    assert validate_answer(spec, {"ranking": ranking}) == {"ranking": ranking}


def test_partial_ranking_needs_at_least_one_option() -> None:
    error = rejection(spec_of(QuestionKind.ranking, top_k=3, partial=True), {"ranking": []})
    assert error.message == "Rank at least one option."
    assert error.field == "ranking"


def test_partial_ranking_refuses_more_than_k() -> None:
    spec = spec_of(QuestionKind.ranking, top_k=2, partial=True)
    error = rejection(spec, {"ranking": ["oceania", "asia", "africa"]})
    assert error.message == "You may rank up to 2; you ranked 3."
    assert error.field == "ranking"


def test_partial_ranking_still_refuses_repeats_and_unknown_options() -> None:
    spec = spec_of(QuestionKind.ranking, partial=True)
    assert rejection(spec, {"ranking": ["asia", "asia"]}).message == "'Asia' is ranked twice."
    assert rejection(spec, {"ranking": ["europe"]}).field == "ranking[0]"


def test_ranking_is_complete_unless_the_question_says_partial() -> None:
    assert spec_of(QuestionKind.ranking).partial is False
    error = rejection(spec_of(QuestionKind.ranking, top_k=3), {"ranking": ["asia"]})
    assert error.message == "Rank your top 3; you ranked 1."


def test_ranking_rejects_an_option_ranked_twice_by_its_label() -> None:
    spec = spec_of(QuestionKind.ranking, top_k=3)
    error = rejection(spec, {"ranking": ["africa", "asia", "asia"]})
    assert error.message == "'Asia' is ranked twice."
    assert error.field == "ranking[2]"


def test_ranking_rejects_an_unknown_option() -> None:
    spec = spec_of(QuestionKind.ranking, top_k=2)
    error = rejection(spec, {"ranking": ["asia", "europe"]})
    assert error.message == "Option 'europe' is not one of this question's options."
    assert error.field == "ranking[1]"


def test_ranking_rejects_a_ranking_that_is_not_a_list() -> None:
    error = rejection(spec_of(QuestionKind.ranking), {"ranking": "asia,africa"})
    assert error.message == "'ranking' must be a list."


# --- open text -----------------------------------------------------------------------------


def test_open_text_is_stripped_and_nfc_normalized() -> None:
    spec = spec_of(QuestionKind.open_text)
    decomposed = "  Cooperation needs trust with Mexico's Estado de Me\u0301xico \n"
    answer = validate_answer(spec, {"texts": [decomposed]})
    assert answer == {"texts": ["Cooperation needs trust with Mexico's Estado de México"]}


def test_open_text_counts_characters_after_stripping_and_composing() -> None:
    spec = spec_of(QuestionKind.open_text, max_length=4)
    # Four characters once composed, although six code points and padded with spaces.
    assert validate_answer(spec, {"texts": ["  e\u0301te\u0301s  "]}) == {"texts": ["étés"]}
    error = rejection(spec, {"texts": ["abcdef"]})
    assert error.message == "Answer 1 is 6 characters long; the limit is 4."
    assert error.field == "texts[0]"


def test_open_text_rejects_an_empty_entry() -> None:
    spec = spec_of(QuestionKind.open_text, max_entries=2)
    error = rejection(spec, {"texts": ["Trust", "   "]})
    assert error.message == "Answer 2 is empty."
    assert error.field == "texts[1]"


def test_open_text_rejects_no_entries_and_too_many() -> None:
    spec = spec_of(QuestionKind.open_text, max_entries=2)
    assert rejection(spec, {"texts": []}).message == "Write at least one answer."
    error = rejection(spec, {"texts": ["a", "b", "c"]})
    assert error.message == "Too many answers: the limit is 2, you sent 3."


@pytest.mark.parametrize("value", [1, None, ["nested"], False])
def test_open_text_rejects_an_entry_that_is_not_text(value: object) -> None:
    error = rejection(spec_of(QuestionKind.open_text), {"texts": [value]})
    assert error.message == "Each answer must be text."
    assert error.field == "texts[0]"


def test_open_text_default_limit_is_280_characters() -> None:
    spec = spec_of(QuestionKind.open_text)
    assert validate_answer(spec, {"texts": ["x" * 280]}) == {"texts": ["x" * 280]}
    assert rejection(spec, {"texts": ["x" * 281]}).field == "texts[0]"


# --- word cloud ----------------------------------------------------------------------------


def test_word_cloud_entries_are_stripped_and_kept_as_typed() -> None:
    spec = spec_of(QuestionKind.word_cloud, max_entries=3)
    answer = validate_answer(spec, {"words": [" Trust ", "Patience", "Cooperaci\u00f3n"]})
    assert answer == {"words": ["Trust", "Patience", "Cooperación"]}


def test_word_cloud_rejects_the_same_word_twice_whatever_its_case() -> None:
    spec = spec_of(QuestionKind.word_cloud, max_entries=3)
    error = rejection(spec, {"words": ["Trust", "patience", "TRUST"]})
    assert error.message == "'TRUST' is already in your answer."
    assert error.field == "words[2]"


def test_word_cloud_default_limit_is_40_characters() -> None:
    spec = spec_of(QuestionKind.word_cloud)
    assert spec.max_length == 40
    error = rejection(spec, {"words": ["w" * 41]})
    assert error.message == "Answer 1 is 41 characters long; the limit is 40."


def test_word_cloud_rejects_more_words_than_allowed() -> None:
    spec = spec_of(QuestionKind.word_cloud, max_entries=2)
    error = rejection(spec, {"words": ["a", "b", "c"]})
    assert error.message == "Too many answers: the limit is 2, you sent 3."


def test_word_cloud_rejects_an_empty_word() -> None:
    error = rejection(spec_of(QuestionKind.word_cloud), {"words": ["\t"]})
    assert error.message == "Answer 1 is empty."


# --- rating --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 3, 5])
def test_rating_accepts_whole_numbers_on_the_scale(value: int) -> None:
    assert validate_answer(spec_of(QuestionKind.rating), {"value": value}) == {"value": value}


@pytest.mark.parametrize("value", [True, False, 4.0, "4", None, [4]])
def test_rating_rejects_a_value_that_is_not_a_whole_number(value: object) -> None:
    error = rejection(spec_of(QuestionKind.rating), {"value": value})
    assert error.message == "Choose a whole number from 1 to 5."
    assert error.field == "value"


@pytest.mark.parametrize("value", [0, 6, -1])
def test_rating_rejects_a_value_off_the_scale(value: int) -> None:
    error = rejection(spec_of(QuestionKind.rating), {"value": value})
    assert error.message == f"The rating must be from 1 to 5; {value} is outside the scale."


def test_rating_scale_follows_the_spec() -> None:
    spec = spec_of(QuestionKind.rating, scale_max=10)
    assert validate_answer(spec, {"value": 10}) == {"value": 10}
    assert "from 1 to 10" in rejection(spec, {"value": 11}).message


# --- points --------------------------------------------------------------------------------


def test_points_drop_zero_entries_and_follow_question_order() -> None:
    spec = spec_of(QuestionKind.points)
    raw = {"points": {"oceania": 10, "asia": 60, "africa": 30, "north_america": 0}}
    assert validate_answer(spec, raw) == {"points": {"asia": 60, "africa": 30, "oceania": 10}}


def test_points_must_add_up_to_the_budget() -> None:
    spec = spec_of(QuestionKind.points)
    error = rejection(spec, {"points": {"asia": 60, "africa": 30}})
    assert error.message == "The points add up to 90; they must add up to exactly 100."
    assert error.field == "points"
    error = rejection(spec, {"points": {}})
    assert "add up to 0" in error.message


def test_points_reject_an_unknown_option() -> None:
    error = rejection(spec_of(QuestionKind.points), {"points": {"europe": 100}})
    assert error.message == "Option 'europe' is not one of this question's options."
    assert error.field == "points.europe"


@pytest.mark.parametrize("value", [True, 50.0, "50", None])
def test_points_reject_a_value_that_is_not_a_whole_number(value: object) -> None:
    error = rejection(spec_of(QuestionKind.points), {"points": {"asia": value, "africa": 50}})
    assert error.message == "The points for 'Asia' must be a whole number."
    assert error.field == "points.asia"


def test_points_reject_negative_points() -> None:
    raw = {"points": {"asia": 120, "africa": -20}}
    error = rejection(spec_of(QuestionKind.points), raw)
    assert error.message == "The points for 'Africa' cannot be negative."
    assert error.field == "points.africa"


@pytest.mark.parametrize("value", [[["asia", 100]], 100, "asia=100"])
def test_points_reject_points_that_are_not_an_object(value: object) -> None:
    error = rejection(spec_of(QuestionKind.points), {"points": value})
    assert error.message == "Give your points as a number for each option."


def test_points_budget_follows_the_spec() -> None:
    spec = spec_of(QuestionKind.points, options=ABC, budget=10)
    assert validate_answer(spec, {"points": {"c": 10}}) == {"points": {"c": 10}}


# --- question specs ------------------------------------------------------------------------


def test_make_spec_gives_word_clouds_short_entries_and_open_text_long_ones() -> None:
    assert make_spec(QuestionKind.word_cloud).max_length == 40
    assert make_spec(QuestionKind.open_text).max_length == 280
    assert make_spec(QuestionKind.word_cloud, max_length=25).max_length == 25


@pytest.mark.parametrize(
    "kind",
    [
        QuestionKind.single_choice,
        QuestionKind.multiple_choice,
        QuestionKind.ranking,
        QuestionKind.points,
    ],
)
def test_question_with_options_needs_at_least_one(kind: QuestionKind) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_spec(QuestionSpec(kind=kind))
    assert caught.value.field == "options"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"options": (*ABC, Option("a", "Again"))}, "options[3].id", "Two options"),
        ({"options": (Option("", "Empty"),)}, "options[0].id", "needs an id"),
        ({"options": (Option("a", "  "),)}, "options[0].label", "needs a label"),
    ],
)
def test_options_need_distinct_ids_and_labels(
    overrides: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_spec(QuestionSpec(kind=QuestionKind.single_choice, **overrides))
    assert caught.value.field == field
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        (QuestionKind.multiple_choice, {"max_choices": 0}, "max_choices"),
        (QuestionKind.multiple_choice, {"max_choices": 4}, "max_choices"),
        (QuestionKind.ranking, {"top_k": 0}, "top_k"),
        (QuestionKind.ranking, {"top_k": 4}, "top_k"),
        (QuestionKind.rating, {"scale_max": 1}, "scale_max"),
        (QuestionKind.rating, {"scale_max": 11}, "scale_max"),
        (QuestionKind.word_cloud, {"max_entries": 0}, "max_entries"),
        (QuestionKind.word_cloud, {"max_entries": 4}, "max_entries"),
        (QuestionKind.open_text, {"max_entries": 0}, "max_entries"),
        (QuestionKind.open_text, {"max_length": 0}, "max_length"),
        (QuestionKind.word_cloud, {"max_length": 0}, "max_length"),
        (QuestionKind.points, {"budget": 0}, "budget"),
        (QuestionKind.word_cloud, {"language": "english"}, "language"),
        (QuestionKind.word_cloud, {"language": "EN"}, "language"),
    ],
)
def test_spec_out_of_bounds_is_refused_naming_the_field(
    kind: QuestionKind, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_spec(QuestionSpec(kind=kind, options=ABC, **overrides))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kind", "overrides"),
    [
        (QuestionKind.multiple_choice, {"max_choices": 3}),
        (QuestionKind.ranking, {"top_k": 1}),
        (QuestionKind.rating, {"scale_max": 2}),
        (QuestionKind.rating, {"scale_max": 10}),
        (QuestionKind.word_cloud, {"max_entries": 3, "language": "fr"}),
        (QuestionKind.open_text, {"max_entries": 5}),
        (QuestionKind.points, {"budget": 1}),
    ],
)
def test_spec_at_the_bounds_is_accepted(kind: QuestionKind, overrides: dict[str, Any]) -> None:
    check_spec(QuestionSpec(kind=kind, options=ABC, **overrides))
