"""Poll lifecycle through the services and a real database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput
from agora.polls.models import Poll, PollState, Question
from agora.polls.responses import Submission, load_answers, record_responses
from agora.polls.schemas import OptionIn, PollIn, PollPatch, QuestionIn
from agora.polls.services import (
    change_state,
    create_poll,
    duplicate_poll,
    event_polls,
    move_poll,
    update_poll,
)
from tests.conftest import EventFactory, PollFactory, question
from tests.polls.conftest import count_rows, participants, stored_event, stored_poll

# -- creating polls -------------------------------------------------------------------------


def test_created_poll_is_a_draft_after_the_event_s_other_polls(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    first = make_poll(event, question("single_choice"))
    poll = create_poll(
        session,
        stored_event(session, event),
        PollIn(
            title="  World areas  ",
            questions=[
                question("ranking", options=[OptionIn(id="asia", label="Asia "), "Africa"]),
                question("rating", scale_max=7),
            ],
        ),
    )
    session.commit()

    assert poll.state is PollState.draft
    assert poll.title == "World areas"
    assert poll.position == first.position + 1
    assert [q.position for q in poll.questions] == [0, 1]
    assert [q.kind for q in poll.questions] == ["ranking", "rating"]
    assert poll.questions[0].config["options"] == [
        {"id": "asia", "label": "Asia"},
        {"id": "o2", "label": "Africa"},
    ]
    assert poll.questions[0].config["ranking_method"] == "positional"
    assert poll.questions[1].config["scale_max"] == 7


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            question("multiple_choice", max_choices=9),
            "questions[1].max_choices",
            "between 1 and 4",
        ),
        (question("ranking", top_k=0), "questions[1].top_k", "between 1 and 4"),
        (
            question("ranking", ranking_method="dictator"),
            "questions[1].ranking_method",
            "'dictator' is not a ranking method",
        ),
        (question("single_choice", options=[]), "questions[1].options", "at least one option"),
        (question("points", options=["Asia", "  "]), "questions[1].options", "Option 2"),
        (
            question("points", options=[OptionIn(id="a", label="A"), OptionIn(id="a", label="B")]),
            "questions[1].options[1].id",
            "Two options have the id 'a'",
        ),
        (question("rating", scale_max=11), "questions[1].scale_max", "between 2 and 10"),
        (question("word_cloud", max_entries=4), "questions[1].max_entries", "between 1 and 3"),
        (
            question("open_text", language="english"),
            "questions[1].language",
            "two-letter",
        ),
    ],
)
def test_create_poll_names_the_question_whose_settings_cannot_work(
    session: Session, make_event: EventFactory, bad: QuestionIn, field: str, message: str
) -> None:
    event = stored_event(session, make_event())

    with pytest.raises(InvalidInput) as caught:
        create_poll(session, event, PollIn(questions=[question("single_choice"), bad]))

    assert caught.value.field == field
    assert message in caught.value.message
    assert count_rows(session, Poll) == 0
    assert count_rows(session, Question) == 0


# -- lifecycle ------------------------------------------------------------------------------


def test_poll_goes_from_draft_to_open_to_closed_and_reopens(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), state="draft"))
    assert poll.state is PollState.draft

    states = [change_state(session, poll, action).state for action in ("open", "close", "open")]
    session.commit()

    assert states == [PollState.open, PollState.closed, PollState.open]
    session.expire_all()
    assert stored_poll(session, poll).state is PollState.open


def test_closed_poll_is_archived_and_restored_as_closed(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event()))
    change_state(session, poll, "close")

    assert change_state(session, poll, "archive").state is PollState.archived
    assert poll not in event_polls(session, poll.event_id, include_archived=False)
    assert change_state(session, poll, "restore").state is PollState.closed


def test_open_poll_cannot_be_archived(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event()))

    with pytest.raises(Conflict) as caught:
        change_state(session, poll, "archive")

    assert caught.value.message == "A poll that is open cannot be changed by 'archive'."
    assert poll.state is PollState.open


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), "close"),
        ((), "restore"),
        (("open",), "open"),
        (("open",), "restore"),
        (("open", "close"), "close"),
        (("archive",), "open"),
        (("archive",), "close"),
        (("archive",), "archive"),
    ],
)
def test_transition_not_allowed_from_the_current_state_is_a_conflict(
    session: Session,
    make_event: EventFactory,
    make_poll: PollFactory,
    path: tuple[str, ...],
    refused: str,
) -> None:
    poll = stored_poll(session, make_poll(make_event(), state="draft"))
    for action in path:
        change_state(session, poll, action)
    before = poll.state

    with pytest.raises(Conflict):
        change_state(session, poll, refused)

    assert poll.state is before


def test_unknown_poll_action_is_invalid_input(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), state="draft"))

    with pytest.raises(InvalidInput) as caught:
        change_state(session, poll, "explode")

    assert caught.value.field == "action"
    assert poll.state is PollState.draft


# -- duplicate, move, update -----------------------------------------------------------------


def test_duplicate_poll_copies_questions_into_a_draft_without_responses(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    original = make_poll(
        event,
        question("ranking", prompt="Rank the areas", ranking_method="schulze"),
        question("open_text", prompt="Tell us", max_length=100),
        title="Areas",
        allow_change=True,
        results_visible=True,
    )
    later = make_poll(event, title="Later")
    [pid] = participants(session, event, 1)
    record_responses(
        session,
        [Submission(original.questions[1].id, pid, event.id, {"texts": ["Horizon 2020"]})],
    )

    copy = duplicate_poll(session, stored_poll(session, original))
    session.commit()

    assert copy.id != original.id
    assert copy.state is PollState.draft
    assert copy.title == "Areas (copy)"
    assert copy.allow_change is True
    assert copy.results_visible is False
    assert [(q.kind, q.prompt, q.config) for q in copy.questions] == [
        (q.kind, q.prompt, q.config) for q in original.questions
    ]
    assert not {q.id for q in copy.questions} & {q.id for q in original.questions}
    assert all(load_answers(session, q.id) == [] for q in copy.questions)
    assert load_answers(session, original.questions[1].id) == [{"texts": ["Horizon 2020"]}]
    assert [p.id for p in event_polls(session, event.id)] == [original.id, copy.id, later.id]
    assert [p.position for p in event_polls(session, event.id)] == [0, 1, 2]


def test_move_poll_reorders_the_event_s_polls(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    a, b, c = (make_poll(event, title=title) for title in "ABC")

    move_poll(session, stored_poll(session, c), 0)
    assert [(p.title, p.position) for p in event_polls(session, event.id)] == [
        ("C", 0),
        ("A", 1),
        ("B", 2),
    ]

    move_poll(session, stored_poll(session, a), 99)  # past the end: last
    session.commit()
    session.expire_all()
    assert [(p.title, p.position) for p in event_polls(session, event.id)] == [
        ("C", 0),
        ("B", 1),
        ("A", 2),
    ]
    assert {p.id for p in event_polls(session, event.id)} == {a.id, b.id, c.id}


def test_moving_a_poll_leaves_other_events_alone(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event()
    first, second = make_poll(event), make_poll(event)
    foreign = make_poll(other)

    move_poll(session, stored_poll(session, second), 0)

    assert [p.id for p in event_polls(session, event.id)] == [second.id, first.id]
    assert stored_poll(session, foreign).position == 0


def test_update_poll_refuses_a_screen_position_past_the_last_question(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("rating"), question("open_text")))

    with pytest.raises(InvalidInput) as caught:
        update_poll(session, poll, PollPatch(screen_position=2))
    assert caught.value.field == "screen_position"
    assert caught.value.message == "This poll has 2 questions."
    assert poll.screen_position == 0

    update_poll(session, poll, PollPatch(screen_position=1, results_visible=True))
    assert (poll.screen_position, poll.results_visible) == (1, True)


def test_update_poll_changes_only_what_the_patch_sets(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), results_visible=True))

    update_poll(session, poll, PollPatch(allow_change=True))

    assert (poll.allow_change, poll.results_visible, poll.state) == (True, True, PollState.open)


def test_what_organisers_write_is_kept_as_plain_text(
    session: Session, make_event: EventFactory
) -> None:
    """Titles, prompts, option and scale labels lose control and bidi-override characters
    (they were only stripped; the injection suite found a bell in the report)."""
    event = stored_event(session, make_event())
    hostile = "\u202eAsia\x07 cafe\u0301\u2066"
    poll = create_poll(
        session,
        event,
        PollIn(
            title=hostile,
            questions=[
                QuestionIn(kind="single_choice", prompt=hostile, options=[hostile, "Other"]),
                QuestionIn(kind="rating", prompt="Rate", min_label=hostile, max_label=hostile),
            ],
        ),
    )
    clean = "Asia  café"
    choice, rating = poll.questions
    assert (poll.title, choice.prompt) == (clean, clean)
    assert [o["label"] for o in choice.config["options"]] == [clean, "Other"]
    assert (rating.config["min_label"], rating.config["max_label"]) == (clean, clean)
    with pytest.raises(InvalidInput, match="Option 1 has no text"):
        create_poll(
            session,
            event,
            PollIn(
                questions=[QuestionIn(kind="single_choice", prompt="Q", options=["\u2066", "B"])]
            ),
        )
