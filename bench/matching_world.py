"""A generated knowledge base with a known structure, for matching's evaluation and benchmark.

How it is made (``generate(n_actors, seed)``), so that a reader can judge what the
evaluation measures:

* **Actors** are cities (85%) and regions (15%) in the seven world areas (Europe heavier),
  each in a real country of ``agora/matching/data/countries.csv`` from its area, with
  coordinates scattered around an anchor of the area and the area's usual time zones;
  about 60% have a profile (what they offer and seek), the others only their
  cooperations.
* **Communities**: every actor belongs to one of ``n_actors // 50`` communities (a
  programme or thematic cluster), each with two topics of the seven and one or two
  world areas its members come from (80%; the rest from anywhere). An actor offers one
  or two topics (its community's with probability 0.6) and seeks one or two others.
* **Networks**: one per three communities; a member of a community joins its network with
  probability 0.7, and any network with probability 0.1.
* **Cooperations**: ``4 × n_actors`` links, each between an actor ``a`` and a partner
  chosen: 50% from ``a``'s community; 25% a partner of one of ``a``'s partners (closing a
  triangle, once ``a`` has partners); 25% an actor that offers a topic ``a`` seeks. A
  cooperation's topics are those ``a`` seeks that the partner offers, else the
  community's; it has 0–3 outcomes and 1–2 activities.

The hidden links of the evaluation are drawn from these cooperations: how well a ranking
recovers them says how well it reads such structure — likeness, complementarity, track
record, networks — compared with a ranking by topics alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from agora.matching.profiles import ActorFacts, MatchProfile, countries, merge
from agora.matching.scoring import CooperationFacts

TOPICS = (
    "digital_transition",
    "mobility",
    "energy_circular",
    "health",
    "culture_tourism",
    "innovation_ecosystems",
    "participatory_governance",
)
#: (share of actors, anchor latitude, anchor longitude, time zones) per world area.
AREAS: dict[str, tuple[float, float, float, tuple[str, ...]]] = {
    "europe": (0.4, 50.0, 10.0, ("Europe/Berlin", "Europe/Madrid", "Europe/Helsinki")),
    "asia": (0.2, 30.0, 110.0, ("Asia/Shanghai", "Asia/Seoul", "Asia/Tokyo", "Asia/Kolkata")),
    "latin_america": (0.15, -15.0, -60.0, ("America/Sao_Paulo", "America/Lima")),
    "north_america": (0.08, 42.0, -90.0, ("America/New_York", "America/Chicago")),
    "oceania": (0.05, -32.0, 145.0, ("Australia/Sydney", "Pacific/Auckland")),
    "africa": (0.07, 0.0, 20.0, ("Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg")),
    "middle_east": (0.05, 27.0, 45.0, ("Asia/Riyadh", "Asia/Dubai")),
}
OUTCOMES = ("memorandum", "expert_exchange", "guideline", "policy_adapted", "joint_project")
ACTIVITIES = ("study_visit", "expert_exchange", "delegation", "memorandum_signature")


@dataclass
class World:
    """The generated knowledge base."""

    profiles: list[MatchProfile]
    cooperations: list[CooperationFacts]
    memberships: list[tuple[int, int]]
    community: dict[int, int]


def generate(n_actors: int, seed: int = 7) -> World:
    """Generate a knowledge base of ``n_actors`` actors (plus networks) as described above."""
    rng = random.Random(seed)
    by_area: dict[str, list[str]] = {}
    for code, row in countries().items():
        by_area.setdefault(row.world_area, []).append(code)
    areas = list(AREAS)
    weights = [AREAS[a][0] for a in areas]
    n_communities = max(2, n_actors // 50)
    communities = [
        (
            tuple(rng.sample(TOPICS, 2)),
            tuple(rng.choices(areas, weights, k=rng.choice((1, 2)))),
        )
        for _ in range(n_communities)
    ]
    n_networks = max(1, n_communities // 3)
    network_ids = list(range(n_actors + 1, n_actors + 1 + n_networks))
    profiles: list[MatchProfile] = []
    community: dict[int, int] = {}
    offers: dict[int, list[str]] = {}
    seeks: dict[int, list[str]] = {}
    memberships: list[tuple[int, int]] = []
    for actor_id in range(1, n_actors + 1):
        k = rng.randrange(n_communities)
        community[actor_id] = k
        theme, home = communities[k]
        area = rng.choice(home) if rng.random() < 0.8 else rng.choices(areas, weights)[0]
        _share, lat, lon, zones = AREAS[area]
        country = rng.choice(by_area.get(area) or ["DE"])
        own = [rng.choice(theme)] if rng.random() < 0.6 else []
        while len(own) < rng.choice((1, 2)):
            topic = rng.choice(TOPICS)
            if topic not in own:
                own.append(topic)
        wanted = [t for t in rng.sample(TOPICS, 3) if t not in own][: rng.choice((1, 2))]
        offers[actor_id], seeks[actor_id] = own, wanted
        facts = ActorFacts(
            id=actor_id,
            name=f"Actor {actor_id}",
            kind="city" if rng.random() < 0.85 else "region",
            country=country,
            world_area=area,
            latitude=lat + rng.uniform(-12, 12),
            longitude=lon + rng.uniform(-20, 20),
            timezone=rng.choice(zones),
            population=int(10 ** rng.uniform(4.5, 7)),
        )
        stored = {"offers": own, "seeks": wanted} if rng.random() < 0.6 else None
        profiles.append(merge(facts, stored))
        if rng.random() < 0.7:
            memberships.append((actor_id, network_ids[k % n_networks]))
        if rng.random() < 0.1:
            memberships.append((actor_id, rng.choice(network_ids)))
    members: dict[int, list[int]] = {}
    for actor_id, k in community.items():
        members.setdefault(k, []).append(actor_id)
    offering: dict[str, list[int]] = {t: [] for t in TOPICS}
    for actor_id, topics in offers.items():
        for t in topics:
            offering[t].append(actor_id)
    partners: dict[int, set[int]] = {i: set() for i in community}
    cooperations: list[CooperationFacts] = []
    pairs: set[tuple[int, int]] = set()
    while len(cooperations) < 4 * n_actors:
        a = rng.randrange(1, n_actors + 1)
        draw = rng.random()
        if draw < 0.5:
            b = rng.choice(members[community[a]])
        elif draw < 0.75 and partners[a]:
            p = rng.choice(sorted(partners[a]))
            if not partners[p]:
                continue
            b = rng.choice(sorted(partners[p]))
        else:
            b = rng.choice(offering[rng.choice(seeks[a])] or [a])
        pair = (min(a, b), max(a, b))
        if a == b or pair in pairs:
            continue
        pairs.add(pair)
        partners[a].add(b)
        partners[b].add(a)
        link_topics: tuple[str, ...] = (
            tuple(t for t in seeks[a] if t in offers[b]) or communities[community[a]][0]
        )
        cooperations.append(
            CooperationFacts(
                id=len(cooperations) + 1,
                actors=(a, b),
                topics=link_topics,
                outcomes=tuple(rng.choices(OUTCOMES, k=rng.randrange(4))),
                activities=tuple(rng.sample(ACTIVITIES, rng.choice((1, 2)))),
            )
        )
    for network_id in network_ids:
        profiles.append(
            merge(ActorFacts(id=network_id, name=f"Network {network_id}", kind="network"), None)
        )
    return World(profiles, cooperations, memberships, community)


def with_offers_from(world: World, visible: list[CooperationFacts]) -> list[MatchProfile]:
    """Return the profiles with offers of actors without a profile taken from ``visible``."""
    topics: dict[int, list[str]] = {}
    for c in visible:
        for a in c.actors:
            topics.setdefault(a, []).extend(c.topics)
    out = []
    for p in world.profiles:
        if p.has_profile:
            out.append(p)
        else:
            out.append(merge(p.actor, None, cooperation_topics=topics.get(p.actor.id, ())))
    return out
