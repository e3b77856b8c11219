"""Keywords of an answer or takeaway: its folded content words, most frequent first."""

from __future__ import annotations

import re
from collections import Counter

from agora.text.words import fold_word, stop_words_for

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")

#: Words shorter than this are never keywords (initials, stray letters).
MIN_LENGTH = 3


def content_words(text: str, language: str) -> list[str]:
    """Return ``text``'s folded words in order, without stop words, digits or short words."""
    stops = stop_words_for(language) | stop_words_for("en")
    words = (fold_word(token) for token in _TOKEN.findall(text))
    return [
        word
        for word in words
        if len(word) >= MIN_LENGTH and not word.isdigit() and word not in stops
    ]


def keywords(text: str, language: str, k: int = 5) -> list[str]:
    """Return up to ``k`` keywords of ``text``: by frequency, then by first occurrence."""
    if k < 1:
        return []
    words = content_words(text, language)
    counts = Counter(words)
    first = {word: index for index, word in reversed(list(enumerate(words)))}
    ranked = sorted(counts, key=lambda word: (-counts[word], first[word]))
    return ranked[:k]
