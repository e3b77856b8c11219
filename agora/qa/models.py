"""Audience questions (the Q&A) and their upvotes."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


class QuestionState(enum.StrEnum):
    """Moderation of an audience question: pending → approved → answered → archived."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    answered = "answered"
    archived = "archived"


class AudienceQuestion(Base):
    """A question a participant asks the speakers; ``votes`` counts its upvotes."""

    __tablename__ = "audience_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    #: Empty when asked anonymously.
    author_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[QuestionState] = mapped_column(
        Enum(QuestionState, native_enum=False, length=16), default=QuestionState.pending
    )
    highlighted: Mapped[bool] = mapped_column(default=False)
    votes: Mapped[int] = mapped_column(default=0)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None]


class QuestionVote(Base):
    """One participant's upvote of one question: at most one, enforced by the database."""

    __tablename__ = "question_votes"
    __table_args__ = (UniqueConstraint("question_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("audience_questions.id", ondelete="CASCADE")
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
