"""The layout of the network graph: actors as nodes, cooperations as edges, in the plane.

Positions come from metric multidimensional scaling (scikit-learn's ``MDS``, started from
classical MDS, fixed ``random_state``) of the shortest-path distances between actors, so
partners sit close and the same data always gives the same picture. Pure: plain data in,
positions out.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

#: Nodes closer than this (in units of the layout's width) are pushed apart.
SPACING = 0.06


@dataclass(frozen=True)
class Edge:
    """Two nodes (by index) linked, and how much the link weighs (outcomes)."""

    a: int
    b: int
    weight: int


def hop_distances(count: int, edges: Sequence[Edge]) -> list[list[float]]:
    """Return the number of links between every two nodes (breadth-first search).

    Nodes in different parts of the graph are put one hop further apart than the farthest
    pair that is linked, so separate groups sit side by side rather than far away.
    """
    neighbours: list[set[int]] = [set() for _ in range(count)]
    for edge in edges:
        if edge.a != edge.b:
            neighbours[edge.a].add(edge.b)
            neighbours[edge.b].add(edge.a)
    distances = [[math.inf] * count for _ in range(count)]
    for start in range(count):
        row = distances[start]
        row[start] = 0.0
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for other in sorted(neighbours[node]):
                if row[other] == math.inf:
                    row[other] = row[node] + 1
                    queue.append(other)
    finite = [d for row in distances for d in row if d != math.inf]
    apart = (max(finite) if finite else 0.0) + 1.0
    return [[d if d != math.inf else apart for d in row] for row in distances]


def components(count: int, edges: Sequence[Edge]) -> list[list[int]]:
    """Return the groups of nodes linked to each other, largest first (then by first node)."""
    neighbours: list[set[int]] = [set() for _ in range(count)]
    for edge in edges:
        neighbours[edge.a].add(edge.b)
        neighbours[edge.b].add(edge.a)
    seen: set[int] = set()
    groups = []
    for start in range(count):
        if start in seen:
            continue
        group, queue = [], deque([start])
        seen.add(start)
        while queue:
            node = queue.popleft()
            group.append(node)
            for other in sorted(neighbours[node] - seen):
                seen.add(other)
                queue.append(other)
        groups.append(sorted(group))
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def layout(count: int, edges: Sequence[Edge], aspect: float = 2.2) -> list[tuple[float, float]]:
    """Return a position in the unit square for each node, the same for the same input.

    Each group of linked nodes is laid out on its own, then the groups are packed in rows
    (largest first) in a box ``aspect`` times wider than high, so a small partnership does
    not end up squeezed against a large one.
    """
    groups = components(count, edges)
    boxes = []  # (group, positions within the group's own unit square, side)
    for group in groups:
        local = {old: new for new, old in enumerate(group)}
        inner = [Edge(local[e.a], local[e.b], e.weight) for e in edges if e.a in local]
        boxes.append((group, group_layout(len(group), inner), math.sqrt(max(len(group), 1.5))))
    total = sum(side * side for _, _, side in boxes)
    row_width = max(max((side for _, _, side in boxes), default=1.0), math.sqrt(total * aspect))
    positions: list[tuple[float, float]] = [(0.5, 0.5)] * count
    x = y = row_height = 0.0
    for group, local_points, side in boxes:
        if x > 0 and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        pad = 0.15 * side
        for node, (lx, ly) in zip(group, local_points, strict=True):
            positions[node] = (x + pad + lx * (side - 2 * pad), y + pad + ly * (side - 2 * pad))
        x += side
        row_height = max(row_height, side)
    return normalise(positions) if count > 1 else [(0.5, 0.5)] * count


def group_layout(count: int, edges: Sequence[Edge]) -> list[tuple[float, float]]:
    """Return positions in the unit square for one group of linked nodes."""
    if count == 0:
        return []
    if count == 1:
        return [(0.5, 0.5)]
    if count == 2:  # one above the other, so that both names fit beside them
        return [(0.5, 0.0), (0.5, 1.0)]
    import numpy as np
    from sklearn.manifold import MDS

    distances = np.array(hop_distances(count, edges))
    scaling = MDS(
        n_components=2,
        metric="precomputed",
        init="classical_mds",
        n_init=1,
        max_iter=300,
        random_state=0,
    )
    placed = scaling.fit_transform(distances)
    points = [(float(x), float(y)) for x, y in placed]
    return spread(normalise(points))


def normalise(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Scale points into the unit square, keeping their proportions, centred."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    ox = (1 - (max(xs) - min(xs)) / span) / 2
    oy = (1 - (max(ys) - min(ys)) / span) / 2
    return [((x - min(xs)) / span + ox, (y - min(ys)) / span + oy) for x, y in points]


def spread(points: list[tuple[float, float]], rounds: int = 60) -> list[tuple[float, float]]:
    """Push apart nodes that lie on top of each other, deterministically, then re-normalise."""
    moved = [list(p) for p in points]
    for _ in range(rounds):
        calm = True
        for i in range(len(moved)):
            for j in range(i + 1, len(moved)):
                dx = moved[j][0] - moved[i][0]
                dy = moved[j][1] - moved[i][1]
                gap = math.hypot(dx, dy)
                if gap >= SPACING:
                    continue
                calm = False
                if gap < 1e-9:  # the same spot: part them along a fixed direction per pair
                    angle = (i * 7 + j * 13) % 360
                    dx, dy, gap = math.cos(math.radians(angle)), math.sin(math.radians(angle)), 1.0
                push = (SPACING - min(gap, SPACING)) / 2
                moved[i][0] -= dx / gap * push
                moved[i][1] -= dy / gap * push
                moved[j][0] += dx / gap * push
                moved[j][1] += dy / gap * push
        if calm:
            break
    return normalise([(p[0], p[1]) for p in moved])
