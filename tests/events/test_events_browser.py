"""In the browser: create an event in its time zone, build its agenda by keyboard, duplicate,
archive and delete it, and axe on every organiser page at phone and laptop widths."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.demo.reference_data import AGENDA
from agora.events import agenda
from agora.events.models import Event
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
#: Set AGORA_SCREENSHOTS to a folder to keep a picture of each page at each width.
SHOTS = os.environ.get("AGORA_SCREENSHOTS", "")
EMAIL, PASSWORD = "officer@region.example", "correct horse battery"
SPEAKERS = [(title, organisation) for kind, title, organisation in AGENDA if kind == "speaker"]


def organiser(server: LiveServer) -> None:
    database = Database(server.settings.database_url)
    with database.session() as session:
        create_organiser(session, email=EMAIL, password=PASSWORD)
    database.dispose()


def signed_in(browser: Browser, server: LiveServer, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport, timezone_id="Europe/Paris").new_page()  # type: ignore[arg-type]
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/events$"))
    return page


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def axe(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def add_item(page: Page, kind: str, title: str, organisation: str = "", minutes: str = "") -> None:
    form = page.locator("#add-item")
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Title").fill(title)
    if organisation:
        form.get_by_label("Speaker's organisation (optional)").fill(organisation)
    form.get_by_label("Planned duration in minutes (optional)").fill(minutes)
    form.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("[role=status]")).to_contain_text("is added to the agenda")


def test_event_in_buenos_aires_gets_its_agenda_times_and_keyboard_order(
    live_server: LiveServer, browser: Browser
) -> None:
    organiser(live_server)
    page = signed_in(browser, live_server, LAPTOP)
    errors = watch_errors(page)
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Europe/Paris")  # the browser's zone, offered by the script
    page.get_by_label("Title").fill("Curious minds")
    page.get_by_label("Date").fill("2031-10-10")
    page.get_by_label("Start time (optional)").fill("14:30")
    zone.fill("Mars/Olympus")
    page.get_by_role("button", name="Create the event").click()
    expect(page.locator(".error-summary")).to_contain_text("'Mars/Olympus' is not a time zone")
    expect(page.get_by_label("Title")).to_have_value("Curious minds")  # what was typed stays
    page.get_by_label("Time zone").fill("America/Argentina/Buenos_Aires")
    page.get_by_label("Venue (optional)").fill("Centro Cultural Kirchner")
    page.get_by_label("Default language").select_option("es")
    page.get_by_label("Capacity (seats) (optional)").fill("144")
    page.get_by_role("button", name="Create the event").click()
    page.wait_for_url(re.compile(r"/e/\w+/agenda"))
    expect(page.get_by_text("14:30 (America/Argentina/Buenos_Aires)")).to_be_visible()

    add_item(page, "Introduction", "Introduction and expectation setting", minutes="10")
    for title, organisation in SPEAKERS:  # EURADA, then EUROCITIES
        add_item(page, "Speaker intervention", title, organisation, minutes="15")
    items = page.locator(".builder-item")
    expect(items).to_have_count(3)
    expect(items.nth(1).locator("[data-item-start]")).to_have_text("14:40")
    expect(items.nth(2).locator("[data-item-start]")).to_have_text("14:55")
    expect(page.locator("[data-agenda-end]")).to_have_text("15:10")
    shoot(page, "agenda-builder")

    # EUROCITIES before EURADA, by keyboard: focus the item, Alt+↑
    eurocities = items.nth(2)
    eurocities.focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(items.nth(1)).to_contain_text("EUROCITIES")
    expect(items.nth(1)).to_be_focused()
    expect(items.nth(1).locator("[data-item-start]")).to_have_text("14:40")
    expect(page.locator("[data-announce]")).to_have_text(re.compile(r"position 2 of 3"))
    expect(page.locator("[data-builder]")).to_have_attribute("data-saved", "1")
    page.reload()
    expect(page.locator(".builder-item").nth(1)).to_contain_text("EUROCITIES")
    expect(page.locator(".builder-item").nth(2)).to_contain_text("EURADA")
    # the Move up button does the same, without leaving the page
    page.locator(".builder-item").nth(2).get_by_role("button", name=re.compile("Move up")).click()
    expect(page.locator(".builder-item").nth(1)).to_contain_text("EURADA")
    expect(page.locator("[data-builder]")).to_have_attribute("data-saved", "1")
    assert errors == []

    code = page.url.split("/e/")[1].split("/")[0]
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = session.scalar(select(Event).where(Event.code == code))
        assert event is not None
        assert event.time_zone == "America/Argentina/Buenos_Aires"
        stored = [i.speaker_organisation for i in agenda.agenda(session, event.id)]
    database.dispose()
    assert stored == ["", "EURADA", "EUROCITIES"]


def test_duplicate_archive_and_delete_with_confirmation(
    live_server: LiveServer, browser: Browser
) -> None:
    organiser(live_server)
    page = signed_in(browser, live_server, PHONE)
    page.get_by_label("Title").fill("Partners day")
    page.get_by_label("Date").fill("2031-05-06")
    page.get_by_role("button", name="Create the event").click()
    add_item(page, "Break", "Coffee", minutes="20")
    page.get_by_role("link", name="Your events").click()

    page.get_by_role("button", name=re.compile("^Duplicate as a template")).click()
    expect(page.locator("[role=status]")).to_contain_text("is a copy with its own join code")
    page.get_by_label("Title").fill("Partners day 2032")
    page.get_by_label("Date").fill("2032-05-06")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator(".event-card")).to_have_count(2)
    page.locator(".event-card", has_text="2032").get_by_role("link", name="Agenda").click()
    expect(page.locator(".builder-item")).to_contain_text("Coffee")  # the agenda came along
    page.get_by_role("link", name="Your events").click()

    page.get_by_role("button", name=re.compile("^Archive.*2032")).click()
    expect(page.locator("[role=status]")).to_contain_text("is archived")
    expect(page.locator(".event-card")).to_have_count(1)
    page.get_by_role("link", name="Archived events (1)").click()
    page.get_by_role("link", name=re.compile("^Delete.*2032")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Partners day 2032”?")
    shoot(page, "delete-confirmation")
    page.get_by_role("button", name="Delete “Partners day 2032” for good").click()
    expect(page.locator("[role=status]")).to_contain_text("and everything of it are deleted")
    expect(page.get_by_role("link", name="Archived events (0)")).to_be_visible()


def test_organiser_pages_pass_axe_at_phone_and_laptop_widths(
    live_server: LiveServer, browser: Browser
) -> None:
    organiser(live_server)
    found: dict[str, list[str]] = {}
    for viewport in (PHONE, LAPTOP):
        page = signed_in(browser, live_server, viewport)
        width = viewport["width"]
        if width == PHONE["width"]:
            page.get_by_label("Title").fill("Curious minds")
            page.get_by_label("Date").fill("2031-10-10")
            page.get_by_label("Start time (optional)").fill("14:30")
            page.get_by_role("button", name="Create the event").click()
            add_item(page, "Speaker intervention", SPEAKERS[0][0], SPEAKERS[0][1], "15")
            add_item(page, "Q&A", "Questions to the network speakers", minutes="20")
        page.goto(f"{live_server.url}/events")
        found[f"events {width}"] = axe(page)
        shoot(page, "events")
        if not page.get_by_role("button", name="Create the event").is_visible():
            page.locator("summary", has_text="Create an event").click()
        page.get_by_role("button", name="Create the event").click()  # empty: every error
        found[f"events with errors {width}"] = axe(page)
        shoot(page, "events-errors")
        page.goto(f"{live_server.url}/events")
        page.get_by_role("link", name="Agenda").first.click()
        found[f"agenda {width}"] = axe(page)
        shoot(page, "agenda-builder")
        page.get_by_role("button", name="Add to the agenda").click()  # empty: errors
        found[f"agenda with errors {width}"] = axe(page)
        page.get_by_role("link", name=re.compile("^Edit")).first.click()
        found[f"edit item {width}"] = axe(page)
        shoot(page, "edit-item")
        page.get_by_role("link", name="Agenda").click()
        page.get_by_role("link", name=re.compile("^Remove")).first.click()
        found[f"remove item {width}"] = axe(page)
        page.goto(page.url.split("/agenda")[0] + "/settings")
        found[f"settings {width}"] = axe(page)
        shoot(page, "settings")
        page.goto(page.url.replace("/settings", "/delete"))
        found[f"delete {width}"] = axe(page)
        page.context.close()
    assert {name: v for name, v in found.items() if v} == {}
