"""The poll editor's pages without JavaScript: plain form posts, notices, errors, who may."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.polls.kinds import KINDS, QuestionKind
from agora.polls.models import Poll, Question
from agora.polls.responses import Submission, record_responses
from agora.polls.services import change_state
from tests.conftest import EventFactory, PollFactory, question
from tests.polls.conftest import count_rows, participants


def key_of(event: Event) -> dict[str, str]:
    return {"x-moderator-key": event.moderator_key}


def stored_questions(db: Database, poll_id: int) -> list[Question]:
    with db.session() as session:
        poll = session.get_one(Poll, poll_id)
        return list(poll.questions)


def answer(db: Database, poll: Poll, index: int, *answers: dict[str, Any]) -> None:
    """Record answers to one question of a poll, one per new participant."""
    with db.session() as session:
        stored = session.get_one(Poll, poll.id)
        people = participants(session, session.get_one(Event, poll.event_id), len(answers))
        qid = stored.questions[index].id
        record_responses(
            session,
            [Submission(qid, p, poll.event_id, a) for p, a in zip(people, answers, strict=True)],
        )


def close(db: Database, poll: Poll) -> None:
    with db.session() as session:
        change_state(session, session.get_one(Poll, poll.id), "close")


def form_of(poll: Poll, **changes: str) -> dict[str, str]:
    """Return the poll's first question's form as the editor draws it, ``changes`` typed in."""
    stored = poll.questions[0]
    config = stored.config
    data = {"kind": stored.kind, "prompt": stored.prompt, "action": "save"}
    data |= {f"option-{o['id']}": o["label"] for o in config.get("options", [])}
    for name in KINDS[QuestionKind(stored.kind)].SETTINGS:
        value = config.get(name)
        if name == "partial":
            if value:
                data["partial"] = "1"
        elif name != "options":
            data[name] = "" if value is None else str(value)
    data |= changes
    return {k: v for k, v in data.items() if v is not None}


def editor(event: Event, poll: Poll) -> str:
    return f"/e/{event.code}/moderate/polls/{poll.id}"


# -- who may --------------------------------------------------------------------------------


def editor_routes(event: Event, poll: Poll) -> list[tuple[str, str]]:
    base = editor(event, poll)
    qid = poll.questions[0].id
    return [
        ("GET", f"/e/{event.code}/moderate/polls"),
        ("POST", f"/e/{event.code}/moderate/polls"),
        ("POST", f"/e/{event.code}/moderate/polls/paste"),
        ("GET", base),
        ("POST", f"{base}/edit/settings"),
        ("POST", f"{base}/edit/duplicate"),
        ("POST", f"{base}/edit/questions"),
        ("POST", f"{base}/edit/paste"),
        ("POST", f"{base}/edit/questions/{qid}"),
        ("POST", f"{base}/edit/questions/{qid}/preview"),
        ("POST", f"{base}/edit/questions/{qid}/move"),
        ("POST", f"{base}/edit/questions/{qid}/remove"),
    ]


def test_every_editor_route_refuses_anyone_but_the_event_s_moderators(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event(title="Another session")
    poll = make_poll(event, question("single_choice"), question("rating"), state="draft")
    routes = editor_routes(event, poll)
    client.get(f"/e/{event.code}")  # a participant of the event, with their cookie
    assert "agora_p" in client.cookies
    for method, url in routes:
        assert client.request(method, url, data={}).status_code == 403, (method, url)
    client.cookies.clear()
    for method, url in routes:
        anonymous = client.request(method, url, data={})
        stranger = client.request(method, url, data={}, headers=key_of(other))
        assert (anonymous.status_code, stranger.status_code) == (403, 403), (method, url)
    assert count_rows_of(db, Poll) == 1
    assert len(stored_questions(db, poll.id)) == 2


def count_rows_of(db: Database, model: type[Any]) -> int:
    with db.session() as session:
        return count_rows(session, model)


def test_a_poll_of_another_event_is_not_found_through_this_one(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event, other = make_event(), make_event(title="Another session")
    theirs = make_poll(other, state="draft")
    page = client.get(editor(event, theirs), headers=key_of(event))
    assert page.status_code == 404
    qid = theirs.questions[0].id
    sent = client.post(
        f"{editor(event, theirs)}/edit/questions/{qid}", data=form_of(theirs), headers=key_of(event)
    )
    assert sent.status_code == 404


# -- the list of polls ----------------------------------------------------------------------


def test_the_list_shows_each_poll_with_its_state_and_escapes_what_was_typed(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, question("rating", prompt="<b>How</b> useful?"), title="Day <i>one</i>")
    page = client.get(f"/e/{event.code}/moderate/polls", headers=key_of(event))
    assert page.status_code == 200
    assert "Day &lt;i&gt;one&lt;/i&gt;" in page.text
    assert "&lt;b&gt;How&lt;/b&gt; useful?" in page.text
    assert "<b>How" not in page.text
    assert "1 question" in page.text
    assert ">open<" in page.text


def test_a_new_poll_is_created_from_its_first_question(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sent = client.post(
        f"/e/{event.code}/moderate/polls",
        data={
            "title": "World areas",
            "kind": "ranking",
            "prompt": "Where next?",
            "options": "Asia\n\nAfrica\n",
        },
        headers=key_of(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    poll_id = int(sent.headers["location"].rsplit("/", 1)[1])
    [stored] = stored_questions(db, poll_id)
    assert (stored.kind, stored.prompt) == ("ranking", "Where next?")
    assert [o["label"] for o in stored.config["options"]] == ["Asia", "Africa"]
    page = client.get(sent.headers["location"], headers=key_of(event))
    assert "Poll created: a draft nobody sees until you open it." in page.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "ranking", "prompt": "  ", "options": "Asia"}, "prompt", "Write the question."),
        (
            {"kind": "ranking", "prompt": "Where?", "options": ""},
            "options",
            "needs at least one option",
        ),
        ({"kind": "rating", "prompt": "How?", "options": "Asia"}, "options", "takes no options"),
        ({"kind": "quiz", "prompt": "How?"}, "kind", "Choose a kind of question."),
        ({"kind": "rating", "prompt": "How?", "title": "t" * 301}, "title", "the limit is 300"),
    ],
)
def test_a_refused_new_poll_keeps_what_was_typed_and_creates_nothing(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    event = make_event()
    page = client.post(f"/e/{event.code}/moderate/polls", data=data, headers=key_of(event))
    assert page.status_code == 422
    assert message in page.text
    assert f'id="new-{field}-error"' in page.text
    if data["prompt"].strip():
        assert data["prompt"] in page.text
    assert count_rows_of(db, Poll) == 0


def test_a_pasted_list_becomes_a_poll_or_lists_its_problems_by_line(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    bad = "Where? [ranking top 9]\n- Asia\n- Africa\n\n- stray <option>"
    page = client.post(
        f"/e/{event.code}/moderate/polls/paste",
        data={"title": "T", "text": bad},
        headers=key_of(event),
    )
    assert page.status_code == 422
    assert "Nothing was created: correct these lines" in page.text
    assert "<li>Line 1: The number of options to rank must be between 1 and 2.</li>" in page.text
    assert "Line 5: This option has no question above it" in page.text
    assert "- stray &lt;option&gt;</textarea>" in page.text  # kept, escaped
    assert count_rows_of(db, Poll) == 0
    sent = client.post(
        f"/e/{event.code}/moderate/polls/paste",
        data={"title": "T", "text": "Where? [ranking top 1]\n- Asia\n- Africa\n\nWhy?"},
        headers=key_of(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert count_rows_of(db, Question) == 2


# -- one poll: every kind and its settings ----------------------------------------------------

#: For each kind, settings typed into its form and what is stored.
SETTINGS: dict[QuestionKind, tuple[dict[str, str], dict[str, Any]]] = {
    QuestionKind.single_choice: ({"option-o2": "Oceania and Australia"}, {}),
    QuestionKind.multiple_choice: ({"max_choices": "2"}, {"max_choices": 2}),
    QuestionKind.ranking: (
        {"top_k": "2", "partial": "1", "ranking_method": "borda"},
        {"top_k": 2, "partial": True, "ranking_method": "borda"},
    ),
    QuestionKind.open_text: (
        {"max_entries": "3", "max_length": "120", "language": "fr"},
        {"max_entries": 3, "max_length": 120, "language": "fr"},
    ),
    QuestionKind.word_cloud: (
        {"max_entries": "3", "max_length": "30"},
        {"max_entries": 3, "max_length": 30},
    ),
    QuestionKind.rating: (
        {"scale_max": "7", "min_label": "Not useful", "max_label": "Very useful"},
        {"scale_max": 7, "min_label": "Not useful", "max_label": "Very useful"},
    ),
    QuestionKind.points: ({"budget": "10"}, {"budget": 10}),
}


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_every_kind_s_settings_are_edited_in_its_form(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    kind: QuestionKind,
) -> None:
    assert set(SETTINGS) == set(QuestionKind)
    event = make_event()
    poll = make_poll(event, question(kind), state="draft")
    page = client.get(editor(event, poll), headers=key_of(event))
    assert page.status_code == 200
    takes = KINDS[kind].SETTINGS
    for name in takes:
        hidden = re.search(rf'data-setting="{name}"\s*(hidden)?', page.text)
        assert hidden is not None, name
        assert hidden.group(1) is None, name  # shown for this kind
    typed, stored = SETTINGS[kind]
    qid = poll.questions[0].id
    sent = client.post(
        f"{editor(event, poll)}/edit/questions/{qid}",
        data=form_of(poll, prompt="Edited?", **typed),
        headers=key_of(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    [after] = stored_questions(db, poll.id)
    assert after.prompt == "Edited?"
    assert {name: after.config[name] for name in stored} == stored
    assert "Question saved." in client.get(sent.headers["location"], headers=key_of(event)).text


@pytest.mark.parametrize(
    ("kind", "typed", "field", "message"),
    [
        (QuestionKind.multiple_choice, {"max_choices": "9"}, "max_choices", "between 1 and 5"),
        (QuestionKind.ranking, {"top_k": "two"}, "top_k", "“two” is not a whole number."),
        (
            QuestionKind.open_text,
            {"max_entries": "21"},
            "max_entries",
            "Use a number from 1 to 20.",
        ),
        (QuestionKind.word_cloud, {"max_entries": "4"}, "max_entries", "between 1 and 3 words"),
        (QuestionKind.rating, {"scale_max": "11"}, "scale_max", "must end between 2 and 10"),
        (QuestionKind.rating, {"scale_max": ""}, "scale_max", "Type a number here."),
        (QuestionKind.points, {"budget": "0"}, "budget", "Use a number from 1 to 10000."),
        (QuestionKind.single_choice, {"option-o3": "  "}, "option-o3", "Option 3 is empty"),
        (QuestionKind.single_choice, {"prompt": ""}, "prompt", "Write the question."),
    ],
)
def test_a_refused_question_shows_why_next_to_its_field_and_keeps_the_typing(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    kind: QuestionKind,
    typed: dict[str, str],
    field: str,
    message: str,
) -> None:
    event = make_event()
    poll = make_poll(event, question(kind), state="draft")
    qid = poll.questions[0].id
    before = stored_questions(db, poll.id)[0].config
    page = client.post(
        f"{editor(event, poll)}/edit/questions/{qid}",
        data=form_of(poll, **typed, new_option="Kept <typed>"),
        headers=key_of(event),
    )
    assert page.status_code == 422
    assert message in page.text
    assert f'id="q{qid}-{field}-error"' in page.text
    assert re.search(rf'id="q{qid}-{field}"[^>]*aria-invalid="true"', page.text, re.S)
    assert "Nothing was saved; what you typed is still in the form." in page.text
    assert stored_questions(db, poll.id)[0].config == before
    if "options" in KINDS[kind].SETTINGS:
        assert 'value="Kept &lt;typed&gt;"' in page.text


def test_option_buttons_move_remove_and_add(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"), state="draft")
    url = f"{editor(event, poll)}/edit/questions/{poll.questions[0].id}"

    def labels() -> list[str]:
        return [o["label"] for o in stored_questions(db, poll.id)[0].config["options"]]

    sent = client.post(
        url, data=form_of(poll, action="up:o2"), headers=key_of(event), follow_redirects=False
    )
    assert sent.status_code == 303
    assert labels() == ["Oceania", "Asia", "Latin America", "North America"]
    page = client.get(sent.headers["location"], headers=key_of(event))
    assert "“Oceania” is now option 1 of 4." in page.text
    poll = make_poll_like(db, poll)
    client.post(url, data=form_of(poll, action="down:o1"), headers=key_of(event))
    assert labels() == ["Oceania", "Latin America", "Asia", "North America"]
    poll = make_poll_like(db, poll)
    client.post(url, data=form_of(poll, action="remove:o4"), headers=key_of(event))
    assert labels() == ["Oceania", "Latin America", "Asia"]
    poll = make_poll_like(db, poll)
    sent = client.post(
        url, data=form_of(poll, action="add", new_option="Africa"), headers=key_of(event)
    )
    assert labels() == ["Oceania", "Latin America", "Asia", "Africa"]
    assert "Option added." in sent.text
    refused = client.post(url, data=form_of(poll, action="add"), headers=key_of(event))
    assert refused.status_code == 422
    assert "Type the new option first." in refused.text


def make_poll_like(db: Database, poll: Poll) -> Poll:
    with db.session() as session:
        fresh = session.get_one(Poll, poll.id)
        _ = [q.config for q in fresh.questions]
        return fresh


def test_enter_in_any_box_saves_a_typed_new_option_too(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"), state="draft")
    url = f"{editor(event, poll)}/edit/questions/{poll.questions[0].id}"
    client.post(url, data=form_of(poll, new_option="Africa"), headers=key_of(event))
    assert stored_questions(db, poll.id)[0].config["options"][-1] == {"id": "o5", "label": "Africa"}


def test_poll_settings_are_saved_and_the_poll_duplicated(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"))
    base = editor(event, poll)
    client.post(
        f"{base}/edit/settings",
        data={"title": "Feedback", "allow_change": "1"},
        headers=key_of(event),
    )
    with db.session() as session:
        stored = session.get_one(Poll, poll.id)
        assert (stored.title, stored.allow_change, stored.results_visible) == (
            "Feedback",
            True,
            False,
        )
    refused = client.post(f"{base}/edit/settings", data={"title": "x" * 301}, headers=key_of(event))
    assert refused.status_code == 422
    assert 'value="' + "x" * 301 in refused.text
    sent = client.post(f"{base}/edit/duplicate", headers=key_of(event), follow_redirects=False)
    copy = int(sent.headers["location"].rsplit("/", 1)[1])
    assert copy != poll.id
    page = client.get(sent.headers["location"], headers=key_of(event))
    assert "Feedback (copy)" in page.text
    assert "This is the copy: a draft without answers." in page.text


def test_questions_are_added_pasted_moved_and_removed(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating", prompt="First"), state="draft")
    base = editor(event, poll)
    client.post(
        f"{base}/edit/questions",
        data={"kind": "multiple_choice", "prompt": "Second", "options": "A\nB"},
        headers=key_of(event),
    )
    page = client.post(
        f"{base}/edit/paste", data={"text": "Third?\n\nFourth [rating 4]"}, headers=key_of(event)
    )
    assert "2 questions added." in page.text
    refused = client.post(f"{base}/edit/paste", data={"text": "Bad [x]"}, headers=key_of(event))
    assert refused.status_code == 422
    assert "Line 1:" in refused.text
    questions = stored_questions(db, poll.id)
    assert [q.prompt for q in questions] == ["First", "Second", "Third?", "Fourth"]
    page = client.post(
        f"{base}/edit/questions/{questions[3].id}/move", data={"to": "up"}, headers=key_of(event)
    )
    assert "The question is now question 3 of 4." in page.text
    client.post(f"{base}/edit/questions/{questions[0].id}/remove", headers=key_of(event))
    assert [q.prompt for q in stored_questions(db, poll.id)] == ["Second", "Fourth", "Third?"]


def test_the_preview_draws_the_draft_with_the_phone_and_screen_partials(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"), state="draft")
    url = f"{editor(event, poll)}/edit/questions/{poll.questions[0].id}/preview"
    shown = client.post(
        url,
        data=form_of(poll, prompt="<script>alert(1)</script>", new_option="Europe & Africa"),
        headers=key_of(event),
    )
    assert shown.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "<script>" not in shown.text
    assert "Europe &amp; Africa" in shown.text
    assert 'class="ranking"' in shown.text  # the phone's own input for the kind
    assert "0 ballots" in shown.text  # the screen's result, empty
    refused = client.post(url, data=form_of(poll, top_k="9"), headers=key_of(event))
    assert refused.status_code == 422
    assert "between 1 and 4" in refused.text
    assert stored_questions(db, poll.id)[0].prompt == "A ranking question"


# -- a poll that has answers --------------------------------------------------------------------


def test_an_answered_poll_takes_a_typo_fix_and_a_new_option(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    answer(db, poll, 0, {"option": "o2"})
    url = f"{editor(event, poll)}/edit/questions/{poll.questions[0].id}"
    page = client.get(editor(event, poll), headers=key_of(event))
    assert "This poll is open: people may be answering right now." in page.text
    assert "1 answer has been given." in page.text
    sent = client.post(
        url,
        data=form_of(
            poll,
            prompt="Which area, first?",
            new_option="Africa",
            **{"option-o2": "Oceania (Pacific)"},
        ),
        headers=key_of(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    [stored] = stored_questions(db, poll.id)
    assert stored.prompt == "Which area, first?"
    assert stored.config["options"][1] == {"id": "o2", "label": "Oceania (Pacific)"}
    assert stored.config["options"][-1]["label"] == "Africa"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"action": "remove:o2"},
            "options",
            "“Oceania” is part of 1 answer, so it cannot be removed.",
        ),
        ({"kind": "multiple_choice"}, "kind", "The kind of a question cannot change"),
    ],
)
def test_an_answered_poll_refuses_a_change_that_breaks_answers_and_says_why(
    client: TestClient,
    db: Database,
    make_event: EventFactory,
    make_poll: PollFactory,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    answer(db, poll, 0, {"option": "o2"})
    close(db, poll)
    before = stored_questions(db, poll.id)[0]
    page = client.post(
        f"{editor(event, poll)}/edit/questions/{before.id}",
        data=form_of(poll, **changes),
        headers=key_of(event),
    )
    assert page.status_code == 409
    assert message in page.text
    assert f'id="q{before.id}-{field}-error"' in page.text or field == "options"
    after = stored_questions(db, poll.id)[0]
    assert (after.kind, after.config) == (before.kind, before.config)
    removed = client.post(
        f"{editor(event, poll)}/edit/questions/{before.id}/remove", headers=key_of(event)
    )
    assert removed.status_code == 409
    assert "1 answer was given to this question: removing it would delete it." in removed.text


def test_an_open_poll_offers_no_question_forms(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"))
    page = client.get(editor(event, poll), headers=key_of(event))
    assert page.text.count("Close the poll to add questions") == 2
    sent = client.post(
        f"{editor(event, poll)}/edit/questions",
        data={"kind": "rating", "prompt": "More?"},
        headers=key_of(event),
    )
    assert sent.status_code == 409
    assert "Close the poll before adding questions" in sent.text


def test_questions_of_a_poll_that_is_no_draft_keep_their_order(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("rating"), question("open_text"))
    page = client.post(
        f"{editor(event, poll)}/edit/questions/{poll.questions[1].id}/move",
        data={"to": "up"},
        headers=key_of(event),
    )
    assert page.status_code == 409
    assert "Questions can only be reordered while the poll is a draft." in page.text
    assert "Move question up" not in page.text
