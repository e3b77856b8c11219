"""Pydantic shapes of the floor API."""

from __future__ import annotations

import datetime as dt
import enum

from pydantic import BaseModel, ConfigDict, Field

from agora.floor.models import FloorState


class FloorAction(enum.StrEnum):
    """What a moderator does to a floor request."""

    give = "give"
    end = "end"
    move = "move"
    requeue = "requeue"


class FloorRequestIn(BaseModel):
    """Someone asking for the microphone; name and organisation default to the participant's."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", description="Shown on the screen; at most 200 characters.")
    organisation: str = Field("", description="At most 300 characters.")
    place: str = Field("", description="The city or region the speaker represents; at most 200.")
    topic: str = Field("", description="What they want to say; at most 200 characters.")


class FloorMove(BaseModel):
    """Where a waiting request goes in the queue: 0 speaks next."""

    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=0, le=10_000)


class FloorRequestOut(BaseModel):
    """A floor request as the API shows it (never with a participant id)."""

    id: int
    event_id: int
    name: str
    organisation: str
    place: str
    topic: str
    state: FloorState
    position: int
    requested_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    mine: bool = False


class FloorQueueOut(BaseModel):
    """The floor of an event: who speaks, who waits, and (for moderators) the last turns."""

    speaking: FloorRequestOut | None
    waiting: list[FloorRequestOut]
    turns: list[FloorRequestOut] = Field(
        default_factory=list, description="The last finished turns (moderators only)."
    )
