"""The floor section of the live pages (see agora/live/sections.py).

Public data (phones and screen) names the speakers but carries no participant ids; the
request ids it carries let a phone find its own request, which the page marks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from agora.core.db import Database, utcnow
from agora.events.models import Event, Participant
from agora.floor import services
from agora.floor.models import FloorRequest, FloorState
from agora.live.sections import DatabaseSection
from agora.web.state import AppState

#: Takeaways sit above the floor (one is recorded per turn), so the floor reads which turns
#: have one from their table rather than importing the takeaways package.
TAKEAWAYS = table("takeaways", column("floor_request_id"))

NAME = "floor"

#: How many of the people waiting the screen and the phones show by name.
SHOWN_NEXT = 3


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def public_view(request: FloorRequest) -> dict[str, Any]:
    """Return a request as everyone may see it: who, on what, since when."""
    return {
        "id": request.id,
        "name": request.name,
        "organisation": request.organisation,
        "place": request.place,
        "topic": request.topic,
        "started_at": _iso(request.started_at),
    }


def moderation_view(request: FloorRequest) -> dict[str, Any]:
    """Return a request as moderators see it, with its state and times."""
    return {
        **public_view(request),
        "state": request.state.value,
        "position": request.position,
        "requested_at": _iso(request.requested_at),
        "ended_at": _iso(request.ended_at),
    }


def floor_view(session: Session, event_id: int) -> dict[str, Any]:
    """Return what the screen and phones show: the speaker, the next few, how many wait."""
    speaker = services.current_speaker(session, event_id)
    queue = services.waiting(session, event_id)
    return {
        "speaking": None if speaker is None else public_view(speaker),
        "next": [public_view(r) for r in queue[:SHOWN_NEXT]],
        "waiting": len(queue),
        # request ids only: a phone finds its own place in line without anyone's identity
        "queue": [r.id for r in queue],
    }


def moderation_queue(session: Session, event_id: int) -> dict[str, Any]:
    """Return the whole queue, the speaker and every request that left the queue."""
    speaker = services.current_speaker(session, event_id)
    earlier = services.earlier_requests(session, event_id)
    turn_ids = [r.id for r in earlier] + ([speaker.id] if speaker else [])
    recorded = set(
        session.scalars(
            select(TAKEAWAYS.c.floor_request_id).where(TAKEAWAYS.c.floor_request_id.in_(turn_ids))
        )
    )
    return {
        "speaking": None
        if speaker is None
        else {**moderation_view(speaker), "takeaway": speaker.id in recorded},
        "waiting": [moderation_view(r) for r in services.waiting(session, event_id)],
        "earlier": [{**moderation_view(r), "takeaway": r.id in recorded} for r in earlier],
    }


def render(
    db: Database, event_id: int, public_only: bool = False
) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the public floor message and (unless ``public_only``) the moderators' queue."""
    with db.session() as session:
        messages: list[tuple[str, dict[str, Any], bool]] = [
            ("floor", floor_view(session, event_id), True)
        ]
        if not public_only:
            messages.append(("floor_moderation", moderation_queue(session, event_id), False))
        return messages


def _identity_defaults(session: Session, event: Event, participant_id: int) -> dict[str, str]:
    # what the participant gave last time, else what they joined with
    latest = services.latest_request_of(session, event.id, participant_id)
    if latest is not None:
        return {"name": latest.name, "organisation": latest.organisation, "place": latest.place}
    participant = session.get(Participant, participant_id)
    if participant is None:
        return {"name": "", "organisation": "", "place": ""}
    return {"name": participant.name, "organisation": participant.organisation, "place": ""}


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return what this section's page partials need."""
    now = utcnow()
    context: dict[str, Any] = {
        **floor_view(session, event.id),
        "now": _iso(now),
        "elapsed": 0,
        "closed": event.closed_at is not None,
    }
    speaker = services.current_speaker(session, event.id)
    started = speaker.started_at if speaker else None
    if started is not None:  # the timer's first value, for pages drawn without JavaScript
        context["elapsed"] = max(0, int((now - started).total_seconds()))
    if role == "moderator":
        context["moderation"] = moderation_queue(session, event.id)
    if role == "participant" and participant_id is not None:
        mine = services.latest_request_of(session, event.id, participant_id)
        context["mine"] = None
        if mine is not None and mine.state in {FloorState.waiting, FloorState.speaking}:
            context["mine"] = {
                **moderation_view(mine),
                "number": (services.queue_position(session, mine) or 0) + 1,
            }
        context["defaults"] = _identity_defaults(session, event, participant_id)
    return context


def section(state: AppState) -> DatabaseSection:
    """Return this domain's section of the live pages, drawn whole from the database."""
    return DatabaseSection(NAME, state.db, render)
