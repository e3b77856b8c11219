"""Theme labels: a short phrase of the theme's answers, without typos, in any language."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.text import labels
from agora.text.embeddings import WordEmbedder
from agora.text.labels import MAX_CHARS, Lexicon, Word, in_dictionary, runs
from agora.text.themes import NO_WORDS, SEPARATOR, ThemeResult, find_themes, theme_labels

from .test_themes import REFERENCE

TYPOS = ("diferrence", "beetwen", "tagible")

needs_wordfreq = pytest.mark.skipif(not labels.has_wordfreq(), reason="wordfreq missing")


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def assert_phrases_of_their_answers(result: ThemeResult) -> None:
    """Every label is a phrase found in one of its theme's answers (case aside)."""
    for theme in result.themes:
        assert SEPARATOR not in theme.label
        assert any(flat(theme.label) in flat(result.texts[i]) for i in theme.answer_indexes)


@needs_wordfreq
@pytest.mark.parametrize("embedder", [None, WordEmbedder()], ids=["default", "fallback"])
@pytest.mark.parametrize("k", [None, 2, 3, 4, 5, 6])
def test_reference_labels_are_phrases_of_the_theme_without_typos(
    embedder: WordEmbedder | None, k: int | None
) -> None:
    result = find_themes(REFERENCE, k=k, embedder=embedder)
    for theme in result.themes:
        assert not any(typo in theme.label.casefold() for typo in TYPOS), theme.label
        assert len(theme.label) <= MAX_CHARS
        assert theme.label[0].isupper()
    assert_phrases_of_their_answers(result)


@needs_wordfreq
def test_reference_labels_read_as_a_moderator_would_write_them() -> None:
    result = find_themes(REFERENCE, k=6, embedder=WordEmbedder())
    by_answer = {theme.answer_indexes[0]: theme.label for theme in result.themes}
    assert by_answer == {
        0: "Country laws and strategic development",
        1: "Locally specific projects",
        2: "Sustainable energy and climate actions",
        3: "City Science Initiative",
        4: "Inspired new insight for research",
        5: "Urban mobility plan for large companies",
    }


# One answer per theme, among others, in the languages of the room; typos included.
MULTILINGUAL = [
    # (language, answer, expected label or None for "any phrase", typo never shown)
    ("hr", "Jezična barijera bila je najveći problem, trebali smo prevoditelje",
     "Jezična barijera", None),
    ("hr", "Prekogranicna suradja gradova na projektima energetske učinkovitosti", None, "suradja"),
    ("ro", "Bariera lingvistică a îngreunat comunicarea cu partenerii",
     "Bariera lingvistică", None),
    ("ro", "Cooperrare transfrontalieră între orașe pentru mobilitate urbană", None, "cooperrare"),
    ("fr", "La barrière de la langue a ralenti toutes nos réunions", "Barrière de la langue", None),
    ("de", "Zusamenarbeit bei erneuerbaren Energien und Klimaschutz", None, "zusamenarbeit"),
    ("it", "La barriera linguistica ha rallentato la collaborazione", "Barriera linguistica", None),
    ("es", "Paneles solares y eficiencia energética en edificios publicos", None, None),
    ("pt", "Cooperação em energias renováveis e ação climática", None, None),
    ("pl", "Wymiana doświadczeń między miastami w zakresie transportu publicznego", None, None),
    ("nl", "Uitwisseling van kennis over duurzame mobiliteit en fietspaden", None, None),
    ("en", "Solar panels and energy efficency in public buildings", None, "efficency"),
]  # fmt: skip


@needs_wordfreq
def test_multilingual_labels_with_typos() -> None:
    texts = [answer for _language, answer, _label, _typo in MULTILINGUAL]
    found = theme_labels(texts, [[i] for i in range(len(texts))])
    for (language, answer, expected, typo), label in zip(MULTILINGUAL, found, strict=True):
        assert flat(label) in flat(answer), (language, label)
        assert 0 < len(label) <= MAX_CHARS
        if expected is not None:
            assert label == expected, language
        if typo is not None:
            assert typo not in label.casefold(), language


@needs_wordfreq
def test_a_theme_of_several_answers_takes_its_phrase_from_the_answer_nearest_the_centre() -> None:
    texts = [
        "Sprachbarriere und Dolmetscher bei jedem Treffen",
        "La barrière de la langue a ralenti toutes nos réunions",
        "Jezična barijera bila je najveći problem",
    ]
    assert theme_labels(texts, [[0, 1, 2]], [[1, 0, 2]]) == ["Barrière de la langue"]
    assert theme_labels(texts, [[0, 1, 2]], [[2, 0, 1]]) == ["Jezična barijera"]


@needs_wordfreq
def test_the_next_answer_is_used_when_the_representative_has_only_typos() -> None:
    texts = ["Fundnig projcet", "EU funding for the project"]
    assert theme_labels(texts, [[0, 1]], [[0, 1]]) == ["EU funding for the project"]


@needs_wordfreq
def test_known_words() -> None:
    word = runs("Interreg")[0][0]
    assert in_dictionary("beetwen", "en") is False
    assert in_dictionary("between", "en") is True
    assert in_dictionary("suradnja", "hr") is True  # Croatian is wordfreq's "sh"
    assert in_dictionary("mobilnosti", "hr") is True  # an inflection of "mobilnost"
    assert in_dictionary("orașelor", "ro") is True
    assert in_dictionary("cooperrare", "ro") is False
    assert in_dictionary("Zusammenarbeit".casefold(), "de") is True
    # Japanese and Chinese need segmenters wordfreq lacks here: not looked up, never a crash.
    assert in_dictionary("東京", "ja") is False
    assert in_dictionary("aa巀", "en") is False
    assert theme_labels(["東京の公共交通", "上海的合作"], [[0], [1]]) == [
        "東京の公共交通",
        "上海的合作",
    ]
    # "Interreg" is rare in the world's text, but two answers using it make it a word.
    assert not Lexicon(["Interreg helped", "Ports"]).known(word, "en")
    assert Lexicon(["Interreg helped", "Interreg ports"]).known(word, "en")


def test_a_span_never_crosses_punctuation_or_an_auxiliary_verb() -> None:
    assert [[w.text for w in run] for run in runs("Solar panels, and trams (new)")] == [
        ["Solar", "panels"],
        ["and", "trams"],
        ["new"],
    ]
    assert theme_labels(["The answer was fantastic"], [[0]]) == ["Answer"]
    assert theme_labels(["It was fantastic"], [[0]]) == ["Fantastic"]  # the words' label


def test_numbers_never_make_a_label() -> None:
    label = theme_labels(["Horizon 2020 programme"], [[0]])[0]
    assert "2020" not in label


def test_without_wordfreq_shared_words_are_the_known_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels, "_wordfreq", lambda: None)
    assert not labels.has_wordfreq()
    assert in_dictionary("between", "en") is None
    texts = ["Urban mobility plans for citys", "Urban mobility and cycling paths"]
    assert theme_labels(texts, [[0, 1]]) == ["Urban mobility"]
    # Nothing is known in a lone answer: its best phrase, whatever its words.
    (alone,) = theme_labels(["Qwertz asdfgh"], [[0]])
    assert alone == "Qwertz asdfgh"


def test_labels_without_words() -> None:
    assert theme_labels(["", " "], [[0, 1]]) == [NO_WORDS]
    assert theme_labels(["?!"], [[0]]) == ["?!"]


WORDS = [
    "energy", "cooperation", "beetwen", "diferrence", "suradnja", "gradova", "cooperare",
    "orașelor", "2020", "the", "and", "was", "a", "je", "și", "Zusammenarbeit", "tagible",
    "x", "EU", "ß", "réseau", "tramway", "—", ",", ".",
]  # fmt: skip
answers = st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join) | st.text(max_size=60)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(answers, min_size=1, max_size=6), cut=st.integers(0, 6))
def test_labels_are_short_not_empty_and_deterministic(texts: list[str], cut: int) -> None:
    cut = min(cut, len(texts))
    groups = [g for g in (list(range(cut)), list(range(cut, len(texts)))) if g]
    found = theme_labels(texts, groups)
    assert found == theme_labels(list(texts), [list(g) for g in groups])
    for label in found:
        assert label.strip()
        assert len(label) <= MAX_CHARS
        assert label == " ".join(label.split())


def test_word_positions() -> None:
    (run,) = runs("L'échange  de bonnes-pratiques")
    assert run[0] == Word("L'échange", 0, 9, "l'echange")
    assert [w.text for w in run] == ["L'échange", "de", "bonnes-pratiques"]
