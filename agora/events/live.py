"""The agenda section of the live pages: the agenda, and what is happening now."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.agenda import agenda, current_item, screen_pane
from agora.events.joins import Joins
from agora.events.models import AgendaItem, Event
from agora.events.times import clock, planned_starts
from agora.live.sections import DatabaseSection
from agora.web.state import AppState

NAME = "agenda"


def item_view(item: AgendaItem, current_id: int | None) -> dict[str, Any]:
    """Return an agenda item as the pages and the stream show it."""
    return {
        "id": item.id,
        "position": item.position,
        "kind": item.kind.value,
        "title": item.title,
        "speaker_name": item.speaker_name,
        "speaker_organisation": item.speaker_organisation,
        "starts_at": item.starts_at.isoformat() if item.starts_at else None,
        "duration_minutes": item.duration_minutes,
        "poll_id": item.poll_id,
        "started_at": item.started_at.isoformat() if item.started_at else None,
        "current": item.id == current_id,
    }


def agenda_view(session: Session, event: Event) -> dict[str, Any]:
    """Return the agenda with "now" marked and the screen pane it calls for."""
    now = current_item(session, event)
    stored = agenda(session, event.id)
    starts = planned_starts(event, [item.duration_minutes for item in stored])
    items = [
        {**item_view(item, event.current_item_id), "planned_start": clock(start, event)}
        for item, start in zip(stored, starts, strict=True)
    ]
    return {
        "time_zone": event.time_zone,
        "items": items,
        "current": None if now is None else item_view(now, event.current_item_id),
        "screen_pane": screen_pane(now),
    }


def render(
    db: Database, event_id: int, public_only: bool = False
) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the agenda message (public: everyone sees what is happening now)."""
    with db.session() as session:
        event = session.get(Event, event_id)
        if event is None:
            return []
        return [("agenda", agenda_view(session, event), True)]


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return the agenda for the pages' partials."""
    return agenda_view(session, event)


def section(state: AppState) -> DatabaseSection:
    """Attach events' part of the app (``joins.Joins``) and return its live section.

    The section is drawn whole from the database.
    """
    Joins(state).attach()
    return DatabaseSection(NAME, state.db, render)
