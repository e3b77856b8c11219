"""The floor queue: who asked for the microphone, who speaks now."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


class FloorState(enum.StrEnum):
    """A floor request: waiting → speaking → done, or withdrawn while waiting."""

    waiting = "waiting"
    speaking = "speaking"
    done = "done"
    withdrawn = "withdrawn"


class FloorRequest(Base):
    """A participant asking for the microphone, with a short topic."""

    __tablename__ = "floor_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    #: The region or city the speaker represents, shown on the screen.
    place: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[FloorState] = mapped_column(
        Enum(FloorState, native_enum=False, length=16), default=FloorState.waiting
    )
    #: Order in the queue (the moderator can reorder); lower speaks first.
    position: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
