"""A room joining at once: events found by code from memory, joins committed in groups.

When a thousand phones scan the QR code in a minute, each one's join was a lookup of the
event by its code, an insert and a commit of its own (through SQLite's single writer, or
a pooled PostgreSQL connection): about 380 joins a second at best (docs/performance.md).
Here:

- :class:`KnownEvents` keeps what a join needs of an event (id, code, language, whether
  it asks for names) by code, for :data:`KEEP_S` seconds; a process that changes an event
  forgets it at once (:func:`forget_event`), the others within those seconds.
- :class:`Joins` commits anonymous joins through a group committer
  (``agora.core.groupcommit``), as polls do with answers: many joins, one transaction,
  each acknowledged once committed. The batch reads the events it joins again, so an
  event deleted, or made to ask for names, since it was kept in memory refuses its joins
  as it would have before.

Joins linked to a registration or an organiser account keep ``services.join_event``
(one participant per registration or account, found or created in one transaction).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import anyio.to_thread
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from agora.core.db import Database, utcnow
from agora.core.errors import AgoraError, NotFound
from agora.core.groupcommit import GroupCommitter
from agora.core.i18n import _
from agora.events.models import Event, Participant
from agora.events.schemas import EventOut
from agora.events.services import get_event, joining_identity, normalize_code
from agora.web.state import AppState

#: Seconds an event is kept in memory: how long another process's change to the event's
#: language or name rule may take to reach this one's joins (the batch checks the rule).
KEEP_S = 5.0
#: Events kept at most; the ones kept longest go first.
MAX_EVENTS = 4096

PARTICIPANTS = cast(Table, Participant.__table__)


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """What joining and the participants' stream need of an event."""

    id: int
    code: str
    language: str
    ask_identity: bool
    #: The event as everyone may see it (what the join API answers with).
    public: EventOut


class KnownEvents:
    """Events by code, kept for :data:`KEEP_S` seconds (safe from any thread)."""

    def __init__(self, keep_s: float = KEEP_S) -> None:
        self._keep_s = keep_s
        self._events: dict[str, tuple[float, KnownEvent]] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> KnownEvent | None:
        """Return the event with ``code`` if it is kept and recent enough, else None."""
        kept = self._events.get(normalize_code(code))
        if kept is None or kept[0] < time.monotonic():
            return None
        return kept[1]

    def remember(self, event: Event) -> KnownEvent:
        """Keep what joining needs of ``event`` and return it."""
        known = KnownEvent(
            event.id,
            event.code,
            event.language,
            event.ask_identity,
            EventOut.model_validate(event, from_attributes=True),
        )
        with self._lock:
            if len(self._events) >= MAX_EVENTS:
                oldest = min(self._events, key=lambda c: self._events[c][0])
                del self._events[oldest]
            self._events[event.code] = (time.monotonic() + self._keep_s, known)
        return known

    def forget(self, event_id: int) -> None:
        """Forget an event (it changed or is gone)."""
        with self._lock:
            self._events = {c: k for c, k in self._events.items() if k[1].id != event_id}


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """One anonymous join (no registration, no account) waiting for its batch."""

    event_id: int
    name: str = ""
    organisation: str = ""


def write_joins(session: Session, batch: Sequence[JoinRequest]) -> list[int | AgoraError]:
    """Add a batch of participants in one statement; return each one's id or its refusal.

    Reads the batch's events first: a join to an event that is gone gets NotFound, one
    without a name to an event that asks for names gets InvalidInput. The caller commits.
    """
    asks: dict[int, bool] = {
        event_id: ask
        for event_id, ask in session.execute(
            select(Event.id, Event.ask_identity).where(Event.id.in_({j.event_id for j in batch}))
        )
    }
    outcomes: list[int | AgoraError | None] = [None] * len(batch)
    rows: list[dict[str, object]] = []
    placed: list[int] = []
    now = utcnow()
    for index, join in enumerate(batch):
        if join.event_id not in asks:
            outcomes[index] = NotFound(_("This event no longer exists."))
            continue
        try:
            name, organisation = joining_identity(asks[join.event_id], join.name, join.organisation)
        except AgoraError as exc:
            outcomes[index] = exc
            continue
        rows.append(
            {
                "event_id": join.event_id,
                "name": name,
                "organisation": organisation,
                "simulated": False,
                "created_at": now,
            }
        )
        placed.append(index)
    if rows:
        ids = session.execute(
            insert(PARTICIPANTS).returning(PARTICIPANTS.c.id, sort_by_parameter_order=True),
            rows,
        ).scalars()
        for index, participant_id in zip(placed, ids, strict=True):
            outcomes[index] = participant_id
    return [o for o in outcomes if o is not None]


class Joins:
    """What events keeps for the life of the app: events by code and the join committer."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        self.events = KnownEvents()
        #: Readings of an event under way, by code (on the event loop).
        self._reading: dict[str, asyncio.Task[KnownEvent]] = {}
        db: Database = state.db

        def write(batch: Sequence[JoinRequest]) -> list[int | AgoraError]:
            with db.sessionmaker() as session:
                outcomes = write_joins(session, batch)
                session.commit()
            return outcomes

        self._write = write
        self.committer: GroupCommitter[JoinRequest, int] = GroupCommitter(
            write, max_batch=state.settings.commit_batch_size
        )

    def attach(self) -> None:
        """Register with the app: the committer runs for the life of the app."""
        self._state.provide(self)
        self._state.on_lifespan(self._start, self.committer.stop)

    async def _start(self) -> None:
        self.committer.start()

    async def event(self, code: str) -> KnownEvent:
        """Return the event with ``code``: from memory, else read (NotFound if none).

        Requests arriving while it is read wait for that one reading (a room joining
        asks for it dozens of times at once, every time the kept copy expires).
        """
        known = self.events.get(code)
        if known is not None:
            return known
        key = normalize_code(code)
        loop = asyncio.get_running_loop()
        reading = self._reading.get(key)
        if reading is None or reading.get_loop() is not loop:
            reading = self._reading[key] = loop.create_task(self._read(key))
            reading.add_done_callback(self._read_done)
        return await asyncio.shield(reading)

    def _read_done(self, done: asyncio.Task[KnownEvent]) -> None:
        self._reading = {code: task for code, task in self._reading.items() if task is not done}

    async def _read(self, code: str) -> KnownEvent:
        def load() -> KnownEvent:
            with self._state.db.sessionmaker() as session:
                return self.events.remember(get_event(session, code))

        return await anyio.to_thread.run_sync(load)

    async def join(self, event: KnownEvent, name: str = "", organisation: str = "") -> int:
        """Add an anonymous participant to ``event`` once committed; return their id."""
        joining_identity(event.ask_identity, name, organisation)  # refuse before queueing
        request = JoinRequest(event.id, name, organisation)
        if self.committer.running_here():
            return await self.committer.submit(request)
        # Not on the loop serving the app (an app driven without its lifespan, as some
        # tests do): a transaction of its own.
        (outcome,) = await anyio.to_thread.run_sync(self._write, [request])
        if isinstance(outcome, AgoraError):
            raise outcome
        return outcome


def forget_event(state: AppState, event_id: int) -> None:
    """Forget the kept copy of an event that changed or is gone (this process)."""
    state.part(Joins).events.forget(event_id)
