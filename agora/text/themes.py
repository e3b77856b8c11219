"""Themes of an open-text question: answers clustered by meaning, labelled, and editable.

Pure functions, no I/O: ``find_themes`` embeds the answers (multilingual sentence
embeddings, or the word-based fallback), clusters them with KMeans (fixed seed, so the
same answers always give the same themes), picks the answer nearest each centre as
representative and labels each cluster with a short phrase of its answers that covers its
class-based TF-IDF words and holds no typo (``agora.text.labels``). ``rename``, ``merge``,
``split`` and ``move`` are the moderator's edits; each returns a new result, or raises
``ThemeError`` naming the value at fault.

Messages are English and marked with ``N_`` for the catalogues; they are translated where
they are shown (``agora.polls.themes``), as this package imports nothing from Agora.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score

from agora.text.clean import plain
from agora.text.embeddings import (
    E5Encoder,
    Embedder,
    UniversalSentenceEncoder,
    Vectors,
    WordEmbedder,
    default_embedder,
    normalise,
)
from agora.text.keywords import content_words
from agora.text.labels import Lexicon, label_stop_words, phrase_label, shortened, words_label
from agora.text.language import detect_language

#: Largest number of themes tried when the moderator does not choose ``k``.
MAX_AUTO_K = 8
#: KMeans restarts; fixed (with the seed) so results never depend on the machine's defaults.
N_INIT = 10
SEED = 0
#: Separator of the distinctive words of a label when no phrase qualifies.
SEPARATOR = " · "
#: Cosine distance up to which agglomerative clustering (average linkage) joins groups of
#: answers when the moderator does not choose ``k``: chosen on the labelled sets
#: (docs/themes.md, Benchmark) for multilingual-e5-small's language-centred embeddings.
DISTANCE_THRESHOLD = 0.95
#: A group smaller than this share of the answers (and at least ``MIN_THEME_SIZE``) is not a
#: theme: its answers go to the "Other answers" group.
MIN_THEME_SHARE = 0.02
MIN_THEME_SIZE = 2
#: A language needs this many answers for its mean to be taken out (language centring).
MIN_LANGUAGE_ANSWERS = 3


# Marks messages for extraction without translating them (Babel extracts `N_()` calls);
# they are translated where they are shown.
def N_(message: str) -> str:
    return message


#: The label of a theme whose answers have no words at all (translated where shown).
NO_WORDS = N_("(no words)")
#: The label of the group of answers that fit no theme: outliers, and answers without
#: letters (translated where shown).
OTHER = N_("Other answers")


class ThemeError(ValueError):
    """A number of themes or an edit that cannot be applied, and the value at fault.

    ``message`` is the English text with ``{placeholders}``, which is also its id in the
    catalogues; ``arguments`` fill them and ``field`` names the value. ``str(error)`` is
    the filled English text.
    """

    def __init__(self, message: str, *, field: str, **arguments: object) -> None:
        super().__init__(message.format(**arguments))
        self.message = message
        self.field = field
        self.arguments = arguments


@dataclass(frozen=True)
class Theme:
    """A group of answers: a short label, the most typical answer, and the answers' indexes."""

    label: str
    representative: str
    answer_indexes: list[int] = field(default_factory=list)
    #: Whether this is the "Other answers" group (outliers), not a theme of its own.
    other: bool = False

    @property
    def size(self) -> int:
        """Return how many answers the theme holds."""
        return len(self.answer_indexes)


@dataclass(frozen=True)
class ThemeResult:
    """The themes of one question's answers, the method that found them, and their number."""

    themes: list[Theme]
    method: str
    k: int
    texts: list[str] = field(default_factory=list)
    #: Answers in languages the method does not relate across languages, by language
    #: (ISO 639-1 code, or "und" for answers too short to tell): they were grouped by the
    #: words they share only. Empty with the word-based fallback (all answers were).
    words_only: dict[str, list[int]] = field(default_factory=dict)

    @property
    def fallback(self) -> bool:
        """Return whether the word-based fallback found these themes."""
        return "fallback" in self.method

    @property
    def words_only_summary(self) -> str:
        """Return the languages grouped by words only and their answers' count: "hr 12, ro 3"."""
        return ", ".join(f"{code} {len(rows)}" for code, rows in self.words_only.items())


def method_name(embedder: Embedder) -> str:
    """Return how ``embedder``'s themes are described to users."""
    if embedder.fallback:
        return f"word-based fallback ({embedder.name})"
    return f"multilingual sentence embeddings ({embedder.name})"


#: Answers embedded per step when progress is reported.
BATCH = 32


def embed_with_progress(
    embedder: Embedder, texts: Sequence[str], progress: Callable[[int, int], None] | None
) -> Vectors:
    """Return ``embedder.embed(texts)``, in batches of ``BATCH`` reporting ``(done, total)``.

    The word-based fallback is fitted on all answers at once (one step).
    """
    n = len(texts)
    if progress is None or embedder.fallback or n <= BATCH:
        vectors = embedder.embed(texts)
    else:
        parts = []
        for start in range(0, n, BATCH):
            parts.append(embedder.embed(texts[start : start + BATCH]))
            progress(min(start + BATCH, n), n)
        vectors = np.vstack(parts)
    if progress is not None:
        progress(n, n)
    return vectors


def find_themes(
    texts: Sequence[str],
    k: int | None = None,
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ThemeResult:
    """Group ``texts`` into themes, deterministically.

    With sentence embeddings, each language's mean embedding is taken out (so answers group
    by what they say, not by their language), then agglomerative clustering (average
    linkage, cosine) joins answers up to ``DISTANCE_THRESHOLD``; groups smaller than
    ``min_theme_size(n)`` and answers without letters form the "Other answers" group. A
    moderator's ``k`` gives exactly ``k`` groups (KMeans, fixed seed, no "other" group).
    The word-based fallback keeps KMeans with ``k`` chosen by silhouette. ``progress``,
    if given, is called with ``(answers embedded, answers)`` as the embedding goes.
    """
    texts = [str(text) for text in texts]
    embedder = embedder or default_embedder()
    method = method_name(embedder)
    n = len(texts)
    if k is not None and (k < 1 or (n and k > n)):
        raise ThemeError(
            N_("The number of themes must be between 1 and the number of answers."), field="k"
        )
    if n == 0:
        return ThemeResult(themes=[], method=method, k=0, texts=[])
    languages = [detect_language(text) for text in texts]
    vectors = embed_with_progress(embedder, texts, progress)
    if not embedder.fallback:
        vectors = centre_languages(vectors, languages)
    if k is not None or embedder.fallback:
        assignment = cluster(vectors, k if k is not None else choose_k(vectors))
    else:
        assignment = group_by_distance(vectors, [has_letters(text) for text in texts])
    found = sorted({c for c in assignment if c >= 0})
    groups = [[i for i in range(n) if assignment[i] == c] for c in found]
    others = [i for i in range(n) if assignment[i] < 0]
    result = _build(texts, vectors, groups, method, others)
    return replace(result, words_only=words_only(embedder, languages))


def has_letters(text: str) -> bool:
    """Return whether ``text`` holds a letter (an answer of digits or signs fits no theme)."""
    return any(char.isalpha() for char in text)


def words_only(embedder: Embedder, languages: Sequence[str]) -> dict[str, list[int]]:
    """Return the answers, by language, that ``embedder`` groups by shared words only."""
    if embedder.fallback or embedder.languages is None:
        return {}
    covered = embedder.languages
    result: dict[str, list[int]] = {}
    for i, language in enumerate(languages):
        if language.split("-")[0] not in covered:
            result.setdefault(language, []).append(i)
    return dict(sorted(result.items(), key=lambda item: (-len(item[1]), item[0])))


def words_only_of(method: str, texts: Sequence[str]) -> dict[str, list[int]]:
    """Return ``words_only`` for a result found by ``method`` (its name as stored)."""
    for embedder in (E5Encoder(), UniversalSentenceEncoder(), WordEmbedder()):
        if method_name(embedder) == method:
            return words_only(embedder, [detect_language(text) for text in texts])
    return {}


def centre_languages(vectors: Vectors, languages: Sequence[str]) -> Vectors:
    """Return ``vectors`` with each language's mean offset taken out, then re-normalised.

    A multilingual encoder places a language's answers near each other whatever they say;
    subtracting the language's mean (for languages with at least ``MIN_LANGUAGE_ANSWERS``
    answers, the overall mean for the others) leaves what they say. Deterministic.
    """
    if len(vectors) == 0:
        return vectors
    centred = np.array(vectors, dtype=np.float64)
    overall = centred.mean(axis=0)
    by_language: dict[str, list[int]] = {}
    for i, language in enumerate(languages):
        by_language.setdefault(language, []).append(i)
    for rows in by_language.values():
        if len(rows) >= MIN_LANGUAGE_ANSWERS:
            centred[rows] -= centred[rows].mean(axis=0) - overall
    return normalise(centred - overall)


def min_theme_size(n: int) -> int:
    """Return the fewest answers a theme of ``n`` answers has (smaller groups are "other")."""
    return max(MIN_THEME_SIZE, math.ceil(MIN_THEME_SHARE * n))


def group_by_distance(vectors: Vectors, usable: Sequence[bool]) -> list[int]:
    """Return a group number per row, or -1 for the "other" group (outliers, unusable rows).

    Agglomerative clustering, average linkage, cosine distance up to
    ``DISTANCE_THRESHOLD``; groups smaller than ``min_theme_size`` go to "other". When
    fewer than two groups are that big, KMeans with ``k`` chosen by silhouette instead,
    without an "other" group. Groups are numbered by their first row (stable).
    """
    n = len(vectors)
    rows = [i for i in range(n) if usable[i]]
    assignment = [-1] * n
    if len(rows) < 3 or len(np.unique(vectors[rows], axis=0)) < 2:
        for i in rows:
            assignment[i] = 0
        return assignment
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=DISTANCE_THRESHOLD, linkage="average", metric="cosine"
    )
    labels = [int(label) for label in model.fit_predict(vectors[rows])]
    sizes = Counter(labels)
    smallest = min_theme_size(n)
    kept = [label for label in dict.fromkeys(labels) if sizes[label] >= smallest]
    if len(kept) < 2:
        # No structure at this distance (few, all different answers): KMeans with ``k``
        # chosen by silhouette, as for the word-based fallback, and no "other" group.
        labels = cluster(vectors[rows], choose_k(vectors[rows]))
        kept = list(dict.fromkeys(labels))
    number = {label: c for c, label in enumerate(kept)}
    for row, label in zip(rows, labels, strict=True):
        assignment[row] = number.get(label, -1)
    return assignment


def cluster(vectors: Vectors, k: int) -> list[int]:
    """Return a cluster number for each row of ``vectors`` (KMeans, fixed seed)."""
    n = len(vectors)
    if k <= 1 or n <= 1:
        return [0] * n
    distinct = len(np.unique(vectors, axis=0))
    k = min(k, distinct)
    if k <= 1:
        return [0] * n
    model = KMeans(n_clusters=k, n_init=N_INIT, random_state=SEED)
    return [int(label) for label in model.fit_predict(vectors)]


def choose_k(vectors: Vectors) -> int:
    """Return the ``k`` in 2..min(8, n - 1) with the best silhouette (1 for fewer than 3 rows)."""
    n = len(vectors)
    distinct = len(np.unique(vectors, axis=0))
    if n < 3 or distinct < 3:
        return 1
    best_k, best_score = 1, -math.inf
    for k in range(2, min(MAX_AUTO_K, n - 1, distinct - 1) + 1):
        labels = cluster(vectors, k)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k if best_score > -math.inf else 2


def _build(
    texts: Sequence[str],
    vectors: Vectors | None,
    groups: list[list[int]],
    method: str,
    others: Sequence[int] = (),
) -> ThemeResult:
    """Return the result of ``groups`` of answer indexes: labelled, represented, sorted.

    ``others`` (outliers) form the "Other answers" group, last, when there are any.
    """
    orders = [_closeness(vectors, texts, group) for group in groups]
    labels = theme_labels(texts, groups, orders) if groups else []
    themes = [
        Theme(label=label, representative=texts[order[0]], answer_indexes=sorted(group))
        for group, label, order in zip(groups, labels, orders, strict=True)
    ]
    if others:
        first = min(others)
        themes.append(Theme(OTHER, texts[first], sorted(others), other=True))
    return ThemeResult(themes=_sorted(themes), method=method, k=len(themes), texts=list(texts))


def _sorted(themes: list[Theme]) -> list[Theme]:
    """Return themes largest first, then by label, then by first answer; "other" last."""
    return sorted(themes, key=lambda t: (t.other, -t.size, t.label, t.answer_indexes[:1]))


def _closeness(vectors: Vectors | None, texts: Sequence[str], group: list[int]) -> list[int]:
    """Return ``group`` nearest the centroid first (earliest on ties): the first represents it."""
    if vectors is None:
        # Without vectors (after an edit): the answers sharing most words with the others.
        return _word_order(texts, group)
    members = vectors[group]
    centroid = members.mean(axis=0)
    distances = np.round(np.linalg.norm(members - centroid, axis=1), 9)
    return [group[i] for i in sorted(range(len(group)), key=lambda i: (distances[i], group[i]))]


def _word_order(texts: Sequence[str], group: list[int]) -> list[int]:
    """Return ``group``'s answers, those whose words are most common in the group first."""
    words = {i: set(content_words(texts[i], detect_language(texts[i]))) for i in group}
    counts = Counter(word for i in group for word in words[i])
    return sorted(group, key=lambda i: (-sum(counts[w] - 1 for w in words[i]), i))


def _word_representative(texts: Sequence[str], group: list[int]) -> int:
    """Return the answer of ``group`` whose words are most common in the group."""
    return _word_order(texts, group)[0]


def theme_labels(
    texts: Sequence[str], groups: list[list[int]], orders: Sequence[Sequence[int]] | None = None
) -> list[str]:
    """Return a label per group: a short phrase of its answers (``agora.text.labels``).

    ``orders`` list each group's answers nearest its centre first (by shared words when
    ``None``). The phrase is the span covering most of the group's distinctive words
    (class-based TF-IDF); failing that, its known distinctive words joined with " · ";
    failing that, the best span whatever its words, or its first answer shortened.
    """
    indexes = sorted({i for group in groups for i in group})
    languages = {i: detect_language(texts[i]) for i in indexes}
    lexicon = Lexicon([texts[i] for i in indexes])
    ranked_terms = class_tfidf_terms(texts, groups, languages)
    result = []
    for number, (group, ranked) in enumerate(zip(groups, ranked_terms, strict=True)):
        order = list(orders[number]) if orders is not None else _word_order(texts, group)
        weights = dict(ranked)
        # Ties go to the words of the answers nearest the centre, in their order.
        seen = [w for i in order for w in content_words(texts[i], languages[i])]
        position = {w: p for p, w in reversed(list(enumerate(seen)))}
        terms = sorted(weights, key=lambda t: (-weights[t], position.get(t, len(seen)), t))
        label = (
            phrase_label(texts, order, languages, weights, lexicon)
            or words_label(texts, order, languages, terms, lexicon, separator=SEPARATOR)
            or phrase_label(texts, order, languages, weights, None)
            or _fallback_label(texts, group)
        )
        result.append(label)
    return result


def class_tfidf_terms(
    texts: Sequence[str], groups: list[list[int]], languages: dict[int, str] | None = None
) -> list[list[tuple[str, float]]]:
    """Return each group's folded content words with their class-based TF-IDF, best first.

    Ties go A to Z.
    """
    if languages is None:
        languages = {i: detect_language(texts[i]) for g in groups for i in g}
    # Each answer counts a word once: a short answer repeating itself is not a theme.
    words = {
        i: [
            w
            for w in content_words(texts[i], languages[i])
            if w not in label_stop_words(languages[i])
        ]
        for g in groups
        for i in g
    }
    documents = [Counter(w for i in group for w in dict.fromkeys(words[i])) for group in groups]
    across: Counter[str] = Counter()
    for counts in documents:
        across.update(counts)
    average = sum(sum(c.values()) for c in documents) / max(len(documents), 1)
    result = []
    for counts in documents:
        total = sum(counts.values())
        scores = {
            term: round((count / total) * math.log(1 + average / across[term]), 9)
            for term, count in counts.items()
        }
        ranked = sorted(scores, key=lambda t: (-scores[t], t))
        result.append([(term, scores[term]) for term in ranked])
    return result


def _fallback_label(texts: Sequence[str], group: list[int]) -> str:
    """Return a label for a group without any usable word: its first answer, shortened."""
    text = shortened(texts[min(group)]) if group else ""
    return text or NO_WORDS


# --- The moderator's edits: each returns a new result and leaves the old one unchanged. ---


def _theme_at(result: ThemeResult, index: int, field_name: str = "theme") -> Theme:
    """Return theme ``index`` or raise ``ThemeError`` naming the field."""
    if not 0 <= index < len(result.themes):
        raise ThemeError(
            N_("There is no theme number {index}; themes are numbered 0 to {last}."),
            field=field_name,
            index=index,
            last=len(result.themes) - 1,
        )
    return result.themes[index]


def _regroup(result: ThemeResult, kept: list[Theme], new: list[list[int]]) -> ThemeResult:
    """Return ``result`` with themes ``kept`` as they are plus ``new`` groups, labelled anew."""
    texts = result.texts
    groups = [t.answer_indexes for t in kept] + new
    orders = [[texts.index(t.representative)] for t in kept]
    orders += [_word_order(texts, group) for group in new]
    new_labels = theme_labels(texts, groups, orders)[len(kept) :]
    added = [
        Theme(label=label, representative=texts[order[0]], answer_indexes=sorted(group))
        for group, label, order in zip(new, new_labels, orders[len(kept) :], strict=True)
    ]
    themes = _sorted(kept + added)
    return replace(result, themes=themes, k=len(themes))


def rename(result: ThemeResult, index: int, label: str) -> ThemeResult:
    """Return ``result`` with theme ``index`` renamed to ``label`` (stripped, not empty)."""
    theme = _theme_at(result, index)
    label = " ".join(plain(label).split())
    if not label:
        raise ThemeError(N_("A theme's label cannot be empty."), field="label")
    if len(label) > 120:
        raise ThemeError(N_("A theme's label must be at most 120 characters."), field="label")
    themes = list(result.themes)
    themes[index] = replace(theme, label=label)
    return replace(result, themes=_sorted(themes))


def merge(result: ThemeResult, a: int, b: int) -> ThemeResult:
    """Return ``result`` with themes ``a`` and ``b`` merged into one, relabelled."""
    _theme_at(result, a, "a")
    _theme_at(result, b, "b")
    if a == b:
        raise ThemeError(N_("A theme cannot be merged with itself."), field="b")
    merged = sorted(result.themes[a].answer_indexes + result.themes[b].answer_indexes)
    kept = [t for i, t in enumerate(result.themes) if i not in {a, b}]
    return _regroup(result, kept, [merged])


def split(result: ThemeResult, index: int, answer_indexes: Sequence[int]) -> ThemeResult:
    """Return ``result`` with ``answer_indexes`` taken out of theme ``index`` into a new theme."""
    theme = _theme_at(result, index)
    chosen = sorted(set(answer_indexes))
    if not chosen:
        raise ThemeError(N_("Choose at least one answer to split off."), field="answer_indexes")
    outside = [i for i in chosen if i not in theme.answer_indexes]
    if outside:
        raise ThemeError(
            N_("Answers {answers} are not in this theme."),
            field="answer_indexes",
            answers=", ".join(map(str, outside)),
        )
    if len(chosen) == theme.size:
        raise ThemeError(
            N_("Leave at least one answer in the theme being split."), field="answer_indexes"
        )
    rest = [i for i in theme.answer_indexes if i not in chosen]
    kept = [t for i, t in enumerate(result.themes) if i != index]
    return _regroup(result, kept, [rest, chosen])


def move(result: ThemeResult, answer_index: int, to_theme: int) -> ThemeResult:
    """Return ``result`` with one answer moved to theme ``to_theme`` (an emptied theme goes)."""
    target = _theme_at(result, to_theme, "to_theme")
    source = next(
        (i for i, t in enumerate(result.themes) if answer_index in t.answer_indexes), None
    )
    if source is None:
        raise ThemeError(
            N_("There is no answer number {index}."), field="answer_index", index=answer_index
        )
    if source == to_theme:
        raise ThemeError(N_("The answer is already in that theme."), field="to_theme")
    themes = list(result.themes)
    themes[source] = replace(
        themes[source],
        answer_indexes=[i for i in themes[source].answer_indexes if i != answer_index],
    )
    themes[to_theme] = replace(
        target, answer_indexes=sorted([*target.answer_indexes, answer_index])
    )
    kept = [t for t in themes if t.answer_indexes]
    texts = result.texts
    themes = [
        replace(t, representative=texts[_word_representative(texts, t.answer_indexes)])
        if t.representative not in {texts[i] for i in t.answer_indexes}
        else t
        for t in kept
    ]
    return replace(result, themes=_sorted(themes), k=len(themes))
