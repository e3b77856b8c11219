"""The floor JSON API: asking, withdrawing, the moderator's actions, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.floor.models import FloorState
from tests.conftest import EventFactory, join
from tests.floor.conftest import RequestFactory, moderator, stored_request


def ask(client: TestClient, code: str, headers: dict[str, str], **body: Any) -> httpx2.Response:
    return client.post(f"/api/v1/events/{code}/floor", json=body, headers=headers)


def error_of(response: httpx2.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["message"]
    return body


def test_participant_asks_for_the_floor_and_sees_the_queue(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    anna = join(client, event.code, name="Anna Schmidt", organisation="City of Hamburg")
    sent = ask(client, event.code, anna, place="Hamburg", topic="Partners like us")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["name"] == "Anna Schmidt"
    assert body["organisation"] == "City of Hamburg"
    assert body["state"] == "waiting"
    assert body["mine"] is True
    assert "participant_id" not in body

    queue = client.get(f"/api/v1/events/{event.code.lower()}/floor", headers=anna).json()
    assert queue["speaking"] is None
    assert [r["name"] for r in queue["waiting"]] == ["Anna Schmidt"]
    assert queue["waiting"][0]["mine"] is True
    assert queue["turns"] == []  # only moderators see the earlier turns
    assert "participant" not in json.dumps(queue).replace('"mine"', "")


def test_asking_twice_is_a_conflict(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    anna = join(client, event.code, name="Anna")
    assert ask(client, event.code, anna).status_code == 201
    body = error_of(ask(client, event.code, anna, topic="again"), 409)
    assert body["error"] == "Conflict"


def test_topic_too_long_names_the_field(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    anna = join(client, event.code, name="Anna")
    body = error_of(ask(client, event.code, anna, topic="x" * 201), 422)
    assert body["field"] == "topic"


def test_anonymous_participant_must_give_a_name(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    someone = join(client, event.code)
    assert error_of(ask(client, event.code, someone), 422)["field"] == "name"
    assert ask(client, event.code, someone, name="Luca").status_code == 201


def test_nobody_identified_cannot_ask(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    assert error_of(ask(client, event.code, {}, name="X"), 401)["error"] == "NotAuthenticated"


def test_moderator_adds_a_speaker_without_a_phone(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    sent = ask(client, event.code, moderator(event), name="Guest", place="Murcia")
    assert sent.status_code == 201
    assert sent.json()["mine"] is False


def test_moderator_gives_moves_ends_and_requeues(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    first, second, third = (make_request(event, n) for n in ["Hamburg", "Genova", "Murcia"])
    mod = moderator(event)

    moved = client.post(f"/api/v1/floor/{third.id}/move", json={"position": 0}, headers=mod)
    assert moved.status_code == 200, moved.text
    queue = client.get(f"/api/v1/events/{event.code}/floor").json()
    assert [r["name"] for r in queue["waiting"]] == ["Murcia", "Hamburg", "Genova"]

    given = client.post(f"/api/v1/events/{event.code}/floor/next", headers=mod)
    assert given.json()["name"] == "Murcia"
    assert given.json()["started_at"] is not None
    assert client.post(f"/api/v1/floor/{second.id}/give", headers=mod).json()["state"] == (
        "speaking"
    )
    queue = client.get(f"/api/v1/events/{event.code}/floor", headers=mod).json()
    assert queue["speaking"]["name"] == "Genova"
    assert [r["name"] for r in queue["turns"]] == ["Murcia"]

    ended = client.post(f"/api/v1/floor/{second.id}/end", headers=mod)
    assert ended.json()["state"] == "done"
    assert ended.json()["ended_at"] is not None
    requeued = client.post(f"/api/v1/floor/{third.id}/requeue", headers=mod)
    assert requeued.json()["state"] == "waiting"
    queue = client.get(f"/api/v1/events/{event.code}/floor").json()
    assert [r["name"] for r in queue["waiting"]] == ["Hamburg", "Murcia"]
    assert first.id == queue["waiting"][0]["id"]


def test_move_needs_a_position(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event)
    response = client.post(f"/api/v1/floor/{request.id}/move", headers=moderator(event))
    assert error_of(response, 422)["field"] == "position"


def test_refused_transition_is_a_conflict(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event)
    response = client.post(f"/api/v1/floor/{request.id}/end", headers=moderator(event))
    assert "waiting" in error_of(response, 409)["message"]


def test_call_next_with_an_empty_queue_is_a_conflict(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    response = client.post(f"/api/v1/events/{event.code}/floor/next", headers=moderator(event))
    error_of(response, 409)


def test_unknown_action_is_refused(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event)
    response = client.post(f"/api/v1/floor/{request.id}/shout", headers=moderator(event))
    assert response.status_code == 422


@pytest.mark.parametrize("action", ["give", "end", "requeue"])
def test_participants_cannot_run_the_floor(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory, action: str
) -> None:
    event = make_event()
    request = make_request(event)
    participant = join(client, event.code, name="Eve")
    response = client.post(f"/api/v1/floor/{request.id}/{action}", headers=participant)
    error_of(response, 403)
    next_response = client.post(f"/api/v1/events/{event.code}/floor/next", headers=participant)
    error_of(next_response, 403)


def test_moderator_key_of_another_event_is_refused(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event, other = make_event(), make_event()
    request = make_request(event)
    response = client.post(f"/api/v1/floor/{request.id}/give", headers=moderator(other))
    error_of(response, 403)


def test_participant_withdraws_only_their_own_request(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    anna = join(client, event.code, name="Anna")
    eve = join(client, event.code, name="Eve")
    request_id = ask(client, event.code, anna).json()["id"]
    error_of(client.delete(f"/api/v1/floor/{request_id}", headers=eve), 403)
    error_of(client.delete(f"/api/v1/floor/{request_id}"), 401)
    withdrawn = client.delete(f"/api/v1/floor/{request_id}", headers=anna)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == "withdrawn"
    assert stored_request(db, request_id).state is FloorState.withdrawn
    error_of(client.delete(f"/api/v1/floor/{request_id}", headers=anna), 409)


def test_moderator_takes_a_request_out_of_the_queue(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    request = make_request(event)
    response = client.delete(f"/api/v1/floor/{request.id}", headers=moderator(event))
    assert response.json()["state"] == "withdrawn"


def test_unknown_request_and_event_are_not_found(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    error_of(client.post("/api/v1/floor/999/give", headers=moderator(event)), 404)
    error_of(client.delete("/api/v1/floor/999", headers=moderator(event)), 404)
    error_of(client.get("/api/v1/events/NOPE99/floor"), 404)


def test_every_change_redraws_the_floor_section(
    client: TestClient, make_event: EventFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event()
    state = client.app.state.agora  # type: ignore[attr-defined]
    changed: list[tuple[int, str]] = []
    monkeypatch.setattr(state, "changed", lambda e, s, _keys=(): changed.append((e, s)))
    anna = join(client, event.code, name="Anna")
    request_id = ask(client, event.code, anna).json()["id"]
    client.post(f"/api/v1/floor/{request_id}/give", headers=moderator(event))
    client.post(f"/api/v1/floor/{request_id}/end", headers=moderator(event))
    assert changed == [(event.id, "floor")] * 3
