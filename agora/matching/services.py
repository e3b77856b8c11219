"""Reading the knowledge base for matching, and the state changes of profiles and analyses.

``candidates`` reads every actor, profile, cooperation and membership once and builds the
scoring columns; ``match`` ranks and explains; ``save_profile`` and the benefit
functions change state (one function per change, raising ``agora.core.errors``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.core.errors import Conflict, InvalidInput, NotFound
from agora.core.i18n import _, current_language
from agora.knowledge.models import (
    Actor,
    ActorKind,
    ActorMembership,
    Cooperation,
    CooperationActivity,
    CooperationActor,
    CooperationOutcome,
    CooperationTopic,
    Topic,
)
from agora.matching import benefit
from agora.matching.explain import Match, explain
from agora.matching.models import BenefitRevision, Profile
from agora.matching.profiles import ActorFacts, MatchProfile, merge, self_assessed, topic_list
from agora.matching.scoring import (
    Candidates,
    CooperationFacts,
    Goal,
    build,
    goal_for,
    score,
    weights_from,
)
from agora.takeaways.fields import world_areas
from agora.text.clean import plain

#: The most candidates a match returns.
MAX_LIMIT = 100


def facts(actor: Actor) -> ActorFacts:
    """Return what matching uses of an actor."""
    return ActorFacts(
        id=actor.id,
        name=actor.name,
        kind=actor.kind.value if isinstance(actor.kind, ActorKind) else str(actor.kind),
        country=actor.country,
        world_area=actor.world_area,
        latitude=actor.latitude,
        longitude=actor.longitude,
        timezone=actor.timezone,
        population=actor.population,
    )


def stored(profile: Profile | None) -> dict[str, Any] | None:
    """Return a stored profile's fields as ``profiles.merge`` reads them."""
    if profile is None:
        return None
    return {
        "offers": profile.offers,
        "seeks": profile.seeks,
        "priorities": profile.priorities,
        "partner_kinds": profile.partner_kinds,
        "world_areas": profile.world_areas,
        "languages": profile.languages,
        "dimensions": profile.dimensions,
        "illustrative": profile.illustrative,
    }


def topic_names(session: Session) -> dict[str, str]:
    """Return each topic's name in the current language, by slug, in taxonomy order."""
    language = current_language()
    rows = session.scalars(select(Topic).order_by(Topic.position, Topic.id))
    return {t.slug: str((t.names or {}).get(language) or t.name) for t in rows}


def cooperations(session: Session) -> list[CooperationFacts]:
    """Return every cooperation as scoring sees it."""
    actors: dict[int, list[int]] = defaultdict(list)
    for cid, aid in session.execute(
        select(CooperationActor.cooperation_id, CooperationActor.actor_id)
    ):
        actors[cid].append(aid)
    topics: dict[int, list[str]] = defaultdict(list)
    for cid, slug in session.execute(
        select(CooperationTopic.cooperation_id, Topic.slug).join(
            Topic, Topic.id == CooperationTopic.topic_id
        )
    ):
        topics[cid].append(slug)
    outcomes: dict[int, list[str]] = defaultdict(list)
    for cid, kind in session.execute(
        select(CooperationOutcome.cooperation_id, CooperationOutcome.kind).order_by(
            CooperationOutcome.id
        )
    ):
        outcomes[cid].append(str(getattr(kind, "value", kind)))
    activities: dict[int, list[str]] = defaultdict(list)
    for cid, activity in session.execute(
        select(CooperationActivity.cooperation_id, CooperationActivity.kind).order_by(
            CooperationActivity.cooperation_id,
            CooperationActivity.date.is_(None),
            CooperationActivity.date,
            CooperationActivity.id,
        )
    ):
        activities[cid].append(str(getattr(activity, "value", activity)))
    return [
        CooperationFacts(
            id=cid,
            actors=tuple(actors.get(cid, ())),
            topics=tuple(topics.get(cid, ())),
            outcomes=tuple(outcomes.get(cid, ())),
            activities=tuple(activities.get(cid, ())),
            title=title,
        )
        for cid, title in session.execute(
            select(Cooperation.id, Cooperation.title).order_by(Cooperation.id)
        )
    ]


def candidates(session: Session, at: dt.datetime | None = None) -> Candidates:
    """Return every actor's complete profile and the links between them, as columns."""
    coops = cooperations(session)
    topics_of: dict[int, list[str]] = defaultdict(list)
    for coop in coops:
        for aid in coop.actors:
            topics_of[aid].extend(coop.topics)
    profiles = {p.actor_id: p for p in session.scalars(select(Profile))}
    rows = [
        merge(facts(a), stored(profiles.get(a.id)), cooperation_topics=topics_of.get(a.id, ()))
        for a in session.scalars(select(Actor).order_by(Actor.id))
    ]
    memberships = session.execute(select(ActorMembership.member_id, ActorMembership.network_id))
    known = list(session.scalars(select(Topic.slug).order_by(Topic.position, Topic.id)))
    return build(rows, coops, [(m, n) for m, n in memberships], topics=known, at=at)


#: Candidates built per database, with the version of the knowledge base they were built
#: from: building them reads every actor, cooperation and profile (9–17 s at 50,000 actors,
#: docs/performance.md), scoring them takes milliseconds.
_KEPT: dict[str, tuple[tuple[object, ...], Candidates]] = {}
_KEPT_LOCK = threading.Lock()


def knowledge_version(session: Session) -> tuple[object, ...]:
    """Return what changes whenever something matching reads changes (one query).

    Per table: how many rows and the highest id (a row removed and another added shows),
    and the newest ``updated_at`` where a table keeps one (a row changed in place; the
    knowledge base's services move a cooperation's on any change of its parts).
    """
    columns: list[Any] = []
    for model in (Actor, Cooperation, Profile):
        columns += [
            select(func.count()).select_from(model).scalar_subquery(),
            select(func.max(model.id)).scalar_subquery(),
            select(func.max(model.updated_at)).scalar_subquery(),
        ]
    keyed: tuple[tuple[type[Any], Any], ...] = (
        (ActorMembership, ActorMembership.id),
        (CooperationActor, CooperationActor.cooperation_id),
        (CooperationTopic, CooperationTopic.cooperation_id),
        (CooperationOutcome, CooperationOutcome.id),
        (CooperationActivity, CooperationActivity.id),
        (Topic, Topic.id),
    )
    for table, key in keyed:
        columns += [
            select(func.count()).select_from(table).scalar_subquery(),
            select(func.max(key)).scalar_subquery(),
        ]
    row = session.execute(select(*columns)).one()
    return tuple(row)


def kept_candidates(session: Session) -> Candidates:
    """Return the candidates of this database, built again only when the knowledge changed.

    Kept per process for the hour (time-zone offsets are taken at build time).
    """
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    version = (knowledge_version(session), utcnow().strftime("%Y-%m-%dT%H"))
    kept = _KEPT.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    with _KEPT_LOCK:  # one build at a time; a request that waited finds it built
        kept = _KEPT.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        built = candidates(session)
        _KEPT[key] = (version, built)
        return built


def get_actor(session: Session, actor_id: int) -> Actor:
    """Return an actor, or raise NotFound."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(_("There is no actor {id} in the knowledge base.").format(id=actor_id))
    return actor


def find_actor(session: Session, reference: str) -> Actor:
    """Return the actor a user means by an id or a name (exact, then unique partial)."""
    reference = reference.strip()
    if reference.isdigit():
        return get_actor(session, int(reference))
    exact = list(session.scalars(select(Actor).where(func.lower(Actor.name) == reference.lower())))
    if len(exact) == 1:
        return exact[0]
    found = exact or list(
        session.scalars(
            select(Actor).where(func.lower(Actor.name).contains(reference.lower())).limit(6)
        )
    )
    if not found:
        raise NotFound(_("No actor is called '{name}'.").format(name=reference[:80]))
    if len(found) > 1:
        raise InvalidInput(
            _("Several actors match '{name}': {names}. Give the id.").format(
                name=reference[:80],
                names="; ".join(f"{a.id} {a.name} ({a.country})" for a in found[:5]),
            ),
            field="actor",
        )
    return found[0]


def profile_of(session: Session, actor_id: int) -> MatchProfile:
    """Return an actor's complete profile (own values, derived ones, unknown ones)."""
    actor = get_actor(session, actor_id)
    found = session.scalar(select(Profile).where(Profile.actor_id == actor_id))
    coop_topics = session.scalars(
        select(Topic.slug)
        .join(CooperationTopic, CooperationTopic.topic_id == Topic.id)
        .join(CooperationActor, CooperationActor.cooperation_id == CooperationTopic.cooperation_id)
        .where(CooperationActor.actor_id == actor_id)
    )
    return merge(facts(actor), stored(found), cooperation_topics=list(coop_topics))


def check_goal(
    session: Session,
    topics: Sequence[str] = (),
    areas: Sequence[str] = (),
    kinds: Sequence[str] = (),
) -> Goal:
    """Return a checked goal, or raise InvalidInput naming the field with an unknown value."""
    slugs = topic_list(topics, topic_names(session), "topics")
    known_areas = world_areas()
    for area in areas:
        if area not in known_areas:
            raise InvalidInput(
                _("There is no world area '{area}'.").format(area=str(area)[:40]),
                field="world_areas",
            )
    for kind in kinds:
        if kind not in ActorKind.__members__:
            raise InvalidInput(
                _("There is no kind of actor '{kind}'.").format(kind=str(kind)[:40]),
                field="kinds",
            )
    return Goal(topics=tuple(slugs), world_areas=tuple(dict.fromkeys(areas)), kinds=tuple(kinds))


@dataclass(frozen=True)
class MatchResult:
    """A ranking: who asked, for what, with which weights, and the candidates."""

    seeker: MatchProfile
    goal: Goal
    weights: dict[str, float]
    matches: list[Match]
    considered: int


def match(
    session: Session,
    actor_id: int,
    goal: Goal | None = None,
    weights: Mapping[str, float | None] | None = None,
    *,
    limit: int = 10,
    built: Candidates | None = None,
) -> MatchResult:
    """Rank candidate partners for an actor and a goal, each component explained."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            _("The number of candidates must be from 1 to {max}.").format(max=MAX_LIMIT),
            field="limit",
        )
    w = weights_from(weights or {})
    c = built or kept_candidates(session)
    row = c.index.get(get_actor(session, actor_id).id)
    assert row is not None  # every actor is a row
    seeker = c.profiles[row]
    scores = score(c, seeker, goal, w)
    names = topic_names(session)
    top = scores.top(limit)
    return MatchResult(
        seeker=seeker,
        goal=scores.goal,
        weights=w,
        matches=[explain(c, scores, r, i + 1, names) for i, r in enumerate(top)],
        considered=int(scores.eligible.sum()),
    )


# -- profiles --------------------------------------------------------------------------------


def save_profile(session: Session, actor_id: int, fields: Mapping[str, Any]) -> Profile:
    """Create or replace an actor's profile with checked values (all self-assessed)."""
    get_actor(session, actor_id)
    known = topic_names(session)
    areas = world_areas()
    kinds = list(ActorKind.__members__)
    chosen_areas = [str(a) for a in fields.get("world_areas") or []]
    for area in chosen_areas:
        if area not in areas:
            raise InvalidInput(
                _("There is no world area '{area}'.").format(area=area[:40]), field="world_areas"
            )
    chosen_kinds = [str(k) for k in fields.get("partner_kinds") or []]
    for kind in chosen_kinds:
        if kind not in kinds:
            raise InvalidInput(
                _("There is no kind of actor '{kind}'.").format(kind=kind[:40]),
                field="partner_kinds",
            )
    languages = []
    for code in fields.get("languages") or []:
        code = str(code).strip().lower()
        if not code.replace("-", "").isalpha() or len(code) > 12:
            raise InvalidInput(
                _("'{code}' is not a language code (such as en, de, es).").format(code=code[:12]),
                field="languages",
            )
        languages.append(code)
    priorities = plain(str(fields.get("priorities") or ""), multiline=True).strip()
    if len(priorities) > 2000:
        raise InvalidInput(_("Priorities take at most 2,000 characters."), field="priorities")
    values = {
        "offers": topic_list(fields.get("offers") or [], known, "offers"),
        "seeks": topic_list(fields.get("seeks") or [], known, "seeks"),
        "priorities": priorities,
        "partner_kinds": list(dict.fromkeys(chosen_kinds)),
        "world_areas": list(dict.fromkeys(chosen_areas)),
        "languages": list(dict.fromkeys(languages)),
        "dimensions": self_assessed(fields.get("dimensions") or {}),
        "illustrative": bool(fields.get("illustrative", False)),
    }
    found = session.scalar(select(Profile).where(Profile.actor_id == actor_id))
    if found is None:
        found = Profile(actor_id=actor_id)
        session.add(found)
    for key, value in values.items():
        setattr(found, key, value)
    found.updated_at = utcnow()
    session.flush()
    return found


# -- the potential-benefit analysis ----------------------------------------------------------


def analysis(
    session: Session, actor_id: int, candidate_id: int, goal: Goal | None = None
) -> benefit.Analysis:
    """Return the benefit analysis of a candidate: generated, then as the organiser edited it."""
    if actor_id == candidate_id:
        raise InvalidInput(_("An actor cannot be its own partner."), field="candidate")
    get_actor(session, candidate_id)
    c = kept_candidates(session)
    seeker = c.profiles[c.index[actor_id]] if actor_id in c.index else None
    if seeker is None:
        get_actor(session, actor_id)
        raise NotFound(_("There is no actor {id} in the knowledge base.").format(id=actor_id))
    scores = score(c, seeker, goal, exclude_partners=False)
    row = c.index[candidate_id]
    names = topic_names(session)
    found = explain(c, scores, row, 0, names)
    generated = benefit.generate(c, scores, row, found, names)
    history = {
        name: benefit_revisions(session, actor_id, candidate_id, name) for name in benefit.SECTIONS
    }
    return benefit.Analysis(
        seeker=seeker,
        candidate=found,
        goal=scores.goal,
        generated=generated,
        texts={
            name: (history[name][0].text if history[name] else generated.texts[name])
            for name in benefit.SECTIONS
        },
        revisions=history,
        topic_names=names,
    )


def benefit_revisions(
    session: Session, actor_id: int, candidate_id: int, section: str
) -> list[BenefitRevision]:
    """Return a section's saved revisions, newest (the current text) first."""
    benefit.check_section(section)
    return list(
        session.scalars(
            select(BenefitRevision)
            .where(
                BenefitRevision.actor_id == actor_id,
                BenefitRevision.candidate_id == candidate_id,
                BenefitRevision.section == section,
            )
            .order_by(BenefitRevision.id.desc())
        )
    )


def save_benefit_section(
    session: Session,
    actor_id: int,
    candidate_id: int,
    section: str,
    text: object,
    author_id: int,
) -> BenefitRevision | None:
    """Save a section of a benefit analysis as a new revision (None when unchanged)."""
    benefit.check_section(section)
    get_actor(session, actor_id)
    get_actor(session, candidate_id)
    cleaned = benefit.clean_text(text)
    history = benefit_revisions(session, actor_id, candidate_id, section)
    if history and history[0].text == cleaned:
        return None
    revision = BenefitRevision(
        actor_id=actor_id,
        candidate_id=candidate_id,
        section=section,
        text=cleaned,
        author=str(author_id),
        created_at=utcnow(),
    )
    session.add(revision)
    session.flush()
    return revision


def restore_benefit_revision(
    session: Session, actor_id: int, candidate_id: int, revision_id: int, author_id: int
) -> BenefitRevision:
    """Make an earlier revision's text current again, as a new revision (history stays)."""
    old = session.get(BenefitRevision, revision_id)
    if old is None or old.actor_id != actor_id or old.candidate_id != candidate_id:
        raise NotFound(_("This analysis has no revision {id}.").format(id=revision_id))
    history = benefit_revisions(session, actor_id, candidate_id, old.section)
    if history and history[0].id == old.id:
        raise Conflict(_("This revision is already the current text."))
    revision = BenefitRevision(
        actor_id=actor_id,
        candidate_id=candidate_id,
        section=old.section,
        text=old.text,
        author=str(author_id),
        created_at=utcnow(),
    )
    session.add(revision)
    session.flush()
    return revision


__all__ = [
    "MatchResult",
    "analysis",
    "candidates",
    "check_goal",
    "find_actor",
    "goal_for",
    "match",
    "profile_of",
    "restore_benefit_revision",
    "save_benefit_section",
    "save_profile",
]
