"""Translation: every user-facing string goes through ``gettext`` (``_``) for Babel to extract."""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("agora_language", default="en")


@lru_cache
def translations(language: str) -> _gettext.NullTranslations:
    """Return the compiled catalogue for ``language`` (English text when there is none)."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """Set the language used by ``gettext`` in the current request or task."""
    _current.set(language)


def current_language() -> str:
    """Return the language of the current request or task."""
    return _current.get()


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext
