"""The knowledge base: actors, the cooperations between them, and what came out of them.

An *actor* is a city, region, network or other organisation, placed by the gazetteer
(ISO 3166-1/-2 codes, GeoNames cities). A *cooperation* links two or more actors under a
programme, over a period, on topics of the taxonomy; it has dated *activities*, typed
*outcomes* with evidence, and *lessons* in their language. Its provenance says where it
came from: a session's takeaway (event and speaker), an import, or someone typing it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from agora.core.db import Base, utcnow
from agora.takeaways.models import OutcomeKind

__all__ = [
    "ActivityKind",
    "Actor",
    "ActorKind",
    "ActorMembership",
    "Cooperation",
    "CooperationActivity",
    "CooperationActor",
    "CooperationOutcome",
    "CooperationSource",
    "CooperationTopic",
    "Lesson",
    "OutcomeKind",
    "Topic",
]


def _enum(kind: type[enum.Enum], length: int = 24) -> Enum:
    return Enum(kind, native_enum=False, length=length)


class ActorKind(enum.StrEnum):
    """What kind of body an actor is."""

    city = "city"
    region = "region"
    province = "province"
    metropolitan_area = "metropolitan_area"
    national_body = "national_body"
    network = "network"
    cluster = "cluster"
    university = "university"
    company = "company"
    ngo = "ngo"
    other = "other"


class ActivityKind(enum.StrEnum):
    """What partners did together, on a date."""

    study_visit = "study_visit"
    delegation = "delegation"
    expert_exchange = "expert_exchange"
    conference = "conference"
    workshop = "workshop"
    memorandum_signature = "memorandum_signature"
    pilot = "pilot"
    other = "other"


class CooperationSource(enum.StrEnum):
    """Where a cooperation record came from."""

    session = "session"
    import_ = "import"
    manual = "manual"


class Actor(Base):
    """A city, region, network or other organisation, placed on the map where it has a place.

    ``place_code`` is the gazetteer's code of its place (``HR-02``, ``geonames:3176219``,
    ``IT``); ``subdivision`` the ISO 3166-2 code it lies in; ``names`` its other names
    (official, other languages, abbreviations), which search and lookup also find.
    """

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind), default=ActorKind.other)
    name: Mapped[str] = mapped_column(String(300), index=True)
    names: Mapped[list[str]] = mapped_column(default=list)
    #: ISO 3166-1 alpha-2; empty for networks without a seat that matters.
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    subdivision: Mapped[str] = mapped_column(String(10), default="")
    place_code: Mapped[str] = mapped_column(String(40), default="")
    geonames_id: Mapped[int | None] = mapped_column(Integer, default=None)
    nuts: Mapped[str] = mapped_column(String(10), default="")
    #: Its Wikidata item (``Q1055``), kept by the sister-city import to find it again.
    wikidata: Mapped[str] = mapped_column(String(20), default="", index=True)
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    population: Mapped[int | None] = mapped_column(BigInteger, default=None)
    timezone: Mapped[str] = mapped_column(String(64), default="")
    #: One of the world areas of takeaways and polls (``europe``, ``asia``…).
    world_area: Mapped[str] = mapped_column(String(20), default="", index=True)
    website: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where the record came from: ``session:EUREG23``, ``import:wikidata.csv``, ``manual``.
    provenance: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ActorMembership(Base):
    """An actor's membership of a network (EUROCITIES, EURADA…), itself an actor."""

    __tablename__ = "actor_memberships"
    __table_args__ = (UniqueConstraint("member_id", "network_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    since: Mapped[dt.date | None] = mapped_column(Date, default=None)


class Topic(Base):
    """A topic of the taxonomy, mapped to the SDGs and to smart-specialisation domains.

    The taxonomy ships as data (``knowledge/data/topics.json``) and organisers may edit
    it; ``names`` holds the topic's name per language code, ``name`` the English one.
    """

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Numbers of the UN Sustainable Development Goals (1–17).
    sdgs: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Smart-specialisation priority domains (the S3 Platform's wording).
    s3_domains: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)


class Cooperation(Base):
    """Two or more actors working together: programme, period, topics, and provenance."""

    __tablename__ = "cooperations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The programme it ran under (International Urban and Regional Cooperation, Interreg…).
    programme: Mapped[str] = mapped_column(String(120), default="", index=True)
    started_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[CooperationSource] = mapped_column(
        _enum(CooperationSource, 16), default=CooperationSource.manual
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None, index=True
    )
    #: The takeaway it was promoted from (one cooperation per takeaway).
    takeaway_id: Mapped[int | None] = mapped_column(
        ForeignKey("takeaways.id", ondelete="SET NULL"), default=None, unique=True
    )
    speaker_name: Mapped[str] = mapped_column(String(200), default="")
    #: The file or query an imported record came from.
    import_source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CooperationActor(Base):
    """An actor taking part in a cooperation (``lead`` for the one that reported it)."""

    __tablename__ = "cooperation_actors"

    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="partner")


class CooperationTopic(Base):
    """A topic a cooperation is about."""

    __tablename__ = "cooperation_topics"

    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CooperationActivity(Base):
    """Something the partners did together: a study visit, a delegation, a signature…"""

    __tablename__ = "cooperation_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(_enum(ActivityKind), default=ActivityKind.other)
    date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    description: Mapped[str] = mapped_column(String(500), default="")


class CooperationOutcome(Base):
    """What a cooperation produced, typed as in takeaways, with a link to its evidence."""

    __tablename__ = "cooperation_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OutcomeKind] = mapped_column(_enum(OutcomeKind), default=OutcomeKind.other)
    description: Mapped[str] = mapped_column(String(500), default="")
    date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")


class Lesson(Base):
    """A lesson drawn from a cooperation, in the language it was written in."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    #: A BCP 47 language code (``en``, ``es``…), detected when not given.
    language: Mapped[str] = mapped_column(String(12), default="")
