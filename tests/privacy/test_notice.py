"""Each event's privacy notice: written from the facts unless the organiser writes one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from tests.conftest import EventFactory, OrganiserFactory
from tests.privacy.conftest import audit_actions


def test_the_default_notice_says_what_is_kept_how_long_and_whom_to_ask(
    client: TestClient, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser(email="owner@region.example", name="Olga Owner")
    event = make_event(organiser_id=owner.id)  # ends 2023-10-10; 90 days by default

    page = client.get(f"/e/{event.code.lower()}/privacy")

    assert page.status_code == 200
    assert "When you register, Agora keeps your name, e-mail address" in page.text
    assert "asks for no name" in page.text
    assert "kept for 90 days after the event, until 2024-01-08" in page.text
    assert "write to Olga Owner &lt;owner@region.example&gt;" in page.text
    assert f"http://testserver/e/{event.code}/me" in page.text


def test_the_notice_is_linked_from_the_register_join_and_participant_pages(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    link = f'href="/e/{event.code}/privacy"'

    assert link in client.get(f"/e/{event.code}/register").text
    assert link in client.get(f"/e/{event.code}").text  # the join form
    client.post(f"/e/{event.code}/join")
    participant_page = client.get(f"/e/{event.code}")
    assert link in participant_page.text
    assert f'href="/e/{event.code}/me"' in participant_page.text


def test_the_organisers_notice_is_plain_text_in_paragraphs(
    client: TestClient, db: Database, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser()
    event = make_event(organiser_id=owner.id)
    text = "We keep <b>little</b>.\nAsk us.\n\n<script>alert(1)</script>"

    saved = client.post(
        f"/e/{event.code}/privacy/settings",
        data={"privacy_notice": text, "retention_days": "30"},
        headers=owner.headers,
        follow_redirects=False,
    )
    page = client.get(f"/e/{event.code}/privacy")

    assert saved.status_code == 303
    assert "<p>We keep &lt;b&gt;little&lt;/b&gt;.<br>Ask us.</p>" in page.text
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page.text
    assert "<script>alert(1)" not in page.text
    assert "erases the event's personal data on 2023-11-09" in page.text
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert (stored.retention_days, stored.privacy_notice) == (30, text)
        assert audit_actions(session, stored)[-1][1] == "privacy.settings_changed"
    settings = client.get(f"/e/{event.code}/privacy/settings", headers=owner.headers)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in settings.text


def test_a_wrong_retention_or_notice_is_refused_and_changes_nothing(
    client: TestClient, db: Database, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser()
    event = make_event(organiser_id=owner.id)
    url = f"/e/{event.code}/privacy/settings"

    days = client.post(
        url, data={"privacy_notice": "Hi", "retention_days": "0"}, headers=owner.headers
    )
    control = client.post(url, data={"privacy_notice": "a\x07b"}, headers=owner.headers)
    long = client.post(url, data={"privacy_notice": "x" * 20_001}, headers=owner.headers)

    assert days.status_code == 422
    assert "a whole number of days from 1 to 36,500" in days.text
    assert 'value="0"' in days.text
    assert "contains a control character" in control.text
    assert "longer than 20000 characters" in long.text
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert (stored.privacy_notice, stored.retention_days) == ("", None)


def test_only_the_owner_changes_the_notice(
    client: TestClient, db: Database, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    owner = make_organiser()
    stranger = make_organiser(email="stranger@elsewhere.example")
    event = make_event(organiser_id=owner.id)
    url = f"/e/{event.code}/privacy/settings"
    form = {"privacy_notice": "Mine now"}

    assert client.post(url, data=form).status_code == 401
    assert client.post(url, data=form, headers=stranger.headers).status_code == 403
    moderator = {"X-Moderator-Key": event.moderator_key}
    assert client.post(url, data=form, headers=moderator).status_code == 401
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert stored.privacy_notice == ""
