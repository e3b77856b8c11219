"""The knowledge pages' read queries, the graph's layout and the figures drawn from them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput, NotFound
from agora.knowledge import figures, graphdraw, mapdraw, network_views, views
from agora.knowledge.models import ActorKind
from agora.knowledge.views import Filters
from tests.knowledge.conftest import ActorFactory, PagesWorld


def names(directory: views.Directory) -> list[str]:
    return [row.actor.name for row in directory.rows]


def test_directory_is_by_name_with_counts(session: Session, pages_world: PagesWorld) -> None:
    found = views.directory(session, Filters())
    assert names(found) == sorted(names(found), key=str.lower)
    assert found.total == 7
    zagorje = next(r for r in found.rows if r.actor.id == pages_world.zagorje.id)
    assert (zagorje.cooperations, zagorje.outcomes) == (2, 4)
    assert found.kinds == ["region", "province", "network", "other"]
    assert found.countries == ["AU", "BE", "CN", "ES", "HR", "MX"]
    assert found.world_areas == ["europe", "asia", "oceania", "latin_america"]
    assert [t.slug for t in found.topics] == ["energy_circular", "mobility"]  # by name


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(kind="province"), ["Guangdong"]),
        (Filters(country="ES"), ["Catalonia"]),
        (Filters(world_area="oceania"), ["Victoria"]),
        (Filters(topic="mobility"), ["Guangdong", "Krapina-Zagorje County"]),
        (
            Filters(kind="region", topic="energy_circular"),
            ["Catalonia", "Krapina-Zagorje County", "Victoria"],
        ),
    ],
)
def test_directory_filters(
    session: Session, pages_world: PagesWorld, filters: Filters, expected: list[str]
) -> None:
    assert names(views.directory(session, filters)) == expected


def test_directory_pages(session: Session, pages_actor: ActorFactory) -> None:
    for n in range(5):
        pages_actor(f"Town {n}", kind=ActorKind.city)
    first = views.directory(session, Filters(), per_page=2)
    last = views.directory(session, Filters(page=3), per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert names(first) == ["Town 0", "Town 1"]
    assert names(last) == ["Town 4"]
    assert names(views.directory(session, Filters(page=9), per_page=2)) == []


def test_filters_are_checked_and_named(session: Session, pages_world: PagesWorld) -> None:
    checked = views.check_filters(
        session, kind="city", country="hr ", world_area="europe", topic="mobility", page=1
    )
    assert checked == Filters("city", "HR", "europe", "mobility", 1)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"kind": "castle"}, "kind"),
        ({"country": "HRV"}, "country"),
        ({"world_area": "atlantis"}, "world_area"),
        ({"topic": "nothing"}, "topic"),
        ({"page": 0}, "page"),
    ]
    for change, field in bad:
        arguments: dict[str, Any] = {
            "kind": "",
            "country": "",
            "world_area": "",
            "topic": "",
            "page": 1,
            **change,
        }
        with pytest.raises(InvalidInput) as refused:
            views.check_filters(session, **arguments)
        assert refused.value.field == field


def test_filters_become_query_parameters() -> None:
    assert Filters().query() == {}
    assert Filters(kind="city", page=3).query() == {"kind": "city", "page": "3"}
    assert Filters(kind="city", page=3).query(page=1) == {"kind": "city"}
    assert Filters(topic="health").active
    assert not Filters(page=2).active


def test_actor_profile(session: Session, pages_world: PagesWorld) -> None:
    w = pages_world
    profile = views.actor_profile(session, w.zagorje.id)
    titles = [c.title for c in profile.cooperations]
    assert set(titles) == {"Smart mobility partnership", "Circular economy exchange"}
    first = next(c for c in profile.cooperations if c.id == w.first.id)
    assert first.role == "lead"
    assert [p.name for p in first.partners] == ["Guangdong"]
    assert first.outcomes == 3
    second = next(c for c in profile.cooperations if c.id == w.second.id)
    assert second.role == "partner"
    assert [p.role for p in second.partners] == ["lead", "partner"]
    assert profile.outcomes_by_kind == {
        "memorandum": 1,
        "delegation_visit": 1,
        "guideline": 1,
        "joint_project": 1,
    }
    assert next(iter(profile.outcomes_by_kind)) == "memorandum"
    assert [n.name for n in profile.networks] == ["EUROCITIES"]
    assert profile.placed
    network = views.actor_profile(session, w.eurocities.id)
    assert [m.name for m in network.members] == ["Catalonia", "Krapina-Zagorje County"]
    assert not views.actor_profile(session, w.unplaced.id).placed
    with pytest.raises(NotFound):
        views.actor_profile(session, 10_000)


def test_cooperation_detail(session: Session, pages_world: PagesWorld) -> None:
    detail = views.cooperation_detail(session, pages_world.first.id, "fr")
    assert [(a.name, a.role) for a in detail.actors] == [
        ("Krapina-Zagorje County", "lead"),
        ("Guangdong", "partner"),
    ]
    assert [(t.name, t.sdgs) for t in detail.topics] == [("Mobilité urbaine", [11])]
    assert [a.description for a in detail.activities] == ["Study visit to Shenzhen", "Signature"]
    links = {o.description: o.link for o in detail.outcomes}
    assert links == {
        "Memorandum signed in Guangzhou": "https://example.org/mou",
        "Joint e-bus pilot": None,
        "Delegation to Zagreb": None,
    }
    assert [(lesson.text, lesson.language) for lesson in detail.lessons] == [
        ("Start with a memorandum the mayors can sign.", "en")
    ]
    assert detail.event_code == ""
    with pytest.raises(NotFound):
        views.cooperation_detail(session, 10_000)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a?b=c", "https://example.org/a?b=c"),
        ("  http://example.org  ", "http://example.org"),
        ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("//example.org/x", None),
        ("ftp://example.org", None),
        ("https://", None),
        ("https://exa mple.org", None),
        ("", None),
        ("http://[::1", None),
    ],
)
def test_only_http_evidence_is_linked(url: str, link: str | None) -> None:
    assert views.evidence_link(url) == link


def test_map_data_holds_placed_actors_and_weighted_links(
    session: Session, pages_world: PagesWorld
) -> None:
    w = pages_world
    placed, links = network_views.map_data(session)
    assert w.unplaced.id not in {p.actor.id for p in placed}
    assert len(placed) == 6
    pairs = {(link.a, link.b): link for link in links}
    first = pairs[tuple(sorted((w.zagorje.id, w.guangdong.id)))]  # type: ignore[index]
    assert (first.cooperations, first.outcomes, first.titles) == (
        1,
        3,
        ["Smart mobility partnership"],
    )
    assert len(links) == 5  # 1 + 3 (three partners) + 1


def test_graph_data_keeps_the_actors_with_most_outcomes(
    session: Session, pages_world: PagesWorld
) -> None:
    full = network_views.graph_data(session)
    assert len(full.nodes) == 5
    assert full.left_out == 0
    top = network_views.graph_data(session, limit=2)
    assert {n.actor.name for n in top.nodes} == {"Krapina-Zagorje County", "Guangdong"}
    assert top.left_out == 3
    assert [(link.a, link.b) for link in top.links] == [
        tuple(sorted((pages_world.zagorje.id, pages_world.guangdong.id)))
    ]


def test_hop_distances_and_groups() -> None:
    edges = [graphdraw.Edge(0, 1, 1), graphdraw.Edge(1, 2, 5)]
    distances = graphdraw.hop_distances(4, edges)
    assert distances[0][2] == 2
    assert distances[0][3] == 3  # another group: one further than the farthest linked pair
    assert graphdraw.components(4, edges) == [[0, 1, 2], [3]]


def test_layout_is_deterministic_and_keeps_nodes_apart() -> None:
    edges = [graphdraw.Edge(a, b, 1) for a, b in [(0, 1), (1, 2), (2, 0), (2, 3), (4, 5)]]
    first = graphdraw.layout(7, edges)
    assert first == graphdraw.layout(7, edges)
    assert all(-1e-9 <= x <= 1 + 1e-9 and -1e-9 <= y <= 1 + 1e-9 for x, y in first)
    for i in range(7):
        for j in range(i + 1, 7):
            gap = ((first[i][0] - first[j][0]) ** 2 + (first[i][1] - first[j][1]) ** 2) ** 0.5
            assert gap > 0.03, (i, j)
    assert graphdraw.layout(0, []) == []
    assert graphdraw.layout(1, []) == [(0.5, 0.5)]


def test_linked_nodes_sit_closer_than_unlinked_ones() -> None:
    edges = [graphdraw.Edge(a, b, 1) for a, b in [(0, 1), (1, 2), (2, 3), (3, 4)]]
    spots = graphdraw.layout(5, edges)

    def gap(i: int, j: int) -> float:
        return float(((spots[i][0] - spots[j][0]) ** 2 + (spots[i][1] - spots[j][1]) ** 2) ** 0.5)

    assert gap(0, 1) < gap(0, 4)
    assert gap(1, 2) < gap(0, 3)


def test_figures_of_the_map_and_graph(session: Session, pages_world: PagesWorld) -> None:
    placed, links = network_views.map_data(session)
    drawn = figures.map_figure(placed, links)
    assert len(drawn.dots) == 6
    assert len(drawn.lines) == 5
    assert all(d.label.shown for d in drawn.dots)  # six names fit
    heavy = max(drawn.lines, key=lambda line: line.link.outcomes)
    light = min(drawn.lines, key=lambda line: line.link.outcomes)
    assert heavy.width > light.width
    assert figures.map_figure(placed, links, whole_world=True).view == mapdraw.WORLD
    data = network_views.graph_data(session)
    graph = figures.graph_figure(data.nodes, data.links)
    assert len(graph.nodes) == 5
    assert {kind for kind, _colour in graph.legend} == {"region", "province"}
    assert graph == figures.graph_figure(data.nodes, data.links)
    sizes = {n.place.actor.name: n.r for n in graph.nodes}
    assert sizes["Krapina-Zagorje County"] > sizes["Jalisco"]


def test_names_that_would_cover_each_other_are_left_out() -> None:
    dots = [(100.0, 100.0, 2.0, "First place"), (101.0, 100.0, 2.0, "Second place")]
    labels = figures.place_labels(dots, 10.0, (0.0, 0.0, 400.0, 400.0))
    assert labels[0].shown
    assert labels[0].anchor == "start"
    assert labels[1].shown
    assert labels[1].anchor != "start"
    crowd = [(100.0, 100.0 + i * 0.5, 2.0, f"Place {i}") for i in range(10)]
    shown = [label.shown for label in figures.place_labels(crowd, 10.0, (0.0, 0.0, 400.0, 400.0))]
    assert shown[0]
    assert not all(shown)
    edge = figures.place_labels([(395.0, 50.0, 2.0, "At the edge")], 10.0, (0, 0, 400, 400))
    assert edge[0].anchor == "end"


def test_codes_are_named_in_the_readers_language() -> None:
    from agora.core.i18n import set_language
    from agora.knowledge import page_labels

    set_language("fr")
    try:
        assert page_labels.country_name("HR") == "Croatie"
        assert page_labels.language_name("es") == "espagnol"
        assert page_labels.subdivision_name("HR-02") == "Krapina-Zagorje"
        assert page_labels.actor_kinds()["region"] == "Région"
    finally:
        set_language("en")
    assert page_labels.country_name("ZZ") == "ZZ"
    assert page_labels.subdivision_name("XX-99") == "XX-99"
    assert page_labels.language_tag("pt_PT") == "pt-PT"
    assert page_labels.language_tag('"><b>') == ""
    assert page_labels.language_name("not a language") == "not a language"


def test_two_partners_of_the_same_hub_get_spots_of_their_own() -> None:
    # 1 and 2 have the same links (to 0 and to each other): classical scaling alone puts
    # them on one spot; stress majorisation parts them by about one link's length
    edges = [graphdraw.Edge(a, b, 1) for a, b in [(0, 1), (0, 2), (1, 2), (0, 3)]]
    spots = graphdraw.layout(4, edges)
    apart = ((spots[1][0] - spots[2][0]) ** 2 + (spots[1][1] - spots[2][1]) ** 2) ** 0.5
    hub = ((spots[0][0] - spots[1][0]) ** 2 + (spots[0][1] - spots[1][1]) ** 2) ** 0.5
    assert apart > 0.5 * hub
