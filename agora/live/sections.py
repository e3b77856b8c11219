"""The sections of the live pages: each domain draws its own, the hub knows only their names.

A section is what one domain contributes to the participant, screen and moderator pages
and to their stream (polls, agenda, Q&A, floor queue…). It has:

- ``name``: what ``changed(event_id, name, keys)`` marks dirty;
- ``render(event_id, keys)``: the live messages for what changed (no keys: all of it);
- ``snapshot(event_id, public_only)``: everything a new stream of one audience needs,
  as ``{message name: data}``; the stream's snapshot gathers every section's. For
  participants (``public_only``) a section draws only its public messages: what only
  moderators see is neither queried nor rendered, and never reaches a participant.

The hub renders a snapshot once per audience and version and shares it between streams.

A domain whose section is drawn whole from the database builds it with ``DatabaseSection``
from a plain function ``draw(db, event_id, public_only)``; polls, whose results live in
memory, has a class of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import anyio.to_thread

from agora.core.db import Database
from agora.live.hub import Key, Rendered


class LiveSection(Protocol):
    """One domain's part of the live pages and their stream."""

    name: str

    async def render(self, event_id: int, keys: set[Key]) -> Rendered:
        """Return the messages for what changed (every message when ``keys`` is empty)."""
        ...

    async def snapshot(self, event_id: int, public_only: bool) -> dict[str, Any]:
        """Return the section's state for a new stream, by message name.

        With ``public_only`` only public messages, without drawing moderator-only ones.
        """
        ...


#: Draws a section's messages: (db, event id, public only) → messages; with
#: ``public_only`` it leaves out (and does not compute) the moderator-only ones.
Draw = Callable[[Database, int, bool], Rendered]


@dataclass
class DatabaseSection:
    """A section redrawn whole from the database, in a worker thread, whatever changed."""

    name: str
    db: Database
    draw: Draw

    async def render(self, event_id: int, keys: set[Key]) -> Rendered:
        """Return every message of the section."""
        return await anyio.to_thread.run_sync(self.draw, self.db, event_id, False)

    async def snapshot(self, event_id: int, public_only: bool) -> dict[str, Any]:
        """Return the section's messages that the audience may see, by name."""
        drawn = await anyio.to_thread.run_sync(self.draw, self.db, event_id, public_only)
        # A draw function that returned a private message anyway: it is still not sent.
        return {name: data for name, data, public in drawn if public or not public_only}


class LiveSections:
    """Every section of this app, asked by the hub to render changes and snapshots."""

    def __init__(self, sections: Iterable[LiveSection] = ()) -> None:
        self._sections: dict[str, LiveSection] = {}
        for section in sections:
            self.add(section)

    def add(self, section: LiveSection) -> None:
        """Register a section under its name."""
        self._sections[section.name] = section

    def __iter__(self) -> Iterator[LiveSection]:
        """Return the sections, in page order."""
        return iter(self._sections.values())

    @property
    def names(self) -> tuple[str, ...]:
        """Return the section names, in the order they were added (the pages' order)."""
        return tuple(self._sections)

    async def render(self, event_id: int, dirty: dict[str, set[Key]]) -> Rendered:
        """Return the messages for what changed in an event, section by section."""
        messages: Rendered = []
        for name in self._sections:
            if name in dirty:
                messages.extend(await self._sections[name].render(event_id, dirty[name]))
        return messages

    async def snapshot(self, event_id: int, public_only: bool) -> dict[str, Any]:
        """Return everything a new stream of one audience needs to draw the event."""
        sections: dict[str, Any] = {}
        for section in self._sections.values():
            sections.update(await section.snapshot(event_id, public_only))
        return {"sections": sections}
