"""The editor's rules: what may change once a question has answers or its poll is open."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from agora.core.errors import Conflict, InvalidInput
from agora.polls.editing import (
    check_question_added,
    check_question_edit,
    check_question_removed,
    options_named,
)
from agora.polls.kinds import Option, QuestionKind, QuestionSpec, make_spec

AREAS = (Option("asia", "Asia"), Option("africa", "Africa"), Option("oceania", "Oceania"))
MORE = (*AREAS, Option("o4", "Europe"))


def spec(kind: QuestionKind, **fields: Any) -> QuestionSpec:
    if kind in {
        QuestionKind.single_choice,
        QuestionKind.multiple_choice,
        QuestionKind.ranking,
        QuestionKind.points,
    }:
        fields.setdefault("options", AREAS)
    return make_spec(kind, **fields)


def refused(
    old: QuestionSpec,
    new: QuestionSpec,
    given: list[dict[str, Any]],
    *,
    poll_open: bool = False,
) -> Conflict:
    with pytest.raises(Conflict) as caught:
        check_question_edit(old, new, given, poll_open=poll_open)
    return caught.value


def allowed(
    old: QuestionSpec, new: QuestionSpec, given: list[dict[str, Any]], *, poll_open: bool = False
) -> None:
    check_question_edit(old, new, given, poll_open=poll_open)


# -- before anyone can answer ----------------------------------------------------------------


def test_a_question_nobody_can_answer_yet_may_change_in_any_way() -> None:
    old = spec(QuestionKind.points, budget=100)
    allowed(old, spec(QuestionKind.rating, scale_max=7), [])
    allowed(old, spec(QuestionKind.points, budget=10, options=AREAS[:1]), [])


# -- rule 1: wording and order, always ------------------------------------------------------


@pytest.mark.parametrize("poll_open", [False, True])
def test_wording_and_order_may_change_with_answers_and_while_open(poll_open: bool) -> None:
    old = spec(QuestionKind.single_choice)
    renamed = (Option("asia", "Asia and the Pacific"), AREAS[2], AREAS[1])
    allowed(
        old, dataclasses.replace(old, options=renamed), [{"option": "asia"}], poll_open=poll_open
    )
    rating = spec(QuestionKind.rating, min_label="Poor", max_label="Great")
    reworded = dataclasses.replace(rating, min_label="Not useful", max_label="Very useful")
    allowed(rating, reworded, [{"value": 5}], poll_open=poll_open)
    cloud = spec(QuestionKind.word_cloud, language="en")
    allowed(
        cloud,
        dataclasses.replace(cloud, language="fr"),
        [{"words": ["trust"]}],
        poll_open=poll_open,
    )


# -- rule 2: never another kind, scale or budget ---------------------------------------------


def test_the_kind_cannot_change_once_answered() -> None:
    error = refused(
        spec(QuestionKind.single_choice), spec(QuestionKind.multiple_choice), [{"option": "asia"}]
    )
    assert error.field == "kind"
    assert "Duplicate the poll" in error.message


def test_the_kind_cannot_change_while_the_poll_is_open_even_without_answers() -> None:
    error = refused(
        spec(QuestionKind.single_choice), spec(QuestionKind.multiple_choice), [], poll_open=True
    )
    assert error.field == "kind"


@pytest.mark.parametrize("new_scale", [4, 7])
def test_the_rating_scale_cannot_change_once_answered(new_scale: int) -> None:
    old = spec(QuestionKind.rating, scale_max=5)
    error = refused(old, dataclasses.replace(old, scale_max=new_scale), [{"value": 2}])
    assert error.field == "scale_max"
    assert "from 1 to 5" in error.message


@pytest.mark.parametrize("new_budget", [10, 1000])
def test_the_points_budget_cannot_change_once_answered(new_budget: int) -> None:
    old = spec(QuestionKind.points, budget=100)
    error = refused(old, dataclasses.replace(old, budget=new_budget), [{"points": {"asia": 100}}])
    assert error.field == "budget"
    assert "add up to 100" in error.message


# -- rule 3: removing an option ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "answers"),
    [
        (QuestionKind.single_choice, [{"option": "oceania"}, {"option": "oceania"}]),
        (
            QuestionKind.multiple_choice,
            [{"options": ["asia", "oceania"]}, {"options": ["oceania"]}],
        ),
        (QuestionKind.ranking, [{"ranking": ["oceania", "asia", "africa"]}] * 2),
        (
            QuestionKind.points,
            [{"points": {"oceania": 60, "asia": 40}}, {"points": {"oceania": 100}}],
        ),
    ],
)
def test_an_option_someone_chose_cannot_be_removed(
    kind: QuestionKind, answers: list[dict[str, Any]]
) -> None:
    old = spec(kind)
    error = refused(old, dataclasses.replace(old, options=AREAS[:2]), answers)
    assert error.message.startswith("“Oceania” is part of 2 answers, so it cannot be removed.")
    assert error.field == "options"


def test_an_option_nobody_chose_can_be_removed_from_a_closed_poll() -> None:
    old = spec(QuestionKind.multiple_choice)
    allowed(old, dataclasses.replace(old, options=AREAS[:2]), [{"options": ["asia", "africa"]}])


def test_no_option_is_removed_while_the_poll_is_open() -> None:
    old = spec(QuestionKind.single_choice)
    error = refused(old, dataclasses.replace(old, options=AREAS[:2]), [], poll_open=True)
    assert error.message.startswith("Close the poll before removing “Oceania”")


# -- rule 4: adding an option -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "answer"),
    [
        (spec(QuestionKind.single_choice), {"option": "asia"}),
        (spec(QuestionKind.multiple_choice, max_choices=2), {"options": ["asia", "africa"]}),
        (spec(QuestionKind.ranking, top_k=2), {"ranking": ["asia", "africa"]}),
        (spec(QuestionKind.ranking, partial=True), {"ranking": ["asia"]}),
        (spec(QuestionKind.points), {"points": {"asia": 100}}),
    ],
)
@pytest.mark.parametrize("poll_open", [False, True])
def test_an_option_can_be_added_where_answers_stay_complete(
    old: QuestionSpec, answer: dict[str, Any], poll_open: bool
) -> None:
    allowed(old, dataclasses.replace(old, options=MORE), [answer], poll_open=poll_open)


@pytest.mark.parametrize("poll_open", [False, True])
def test_no_option_is_added_where_answers_rank_every_option(poll_open: bool) -> None:
    old = spec(QuestionKind.ranking)
    answers = [] if poll_open else [{"ranking": ["asia", "africa", "oceania"]}]
    error = refused(old, dataclasses.replace(old, options=MORE), answers, poll_open=poll_open)
    assert "rank every option" in error.message


# -- rule 5: limits ---------------------------------------------------------------------------


def test_the_choices_allowed_can_be_raised_while_open() -> None:
    old = spec(QuestionKind.multiple_choice, max_choices=1)
    allowed(old, dataclasses.replace(old, max_choices=2), [{"options": ["asia"]}], poll_open=True)
    allowed(old, dataclasses.replace(old, max_choices=None), [], poll_open=True)


def test_the_choices_allowed_cannot_go_below_an_answer() -> None:
    old = spec(QuestionKind.multiple_choice)
    answers = [{"options": ["asia"]}, {"options": ["asia", "africa", "oceania"]}]
    error = refused(old, dataclasses.replace(old, max_choices=2), answers)
    assert error.message == "Someone chose 3 options, so the limit cannot be lower than 3."
    assert error.field == "max_choices"


def test_the_choices_allowed_can_be_lowered_to_what_the_answers_fit_once_closed() -> None:
    old = spec(QuestionKind.multiple_choice)
    allowed(old, dataclasses.replace(old, max_choices=2), [{"options": ["asia", "africa"]}])


def test_no_limit_is_lowered_while_the_poll_is_open() -> None:
    old = spec(QuestionKind.multiple_choice, max_choices=3)
    error = refused(old, dataclasses.replace(old, max_choices=2), [], poll_open=True)
    assert error.message.startswith("Close the poll before lowering this limit")


@pytest.mark.parametrize("kind", [QuestionKind.open_text, QuestionKind.word_cloud])
def test_text_limits_cannot_go_below_an_answer(kind: QuestionKind) -> None:
    old = spec(kind, max_entries=3, max_length=40)
    field = "texts" if kind is QuestionKind.open_text else "words"
    answers = [{field: ["a" * 30, "trust"]}]
    error = refused(old, dataclasses.replace(old, max_length=20), answers)
    assert error.message == "An answer is 30 characters long, so the limit cannot be lower than 30."
    error = refused(old, dataclasses.replace(old, max_entries=1), answers)
    assert error.message == "Someone gave 2 answers, so the limit cannot be lower than 2."
    allowed(old, dataclasses.replace(old, max_entries=2, max_length=30), answers)
    allowed(old, dataclasses.replace(old, max_length=400 if field == "texts" else 60), answers)


def test_the_number_to_rank_cannot_change_when_answers_rank_exactly_that_many() -> None:
    old = spec(QuestionKind.ranking, top_k=2)
    answers = [{"ranking": ["asia", "africa"]}]
    error = refused(old, dataclasses.replace(old, top_k=3), answers)
    assert error.field == "top_k"
    assert "rank 2 options" in error.message
    refused(old, dataclasses.replace(old, top_k=1), answers)


def test_a_ranking_can_become_partial_but_not_back_once_answered() -> None:
    old = spec(QuestionKind.ranking, top_k=2)
    partial = dataclasses.replace(old, partial=True)
    allowed(old, partial, [{"ranking": ["asia", "africa"]}], poll_open=True)
    error = refused(partial, old, [{"ranking": ["asia"]}])
    assert error.field == "partial"
    assert "rank 1 options" in error.message
    error = refused(partial, old, [], poll_open=True)
    assert error.message.startswith("Close the poll before lowering this limit")


def test_a_partial_ranking_s_limit_can_be_raised_and_lowered_to_the_longest_ballot() -> None:
    old = spec(QuestionKind.ranking, top_k=2, partial=True)
    allowed(
        old, dataclasses.replace(old, top_k=3), [{"ranking": ["asia", "africa"]}], poll_open=True
    )
    allowed(old, dataclasses.replace(old, top_k=1), [{"ranking": ["asia"]}])
    refused(old, dataclasses.replace(old, top_k=1), [{"ranking": ["asia", "africa"]}])


# -- questions of a poll ------------------------------------------------------------------------


def test_questions_are_not_added_to_an_open_poll_nor_beyond_thirty() -> None:
    with pytest.raises(Conflict, match="Close the poll before adding questions"):
        check_question_added(poll_open=True, count=1)
    with pytest.raises(InvalidInput, match="at most 30 questions; this one would have 31"):
        check_question_added(poll_open=False, count=28, adding=3)
    check_question_added(poll_open=False, count=29)


def test_a_question_with_answers_is_never_removed() -> None:
    with pytest.raises(Conflict, match="3 answers were given to this question"):
        check_question_removed(poll_open=False, answers=3, count=2)


def test_no_question_is_removed_from_an_open_poll_nor_the_last_one() -> None:
    with pytest.raises(Conflict, match="Close the poll before removing a question"):
        check_question_removed(poll_open=True, answers=0, count=2)
    with pytest.raises(Conflict, match="at least one question"):
        check_question_removed(poll_open=False, answers=0, count=1)
    check_question_removed(poll_open=False, answers=0, count=2)


def test_options_named_reads_every_answer_shape() -> None:
    assert options_named({"option": "asia"}) == {"asia"}
    assert options_named({"options": ["asia", "africa"]}) == {"asia", "africa"}
    assert options_named({"ranking": ["oceania"]}) == {"oceania"}
    assert options_named({"points": {"asia": 60, "africa": 40}}) == {"asia", "africa"}
    assert options_named({"value": 4}) == set()


# -- rule 6: the kind's own validation has the last word ----------------------------------------


def test_a_change_is_refused_if_the_kind_would_reject_an_answer_the_rules_let_through() -> None:
    old = spec(QuestionKind.multiple_choice)
    stray = [{"options": ["ghost"]}]  # an answer no rule above looks at
    error = refused(old, dataclasses.replace(old, options=MORE), stray)
    assert error.message.startswith("This change would make 1 answer invalid")
    assert "'ghost' is not one of this question's options" in error.message
