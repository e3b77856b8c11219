"""Events: join codes, validation, joining (API and page), the participant cookie, the QR code."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.app import create_app
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.settings import Settings
from agora.events.models import Event, Participant
from agora.events.services import (
    CODE_ALPHABET,
    check_code,
    close_event,
    create_event,
    get_event,
    join_event,
    new_join_code,
    reopen_event,
    update_event,
)
from agora.web.deps import PARTICIPANT_COOKIE
from agora.web.links import qr_svg
from agora.web.state import AppState
from tests.conftest import EventFactory, OrganiserFactory

AMBIGUOUS = set("0O1IL")


def count_participants(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Participant)) or 0)


def event_json(**overrides: object) -> dict[str, object]:
    return {"title": "Partners day", "starts_on": "2024-05-01", **overrides}


# -- join codes ----------------------------------------------------------------------------


def test_generated_join_codes_have_no_characters_that_read_alike(session: Session) -> None:
    codes = {new_join_code(session) for _ in range(300)}

    assert len(codes) > 290
    assert all(len(code) == 6 for code in codes)
    assert not AMBIGUOUS & set("".join(codes))
    assert set("".join(codes)) <= set(CODE_ALPHABET)
    assert not AMBIGUOUS & set(CODE_ALPHABET)


def test_event_without_a_code_gets_a_fresh_readable_one(make_event: EventFactory) -> None:
    first, second = make_event(), make_event()

    assert first.code != second.code
    for code in (first.code, second.code):
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", code)


def test_join_code_lookup_ignores_case_spaces_and_dashes(
    session: Session, make_event: EventFactory
) -> None:
    event = make_event(code="eureg23")

    assert event.code == "EUREG23"
    for typed in ("EUREG23", "eureg23", " Eureg-23 ", "eu reg 23"):
        assert get_event(session, typed).id == event.id


def test_join_code_lookup_through_the_api_and_the_start_page(
    client: TestClient, make_event: EventFactory
) -> None:
    make_event(code="EUREG23")

    assert client.get("/api/v1/events/eureg23").json()["code"] == "EUREG23"
    redirect = client.get("/join", params={"code": " eureg-23"}, follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/e/EUREG23"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ABC", "A join code has 4 to 12 characters."),
        ("ABCDEFGHJKMNP", "A join code has 4 to 12 characters."),
        ("EURO1", "A join code cannot contain 1, O."),
        ("LIMA", "A join code cannot contain I, L."),
        ("CAFÉ", "A join code cannot contain É."),
        ("AB_CD", "A join code cannot contain _."),
    ],
)
def test_explicit_join_code_is_checked_with_a_clear_message(code: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_code(code)

    assert caught.value.message == message
    assert caught.value.field == "code"


def test_explicit_join_code_is_normalised() -> None:
    assert check_code(" ab-cd 23 ") == "ABCD23"


def test_start_page_shows_why_a_code_is_refused(client: TestClient) -> None:
    refused = client.get("/join", params={"code": "HELLO"})
    unknown = client.get("/join", params={"code": "ZZZZ"})

    assert refused.status_code == 422
    assert "A join code cannot contain L, O." in refused.text
    assert unknown.status_code == 404
    assert "No event has the code ZZZZ." in unknown.text


def test_code_used_by_another_event_is_a_conflict(
    session: Session, make_event: EventFactory
) -> None:
    make_event(code="EUREG23")

    with pytest.raises(Conflict) as caught:
        create_event(session, title="Copy", starts_on=dt.date(2024, 1, 1), code="eureg-23")

    assert caught.value.message == "Another event uses the code EUREG23."
    assert caught.value.field == "code"


def test_api_refuses_a_code_in_use(
    client: TestClient, make_event: EventFactory, make_organiser: OrganiserFactory
) -> None:
    make_event(code="EUREG23")
    organiser = make_organiser()

    response = client.post(
        "/api/v1/events", json=event_json(code="eureg23"), headers=organiser.headers
    )

    assert response.status_code == 409
    assert response.json()["message"] == "Another event uses the code EUREG23."


def test_unknown_event_is_not_found(session: Session, client: TestClient) -> None:
    with pytest.raises(NotFound):
        get_event(session, "NOPE42")
    response = client.get("/api/v1/events/nope42")
    assert response.status_code == 404
    assert response.json()["message"] == "No event has the code NOPE42."


# -- event validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": dt.date(2023, 10, 9)}, "ends_on", "The event cannot end before it starts."),
        ({"capacity": 0}, "capacity", "The capacity must be at least 1."),
        ({"capacity": -5}, "capacity", "The capacity must be at least 1."),
        ({"title": "   "}, "title", "The event needs a title."),
    ],
)
def test_event_that_cannot_happen_is_refused(
    session: Session, overrides: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"title": "Session", "starts_on": dt.date(2023, 10, 10)}

    with pytest.raises(InvalidInput) as caught:
        create_event(session, **{**values, **overrides})

    assert (caught.value.field, caught.value.message) == (field, message)
    assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_one_day_event_ends_the_day_it_starts(make_event: EventFactory) -> None:
    event = make_event(starts_on=dt.date(2023, 10, 10))

    assert event.ends_on == dt.date(2023, 10, 10)


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"ends_on": "2024-04-30"}, "ends_on", "The event cannot end before it starts."),
        ({"capacity": 0}, "capacity", "greater than or equal to 1"),
        ({"language": "english"}, "language", "should match pattern"),
        ({"seats": 10}, "seats", "Extra inputs are not permitted"),
    ],
)
def test_api_refuses_an_invalid_event_with_a_message(
    client: TestClient,
    session: Session,
    make_organiser: OrganiserFactory,
    overrides: dict[str, object],
    field: str,
    text: str,
) -> None:
    organiser = make_organiser()

    response = client.post(
        "/api/v1/events", json=event_json(**overrides), headers=organiser.headers
    )

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert text in response.json()["message"]
    assert session.scalar(select(func.count()).select_from(Event)) == 0


# -- joining -------------------------------------------------------------------------------


def test_joining_an_event_that_asks_for_identity_needs_a_name(
    client: TestClient, session: Session, make_event: EventFactory
) -> None:
    event = make_event(ask_identity=True)

    refused = client.post(f"/api/v1/events/{event.code}/join", json={"organisation": "EURADA"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "name"
    assert refused.json()["message"] == "Please give your name to join this event."
    assert count_participants(session) == 0

    joined = client.post(
        f"/api/v1/events/{event.code}/join",
        json={"name": " Ana Kovač ", "organisation": "Krapina-Zagorje County"},
    )
    assert joined.status_code == 201, joined.text
    participant = session.scalars(select(Participant)).one()
    assert (participant.name, participant.organisation) == ("Ana Kovač", "Krapina-Zagorje County")


def test_join_form_asks_again_for_a_missing_name(
    client: TestClient, session: Session, make_event: EventFactory
) -> None:
    event = make_event(ask_identity=True)

    form = client.get(f"/e/{event.code}")
    assert form.status_code == 200
    assert 'name="name"' in form.text
    assert PARTICIPANT_COOKIE not in form.cookies

    refused = client.post(
        f"/e/{event.code}/join", data={"name": "  ", "organisation": "EUROCITIES"}
    )
    assert refused.status_code == 422
    assert "Please give your name to join this event." in refused.text
    assert 'value="EUROCITIES"' in refused.text  # what was typed is kept
    assert PARTICIPANT_COOKIE not in refused.cookies
    assert count_participants(session) == 0

    joined = client.post(f"/e/{event.code}/join", data={"name": "Ana"}, follow_redirects=False)
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/e/{event.code}"
    assert count_participants(session) == 1


def test_join_form_shows_what_was_typed_escaped(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event(ask_identity=True)

    refused = client.post(
        f"/e/{event.code}/join",
        data={"name": '"><script>alert(1)</script>', "organisation": "x" * 301},
    )

    assert refused.status_code == 422
    assert "The organisation is longer than 300 characters." in refused.text
    assert "<script>alert(1)</script>" not in refused.text
    assert "&lt;script&gt;" in refused.text


def test_participant_page_joins_with_a_signed_http_only_cookie(
    app: FastAPI, client: TestClient, session: Session, make_event: EventFactory
) -> None:
    event = make_event()

    client.get(f"/e/{event.code.lower()}", follow_redirects=False)  # the join ticket first
    page = client.get(f"/e/{event.code}?j=1", follow_redirects=False)

    assert page.status_code == 200  # the page at once, with the cookie
    header = page.headers["set-cookie"]
    assert header.startswith(f"{PARTICIPANT_COOKIE}=")
    assert "HttpOnly" in header
    assert "samesite=lax" in header.lower()
    token = page.cookies[PARTICIPANT_COOKIE]
    state: AppState = app.state.agora
    ref = state.signer.read_participant_token(token)
    participant = session.scalars(select(Participant)).one()
    assert ref == (event.id, participant.id)

    again = client.get(f"/e/{event.code}")  # the cookie is sent back: same participant
    assert "set-cookie" not in again.headers
    assert count_participants(session) == 1


def test_participant_of_another_event_joins_this_one_afresh(
    client: TestClient, session: Session, make_event: EventFactory
) -> None:
    first, second = make_event(), make_event()
    client.get(f"/e/{first.code}")

    page = client.get(f"/e/{second.code}")

    assert page.status_code == 200
    assert PARTICIPANT_COOKIE in client.cookies
    assert count_participants(session) == 2


# -- QR code -------------------------------------------------------------------------------


def test_qr_code_is_an_svg_of_the_participant_link(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()

    response = client.get(f"/e/{event.code.lower()}/qr.svg")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in response.text  # renders as a file
    assert response.text == qr_svg(f"http://testserver/e/{event.code}", inline=False)
    assert response.text != qr_svg("http://testserver/e/OTHER1", inline=False)


def test_qr_code_uses_the_public_url_when_set(settings: Settings, make_event: EventFactory) -> None:
    app = create_app(settings.model_copy(update={"public_url": "https://agora.example.org/"}))
    event = make_event()

    with TestClient(app) as client:
        response = client.get(f"/e/{event.code}/qr.svg")

    assert response.text == qr_svg(f"https://agora.example.org/e/{event.code}", inline=False)


def test_qr_code_of_an_unknown_event_is_not_found(client: TestClient) -> None:
    assert client.get("/e/NOPE42/qr.svg").status_code == 404


def test_join_event_refuses_overlong_identity(session: Session, make_event: EventFactory) -> None:
    event = session.get(Event, make_event().id)
    assert event is not None

    with pytest.raises(InvalidInput) as caught:
        join_event(session, event, name="n" * 201)

    assert caught.value.field == "name"
    assert count_participants(session) == 0


def test_close_and_reopen_refuse_to_repeat(session: Session, make_event: EventFactory) -> None:
    event = session.get_one(Event, make_event().id)
    close_event(session, event)
    assert event.closed_at is not None
    with pytest.raises(Conflict):
        close_event(session, event)
    reopen_event(session, event)
    assert event.closed_at is None
    with pytest.raises(Conflict):
        reopen_event(session, event)


def test_venue_and_description_are_kept_as_plain_text(session: Session) -> None:
    """Like the title: no control or bidi-override character, in NFC (found by the injection
    suite; the description keeps its lines)."""
    event = create_event(
        session,
        title="Cooperation",
        starts_on=dt.date(2024, 1, 1),
        venue="\u202eBrussels\x07 cafe\u0301",
        description="First line\x07\n\n\u2066Second\u2069 line",
    )
    assert event.venue == "Brussels  café"
    assert event.description == "First line \n\nSecond line"
    update_event(
        session, event, title="Cooperation", starts_on=event.starts_on, venue="\u2066Genoa"
    )
    assert event.venue == "Genoa"
