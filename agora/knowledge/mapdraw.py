"""The world map of the knowledge base, drawn as SVG from the vendored Natural Earth shapes.

The countries come from ``data/world-atlas/countries-110m.json`` (TopoJSON of the npm
package ``world-atlas``; see that folder's README). TopoJSON stores each shared border once
as an *arc* of quantised, delta-encoded points; a country is a list of rings, each a list of
arc indexes (``~i`` for arc ``i`` walked backwards). We decode the arcs, project them with
the Natural Earth projection and write one SVG path per country — pure functions over plain
data, with the decoded base map kept once per process. No tile server, no network.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ATLAS = Path(__file__).resolve().parent / "data" / "world-atlas" / "countries-110m.json"

#: The width of the whole world in map units (the SVG's user space).
WORLD_WIDTH = 1000.0
#: Latitudes shown: Antarctica and the far north would take space and hold no actor.
NORTH, SOUTH = 84.0, -58.0
#: ISO 3166-1 numeric code of Antarctica, left out of the map.
ANTARCTICA = "010"

Point = tuple[float, float]
Ring = list[Point]


# -- TopoJSON --------------------------------------------------------------------------------


def decode_arcs(arcs: Sequence[Sequence[Sequence[float]]], transform: Any = None) -> list[Ring]:
    """Return the arcs of a topology as lists of (longitude, latitude).

    With a ``transform`` (quantised topology), each arc's points after the first are deltas
    from the previous one, in integer steps of ``scale`` from ``translate``.
    """
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    sx, sy = transform["scale"]
    tx, ty = transform["translate"]
    decoded = []
    for arc in arcs:
        x = y = 0.0
        points: Ring = []
        for p in arc:
            x += p[0]
            y += p[1]
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring_points(indexes: Iterable[int], arcs: Sequence[Ring]) -> Ring:
    """Join arcs into one ring; a negative index ``~i`` walks arc ``i`` backwards.

    Consecutive arcs share their end point, which is kept once.
    """
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc if not ring else arc[1:])
    return ring


def geometry_rings(geometry: dict[str, Any], arcs: Sequence[Ring]) -> list[Ring]:
    """Return every ring (outer boundaries and holes) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return []
    rings = []
    for polygon in polygons:
        for indexes in polygon:
            rings.extend(across_antimeridian(ring_points(indexes, arcs)))
    return rings


def across_antimeridian(ring: Ring) -> list[Ring]:
    """Return a ring with continuous longitudes, plus its copy a world away if it crosses 180°.

    Shapes that straddle the antimeridian (Fiji, Chukotka) step from 179° to -179°; drawn
    as is they would streak across the whole map. Unwrapped, they run past ±180°, and the
    copy shifted by 360° draws the part that shows on the other edge of the map.
    """
    if not ring:
        return []
    unwrapped: Ring = [ring[0]]
    offset = 0.0
    for (before, _), (lon, lat) in itertools.pairwise(ring):
        step = lon - before
        if step > 180:
            offset -= 360.0
        elif step < -180:
            offset += 360.0
        unwrapped.append((lon + offset, lat))
    rings = [unwrapped]
    if any(lon > 180.0 for lon, _ in unwrapped):
        rings.append([(lon - 360.0, lat) for lon, lat in unwrapped])
    if any(lon < -180.0 for lon, _ in unwrapped):
        rings.append([(lon + 360.0, lat) for lon, lat in unwrapped])
    return rings


# -- projection ------------------------------------------------------------------------------


def natural_earth(longitude: float, latitude: float) -> Point:
    """Project degrees with the Natural Earth I projection (Šavrič et al.; d3's formula).

    Returns (x, y) in radians-scale units, y growing northwards.
    """
    lam = math.radians(longitude)
    phi = math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (
        0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4))
    )
    y = phi * (
        1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4))
    )
    return x, y


_HALF_WIDTH = natural_earth(180.0, 0.0)[0]
_SCALE = WORLD_WIDTH / (2 * _HALF_WIDTH)
_TOP = natural_earth(0.0, NORTH)[1]
_BOTTOM = natural_earth(0.0, SOUTH)[1]
#: The height of the world (between ``SOUTH`` and ``NORTH``) in map units.
WORLD_HEIGHT = (_TOP - _BOTTOM) * _SCALE


def project(longitude: float, latitude: float) -> Point:
    """Return the map position of a place: x from 0 (west) to ``WORLD_WIDTH``, y downwards."""
    x, y = natural_earth(longitude, latitude)
    return (x + _HALF_WIDTH) * _SCALE, (_TOP - y) * _SCALE


def path_data(rings: Iterable[Ring]) -> str:
    """Return an SVG path's ``d`` for rings of (longitude, latitude), projected."""
    parts = []
    for ring in rings:
        if len(ring) < 3:
            continue
        points = [project(lon, lat) for lon, lat in ring]
        moves = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
        last = (round(points[0][0], 1), round(points[0][1], 1))
        for x, y in points[1:]:
            here = (round(x, 1), round(y, 1))
            if here != last:  # at this scale many points fall on the same tenth
                moves.append(f"L{here[0]:.1f},{here[1]:.1f}")
                last = here
        parts.append("".join(moves) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Country:
    """A country of the base map: ISO 3166-1 numeric code, English name, SVG path."""

    code: str
    name: str
    path: str


def countries(topology: dict[str, Any]) -> list[Country]:
    """Return the countries of a world-atlas topology as SVG paths (Antarctica left out)."""
    arcs = decode_arcs(topology["arcs"], topology.get("transform"))
    drawn = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = str(geometry.get("id", ""))
        if code == ANTARCTICA:
            continue
        name = str(geometry.get("properties", {}).get("name", ""))
        d = path_data(geometry_rings(geometry, arcs))
        if d:
            drawn.append(Country(code, name, d))
    return drawn


@lru_cache(maxsize=1)
def base_map() -> tuple[Country, ...]:
    """Return the world's countries, decoded once per process from the vendored file."""
    with ATLAS.open(encoding="utf-8") as atlas:
        return tuple(countries(json.load(atlas)))


# -- what is drawn on top ----------------------------------------------------------------------


@dataclass(frozen=True)
class ViewBox:
    """The part of the map shown: SVG ``viewBox`` numbers in map units."""

    x: float
    y: float
    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.x:.1f} {self.y:.1f} {self.width:.1f} {self.height:.1f}"


WORLD = ViewBox(0.0, 0.0, WORLD_WIDTH, WORLD_HEIGHT)


def fit(points: Sequence[Point], *, margin: float = 0.15, least: float = 120.0) -> ViewBox:
    """Return the view that shows ``points`` with a margin, at the map's aspect ratio.

    The view is at least ``least`` map units wide (one place alone is shown with its
    region around it) and never larger than the world.
    """
    if not points:
        return WORLD
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ratio = WORLD_HEIGHT / WORLD_WIDTH
    width = max(max(xs) - min(xs), least)
    height = max(max(ys) - min(ys), least * ratio)
    width, height = width * (1 + 2 * margin), height * (1 + 2 * margin)
    width = max(width, height / ratio)
    height = width * ratio
    if width >= WORLD_WIDTH:
        return WORLD
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    x = min(max(cx - width / 2, 0.0), WORLD_WIDTH - width)
    y = min(max(cy - height / 2, 0.0), WORLD_HEIGHT - height)
    return ViewBox(x, y, width, height)


def curve(a: Point, b: Point, bend: float = 0.18) -> str:
    """Return an SVG path's ``d`` for a gentle arc from ``a`` to ``b`` (bent to one side)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]
    cx, cy = mx - dy * bend, my + dx * bend
    return f"M{a[0]:.1f},{a[1]:.1f}Q{cx:.1f},{cy:.1f} {b[0]:.1f},{b[1]:.1f}"


def line_width(weight: int, heaviest: int, view: ViewBox) -> float:
    """Return a line's width in map units: thicker for more outcomes, scaled to the view."""
    unit = view.width / 400
    share = math.sqrt(weight / heaviest) if heaviest > 0 else 0.0
    return round(unit * (1 + 3 * share), 2)


def dot_radius(count: int, largest: int, view: ViewBox) -> float:
    """Return a place's radius in map units: larger for more cooperations, scaled to the view."""
    unit = view.width / 180
    share = math.sqrt(count / largest) if largest > 0 else 0.0
    return round(unit * (0.8 + 1.2 * share), 2)
