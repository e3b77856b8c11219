"""What the knowledge base's pages read: the directory, an actor, a cooperation.

Read-only queries that return plain dataclasses, so templates and tests see data, not
sessions. Filters are checked here and refused with ``InvalidInput`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput, NotFound
from agora.core.i18n import _
from agora.events.models import Event
from agora.knowledge.models import (
    Actor,
    ActorKind,
    ActorMembership,
    Cooperation,
    CooperationActivity,
    CooperationActor,
    CooperationOutcome,
    CooperationSource,
    CooperationTopic,
    Lesson,
    Topic,
)
from agora.takeaways.fields import outcome_kinds, world_areas

#: Actors per page of the directory.
PER_PAGE = 40


@dataclass(frozen=True)
class ActorRef:
    """An actor as a line in a list: enough to name it and link to it."""

    id: int
    name: str
    kind: str
    country: str
    role: str = ""


def actor_ref(actor: Actor, role: str = "") -> ActorRef:
    return ActorRef(actor.id, actor.name, actor.kind.value, actor.country, role)


# -- the directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The directory's filters, checked; empty means "any"."""

    kind: str = ""
    country: str = ""
    world_area: str = ""
    topic: str = ""
    page: int = 1

    def query(self, **changes: object) -> dict[str, str]:
        """Return the filters as query parameters (empty ones left out), with ``changes``."""
        values = {
            "kind": self.kind,
            "country": self.country,
            "world_area": self.world_area,
            "topic": self.topic,
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        if values["page"] == "1":
            values["page"] = ""
        return {k: v for k, v in values.items() if v}

    @property
    def active(self) -> bool:
        """Tell whether any filter narrows the list."""
        return bool(self.kind or self.country or self.world_area or self.topic)


def check_filters(
    session: Session, *, kind: str, country: str, world_area: str, topic: str, page: int
) -> Filters:
    """Return the directory's filters, or refuse one that names nothing Agora knows."""
    kind, country, world_area, topic = (v.strip() for v in (kind, country, world_area, topic))
    if kind and kind not in {k.value for k in ActorKind}:
        raise InvalidInput(
            _("Kind: there is no kind of actor '{value}'.").format(value=kind), field="kind"
        )
    country = country.upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise InvalidInput(
            _("Country: give a two-letter ISO 3166-1 code such as 'HR'."), field="country"
        )
    if world_area and world_area not in world_areas():
        raise InvalidInput(
            _("World area: there is no world area '{value}'.").format(value=world_area),
            field="world_area",
        )
    if topic and session.scalar(select(Topic.id).where(Topic.slug == topic)) is None:
        raise InvalidInput(
            _("Topic: there is no topic '{value}'.").format(value=topic), field="topic"
        )
    if page < 1:
        raise InvalidInput(_("Page: give a number from 1."), field="page")
    return Filters(kind, country, world_area, topic, page)


@dataclass(frozen=True)
class DirectoryRow:
    """An actor in the directory, with how much it has done."""

    actor: ActorRef
    world_area: str
    subdivision: str
    cooperations: int
    outcomes: int


@dataclass(frozen=True)
class Directory:
    """One page of the directory, and the values its filters offer."""

    rows: list[DirectoryRow]
    total: int
    filters: Filters
    pages: int
    kinds: list[str]
    countries: list[str]
    world_areas: list[str]
    topics: list[Topic]


def cooperation_counts(session: Session, actor_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return, per actor, its number of cooperations and of their outcomes."""
    ids = list(actor_ids)
    if not ids:
        return {}
    cooperations = dict(
        session.execute(
            select(CooperationActor.actor_id, func.count(CooperationActor.cooperation_id))
            .where(CooperationActor.actor_id.in_(ids))
            .group_by(CooperationActor.actor_id)
        ).all()
    )
    outcomes = dict(
        session.execute(
            select(CooperationActor.actor_id, func.count(CooperationOutcome.id))
            .join(
                CooperationOutcome,
                CooperationOutcome.cooperation_id == CooperationActor.cooperation_id,
            )
            .where(CooperationActor.actor_id.in_(ids))
            .group_by(CooperationActor.actor_id)
        ).all()
    )
    return {i: (int(cooperations.get(i, 0)), int(outcomes.get(i, 0))) for i in ids}


def directory(session: Session, filters: Filters, per_page: int = PER_PAGE) -> Directory:
    """Return the actors that match ``filters``, by name, one page at a time."""
    query = select(Actor)
    if filters.kind:
        query = query.where(Actor.kind == ActorKind(filters.kind))
    if filters.country:
        query = query.where(Actor.country == filters.country)
    if filters.world_area:
        query = query.where(Actor.world_area == filters.world_area)
    if filters.topic:
        on_topic = (
            select(CooperationActor.actor_id)
            .join(
                CooperationTopic, CooperationTopic.cooperation_id == CooperationActor.cooperation_id
            )
            .join(Topic, Topic.id == CooperationTopic.topic_id)
            .where(Topic.slug == filters.topic)
        )
        query = query.where(Actor.id.in_(on_topic))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, math.ceil(total / per_page))
    actors = session.scalars(
        query.order_by(func.lower(Actor.name), Actor.id)
        .offset((filters.page - 1) * per_page)
        .limit(per_page)
    ).all()
    counts = cooperation_counts(session, (a.id for a in actors))
    rows = [
        DirectoryRow(actor_ref(a), a.world_area, a.subdivision, *counts.get(a.id, (0, 0)))
        for a in actors
    ]

    kinds = {k.value for k in session.scalars(select(Actor.kind).distinct())}
    countries = sorted(c for c in session.scalars(select(Actor.country).distinct()) if c)
    areas = set(session.scalars(select(Actor.world_area).distinct()))
    return Directory(
        rows=rows,
        total=total,
        filters=filters,
        pages=pages,
        kinds=[k.value for k in ActorKind if k.value in kinds],
        countries=countries,
        world_areas=[a for a in world_areas() if a in areas],
        topics=list(session.scalars(select(Topic).order_by(Topic.position, Topic.name))),
    )


# -- an actor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CooperationLine:
    """One of an actor's cooperations: its role there, the partners, how much came of it."""

    id: int
    title: str
    programme: str
    started_on: dt.date | None
    ended_on: dt.date | None
    role: str
    partners: list[ActorRef]
    outcomes: int


@dataclass(frozen=True)
class ActorProfile:
    """An actor with its cooperations, outcomes by kind, networks and members."""

    actor: Actor
    cooperations: list[CooperationLine]
    outcomes_by_kind: dict[str, int]
    networks: list[ActorRef]
    members: list[ActorRef]

    @property
    def placed(self) -> bool:
        """Tell whether the actor has a position on the map."""
        return self.actor.latitude is not None and self.actor.longitude is not None


def get_actor(session: Session, actor_id: int) -> Actor:
    """Return the actor, or refuse with 404."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(_("There is no actor {id} in the knowledge base.").format(id=actor_id))
    return actor


def actor_profile(session: Session, actor_id: int) -> ActorProfile:
    """Return everything the actor's page shows."""
    actor = get_actor(session, actor_id)
    mine = session.execute(
        select(Cooperation, CooperationActor.role)
        .join(CooperationActor, CooperationActor.cooperation_id == Cooperation.id)
        .where(CooperationActor.actor_id == actor_id)
        .order_by(Cooperation.started_on.desc().nulls_last(), Cooperation.id.desc())
    ).all()
    ids = [c.id for c, _role in mine]
    partners: dict[int, list[ActorRef]] = defaultdict(list)
    for cooperation_id, other, role in session.execute(
        select(CooperationActor.cooperation_id, Actor, CooperationActor.role)
        .join(Actor, Actor.id == CooperationActor.actor_id)
        .where(CooperationActor.cooperation_id.in_(ids), Actor.id != actor_id)
        .order_by(CooperationActor.role, func.lower(Actor.name))
    ).all():
        partners[cooperation_id].append(actor_ref(other, role))
    outcome_rows = session.execute(
        select(CooperationOutcome.cooperation_id, CooperationOutcome.kind).where(
            CooperationOutcome.cooperation_id.in_(ids)
        )
    ).all()
    per_cooperation = Counter(cid for cid, _kind in outcome_rows)
    by_kind = Counter(kind.value for _cid, kind in outcome_rows)
    networks = session.scalars(
        select(Actor)
        .join(ActorMembership, ActorMembership.network_id == Actor.id)
        .where(ActorMembership.member_id == actor_id)
        .order_by(func.lower(Actor.name))
    ).all()
    members = session.scalars(
        select(Actor)
        .join(ActorMembership, ActorMembership.member_id == Actor.id)
        .where(ActorMembership.network_id == actor_id)
        .order_by(func.lower(Actor.name))
    ).all()
    return ActorProfile(
        actor=actor,
        cooperations=[
            CooperationLine(
                c.id,
                c.title,
                c.programme,
                c.started_on,
                c.ended_on,
                role,
                partners.get(c.id, []),
                per_cooperation.get(c.id, 0),
            )
            for c, role in mine
        ],
        outcomes_by_kind={k: by_kind[k] for k in outcome_kinds() if by_kind.get(k)},
        networks=[actor_ref(n) for n in networks],
        members=[actor_ref(m) for m in members],
    )


# -- a cooperation ---------------------------------------------------------------------------


def evidence_link(url: str) -> str | None:
    """Return ``url`` if it may be a link (http or https with a host), else None."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(c.isspace() or ord(c) < 32 for c in text):
        return None
    return text


@dataclass(frozen=True)
class TopicLine:
    """A topic of a cooperation, named in the reader's language, with its SDGs."""

    slug: str
    name: str
    sdgs: list[int]


@dataclass(frozen=True)
class OutcomeLine:
    """An outcome with its evidence: ``link`` only when the URL is safe to link to."""

    kind: str
    description: str
    date: dt.date | None
    evidence_url: str
    link: str | None


@dataclass(frozen=True)
class CooperationDetail:
    """Everything a cooperation's page shows."""

    cooperation: Cooperation
    actors: list[ActorRef]
    topics: list[TopicLine]
    activities: list[CooperationActivity]
    outcomes: list[OutcomeLine]
    lessons: list[Lesson]
    event_code: str = ""
    event_title: str = ""
    source: str = field(default="manual")


def topic_name(topic: Topic, language: str) -> str:
    """Return the topic's name in ``language``, else its English name."""
    named = topic.names.get(language) if isinstance(topic.names, dict) else None
    return str(named) if named else topic.name


def cooperation_detail(
    session: Session, cooperation_id: int, language: str = "en"
) -> CooperationDetail:
    """Return the cooperation's page data, or refuse with 404."""
    cooperation = session.get(Cooperation, cooperation_id)
    if cooperation is None:
        raise NotFound(
            _("There is no cooperation {id} in the knowledge base.").format(id=cooperation_id)
        )
    actors = session.execute(
        select(Actor, CooperationActor.role)
        .join(CooperationActor, CooperationActor.actor_id == Actor.id)
        .where(CooperationActor.cooperation_id == cooperation_id)
        .order_by(CooperationActor.role, func.lower(Actor.name))
    ).all()
    topics = session.scalars(
        select(Topic)
        .join(CooperationTopic, CooperationTopic.topic_id == Topic.id)
        .where(CooperationTopic.cooperation_id == cooperation_id)
        .order_by(Topic.position, Topic.name)
    ).all()
    activities = session.scalars(
        select(CooperationActivity)
        .where(CooperationActivity.cooperation_id == cooperation_id)
        .order_by(CooperationActivity.date.asc().nulls_last(), CooperationActivity.id)
    ).all()
    outcomes = session.scalars(
        select(CooperationOutcome)
        .where(CooperationOutcome.cooperation_id == cooperation_id)
        .order_by(CooperationOutcome.date.asc().nulls_last(), CooperationOutcome.id)
    ).all()
    lessons = session.scalars(
        select(Lesson).where(Lesson.cooperation_id == cooperation_id).order_by(Lesson.id)
    ).all()
    code = title = ""
    if cooperation.source == CooperationSource.session and cooperation.event_id is not None:
        event = session.get(Event, cooperation.event_id)
        if event is not None:
            code, title = event.code, event.title
    return CooperationDetail(
        cooperation=cooperation,
        actors=[actor_ref(a, role) for a, role in actors],
        topics=[TopicLine(t.slug, topic_name(t, language), list(t.sdgs or [])) for t in topics],
        activities=list(activities),
        outcomes=[
            OutcomeLine(
                o.kind.value, o.description, o.date, o.evidence_url, evidence_link(o.evidence_url)
            )
            for o in outcomes
        ],
        lessons=list(lessons),
        event_code=code,
        event_title=title,
        source=cooperation.source.value,
    )
