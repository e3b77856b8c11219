"""End to end in Chromium: a phone asks for the floor, the moderator gives it, the screen shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, expect

from agora.core.db import Database
from agora.events.services import create_event
from agora.floor import services
from agora.floor.models import FloorRequest
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser


def test_phone_asks_moderator_gives_the_floor_and_screen_shows_speaker_and_timer(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Curious minds", starts_on=dt.date(2023, 10, 10))
        code, screen_key, moderator_key = event.code, event.screen_key, event.moderator_key
    database.dispose()

    screen = browser.new_page(viewport={"width": 1280, "height": 720})
    screen_errors = watch_errors(screen)
    screen.goto(f"{live_server.url}/e/{code}/screen?key={screen_key}")
    floor_pane = screen.locator('[data-pane="floor"]')
    expect(floor_pane).to_be_hidden()  # no agenda item, nobody speaking: the poll pane
    expect(screen.locator('[data-pane="poll"]')).to_be_visible()
    screen.evaluate("window.__notReloaded = true")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    moderator = desk.new_page()
    moderator_errors = watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    expect(moderator.get_by_role("heading", name="Floor queue")).to_be_visible()
    moderator.evaluate("window.__notReloaded = true")

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = phone_context.new_page()
    phone_errors = watch_errors(phone)
    phone.goto(f"{live_server.url}/e/{code}")
    floor = phone.get_by_role("region", name="The microphone")
    floor.get_by_label("Name", exact=True).fill("Ivana Kovač")
    floor.get_by_label("Organisation").fill("Krapina-Zagorje County")
    floor.get_by_label("City or region").fill("Krapina-Zagorje")
    floor.get_by_label("Your topic, in a few words").fill("A Digital Innovation Hub for health")
    floor.get_by_role("button", name="Ask for the microphone").click()
    expect(phone.get_by_text("You are number 1 in line.")).to_be_visible()

    # The moderator sees the request arrive without a reload, and gives the floor.
    queue = moderator.locator("[data-floor-queue]")
    expect(queue).to_contain_text("Ivana Kovač")
    expect(queue).to_contain_text("A Digital Innovation Hub for health")
    queue.get_by_role("button", name=re.compile("^Give the floor.*Ivana Kovač")).click()
    expect(moderator.locator("[data-floor-current]")).to_contain_text("Ivana Kovač")

    # The screen switches to the floor pane and shows who speaks, from where, for how long.
    expect(floor_pane).to_be_visible()
    expect(screen.locator('[data-pane="poll"]')).to_be_hidden()
    expect(screen.locator("[data-floor-name]")).to_have_text("Ivana Kovač")
    expect(screen.locator("[data-floor-organisation]")).to_have_text("Krapina-Zagorje County")
    expect(screen.locator("[data-floor-place]")).to_have_text("Krapina-Zagorje")
    timer = screen.locator("[data-floor-timer]")
    expect(timer).to_have_text(re.compile(r"^00:0[0-2]$"))
    expect(timer).to_have_text(re.compile(r"^00:(0[1-9]|[1-5]\d)$"), timeout=5000)
    name_height = screen.locator("[data-floor-name]").evaluate(
        "node => parseFloat(getComputedStyle(node).fontSize) / window.innerHeight"
    )
    assert name_height >= 0.05  # read from the back of the room (UI.md)

    # The phone and the moderator's own timer follow.
    expect(phone.get_by_text("You have the floor: speak now.")).to_be_visible()
    expect(moderator.locator("[data-floor-current] [data-floor-timer]")).to_have_text(
        re.compile(r"^\d\d:\d\d$")
    )

    # Ending the turn gives the screen back to what the agenda shows.
    moderator.locator("[data-floor-current]").get_by_role(
        "button", name=re.compile("^End the turn")
    ).click()
    expect(floor_pane).to_be_hidden()
    expect(screen.locator('[data-pane="poll"]')).to_be_visible()
    expect(phone.get_by_text("Your turn is over")).to_be_visible()

    assert screen.evaluate("window.__notReloaded") is True
    assert moderator.evaluate("window.__notReloaded") is True
    assert screen_errors == []
    assert moderator_errors == []
    assert phone_errors == []
    phone_context.close()
    desk.close()


def test_moderator_keyboard_shortcuts_call_and_end_turns(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Shortcuts", starts_on=dt.date(2024, 1, 1))
        code, moderator_key = event.code, event.moderator_key
        from agora.floor.services import request_floor

        request_floor(session, event, None, name="Hamburg", place="Hamburg")
        request_floor(session, event, None, name="Genova", place="Genova")
    database.dispose()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    current = page.locator("[data-floor-current]")
    queue = page.locator("[data-floor-queue]")
    expect(queue).to_contain_text("Genova")
    queue.get_by_role("button", name=re.compile("^Move up.*Genova")).click()
    expect(queue.locator("li").first).to_contain_text("Genova")
    said = page.locator("[data-announce]")  # each shortcut says what it did
    page.keyboard.press("s")
    expect(current).to_contain_text("Genova")
    expect(said).to_have_text("Genova has the floor.")
    page.keyboard.press("s")
    expect(current).to_contain_text("Hamburg")
    expect(said).to_have_text("Hamburg has the floor.")
    page.keyboard.press("e")
    expect(current).to_contain_text("Nobody is speaking")
    expect(said).to_have_text("The turn of Hamburg has ended.")
    expect(page.locator("[data-floor-earlier]")).to_contain_text("Genova")
    page.keyboard.press("s")  # nobody waits: the refusal is shown, not thrown
    expect(page.locator("[data-floor-error]")).to_have_text("Nobody is waiting for the microphone.")
    assert errors == []


def test_earlier_requests_are_all_listed_and_filtered(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Busy floor", starts_on=dt.date(2024, 1, 1))
        code, moderator_key = event.code, event.moderator_key

        def ask(name: str, organisation: str = "") -> FloorRequest:
            return services.request_floor(
                session, event, None, name=name, organisation=organisation
            )

        # the first speaker, then seven withdrawn requests, then two more turns
        services.end_turn(session, services.give_floor(session, ask("José Early", "Murcia")))
        for n in range(1, 8):
            services.withdraw(session, ask(f"Withdrawn {n}"), None, moderator=True)
        for name in ("Anna Late", "Ivana Last"):
            services.end_turn(session, services.give_floor(session, ask(name, "Hamburg")))
    database.dispose()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    earlier = page.locator("[data-floor-earlier] > li[data-request]")
    expect(earlier).to_have_count(10)  # not only the last six
    expect(page.locator("[data-floor-earlier-count]")).to_have_text("10")
    early = earlier.filter(has_text="José Early")
    expect(early.get_by_role("link", name=re.compile("^Record the takeaway"))).to_be_visible()

    filters = page.locator("[data-floor-filter]")
    filters.get_by_label("Spoke").check()
    expect(earlier.locator("visible=true")).to_have_count(3)
    expect(page.locator("[data-floor-earlier-shown]")).to_have_text(
        "3 of 10 earlier requests shown."
    )
    filters.get_by_label("Withdrawn or taken out").check()
    expect(earlier.locator("visible=true")).to_have_count(7)
    filters.get_by_label("All").check()
    filters.get_by_label("Filter by name or organisation").press_sequentially("jose")
    expect(earlier.locator("visible=true")).to_have_count(1)  # accents do not matter
    expect(early).to_be_visible()
    filters.get_by_label("Filter by name or organisation").fill("hamburg")
    expect(earlier.locator("visible=true")).to_have_count(2)
    filters.get_by_label("Spoke").check()
    filters.get_by_label("Filter by name or organisation").fill("nobody")
    expect(earlier.locator("visible=true")).to_have_count(0)
    expect(page.locator("[data-floor-earlier]")).to_contain_text(
        "No earlier request matches the filter."
    )

    # A live update redraws the list and keeps the filter.
    filters.get_by_label("Filter by name or organisation").fill("withdrawn 3")
    filters.get_by_label("All").check()
    expect(earlier.locator("visible=true")).to_have_count(1)
    earlier.filter(has_text="Withdrawn 3").get_by_role(
        "button", name=re.compile("^Put back in the queue")
    ).click()
    expect(page.locator("[data-floor-queue]")).to_contain_text("Withdrawn 3")
    expect(earlier).to_have_count(9)
    expect(earlier.locator("visible=true")).to_have_count(0)
    assert errors == []
