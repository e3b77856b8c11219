"""The participant page without JavaScript: join, answer by plain form, see errors and results."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from agora.core.db import Database
from agora.events.models import Participant
from agora.polls.models import Response
from agora.web.notices import NOTICE_COOKIE
from tests.conftest import EventFactory, PollFactory, question


def stored_answers(db: Database, question_id: int) -> list[dict[str, object]]:
    with db.session() as session:
        return list(
            session.scalars(select(Response.answer).where(Response.question_id == question_id))
        )


def test_first_visit_joins_and_shows_the_open_question(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event(title="Partners <b>day</b>")
    make_poll(event, question("single_choice", prompt="Which area?"), title="Areas")
    page = client.get(f"/e/{event.code.lower()}")
    assert page.status_code == 200
    assert "agora_p" in client.cookies
    assert "Which area?" in page.text
    assert "Partners &lt;b&gt;day&lt;/b&gt;" in page.text  # what people typed is escaped
    assert "Question 1 of 1" in page.text


def participants(db: Database) -> int:
    with db.session() as session:
        return len(session.scalars(select(Participant.id)).all())


def test_page_loads_that_keep_no_cookie_create_no_participant(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    for _ in range(5):  # a link preview or a script: each request starts without cookies
        client.cookies.clear()
        first = client.get(f"/e/{event.code}", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == f"/e/{event.code}?j=1"
        assert "agora_j" in first.cookies
        assert "agora_p" not in first.cookies
    assert participants(db) == 0
    client.cookies.clear()  # comes back without the ticket: the join form
    back = client.get(f"/e/{event.code}?j=1")
    assert back.status_code == 200
    assert f'action="/e/{event.code}/join"' in back.text
    assert participants(db) == 0


def test_a_browser_that_keeps_the_ticket_joins_once_and_keeps_the_question(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    first = client.get(f"/e/{event.code}?q=7", follow_redirects=False)
    assert first.headers["location"] == f"/e/{event.code}?q=7&j=1"
    back = client.get(first.headers["location"], follow_redirects=False)
    assert back.status_code == 200  # the page at once (participant.js shows /e/CODE?q=7)
    assert "agora_p" in back.cookies
    assert participants(db) == 1
    client.get(f"/e/{event.code}")  # the participant cookie now: nobody new
    assert participants(db) == 1


def test_a_ticket_for_another_event_or_forged_does_not_join(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    one, other = make_event(), make_event()
    client.get(f"/e/{one.code}", follow_redirects=False)  # a ticket for the first event
    ticket = client.cookies["agora_j"]
    client.cookies.clear()
    client.cookies.set("agora_j", ticket)
    page = client.get(f"/e/{other.code}?j=1", follow_redirects=False)
    assert f'action="/e/{other.code}/join"' in page.text
    client.cookies.set("agora_j", ticket + "x")
    forged = client.get(f"/e/{one.code}?j=1", follow_redirects=False)
    assert f'action="/e/{one.code}/join"' in forged.text
    assert participants(db) == 0


def test_ranking_by_position_numbers_is_recorded(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking"))
    qid = poll.questions[0].id
    client.get(f"/e/{event.code}")
    sent = client.post(
        f"/e/{event.code}/questions/{qid}/answer",
        data={"rank-o1": "3", "rank-o2": "1", "rank-o3": "4", "rank-o4": "2"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert stored_answers(db, qid) == [{"ranking": ["o2", "o4", "o1", "o3"]}]
    after = client.get(f"/e/{event.code}")
    assert "Thank you, your answers are in." in after.text


def test_partial_ranking_page_starts_empty_and_takes_blank_positions(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("ranking", top_k=3, partial=True))
    qid = poll.questions[0].id
    page = client.get(f"/e/{event.code}")
    assert 'data-k="3" data-count="0"' in page.text
    assert "data-partial" in page.text
    assert "Rank up to 3, at least one" in page.text
    assert 'aria-label="Rank Asia"' in page.text
    sent = client.post(
        f"/e/{event.code}/questions/{qid}/answer",
        data={"rank-o1": "", "rank-o2": "2", "rank-o3": "", "rank-o4": "1"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert stored_answers(db, qid) == [{"ranking": ["o4", "o2"]}]


def test_bad_form_answer_shows_its_message_and_stores_nothing(
    client: TestClient, db: Database, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("points"))
    qid = poll.questions[0].id
    client.get(f"/e/{event.code}")
    page = client.post(
        f"/e/{event.code}/questions/{qid}/answer",
        data={"points-o1": "60", "points-o2": "30"},
    )
    assert "The points add up to 90; they must add up to exactly 100." in page.text
    assert 'role="alert"' in page.text
    assert stored_answers(db, qid) == []
    again = client.get(f"/e/{event.code}")
    assert "add up to 90" not in again.text  # the message is shown once


def test_forged_notice_cookie_shows_nothing(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    make_poll(event, question("single_choice"))
    client.get(f"/e/{event.code}")
    client.cookies.set(NOTICE_COOKIE, "forged.value")
    page = client.get(f"/e/{event.code}")
    assert page.status_code == 200
    assert "forged" not in page.text


def test_revealed_results_show_on_the_phone_after_answering(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, question("word_cloud", max_entries=2), results_visible=True)
    qid = poll.questions[0].id
    client.get(f"/e/{event.code}")
    client.post(f"/e/{event.code}/questions/{qid}/answer", data={"words": ["Trust", "<script>"]})
    page = client.get(f"/e/{event.code}")
    assert "trust" in page.text
    assert "<script>" not in page.text.split("</head>", 1)[1].replace(
        '<script type="application/json"', ""
    ).replace('<script type="module"', "")
    assert "&lt;script&gt;" in page.text


def test_event_that_asks_for_a_name_shows_the_form_first(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event(ask_identity=True)
    page = client.get(f"/e/{event.code}")
    assert 'name="name"' in page.text
    assert "agora_p" not in page.cookies
    refused = client.post(f"/e/{event.code}/join", data={"name": "  "})
    assert refused.status_code == 422
    assert "Please give your name" in refused.text
    joined = client.post(
        f"/e/{event.code}/join",
        data={"name": "Ana", "organisation": "Murcia"},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    assert "agora_p" in joined.cookies
