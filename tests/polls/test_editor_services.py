"""The poll editor's services on a real database: questions and options edited, added, moved."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.events.models import Event
from agora.polls.kinds import QuestionKind
from agora.polls.models import Poll, PollState, Question
from agora.polls.paste import PasteError
from agora.polls.responses import Submission, record_responses
from agora.polls.schemas import OptionIn
from agora.polls.services import (
    add_option,
    add_pasted_questions,
    add_question,
    answer_counts,
    change_state,
    create_pasted_poll,
    move_option,
    question_input,
    remove_option,
    remove_question,
    update_poll_details,
    update_question,
)
from tests.conftest import EventFactory, PollFactory, question
from tests.polls.conftest import count_rows, participants, stored_event, stored_poll


def answer(session: Session, poll: Poll, index: int, *answers: dict[str, Any]) -> None:
    """Record one answer per new participant to the poll's question at ``index``."""
    qid = poll.questions[index].id
    people = participants(session, session.get_one(Event, poll.event_id), len(answers))
    outcomes = record_responses(
        session,
        [Submission(qid, p, poll.event_id, a) for p, a in zip(people, answers, strict=True)],
    )
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    session.commit()


def labels(question: Question) -> list[tuple[str, str]]:
    return [(o["id"], o["label"]) for o in question.config["options"]]


def test_update_keeps_option_ids_and_gives_new_options_fresh_ones(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("ranking"), state="draft"))
    stored = poll.questions[0]
    data = question_input(stored)
    options = [
        OptionIn(id="o3", label="Latin America and the Caribbean"),
        data.options[0],
        "Europe",
    ]
    update_question(
        session,
        stored,
        data.model_copy(update={"options": options, "prompt": " Where? ", "top_k": 2}),
    )
    session.commit()
    assert labels(stored) == [
        ("o3", "Latin America and the Caribbean"),
        ("o1", "Asia"),
        ("o5", "Europe"),  # not o2: an id the question had never comes back
    ]
    assert stored.prompt == "Where?"
    assert stored.config["top_k"] == 2


def test_changing_the_kind_of_a_draft_question_drops_options_it_does_not_take(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("single_choice"), state="draft"))
    stored = poll.questions[0]
    data = question_input(stored).model_copy(
        update={"kind": QuestionKind.open_text, "max_length": 100}
    )
    update_question(session, stored, data)
    assert stored.kind == "open_text"
    assert stored.config["options"] == []
    assert stored.config["max_length"] == 100


def test_a_refused_update_changes_nothing(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("multiple_choice")))
    answer(session, poll, 0, {"options": ["o1", "o2", "o3"]})
    stored = poll.questions[0]
    before = dict(stored.config)
    data = question_input(stored).model_copy(update={"max_choices": 2, "prompt": "Changed"})
    change_state(session, poll, "close")
    with pytest.raises(Conflict, match="Someone chose 3 options"):
        update_question(session, stored, data)
    session.rollback()
    session.refresh(stored)
    assert stored.config == before
    assert stored.prompt != "Changed"


def test_a_typo_in_an_answered_option_can_be_fixed_while_open(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("single_choice")))
    answer(session, poll, 0, {"option": "o2"})
    stored = poll.questions[0]
    data = question_input(stored)
    fixed = [
        OptionIn(id=o.id, label="Oceania and Australia")
        if isinstance(o, OptionIn) and o.id == "o2"
        else o
        for o in data.options
    ]
    update_question(session, stored, data.model_copy(update={"options": fixed}))
    assert labels(stored)[1] == ("o2", "Oceania and Australia")


def test_options_are_added_moved_and_removed(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("points"), state="draft"))
    stored = poll.questions[0]
    add_option(session, stored, "  Europe ")
    move_option(session, stored, "o5", 0)
    remove_option(session, stored, "o2")
    assert [label for _id, label in labels(stored)] == [
        "Europe",
        "Asia",
        "Latin America",
        "North America",
    ]
    with pytest.raises(NotFound):
        remove_option(session, stored, "o2")
    with pytest.raises(NotFound):
        move_option(session, stored, "nope", 1)


def test_an_option_someone_chose_is_not_removed(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("single_choice")))
    answer(session, poll, 0, {"option": "o1"})
    change_state(session, poll, "close")
    with pytest.raises(Conflict, match="“Asia” is part of 1 answer"):
        remove_option(session, poll.questions[0], "o1")
    remove_option(session, poll.questions[0], "o4")  # nobody chose North America


def test_an_option_is_added_to_an_open_answered_choice_question(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("multiple_choice")))
    answer(session, poll, 0, {"options": ["o1", "o4"]})
    add_option(session, poll.questions[0], "Africa")
    assert labels(poll.questions[0])[-1] == ("o5", "Africa")


def test_questions_are_added_and_removed_and_positions_follow(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event(language="fr")
    poll = stored_poll(
        session, make_poll(event, question("rating"), question("open_text"), state="draft")
    )
    poll.screen_position = 1
    added = add_question(session, poll, question("word_cloud", prompt=" Un mot ? "))
    assert (added.position, added.prompt, added.config["language"]) == (2, "Un mot ?", "fr")
    remove_question(session, poll.questions[0])
    session.commit()
    assert [q.position for q in poll.questions] == [0, 1]
    assert [q.kind for q in poll.questions] == ["open_text", "word_cloud"]
    assert poll.screen_position == 1
    remove_question(session, poll.questions[1])
    assert poll.screen_position == 0
    with pytest.raises(Conflict, match="at least one question"):
        remove_question(session, poll.questions[0])


def test_no_question_is_added_to_an_open_poll_and_an_answered_one_stays(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("rating"), question("rating")))
    answer(session, poll, 0, {"value": 3})
    with pytest.raises(Conflict, match="Close the poll before adding"):
        add_question(session, poll, question("open_text"))
    change_state(session, poll, "close")
    with pytest.raises(Conflict, match="1 answer was given"):
        remove_question(session, poll.questions[0])
    add_question(session, poll, question("open_text"))
    remove_question(session, poll.questions[1])
    assert len(poll.questions) == 2


def test_answer_counts_per_question(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("rating"), question("rating")))
    answer(session, poll, 1, {"value": 3}, {"value": 4})
    assert answer_counts(session, [q.id for q in poll.questions]) == {poll.questions[1].id: 2}
    assert answer_counts(session, []) == {}


def test_poll_details_are_saved(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event()))
    update_poll_details(session, poll, title=" Areas ", allow_change=True, results_visible=True)
    assert (poll.title, poll.allow_change, poll.results_visible) == ("Areas", True, True)


def test_a_pasted_list_becomes_a_draft_poll(session: Session, make_event: EventFactory) -> None:
    event = stored_event(session, make_event(language="de"))
    text = "Wohin? [ranking top 2]\n- Asien\n- Afrika\n- Ozeanien\n\nWas nehmen Sie mit?"
    poll = create_pasted_poll(session, event, "Weltregionen", text)
    assert poll.state is PollState.draft
    assert [(q.kind, q.prompt) for q in poll.questions] == [
        ("ranking", "Wohin?"),
        ("open_text", "Was nehmen Sie mit?"),
    ]
    assert poll.questions[0].config["top_k"] == 2
    assert poll.questions[1].config["language"] == "de"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Where? [ranking top 5]\n- A\n- B",
            (1, "The number of options to rank must be between 1 and 2."),
        ),
        ("Why? [open text 50]", (1, "50 is out of range here: use a number from 1 to 20.")),
        ("Words [word cloud 5]", (1, "A word cloud takes between 1 and 3 words per participant.")),
        ("How? [rating 11]", (1, "A rating scale must end between 2 and 10.")),
        ("Share [points 0]\n- A", (1, "0 is not a usable number.")),
    ],
)
def test_a_pasted_list_with_a_problem_creates_nothing(
    session: Session, make_event: EventFactory, text: str, problem: tuple[int, str]
) -> None:
    event = stored_event(session, make_event())
    with pytest.raises(PasteError) as caught:
        create_pasted_poll(session, event, "", "Fine?\n\n" + text)
    line, message = caught.value.problems[0]
    assert (line - 2, message) == problem
    session.rollback()
    assert count_rows(session, Poll) == 0


def test_pasted_questions_are_added_all_or_none(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), state="draft"))
    with pytest.raises(PasteError):
        add_pasted_questions(session, poll, "Good?\n\nBad [rating 1]")
    session.rollback()
    assert count_rows(session, Question) == 1
    added = add_pasted_questions(session, stored_poll(session, poll), "Good?\n\nBetter? [rating 7]")
    assert [q.position for q in added] == [1, 2]


def test_an_unknown_kind_setting_number_is_refused_with_its_field(
    session: Session, make_event: EventFactory, make_poll: PollFactory
) -> None:
    poll = stored_poll(session, make_poll(make_event(), question("ranking"), state="draft"))
    data = question_input(poll.questions[0]).model_copy(update={"top_k": 9})
    with pytest.raises(InvalidInput) as caught:
        update_question(session, poll.questions[0], data)
    assert caught.value.field == "top_k"
