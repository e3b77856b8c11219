"""Duplicating an event as a template (agora/pages/duplicate.py): agenda and polls, no people."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events import agenda
from agora.events.models import Event, Participant
from agora.events.schemas import AgendaItemIn
from agora.polls.models import Poll, PollState, Response
from tests.conftest import EventFactory, PollFactory, join, question
from tests.events.conftest import SignIn


def test_duplicate_copies_agenda_and_polls_without_people_or_answers(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    sign_in: SignIn,
) -> None:
    organiser = sign_in()
    source = make_event(
        organiser_id=organiser.id,
        start_time=dt.time(14, 30),
        time_zone="America/Argentina/Buenos_Aires",
    )
    ranking = make_poll(source, question("ranking"), title="World areas")
    make_poll(source, question("open_text"), title="Experiences", state="draft")
    headers = join(client, source.code, name="Ana")
    answered = client.post(
        f"/api/v1/questions/{ranking.questions[0].id}/responses",
        json={"answer": {"ranking": ["o1", "o2", "o3", "o4"]}},
        headers=headers,
    )
    assert answered.status_code in {200, 201}, answered.text
    with db.session() as session:
        stored = session.get(Event, source.id)
        assert stored is not None
        agenda.add_item(
            session,
            stored,
            AgendaItemIn(kind="speaker", title="Networks", speaker_organisation="EURADA"),
        )
        vote = agenda.add_item(
            session, stored, AgendaItemIn(kind="poll", title="Vote", poll_id=ranking.id)
        )
        agenda.set_now(session, stored, vote)

    copied = client.post(f"/e/{source.code}/duplicate", follow_redirects=False)
    assert copied.status_code == 303
    code = copied.headers["location"].split("/")[2]
    assert code != source.code
    settings = client.get(copied.headers["location"])
    assert "is a copy with its own join code" in settings.text

    with db.session() as session:
        copy = session.scalar(select(Event).where(Event.code == code))
        assert copy is not None
        assert copy.title == "Cooperation session (copy)"
        assert (copy.organiser_id, copy.time_zone, copy.start_time) == (
            organiser.id,
            "America/Argentina/Buenos_Aires",
            dt.time(14, 30),
        )
        assert copy.current_item_id is None
        assert copy.moderator_key != source.moderator_key
        polls = list(session.scalars(select(Poll).where(Poll.event_id == copy.id)))
        assert [p.title for p in polls] == ["World areas", "Experiences"]
        assert all(p.state is PollState.draft and not p.results_visible for p in polls)
        assert [q.kind for p in polls for q in p.questions] == ["ranking", "open_text"]
        items = agenda.agenda(session, copy.id)
        assert [(i.title, i.speaker_organisation) for i in items] == [
            ("Networks", "EURADA"),
            ("Vote", ""),
        ]
        assert items[1].poll_id == polls[0].id  # the copy's poll, not the source's
        copied_ids = [q.id for p in polls for q in p.questions]
        responses = session.scalar(
            select(func.count(Response.id)).where(Response.question_id.in_(copied_ids))
        )
        people = session.scalar(
            select(func.count(Participant.id)).where(Participant.event_id == copy.id)
        )
        assert (responses, people) == (0, 0)
