"""In Chromium: a poll change reaches the phone as a stream message drawn in place, no reload.

Each test marks the phone's page (``window.__marker``): a reload would lose the mark. The
moderator acts through the JSON API, as the moderator page's buttons do.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, ViewportSize, expect
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Participant
from agora.events.services import create_event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Response
from agora.polls.schemas import PollIn
from agora.polls.services import create_poll
from tests.browser import LiveServer, watch_errors
from tests.conftest import question

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
#: Where the phone screenshots go (set AGORA_SCREENSHOTS to keep them for a look).
SHOTS = os.environ.get("AGORA_SCREENSHOTS", "")


class Room:
    """An event with draft polls on a live server, and its moderator's API."""

    def __init__(self, server: LiveServer, browser: Browser, *polls: PollIn) -> None:
        self.server = server
        self.db = Database(server.settings.database_url)
        with self.db.session() as session:
            event = create_event(session, title="In place", starts_on=dt.date(2024, 3, 1))
            created = [create_poll(session, event, poll) for poll in polls]
            self.code, self.key = event.code, event.moderator_key
            self.polls = [p.id for p in created]
            self.questions = [[q.id for q in p.questions] for p in created]
        self.api: APIRequestContext = browser.new_context().request

    def act(self, poll: int, action: str) -> None:
        response = self.api.post(
            f"{self.server.url}/api/v1/polls/{self.polls[poll]}/{action}",
            headers={"X-Moderator-Key": self.key},
        )
        assert response.status == 200, response.text()

    def patch(self, poll: int, **changes: Any) -> None:
        response = self.api.patch(
            f"{self.server.url}/api/v1/polls/{self.polls[poll]}",
            headers={"X-Moderator-Key": self.key},
            data=changes,
        )
        assert response.status == 200, response.text()

    def stored(self, question_id: int) -> list[dict[str, Any]]:
        with self.db.session() as session:
            return list(
                session.scalars(select(Response.answer).where(Response.question_id == question_id))
            )

    def participants(self) -> int:
        with self.db.session() as session:
            return int(session.scalar(select(func.count(Participant.id))) or 0)

    def close(self) -> None:
        self.api.dispose()
        self.db.dispose()


def phone_page(browser: Browser, room: Room, **context: Any) -> tuple[Page, list[str]]:
    page = browser.new_context(viewport=PHONE, is_mobile=True, **context).new_page()
    errors = watch_errors(page)
    page.goto(f"{room.server.url}/e/{room.code}")
    expect(page.locator("h1")).to_have_text("In place")
    if context.get("java_script_enabled", True):
        expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
        page.evaluate("window.__marker = 1")
    return page, errors


def not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__marker === 1"))


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def two_questions(**fields: Any) -> PollIn:
    return PollIn(
        title="Priorities <b>2024</b>",
        questions=[
            question("single_choice", prompt="Which area <i>first</i>?"),
            question("rating", prompt="How useful was the session?"),
        ],
        **fields,
    )


def test_a_poll_opens_steps_shows_results_and_closes_on_the_phone_without_a_reload(
    live_server: LiveServer, browser: Browser
) -> None:
    room = Room(live_server, browser, two_questions())
    page, errors = phone_page(browser, room)
    expect(page.get_by_text("Nothing to answer yet.")).to_be_visible()

    room.act(0, "open")
    card = page.locator(f"#poll-{room.polls[0]}")
    expect(card.get_by_role("heading", name="Priorities <b>2024</b>")).to_be_visible()
    expect(card.locator(".step:visible")).to_have_text("Question 1 of 2")
    expect(card.get_by_text("Which area <i>first</i>?")).to_be_visible()  # text, not markup
    expect(page.get_by_text("Nothing to answer yet.")).to_be_hidden()
    shot(page, "opened-in-place")

    # The form drawn in place answers: on to the second question, then the thanks.
    card.get_by_label("Oceania").check()
    card.get_by_role("button", name="Submit").click()
    expect(card.locator(".step:visible")).to_have_text("Question 2 of 2")
    card.locator("label.scale-point", has_text="4").click()
    card.get_by_role("button", name="Submit").click()
    expect(card.get_by_text("Thank you, your answers are in.")).to_be_visible()
    assert room.stored(room.questions[0][0]) == [{"option": "o2"}]
    assert room.stored(room.questions[0][1]) == [{"value": 4}]

    room.act(0, "reveal")
    expect(
        card.locator(f'[data-chart][data-question="{room.questions[0][0]}"] .bar-row')
    ).to_have_count(4)
    expect(card.locator(".result-meta").first).to_contain_text("1 answer")
    expect(card.get_by_text("Thank you, your answers are in.")).to_be_visible()  # still done

    room.act(0, "close")
    expect(card.get_by_text("This poll is closed.")).to_be_visible()
    expect(card.get_by_role("button", name="Submit")).to_have_count(0)
    chart = card.locator(f'[data-chart][data-question="{room.questions[0][0]}"]')
    expect(chart.locator(".bar-row")).to_have_count(4)  # the results stay drawn

    room.act(0, "hide")
    expect(card.locator("[data-chart]")).to_have_count(0)
    room.act(0, "archive")
    expect(card).to_have_count(0)
    expect(page.get_by_text("Nothing to answer yet.")).to_be_visible()
    assert not_reloaded(page)
    assert errors == []
    room.close()


def test_the_card_drawn_in_place_reads_as_the_reloaded_one(
    live_server: LiveServer, browser: Browser
) -> None:
    kinds = PollIn(title="Every kind", questions=[question(kind) for kind in QuestionKind])
    room = Room(live_server, browser, kinds, two_questions(allow_change=True))
    page, errors = phone_page(browser, room)
    room.act(0, "open")
    room.act(1, "open")
    cards = page.locator("[data-polls] > [data-poll]")
    expect(cards).to_have_count(2)
    first, second = page.locator(f"#poll-{room.polls[0]}"), page.locator(f"#poll-{room.polls[1]}")
    expect(first.locator("form:visible")).to_have_count(1)
    expect(first.locator("form")).to_have_count(len(QuestionKind))  # every kind, one shown
    second.get_by_label("Asia").check()
    second.get_by_role("button", name="Submit").click()
    expect(second.locator(".step:visible")).to_have_text("Question 2 of 2")
    in_place = [cards.nth(i).inner_text() for i in range(2)]
    shot(page, "every-kind-in-place")
    assert not_reloaded(page)

    page.reload()
    expect(cards).to_have_count(2)
    assert [cards.nth(i).inner_text() for i in range(2)] == in_place
    shot(page, "every-kind-reloaded")

    # Change the first answer (a navigation, as without JavaScript), then a live change
    # redraws the card: the previous answer stays in the form being changed.
    second.locator("label.scale-point", has_text="2").click()
    second.get_by_role("button", name="Submit").click()
    expect(second.get_by_text("Thank you, your answers are in.")).to_be_visible()
    second.get_by_role("link", name="Change your answer to question 1").click()
    expect(second.get_by_label("Asia")).to_be_checked()
    page.evaluate("window.__marker = 1")
    room.act(1, "reveal")
    expect(second.locator("[data-chart]")).to_have_count(2)
    expect(second.get_by_label("Asia")).to_be_checked()
    second.get_by_label("Latin America").check()
    second.get_by_role("button", name="Submit").click()
    expect(second.get_by_text("Thank you, your answers are in.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/e/{room.code}#poll-{room.polls[1]}$"))
    assert room.stored(room.questions[1][0]) == [{"option": "o3"}]
    assert not_reloaded(page)
    assert errors == []
    room.close()


def test_every_kind_answers_in_place(live_server: LiveServer, browser: Browser) -> None:
    kinds = PollIn(title="Every kind", questions=[question(kind) for kind in QuestionKind])
    room = Room(live_server, browser, kinds)
    page, errors = phone_page(browser, room)
    room.act(0, "open")
    card = page.locator(f"#poll-{room.polls[0]}")
    ids = dict(zip(QuestionKind, room.questions[0], strict=True))

    def submit(step: int) -> None:
        """Send the question at ``step`` and wait for the next one."""
        expect(card.locator(".step:visible")).to_have_text(f"Question {step} of {len(ids)}")
        card.locator("form:visible").get_by_role("button", name="Submit").click()
        if step < len(ids):
            expect(card.locator(".step:visible")).to_have_text(f"Question {step + 1} of {len(ids)}")

    form = card.locator("form:visible")
    expect(card.locator(".step:visible")).to_have_text(f"Question 1 of {len(ids)}")
    form.get_by_role("button", name="Submit").click()  # the browser asks for an option first
    expect(form.locator("input:invalid")).to_have_count(4)
    form.get_by_label("Latin America").check()
    submit(1)
    form.get_by_label("Asia").check()
    form.get_by_label("North America").check()
    submit(2)
    form.get_by_role("button", name="Move Oceania up").click()
    submit(3)
    form.locator("textarea").fill("Trust <b>first</b>")
    submit(4)
    form.locator("input[name=words]").first.fill("Mobility")
    submit(5)
    form.locator("label.scale-point", has_text="5").click()
    submit(6)
    form.locator("input[name=points-o1]").fill("70")
    form.locator("input[name=points-o4]").fill("30")
    expect(form.locator("[data-total] output")).to_have_text("100")
    submit(7)
    expect(card.get_by_text("Thank you, your answers are in.")).to_be_visible()

    assert room.stored(ids[QuestionKind.single_choice]) == [{"option": "o3"}]
    assert room.stored(ids[QuestionKind.multiple_choice]) == [{"options": ["o1", "o4"]}]
    assert room.stored(ids[QuestionKind.ranking])[0]["ranking"][0] == "o2"
    assert room.stored(ids[QuestionKind.open_text]) == [{"texts": ["Trust <b>first</b>"]}]
    assert room.stored(ids[QuestionKind.word_cloud]) == [{"words": ["Mobility"]}]
    assert room.stored(ids[QuestionKind.rating]) == [{"value": 5}]
    assert room.stored(ids[QuestionKind.points]) == [{"points": {"o1": 70, "o4": 30}}]
    assert not_reloaded(page)
    assert errors == []
    room.close()


def test_a_form_being_filled_in_survives_other_live_changes(
    live_server: LiveServer, browser: Browser
) -> None:
    words = PollIn(title="Words", questions=[question("open_text", prompt="Your idea")])
    room = Room(live_server, browser, words, two_questions())
    room.act(0, "open")
    page, errors = phone_page(browser, room)
    text = page.locator(f"#poll-{room.polls[0]} textarea")
    text.fill("Half a thought")
    room.act(1, "open")
    expect(page.locator(f"#poll-{room.polls[1]}")).to_be_visible()
    room.act(0, "reveal")  # the card being filled in is redrawn: the text stays
    expect(page.locator(f"#poll-{room.polls[0]} [data-chart]")).to_have_count(1)
    expect(text).to_have_value("Half a thought")
    room.patch(1, screen_position=1)  # the screen moves on; the phone's card is unchanged
    room.act(1, "close")
    expect(
        page.locator(f"#poll-{room.polls[1]}").get_by_text("This poll is closed.")
    ).to_be_visible()
    expect(page.locator("[data-polls] > [data-poll]")).to_have_count(2)
    expect(text).to_have_value("Half a thought")
    assert not_reloaded(page)
    assert errors == []
    room.close()


def test_a_participant_who_chose_another_language_gets_the_cards_in_it(
    live_server: LiveServer, browser: Browser
) -> None:
    room = Room(live_server, browser, two_questions())
    page, errors = phone_page(browser, room)
    page.goto(f"{room.server.url}/language?to=fr&back=/e/{room.code}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    page.evaluate("window.__marker = 1")
    room.act(0, "open")
    card = page.locator(f"#poll-{room.polls[0]}")
    expect(card.locator("form:visible")).to_have_count(1)
    in_place = card.inner_text()
    assert not_reloaded(page)
    page.reload()
    expect(card.locator("form:visible")).to_have_count(1)
    assert card.inner_text() == in_place
    assert "Submit" not in in_place
    assert errors == []
    room.close()


def test_without_javascript_a_navigation_shows_the_poll_and_the_form_answers(
    live_server: LiveServer, browser: Browser
) -> None:
    room = Room(live_server, browser, two_questions())
    page, errors = phone_page(browser, room, java_script_enabled=False)
    expect(page.get_by_text("Nothing to answer yet.")).to_be_visible()
    room.act(0, "open")
    page.goto(f"{room.server.url}/e/{room.code}")
    card = page.locator(f"#poll-{room.polls[0]}")
    expect(card.locator(".step:visible")).to_have_text("Question 1 of 2")
    expect(page.get_by_text("Nothing to answer yet.")).to_be_hidden()
    card.get_by_label("North America").check()
    card.get_by_role("button", name="Submit").click()
    expect(card.locator(".step:visible")).to_have_text("Question 2 of 2")
    assert room.stored(room.questions[0][0]) == [{"option": "o4"}]
    shot(page, "no-javascript")
    room.act(0, "close")
    page.goto(f"{room.server.url}/e/{room.code}")
    expect(card.get_by_text("This poll is closed.")).to_be_visible()
    expect(card.locator("form:visible")).to_have_count(0)
    assert errors == []
    room.close()


def test_a_poll_for_registered_people_opens_on_an_anonymous_phone_as_the_reason(
    live_server: LiveServer, browser: Browser
) -> None:
    from agora.polls.models import VotingRule

    room = Room(
        live_server, browser, two_questions(voting_rule=VotingRule.registered), two_questions()
    )
    page, errors = phone_page(browser, room)

    room.act(0, "open")  # only registered people vote: this phone joined by the code
    card = page.locator(f"#poll-{room.polls[0]}")
    expect(card.locator("[data-refusal]")).to_contain_text("registration")
    expect(card.locator("form")).to_have_count(0)
    room.act(1, "open")  # a poll for anyone, drawn next to it, keeps its form
    expect(page.locator(f"#poll-{room.polls[1]} form:visible")).to_have_count(1)
    room.act(0, "reveal")  # a redrawn card still says why, never the form
    expect(card.locator("[data-refusal]")).to_be_visible()
    expect(card.locator("form")).to_have_count(0)
    assert not_reloaded(page)
    assert errors == []
    room.close()


def test_a_new_phone_shows_the_events_own_address_and_stays_one_participant(
    live_server: LiveServer, browser: Browser
) -> None:
    """The join's second visit answers with the page at ``?j=1``: the page drops ``j`` from
    the address bar, and a reload (or the same address without JavaScript) joins nobody new."""
    room = Room(live_server, browser, two_questions())
    page, errors = phone_page(browser, room)
    expect(page).to_have_url(f"{room.server.url}/e/{room.code}")
    page.reload()
    expect(page.locator("h1")).to_have_text("In place")
    assert room.participants() == 1
    plain, plain_errors = phone_page(browser, room, java_script_enabled=False)
    assert plain.url == f"{room.server.url}/e/{room.code}?j=1"
    plain.reload()
    expect(plain.get_by_text("Nothing to answer yet.")).to_be_visible()
    assert room.participants() == 2
    assert errors == plain_errors == []
    room.close()
