"""Takeaways: the lessons speakers and participants shared, with partners and outcomes."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


class TakeawayState(enum.StrEnum):
    """Moderation of a takeaway."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class OutcomeKind(enum.StrEnum):
    """What a cooperation produced."""

    memorandum = "memorandum"
    delegation_visit = "delegation_visit"
    expert_exchange = "expert_exchange"
    guideline = "guideline"
    policy_adapted = "policy_adapted"
    joint_project = "joint_project"
    facility_designed = "facility_designed"
    other = "other"


class Takeaway(Base):
    """A lesson someone shared: who, with which partners, on what, with which outcomes.

    ``partners`` is a list of {organisation, place, country, world_area}; ``topics`` a list
    of strings; ``outcomes`` a list of {kind, description, date} (date ISO or empty).
    """

    __tablename__ = "takeaways"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    floor_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_requests.id", ondelete="SET NULL")
    )
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    #: The city or region the takeaway speaks for.
    place: Mapped[str] = mapped_column(String(200), default="")
    #: ISO 3166-1 alpha-2 code of that place's country.
    country: Mapped[str] = mapped_column(String(2), default="")
    partners: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    topics: Mapped[list[str]] = mapped_column(default=list)
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    lesson: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[TakeawayState] = mapped_column(
        Enum(TakeawayState, native_enum=False, length=16), default=TakeawayState.pending
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReportRevision(Base):
    """One saved version of a narrative section of an event's report.

    Nothing is overwritten: the section's text is its latest revision, and restoring an old
    one adds a revision with that text. ``author`` is an organiser's id or ``"moderator"``
    (someone with the event's moderator link).
    """

    __tablename__ = "report_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReportSettings(Base):
    """How an event's report is published: the annex of participants, a public link."""

    __tablename__ = "report_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    #: Off by default: no format of the report lists the people who registered.
    participant_annex: Mapped[bool] = mapped_column(default=False)
    #: The token of the public read-only link (``/r/{token}``), None while the link is off.
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    #: The proposed sentences the organiser dropped (their keys), hidden from the page.
    dropped_drafts: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
