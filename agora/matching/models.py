"""Tables of partner matching: an actor's profile, and the benefit analyses written for it.

A *profile* says what an actor offers and seeks (topics of the taxonomy), what it wants
in a partner, and where it stands on the five dimensions partners are compared on. Each
dimension value carries its source: ``self`` (the actor said so) or ``derived`` (filled
in from country facts). A *benefit revision* is one saved version of a section of the
potential-benefit analysis of one candidate partner; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow

__all__ = ["BenefitRevision", "Profile"]


class Profile(Base):
    """An actor's matching profile (at most one per actor)."""

    __tablename__ = "matching_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), unique=True)
    #: Topic slugs the actor can share experience on.
    offers: Mapped[list[str]] = mapped_column(default=list)
    #: Topic slugs the actor wants to learn about.
    seeks: Mapped[list[str]] = mapped_column(default=list)
    #: Its priorities, in its own words.
    priorities: Mapped[str] = mapped_column(Text, default="")
    #: The kinds of actor it wants as partners (``ActorKind`` values).
    partner_kinds: Mapped[list[str]] = mapped_column(default=list)
    #: The world areas it is interested in.
    world_areas: Mapped[list[str]] = mapped_column(default=list)
    #: Working languages (BCP 47 codes); empty means the country's official ones.
    languages: Mapped[list[str]] = mapped_column(default=list)
    #: ``{dimension: {"value": …, "source": "self" | "derived"}}``.
    dimensions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Shown in the UI: values entered for the demonstration, not by the actor.
    illustrative: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BenefitRevision(Base):
    """One saved version of a section of the benefit analysis of ``candidate`` for ``actor``."""

    __tablename__ = "benefit_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    #: An organiser's id.
    author: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
