"""Language detection of short answers with py3langid, restricted to likely languages."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

#: EU official languages (ISO 639-1) and a few neighbours. Bosnian and Galician are left out:
#: with them, 8 of 16 short Croatian answers were taken for Bosnian and one Spanish for Galician.
LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it",
    "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
    "ca", "eu", "no", "sq", "sr", "mk", "tr", "uk", "ru", "zh", "ar", "ja",
)  # fmt: skip

#: Returned when a text is too short or has no letters to tell its language.
UNDETERMINED = "und"

#: Fewer letters than this and a text has no language.
MIN_LETTERS = 3

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    """Load py3langid's model once, restricted to ``LANGUAGES``."""
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            known = set(identifier.labels)
            identifier.set_languages([code for code in LANGUAGES if code in known])
            _identifier = identifier
        return _identifier


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of ``text``'s language, or ``"und"`` when it is too short."""
    if sum(char.isalpha() for char in text) < MIN_LETTERS:
        return UNDETERMINED
    language, _score = _get_identifier().classify(text)
    return str(language)


def languages_used(texts: Iterable[str]) -> dict[str, int]:
    """Return how many texts are in each language, most used first (ties by code)."""
    counts = Counter(detect_language(text) for text in texts)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
