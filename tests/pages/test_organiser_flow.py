"""Issue 8's "Done when", end to end in Chromium and without the API: a new organiser signs
in, creates the reference session (event in its time zone, agenda with the EURADA and
EUROCITIES interventions, the ranking poll of the five world areas and the open-text poll),
opens the ranking poll from the moderator page, a phone answers it and the screen shows the
result live.

The test sends no request to /api/v1 itself: the organiser account is created the way an
operator does (``agora organiser create`` calls ``create_organiser``), everything else goes
through the pages, as a person would click and type. The pages' own scripts use the event
stream and the answer endpoint, as they do for everyone. The database is only read, to check
what each step stored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, ViewportSize, expect
from sqlalchemy import select

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.demo.reference import WORLD_AREAS
from agora.demo.reference_data import AGENDA, SEATS
from agora.events import agenda
from agora.events.models import Event
from agora.polls.models import Poll, PollState, Response
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser

LAPTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
PROJECTOR: ViewportSize = {"width": 1920, "height": 1080}
#: Set AGORA_SCREENSHOTS to a folder to keep a picture of every step.
SHOTS = os.environ.get("AGORA_SCREENSHOTS", "")
TIMEOUT = 15_000

EMAIL, PASSWORD = "programme.officer@region.example", "curious minds 2023"
TITLE = "Curious minds for a stronger Europe through international urban and regional cooperation"
VENUE = "SQUARE, Brussels"
ZONE = "Europe/Brussels"
#: The reference agenda with planned durations (the seed gives none; these fill 90 minutes).
MINUTES = {"introduction": 10, "poll": 5, "speaker": 15, "qa": 20, "audience": 20}
KIND_LABELS = {
    "introduction": "Introduction",
    "poll": "Poll",
    "speaker": "Speaker intervention",
    "qa": "Q&A",
    "audience": "Audience intervention",
}
RANKING_PROMPT = "Please rank your interest in the following world areas"
OPEN_TEXT_PROMPT = (
    "In a few words, can you tell us about a concrete experience on international cooperation?"
)
AREAS = [option.label for option in WORLD_AREAS]


def shoot(page: Page, name: str) -> None:
    """Keep a picture of the page when AGORA_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def api_pages_opened(page: Page, sent: list[str]) -> None:
    """Note every page opened under /api/v1: no link or form may send a person there."""

    def seen(request: Request) -> None:
        if request.is_navigation_request() and "/api/v1/" in request.url:
            sent.append(request.url)

    page.on("request", seen)


def fits(page: Page) -> bool:
    """Tell whether the page needs no sideways scrolling."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def add_item(page: Page, kind: str, title: str, organisation: str = "") -> None:
    """Add one agenda item with the builder's form, and wait for its notice."""
    form = page.locator("#add-item")
    form.get_by_label("Kind").select_option(label=KIND_LABELS[kind])
    form.get_by_label("Title").fill(title)
    if organisation:
        form.get_by_label("Speaker's organisation (optional)").fill(organisation)
    form.get_by_label("Planned duration in minutes (optional)").fill(str(MINUTES[kind]))
    form.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("[role=status]")).to_contain_text("is added to the agenda")


def test_a_new_organiser_prepares_and_runs_the_reference_session_in_the_browser(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:  # what `agora organiser create` does
        create_organiser(session, email=EMAIL, password=PASSWORD, name="Programme officer")
    navigations: list[str] = []

    # -- 1. Sign in at /login, on a laptop (its clock in another zone than the event's) -----
    laptop = browser.new_context(viewport=LAPTOP, timezone_id="America/New_York")
    page = laptop.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = watch_errors(page)
    api_pages_opened(page, navigations)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Organisers: sign in").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    shoot(page, "01-login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/events$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your events")
    expect(page.get_by_text(EMAIL)).to_be_visible()
    shoot(page, "01-events-empty")

    # -- 2. Create the reference event on the events page ----------------------------------
    form = page.locator("form.event-form")
    expect(form).to_be_visible()  # no event yet: the form is open
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Date").fill("2023-10-10")
    form.get_by_label("Start time (optional)").fill("14:30")
    form.get_by_label("Time zone").fill(ZONE)
    form.get_by_label("Venue (optional)").fill(VENUE)
    form.get_by_label("Default language").select_option(label="English")
    form.get_by_label("Capacity (seats) (optional)").fill(str(SEATS))
    shoot(page, "02-event-form")
    form.get_by_role("button", name="Create the event").click()
    expect(page).to_have_url(re.compile(r"/e/[A-Z0-9]+/agenda$"), timeout=TIMEOUT)
    code = page.url.split("/e/")[1].split("/")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda")
    expect(page.get_by_text(TITLE)).to_be_visible()
    expect(page.get_by_text(re.compile(r"2023, 14:30 \(Europe/Brussels\)"))).to_be_visible()
    with database.session() as session:
        event = session.scalar(select(Event).where(Event.code == code))
        assert event is not None
        assert (event.title, event.starts_on, event.start_time) == (
            TITLE,
            dt.date(2023, 10, 10),
            dt.time(14, 30),
        )
        assert (event.time_zone, event.venue, event.language, event.capacity) == (
            ZONE,
            VENUE,
            "en",
            SEATS,
        )
        assert event.organiser_id is not None
        event_id = event.id

    # -- 3. Write the agenda in the builder ------------------------------------------------
    for kind, title, organisation in AGENDA:  # the poll items get their polls in step 4
        add_item(page, kind, title, organisation)
    items = page.locator(".builder-item")
    expect(items).to_have_count(len(AGENDA))
    expect(items.nth(2)).to_contain_text("EURADA")
    expect(items.nth(3)).to_contain_text("EUROCITIES")
    # planned starts in the event's zone, not the laptop's (New York would say 08:30)
    expect(items.nth(0).locator("[data-item-start]")).to_have_text("14:30")
    expect(items.nth(2).locator("[data-item-start]")).to_have_text("14:45")
    expect(items.nth(3).locator("[data-item-start]")).to_have_text("15:00")
    expect(page.locator("[data-agenda-summary]")).to_contain_text("starts at 14:30")
    expect(page.locator("[data-agenda-summary]")).to_contain_text(f"({ZONE})")
    expect(page.locator("[data-agenda-end]")).to_have_text("16:00")
    shoot(page, "03-agenda")
    with database.session() as session:
        stored = [
            (i.kind.value, i.title, i.speaker_organisation)
            for i in agenda.agenda(session, event_id)
        ]
    assert stored == AGENDA

    # The events page lists it (a past event: 2023), with the ways to prepare and run it.
    page.get_by_role("link", name="Your events").click()
    card = page.locator(f"#event-{code}")
    expect(page.locator("section", has_text="Past events").locator(".event-card")).to_have_count(1)
    expect(card).to_contain_text(f"14:30 ({ZONE}) · {VENUE}")
    expect(card).to_contain_text(f"{SEATS} seats")
    polls_link = card.get_by_role("link", name=re.compile("^Polls"))
    expect(polls_link).to_have_attribute("href", f"/e/{code}/moderate/polls")
    shoot(page, "03-events-with-the-event")

    # -- 4. Write the two polls in the poll editor -----------------------------------------
    # From the events page to the moderator page, and from there to the poll editor.
    card.get_by_role("link", name=re.compile("^Moderate")).click()
    expect(page).to_have_url(re.compile(rf"/e/{code}/moderate$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Team")).to_have_attribute("href", f"/e/{code}/team")
    expect(page.get_by_role("link", name="Your events")).to_have_attribute("href", "/events")
    shoot(page, "04-moderator-before-polls")
    page.get_by_role("link", name="Prepare the polls: questions, options and settings").click()
    expect(page).to_have_url(re.compile(rf"/e/{code}/moderate/polls$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Polls")
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))

    # The ranking poll: its question typed, its options each followed by Enter.
    new = page.locator("#new")
    new.get_by_label("Title").fill("World areas")
    new.get_by_label("Kind of question").select_option(label="Ranking")
    new.get_by_label("Question", exact=True).fill(RANKING_PROMPT)
    new.get_by_label("Options, one per line").click()
    for area in AREAS:
        page.keyboard.type(area)
        page.keyboard.press("Enter")
    shoot(page, "04-new-ranking-poll")
    new.get_by_role("button", name="Create the poll").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("World areas")
    expect(page.locator("#editor > .notice")).to_have_text(
        "Poll created: a draft nobody sees until you open it."
    )
    ranking = page.locator(".editor-question").first
    expect(ranking.locator(".option-row input")).to_have_count(len(AREAS))
    expect(ranking.locator(".phone-frame .rank-label")).to_have_text(AREAS)
    # every option ranked, as in the reference: the top-k box stays empty
    expect(ranking.get_by_label("Options each person ranks")).to_have_value("")
    shoot(page, "04-ranking-editor")

    # The open-text poll from the paste box of the list of polls.
    page.get_by_role("link", name="Polls", exact=True).click()
    expect(page.get_by_role("link", name="World areas")).to_be_visible()
    paste = page.locator("#paste")
    paste.get_by_label("Title").fill("Experiences")
    paste.get_by_label("Questions and options").fill(f"{OPEN_TEXT_PROMPT} [open text 1]")
    paste.get_by_role("button", name="Create the poll from this list").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Experiences")
    open_text = page.locator(".editor-question").first
    expect(open_text.locator("h3")).to_contain_text("Open text")
    open_text.get_by_label("Longest answer, in characters").fill("280")
    open_text.get_by_role("button", name="Save question").click()
    expect(open_text.locator(":scope > .notice")).to_have_text("Question saved.")
    expect(page.locator("[data-editor]")).not_to_have_attribute("aria-busy", "true")
    shoot(page, "04-open-text-editor")

    with database.session() as session:
        polls = session.scalars(select(Poll).where(Poll.event_id == event_id)).all()
        found = {
            p.title: (p.state, [(q.kind, q.prompt, q.config) for q in p.questions]) for p in polls
        }
    assert set(found) == {"World areas", "Experiences"}
    state, [(kind, prompt, config)] = found["World areas"]
    assert (state, kind, prompt) == (PollState.draft, "ranking", RANKING_PROMPT)
    assert [o["label"] for o in config["options"]] == AREAS
    assert not config.get("top_k")
    option_of = {o["label"]: o["id"] for o in config["options"]}
    state, [(kind, prompt, config)] = found["Experiences"]
    assert (state, kind, prompt) == (PollState.draft, "open_text", OPEN_TEXT_PROMPT)
    assert (config["max_entries"], config["max_length"]) == (1, 280)
    poll_ids = {p.title: p.id for p in polls}

    # Back to the agenda: each poll item shows its poll.
    page.get_by_role("link", name=TITLE).first.click()  # the breadcrumb: the moderator page
    page.get_by_role("link", name="Edit the agenda: items, order and planned times").click()
    expect(page).to_have_url(re.compile(rf"/e/{code}/agenda$"))
    for number, poll_title in ((1, "World areas"), (6, "Experiences")):
        item_title = AGENDA[number][1]
        page.get_by_role("link", name=re.compile(f"^Edit.*{re.escape(item_title)}")).click()
        page.get_by_label("Poll shown on the screen (optional)").select_option(label=poll_title)
        page.get_by_role("button", name=re.compile("^Save")).click()
        expect(page).to_have_url(re.compile(rf"/e/{code}/agenda"))
        expect(page.locator(".builder-item").nth(number)).to_contain_text(f"Poll: {poll_title}")
    shoot(page, "04-agenda-with-polls")
    with database.session() as session:
        linked = [i.poll_id for i in agenda.agenda(session, event_id) if i.kind.value == "poll"]
    assert linked == [poll_ids["World areas"], poll_ids["Experiences"]]

    # -- 5. Open the ranking poll from the moderator page ----------------------------------
    page.get_by_role("link", name="Moderate").click()
    expect(page).to_have_url(re.compile(rf"/e/{code}/moderate$"))
    areas = page.locator(".mod-poll", has=page.get_by_role("heading", name=re.compile("World")))
    agenda_item = page.locator(".agenda-item", has_text=AGENDA[1][1])
    expect(agenda_item).to_contain_text(f"14:40 ({ZONE})")  # planned, in the event's zone
    edit = areas.get_by_role("link", name=re.compile("^Edit"))
    expect(edit).to_have_attribute("href", f"/e/{code}/moderate/polls/{poll_ids['World areas']}")
    agenda_item.get_by_role("button", name=re.compile("^Make this now")).click()
    expect(page.locator("[data-announce]")).to_have_text(f"Now: {AGENDA[1][1]}")
    expect(areas).to_have_class(re.compile(r"\bis-current\b"))  # the "now" item's poll
    expect(areas.locator("[data-current-badge]")).to_be_visible()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("o")
    expect(page.locator("[data-announce]")).to_have_text("Opened “World areas”.", timeout=TIMEOUT)
    expect(areas).to_have_attribute("data-state", "open")
    shoot(page, "05-moderator-poll-open")
    with database.session() as session:
        assert session.get_one(Poll, poll_ids["World areas"]).state is PollState.open
        assert session.get_one(Poll, poll_ids["Experiences"]).state is PollState.draft

    # -- 7 (set up before 6). The screen link, on the projector ----------------------------
    screen_url = page.get_by_role("link", name="Screen (opens a new window)").get_attribute("href")
    assert screen_url is not None
    assert "key=" in screen_url
    projector = browser.new_context(viewport=PROJECTOR)
    screen = projector.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen_errors = watch_errors(screen)
    api_pages_opened(screen, navigations)
    screen.goto(screen_url)
    expect(screen.locator("[data-code]")).to_have_text(code)
    expect(screen.locator("[data-prompt]")).to_have_text(RANKING_PROMPT)
    expect(screen.locator(".result-meta")).to_have_text(re.compile(r"· 0 ballots$"))
    screen.evaluate("window.__notReloaded = true")
    shoot(screen, "07-screen-before")

    # -- 6. A participant answers from a phone ---------------------------------------------
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.set_default_timeout(TIMEOUT)
    phone_errors = watch_errors(mobile)
    api_pages_opened(mobile, navigations)
    mobile.goto(f"{live_server.url}/")
    mobile.get_by_label("Code shown on the screen").fill(code.lower())
    mobile.get_by_role("button", name="Join").click()
    expect(mobile).to_have_url(re.compile(rf"/e/{code}$"))
    expect(mobile.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    expect(mobile.get_by_text(RANKING_PROMPT)).to_be_visible()
    ranked = mobile.locator(".rank-item")
    expect(ranked.locator(".rank-label")).to_have_text(AREAS)
    shoot(mobile, "06-phone-ranking")
    # Latin America first by keyboard, then Africa up to second with its button.
    latam = ranked.filter(has_text="Latin America and the Caribbean")
    latam.focus()
    mobile.keyboard.press("ArrowUp")
    mobile.keyboard.press("ArrowUp")
    expect(latam).to_be_focused()
    expect(latam.locator(".rank-pos")).to_have_text("1")
    for _ in range(3):
        mobile.get_by_role("button", name="Move Africa up").click()
    order = [
        "Latin America and the Caribbean",
        "Africa",
        "Asia",
        "Australia and Oceania",
        "North America",
    ]
    expect(ranked.locator(".rank-label")).to_have_text(order)
    expect(ranked.locator(".rank-pos")).to_have_text(["1", "2", "3", "4", "5"])
    shoot(mobile, "06-phone-ranked")
    assert fits(mobile)
    mobile.get_by_role("button", name="Submit").click()
    expect(mobile.get_by_text("Thank you, your answers are in.")).to_be_visible(timeout=TIMEOUT)
    shoot(mobile, "06-phone-sent")
    with database.session() as session:
        answers = session.scalars(select(Response.answer)).all()
    assert answers == [{"ranking": [option_of[label] for label in order]}]

    # -- 7. The screen shows the result without a reload -----------------------------------
    expect(screen.locator(".result-meta")).to_have_text(re.compile(r"· 1 ballot$"), timeout=TIMEOUT)
    expect(screen.locator(".bar-row").first.locator(".bar-label")).to_have_text(
        "Latin America and the Caribbean"
    )
    expect(screen.locator(".bar-row .bar-label")).to_have_count(len(AREAS))
    assert screen.evaluate("window.__notReloaded") is True
    assert fits(screen)
    shoot(screen, "07-screen-after")
    # and the moderator page follows too, in place
    expect(areas.locator(".result-meta")).to_have_text(re.compile(r"· 1 ballot$"), timeout=TIMEOUT)
    shoot(page, "07-moderator-after")

    assert navigations == []
    assert errors == []
    assert screen_errors == []
    assert phone_errors == []
    for context in (phone, projector, laptop):
        context.close()
    database.dispose()
