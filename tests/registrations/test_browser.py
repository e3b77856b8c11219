"""In Chromium: the registration pages pass axe, figures follow live, the door search filters."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from agora.core.db import Database
from agora.events.services import create_event
from agora.registrations import services
from agora.registrations.models import Registration
from tests.browser import LiveServer, watch_errors
from tests.registrations.conftest import csv_file, details

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


def setup(server: LiveServer) -> tuple[str, str, str, str]:
    """Create an event with two registrations; return its code, moderator key and two tokens."""
    database = Database(server.settings.database_url)
    with database.session() as session:
        event = create_event(
            session, title="Partners day", starts_on=dt.date(2024, 3, 1), capacity=2
        )
        ana = services.register(session, event, details("José Pérez", organisation="Murcia"))
        ben = services.register(session, event, details("Anna Schmidt", organisation="Hamburg"))
        keys = (event.code, event.moderator_key, ana.token, ben.token)
    database.dispose()
    return keys


def newest_token(server: LiveServer) -> str:
    """Return the link's token of the latest registration (the one the e-mail carries)."""
    database = Database(server.settings.database_url)
    with database.session() as session:
        token = session.scalars(
            select(Registration.token).order_by(Registration.id.desc()).limit(1)
        ).one()
    database.dispose()
    return token


def test_registration_pages_pass_axe(live_server: LiveServer, browser: Browser) -> None:
    code, key, token, _other = setup(live_server)
    found: dict[str, list[str]] = {}

    phone = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = phone.new_page()
    page.goto(f"{live_server.url}/e/{code}/register")
    found["form"] = violations(page)
    page.get_by_label("Name").fill("<b>Ivana</b>")
    page.get_by_label("E-mail address").fill("ivana@kzz.hr")
    page.evaluate("document.querySelector('#r-email').type = 'text'")  # let a bad one through
    page.get_by_label("E-mail address").fill("ivana-at-kzz")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#r-email-error")).to_contain_text("is not an e-mail address")
    found["form with errors"] = violations(page)
    page.get_by_label("E-mail address").fill("ivana@kzz.hr")
    page.get_by_label("Country (optional)").select_option("HR")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    found["sent"] = violations(page)
    page.goto(f"{live_server.url}/e/{code}/registration/{newest_token(live_server)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    expect(page.locator(".ticket-qr svg")).to_be_visible()
    found["confirmation"] = violations(page)
    phone.close()

    laptop = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    page = laptop.new_page()
    page.goto(f"{live_server.url}/e/{code}/moderate?key={key}")
    found["moderator with attendance"] = violations(page)
    page.goto(f"{live_server.url}/e/{code}/registrations")
    found["list"] = violations(page)
    page.locator("#import-file").set_input_files(
        {"name": "p.csv", "mimeType": "text/csv", "buffer": csv_file("Name,Email", ",x")}
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("table.report")).to_be_visible()
    found["list with import report"] = violations(page)
    page.locator("#w-email").evaluate("node => { node.type = 'text'; }")
    page.locator("#w-name").evaluate("node => { node.required = false; }")  # server's message
    page.locator("#w-email").fill("nope")
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator("#w-name-error")).to_be_visible()
    found["list with walk-in errors"] = violations(page)
    page.goto(f"{live_server.url}/e/{code}/checkin/{token}")
    found["door"] = violations(page)
    laptop.close()

    anonymous = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    anonymous.goto(f"{live_server.url}/e/{code}/checkin/{token}")
    found["door refused"] = violations(anonymous)
    anonymous.close()

    assert found == {name: [] for name in found}


def test_door_search_filters_while_typing_and_figures_follow_live(
    live_server: LiveServer, browser: Browser
) -> None:
    code, key, token, _other = setup(live_server)
    context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    door = context.new_page()
    errors = watch_errors(door)
    door.goto(f"{live_server.url}/e/{code}/moderate?key={key}")
    moderator = context.new_page()
    moderator_errors = watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate")
    door.goto(f"{live_server.url}/e/{code}/registrations")

    rows = door.locator("table.registrations tbody tr")
    expect(rows).to_have_count(2)
    door.get_by_label("Search by name, organisation or e-mail").fill("jose")
    expect(rows.filter(has_text="José Pérez")).to_be_visible()
    expect(rows.filter(has_text="Anna Schmidt")).to_be_hidden()

    # Checking someone in at the door updates the moderator page's card without a reload.
    moderator.evaluate("window.__notReloaded = true")
    expect(moderator.locator('[data-figure="present"]')).to_have_text("0")
    door.goto(f"{live_server.url}/e/{code}/checkin/{token}")
    door.get_by_role("button", name="Check in José Pérez").click()
    expect(door.locator(".notice[role=status]")).to_have_text("José Pérez is checked in.")
    expect(moderator.locator('[data-figure="present"]')).to_have_text("1")
    expect(moderator.locator('[data-figure="occupancy"]')).to_have_text("50 %")
    assert moderator.evaluate("window.__notReloaded") is True
    assert errors == []
    assert moderator_errors == []
    context.close()
