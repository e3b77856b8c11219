"""Scoring candidate partners: one score per component, from 0 to 1, and what it rests on.

Pure functions over plain data, vectorised with numpy so that ranking tens of thousands
of actors takes milliseconds: :func:`build` turns profiles and cooperations into columns
once, :func:`score` fills a candidates × components matrix for one actor and goal, and
:mod:`agora.matching.explain` writes the sentences for the few candidates shown.

Components (``COMPONENTS``): likeness on each of the five dimensions; complementarity
(they offer what you seek, they seek what you offer); track record (what their
cooperations on the goal's topics produced); network proximity (shared networks,
partners of partners); practicalities (distance, time-zone difference, a shared
language). A value unknown on either side counts as neutral (0.5) on a likeness
dimension; the explanation says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.matching.profiles import LEGAL_BLOCS, LEGAL_FAMILIES, NUMERIC, REGIONS, MatchProfile

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Every component of the score, in the order pages show them.
COMPONENTS: tuple[str, ...] = (
    "technology",
    "governance",
    "legal",
    "culture",
    "economic",
    "complementarity",
    "track_record",
    "network",
    "practicalities",
)
#: The default weights: a third for likeness, the rest for what the partnership can bring.
DEFAULT_WEIGHTS: dict[str, float] = {
    "technology": 0.06,
    "governance": 0.06,
    "legal": 0.06,
    "culture": 0.06,
    "economic": 0.06,
    "complementarity": 0.25,
    "track_record": 0.2,
    "network": 0.15,
    "practicalities": 0.1,
}
#: What an unknown likeness counts as: neither for nor against.
NEUTRAL = 0.5
#: How much each kind of outcome weighs in a track record (a cooperation itself: 0.5).
OUTCOME_WEIGHTS: dict[str, float] = {
    "policy_adapted": 1.0,
    "joint_project": 0.8,
    "facility_designed": 0.8,
    "guideline": 0.6,
    "memorandum": 0.4,
    "expert_exchange": 0.4,
    "delegation_visit": 0.3,
    "other": 0.2,
}
#: A cooperation counts this much in a track record before its outcomes.
COOPERATION_WEIGHT = 0.5
#: Distance at which the distance part of practicalities falls to 1/e.
DISTANCE_SCALE_KM = 6000.0
EARTH_RADIUS_KM = 6371.0


def weights_from(values: Mapping[str, float | None]) -> dict[str, float]:
    """Return complete weights: the given ones over the defaults, checked, summing to 1.

    Raises InvalidInput naming the component when a weight is negative, not a number, or
    when every weight is zero.
    """
    out = dict(DEFAULT_WEIGHTS)
    for name, value in values.items():
        if name not in DEFAULT_WEIGHTS:
            raise InvalidInput(
                _("There is no component '{name}'; the components are {names}.").format(
                    name=str(name)[:40], names=", ".join(COMPONENTS)
                ),
                field="weights",
            )
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise InvalidInput(
                _("The weight of {name} must be a number.").format(name=name), field=name
            )
        if value < 0 or value > 100:
            raise InvalidInput(
                _("The weight of {name} must be from 0 to 100.").format(name=name), field=name
            )
        out[name] = float(value)
    total = sum(out.values())
    if total <= 0:
        raise InvalidInput(_("At least one weight must be above zero."), field="weights")
    return {name: out[name] / total for name in COMPONENTS}


@dataclass(frozen=True)
class CooperationFacts:
    """A cooperation as scoring sees it: who, on what, what came out, how it started."""

    id: int
    actors: tuple[int, ...]
    topics: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Goal:
    """What an actor looks for now: topics, world areas and kinds of partner."""

    topics: tuple[str, ...] = ()
    world_areas: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def _code(values: Sequence[str], vocabulary: Sequence[str]) -> Ints:
    index = {v: i for i, v in enumerate(vocabulary)}
    return np.array([index.get(v, -1) for v in values], dtype=np.int64)


@lru_cache(maxsize=1024)
def utc_offset_hours(zone: str, at: dt.datetime) -> float | None:
    """Return a time zone's offset from UTC in hours at ``at`` (None when unknown)."""
    if not zone:
        return None
    try:
        offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if offset is None else offset.total_seconds() / 3600.0


@dataclass
class Candidates:
    """Every actor that can be matched, as columns (row ``i`` is ``profiles[i]``)."""

    profiles: list[MatchProfile]
    cooperations: list[CooperationFacts]
    topics: list[str]
    languages: list[str]
    blocs: list[str]
    index: dict[int, int]
    kind: list[str]
    area: list[str]
    numeric: Floats  # N × len(NUMERIC), NaN when unknown
    legal: Ints  # index in LEGAL_FAMILIES, -1 unknown
    region: Ints  # index in REGIONS, -1 unknown
    bloc: Bools  # N × blocs
    language: Bools  # N × languages
    offers: Bools  # N × topics
    seeks: Bools  # N × topics
    track: Floats  # N × topics: weighted cooperations and outcomes
    latitude: Floats
    longitude: Floats
    offset: Floats  # hours from UTC, NaN unknown
    kind_names: list[str] = field(default_factory=list)
    area_names: list[str] = field(default_factory=list)
    kind_code: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    area_code: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    member_rows: dict[int, Ints] = field(default_factory=dict)  # network → members' rows
    partners: list[set[int]] = field(default_factory=list)
    networks: list[set[int]] = field(default_factory=list)  # networks each actor belongs to
    members: dict[int, set[int]] = field(default_factory=dict)  # network → members
    involved: list[list[int]] = field(default_factory=list)  # actor → cooperation positions

    def __len__(self) -> int:
        return len(self.profiles)


def build(
    profiles: Sequence[MatchProfile],
    cooperations: Iterable[CooperationFacts] = (),
    memberships: Iterable[tuple[int, int]] = (),
    *,
    topics: Sequence[str] = (),
    at: dt.datetime | None = None,
) -> Candidates:
    """Return the candidates' columns from profiles, cooperations and network memberships.

    Args:
        profiles: every actor's complete profile (see ``profiles.merge``).
        cooperations: the cooperations between them (unknown actor ids are skipped).
        memberships: ``(member id, network id)`` pairs.
        topics: the taxonomy's slugs (more are added from profiles and cooperations).
        at: when time-zone offsets are taken (now by default).
    """
    at = at or dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    rows = list(profiles)
    coops = list(cooperations)
    n = len(rows)
    index = {p.actor.id: i for i, p in enumerate(rows)}
    topic_list = list(dict.fromkeys(topics))
    for p in rows:
        topic_list.extend(t for t in (*p.offers, *p.seeks) if t not in topic_list)
    for c in coops:
        topic_list.extend(t for t in c.topics if t not in topic_list)
    topic_index = {t: i for i, t in enumerate(topic_list)}
    languages = sorted({lang for p in rows for lang in p.languages})
    language_index = {lang: i for i, lang in enumerate(languages)}
    blocs = sorted({b for p in rows for b in p.blocs})
    bloc_index = {b: i for i, b in enumerate(blocs)}

    numeric = np.full((n, len(NUMERIC)), np.nan)
    legal = np.full(n, -1, dtype=np.int64)
    region = np.full(n, -1, dtype=np.int64)
    bloc = np.zeros((n, len(blocs)), dtype=bool)
    language = np.zeros((n, len(languages)), dtype=bool)
    offers = np.zeros((n, len(topic_list)), dtype=bool)
    seeks = np.zeros((n, len(topic_list)), dtype=bool)
    latitude = np.full(n, np.nan)
    longitude = np.full(n, np.nan)
    offset = np.full(n, np.nan)
    for i, p in enumerate(rows):
        for k, name in enumerate(NUMERIC):
            value = p.value(name)
            if isinstance(value, int | float):
                numeric[i, k] = float(value)
        family = p.value("legal")
        if family in LEGAL_FAMILIES:
            legal[i] = LEGAL_FAMILIES.index(str(family))
        area = p.value("culture")
        if area in REGIONS:
            region[i] = REGIONS.index(str(area))
        for b in p.blocs:
            bloc[i, bloc_index[b]] = True
        for lang in p.languages:
            language[i, language_index[lang]] = True
        for t in p.offers:
            offers[i, topic_index[t]] = True
        for t in p.seeks:
            seeks[i, topic_index[t]] = True
        if p.actor.latitude is not None and p.actor.longitude is not None:
            latitude[i] = p.actor.latitude
            longitude[i] = p.actor.longitude
        hours = utc_offset_hours(p.actor.timezone, at)
        if hours is not None:
            offset[i] = hours

    track = np.zeros((n, len(topic_list)))
    partners: list[set[int]] = [set() for _ in range(n)]
    involved: list[list[int]] = [[] for _ in range(n)]
    for position, c in enumerate(coops):
        members = [index[a] for a in c.actors if a in index]
        value = COOPERATION_WEIGHT + sum(OUTCOME_WEIGHTS.get(o, 0.2) for o in c.outcomes)
        columns = [topic_index[t] for t in c.topics]
        for i in members:
            involved[i].append(position)
            partners[i].update(j for j in members if j != i)
            for col in columns:
                track[i, col] += value
    networks: list[set[int]] = [set() for _ in range(n)]
    member_sets: dict[int, set[int]] = {}
    for member, network in memberships:
        if member in index and network in index:
            networks[index[member]].add(index[network])
            member_sets.setdefault(index[network], set()).add(index[member])
    kinds = sorted(set(p.actor.kind for p in rows))
    areas = sorted(set(p.actor.world_area for p in rows))
    return Candidates(
        kind_names=kinds,
        area_names=areas,
        kind_code=_code([p.actor.kind for p in rows], kinds),
        area_code=_code([p.actor.world_area for p in rows], areas),
        member_rows={k: np.array(sorted(v), dtype=np.int64) for k, v in member_sets.items()},
        profiles=rows,
        cooperations=coops,
        topics=topic_list,
        languages=languages,
        blocs=blocs,
        index=index,
        kind=[p.actor.kind for p in rows],
        area=[p.actor.world_area for p in rows],
        numeric=numeric,
        legal=legal,
        region=region,
        bloc=bloc,
        language=language,
        offers=offers,
        seeks=seeks,
        track=track,
        latitude=latitude,
        longitude=longitude,
        offset=offset,
        partners=partners,
        networks=networks,
        members=member_sets,
        involved=involved,
    )


def haversine_km(lat: float, lon: float, lats: Floats, lons: Floats) -> Floats:
    """Return great-circle distances in km from one point to many (NaN where unknown)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    p2, l2 = np.radians(lats), np.radians(lons)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    result: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def hours_apart(offset: float, offsets: Floats) -> Floats:
    """Return time-zone differences in hours (at most 12: the clock wraps around)."""
    diff = np.abs(offsets - offset) % 24
    result: Floats = np.minimum(diff, 24 - diff)
    return result


@dataclass
class Scores:
    """The components of every candidate for one actor and goal, and their weighted total."""

    seeker: MatchProfile
    goal: Goal
    weights: dict[str, float]
    matrix: Floats  # N × COMPONENTS
    total: Floats
    eligible: Bools
    distance: Floats
    hours: Floats
    shared_networks: Ints
    common_partners: Ints
    seeker_row: int | None

    def top(self, limit: int) -> list[int]:
        """Return the rows of the ``limit`` best eligible candidates, best first."""
        rows = np.flatnonzero(self.eligible)
        if rows.size == 0:
            return []
        values = self.total[rows]
        if rows.size > limit:
            part = np.argpartition(-values, limit - 1)[:limit]
            rows, values = rows[part], values[part]
        order = np.lexsort((rows, -values))
        return [int(r) for r in rows[order]]


def goal_for(seeker: MatchProfile, goal: Goal | None) -> Goal:
    """Return the goal with what it leaves open taken from the seeker's profile."""
    goal = goal or Goal()
    return Goal(
        topics=goal.topics or seeker.seeks,
        world_areas=goal.world_areas or seeker.world_areas,
        kinds=goal.kinds or seeker.partner_kinds,
    )


def _likeness_numeric(column: Floats, mine: float | str | None) -> Floats:
    if not isinstance(mine, int | float):
        return np.full(column.shape, NEUTRAL)
    out: Floats = 1.0 - np.abs(column - float(mine))
    return np.where(np.isnan(out), NEUTRAL, out)


def score(
    c: Candidates,
    seeker: MatchProfile,
    goal: Goal | None = None,
    weights: Mapping[str, float] | None = None,
    *,
    exclude_partners: bool = True,
) -> Scores:
    """Score every candidate for ``seeker`` and ``goal`` (weights: see ``weights_from``)."""
    goal = goal_for(seeker, goal)
    w = weights_from(weights or {})
    n = len(c)
    matrix = np.zeros((n, len(COMPONENTS)))
    me = c.index.get(seeker.actor.id)

    for k, name in enumerate(NUMERIC):
        matrix[:, COMPONENTS.index(name)] = _likeness_numeric(c.numeric[:, k], seeker.value(name))

    family = seeker.value("legal")
    if family in LEGAL_FAMILIES:
        mine = LEGAL_FAMILIES.index(str(family))
        mixed = LEGAL_FAMILIES.index("mixed")
        fam = np.where(
            c.legal == mine, 1.0, np.where((c.legal == mixed) | (mine == mixed), 0.5, 0.0)
        )
        fam = np.where(c.legal < 0, NEUTRAL, fam)
    else:
        fam = np.full(n, NEUTRAL)
    shared_bloc_cols = [c.blocs.index(b) for b in seeker.blocs & LEGAL_BLOCS if b in c.blocs]
    law_bloc = c.bloc[:, shared_bloc_cols].any(axis=1) if shared_bloc_cols else np.zeros(n, bool)
    matrix[:, COMPONENTS.index("legal")] = 0.75 * fam + 0.25 * law_bloc

    area = seeker.value("culture")
    if area in REGIONS:
        same = np.where(c.region == REGIONS.index(str(area)), 1.0, 0.0)
        same = np.where(c.region < 0, NEUTRAL, same)
    else:
        same = np.full(n, NEUTRAL)
    my_langs = [c.languages.index(x) for x in seeker.languages if x in c.languages]
    counts = c.language.sum(axis=1)
    if seeker.languages:
        shared = c.language[:, my_langs].sum(axis=1) if my_langs else np.zeros(n)
        share = np.where(
            counts > 0,
            np.minimum(1.0, shared / np.maximum(1, np.minimum(counts, len(seeker.languages)))),
            NEUTRAL,
        )
        any_language = np.where(counts > 0, (shared > 0).astype(float), NEUTRAL)
    else:
        share = np.full(n, NEUTRAL)
        any_language = np.full(n, NEUTRAL)
    matrix[:, COMPONENTS.index("culture")] = 0.5 * same + 0.5 * share

    wanted = [c.topics.index(t) for t in goal.topics if t in c.topics]
    if goal.topics:
        they_offer = c.offers[:, wanted].sum(axis=1) / len(goal.topics) if wanted else np.zeros(n)
    else:
        they_offer = np.zeros(n)
    mine_offered = [c.topics.index(t) for t in seeker.offers if t in c.topics]
    their_seeks = c.seeks.sum(axis=1)
    they_seek = (
        np.where(
            their_seeks > 0, c.seeks[:, mine_offered].sum(axis=1) / np.maximum(their_seeks, 1), 0.0
        )
        if mine_offered
        else np.zeros(n)
    )
    matrix[:, COMPONENTS.index("complementarity")] = 0.7 * they_offer + 0.3 * they_seek

    record = c.track[:, wanted].sum(axis=1) if wanted else np.zeros(n)
    matrix[:, COMPONENTS.index("track_record")] = 1.0 - np.exp(-record / 3.0)

    shared_networks = np.zeros(n, dtype=np.int64)
    common_partners = np.zeros(n, dtype=np.int64)
    mine_partners: set[int] = set()
    if me is not None:
        for network in c.networks[me]:
            np.add.at(shared_networks, c.member_rows[network], 1)
        mine_partners = c.partners[me]
        for p in mine_partners:
            for j in c.partners[p]:
                common_partners[j] += 1
    matrix[:, COMPONENTS.index("network")] = 1.0 - np.exp(
        -(0.5 * shared_networks + 0.7 * common_partners)
    )

    lat, lon = seeker.actor.latitude, seeker.actor.longitude
    distance = (
        haversine_km(lat, lon, c.latitude, c.longitude)
        if lat is not None and lon is not None
        else np.full(n, np.nan)
    )
    my_offset = c.offset[me] if me is not None else np.nan
    if np.isnan(my_offset):
        my_offset = _own_offset(seeker)
    hours = hours_apart(my_offset, c.offset) if not np.isnan(my_offset) else np.full(n, np.nan)
    near = np.exp(-distance / DISTANCE_SCALE_KM)
    close = 1.0 - hours / 12.0
    parts = np.stack(
        [
            np.where(np.isnan(near), NEUTRAL, near),
            np.where(np.isnan(close), NEUTRAL, close),
            any_language,
        ]
    )
    matrix[:, COMPONENTS.index("practicalities")] = parts.mean(axis=0)

    weight_vector = np.array([w[name] for name in COMPONENTS])
    total = matrix @ weight_vector

    eligible = np.ones(n, dtype=bool)
    if me is not None:
        eligible[me] = False
        if exclude_partners and mine_partners:
            eligible[list(mine_partners)] = False
    kinds = c.kind_names
    if goal.kinds:
        wanted_kinds = [kinds.index(k) for k in goal.kinds if k in kinds]
        eligible &= np.isin(c.kind_code, wanted_kinds)
    elif "network" in kinds:
        eligible &= c.kind_code != kinds.index("network")
    if goal.world_areas:
        areas = c.area_names
        wanted_areas = [areas.index(a) for a in goal.world_areas if a in areas]
        eligible &= np.isin(c.area_code, wanted_areas)
    return Scores(
        seeker=seeker,
        goal=goal,
        weights=w,
        matrix=matrix,
        total=total,
        eligible=eligible,
        distance=distance,
        hours=hours,
        shared_networks=shared_networks,
        common_partners=common_partners,
        seeker_row=me,
    )


def _own_offset(seeker: MatchProfile) -> float:
    hours = utc_offset_hours(
        seeker.actor.timezone, dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    )
    return np.nan if hours is None else hours


def topic_overlap(c: Candidates, goal: Goal) -> Floats:
    """Return the share of the goal's topics each candidate works on (offers or seeks).

    The evaluation's baseline: what a directory filtered by topic would rank by.
    """
    wanted = [c.topics.index(t) for t in goal.topics if t in c.topics]
    if not wanted:
        return np.zeros(len(c))
    either = c.offers[:, wanted] | c.seeks[:, wanted] | (c.track[:, wanted] > 0)
    result: Floats = either.sum(axis=1) / len(goal.topics)
    return result
