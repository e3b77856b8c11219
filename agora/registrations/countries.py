"""Countries as registrants give them: ISO 3166-1 alpha-2 codes, with names from Babel's CLDR data.

pycountry is not a dependency yet, so the list of codes and their names in many languages come
from Babel (already used for translations). CLDR also names regions that are not countries
(the EU, the eurozone, Ascension Island…); those are left out.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from agora.core.i18n import LANGUAGES

#: CLDR territories with two-letter codes that ISO 3166-1 does not assign to a country.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)

#: Codes people use that ISO spells differently: the EU writes Greece EL and the UK as UK.
ALIASES = {"EL": "GR", "UK": "GB"}

#: Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Return ``text`` without case or accents, so "Łódź" and "lodz" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@lru_cache(maxsize=32)
def country_names(language: str) -> dict[str, str]:
    """Return the name of every country by its code, in ``language`` (English if unknown)."""
    territories = _locale(language).territories
    return {
        code: str(name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


COUNTRY_CODES = frozenset(country_names("en"))


def country_name(code: str, language: str = "en") -> str:
    """Return the name of the country with ``code`` in ``language``, or the code itself."""
    return country_names(language).get(code, code)


@lru_cache(maxsize=32)
def _codes_by_name(language: str) -> dict[str, str]:
    names = {fold(name): code for code, name in country_names("en").items()}
    names.update({fold(name): code for code, name in country_names(language).items()})
    return names


def country_code(text: str, language: str = "en") -> str | None:
    """Return the ISO code ``text`` means (a code in any case, or a name), or None."""
    text = text.strip()
    if len(text) == 2 and text.isascii() and text.isalpha():
        code = ALIASES.get(text.upper(), text.upper())
        return code if code in COUNTRY_CODES else None
    return _codes_by_name(language).get(fold(text))


def country_code_in_any_language(text: str) -> str | None:
    """Return the ISO code of a country named in any of Agora's languages ("Deutschland")."""
    for language in LANGUAGES:
        code = country_code(text, language)
        if code is not None:
            return code
    return None


def sorted_countries(language: str) -> list[tuple[str, str]]:
    """Return (code, name) of every country, sorted by name in ``language``, for a form."""
    return sorted(country_names(language).items(), key=lambda item: fold(item[1]))
