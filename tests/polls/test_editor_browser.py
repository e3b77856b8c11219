"""The poll editor in Chromium: every kind, options by keyboard and drag, the paste box,
a poll with answers, without JavaScript, axe, and the page at 360 and 1366 pixels."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from agora.core.db import Database
from agora.events.services import create_event, join_event
from agora.polls.kinds import KINDS, QuestionKind
from agora.polls.models import Poll
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import PollIn
from agora.polls.services import create_poll, open_poll
from tests.browser import LiveServer, watch_errors
from tests.conftest import question

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}


@dataclass
class Session:
    """A moderator's browser on an event, and the database behind the server."""

    server: LiveServer
    db: Database
    code: str
    key: str
    poll_id: int

    def editor(self, poll_id: int | None = None) -> str:
        return f"{self.server.url}/e/{self.code}/moderate/polls/{poll_id or self.poll_id}"

    def poll(self, poll_id: int | None = None) -> Poll:
        with self.db.session() as session:
            poll = session.get_one(Poll, poll_id or self.poll_id)
            _ = [q.config for q in poll.questions]
            return poll


@pytest.fixture
def prepared(live_server: LiveServer) -> Iterator[Session]:
    """An event with a draft poll of one ranking question, and its moderator key."""
    db = Database(live_server.settings.database_url)
    with db.session() as session:
        event = create_event(session, title="EU Regions Week", starts_on=dt.date(2023, 10, 10))
        poll = create_poll(
            session, event, PollIn(title="World areas", questions=[question("ranking")])
        )
        found = Session(live_server, db, event.code, event.moderator_key, poll.id)
    yield found
    db.dispose()


def moderator(
    browser: Browser, prepared: Session, viewport: dict[str, int]
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{prepared.server.url}/e/{prepared.code}/moderate?key={prepared.key}")
    return context, page


def ready(page: Page) -> None:
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))


def violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def settled(page: Page) -> None:
    """Wait until every post the editor sent in place has come back."""
    expect(page.locator("[data-editor]")).not_to_have_attribute("aria-busy", "true")


def fits(page: Page) -> bool:
    """Tell whether the page needs no sideways scrolling."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


#: What the test types into each kind's settings, and what the server then stores.
SETTINGS: dict[QuestionKind, tuple[dict[str, str], dict[str, Any]]] = {
    QuestionKind.single_choice: ({}, {}),
    QuestionKind.multiple_choice: ({"max_choices": "2"}, {"max_choices": 2}),
    QuestionKind.ranking: ({"top_k": "2", "partial": "check"}, {"top_k": 2, "partial": True}),
    QuestionKind.open_text: (
        {"max_entries": "2", "max_length": "150"},
        {"max_entries": 2, "max_length": 150},
    ),
    QuestionKind.word_cloud: ({"max_entries": "3"}, {"max_entries": 3}),
    QuestionKind.rating: (
        {"scale_max": "7", "min_label": "Not useful", "max_label": "Very useful"},
        {"scale_max": 7, "min_label": "Not useful", "max_label": "Very useful"},
    ),
    QuestionKind.points: ({"budget": "10"}, {"budget": 10}),
}


def test_every_kind_is_written_with_its_settings_and_previewed(
    browser: Browser, prepared: Session
) -> None:
    context, page = moderator(browser, prepared, LAPTOP)
    errors = watch_errors(page)
    page.goto(prepared.editor())
    ready(page)
    for number, (kind, module) in enumerate(KINDS.items(), start=2):
        add = page.locator("#add")
        add.get_by_label("Kind of question").select_option(kind.value)
        options = add.get_by_label("Options, one per line")
        expect(options).to_be_visible(visible="options" in module.SETTINGS)
        add.get_by_label("Question", exact=True).fill(f"Question of the kind {kind.value}?")
        if "options" in module.SETTINGS:
            options.fill("Asia\nAfrica\nOceania")
        add.get_by_role("button", name="Add the question").click()
        card = page.locator(".editor-question").nth(number - 1)
        expect(card.locator("h3")).to_contain_text(f"Question {number} of {number}")
        expect(card).to_be_focused()  # the new question, its notice read out
        expect(card.locator(":scope > .notice")).to_have_text("Question added.")
        qid = card.get_attribute("data-question-card")
        # only this kind's settings are offered
        for name in ("max_choices", "top_k", "budget", "scale_max", "max_entries"):
            expect(card.locator(f"#q{qid}-{name}")).to_be_visible(visible=name in module.SETTINGS)
        typed, stored = SETTINGS[kind]
        for name, value in typed.items():
            field = card.locator(f"#q{qid}-{name}")
            if value == "check":
                field.check()
            else:
                field.fill(value)
        card.get_by_role("button", name="Save question").click()
        expect(card.locator(":scope > .notice")).to_have_text("Question saved.")
        settled(page)
        saved = prepared.poll().questions[number - 1]
        assert saved.kind == kind.value
        assert {name: saved.config[name] for name in stored} == stored
        # the preview draws the phone's own input for the kind, and the screen's empty result
        phone = card.locator(".phone-frame")
        expect(phone.locator("[data-answer]")).to_have_count(1)
        expect(phone.locator("legend")).to_have_text(f"Question of the kind {kind.value}?")
        expect(card.locator(".screen-frame .result")).to_be_visible()
    # the preview follows the typing, unsaved
    first = page.locator(".editor-question").first
    first.get_by_label("Question", exact=True).fill("Where should we go next?")
    expect(first.locator(".phone-frame legend")).to_have_text("Where should we go next?")
    expect(first.locator(".screen-frame .stage-prompt")).to_have_text("Where should we go next?")
    expect(first.locator("[data-save-status]")).to_contain_text("Not saved yet")
    assert prepared.poll().questions[0].prompt == "A ranking question"
    assert violations(page) == []
    assert errors == []
    context.close()


def test_options_are_added_with_enter_and_reordered_by_keyboard_and_drag(
    browser: Browser, prepared: Session
) -> None:
    context, page = moderator(browser, prepared, LAPTOP)
    errors = watch_errors(page)
    page.goto(prepared.editor())
    ready(page)
    qid = prepared.poll().questions[0].id
    card = page.locator(f"#question-{qid}")

    # Enter in the question goes to the options; Enter in the last option to a new one
    card.get_by_label("Question", exact=True).press("End")
    card.get_by_label("Question", exact=True).press("Enter")
    expect(page.locator(f"#q{qid}-option-o1")).to_be_focused()
    page.locator(f"#q{qid}-option-o4").focus()
    page.keyboard.press("Enter")
    new_option = page.locator(f"#q{qid}-new_option")
    expect(new_option).to_be_focused()
    page.keyboard.type("Africa")
    page.keyboard.press("Enter")
    expect(page.locator(f"#q{qid}-option-o5")).to_have_value("Africa")
    expect(new_option).to_be_focused()
    expect(new_option).to_have_value("")
    page.keyboard.type("Europe")
    page.keyboard.press("Enter")
    expect(page.locator(f"#q{qid}-option-o6")).to_have_value("Europe")

    # Alt+↑ moves the option in focus, the position is announced and saved
    north_america = page.locator(f"#q{qid}-option-o4")
    north_america.focus()
    for position in (3, 2, 1):  # each press once the previous move is announced, as a person would
        page.keyboard.press("Alt+ArrowUp")
        expect(page.locator("#editor-announce")).to_have_text(
            f"North America is now option {position} of 6."
        )
        expect(page.locator(f"#q{qid}-option-o4")).to_be_focused()
    expect(card.locator(".option-row").first).to_have_attribute("data-option", "o4")
    expect(card.locator("[data-save-status]")).to_have_text("Saved.")
    expect(page.locator(f"#q{qid}-option-o4")).to_be_focused()
    assert [o["id"] for o in prepared.poll().questions[0].config["options"]] == [
        "o4",
        "o1",
        "o2",
        "o3",
        "o5",
        "o6",
    ]
    expect(card.get_by_role("button", name="Move option 1 up")).to_be_disabled()

    # the arrow buttons do the same
    card.get_by_role("button", name="Move option 6 up").click()
    expect(page.locator("#editor-announce")).to_have_text("Europe is now option 5 of 6.")
    expect(card.locator("[data-save-status]")).to_have_text("Saved.")

    # dragging a handle
    handle = card.locator('.option-row[data-option="o1"] [data-drag]')
    target = card.locator('.option-row[data-option="o3"]')
    box = target.bounding_box()
    assert box is not None
    handle.hover()
    page.mouse.down()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] * 0.8, steps=8)
    page.mouse.up()
    expect(page.locator("#editor-announce")).to_have_text("Asia is now option 4 of 6.")
    expect(card.locator("[data-save-status]")).to_have_text("Saved.")
    assert [o["id"] for o in prepared.poll().questions[0].config["options"]] == [
        "o4",
        "o2",
        "o3",
        "o1",
        "o6",
        "o5",
    ]

    # removing an option, then the phone preview shows the order saved
    card.get_by_role("button", name="Remove option 6").click()
    expect(card.locator(":scope > .notice")).to_have_text("“Africa” removed.")
    expect(card.locator(".phone-frame .rank-label")).to_have_text(
        ["North America", "Oceania", "Latin America", "Asia", "Europe"]
    )
    assert errors == []
    context.close()


def test_the_paste_box_reports_lines_then_adds_every_question(
    browser: Browser, prepared: Session
) -> None:
    context, page = moderator(browser, prepared, PHONE)
    errors = watch_errors(page)
    page.goto(prepared.editor())
    ready(page)
    box = page.get_by_label("Questions and options")
    box.fill("Which area next? [ranking top 2]\n- Asia\nAfrica\n\nHow useful? [rating 12]")
    page.get_by_role("button", name="Add these questions").click()
    alert = page.locator("#paste .error-summary")
    expect(alert).to_contain_text("Nothing was created")
    expect(alert).to_contain_text("Line 3: Leave a blank line between two questions")
    expect(alert).to_contain_text("Line 5: A rating scale must end between 2 and 10.")
    expect(page.get_by_label("Questions and options")).to_have_value(re.compile("How useful"))
    assert len(prepared.poll().questions) == 1
    page.get_by_label("Questions and options").fill(
        "Which area next? [ranking top 2]\n- Asia\n- Africa\n- Oceania\n\nHow useful? [rating 7]"
    )
    page.get_by_role("button", name="Add these questions").click()
    expect(page.locator(".editor-question")).to_have_count(3)
    expect(page.locator(".editor-question").nth(1)).to_be_focused()
    expect(page.locator(".editor-question").nth(1).locator(":scope > .notice")).to_have_text(
        "2 questions added."
    )
    kinds = [
        (q.kind, q.config.get("top_k"), q.config["scale_max"]) for q in prepared.poll().questions
    ]
    assert kinds[1:] == [("ranking", 2, 5), ("rating", None, 7)]
    assert fits(page)
    assert violations(page) == []
    assert errors == []
    context.close()


def test_a_poll_with_answers_takes_a_fix_and_refuses_a_breaking_change(
    browser: Browser, prepared: Session
) -> None:
    with prepared.db.session() as session:
        poll = session.get_one(Poll, prepared.poll_id)
        open_poll(session, poll)
        person = join_event(session, poll_event(session, poll))
        ranking = {"ranking": ["o2", "o1", "o4", "o3"]}
        record_responses(
            session, [Submission(poll.questions[0].id, person.id, poll.event_id, ranking)]
        )
    context, page = moderator(browser, prepared, LAPTOP)
    errors = watch_errors(page)
    page.goto(prepared.editor())
    ready(page)
    expect(page.locator("#lock")).to_contain_text(
        "This poll is open: people may be answering right now."
    )
    expect(page.locator("#lock")).to_contain_text("1 answer has been given.")
    qid = prepared.poll().questions[0].id
    card = page.locator(f"#question-{qid}")
    expect(card.locator(".badge")).to_have_text("1 answer")

    # a typo fixed in an option is saved when the box is left
    page.locator(f"#q{qid}-option-o3").fill("Latin America and the Caribbean")
    page.locator(f"#q{qid}-option-o3").press("Tab")
    expect(card.locator("[data-save-status]")).to_have_text("Saved.")
    assert (
        prepared.poll().questions[0].config["options"][2]["label"]
        == "Latin America and the Caribbean"
    )

    # a new option would leave the ballots incomplete: refused, with the reason, kept typed
    page.locator(f"#q{qid}-new_option").fill("Africa")
    page.locator(f"#q{qid}-new_option").press("Enter")
    summary = card.locator(".error-summary")
    expect(summary).to_contain_text(
        "rank every option, so a new option would leave them incomplete"
    )
    expect(summary).to_contain_text("Nothing was saved")
    expect(page.locator(f"#q{qid}-new_option")).to_have_value("Africa")
    expect(page.locator("#editor-announce")).to_contain_text("rank every option")

    # removing an option people ranked is refused too
    page.locator(f"#q{qid}-new_option").fill("")
    card.get_by_role("button", name="Remove option 2").click()
    expect(summary).to_contain_text("“Oceania” is part of 1 answer, so it cannot be removed.")
    assert len(prepared.poll().questions[0].config["options"]) == 4
    assert violations(page) == []
    assert errors == []
    context.close()


def poll_event(session: Any, poll: Poll) -> Any:
    from agora.events.models import Event

    return session.get_one(Event, poll.event_id)


def test_without_javascript_enter_saves_and_the_buttons_post(
    browser: Browser, prepared: Session
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{prepared.server.url}/e/{prepared.code}/moderate?key={prepared.key}")
    page.goto(prepared.editor())
    qid = prepared.poll().questions[0].id
    page.locator(f"#q{qid}-new_option").fill("Africa")
    page.locator(f"#q{qid}-new_option").press("Enter")  # the form's default button: save
    expect(page.locator(f"#q{qid}-option-o5")).to_have_value("Africa")
    expect(page.locator(f"#question-{qid} > .notice")).to_have_text("Question saved.")
    page.locator(f"#question-{qid}").get_by_role("button", name="Move option 5 up").click()
    expect(page.locator(f"#question-{qid} > .notice")).to_have_text(
        "“Africa” is now option 4 of 5."
    )
    assert fits(page)
    context.close()


def test_the_list_of_polls_creates_a_poll_and_passes_axe_at_both_widths(
    browser: Browser, prepared: Session
) -> None:
    for viewport in (PHONE, LAPTOP):
        context, page = moderator(browser, prepared, viewport)
        errors = watch_errors(page)
        page.goto(f"{prepared.server.url}/e/{prepared.code}/moderate/polls")
        ready(page)
        expect(page.get_by_role("link", name="World areas")).to_be_visible()
        assert fits(page)
        assert violations(page) == []
        assert errors == []
        context.close()
    context, page = moderator(browser, prepared, PHONE)
    page.goto(f"{prepared.server.url}/e/{prepared.code}/moderate/polls")
    ready(page)
    new = page.locator("#new")
    new.get_by_label("Kind of question").select_option("rating")
    expect(new.get_by_label("Options, one per line")).to_be_hidden()
    new.get_by_role("button", name="Create the poll").click()
    expect(new.locator(".error-summary")).to_contain_text("Write the question.")
    expect(new.get_by_label("Question", exact=True)).to_have_attribute("aria-invalid", "true")
    assert violations(page) == []
    new.get_by_label("Question", exact=True).fill("How useful was the session?")
    new.get_by_role("button", name="Create the poll").click()
    expect(page.locator("h1")).to_have_text(re.compile("Untitled poll"))
    expect(page.locator("#editor > .notice")).to_have_text(
        "Poll created: a draft nobody sees until you open it."
    )
    assert fits(page)
    context.close()
