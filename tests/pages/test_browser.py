"""End to end in Chromium: a phone joins by code and ranks by keyboard; the screen follows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Locator, expect
from sqlalchemy import select

from agora.core.db import Database
from agora.demo.reference import WORLD_AREAS, create_reference_session
from agora.events.services import create_event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Response
from agora.polls.schemas import PollIn
from agora.polls.services import create_poll, open_poll
from tests.browser import LiveServer, watch_errors
from tests.conftest import question

pytestmark = pytest.mark.browser


def test_participant_ranks_by_keyboard_and_screen_updates_without_reload(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_reference_session(session)
        screen_key = event.screen_key
    database.dispose()

    screen = browser.new_page(viewport={"width": 1280, "height": 720})
    screen_errors = watch_errors(screen)
    screen.goto(f"{live_server.url}/e/EUREG23/screen?key={screen_key}")
    expect(screen.locator("[data-code]")).to_have_text("EUREG23")
    expect(screen.locator("[data-prompt]")).to_contain_text("rank your interest")
    expect(screen.locator(".result-meta")).to_contain_text("0 ballots")
    screen.evaluate("window.__notReloaded = true")

    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = phone.new_page()
    phone_errors = watch_errors(page)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Code shown on the screen").fill("eureg23")  # case does not matter
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(re.compile(r"/e/EUREG23$"))
    items = page.locator(".rank-item")
    expect(items).to_have_count(len(WORLD_AREAS))
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the script is ready

    # Move "North America" (4th) to the top with the keyboard only.
    north_america = page.locator('.rank-item[data-option="north-america"]')
    north_america.focus()
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    expect(items.first).to_have_attribute("data-option", "north-america")
    expect(north_america.locator(".rank-pos")).to_have_text("1")
    expect(north_america).to_be_focused()
    expect(page.locator("[data-announce]")).to_contain_text("North America")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you, your answers are in.")).to_be_visible()

    # The screen shows the new result without a reload.
    expect(screen.locator(".result-meta")).to_contain_text("1 ballot")
    expect(screen.locator(".bar-row").first.locator(".bar-label")).to_have_text("North America")
    assert screen.evaluate("window.__notReloaded") is True
    assert screen_errors == []
    assert phone_errors == []
    phone.close()


def test_participant_ranks_top_two_by_dragging(live_server: LiveServer, browser: Browser) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Top two", starts_on=dt.date(2024, 3, 1))
        poll = create_poll(
            session,
            event,
            PollIn(questions=[question("ranking", prompt="Your top two areas", top_k=2)]),
        )
        open_poll(session, poll)
        code, qid = event.code, poll.questions[0].id
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/e/{code}")
    items = page.locator(".rank-item")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the script is ready
    expect(items.nth(2).locator(".rank-pos")).to_have_text("–")  # beyond the top two

    # Drag "North America" (4th) onto the first place with the mouse.
    source = page.locator('.rank-item[data-option="o4"] .rank-label').bounding_box()
    target = items.first.bounding_box()
    assert source is not None
    assert target is not None
    page.mouse.move(source["x"] + 10, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + 10, target["y"] + 5, steps=12)
    page.mouse.up()
    expect(items.first).to_have_attribute("data-option", "o4")
    expect(items.first.locator(".rank-pos")).to_have_text("1")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you, your answers are in.")).to_be_visible()

    with database.session() as session:
        stored = session.scalar(select(Response.answer).where(Response.question_id == qid))
    database.dispose()
    assert stored == {"ranking": ["o4", "o1"]}
    assert errors == []


def test_participant_ranks_only_the_areas_they_care_about(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Partial", starts_on=dt.date(2024, 3, 1))
        poll = create_poll(
            session,
            event,
            PollIn(questions=[question("ranking", prompt="Up to three", top_k=3, partial=True)]),
        )
        open_poll(session, poll)
        code, qid = event.code, poll.questions[0].id
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/e/{code}")
    items = page.locator(".rank-item")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the script is ready
    expect(items.first.locator(".rank-pos")).to_have_text("–")  # nothing is ranked yet

    # Add "North America" then "Asia"; add "Oceania" and take it out again.
    page.get_by_role("button", name="Rank North America").click()
    page.get_by_role("button", name="Rank Asia").click()
    expect(items.nth(0)).to_have_attribute("data-option", "o4")
    expect(items.nth(1)).to_have_attribute("data-option", "o1")
    expect(items.nth(1).locator(".rank-pos")).to_have_text("2")
    page.get_by_role("button", name="Rank Oceania").click()
    expect(page.get_by_role("button", name="Rank Latin America")).to_be_hidden()  # 3 of 3
    page.get_by_role("button", name="Leave Oceania unranked").click()
    expect(page.locator("[data-announce]")).to_have_text("Oceania: not ranked")
    expect(items.nth(2).locator(".rank-pos")).to_have_text("–")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you, your answers are in.")).to_be_visible()

    with database.session() as session:
        stored = session.scalar(select(Response.answer).where(Response.question_id == qid))
    database.dispose()
    assert stored == {"ranking": ["o4", "o1"]}
    assert errors == []


def test_moderator_page_draws_every_kind_of_result_live(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Every kind", starts_on=dt.date(2024, 3, 1))
        poll = create_poll(
            session, event, PollIn(questions=[question(kind) for kind in QuestionKind])
        )
        open_poll(session, poll)
        code, key = event.code, event.moderator_key
        ids = {QuestionKind(q.kind): q.id for q in poll.questions}
    database.dispose()

    moderator = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate?key={key}")

    def chart(kind: QuestionKind) -> Locator:
        return moderator.locator(f'[data-chart][data-question="{ids[kind]}"]')

    expect(chart(QuestionKind.ranking).locator(".bar-row")).to_have_count(4)  # drawn by JS
    expect(chart(QuestionKind.ranking).locator(".result-meta")).to_have_text(
        "Average points · 0 ballots"
    )
    moderator.evaluate("window.__notReloaded = true")

    phone = browser.new_context()
    page = phone.new_page()
    page.goto(f"{live_server.url}/e/{code}")  # joins the event
    answers: dict[QuestionKind, dict[str, object]] = {
        QuestionKind.single_choice: {"option": "o2"},
        QuestionKind.multiple_choice: {"options": ["o1", "o3"]},
        QuestionKind.ranking: {"ranking": ["o4", "o1", "o2", "o3"]},
        QuestionKind.open_text: {"texts": ["Trust <b>first</b>"]},
        QuestionKind.word_cloud: {"words": ["Mobility"]},
        QuestionKind.rating: {"value": 4},
        QuestionKind.points: {"points": {"o1": 60, "o2": 40}},
    }
    for kind, answer in answers.items():
        sent = page.request.post(
            f"{live_server.url}/api/v1/questions/{ids[kind]}/responses", data={"answer": answer}
        )
        assert sent.status == 201, sent.text()
    phone.close()

    def bar(kind: QuestionKind, label: str) -> Locator:
        return chart(kind).locator(".bar-row", has_text=label).locator(".bar-figure")

    expect(bar(QuestionKind.single_choice, "Oceania")).to_have_text("1 · 100 %")
    expect(chart(QuestionKind.single_choice).locator(".result-meta")).to_have_text("1 answer")
    expect(bar(QuestionKind.multiple_choice, "Latin America")).to_have_text("1 · 100 %")
    ranking = chart(QuestionKind.ranking)
    expect(ranking.locator(".result-meta")).to_contain_text("1 ballot")
    expect(ranking.locator(".bar-row").first.locator(".bar-label")).to_have_text("North America")
    expect(ranking.locator(".bar-row").first.locator(".bar-rank")).to_have_text("1")
    expect(chart(QuestionKind.open_text).locator(".answer-card")).to_have_text(
        ["Trust <b>first</b>"]  # as text, never as markup
    )
    expect(chart(QuestionKind.word_cloud).locator(".cloud-word")).to_have_text(["mobility"])
    expect(chart(QuestionKind.word_cloud).locator(".frequencies th")).to_have_text(
        ["Word", "Count"]
    )
    expect(chart(QuestionKind.rating).locator(".result-meta")).to_have_text(
        "1 answer · mean 4.00 · median 4.0"
    )
    expect(chart(QuestionKind.rating).locator(".bar-row")).to_have_count(5)
    expect(bar(QuestionKind.points, "Asia")).to_have_text("60 · mean 60.0")
    assert moderator.evaluate("window.__notReloaded") is True
    assert errors == []
