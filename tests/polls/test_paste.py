"""The paste format: questions and options as plain text, every problem with its line."""

from __future__ import annotations

import pytest

from agora.core.i18n import set_language
from agora.polls.kinds import KINDS, QuestionKind
from agora.polls.paste import PastedQuestion, PasteError, parse_questions

REFERENCE = """\
Please rank your interest in the following world areas [ranking top 3]
- Asia
- Australia and Oceania
- Latin America and the Caribbean
- North America
- Africa

What is the main lesson you take home from this session?
"""


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PasteError) as caught:
        parse_questions(text)
    return caught.value.problems


def test_reads_the_reference_session_polls() -> None:
    ranking, open_text = parse_questions(REFERENCE)
    assert ranking == PastedQuestion(
        line=1,
        kind=QuestionKind.ranking,
        prompt="Please rank your interest in the following world areas",
        options=(
            "Asia",
            "Australia and Oceania",
            "Latin America and the Caribbean",
            "North America",
            "Africa",
        ),
        option_lines=(2, 3, 4, 5, 6),
        settings={"top_k": 3},
    )
    assert open_text.kind is QuestionKind.open_text
    assert open_text.line == 8
    assert open_text.options == ()


def test_without_a_marker_options_make_a_single_choice_and_none_an_open_text() -> None:
    with_options, without = parse_questions("Which one?\n- A\n- B\n\nWhy?")
    assert with_options.kind is QuestionKind.single_choice
    assert without.kind is QuestionKind.open_text


@pytest.mark.parametrize(
    ("marker", "kind", "settings"),
    [
        ("[single]", QuestionKind.single_choice, {}),
        ("[multiple 2]", QuestionKind.multiple_choice, {"max_choices": 2}),
        ("[Multiple choice, up to 2]", QuestionKind.multiple_choice, {"max_choices": 2}),
        ("[ranking]", QuestionKind.ranking, {}),
        ("[ranking top 2 partial]", QuestionKind.ranking, {"top_k": 2, "partial": True}),
        ("[ranking partial]", QuestionKind.ranking, {"partial": True}),
        ("[points 10]", QuestionKind.points, {"budget": 10}),
        ("[points_100]", None, {}),
    ],
)
def test_markers_of_kinds_with_options(
    marker: str, kind: QuestionKind | None, settings: dict[str, object]
) -> None:
    text = f"Where next? {marker}\n- Asia\n- Africa\n- Oceania"
    if kind is None:
        assert problems(text)[0][0] == 1
        return
    [read] = parse_questions(text)
    assert (read.kind, dict(read.settings), read.prompt) == (kind, settings, "Where next?")


@pytest.mark.parametrize(
    ("marker", "kind", "settings"),
    [
        ("[open text]", QuestionKind.open_text, {}),
        ("[open text 2]", QuestionKind.open_text, {"max_entries": 2}),
        ("[word cloud 3]", QuestionKind.word_cloud, {"max_entries": 3}),
        ("[words]", QuestionKind.word_cloud, {}),
        ("[word_cloud]", QuestionKind.word_cloud, {}),
        ("[rating 7]", QuestionKind.rating, {"scale_max": 7}),
        ("[RATING]", QuestionKind.rating, {}),
    ],
)
def test_markers_of_kinds_without_options(
    marker: str, kind: QuestionKind, settings: dict[str, object]
) -> None:
    [read] = parse_questions(f"How was it? {marker}")
    assert (read.kind, dict(read.settings)) == (kind, settings)


def test_every_kind_can_be_named_in_a_marker() -> None:
    for kind, module in KINDS.items():
        options = "\n- A\n- B" if "options" in module.SETTINGS else ""
        [read] = parse_questions(f"Q [{module.MARKER.words[0]}]{options}")
        assert read.kind is kind


def test_a_kind_s_name_in_the_reader_s_language_is_a_marker_too() -> None:
    set_language("fr")
    try:
        [read] = parse_questions("Où ensuite ? [Classement]\n- Asie\n- Afrique")
    finally:
        set_language("en")
    assert read.kind is QuestionKind.ranking


def test_bullets_windows_line_ends_and_spaces_are_read() -> None:
    [read] = parse_questions("  Where next?  \r\n* Asia\r\n•   Africa\r\n– Oceania \r\n")
    assert read.options == ("Asia", "Africa", "Oceania")
    assert read.option_lines == (2, 3, 4)


def test_a_question_may_look_like_a_list_item_after_a_blank_line() -> None:
    _first, second = parse_questions("Where?\n- A\n- B\n\n2. Why?\n")
    assert second.prompt == "2. Why?"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- Asia\n- Africa", 1, "has no question above it"),
        ("Where?\n- Asia\n\n- Africa", 4, "has no question above it"),
        ("Where?\nWhy?", 2, "Leave a blank line between two questions"),
        ("Where?\n- Asia\nWhy?", 3, "Leave a blank line between two questions"),
        ("Where? [poll]\n- Asia", 1, "does not name a kind of question"),
        ("Where? [single 2]\n- Asia", 1, "does not take “2”"),
        ("Where? [multiple partial]\n- Asia", 1, "does not take “partial”"),
        ("Where? [ranking top two]\n- Asia", 1, "does not take “two”"),
        ("Where? [ranking 0]\n- Asia", 1, "0 is not a usable number"),
        ("Why? [open text]\n- Asia", 2, "takes no options"),
        ("Rank them [ranking]", 1, "needs options"),
        ("Where?\n- Asia\n-\n- Africa", 3, "This option is empty"),
        ("[ranking]\n- Asia", 1, "Write the question before its kind"),
        ("x" * 501, 1, "is 501 characters long; the limit is 500"),
        ("Where?\n- " + "y" * 201, 2, "is 201 characters long; the limit is 200"),
    ],
)
def test_problems_name_their_line(text: str, line: int, words: str) -> None:
    found = problems(text)
    assert any(at == line and words in message for at, message in found), found


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    found = problems("Why? [open text]\n- A\n\nWhere? [nope]\n- B\n\n- C")
    assert [line for line, _message in found] == [2, 4, 7]


def test_nothing_to_read_is_a_problem() -> None:
    assert problems("  \n\n") == [(0, "Paste at least one question.")]


def test_too_long_a_text_is_refused_before_reading() -> None:
    [(line, message)] = problems("Why?\n" * 5000)
    assert line == 0
    assert "too long" in message


def test_the_error_message_lists_each_line() -> None:
    with pytest.raises(PasteError) as caught:
        parse_questions("- A\n\nRank [ranking]")
    assert caught.value.message.startswith("Line 1: This option has no question above it")
    assert "Line 3: This question needs options" in caught.value.message
    assert caught.value.field == "text"
