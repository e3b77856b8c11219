"""In Chromium: sign up, sign in, reset a password, build a team, replace links; axe on all."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.core.settings import Settings
from agora.events.services import create_event
from tests.accounts.conftest import logged_links
from tests.browser import LiveServer, watch_errors
from tests.conftest import SECRET

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 900}
OLD = "correct horse battery"
NEW = "purple elephant kettle"


def violations(page: Page) -> list[str]:
    """Return axe's WCAG 2.1 AA violations on the page, one line each."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


@pytest.fixture
def server(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> Iterator[LiveServer]:
    """Agora with sign-up open and no mail server: links go to the (captured) log."""
    caplog.set_level(logging.WARNING, logger="agora.accounts.mail")
    settings = Settings(
        database_url=sqlite_url,
        secret_key=SECRET,
        signup="open",
        live_interval_ms=50,
        heartbeat_s=2.0,
        retention_interval_hours=0,  # tests/privacy runs the purge on its own
        _env_file=None,
    )
    live = LiveServer(settings)
    live.start()
    yield live
    live.stop()


def newest_link(caplog: pytest.LogCaptureFixture, count: int) -> str:
    """Return the ``count``-th link in the log, waiting for it: mail goes after the response."""
    deadline = time.monotonic() + 5
    while len(logged_links(caplog)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    links = logged_links(caplog)
    assert len(links) == count, links
    return links[-1]


def setup_team(server: LiveServer) -> tuple[str, str, str]:
    """Create an organiser with an event and a colleague; return code, moderator and screen keys."""
    database = Database(server.settings.database_url)
    with database.session() as session:
        owner = create_organiser(
            session, email="olga@region.example", password=OLD, name="Olga Owner"
        )
        create_organiser(
            session, email="carla@region.example", password=OLD, name="Carla Colleague"
        )
        event = create_event(
            session, title="Partners day", starts_on=dt.date(2024, 5, 1), organiser_id=owner.id
        )
        keys = (event.code, event.moderator_key, event.screen_key)
    database.dispose()
    return keys


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Sign in on the sign-in page (where ``page`` is, or opened)."""
    if "/login" not in page.url:
        page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_sign_in_and_reset_a_forgotten_password(
    server: LiveServer, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    base = server.url
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    errors = watch_errors(page)

    page.goto(f"{base}/login")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name (optional)").fill("Ana Horvat")
    page.get_by_label("E-mail address").fill("ana@region.example")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(newest_link(caplog, 1))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("The new password again").fill("too short")
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.locator("#new-password-error")).to_have_text(
        "The password must have at least 10 characters."
    )
    expect(page.get_by_label("New password", exact=True)).to_be_focused()
    page.get_by_label("New password", exact=True).fill(OLD)
    page.get_by_label("The new password again").fill(OLD)
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    sign_in(page, base, "ana@region.example", OLD)
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("ana@region.example")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If an account exists for ana@region.example")).to_be_visible()
    page.goto(newest_link(caplog, 2))
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("The new password again").fill(NEW)
    page.get_by_role("button", name="Save the password and sign in").click()
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "ana@region.example", OLD)
    expect(page.get_by_role("alert")).to_have_text("The e-mail address or the password is wrong.")
    sign_in(page, base, "ana@region.example", NEW)
    expect(page.get_by_role("heading", name="Your events")).to_be_visible()
    page.goto(newest_link(caplog, 2))
    expect(page.get_by_role("alert")).to_contain_text("This link was used already")
    assert errors == []
    context.close()


def test_invite_accept_remove_and_replace_links(server: LiveServer, browser: Browser) -> None:
    base = server.url
    code, moderator_key, screen_key = setup_team(server)
    owner_context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    owner = owner_context.new_page()
    errors = watch_errors(owner)
    sign_in(owner, base, "olga@region.example", OLD)
    owner.get_by_role("link", name="Team").click()
    expect(owner.get_by_role("heading", name="Team", exact=True)).to_be_visible()

    owner.get_by_role("button", name="Create an invitation link").click()
    link_field = owner.get_by_label("Invitation link")
    expect(link_field).to_have_value(re.compile(r"/invitations/"))
    owner.get_by_role(
        "button", name="Copy the invitation link"
    ).click()  # no clipboard over HTTP: selects it
    expect(owner.locator("[data-copy-status]").first).not_to_be_empty()
    invitation = link_field.input_value()

    colleague_context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    colleague = colleague_context.new_page()
    colleague.goto(invitation)
    expect(colleague.get_by_text("Olga Owner invites you to moderate this event")).to_be_visible()
    colleague.get_by_role("link", name="Sign in to accept").click()
    sign_in(colleague, base, "carla@region.example", OLD)
    colleague.get_by_role("button", name="Accept the invitation").click()
    expect(colleague).to_have_url(f"{base}/e/{code}/moderate")
    expect(colleague.get_by_role("heading", level=1)).to_contain_text("Partners day")

    # the link holder's browser, and the projector, before the links are replaced
    holder_context = browser.new_context(viewport=LAPTOP)  # type: ignore[arg-type]
    holder = holder_context.new_page()
    holder.goto(f"{base}/e/{code}/moderate?key={moderator_key}")
    expect(holder).to_have_url(f"{base}/e/{code}/moderate")
    projector = holder_context.new_page()
    assert projector.goto(f"{base}/e/{code}/screen?key={screen_key}").status == 200  # type: ignore[union-attr]

    # remove the colleague, by keyboard: open the confirmation, then confirm
    owner.reload()
    members = owner.get_by_role("region", name="Who moderates")
    expect(members).to_contain_text("Carla Colleague")
    members.locator("summary").focus()
    owner.keyboard.press("Enter")
    confirm = members.get_by_role("button", name="Remove Carla Colleague from the team")
    expect(confirm).to_be_visible()
    owner.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    owner.keyboard.press("Enter")
    expect(owner.get_by_text("Carla Colleague no longer moderates this event.")).to_be_visible()
    assert colleague.goto(f"{base}/e/{code}/moderate").status == 403  # type: ignore[union-attr]

    links = owner.get_by_role("region", name="Moderator and screen links")
    links.get_by_text("Replace the moderator link…").click()
    links.get_by_role("button", name="Replace the moderator link").click()
    expect(owner.get_by_text("The moderator link is replaced")).to_be_visible()
    links.get_by_text("Replace the screen link…").click()
    links.get_by_role("button", name="Replace the screen link").click()
    expect(owner.get_by_text("The screen link is replaced")).to_be_visible()
    new_screen = owner.get_by_label("Screen link", exact=True).input_value()

    assert holder.reload().status == 403  # type: ignore[union-attr]
    assert projector.reload().status == 403  # type: ignore[union-attr]
    assert holder.goto(f"{base}/e/{code}/moderate?key={moderator_key}").status == 403  # type: ignore[union-attr]
    assert projector.goto(new_screen).status == 200  # type: ignore[union-attr]
    assert errors == []
    for context in (owner_context, colleague_context, holder_context):
        context.close()


def test_account_and_team_pages_pass_axe(
    server: LiveServer, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    base = server.url
    code, _moderator_key, _screen_key = setup_team(server)
    found: dict[str, Any] = {}
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = context.new_page()
        for path in ("/login", "/signup", "/password/forgot", "/password/link/nonsense"):
            page.goto(base + path)
            found[f"{path} {name}"] = violations(page)
        page.goto(f"{base}/password/forgot")
        page.get_by_label("E-mail address").fill("not an address")
        page.get_by_role("button", name="Send the link").click()
        found[f"forgot with an error {name}"] = violations(page)
        page.get_by_label("E-mail address").fill("olga@region.example")
        page.get_by_role("button", name="Send the link").click()
        found[f"link sent {name}"] = violations(page)
        page.goto(newest_link(caplog, 1 if name == "phone" else 2))
        page.get_by_role("button", name="Save the password and sign in").click()
        found[f"new password with an error {name}"] = violations(page)
        page.goto(f"{base}/e/{code}/team")
        found[f"team, not signed in {name}"] = violations(page)
        sign_in(page, base, "olga@region.example", OLD)
        page.goto(f"{base}/e/{code}/team")
        page.get_by_role("button", name="Create an invitation link").click()
        for summary in page.locator("summary").all():
            summary.click()
        found[f"team with a new link {name}"] = violations(page)
        invitation = page.get_by_label("Invitation link").input_value()
        page.get_by_label("E-mail address of the person to invite").fill("olga@region.example")
        page.get_by_role("button", name="Create the invitation").click()
        found[f"team with an error {name}"] = violations(page)
        page.goto(invitation)
        found[f"invitation, signed in {name}"] = violations(page)
        context.close()
        other = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        page = other.new_page()
        page.goto(invitation)
        found[f"invitation, signed out {name}"] = violations(page)
        other.close()
    assert found == {name: [] for name in found}
