"""The takeaways section of the live pages (see agora/live/sections.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event

NAME = "takeaways"


def render(db: Database, event_id: int) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the live messages of this section."""
    return []


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return what this section's page partials need."""
    return {}
