"""What each domain's partials on the pages need, gathered from the domains' live modules.

A domain whose ``live`` module has ``page_context(session, event, participant_id, role)``
contributes partials ``<name>/_participant.html``, ``_moderator.html`` and
``_screen.html`` for ``role`` in ``participant``, ``moderator``, ``screen``. Polls has no
partials: the poll is the page's own content.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agora.domains import live_modules
from agora.events.models import Event


def page_sections() -> tuple[str, ...]:
    """Return the names of the sections with page partials, in page order."""
    return tuple(m.NAME for m in live_modules() if hasattr(m, "page_context"))


def section_contexts(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return every section's page context, by section name, for one page."""
    return {
        module.NAME: module.page_context(session, event, participant_id, role)
        for module in live_modules()
        if hasattr(module, "page_context")
    }
