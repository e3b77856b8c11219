"""Registrations: who signed up, who is on the waiting list, who came."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class OrganisationType(enum.StrEnum):
    """The kind of organisation a registrant comes from."""

    city = "city"
    region = "region"
    network = "network"
    ngo = "ngo"
    company = "company"
    university = "university"
    other = "other"


class RegistrationStatus(enum.StrEnum):
    """Whether a registration has a seat."""

    registered = "registered"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class Registration(Base):
    """A person registered for an event (from the form, an import, or at the door)."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Empty for walk-ins who gave none; NULL never collides in the unique constraint.
    email: Mapped[str | None] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    organisation_type: Mapped[OrganisationType] = mapped_column(
        _enum(OrganisationType), default=OrganisationType.other
    )
    #: ISO 3166-1 alpha-2 code.
    country: Mapped[str] = mapped_column(String(2), default="")
    #: Region or city, as the person wrote it.
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus), default=RegistrationStatus.registered
    )
    walk_in: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(16), default="form")
    #: Secret of the confirmation's QR code, used to check in at the door.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    checked_in_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
