"""The map and the graph as figures: positions, sizes and colours the SVG templates draw.

Plain data in (``views``' dataclasses), plain data out; the templates write the SVG, so every
name is escaped by Jinja like any other text on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from agora.knowledge import graphdraw, mapdraw
from agora.knowledge.models import ActorKind
from agora.knowledge.network_views import Link, Placed
from agora.knowledge.views import ActorRef

#: The map tries to write the names of this many places, the most active first; a name
#: that would cover another is left out (the dot's title and the table still give it).
MAP_LABELS = 80

#: One colour per kind of actor, told apart by colour-blind readers (Okabe–Ito and Tol's
#: muted scheme); every node also has a dark outline, its name and a row in the table.
KIND_COLOURS: dict[str, str] = {
    ActorKind.city.value: "#0072b2",
    ActorKind.region.value: "#d55e00",
    ActorKind.province.value: "#e69f00",
    ActorKind.metropolitan_area.value: "#cc79a7",
    ActorKind.national_body.value: "#56b4e9",
    ActorKind.network.value: "#009e73",
    ActorKind.cluster.value: "#f0e442",
    ActorKind.university.value: "#882255",
    ActorKind.company.value: "#44aa99",
    ActorKind.ngo.value: "#999933",
    ActorKind.other.value: "#8c8c8c",
}


# -- names beside dots ----------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """Where a dot's name is written (``shown`` False when there was no room)."""

    x: float
    y: float
    anchor: str
    shown: bool


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    dots: Sequence[tuple[float, float, float, str]],
    font: float,
    bounds: Box,
    *,
    required: bool = False,
    limit: int | None = None,
    always: int = 0,
) -> list[Label]:
    """Put each dot's name beside it where it covers no other name or dot, greedily.

    ``dots`` are (x, y, radius, name), the most important first. Tried in turn: right, left,
    above, below. With ``required`` a name that fits nowhere is written on the right anyway;
    otherwise it is left out, as are all names after the first ``limit`` (the first
    ``always`` names are written in any case, where they cover the fewest names).
    """
    circles = [(x - r, y - r, x + r, y + r) for x, y, r, _ in dots]
    taken: list[Box] = []
    labels = []
    for n, (x, y, r, name) in enumerate(dots):
        width = 0.62 * font * max(len(name), 1)
        half = 0.6 * font
        gap = r + 0.3 * font
        options = [
            (x + gap, y, "start", (x + gap, y - half, x + gap + width, y + half)),
            (x - gap, y, "end", (x - gap - width, y - half, x - gap, y + half)),
            (
                x,
                y - gap - half,
                "middle",
                (x - width / 2, y - gap - 2 * half, x + width / 2, y - gap),
            ),
            (
                x,
                y + gap + half,
                "middle",
                (x - width / 2, y + gap, x + width / 2, y + gap + 2 * half),
            ),
        ]
        chosen = None
        if limit is None or n < limit:
            for lx, ly, anchor, box in options:
                inside = (
                    box[0] >= bounds[0]
                    and box[1] >= bounds[1]
                    and box[2] <= bounds[2]
                    and box[3] <= bounds[3]
                )
                if not inside or any(_overlaps(box, t) for t in taken):
                    continue
                if any(_overlaps(box, c) for i, c in enumerate(circles) if i != n):
                    continue
                chosen = (lx, ly, anchor, box)
                break
        if chosen is None and (required or n < always):
            fits = [o for o in options if o[3][0] >= bounds[0] and o[3][2] <= bounds[2]] or [
                options[0]
            ]

            def covered(option: tuple[float, float, str, Box], n: int = n) -> int:
                box = option[3]
                names = sum(_overlaps(box, t) for t in taken)
                return 2 * names + sum(_overlaps(box, c) for i, c in enumerate(circles) if i != n)

            chosen = min(fits, key=covered)
        if chosen is None:
            labels.append(Label(x, y, "start", False))
            continue
        taken.append(chosen[3])
        labels.append(Label(round(chosen[0], 2), round(chosen[1], 2), chosen[2], True))
    return labels


# -- the map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapDot:
    """A placed actor on the map."""

    place: Placed
    x: float
    y: float
    r: float
    label: Label


@dataclass(frozen=True)
class MapLine:
    """A line between two placed actors that cooperated."""

    link: Link
    a: ActorRef
    b: ActorRef
    d: str
    width: float


@dataclass(frozen=True)
class MapFigure:
    """What the map template draws, in map units."""

    view: mapdraw.ViewBox
    countries: tuple[mapdraw.Country, ...]
    dots: list[MapDot]
    lines: list[MapLine]
    font: float
    whole_world: bool
    focus: int | None = None
    legend: list[tuple[str, str]] = field(default_factory=list)


def map_figure(
    placed: Sequence[Placed],
    links: Sequence[Link],
    *,
    whole_world: bool = False,
    focus: int | None = None,
    least: float = 120.0,
) -> MapFigure:
    """Return the map of ``placed`` actors and the ``links`` between them.

    The view fits the actors unless ``whole_world``; ``focus`` is the actor a profile is
    about (its dot outlined, its name written first, larger).
    """
    positions = {p.actor.id: mapdraw.project(p.longitude, p.latitude) for p in placed}
    view = mapdraw.WORLD if whole_world else mapdraw.fit(list(positions.values()), least=least)
    largest = max((p.cooperations for p in placed), default=0)
    font = round(view.width / (28 if focus is not None else 70), 2)
    # the most active first: they get their names written, and are drawn last (on top)
    ranked = sorted(placed, key=lambda p: (p.actor.id != focus, -p.cooperations, p.actor.id))
    radii = [mapdraw.dot_radius(p.cooperations, max(largest, 1), view) for p in ranked]
    spots = [positions[p.actor.id] for p in ranked]
    bounds = (view.x, view.y, view.x + view.width, view.y + view.height)
    labels = place_labels(
        [(x, y, r, p.actor.name) for (x, y), r, p in zip(spots, radii, ranked, strict=True)],
        font,
        bounds,
        limit=MAP_LABELS,
    )
    dots = [
        MapDot(p, round(x, 2), round(y, 2), r, label)
        for p, (x, y), r, label in zip(ranked, spots, radii, labels, strict=True)
    ][::-1]
    refs = {p.actor.id: p.actor for p in placed}
    heaviest = max((link.outcomes + link.cooperations for link in links), default=0)
    lines = [
        MapLine(
            link,
            refs[link.a],
            refs[link.b],
            mapdraw.curve(positions[link.a], positions[link.b]),
            mapdraw.line_width(link.outcomes + link.cooperations, heaviest, view),
        )
        for link in links
        if link.a in positions and link.b in positions
    ]
    kinds = {p.actor.kind for p in placed}
    legend = [(kind, colour) for kind, colour in KIND_COLOURS.items() if kind in kinds]
    return MapFigure(view, mapdraw.base_map(), dots, lines, font, whole_world, focus, legend)


# -- the graph -----------------------------------------------------------------------------

GRAPH_WIDTH = 1000.0
_MARGIN = 150.0
_TOP = 40.0
#: The size of the graph's names, in its units (the SVG scales with the page).
GRAPH_FONT = 16.0


@dataclass(frozen=True)
class GraphNode:
    """An actor in the graph: where, how large, which colour, and where its name goes."""

    place: Placed
    x: float
    y: float
    r: float
    colour: str
    label: Label


@dataclass(frozen=True)
class GraphEdge:
    """A link in the graph, its width by outcomes."""

    link: Link
    a: ActorRef
    b: ActorRef
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class GraphFigure:
    """What the graph template draws."""

    width: float
    height: float
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    legend: list[tuple[str, str]]


def graph_figure(nodes: Sequence[Placed], links: Sequence[Link]) -> GraphFigure:
    """Return the graph of actors (``nodes``) and their cooperations (``links``)."""
    index = {n.actor.id: i for i, n in enumerate(nodes)}
    edges = [
        graphdraw.Edge(index[link.a], index[link.b], link.outcomes)
        for link in links
        if link.a in index and link.b in index
    ]
    unit = graphdraw.layout(len(nodes), edges)
    xs = [p[0] for p in unit] or [0.5]
    ys = [p[1] for p in unit] or [0.5]
    span_x = max(xs) - min(xs) or 1.0
    span_y = max(ys) - min(ys)
    inner_w = GRAPH_WIDTH - 2 * _MARGIN
    scale = inner_w / span_x
    height = min(max(span_y * scale + 2 * _TOP, 280.0), 1100.0)
    if span_y * scale > height - 2 * _TOP:  # taller than allowed: fit the height instead
        scale = (height - 2 * _TOP) / span_y
    offset_x = (GRAPH_WIDTH - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2
    spots = [(offset_x + (x - min(xs)) * scale, offset_y + (y - min(ys)) * scale) for x, y in unit]
    most = max((n.outcomes for n in nodes), default=0)
    radii = [round(7 + 13 * (math.sqrt(n.outcomes / most) if most else 0.0), 1) for n in nodes]
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i].outcomes, i))
    # a name that would cover another is left out (the dot keeps it as its title and
    # accessible name, and the tables below list every actor): the actors with most
    # outcomes are named first, the five with most in any case
    placed_labels = place_labels(
        [(*spots[i], radii[i], nodes[i].actor.name) for i in order],
        GRAPH_FONT,
        (0.0, 0.0, GRAPH_WIDTH, height),
        always=5,
    )
    labels = dict(zip(order, placed_labels, strict=True))
    drawn = [
        GraphNode(
            n,
            round(x, 1),
            round(y, 1),
            radii[i],
            KIND_COLOURS.get(n.actor.kind, KIND_COLOURS["other"]),
            labels[i],
        )
        for i, (n, (x, y)) in enumerate(zip(nodes, spots, strict=True))
    ]
    heaviest = max((link.outcomes for link in links), default=0)
    graph_edges = [
        GraphEdge(
            link,
            nodes[index[link.a]].actor,
            nodes[index[link.b]].actor,
            *spots[index[link.a]],
            *spots[index[link.b]],
            round(1.5 + 6 * math.sqrt(link.outcomes / heaviest), 1) if heaviest else 1.5,
        )
        for link in links
        if link.a in index and link.b in index
    ]
    kinds = {n.actor.kind for n in nodes}
    legend = [(kind, colour) for kind, colour in KIND_COLOURS.items() if kind in kinds]
    return GraphFigure(GRAPH_WIDTH, round(height, 1), drawn, graph_edges, legend)
