"""The kinds registry: every kind has a module and a phone template, tables have one shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import FormData, UploadFile

from agora.polls import kinds
from agora.polls.kinds import (
    KINDS,
    Option,
    QuestionKind,
    QuestionSpec,
    ResultTable,
    answer_from_form,
    kind_of,
    make_spec,
    make_tally,
    result_table,
    validate_answer,
)
from agora.polls.kinds.base import Kind
from agora.polls.kinds.table import (
    Chart,
    Count,
    Figure,
    Format,
    Phrase,
    Text,
    from_json,
    registered,
    say,
    screen_number,
)

ROOT = Path(__file__).resolve().parents[2]
AGORA = ROOT / "agora"
OPTIONS = (Option("asia", "Asia"), Option("africa", "Africa"), Option("oceania", "Oceania"))

#: A question of each kind, and answers to it as a phone's form would send them.
SPECS: dict[QuestionKind, QuestionSpec] = {
    QuestionKind.single_choice: make_spec(QuestionKind.single_choice, options=OPTIONS),
    QuestionKind.multiple_choice: make_spec(QuestionKind.multiple_choice, options=OPTIONS),
    QuestionKind.ranking: make_spec(QuestionKind.ranking, options=OPTIONS, top_k=2),
    QuestionKind.open_text: make_spec(QuestionKind.open_text, max_entries=2),
    QuestionKind.word_cloud: make_spec(QuestionKind.word_cloud, max_entries=2),
    QuestionKind.rating: make_spec(QuestionKind.rating, min_label="Low", max_label="High"),
    QuestionKind.points: make_spec(QuestionKind.points, options=OPTIONS),
}
FORMS: dict[QuestionKind, list[list[tuple[str, str | UploadFile]]]] = {
    QuestionKind.single_choice: [[("option", "asia")], [("option", "africa")]],
    QuestionKind.multiple_choice: [[("options", "asia"), ("options", "oceania")]],
    QuestionKind.ranking: [
        [("rank-asia", "2"), ("rank-africa", "1"), ("rank-oceania", "")],
        [("rank-asia", "1"), ("rank-africa", ""), ("rank-oceania", "2")],
    ],
    QuestionKind.open_text: [[("texts", "Build trust first"), ("texts", " ")]],
    QuestionKind.word_cloud: [[("words", "Trust"), ("words", "mobility")], [("words", "trust")]],
    QuestionKind.rating: [[("value", "4")], [("value", "2")]],
    QuestionKind.points: [[("points-asia", "70"), ("points-africa", "30"), ("points-oceania", "")]],
}
#: How participant.js may read an answer from a kind's template (``data-read``).
READERS = {"value", "number", "values", "texts", "order", "numbers"}


def filled_result(kind: QuestionKind) -> dict[str, Any]:
    """Return the result of ``kind``'s question after the answers of ``FORMS``."""
    spec = SPECS[kind]
    tally = make_tally(spec)
    for fields in FORMS[kind]:
        tally.add(validate_answer(spec, answer_from_form(kind, FormData(fields))))
    return tally.result()


def texts_of(table: ResultTable) -> list[Text]:
    """Return every text a table holds, nested ones included."""
    found: list[Text] = [table.name, table.title, table.axis, *table.summary]
    found += [column.header for column in table.columns]
    found += [Phrase(column.prefix) for column in table.columns if column.prefix]
    found += [Phrase(note.label) for note in table.notes]
    found += [note.value for note in table.notes if isinstance(note.value, Phrase)]
    if table.method is not None:
        found.append(table.method)
    nested = [v for t in found if isinstance(t, Phrase) for v in t.values.values()]
    return found + [v for v in nested if isinstance(v, Phrase)]


def test_every_kind_has_exactly_one_module() -> None:
    assert set(KINDS) == set(QuestionKind)
    for kind, module in KINDS.items():
        assert module.KIND is kind
        assert module.__name__ == f"agora.polls.kinds.{kind.value}"  # type: ignore[attr-defined]
        assert kind_of(kind.value) is module


def test_every_module_provides_the_whole_protocol() -> None:
    members = {name for name in vars(Kind) if not name.startswith("_")}
    assert {"check", "validate", "from_form", "tally", "table", "KIND", "NAME"} <= members
    for module in KINDS.values():
        missing = {name for name in members if not hasattr(module, name)}
        assert not missing, (module, missing)


def test_every_kind_has_a_phone_template_that_says_how_to_read_it() -> None:
    for kind in QuestionKind:
        template = AGORA / "polls" / "templates" / "polls" / "kinds" / f"{kind.value}.html"
        text = template.read_text(encoding="utf-8")
        reads = re.findall(r'data-read="(\w+)"', text)
        assert reads, f"{template} has no data-read"
        assert set(reads) <= READERS, reads
        assert "data-answer=" in text


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_every_form_post_becomes_a_valid_answer(kind: QuestionKind) -> None:
    assert set(FORMS) == set(QuestionKind)
    assert filled_result(kind)["voters"] == len(FORMS[kind])


@pytest.mark.parametrize("kind", list(QuestionKind))
@pytest.mark.parametrize("answered", [False, True])
def test_result_table_has_the_documented_shape(kind: QuestionKind, answered: bool) -> None:
    result = filled_result(kind) if answered else make_tally(SPECS[kind]).result()
    table = result_table(result)
    keys = [column.key for column in table.columns]
    assert table.kind == kind.value
    assert table.voters == result["voters"]
    assert isinstance(table.chart, Chart)
    assert len(set(keys)) == len(keys)
    assert table.label in keys
    assert set(table.figure) <= set(keys)
    if table.chart is Chart.cards:
        assert table.value is None
    else:
        assert table.value in keys
        assert table.column(table.value).format is not Format.text
        assert table.figure[0] == table.value
    if table.ranked:
        assert "rank" in keys
    assert all(len(row.cells) == len(keys) for row in table.rows)
    assert len({row.key for row in table.rows}) == len(table.rows)
    assert all(say(text) for text in table.summary)


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_every_word_of_a_table_is_marked_for_the_live_pages(kind: QuestionKind) -> None:
    table = result_table(filled_result(kind))
    for text in texts_of(table):
        if isinstance(text, Phrase) and text.translate:
            assert registered(text.text), text
        if isinstance(text, Count):
            assert registered(text.singular), text
        if isinstance(text, Figure):
            assert registered(text.label), text


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_a_table_survives_the_stream_as_json(kind: QuestionKind) -> None:
    table = result_table(filled_result(kind))
    data = json.loads(json.dumps(table.to_json()))
    assert [say(from_json(text)) for text in data["summary"]] == [say(t) for t in table.summary]
    assert say(from_json(data["title"])) == say(table.title)
    assert [row["cells"] for row in data["rows"]] == [list(row.cells) for row in table.rows]


def test_a_ranking_shows_no_rank_before_its_first_ballot() -> None:
    spec = SPECS[QuestionKind.ranking]
    tally = make_tally(spec)
    empty = result_table(tally.result())
    assert [row.cells[0] for row in empty.rows] == [None] * len(empty.rows)
    assert [option["rank"] for option in tally.result()["options"]] == [1] * len(empty.rows)
    assert screen_number(None, Format.integer) == "–"

    tally.add(
        validate_answer(
            spec, answer_from_form(QuestionKind.ranking, FormData(FORMS[QuestionKind.ranking][0]))
        )
    )
    counted = result_table(tally.result())
    assert counted.rows[0].cells[0] == 1
    assert all(isinstance(row.cells[0], int) for row in counted.rows)


def test_the_result_list_numbers_ranks_as_the_method_gives_them() -> None:
    from agora.app import make_templates

    spec = make_spec(QuestionKind.ranking, options=OPTIONS[:3])
    macro = make_templates().env.get_template("polls/_result.html").module.result_table  # type: ignore[attr-defined]

    def drawn(*ballots: list[str]) -> str:
        tally = make_tally(spec)
        for order in ballots:
            tally.add({"ranking": order})
        return str(macro(type("Q", (), {"id": 1})(), tally.result()))

    ids = [option.id for option in spec.options]
    before = drawn()
    assert '<ul class="result-list">' in before  # no ballot yet: no numbers
    assert "<ol" not in before
    tied = drawn([ids[0], ids[1]], [ids[1], ids[0]])  # the first two tie, the third last
    assert tied.count('value="1"') == 2
    assert tied.count('value="3"') == 1


def test_the_table_words_are_translated_where_shown() -> None:
    from agora.core.i18n import set_language

    table = result_table(filled_result(QuestionKind.ranking))
    set_language("fr")
    try:
        assert say(table.name) == "Classement"
        assert "bulletins" in say(table.summary[1])
    finally:
        set_language("en")
    assert say(table.summary[1]) == "2 ballots"


# -- the rule: renderers draw tables, they never ask which kind a question is ---------------

RENDERERS = [
    "agora/web/static/live.js",
    "agora/web/static/participant.js",
    "agora/web/static/screen.js",
    "agora/web/static/moderator.js",
    "agora/polls/templates/polls/_result.html",
    "agora/polls/templates/polls/_question.html",
    "agora/polls/templates/polls/_console.html",
    "agora/polls/console_routes.py",
    "agora/polls/display.py",
    "agora/polls/results.py",
    "agora/polls/routes.py",
    "agora/polls/live.py",
    "agora/pages/routes.py",
    "agora/pages/templates/pages/participant.html",
    "agora/pages/templates/pages/screen.html",
    "agora/pages/templates/pages/moderator.html",
    "agora/polls/editor_forms.py",
    "agora/polls/editor_routes.py",
    "agora/polls/editing.py",
    "agora/polls/paste.py",
    "agora/polls/templates/polls/editor/_forms.html",
    "agora/polls/templates/polls/editor/_preview.html",
    "agora/polls/templates/polls/editor/_question.html",
    "agora/polls/templates/polls/editor/list.html",
    "agora/polls/templates/polls/editor/poll.html",
    "agora/web/static/editor.js",
    "agora/reports/model.py",
    "agora/reports/charts.py",
    "agora/reports/docx.py",
    "agora/reports/exports.py",
    "agora/reports/html.py",
    "agora/reports/templates/reports/report.html",
]


@pytest.mark.parametrize("path", RENDERERS)
def test_no_renderer_mentions_a_kind(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    names = "|".join(kind.value for kind in QuestionKind)
    patterns = [
        r"QuestionKind\.",
        rf"[\"']({names})[\"']",  # a kind compared, looked up or listed by its value
        r"\bkind\s*(===?|!==?|in)\s",  # a switch on a question's kind
        r"case\s+[\"']",  # a JavaScript switch
    ]
    found = [m.group(0) for pattern in patterns for m in re.finditer(pattern, text)]
    assert found == [], f"{path} tells kinds apart: {found}"


def test_the_registry_module_lists_every_kind_module() -> None:
    modules = {
        path.stem
        for path in (AGORA / "polls" / "kinds").glob("*.py")
        if path.stem not in {"__init__", "base", "fields", "spec", "table"}
    }
    assert modules == {kind.value for kind in QuestionKind}
    assert kinds.__all__  # the registry's public names


@pytest.mark.parametrize(
    "method", ["positional", "borda", "average_rank", "copeland", "schulze", "irv"]
)
def test_every_ranking_result_says_what_its_score_means_on_every_page(method: str) -> None:
    from agora.core.i18n import set_language
    from agora.polls.kinds.ranking import EXPLANATIONS
    from agora.polls.kinds.table import say, words
    from agora.polls.ranking import RANKING_EXPLANATIONS

    assert set(EXPLANATIONS) == set(RANKING_EXPLANATIONS)
    spec = QuestionSpec(
        kind=QuestionKind.ranking, options=(Option("a", "A"), Option("b", "B"), Option("c", "C"))
    )
    tally = make_tally(spec)
    tally.add({"ranking": ["b", "a", "c"]})
    table = result_table(tally.result(method))
    assert table.explanation is not None
    assert "explanation" in json.dumps(table.to_json())  # the live pages draw it too
    assert "Slido" not in say(table.explanation)
    set_language("fr")
    try:
        assert EXPLANATIONS[method] in words()  # translated for the phones and the screen
        assert say(table.explanation) != EXPLANATIONS[method]
    finally:
        set_language("en")
    if method == "positional":
        assert say(table.explanation).startswith("Average points per ballot: first place earns 3")
