"""In Chromium: the match page and the benefit analysis pass axe on a phone and a laptop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.demo.matching import seed_matching
from tests.browser import LiveServer, watch_errors

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
EMAIL, PASSWORD = "officer@hamburg.example", "a long enough password"
#: Where screenshots go when AGORA_SCREENSHOTS names a folder (for the docs).
SHOTS = os.environ.get("AGORA_SCREENSHOTS", "")


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def arrange(server: LiveServer) -> int:
    database = Database(server.settings.database_url)
    with database.session() as session:
        create_organiser(session, email=EMAIL, password=PASSWORD, name="")
        hamburg = seed_matching(session)["Hamburg"].id
    database.dispose()
    return hamburg


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_match_and_benefit_pages_pass_axe_and_work_by_their_forms(
    live_server: LiveServer, browser: Browser
) -> None:
    hamburg = arrange(live_server)
    base = live_server.url
    found: dict[str, list[str]] = {}
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        errors = watch_errors(page)
        sign_in(page, base)
        page.goto(f"{base}/knowledge/actors/{hamburg}/match")
        expect(page.get_by_role("heading", name="Partner matching for Hamburg")).to_be_visible()
        page.get_by_label("Digital transition and smart city").check()
        page.get_by_label("Urban mobility").check()
        page.get_by_role("button", name="Find partners").click()
        expect(page.get_by_role("heading", name="Candidates")).to_be_visible()
        expect(page.locator(".match").first).to_contain_text("Network proximity")
        found[f"match-{name}"] = violations(page)
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"match-page-{name}.png"), full_page=True)
        page.locator(".match").first.get_by_role("link", name="Potential-benefit analysis").click()
        expect(page.get_by_role("heading", name="Expected benefits")).to_be_visible()
        found[f"benefit-{name}"] = violations(page)
        if SHOTS and name == "laptop":
            page.screenshot(path=str(Path(SHOTS) / "benefit-page.png"), full_page=True)
        page.goto(f"{base}/knowledge/actors/{hamburg}/match")
        page.get_by_role("link", name="Edit the profile").click()
        expect(page.get_by_role("heading", name="Profile of Hamburg")).to_be_visible()
        found[f"profile-{name}"] = violations(page)
        assert errors == []
        context.close()
    assert found == {key: [] for key in found}

    context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    page = context.new_page()
    sign_in(page, base)
    page.goto(f"{base}/knowledge/actors/{hamburg}/match?topics=digital_transition&topics=mobility")
    page.locator(".match").first.get_by_role("link", name="Potential-benefit analysis").click()
    section = page.locator("#section-risks")
    section.get_by_text("Edit “Risks”").click()
    section.get_by_label("Text of “Risks”").fill("- Plan the first calls for Hamburg's mornings.")
    section.get_by_role("button", name="Save “Risks”").click()
    expect(page.locator("#section-risks [role=status]")).to_contain_text("saved")
    expect(page.locator("#section-risks")).to_contain_text("Plan the first calls")
    found["edited"] = violations(page)
    assert found["edited"] == []
    context.close()
