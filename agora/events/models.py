"""Events and the participants who join them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


class Event(Base):
    """A session people join by code: the reference is EU Regions Week 2023, code EUREG23."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    venue: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    ask_identity: Mapped[bool] = mapped_column(default=False)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    moderator_key: Mapped[str] = mapped_column(String(64))
    screen_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Participant(Base):
    """Someone who joined an event; anonymous unless the event asks for a name."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
