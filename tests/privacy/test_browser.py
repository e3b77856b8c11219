"""In Chromium: the privacy pages pass axe, and a participant erases their data by clicking."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.events.services import create_event
from agora.registrations.details import clean_details
from agora.registrations.services import register
from tests.browser import LiveServer

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "correct horse battery"


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def test_privacy_pages_pass_axe_and_erasing_works_by_clicking(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        owner = create_organiser(session, email="owner@region.example", password=PASSWORD)
        event = create_event(
            session,
            title="Partners day",
            starts_on=dt.date(2024, 3, 1),
            ask_identity=True,
            organiser_id=owner.id,
        )
        person = register(session, event, clean_details(name="Ivana", email="ivana@kzz.hr"))
        code, token, person_id = event.code, person.token, person.id
    database.dispose()
    base = f"{live_server.url}/e/{code}"
    found: dict[str, list[str]] = {}

    phone = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = phone.new_page()
    page.goto(f"{base}/privacy")
    found["notice"] = violations(page)
    page.goto(f"{base}/registration/{token}/erase")
    found["erase a registration"] = violations(page)
    page.goto(base)
    page.get_by_label("Your name").fill("Ana")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    found["your data"] = violations(page)
    page.get_by_role("link", name="Erase your data").click()
    found["erase your data"] = violations(page)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_role("status")).to_contain_text("Your data is erased")
    found["erased"] = violations(page)
    phone.close()

    laptop = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    page = laptop.new_page()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail address").fill("owner@region.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/privacy/settings")
    found["privacy settings"] = violations(page)
    page.goto(f"{base}/people?q=ivana")
    expect(page.locator(f"#registration-{person_id}")).to_contain_text("ivana@kzz.hr")
    found["people's data"] = violations(page)
    laptop.close()

    assert found == {name: [] for name in found}
