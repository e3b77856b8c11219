"""The live hub with fake renderers: coalescing, audiences, replay, snapshots, slow clients."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from agora.live.hub import SUBSCRIBER_QUEUE, Hub, Key

pytestmark = pytest.mark.anyio

EVENT = 7


@pytest.fixture
def anyio_backend() -> str:
    """The hub is written for asyncio."""
    return "asyncio"


@dataclass
class Sse:
    """One message read off a stream."""

    id: int | None
    event: str
    data: Any


def parse(chunk: str) -> list[Sse]:
    """Return the messages in a chunk of Server-Sent-Events text (comments are skipped)."""
    messages = []
    for block in chunk.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line and not line.startswith(":"):
                name, _sep, value = line.partition(": ")
                fields[name] = value
        if "event" in fields:
            seq = fields.get("id")
            messages.append(
                Sse(int(seq) if seq else None, fields["event"], json.loads(fields["data"]))
            )
    return messages


@dataclass
class FakeLive:
    """Renders one ``results`` message per question (public unless listed) and a ``polls`` one."""

    private_questions: set[int] = field(default_factory=set)
    renders: list[tuple[float, set[int], bool]] = field(default_factory=list)
    snapshots: list[bool] = field(default_factory=list)
    fail_next: bool = False

    async def render(
        self, event_id: int, dirty: dict[str, set[Key]]
    ) -> list[tuple[str, dict[str, Any], bool]]:
        assert event_id == EVENT
        assert set(dirty) == {"polls"}
        keys = dirty["polls"]
        polls = "list" in keys
        questions = {k for k in keys if isinstance(k, int)}
        self.renders.append((time.monotonic(), set(questions), polls))
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("render failed")
        messages: list[tuple[str, dict[str, Any], bool]] = []
        if polls:
            messages.append(("polls", {"polls": len(self.renders)}, True))
        for question_id in sorted(questions):
            public = question_id not in self.private_questions
            messages.append(("results", {"question_id": question_id}, public))
        return messages

    async def snapshot(self, event_id: int, public_only: bool) -> dict[str, Any]:
        self.snapshots.append(public_only)
        return {"event": event_id, "public_only": public_only}


def subscribe(
    hub: Hub, *, public_only: bool, last_event_id: str | None = None
) -> AsyncGenerator[str, None]:
    """Open a stream of the test event (an async generator, closed by each test)."""
    stream = hub.stream(EVENT, public_only=public_only, last_event_id=last_event_id)
    assert isinstance(stream, AsyncGenerator)
    return stream


def make_hub(live: FakeLive, **options: Any) -> Hub:
    options.setdefault("interval", 0.05)
    options.setdefault("heartbeat", 5.0)
    options.setdefault("first_seq", 0)
    return Hub(live.render, live.snapshot, **options)


async def read(stream: AsyncIterator[str], timeout: float = 2.0) -> list[Sse]:
    """Return the messages of the stream's next chunk."""
    return parse(await asyncio.wait_for(anext(stream), timeout))


async def collect(stream: AsyncIterator[str], count: int, timeout: float = 2.0) -> list[Sse]:
    """Return the next ``count`` messages of the stream, whatever chunks they come in."""
    messages: list[Sse] = []
    while len(messages) < count:
        messages.extend(await read(stream, timeout))
    return messages


async def publish(hub: Hub, questions: range) -> None:
    """Publish one results message per question in one flush."""
    for question_id in questions:
        hub.changed(EVENT, "polls", [question_id])
    await hub.flush(EVENT)


async def test_many_changes_within_the_interval_make_one_flush() -> None:
    live = FakeLive()
    hub = make_hub(live, interval=0.5)
    stream = subscribe(hub, public_only=False)
    await read(stream)  # the first snapshot

    for _ in range(30):
        for question_id in (1, 2, 3):
            hub.changed(EVENT, "polls", [question_id])
    first = await collect(stream, 3)
    for _ in range(20):  # before the next flush can run
        hub.changed(EVENT, "polls", [4])
        hub.changed(EVENT, "polls", [5])
    assert len(live.renders) == 1
    second = await collect(stream, 2)
    await stream.aclose()

    assert [m.data["question_id"] for m in first] == [1, 2, 3]
    assert [m.data["question_id"] for m in second] == [4, 5]
    assert [m.id for m in first + second] == [1, 2, 3, 4, 5]
    assert [(questions, polls) for _t, questions, polls in live.renders] == [
        ({1, 2, 3}, False),
        ({4, 5}, False),
    ]


async def test_poll_changes_and_results_share_one_flush() -> None:
    live = FakeLive()
    hub = make_hub(live)
    stream = subscribe(hub, public_only=False)
    await read(stream)

    hub.changed(EVENT, "polls", [3])
    hub.changed(EVENT, "polls", ["list", 1])
    messages = await collect(stream, 3)
    await stream.aclose()

    assert [(m.event, m.data) for m in messages] == [
        ("polls", {"polls": 1}),
        ("results", {"question_id": 1}),
        ("results", {"question_id": 3}),
    ]


async def test_public_only_subscribers_do_not_get_private_messages() -> None:
    live = FakeLive(private_questions={2})
    hub = make_hub(live)
    everyone = subscribe(hub, public_only=False)
    participants = subscribe(hub, public_only=True)
    await read(everyone)
    await read(participants)

    await publish(hub, range(1, 4))
    await publish(hub, range(4, 5))
    seen_by_all = await collect(everyone, 4)
    seen_by_participants = await collect(participants, 3)

    assert [(m.id, m.data["question_id"]) for m in seen_by_all] == [(i, i) for i in range(1, 5)]
    assert [(m.id, m.data["question_id"]) for m in seen_by_participants] == [
        (1, 1),
        (3, 3),
        (4, 4),
    ]
    await everyone.aclose()
    await participants.aclose()
    assert hub.subscribers(EVENT) == 0


async def test_new_stream_starts_with_a_snapshot_for_its_audience() -> None:
    live = FakeLive()
    hub = make_hub(live)
    await publish(hub, range(1, 3))

    participant = subscribe(hub, public_only=True)
    first_chunk = await asyncio.wait_for(anext(participant), 2)
    await participant.aclose()

    assert first_chunk.startswith("retry: ")
    [snapshot] = parse(first_chunk)
    assert (snapshot.id, snapshot.event) == (2, "snapshot")
    assert snapshot.data == {"event": EVENT, "public_only": True}
    assert live.snapshots == [True]


async def test_reconnect_within_the_buffer_replays_only_what_was_missed() -> None:
    live = FakeLive(private_questions={4})
    hub = make_hub(live, buffer_size=16)
    await publish(hub, range(1, 6))

    screen = subscribe(hub, public_only=False, last_event_id="2")
    phone = subscribe(hub, public_only=True, last_event_id="2")
    screen_missed = await read(screen)
    phone_missed = await read(phone)
    await publish(hub, range(6, 7))
    screen_next = await read(screen)
    await screen.aclose()
    await phone.aclose()

    assert [m.id for m in screen_missed] == [3, 4, 5]
    assert [m.id for m in phone_missed] == [3, 5]  # 4 is not for participants
    assert all(m.event == "results" for m in screen_missed + phone_missed)
    assert [m.id for m in screen_next] == [6]
    assert live.snapshots == []


async def test_reconnect_after_the_newest_message_gets_nothing_old() -> None:
    live = FakeLive()
    hub = make_hub(live)
    await publish(hub, range(1, 4))

    stream = subscribe(hub, public_only=False, last_event_id="3")
    first_chunk = await asyncio.wait_for(anext(stream), 2)
    await publish(hub, range(4, 5))
    following = await read(stream)
    await stream.aclose()

    assert parse(first_chunk) == []
    assert [m.id for m in following] == [4]
    assert live.snapshots == []


@pytest.mark.parametrize(
    ("last_event_id", "snapshot"),
    [("6", False), ("5", True), ("1", True), ("99", True), ("garbage", True)],
)
async def test_reconnect_older_than_the_buffer_gets_a_snapshot(
    last_event_id: str, snapshot: bool
) -> None:
    live = FakeLive()
    hub = make_hub(live, buffer_size=4)
    await publish(hub, range(1, 11))  # messages 1..10; the buffer keeps 7..10

    stream = subscribe(hub, public_only=True, last_event_id=last_event_id)
    messages = await read(stream)
    await publish(hub, range(11, 12))
    following = await read(stream)
    await stream.aclose()

    if snapshot:
        assert [(m.id, m.event) for m in messages] == [(10, "snapshot")]
        assert live.snapshots == [True]
    else:
        assert [m.id for m in messages] == [7, 8, 9, 10]
        assert live.snapshots == []
    assert [m.id for m in following] == [11]


async def test_slow_subscriber_is_cut_off_when_its_queue_overflows() -> None:
    live = FakeLive(private_questions=set(range(1, SUBSCRIBER_QUEUE + 11)))
    hub = make_hub(live, buffer_size=1000)
    slow = subscribe(hub, public_only=False)
    unaffected = subscribe(hub, public_only=True)  # gets none of these private messages
    await read(slow)
    await read(unaffected)
    assert hub.subscribers(EVENT) == 2

    await publish(hub, range(1, SUBSCRIBER_QUEUE + 11))

    assert hub.subscribers(EVENT) == 1
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(slow), 2)
    # It reconnects with the last id it saw and gets everything it missed.
    back = subscribe(hub, public_only=False, last_event_id="0")
    assert [m.id for m in await read(back)] == list(range(1, SUBSCRIBER_QUEUE + 11))
    await back.aclose()
    await unaffected.aclose()


async def test_failed_render_is_retried_together_with_later_updates() -> None:
    live = FakeLive(fail_next=True)
    hub = make_hub(live)
    stream = subscribe(hub, public_only=False)
    await read(stream)

    hub.changed(EVENT, "polls", [1])
    for _ in range(100):
        if live.renders:
            break
        await asyncio.sleep(0.01)
    hub.changed(EVENT, "polls", [2])
    messages = await collect(stream, 2, timeout=3.0)
    await stream.aclose()

    assert {m.data["question_id"] for m in messages} == {1, 2}  # 1 was kept for the retry
    assert len(live.renders) == 2


async def test_idle_stream_sends_keep_alive_comments() -> None:
    hub = make_hub(FakeLive(), heartbeat=0.05)
    stream = subscribe(hub, public_only=True)
    await read(stream)

    chunk = await asyncio.wait_for(anext(stream), 2)
    await stream.aclose()

    assert chunk == ": keep-alive\n\n"
