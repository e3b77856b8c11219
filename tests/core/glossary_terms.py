"""The glossary (docs/glossary.md) as data: which messages speak of a term, and its words.

Each term has a pattern that finds the English messages about it and, for each language,
a pattern its translations of those messages must contain: the glossary's word with the
endings the language gives it ("liste des orateurs", "ključnu poruku"). ``test_glossary``
checks that every pattern matches the glossary's own cell, and every catalogue the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A glossary row: its first English cell, the messages about it, its words by language."""

    english: str
    messages: re.Pattern[str]
    words: dict[str, re.Pattern[str]]
    #: English messages that match ``messages`` but are about something else.
    unless: re.Pattern[str] | None = None


def _words(**by_language: str) -> dict[str, re.Pattern[str]]:
    return {
        language.replace("_", "-"): re.compile(pattern, re.IGNORECASE)
        for language, pattern in by_language.items()
    }


TERMS: tuple[Term, ...] = (
    Term(
        "floor queue (people asking to speak)",
        re.compile(r"\bqueue\b", re.IGNORECASE),
        _words(
            fr=r"liste des orateurs",
            de=r"Redeliste",
            es=r"turnos? de palabra|lista de intervenciones",
            it=r"prenotazion[ei] (degli|di) interventi|prenotazion[ei] degli interventi",
            pt_PT=r"inscriç(ão|ões) para (o )?uso da palavra",
            hr=r"prijav\w* za riječ",
            ro=r"înscrier\w* la cuvânt",
        ),
    ),
    Term(
        "take the floor / ask to speak",
        re.compile(
            r"\b(has|have|give|gives|gave|take|takes|took) the floor\b"
            r"|\b(ask\w*|requests?) to speak\b",
            re.IGNORECASE,
        ),
        _words(
            fr=r"\bparole\b",
            de=r"\bWort\b|Wortmeld",
            es=r"\bpalabra\b",
            it=r"\bparola\b",
            pt_PT=r"\bpalavra\b",
            hr=r"\briječ\b",
            ro=r"\bcuvânt",
        ),
    ),
    Term(
        "takeaway (lesson shared)",
        re.compile(r"\btakeaways?\b", re.IGNORECASE),
        _words(
            fr=r"enseignement",
            de=r"Erkenntnis",
            es=r"enseñanza",
            it=r"insegnament[oi]",
            pt_PT=r"ensinamento",
            hr=r"ključn\w* poruk\w*",
            ro=r"învățăm[âi]nt",
        ),
    ),
    Term(
        "lesson learned",
        re.compile(r"\blessons? learned\b", re.IGNORECASE),
        _words(
            fr=r"enseignement",
            de=r"Lehre|Erkenntnis",
            es=r"lecci\w+ aprendida",
            it=r"lezion\w+ appres\w+",
            pt_PT=r"liç\w+ aprendida",
            hr=r"stečen\w* iskust\w*",
            ro=r"lecți\w* învățat\w*",
        ),
    ),
    Term(
        "check-in (at the door)",
        re.compile(r"\bcheck(ed)?[- ]in\b", re.IGNORECASE),
        _words(
            fr=r"émarg|arrivée",
            de=r"Einlass|Check-in|eincheck|eingecheckt",
            es=r"acredit",
            it=r"accredit",
            pt_PT=r"credencia",
            hr=r"prijav\S*( \S+){0,2} na ulazu",
            ro=r"înregistr\S* la intrare",
        ),
    ),
    Term(
        "walk-in (came without registering)",
        re.compile(r"\bwalk-ins?\b", re.IGNORECASE),
        _words(
            fr=r"sur place",
            de=r"Vor-Ort",
            es=r"in situ",
            it=r"in loco",
            pt_PT=r"no local",
            hr=r"na licu mjesta",
            ro=r"la fața locului",
        ),
    ),
    Term(
        "upvote (support an audience question)",
        re.compile(r"\bupvot", re.IGNORECASE),
        _words(
            fr=r"souten|soutien",
            de=r"unterstütz|Unterstützung",
            es=r"apoy",
            it=r"sost(e|ie)n|sostegn",
            pt_PT=r"apoi",
            hr=r"podrž|podršk",
            ro=r"susți",
        ),
    ),
    Term(
        "poll",
        re.compile(r"\bpolls?\b", re.IGNORECASE),
        _words(
            fr=r"sondage",
            de=r"Umfrage",
            es=r"encuesta",
            it=r"sondagg",
            pt_PT=r"sondage",
            hr=r"anket",
            ro=r"sondaj",
        ),
    ),
    Term(
        "moderator",
        re.compile(r"\bmoderators?\b", re.IGNORECASE),
        _words(
            fr=r"modérat",
            de=r"Moderation",
            es=r"moderad|moderaci",
            it=r"moderat|moderazion",
            pt_PT=r"moderad|moderaç",
            hr=r"moderator|moderacij|moderir",
            ro=r"moderator|moderar",
        ),
    ),
    Term(
        "screen (projector page)",
        re.compile(r"\bscreens?\b", re.IGNORECASE),
        _words(
            fr=r"écran",
            de=r"Leinwand",
            es=r"pantalla",
            it=r"schermo",
            pt_PT=r"ecrã",
            hr=r"projekcij",
            ro=r"ecran",
        ),
        unless=re.compile(r"screen reader", re.IGNORECASE),
    ),
    Term(
        "e-mail address",
        re.compile(r"\be-?mail address", re.IGNORECASE),
        _words(
            fr=r"adresses? électroniques?|courriel",
            de=r"E-Mail-Adresse",
            es=r"correo electrónico",
            it=r"indirizz\w* e-mail",
            pt_PT=r"correio eletrónico",
            hr=r"e-pošt",
            ro=r"adres\S*( dvs\.)? de e-mail",
        ),
    ),
)
