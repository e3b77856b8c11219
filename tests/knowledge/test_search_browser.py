"""In Chromium: the search page passes axe on a phone and a laptop, and facets narrow results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.core.db import Database
from agora.core.settings import Settings
from agora.knowledge import search_index
from agora.knowledge.models import (
    Actor,
    ActorKind,
    Cooperation,
    CooperationActor,
    CooperationOutcome,
    Lesson,
    OutcomeKind,
)
from tests.browser import LiveServer
from tests.conftest import SECRET

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


@pytest.fixture
def public_server(sqlite_url: str) -> Iterator[LiveServer]:
    """Agora with a public knowledge base, holding two cooperations."""
    search_index.forget_memory()
    database = Database(sqlite_url)
    with database.session() as session:
        zagorje = Actor(name="Krapina-Zagorje County", kind=ActorKind.region, country="HR")
        liguria = Actor(name="Region of Liguria", kind=ActorKind.region, country="IT")
        session.add_all([zagorje, liguria])
        session.flush()
        for title, actor, lesson, outcome in (
            (
                "Bus fares with Melbourne",
                zagorje,
                "Integrated bus fares grew ridership.",
                "guideline",
            ),
            (
                "Festival buses in Liguria",
                liguria,
                "Festival buses carried visitors.",
                "joint_project",
            ),
        ):
            cooperation = Cooperation(title=title, started_on=dt.date(2022, 5, 1))
            session.add(cooperation)
            session.flush()
            session.add(CooperationActor(cooperation_id=cooperation.id, actor_id=actor.id))
            session.add(Lesson(cooperation_id=cooperation.id, text=lesson, language="en"))
            session.add(
                CooperationOutcome(
                    cooperation_id=cooperation.id, kind=OutcomeKind(outcome), description=lesson
                )
            )
    database.dispose()
    settings = Settings(
        database_url=sqlite_url,
        secret_key=SECRET,
        knowledge_public=True,
        retention_interval_hours=0,
        _env_file=None,
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()
    search_index.forget_memory()


def test_search_page_passes_axe_and_a_facet_narrows_the_results(
    public_server: LiveServer, browser: Browser
) -> None:
    found: dict[str, list[str]] = {}
    phone = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = phone.new_page()
    page.goto(f"{public_server.url}/knowledge/search")
    found["empty, phone"] = violations(page)
    page.get_by_label("Lessons, outcomes, partners and topics").fill("bus")
    page.get_by_label("Words only").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Bus fares with Melbourne")).to_be_visible()
    expect(page.get_by_role("link", name="Festival buses in Liguria")).to_be_visible()
    found["results, phone"] = violations(page)
    page.get_by_role("link", name="Italy").click()
    expect(page.get_by_role("link", name="Festival buses in Liguria")).to_be_visible()
    expect(page.get_by_role("link", name="Bus fares with Melbourne")).to_have_count(0)
    expect(page.get_by_role("link", name="Country: Italy")).to_be_visible()
    phone.close()

    laptop = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    page = laptop.new_page()
    page.goto(f"{public_server.url}/knowledge/search?q=festival&mode=words&year=soon")
    expect(page.get_by_role("alert")).to_contain_text("A year is a number")
    found["error, laptop"] = violations(page)
    page.goto(f"{public_server.url}/knowledge/search?q=festival&mode=words")
    found["results, laptop"] = violations(page)
    laptop.close()
    assert {name: v for name, v in found.items() if v} == {}
