"""Words compared as people mean them: case-folded, without accents or end punctuation.

Word clouds count and keywords rank words folded this way, so "Coopération", "cooperation"
and "COOPERATION," are one word, and both leave out the same stop words.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from agora.text.stopwords import stop_words

# iOS and macOS type a curly apostrophe; stop word lists use the straight one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def fold_word(word: str) -> str:
    """Return a word case-folded, without accents and without punctuation at its ends."""
    # Case-fold before decomposing: folding can itself produce combining marks ("İ").
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_APOSTROPHES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return strip_punctuation(bare)


@cache
def stop_words_for(language: str) -> frozenset[str]:
    """Return the folded stop words of an ISO 639-1 language (none for an unknown language)."""
    return frozenset(filter(None, map(fold_word, stop_words(language))))


def strip_punctuation(word: str) -> str:
    """Return ``word`` without the punctuation characters at its start and end."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith("P"):
        end -= 1
    return word[start:end]
