"""Several processes, one event: the Redis broker keeps their tallies and streams in step."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from agora.app import create_app
from agora.core.broker import RedisBroker
from agora.core.settings import Settings
from agora.polls.responses import answers_by_response
from tests.conftest import EventFactory, PollFactory, join, question


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``check`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_broker_delivers_to_others_and_reports_gaps(redis_url: str) -> None:
    channel = f"agora:test:{uuid.uuid4().hex}"

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        first, second = (
            RedisBroker(redis_url, channel),
            RedisBroker(redis_url, channel),
        )
        got_first: list[dict[str, Any]] = []
        got_second: list[dict[str, Any]] = []
        gaps = 0

        async def gap() -> None:
            nonlocal gaps
            gaps += 1

        async def keep(into: list[dict[str, Any]]) -> Callable[[dict[str, Any]], Any]:
            async def handler(message: dict[str, Any]) -> None:
                into.append(message)

            return handler

        await first.start(await keep(got_first), gap)
        await second.start(await keep(got_second), gap)
        first.publish({"kind": "polls", "n": 1})
        first.publish({"kind": "polls", "n": 2})
        # a sender whose message 2 was lost: the receivers must notice
        raw = redis.asyncio.from_url(redis_url)
        for seq in (1, 3):
            await raw.publish(channel, json.dumps({"kind": "x", "origin": "lost", "seq": seq}))
        for _ in range(100):
            if len(got_second) >= 3 and gaps >= 2:
                break
            await asyncio.sleep(0.02)
        await raw.aclose()
        await first.stop()
        await second.stop()
        return got_first, got_second, gaps

    got_first, got_second, gaps = asyncio.run(scenario())
    assert [m["n"] for m in got_second if m["kind"] == "polls"] == [1, 2]
    assert all(m["origin"] != "lost" or m["seq"] == 1 for m in got_first + got_second)
    assert not [m for m in got_first if m["kind"] == "polls"]  # its own messages are skipped
    assert gaps == 2  # both receivers saw "lost" jump from 1 to 3


@pytest.fixture
def two_processes(settings: Settings, redis_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps on the same database, talking through Redis on a channel of their own
    (``AGORA_REDIS_PREFIX``: another test run on the same Redis does not reach them)."""
    shared = {"broker": "redis", "redis_url": redis_url, "redis_prefix": uuid.uuid4().hex}
    apps = [create_app(settings.model_copy(update=shared)) for _ in range(2)]
    for app in apps:
        broker = app.state.agora.broker
        assert isinstance(broker, RedisBroker)
        assert broker.channel == f"{shared['redis_prefix']}:live"
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield first, second


def test_a_vote_in_one_process_shows_in_the_other(
    two_processes: tuple[TestClient, TestClient],
    make_event: EventFactory,
    make_poll: PollFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = two_processes
    event = make_event()
    poll = make_poll(event, question("single_choice"))
    qid = poll.questions[0].id
    moderator = {"X-Moderator-Key": event.moderator_key}
    url = f"/api/v1/questions/{qid}/results"
    assert second.get(url, headers=moderator).json()["voters"] == 0  # loaded in the second

    answer = first.post(
        f"/api/v1/questions/{qid}/responses",
        json={"answer": {"option": "o3"}},
        headers=join(first, event.code),
    )
    assert answer.status_code == 201
    assert wait_until(lambda: second.get(url, headers=moderator).json()["voters"] == 1)
    counts = {o["id"]: o["count"] for o in second.get(url, headers=moderator).json()["options"]}
    assert counts["o3"] == 1

    # more votes in the first: the second applies them to its tally, without reloading it
    loads: list[int] = []
    real = answers_by_response

    def counted(session: Any, question_id: int) -> Any:
        loads.append(question_id)
        return real(session, question_id)

    monkeypatch.setattr("agora.polls.results.answers_by_response", counted)
    for option in ("o1", "o1", "o2"):
        voted = first.post(
            f"/api/v1/questions/{qid}/responses",
            json={"answer": {"option": option}},
            headers=join(first, event.code),
        )
        assert voted.status_code == 201
    assert wait_until(lambda: second.get(url, headers=moderator).json()["voters"] == 4)
    counts = {o["id"]: o["count"] for o in second.get(url, headers=moderator).json()["options"]}
    assert (counts["o1"], counts["o2"], counts["o3"]) == (2, 1, 1)
    assert loads == []

    # revealing in the first process opens the results to participants of the second
    participant = join(second, event.code)
    assert second.get(url, headers=participant).status_code == 403
    assert first.post(f"/api/v1/polls/{poll.id}/reveal", headers=moderator).status_code == 200
    assert wait_until(lambda: second.get(url, headers=participant).status_code == 200)
