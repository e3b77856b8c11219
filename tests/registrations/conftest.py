"""Helpers of the registration tests: people, moderators, stored rows and CSV files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event
from agora.registrations import services
from agora.registrations.details import Details, clean_details
from agora.registrations.models import Registration

PersonFactory = Callable[..., Registration]


def moderator(event: Event) -> dict[str, str]:
    """Return the header that lets an API call moderate ``event``."""
    return {"X-Moderator-Key": event.moderator_key}


def sign_in_as_moderator(client: TestClient, event: Event) -> None:
    """Follow the event's moderator link, as a moderator's browser does (sets the cookie)."""
    response = client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert response.status_code == 200, response.text


def error_of(response: httpx2.Response, status: int) -> dict[str, Any]:
    """Return the JSON error body of a response that must have ``status``."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["message"]
    return body


def stored_event(session: Session, event: Event) -> Event:
    """Return ``event`` as loaded in ``session``."""
    found = session.get(Event, event.id)
    assert found is not None
    return found


def count_registrations(db: Database, event: Event | None = None) -> int:
    """Return how many registrations are stored (for one event, or all)."""
    query = select(func.count()).select_from(Registration)
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    with db.session() as session:
        return int(session.scalar(query) or 0)


def stored_registrations(db: Database, event: Event) -> list[Registration]:
    """Return an event's registrations in arrival order."""
    with db.session() as session:
        return services.event_registrations(session, event.id)


def details(name: str, email: str | None = None, **fields: Any) -> Details:
    """Return validated details; the e-mail address is made from the name unless given."""
    address = email if email is not None else f"{name.lower().replace(' ', '.')}@example.org"
    return clean_details(name=name, email=address, **fields)


@pytest.fixture
def person(session: Session) -> PersonFactory:
    """Register someone through the service (flushed in the test's session)."""

    def factory(event: Event, name: str, email: str | None = None, **fields: str) -> Registration:
        return services.register(
            session, stored_event(session, event), details(name, email, **fields)
        )

    return factory


def csv_file(*lines: str, bom: bool = False, newline: str = "\n") -> bytes:
    """Return the bytes of a CSV file made of ``lines``."""
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()
