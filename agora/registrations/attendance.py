"""Attendance figures of an event: registered, waiting, present, absent, seats, occupancy.

Counted in one query from the registrations; docs/registrations.md explains each figure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from agora.events.models import Event
from agora.registrations.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class Attendance:
    """Attendance figures of an event; see docs/registrations.md for how each is counted."""

    registered: int
    waitlisted: int
    cancelled: int
    checked_in: int
    walk_ins: int
    present: int
    no_shows: int
    seats: int | None
    free_seats: int | None
    occupancy: float | None

    def as_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return asdict(self)


def attendance(session: Session, event: Event) -> Attendance:
    """Count registered, waiting, present and absent people of an event in one query."""
    status, walk_in = Registration.status, Registration.walk_in
    arrived = Registration.checked_in_at.is_not(None)
    active = status != RegistrationStatus.cancelled

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            count((status == RegistrationStatus.registered) & walk_in.is_(False)),
            count(status == RegistrationStatus.waitlisted),
            count(status == RegistrationStatus.cancelled),
            count(active & walk_in.is_(False) & arrived),
            count(active & walk_in.is_(True) & arrived),
            count((status == RegistrationStatus.registered) & walk_in.is_(False) & ~arrived),
        ).where(Registration.event_id == event.id)
    ).one()
    registered, waitlisted, cancelled, checked_in, walk_ins, no_shows = (int(v) for v in row)
    present = checked_in + walk_ins
    seats = event.capacity
    return Attendance(
        registered=registered,
        waitlisted=waitlisted,
        cancelled=cancelled,
        checked_in=checked_in,
        walk_ins=walk_ins,
        present=present,
        no_shows=no_shows,
        seats=seats,
        free_seats=None if seats is None else max(0, seats - present),
        occupancy=present / seats if seats else None,
    )
