"""In the browser: the knowledge pages pass axe on a phone and a projector, the map and graph
show the cooperations, and an organiser reaches them from the events page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.accounts.services import create_organiser
from agora.core.db import Database
from tests.browser import LiveServer, watch_errors
from tests.knowledge.conftest import PagesWorld, seed_world

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
#: Set AGORA_SCREENSHOTS to a folder to keep a picture of each page at each width.
SHOTS = os.environ.get("AGORA_SCREENSHOTS", "")
EMAIL, PASSWORD = "officer@region.example", "correct horse battery"


def seeded(server: LiveServer) -> PagesWorld:
    database = Database(server.settings.database_url)
    try:
        with database.session() as session:
            create_organiser(session, email=EMAIL, password=PASSWORD)
        return seed_world(database)
    finally:
        database.dispose()


def signed_in(browser: Browser, server: LiveServer, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/events$"))
    return page


def axe(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{SHOTS}/knowledge-{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "projector"])
def test_every_knowledge_page_passes_axe(
    live_server: LiveServer, browser: Browser, viewport: dict[str, int]
) -> None:
    world = seeded(live_server)
    page = signed_in(browser, live_server, viewport)
    errors = watch_errors(page)
    pages = {
        "directory": "/knowledge",
        "filtered": "/knowledge?world_area=europe&topic=mobility",
        "actor": f"/knowledge/actors/{world.zagorje.id}",
        "network": f"/knowledge/actors/{world.eurocities.id}",
        "cooperation": f"/knowledge/cooperations/{world.first.id}",
        "map": "/knowledge/map",
        "world": "/knowledge/map?view=world",
        "graph": "/knowledge/graph",
    }
    found = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        shoot(page, name)
        found[name] = axe(page)
    assert found == {name: [] for name in pages}
    assert errors == []
    # nothing is wider than the screen but the map and graph, which scroll in their box
    page.goto(live_server.url + "/knowledge")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


def test_map_and_graph_show_the_cooperations_and_open_an_actor(
    live_server: LiveServer, browser: Browser
) -> None:
    world = seeded(live_server)
    page = signed_in(browser, live_server, PROJECTOR)
    page.get_by_role("link", name="Knowledge base").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge base")
    page.get_by_role("link", name="Map", exact=True).click()
    dots = page.locator(".kb-dots a")
    expect(dots).to_have_count(6)
    expect(page.locator(".kb-lines path")).to_have_count(5)
    # the map fills the width of the projector's page and keeps its proportions
    box = page.locator("svg.kb-map").bounding_box()
    assert box is not None
    assert box["width"] > 1000
    assert 2 < box["width"] / box["height"] < 2.6
    page.get_by_role("link", name=re.compile(r"^Guangdong: 1 cooperation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guangdong")
    page.get_by_role("link", name="Network graph").click()
    expect(page.locator(".kb-nodes a")).to_have_count(5)
    expect(page.locator(".kb-edges line")).to_have_count(5)
    page.locator(".kb-nodes a").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/knowledge/actors/\d+$"))
    assert world.zagorje.id > 0


def test_a_visitor_signs_in_and_comes_back_to_the_page(
    live_server: LiveServer, browser: Browser
) -> None:
    world = seeded(live_server)
    page = browser.new_context(viewport=PHONE).new_page()  # type: ignore[arg-type]
    page.goto(f"{live_server.url}/knowledge/cooperations/{world.first.id}")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Smart mobility partnership")
    evidence = page.get_by_role("link", name="https://example.org/mou")
    expect(evidence).to_have_attribute("rel", "noopener nofollow")
