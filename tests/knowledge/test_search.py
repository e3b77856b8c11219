"""The pure parts of search: query words, rank fusion, facet counts, snippets, filters."""

from __future__ import annotations

import numpy as np
import pytest

from agora.core.errors import InvalidInput
from agora.knowledge import search_index
from agora.knowledge.search import (
    FACETS,
    MEANING_FLOOR,
    RRF_K,
    FacetCount,
    Filters,
    check_filters,
    check_query,
    fts5_query,
    fuse,
    hit_snippet,
    meaning_cut,
    meaning_ranking,
    query_terms,
    rank_facets,
    snippet,
    tsquery,
)


def test_fusion_sums_reciprocal_ranks_over_the_lists() -> None:
    fused = dict(fuse([[10, 20, 30], [30, 40]]))
    assert fused[10] == pytest.approx(1 / (RRF_K + 1))
    assert fused[20] == pytest.approx(1 / (RRF_K + 2))
    assert fused[30] == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1))
    assert fused[40] == pytest.approx(1 / (RRF_K + 2))


def test_fusion_puts_what_both_lists_found_first() -> None:
    assert [i for i, _s in fuse([[1, 2, 3], [3, 4, 1]])] == [1, 3, 2, 4]


def test_fusion_breaks_ties_by_first_appearance_and_takes_its_constant() -> None:
    assert [i for i, _s in fuse([[7], [8]])] == [7, 8]
    assert [i for i, _s in fuse([[8], [7]])] == [8, 7]
    assert fuse([[5]], k=0) == [(5, 1.0)]
    assert fuse([]) == []
    assert fuse([[], []]) == []


def test_facet_values_come_most_results_first_then_by_value() -> None:
    rows = [
        ("country", "AU", 1),
        ("country", "HR", 2),
        ("country", "AT", 1),
        ("topic", "mobility", 3),
        ("colour", "blue", 9),
        ("year", "2021", 0),
    ]
    counts = rank_facets(rows)
    assert set(counts) == set(FACETS)
    assert counts["country"] == [FacetCount("HR", 2), FacetCount("AT", 1), FacetCount("AU", 1)]
    assert counts["topic"] == [FacetCount("mobility", 3)]
    assert counts["year"] == []
    assert counts["programme"] == []


def test_query_terms_are_folded_and_leave_function_words_out() -> None:
    assert query_terms("The  Transporte PÚBLICO de la ciudad") == [
        "transporte",
        "publico",
        "ciudad",
    ]
    assert query_terms("to be") == ["to", "be"]
    assert query_terms("!!! ???") == []
    assert len(query_terms(" ".join(f"word{i}" for i in range(40)))) == 12


def test_word_queries_quote_what_users_type() -> None:
    terms = query_terms('bus" OR NEAR(x) *')
    assert fts5_query(terms) == '"bus"* "near"*'
    assert tsquery(["public", "transport"]) == "public:* & transport:*"


def test_snippet_marks_the_query_words_where_they_are_densest() -> None:
    text = " ".join(["filler"] * 50 + ["Public", "transport", "grew."] + ["more"] * 50)
    parts = snippet(text, ["public", "transport"], width=10)
    assert [p.text for p in parts if p.match] == ["Public", "transport"]
    assert parts[0].text.startswith("… ")
    assert parts[-1].text.endswith(" …")
    assert "".join(p.text for p in parts).count("filler") <= 10


def test_a_topics_snippet_shows_its_names_only_when_the_query_matched_one() -> None:
    text = "Mobilität · Mobilité · Movilidad · Mobilnost\nHow people and goods move in a region."
    described = hit_snippet("topic", text, ["region"])
    assert "Mobilité" not in "".join(s.text for s in described)
    assert [s.text for s in described if s.match] == ["region."]
    named = hit_snippet("topic", text, ["mobilnost"])
    assert [s.text for s in named if s.match] == ["Mobilnost"]
    # a cooperation's text is not cut, nor a topic with nothing but names
    assert hit_snippet("cooperation", text, ["region"]) == snippet(text, ["region"])
    assert hit_snippet("topic", "Mobilität · Mobilité", []) == snippet("Mobilität · Mobilité", [])


def test_a_cooperations_topic_names_show_what_matched_or_the_readers_names() -> None:
    reader = {  # every language's name → the reader's (German here)
        "Urban mobility": "Urbane Mobilität",
        "Urbane Mobilität": "Urbane Mobilität",
        "Mobilité urbaine": "Urbane Mobilität",
        "Culture and tourism": "Kultur und Tourismus",
        "Culture et tourisme": "Kultur und Tourismus",
    }
    text = (
        "Shared bus lanes cut travel times.\n"
        "Urban mobility; Urbane Mobilität; Mobilité urbaine; Culture and tourism; "
        "Culture et tourisme\nCity of Melbourne"
    )

    def shown(terms: list[str]) -> str:
        return "".join(s.text for s in hit_snippet("cooperation", text, terms, reader))

    assert "Mobilité urbaine" in shown(["mobilite"])  # the name that matched
    assert "Urban mobility" not in shown(["mobilite"])
    by_lesson = shown(["bus"])  # nothing matched a name: the reader's names, once each
    assert "Urbane Mobilität; Kultur und Tourismus" in by_lesson
    assert "Mobilité" not in by_lesson
    # a line that is not only topic names is left as it is
    assert "Urban mobility and more" in shown_line("Urban mobility and more", reader)


def shown_line(line: str, reader: dict[str, str]) -> str:
    return "".join(s.text for s in hit_snippet("cooperation", line, [], reader))


def test_meaning_keeps_documents_near_the_best_and_above_the_floor() -> None:
    def ranked(scores: list[float], allowed: set[int] | None = None) -> list[int]:
        angles = np.arccos(np.array(scores))  # unit vectors whose dot with (1, 0) is a score
        vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
        ids = np.arange(1, len(scores) + 1, dtype=np.int64)
        matrix = search_index.VectorMatrix(ids=ids, vectors=vectors, version=1)
        return meaning_ranking(matrix, np.array([1.0, 0.0], dtype=np.float32), allowed)

    assert ranked([0.80, 0.90, 0.86, 0.83]) == [2, 3]  # within 0.06 of the best (0.84)
    assert ranked([0.83, 0.82, 0.80]) == [1, 2]  # the floor (0.81) is the higher cut
    assert ranked([0.79, 0.78]) == []  # nothing near the query at all
    assert ranked([0.90, 0.85], allowed={2}) == [2]  # the best among the allowed
    assert meaning_cut(0.95) == pytest.approx(0.89)
    assert meaning_cut(0.80) == MEANING_FLOOR


def test_snippet_without_a_match_is_the_start_of_the_text() -> None:
    parts = snippet("One two three four", ["zzz"], width=2)
    assert "".join(p.text for p in parts) == "One two …"
    assert snippet("", ["x"]) == []


def test_filters_are_checked_and_name_the_field_at_fault() -> None:
    filters = check_filters(country=" hr ", year="2021", topic="mobility", programme="")
    assert filters == Filters(topic="mobility", country="HR", year=2021)
    assert filters.pairs() == [("topic", "mobility"), ("country", "HR"), ("year", "2021")]
    for arguments, field in [
        ({"country": "Croatia"}, "country"),
        ({"year": "twenty"}, "year"),
        ({"year": 1066}, "year"),
        ({"actor_kind": "kingdom"}, "actor_kind"),
        ({"outcome_kind": "x"}, "outcome_kind"),
        ({"topic": "Urban Mobility"}, "topic"),
        ({"world_area": "the moon"}, "world_area"),
        ({"programme": "x" * 121}, "programme"),
    ]:
        with pytest.raises(InvalidInput) as error:
            check_filters(**arguments)  # type: ignore[arg-type]
        assert error.value.field == field


def test_a_query_must_have_words_and_a_bounded_length() -> None:
    assert check_query("  public   transport ") == "public transport"
    for query in ("   ", "x" * 201):
        with pytest.raises(InvalidInput) as error:
            check_query(query)
        assert error.value.field == "q"
