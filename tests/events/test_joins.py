"""A room joining at once: events from memory, joins committed in groups, two visits."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import InvalidInput, NotFound
from agora.events.joins import JoinRequest, Joins, KnownEvents, write_joins
from agora.events.models import Event, Participant
from agora.events.services import get_event
from agora.web.state import AppState
from tests.conftest import EventFactory, OrganiserFactory, PollFactory, question


def participants(db: Database, event_id: int) -> list[tuple[int, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Participant.id, Participant.name, Participant.organisation)
            .where(Participant.event_id == event_id)
            .order_by(Participant.id)
        )
        return [(i, n, o) for i, n, o in rows]


def test_a_batch_of_joins_is_one_insert_with_each_joins_own_outcome(
    session: Session, make_event: EventFactory
) -> None:
    open_room = make_event()
    named_room = make_event(ask_identity=True)
    batch = [
        JoinRequest(open_room.id),
        JoinRequest(named_room.id),  # no name where names are asked for
        JoinRequest(named_room.id, "Ana Pérez", "  Junta de Extremadura "),
        JoinRequest(open_room.id + named_room.id + 1000),  # gone
        JoinRequest(open_room.id, "x" * 201),
        JoinRequest(open_room.id),
    ]
    outcomes = write_joins(session, batch)
    session.commit()
    assert len(outcomes) == len(batch)
    assert isinstance(outcomes[1], InvalidInput)
    assert outcomes[1].field == "name"
    assert isinstance(outcomes[3], NotFound)
    assert isinstance(outcomes[4], InvalidInput)
    ids = [o for o in (outcomes[0], outcomes[2], outcomes[5]) if isinstance(o, int)]
    assert len(ids) == 3
    assert ids == sorted(ids)  # each id is the row of its own join, in order
    stored = {
        p.id: (p.event_id, p.name, p.organisation)
        for p in session.scalars(select(Participant).where(Participant.id.in_(ids)))
    }
    assert stored == {
        outcomes[0]: (open_room.id, "", ""),
        outcomes[2]: (named_room.id, "Ana Pérez", "Junta de Extremadura"),
        outcomes[5]: (open_room.id, "", ""),
    }
    assert session.scalar(select(func.count(Participant.id))) == 3


def test_known_events_are_kept_for_a_few_seconds_and_forgotten_on_change(
    monkeypatch: pytest.MonkeyPatch, session: Session, make_event: EventFactory
) -> None:
    clock = [500.0]
    monkeypatch.setattr("agora.events.joins.time.monotonic", lambda: clock[0])
    event = session.get(Event, make_event(code="GENVA26").id)
    assert event is not None
    known = KnownEvents(keep_s=5.0)
    assert known.get("GENVA26") is None
    kept = known.remember(event)
    assert (kept.code, kept.public.title) == ("GENVA26", event.title)
    assert known.get(" genva-26 ") == kept  # any spelling of the code
    clock[0] += 4.9
    assert known.get("GENVA26") == kept
    clock[0] += 0.2
    assert known.get("GENVA26") is None  # another process's change has had time to land
    known.remember(event)
    known.forget(event.id)
    assert known.get("GENVA26") is None


def test_a_room_of_phones_joins_through_the_page_in_two_visits(
    client: TestClient, app: FastAPI, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, question("single_choice", prompt="Which area next?"))
    tokens = []
    for _phone in range(3):
        client.cookies.clear()
        first = client.get(f"/e/{event.code}", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == f"/e/{event.code}?j=1"
        assert "agora_j" in first.cookies
        second = client.get(first.headers["location"], follow_redirects=False)
        assert "agora_p" in second.cookies
        tokens.append(second.cookies["agora_p"])
        assert second.status_code == 200  # the page, drawn once for every new phone
        assert "Which area next?" in second.text
        # drawn as at its own address: the language form comes back there, not to ?j=1
        assert f'name="back" value="/e/{event.code}"' in second.text
        assert 'agora_j=""; ' in second.headers["set-cookie"]  # the ticket is dropped
    assert len(set(tokens)) == 3
    assert len(participants(db, event.id)) == 3
    kept = app.state.fresh_pages
    assert (kept.drawn, kept.served) == (1, 2)


def test_the_join_api_answers_with_the_event_and_a_committed_participant(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event(ask_identity=True, code="PEURA3")
    refused = client.post("/api/v1/events/peura3/join", json={})
    assert refused.status_code == 422
    assert refused.json()["field"] == "name"
    joined = client.post(
        "/api/v1/events/peura3/join", json={"name": "Luis", "organisation": "Piura"}
    )
    assert joined.status_code == 201, joined.text
    body = joined.json()
    assert body["event"]["code"] == "PEURA3"
    assert body["event"]["ask_identity"] is True
    assert [(n, o) for _i, n, o in participants(db, event.id)] == [("Luis", "Piura")]
    unknown = client.post("/api/v1/events/NOPE99/join", json={})
    assert unknown.status_code == 404


def test_a_join_is_checked_against_the_stored_event_not_the_kept_copy(
    client: TestClient, app: FastAPI, db: Database, make_event: EventFactory
) -> None:
    """Another process makes the event ask for names: this one's kept copy does not know
    yet, but the batch reads the event again and refuses the anonymous join."""
    event = make_event(code="MURC23")
    assert client.post("/api/v1/events/MURC23/join", json={}).status_code == 201  # kept now
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        stored.ask_identity = True
    state: AppState = app.state.agora
    assert state.part(Joins).events.get("MURC23") is not None  # still the old copy
    refused = client.post("/api/v1/events/MURC23/join", json={})
    assert refused.status_code == 422
    assert refused.json()["field"] == "name"
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        session.delete(stored)
    gone = client.post("/api/v1/events/MURC23/join", json={"name": "Ana"})
    assert gone.status_code == 404
    assert len(participants(db, event.id)) == 0


def test_changing_or_deleting_an_event_here_forgets_the_kept_copy_at_once(
    client: TestClient, app: FastAPI, make_organiser: OrganiserFactory
) -> None:
    organiser = make_organiser()
    created = client.post(
        "/api/v1/events",
        json={"title": "Hamburg and Melbourne", "starts_on": "2026-10-10"},
        headers=organiser.headers,
    )
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    kept = app.state.agora.part(Joins).events
    assert client.post(f"/api/v1/events/{code}/join", json={}).status_code == 201
    assert kept.get(code).language == "en"
    settings = {"title": "Hamburg and Melbourne", "starts_on": "2026-10-10", "language": "de"}
    changed = client.put(f"/api/v1/events/{code}", json=settings, headers=organiser.headers)
    assert changed.status_code == 200, changed.text
    assert kept.get(code) is None
    joined = client.post(f"/api/v1/events/{code}/join", json={})
    assert joined.json()["event"]["language"] == "de"
    assert client.delete(f"/api/v1/events/{code}", headers=organiser.headers).status_code == 204
    assert kept.get(code) is None
    client.cookies.clear()
    assert client.get(f"/e/{code}", follow_redirects=False).status_code == 404


def test_joins_from_another_event_loop_are_written_on_their_own(
    app: FastAPI, db: Database, make_event: EventFactory
) -> None:
    """An app driven without its lifespan (no committer running): each join is its own
    transaction instead of waiting for a worker that does not run."""
    event = make_event()
    phone = TestClient(app)  # not started: no lifespan
    page = phone.get(f"/e/{event.code}")
    assert page.status_code == 200, page.text
    assert len(participants(db, event.id)) == 1


def test_the_join_committer_groups_concurrent_joins(app: FastAPI, make_event: EventFactory) -> None:
    event = make_event()
    state: AppState = app.state.agora
    joins = state.part(Joins)

    async def room() -> list[int]:
        await state.start()
        try:
            known = await joins.event(event.code)
            return list(await asyncio.gather(*(joins.join(known) for _ in range(40))))
        finally:
            await state.stop()

    ids = asyncio.run(room())
    assert len(set(ids)) == 40
    assert joins.committer.items == 40
    assert joins.committer.batches < 40


def test_phones_asking_for_an_event_at_once_share_one_reading(
    app: FastAPI, make_event: EventFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event()
    joins = app.state.agora.part(Joins)
    reads: list[str] = []

    def counted(session: Session, code: str) -> Event:
        reads.append(code)
        return get_event(session, code)

    monkeypatch.setattr("agora.events.joins.get_event", counted)

    async def room() -> list[int]:
        found = await asyncio.gather(*(joins.event(event.code.lower()) for _ in range(20)))
        return [known.id for known in found]

    assert asyncio.run(room()) == [event.id] * 20
    assert len(reads) == 1
    assert joins._reading == {}  # nothing left behind
