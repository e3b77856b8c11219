"""Pydantic shapes of the events API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from agora.events.models import AgendaKind
from agora.events.times import DEFAULT_TIME_ZONE

#: An IANA time zone name as the API accepts it; the services check that it exists.
TimeZoneField = Field(
    DEFAULT_TIME_ZONE,
    min_length=1,
    max_length=64,
    description="IANA time zone name (Europe/Brussels, America/Argentina/Buenos_Aires…)",
)


class EventIn(BaseModel):
    """An event to create; the join code is random unless given."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    starts_on: dt.date
    ends_on: dt.date | None = None
    start_time: dt.time | None = Field(
        None, description="Local time the session starts on its first day, in `time_zone`"
    )
    time_zone: str = TimeZoneField
    venue: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    description: str = Field("", max_length=5000)
    language: str = Field("en", min_length=2, max_length=8, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    ask_identity: bool = False
    registration_open: bool = True
    code: str | None = Field(None, min_length=4, max_length=12)


class EventSettingsIn(BaseModel):
    """An event's settings as its organiser changes them (the code and keys stay)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    starts_on: dt.date
    ends_on: dt.date | None = None
    start_time: dt.time | None = None
    time_zone: str = TimeZoneField
    venue: str = Field("", max_length=300)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    language: str = Field("en", min_length=2, max_length=8, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    registration_open: bool = True


class EventOut(BaseModel):
    """An event as everyone may see it."""

    id: int
    code: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    start_time: dt.time | None
    time_zone: str
    venue: str
    capacity: int | None
    description: str
    language: str
    ask_identity: bool
    registration_open: bool


class EventAdminOut(EventOut):
    """An event as its organiser sees it, with the moderator and screen links."""

    moderator_url: str
    screen_url: str
    participant_url: str


class JoinIn(BaseModel):
    """Who joins; name and organisation only matter when the event asks for them."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    organisation: str = Field("", max_length=300)


class JoinOut(BaseModel):
    """The participant token to send as ``Authorization: Bearer`` with each response."""

    participant_token: str
    event: EventOut


class AgendaItemIn(BaseModel):
    """An agenda item to add or change."""

    model_config = ConfigDict(extra="forbid")

    kind: AgendaKind
    title: str = Field(min_length=1, max_length=300)
    speaker_name: str = Field("", max_length=200)
    speaker_organisation: str = Field("", max_length=300)
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    poll_id: int | None = Field(None, ge=1, le=2_147_483_647)


class AgendaItemOut(BaseModel):
    """An agenda item as the API shows it."""

    id: int
    position: int
    kind: AgendaKind
    title: str
    speaker_name: str
    speaker_organisation: str
    starts_at: dt.datetime | None
    duration_minutes: int | None
    poll_id: int | None
    started_at: dt.datetime | None
    current: bool


class AgendaMove(BaseModel):
    """Where "now" goes: an item id, or the next or previous item."""

    model_config = ConfigDict(extra="forbid")

    item_id: int | None = Field(None, ge=1, le=2_147_483_647)
    step: int | None = Field(None, ge=-1, le=1)


class EventClosure(BaseModel):
    """Whether an event is closed, and since when."""

    code: str
    closed: bool
    closed_at: dt.datetime | None


class AuditEntryOut(BaseModel):
    """One entry of an event's audit log: when, who, what (code and words) and which thing."""

    at: dt.datetime
    local_time: str = Field(description="When, in the event's time zone, as the page shows it.")
    actor: str
    organiser_id: int | None
    action: str = Field(description="The action's code, such as 'qa.approve'.")
    action_label: str = Field(description="What the action did, in the request's language.")
    subject: str = Field(description="Which thing, by kind and id, such as 'question 12'.")


class AuditLogOut(BaseModel):
    """An event's latest audit entries, newest first."""

    code: str
    time_zone: str
    entries: list[AuditEntryOut]
