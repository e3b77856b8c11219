"""Sign-ins kept on the server: sign-out, a new password and expiry end them everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from agora.accounts.models import SignIn
from agora.accounts.services import request_password_reset
from agora.core.db import Database
from agora.domains import routers
from tests.accounts.conftest import sign_in
from tests.conftest import EventFactory, OrganiserFactory

COOKIE = "agora_o"


def _organiser_pages(code: str) -> list[str]:
    """Every page (GET, no id but the event code) of the organiser's side and the event."""
    out = []
    for route in (r for router in routers() for r in router.routes):
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or set()):
            continue
        if set(route.param_convertors) - {"code"} or route.path.startswith("/r/"):
            continue
        if route.path.endswith("/stream"):  # live streams never end: not pages
            continue
        out.append(route.path.replace("{code}", code))
    return out


def test_a_cookie_replayed_after_sign_out_is_refused_on_every_route(
    client: TestClient, make_organiser: OrganiserFactory, make_event: EventFactory
) -> None:
    organiser = make_organiser(email="ana@region.example")
    event = make_event(organiser_id=organiser.id)
    sign_in(client, organiser.email, organiser.password)
    copied = client.cookies[COOKIE]
    pages = _organiser_pages(event.code)
    assert len(pages) > 20
    assert client.get("/events", follow_redirects=False).status_code == 200
    client.post("/logout", follow_redirects=False)
    anonymous = {page: client.get(page, follow_redirects=False).status_code for page in pages}

    client.cookies.clear()
    client.cookies.set(COOKIE, copied)  # a copy kept from before the sign-out

    assert client.get("/events", follow_redirects=False).status_code != 200
    replayed = {page: client.get(page, follow_redirects=False).status_code for page in pages}
    assert replayed == anonymous  # the copy counts for nothing, on every page


def test_every_sign_in_gets_its_own_secret(
    client: TestClient, db: Database, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser(email="ana@region.example")
    sign_in(client, organiser.email, organiser.password)
    first = client.cookies[COOKIE]
    client.cookies.clear()
    sign_in(client, organiser.email, organiser.password)
    assert client.cookies[COOKIE] != first
    with db.session() as session:
        stored = list(session.scalars(select(SignIn.digest)))
    assert len(stored) == 2
    assert first not in stored  # only digests are kept


def test_a_new_password_ends_every_other_sign_in(
    client: TestClient, db: Database, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser(email="ana@region.example")
    sign_in(client, organiser.email, organiser.password)
    elsewhere = client.cookies[COOKIE]
    with db.session() as session:
        link = request_password_reset(session, email=organiser.email)
    assert link is not None
    client.cookies.clear()
    new = "a brand new passphrase"
    response = client.post(
        f"/password/link/{link.token}",
        data={"password": new, "confirmation": new},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/events", follow_redirects=False).status_code == 200  # this browser
    client.cookies.clear()
    client.cookies.set(COOKIE, elsewhere)
    assert client.get("/events", follow_redirects=False).status_code != 200


def test_a_sign_in_expires(
    client: TestClient, db: Database, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser(email="ana@region.example")
    sign_in(client, organiser.email, organiser.password)
    assert client.get("/events", follow_redirects=False).status_code == 200
    with db.session() as session:
        session.execute(
            update(SignIn).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert client.get("/events", follow_redirects=False).status_code != 200


def test_a_forged_cookie_signs_nobody_in(client: TestClient) -> None:
    client.cookies.set(COOKIE, "x" * 43)
    assert client.get("/events", follow_redirects=False).status_code != 200


def test_an_unknown_address_costs_the_same_password_check_as_a_known_one(
    db: Database, make_organiser: OrganiserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The login's timing must not tell which addresses have accounts: one argon2 check each."""
    from agora.accounts import services
    from agora.core import security
    from agora.core.errors import NotAuthenticated

    make_organiser(email="ana@region.example")
    checks: list[str] = []
    real = security.verify_password

    def counted(hashed: str, password: str) -> bool:
        checks.append(hashed[:9])
        return real(hashed, password)

    monkeypatch.setattr(services, "verify_password", counted)
    for email in ("ana@region.example", "nobody@region.example"):
        with db.session() as session, pytest.raises(NotAuthenticated):
            services.authenticate(session, email=email, password="wrong password!")
    assert len(checks) == 2
    assert all(h.startswith("$argon2id") for h in checks)
