"""In Chromium: the report page passes axe on a phone and a laptop, and works by its forms."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.core.db import Database
from agora.demo.reference import create_reference_session
from tests.browser import LiveServer, watch_errors

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


def reference(server: LiveServer) -> tuple[str, str]:
    database = Database(server.settings.database_url)
    with database.session() as session:
        event = create_reference_session(session, simulate_ballots=20)
        keys = (event.code, event.moderator_key)
    database.dispose()
    return keys


def test_the_report_page_passes_axe_and_publishes_a_link(
    live_server: LiveServer, browser: Browser
) -> None:
    code, key = reference(live_server)
    found: dict[str, list[str]] = {}
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        errors = watch_errors(page)
        page.goto(f"{live_server.url}/e/{code}/moderate?key={key}")
        page.get_by_role("link", name="Write and share the report").click()
        expect(page.get_by_role("heading", name="Write the report")).to_be_visible()
        found[name] = violations(page)
        assert errors == []
        context.close()
    assert found == {"phone": [], "laptop": []}

    context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?key={key}")
    page.goto(f"{live_server.url}/e/{code}/report")
    conclusions = page.locator("#section-conclusions")
    conclusions.locator(".draft").first.get_by_role("button", name="Accept").click()
    expect(page.locator("#section-conclusions [role=status]")).to_contain_text("added")
    expect(page.locator("#text-conclusions")).to_have_value(re.compile("most wanted answer"))
    page.get_by_role("button", name="Switch the public link on").click()
    link = page.locator("#public-link").input_value()
    found["published"] = violations(page)
    assert found["published"] == []
    reader = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    shown = reader.new_page()
    response = shown.goto(link)
    assert response is not None
    assert response.status == 200
    expect(shown.get_by_role("heading", name="Conclusions")).to_be_visible()
