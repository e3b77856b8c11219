"""The live hub: coalesced updates per event, fanned out to Server-Sent-Events streams.

The hub knows events, sections and keys, nothing of any domain. A change marks keys of a
section of an event dirty (``changed(event, "polls", 12)``); at most once per ``interval``
a flush asks the renderer for the messages of what changed, numbers them, keeps the last
ones for clients that reconnect with ``Last-Event-ID``, and hands them to every stream of
the event. A client that missed more than the buffer holds gets a snapshot.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: Messages a slow client may fall behind by before its stream is closed (it reconnects).
SUBSCRIBER_QUEUE = 256
#: Extra wait before rendering again after a failed render.
RETRY_DELAY = 1.0


#: What a section says changed in it (a question id, ``"list"``…); its meaning is the
#: section's own.
Key = int | str
#: Live messages: (event name, JSON data, public). Public ones also reach participants.
Rendered = list[tuple[str, dict[str, Any], bool]]


@dataclass(frozen=True)
class Message:
    """One numbered live message; ``public`` ones also go to participants."""

    seq: int
    event: str
    data: str
    public: bool

    def encode(self) -> str:
        """Return the message in Server-Sent-Events wire format."""
        return f"id: {self.seq}\nevent: {self.event}\ndata: {self.data}\n\n"


@dataclass(eq=False)  # compared and hashed by identity, to live in a set
class _Subscriber:
    public_only: bool
    queue: asyncio.Queue[Message | None] = field(
        default_factory=lambda: asyncio.Queue(SUBSCRIBER_QUEUE)
    )


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
        # Numbering starts at the clock's milliseconds, so after a restart every id a
        # client still holds is lower than the new ones and gets a snapshot, not a
        # replay of unrelated messages.
        self._first_seq = int(time.time() * 1000) if first_seq is None else first_seq
        self.messages_sent = 0

    def _channel(self, event_id: int) -> _Channel:
        channel = self._channels.get(event_id)
        if channel is None:
            channel = _Channel(event_id, deque(maxlen=self._buffer_size), seq=self._first_seq)
            self._channels[event_id] = channel
        return channel

    def event_ids(self) -> list[int]:
        """Return the events this process has live channels for."""
        return list(self._channels)

    def subscribers(self, event_id: int) -> int:
        """Return how many streams are open for an event."""
        channel = self._channels.get(event_id)
        return 0 if channel is None else len(channel.subscribers)

    def changed(self, event_id: int, section: str, keys: Iterable[Key] = ()) -> None:
        """Note that ``keys`` of a section of an event changed; a coalesced update follows.

        With no keys the section is redrawn as a whole.
        """
        channel = self._channel(event_id)
        channel.dirty.setdefault(section, set()).update(keys)
        self._schedule(channel)

    def _schedule(self, channel: _Channel) -> None:
        if channel.flush_task is not None and not channel.flush_task.done():
            return
        delay = max(0.0, channel.last_flush + self.interval - time.monotonic())
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
        for name, data, public in rendered:
            channel.seq += 1
            message = Message(channel.seq, name, json.dumps(data, separators=(",", ":")), public)
            channel.buffer.append(message)
            self._deliver(channel, message)

    def _deliver(self, channel: _Channel, message: Message) -> None:
        for subscriber in list(channel.subscribers):
            if subscriber.public_only and not message.public:
                continue
            try:
                subscriber.queue.put_nowait(message)
                self.messages_sent += 1
            except asyncio.QueueFull:  # too slow: close it; it reconnects with Last-Event-ID
                channel.subscribers.discard(subscriber)
                subscriber.queue = asyncio.Queue(1)
                subscriber.queue.put_nowait(None)

    async def _start(
        self, channel: _Channel, public_only: bool, last_id: int | None
    ) -> tuple[list[str], int]:
        """Return what a new stream sends first, and the last sequence number it covers."""
        if last_id is not None and last_id <= channel.seq:
            oldest = channel.buffer[0].seq if channel.buffer else channel.seq + 1
            if last_id + 1 >= oldest:
                missed = [m for m in channel.buffer if m.seq > last_id]
                chunks = [m.encode() for m in missed if m.public or not public_only]
                return chunks, channel.seq
        seq = channel.seq
        data = await self._snapshot(channel.event_id, public_only)
        snapshot = Message(seq, "snapshot", json.dumps(data, separators=(",", ":")), True)
        return [snapshot.encode()], seq

    async def stream(
        self, event_id: int, *, public_only: bool, last_event_id: str | None = None
    ) -> AsyncIterator[str]:
        """Yield an event's live messages in SSE format, starting with what the client missed."""
        channel = self._channel(event_id)
        subscriber = _Subscriber(public_only)
        channel.subscribers.add(subscriber)
        try:
            last_id = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
            chunks, covered = await self._start(channel, public_only, last_id)
            yield "retry: 2000\n\n" + "".join(chunks)
            while True:
                try:
                    message = await asyncio.wait_for(subscriber.queue.get(), self._heartbeat)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if message is None:
                    return
                if message.seq > covered:  # the snapshot or replay already had older ones
                    yield message.encode()
        finally:
            channel.subscribers.discard(subscriber)
