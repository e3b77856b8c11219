"""Theme labels: a short phrase of the theme's answers, without typos, in any language."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.text import labels
from agora.text.embeddings import WordEmbedder
from agora.text.labels import MAX_CHARS, Lexicon, Word, in_dictionary, runs
from agora.text.themes import NO_WORDS, SEPARATOR, ThemeResult, find_themes, theme_labels
from agora.text.words import fold_word

from .test_themes import REFERENCE

TYPOS = ("diferrence", "beetwen", "tagible")

needs_wordfreq = pytest.mark.skipif(not labels.has_wordfreq(), reason="wordfreq missing")


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def assert_phrases_of_their_answers(result: ThemeResult) -> None:
    """Every label is a phrase found in one of its theme's answers (case aside)."""
    for theme in result.themes:
        if theme.other:
            continue
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


# Per page language: two themes of three answers, full of the language's function words
# (the Croatian theme once labelled "nakon · nije · nisu"), each with a typo of its own.
PAGE_LANGUAGES = {
    "en": (
        ["After the project there was no follow-up, they were not interested",
         "After the end of the project nothing happened, there was no folow-up",
         "There was no follow-up after the project ended"],
        ["The language barrier was the hardest part for us",
         "For us the language barier was hard",
         "We had a language barrier with all of them"],
        ("folow", "barier"),
    ),
    "fr": (
        ["Après le projet il n'y a pas eu de suite, ils ne sont pas revenus",
         "Après la fin du projet rien, pas de suitte",
         "Pas de suite après le projet"],
        ["La barrière de la langue était difficile pour nous",
         "Pour nous la barriere de la langue était dure",
         "Nous avions une barrière de la lanque avec eux"],
        ("suitte", "lanque"),
    ),
    "de": (
        ["Nach dem Projekt gab es keine Fortsetzung, sie waren nicht interessiert",
         "Nach dem Ende des Projekts gab es keine Fortsetzng",
         "Keine Fortsetzung nach dem Projekt"],
        ["Die Sprachbarriere war für uns das Schwierigste",
         "Für uns war die Sprachbariere schwer",
         "Wir hatten mit allen eine Sprachbarriere"],
        ("fortsetzng", "sprachbariere"),
    ),
    "es": (
        ["Después del proyecto no hubo continuidad, no estaban interesados",
         "Después del final del proyecto no hubo continuidat",
         "No hubo continuidad después del proyecto"],
        ["La barrera del idioma fue lo más difícil para nosotros",
         "Para nosotros la barrera del idoma fue dura",
         "Tuvimos una barrera del idioma con todos ellos"],
        ("continuidat", "idoma"),
    ),
    "it": (
        ["Dopo il progetto non c'è stato seguito, non erano interessati",
         "Dopo la fine del progetto non c'è stato segiuto",
         "Nessun seguito dopo il progetto"],
        ["La barriera linguistica è stata la parte più difficile per noi",
         "Per noi la barriera linguistca è stata dura",
         "Avevamo una barriera linguistica con tutti loro"],
        ("segiuto", "linguistca"),
    ),
    "pt": (
        ["Depois do projeto não houve continuidade, não estavam interessados",
         "Depois do fim do projeto não houve continuidadde",
         "Não houve continuidade depois do projeto"],
        ["A barreira linguística foi a parte mais difícil para nós",
         "Para nós a barreira linguistca foi dura",
         "Tivemos uma barreira linguística com todos eles"],
        ("continuidadde", "linguistca"),
    ),
    "hr": (
        ["Nakon projekta nije bilo nastavka, nisu bili zainteresirani",
         "Nakon kraja projekta nije bilo nastavaka i nisu se javili",
         "Nisu nastavili nakon projekta, nije bilo nastavka"],
        ["Jezična barijera je bila najteža za nas",
         "Za nas je jezična barjera bila teška",
         "Imali smo jezičnu barijeru sa svima njima"],
        ("nastavaka", "barjera"),
    ),
    "ro": (
        ["După proiect nu a existat continuare, nu au fost interesați",
         "După sfârșitul proiectului nu a existat continuarre",
         "Nu a existat continuare după proiect"],
        ["Bariera lingvistică a fost cea mai grea parte pentru noi",
         "Pentru noi bariera lingvistca a fost grea",
         "Am avut o barieră lingvistică cu toți"],
        ("continuarre", "lingvistca"),
    ),
}  # fmt: skip


@needs_wordfreq
@pytest.mark.parametrize("language", sorted(PAGE_LANGUAGES))
def test_labels_in_every_page_language_have_no_stop_word_or_typo_as_a_label_word(
    language: str,
) -> None:
    follow_up, barrier, typos = PAGE_LANGUAGES[language]
    texts = follow_up + barrier
    found = theme_labels(texts, [[0, 1, 2], [3, 4, 5]])
    stops = labels.label_stop_words(language)
    for label, group in zip(found, (follow_up, barrier), strict=True):
        words = [fold_word(w) for w in label.split()]
        for end in (words[0], words[-1]):
            # A word with an apostrophe ("n'y", "c'è") is judged by its longest part.
            part = max(end.replace("\u2019", "'").split("'"), key=len)
            assert end not in stops, (language, label)
            assert part not in stops, (language, label)
            assert len(part) >= 3, (language, label)
        assert any(w not in stops for w in words), (language, label)
        assert not any(typo in label.casefold() for typo in typos), (language, label)
        assert SEPARATOR not in label, (language, label)  # a phrase, not a word list
        assert any(flat(label) in flat(answer) for answer in group), (language, label)


def test_label_stop_words_come_from_word_frequencies_too() -> None:
    if not labels.has_wordfreq():
        pytest.skip("wordfreq missing")
    assert {"nakon", "nije", "nisu"} <= labels.label_stop_words("hr")
    assert {"hogy", "volt"} <= labels.label_stop_words("hu")
    assert "barijera" not in labels.label_stop_words("hr")
    assert labels.frequent_words("xx") == frozenset()
