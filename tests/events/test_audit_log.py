"""The audit log's page and API: the event's team with accounts reads it, nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from agora.accounts import team
from agora.accounts.models import Organiser
from agora.core.db import Database
from agora.events import audit
from agora.events.models import AuditEntry, Event
from tests.accounts.conftest import Browser, sign_in
from tests.conftest import EventFactory, OrganiserFactory, OrganiserLogin, join


@pytest.fixture
def owner(make_organiser: OrganiserFactory) -> OrganiserLogin:
    return make_organiser(email="olga@region.example", name="Olga Owner")


@pytest.fixture
def event(db: Database, make_event: EventFactory, owner: OrganiserLogin) -> Event:
    made = make_event(organiser_id=owner.id, time_zone="America/Argentina/Buenos_Aires")
    with db.session() as session:
        stored = session.get_one(Event, made.id)
        actor = audit.Actor("Olga Owner <olga@region.example>", owner.id)
        audit.record(session, stored, actor, "poll.open", "poll 7")
        audit.record(session, stored, audit.Actor("moderator link"), "qa.reject", "question 12")
        entry = session.query(AuditEntry).filter_by(subject="poll 7").one()
        entry.at = dt.datetime(2023, 10, 10, 17, 30, tzinfo=dt.UTC)
    return made


def co_moderator(db: Database, event: Event, owner: OrganiserLogin, co: OrganiserLogin) -> None:
    with db.session() as session:
        stored = team.team_event(session, event.code)
        inviter = session.get_one(Organiser, owner.id)
        issued = team.invite(session, stored, inviter)
        team.accept_invitation(session, issued.token, session.get_one(Organiser, co.id))


def test_the_organiser_reads_the_latest_entries_in_the_event_zone(
    client: TestClient, event: Event, owner: OrganiserLogin
) -> None:
    browser = Browser(client)
    sign_in(browser, owner.email, owner.password)
    page = browser.get(f"/e/{event.code}/audit")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    # newest first: the rejection, then the poll opened at 17:30 UTC = 14:30 in Buenos Aires
    assert text.index("rejected (hid) an audience question") < text.index("opened a poll")
    assert "2023-10-10 14:30 (America/Argentina/Buenos_Aires)" in text
    assert "Olga Owner &lt;olga@region.example&gt;" in text  # escaped, as all text
    assert "question 12" in text
    assert "moderator link" in text


def test_the_api_returns_the_entries_to_an_organiser_token(
    client: TestClient, event: Event, owner: OrganiserLogin
) -> None:
    response = client.get(f"/api/v1/events/{event.code}/audit", headers=owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == event.code
    assert body["time_zone"] == "America/Argentina/Buenos_Aires"
    assert [e["action"] for e in body["entries"]] == ["qa.reject", "poll.open"]
    opened = body["entries"][1]
    assert opened["action_label"] == "opened a poll"
    assert opened["subject"] == "poll 7"
    assert opened["organiser_id"] == owner.id
    assert opened["local_time"] == "2023-10-10 14:30 (America/Argentina/Buenos_Aires)"
    assert opened["at"].startswith("2023-10-10T17:30:00")


def test_a_co_moderator_signed_in_reads_it_too(
    client: TestClient,
    db: Database,
    event: Event,
    owner: OrganiserLogin,
    make_organiser: OrganiserFactory,
) -> None:
    co = make_organiser(email="co@region.example")
    co_moderator(db, event, owner, co)
    browser = Browser(client)
    sign_in(browser, co.email, co.password)
    assert browser.get(f"/e/{event.code}/audit").status_code == 200
    assert client.get(f"/api/v1/events/{event.code}/audit", headers=co.headers).status_code == 200


def test_who_is_not_on_the_team_with_an_account_is_refused(
    client: TestClient, event: Event, make_organiser: OrganiserFactory
) -> None:
    paths = (f"/e/{event.code}/audit", f"/api/v1/events/{event.code}/audit")
    # nobody
    for path in paths:
        assert client.get(path).status_code == 401
    # a participant
    participant = join(client, event.code)
    for path in paths:
        assert client.get(path, headers=participant).status_code == 401
    # the moderator link: its key, and its cookie
    key = {"X-Moderator-Key": event.moderator_key}
    for path in paths:
        refused = client.get(path, headers=key)
        assert refused.status_code == 401
    link = Browser(client)
    assert link.get(f"/e/{event.code}/moderate", params={"key": event.moderator_key}).is_success
    for path in paths:
        assert link.get(path).status_code == 401
    # another organiser, signed in or by token
    other = make_organiser(email="other@region.example")
    browser = Browser(client)
    sign_in(browser, other.email, other.password)
    for path in paths:
        assert browser.get(path).status_code == 403
    refused = client.get(paths[1], headers=other.headers)
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Only the event's organiser and its co-moderators may read its audit log."
    )


def test_a_removed_co_moderator_loses_access(
    client: TestClient,
    db: Database,
    event: Event,
    owner: OrganiserLogin,
    make_organiser: OrganiserFactory,
) -> None:
    co = make_organiser(email="co@region.example")
    co_moderator(db, event, owner, co)
    path = f"/api/v1/events/{event.code}/audit"
    assert client.get(path, headers=co.headers).status_code == 200
    with db.session() as session:
        stored = team.team_event(session, event.code)
        team.remove_co_moderator(session, stored, session.get_one(Organiser, owner.id), co.id)
    assert client.get(path, headers=co.headers).status_code == 403
    actions = [e["action"] for e in client.get(path, headers=owner.headers).json()["entries"]]
    assert actions[:3] == ["team.remove", "team.accept", "team.invite"]


def test_the_pages_of_the_team_link_to_the_log(
    client: TestClient, event: Event, owner: OrganiserLogin
) -> None:
    browser = Browser(client)
    sign_in(browser, owner.email, owner.password)
    for page in ("/events", f"/e/{event.code}/team", f"/e/{event.code}/moderate"):
        shown = browser.get(page)
        assert shown.status_code == 200, page
        assert f'href="/e/{event.code}/audit"' in shown.text, page


def test_an_empty_log_says_so(
    client: TestClient, make_event: EventFactory, owner: OrganiserLogin
) -> None:
    event = make_event(organiser_id=owner.id)
    browser = Browser(client)
    sign_in(browser, owner.email, owner.password)
    assert "Nothing is recorded yet." in browser.get(f"/e/{event.code}/audit").text


def test_every_action_has_a_label_and_unknown_codes_show_as_they_are() -> None:
    labels = audit.action_labels()
    assert all(code.count(".") == 1 and label for code, label in labels.items())
    assert audit.action_label("poll.open") == "opened a poll"
    assert audit.action_label("future.thing") == "future.thing"
