"""The takeaways section of the live pages (see agora/live/sections.py).

Everyone sees the approved takeaways, without participant ids; moderators see them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event, Participant
from agora.floor import services as floor_services
from agora.floor.models import FloorState
from agora.live.sections import DatabaseSection
from agora.takeaways import fields, services
from agora.takeaways.models import Takeaway, TakeawayState
from agora.web.state import AppState

NAME = "takeaways"

APPROVED = frozenset({TakeawayState.approved})

#: Finds which takeaways are in the knowledge base: takeaway id → the address of the
#: record each became. The knowledge base, a domain above this one, sets it when it is
#: imported (``agora.knowledge.promotion``); until then no takeaway shows as added.
KnowledgeLinks = Callable[[Session, Sequence[int]], dict[int, str]]
_knowledge_links: list[KnowledgeLinks] = []


def link_knowledge(find: KnowledgeLinks) -> None:
    """Let the moderators' list show which takeaways are in the knowledge base."""
    _knowledge_links[:] = [find]


def knowledge_links(session: Session, takeaway_ids: Sequence[int]) -> dict[int, str]:
    """Return the knowledge base's record address of each takeaway added to it."""
    links: dict[int, str] = {}
    for find in _knowledge_links:
        links |= find(session, takeaway_ids)
    return links


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()


def public_view(takeaway: Takeaway) -> dict[str, Any]:
    """Return a takeaway as everyone may see it once approved."""
    return {
        "id": takeaway.id,
        "floor_request_id": takeaway.floor_request_id,
        "speaker_name": takeaway.speaker_name,
        "organisation": takeaway.organisation,
        "place": takeaway.place,
        "country": takeaway.country,
        "partners": list(takeaway.partners),
        "topics": list(takeaway.topics),
        "outcomes": list(takeaway.outcomes),
        "lesson": takeaway.lesson,
        "created_at": _iso(takeaway.created_at),
    }


def moderation_view(takeaway: Takeaway) -> dict[str, Any]:
    """Return a takeaway as moderators see it, with its state."""
    return {
        **public_view(takeaway),
        "state": takeaway.state.value,
        "updated_at": _iso(takeaway.updated_at),
    }


def public_list(session: Session, event_id: int) -> dict[str, Any]:
    """Return the approved takeaways of an event."""
    approved = services.event_takeaways(session, event_id, states=APPROVED)
    return {"takeaways": [public_view(t) for t in approved], "count": len(approved)}


def moderation_list(session: Session, event: Event) -> dict[str, Any]:
    """Return every takeaway of an event with its state, and whether the event is closed."""
    every = services.event_takeaways(session, event.id)
    counts = {state.value: 0 for state in TakeawayState}
    for takeaway in every:
        counts[takeaway.state.value] += 1
    links = knowledge_links(session, [t.id for t in every])
    return {
        "takeaways": [{**moderation_view(t), "knowledge": links.get(t.id)} for t in every],
        "counts": counts,
        "closed": event.closed_at is not None,
    }


def render(
    db: Database, event_id: int, public_only: bool = False
) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the approved takeaways for everyone and (unless ``public_only``) all of them
    for moderators."""
    with db.session() as session:
        event = session.get(Event, event_id)
        if event is None:
            return []
        messages: list[tuple[str, dict[str, Any], bool]] = [
            ("takeaways", public_list(session, event_id), True)
        ]
        if not public_only:
            messages.append(("takeaways_moderation", moderation_list(session, event), False))
        return messages


def form_values(takeaway: Takeaway | None) -> dict[str, Any]:
    """Return what a takeaway form shows: a takeaway's fields, or empty ones."""
    if takeaway is None:
        return {"partners": [], "topics": [], "outcomes": []}
    return {name: getattr(takeaway, name) for name in fields.WHO_FIELDS + fields.DETAIL_FIELDS}


def _participant_context(session: Session, event: Event, participant_id: int) -> dict[str, Any]:
    mine = services.takeaways_of(session, event.id, participant_id)
    editable = event.closed_at is None
    latest = floor_services.latest_request_of(session, event.id, participant_id)
    turn = None
    if (
        latest is not None
        and latest.state in {FloorState.speaking, FloorState.done}
        and services.turn_takeaway(session, latest.id) is None
    ):
        turn = {
            "id": latest.id,
            "speaker_name": latest.name,
            "organisation": latest.organisation,
            "place": latest.place,
            "topic": latest.topic,
        }
    participant = session.get(Participant, participant_id)
    defaults: dict[str, Any] = {"partners": [], "topics": [], "outcomes": []}
    if participant is not None:
        defaults |= {"speaker_name": participant.name, "organisation": participant.organisation}
    if latest is not None:  # who they said they were when they asked for the microphone
        defaults |= {
            "speaker_name": latest.name,
            "organisation": latest.organisation,
            "place": latest.place,
        }
    return {
        "mine": [{**moderation_view(t), "editable": editable} for t in mine],
        "turn": turn,
        "defaults": defaults,
    }


def _moderator_context(session: Session, event: Event) -> dict[str, Any]:
    speaker = floor_services.current_speaker(session, event.id)
    turns = ([speaker] if speaker else []) + floor_services.finished_turns(session, event.id)
    open_turns = [
        {"id": r.id, "name": r.name, "state": r.state.value, "topic": r.topic}
        for r in turns
        if services.turn_takeaway(session, r.id) is None
    ]
    return {
        "moderation": moderation_list(session, event),
        "open_turns": open_turns,
        "blank": form_values(None),
    }


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return what this section's page partials need."""
    context: dict[str, Any] = {
        **public_list(session, event.id),
        "closed": event.closed_at is not None,
        # functions, not dicts: the labels are translated when the page is drawn
        "world_areas": fields.world_areas,
        "outcome_kinds": fields.outcome_kinds,
    }
    if role == "participant" and participant_id is not None:
        context |= _participant_context(session, event, participant_id)
    if role == "moderator":
        context |= _moderator_context(session, event)
    return context


def section(state: AppState) -> DatabaseSection:
    """Return this domain's section of the live pages, drawn whole from the database."""
    return DatabaseSection(NAME, state.db, render)
