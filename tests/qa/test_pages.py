"""The Q&A on the pages without JavaScript: plain forms, redirects and messages shown once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.qa.models import QuestionState
from tests.conftest import EventFactory
from tests.qa.conftest import QuestionFactory, configure, stored_question, vote_rows

THANKS = '<p class="notice" role="status">Thank you, your question is in.</p>'


def visit(client: TestClient, event: Event) -> str:
    page = client.get(f"/e/{event.code}")
    assert page.status_code == 200
    return page.text


def as_moderator(client: TestClient, event: Event) -> None:
    client.get(f"/e/{event.code}/moderate", params={"key": event.moderator_key})


def test_participant_asks_by_form_and_sees_the_question_escaped(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    visit(client, event)
    sent = client.post(
        f"/e/{event.code}/qa/ask",
        data={"text": "Is <script>alert(1)</script> funded?", "author_name": ""},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/e/{event.code}#qa"
    page = visit(client, event)
    assert THANKS in page
    assert "Is &lt;script&gt;alert(1)&lt;/script&gt; funded?" in page
    assert "<script>alert(1)" not in page
    assert THANKS not in visit(client, event)  # shown once


def test_form_error_is_shown_once_and_never_in_the_address(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    visit(client, event)
    sent = client.post(f"/e/{event.code}/qa/ask", data={"text": "?"}, follow_redirects=False)
    assert sent.status_code == 303
    assert "?" not in sent.headers["location"]
    page = visit(client, event)
    assert "A question needs at least 3 characters." in page
    assert "A question needs at least 3 characters." not in visit(client, event)


def test_moderated_event_tells_the_asker_and_lists_the_question_as_theirs(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    visit(client, event)
    page = client.post(f"/e/{event.code}/qa/ask", data={"text": "Waiting question?"}).text
    assert "Your question will appear once a moderator approves it.</p>" in page
    assert "Your questions waiting for approval" in page
    assert "Waiting question?" in page
    other = TestClient(client.app)
    assert "Waiting question?" not in visit(other, event)


def test_names_are_asked_when_the_event_does_not_allow_anonymous_questions(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = configure(db, make_event(), qa_anonymous=False)
    page = visit(client, event)
    assert 'name="author_name"' in page
    assert "Your name (optional)" not in page
    refused = client.post(f"/e/{event.code}/qa/ask", data={"text": "Who?", "author_name": " "})
    assert "does not allow anonymous questions" in refused.text  # the redirect was followed
    client.post(f"/e/{event.code}/qa/ask", data={"text": "Named?", "author_name": "Ana Horvat"})
    page = visit(client, event)
    assert "Named?" in page
    assert "Ana Horvat" in page


def test_upvote_button_toggles_by_form_and_keeps_the_order(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    assert 'aria-pressed="false"' in visit(client, event)
    sent = client.post(
        f"/e/{event.code}/qa/{question.id}/upvote", data={"order": "time"}, follow_redirects=False
    )
    assert sent.headers["location"] == f"/e/{event.code}?qa_order=time#aq-{question.id}"
    page = client.get(f"/e/{event.code}?qa_order=time").text
    assert 'aria-pressed="true"' in page
    assert f'action="/e/{event.code}/qa/{question.id}/withdraw"' in page
    assert stored_question(db, question.id).votes == 1
    client.post(f"/e/{event.code}/qa/{question.id}/withdraw", data={"order": "votes"})
    assert vote_rows(db, question.id) == 0


def test_order_links_show_newest_first(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    make_question(event, "First asked?", votes=3)
    make_question(event, "Then this?")
    by_votes = visit(client, event)
    assert by_votes.index("First asked?") < by_votes.index("Then this?")
    by_time = client.get(f"/e/{event.code}", params={"qa_order": "time"}).text
    assert by_time.index("Then this?") < by_time.index("First asked?")


def test_moderator_buttons_change_the_state_and_return_to_the_page(
    client: TestClient, db: Database, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = configure(db, make_event(), qa_moderated=True)
    question = make_question(event, "Approve me?")
    as_moderator(client, event)
    page = client.get(f"/e/{event.code}/moderate").text
    assert "Approve me?" in page
    assert f'action="/e/{event.code}/moderate/qa/{question.id}/approve"' in page
    for action, state in [
        ("approve", QuestionState.approved),
        ("highlight", QuestionState.approved),
        ("answer", QuestionState.answered),
        ("archive", QuestionState.archived),
        ("restore", QuestionState.approved),
    ]:
        done = client.post(
            f"/e/{event.code}/moderate/qa/{question.id}/{action}", follow_redirects=False
        )
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"/e/{event.code}/moderate#aq-{question.id}"
        assert stored_question(db, question.id).state is state


def test_moderator_form_refuses_others_with_a_message(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event)
    visit(client, event)  # a participant, not a moderator
    refused = client.post(f"/e/{event.code}/moderate/qa/{question.id}/archive")
    assert refused.status_code == 403
    assert "Only the event&#39;s moderators may do this." in refused.text


def test_moderator_form_of_another_event_s_question_is_not_found(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event, other = make_event(), make_event()
    question = make_question(other)
    as_moderator(client, event)
    response = client.post(f"/e/{event.code}/moderate/qa/{question.id}/archive")
    assert response.status_code == 404


def test_refused_moderator_action_explains_why(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    question = make_question(event, state="pending")
    as_moderator(client, event)
    response = client.post(f"/e/{event.code}/moderate/qa/{question.id}/answer")
    assert response.status_code == 409
    assert "cannot be changed by" in response.text


def test_screen_shows_the_highlighted_question_and_the_top_ones(
    client: TestClient, make_event: EventFactory, make_question: QuestionFactory
) -> None:
    event = make_event()
    make_question(event, "In focus?", highlighted=True)
    for n in range(7):
        make_question(event, f"Question number {n}?", votes=n)
    make_question(event, "Waiting one?", state="pending", votes=99)
    page = client.get(f"/e/{event.code}/screen", params={"key": event.screen_key}).text
    assert "Now answering" in page
    assert "In focus?" in page
    assert "Question number 6?" in page
    assert "Question number 2?" in page
    assert "Question number 1?" not in page  # only the top five besides the highlighted one
    assert "Waiting one?" not in page


def test_moderator_saves_the_rules_with_the_form(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    as_moderator(client, event)
    saved = client.post(
        f"/e/{event.code}/moderate/qa/settings",
        data={"moderated": "1"},  # unchecked boxes are not sent
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/e/{event.code}/moderate#qa"
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        assert (stored.qa_moderated, stored.qa_anonymous, stored.qa_profanity_filter) == (
            True,
            False,
            False,
        )
    other = TestClient(client.app)
    assert other.post(f"/e/{event.code}/moderate/qa/settings", data={}).status_code == 403
