"""An event's team: invitations by link or e-mail, co-moderators, removal, new links."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, update

from agora.accounts.models import EventModerator, Invitation
from agora.core.db import Database
from agora.core.security import fingerprint
from agora.events.models import Event
from tests.accounts.conftest import (
    AppFactory,
    Browser,
    ClientFactory,
    logged_links,
    path_of,
    sign_in,
)
from tests.conftest import SECRET, EventFactory, OrganiserFactory, OrganiserLogin

INVITATION = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]+)")


@pytest.fixture
def owner(make_organiser: OrganiserFactory) -> OrganiserLogin:
    """The organiser of the event, signed in on the test client by ``signed_in``."""
    return make_organiser(email="owner@region.example", name="Olga Owner")


@pytest.fixture
def colleague(make_organiser: OrganiserFactory) -> OrganiserLogin:
    """Another organiser, to be invited."""
    return make_organiser(email="colleague@region.example", name="Carla Colleague")


@pytest.fixture
def event(make_event: EventFactory, owner: OrganiserLogin) -> Event:
    """An event of ``owner``."""
    return make_event(title="Partners day", organiser_id=owner.id)


@pytest.fixture
def signed_in(client: TestClient, owner: OrganiserLogin) -> TestClient:
    """The test client, signed in as the event's organiser."""
    sign_in(client, owner.email, owner.password)
    return client


def invitation_link(client: TestClient, code: str) -> str:
    """Make an invitation link on the team page and return its path."""
    page = client.post(f"/e/{code}/team/invite-link")
    assert page.status_code == 200, page.text
    found = INVITATION.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def join_team(client: TestClient, code: str, person: OrganiserLogin) -> Browser:
    """Invite ``person`` by link, let them accept it; return their browser."""
    link = invitation_link(client, code)
    browser = Browser(client)
    sign_in(browser, person.email, person.password)
    accepted = browser.post(link, follow_redirects=False)
    assert (accepted.status_code, accepted.headers["location"]) == (303, f"/e/{code}/moderate")
    return browser


def test_invited_organiser_accepts_the_link_and_moderates_the_event(
    signed_in: TestClient, event: Event, colleague: OrganiserLogin
) -> None:
    link = invitation_link(signed_in, event.code)
    browser = Browser(signed_in)

    anonymous = browser.get(link)
    assert anonymous.status_code == 200
    assert "Olga Owner invites you to moderate this event with them." in anonymous.text
    assert f'href="/login?next={link}"' in anonymous.text
    sign_in(browser, colleague.email, colleague.password)
    assert "You are signed in as colleague@region.example." in browser.get(link).text
    assert browser.post(link).status_code == 200  # on to the moderator page

    assert browser.get(f"/e/{event.code}/moderate").status_code == 200
    assert browser.post(f"/api/v1/events/{event.code}/close").status_code == 200
    assert "Partners day" in browser.get("/events").text
    team = browser.get(f"/e/{event.code}/team")
    assert team.status_code == 200
    assert "Carla Colleague" in team.text
    assert "Olga Owner" in team.text
    assert event.moderator_key not in team.text  # the links are the organiser's
    assert "Invite a co-moderator" not in team.text


def test_removed_co_moderator_can_no_longer_moderate(
    signed_in: TestClient, event: Event, colleague: OrganiserLogin
) -> None:
    browser = join_team(signed_in, event.code, colleague)

    removed = signed_in.post(f"/e/{event.code}/team/members/{colleague.id}/remove")

    assert "Carla Colleague no longer moderates this event." in removed.text
    assert browser.get(f"/e/{event.code}/moderate").status_code == 403
    assert browser.post(f"/api/v1/events/{event.code}/close").status_code == 403
    assert browser.get(f"/e/{event.code}/team").status_code == 403
    assert "Partners day" not in browser.get("/events").text
    again = signed_in.post(f"/e/{event.code}/team/members/{colleague.id}/remove")
    assert again.status_code == 404
    assert "This person is not a co-moderator of the event." in again.text


def test_an_invitation_works_once(
    signed_in: TestClient,
    event: Event,
    colleague: OrganiserLogin,
    make_organiser: OrganiserFactory,
) -> None:
    link = invitation_link(signed_in, event.code)
    first, second = Browser(signed_in), Browser(signed_in)
    sign_in(first, colleague.email, colleague.password)
    other = make_organiser(email="other@region.example")
    sign_in(second, other.email, other.password)

    assert first.post(link, follow_redirects=False).status_code == 303
    late = second.post(link)

    assert late.status_code == 409
    assert "This invitation was accepted already" in late.text
    assert second.get(f"/e/{event.code}/moderate").status_code == 403


def test_expired_and_withdrawn_invitations_say_so(
    signed_in: TestClient, event: Event, db: Database
) -> None:
    expired, withdrawn = (
        invitation_link(signed_in, event.code),
        invitation_link(signed_in, event.code),
    )
    with db.session() as session:
        first = session.scalars(select(Invitation).order_by(Invitation.id)).first()
        assert first is not None
        first.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        newest = session.scalars(select(Invitation).order_by(Invitation.id.desc())).first()
        assert newest is not None
        newest_id = newest.id
    page = signed_in.get(f"/e/{event.code}/team")
    assert "expired" in page.text

    signed_in.post(f"/e/{event.code}/team/invitations/{newest_id}/withdraw")

    assert "This invitation has expired." in signed_in.get(expired).text
    gone = signed_in.get(withdrawn)
    assert gone.status_code == 404
    assert "This invitation link is not valid." in gone.text


def test_the_organiser_keeps_an_invitation_for_someone_else(
    signed_in: TestClient, event: Event, colleague: OrganiserLogin
) -> None:
    link = invitation_link(signed_in, event.code)

    own = signed_in.post(link)

    assert own.status_code == 409
    assert "You organise this event already" in own.text
    join = Browser(signed_in)
    sign_in(join, colleague.email, colleague.password)
    assert join.post(link, follow_redirects=False).status_code == 303


def test_without_a_mail_server_an_e_mail_invitation_shows_its_link(
    signed_in: TestClient, event: Event, db: Database
) -> None:
    page = signed_in.post(f"/e/{event.code}/team/invite", data={"email": "Guest@Region.example"})

    assert page.status_code == 200
    assert "This Agora has no mail server." in page.text
    assert INVITATION.search(page.text)
    assert "guest@region.example" in page.text  # among the invitations not yet accepted
    with db.session() as session:
        stored = session.scalars(select(Invitation)).one()
        assert stored.email == "guest@region.example"
        assert INVITATION.search(page.text).group(1).split("/")[-1] not in stored.digest  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        ("", 422, "Type the e-mail address of the person to invite."),
        ("<b>guest</b>", 422, "&#39;&lt;b&gt;guest&lt;/b&gt;&#39; is not an e-mail address."),
        ("owner@region.example", 409, "owner@region.example moderates this event already."),
    ],
)
def test_a_refused_invitation_is_explained_next_to_the_field(
    signed_in: TestClient, event: Event, db: Database, email: str, status: int, message: str
) -> None:
    page = signed_in.post(f"/e/{event.code}/team/invite", data={"email": email})

    assert page.status_code == status
    assert message in page.text
    assert 'id="invite-email-error"' in page.text
    assert "<b>guest</b>" not in page.text
    with db.session() as session:
        assert session.scalars(select(Invitation)).all() == []


def test_replacing_the_moderator_link_refuses_the_old_link_and_its_browsers(
    signed_in: TestClient, event: Event, colleague: OrganiserLogin
) -> None:
    co = join_team(signed_in, event.code, colleague)
    holder = Browser(signed_in)  # opened the moderator link, has no account
    holder.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert holder.get(f"/e/{event.code}/moderate").status_code == 200

    page = signed_in.post(f"/e/{event.code}/team/rotate", data={"link": "moderator"})

    assert "The moderator link is replaced; the old one no longer works." in page.text
    assert event.moderator_key not in page.text
    assert holder.get(f"/e/{event.code}/moderate").status_code == 403
    assert holder.post(f"/api/v1/events/{event.code}/close").status_code == 403
    old_link = Browser(signed_in).get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert old_link.status_code == 403
    assert (
        Browser(signed_in).get(f"/e/{event.code}/screen?key={event.moderator_key}").status_code
        == 403
    )
    new_key = re.search(r"/moderate\?key=([A-Za-z0-9_-]+)", page.text)
    assert new_key is not None
    fresh = Browser(signed_in)
    fresh.get(f"/e/{event.code}/moderate?key={new_key.group(1)}")
    assert fresh.get(f"/e/{event.code}/moderate").status_code == 200
    assert co.get(f"/e/{event.code}/moderate").status_code == 200  # their access is their account


def test_replacing_the_screen_link_refuses_the_old_one(signed_in: TestClient, event: Event) -> None:
    viewer = Browser(signed_in)
    assert viewer.get(f"/e/{event.code}/screen?key={event.screen_key}").status_code == 200

    page = signed_in.post(f"/e/{event.code}/team/rotate", data={"link": "screen"})

    assert "The screen link is replaced" in page.text
    assert viewer.get(f"/e/{event.code}/screen?key={event.screen_key}").status_code == 403
    new_key = re.search(r"/screen\?key=([A-Za-z0-9_-]+)", page.text)
    assert new_key is not None
    assert new_key.group(1) != event.screen_key
    assert viewer.get(f"/e/{event.code}/screen?key={new_key.group(1)}").status_code == 200


def test_replacing_an_unknown_link_is_explained_and_changes_nothing(
    signed_in: TestClient, event: Event, db: Database
) -> None:
    page = signed_in.post(f"/e/{event.code}/team/rotate", data={"link": "participant"})

    assert page.status_code == 422
    assert "Choose the moderator link or the screen link to replace." in page.text
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert (stored.moderator_key, stored.screen_key) == (event.moderator_key, event.screen_key)


def test_deleting_an_event_removes_its_team(
    signed_in: TestClient, event: Event, colleague: OrganiserLogin, db: Database
) -> None:
    join_team(signed_in, event.code, colleague)
    invitation_link(signed_in, event.code)

    with db.session() as session:
        session.execute(update(Event).where(Event.id == event.id).values(title="Renamed"))
        session.delete(session.get(Event, event.id))

    with db.session() as session:
        assert session.scalars(select(EventModerator)).all() == []
        assert session.scalars(select(Invitation)).all() == []


def test_a_moderator_cookie_holds_the_key_fingerprint_and_old_cookies_grant_nothing(
    client: TestClient, event: Event
) -> None:
    signer = client.app.state.agora.signer  # type: ignore[attr-defined]
    pinned = signer.moderator_token({event.id: fingerprint(event.moderator_key)})
    stale = signer.moderator_token({event.id: fingerprint("an earlier key")})
    old_form = URLSafeSerializer(SECRET, salt="agora.moderator").dumps([event.id])

    assert signer.read_moderator_token(pinned) == {event.id: fingerprint(event.moderator_key)}
    assert event.moderator_key not in pinned
    assert signer.read_moderator_token(old_form) == {}
    for cookie, status in ((pinned, 200), (stale, 403), (old_form, 403)):
        client.cookies.set("agora_m", cookie)
        assert client.get(f"/e/{event.code}/moderate").status_code == status


def test_signing_up_through_an_invitation_leads_back_to_it(
    make_app: AppFactory,
    client_of: ClientFactory,
    owner: OrganiserLogin,
    event: Event,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="agora.accounts.mail")
    client = client_of(make_app(signup="open"))
    sign_in(client, owner.email, owner.password)
    invitation = invitation_link(client, event.code)
    newcomer = Browser(client)
    page = newcomer.get(invitation)
    assert f'href="/signup?next={invitation}"' in page.text

    newcomer.post("/signup", data={"email": "new@region.example", "next": invitation})
    (link,) = logged_links(caplog)
    assert link.endswith(f"?next={invitation}")
    done = newcomer.post(
        path_of(link),
        data={"password": "purple elephant kettle", "confirmation": "purple elephant kettle"},
        follow_redirects=False,
    )

    assert done.headers["location"] == invitation
    assert newcomer.post(invitation, follow_redirects=False).status_code == 303
    assert newcomer.get(f"/e/{event.code}/moderate").status_code == 200
