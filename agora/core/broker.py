"""How processes serving the same events tell each other what changed.

With one process (the default) there is nothing to tell: :class:`LocalBroker` does
nothing. With several, :class:`RedisBroker` publishes every committed batch and every
poll change on a Redis channel; each process then refreshes what it keeps in memory and
updates its own live streams. Messages carry their sender and a sequence number, so a
receiver notices a gap (a lost message, a broken connection) and rebuilds from the
database instead of trusting what it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

CHANNEL = "agora:live"

#: Called with each message from another process.
MessageHandler = Callable[[dict[str, Any]], Awaitable[None]]
#: Called when messages may have been lost.
GapHandler = Callable[[], Awaitable[None]]


class Broker(Protocol):
    """Carries change notices between the processes of one Agora."""

    async def start(self, on_message: MessageHandler, on_gap: GapHandler) -> None:
        """Start receiving other processes' messages."""

    def publish(self, message: dict[str, Any]) -> None:
        """Send a message to the other processes (never blocks the caller)."""

    async def stop(self) -> None:
        """Stop sending and receiving."""


class LocalBroker:
    """One process: every change is already known where it happens."""

    async def start(self, on_message: MessageHandler, on_gap: GapHandler) -> None:
        """Nothing to receive."""

    def publish(self, message: dict[str, Any]) -> None:
        """Nothing to send."""

    async def stop(self) -> None:
        """Nothing to stop."""


class RedisBroker:
    """Redis pub/sub between processes; a gap in a sender's sequence triggers a rebuild."""

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self.url = url
        self.channel = channel
        self.origin = secrets.token_hex(8)
        self._seq = 0
        self._last_seen: dict[str, int] = {}
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.received = 0

    async def start(self, on_message: MessageHandler, on_gap: GapHandler) -> None:
        """Connect, subscribe, and start the sending and receiving tasks."""
        import redis.asyncio as redis

        self._redis = redis.from_url(self.url)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self.channel)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._send(), name="broker-send"),
            loop.create_task(self._receive(on_message, on_gap), name="broker-receive"),
        ]

    def publish(self, message: dict[str, Any]) -> None:
        """Queue a message; the sending task numbers it and publishes it in order."""
        self._outbox.put_nowait(message)

    async def _send(self) -> None:
        while True:
            message = await self._outbox.get()
            self._seq += 1
            payload = json.dumps({**message, "origin": self.origin, "seq": self._seq})
            while True:
                try:
                    await self._redis.publish(self.channel, payload)
                    break
                except Exception:  # the receivers see the gap in our numbers and rebuild
                    log.warning("could not publish on Redis; retrying", exc_info=True)
                    await asyncio.sleep(1)

    async def _receive(self, on_message: MessageHandler, on_gap: GapHandler) -> None:
        while True:
            try:
                raw = await self._pubsub.get_message(timeout=1.0)
            except Exception:
                log.warning("lost the Redis subscription; reconnecting", exc_info=True)
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await self._pubsub.subscribe(self.channel)
                self._last_seen.clear()
                await on_gap()
                continue
            if raw is None or raw.get("type") != "message":
                continue
            try:
                message = json.loads(raw["data"])
                origin, seq = str(message["origin"]), int(message["seq"])
            except (ValueError, KeyError, TypeError):
                log.warning("ignored a malformed broker message")
                continue
            if origin == self.origin:
                continue
            self.received += 1
            last = self._last_seen.get(origin)
            self._last_seen[origin] = seq
            try:
                if last is not None and seq != last + 1:
                    await on_gap()
                else:
                    await on_message(message)
            except Exception:  # one bad message must not stop the receiver
                log.exception("handling a broker message failed")

    async def stop(self) -> None:
        """Cancel the tasks and close the connection."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
            await self._redis.aclose()


def make_broker(kind: str, redis_url: str, prefix: str = "agora") -> Broker:
    """Return the broker the settings ask for (Redis: on the channel ``<prefix>:live``)."""
    return RedisBroker(redis_url, f"{prefix}:live") if kind == "redis" else LocalBroker()
