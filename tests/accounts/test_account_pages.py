"""The account pages: sign up where it is open, sign in and out, a forgotten password."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.accounts.conftest import (
    AppFactory,
    Browser,
    ClientFactory,
    logged_links,
    path_of,
    sign_in,
)
from tests.conftest import OrganiserFactory

OLD = "correct horse battery"
NEW = "purple elephant kettle"


@pytest.fixture(autouse=True)
def mail_log(caplog: pytest.LogCaptureFixture) -> None:
    """Keep the links Agora writes to the log (no mail server in these tests)."""
    caplog.set_level(logging.WARNING, logger="agora.accounts.mail")


def test_forgotten_password_is_reset_by_the_logged_link(
    client: TestClient, make_organiser: OrganiserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    sign_in(client, "staff@region.example", OLD)
    assert client.get("/events").status_code == 200

    page = client.post("/password/forgot", data={"email": "Staff@Region.example"})

    assert page.status_code == 200
    assert "If an account exists for staff@region.example" in page.text
    assert "operator finds the link in the server" in page.text
    (link,) = logged_links(caplog)
    form = client.get(path_of(link))
    assert form.status_code == 200
    assert "Choose a new password" in form.text
    assert "staff@region.example" in form.text

    done = client.post(
        path_of(link), data={"password": NEW, "confirmation": NEW}, follow_redirects=False
    )

    assert (done.status_code, done.headers["location"]) == (303, "/events")
    assert client.get("/events").status_code == 200  # signed in with the new password
    client.post("/logout")
    refused = client.post("/login", data={"email": "staff@region.example", "password": OLD})
    assert refused.status_code == 401
    sign_in(client, "staff@region.example", NEW)
    again = client.get(path_of(link))
    assert again.status_code == 409
    assert "This link was used already" in again.text


def test_new_password_signs_out_the_other_browsers(
    client: TestClient, make_organiser: OrganiserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    elsewhere = Browser(client)
    sign_in(elsewhere, "staff@region.example", OLD)
    assert "staff@region.example" in elsewhere.get("/events").text

    client.post("/password/forgot", data={"email": "staff@region.example"})
    (link,) = logged_links(caplog)
    client.post(path_of(link), data={"password": NEW, "confirmation": NEW})

    assert elsewhere.get("/events", follow_redirects=False).status_code == 303  # to /login
    assert client.get("/events").status_code == 200


def test_the_page_is_the_same_whether_the_address_has_an_account_or_not(
    client: TestClient, make_organiser: OrganiserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    make_organiser(email="staff@region.example", password=OLD)

    known = client.post("/password/forgot", data={"email": "staff@region.example"})
    unknown = client.post("/password/forgot", data={"email": "nobody@region.example"})

    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("staff@", "nobody@") == unknown.text
    assert len(logged_links(caplog)) == 1


def test_a_malformed_address_is_explained_next_to_the_field(client: TestClient) -> None:
    page = client.post("/password/forgot", data={"email": "<b>staff</b>"})

    assert page.status_code == 422
    assert 'id="forgot-email-error"' in page.text
    assert "&#39;&lt;b&gt;staff&lt;/b&gt;&#39; is not an e-mail address." in page.text
    assert 'aria-invalid="true"' in page.text
    assert "<b>staff</b>" not in page.text


def test_a_refused_new_password_is_explained_and_the_link_still_works(
    client: TestClient, make_organiser: OrganiserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    client.post("/password/forgot", data={"email": "staff@region.example"})
    (link,) = logged_links(caplog)

    short = client.post(path_of(link), data={"password": "short", "confirmation": "short"})
    different = client.post(path_of(link), data={"password": NEW, "confirmation": OLD})

    assert short.status_code == different.status_code == 422
    assert "The password must have at least 10 characters." in short.text
    assert 'id="new-password-error"' in short.text
    assert "The two passwords are not the same" in different.text
    assert 'id="new-password-again-error"' in different.text
    sign_in(client, "staff@region.example", OLD)
    assert client.get(path_of(link)).status_code == 200


@pytest.mark.parametrize("token", ["nonsense", "x" * 43])
def test_an_unknown_link_says_so_and_offers_a_new_one(client: TestClient, token: str) -> None:
    page = client.get(f"/password/link/{token}")

    assert page.status_code == 404
    assert "This link is not valid." in page.text
    assert 'href="/password/forgot"' in page.text


def test_signup_is_closed_by_default(client: TestClient) -> None:
    page = client.get("/signup")
    posted = client.post("/signup", data={"email": "ana@region.example"})

    assert page.status_code == posted.status_code == 404
    assert "Ask its operator for an organiser account." in page.text
    assert "Create an account" not in client.get("/login").text


def test_open_signup_confirms_the_address_by_a_link_then_signs_in(
    make_app: AppFactory, client_of: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    visitor = client_of(make_app(signup="open"))
    assert 'href="/signup"' in visitor.get("/login").text

    sent = visitor.post("/signup", data={"name": "Ana Horvat", "email": "ana@region.example"})

    assert sent.status_code == 200
    assert "A link to choose your password is on its way to ana@region.example." in sent.text
    (link,) = logged_links(caplog)
    assert "Choose your password" in visitor.get(path_of(link)).text
    done = visitor.post(path_of(link), data={"password": NEW, "confirmation": NEW})
    assert done.status_code == 200
    assert "ana@region.example" in done.text  # the events page, signed in
    visitor.post("/logout")
    sign_in(visitor, "ana@region.example", NEW)


def test_signup_with_a_taken_address_reads_the_same_and_mails_its_owner(
    make_app: AppFactory,
    client_of: ClientFactory,
    make_organiser: OrganiserFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    visitor = client_of(make_app(signup="open"))

    taken = visitor.post("/signup", data={"email": "staff@region.example"})
    new = visitor.post("/signup", data={"email": "new@region.example"})

    assert taken.status_code == new.status_code == 200
    assert taken.text.replace("staff@", "new@") == new.text
    owner_mail = caplog.records[0].getMessage()
    assert "This address has an account already" in owner_mail


def test_signup_explains_a_refused_field_and_keeps_what_was_typed(
    make_app: AppFactory, client_of: ClientFactory
) -> None:
    visitor = client_of(make_app(signup="open"))

    page = visitor.post("/signup", data={"name": "<i>Ana</i>", "email": "ana-at-region"})

    assert page.status_code == 422
    assert 'id="signup-email-error"' in page.text
    assert "is not an e-mail address" in page.text
    assert 'value="&lt;i&gt;Ana&lt;/i&gt;"' in page.text
    assert "<i>Ana</i>" not in page.text


def test_signing_in_returns_to_the_page_it_came_from_on_this_site_only(
    client: TestClient, make_organiser: OrganiserFactory
) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    data = {"email": "staff@region.example", "password": OLD}

    here = client.post("/login", data={**data, "next": "/invitations/abc"}, follow_redirects=False)
    away = client.post("/login", data={**data, "next": "//evil.example/x"}, follow_redirects=False)

    assert here.headers["location"] == "/invitations/abc"
    assert away.headers["location"] == "/events"
    signed_in = client.get("/login?next=/invitations/abc", follow_redirects=False)
    assert signed_in.headers["location"] == "/invitations/abc"


def test_signing_out_says_so(client: TestClient, make_organiser: OrganiserFactory) -> None:
    make_organiser(email="staff@region.example", password=OLD)
    sign_in(client, "staff@region.example", OLD)

    page = client.post("/logout")

    assert "You are signed out." in page.text
    assert client.get("/events", follow_redirects=False).status_code == 303
