"""Events, their agenda, their registrations and the participants who join them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    # stored as text with a length check, so SQLite and PostgreSQL migrate alike
    return Enum(kind, native_enum=False, length=24)


class Event(Base):
    """A session people join by code: the reference is EU Regions Week 2023, code EUREG23."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    #: When the session starts on its first day, in its time zone (None: not decided yet).
    start_time: Mapped[dt.time | None]
    #: The IANA name of the zone the event happens in; every time is shown in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
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
    #: The agenda item happening now (no foreign key: agenda items belong to the event).
    current_item_id: Mapped[int | None]
    #: Q&A: questions wait for a moderator's approval before anyone sees them.
    qa_moderated: Mapped[bool] = mapped_column(default=False)
    #: Q&A: participants may ask without giving their name.
    qa_anonymous: Mapped[bool] = mapped_column(default=True)
    #: Q&A: refuse questions with words from the language's profanity list.
    qa_profanity_filter: Mapped[bool] = mapped_column(default=False)
    #: Registration is open on the public form.
    registration_open: Mapped[bool] = mapped_column(default=True)
    #: When the moderator closed the event; takeaways can no longer be edited then.
    closed_at: Mapped[dt.datetime | None]
    #: When the organiser archived the event: hidden from their lists until restored.
    archived_at: Mapped[dt.datetime | None]
    #: The organiser's privacy notice (plain text, paragraphs); empty: Agora writes one.
    privacy_notice: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Days after ``ends_on`` that personal data is kept; None: AGORA_RETENTION_DAYS.
    retention_days: Mapped[int | None] = mapped_column(default=None)
    #: When the retention purge last removed personal data of this event.
    personal_data_purged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Participant(Base):
    """Someone who joined an event; anonymous unless the event asks for a name.

    A participant may be linked to the registration they joined from (the registrant's
    page) or to the organiser account they were signed in with: joining again the same way
    gives the same participant, so that a poll with a voting rule counts one vote per
    registration or account (docs/audit-and-voting.md). The registrations table belongs to
    a higher domain; the link is a plain foreign key by table name.
    """

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("event_id", "organiser_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    #: A participant the demo made up (the seed gives only figures): reports say so.
    simulated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), unique=True, default=None
    )
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL"), default=None
    )


class AgendaKind(enum.StrEnum):
    """What happens during an agenda item."""

    introduction = "introduction"
    speaker = "speaker"
    audience = "audience"
    poll = "poll"
    qa = "qa"
    break_ = "break"


class AgendaItem(Base):
    """One item of an event's agenda; the moderator moves "now" through them."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[AgendaKind] = mapped_column(_enum(AgendaKind))
    title: Mapped[str] = mapped_column(String(300))
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    speaker_organisation: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[dt.datetime | None]
    duration_minutes: Mapped[int | None]
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """One moderation or data action on an event: who did what to which thing, and when.

    ``actor`` is written out at the time (an organiser's name and e-mail, "moderator
    link", "API token …", "participant", "retention"), so that the entry stays readable
    after the account is gone; ``organiser_id`` links it while the account exists.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(400), default="")
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL"), default=None
    )
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(400), default="")
