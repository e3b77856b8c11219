"""Organisers sign in with their password and moderate their own events."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from agora.accounts.services import create_organiser
from agora.core.db import Database
from agora.events.services import create_event


def test_organiser_signs_in_and_moderates_own_event(client: TestClient, db: Database) -> None:
    with db.session() as session:
        organiser = create_organiser(
            session, email="staff@region.example", password="correct horse battery"
        )
        event = create_event(
            session, title="Partners day", starts_on=dt.date(2024, 5, 1), organiser_id=organiser.id
        )
        other = create_event(session, title="Someone else's", starts_on=dt.date(2024, 5, 2))
        code, other_code = event.code, other.code

    wrong = client.post(
        "/login", data={"email": "staff@region.example", "password": "wrong password"}
    )
    assert wrong.status_code == 401
    assert "wrong" in wrong.text

    signed_in = client.post(
        "/login",
        data={"email": "Staff@Region.example", "password": "correct horse battery"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    events = client.get("/events")
    assert "Partners day" in events.text
    assert "Someone else" not in events.text
    assert client.get(f"/e/{code}/moderate").status_code == 200
    assert client.get(f"/e/{other_code}/moderate").status_code == 403

    client.post("/logout")
    assert client.get(f"/e/{code}/moderate").status_code == 403
