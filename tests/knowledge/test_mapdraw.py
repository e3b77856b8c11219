"""The world map's drawing: TopoJSON arcs, the projection, country paths and the view."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from agora.knowledge import mapdraw
from agora.knowledge.mapdraw import ViewBox


def path_points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)]


def test_quantised_arcs_are_delta_decoded() -> None:
    transform = {"scale": [0.5, 2.0], "translate": [10.0, -5.0]}
    arcs = [[[0, 0], [2, 1], [2, 1], [-4, -2]]]
    assert mapdraw.decode_arcs(arcs, transform) == [
        [(10.0, -5.0), (11.0, -3.0), (12.0, -1.0), (10.0, -5.0)]
    ]


def test_arcs_without_a_transform_are_kept_as_they_are() -> None:
    assert mapdraw.decode_arcs([[[1, 2], [3, 4]]]) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_a_ring_joins_arcs_once_and_walks_negative_ones_backwards() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]]
    assert mapdraw.ring_points([0, 1], arcs) == [(0, 0), (1, 0), (1, 1), (0, 0)]
    # ~1 is arc 1 backwards, ~0 arc 0 backwards
    assert mapdraw.ring_points([~1, ~0], arcs) == [(0, 0), (1, 1), (1, 0), (0, 0)]


def test_polygons_and_multipolygons_give_their_rings() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)], [(5.0, 5.0), (6.0, 5.0), (5.0, 5.0)]]
    assert len(mapdraw.geometry_rings({"type": "Polygon", "arcs": [[0]]}, arcs)) == 1
    assert len(mapdraw.geometry_rings({"type": "MultiPolygon", "arcs": [[[0]], [[1]]]}, arcs)) == 2
    assert mapdraw.geometry_rings({"type": "Point", "coordinates": [0, 0]}, arcs) == []


def test_a_shape_across_the_antimeridian_is_drawn_on_both_edges() -> None:
    ring = [(179.0, 60.0), (-179.0, 60.0), (-179.0, 65.0), (179.0, 65.0), (179.0, 60.0)]
    rings = mapdraw.across_antimeridian(ring)
    assert len(rings) == 2
    for drawn in rings:
        steps = [abs(b[0] - a[0]) for a, b in itertools.pairwise(drawn)]
        assert max(steps) < 180
    assert mapdraw.across_antimeridian([(10.0, 0.0), (11.0, 0.0)]) == [[(10.0, 0.0), (11.0, 0.0)]]


def test_projection_puts_the_world_in_its_box() -> None:
    left = mapdraw.project(-180, 0)
    right = mapdraw.project(180, 0)
    centre = mapdraw.project(0, 0)
    assert left[0] == pytest.approx(0.0)
    assert right[0] == pytest.approx(mapdraw.WORLD_WIDTH)
    assert centre[0] == pytest.approx(mapdraw.WORLD_WIDTH / 2)
    assert mapdraw.project(0, mapdraw.NORTH)[1] == pytest.approx(0.0)
    assert mapdraw.project(0, mapdraw.SOUTH)[1] == pytest.approx(mapdraw.WORLD_HEIGHT)
    # north is up, and the Natural Earth projection narrows towards the poles
    assert mapdraw.project(0, 50)[1] < centre[1]
    assert mapdraw.project(180, 60)[0] < right[0]


def test_natural_earth_matches_d3s_reference_values() -> None:
    # d3.geoNaturalEarth1Raw(π, 0) and (0, π/2)
    assert mapdraw.natural_earth(180, 0) == pytest.approx((2.7353, 0.0), abs=1e-3)
    assert mapdraw.natural_earth(0, 90)[1] == pytest.approx(1.4224, abs=1e-3)


def test_the_vendored_atlas_draws_every_country_but_antarctica() -> None:
    countries = mapdraw.base_map()
    assert mapdraw.base_map() is countries  # decoded once per process
    names = {c.name for c in countries}
    assert {"Croatia", "China", "Australia", "Mexico", "Fiji", "Russia"} <= names
    assert "Antarctica" not in names
    assert len(countries) > 170


def test_croatia_is_drawn_where_croatia_is() -> None:
    croatia = next(c for c in mapdraw.base_map() if c.name == "Croatia")
    assert croatia.code == "191"
    xs, ys = zip(*path_points(croatia.path), strict=True)
    # Croatia spans about 13.5°–19.4° E and 42.4°–46.6° N
    west, north = mapdraw.project(13.3, 46.7)
    east, south = mapdraw.project(19.6, 42.3)
    assert west <= min(xs)
    assert max(xs) <= east
    assert north <= min(ys)
    assert max(ys) <= south
    # and is not a speck: it fills most of that box
    assert max(xs) - min(xs) > 0.8 * (east - west)


def test_no_country_streaks_across_the_map() -> None:
    for country in mapdraw.base_map():
        for ring in country.path.split("M")[1:]:
            xs = [x for x, _ in path_points("M" + ring)]
            assert max(xs) - min(xs) < mapdraw.WORLD_WIDTH / 2, country.name


def test_countries_parses_a_small_topology() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [0.0, 0.0]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, -10]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "id": "999",
                        "properties": {"name": "Square"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "id": "010",
                        "properties": {"name": "Antarctica"},
                    },
                ],
            }
        },
    }
    [square] = mapdraw.countries(json.loads(json.dumps(topology)))
    assert square.name == "Square"
    assert square.path.startswith("M500.0,")
    assert square.path.endswith("Z")


def test_fit_frames_the_points_at_the_maps_proportions() -> None:
    points = [mapdraw.project(15.9, 46.1), mapdraw.project(113.3, 23.1)]
    view = mapdraw.fit(points)
    assert view.width / view.height == pytest.approx(mapdraw.WORLD_WIDTH / mapdraw.WORLD_HEIGHT)
    for x, y in points:
        assert view.x < x < view.x + view.width
        assert view.y < y < view.y + view.height
    assert mapdraw.fit([]) == mapdraw.WORLD
    alone = mapdraw.fit([mapdraw.project(15.9, 46.1)], least=60)
    assert 60 <= alone.width < 100
    spread = mapdraw.fit([mapdraw.project(-170, 70), mapdraw.project(170, -50)])
    assert spread == mapdraw.WORLD


def test_lines_and_dots_grow_with_their_weight() -> None:
    view = ViewBox(0, 0, 400, 175)
    assert mapdraw.line_width(1, 9, view) < mapdraw.line_width(9, 9, view)
    assert mapdraw.dot_radius(0, 5, view) < mapdraw.dot_radius(5, 5, view)
    # a view twice as wide draws everything twice as large in map units (same on screen)
    wide = ViewBox(0, 0, 800, 350)
    assert mapdraw.dot_radius(5, 5, wide) == pytest.approx(
        2 * mapdraw.dot_radius(5, 5, view), abs=0.02
    )
    assert mapdraw.curve((0, 0), (10, 0)).startswith("M0.0,0.0Q5.0,")
