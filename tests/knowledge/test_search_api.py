"""The search API and page: validation with clear errors, results, facets, who may read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from agora.app import create_app
from agora.core.db import Database
from agora.core.settings import Settings
from agora.knowledge import search_index
from agora.knowledge.models import Topic
from tests.conftest import OrganiserFactory
from tests.knowledge.search_fixtures import SearchCooperationFactory

API = "/api/v1/knowledge/search"


@pytest.fixture(autouse=True)
def _fresh_memory() -> Iterator[None]:
    search_index.forget_memory()
    yield
    search_index.forget_memory()


@pytest.fixture
def search_data(search_make_cooperation: SearchCooperationFactory) -> int:
    """One cooperation on public transport, with a Croatian and an Australian partner."""
    return search_make_cooperation(
        "Integrated ticketing with Melbourne",
        topics=("mobility",),
        lessons=("Public transport ridership grew once fares were integrated.",),
        outcomes=(("guideline", "A guide to fare <b>integration</b>"),),
    )


@pytest.fixture
def public_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose knowledge base anyone may read."""
    app = create_app(settings.model_copy(update={"knowledge_public": True}))
    with TestClient(app) as client:
        yield client


def test_reading_needs_an_organiser_unless_the_knowledge_base_is_public(
    client: TestClient, make_organiser: OrganiserFactory, search_data: int
) -> None:
    assert client.get(API, params={"q": "fares"}).status_code == 401
    organiser = make_organiser()
    response = client.get(API, params={"q": "fares", "mode": "words"}, headers=organiser.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hits"][0]["title"] == "Integrated ticketing with Melbourne"
    assert body["hits"][0]["url"] == f"/knowledge/cooperations/{search_data}"
    assert {"text": "fares", "match": True} in body["hits"][0]["snippet"]
    countries = {f["value"]: f for f in body["facets"]["country"]}
    assert countries["HR"]["count"] == 1
    assert countries["HR"]["label"] == "Croatia"
    outcome = body["facets"]["outcome_kind"][0]
    assert outcome == {"value": "guideline", "label": "Guideline", "count": 1}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "bus", "mode": "telepathy"}, "mode"),
        ({"q": "bus", "country": "Croatia"}, "country"),
        ({"q": "bus", "year": "last"}, "year"),
        ({"q": "bus", "actor_kind": "empire"}, "actor_kind"),
        ({"q": "bus", "outcome_kind": "medal"}, "outcome_kind"),
        ({"q": "bus", "topic": "Mobility!"}, "topic"),
        ({"q": "bus", "limit": "0"}, "limit"),
        ({"q": "bus", "offset": "-1"}, "offset"),
    ],
)
def test_malformed_searches_are_refused_naming_the_parameter(
    public_client: TestClient, params: dict[str, str], field: str
) -> None:
    response = public_client.get(API, params=params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_filters_narrow_the_api_results(public_client: TestClient, search_data: int) -> None:
    found = public_client.get(API, params={"q": "fares", "mode": "words", "country": "hr"})
    assert found.json()["total"] >= 1
    assert found.json()["filters"] == {"country": "HR"}
    none = public_client.get(API, params={"q": "fares", "mode": "words", "world_area": "asia"})
    assert none.json()["total"] == 0
    assert none.json()["hits"] == []


def test_the_page_shows_results_facets_and_escapes_what_records_hold(
    public_client: TestClient, search_data: int
) -> None:
    page = public_client.get("/knowledge/search", params={"q": "guide", "mode": "words"})
    assert page.status_code == 200
    assert "Integrated ticketing with Melbourne" in page.text
    assert "<mark>guide</mark>" in page.text
    assert "&lt;b&gt;integration&lt;/b&gt;" in page.text
    assert "<b>integration" not in page.text
    assert "/knowledge/search?q=guide&amp;mode=words&amp;country=HR" in page.text
    assert "Croatia" in page.text


def test_the_page_without_a_query_shows_the_box_and_a_bad_filter_says_why(
    public_client: TestClient,
) -> None:
    empty = public_client.get("/knowledge/search")
    assert empty.status_code == 200
    assert 'name="q"' in empty.text
    assert "result" not in empty.text
    wrong = public_client.get("/knowledge/search", params={"q": "bus", "year": "soon"})
    assert wrong.status_code == 422
    assert "A year is a number from 1900 to 2100." in wrong.text


def test_the_page_speaks_the_readers_language(public_client: TestClient, search_data: int) -> None:
    public_client.cookies.set("agora_lang", "hr")
    page = public_client.get("/knowledge/search", params={"q": "fares", "mode": "words"})
    assert page.status_code == 200
    assert 'lang="hr"' in page.text
    assert "Hrvatska" in page.text  # the country facet, named in Croatian
    assert "Pretraži bazu znanja" in page.text


def test_a_topic_is_found_under_its_name_in_the_readers_language(
    public_client: TestClient, db: Database, search_topics: dict[str, int], search_data: int
) -> None:
    names = {"en": "Urban mobility", "de": "Urbane Mobilität", "fr": "Mobilité urbaine"}
    with db.session() as session:
        topic = session.get_one(Topic, search_topics["mobility"])
        topic.names = names
        topic.description = "Public transport, active travel and logistics."
    public_client.cookies.set("agora_lang", "de")

    by_name = public_client.get(API, params={"q": "Mobilität", "mode": "words"}).json()
    [topic_hit] = [hit for hit in by_name["hits"] if hit["kind"] == "topic"]
    assert topic_hit["title"] == "Urbane Mobilität"
    assert any(s["match"] and s["text"].startswith("Mobilität") for s in topic_hit["snippet"])

    by_description = public_client.get(API, params={"q": "logistics", "mode": "words"}).json()
    [topic_hit] = [hit for hit in by_description["hits"] if hit["kind"] == "topic"]
    shown = "".join(s["text"] for s in topic_hit["snippet"])
    assert shown == "Public transport, active travel and logistics."  # not every name
