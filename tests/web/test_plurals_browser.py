"""Counts drawn by the page scripts read as the server writes them, in every language.

The server sends a count's words by CLDR plural category (``plural_forms``) and the page
picks one with ``Intl.PluralRules`` of its ``<html lang>`` (``live.js`` ``countText``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from agora.core import i18n
from agora.core.db import Database
from agora.events.services import create_event
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser

COUNTS = [0, 1, 2, 5, 21, 101]
#: (message, plural, context): counts the live scripts draw on the phone.
MESSAGES = [
    ("%(num)s person waits for the microphone.", "%(num)s people wait for the microphone.", None),
    ("%(num)s vote", "%(num)s votes", "audience question"),
    ("%(num)s answer", "%(num)s answers", None),
]

#: Evaluated in the page: its own scripts' words for every count.
DRAW = """async (counts) => {
  const live = await import("/static/live.js");
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const floor = read("floor-strings"), qa = read("qa-strings");
  return {
    lang: document.documentElement.lang,
    waiting: counts.map((n) => live.countText(floor.waiting, n)),
    votes: counts.map((n) => live.countText(qa.votes, n)),
    answers: counts.map((n) => live.say(
      { number: n, singular: "%(num)s answer", plural: "%(num)s answers" })),
  };
}"""


@pytest.fixture
def event_code(live_server: LiveServer) -> str:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        code = create_event(session, title="Words", starts_on=dt.date(2023, 10, 10)).code
    database.dispose()
    return code


def server_words(language: str) -> dict[str, list[str]]:
    """Return what gettext writes for each count, as the server renders it."""
    i18n.set_language(language)
    try:
        out = {}
        for (singular, plural, context), key in zip(
            MESSAGES, ("waiting", "votes", "answers"), strict=True
        ):
            if context is None:
                out[key] = [i18n.ngettext(singular, plural, n) % {"num": n} for n in COUNTS]
            else:
                out[key] = [
                    i18n.npgettext(context, singular, plural, n) % {"num": n} for n in COUNTS
                ]
        return out
    finally:
        i18n.set_language("en")


def open_in(browser: Browser, url: str, language: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{url}/language?to={language}&back=/")
    return page, errors


@pytest.mark.parametrize("language", sorted(i18n.LANGUAGES))
def test_page_scripts_write_every_count_as_the_server_does(
    live_server: LiveServer, browser: Browser, event_code: str, language: str
) -> None:
    page, errors = open_in(browser, live_server.url, language)
    page.goto(f"{live_server.url}/e/{event_code}")

    drawn: dict[str, Any] = page.evaluate(DRAW, COUNTS)

    assert drawn.pop("lang") == language
    assert drawn == server_words(language)
    assert errors == []


def test_the_phone_counts_people_waiting_with_croatian_few_form(
    live_server: LiveServer, browser: Browser, event_code: str
) -> None:
    watcher, errors = open_in(browser, live_server.url, "hr")
    watcher.goto(f"{live_server.url}/e/{event_code}")
    count = watcher.locator("[data-floor-count]")
    expect(count).to_have_text("0 osoba čeka mikrofon.")
    watcher.evaluate("window.__notReloaded = true")

    for number, name in enumerate(["Ivana", "Marko"], start=1):
        phone, _errors = open_in(browser, live_server.url, "hr")
        phone.goto(f"{live_server.url}/e/{event_code}")
        phone.locator("#floor-name").fill(name)
        phone.locator(".floor-ask button[type=submit]").click()
        expect(phone.locator("[data-floor-mine-status]")).to_contain_text(str(number))

    expect(count).to_have_text("2 osobe čekaju mikrofon.")  # drawn by floor.js, live
    assert watcher.evaluate("window.__notReloaded") is True
    assert errors == []


def test_a_portuguese_phone_says_zero_people_in_the_plural(
    live_server: LiveServer, browser: Browser, event_code: str
) -> None:
    page, errors = open_in(browser, live_server.url, "pt-PT")
    page.goto(f"{live_server.url}/e/{event_code}")

    assert page.evaluate(DRAW, [0])["waiting"] == ["0 pessoas estão à espera do microfone."]
    expect(page.locator("[data-floor-count]")).to_have_text(
        "0 pessoas estão à espera do microfone."
    )
    assert errors == []
