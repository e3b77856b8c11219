"""Theme labels a moderator would write: a short phrase taken from the theme's answers.

A theme's label is a span of 1 to 6 consecutive words of its most representative answer
(or, failing that, of the next answers nearest the theme's centre) that starts and ends
with a content word, holds no number-only word and only *known* words, and covers most of
the theme's distinctive words (their class-based TF-IDF weights). A word is known when it
is a stop word of the answer's language or English, when at least two answers of the
question use it, or when ``wordfreq`` (the ``themes`` extra) lists it at a Zipf frequency
of at least ``KNOWN_ZIPF`` in the answer's language or in English: so "beetwen" or
"tagible" never appear in a label. Without ``wordfreq`` only the first two rules apply.

Pure functions over plain strings; nothing here imports from the rest of Agora.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from agora.text.keywords import MIN_LENGTH
from agora.text.stopwords import auxiliaries
from agora.text.words import fold_word, stop_words_for

#: A label is at most this many characters (it fits a theme card and a report heading).
MAX_CHARS = 48
#: Words in a label phrase.
MAX_WORDS = 6
#: How far down the answers nearest the centre a label is looked for (the first answer
#: with a qualifying span gives it).
CANDIDATE_ANSWERS = 10
#: Zipf frequency (log10 of uses per billion words) from which wordfreq's word counts as a
#: real word. Typos are rarer: "beetwen" 0, "comunity" 1.8, "citys" 2.1, "developement"
#: 2.2; real words of the reference and the benchmark are above ("tangible" 3.7, "twinning"
#: 2.7). A rarer real word still counts when two answers use it.
KNOWN_ZIPF = 2.5
#: Letters at the end of a word that may differ from a listed word (an inflection), and the
#: letters before them that must agree, in languages of which wordfreq has a short list.
ENDING = 2
STEM = 6
#: Preference by number of words: a moderator writes 2 to 5 words.
LENGTH_WEIGHT = {1: 0.7, 2: 1.0, 3: 1.0, 4: 1.0, 5: 0.97, 6: 0.9}
#: How much a span's share of content words counts: "Locally specific projects" beats
#: "Connection of very locally specific projects".
DENSITY_POWER = 0.5
#: A span that starts or ends inside a run of content words weighs this much less.
CUT_PHRASE = 0.85
#: How many of a language's most frequent words (wordfreq's ``top_n_list``) count as stop
#: words of labels: 110 reaches Croatian "nisu" (rank 103) and stops before the generic
#: nouns that follow ("grada", "život" in Croatian; "work", "world" in English).
FREQUENT_WORDS = 110
#: wordfreq's code where it differs from the ISO 639-1 code ``detect_language`` returns.
_WORDFREQ_CODES = {"hr": "sh", "sr": "sh", "bs": "sh", "no": "nb"}

#: Languages whose words wordfreq reads only with a segmenter of its own extras (MeCab,
#: jieba): not looked up, so their words are known only when two answers use them.
_SEGMENTED = frozenset({"ja", "ko", "zh"})

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


@dataclass(frozen=True)
class Word:
    """One word of an answer: its text, where it is, and its folded form."""

    text: str
    start: int
    end: int
    folded: str


def runs(text: str) -> list[list[Word]]:
    """Return ``text``'s words in runs that no punctuation interrupts (only spaces between)."""
    result: list[list[Word]] = []
    previous_end = None
    for match in _TOKEN.finditer(text):
        word = Word(match.group(), match.start(), match.end(), fold_word(match.group()))
        if previous_end is None or text[previous_end : match.start()].strip():
            result.append([])
        result[-1].append(word)
        previous_end = match.end()
    return result


@cache
def _wordfreq() -> tuple[Callable[..., float], frozenset[str], frozenset[str]] | None:
    """Return wordfreq's ``zipf_frequency``, its languages and those with a large list."""
    try:
        from wordfreq import available_languages, zipf_frequency
    except ImportError:
        return None
    every: Any = available_languages()
    large: Any = available_languages("large")
    return zipf_frequency, frozenset(every), frozenset(large)


def has_wordfreq() -> bool:
    """Return whether word frequencies are at hand to tell typos from words."""
    return _wordfreq() is not None


def _code(language: str) -> str | None:
    """Return wordfreq's code of ``language``, or ``None`` when it has no list of it."""
    found = _wordfreq()
    code = _WORDFREQ_CODES.get(language, language)
    return code if found is not None and code in found[1] and code not in _SEGMENTED else None


@cache
def _stems(code: str) -> frozenset[str]:
    """Return the known words of a short word list less up to ``ENDING`` final letters."""
    from wordfreq import get_frequency_dict

    threshold = 10 ** (KNOWN_ZIPF - 9)
    words: Any = get_frequency_dict(code)
    return frozenset(
        word[: len(word) - cut]
        for word, frequency in words.items()
        if frequency >= threshold
        for cut in range(ENDING + 1)
        if len(word) - cut >= STEM
    )


def in_dictionary(word: str, language: str) -> bool | None:
    """Return whether ``word`` is a real word of ``language`` or English (``None``: unknowable).

    ``None`` when wordfreq is not installed. In a language of which wordfreq has only its
    short list (Croatian, Romanian, Slovak…: words of Zipf 3 and more), an inflected form
    of a listed word counts too: the two may differ in their last ``ENDING`` letters once
    ``STEM`` letters agree ("mobilnosti" for "mobilnost").
    """
    if _wordfreq() is None:
        return None
    return _in_dictionary(word, language)


@cache
def _in_dictionary(word: str, language: str) -> bool:
    found = _wordfreq()
    if found is None:
        return False
    zipf_frequency, _every, large = found
    code = _code(language)
    codes = ["en"] if code in {None, "en"} else [str(code), "en"]
    try:
        if any(zipf_frequency(word, c) >= KNOWN_ZIPF for c in codes):
            return True
    except ImportError:  # a script that needs a segmenter of wordfreq's extras
        return False
    if code is None or code in large or "-" in word:
        return False
    stems = _stems(code)
    return any(
        word[: len(word) - cut] in stems for cut in range(ENDING + 1) if len(word) - cut >= STEM
    )


@cache
def frequent_words(language: str) -> frozenset[str]:
    """Return the ``FREQUENT_WORDS`` most used words of ``language`` per wordfreq, folded.

    A language's most frequent words are its function words (Croatian "nakon", "nije",
    "nisu"; Hungarian "hogy", "volt"), with a few very general ones ("people", "time"): none
    is what a theme is about. Empty without wordfreq or for a language it does not list.
    """
    code = _code(language)
    if code is None:
        return frozenset()
    from wordfreq import top_n_list

    words: Any = top_n_list(code, FREQUENT_WORDS)
    folded = (fold_word(word) for word in words)
    return frozenset(word for word in folded if word and not word.isdigit())


@cache
def label_stop_words(language: str) -> frozenset[str]:
    """Return the folded words that never begin or end a label nor weigh as a theme's word.

    Agora's own stop words (``agora.text.stopwords``) of ``language`` and English, plus
    the most frequent words of both in wordfreq (``frequent_words``).
    """
    language = language.split("-")[0].lower()
    return (
        stop_words_for(language)
        | stop_words_for("en")
        | frequent_words(language)
        | frequent_words("en")
    )


def _stops(language: str) -> frozenset[str]:
    return label_stop_words(language)


_JOINS = re.compile(r"['\u2019-]")


def is_stop(folded: str, language: str) -> bool:
    """Return whether a folded word is a stop word of labels in ``language``.

    A word joined by apostrophes or hyphens is one when each part is a stop word or shorter
    than ``MIN_LENGTH``: French "n'y", Italian "c'è" are; "l'Europe", "follow-up" are not.
    """
    stops = _stops(language)
    if folded in stops:
        return True
    parts = [part for part in _JOINS.split(folded) if part]
    return len(parts) > 1 and all(part in stops or len(part) < MIN_LENGTH for part in parts)


def is_content(word: Word, language: str) -> bool:
    """Return whether ``word`` may begin or end a label: no stop word, number or stray letter."""
    if word.folded.isdigit() or is_stop(word.folded, language):
        return False
    acronym = word.text.isupper() and len(word.text) >= 2
    return len(word.folded) >= MIN_LENGTH or acronym


class Lexicon:
    """Which words of a question's answers are known (real words, not typos)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.answers_using: dict[str, int] = {}
        for text in texts:
            for folded in {w.folded for run in runs(text) for w in run}:
                self.answers_using[folded] = self.answers_using.get(folded, 0) + 1

    def known(self, word: Word, language: str) -> bool:
        """Return whether ``word`` is a stop word, used by two answers, or in the dictionary."""
        if word.folded in _stops(language) or self.answers_using.get(word.folded, 0) >= 2:
            return True
        return bool(in_dictionary(word.text.casefold(), language))


@dataclass(frozen=True)
class Span:
    """A candidate label: its text, where it starts, its words, and how it scores."""

    text: str
    start: int
    count: int
    #: The span's form alone: its length, share of content words, whether it is cut short.
    form: float
    #: ``form`` times the share of the theme's distinctive words it covers.
    score: float


def phrase_label(
    texts: Sequence[str],
    order: Sequence[int],
    languages: Mapping[int, str],
    weights: Mapping[str, float],
    lexicon: Lexicon | None,
) -> str | None:
    """Return the best span of the first of the answers ``order`` lists that has one.

    ``order`` lists the theme's answers nearest the centre first; ``weights`` are its
    distinctive words (folded) and their weights; ``lexicon`` ``None`` accepts every word.
    ``None`` when no span qualifies.
    """
    total = sum(weights.values())
    if total <= 0:
        return None
    for index in order[:CANDIDATE_ANSWERS]:
        spans = sorted(
            spans_of(texts[index], languages[index], weights, total, lexicon),
            key=lambda s: (-s.score, s.start, s.count),
        )
        if spans:
            return spans[0].text
    return None


def spans_of(
    text: str,
    language: str,
    weights: Mapping[str, float],
    total: float,
    lexicon: Lexicon | None,
) -> list[Span]:
    """Return the spans of one answer that may be a label, with their scores."""
    found: list[Span] = []
    verbs = auxiliaries(language)
    for run in runs(text):
        usable = [
            not w.folded.isdigit()
            and w.text.casefold() not in verbs
            and (lexicon is None or lexicon.known(w, language))
            for w in run
        ]
        content = [is_content(w, language) for w in run]
        # The word after an auxiliary is its participle or predicate: no label starts there.
        after_verb = [i > 0 and run[i - 1].text.casefold() in verbs for i in range(len(run))]
        for first in range(len(run)):
            if not (usable[first] and content[first]) or after_verb[first]:
                continue
            for last in range(first, min(first + MAX_WORDS, len(run))):
                if not usable[last] or run[last].end - run[first].start > MAX_CHARS:
                    break
                if not content[last]:
                    continue
                words = {w.folded for w in run[first : last + 1]}
                covered = sum(weights.get(w, 0.0) for w in words) / total
                count = last - first + 1
                density = sum(content[first : last + 1]) / count
                # A span cut inside a noun phrase ("Solar panels and energy | efficency").
                cut = (first > 0 and content[first - 1]) + (
                    last + 1 < len(run) and content[last + 1]
                )
                form = LENGTH_WEIGHT[count] * density**DENSITY_POWER * CUT_PHRASE**cut
                score = round(covered * form, 9)
                if score > 0:
                    phrase = " ".join(text[run[first].start : run[last].end].split())
                    found.append(Span(capitalise(phrase), run[first].start, count, form, score))
    return found


def words_label(
    texts: Sequence[str],
    order: Sequence[int],
    languages: Mapping[int, str],
    ranked: Sequence[str],
    lexicon: Lexicon | None,
    *,
    terms: int = 3,
    separator: str = " · ",
) -> str | None:
    """Return up to ``terms`` of the ``ranked`` distinctive words that are known, as written.

    Each word is shown as the answers nearest the centre write it (lower case, accents
    kept). ``None`` when none is known.
    """
    written: dict[str, tuple[Word, str]] = {}
    for index in order:
        for run in runs(texts[index]):
            for word in run:
                written.setdefault(word.folded, (word, languages[index]))
    shown: list[str] = []
    for term in ranked:
        if term not in written:
            continue
        word, language = written[term]
        if lexicon is not None and not lexicon.known(word, language):
            continue
        candidate = separator.join([*shown, word.text.lower()])
        if len(candidate) <= MAX_CHARS:
            shown.append(word.text.lower())
        if len(shown) == terms:
            break
    return capitalise(separator.join(shown)) if shown else None


def shortened(text: str) -> str:
    """Return ``text``'s first words, at most ``MAX_CHARS`` characters (cut inside a word
    only when its first word is longer)."""
    text = " ".join(text.split())
    if len(text) <= MAX_CHARS:
        return capitalise(text)
    cut = text[: MAX_CHARS + 1].rsplit(" ", 1)[0] if " " in text[: MAX_CHARS + 1] else ""
    return capitalise((cut or text[:MAX_CHARS]).rstrip())


def capitalise(label: str) -> str:
    """Return ``label`` with its first letter in upper case, the rest as written."""
    first = label[:1].upper()
    # "ß".upper() is "SS": a letter whose capital is longer stays as it is.
    return (first if len(first) == len(label[:1]) else label[:1]) + label[1:]
