"""State changes of the knowledge base: actors, memberships and cooperations.

Values arrive checked by ``agora.knowledge.schemas``; these functions check what needs
the database (the actors and topics named exist, a network is a network) and keep
``updated_at`` current on every change, because the search index reads the records changed
since it last ran.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _
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
from agora.knowledge.schemas import (
    ActivityIn,
    ActorFields,
    CooperationFields,
    LessonIn,
    OutcomeIn,
    Participation,
)
from agora.knowledge.topics import ensure_topics
from agora.text.language import UNDETERMINED, detect_language

# -- actors ------------------------------------------------------------------------------------


def get_actor(session: Session, actor_id: int) -> Actor:
    """Return the actor with ``actor_id`` or raise NotFound."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(_("There is no actor {id}.").format(id=actor_id))
    return actor


def list_actors(session: Session, *, limit: int = 500, offset: int = 0) -> list[Actor]:
    """Return actors by name."""
    query = select(Actor).order_by(Actor.name, Actor.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def create_actor(session: Session, data: ActorFields, *, provenance: str = "manual") -> Actor:
    """Add an actor."""
    values = data.model_dump()
    values["provenance"] = values.get("provenance") or provenance
    now = utcnow()
    actor = Actor(**values, created_at=now, updated_at=now)
    session.add(actor)
    session.flush()
    return actor


def update_actor(session: Session, actor: Actor, data: ActorFields) -> Actor:
    """Replace an actor's description with ``data``."""
    for name, value in data.model_dump().items():
        if name == "provenance" and not value:
            continue
        setattr(actor, name, value)
    touch_actor(actor)
    session.flush()
    return actor


def delete_actor(session: Session, actor: Actor) -> None:
    """Remove an actor, its memberships and its part in cooperations."""
    for cooperation in cooperations_of(session, actor.id):
        touch(cooperation)
    session.execute(
        delete(ActorMembership).where(
            or_(ActorMembership.member_id == actor.id, ActorMembership.network_id == actor.id)
        )
    )
    session.execute(delete(CooperationActor).where(CooperationActor.actor_id == actor.id))
    session.delete(actor)
    session.flush()


def touch_actor(actor: Actor) -> None:
    """Mark an actor changed now (the search index reads what changed since it last ran)."""
    actor.updated_at = utcnow()


def find_actor(
    session: Session,
    *,
    name: str = "",
    country: str = "",
    place_code: str = "",
    wikidata: str = "",
) -> Actor | None:
    """Return the actor with this Wikidata item or place code, else this name in this country.

    A name matches the actor's name or one of its other names, ignoring case.
    """
    if wikidata:
        found = session.scalars(select(Actor).where(Actor.wikidata == wikidata).limit(1)).first()
        if found is not None:
            return found
    if place_code:
        found = session.scalars(
            select(Actor).where(Actor.place_code == place_code).order_by(Actor.id).limit(1)
        ).first()
        if found is not None:
            return found
    if not name.strip():
        return None
    wanted = name.strip().casefold()
    query = select(Actor).where(Actor.country == country.upper())
    same = session.scalars(
        query.where(func.lower(Actor.name) == wanted).order_by(Actor.id).limit(1)
    ).first()
    if same is not None:
        return same
    for actor in session.scalars(query.order_by(Actor.id)):
        if any(other.casefold() == wanted for other in actor.names or []):
            return actor
    return None


def find_or_create_actor(
    session: Session, data: ActorFields, *, provenance: str = "manual"
) -> tuple[Actor, bool]:
    """Return the actor ``data`` describes (by Wikidata item, place code or name and country),
    creating it if there is none; and whether it is new."""
    found = find_actor(
        session,
        name=data.name,
        country=data.country,
        place_code=data.place_code,
        wikidata=data.wikidata,
    )
    if found is not None:
        return found, False
    return create_actor(session, data, provenance=provenance), True


# -- memberships -------------------------------------------------------------------------------


def memberships(session: Session, actor_id: int) -> list[tuple[ActorMembership, Actor]]:
    """Return the networks an actor belongs to, with each membership."""
    query = (
        select(ActorMembership, Actor)
        .join(Actor, Actor.id == ActorMembership.network_id)
        .where(ActorMembership.member_id == actor_id)
        .order_by(Actor.name)
    )
    return [(membership, network) for membership, network in session.execute(query).all()]


def add_membership(
    session: Session, member: Actor, network: Actor, since: dt.date | None = None
) -> ActorMembership:
    """Make ``member`` a member of ``network`` (an actor of kind network)."""
    if network.kind is not ActorKind.network:
        raise InvalidInput(
            _("{name} is not a network: only networks have members.").format(name=network.name),
            field="network_id",
        )
    if member.id == network.id:
        raise InvalidInput(_("A network cannot be its own member."), field="network_id")
    existing = session.scalar(
        select(ActorMembership).where(
            ActorMembership.member_id == member.id, ActorMembership.network_id == network.id
        )
    )
    if existing is not None:
        existing.since = since
        touch_actor(member)
        session.flush()
        return existing
    membership = ActorMembership(member_id=member.id, network_id=network.id, since=since)
    session.add(membership)
    touch_actor(member)
    session.flush()
    return membership


def remove_membership(session: Session, member: Actor, network_id: int) -> None:
    """End ``member``'s membership of a network."""
    removed = session.execute(
        delete(ActorMembership).where(
            ActorMembership.member_id == member.id, ActorMembership.network_id == network_id
        )
    )
    if not getattr(removed, "rowcount", 0):
        raise NotFound(_("The actor is not a member of that network."))
    touch_actor(member)
    session.flush()


# -- cooperations ------------------------------------------------------------------------------


def get_cooperation(session: Session, cooperation_id: int) -> Cooperation:
    """Return the cooperation with ``cooperation_id`` or raise NotFound."""
    cooperation = session.get(Cooperation, cooperation_id)
    if cooperation is None:
        raise NotFound(_("There is no cooperation {id}.").format(id=cooperation_id))
    return cooperation


def list_cooperations(session: Session, *, limit: int = 500, offset: int = 0) -> list[Cooperation]:
    """Return cooperations, the latest changed first."""
    query = (
        select(Cooperation)
        .order_by(Cooperation.updated_at.desc(), Cooperation.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def cooperations_of(session: Session, actor_id: int) -> list[Cooperation]:
    """Return the cooperations an actor takes part in."""
    ids = select(CooperationActor.cooperation_id).where(CooperationActor.actor_id == actor_id)
    return list(session.scalars(select(Cooperation).where(Cooperation.id.in_(ids))))


def touch(cooperation: Cooperation) -> None:
    """Mark a cooperation changed now (the search index reads what changed since it last ran)."""
    cooperation.updated_at = utcnow()


def participants(session: Session, cooperation_id: int) -> list[tuple[CooperationActor, Actor]]:
    """Return a cooperation's actors, the lead first, then by name."""
    query = (
        select(CooperationActor, Actor)
        .join(Actor, Actor.id == CooperationActor.actor_id)
        .where(CooperationActor.cooperation_id == cooperation_id)
        .order_by(Actor.name)
    )
    rows = list(session.execute(query).all())
    return sorted(rows, key=lambda row: (row[0].role != "lead", row[1].name, row[1].id))


def cooperation_topics(session: Session, cooperation_id: int) -> list[Topic]:
    """Return the topics of a cooperation in the taxonomy's order."""
    query = (
        select(Topic)
        .join(CooperationTopic, CooperationTopic.topic_id == Topic.id)
        .where(CooperationTopic.cooperation_id == cooperation_id)
        .order_by(Topic.position, Topic.slug)
    )
    return list(session.scalars(query))


def activities(session: Session, cooperation_id: int) -> list[CooperationActivity]:
    """Return a cooperation's activities by date (undated last)."""
    rows = session.scalars(
        select(CooperationActivity)
        .where(CooperationActivity.cooperation_id == cooperation_id)
        .order_by(CooperationActivity.id)
    )
    return sorted(rows, key=lambda a: (a.date is None, a.date or dt.date.min, a.id))


def outcomes(session: Session, cooperation_id: int) -> list[CooperationOutcome]:
    """Return a cooperation's outcomes in the order they were given."""
    return list(
        session.scalars(
            select(CooperationOutcome)
            .where(CooperationOutcome.cooperation_id == cooperation_id)
            .order_by(CooperationOutcome.id)
        )
    )


def lessons(session: Session, cooperation_id: int) -> list[Lesson]:
    """Return a cooperation's lessons in the order they were given."""
    return list(
        session.scalars(
            select(Lesson).where(Lesson.cooperation_id == cooperation_id).order_by(Lesson.id)
        )
    )


def lesson_language(text: str, given: str = "") -> str:
    """Return the lesson's language: the one given, else the detected one (``und`` if unsure)."""
    return given or detect_language(text) or UNDETERMINED


def _topics_by_slug(session: Session, slugs: Sequence[str]) -> list[Topic]:
    ensure_topics(session)
    found = {t.slug: t for t in session.scalars(select(Topic).where(Topic.slug.in_(slugs)))}
    for index, slug in enumerate(slugs):
        if slug not in found:
            raise InvalidInput(
                _("There is no topic '{slug}'.").format(slug=slug[:60]), field=f"topics[{index}]"
            )
    return [found[slug] for slug in slugs]


def _check_actors(session: Session, actors: Sequence[Participation]) -> None:
    ids = [p.actor_id for p in actors]
    known = set(session.scalars(select(Actor.id).where(Actor.id.in_(ids))))
    for index, participation in enumerate(actors):
        if participation.actor_id not in known:
            raise InvalidInput(
                _("There is no actor {id}.").format(id=participation.actor_id),
                field=f"actors[{index}].actor_id",
            )


def _write_parts(
    session: Session,
    cooperation: Cooperation,
    data: CooperationFields,
    actors: Sequence[Participation],
) -> None:
    """Replace a cooperation's actors, topics, activities, outcomes and lessons."""
    topics = _topics_by_slug(session, data.topics)
    _check_actors(session, actors)
    cid = cooperation.id
    for table in (
        CooperationActor,
        CooperationTopic,
        CooperationActivity,
        CooperationOutcome,
        Lesson,
    ):
        session.execute(delete(table).where(table.cooperation_id == cid))
    session.add_all(CooperationActor(cooperation_id=cid, actor_id=p.actor_id, role=p.role)
                    for p in actors)  # fmt: skip
    session.add_all(CooperationTopic(cooperation_id=cid, topic_id=t.id) for t in topics)
    session.add_all(_activity(cid, a) for a in data.activities)
    session.add_all(_outcome(cid, o) for o in data.outcomes)
    session.add_all(_lesson(cid, lesson) for lesson in data.lessons)


def _activity(cooperation_id: int, data: ActivityIn) -> CooperationActivity:
    return CooperationActivity(cooperation_id=cooperation_id, **data.model_dump())


def _outcome(cooperation_id: int, data: OutcomeIn) -> CooperationOutcome:
    return CooperationOutcome(cooperation_id=cooperation_id, **data.model_dump())


def _lesson(cooperation_id: int, data: LessonIn) -> Lesson:
    language = lesson_language(data.text, data.language)
    return Lesson(cooperation_id=cooperation_id, text=data.text, language=language)


_OWN_FIELDS = ("title", "programme", "started_on", "ended_on", "summary")


def create_cooperation(
    session: Session,
    data: CooperationFields,
    actors: Sequence[Participation],
    *,
    source: CooperationSource = CooperationSource.manual,
    **provenance: Any,
) -> Cooperation:
    """Add a cooperation with its actors, topics, activities, outcomes and lessons.

    ``provenance`` sets ``event_id``, ``takeaway_id``, ``speaker_name`` or ``import_source``.
    """
    now = utcnow()
    cooperation = Cooperation(
        **{name: getattr(data, name) for name in _OWN_FIELDS},
        source=source,
        created_at=now,
        updated_at=now,
        **provenance,
    )
    session.add(cooperation)
    session.flush()
    _write_parts(session, cooperation, data, actors)
    session.flush()
    return cooperation


def update_cooperation(
    session: Session,
    cooperation: Cooperation,
    data: CooperationFields,
    actors: Sequence[Participation],
) -> Cooperation:
    """Replace a cooperation's description and parts; its provenance stays."""
    for name in _OWN_FIELDS:
        setattr(cooperation, name, getattr(data, name))
    _write_parts(session, cooperation, data, actors)
    touch(cooperation)
    session.flush()
    return cooperation


def delete_cooperation(session: Session, cooperation: Cooperation) -> None:
    """Remove a cooperation and its parts."""
    cid = cooperation.id
    for table in (
        CooperationActor,
        CooperationTopic,
        CooperationActivity,
        CooperationOutcome,
        Lesson,
    ):
        session.execute(delete(table).where(table.cooperation_id == cid))
    session.delete(cooperation)
    session.flush()


def promoted_from(session: Session, takeaway_id: int) -> Cooperation | None:
    """Return the cooperation a takeaway was promoted to, if any."""
    return session.scalar(select(Cooperation).where(Cooperation.takeaway_id == takeaway_id))


def promoted_takeaways(session: Session, takeaway_ids: Iterable[int]) -> dict[int, int]:
    """Return, for each of ``takeaway_ids`` already promoted, its cooperation's id."""
    ids = list(takeaway_ids)
    if not ids:
        return {}
    query = select(Cooperation.takeaway_id, Cooperation.id).where(Cooperation.takeaway_id.in_(ids))
    return {int(t): int(c) for t, c in session.execute(query).all() if t is not None}


def refuse_second_promotion(session: Session, takeaway_id: int) -> None:
    """Refuse to promote a takeaway twice, naming the record that already holds it."""
    existing = promoted_from(session, takeaway_id)
    if existing is not None:
        raise Conflict(
            _(
                "This takeaway is already in the knowledge base: /knowledge/cooperations/{id}."
            ).format(id=existing.id)
        )
