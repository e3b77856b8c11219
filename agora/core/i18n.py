"""Translation: every user-facing string goes through ``gettext`` (``_``) for Babel to extract.

The catalogues are the ``.po`` files under ``agora/locale/``; they are compiled in memory
the first time a language is used, so no generated ``.mo`` file has to be built or kept.

A language is named by its BCP 47 tag (``fr``, ``pt-PT``): the tag pages declare in
``<html lang>``, browsers send and ``Intl.PluralRules`` reads. Its catalogue and Babel
locale use the gettext spelling (``pt_PT``). Portuguese is European Portuguese: ``pt``,
``pt-PT`` and ``pt-BR`` all get ``pt-PT`` (a Brazilian reader gets European text, which
reads as formal Portuguese, rather than English; docs/operating.md).

When one English word stands for two things ("archived" for a poll and for a question),
the call gives a context: ``pgettext("poll state", "archived")``.
"""

from __future__ import annotations

import gettext as _gettext
import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

#: The languages of the pages by BCP 47 tag, with their names in their own language.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "pt-PT": "Português",
    "hr": "Hrvatski",
    "ro": "Română",
}

#: The language Agora gives for a bare language or one of its regions (``pt-BR`` -> ``pt-PT``).
_BY_BASE: dict[str, str] = {tag.split("-")[0].lower(): tag for tag in LANGUAGES}

#: The counts that sample each CLDR plural category, tried in this order: the first count
#: of a category stands for it when a page is given a message's forms by category.
_SAMPLES: tuple[int, ...] = (*range(0, 200), 1_000_000)

_current: ContextVar[str] = ContextVar("agora_language", default="en")


def locale_name(language: str) -> str:
    """Return the gettext name of a language tag (``pt-PT`` -> ``pt_PT``)."""
    return language.replace("-", "_")


def catalogue_path(language: str) -> Path:
    """Return where the ``.po`` catalogue of ``language`` lives."""
    return LOCALE_DIR / locale_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def babel_locale(language: str | None) -> Locale:
    """Return the Babel locale of a language Agora speaks (English for any other)."""
    return Locale.parse(locale_name(supported(language) or "en"))


@lru_cache
def translations(language: str) -> _gettext.NullTranslations:
    """Return the catalogue of ``language`` compiled in memory (English when there is none)."""
    path = catalogue_path(language)
    if language == "en" or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale_name(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def supported(language: str | None) -> str | None:
    """Return the tag of ``language`` if Agora speaks it (``fr-BE`` is ``fr``), else None."""
    if not language:
        return None
    base = language.strip().replace("_", "-").split("-")[0].lower()
    return _BY_BASE.get(base)


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


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` as meant in ``context`` ("Answered" as a tab or a column)."""
    return translations(_current.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count, as meant in ``context``."""
    return translations(_current.get()).npgettext(context, singular, plural, n)


@lru_cache
def plural_samples(language: str) -> dict[str, int]:
    """Return a count for each CLDR plural category of ``language`` (``one``: 1, ``few``: 2…)."""
    rule = babel_locale(language).plural_form
    samples: dict[str, int] = {}
    for n in _SAMPLES:
        samples.setdefault(rule(n), n)
    return samples


def plural_forms(singular: str, plural: str, context: str | None = None) -> dict[str, str]:
    """Return a message's words for each plural category of the current language.

    A page's script picks one with ``Intl.PluralRules`` (``live.js`` ``countText``), so a
    count drawn in the browser reads as the server would write it: Croatian's and
    Romanian's three forms, Portuguese's "0 pessoas".
    """
    language = _current.get()
    if context is None:
        return {
            category: ngettext(singular, plural, n)
            for category, n in plural_samples(language).items()
        }
    return {
        category: npgettext(context, singular, plural, n)
        for category, n in plural_samples(language).items()
    }


_ = gettext


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (``_(name)``)."""
    return message
