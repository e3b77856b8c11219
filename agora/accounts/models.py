"""Organiser accounts, their API tokens and password links; the co-moderators of events."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agora.core.db import Base, utcnow


class Organiser(Base):
    """A person who creates events and runs them; signs in with an argon2-hashed password.

    An account created at sign-up has an empty ``password_hash`` (nobody can sign in to
    it) until its owner follows the link sent to the address and chooses a password.
    """

    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="organiser")


class ApiToken(Base):
    """A bearer token for API clients; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organisers.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organiser: Mapped[Organiser] = relationship(back_populates="tokens")


class SignIn(Base):
    """One browser signed in as an organiser: the cookie holds a secret, stored here hashed.

    It ends at ``expires_at``, at sign-out (``ended_at``) and when the password changes
    (every sign-in of the organiser ends).
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class LinkPurpose(enum.StrEnum):
    """Why a password link was sent: a new account or a forgotten password."""

    signup = "signup"
    reset = "reset"


class PasswordLink(Base):
    """A one-time link to choose a password; only the SHA-256 digest of its secret is stored."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(Enum(LinkPurpose, native_enum=False, length=24))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class EventModerator(Base):
    """An organiser who co-moderates an event they do not own (they accepted an invitation)."""

    __tablename__ = "event_moderators"
    __table_args__ = (UniqueConstraint("event_id", "organiser_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # events is a table of a higher domain: named here, never imported
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organisers.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """A one-time link that makes the organiser who accepts it a co-moderator of an event.

    Sent to ``email``, or (empty ``email``) shown once for the inviter to pass on; only the
    SHA-256 digest of its secret is stored.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
