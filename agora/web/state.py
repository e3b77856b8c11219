"""The objects one running Agora shares between requests; it knows no domain.

Domains attach what they keep for the life of the app (polls: its group committer and
tallies) with ``provide``, and say how to react to another process's notices with
``on_remote`` and to a gap in the broker with ``on_resync``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.templating import Jinja2Templates

from agora.core.broker import Broker
from agora.core.db import Database
from agora.core.security import Signer
from agora.core.settings import Settings
from agora.live.hub import Hub, Key
from agora.live.sections import LiveSections

T = TypeVar("T")
#: Handles one kind of another process's notice.
RemoteHandler = Callable[[dict[str, Any]], Awaitable[None]]
#: Starts or stops something a domain runs for the life of the app.
Lifecycle = Callable[[], Awaitable[None]]


@dataclass
class AppState:
    """Settings, database, signer, live hub and sections, broker and templates of one app."""

    settings: Settings
    db: Database
    signer: Signer
    hub: Hub
    sections: LiveSections
    broker: Broker
    templates: Jinja2Templates
    #: The event loop serving the app, set when it starts.
    loop: asyncio.AbstractEventLoop | None = None
    _parts: dict[type, Any] = field(default_factory=dict, repr=False)
    _remote: dict[str, RemoteHandler] = field(default_factory=dict, repr=False)
    _resync: list[Lifecycle] = field(default_factory=list, repr=False)
    _start: list[Lifecycle] = field(default_factory=list, repr=False)
    _stop: list[Lifecycle] = field(default_factory=list, repr=False)

    # -- what domains attach -----------------------------------------------------------

    def provide(self, part: object) -> None:
        """Keep a domain's long-lived object, found again by its type with ``part``."""
        self._parts[type(part)] = part

    def part(self, kind: type[T]) -> T:
        """Return the object a domain attached with ``provide``."""
        found: T = self._parts[kind]
        return found

    def on_remote(self, kind: str, handler: RemoteHandler) -> None:
        """Handle another process's notices of ``kind`` (published with ``publish``)."""
        self._remote[kind] = handler

    def on_resync(self, handler: Lifecycle) -> None:
        """Run ``handler`` after a gap in the broker, before every section is redrawn."""
        self._resync.append(handler)

    def on_lifespan(self, start: Lifecycle, stop: Lifecycle) -> None:
        """Run ``start`` when the app starts serving and ``stop`` when it shuts down."""
        self._start.append(start)
        self._stop.insert(0, stop)

    async def start(self) -> None:
        """Start what the domains run for the life of the app, and the broker."""
        self.loop = asyncio.get_running_loop()
        for start in self._start:
            await start()
        await self.broker.start(self.remote_change, self.resync)

    async def stop(self) -> None:
        """Stop the broker and what the domains run, then close the database."""
        await self.broker.stop()
        for stop in self._stop:
            await stop()
        await self.hub.close()
        self.db.dispose()

    # -- changes -----------------------------------------------------------------------

    def changed(self, event_id: int, section: str, keys: Iterable[Key] = ()) -> None:
        """Redraw ``keys`` of a section of an event (all of it without keys) everywhere.

        Safe to call from a route's worker thread: the hub and the broker live on the
        event loop, so the notice is handed to it.
        """
        self.on_loop(self._changed, event_id, section, list(keys))

    def _changed(self, event_id: int, section: str, keys: list[Key]) -> None:
        self.hub.changed(event_id, section, keys)
        self.publish({"kind": "section", "event_id": event_id, "section": section, "keys": keys})

    def event_changed(self, event_id: int) -> None:
        """Redraw every section of an event (it was closed, reopened or renamed)."""
        for name in self.sections.names:
            self.changed(event_id, name)

    def publish(self, message: dict[str, Any]) -> None:
        """Tell the other processes serving this app (a no-op with the in-process broker)."""
        self.broker.publish(message)

    def on_loop(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function`` on the app's event loop, now if already there."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and (self.loop is None or running is self.loop):
            function(*args)
        elif self.loop is not None:
            self.loop.call_soon_threadsafe(function, *args)

    async def remote_change(self, message: dict[str, Any]) -> None:
        """Apply another process's notice to this process's memory and streams."""
        kind = message.get("kind")
        if kind == "section":
            keys = [k if isinstance(k, int | str) else str(k) for k in message.get("keys", [])]
            self.hub.changed(int(message["event_id"]), str(message["section"]), keys)
        elif isinstance(kind, str) and kind in self._remote:
            await self._remote[kind](message)

    async def resync(self) -> None:
        """After a gap in the broker: forget what memory holds and redraw every stream."""
        for handler in self._resync:
            await handler()
        for event_id in self.hub.event_ids():
            for name in self.sections.names:
                self.hub.changed(event_id, name)
