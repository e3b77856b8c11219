"""The floor queue's state changes: asking, withdrawing, reordering, giving and ending turns."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database, utcnow
from agora.core.errors import Conflict, InvalidInput, NotAllowed
from agora.events.models import Event
from agora.floor import services
from agora.floor.models import FloorRequest, FloorState
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory, new_participant, stored_request


def stored_event(session: Session, event: Event) -> Event:
    found = session.get(Event, event.id)
    assert found is not None
    return found


def names(requests: list[FloorRequest]) -> list[str]:
    return [r.name for r in requests]


def test_request_takes_name_and_organisation_from_the_participant(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Ivana", organisation="Krapina-Zagorje County")
    request = services.request_floor(
        session, stored_event(session, event), participant, place="HR-02", topic="Health hub"
    )
    assert (request.name, request.organisation, request.place, request.topic) == (
        "Ivana",
        "Krapina-Zagorje County",
        "HR-02",
        "Health hub",
    )
    assert request.state is FloorState.waiting
    assert request.participant_id == participant


def test_name_given_with_the_request_wins_over_the_participants(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="I. K.")
    request = services.request_floor(
        session, stored_event(session, event), participant, name="  Ivana Kovač  "
    )
    assert request.name == "Ivana Kovač"


def test_request_without_any_name_is_refused(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event)  # anonymous
    with pytest.raises(InvalidInput) as error:
        services.request_floor(session, stored_event(session, event), participant, topic="Hi")
    assert error.value.field == "name"


@pytest.mark.parametrize(
    ("field", "length"), [("topic", 201), ("name", 201), ("organisation", 301), ("place", 201)]
)
def test_too_long_values_are_refused_with_their_field(
    session: Session, db: Database, make_event: EventFactory, field: str, length: int
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Ana")
    values = {field: "x" * length}
    with pytest.raises(InvalidInput) as error:
        services.request_floor(session, stored_event(session, event), participant, **values)
    assert error.value.field == field
    assert str(length) in error.value.message


def test_topic_of_exactly_200_characters_is_accepted(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Ana")
    request = services.request_floor(
        session, stored_event(session, event), participant, topic="t" * 200
    )
    assert len(request.topic) == 200


def test_control_characters_are_removed_from_what_people_type(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event)
    request = services.request_floor(
        session, stored_event(session, event), participant, name="An\x00na", topic="a\nb"
    )
    session.commit()  # PostgreSQL refuses NUL in text: it must not reach the database
    assert request.name == "An na"
    assert request.topic == "a b"


def test_one_waiting_request_per_participant(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Ana")
    stored = stored_event(session, event)
    services.request_floor(session, stored, participant)
    with pytest.raises(Conflict, match="already asked"):
        services.request_floor(session, stored, participant, topic="again")
    assert len(services.waiting(session, event.id)) == 1


def test_the_speaker_cannot_ask_again_while_speaking(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    speaking = make_request(event, state="speaking")
    with pytest.raises(Conflict, match="You have the floor"):
        services.request_floor(
            session, stored_event(session, event), speaking.participant_id, name="Anna"
        )


def test_after_withdrawing_or_speaking_a_participant_may_ask_again(
    session: Session, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    withdrawn = make_request(event, state="withdrawn")
    spoke = make_request(event, "Ben", state="done")
    stored = stored_event(session, event)
    again = services.request_floor(session, stored, withdrawn.participant_id, name="Anna")
    also = services.request_floor(session, stored, spoke.participant_id, name="Ben")
    assert names(services.waiting(session, event.id)) == [again.name, also.name]


def test_participant_of_another_event_cannot_ask(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event, other = make_event(), make_event()
    stranger = new_participant(db, other, name="Eve")
    with pytest.raises(NotAllowed):
        services.request_floor(session, stored_event(session, event), stranger)


def test_moderator_adds_someone_without_a_phone(session: Session, make_event: EventFactory) -> None:
    event = make_event()
    request = services.request_floor(
        session, stored_event(session, event), None, name="Guest from Murcia", place="Murcia"
    )
    assert request.participant_id is None
    assert names(services.waiting(session, event.id)) == ["Guest from Murcia"]


def test_closed_event_refuses_new_requests(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    participant = new_participant(db, event, name="Ana")
    stored = stored_event(session, event)
    stored.closed_at = utcnow()
    with pytest.raises(Conflict, match="closed"):
        services.request_floor(session, stored, participant)


def test_queue_is_in_the_order_of_request(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    for name in ["Hamburg", "Genova", "Murcia"]:
        make_request(event, name)
    assert names(services.waiting(session, event.id)) == ["Hamburg", "Genova", "Murcia"]


def test_queues_of_two_events_are_separate(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    first, second = make_event(), make_event()
    make_request(first, "Hamburg")
    make_request(second, "Genova")
    assert names(services.waiting(session, first.id)) == ["Hamburg"]
    assert names(services.waiting(session, second.id)) == ["Genova"]


def test_move_puts_a_waiting_request_at_a_position(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    requests = [make_request(event, name) for name in ["A", "B", "C", "D"]]
    last = session.get(FloorRequest, requests[3].id)
    assert last is not None
    services.move(session, last, 0)
    assert names(services.waiting(session, event.id)) == ["D", "A", "B", "C"]
    first = session.get(FloorRequest, requests[0].id)
    assert first is not None
    services.move(session, first, 99)  # beyond the end: last
    assert names(services.waiting(session, event.id)) == ["D", "B", "C", "A"]
    assert services.queue_position(session, first) == 3


def test_new_request_goes_after_a_reordered_queue(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    requests = [make_request(event, name) for name in ["A", "B"]]
    moving = session.get(FloorRequest, requests[1].id)
    assert moving is not None
    services.move(session, moving, 0)
    session.commit()
    make_request(event, "C")
    assert names(services.waiting(session, event.id)) == ["B", "A", "C"]


def test_only_waiting_requests_move(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    speaking = session.get(FloorRequest, make_request(event, state="speaking").id)
    assert speaking is not None
    with pytest.raises(Conflict):
        services.move(session, speaking, 0)


def test_negative_position_is_refused(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = session.get(FloorRequest, make_request(event).id)
    assert request is not None
    with pytest.raises(InvalidInput) as error:
        services.move(session, request, -1)
    assert error.value.field == "position"


def test_give_floor_starts_the_turn(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = session.get(FloorRequest, make_request(event).id)
    assert request is not None
    services.give_floor(session, request)
    assert request.state is FloorState.speaking
    assert request.started_at is not None
    assert services.current_speaker(session, event.id) is request
    assert services.waiting(session, event.id) == []


def test_giving_the_floor_ends_the_current_speakers_turn(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    first = make_request(event, "Hamburg", state="speaking")
    second = session.get(FloorRequest, make_request(event, "Genova").id)
    assert second is not None
    services.give_floor(session, second)
    session.commit()
    ended = stored_request_in(session, first.id)
    assert ended.state is FloorState.done
    assert ended.ended_at is not None
    assert services.current_speaker(session, event.id) is second


def stored_request_in(session: Session, request_id: int) -> FloorRequest:
    found = session.get(FloorRequest, request_id)
    assert found is not None
    session.refresh(found)
    return found


def test_call_next_gives_the_floor_to_the_first_in_line(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    for name in ["Hamburg", "Genova"]:
        make_request(event, name)
    speaker = services.call_next(session, stored_event(session, event))
    assert speaker.name == "Hamburg"
    assert names(services.waiting(session, event.id)) == ["Genova"]
    services.call_next(session, stored_event(session, event))
    assert speaker.state is FloorState.done
    assert names(services.waiting(session, event.id)) == []


def test_call_next_with_nobody_waiting_is_a_conflict(
    session: Session, make_event: EventFactory
) -> None:
    with pytest.raises(Conflict, match="Nobody is waiting"):
        services.call_next(session, stored_event(session, make_event()))


def test_end_turn_records_when_it_ended(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = session.get(FloorRequest, make_request(event, state="speaking").id)
    assert request is not None
    services.end_turn(session, request)
    assert request.state is FloorState.done
    assert request.ended_at is not None
    assert services.current_speaker(session, event.id) is None
    assert services.finished_turns(session, event.id) == [request]


#: For each action: the states it may start from.
ALLOWED = {
    "give": {"waiting"},
    "end": {"speaking"},
    "withdraw": {"waiting"},
    "requeue": {"withdrawn", "done"},
}


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("state", ["waiting", "speaking", "done", "withdrawn"])
def test_transitions_are_allowed_only_from_their_states(
    session: Session,
    make_event: EventFactory,
    make_request: RequestFactory,
    action: str,
    state: str,
) -> None:
    event = make_event()
    request = session.get(FloorRequest, make_request(event, state=state).id)
    assert request is not None
    target = services.TRANSITIONS[action][1]
    if state in ALLOWED[action]:
        services.change_state(session, request, action)
        assert request.state is target
    else:
        with pytest.raises(Conflict):
            services.change_state(session, request, action)
        assert request.state.value == state


def test_unknown_action_is_invalid(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    request = session.get(FloorRequest, make_request(make_event()).id)
    assert request is not None
    with pytest.raises(InvalidInput):
        services.change_state(session, request, "shout")


def test_participant_withdraws_only_their_own_request(
    session: Session, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = session.get(FloorRequest, make_request(event).id)
    assert request is not None
    other = new_participant(db, event)
    with pytest.raises(NotAllowed):
        services.withdraw(session, request, other, moderator=False)
    with pytest.raises(NotAllowed):
        services.withdraw(session, request, None, moderator=False)
    services.withdraw(session, request, request.participant_id, moderator=False)
    assert request.state is FloorState.withdrawn


def test_moderator_withdraws_any_waiting_request(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    request = session.get(FloorRequest, make_request(make_event()).id)
    assert request is not None
    services.withdraw(session, request, None, moderator=True)
    assert request.state is FloorState.withdrawn


def test_requeue_puts_a_request_back_at_the_end(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    done = make_request(event, "Hamburg", state="done")
    make_request(event, "Genova")
    request = session.get(FloorRequest, done.id)
    assert request is not None
    services.requeue(session, request)
    assert names(services.waiting(session, event.id)) == ["Genova", "Hamburg"]
    assert request.started_at is None
    assert request.ended_at is None


def test_requeue_refused_when_the_participant_asked_again(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    withdrawn = make_request(event, state="withdrawn")
    make_request(event, participant_id=withdrawn.participant_id)
    request = session.get(FloorRequest, withdrawn.id)
    assert request is not None
    with pytest.raises(Conflict):
        services.requeue(session, request)


def test_earlier_requests_lists_finished_and_withdrawn_latest_first(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    make_request(event, "Hamburg", state="done")
    make_request(event, "Genova", state="withdrawn")
    make_request(event, "Murcia")
    earlier = services.earlier_requests(session, event.id)
    assert names(earlier) == ["Genova", "Hamburg"]
    assert [r.state for r in earlier] == [FloorState.withdrawn, FloorState.done]


def test_earlier_requests_lists_every_one_however_many_were_withdrawn(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    make_request(event, "Hamburg", state="done")
    for n in range(8):
        make_request(event, f"Withdrawn {n}", state="withdrawn")
    earlier = services.earlier_requests(session, event.id)
    assert len(earlier) == 9
    assert names(earlier)[-1] == "Hamburg"  # the first speaker is still there, last
    assert len(services.earlier_requests(session, event.id, limit=3)) == 3


def test_stored_state_matches_after_commit(
    db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    request = make_request(make_event(), state="done")
    stored = stored_request(db, request.id)
    assert stored.state is FloorState.done
    assert stored.started_at is not None
    assert stored.ended_at is not None
    started, ended = stored.started_at, stored.ended_at
    assert started is not None
    assert ended is not None
    assert ended >= started
    assert ended.tzinfo is not None  # SQLite's naive datetimes are read as UTC
