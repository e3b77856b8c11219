"""The demo's reference session carries the seed's facts: agenda, room, takeaways, Q&A."""

from __future__ import annotations

from sqlalchemy.orm import Session

from agora.demo.reference import create_reference_session
from agora.events.agenda import agenda, current_item
from agora.qa.services import public_questions
from agora.registrations.attendance import attendance
from agora.registrations.services import event_registrations
from agora.takeaways.models import TakeawayState
from agora.takeaways.services import event_takeaways


def test_reference_session_runs_the_whole_session(session: Session) -> None:
    event = create_reference_session(session)

    items = agenda(session, event.id)
    assert [i.kind.value for i in items] == [
        "introduction",
        "poll",
        "speaker",
        "speaker",
        "qa",
        "audience",
        "poll",
    ]
    assert [i.speaker_organisation for i in items if i.kind.value == "speaker"] == [
        "EURADA",
        "EUROCITIES",
    ]
    now = current_item(session, event)
    assert now is not None
    assert now.poll_id is not None  # the world-areas poll is on as the demo starts

    figures = attendance(session, event)
    assert (figures.registered, figures.present, figures.seats) == (128, 144, 144)
    assert figures.walk_ins + figures.checked_in == 144
    assert {r.source for r in event_registrations(session, event.id)} == {"simulated"}

    takeaways = event_takeaways(session, event.id)
    assert [t.place for t in takeaways] == [
        "Hamburg",
        "Krapina-Zagorje County",
        "North East Romania",
        "Murcia",
        "Genova",
        "Sisak-Moslavina County",
        "Extremadura",
    ]
    assert all(t.state is TakeawayState.approved and t.floor_request_id for t in takeaways)
    partners = {p["place"] for t in takeaways for p in t.partners}
    assert {"Melbourne", "Canberra", "Mar del Plata", "Chongqing", "Piura"} <= partners

    questions = public_questions(session, event.id)
    assert len(questions) >= 3
    assert [q.votes for q in questions] == sorted((q.votes for q in questions), reverse=True)


def test_reference_session_is_created_once(session: Session) -> None:
    first = create_reference_session(session)
    again = create_reference_session(session)
    assert first.id == again.id
    assert len(event_takeaways(session, first.id)) == 7
