"""A small per-language profanity filter for audience questions (pure: no I/O).

The lists were written for Agora (source: the Agora project itself, not copied from
another list). They are deliberately short: only words that are clearly offensive in
the language and that do not mean something ordinary in it, so that a question is
never refused by mistake. Approval before publication (``qa_moderated``) remains the
real safeguard; the filter only spares the moderator the obvious cases.

Words are compared after folding (case and accents removed, ``ß`` → ``ss``), whole word
by whole word: "Scheiße" matches "scheisse", but "Scunthorpe" or "Pula" (the city) pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Return ``text`` without case or accents, so "Enculé" and "ENCULE" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded_words(text: str) -> list[str]:
    """Return the folded words of ``text`` (letters and digits; punctuation separates)."""
    return WORD.findall(fold(text))


# Why no word here is ambiguous: "con" (French: also "with" elsewhere, and too common),
# "curva" (a curve in Italian, Spanish, Portuguese), "pula" (a Croatian city), "porra"
# (a baton in Spanish), "coño" (folds to "cono", a cone) and "slut" (the end, in Swedish)
# were left out on purpose.
_WORDS: dict[str, str] = {
    "en": """
        fuck fucks fucked fucking fucker fuckers motherfucker motherfuckers
        shit shits shitty bullshit cunt cunts asshole assholes arsehole arseholes
        bitch bitches dickhead dickheads wanker wankers twat twats whore whores bollocks
    """,
    "fr": """
        putain putains merde merdes connard connards connasse connasses salope salopes
        salaud salauds encule encules enculer enculee enfoire enfoires pute putes
        niquer nique
    """,
    "de": """
        scheisse scheiss arschloch arschlocher fotze fotzen wichser hurensohn hurensohne
        hure ficken fick fickt gefickt verfickt missgeburt
    """,
    "es": """
        mierda puta putas puto putos cabron cabrones gilipollas pendejo pendejos joder
        jodido jodida hijoputa follar chingada chingar culero culeros
    """,
    "it": """
        cazzo cazzi stronzo stronza stronzi vaffanculo fanculo merda puttana puttane
        coglione coglioni minchia bastardo bastardi
    """,
    "pt": """
        caralho merda puta putas foda foder fodido fodida buceta arrombado cuzao
    """,
    "hr": """
        jebem jebote jebeni jebena jebiga picka picku pizda pizdu kurac kurca kurcu
        kurva kurve govno govna seronja supak
    """,
    "ro": """
        pizda muie futu futut cacat bulangiu labagiu muist
    """,
}

#: Folded offensive words by language (ISO 639-1 code).
PROFANITY: dict[str, frozenset[str]] = {
    language: frozenset(fold(word) for word in words.split()) for language, words in _WORDS.items()
}

#: Checked at every event whatever its language: most sessions work in English.
ALWAYS_CHECKED = ("en",)


def languages_for(event_language: str) -> tuple[str, ...]:
    """Return the lists that apply to an event: its language's and English."""
    base = event_language.split("-")[0].split("_")[0].lower()
    return tuple(dict.fromkeys((base, *ALWAYS_CHECKED)))


def offensive_words(text: str, languages: Iterable[str]) -> list[str]:
    """Return the words of ``text`` found in the given languages' lists, in text order."""
    listed: set[str] = set()
    for language in languages:
        listed |= PROFANITY.get(language, frozenset())
    return [word for word in folded_words(text) if word in listed]
