"""Language detection and keywords of short answers."""

from __future__ import annotations

import pytest

from agora.text.keywords import keywords
from agora.text.language import detect_language, languages_used

SENTENCES = {
    "en": "Our city learned a lot from the partnership with Melbourne.",
    "fr": "Notre ville a beaucoup appris du partenariat avec Montréal.",
    "de": "Unsere Stadt hat viel aus der Partnerschaft gelernt.",
    "es": "Nuestra ciudad aprendió mucho de la cooperación con Piura.",
    "it": "La nostra città ha imparato molto dalla collaborazione.",
    "pt": "A nossa cidade aprendeu muito com a cooperação internacional.",
    "hr": "Naša županija je puno naučila iz suradnje s Kinom.",
    "ro": "Regiunea noastră a învățat mult din cooperarea cu China.",
}


@pytest.mark.parametrize(("language", "sentence"), SENTENCES.items())
def test_short_eu_sentences(language: str, sentence: str) -> None:
    assert detect_language(sentence) == language


@pytest.mark.parametrize("text", ["", "ok", "12345", "?!", "a b"])
def test_too_short_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_languages_used_counts_most_first() -> None:
    texts = [SENTENCES["fr"], SENTENCES["en"], SENTENCES["fr"], "ok"]
    assert languages_used(texts) == {"fr": 2, "en": 1, "und": 1}
    assert list(languages_used([SENTENCES["de"], SENTENCES["en"]])) == ["de", "en"]


def test_keywords_fold_and_drop_stop_words() -> None:
    text = "Learning exchanges between cities and regions on Energy; energy and CLIMATE actions"
    assert keywords(text, "en") == ["energy", "learning", "exchanges", "cities", "regions"]
    assert keywords(text, "en", k=2) == ["energy", "learning"]
    assert keywords(text, "en", k=0) == []


def test_keywords_other_languages_and_accents() -> None:
    assert keywords("La coopération avec la Région de Murcie", "fr") == [
        "cooperation",
        "region",
        "murcie",
    ]
    assert keywords("Die Zusammenarbeit mit der Stadt Graz", "de") == [
        "zusammenarbeit",
        "stadt",
        "graz",
    ]


def test_keywords_of_nothing() -> None:
    assert keywords("", "en") == []
    assert keywords("the of and 2023", "en") == []
