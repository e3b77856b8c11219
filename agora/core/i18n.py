"""Translation: every user-facing string goes through ``gettext`` (``_``) for Babel to extract.

The catalogues are the ``.po`` files under ``agora/locale/``; they are compiled in memory
the first time a language is used, so no generated ``.mo`` file has to be built or kept.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

#: The languages of the participant pages, with their names in their own language.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "hr": "Hrvatski",
    "ro": "Română",
}

_current: ContextVar[str] = ContextVar("agora_language", default="en")


def catalogue_path(language: str) -> Path:
    """Return where the ``.po`` catalogue of ``language`` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache
def translations(language: str) -> _gettext.NullTranslations:
    """Return the catalogue of ``language`` compiled in memory (English when there is none)."""
    path = catalogue_path(language)
    if language == "en" or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def supported(language: str | None) -> str | None:
    """Return ``language`` if Agora speaks it (``fr-BE`` counts as ``fr``), else None."""
    if not language:
        return None
    base = language.strip().split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def set_language(language: str) -> None:
    """Set the language used by ``gettext`` in the current request or task."""
    _current.set(supported(language) or "en")


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
