"""The parts of the live pages that other domains contribute (agenda, Q&A, floor, …).

Each domain has a module ``agora/<domain>/live.py`` with:

- ``NAME``: the section's name (``"qa"``); ``state.section_changed(event_id, NAME)`` after
  a change makes every page redraw it;
- ``render(db, event_id)``: the live messages for the section, as a list of
  ``(event name, JSON data, public)`` — public ones also reach participants;
- ``page_context(session, event, participant_id, role)``: what its page partials
  ``<domain>/_participant.html``, ``_moderator.html`` and ``_screen.html`` need, for
  ``role`` in ``participant``, ``moderator``, ``screen``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from agora.events import live as agenda_live
from agora.events.models import Event
from agora.floor import live as floor_live
from agora.qa import live as qa_live
from agora.registrations import live as registrations_live
from agora.takeaways import live as takeaways_live

#: In the order their partials appear on the pages.
SECTIONS: tuple[ModuleType, ...] = (
    agenda_live,
    qa_live,
    floor_live,
    takeaways_live,
    registrations_live,
)


def section_contexts(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return every section's page context, by section name, for one page."""
    return {
        section.NAME: section.page_context(session, event, participant_id, role)
        for section in SECTIONS
    }


#: The section names, in page order, for the templates' include loops.
SECTION_NAMES = tuple(section.NAME for section in SECTIONS)
