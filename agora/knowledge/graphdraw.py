"""The layout of the network graph: actors as nodes, cooperations as edges, in the plane.

Each group of linked actors is placed by multidimensional scaling of the number of links
between them (classical scaling, then stress majorisation, both in numpy), so partners sit
close and the same data always gives the same picture; the groups are then packed in rows.
Pure: plain data in, positions out. (scikit-learn's ``MDS`` gave similar pictures but took
~10 s to import on a busy machine, on the first graph a process draws.)
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
    distances = hop_distances(count, edges)
    placed = stress_majorisation(distances, classical_scaling(distances))
    return spread(normalise(placed))


def classical_scaling(distances: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """Return 2-D points whose distances best match ``distances`` (classical MDS).

    Torgerson's method: the two leading eigenvectors of the double-centred matrix of squared
    distances. Each axis's sign is fixed (its largest coordinate positive) so the same
    distances always give the same picture.
    """
    import numpy as np

    squared = np.asarray(distances, dtype=float) ** 2
    n = squared.shape[0]
    centring = np.eye(n) - np.full((n, n), 1.0 / n)
    inner = -0.5 * centring @ squared @ centring
    values, vectors = np.linalg.eigh(inner)  # ascending
    points = np.zeros((n, 2))
    for axis, index in enumerate((n - 1, n - 2)):
        column = vectors[:, index] * math.sqrt(max(float(values[index]), 0.0))
        if column[int(np.argmax(np.abs(column)))] < 0:
            column = -column
        points[:, axis] = column
    return [(round(float(x), 9), round(float(y), 9)) for x, y in points]


def stress_majorisation(
    distances: Sequence[Sequence[float]], start: Sequence[tuple[float, float]], rounds: int = 200
) -> list[tuple[float, float]]:
    """Improve ``start`` so its distances match ``distances`` more closely (SMACOF).

    Classical scaling puts nodes with the same links on one spot (two partners of the same
    hub); Guttman transforms from a slightly, deterministically nudged start part them.
    """
    import numpy as np

    target = np.asarray(distances, dtype=float)
    n = target.shape[0]
    angles = np.arange(n) * 2.399963  # the golden angle: nudges in every direction
    points = np.asarray(start, dtype=float) + 1e-3 * np.column_stack(
        (np.cos(angles), np.sin(angles))
    )
    for _ in range(rounds):
        gaps = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
        ratio = np.divide(target, gaps, out=np.zeros_like(target), where=gaps > 1e-12)
        transform = -ratio
        np.fill_diagonal(transform, 0.0)
        np.fill_diagonal(transform, -transform.sum(axis=1))
        moved = transform @ points / n
        if np.abs(moved - points).max() < 1e-7:
            points = moved
            break
        points = moved
    return [(round(float(x), 9), round(float(y), 9)) for x, y in points]


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
