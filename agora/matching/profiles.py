"""Matching profiles: what an actor said about itself, completed from country facts.

Pure functions over plain data. A profile's stored values are the actor's own (*self*);
what it leaves open is *derived* from the country facts shipped in ``data/countries.csv``
(World Bank income group and region, legal-system family, state structure, blocs) and
from the Unicode CLDR's official languages (through Babel); what neither gives stays
*unknown*. ``docs/matching.md`` says how each value is derived.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from babel.languages import get_official_languages

from agora.core.errors import InvalidInput
from agora.core.i18n import _

DATA = Path(__file__).resolve().parent / "data"

#: The five dimensions partners are compared on, in the order pages show them.
DIMENSIONS: tuple[str, ...] = ("technology", "governance", "legal", "culture", "economic")
#: Dimensions whose value is a position from 0 (low) to 1 (high); the others are categories.
NUMERIC: tuple[str, ...] = ("technology", "governance", "economic")
#: The legal-system families of the country data (and of a self-assessment).
LEGAL_FAMILIES: tuple[str, ...] = ("civil", "common", "mixed", "muslim")
#: Cultural regions: the World Bank's regions, which a profile may also name itself.
REGIONS: tuple[str, ...] = ("EAS", "ECA", "LCN", "MEA", "NAC", "SAS", "SSF")
#: Blocs whose members share rules that bind cities and regions (law, public procurement).
LEGAL_BLOCS: frozenset[str] = frozenset({"EU", "MERCOSUR", "CAN", "GCC"})

Source = Literal["self", "derived", "unknown"]

#: Technology and innovation from the World Bank income group (OECD membership adds 0.1).
_TECHNOLOGY = {"H": 0.8, "UM": 0.55, "LM": 0.35, "L": 0.15}
#: Economic potential from the income group, before the population's share is added.
_INCOME = {"H": 0.9, "UM": 0.6, "LM": 0.35, "L": 0.1}
#: Local and regional self-government from the state structure.
_GOVERNANCE = {"federal": 0.8, "regionalised": 0.6, "unitary": 0.35}


@dataclass(frozen=True)
class CountryFacts:
    """One row of ``data/countries.csv``."""

    code: str
    world_area: str
    wb_region: str
    income_group: str
    legal_system: str
    state_structure: str
    blocs: frozenset[str]


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryFacts]:
    """Return the shipped country facts by ISO 3166-1 alpha-2 code."""
    with (DATA / "countries.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: CountryFacts(
                code=row["code"],
                world_area=row["world_area"],
                wb_region=row["wb_region"],
                income_group=row["income_group"],
                legal_system=row["legal_system"],
                state_structure=row["state_structure"],
                blocs=frozenset(b for b in row["blocs"].split(";") if b),
            )
            for row in csv.DictReader(handle)
        }


@lru_cache(maxsize=512)
def official_languages(country: str) -> tuple[str, ...]:
    """Return a country's official languages (CLDR through Babel) as language codes."""
    if not country:
        return ()
    try:
        found = get_official_languages(country.upper(), de_facto=True)
    except (KeyError, ValueError):  # pragma: no cover - Babel returns () for unknown codes
        return ()
    out: list[str] = []
    for code in found:
        base = code.split("_")[0]
        if base not in out:
            out.append(base)
    return tuple(out)


@dataclass(frozen=True)
class Value:
    """A dimension's value with where it came from and, when derived, from what."""

    value: float | str | None
    source: Source
    basis: str = ""


@dataclass(frozen=True)
class ActorFacts:
    """What the knowledge base knows of an actor that matching uses."""

    id: int
    name: str
    kind: str = "city"
    country: str = ""
    world_area: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    population: int | None = None


@dataclass(frozen=True)
class MatchProfile:
    """An actor's complete profile: its stored values and the derived ones, each labelled."""

    actor: ActorFacts
    offers: tuple[str, ...] = ()
    offers_source: Source = "unknown"
    seeks: tuple[str, ...] = ()
    priorities: str = ""
    partner_kinds: tuple[str, ...] = ()
    world_areas: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    languages_source: Source = "unknown"
    dimensions: Mapping[str, Value] = field(default_factory=dict)
    blocs: frozenset[str] = frozenset()
    illustrative: bool = False
    has_profile: bool = False

    def value(self, dimension: str) -> float | str | None:
        """Return a dimension's value (None when unknown)."""
        found = self.dimensions.get(dimension)
        return None if found is None else found.value


def _size(population: int | None) -> float | None:
    """Return a population's place from 10,000 (0) to 10 million or more (1), log scale."""
    if not population or population <= 0:
        return None
    return min(1.0, max(0.0, (math.log10(population) - 4.0) / 3.0))


def derive(actor: ActorFacts, facts: CountryFacts | None) -> dict[str, Value]:
    """Return the dimension values the country facts (and the population) give an actor."""
    out: dict[str, Value] = {}
    if facts is None:
        return out
    if facts.income_group in _TECHNOLOGY:
        tech = _TECHNOLOGY[facts.income_group] + (0.1 if "OECD" in facts.blocs else 0.0)
        out["technology"] = Value(
            round(min(1.0, tech), 3),
            "derived",
            _("World Bank income group {group}{oecd}").format(
                group=facts.income_group, oecd=", OECD" if "OECD" in facts.blocs else ""
            ),
        )
    if facts.state_structure in _GOVERNANCE:
        out["governance"] = Value(
            _GOVERNANCE[facts.state_structure],
            "derived",
            _("state structure: {structure}").format(structure=facts.state_structure),
        )
    if facts.legal_system in LEGAL_FAMILIES:
        out["legal"] = Value(
            facts.legal_system,
            "derived",
            _("legal-system family of {country}").format(country=facts.code),
        )
    if facts.wb_region in REGIONS:
        out["culture"] = Value(
            facts.wb_region,
            "derived",
            _("World Bank region of {country}").format(country=facts.code),
        )
    if facts.income_group in _INCOME:
        size = _size(actor.population)
        income = _INCOME[facts.income_group]
        value = income if size is None else 0.7 * income + 0.3 * size
        out["economic"] = Value(
            round(value, 3),
            "derived",
            _("World Bank income group {group}").format(group=facts.income_group)
            if size is None
            else _("World Bank income group {group} and population").format(
                group=facts.income_group
            ),
        )
    return out


def check_dimension(dimension: str, value: Any) -> float | str:
    """Return a self-assessed value in its stored form, or raise InvalidInput naming it."""
    if dimension not in DIMENSIONS:
        raise InvalidInput(
            _("There is no dimension '{name}'; the dimensions are {names}.").format(
                name=str(dimension)[:40], names=", ".join(DIMENSIONS)
            ),
            field="dimensions",
        )
    if dimension in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(
                _("The value of {name} must be a number from 0 to 1.").format(name=dimension),
                field=f"dimensions.{dimension}",
            )
        if not 0.0 <= float(value) <= 1.0 or math.isnan(float(value)):
            raise InvalidInput(
                _("The value of {name} must be a number from 0 to 1.").format(name=dimension),
                field=f"dimensions.{dimension}",
            )
        return float(value)
    allowed = LEGAL_FAMILIES if dimension == "legal" else REGIONS
    if value not in allowed:
        raise InvalidInput(
            _("The value of {name} must be one of {values}.").format(
                name=dimension, values=", ".join(allowed)
            ),
            field=f"dimensions.{dimension}",
        )
    return str(value)


def merge(
    actor: ActorFacts,
    stored: Mapping[str, Any] | None,
    *,
    cooperation_topics: Iterable[str] = (),
    facts: CountryFacts | None = None,
) -> MatchProfile:
    """Return an actor's complete profile: its own values, then derived ones, then unknown.

    Args:
        actor: the actor's facts from the knowledge base.
        stored: the stored profile's fields (``offers``, ``seeks``, ``dimensions``…), or
            None when the actor has no profile.
        cooperation_topics: topics of the actor's cooperations; they stand for what it
            offers when the profile does not say.
        facts: the country facts; looked up by the actor's country when not given.
    """
    if facts is None:
        facts = countries().get(actor.country.upper())
    stored = stored or {}
    derived = derive(actor, facts)
    dimensions: dict[str, Value] = {}
    own = stored.get("dimensions") or {}
    for name in DIMENSIONS:
        entry = own.get(name)
        if isinstance(entry, Mapping) and entry.get("value") is not None:
            source: Source = "self" if entry.get("source", "self") == "self" else "derived"
            dimensions[name] = Value(entry["value"], source, str(entry.get("basis", "")))
        elif name in derived:
            dimensions[name] = derived[name]
        else:
            dimensions[name] = Value(None, "unknown")
    offers = tuple(stored.get("offers") or ())
    offers_source: Source = "self" if offers else "unknown"
    if not offers:
        offers = tuple(dict.fromkeys(cooperation_topics))
        offers_source = "derived" if offers else "unknown"
    languages = tuple(stored.get("languages") or ())
    languages_source: Source = "self" if languages else "unknown"
    if not languages:
        languages = official_languages(actor.country)
        languages_source = "derived" if languages else "unknown"
    world_area = actor.world_area or (facts.world_area if facts else "")
    return MatchProfile(
        actor=ActorFacts(
            id=actor.id,
            name=actor.name,
            kind=actor.kind,
            country=actor.country,
            world_area=world_area,
            latitude=actor.latitude,
            longitude=actor.longitude,
            timezone=actor.timezone,
            population=actor.population,
        ),
        offers=offers,
        offers_source=offers_source,
        seeks=tuple(stored.get("seeks") or ()),
        priorities=str(stored.get("priorities") or ""),
        partner_kinds=tuple(stored.get("partner_kinds") or ()),
        world_areas=tuple(stored.get("world_areas") or ()),
        languages=languages,
        languages_source=languages_source,
        dimensions=dimensions,
        blocs=facts.blocs if facts else frozenset(),
        illustrative=bool(stored.get("illustrative", False)),
        has_profile=bool(stored),
    )


def self_assessed(dimensions: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return checked self-assessed values in their stored form (``source: self``)."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in dimensions.items():
        if value is None or value == "":
            continue
        out[name] = {"value": check_dimension(name, value), "source": "self"}
    return out


def topic_list(values: Sequence[str], known: Iterable[str], field_name: str) -> list[str]:
    """Return topic slugs without repeats, or raise InvalidInput naming an unknown one."""
    allowed = set(known)
    out: list[str] = []
    for slug in values:
        slug = str(slug).strip()
        if not slug:
            continue
        if slug not in allowed:
            raise InvalidInput(
                _("There is no topic '{slug}'.").format(slug=slug[:60]), field=field_name
            )
        if slug not in out:
            out.append(slug)
    return out
