"""Takeaways' state changes: writing, editing until the event closes, turns, moderation."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput, NotAllowed
from agora.events.models import Event
from agora.events.services import close_event, reopen_event
from agora.floor.models import FloorRequest
from agora.takeaways import services
from agora.takeaways.models import Takeaway, TakeawayState
from agora.takeaways.services import Actor
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory, new_participant
from tests.takeaways.conftest import TakeawayFactory, hamburg

MODERATOR = Actor(moderator=True)


def stored_event(session: Session, event: Event) -> Event:
    found = session.get(Event, event.id)
    assert found is not None
    return found


def loaded(session: Session, takeaway: Takeaway) -> Takeaway:
    found = session.get(Takeaway, takeaway.id)
    assert found is not None
    return found


def test_participants_takeaway_waits_for_moderation(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    author = new_participant(db, event)
    takeaway = services.create_takeaway(
        session, stored_event(session, event), hamburg(), Actor(author)
    )
    assert takeaway.state is TakeawayState.pending
    assert takeaway.participant_id == author
    assert takeaway.partners[1]["place"] == "Canberra"
    assert takeaway.floor_request_id is None


def test_moderators_takeaway_is_approved_at_once(
    session: Session, make_event: EventFactory
) -> None:
    takeaway = services.create_takeaway(
        session, stored_event(session, make_event()), hamburg(), MODERATOR
    )
    assert takeaway.state is TakeawayState.approved
    assert takeaway.participant_id is None


def test_who_defaults_to_the_participants_name_and_organisation(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    author = new_participant(db, event, name="Marta", organisation="Region of Murcia")
    data = hamburg(speaker_name="", organisation="", place="")
    takeaway = services.create_takeaway(session, stored_event(session, event), data, Actor(author))
    assert (takeaway.speaker_name, takeaway.organisation) == ("Marta", "Region of Murcia")


def test_nobody_and_strangers_cannot_write(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event, other = make_event(), make_event()
    stranger = new_participant(db, other)
    with pytest.raises(NotAllowed):
        services.create_takeaway(session, stored_event(session, event), hamburg(), Actor())
    with pytest.raises(NotAllowed):
        services.create_takeaway(session, stored_event(session, event), hamburg(), Actor(stranger))


def test_author_edits_until_the_event_closes(
    session: Session, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = loaded(session, make_takeaway(event, state="approved"))
    author = Actor(takeaway.participant_id)
    stored = stored_event(session, event)
    services.update_takeaway(session, stored, takeaway, {"lesson": "Better said."}, author)
    assert takeaway.lesson == "Better said."
    assert takeaway.state is TakeawayState.pending  # changed text is checked again
    assert takeaway.organisation == "Free and Hanseatic City of Hamburg"  # the rest stays

    close_event(session, stored)
    with pytest.raises(Conflict, match="closed"):
        services.update_takeaway(session, stored, takeaway, {"lesson": "Too late."}, author)
    services.update_takeaway(session, stored, takeaway, {"lesson": "Moderated."}, MODERATOR)
    assert takeaway.lesson == "Moderated."
    assert takeaway.state is TakeawayState.pending  # a moderator's edit keeps the state
    reopen_event(session, stored)
    services.update_takeaway(session, stored, takeaway, {"lesson": "Again."}, author)
    assert takeaway.lesson == "Again."


def test_only_the_author_or_a_moderator_edits(
    session: Session, db: Database, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = loaded(session, make_takeaway(event))
    other = Actor(new_participant(db, event))
    stored = stored_event(session, event)
    with pytest.raises(NotAllowed):
        services.update_takeaway(session, stored, takeaway, {"lesson": "Mine now"}, other)
    with pytest.raises(NotAllowed):
        services.update_takeaway(session, stored, takeaway, {"lesson": "Mine now"}, Actor())
    assert services.can_edit(stored, takeaway, MODERATOR)
    assert not services.can_edit(stored, takeaway, other)


def test_participants_cannot_write_once_the_event_is_closed(
    session: Session, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    author = new_participant(db, event)
    stored = stored_event(session, event)
    close_event(session, stored)
    with pytest.raises(Conflict):
        services.create_takeaway(session, stored, hamburg(), Actor(author))
    assert services.create_takeaway(session, stored, hamburg(), MODERATOR).id


def test_bad_edit_changes_nothing(
    session: Session, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = loaded(session, make_takeaway(event))
    with pytest.raises(InvalidInput) as error:
        services.update_takeaway(
            session,
            stored_event(session, event),
            takeaway,
            {"partners": [{"place": "Piura", "world_area": "Andes"}]},
            MODERATOR,
        )
    assert error.value.field == "partners[0].world_area"
    assert takeaway.partners[0]["place"] == "Melbourne"
    with pytest.raises(InvalidInput):
        services.update_takeaway(
            session, stored_event(session, event), takeaway, {"colour": "red"}, MODERATOR
        )


def test_turn_takeaway_is_attributed_to_the_speaker_and_the_turn(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(
        event, "Ivana", organisation="Krapina-Zagorje County", place="HR-02", state="speaking"
    )
    request = session.get(FloorRequest, turn.id)
    assert request is not None
    data = hamburg(speaker_name="Someone else", organisation="Elsewhere", country="HR")
    takeaway, created = services.record_turn_takeaway(session, request, data, MODERATOR)
    assert created is True
    assert takeaway.floor_request_id == turn.id
    assert takeaway.participant_id == turn.participant_id
    assert (takeaway.speaker_name, takeaway.organisation, takeaway.place) == (
        "Ivana",
        "Krapina-Zagorje County",
        "HR-02",
    )
    assert takeaway.country == "HR"
    assert takeaway.state is TakeawayState.approved

    again, created = services.record_turn_takeaway(
        session, request, {"lesson": "Corrected by the speaker."}, Actor(turn.participant_id)
    )
    assert created is False
    assert again.id == takeaway.id
    assert again.lesson == "Corrected by the speaker."
    assert again.speaker_name == "Ivana"
    assert again.state is TakeawayState.pending
    assert services.turn_takeaway(session, turn.id) is again


def test_speaker_records_their_own_turn_after_it_ended(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, "Marta", state="done")
    request = session.get(FloorRequest, turn.id)
    assert request is not None
    takeaway, _created = services.record_turn_takeaway(
        session, request, {"lesson": "Adapt local policies."}, Actor(turn.participant_id)
    )
    assert takeaway.state is TakeawayState.pending
    assert takeaway.participant_id == turn.participant_id


def test_turn_takeaway_refused_before_the_turn_and_for_others(
    session: Session, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    waiting = session.get(FloorRequest, make_request(event).id)
    done = session.get(FloorRequest, make_request(event, "Ben", state="done").id)
    assert waiting is not None
    assert done is not None
    with pytest.raises(Conflict, match="during or after"):
        services.record_turn_takeaway(session, waiting, {"lesson": "Early"}, MODERATOR)
    other = Actor(new_participant(db, event))
    with pytest.raises(NotAllowed):
        services.record_turn_takeaway(session, done, {"lesson": "Not mine"}, other)
    with pytest.raises(InvalidInput) as error:
        services.record_turn_takeaway(session, done, {"lesson": ""}, MODERATOR)
    assert error.value.field == "lesson"


def test_speaker_cannot_record_after_the_event_closes(
    session: Session, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, state="done")
    close_event(session, stored_event(session, event))
    request = session.get(FloorRequest, turn.id)
    assert request is not None
    with pytest.raises(Conflict):
        services.record_turn_takeaway(
            session, request, {"lesson": "Late"}, Actor(turn.participant_id)
        )
    assert services.record_turn_takeaway(session, request, {"lesson": "Noted"}, MODERATOR)[1]


#: For each moderation action: the states it may start from.
ALLOWED = {
    "approve": {"pending", "rejected"},
    "reject": {"pending", "approved"},
    "restore": {"approved", "rejected"},
}


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("state", ["pending", "approved", "rejected"])
def test_moderation_transitions(
    session: Session,
    make_event: EventFactory,
    make_takeaway: TakeawayFactory,
    action: str,
    state: str,
) -> None:
    takeaway = loaded(session, make_takeaway(make_event(), state=state))
    if state in ALLOWED[action]:
        services.moderate(session, takeaway, action)
        assert takeaway.state is services.TRANSITIONS[action][1]
    else:
        with pytest.raises(Conflict):
            services.moderate(session, takeaway, action)


def test_unknown_moderation_action_is_invalid(
    session: Session, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    takeaway = loaded(session, make_takeaway(make_event()))
    with pytest.raises(InvalidInput):
        services.moderate(session, takeaway, "publish")


def test_listing_per_event_and_per_author(
    session: Session, db: Database, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event, other = make_event(), make_event()
    author = new_participant(db, event)
    mine = make_takeaway(event, participant_id=author, state="approved")
    make_takeaway(event, state="rejected")
    make_takeaway(other)
    assert len(services.event_takeaways(session, event.id)) == 2
    approved = services.event_takeaways(
        session, event.id, states=frozenset({TakeawayState.approved})
    )
    assert [t.id for t in approved] == [mine.id]
    assert [t.id for t in services.takeaways_of(session, event.id, author)] == [mine.id]
