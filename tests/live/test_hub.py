"""The live hub with fake renderers: coalescing, audiences, replay, snapshots, slow clients,
and what fan-out costs per stream (counted: encodes, renders, tasks, timers — never times)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from agora.live import hub as hub_module
from agora.live.hub import WAKE_SLICE, Hub, Key

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


def parse(chunk: bytes) -> list[Sse]:
    """Return the messages in a chunk of Server-Sent-Events text (comments are skipped)."""
    messages = []
    for block in chunk.decode().split("\n\n"):
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
    renders: list[tuple[set[int], bool]] = field(default_factory=list)
    snapshots: list[bool] = field(default_factory=list)
    fail_next: bool = False
    #: When set, snapshots wait for it (to have many streams open during one render).
    gate: asyncio.Event | None = None

    async def render(
        self, event_id: int, dirty: dict[str, set[Key]]
    ) -> list[tuple[str, dict[str, Any], bool]]:
        assert event_id == EVENT
        assert set(dirty) == {"polls"}
        keys = dirty["polls"]
        polls = "list" in keys
        questions = {k for k in keys if isinstance(k, int)}
        self.renders.append((set(questions), polls))
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
        if self.gate is not None:
            await self.gate.wait()
        return {"event": event_id, "public_only": public_only, "renders": len(self.renders)}


def subscribe(
    hub: Hub, *, public_only: bool, last_event_id: str | None = None
) -> AsyncGenerator[bytes, None]:
    """Open a stream of the test event (an async generator, closed by each test)."""
    stream = hub.stream(EVENT, public_only=public_only, last_event_id=last_event_id)
    assert isinstance(stream, AsyncGenerator)
    return stream


def make_hub(live: FakeLive, **options: Any) -> Hub:
    options.setdefault("interval", 0.05)
    options.setdefault("heartbeat", 600.0)  # no keep-alive unless a test asks for one
    options.setdefault("first_seq", 0)
    return Hub(live.render, live.snapshot, **options)


async def read(stream: AsyncIterator[bytes], timeout: float = 2.0) -> list[Sse]:
    """Return the messages of the stream's next chunk."""
    return parse(await asyncio.wait_for(anext(stream), timeout))


async def collect(stream: AsyncIterator[bytes], count: int, timeout: float = 2.0) -> list[Sse]:
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
    assert live.renders == [
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

    assert first_chunk.startswith(b"retry: ")
    [snapshot] = parse(first_chunk)
    assert (snapshot.id, snapshot.event) == (2, "snapshot")
    assert snapshot.data == {"event": EVENT, "public_only": True, "renders": 1}
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


async def test_reconnect_with_an_id_from_before_this_process_gets_a_snapshot() -> None:
    live = FakeLive()
    hub = make_hub(live, first_seq=1000)  # as after a restart: numbering starts higher

    stream = subscribe(hub, public_only=True, last_event_id="5")
    [snapshot] = await read(stream)
    await stream.aclose()

    assert (snapshot.id, snapshot.event) == (1000, "snapshot")
    assert live.snapshots == [True]


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

    assert chunk == b": keep-alive\n\n"


# -- what fan-out costs per stream, counted ------------------------------------------------


@dataclass
class Reader:
    """Reads one stream in a task of its own, as a server's response would."""

    stream: AsyncGenerator[bytes, None]
    chunks: list[bytes] = field(default_factory=list)
    messages: list[Sse] = field(default_factory=list)
    on_message: Callable[[], None] = lambda: None

    async def run(self) -> None:
        async for chunk in self.stream:
            self.chunks.append(chunk)
            for message in parse(chunk):
                self.messages.append(message)
                self.on_message()


@dataclass
class Room:
    """``size`` streams of one audience, each read by a task; counts who got what."""

    hub: Hub
    size: int
    public_only: bool = True
    readers: list[Reader] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    received: int = 0
    expected: int = 0
    everyone_has_it: asyncio.Event = field(default_factory=asyncio.Event)

    def _got_one(self) -> None:
        self.received += 1
        if self.received == self.expected:
            self.everyone_has_it.set()

    async def open(self) -> None:
        """Open the streams and wait until each one has its snapshot."""
        self.expect(1)
        for _ in range(self.size):
            reader = Reader(subscribe(self.hub, public_only=self.public_only))
            reader.on_message = self._got_one
            self.readers.append(reader)
            self.tasks.append(asyncio.get_running_loop().create_task(reader.run()))
        await self.wait()

    def expect(self, messages_each: int) -> None:
        """Prepare to wait for ``messages_each`` more messages on every stream."""
        self.expected = self.received + messages_each * self.size
        self.everyone_has_it = asyncio.Event()
        if messages_each == 0:
            self.everyone_has_it.set()

    async def wait(self) -> None:
        await asyncio.wait_for(self.everyone_has_it.wait(), 5)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for reader in self.readers:
            await reader.stream.aclose()


@contextmanager
def counting_encodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the hub's calls of ``encode`` (one per message and per snapshot rendered)."""
    calls: list[int] = []
    real = hub_module.encode

    def counted(seq: int, event: str, data: dict[str, Any]) -> bytes:
        calls.append(seq)
        return real(seq, event, data)

    monkeypatch.setattr(hub_module, "encode", counted)
    yield calls


@contextmanager
def counting_tasks_and_timers() -> Iterator[dict[str, int]]:
    """Count the tasks and timers the event loop is asked to create meanwhile."""
    loop = asyncio.get_running_loop()
    counts = {"tasks": 0, "timers": 0}
    previous_factory = loop.get_task_factory()
    real_call_at = loop.call_at

    def task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> Any:
        counts["tasks"] += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    def call_at(when: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        counts["timers"] += 1  # call_later and asyncio's timeouts all come here
        return real_call_at(when, callback, *args, **kwargs)

    loop.set_task_factory(task_factory)
    loop.call_at = call_at  # type: ignore[method-assign,assignment]
    try:
        yield counts
    finally:
        loop.set_task_factory(previous_factory)
        del loop.call_at


async def test_each_message_is_encoded_once_and_shared_by_every_stream(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = make_hub(FakeLive())
    with counting_encodes(monkeypatch) as encodes:
        room = Room(hub, 200)
        await room.open()
        screens = Room(hub, 20, public_only=False)
        await screens.open()
        assert len(encodes) == 2  # one snapshot per audience, for 220 streams

        for first in (1, 4, 7):
            room.expect(3)
            screens.expect(3)
            await publish(hub, range(first, first + 3))
            await room.wait()
            await screens.wait()
    await room.close()
    await screens.close()

    assert len(encodes) == 2 + 9  # one encode per message, whatever the number of streams
    for reader in room.readers + screens.readers:
        assert [m.id for m in reader.messages] == [0, *range(1, 10)]
    # Every stream of an audience sent the very same bytes object.
    assert len({id(reader.chunks[-1]) for reader in room.readers}) == 1
    assert len({id(reader.chunks[-1]) for reader in screens.readers}) == 1
    assert hub.messages_sent == 9 * 220


async def test_delivery_creates_no_task_or_timer_per_message_or_stream() -> None:
    hub = make_hub(FakeLive(), heartbeat=60.0)
    room = Room(hub, 300)
    await room.open()

    async with asyncio.timeout(10):  # its timer is set before counting starts
        with counting_tasks_and_timers() as counts:
            for first in range(1, 21):
                room.expect(1)
                await publish(hub, range(first, first + 1))
                await room.everyone_has_it.wait()
    await room.close()

    # 20 messages × 300 streams delivered; what the loop created is the flushes' own
    # (``changed`` schedules a coalesced flush: at most one task and one timer each).
    assert counts["tasks"] <= 20
    assert counts["timers"] <= 20
    assert hub.messages_sent == 20 * 300


async def test_streams_are_woken_a_slice_at_a_time_so_the_loop_serves_other_work() -> None:
    hub = make_hub(FakeLive())
    room = Room(hub, 2 * WAKE_SLICE + 10)
    await room.open()
    seen_by_a_vote: list[int] = []

    room.expect(1)
    await publish(hub, range(1, 2))
    # Something else the loop has to do (a vote's socket) runs before every stream was
    # served, not after all of them.
    asyncio.get_running_loop().call_soon(lambda: seen_by_a_vote.append(room.received))
    await room.wait()
    await room.close()

    [received_then] = seen_by_a_vote
    assert room.size <= received_then < 2 * room.size
    assert all(reader.messages[-1].id == 1 for reader in room.readers)


async def test_concurrent_openers_share_one_snapshot_render_per_audience_and_version() -> None:
    live = FakeLive(gate=asyncio.Event())
    hub = make_hub(live)
    await publish(hub, range(1, 3))

    phones = [subscribe(hub, public_only=True) for _ in range(30)]
    screens = [subscribe(hub, public_only=False) for _ in range(5)]
    openings = [asyncio.ensure_future(anext(s)) for s in phones + screens]
    for _ in range(10):  # let every opener start and reach the render
        await asyncio.sleep(0)
    assert live.snapshots == [True, False]  # every opener now waits for one of two renders
    assert live.gate is not None
    live.gate.set()
    first_chunks = await asyncio.gather(*openings)

    assert live.snapshots == [True, False]
    assert hub.snapshots_rendered == 2
    assert len(set(first_chunks[:30])) == 1
    assert len(set(first_chunks[30:])) == 1
    [phone_snapshot] = parse(first_chunks[0])
    [screen_snapshot] = parse(first_chunks[-1])
    assert (phone_snapshot.id, phone_snapshot.data["public_only"]) == (2, True)
    assert (screen_snapshot.id, screen_snapshot.data["public_only"]) == (2, False)

    # Later at the same version: still no render.
    late = subscribe(hub, public_only=True)
    assert parse(await asyncio.wait_for(anext(late), 2)) == [phone_snapshot]
    assert hub.snapshots_rendered == 2

    # After a change the next opener gets a new snapshot, rendered once more.
    await publish(hub, range(3, 4))
    after = subscribe(hub, public_only=True)
    [fresh] = parse(await asyncio.wait_for(anext(after), 2))
    assert (fresh.id, fresh.data["renders"]) == (3, 2)
    assert live.snapshots == [True, False, True]

    # A change only the privileged see (hidden results) leaves the participants' snapshot
    # as it was, and renews the privileged one.
    live.private_questions.add(4)
    await publish(hub, range(4, 5))
    phone_after_hidden = subscribe(hub, public_only=True)
    screen_after_hidden = subscribe(hub, public_only=False)
    assert parse(await asyncio.wait_for(anext(phone_after_hidden), 2)) == [fresh]
    [renewed] = parse(await asyncio.wait_for(anext(screen_after_hidden), 2))
    assert (renewed.id, renewed.data["public_only"]) == (4, False)
    assert live.snapshots == [True, False, True, False]
    for stream in [*phones, *screens, late, after, phone_after_hidden, screen_after_hidden]:
        await stream.aclose()


async def test_a_failed_snapshot_render_is_not_kept() -> None:
    live = FakeLive()
    failures = [RuntimeError("database gone")]
    real_snapshot = live.snapshot

    async def snapshot(event_id: int, public_only: bool) -> dict[str, Any]:
        if failures:
            raise failures.pop()
        return await real_snapshot(event_id, public_only)

    hub = Hub(live.render, snapshot, interval=0.05, heartbeat=5.0, first_seq=0)
    broken = subscribe(hub, public_only=True)
    with pytest.raises(RuntimeError, match="database gone"):
        await anext(broken)
    await asyncio.sleep(0)  # the failed render is forgotten when it ends

    retried = subscribe(hub, public_only=True)
    [snapshot_message] = parse(await asyncio.wait_for(anext(retried), 2))
    await retried.aclose()
    assert snapshot_message.event == "snapshot"
    assert hub.snapshots_rendered == 2


async def test_a_slow_client_falls_behind_to_a_snapshot_without_holding_up_the_others() -> None:
    live = FakeLive(private_questions={5})
    hub = make_hub(live, buffer_size=8)
    slow = subscribe(hub, public_only=True)
    await read(slow)  # its snapshot; then it reads nothing for a while
    room = Room(hub, 10)
    await room.open()

    for question_id in range(1, 21):  # 20 flushes: more than the buffer holds
        room.expect(0 if question_id == 5 else 1)
        await publish(hub, range(question_id, question_id + 1))
        await room.wait()

    # The others got every public message, in order, while the slow one read nothing.
    expected = [i for i in range(1, 21) if i != 5]
    for reader in room.readers:
        assert [m.id for m in reader.messages[1:]] == expected
    assert hub.subscribers(EVENT) == 11  # nobody was cut off

    [caught_up] = await read(slow)  # it comes back: a fresh snapshot, not 19 old messages
    assert (caught_up.id, caught_up.event) == (20, "snapshot")
    assert live.snapshots == [True, True]
    await publish(hub, range(21, 22))
    assert [m.id for m in await read(slow)] == [21]
    await slow.aclose()
    await room.close()


async def test_a_client_slightly_behind_gets_what_it_missed_from_the_buffer() -> None:
    live = FakeLive(private_questions={2})
    hub = make_hub(live, buffer_size=64)
    slow = subscribe(hub, public_only=True)
    await read(slow)
    for question_id in range(1, 6):  # five flushes it does not read meanwhile
        await publish(hub, range(question_id, question_id + 1))

    missed = await read(slow)
    await slow.aclose()

    assert [m.id for m in missed] == [1, 3, 4, 5]  # in order, without the private one
    assert live.snapshots == [True]


async def test_heartbeat_skips_streams_that_just_sent_a_message() -> None:
    hub = make_hub(FakeLive())  # its own heartbeat is far away: the test beats instead
    stream = subscribe(hub, public_only=True)
    await read(stream)

    chunks: list[bytes] = []
    for question_id in range(1, 4):  # a heartbeat after each message
        await publish(hub, range(question_id, question_id + 1))
        chunks.append(await asyncio.wait_for(anext(stream), 2))
        hub.beat()
    hub.beat()  # nothing sent since the previous beat: a keep-alive is due
    chunks.append(await asyncio.wait_for(anext(stream), 2))
    await stream.aclose()

    assert [m.id for chunk in chunks[:3] for m in parse(chunk)] == [1, 2, 3]
    assert chunks[3] == b": keep-alive\n\n"


def test_the_window_is_the_configured_one_until_the_fan_out_needs_more() -> None:
    coalescing_interval = hub_module.coalescing_interval
    assert coalescing_interval(0.2, 0.0) == 0.2  # a quick fan-out: the setting
    assert coalescing_interval(0.2, 0.09) == 0.2
    assert coalescing_interval(0.2, 0.3) == pytest.approx(0.3 * hub_module.FANOUT_SHARE)
    assert coalescing_interval(0.2, 30.0) == hub_module.MAX_INTERVAL  # never longer


async def test_the_fan_out_is_measured_from_waking_to_the_last_stream_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A clock that moves only when a stream gets its message (1 ms each): the measured
    fan-out covers every stream of the flush, and stretches the next window."""
    clock = [100.0]
    monkeypatch.setattr("agora.live.hub.time.monotonic", lambda: clock[0])
    hub = make_hub(FakeLive(), interval=0.2)
    room = Room(hub, 2 * WAKE_SLICE + 10)  # woken over three turns of the loop
    await room.open()

    def served() -> None:
        clock[0] += 0.001
        room._got_one()

    for reader in room.readers:
        reader.on_message = served
    room.expect(1)
    await publish(hub, range(1, 2))
    await room.wait()
    for _ in range(3):  # let the callback queued after the last slice run
        await asyncio.sleep(0)
    channel = hub._channels[EVENT]
    assert channel.fanout_s == pytest.approx(room.size * 0.001)
    window = hub_module.coalescing_interval(hub.interval, channel.fanout_s)
    assert window == pytest.approx(2 * room.size * 0.001)
    await room.close()


def test_after_the_last_slice_the_done_callback_runs_behind_every_woken_stream() -> None:
    async def scenario() -> list[str]:
        loop = asyncio.get_running_loop()
        order: list[str] = []
        waiters: list[asyncio.Future[Awaitable[None] | None]] = [
            loop.create_future() for _ in range(WAKE_SLICE + 3)
        ]

        async def stream(n: int, waiter: asyncio.Future[Awaitable[None] | None]) -> None:
            await waiter
            order.append(f"s{n}")

        tasks = [loop.create_task(stream(n, w)) for n, w in enumerate(waiters)]
        await asyncio.sleep(0)  # every stream waits
        hub_module._in_slices(waiters, hub_module._wake, on_done=lambda: order.append("done"))
        await asyncio.gather(*tasks)
        for _ in range(3):
            await asyncio.sleep(0)
        return order

    order = asyncio.run(scenario())
    assert order[-1] == "done"
    assert len(order) == WAKE_SLICE + 4


# -- streams the channel writes to without waking them -------------------------------------


@dataclass
class Connection:
    """A stream's connection as the channel writes to it (``write``): it records what it
    took; while ``full`` is set it takes nothing at once and hands back what finishes
    the write when the test lets it drain."""

    written: list[bytes] = field(default_factory=list)
    full: bool = False
    drained: asyncio.Event = field(default_factory=asyncio.Event)
    fail: Exception | None = None

    def write(self, chunk: bytes) -> Awaitable[None] | None:
        if self.fail is not None:
            raise self.fail
        if not self.full:
            self.written.append(chunk)
            return None
        return self._finish(chunk)

    async def _finish(self, chunk: bytes) -> None:
        await self.drained.wait()
        self.written.append(chunk)


def open_direct(hub: Hub, connection: Connection) -> AsyncGenerator[bytes, None]:
    stream = hub.stream(EVENT, public_only=True, write=connection.write)
    assert isinstance(stream, AsyncGenerator)
    return stream


async def settle() -> None:
    """Let the loop run what is ready (slices of a fan-out, woken streams)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_a_stream_that_can_be_written_to_gets_messages_without_being_woken() -> None:
    hub = make_hub(FakeLive(private_questions={2}))
    connections = [Connection() for _ in range(WAKE_SLICE + 5)]  # two slices
    readers = [Reader(open_direct(hub, c)) for c in connections]
    tasks = [asyncio.get_running_loop().create_task(r.run()) for r in readers]
    await settle()  # each has yielded its snapshot and waits

    with counting_tasks_and_timers() as counts:
        for question_id in (1, 2, 3):
            await publish(hub, range(question_id, question_id + 1))
            await settle()

    for reader, connection in zip(readers, connections, strict=True):
        assert [m.event for m in reader.messages] == ["snapshot"]  # its task never woke
        assert [m.id for chunk in connection.written for m in parse(chunk)] == [1, 3]
    # One shared bytes object per flush, written to every connection.
    assert len({id(c.written[0]) for c in connections}) == 1
    assert hub.messages_sent == 2 * len(connections)
    assert counts["tasks"] <= 3  # the coalesced flushes' own, none per stream
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert hub.subscribers(EVENT) == 0


async def test_a_full_connection_is_finished_by_its_own_stream_and_nobody_waits_for_it() -> None:
    hub = make_hub(FakeLive())
    full, other = Connection(full=True), Connection()
    slow, quick = Reader(open_direct(hub, full)), Reader(open_direct(hub, other))
    tasks = [asyncio.get_running_loop().create_task(r.run()) for r in (slow, quick)]
    await settle()

    await publish(hub, range(1, 2))  # the full connection cannot take it at once
    await settle()
    full.full = False  # what comes next would fit, but the first write is not done
    await publish(hub, range(2, 3))
    await publish(hub, range(3, 4))
    await settle()
    assert [m.id for chunk in other.written for m in parse(chunk)] == [1, 2, 3]
    assert full.written == []  # nothing written past the unfinished write

    full.drained.set()
    await settle()
    # The stream finished its write, then caught up itself (one chunk), in order.
    assert [m.id for chunk in full.written for m in parse(chunk)] == [1]
    assert [m.id for m in slow.messages] == [0, 2, 3]
    await publish(hub, range(4, 5))  # waiting again: written to directly once more
    await settle()
    assert [m.id for chunk in full.written for m in parse(chunk)] == [1, 4]
    assert [m.id for m in slow.messages] == [0, 2, 3]
    assert hub.writes_waited == 1
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_stream_left_behind_by_the_buffer_while_its_connection_was_full() -> None:
    live = FakeLive()
    hub = make_hub(live, buffer_size=4)
    full = Connection(full=True)
    reader = Reader(open_direct(hub, full))
    task = asyncio.get_running_loop().create_task(reader.run())
    await settle()

    for question_id in range(1, 11):  # the buffer moves past it while its write waits
        await publish(hub, range(question_id, question_id + 1))
    full.full = False
    full.drained.set()
    await settle()

    assert [m.id for chunk in full.written for m in parse(chunk)] == [1]
    assert [(m.id, m.event) for m in reader.messages] == [(0, "snapshot"), (10, "snapshot")]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_write_that_fails_ends_that_stream_only() -> None:
    hub = make_hub(FakeLive())
    broken, fine = Connection(), Connection()
    failing, other = open_direct(hub, broken), open_direct(hub, fine)
    await read(failing)
    await read(other)
    waiting = asyncio.ensure_future(anext(failing))
    other_waiting = asyncio.ensure_future(anext(other))
    await settle()

    broken.fail = ConnectionResetError("gone")
    await publish(hub, range(1, 2))
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(waiting, 2)
    assert [m.id for chunk in fine.written for m in parse(chunk)] == [1]
    assert not other_waiting.done()
    other_waiting.cancel()
    await asyncio.gather(other_waiting, return_exceptions=True)
    await other.aclose()
    assert hub.subscribers(EVENT) == 0


async def test_a_closed_stream_is_not_written_to() -> None:
    hub = make_hub(FakeLive())
    connection = Connection()
    reader = Reader(open_direct(hub, connection))
    task = asyncio.get_running_loop().create_task(reader.run())
    await settle()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    await publish(hub, range(1, 2))
    await settle()
    assert connection.written == []


async def test_a_stream_written_to_gets_no_keep_alive_at_the_next_beat() -> None:
    hub = make_hub(FakeLive())
    connection = Connection()
    reader = Reader(open_direct(hub, connection))
    task = asyncio.get_running_loop().create_task(reader.run())
    await settle()
    hub.beat()  # the snapshot was its last send

    await publish(hub, range(1, 2))
    await settle()
    hub.beat()  # it was just written to: nothing due
    await settle()
    assert [m.event for m in reader.messages] == ["snapshot"]
    assert reader.chunks[1:] == []
    hub.beat()  # nothing since the previous beat: its task wakes and sends a keep-alive
    await settle()
    assert reader.chunks[1:] == [b": keep-alive\n\n"]
    await publish(hub, range(2, 3))  # and it is written to again afterwards
    await settle()
    assert [m.id for chunk in connection.written for m in parse(chunk)] == [1, 2]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
