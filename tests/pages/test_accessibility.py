"""axe finds no WCAG 2.1 AA violation on any kind of page Agora serves."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.demo.reference import create_reference_session
from agora.events.agenda import agenda, set_now
from agora.events.models import AgendaKind
from agora.polls.models import Question
from agora.registrations.services import event_registrations
from tests.browser import LiveServer

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1280, "height": 720}


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def check(
    browser: Browser, url: str, viewport: dict[str, int], *, moderator_key: str = ""
) -> list[str]:
    """Open ``url`` in a fresh browser (signed in as moderator if a key is given) and run axe."""
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    if moderator_key:
        page.goto(url.split("/e/")[0] + f"/e/EUREG23/moderate?key={moderator_key}")
    page.goto(url)
    page.wait_for_load_state("load")
    found = violations(page)
    context.close()
    return found


def test_every_page_kind_passes_axe(live_server: LiveServer, browser: Browser) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_reference_session(session)
        create_organiser(session, email="staff@region.example", password="correct horse battery")
        screen_key, moderator_key = event.screen_key, event.moderator_key
        token = event_registrations(session, event.id)[0].token
        open_text = session.scalars(select(Question).where(Question.kind == "open_text")).one().id
    base = live_server.url
    pages: dict[str, tuple[str, dict[str, int], str]] = {
        "start": ("/", PHONE, ""),
        "unknown code": ("/join?code=NOPE99", PHONE, ""),
        "sign in": ("/login", PHONE, ""),
        "participant": ("/e/EUREG23", PHONE, ""),
        "registration form": ("/e/EUREG23/register", PHONE, ""),
        "confirmation": (f"/e/EUREG23/registration/{token}", PHONE, ""),
        "screen with a poll": (f"/e/EUREG23/screen?key={screen_key}", PROJECTOR, ""),
        "moderator": ("/e/EUREG23/moderate", LAPTOP, moderator_key),
        "registrations": ("/e/EUREG23/registrations", LAPTOP, moderator_key),
        "door": (f"/e/EUREG23/checkin/{token}", PHONE, moderator_key),
        "themes": (f"/e/EUREG23/moderate/themes/{open_text}", LAPTOP, moderator_key),
    }
    found: dict[str, Any] = {
        name: check(browser, base + path, viewport, moderator_key=key)
        for name, (path, viewport, key) in pages.items()
    }
    # the screen's other panes: Q&A and the audience's turn
    for kind in (AgendaKind.qa, AgendaKind.audience):
        with database.session() as session:
            stored = session.merge(event)
            item = next(i for i in agenda(session, stored.id) if i.kind is kind)
            set_now(session, stored, item)
        found[f"screen during {kind.value}"] = check(
            browser, f"{base}/e/EUREG23/screen?key={screen_key}", PROJECTOR
        )
    database.dispose()
    assert found == {name: [] for name in found}
