"""The organiser's events page: create, list, change, archive, delete, in the browser's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events import agenda
from agora.events.models import AgendaItem, Event, Participant
from agora.events.schemas import AgendaItemIn
from agora.polls.models import Poll, Question, Response
from agora.qa.models import AudienceQuestion
from agora.registrations.models import Registration
from tests.conftest import EventFactory, PollFactory, join
from tests.events.conftest import SignIn

FORM = {
    "title": "Partners day",
    "starts_on": "2031-05-06",
    "start_time": "14:30",
    "time_zone": "America/Argentina/Buenos_Aires",
    "venue": "Centro Cultural Kirchner",
    "language": "es",
    "capacity": "120",
    "registration_open": "on",
}


def stored(db: Database, code: str) -> Event | None:
    with db.session() as session:
        return session.scalar(select(Event).where(Event.code == code))


def test_organiser_creates_an_event_in_its_time_zone(
    client: TestClient, db: Database, sign_in: SignIn
) -> None:
    organiser = sign_in()
    created = client.post("/events", data=FORM, follow_redirects=False)
    assert created.status_code == 303
    code = created.headers["location"].split("/")[2]
    event = stored(db, code)
    assert event is not None
    assert event.organiser_id == organiser.id
    assert (event.title, event.starts_on, event.start_time) == (
        "Partners day",
        dt.date(2031, 5, 6),
        dt.time(14, 30),
    )
    assert (event.time_zone, event.language, event.capacity, event.registration_open) == (
        "America/Argentina/Buenos_Aires",
        "es",
        120,
        True,
    )
    page = client.get(created.headers["location"])
    assert "The event is created" in page.text
    assert "14:30 (America/Argentina/Buenos_Aires)" in page.text
    listed = client.get("/events")
    assert "Upcoming events" in listed.text
    assert "Partners day" in listed.text


def test_refused_event_form_says_what_is_wrong_and_keeps_what_was_typed(
    client: TestClient, db: Database, sign_in: SignIn
) -> None:
    sign_in()
    wrong = {
        **FORM,
        "title": "<b>Partners</b>",
        "starts_on": "6 May",
        "start_time": "25:61",
        "time_zone": "Mars/Olympus",
        "capacity": "0",
        "language": "nl",
    }
    refused = client.post("/events", data=wrong)
    assert refused.status_code == 422
    text = refused.text
    assert "&#39;6 May&#39; is not a date" in text
    assert "&#39;25:61&#39; is not a time" in text
    assert "&#39;Mars/Olympus&#39; is not a time zone name" in text
    assert "The capacity is a whole number" in text
    assert "Choose one of the eight languages." in text
    assert 'value="&lt;b&gt;Partners&lt;/b&gt;"' in text
    assert "<b>Partners" not in text
    assert 'aria-invalid="true"' in text
    with db.session() as session:
        assert session.scalar(select(func.count(Event.id))) == 0


def test_time_zone_names_are_matched_whatever_their_case(
    client: TestClient, db: Database, sign_in: SignIn
) -> None:
    sign_in()
    created = client.post(
        "/events", data={**FORM, "time_zone": "europe/brussels"}, follow_redirects=False
    )
    event = stored(db, created.headers["location"].split("/")[2])
    assert event is not None
    assert event.time_zone == "Europe/Brussels"


def test_events_page_splits_upcoming_and_past_and_hides_archived(
    client: TestClient, make_event: EventFactory, sign_in: SignIn
) -> None:
    organiser = sign_in()
    make_event(title="Long ago", starts_on=dt.date(2020, 1, 1), organiser_id=organiser.id)
    soon = make_event(title="Next month", starts_on=dt.date.today() + dt.timedelta(days=30))
    future = make_event(title="Far ahead", starts_on=dt.date(2040, 1, 1), organiser_id=organiser.id)
    page = client.get("/events").text
    upcoming, past = page.split("Past events")[0], page.split("Past events")[1]
    assert "Far ahead" in upcoming
    assert "Long ago" in past
    assert "Long ago" not in upcoming
    assert "Next month" not in page  # not this organiser's (made without an organiser)
    assert soon.code not in page

    archived = client.post(f"/e/{future.code}/archive", follow_redirects=True)
    assert "is archived" in archived.text
    lists = archived.text.split("Archived events (1)")[1]
    assert "Far ahead" not in lists
    shelf = client.get("/events?archived=true").text
    assert "Far ahead" in shelf
    assert "Long ago" not in shelf
    restored = client.post(f"/e/{future.code}/restore", follow_redirects=True)
    assert "is restored" in restored.text
    assert "Far ahead" in restored.text.split("Upcoming")[2]


def test_settings_change_and_a_refusal_changes_nothing(
    client: TestClient, db: Database, make_event: EventFactory, sign_in: SignIn
) -> None:
    organiser = sign_in()
    event = make_event(organiser_id=organiser.id)
    page = client.get(f"/e/{event.code}/settings")
    assert page.status_code == 200
    assert 'value="Europe/Brussels"' in page.text
    refused = client.post(
        f"/e/{event.code}/settings", data={**FORM, "title": "", "time_zone": "Nowhere"}
    )
    assert refused.status_code == 422
    assert "Give the event a title." in refused.text
    assert stored(db, event.code).title == "Cooperation session"  # type: ignore[union-attr]
    saved = client.post(
        f"/e/{event.code}/settings", data={**FORM, "registration_open": ""}, follow_redirects=True
    )
    assert "are saved" in saved.text
    changed = stored(db, event.code)
    assert changed is not None
    assert (changed.title, changed.time_zone, changed.registration_open) == (
        "Partners day",
        "America/Argentina/Buenos_Aires",
        False,
    )


def _fill(db: Database, event: Event, make_poll: PollFactory, client: TestClient) -> None:
    poll = make_poll(event)
    headers = join(client, event.code, name="Ana")
    answered = client.post(
        f"/api/v1/questions/{poll.questions[0].id}/responses",
        json={"answer": {"option": "o1"}},
        headers=headers,
    )
    assert answered.status_code in {200, 201}, answered.text
    asked = client.post(
        f"/api/v1/events/{event.code}/questions",
        json={"text": "What did it cost?"},
        headers=headers,
    )
    assert asked.status_code == 201, asked.text
    registered = client.post(
        f"/api/v1/events/{event.code}/registrations",
        json={"name": "Ana", "email": "ana@example.org"},
    )
    assert registered.status_code == 202, registered.text
    with db.session() as session:
        stored_event = session.get(Event, event.id)
        assert stored_event is not None
        item = agenda.add_item(
            session, stored_event, AgendaItemIn(kind="poll", title="Vote", poll_id=poll.id)
        )
        agenda.set_now(session, stored_event, item)


def _counts(db: Database, event_id: int) -> dict[str, int]:
    with db.session() as session:

        def count(model: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        return {
            "events": count(Event),
            "agenda": count(AgendaItem),
            "polls": count(Poll),
            "questions": count(Question),
            "responses": count(Response),
            "participants": count(Participant),
            "registrations": count(Registration),
            "audience": count(AudienceQuestion),
        }


def test_delete_asks_first_naming_the_event_then_removes_everything(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    sign_in: SignIn,
) -> None:
    organiser = sign_in()
    event = make_event(title="To <delete>", organiser_id=organiser.id)
    kept = make_event(title="Kept", organiser_id=organiser.id)
    _fill(db, event, make_poll, client)
    _fill(db, kept, make_poll, client)
    before = _counts(db, event.id)
    assert before["responses"] == 2
    assert before["registrations"] == 2

    confirm = client.get(f"/e/{event.code}/delete")
    assert confirm.status_code == 200
    assert "Delete “To &lt;delete&gt;”?" in confirm.text
    assert "1 poll with its answers" in confirm.text
    unconfirmed = client.post(f"/e/{event.code}/delete", data={})
    assert unconfirmed.status_code == 422
    assert "Nothing was deleted" in unconfirmed.text
    assert _counts(db, event.id) == before

    deleted = client.post(
        f"/e/{event.code}/delete", data={"confirm": event.code}, follow_redirects=True
    )
    assert "and everything of it are deleted" in deleted.text
    assert stored(db, event.code) is None
    after = _counts(db, event.id)
    assert after == {name: count // 2 for name, count in before.items()}
    assert client.get(f"/e/{kept.code}/settings").status_code == 200


def test_api_changes_settings_and_deletes_for_the_organiser(
    client: TestClient, db: Database, make_organiser: Any
) -> None:
    organiser = make_organiser()
    created = client.post(
        "/api/v1/events",
        json={
            "title": "API day",
            "starts_on": "2031-01-02",
            "start_time": "09:00",
            "time_zone": "Asia/Tokyo",
        },
        headers=organiser.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["start_time"], body["time_zone"], body["registration_open"]) == (
        "09:00:00",
        "Asia/Tokyo",
        True,
    )
    code = body["code"]
    refused = client.put(
        f"/api/v1/events/{code}",
        json={"title": "API day", "starts_on": "2031-01-02", "time_zone": "Asia/Nowhere"},
        headers=organiser.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "time_zone"
    changed = client.put(
        f"/api/v1/events/{code}",
        json={"title": "API day 2", "starts_on": "2031-01-03", "time_zone": "UTC"},
        headers=organiser.headers,
    )
    assert changed.status_code == 200
    assert changed.json()["time_zone"] == "UTC"
    assert client.delete(f"/api/v1/events/{code}", headers=organiser.headers).status_code == 204
    assert client.get(f"/api/v1/events/{code}").status_code == 404


ORGANISER_ROUTES = [
    ("get", "/e/{code}/settings"),
    ("post", "/e/{code}/settings"),
    ("post", "/e/{code}/archive"),
    ("post", "/e/{code}/restore"),
    ("get", "/e/{code}/delete"),
    ("post", "/e/{code}/delete"),
    ("post", "/e/{code}/duplicate"),
    ("put", "/api/v1/events/{code}"),
    ("delete", "/api/v1/events/{code}"),
]
MODERATOR_ROUTES = [
    ("get", "/e/{code}/agenda"),
    ("post", "/e/{code}/agenda/items"),
    ("get", "/e/{code}/agenda/{item}/edit"),
    ("post", "/e/{code}/agenda/{item}/edit"),
    ("post", "/e/{code}/agenda/{item}/move"),
    ("get", "/e/{code}/agenda/{item}/remove"),
    ("post", "/e/{code}/agenda/{item}/remove"),
    ("post", "/api/v1/events/{code}/agenda/{item}/move"),
]


@pytest.mark.parametrize(("method", "path"), ORGANISER_ROUTES + MODERATOR_ROUTES)
def test_new_routes_refuse_anonymous_participants_and_other_organisers(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    sign_in: SignIn,
    method: str,
    path: str,
) -> None:
    owner = sign_in("owner@region.example")
    event = make_event(organiser_id=owner.id)
    with db.session() as session:
        found = session.get(Event, event.id)
        assert found is not None
        item = agenda.add_item(session, found, AgendaItemIn(kind="break", title="Coffee"))
        item_id = item.id
    url = path.format(code=event.code, item=item_id)
    body: dict[str, Any] = {"json": {"position": 0}} if "/move" in url and "/api/" in url else {}
    if method == "put":
        body = {"json": {"title": "Taken", "starts_on": "2030-01-01"}}

    client.cookies.clear()  # anonymous
    anonymous = client.request(method.upper(), url, **body)
    assert anonymous.status_code in {401, 403}, anonymous.text
    participant = join(client, event.code)
    as_participant = client.request(method.upper(), url, headers=participant, **body)
    assert as_participant.status_code in {401, 403}, as_participant.text
    client.cookies.clear()
    sign_in("someone.else@region.example")
    other = client.request(method.upper(), url, **body)
    assert other.status_code == 403, other.text
    assert stored(db, event.code) is not None
    with db.session() as session:
        assert session.get(AgendaItem, item_id) is not None
        assert session.scalar(select(func.count(Event.id))) == 1
