"""Audience questions through the services and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.events.agenda import add_item, set_now
from agora.events.models import AgendaKind, Event, Participant
from agora.events.schemas import AgendaItemIn
from agora.qa.models import AudienceQuestion, QuestionState
from agora.qa.services import (
    TRANSITIONS,
    QuestionAction,
    all_questions,
    ask_question,
    moderate,
    own_pending,
    public_questions,
    upvote,
    upvoted_by,
    withdraw_upvote,
)
from tests.conftest import EventFactory
from tests.qa.conftest import QuestionFactory, configure, new_participant, vote_rows


def loaded(session: Session, event: Event, participant_id: int) -> tuple[Event, Participant]:
    stored = session.get(Event, event.id)
    person = session.get(Participant, participant_id)
    assert stored is not None
    assert person is not None
    return stored, person


def ask(
    db: Database, event: Event, participant_id: int, text: str, **options: object
) -> AudienceQuestion:
    with db.session() as session:
        stored, person = loaded(session, event, participant_id)
        return ask_question(session, stored, person, text, **options)  # type: ignore[arg-type]


# -- asking ---------------------------------------------------------------------------------


def test_question_is_stored_trimmed_in_nfc_and_approved_when_not_moderated(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    person = new_participant(db, event, name="Ana Horvat")
    question = ask(db, event, person, "  Comment le jumelage a-t-il commence\u0301 ?  ")
    assert question.text == "Comment le jumelage a-t-il commencé ?"
    assert question.state is QuestionState.approved
    assert question.author_name == "Ana Horvat"
    assert question.votes == 0
    assert question.participant_id == person


def test_moderated_event_keeps_questions_pending(db: Database, make_event: EventFactory) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    question = ask(db, event, new_participant(db, event), "Who pays for the exchanges?")
    assert question.state is QuestionState.pending


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  ", "at least 3 characters"),
        ("Hi", "at least 3 characters"),
        ("x" * 301, "at most 300 characters"),
        ("Null\x00byte?", "cannot be shown"),
    ],
)
def test_bad_text_is_refused_and_nothing_stored(
    db: Database, make_event: EventFactory, text: str, message: str
) -> None:
    event = make_event()
    person = new_participant(db, event)
    with pytest.raises(InvalidInput, match=message) as error:
        ask(db, event, person, text)
    assert error.value.field == "text"
    with db.session() as session:
        assert all_questions(session, event.id) == []


def test_limits_are_counted_after_trimming(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    person = new_participant(db, event)
    assert len(ask(db, event, person, f"  {'y' * 300}\n").text) == 300
    assert ask(db, event, person, " Why ").text == "Why"


def test_anonymous_question_has_no_author_where_allowed(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()  # qa_anonymous is the default
    person = new_participant(db, event, name="Ana")
    assert ask(db, event, person, "Anonymous, please?", anonymous=True).author_name == ""
    nameless = new_participant(db, event)
    assert ask(db, event, nameless, "No name given?").author_name == ""


def test_name_given_with_the_question_wins_over_the_joining_name(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    person = new_participant(db, event, name="Ana")
    question = ask(db, event, person, "Which networks?", author_name=" Ana, Zagreb ")
    assert question.author_name == "Ana, Zagreb"


def test_event_without_anonymous_questions_requires_a_name(
    db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_anonymous=False)
    nameless = new_participant(db, event)
    with pytest.raises(InvalidInput, match="does not allow anonymous") as error:
        ask(db, event, nameless, "Who decides?")
    assert error.value.field == "author_name"
    with pytest.raises(InvalidInput, match="does not allow anonymous"):
        ask(db, event, new_participant(db, event, name="Ana"), "Who decides?", anonymous=True)
    assert ask(db, event, nameless, "Who decides?", author_name="Luca").author_name == "Luca"
    named = new_participant(db, event, name="Marta")
    assert ask(db, event, named, "Who decides?").author_name == "Marta"


def test_profanity_filter_refuses_in_the_event_language_and_stores_nothing(
    db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(language="fr"), qa_profanity_filter=True)
    person = new_participant(db, event)
    with pytest.raises(InvalidInput, match="rephrase"):
        ask(db, event, person, "Pourquoi ce PUTAIN de retard ?")
    with pytest.raises(InvalidInput, match="rephrase"):
        ask(db, event, person, "Why this shit?")  # English is always checked
    with pytest.raises(InvalidInput, match="rephrase"):
        ask(db, event, person, "Une question polie", author_name="Connard")
    assert ask(db, event, person, "Et le financement de Scunthorpe ?").state.value == "approved"
    with db.session() as session:
        assert len(all_questions(session, event.id)) == 1


def test_without_the_filter_words_are_not_checked(db: Database, make_event: EventFactory) -> None:
    event = make_event(language="fr")
    assert ask(db, event, new_participant(db, event), "Merde, encore ?").text == "Merde, encore ?"


def test_question_belongs_to_the_agenda_item_happening_now(
    db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        item = add_item(session, stored, AgendaItemIn(kind=AgendaKind.qa, title="Q&A"))
        set_now(session, stored, item)
        item_id = item.id
    assert ask(db, event, new_participant(db, event), "Now?").agenda_item_id == item_id


def test_closed_event_takes_no_question(db: Database, make_event: EventFactory) -> None:
    event = make_event()
    person = new_participant(db, event)
    configure(db, event, closed_at=dt.datetime(2023, 10, 11, tzinfo=dt.UTC))
    with pytest.raises(Conflict, match="closed"):
        ask(db, event, person, "Too late?")


# -- moderation -----------------------------------------------------------------------------


def act(db: Database, question: AudienceQuestion, action: str) -> AudienceQuestion:
    with db.session() as session:
        stored = session.get(AudienceQuestion, question.id)
        assert stored is not None
        return moderate(session, stored, action)


CASES = [
    (action, state, state in sources, target)
    for action, (sources, target) in TRANSITIONS.items()
    for state in QuestionState
]


@pytest.mark.parametrize(
    ("action", "state", "allowed", "target"),
    CASES,
    ids=[f"{a.value}-from-{s.value}" for a, s, _ok, _t in CASES],
)
def test_every_transition_is_allowed_or_refused_by_the_table(
    db: Database,
    make_event: EventFactory,
    make_question: QuestionFactory,
    action: QuestionAction,
    state: QuestionState,
    allowed: bool,
    target: QuestionState,
) -> None:
    question = make_question(make_event(), state=state)
    if allowed:
        assert act(db, question, action).state is target
    else:
        with pytest.raises(Conflict, match=f"cannot be changed by '{action.value}'"):
            act(db, question, action)
        with db.session() as session:
            assert session.get(AudienceQuestion, question.id).state is state  # type: ignore[union-attr]


def test_moderation_lifecycle_and_restore_lose_nothing(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    question = make_question(event)
    assert question.state is QuestionState.pending
    assert act(db, question, "reject").state is QuestionState.rejected
    assert act(db, question, "restore").state is QuestionState.approved
    answered = act(db, question, "answer")
    assert answered.state is QuestionState.answered
    assert answered.answered_at is not None
    reopened = act(db, question, "restore")
    assert reopened.state is QuestionState.approved
    assert reopened.answered_at is None
    assert act(db, question, "archive").state is QuestionState.archived
    assert act(db, question, "restore").state is QuestionState.approved
    assert stored_text(db, question.id) == question.text


def stored_text(db: Database, question_id: int) -> str:
    with db.session() as session:
        found = session.get(AudienceQuestion, question_id)
        assert found is not None
        return found.text


def test_unknown_action_is_invalid(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    with pytest.raises(InvalidInput, match="'delete' is not a question action"):
        act(db, make_question(make_event()), "delete")


def test_only_one_question_of_an_event_is_highlighted(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event, other_event = make_event(), make_event()
    first, second = make_question(event, "First?"), make_question(event, "Second?")
    elsewhere = make_question(other_event, "Elsewhere?")
    act(db, elsewhere, "highlight")
    assert act(db, first, "highlight").highlighted
    assert act(db, second, "highlight").highlighted
    with db.session() as session:
        flags = {q.text: q.highlighted for q in all_questions(session, event.id)}
        assert flags == {"First?": False, "Second?": True}
        assert session.get(AudienceQuestion, elsewhere.id).highlighted  # type: ignore[union-attr]
    assert not act(db, second, "unhighlight").highlighted


def test_highlight_needs_an_approved_question_and_ends_when_it_leaves_the_list(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    with pytest.raises(Conflict, match="Only an approved question"):
        act(db, make_question(event, state="pending"), "highlight")
    question = make_question(event)
    act(db, question, "highlight")
    answered = act(db, question, "answer")
    assert not answered.highlighted


# -- upvotes --------------------------------------------------------------------------------


def vote(db: Database, question: AudienceQuestion, participant_id: int, *, up: bool = True) -> bool:
    with db.session() as session:
        stored = session.get(AudienceQuestion, question.id)
        assert stored is not None
        if up:
            return upvote(session, stored, participant_id)
        return withdraw_upvote(session, stored, participant_id)


def test_upvote_counts_once_and_can_be_withdrawn(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    person = new_participant(db, event)
    assert vote(db, question, person) is True
    assert vote(db, question, person) is False  # a repeat changes nothing
    with db.session() as session:
        assert session.get(AudienceQuestion, question.id).votes == 1  # type: ignore[union-attr]
        assert upvoted_by(session, person, event.id) == {question.id}
    assert vote(db, question, person, up=False) is True
    assert vote(db, question, person, up=False) is False
    assert vote_rows(db, question.id) == 0
    with db.session() as session:
        assert session.get(AudienceQuestion, question.id).votes == 0  # type: ignore[union-attr]


def test_only_approved_questions_take_votes(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    person = new_participant(db, event)
    with pytest.raises(NotFound):
        vote(db, make_question(event, state="pending"), person)
    with pytest.raises(NotFound):
        vote(db, make_question(event, state="rejected"), person)
    with pytest.raises(Conflict, match="answered"):
        vote(db, make_question(event, state="answered"), person)


def test_participant_of_another_event_cannot_vote(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    question = make_question(make_event())
    outsider = new_participant(db, make_event())
    with pytest.raises(NotFound):
        vote(db, question, outsider)
    assert vote_rows(db, question.id) == 0


# -- lists ----------------------------------------------------------------------------------


def test_public_list_orders_by_votes_then_time_and_hides_unapproved(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    start = dt.datetime(2023, 10, 10, 14, 0, tzinfo=dt.UTC)

    def at(minutes: int) -> dt.datetime:
        return start + dt.timedelta(minutes=minutes)

    make_question(event, "Old, two votes", votes=2, created_at=at(0))
    make_question(event, "New, two votes", votes=2, created_at=at(5))
    make_question(event, "Newest, no vote", created_at=at(9))
    make_question(event, "Answered, five", votes=5, state="answered", created_at=at(1))
    for state in ("pending", "rejected", "archived"):
        make_question(event, f"Hidden {state}", votes=9, state=state, created_at=at(2))
    with db.session() as session:
        by_votes = [q.text for q in public_questions(session, event.id, "votes")]
        by_time = [q.text for q in public_questions(session, event.id, "time")]
        everything = all_questions(session, event.id)
    assert by_votes == ["Answered, five", "Old, two votes", "New, two votes", "Newest, no vote"]
    assert by_time == ["Newest, no vote", "New, two votes", "Answered, five", "Old, two votes"]
    assert len(everything) == 7


def test_own_pending_questions_are_listed_for_their_author_only(
    db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    mine, theirs = new_participant(db, event), new_participant(db, event)
    make_question(event, "Mine?", participant_id=mine)
    make_question(event, "Theirs?", participant_id=theirs)
    with db.session() as session:
        assert [q.text for q in own_pending(session, event.id, mine)] == ["Mine?"]
