"""What the knowledge base's map and graph read: placed actors and who cooperated with whom.

Read-only queries that return plain dataclasses (``figures`` turns them into drawings).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.knowledge.models import Actor, Cooperation, CooperationActor, CooperationOutcome
from agora.knowledge.views import ActorRef, actor_ref, cooperation_counts

#: The graph shows at most this many actors (those with most outcomes, then cooperations).
GRAPH_LIMIT = 150


@dataclass(frozen=True)
class Placed:
    """An actor with a position, and how much it cooperated."""

    actor: ActorRef
    latitude: float
    longitude: float
    cooperations: int
    outcomes: int


@dataclass(frozen=True)
class Link:
    """Two actors that cooperated: in how many cooperations, with how many outcomes."""

    a: int
    b: int
    cooperations: int
    outcomes: int
    titles: list[str]


def _pairs(session: Session, actor_ids: set[int]) -> list[Link]:
    """Return every pair of ``actor_ids`` that share a cooperation, weighted by outcomes."""
    members: dict[int, list[int]] = defaultdict(list)
    for cooperation_id, actor_id in session.execute(
        select(CooperationActor.cooperation_id, CooperationActor.actor_id).order_by(
            CooperationActor.cooperation_id, CooperationActor.actor_id
        )
    ).all():
        if actor_id in actor_ids:
            members[cooperation_id].append(actor_id)
    outcomes = dict(
        session.execute(
            select(CooperationOutcome.cooperation_id, func.count(CooperationOutcome.id)).group_by(
                CooperationOutcome.cooperation_id
            )
        ).all()
    )
    titles = dict(session.execute(select(Cooperation.id, Cooperation.title)).all())
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    for cooperation_id, ids in members.items():
        for a, b in itertools.combinations(sorted(set(ids)), 2):
            found[(a, b)].append(cooperation_id)
    return [
        Link(
            a,
            b,
            len(cids),
            sum(int(outcomes.get(c, 0)) for c in cids),
            [str(titles.get(c, "")) for c in cids],
        )
        for (a, b), cids in sorted(found.items())
    ]


def map_data(
    session: Session, actor_ids: Collection[int] | None = None
) -> tuple[list[Placed], list[Link]]:
    """Return the actors that have a position (of ``actor_ids`` if given), and the links
    between them."""
    query = select(Actor).where(Actor.latitude.is_not(None), Actor.longitude.is_not(None))
    if actor_ids is not None:
        query = query.where(Actor.id.in_(list(actor_ids)))
    actors = session.scalars(query.order_by(func.lower(Actor.name), Actor.id)).all()
    counts = cooperation_counts(session, (a.id for a in actors))
    placed = [
        Placed(
            actor_ref(a), float(a.latitude or 0), float(a.longitude or 0), *counts.get(a.id, (0, 0))
        )
        for a in actors
        if -90 <= (a.latitude or 0) <= 90 and -180 <= (a.longitude or 0) <= 180
    ]
    return placed, _pairs(session, {p.actor.id for p in placed})


@dataclass(frozen=True)
class GraphData:
    """Actors that cooperated (at most ``GRAPH_LIMIT``), the links between them, and how many
    actors were left out."""

    nodes: list[Placed]
    links: list[Link]
    left_out: int


def graph_data(session: Session, limit: int = GRAPH_LIMIT) -> GraphData:
    """Return the actors in at least one cooperation and the cooperations between them."""
    ids = session.scalars(select(CooperationActor.actor_id).distinct()).all()
    counts = cooperation_counts(session, ids)
    ranked = sorted(ids, key=lambda i: (-counts[i][1], -counts[i][0], i))
    kept = set(ranked[:limit])
    actors = session.scalars(
        select(Actor).where(Actor.id.in_(kept)).order_by(func.lower(Actor.name), Actor.id)
    ).all()
    nodes = [
        Placed(actor_ref(a), float(a.latitude or 0), float(a.longitude or 0), *counts[a.id])
        for a in actors
    ]
    return GraphData(nodes, _pairs(session, kept), max(0, len(ids) - len(kept)))
