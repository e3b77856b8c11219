"""Sister-city links from Wikidata ("twinned administrative body", P190) as import records.

The file is what Wikidata's query service downloads as CSV for the query in
``docs/knowledge-base.md``: one row per link with ``item``, ``itemLabel``, ``twin`` and
``twinLabel`` (entity URLs and names), and optionally ``itemCountry`` and ``twinCountry``
(ISO 3166-1 alpha-2 codes). Each place becomes an actor found again by its Wikidata item
(and placed on the map when the gazetteer knows one city of that name in that country);
each pair one cooperation, however many times (and in whichever direction) it is listed.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from agora.core.i18n import _
from agora.knowledge import gazetteer
from agora.knowledge.exchange import ImportRefused, Parsed, Problem

REQUIRED = ("item", "itemlabel", "twin", "twinlabel")
#: The programme a sister-city link is recorded under.
PROGRAMME = "Town twinning"
SOURCE = "Wikidata P190 (twinned administrative body)"
_ENTITY = re.compile(r"^(?:https?://www\.wikidata\.org/entity/)?(Q[1-9][0-9]{0,11})$")


def _entity(cell: str) -> str | None:
    found = _ENTITY.match(cell.strip())
    return found.group(1) if found else None


def _place(name: str, country: str) -> dict[str, Any]:
    """Return the place fields of a city the gazetteer finds unambiguously, else nothing."""
    if not re.fullmatch(r"[A-Z]{2}", country):
        return {}
    found = gazetteer.resolve(name, country=country, kinds=("city",)).place
    if found is None:
        return {}
    return {
        "place_code": found.code,
        "geonames_id": found.geonames_id,
        "subdivision": found.subdivision,
        "latitude": found.latitude,
        "longitude": found.longitude,
        "population": found.population,
        "timezone": found.timezone,
        "world_area": found.world_area,
    }


def parse_twins(text: str) -> Parsed:
    """Return the actors and cooperations of a Wikidata P190 CSV, or raise ImportRefused."""
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        message = _("The first line must name the columns item, itemLabel, twin and twinLabel.")
        raise ImportRefused([Problem(1, missing[0], message)])
    column = {name: header.index(name) for name in header}
    parsed, found = Parsed(), []
    actors: dict[str, dict[str, Any]] = {}
    pairs: set[frozenset[str]] = set()
    line = reader.line_num + 1
    for row in reader:
        cells = {name: row[i].strip() if i < len(row) else "" for name, i in column.items()}
        if not any(cells.values()):
            line = reader.line_num + 1
            continue
        ends = []
        for side in ("item", "twin"):
            entity = _entity(cells[side])
            if entity is None:
                message = _("Give a Wikidata entity, like http://www.wikidata.org/entity/Q64.")
                found.append(Problem(line, side, message))
                continue
            name = cells[f"{side}label"] or entity
            country = cells.get(f"{side}country", "").upper()
            if entity not in actors:
                actors[entity] = {
                    "key": entity,
                    "kind": "city",
                    "name": name,
                    "country": country,
                    "wikidata": entity,
                    "provenance": "import:wikidata",
                    **_place(name, country),
                }
                parsed.actors.append((line, actors[entity]))
            ends.append(entity)
        if len(ends) == 2 and ends[0] != ends[1] and frozenset(ends) not in pairs:
            pairs.add(frozenset(ends))
            first, second = (actors[e]["name"] for e in ends)
            parsed.cooperations.append(
                (
                    line,
                    {
                        "title": f"{first} – {second}"[:300],
                        "programme": PROGRAMME,
                        "actors": [{"actor": ends[0]}, {"actor": ends[1]}],
                        "provenance": {"source": "import", "import_source": SOURCE},
                    },
                )
            )
        line = reader.line_num + 1
    if found:
        raise ImportRefused(found)
    return parsed
