"""The profanity filter: whole folded words per language, no false alarms on substrings."""

from __future__ import annotations

import pytest

from agora.qa.profanity import PROFANITY, fold, folded_words, languages_for, offensive_words

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "hr", "ro")


def test_every_language_has_a_list_of_folded_words() -> None:
    assert set(PROFANITY) == set(LANGUAGES)
    for words in PROFANITY.values():
        assert words
        assert all(word == fold(word) and folded_words(word) == [word] for word in words)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "What a load of BULLSHIT."),
        ("fr", "C'est un Enculé, ce financement"),
        ("de", "So eine Scheiße mit den Fristen"),
        ("de", "SCHEISSE"),
        ("es", "¿Por qué tanta mierda?"),
        ("it", "Che cazzo di procedura"),
        ("pt", "Caralho, que demora"),
        ("hr", "Jebote, opet kasnimo"),
        ("hr", "pička"),
        ("ro", "Ce căcat de regulament"),
    ],
)
def test_offensive_word_is_found_in_its_language(language: str, text: str) -> None:
    assert offensive_words(text, [language])


@pytest.mark.parametrize(
    "text",
    [
        "How was the Scunthorpe partnership funded?",
        "Is the Pula–Ravenna ferry part of the project?",  # Pula: a Croatian city
        "Did the assessment cover Essex and Middlesex?",
        "Why is the curva of growth so flat?",
        "We analysed the shitake supply chain",
        "Cocktail reception after the session?",
        "Class, grass and Dickens",
    ],
)
def test_ordinary_words_containing_a_listed_one_pass(text: str) -> None:
    assert offensive_words(text, LANGUAGES) == []


def test_a_word_of_another_language_s_list_is_not_checked() -> None:
    assert offensive_words("la porra del equipo", ["es"]) == []
    assert offensive_words("Cazzo!", ["fr"]) == []
    assert offensive_words("Cazzo!", ["it"]) == ["cazzo"]


def test_words_are_reported_folded_and_in_text_order() -> None:
    assert offensive_words("Merde… Putain!", ["fr"]) == ["merde", "putain"]


def test_folding_removes_case_and_accents_and_sharp_s() -> None:
    assert fold("ENCULÉ") == "encule"
    assert fold("Scheiße") == "scheisse"
    assert folded_words("Ça va? Très-bien.") == ["ca", "va", "tres", "bien"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", ("fr", "en")), ("fr-BE", ("fr", "en")), ("en", ("en",)), ("sv", ("sv", "en"))],
)
def test_an_event_checks_its_language_and_english(language: str, expected: tuple[str, ...]) -> None:
    assert languages_for(language) == expected
