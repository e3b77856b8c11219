"""The takeaways JSON API: writing, editing until the event closes, turns, moderation, rights."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from agora.core.db import Database
from agora.events.models import Event
from agora.takeaways.models import TakeawayState
from tests.conftest import EventFactory, join
from tests.floor.conftest import RequestFactory, moderator
from tests.takeaways.conftest import TakeawayFactory, hamburg, stored_takeaway


def write(
    client: TestClient, event: Event, headers: dict[str, str], **changes: Any
) -> httpx2.Response:
    return client.post(
        f"/api/v1/events/{event.code}/takeaways", json=hamburg(**changes), headers=headers
    )


def error_of(response: httpx2.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["message"]
    return body


def test_participant_writes_a_takeaway_that_waits_for_moderation(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    author = join(client, event.code, name="Anna")
    sent = write(client, event, author)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["state"] == "pending"
    assert body["mine"] is True
    assert body["editable"] is True
    assert body["partners"][0]["world_area"] == "oceania"
    assert "participant_id" not in body

    assert client.get(f"/api/v1/events/{event.code}/takeaways").json() == []  # not approved yet
    own = client.get(f"/api/v1/events/{event.code}/takeaways", headers=author).json()
    assert [t["id"] for t in own] == [body["id"]]
    everything = client.get(f"/api/v1/events/{event.code}/takeaways", headers=moderator(event))
    assert everything.json()[0]["mine"] is False
    error_of(client.get(f"/api/v1/takeaways/{body['id']}"), 404)
    assert client.get(f"/api/v1/takeaways/{body['id']}", headers=author).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partners": [{"place": "Piura"}, {"place": "Lima", "world_area": "Andes"}]},
         "partners[1].world_area"),
        ({"outcomes": [{"kind": "treaty"}]}, "outcomes[0].kind"),
        ({"outcomes": [{"kind": "guideline", "date": "yesterday"}]}, "outcomes[0].date"),
        ({"country": "Germany"}, "country"),
        ({"topics": ["t" * 81]}, "topics[0]"),
        ({"lesson": ""}, "lesson"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_with_the_field_path(
    client: TestClient, make_event: EventFactory, changes: dict[str, Any], field: str
) -> None:
    event = make_event()
    author = join(client, event.code)
    body = error_of(write(client, event, author, **changes), 422)
    assert body["error"] == "InvalidInput"
    assert body["field"] == field


def test_wrong_shapes_are_refused(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    author = join(client, event.code)
    assert write(client, event, author, partners="Piura").status_code == 422
    assert write(client, event, author, secret="x").status_code == 422


def test_nobody_identified_cannot_write(client: TestClient, make_event: EventFactory) -> None:
    event = make_event()
    error_of(write(client, event, {}), 401)


def test_author_edits_until_the_moderator_closes_the_event(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    author = join(client, event.code)
    other = join(client, event.code)
    takeaway_id = write(client, event, author).json()["id"]
    mod = moderator(event)
    client.post(f"/api/v1/takeaways/{takeaway_id}/approve", headers=mod)

    patched = client.patch(
        f"/api/v1/takeaways/{takeaway_id}", json={"topics": ["e-government"]}, headers=author
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["topics"] == ["e-government"]
    assert patched.json()["state"] == "pending"  # back to the moderator after a change
    assert patched.json()["lesson"].startswith("Align with partners")
    error_of(client.patch(f"/api/v1/takeaways/{takeaway_id}", json={}, headers=other), 404)
    client.post(f"/api/v1/takeaways/{takeaway_id}/approve", headers=mod)
    error_of(client.patch(f"/api/v1/takeaways/{takeaway_id}", json={}, headers=other), 403)

    closed = client.post(f"/api/v1/events/{event.code}/close", headers=mod)
    assert closed.status_code == 200
    assert closed.json()["closed"] is True
    error_of(client.post(f"/api/v1/events/{event.code}/close", headers=mod), 409)
    late = client.patch(f"/api/v1/takeaways/{takeaway_id}", json={"lesson": "x"}, headers=author)
    assert "closed" in error_of(late, 409)["message"]
    assert client.get(f"/api/v1/takeaways/{takeaway_id}", headers=author).json()["editable"] is (
        False
    )
    error_of(write(client, event, author), 409)
    by_moderator = client.patch(
        f"/api/v1/takeaways/{takeaway_id}", json={"lesson": "Edited by the moderator."}, headers=mod
    )
    assert by_moderator.json()["state"] == "approved"
    assert stored_takeaway(db, takeaway_id).lesson == "Edited by the moderator."

    reopened = client.post(f"/api/v1/events/{event.code}/reopen", headers=mod)
    assert reopened.json() == {"code": event.code, "closed": False, "closed_at": None}
    again = client.patch(f"/api/v1/takeaways/{takeaway_id}", json={"lesson": "y"}, headers=author)
    assert again.status_code == 200


def test_patch_with_a_bad_value_names_the_field(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    author = join(client, event.code)
    takeaway_id = write(client, event, author).json()["id"]
    response = client.patch(
        f"/api/v1/takeaways/{takeaway_id}",
        json={"outcomes": [{"kind": "other", "description": ""}]},
        headers=author,
    )
    assert error_of(response, 422)["field"] == "outcomes[0].description"


def test_moderation_by_api(
    client: TestClient, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = make_takeaway(event)
    mod = moderator(event)
    approved = client.post(f"/api/v1/takeaways/{takeaway.id}/approve", headers=mod)
    assert approved.json()["state"] == "approved"
    listed = client.get(f"/api/v1/events/{event.code}/takeaways").json()
    assert [t["id"] for t in listed] == [takeaway.id]
    error_of(client.post(f"/api/v1/takeaways/{takeaway.id}/approve", headers=mod), 409)
    assert client.post(f"/api/v1/takeaways/{takeaway.id}/reject", headers=mod).json()["state"] == (
        "rejected"
    )
    assert client.get(f"/api/v1/events/{event.code}/takeaways").json() == []
    restored = client.post(f"/api/v1/takeaways/{takeaway.id}/restore", headers=mod)
    assert restored.json()["state"] == "pending"
    assert client.post(f"/api/v1/takeaways/{takeaway.id}/publish", headers=mod).status_code == 422


def test_participants_cannot_moderate_or_close(
    client: TestClient, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    takeaway = make_takeaway(event)
    participant = join(client, event.code)
    error_of(client.post(f"/api/v1/takeaways/{takeaway.id}/approve", headers=participant), 403)
    error_of(client.post(f"/api/v1/events/{event.code}/close", headers=participant), 403)
    error_of(client.post(f"/api/v1/events/{event.code}/reopen", headers=participant), 403)


def test_turn_takeaway_by_api(
    client: TestClient, make_event: EventFactory, make_request: RequestFactory
) -> None:
    event = make_event()
    turn = make_request(event, "Ivana", organisation="Krapina-Zagorje County", state="speaking")
    body = {"lesson": "A Digital Innovation Hub for health.", "topics": ["health"]}
    first = client.put(f"/api/v1/floor/{turn.id}/takeaway", json=body, headers=moderator(event))
    assert first.status_code == 201, first.text
    assert first.json()["speaker_name"] == "Ivana"
    assert first.json()["floor_request_id"] == turn.id
    assert first.json()["state"] == "approved"
    again = client.put(
        f"/api/v1/floor/{turn.id}/takeaway",
        json={**body, "country": "HR"},
        headers=moderator(event),
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["country"] == "HR"
    stranger = join(client, event.code)
    error_of(client.put(f"/api/v1/floor/{turn.id}/takeaway", json=body, headers=stranger), 403)
    error_of(client.put(f"/api/v1/floor/{turn.id}/takeaway", json=body), 401)
    with_who = {**body, "speaker_name": "x"}
    assert (
        client.put(
            f"/api/v1/floor/{turn.id}/takeaway", json=with_who, headers=moderator(event)
        ).status_code
        == 422
    )  # a turn's who comes from the floor request


def test_speaker_records_their_turn_by_api(
    client: TestClient, db: Database, make_event: EventFactory
) -> None:
    event = make_event()
    speaker = join(client, event.code, name="Marta")
    turn = client.post(f"/api/v1/events/{event.code}/floor", json={}, headers=speaker).json()
    waiting = client.put(
        f"/api/v1/floor/{turn['id']}/takeaway", json={"lesson": "x"}, headers=speaker
    )
    error_of(waiting, 409)  # not before the turn
    client.post(f"/api/v1/floor/{turn['id']}/give", headers=moderator(event))
    recorded = client.put(
        f"/api/v1/floor/{turn['id']}/takeaway", json={"lesson": "Adapt policies."}, headers=speaker
    )
    assert recorded.status_code == 201
    assert recorded.json()["mine"] is True
    assert stored_takeaway(db, recorded.json()["id"]).state is TakeawayState.pending


def test_public_list_has_no_participant_ids(
    client: TestClient, make_event: EventFactory, make_takeaway: TakeawayFactory
) -> None:
    event = make_event()
    make_takeaway(event, state="approved")
    listed = client.get(f"/api/v1/events/{event.code}/takeaways").json()
    assert "participant" not in json.dumps(listed)


def test_every_change_redraws_the_takeaways_section(
    client: TestClient,
    make_event: EventFactory,
    make_request: RequestFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = make_event()
    state = client.app.state.agora  # type: ignore[attr-defined]
    changed: list[str] = []
    monkeypatch.setattr(state, "changed", lambda _e, section, _keys=(): changed.append(section))
    author = join(client, event.code)
    takeaway_id = write(client, event, author).json()["id"]
    client.patch(f"/api/v1/takeaways/{takeaway_id}", json={"lesson": "l"}, headers=author)
    client.post(f"/api/v1/takeaways/{takeaway_id}/approve", headers=moderator(event))
    turn = make_request(event, state="done")
    client.put(f"/api/v1/floor/{turn.id}/takeaway", json={"lesson": "l"}, headers=moderator(event))
    assert changed == ["takeaways", "takeaways", "takeaways", "takeaways", "floor"]
