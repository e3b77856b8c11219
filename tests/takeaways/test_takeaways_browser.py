"""End to end in Chromium: the structured takeaway form, moderation live, and axe on every view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, expect

from agora.core.db import Database
from agora.events.services import create_event, join_event
from agora.floor.services import give_floor, request_floor
from agora.takeaways.services import Actor, create_takeaway
from tests.browser import LiveServer, watch_errors
from tests.pages.test_accessibility import violations
from tests.takeaways.conftest import hamburg

pytestmark = pytest.mark.browser


def test_phone_adds_partner_rows_keeps_a_draft_and_sees_its_takeaway_approved_live(
    live_server: LiveServer, browser: Browser
) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Lessons", starts_on=dt.date(2023, 10, 10))
        code, moderator_key = event.code, event.moderator_key
    database.dispose()

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = phone_context.new_page()
    errors = watch_errors(phone)
    phone.goto(f"{live_server.url}/e/{code}")
    section = phone.get_by_role("region", name="Takeaways")
    section.get_by_text("Share a takeaway").click()
    form = section.locator("form[data-takeaway-form]")
    form.get_by_label("Organisation").first.fill("Extremadura")
    form.get_by_label("The lesson, in your own words").fill("Two visiting delegations to Piura.")

    # A reload (as when a poll opens) keeps what was typed.
    phone.reload()
    section.get_by_text("Share a takeaway").click()
    expect(form.get_by_label("The lesson, in your own words")).to_have_value(
        "Two visiting delegations to Piura."
    )

    form.get_by_text("Partners and outcomes (optional)").click()
    partners = form.locator('[data-rows="partners"] > .takeaway-row')
    expect(partners).to_have_count(3)
    form.get_by_role("button", name="Add another partner").click()
    expect(partners).to_have_count(4)
    fourth = partners.nth(3)
    expect(fourth.locator("legend")).to_have_text("Partner 4")
    expect(fourth.get_by_label("Organisation")).to_be_focused()
    fourth.get_by_label("City or region").fill("Piura")
    fourth.get_by_label("Country (two-letter code)").fill("PE")
    fourth.get_by_label("World area").select_option("latin_america")
    form.get_by_role("button", name="Send the takeaway").click()
    mine = section.locator(".takeaway-list").first
    expect(mine).to_contain_text("Two visiting delegations to Piura.")
    expect(mine).to_contain_text("Piura · PE · Latin America and the Caribbean")
    expect(section.get_by_text("waiting for the moderator")).to_be_visible()
    public = section.locator("[data-takeaways-public]")
    expect(public).to_be_empty()
    phone.evaluate("window.__notReloaded = true")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    moderator = desk.new_page()
    moderator_errors = watch_errors(moderator)
    moderator.goto(f"{live_server.url}/e/{code}/moderate?key={moderator_key}")
    listed = moderator.locator("[data-takeaways-all]")
    expect(listed).to_contain_text("Two visiting delegations to Piura.")
    listed.get_by_role("button", name=re.compile("^Approve")).click()
    expect(listed.locator(".badge").first).to_have_text("approved")
    expect(moderator.locator("[data-takeaways-counts]")).to_have_text(
        "0 pending · 1 approved · 0 rejected"
    )

    expect(public).to_contain_text("Two visiting delegations to Piura.")
    assert phone.evaluate("window.__notReloaded") is True
    assert errors == []
    assert moderator_errors == []
    phone_context.close()
    desk.close()


def test_floor_and_takeaway_views_pass_axe(live_server: LiveServer, browser: Browser) -> None:
    database = Database(live_server.settings.database_url)
    with database.session() as session:
        event = create_event(session, title="Accessible", starts_on=dt.date(2023, 10, 10))
        speaker = join_event(session, event, name="Ivana")
        waiting = join_event(session, event, name="Marta")
        turn = request_floor(
            session, event, speaker.id, organisation="Krapina-Zagorje County", place="HR-02",
            topic="Health hub",
        )  # fmt: skip
        give_floor(session, turn)
        request_floor(session, event, waiting.id, place="Murcia", topic="Heritage")
        request_floor(session, event, None, name="Guest", place="Genova")
        takeaway = create_takeaway(session, event, hamburg(), Actor(moderator=True))
        create_takeaway(session, event, hamburg(lesson="Pending one"), Actor(waiting.id))
        code, keys, takeaway_id = event.code, (event.screen_key, event.moderator_key), takeaway.id
        tokens = {}
        from agora.core.security import Signer

        signer = Signer(live_server.settings.signing_key())
        tokens["speaker"] = signer.participant_token(event.id, speaker.id)
        tokens["waiting"] = signer.participant_token(event.id, waiting.id)
    database.dispose()

    views = {
        "speaker's phone": ("speaker", f"/e/{code}", {"width": 360, "height": 740}),
        "waiting phone": ("waiting", f"/e/{code}", {"width": 360, "height": 740}),
        "screen": ("", f"/e/{code}/screen?key={keys[0]}", {"width": 1280, "height": 720}),
        "moderator": ("", f"/e/{code}/moderate?key={keys[1]}", {"width": 1280, "height": 800}),
        "edit form": ("", f"/e/{code}/moderate?key={keys[1]}", {"width": 1280, "height": 800}),
    }
    found = {}
    for name, (who, path, viewport) in views.items():
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        if who:
            context.add_cookies([{"name": "agora_p", "value": tokens[who], "url": live_server.url}])
        page = context.new_page()
        page.goto(live_server.url + path)
        if name == "edit form":
            page.goto(f"{live_server.url}/e/{code}/takeaways/{takeaway_id}/edit?back=moderator")
            page.get_by_label("World area").first.select_option("")
            page.get_by_label("City or region").nth(1).fill("")
            page.get_by_label("Organisation").nth(1).fill("")
            page.get_by_label("Country (two-letter code)").first.fill("AU")
            page.get_by_role("button", name="Save").click()
            expect(page.get_by_role("alert")).to_contain_text("Partner 1")
        page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
        page.wait_for_load_state("load")
        found[name] = violations(page)
        context.close()
    assert found == {name: [] for name in views}
