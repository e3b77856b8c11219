"""The page of a participant who has done nothing yet, drawn once per version of the room.

When a room joins — a thousand phones scanning the QR code in a minute — every phone's
first page is the same: no answer, no question, no turn at the microphone, no name. Drawing
it costs ~10 ms of server CPU and a dozen queries (docs/performance.md), so it is drawn once
per event, language, address and version of the room (the count of changes the live hub
noted for the event, which moves the moment a route reports one, before any message goes
out) and kept for a few seconds; each phone gets a copy with its own form key. A
participant with anything of their own — a row in any table that names them, a name, a
registration or an account — gets their page drawn for them, as does any request carrying
a notice or an organiser's sign-in.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import Table, exists, literal, or_, select
from sqlalchemy.orm import Session

from agora.core.db import Base
from agora.events.models import Participant

log = logging.getLogger(__name__)

#: Stands for the page's form key in a kept page; replaced by a new key for each phone.
KEY_MARK = "AgoraFreshPageKey0000"
#: Seconds a kept page serves, whatever the version says.
MAX_AGE = 5.0
#: Pages kept at most (events × languages × addresses); the oldest go first.
MAX_PAGES = 256


def _tables_naming_participants() -> list[Table]:
    """Every table with a ``participant_id`` column pointing at a participant."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if "participant_id" in table.c
        and any(
            fk.column.table.name == "participants" for fk in table.c.participant_id.foreign_keys
        )
    ]


def is_fresh(session: Session, participant_id: int) -> bool:
    """Return whether a participant has nothing of their own yet (one query)."""
    owns = [
        exists().where(table.c.participant_id == participant_id)
        for table in _tables_naming_participants()
    ]
    personal = or_(
        Participant.name != "",
        Participant.organisation != "",
        Participant.registration_id.is_not(None),
        Participant.organiser_id.is_not(None),
        *owns,
    )
    found = session.scalar(select(literal(1)).where(Participant.id == participant_id, ~personal))
    return found is not None


@dataclass(frozen=True)
class _Kept:
    version: int
    until: float
    body: str


class FreshPages:
    """The kept pages of new participants, by event, language, address and version."""

    def __init__(self) -> None:
        self._pages: dict[tuple[object, ...], _Kept] = {}
        self._lock = threading.Lock()
        #: Drawings under way, by key and version (on the event loop only).
        self._drawing: dict[tuple[tuple[object, ...], int], asyncio.Task[str | None]] = {}
        #: Pages drawn and pages served from the kept copy (for the benchmarks).
        self.drawn = 0
        self.served = 0

    def get(self, key: tuple[object, ...], version: int) -> str | None:
        """Return the kept page for ``key`` at ``version`` with a new form key, or None."""
        kept = self._pages.get(key)
        if kept is None or kept.version != version or kept.until < time.monotonic():
            return None
        self.served += 1
        return kept.body.replace(KEY_MARK, secrets.token_urlsafe(12))

    async def get_or_draw(
        self, key: tuple[object, ...], version: int, draw: Callable[[], Awaitable[str]]
    ) -> str | None:
        """Return the kept page for ``key`` at ``version``, drawing it if there is none.

        Phones arriving together while it is drawn wait for that one drawing instead of
        each drawing their own (a room joining asks for it dozens of times at once). None
        when the drawing failed (logged): the caller sends the phone to the page instead.
        """
        page = self.get(key, version)
        if page is not None:
            return page
        drawing = self._drawing.get((key, version))
        waited = drawing is not None
        if drawing is None:
            drawing = asyncio.get_running_loop().create_task(self._draw(key, version, draw))
            self._drawing[(key, version)] = drawing
        body = await asyncio.shield(drawing)
        if body is None:
            return None
        self.served += waited
        return body.replace(KEY_MARK, secrets.token_urlsafe(12))

    async def _draw(
        self, key: tuple[object, ...], version: int, draw: Callable[[], Awaitable[str]]
    ) -> str | None:
        try:
            body = await draw()
        except Exception:
            log.exception("drawing the new participants' page failed")
            return None
        finally:
            self._drawing.pop((key, version), None)
        self.keep(key, version, body)
        return body

    def keep(self, key: tuple[object, ...], version: int, body: str) -> None:
        """Keep a page drawn at ``version`` (with :data:`KEY_MARK` as its form key)."""
        with self._lock:
            self.drawn += 1
            if len(self._pages) >= MAX_PAGES:
                oldest = min(self._pages, key=lambda k: self._pages[k].until)
                del self._pages[oldest]
            self._pages[key] = _Kept(version, time.monotonic() + MAX_AGE, body)
