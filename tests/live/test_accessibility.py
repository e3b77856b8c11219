"""axe finds no WCAG 2.1 AA violation on the start, participant, screen and moderator pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from agora.core.db import Database
from agora.events.reference import create_reference_session
from tests.live.conftest import LiveServer

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def test_every_page_kind_passes_axe(live_server: LiveServer, browser: Browser) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_reference_session(session)
        keys = (event.screen_key, event.moderator_key)
    database.dispose()
    pages = {
        "start": ("/", {"width": 360, "height": 740}),
        "participant": ("/e/EUREG23", {"width": 360, "height": 740}),
        "screen": (f"/e/EUREG23/screen?key={keys[0]}", {"width": 1280, "height": 720}),
        "moderator": (f"/e/EUREG23/moderate?key={keys[1]}", {"width": 1280, "height": 800}),
        "unknown code": ("/join?code=NOPE99", {"width": 360, "height": 740}),
    }
    found = {}
    for name, (path, viewport) in pages.items():
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        found[name] = violations(page)
        context.close()
    assert found == {name: [] for name in pages}
