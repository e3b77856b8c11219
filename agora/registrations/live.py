"""The registrations section of the live pages (see agora/live/sections.py).

Moderators see the attendance figures; participants and the screen see nothing of it,
because who registered is the organisers' business, not the room's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event
from agora.live.sections import DatabaseSection
from agora.registrations.attendance import attendance
from agora.web.state import AppState

NAME = "registrations"


def render(
    db: Database, event_id: int, public_only: bool = False
) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the live messages of this section: the attendance figures, for moderators.

    Participants get none, so for them nothing is queried.
    """
    if public_only:
        return []
    with db.session() as session:
        event = session.get(Event, event_id)
        if event is None:
            return []
        return [("attendance", attendance(session, event).as_dict(), False)]


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return what this section's page partials need: the figures, on the moderator page."""
    if role != "moderator":
        return {}
    return {"attendance": attendance(session, event)}


def section(state: AppState) -> DatabaseSection:
    """Return this domain's section of the live pages, drawn whole from the database."""
    return DatabaseSection(NAME, state.db, render)
