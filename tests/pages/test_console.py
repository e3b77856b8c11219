"""The moderator console in Chromium: actions redraw in place, shortcuts act on the current poll.

Each test marks the page with a script variable: it survives only if the page never reloads.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.agenda import add_item, set_now
from agora.events.models import AgendaKind
from agora.events.schemas import AgendaItemIn
from agora.events.services import create_event
from agora.polls.models import Poll, PollState, Response
from agora.polls.schemas import PollIn
from agora.polls.services import create_poll, open_poll
from tests.browser import LiveServer, watch_errors
from tests.conftest import question
from tests.pages.test_accessibility import violations

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}


def open_console(browser: Browser, server: LiveServer, code: str, key: str) -> Page:
    """Sign a fresh browser in as moderator and open the console, marked against reloads."""
    page = browser.new_page(viewport=LAPTOP)  # type: ignore[arg-type]
    page.goto(f"{server.url}/e/{code}/moderate?key={key}")
    expect(page.locator(".mod-poll.is-current")).to_have_count(1)  # the script is ready
    page.evaluate("window.__notReloaded = true")
    return page


def card(page: Page, title: str) -> Locator:
    return page.locator(".mod-poll", has=page.get_by_role("heading", name=re.compile(title)))


def poll_states(database: Database, event_id: int) -> dict[str, str]:
    with database.session() as session:
        polls = session.scalars(select(Poll).where(Poll.event_id == event_id)).all()
        return {p.title: p.state.value for p in polls}


def test_o_closes_only_the_current_poll_and_says_so(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Two open polls", starts_on=dt.date(2024, 3, 1))
        first = create_poll(session, event, PollIn(title="Warm-up", questions=[question("rating")]))
        second = create_poll(
            session, event, PollIn(title="World areas", questions=[question("ranking")])
        )
        open_poll(session, first)
        open_poll(session, second)
        item = add_item(
            session,
            event,
            AgendaItemIn(kind=AgendaKind.poll, title="Ranking", poll_id=second.id),
        )
        add_item(session, event, AgendaItemIn(kind=AgendaKind.qa, title="Questions"))
        set_now(session, event, item)
        code, key, event_id = event.code, event.moderator_key, event.id

    page = open_console(browser, live_server, code, key)
    errors = watch_errors(page)
    said = page.locator("[data-announce]")
    warm_up, areas = card(page, "Warm-up"), card(page, "World areas")
    # The agenda's "now" item points to the second poll: it is the current one, visibly.
    expect(areas).to_have_class(re.compile(r"\bis-current\b"))
    expect(areas.locator("[data-current-badge]")).to_be_visible()
    expect(warm_up.locator("[data-current-badge]")).to_be_hidden()
    assert page.evaluate("document.activeElement === document.body")  # nothing focused

    page.keyboard.press("o")
    expect(said).to_have_text("Closed “World areas”.")
    expect(areas).to_have_attribute("data-state", "closed")
    expect(areas.get_by_role("button", name=re.compile("^Reopen"))).to_be_visible()
    expect(warm_up).to_have_attribute("data-state", "open")
    assert poll_states(database, event_id) == {"Warm-up": "open", "World areas": "closed"}

    # Typing in a field is never a shortcut.
    page.locator("summary", has_text="Add an agenda item").click()
    page.locator("#agenda-title").press_sequentially("Open round up, please")
    page.locator("#agenda-title").blur()
    assert poll_states(database, event_id) == {"Warm-up": "open", "World areas": "closed"}

    # ] moves "now" to the Q&A item, in place. Without an agenda poll the poll used last is
    # the current one (here the one just closed), not the first open one.
    page.keyboard.press("]")
    expect(said).to_have_text("Now: Questions")
    expect(page.locator(".agenda-item.is-now")).to_contain_text("Questions")
    expect(areas).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("o")
    expect(said).to_have_text("Reopened “World areas”; its answers are kept.")

    # A button makes its poll the current one and keeps the focus in its card.
    warm_up.get_by_role("button", name=re.compile("^Show results")).click()
    expect(said).to_have_text("The results of “Warm-up” are shown to participants.")
    expect(warm_up).to_have_class(re.compile(r"\bis-current\b"))
    areas.get_by_role("button", name=re.compile("^Show results")).click()
    expect(said).to_have_text("The results of “World areas” are shown to participants.")
    expect(areas.get_by_role("button", name=re.compile("^Hide results"))).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("o")  # the defect: this closed the first open poll, "Warm-up"
    expect(said).to_have_text("Closed “World areas”.")
    expect(areas).to_have_attribute("data-state", "closed")
    expect(warm_up).to_have_attribute("data-state", "open")
    assert poll_states(database, event_id) == {"Warm-up": "open", "World areas": "closed"}
    assert page.evaluate("window.__notReloaded") is True
    assert errors == []
    database.dispose()


def test_n_walks_a_six_question_poll_and_stops_at_the_last(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Six questions", starts_on=dt.date(2024, 3, 1))
        poll = create_poll(
            session,
            event,
            PollIn(
                title="Lessons",
                questions=[question("single_choice", prompt=f"Question {n}") for n in range(1, 7)],
            ),
        )
        open_poll(session, poll)
        code, key, poll_id = event.code, event.moderator_key, poll.id

    page = open_console(browser, live_server, code, key)
    errors = watch_errors(page)
    on_screen = page.locator(".mod-question.on-screen")
    expect(on_screen).to_have_attribute("data-position", "0")
    for number in range(2, 7):
        page.keyboard.press("n")
        expect(on_screen).to_have_attribute("data-position", str(number - 1))
        expect(page.locator("[data-announce]")).to_have_text(
            f"The screen shows question {number} of 6 of “Lessons”."
        )
    page.keyboard.press("n")  # at the last question: stays there and says so
    expect(page.locator("[data-announce]")).to_have_text(
        "The screen already shows the last question of “Lessons”."
    )
    expect(on_screen).to_have_attribute("data-position", "5")
    page.keyboard.press("Shift+N")  # and back one
    expect(on_screen).to_have_attribute("data-position", "4")
    with database.session() as session:
        assert session.get_one(Poll, poll_id).screen_position == 4
    assert page.evaluate("window.__notReloaded") is True
    assert errors == []
    database.dispose()


def test_close_can_be_undone_and_keeps_the_answers(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Undo", starts_on=dt.date(2024, 3, 1))
        poll = create_poll(
            session, event, PollIn(title="World areas", questions=[question("single_choice")])
        )
        open_poll(session, poll)
        code, key, poll_id, qid = event.code, event.moderator_key, poll.id, poll.questions[0].id

    phone = browser.new_context()
    answer = phone.new_page()
    answer.goto(f"{live_server.url}/e/{code}")  # joins the event
    sent = answer.request.post(
        f"{live_server.url}/api/v1/questions/{qid}/responses", data={"answer": {"option": "o2"}}
    )
    assert sent.status == 201, sent.text()
    phone.close()

    page = open_console(browser, live_server, code, key)
    errors = watch_errors(page)
    areas = card(page, "World areas")
    expect(areas.locator(".result-meta")).to_have_text("1 answer")
    areas.get_by_role("button", name=re.compile("^Close")).click()
    toast = page.locator("[data-toast]")
    expect(toast.locator("[data-announce]")).to_have_text("Closed “World areas”.")
    expect(areas).to_have_attribute("data-state", "closed")
    # the focus stayed in the card: on "Reopen", which replaced "Close"
    expect(areas.get_by_role("button", name=re.compile("^Reopen"))).to_be_focused()
    assert violations(page) == []  # the message, its button and the current poll's marks

    toast.get_by_role("button", name="Undo").click()
    expect(toast.locator("[data-announce]")).to_have_text(
        "Reopened “World areas”; its answers are kept."
    )
    expect(areas).to_have_attribute("data-state", "open")
    expect(areas).to_be_focused()  # the undo button went away: back to the poll
    expect(areas.locator(".result-meta")).to_have_text("1 answer")
    with database.session() as session:
        assert session.get_one(Poll, poll_id).state is PollState.open
        assert session.scalar(select(func.count()).select_from(Response)) == 1

    # The undo is offered for a few seconds (U is its shortcut), then goes.
    page.mouse.move(5, 5)  # not resting on the message, which would keep it
    page.keyboard.press("o")
    undo = toast.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    page.keyboard.press("u")
    expect(areas).to_have_attribute("data-state", "open")
    page.keyboard.press("o")
    expect(undo).to_be_visible()
    expect(undo).to_be_hidden(timeout=12_000)
    page.keyboard.press("u")
    expect(toast.locator("[data-announce]")).to_have_text("There is nothing to undo.")
    expect(areas).to_have_attribute("data-state", "closed")
    assert page.evaluate("window.__notReloaded") is True
    assert errors == []
    database.dispose()
