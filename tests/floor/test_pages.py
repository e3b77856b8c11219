"""The floor on the pages without JavaScript: plain form posts, errors shown with what was typed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.floor import services
from agora.floor.models import FloorState
from tests.conftest import EventFactory
from tests.floor.conftest import RequestFactory, moderator, stored_request


def test_participant_asks_for_the_microphone_by_form(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    page = client.get(f"/e/{event.code}")
    assert "Ask for the microphone" in page.text
    sent = client.post(
        f"/e/{event.code}/floor",
        data={"name": "Anna", "organisation": "Hamburg", "place": "Hamburg", "topic": "Mobility"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/e/{event.code}#floor"
    page = client.get(f"/e/{event.code}")
    assert "You are number 1 in line." in page.text
    assert "Withdraw my request" in page.text
    with db.session() as session:
        assert [r.name for r in services.waiting(session, event.id)] == ["Anna"]


def test_form_error_is_shown_with_what_was_typed(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    page = client.post(
        f"/e/{event.code}/floor",
        data={"name": "", "organisation": "Genova <b>city</b>", "topic": "Citizen folder"},
    )
    assert page.status_code == 422
    assert 'role="alert"' in page.text
    assert "Give your name" in page.text
    assert 'aria-invalid="true"' in page.text
    assert "Genova &lt;b&gt;city&lt;/b&gt;" in page.text  # kept, and escaped
    assert 'value="Citizen folder"' in page.text
    assert "error" not in str(page.url)  # never a message in a query string


def test_second_request_by_form_is_refused_with_its_message(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    client.post(f"/e/{event.code}/floor", data={"name": "Anna"})
    page = client.post(f"/e/{event.code}/floor", data={"name": "Anna"})
    assert page.status_code == 409
    assert "You already asked for the microphone" in page.text


def test_without_a_participant_cookie_the_form_is_refused(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    page = client.post(f"/e/{event.code}/floor", data={"name": "Anna"})
    assert page.status_code == 401


def test_participant_withdraws_by_form(
    client: TestClient, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    client.get(f"/e/{event.code}")
    client.post(f"/e/{event.code}/floor", data={"name": "Anna"})
    with db.session() as session:
        request_id = services.waiting(session, event.id)[0].id
    other = make_request(event, "Eve")
    refused = client.post(f"/e/{event.code}/floor/{other.id}/withdraw")
    assert refused.status_code == 403
    done = client.post(f"/e/{event.code}/floor/{request_id}/withdraw", follow_redirects=False)
    assert done.status_code == 303
    assert stored_request(db, request_id).state is FloorState.withdrawn
    assert "Ask for the microphone" in client.get(f"/e/{event.code}").text


def test_moderator_page_runs_the_queue_by_form(
    client: TestClient, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    first, second = make_request(event, "Hamburg"), make_request(event, "Genova")
    mod = moderator(event)
    page = client.get(f"/e/{event.code}/moderate", headers=mod)
    assert "Floor queue" in page.text
    assert "Hamburg" in page.text

    def post(path: str) -> None:
        sent = client.post(
            f"/e/{event.code}/moderate/floor/{path}", headers=mod, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"] == f"/e/{event.code}/moderate#floor"

    post(f"{second.id}/up")
    with db.session() as session:
        assert [r.name for r in services.waiting(session, event.id)] == ["Genova", "Hamburg"]
    post(f"{second.id}/down")
    post("next")
    assert stored_request(db, first.id).state is FloorState.speaking
    page = client.get(f"/e/{event.code}/moderate", headers=mod)
    assert "End the turn" in page.text
    assert 'role="timer"' in page.text
    post(f"{second.id}/give")
    assert stored_request(db, first.id).state is FloorState.done
    post(f"{second.id}/end")
    post(f"{second.id}/requeue")
    post(f"{second.id}/withdraw")
    assert stored_request(db, second.id).state is FloorState.withdrawn


def test_moderator_adds_a_speaker_by_form(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    sent = client.post(
        f"/e/{event.code}/moderate/floor",
        data={"name": "Guest", "place": "Piura"},
        headers=moderator(event),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with db.session() as session:
        waiting = services.waiting(session, event.id)
        assert [(r.name, r.place, r.participant_id) for r in waiting] == [("Guest", "Piura", None)]


def test_moderator_form_errors_show_the_queue_again(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event, "Hamburg")
    page = client.post(f"/e/{event.code}/moderate/floor/{request.id}/end", headers=moderator(event))
    assert page.status_code == 409
    assert 'role="alert"' in page.text
    assert "Floor queue" in page.text
    assert "Back to the moderator page" in page.text
    unknown = client.post(
        f"/e/{event.code}/moderate/floor/{request.id}/shout", headers=moderator(event)
    )
    assert unknown.status_code == 422
    quiet = make_event()
    empty = client.post(f"/e/{quiet.code}/moderate/floor/next", headers=moderator(quiet))
    assert empty.status_code == 409
    assert "Nobody is waiting" in empty.text


def test_participants_cannot_post_moderator_forms(
    client: TestClient, db: Database, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event)
    client.get(f"/e/{event.code}")
    for path in [f"{request.id}/give", "next"]:
        page = client.post(f"/e/{event.code}/moderate/floor/{path}")
        assert page.status_code == 403
    assert stored_request(db, request.id).state is FloorState.waiting


def test_a_refused_moderator_form_does_not_show_the_moderators_queue(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    for name in ["Hamburg", "Genova", "Murcia", "Extremadura", "Piura"]:
        make_request(event, name)
    client.get(f"/e/{event.code}")  # a participant, not a moderator
    for path in ["next", "999999/shout"]:
        page = client.post(f"/e/{event.code}/moderate/floor/{path}", data={"name": "Eve"})
        assert page.status_code == 403
        assert "Only the event&#39;s moderators may do this." in page.text
        assert "Piura" not in page.text  # the fifth in line: only moderators see the queue
        assert "Floor queue" not in page.text


def test_request_of_another_event_is_not_found_by_form(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event, other = make_event(), make_event()
    request = make_request(other)
    page = client.post(
        f"/e/{event.code}/moderate/floor/{request.id}/give", headers=moderator(event)
    )
    assert page.status_code == 404


def test_screen_shows_the_speaker_the_timer_and_the_next_in_line(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    make_request(
        event, "Ivana <Kovač>", organisation="Krapina-Zagorje County", place="HR-02",
        state="speaking",
    )  # fmt: skip
    for name in ["Hamburg", "Genova", "Murcia", "Extremadura"]:
        make_request(event, name)
    page = client.get(f"/e/{event.code}/screen?key={event.screen_key}")
    assert page.status_code == 200
    assert "Ivana &lt;Kovač&gt;" in page.text
    assert "Krapina-Zagorje County" in page.text
    assert "HR-02" in page.text
    assert 'role="timer"' in page.text
    assert 'data-speaking="' in page.text
    assert "Hamburg" in page.text
    assert "Murcia" in page.text
    assert "Extremadura" not in page.text  # the next three only
    assert "(4)" in page.text
