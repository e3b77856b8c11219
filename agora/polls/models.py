"""Polls, their questions, the responses to them, retry keys and the themes a moderator edited."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.db import Base, utcnow


class PollState(enum.StrEnum):
    """Lifecycle of a poll: draft → open → closed → archived (closed may reopen)."""

    draft = "draft"
    open = "open"
    closed = "closed"
    archived = "archived"


class VotingRule(enum.StrEnum):
    """Who may answer a poll: anyone who joined, or only participants linked to a person.

    ``registered``: joined from a registration that is not cancelled; ``checked_in``: from
    a registration checked in at the door (walk-ins are); ``signed_in``: joined while
    signed in with an organiser account (internal team polls). Linked participants are one
    per registration or account, so these rules count one vote per person.
    """

    anyone = "anyone"
    registered = "registered"
    checked_in = "checked_in"
    signed_in = "signed_in"


class Poll(Base):
    """A set of questions answered in turn ("1/2", "2/2")."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    state: Mapped[PollState] = mapped_column(
        Enum(PollState, native_enum=False, length=16), default=PollState.draft
    )
    results_visible: Mapped[bool] = mapped_column(default=False)
    allow_change: Mapped[bool] = mapped_column(default=False)
    voting_rule: Mapped[VotingRule] = mapped_column(
        Enum(VotingRule, native_enum=False, length=16), default=VotingRule.anyone
    )
    screen_position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="poll",
        order_by="Question.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Question(Base):
    """One question of a poll; ``config`` holds its kind's settings (options, limits…)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)

    poll: Mapped[Poll] = relationship(back_populates="questions")


class Response(Base):
    """A participant's answer to a question: at most one, enforced by the database."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("question_id", "participant_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SubmissionKey(Base):
    """An Idempotency-Key already used by a participant, with the result it produced."""

    __tablename__ = "submission_keys"
    __table_args__ = (UniqueConstraint("participant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    #: What the key was first used for (question and answer, hashed); "" before 0008.
    fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    status_code: Mapped[int]
    body: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class QuestionThemes(Base):
    """Themes a moderator edited: labels and which answers each holds.

    ``themes`` is a list of {label, representative, keys}, where a key names one answer
    entry as ``"<response id>:<entry index>"``, so themes survive new answers arriving.
    """

    __tablename__ = "question_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), unique=True
    )
    method: Mapped[str] = mapped_column(String(200))
    themes: Mapped[list[dict[str, Any]]]
    edited_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
