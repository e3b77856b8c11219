"""End to end in Chromium: two phones ask and upvote; the screen and moderator follow live."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select

from agora.core.db import Database
from agora.events.agenda import add_item, set_now
from agora.events.models import AgendaKind, Event
from agora.events.schemas import AgendaItemIn
from agora.events.services import create_event
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 360, "height": 740}


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your question to the speakers").fill(text)
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Thank you, your question is in.")).to_be_visible()


def upvote(page: Page, text: str) -> None:
    item = page.locator(".qa-item", has_text=text)
    item.get_by_role("button", name="Upvote").click()
    expect(item.get_by_role("button", name="Upvote")).to_have_attribute("aria-pressed", "true")


def test_two_participants_upvote_and_the_screen_reorders_without_reload(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Partners day", starts_on=dt.date(2024, 3, 1))
        now = add_item(session, event, AgendaItemIn(kind=AgendaKind.qa, title="Questions"))
        set_now(session, event, now)  # the agenda's Q&A item: the screen shows the Q&A pane
        code, screen_key, moderator_key = event.code, event.screen_key, event.moderator_key

    screen = browser.new_page(viewport={"width": 1280, "height": 720})
    screen_errors = watch_errors(screen)
    screen.goto(f"{live_server.url}/e/{code}/screen?key={screen_key}")
    expect(screen.locator(".qa-screen")).to_be_visible()
    screen.evaluate("window.__notReloaded = true")
    moderator = browser.new_page(viewport={"width": 1280, "height": 800})
    moderator_errors = watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    moderator.evaluate("window.__notReloaded = true")

    phones = [browser.new_context(viewport=PHONE, is_mobile=True) for _ in range(2)]
    first, second = (context.new_page() for context in phones)
    phone_errors = [watch_errors(first), watch_errors(second)]
    for page in (first, second):
        page.goto(f"{live_server.url}/e/{code}")
    ask(first, "How did the partnership with Chengdu start?")
    ask(second, "Which networks helped you find partners?")

    texts = screen.locator(".qa-screen-item .qa-screen-text")
    expect(texts).to_have_text(
        ["How did the partnership with Chengdu start?", "Which networks helped you find partners?"]
    )
    # Each phone sees the other's question arrive without a reload.
    expect(first.locator(".qa-item")).to_have_count(2)
    # Newest first and back, without a reload.
    first.evaluate("window.__notReloaded = true")
    phone_texts = first.locator(".qa-item .qa-text")
    first.get_by_role("link", name="Newest").click()
    expect(phone_texts).to_have_text(
        ["Which networks helped you find partners?", "How did the partnership with Chengdu start?"]
    )
    expect(first.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "true")
    assert "qa_order=time" in first.url
    first.get_by_role("link", name="Most upvoted").click()
    expect(phone_texts.first).to_have_text("How did the partnership with Chengdu start?")
    assert first.evaluate("window.__notReloaded") is True

    # Both upvote the second question: it moves to the top of the screen.
    upvote(first, "Which networks")
    upvote(second, "Which networks")
    expect(texts).to_have_text(
        ["Which networks helped you find partners?", "How did the partnership with Chengdu start?"]
    )
    expect(screen.locator(".qa-screen-item").first.locator(".qa-count")).to_have_text("2")
    # The first phone's list follows too (most upvoted first), and so does the moderator.
    expect(first.locator(".qa-item .qa-text").first).to_have_text(
        "Which networks helped you find partners?"
    )
    expect(first.locator(".qa-item").first.locator(".qa-count")).to_have_text("2")
    approved = moderator.locator('[data-qa-list="approved"] .qa-item .qa-text')
    expect(approved.first).to_have_text("Which networks helped you find partners?")

    # Taking an upvote back is a toggle.
    item = second.locator(".qa-item", has_text="Which networks")
    item.get_by_role("button", name="Upvote").click()
    expect(item.get_by_role("button", name="Upvote")).to_have_attribute("aria-pressed", "false")
    expect(screen.locator(".qa-screen-item").first.locator(".qa-count")).to_have_text("1")

    assert screen.evaluate("window.__notReloaded") is True
    assert moderator.evaluate("window.__notReloaded") is True
    assert screen_errors == []
    assert moderator_errors == []
    assert phone_errors == [[], []]
    for context in phones:
        context.close()


def test_moderator_highlights_and_the_screen_shows_it_large(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Moderated", starts_on=dt.date(2024, 3, 1))
        event.qa_moderated = True
        now = add_item(session, event, AgendaItemIn(kind=AgendaKind.qa, title="Questions"))
        set_now(session, event, now)
        code, screen_key, moderator_key = event.code, event.screen_key, event.moderator_key
    database.dispose()

    screen = browser.new_page(viewport={"width": 1280, "height": 720})
    errors = watch_errors(screen)
    screen.goto(f"{live_server.url}/e/{code}/screen?key={screen_key}")
    moderator = browser.new_page(viewport={"width": 1280, "height": 800})
    errors += watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    errors += watch_errors(phone)
    phone.goto(f"{live_server.url}/e/{code}")

    phone.get_by_label("Your question to the speakers").fill("Is the question moderated?")
    phone.get_by_role("button", name="Send question").click()
    expect(phone.get_by_text("will appear once a moderator approves it")).to_be_visible()
    expect(phone.locator("[data-qa-mine] li")).to_have_count(1)
    expect(phone.locator('[data-qa-list="public"] .qa-item')).to_have_count(0)

    pending = moderator.locator('[data-qa-list="pending"] .qa-item')
    expect(pending).to_have_count(1)  # arrived live
    moderator.evaluate("window.notReloaded = true")
    pending.get_by_role("button", name="Approve").click()  # through the API, no reload
    approved = moderator.locator('[data-qa-list="approved"] .qa-item')
    expect(approved).to_have_count(1)
    expect(approved).to_be_focused()  # the question keeps the focus in its new list
    approved.get_by_role("button", name="Show on the screen").click()
    expect(
        moderator.locator("[data-announce], [role=status]").filter(has_text="Show on the screen")
    ).not_to_have_count(0)
    assert moderator.evaluate("window.notReloaded") is True

    # the rules form saves in place too
    moderator.get_by_label("Refuse questions with offensive words").check()
    moderator.get_by_role("button", name="Save the rules").click()
    expect(moderator.locator("[role=status]").filter(has_text="Done.")).not_to_have_count(0)
    assert moderator.evaluate("window.notReloaded") is True
    with database.session() as session:
        assert session.scalars(select(Event.qa_profanity_filter)).one() is True

    spotlight = screen.locator("[data-qa-spotlight]")
    expect(spotlight).to_be_visible()
    expect(spotlight.locator('[data-qa-field="text"]')).to_have_text("Is the question moderated?")
    expect(phone.locator('[data-qa-list="public"] .qa-item')).to_have_count(1)
    expect(phone.locator("[data-qa-mine-box]")).to_be_hidden()
    size = screen.locator(".qa-spotlight-text").evaluate(
        "node => parseFloat(getComputedStyle(node).fontSize) / window.innerHeight"
    )
    assert size >= 0.05  # the largest text: at least 5% of the screen's height
    assert errors == []
