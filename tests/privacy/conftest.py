"""Helpers of the privacy tests: an event where people joined, registered and contributed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.events.models import AuditEntry, Event
from agora.polls.models import Poll
from tests.conftest import EventFactory, OrganiserFactory, OrganiserLogin, PollFactory, join


@dataclass
class Scene:
    """An event with a poll, and two participants who contributed everything they can."""

    event: Event
    poll: Poll
    owner: OrganiserLogin
    ana: dict[str, str]
    ben: dict[str, str]
    ana_question: int
    ben_question: int

    @property
    def question_id(self) -> int:
        """Return the poll's (only) question."""
        return self.poll.questions[0].id


def contribute(client: TestClient, code: str, auth: dict[str, str], name: str, qid: int) -> int:
    """Answer the poll, ask a question and for the floor, share a takeaway; return the question."""
    option = "o1" if name == "Ana" else "o2"
    answered = client.post(
        f"/api/v1/questions/{qid}/responses", json={"answer": {"option": option}}, headers=auth
    )
    assert answered.status_code == 201, answered.text
    asked = client.post(
        f"/api/v1/events/{code}/questions",
        json={"text": f"A question from {name}?", "author_name": name},
        headers=auth,
    )
    assert asked.status_code == 201, asked.text
    floor = client.post(
        f"/api/v1/events/{code}/floor",
        json={"name": name, "organisation": f"{name} City", "topic": "Housing"},
        headers=auth,
    )
    assert floor.status_code == 201, floor.text
    takeaway = client.post(
        f"/api/v1/events/{code}/takeaways",
        json={"speaker_name": name, "organisation": f"{name} City", "lesson": f"{name} learned."},
        headers=auth,
    )
    assert takeaway.status_code == 201, takeaway.text
    question_id: int = asked.json()["id"]
    return question_id


@pytest.fixture
def scene(
    client: TestClient,
    make_event: EventFactory,
    make_poll: PollFactory,
    make_organiser: OrganiserFactory,
) -> Scene:
    """Return an event owned by an organiser, where Ana and Ben took part and upvoted."""
    owner = make_organiser(email="owner@region.example", name="Olga Owner")
    event = make_event(ask_identity=True, organiser_id=owner.id)
    poll = make_poll(event, results_visible=True)
    ana = join(client, event.code, name="Ana", organisation="Murcia")
    ben = join(client, event.code, name="Ben", organisation="Hamburg")
    qid = poll.questions[0].id
    ana_question = contribute(client, event.code, ana, "Ana", qid)
    ben_question = contribute(client, event.code, ben, "Ben", qid)
    for auth, question in ((ana, ben_question), (ben, ana_question)):
        upvoted = client.post(f"/api/v1/audience-questions/{question}/upvote", headers=auth)
        assert upvoted.status_code == 200, upvoted.text
    return Scene(event, poll, owner, ana, ben, ana_question, ben_question)


def audit_actions(session: Session, event: Event) -> list[tuple[str, str, str]]:
    """Return the event's audit entries as (actor, action, subject), oldest first."""
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    )
    return [(e.actor, e.action, e.subject) for e in rows]


def results(client: TestClient, question_id: int, headers: dict[str, str]) -> dict[str, Any]:
    """Return a poll question's live results."""
    response = client.get(f"/api/v1/questions/{question_id}/results", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
