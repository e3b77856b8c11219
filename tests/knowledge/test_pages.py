"""The knowledge pages: who may read them, what they show, escaping, and 404s."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from agora.app import create_app
from agora.core.settings import Settings
from agora.knowledge.models import OutcomeKind
from tests.conftest import OrganiserFactory, OrganiserLogin
from tests.knowledge.conftest import ActorFactory, CooperationFactory, PagesWorld

PAGES = ["/knowledge", "/knowledge/map", "/knowledge/graph"]


@pytest.fixture
def officer(make_organiser: OrganiserFactory) -> OrganiserLogin:
    return make_organiser(email="officer@region.example")


@pytest.fixture
def public_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose knowledge base anyone may read."""
    app = create_app(
        Settings(**{**settings.model_dump(), "knowledge_public": True, "_env_file": None})
    )
    with TestClient(app) as test_client:
        yield test_client


def test_anonymous_page_visit_is_sent_to_sign_in_and_back(
    client: TestClient, pages_world: PagesWorld
) -> None:
    for path in [*PAGES, f"/knowledge/actors/{pages_world.zagorje.id}"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"
    filtered = client.get("/knowledge?kind=region&page=2", follow_redirects=False)
    assert filtered.headers["location"] == "/login?next=/knowledge%3Fkind%3Dregion%26page%3D2"


def test_anonymous_api_call_is_refused(client: TestClient, pages_world: PagesWorld) -> None:
    for path in ["/api/v1/knowledge/map", "/api/v1/knowledge/graph"]:
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"] == "NotAuthenticated"


def test_organiser_reads_every_page(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    w = pages_world
    for path in [
        *PAGES,
        f"/knowledge/actors/{w.zagorje.id}",
        f"/knowledge/cooperations/{w.first.id}",
    ]:
        response = client.get(path, headers=officer.headers)
        assert response.status_code == 200, path
        assert "<h1" in response.text


def test_public_knowledge_base_is_read_without_signing_in(
    public_client: TestClient, pages_world: PagesWorld
) -> None:
    for path in [*PAGES, f"/knowledge/cooperations/{pages_world.first.id}"]:
        assert public_client.get(path).status_code == 200, path
    assert public_client.get("/api/v1/knowledge/map").status_code == 200
    assert 'href="/knowledge/import"' not in public_client.get("/knowledge").text


def test_directory_lists_and_filters_actors(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    everyone = client.get("/knowledge", headers=officer.headers).text
    assert "7 actors" in everyone
    assert 'action="/knowledge/search"' in everyone
    assert 'href="/knowledge/import"' in everyone  # an organiser keeps the knowledge base
    asia = client.get("/knowledge?world_area=asia", headers=officer.headers).text
    assert "Guangdong" in asia
    assert '<input type="hidden" name="world_area" value="asia">' in asia  # search keeps it
    assert "Catalonia" not in asia
    assert "1 actor" in asia
    energy = client.get("/knowledge?topic=energy_circular", headers=officer.headers).text
    names = set(re.findall(r'href="/knowledge/actors/\d+">([^<]+)</a>', energy))
    assert names == {"Catalonia", "Victoria", "Krapina-Zagorje County"}


def test_directory_refuses_an_unknown_filter_naming_it(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    response = client.get("/knowledge?kind=castle", headers=officer.headers)
    assert response.status_code == 422
    assert "Kind" in response.text
    assert client.get("/knowledge?country=Croatia", headers=officer.headers).status_code == 422
    assert client.get("/knowledge?topic=nothing", headers=officer.headers).status_code == 422


def test_directory_pages_through_many_actors(
    client: TestClient, officer: OrganiserLogin, pages_actor: ActorFactory
) -> None:
    for n in range(45):
        pages_actor(f"City {n:02d}", kind="city")
    first = client.get("/knowledge?kind=city", headers=officer.headers).text
    assert "City 00" in first
    assert "City 44" not in first
    assert 'href="/knowledge?kind=city&amp;page=2"' in first
    second = client.get("/knowledge?kind=city&page=2", headers=officer.headers).text
    assert "City 44" in second
    assert "City 00" not in second


def test_actor_page_shows_cooperations_networks_and_place(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    w = pages_world
    page = client.get(f"/knowledge/actors/{w.zagorje.id}", headers=officer.headers).text
    assert "Smart mobility partnership" in page
    assert "Circular economy exchange" in page
    assert f'href="/knowledge/actors/{w.guangdong.id}"' in page
    assert "EUROCITIES" in page  # its network
    assert "Memorandum of understanding" in page  # outcomes by kind
    assert '<svg class="kb-map"' in page  # its place on the map
    network = client.get(f"/knowledge/actors/{w.eurocities.id}", headers=officer.headers).text
    assert "Members (2)" in network
    unplaced = client.get(f"/knowledge/actors/{w.unplaced.id}", headers=officer.headers).text
    assert "This actor has no known place." in unplaced


def test_cooperation_page_shows_everything_and_links_only_safe_evidence(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    page = client.get(
        f"/knowledge/cooperations/{pages_world.first.id}", headers=officer.headers
    ).text
    assert '<a href="https://example.org/mou" rel="noopener nofollow">' in page
    assert 'href="javascript' not in page
    assert "javascript:alert(1)" in page  # shown as text
    assert "Study visit to Shenzhen" in page
    assert page.index("Study visit to Shenzhen") < page.index("Signature")
    assert "SDG 11" in page
    assert 'lang="en"' in page
    assert "International Urban and Regional Cooperation" in page
    lesson = client.get(
        f"/knowledge/cooperations/{pages_world.second.id}", headers=officer.headers
    ).text
    assert '<blockquote lang="es">' in lesson
    assert "Spanish" in lesson


def test_cooperation_from_a_session_links_to_the_event_report(
    client: TestClient,
    officer: OrganiserLogin,
    pages_world: PagesWorld,
    pages_cooperation: CooperationFactory,
    make_event: object,
) -> None:
    event = make_event(title="EU Regions Week session")  # type: ignore[operator]
    shared = pages_cooperation(
        pages_world.zagorje,
        title="Shared in Brussels",
        source="session",
        event_id=event.id,
        speaker_name="Ana Horvat",
    )
    page = client.get(f"/knowledge/cooperations/{shared.id}", headers=officer.headers).text
    assert f'href="/e/{event.code}/report"' in page
    assert "Shared in a session" in page


def test_speaker_name_is_not_shown_on_a_public_knowledge_base(
    public_client: TestClient, pages_world: PagesWorld, pages_cooperation: CooperationFactory
) -> None:
    shared = pages_cooperation(pages_world.zagorje, title="Told", speaker_name="Ana Horvat")
    page = public_client.get(f"/knowledge/cooperations/{shared.id}").text
    assert "Told" in page
    assert "Ana Horvat" not in page


def test_user_text_is_escaped_everywhere(
    client: TestClient,
    officer: OrganiserLogin,
    pages_actor: ActorFactory,
    pages_cooperation: CooperationFactory,
) -> None:
    script = '<script>alert("x")</script>'
    bad = pages_actor(script, latitude=10.0, longitude=10.0, description=script, names=[script])
    other = pages_actor("Partner", latitude=12.0, longitude=12.0)
    cooperation = pages_cooperation(
        bad,
        other,
        title=script,
        summary=script,
        outcomes=[(OutcomeKind.other, script, f"https://example.org/{script}")],
        lessons=[(script, '"><b>')],
    )
    for path in [
        "/knowledge",
        "/knowledge/map",
        "/knowledge/graph",
        f"/knowledge/actors/{bad.id}",
        f"/knowledge/cooperations/{cooperation.id}",
    ]:
        page = client.get(path, headers=officer.headers).text
        assert script not in page, path
        assert "&lt;script&gt;" in page, path
        assert "<b>" not in page, path


def test_missing_records_are_404(client: TestClient, officer: OrganiserLogin) -> None:
    assert client.get("/knowledge/actors/999", headers=officer.headers).status_code == 404
    assert client.get("/knowledge/cooperations/999", headers=officer.headers).status_code == 404
    assert client.get("/knowledge/actors/0", headers=officer.headers).status_code == 422


def test_empty_knowledge_base_says_so(client: TestClient, officer: OrganiserLogin) -> None:
    assert "has no actors yet" in client.get("/knowledge", headers=officer.headers).text
    assert "has a known place yet" in client.get("/knowledge/map", headers=officer.headers).text
    assert "no graph to draw" in client.get("/knowledge/graph", headers=officer.headers).text


def test_map_and_graph_data_are_served_as_json(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    w = pages_world
    placed = client.get("/api/v1/knowledge/map", headers=officer.headers).json()
    names = {a["name"] for a in placed["actors"]}
    assert "Agency without a place" not in names
    assert {"Guangdong", "Victoria", "Jalisco"} <= names
    first = {(link["source"], link["target"]): link for link in placed["links"]}
    pair = (min(w.zagorje.id, w.guangdong.id), max(w.zagorje.id, w.guangdong.id))
    assert first[pair]["outcomes"] == 3
    graph = client.get("/api/v1/knowledge/graph", headers=officer.headers).json()
    assert {a["id"] for a in graph["actors"]} == {
        w.zagorje.id,
        w.catalonia.id,
        w.guangdong.id,
        w.victoria.id,
        w.jalisco.id,
    }


def test_map_page_draws_dots_lines_and_the_table(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    page = client.get("/knowledge/map", headers=officer.headers).text
    dots = re.search(r'<g class="kb-dots">(.*?)</g>', page, re.S)
    assert dots is not None
    assert dots.group(1).count("<circle") == 6  # every placed actor, the network included
    assert page.count('<g class="kb-lines"') == 1
    lines = re.search(r'<g class="kb-lines"[^>]*>(.*?)</g>', page, re.S)
    assert lines is not None
    assert lines.group(1).count("<path") == 5  # 1 + 3 pairs + 1
    assert "Actors on the map" in page
    world = client.get("/knowledge/map?view=world", headers=officer.headers).text
    assert 'viewBox="0.0 0.0 1000.0' in world
    assert client.get("/knowledge/map?view=moon", headers=officer.headers).status_code == 422


def test_graph_page_draws_nodes_with_a_legend(
    client: TestClient, officer: OrganiserLogin, pages_world: PagesWorld
) -> None:
    page = client.get("/knowledge/graph", headers=officer.headers).text
    nodes = re.search(r'<g class="kb-nodes">(.*?)</g>', page, re.S)
    assert nodes is not None
    assert nodes.group(1).count("<circle") == 5
    assert "Province" in page  # the legend names Guangdong's kind
    assert client.get("/knowledge/graph", headers=officer.headers).text == page


def test_organiser_events_page_links_to_the_knowledge_base(
    client: TestClient, officer: OrganiserLogin
) -> None:
    signed = client.post("/login", data={"email": officer.email, "password": officer.password})
    assert signed.status_code == 200
    assert 'href="/knowledge"' in client.get("/events").text
