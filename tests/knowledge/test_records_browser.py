"""In Chromium: the promotion review page and the import page pass axe, on a phone too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.events.services import create_event
from agora.takeaways import services as takeaway_services
from tests.browser import LiveServer, watch_errors
from tests.knowledge.test_promotion import MURCIA
from tests.takeaways.conftest import hamburg

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
FILES = Path(__file__).parent / "files"
PASSWORD = "a long enough password"


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def setup(server: LiveServer) -> tuple[str, str, int]:
    """Create an organiser and an event with Murcia's approved takeaway."""
    database = Database(server.settings.database_url)
    with database.session() as session:
        create_organiser(session, email="kb@example.org", password=PASSWORD, name="KB")
        event = create_event(session, title="Partners day", starts_on=dt.date(2023, 10, 10))
        takeaway = takeaway_services.create_takeaway(
            session, event, hamburg(**MURCIA), takeaway_services.Actor(moderator=True)
        )
        found = (event.code, event.moderator_key, takeaway.id)
    database.dispose()
    return found


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_review_and_import_pages_pass_axe(
    live_server: LiveServer, browser: Browser, viewport: dict[str, int]
) -> None:
    code, key, _takeaway_id = setup(live_server)
    found: dict[str, list[str]] = {}
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/e/{code}/moderate?key={key}")
    page.get_by_role("link", name="Add to the knowledge base").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to the knowledge base")
    found["review"] = violations(page)
    page.evaluate("document.querySelectorAll('[required]').forEach(e => e.required = false)")
    page.get_by_role("button", name="Add to the knowledge base").click()
    expect(page.locator("#promote-error")).to_contain_text("Choose which actor")
    found["review with error"] = violations(page)
    page.locator('input[value="place:ES-MC"]').check()
    page.get_by_role("button", name="Add to the knowledge base").click()
    # a moderator by the shared link may not read the knowledge base: back to moderating
    expect(page).to_have_url(f"{live_server.url}/e/{code}/moderate#takeaways")

    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail address").fill("kb@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/knowledge/import")
    found["import"] = violations(page)
    page.get_by_label("File", exact=True).set_input_files(str(FILES / "bad.json"))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-problems")).to_contain_text("actors[1].country")
    found["import with problems"] = violations(page)
    page.get_by_label("File", exact=True).set_input_files(str(FILES / "good.json"))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("new cooperations: 1")
    found["import done"] = violations(page)
    page.goto(f"{live_server.url}/knowledge/topics")
    found["topics"] = violations(page)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}
    assert errors == []
