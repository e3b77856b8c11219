"""The qa section of the live pages (see agora/live/sections.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from agora.core.db import Database
from agora.events.models import Event, Participant
from agora.live.sections import DatabaseSection
from agora.qa.models import AudienceQuestion, QuestionState
from agora.qa.services import (
    MAX_AUTHOR,
    MAX_LENGTH,
    PUBLIC_STATES,
    all_questions,
    own_pending,
    public_questions,
    upvoted_by,
)
from agora.web.state import AppState

NAME = "qa"

#: How many questions the screen lists besides the highlighted one (readable from afar).
SCREEN_TOP = 5


def iso(moment: dt.datetime | None) -> str | None:
    """Return a stored time in ISO 8601 with its UTC offset."""
    return None if moment is None else moment.isoformat()


def question_data(question: AudienceQuestion) -> dict[str, Any]:
    """Return a question as live messages and pages show it: never who asked it."""
    return {
        "id": question.id,
        "text": question.text,
        "author": question.author_name,
        "votes": question.votes,
        "highlighted": question.highlighted,
        "state": question.state.value,
        "created_at": iso(question.created_at),
    }


def render(
    db: Database, event_id: int, public_only: bool = False
) -> list[tuple[str, dict[str, Any], bool]]:
    """Return the public list (approved and answered) and (unless ``public_only``) the
    moderators' full list."""
    with db.session() as session:
        stored = all_questions(session, event_id)
        if public_only:  # questions awaiting moderation are not even drawn
            stored = [q for q in stored if q.state in PUBLIC_STATES]
        questions = [question_data(q) for q in stored]
    public = [q for q in questions if q["state"] in PUBLIC_STATES]
    if public_only:
        return [("qa", {"questions": public}, True)]
    return [
        ("qa", {"questions": public}, True),
        ("qa_moderation", {"questions": questions}, False),
    ]


def page_context(
    session: Session, event: Event, participant_id: int | None, role: str
) -> dict[str, Any]:
    """Return what the Q&A partials need for ``role`` (participant, moderator or screen)."""
    settings = {
        "moderated": event.qa_moderated,
        "anonymous": event.qa_anonymous,
        "profanity_filter": event.qa_profanity_filter,
        "max_length": MAX_LENGTH,
        "max_author": MAX_AUTHOR,
    }
    if role == "moderator":
        questions = all_questions(session, event.id)
        by_state: dict[QuestionState, list[dict[str, Any]]] = {s: [] for s in QuestionState}
        for question in questions:
            by_state[question.state].append(question_data(question))
        pending = sorted(by_state[QuestionState.pending], key=lambda q: (q["created_at"], q["id"]))
        closed = by_state[QuestionState.rejected] + by_state[QuestionState.archived]
        return {
            **settings,
            "pending": pending,
            "approved": by_state[QuestionState.approved],
            "answered": by_state[QuestionState.answered],
            "closed": closed,
        }
    public = [question_data(q) for q in public_questions(session, event.id)]
    if role == "screen":
        open_questions = [q for q in public if q["state"] == QuestionState.approved.value]
        highlighted = next((q for q in open_questions if q["highlighted"]), None)
        top = [q for q in open_questions if q is not highlighted][:SCREEN_TOP]
        return {**settings, "highlighted": highlighted, "top": top, "questions": public}
    participant = session.get(Participant, participant_id) if participant_id else None
    if participant is None or participant.event_id != event.id:
        return {**settings, "by_votes": public, "by_time": [], "upvoted": set(), "mine": []}
    by_time = sorted(public, key=lambda q: (q["created_at"], q["id"]), reverse=True)
    return {
        **settings,
        "by_votes": public,
        "by_time": by_time,
        "upvoted": upvoted_by(session, participant.id, event.id),
        "mine": [question_data(q) for q in own_pending(session, event.id, participant.id)],
        "name": participant.name,
    }


def section(state: AppState) -> DatabaseSection:
    """Return this domain's section of the live pages, drawn whole from the database."""
    return DatabaseSection(NAME, state.db, render)
