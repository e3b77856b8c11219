"""Fixtures of the Q&A tests: questions made through the services, browser fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from agora.core.db import Database
from agora.events.models import Event, Participant
from agora.events.services import join_event
from agora.qa.models import AudienceQuestion, QuestionState, QuestionVote
from agora.qa.services import ask_question

QuestionFactory = Callable[..., AudienceQuestion]


def configure(db: Database, event: Event, **settings: Any) -> Event:
    """Change an event's Q&A settings (qa_moderated, qa_anonymous, qa_profanity_filter)."""
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        for name, value in settings.items():
            setattr(stored, name, value)
        return stored


def new_participant(db: Database, event: Event, name: str = "") -> int:
    """Join a participant to ``event`` and return their id."""
    with db.session() as session:
        stored = session.get(Event, event.id)
        assert stored is not None
        return join_event(session, stored, name=name).id


def vote_rows(db: Database, question_id: int) -> int:
    """Return how many vote rows a question has."""
    with db.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(QuestionVote)
            .where(QuestionVote.question_id == question_id)
        )
        return int(count or 0)


def stored_question(db: Database, question_id: int) -> AudienceQuestion:
    """Return a question as the database holds it now."""
    with db.session() as session:
        question = session.get(AudienceQuestion, question_id)
        assert question is not None
        return question


@pytest.fixture
def make_question(db: Database) -> QuestionFactory:
    """Ask and commit a question; ``state`` sets its state directly, ``votes`` its counter."""

    def factory(
        event: Event,
        text: str = "How did the partnership start?",
        *,
        participant_id: int | None = None,
        state: QuestionState | str | None = None,
        **fields: Any,
    ) -> AudienceQuestion:
        with db.session() as session:
            stored = session.get(Event, event.id)
            assert stored is not None
            person = (
                session.get(Participant, participant_id)
                if participant_id is not None
                else join_event(session, stored)
            )
            assert person is not None
            question = ask_question(session, stored, person, text)
            if state is not None:
                question.state = QuestionState(state)
            for name, value in fields.items():
                setattr(question, name, value)
            session.flush()
            return question

    return factory
