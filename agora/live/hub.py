"""The live hub: coalesced updates per event, fanned out to Server-Sent-Events streams.

The hub knows events, sections and keys, nothing of any domain. A change marks keys of a
section of an event dirty (``changed(event, "polls", 12)``); at most once per ``interval``
a flush asks the renderer for the messages of what changed, numbers them and encodes each
one once, in Server-Sent-Events wire format, into bytes that every stream sends as they
are. The channel of an event keeps the last messages in one shared buffer; a stream holds
only its position in it (the last sequence number it sent) and, while it waits, one
future that the channel resolves when there is something for its audience. So a message
costs each stream one wake-up and one ``send`` of shared bytes: no queue, no task and no
timer per message per stream. One heartbeat task for the whole hub wakes the streams that
sent nothing for a while, which then send a keep-alive comment.

A stream that falls behind (its client reads slowly) never holds anyone back: the buffer
moves on without it, and when it comes back to a position the buffer no longer holds it
sends a fresh snapshot instead of what it missed. A client that reconnects with
``Last-Event-ID`` gets what it missed from the buffer, or a snapshot.

The coalescing window stretches with the room: a flush's fan-out (from waking the first
stream to the last one having sent) is measured, and the next flush of that event waits
at least :data:`FANOUT_SHARE` times as long, so that sending to every stream takes at
most half of the event loop's time and votes keep being served between two flushes
(:func:`coalescing_interval`). A room of a few hundred phones keeps the configured
window; ten thousand streams in one process get a longer one instead of a loop that
never catches up.

The opening snapshot is rendered once per audience (participants, or the privileged
screen and moderators) and per version (the sequence number of the audience's newest
message), and shared by every stream that opens at that version; streams that open while
it renders wait for the same render.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Extra wait before rendering again after a failed render.
RETRY_DELAY = 1.0
#: What a stream sends first: how long a browser waits before reconnecting.
RETRY = b"retry: 2000\n\n"
#: What an idle stream sends at every heartbeat, so proxies keep the connection open.
KEEP_ALIVE = b": keep-alive\n\n"
#: Streams woken per turn of the event loop; between turns the loop serves the sockets
#: (votes keep their latency while thousands of streams send a message).
WAKE_SLICE = 256


#: The next flush of an event waits at least this many times its last fan-out took.
FANOUT_SHARE = 2.0
#: The longest the window grows to, whatever the fan-out takes (seconds).
MAX_INTERVAL = 2.0


def coalescing_interval(base: float, fanout_s: float) -> float:
    """Return the time between two flushes of an event whose fan-out took ``fanout_s``.

    The configured window (``base``) for a room whose fan-out is quick; else
    :data:`FANOUT_SHARE` times the fan-out, at most :data:`MAX_INTERVAL`.
    """
    return max(base, min(MAX_INTERVAL, FANOUT_SHARE * fanout_s))


#: What a section says changed in it (a question id, ``"list"``…); its meaning is the
#: section's own.
Key = int | str
#: Live messages: (event name, JSON data, public). Public ones also reach participants.
Rendered = list[tuple[str, dict[str, Any], bool]]


#: Writes a chunk to a stream's connection now if it can: returns None once written, or an
#: awaitable that finishes writing it (the connection cannot take more at once).
Write = Callable[[bytes], Awaitable[None] | None]


def encode(seq: int, event: str, data: dict[str, Any]) -> bytes:
    """Return one message in Server-Sent-Events wire format (done once per message)."""
    payload = json.dumps(data, separators=(",", ":"))
    return f"id: {seq}\nevent: {event}\ndata: {payload}\n\n".encode()


@dataclass(frozen=True, slots=True)
class Message:
    """One numbered live message, encoded; ``public`` ones also go to participants."""

    seq: int
    event: str
    public: bool
    wire: bytes


@dataclass(eq=False, slots=True)  # compared and hashed by identity, to live in a set
class _Subscriber:
    """One open stream: its audience, where it is in the buffer, and how to wake it."""

    public_only: bool
    #: The last sequence number this stream has sent (or its snapshot covered).
    position: int
    #: Resolved by the channel (new messages; with what finishes a write it started) or
    #: the heartbeat (a keep-alive is due).
    waiter: asyncio.Future[Awaitable[None] | None] | None = None
    #: How the channel writes to this stream without waking it (None: it wakes it).
    write: Write | None = None
    #: Nothing sent since the last heartbeat.
    idle: bool = False
    keep_alive_due: bool = False


_Waiting = tuple[_Subscriber, "asyncio.Future[Awaitable[None] | None]"]


@dataclass(eq=False, slots=True)
class _Tail:
    """The messages one audience got from the last flush that had any for it, joined.

    A stream of that audience whose position is at or after ``floor`` (the audience's
    newest message before these) and before ``first`` missed exactly these: it sends
    ``chunk``, shared by every such stream.
    """

    floor: int
    first: int
    chunk: bytes
    count: int


@dataclass(eq=False, slots=True)
class _Snapshot:
    """A snapshot of one audience at one version, rendered once and shared.

    Its version is the audience's newest message when it was asked for: until the next
    message for that audience, what the audience may see has not changed (every change
    sends its messages), so streams opening meanwhile share it. ``seq`` (the channel's
    newest message then) is its id: a stream starts from there.
    """

    version: int
    seq: int
    render: asyncio.Task[bytes]


@dataclass
class _Channel:
    event_id: int
    buffer: deque[Message]
    seq: int = 0
    subscribers: set[_Subscriber] = field(default_factory=set)
    #: What changed since the last flush: section name → the keys that changed in it.
    dirty: dict[str, set[Key]] = field(default_factory=dict)
    last_flush: float = 0.0
    flush_task: asyncio.Task[None] | None = None
    #: Changes noted so far (each call of ``changed``), at once, before any flush.
    changes: int = 0
    #: Per audience (public only?): the sequence number of its newest message.
    newest: dict[bool, int] = field(default_factory=dict)
    #: Per audience: its messages of the last flush that had any for it.
    tails: dict[bool, _Tail] = field(default_factory=dict)
    #: Per audience: the streams waiting for its next messages, each with the future it
    #: waits on (an entry whose future is no longer the stream's is stale).
    waiting: dict[bool, list[_Waiting]] = field(default_factory=lambda: {True: [], False: []})
    #: Per audience: its latest snapshot.
    snapshots: dict[bool, _Snapshot] = field(default_factory=dict)
    #: How long the recent fan-outs took (seconds, smoothed): stretches the window.
    fanout_s: float = 0.0


#: Builds the messages for what changed: (event id, {section: keys}) → messages.
Renderer = Callable[[int, dict[str, set[Key]]], Awaitable[Rendered]]
#: Builds a full snapshot of an event for one audience: (event id, public) → data.
Snapshotter = Callable[[int, bool], Awaitable[dict[str, Any]]]


class Hub:
    """Every live event channel of this process."""

    def __init__(
        self,
        render: Renderer,
        snapshot: Snapshotter,
        *,
        interval: float = 0.2,
        buffer_size: int = 512,
        heartbeat: float = 15.0,
        first_seq: int | None = None,
    ) -> None:
        self._render = render
        self._snapshot = snapshot
        self.interval = interval
        self._buffer_size = buffer_size
        self._heartbeat = heartbeat
        self._channels: dict[int, _Channel] = {}
        self._heartbeat_task: asyncio.Task[None] | None = None
        # Numbering starts at the clock's milliseconds, so after a restart every id a
        # client still holds is lower than the new ones and gets a snapshot, not a
        # replay of unrelated messages.
        self._first_seq = int(time.time() * 1000) if first_seq is None else first_seq
        #: Messages handed to streams, counted once per stream that sent them.
        self.messages_sent = 0
        #: Snapshots rendered (each shared by every stream opening at its version).
        self.snapshots_rendered = 0
        #: Writes a connection could not take at once (their streams finished them).
        self.writes_waited = 0

    def _channel(self, event_id: int) -> _Channel:
        channel = self._channels.get(event_id)
        if channel is None:
            seq = self._first_seq
            channel = _Channel(event_id, deque(maxlen=self._buffer_size), seq=seq)
            channel.newest = {True: seq, False: seq}
            self._channels[event_id] = channel
        return channel

    def event_ids(self) -> list[int]:
        """Return the events this process has live channels for."""
        return list(self._channels)

    def changes(self, event_id: int) -> int:
        """Return how many changes of an event were noted: it moves at once with each one.

        Pages kept for a version of the room compare it (``agora.pages.fresh``). Safe to
        read from a worker thread (one dictionary read).
        """
        channel = self._channels.get(event_id)
        return 0 if channel is None else channel.changes

    def fanout_seconds(self, event_id: int) -> float:
        """Return how long sending a flush to every stream of an event took lately."""
        channel = self._channels.get(event_id)
        return 0.0 if channel is None else channel.fanout_s

    def subscribers(self, event_id: int) -> int:
        """Return how many streams are open for an event."""
        channel = self._channels.get(event_id)
        return 0 if channel is None else len(channel.subscribers)

    def changed(self, event_id: int, section: str, keys: Iterable[Key] = ()) -> None:
        """Note that ``keys`` of a section of an event changed; a coalesced update follows.

        With no keys the section is redrawn as a whole.
        """
        channel = self._channel(event_id)
        channel.changes += 1
        channel.dirty.setdefault(section, set()).update(keys)
        self._schedule(channel)

    def _schedule(self, channel: _Channel) -> None:
        if channel.flush_task is not None and not channel.flush_task.done():
            return
        interval = coalescing_interval(self.interval, channel.fanout_s)
        delay = max(0.0, channel.last_flush + interval - time.monotonic())
        channel.flush_task = asyncio.get_running_loop().create_task(
            self._flush_later(channel, delay)
        )

    async def _flush_later(self, channel: _Channel, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        await self.flush(channel.event_id)
        if channel.dirty:
            channel.flush_task = None
            self._schedule(channel)

    async def flush(self, event_id: int) -> None:
        """Send what changed in an event now."""
        channel = self._channel(event_id)
        dirty, channel.dirty = channel.dirty, {}
        channel.last_flush = time.monotonic()
        if not dirty:
            return
        try:
            rendered = await self._render(event_id, dirty)
        except Exception:  # keep what changed and try again a little later
            log.exception("live update of event %s failed; retrying", event_id)
            for section, keys in dirty.items():
                channel.dirty.setdefault(section, set()).update(keys)
            channel.last_flush = time.monotonic() + RETRY_DELAY
            return
        messages = []
        for name, data, public in rendered:
            channel.seq += 1
            messages.append(Message(channel.seq, name, public, encode(channel.seq, name, data)))
        channel.buffer.extend(messages)
        woken: list[_Waiting] = []
        for public_only in (False, True):
            mine = [m for m in messages if m.public] if public_only else messages
            if mine:
                channel.tails[public_only] = _Tail(
                    floor=channel.newest[public_only],
                    first=mine[0].seq,
                    chunk=b"".join(m.wire for m in mine),
                    count=len(mine),
                )
                channel.newest[public_only] = mine[-1].seq
                woken += channel.waiting[public_only]
                channel.waiting[public_only] = []
        self._fan_out(channel, woken)

    def _fan_out(self, channel: _Channel, waiting: list[_Waiting]) -> None:
        """Send a flush to its streams and measure how long sending to them all takes."""
        if not waiting:
            return
        started = time.monotonic()

        def fanned_out() -> None:  # every stream has been written to, or run up to its send
            took = time.monotonic() - started
            channel.fanout_s = took if took > channel.fanout_s else (channel.fanout_s + took) / 2

        _in_slices(waiting, lambda item: self._deliver(channel, item), on_done=fanned_out)

    def _deliver(self, channel: _Channel, waiting: _Waiting) -> None:
        """Write what a waiting stream has not sent yet, or wake it to send it itself."""
        subscriber, waiter = waiting
        if subscriber.waiter is not waiter or waiter.done():
            return  # closed, or woken meanwhile (it catches up by itself)
        write = subscriber.write
        chunk = None if write is None else self._catch_up(channel, subscriber)
        if write is None or chunk is None:  # no direct write, or it needs a snapshot
            waiter.set_result(None)
            return
        if chunk:
            try:
                pending = write(chunk)
            except Exception as exc:  # the stream's task raises it, and the stream ends
                waiter.set_exception(exc)
                return
            subscriber.idle = subscriber.keep_alive_due = False
            if pending is not None:  # the connection is full: the stream finishes it
                self.writes_waited += 1
                waiter.set_result(pending)
                return
        channel.waiting[subscriber.public_only].append(waiting)  # and it waits on

    def _catch_up(self, channel: _Channel, subscriber: _Subscriber) -> bytes | None:
        """Return what a stream has not sent yet and move it to the newest message.

        Returns None when what it missed is no longer in the buffer: it needs a snapshot.
        """
        public_only = subscriber.public_only
        position = subscriber.position
        if position >= channel.newest[public_only]:
            subscriber.position = max(position, channel.seq)
            return b""
        tail = channel.tails.get(public_only)
        if tail is not None and tail.floor <= position < tail.first:  # it missed the last flush
            subscriber.position = channel.seq
            self.messages_sent += tail.count
            return tail.chunk
        oldest = channel.buffer[0].seq if channel.buffer else channel.seq + 1
        if position + 1 < oldest:
            return None
        missed = [
            m.wire
            for m in islice(channel.buffer, position + 1 - oldest, None)
            if m.public or not public_only
        ]
        subscriber.position = channel.seq
        self.messages_sent += len(missed)
        return b"".join(missed)

    async def _snapshot_of(self, channel: _Channel, public_only: bool) -> tuple[int, bytes]:
        """Return the audience's snapshot at the channel's version, rendering it once."""
        cached = channel.snapshots.get(public_only)
        version = channel.newest[public_only]
        if cached is None or cached.version != version:
            seq = channel.seq
            render = asyncio.get_running_loop().create_task(
                self._render_snapshot(channel.event_id, public_only, seq)
            )
            cached = _Snapshot(version, seq, render)
            channel.snapshots[public_only] = cached

            def forget_failure(task: asyncio.Task[bytes], snapshot: _Snapshot = cached) -> None:
                failed = task.cancelled() or task.exception() is not None
                if failed and channel.snapshots.get(public_only) is snapshot:
                    del channel.snapshots[public_only]

            render.add_done_callback(forget_failure)
        # Shielded: a stream closed while it waits does not cancel the others' render.
        return cached.seq, await asyncio.shield(cached.render)

    async def _render_snapshot(self, event_id: int, public_only: bool, seq: int) -> bytes:
        self.snapshots_rendered += 1
        return encode(seq, "snapshot", await self._snapshot(event_id, public_only))

    async def _start(
        self, channel: _Channel, subscriber: _Subscriber, last_id: int | None
    ) -> bytes:
        """Return what a new stream sends first, and move it past what that covers."""
        if last_id is not None and last_id <= channel.seq:
            subscriber.position = last_id
            missed = self._catch_up(channel, subscriber)
            if missed is not None:
                return missed
        subscriber.position, snapshot = await self._snapshot_of(channel, subscriber.public_only)
        return snapshot

    async def stream(
        self,
        event_id: int,
        *,
        public_only: bool,
        last_event_id: str | None = None,
        write: Write | None = None,
    ) -> AsyncIterator[bytes]:
        """Yield an event's live messages in SSE format, starting with what the client missed.

        With ``write``, the messages that arrive while the stream waits are written with
        it by the channel instead of being yielded (see the module's documentation); what
        the stream sends first, snapshots and keep-alives are still yielded.
        """
        channel = self._channel(event_id)
        subscriber = _Subscriber(public_only, channel.seq, write=write)
        channel.subscribers.add(subscriber)
        self._start_heartbeat()
        loop = asyncio.get_running_loop()
        try:
            last_id = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
            yield RETRY + await self._start(channel, subscriber, last_id)
            while True:
                chunk = self._catch_up(channel, subscriber)
                if chunk is None:  # fell behind the buffer: start again from a snapshot
                    subscriber.position, chunk = await self._snapshot_of(channel, public_only)
                if chunk:
                    subscriber.idle = subscriber.keep_alive_due = False
                    yield chunk
                elif subscriber.keep_alive_due:
                    subscriber.keep_alive_due = False
                    yield KEEP_ALIVE
                else:
                    waiter = subscriber.waiter = loop.create_future()
                    channel.waiting[public_only].append((subscriber, waiter))
                    pending = await waiter
                    subscriber.waiter = None
                    if pending is not None:
                        await pending
        finally:
            subscriber.write = None
            channel.subscribers.discard(subscriber)

    # -- heartbeat -----------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        if self._heartbeat_task is None or self._heartbeat_task.done():
            self._heartbeat_task = asyncio.get_running_loop().create_task(self._beat())

    async def _beat(self) -> None:
        """Every ``heartbeat`` seconds, have each stream that sent nothing since send a comment.

        It ends when no stream is open anywhere; the next stream starts it again.
        """
        while any(channel.subscribers for channel in self._channels.values()):
            await asyncio.sleep(self._heartbeat)
            self.beat()

    def beat(self) -> None:
        """One heartbeat: every stream that sent nothing since the previous one sends a
        keep-alive comment."""
        due = []
        for channel in self._channels.values():
            for subscriber in channel.subscribers:
                if subscriber.idle:
                    subscriber.keep_alive_due = True
                    if subscriber.waiter is not None:  # else it is busy sending
                        due.append(subscriber.waiter)
                subscriber.idle = True
            # Drop the entries of streams closed or woken since the last flush.
            for public_only, waiting in channel.waiting.items():
                channel.waiting[public_only] = [
                    (s, w) for s, w in waiting if s.waiter is w and not w.done()
                ]
        _in_slices(due, _wake)

    async def close(self) -> None:
        """Stop the heartbeat (when the app shuts down)."""
        task, self._heartbeat_task = self._heartbeat_task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task])


def _wake(waiter: asyncio.Future[Awaitable[None] | None]) -> None:
    if not waiter.done():  # a closed stream's future is cancelled
        waiter.set_result(None)


def _in_slices(
    items: list[_T],
    act: Callable[[_T], None],
    start: int = 0,
    on_done: Callable[[], None] | None = None,
) -> None:
    """Do ``act`` for each item (a waiting stream), ``WAKE_SLICE`` per turn of the loop.

    ``on_done`` runs once the streams woken by the last slice have run: the loop runs
    callbacks in order, and each woken stream's step (up to its send) was scheduled
    before it.
    """
    end = start + WAKE_SLICE
    for item in islice(items, start, end):
        act(item)
    loop = asyncio.get_running_loop()
    if end < len(items):
        loop.call_soon(_in_slices, items, act, end, on_done)
    elif on_done is not None:
        loop.call_soon(on_done)
