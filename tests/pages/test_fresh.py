"""The page of new participants: drawn once per version of the room, never for anyone else."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Participant
from agora.pages.fresh import KEY_MARK, FreshPages, _tables_naming_participants, is_fresh
from agora.web.state import AppState
from tests.conftest import EventFactory, PollFactory, question

_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def phone(client: TestClient, code: str) -> tuple[TestClient, str]:
    """A new phone: the client forgets its cookies and opens the event's page (joining).

    One client for every phone: the app's group committer lives on its event loop.
    """
    client.cookies.clear()
    page = client.get(f"/e/{code}")
    assert page.status_code == 200, page.text
    return client, page.text


def kept(app: FastAPI) -> FreshPages:
    pages: FreshPages = app.state.fresh_pages
    return pages


def test_new_phones_share_one_drawing_with_their_own_form_keys(
    client: TestClient, app: FastAPI, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, question("single_choice"))
    _first, first = phone(client, event.code)
    _second, second = phone(client, event.code)
    assert (kept(app).drawn, kept(app).served) == (1, 1)
    assert KEY_MARK not in first
    assert KEY_MARK not in second
    keys = _KEY.findall(first), _KEY.findall(second)
    assert keys[0]
    assert keys[1]
    assert keys[0] != keys[1]
    assert _KEY.sub("", first) == _KEY.sub("", second)


def test_a_change_in_the_room_reaches_the_next_new_phone_at_once(
    client: TestClient, app: FastAPI, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    phone(client, event.code)
    poll = make_poll(event, question("single_choice", prompt="Which area next?"), state="draft")
    moderator = {"X-Moderator-Key": event.moderator_key}
    opened = client.post(f"/api/v1/polls/{poll.id}/open", headers=moderator)
    assert opened.status_code == 200, opened.text
    _late, page = phone(client, event.code)
    assert "Which area next?" in page
    assert kept(app).drawn == 2


def test_a_participant_with_an_answer_gets_a_page_of_their_own(
    client: TestClient, app: FastAPI, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    voter, _page = phone(client, event.code)
    qid = poll.questions[0].id
    answered = voter.post(f"/api/v1/questions/{qid}/responses", json={"answer": {"option": "o2"}})
    assert answered.status_code == 201, answered.text
    own = voter.get(f"/e/{event.code}").text
    assert '"o2"' in own  # the phone's own answer, which no kept page holds
    assert kept(app).served == 0


@pytest.mark.parametrize("cookie", ["agora_notice", "agora_o"])
def test_notices_and_organisers_get_pages_of_their_own(
    client: TestClient, app: FastAPI, make_event: EventFactory, cookie: str
) -> None:
    event = make_event()
    phone(client, event.code)
    other, _page = phone(client, event.code)
    other.cookies.set(cookie, "x")
    assert other.get(f"/e/{event.code}").status_code == 200
    assert kept(app).served == 1  # only the second phone's first page


def _participant(session: Session, event_id: int, **fields: object) -> int:
    participant = Participant(event_id=event_id, **fields)
    session.add(participant)
    session.flush()
    return participant.id


def test_anything_of_a_participant_own_makes_them_not_new(
    client: TestClient, app: FastAPI, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    state: AppState = app.state.agora
    with db.session() as session:
        assert is_fresh(session, _participant(session, event.id))
        assert not is_fresh(session, _participant(session, event.id, name="Ana"))
        assert not is_fresh(session, _participant(session, event.id, organisation="Genova"))
    names = {table.name for table in _tables_naming_participants()}
    # every table that names a participant counts, those of later domains too
    assert {"responses", "audience_questions", "question_votes", "floor_requests"} <= names
    assert "takeaways" in names
    asker, _page = phone(client, event.code)
    asked = asker.post(
        f"/api/v1/events/{event.code}/questions", json={"text": "How did Genova start?"}
    )
    assert asked.status_code == 201, asked.text
    speaker, _page = phone(client, event.code)
    floor = speaker.post(f"/api/v1/events/{event.code}/floor", json={"name": "Ana"})
    assert floor.status_code == 201, floor.text
    with db.session() as session:
        ids = session.query(Participant.id).filter_by(event_id=event.id).order_by(Participant.id)
        owners = [pid for (pid,) in ids][-2:]
        assert [is_fresh(session, pid) for pid in owners] == [False, False]
    assert state.hub.changes(event.id) >= 2  # the question and the floor request
