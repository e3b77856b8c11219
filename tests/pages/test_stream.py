"""The Server-Sent-Events endpoint through the app: who gets results, and reconnecting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
from fastapi.testclient import TestClient

from agora.events.models import Event
from tests.conftest import EventFactory, PollFactory, join

#: Keep-alive comments (one a second in the test settings) to wait before giving up.
PATIENCE = 5


@dataclass
class Sse:
    """One message read off a stream."""

    id: int | None
    event: str
    data: Any


class EventStream:
    """Reads an endless text/event-stream response message by message, never waiting forever."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response
        self._lines = response.iter_lines()
        self.seen: list[Sse] = []

    def next(self) -> Sse:
        """Return the next message; fail after PATIENCE keep-alives without one."""
        fields: dict[str, str] = {}
        idle = 0
        while idle < PATIENCE:
            line = next(self._lines)
            if line.startswith(":"):
                idle += 1
            elif line:
                name, _sep, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            elif "event" in fields:
                seq = fields.get("id")
                message = Sse(
                    int(seq) if seq else None, fields["event"], json.loads(fields["data"])
                )
                self.seen.append(message)
                return message
            else:
                fields = {}
        raise AssertionError(f"no message after {PATIENCE} keep-alives; seen {self.seen}")

    def until(self, event: str) -> Sse:
        """Return the next message named ``event``, keeping the ones before it in ``seen``."""
        for _ in range(50):
            message = self.next()
            if message.event == event:
                return message
        raise AssertionError(f"no {event!r} message; seen {self.seen}")


@contextmanager
def open_stream(
    client: TestClient, event: Event, *, key: str | None = None, last_event_id: str | None = None
) -> Iterator[EventStream]:
    params = {"key": key} if key else {}
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    with client.stream(
        "GET", f"/api/v1/events/{event.code}/stream", params=params, headers=headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        yield EventStream(response)


def vote(client: TestClient, question_id: int, event: Event, option: str = "o1") -> None:
    response = client.post(
        f"/api/v1/questions/{question_id}/responses",
        json={"answer": {"option": option}},
        headers=join(client, event.code),
    )
    assert response.status_code == 201, response.text


def test_participants_get_results_only_once_they_are_visible_and_the_screen_always(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)
    qid = poll.questions[0].id

    with (
        open_stream(client, event) as phone,
        open_stream(client, event, key=event.screen_key) as screen,
    ):
        phone_start, screen_start = phone.next(), screen.next()
        assert phone_start.event == screen_start.event == "snapshot"
        assert phone_start.data["sections"]["poll_results"] == {}
        assert screen_start.data["sections"]["poll_results"][str(qid)]["voters"] == 0

        vote(client, qid, event)
        hidden = screen.until("results")
        assert (hidden.data["question_id"], hidden.data["result"]["voters"]) == (qid, 1)

        revealed = client.post(
            f"/api/v1/polls/{poll.id}/reveal", headers={"X-Moderator-Key": event.moderator_key}
        )
        assert revealed.status_code == 200
        shown = phone.until("results")

    assert shown.data["question_id"] == qid
    assert shown.data["result"]["voters"] == 1
    assert shown.id is not None
    assert hidden.id is not None
    assert shown.id > hidden.id
    assert hidden.id not in [m.id for m in phone.seen]  # the hidden result never reached a phone
    assert [m.event for m in phone.seen] == ["snapshot", "polls", "poll_cards", "results"]


def test_visible_results_reach_participants_after_each_vote(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    qid = make_poll(event, results_visible=True).questions[0].id

    with open_stream(client, event) as phone:
        assert phone.next().data["sections"]["poll_results"][str(qid)]["voters"] == 0
        vote(client, qid, event, "o2")
        first = phone.until("results")
        vote(client, qid, event, "o2")
        second = phone.until("results")

    assert [o["count"] for o in first.data["result"]["options"]] == [0, 1, 0, 0]
    assert [o["count"] for o in second.data["result"]["options"]] == [0, 2, 0, 0]


def test_reconnecting_with_last_event_id_gets_only_the_missed_messages(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event)
    qid = poll.questions[0].id
    with open_stream(client, event, key=event.moderator_key) as moderator:
        start = moderator.next()  # the snapshot, numbered like the last message before it
        vote(client, qid, event)
        private = moderator.until("results")
        client.post(
            f"/api/v1/polls/{poll.id}/reveal", headers={"X-Moderator-Key": event.moderator_key}
        )
        public = moderator.until("results")
    assert private.id is not None
    assert public.id is not None

    with open_stream(client, event, key=event.screen_key, last_event_id=str(private.id)) as screen:
        replayed = [screen.next() for _ in range(public.id - private.id)]
    with open_stream(client, event, last_event_id=str(start.id)) as phone:
        phone_replayed = phone.until("results")

    assert [m.id for m in replayed] == list(range(private.id + 1, public.id + 1))
    assert "snapshot" not in [m.event for m in replayed]
    assert replayed[-1].data == public.data
    assert phone_replayed.id == public.id  # the private result is not replayed to a phone
    assert [m.event for m in phone.seen] == ["polls", "poll_cards", "results"]


def test_reconnecting_with_an_unknown_id_gets_a_snapshot(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, results_visible=True)
    qid = poll.questions[0].id
    vote(client, qid, event)

    with open_stream(client, event, last_event_id="12345") as phone:
        snapshot = phone.next()

    assert snapshot.event == "snapshot"
    assert snapshot.data["sections"]["poll_results"][str(qid)]["voters"] == 1
    assert [p["id"] for p in snapshot.data["sections"]["polls"]["polls"]] == [poll.id]


def test_stream_of_an_unknown_event_is_not_found(client: TestClient) -> None:
    response = client.get("/api/v1/events/NOPE42/stream")

    assert response.status_code == 404
    assert response.json()["message"] == "No event has the code NOPE42."
