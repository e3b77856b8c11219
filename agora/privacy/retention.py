"""The retention purge: after an event's retention period, its personal data is anonymised.

Once ``ends_on`` plus the event's retention days (``AGORA_RETENTION_DAYS`` unless its
settings say otherwise) has passed, the purge blanks what identifies people and keeps what
the report counts:

- registrations: name, e-mail address (freeing it), organisation and region or city are
  blanked and the link replaced by a random one nobody holds; the status, check-in,
  organisation type and country stay (the report counts them, they name nobody);
- participants: name and organisation are blanked; their poll answers stay, anonymous;
- questions, floor requests and takeaways lose the name attached to them and the link to
  their participant; the questions, topics and lessons stay.

``agora purge`` runs it once; the server runs it at start and every
``AGORA_RETENTION_INTERVAL_HOURS``. Each event purged gets an audit entry by
``audit.SYSTEM``. Running it again changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from agora.core.db import Database, utcnow
from agora.events import audit
from agora.events.models import Event, Participant
from agora.floor.models import FloorRequest
from agora.privacy.notice import purge_date
from agora.qa.models import AudienceQuestion
from agora.registrations.models import Registration
from agora.registrations.services import new_token
from agora.takeaways.models import Takeaway
from agora.web.state import AppState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    """What the purge anonymised in one event."""

    event_id: int
    code: str
    registrations: int
    participants: int
    questions: int
    floor_requests: int
    takeaways: int

    @property
    def total(self) -> int:
        """Return how many rows changed."""
        return (
            self.registrations
            + self.participants
            + self.questions
            + self.floor_requests
            + self.takeaways
        )

    def summary(self) -> str:
        """Return the counts, as the audit entry and the command print them."""
        return (
            f"{self.registrations} registrations, {self.participants} participants, "
            f"{self.questions} questions, {self.floor_requests} floor requests, "
            f"{self.takeaways} takeaways"
        )


def is_due(event: Event, default_days: int, today: dt.date) -> bool:
    """Tell whether ``event``'s retention period is over on ``today``."""
    return today >= purge_date(event, default_days)


def _count(session: Session, statement: Any) -> int:
    result = session.execute(statement)
    return result.rowcount if isinstance(result, CursorResult) else 0


def purge_event(session: Session, event: Event) -> Purged:
    """Anonymise ``event``'s personal data now (whatever its dates); record it if any changed."""
    registrations = list(
        session.scalars(
            select(Registration).where(
                Registration.event_id == event.id,
                or_(
                    Registration.name != "",
                    Registration.email.is_not(None),
                    Registration.organisation != "",
                    Registration.place != "",
                ),
            )
        )
    )
    for registration in registrations:
        registration.name = ""
        registration.email = None
        registration.organisation = ""
        registration.place = ""
        registration.token = new_token()  # nobody holds it: the old link finds nothing
    participants = _count(
        session,
        update(Participant)
        .where(
            Participant.event_id == event.id,
            or_(Participant.name != "", Participant.organisation != ""),
        )
        .values(name="", organisation=""),
    )
    questions = _count(
        session,
        update(AudienceQuestion)
        .where(
            AudienceQuestion.event_id == event.id,
            or_(AudienceQuestion.author_name != "", AudienceQuestion.participant_id.is_not(None)),
        )
        .values(author_name="", participant_id=None),
    )
    floor = _count(
        session,
        update(FloorRequest)
        .where(
            FloorRequest.event_id == event.id,
            or_(FloorRequest.name != "", FloorRequest.participant_id.is_not(None)),
        )
        .values(name="", participant_id=None),
    )
    takeaways = _count(
        session,
        update(Takeaway)
        .where(
            Takeaway.event_id == event.id,
            or_(Takeaway.speaker_name != "", Takeaway.participant_id.is_not(None)),
        )
        .values(speaker_name="", participant_id=None),
    )
    purged = Purged(
        event.id, event.code, len(registrations), participants, questions, floor, takeaways
    )
    if purged.total:
        event.personal_data_purged_at = utcnow()
        audit.record(session, event, audit.SYSTEM, "personal_data.purged", purged.summary())
    session.flush()
    return purged


def purge_due(db: Database, default_days: int, today: dt.date | None = None) -> list[Purged]:
    """Purge every event whose retention period is over; return those where data changed.

    Each event is purged in a transaction of its own, so one failure leaves the others done.
    """
    today = today or dt.date.today()
    latest_end = today - dt.timedelta(days=1)  # an event still running keeps its data
    with db.session() as session:
        candidates = [
            (event_id, code)
            for event_id, code, ends_on, days in session.execute(
                select(Event.id, Event.code, Event.ends_on, Event.retention_days).where(
                    Event.ends_on <= latest_end
                )
            )
            if today >= ends_on + dt.timedelta(days=default_days if days is None else days)
        ]
    done = []
    for event_id, code in candidates:
        try:
            with db.session() as session:
                event = session.get(Event, event_id)
                if event is not None:
                    purged = purge_event(session, event)
                    if purged.total:
                        done.append(purged)
        except Exception:  # one event's failure must not stop the others
            log.exception("the retention purge of event %s failed", code)
    return done


class RetentionTask:
    """The purge the server runs by itself: at start, then every interval."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        self._task: asyncio.Task[None] | None = None

    def attach(self) -> None:
        """Run with the app (unless ``AGORA_RETENTION_INTERVAL_HOURS`` is 0)."""
        if self._state.settings.retention_interval_hours > 0:
            self._state.on_lifespan(self.start, self.stop)

    async def start(self) -> None:
        """Start the purging loop."""
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop the loop (a purge in its thread finishes its event)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run_once(self) -> list[Purged]:
        """Purge what is due now and redraw the live pages of the events purged."""
        settings = self._state.settings
        done = await anyio.to_thread.run_sync(purge_due, self._state.db, settings.retention_days)
        for purged in done:
            log.info("retention purge of %s: %s", purged.code, purged.summary())
            self._state.event_changed(purged.event_id)
        return done

    async def _loop(self) -> None:
        interval = self._state.settings.retention_interval_hours * 3600
        while True:
            try:
                await self.run_once()
            except Exception:  # the database may be away for a while: try again later
                log.exception("the retention purge failed")
            await asyncio.sleep(interval)


def attach(state: AppState) -> RetentionTask:
    """Give the app its retention purge."""
    task = RetentionTask(state)
    task.attach()
    state.provide(task)
    return task
