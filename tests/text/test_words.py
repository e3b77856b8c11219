"""Folding words and the stop words they are compared with."""

from __future__ import annotations

from agora.text.stopwords import stop_words
from agora.text.words import fold_word, stop_words_for, strip_punctuation


def test_fold_word_drops_case_accents_and_end_punctuation() -> None:
    assert fold_word("Coopération,") == "cooperation"
    assert fold_word("«Straße»") == "strasse"
    assert fold_word("don’t") == "don't"
    assert fold_word("İzmir") == "izmir"
    assert fold_word("?!") == ""


def test_strip_punctuation_keeps_inner_punctuation() -> None:
    assert strip_punctuation("…co-operation!") == "co-operation"
    assert strip_punctuation("—") == ""


def test_stop_words_are_folded_and_follow_the_language_not_the_region() -> None:
    assert "the" in stop_words_for("en")
    assert "apres" in stop_words_for("fr-BE")
    assert stop_words("FR") == stop_words("fr")
    assert stop_words_for("xx") == frozenset()
