"""The agenda builder: add, edit, reorder and remove items with planned times, no script."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import InvalidInput
from agora.events import agenda
from agora.events.models import AgendaItem, Event
from agora.events.schemas import AgendaItemIn
from agora.events.services import create_event, update_event
from tests.conftest import EventFactory, PollFactory
from tests.events.conftest import SignIn

EURADA = {
    "kind": "speaker",
    "title": "Being an active member: grasping what a network offers",
    "speaker_name": "",
    "speaker_organisation": "EURADA",
    "duration_minutes": "15",
}


def titles(db: Database, event: Event) -> list[str]:
    with db.session() as session:
        return [i.title for i in agenda.agenda(session, event.id)]


@pytest.fixture
def event(make_event: EventFactory, sign_in: SignIn) -> Event:
    organiser = sign_in()
    return make_event(
        organiser_id=organiser.id,
        start_time=dt.time(14, 30),
        time_zone="America/Argentina/Buenos_Aires",
    )


def test_update_item_changes_it_and_refuses_a_speaker_without_name(
    session: Session, make_event: EventFactory
) -> None:
    event = session.get(Event, make_event().id)
    assert event is not None
    item = agenda.add_item(session, event, AgendaItemIn(kind="break", title="Coffee"))
    changed = agenda.update_item(
        session,
        event,
        item,
        AgendaItemIn(kind="speaker", title="Networks", speaker_organisation="EUROCITIES"),
    )
    assert (changed.kind.value, changed.speaker_organisation) == ("speaker", "EUROCITIES")
    with pytest.raises(InvalidInput) as refused:
        agenda.update_item(session, event, item, AgendaItemIn(kind="speaker", title="Nobody"))
    assert refused.value.field == "speaker_name"


def test_update_event_keeps_the_number_of_days(session: Session) -> None:
    event = create_event(
        session, title="Two days", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 1, 2)
    )
    update_event(session, event, title="Two days", starts_on=dt.date(2024, 2, 1))
    assert (event.starts_on, event.ends_on) == (dt.date(2024, 2, 1), dt.date(2024, 2, 2))


def test_builder_adds_items_and_shows_planned_times_in_the_events_zone(
    client: TestClient, db: Database, event: Event
) -> None:
    for data in (
        {"kind": "introduction", "title": "Welcome", "duration_minutes": "10"},
        EURADA,
        {**EURADA, "title": "How networks tailor activities", "speaker_organisation": "EUROCITIES"},
    ):
        added = client.post(f"/e/{event.code}/agenda/items", data=data, follow_redirects=False)
        assert added.status_code == 303, added.text
    page = client.get(f"/e/{event.code}/agenda").text
    assert "14:30" in page
    assert "14:40" in page
    assert "14:55" in page
    assert "America/Argentina/Buenos_Aires" in page
    assert "40 min" in page  # the running total
    assert "ends at" in page
    assert "15:10" in page
    assert titles(db, event)[1:] == [EURADA["title"], "How networks tailor activities"]


def test_refused_item_says_why_keeps_what_was_typed_and_adds_nothing(
    client: TestClient, db: Database, event: Event, make_poll: PollFactory, make_event: EventFactory
) -> None:
    foreign = make_poll(make_event())
    refused = client.post(
        f"/e/{event.code}/agenda/items",
        data={
            "kind": "speaker",
            "title": "<script>alert(1)</script>",
            "duration_minutes": "2000",
            "poll_id": str(foreign.id),
        },
    )
    assert refused.status_code == 422
    assert "Give the speaker&#39;s name or organisation." in refused.text
    assert "The duration is a whole number of minutes from 1 to 1440" in refused.text
    assert "Choose one of this event&#39;s polls, or none." in refused.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in refused.text
    assert "<script>alert(1)" not in refused.text
    assert titles(db, event) == []


def test_items_are_edited_moved_and_removed_after_confirmation(
    client: TestClient, db: Database, event: Event, make_poll: PollFactory
) -> None:
    poll = make_poll(event, title="World areas")
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        ids = [
            agenda.add_item(session, stored, AgendaItemIn(kind="break", title=t)).id
            for t in ("A", "B", "C")
        ]
    edit = client.get(f"/e/{event.code}/agenda/{ids[0]}/edit")
    assert edit.status_code == 200
    assert "World areas" in edit.text
    refused = client.post(
        f"/e/{event.code}/agenda/{ids[0]}/edit", data={"kind": "poll", "title": ""}
    )
    assert refused.status_code == 422
    assert "Give the item a title" in refused.text
    saved = client.post(
        f"/e/{event.code}/agenda/{ids[0]}/edit",
        data={"kind": "poll", "title": "Vote", "poll_id": str(poll.id), "duration_minutes": "5"},
    )
    assert saved.status_code == 200
    assert "is saved" in saved.text
    client.post(f"/e/{event.code}/agenda/{ids[0]}/move", data={"to": "down"})
    assert titles(db, event) == ["B", "Vote", "C"]
    moved = client.post(f"/api/v1/events/{event.code}/agenda/{ids[2]}/move", json={"position": 0})
    assert [i["title"] for i in moved.json()] == ["C", "B", "Vote"]
    confirm = client.get(f"/e/{event.code}/agenda/{ids[1]}/remove")
    assert "Remove “B” from the agenda?" in confirm.text
    assert titles(db, event) == ["C", "B", "Vote"]
    removed = client.post(f"/e/{event.code}/agenda/{ids[1]}/remove")
    assert "is removed from the agenda" in removed.text
    assert titles(db, event) == ["C", "Vote"]
    with db.session() as session:
        vote = session.get(AgendaItem, ids[0])
        assert vote is not None
        assert (vote.poll_id, vote.duration_minutes) == (poll.id, 5)


def test_moderator_link_may_build_the_agenda(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    client.get(f"/e/{event.code}/moderate?key={event.moderator_key}")
    assert client.get(f"/e/{event.code}/agenda").status_code == 200
    added = client.post(
        f"/e/{event.code}/agenda/items",
        data={"kind": "qa", "title": "Questions"},
        follow_redirects=False,
    )
    assert added.status_code == 303
