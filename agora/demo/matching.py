"""Demonstration data for partner matching: real cities, illustrative profiles and links.

``seed_matching(session)`` makes Hamburg's match meaningful: the regions of the reference
session and some twenty more cities and regions, with true country facts, places and time
zones, and populations rounded from public statistics. The profiles' self-assessed values,
the cooperations not told in the session and the network memberships are *illustrative*:
every profile is marked ``illustrative`` and the pages say so. Actors that already exist
(found by name and country) are reused, so it runs after the knowledge base's own demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.knowledge.models import (
    ActivityKind,
    Actor,
    ActorKind,
    ActorMembership,
    Cooperation,
    CooperationActivity,
    CooperationActor,
    CooperationOutcome,
    CooperationSource,
    CooperationTopic,
    OutcomeKind,
    Topic,
)
from agora.matching.models import Profile

PROVENANCE = "demo:matching"
PROGRAMME = "Illustrative (demo)"

#: The seven topics every branch relies on, created when the taxonomy is not loaded yet.
TOPICS: list[tuple[str, str]] = [
    ("digital_transition", "Digital transition and smart city"),
    ("mobility", "Urban mobility"),
    ("energy_circular", "Energy transition and circular economy"),
    ("health", "Health"),
    ("culture_tourism", "Culture and tourism"),
    ("innovation_ecosystems", "Innovation ecosystems and technology transfer"),
    ("participatory_governance", "Participatory governance"),
]

#: (names, the first being the one created; kind; country; latitude; longitude; time zone;
#: population; world area)
ACTORS: list[tuple[tuple[str, ...], str, str, float, float, str, int, str]] = [
    (
        ("Hamburg", "Free and Hanseatic City of Hamburg"),
        "city",
        "DE",
        53.5511,
        9.9937,
        "Europe/Berlin",
        1_900_000,
        "europe",
    ),
    (
        ("City of Melbourne", "Melbourne"),
        "city",
        "AU",
        -37.8136,
        144.9631,
        "Australia/Melbourne",
        5_000_000,
        "oceania",
    ),
    (
        ("City of Canberra", "Canberra"),
        "city",
        "AU",
        -35.2809,
        149.1300,
        "Australia/Sydney",
        460_000,
        "oceania",
    ),
    (("Genova", "Genoa"), "city", "IT", 44.4056, 8.9463, "Europe/Rome", 560_000, "europe"),
    (
        ("Municipality of Mar del Plata", "Mar del Plata"),
        "city",
        "AR",
        -38.0055,
        -57.5426,
        "America/Argentina/Buenos_Aires",
        620_000,
        "latin_america",
    ),
    (
        ("Regional Government of Piura", "Piura"),
        "region",
        "PE",
        -5.1945,
        -80.6328,
        "America/Lima",
        2_050_000,
        "latin_america",
    ),
    (("Graz",), "city", "AT", 47.0707, 15.4395, "Europe/Vienna", 300_000, "europe"),
    (
        ("Chongqing", "Zhong county"),
        "city",
        "CN",
        29.5630,
        106.5516,
        "Asia/Shanghai",
        32_000_000,
        "asia",
    ),
    (("Tallinn",), "city", "EE", 59.4370, 24.7536, "Europe/Tallinn", 450_000, "europe"),
    (("Barcelona",), "city", "ES", 41.3874, 2.1686, "Europe/Madrid", 1_620_000, "europe"),
    (("Helsinki",), "city", "FI", 60.1699, 24.9384, "Europe/Helsinki", 660_000, "europe"),
    (
        ("Curitiba",),
        "city",
        "BR",
        -25.4284,
        -49.2733,
        "America/Sao_Paulo",
        1_770_000,
        "latin_america",
    ),
    (("Seoul",), "city", "KR", 37.5665, 126.9780, "Asia/Seoul", 9_400_000, "asia"),
    (
        ("Krapina-Zagorje County",),
        "region",
        "HR",
        46.1600,
        15.8790,
        "Europe/Zagreb",
        120_000,
        "europe",
    ),
    (
        ("Sisak-Moslavina County",),
        "region",
        "HR",
        45.4851,
        16.3731,
        "Europe/Zagreb",
        140_000,
        "europe",
    ),
    (("Extremadura",), "region", "ES", 38.9161, -6.3437, "Europe/Madrid", 1_050_000, "europe"),
    (("Murcia",), "city", "ES", 37.9922, -1.1307, "Europe/Madrid", 460_000, "europe"),
    (
        ("North East Romania",),
        "region",
        "RO",
        47.1585,
        27.6014,
        "Europe/Bucharest",
        3_200_000,
        "europe",
    ),
    (("Vienna",), "city", "AT", 48.2082, 16.3738, "Europe/Vienna", 1_980_000, "europe"),
    (("Amsterdam",), "city", "NL", 52.3676, 4.9041, "Europe/Amsterdam", 930_000, "europe"),
    (("Copenhagen",), "city", "DK", 55.6761, 12.5683, "Europe/Copenhagen", 650_000, "europe"),
    (
        ("Medellín", "Medellin"),
        "city",
        "CO",
        6.2442,
        -75.5812,
        "America/Bogota",
        2_570_000,
        "latin_america",
    ),
    (
        ("Montevideo",),
        "city",
        "UY",
        -34.9011,
        -56.1645,
        "America/Montevideo",
        1_380_000,
        "latin_america",
    ),
    (("Shenzhen",), "city", "CN", 22.5431, 114.0579, "Asia/Shanghai", 17_500_000, "asia"),
    (("Toronto",), "city", "CA", 43.6532, -79.3832, "America/Toronto", 2_790_000, "north_america"),
    (("Auckland",), "city", "NZ", -36.8485, 174.7633, "Pacific/Auckland", 1_700_000, "oceania"),
    (("Cape Town",), "city", "ZA", -33.9249, 18.4241, "Africa/Johannesburg", 4_770_000, "africa"),
    (("Yokohama",), "city", "JP", 35.4437, 139.6380, "Asia/Tokyo", 3_770_000, "asia"),
    (
        ("EUROCITIES", "Eurocities"),
        "network",
        "BE",
        50.8503,
        4.3517,
        "Europe/Brussels",
        0,
        "europe",
    ),
    (("Metropolis",), "network", "ES", 41.3874, 2.1686, "Europe/Madrid", 0, "europe"),
    (
        ("ICLEI – Local Governments for Sustainability", "ICLEI"),
        "network",
        "DE",
        50.7374,
        7.0982,
        "Europe/Berlin",
        0,
        "europe",
    ),
]

#: Illustrative memberships: (member, network).
MEMBERSHIPS: list[tuple[str, str]] = (
    [
        (m, "EUROCITIES")
        for m in (
            "Hamburg",
            "Barcelona",
            "Helsinki",
            "Tallinn",
            "Genova",
            "Amsterdam",
            "Copenhagen",
            "Vienna",
        )
    ]
    + [
        (m, "Metropolis")
        for m in ("Hamburg", "Barcelona", "Seoul", "Montevideo", "Medellín", "Shenzhen")
    ]
    + [
        (m, "ICLEI – Local Governments for Sustainability")
        for m in ("Curitiba", "Cape Town", "Seoul", "City of Melbourne", "Yokohama", "Auckland")
    ]
)

#: (title, partners, topics, first activities in order, outcomes) — the session's six told
#: partnerships first (as told), then illustrative ones.
COOPERATIONS: list[
    tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
] = [
    (
        "Hamburg and Melbourne: digital public services and mobility",
        ("Hamburg", "City of Melbourne"),
        ("digital_transition", "mobility"),
        ("delegation", "expert_exchange"),
        ("expert_exchange",),
    ),
    (
        "Hamburg and Canberra: academia and local government",
        ("Hamburg", "City of Canberra"),
        ("digital_transition", "mobility"),
        ("delegation", "expert_exchange"),
        ("expert_exchange",),
    ),
    (
        "Genova and Mar del Plata: a year-round city",
        ("Genova", "Municipality of Mar del Plata"),
        ("culture_tourism", "digital_transition"),
        ("study_visit",),
        ("guideline",),
    ),
    (
        "Krapina-Zagorje and Graz: a health innovation hub",
        ("Krapina-Zagorje County", "Graz"),
        ("health", "innovation_ecosystems"),
        ("study_visit", "expert_exchange"),
        ("facility_designed", "facility_designed"),
    ),
    (
        "Sisak-Moslavina and Zhong county: e-sport",
        ("Sisak-Moslavina County", "Chongqing"),
        ("culture_tourism", "innovation_ecosystems"),
        ("delegation",),
        ("delegation_visit", "memorandum"),
    ),
    (
        "Extremadura and Piura: a science and innovation ecosystem",
        ("Extremadura", "Regional Government of Piura"),
        ("innovation_ecosystems", "health"),
        ("expert_exchange", "delegation"),
        ("delegation_visit", "facility_designed", "expert_exchange"),
    ),
    (
        "Cross-border digital public services",
        ("Tallinn", "Helsinki"),
        ("digital_transition",),
        ("study_visit", "expert_exchange"),
        ("policy_adapted", "joint_project"),
    ),
    (
        "Bus rapid transit know-how",
        ("Barcelona", "Curitiba"),
        ("mobility",),
        ("study_visit",),
        ("guideline",),
    ),
    (
        "Smart-city data platforms",
        ("Seoul", "Barcelona"),
        ("digital_transition",),
        ("memorandum_signature", "expert_exchange"),
        ("memorandum", "joint_project"),
    ),
    (
        "Mobility as a service",
        ("Helsinki", "Seoul"),
        ("digital_transition", "mobility"),
        ("study_visit", "delegation"),
        ("policy_adapted",),
    ),
    (
        "Integrated transport planning",
        ("Curitiba", "Medellín"),
        ("mobility",),
        ("expert_exchange",),
        ("policy_adapted",),
    ),
    (
        "Digital government services",
        ("Melbourne", "Seoul"),
        ("digital_transition",),
        ("memorandum_signature",),
        ("memorandum",),
    ),
    (
        "Cycling cities",
        ("Amsterdam", "Copenhagen"),
        ("mobility",),
        ("study_visit",),
        ("guideline", "joint_project"),
    ),
    (
        "Port cities' energy transition",
        ("Hamburg", "Copenhagen"),
        ("energy_circular",),
        ("workshop",),
        ("joint_project",),
    ),
    (
        "Public transport on demand",
        ("City of Melbourne", "Auckland"),
        ("mobility",),
        ("expert_exchange",),
        ("guideline",),
    ),
    (
        "Digital identity for residents",
        ("City of Canberra", "Tallinn"),
        ("digital_transition",),
        ("study_visit",),
        ("expert_exchange",),
    ),
    (
        "Electric buses and open data",
        ("Shenzhen", "Barcelona"),
        ("digital_transition", "mobility"),
        ("delegation",),
        ("joint_project",),
    ),
    (
        "Open data for city services",
        ("Toronto", "Helsinki"),
        ("digital_transition",),
        ("expert_exchange",),
        ("guideline",),
    ),
    (
        "Participatory budgeting online",
        ("Montevideo", "Barcelona"),
        ("participatory_governance", "digital_transition"),
        ("study_visit",),
        ("policy_adapted",),
    ),
    (
        "Bus rapid transit in Cape Town",
        ("Cape Town", "Curitiba"),
        ("mobility",),
        ("study_visit",),
        ("policy_adapted",),
    ),
    (
        "Smart port logistics",
        ("Yokohama", "Genova"),
        ("digital_transition", "mobility"),
        ("study_visit", "memorandum_signature"),
        ("memorandum",),
    ),
    (
        "Urban heat and green energy",
        ("Vienna", "Graz"),
        ("energy_circular",),
        ("workshop",),
        ("guideline",),
    ),
]

#: Illustrative profiles: name → fields (offers, seeks, languages, self-assessed values).
PROFILES: dict[str, dict[str, Any]] = {
    "Hamburg": {
        "offers": ["energy_circular", "innovation_ecosystems"],
        "seeks": ["digital_transition", "mobility"],
        "priorities": (
            "Digital public services and mobility concepts; "
            "universities working with the administration."
        ),
        "partner_kinds": ["city", "region"],
        "languages": ["de", "en"],
        "dimensions": {"technology": 0.85, "governance": 0.9, "economic": 0.9},
    },
    "City of Melbourne": {
        "offers": ["digital_transition", "mobility"],
        "seeks": ["energy_circular"],
        "languages": ["en"],
    },
    "City of Canberra": {
        "offers": ["digital_transition"],
        "seeks": ["innovation_ecosystems"],
        "languages": ["en"],
    },
    "Tallinn": {
        "offers": ["digital_transition"],
        "seeks": ["energy_circular", "mobility"],
        "languages": ["et", "en"],
        "dimensions": {"technology": 0.9},
    },
    "Helsinki": {
        "offers": ["digital_transition", "mobility"],
        "seeks": ["energy_circular"],
        "languages": ["fi", "sv", "en"],
    },
    "Barcelona": {
        "offers": ["digital_transition", "participatory_governance", "mobility"],
        "seeks": ["innovation_ecosystems"],
        "languages": ["ca", "es", "en"],
    },
    "Seoul": {
        "offers": ["digital_transition", "mobility"],
        "seeks": ["energy_circular", "culture_tourism"],
        "languages": ["ko", "en"],
        "dimensions": {"technology": 0.95},
    },
    "Curitiba": {"offers": ["mobility"], "seeks": ["digital_transition"], "languages": ["pt"]},
    "Genova": {
        "offers": ["culture_tourism", "mobility"],
        "seeks": ["digital_transition"],
        "languages": ["it", "en"],
    },
    "Amsterdam": {
        "offers": ["mobility", "energy_circular"],
        "seeks": ["digital_transition"],
        "languages": ["nl", "en"],
    },
    "Medellín": {
        "offers": ["mobility", "innovation_ecosystems"],
        "seeks": ["digital_transition"],
        "languages": ["es"],
    },
    "Auckland": {"offers": ["mobility"], "seeks": ["digital_transition"], "languages": ["en"]},
    "Toronto": {"offers": ["digital_transition"], "seeks": ["mobility"], "languages": ["en", "fr"]},
}


def _topics(session: Session) -> dict[str, Topic]:
    found = {t.slug: t for t in session.scalars(select(Topic))}
    for position, (slug, name) in enumerate(TOPICS):
        if slug not in found:
            topic = Topic(slug=slug, name=name, names={"en": name}, position=position)
            session.add(topic)
            found[slug] = topic
    session.flush()
    return found


def _actor(
    session: Session, row: tuple[tuple[str, ...], str, str, float, float, str, int, str]
) -> Actor:
    names, kind, country, lat, lon, zone, population, area = row
    for name in names:
        found = session.scalar(
            select(Actor).where(Actor.name == name, Actor.country == country).limit(1)
        )
        if found is not None:
            for attribute, value in (
                ("latitude", lat),
                ("longitude", lon),
                ("timezone", zone),
                ("world_area", area),
            ):
                if not getattr(found, attribute):
                    setattr(found, attribute, value)
            if found.population is None and population:
                found.population = population
            return found
    actor = Actor(
        kind=ActorKind(kind),
        name=names[0],
        names=list(names[1:]),
        country=country,
        latitude=lat,
        longitude=lon,
        timezone=zone,
        population=population or None,
        world_area=area,
        provenance=PROVENANCE,
    )
    session.add(actor)
    session.flush()
    return actor


def seed_matching(session: Session) -> dict[str, Actor]:
    """Create (or complete) the demo's actors, links and profiles; return the actors by name.

    Idempotent: a second run adds nothing. The caller commits.
    """
    topics = _topics(session)
    actors: dict[str, Actor] = {}
    for row in ACTORS:
        actor = _actor(session, row)
        for name in row[0]:
            actors[name] = actor
    for member, network in MEMBERSHIPS:
        m, n = actors[member], actors[network]
        exists = session.scalar(
            select(ActorMembership).where(
                ActorMembership.member_id == m.id, ActorMembership.network_id == n.id
            )
        )
        if exists is None:
            session.add(ActorMembership(member_id=m.id, network_id=n.id))
    known = set(session.scalars(select(Cooperation.title)))
    linked: dict[int, set[int]] = {}
    for cid, aid in session.execute(
        select(CooperationActor.cooperation_id, CooperationActor.actor_id)
    ):
        linked.setdefault(cid, set()).add(aid)
    # a partnership the knowledge base already holds (promoted from the session's
    # takeaways, say) is not added a second time under another title
    pairs = {frozenset(ids) for ids in linked.values()}
    start = dt.date(2019, 3, 1)
    for number, (title, partners, slugs, activities, outcomes) in enumerate(COOPERATIONS):
        if title in known or frozenset(actors[p].id for p in partners) in pairs:
            continue
        first = start + dt.timedelta(days=61 * number)
        coop = Cooperation(
            title=title,
            programme=PROGRAMME,
            started_on=first,
            source=CooperationSource.manual,
            import_source=PROVENANCE,
        )
        session.add(coop)
        session.flush()
        for i, name in enumerate(partners):
            session.add(
                CooperationActor(
                    cooperation_id=coop.id,
                    actor_id=actors[name].id,
                    role="lead" if i == 0 else "partner",
                )
            )
        for slug in slugs:
            session.add(CooperationTopic(cooperation_id=coop.id, topic_id=topics[slug].id))
        for i, kind in enumerate(activities):
            session.add(
                CooperationActivity(
                    cooperation_id=coop.id,
                    kind=ActivityKind(kind),
                    date=first + dt.timedelta(days=90 * i),
                )
            )
        for kind in outcomes:
            session.add(CooperationOutcome(cooperation_id=coop.id, kind=OutcomeKind(kind)))
    for name, fields in PROFILES.items():
        actor = actors[name]
        found = session.scalar(select(Profile).where(Profile.actor_id == actor.id))
        if found is not None:
            continue
        session.add(
            Profile(
                actor_id=actor.id,
                offers=fields.get("offers", []),
                seeks=fields.get("seeks", []),
                priorities=fields.get("priorities", ""),
                partner_kinds=fields.get("partner_kinds", []),
                world_areas=fields.get("world_areas", []),
                languages=fields.get("languages", []),
                dimensions={
                    k: {"value": v, "source": "self"}
                    for k, v in fields.get("dimensions", {}).items()
                },
                illustrative=True,
            )
        )
    session.flush()
    return actors
