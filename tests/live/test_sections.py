"""The sections' snapshots per audience: participants never get, nor cost, moderator data."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.events.services import join_event
from agora.live.sections import DatabaseSection
from agora.qa.models import QuestionState
from agora.qa.services import ask_question
from agora.web.state import AppState
from tests.conftest import EventFactory
from tests.pages.test_stream import open_stream

#: What only moderators (and the screen, which shares their stream) may get.
MODERATOR_ONLY = {"attendance", "floor_moderation", "qa_moderation", "takeaways_moderation"}
PENDING = "Is this pending question visible to the room?"


def pending_question(db: Database, event: Event) -> None:
    """Ask a question that waits for moderation: only moderators may see its text."""
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        question = ask_question(session, stored, join_event(session, stored), PENDING)
        question.state = QuestionState.pending


def state_of(app: FastAPI) -> AppState:
    state: AppState = app.state.agora
    return state


def test_every_section_draws_for_participants_exactly_its_public_messages(
    app: FastAPI, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    pending_question(db, event)
    drawn = [s for s in state_of(app).sections if isinstance(s, DatabaseSection)]
    assert {s.name for s in drawn} >= {"agenda", "floor", "qa", "takeaways", "registrations"}

    for section in drawn:
        everything = section.draw(db, event.id, False)
        public = section.draw(db, event.id, True)
        assert public == [m for m in everything if m[2]], section.name


def test_participants_snapshot_has_no_moderator_data_and_does_not_compute_it(
    app: FastAPI, db: Database, make_event: EventFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event()
    pending_question(db, event)
    sections = state_of(app).sections
    privileged = asyncio.run(sections.snapshot(event.id, False))["sections"]

    def attendance_not_for_participants(*args: Any) -> None:
        raise AssertionError("attendance computed for a participants' snapshot")

    monkeypatch.setattr("agora.registrations.live.attendance", attendance_not_for_participants)
    public = asyncio.run(sections.snapshot(event.id, True))["sections"]

    assert set(privileged) >= MODERATOR_ONLY
    assert not MODERATOR_ONLY & set(public)
    assert PENDING in str(privileged["qa_moderation"])
    assert PENDING not in str(public)
    assert "poll_cards" in public  # the phones' cards, drawn for participants only
    assert "poll_cards" not in privileged
    for name in set(public) - {"poll_results", "poll_tables", "poll_cards"}:  # by visibility
        assert public[name] == privileged[name], name


def test_a_phone_stream_opens_without_moderator_data_and_the_screen_with_it(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    pending_question(db, event)

    with (
        open_stream(client, event) as phone,
        open_stream(client, event, key=event.screen_key) as screen,
    ):
        phone_snapshot, screen_snapshot = phone.next(), screen.next()

    assert phone_snapshot.event == screen_snapshot.event == "snapshot"
    assert not MODERATOR_ONLY & set(phone_snapshot.data["sections"])
    assert PENDING not in str(phone_snapshot.data)
    assert set(screen_snapshot.data["sections"]) >= MODERATOR_ONLY
    assert PENDING in str(screen_snapshot.data)
