"""Every team route refuses who may not use it: 401 without an account, 403 for others."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.accounts import team
from agora.accounts.models import EventModerator, Invitation, Organiser
from agora.core.db import Database
from agora.events.models import Event
from tests.accounts.conftest import Browser, sign_in
from tests.conftest import EventFactory, OrganiserFactory


@dataclass
class Setting:
    """An event with its organiser, a co-moderator, an outsider and a waiting invitation."""

    code: str
    moderator_key: str
    owner: tuple[str, str]
    co_moderator: tuple[str, str]
    co_moderator_id: int
    outsider: tuple[str, str]
    invitation_id: int
    invitation_token: str


@pytest.fixture
def setting(db: Database, make_organiser: OrganiserFactory, make_event: EventFactory) -> Setting:
    owner = make_organiser(email="owner@region.example")
    co = make_organiser(email="co@region.example")
    outsider = make_organiser(email="outsider@region.example")
    make_event(title="Outsider's own event", organiser_id=outsider.id)
    event = make_event(title="Partners day", organiser_id=owner.id)
    with db.session() as session:
        stored = team.team_event(session, event.code)
        inviter = session.get(Organiser, owner.id)
        joining = session.get(Organiser, co.id)
        assert inviter is not None
        assert joining is not None
        first = team.invite(session, stored, inviter)
        team.accept_invitation(session, first.token, joining)
        waiting = team.invite(session, stored, inviter, email="guest@region.example")
    return Setting(
        event.code,
        event.moderator_key,
        (owner.email, owner.password),
        (co.email, co.password),
        co.id,
        (outsider.email, outsider.password),
        waiting.id,
        waiting.token,
    )


def routes(s: Setting) -> list[tuple[str, str, dict[str, str]]]:
    """Every team route, with a body that the organiser could send."""
    return [
        ("GET", f"/e/{s.code}/team", {}),
        ("POST", f"/e/{s.code}/team/invite", {"email": "new@region.example"}),
        ("POST", f"/e/{s.code}/team/invite-link", {}),
        ("POST", f"/e/{s.code}/team/invitations/{s.invitation_id}/withdraw", {}),
        ("POST", f"/e/{s.code}/team/members/{s.co_moderator_id}/remove", {}),
        ("POST", f"/e/{s.code}/team/rotate", {"link": "moderator"}),
    ]


def snapshot(db: Database) -> tuple[int, int, str, str]:
    """Return what a refused call must leave unchanged."""
    with db.session() as session:
        invitations = session.scalar(select(func.count()).select_from(Invitation)) or 0
        moderators = session.scalar(select(func.count()).select_from(EventModerator)) or 0
        event = session.scalars(select(Event).where(Event.title == "Partners day")).one()
        return invitations, moderators, event.moderator_key, event.screen_key


def caller(client: TestClient, s: Setting, who: str) -> Browser:
    """Return a browser of ``who``: nobody, a participant, a link holder or an organiser."""
    browser = Browser(client)
    if who == "participant":
        assert browser.get(f"/e/{s.code}").status_code == 200  # joined: a participant cookie
    elif who == "moderator link":
        browser.get(f"/e/{s.code}/moderate?key={s.moderator_key}")
        assert browser.get(f"/e/{s.code}/moderate").status_code == 200
    elif who != "anonymous":
        sign_in(browser, *getattr(s, who.replace(" ", "_").replace("-", "_")))
    return browser


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("participant", 401),
        ("moderator link", 401),
        ("outsider", 403),
    ],
)
def test_team_routes_refuse_callers_without_a_place_on_the_team(
    client: TestClient, db: Database, setting: Setting, who: str, status: int
) -> None:
    browser = caller(client, setting, who)
    before = snapshot(db)

    answered = {
        (method, path): browser.request(method, path, data=data or None).status_code
        for method, path, data in routes(setting)
    }
    if who != "outsider":  # any organiser may accept an invitation: that is what it is for
        accepted = browser.post(f"/invitations/{setting.invitation_token}")
        assert accepted.status_code == 401

    assert answered == {key: status for key in answered}
    assert snapshot(db) == before


def test_a_co_moderator_sees_the_team_but_cannot_change_it(
    client: TestClient, db: Database, setting: Setting
) -> None:
    browser = caller(client, setting, "co-moderator")
    before = snapshot(db)

    answered = {
        (method, path): browser.request(method, path, data=data or None).status_code
        for method, path, data in routes(setting)
    }

    expected = {key: 403 for key in answered}
    expected["GET", f"/e/{setting.code}/team"] = 200
    assert answered == expected
    assert snapshot(db) == before


def test_the_organiser_may_use_every_team_route(
    client: TestClient, db: Database, setting: Setting
) -> None:
    browser = caller(client, setting, "owner")

    answered = [
        browser.request(method, path, data=data or None, follow_redirects=False).status_code
        for method, path, data in routes(setting)
    ]

    assert answered == [200, 303, 303, 303, 303, 303]
