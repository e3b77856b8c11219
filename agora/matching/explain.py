"""The sentences that say where each component of a candidate's score came from.

Written for a programme officer: what was compared, the values on both sides and where
they came from (self-assessed, derived from country facts, or unknown), in the current
language. Only the candidates shown are explained, so this need not be fast.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from agora.core.i18n import N_, _, babel_locale, current_language, ngettext
from agora.matching.profiles import LEGAL_BLOCS, NUMERIC, MatchProfile, Value
from agora.matching.scoring import COMPONENTS, NEUTRAL, Candidates, Scores
from agora.takeaways.fields import outcome_kinds

#: The components' names, translated where shown.
COMPONENT_NAMES: dict[str, str] = {
    "technology": N_("Technology and innovation"),
    "governance": N_("Governance"),
    "legal": N_("Legal framework"),
    "culture": N_("Culture and language"),
    "economic": N_("Economic potential"),
    "complementarity": N_("Complementarity"),
    "track_record": N_("Track record"),
    "network": N_("Network proximity"),
    "practicalities": N_("Practicalities"),
}
KIND_NAMES: dict[str, str] = {
    "city": N_("City"),
    "region": N_("Region"),
    "province": N_("Province"),
    "metropolitan_area": N_("Metropolitan area"),
    "national_body": N_("National body"),
    "network": N_("Network"),
    "cluster": N_("Cluster"),
    "university": N_("University"),
    "company": N_("Company"),
    "ngo": N_("Non-governmental organisation"),
    "other": N_("Other organisation"),
}
LEGAL_NAMES: dict[str, str] = {
    "civil": N_("civil-law"),
    "common": N_("common-law"),
    "mixed": N_("mixed"),
    "muslim": N_("Muslim-law"),
}
REGION_NAMES: dict[str, str] = {
    "EAS": N_("East Asia and Pacific"),
    "ECA": N_("Europe and Central Asia"),
    "LCN": N_("Latin America and the Caribbean"),
    "MEA": N_("Middle East and North Africa"),
    "NAC": N_("North America"),
    "SAS": N_("South Asia"),
    "SSF": N_("Sub-Saharan Africa"),
}


def component_name(name: str) -> str:
    """Return a component's name in the current language."""
    return _(COMPONENT_NAMES.get(name, name))


def kind_name(kind: str) -> str:
    """Return a kind of actor's name in the current language."""
    return _(KIND_NAMES.get(kind, kind))


def language_name(code: str) -> str:
    """Return a language's name in the current language (the code when Babel lacks it)."""
    try:
        found = Locale.parse(code).get_display_name(babel_locale(current_language()))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return found or code


def source_label(value: Value) -> str:
    """Say where a value came from: self-assessed, derived from what, or unknown."""
    if value.source == "self":
        return _("self-assessed")
    if value.source == "derived":
        return _("derived: {basis}").format(basis=value.basis) if value.basis else _("derived")
    return _("unknown")


def show_value(dimension: str, value: Value) -> str:
    """Return a dimension value as a reader sees it (``0.80``, ``civil-law``…)."""
    if value.value is None:
        return _("unknown")
    if dimension in NUMERIC and isinstance(value.value, int | float):
        return f"{float(value.value):.2f}"
    if dimension == "legal":
        return _(LEGAL_NAMES.get(str(value.value), str(value.value)))
    if dimension == "culture":
        return _(REGION_NAMES.get(str(value.value), str(value.value)))
    return str(value.value)


@dataclass(frozen=True)
class Component:
    """One component of a candidate's score: its value, its weight and why."""

    name: str
    label: str
    score: float
    weight: float
    contribution: float
    explanation: str


@dataclass(frozen=True)
class Match:
    """A ranked candidate with its total and every component explained."""

    rank: int
    actor_id: int
    name: str
    kind: str
    country: str
    world_area: str
    total: float
    components: tuple[Component, ...]
    profile: MatchProfile


def _names(c: Candidates, rows: list[int], limit: int = 3) -> str:
    names = [c.profiles[r].actor.name for r in rows[:limit]]
    more = len(rows) - limit
    text = ", ".join(names)
    if more > 0:
        text += " " + ngettext("and %(n)s more", "and %(n)s more", more) % {"n": more}
    return text


def _dimension(name: str, seeker: MatchProfile, them: MatchProfile) -> str:
    mine = seeker.dimensions.get(name, Value(None, "unknown"))
    theirs = them.dimensions.get(name, Value(None, "unknown"))
    if mine.value is None or theirs.value is None:
        who = seeker.actor.name if mine.value is None else them.actor.name
        return _("No value for {who}, so it counts as neutral ({neutral}).").format(
            who=who, neutral=f"{NEUTRAL:.1f}"
        )
    return _("{candidate}: {theirs} ({their_source}); {actor}: {mine} ({my_source}).").format(
        candidate=them.actor.name,
        theirs=show_value(name, theirs),
        their_source=source_label(theirs),
        actor=seeker.actor.name,
        mine=show_value(name, mine),
        my_source=source_label(mine),
    )


def _legal(seeker: MatchProfile, them: MatchProfile) -> str:
    text = _dimension("legal", seeker, them)
    mine, theirs = seeker.value("legal"), them.value("legal")
    if mine is not None and theirs is not None and mine != theirs:
        text += " " + _("Expect differences in procedures, contracts and public procurement.")
    shared = sorted((seeker.blocs & them.blocs) & LEGAL_BLOCS)
    if shared:
        text += " " + _("Both apply the common rules of {blocs}.").format(blocs=", ".join(shared))
    return text


def _culture(c: Candidates, seeker: MatchProfile, them: MatchProfile) -> str:
    text = _dimension("culture", seeker, them)
    shared = [x for x in seeker.languages if x in them.languages]
    if shared:
        text += " " + _("Shared languages: {languages}.").format(
            languages=", ".join(language_name(x) for x in shared)
        )
    elif seeker.languages and them.languages:
        text += " " + _("No official or working language in common.")
    return text


def _complementarity(
    c: Candidates, s: Scores, them: MatchProfile, topic_names: dict[str, str]
) -> str:
    wanted = list(s.goal.topics)
    if not wanted:
        return _("No topics sought: give topics in the goal to measure complementarity.")
    if them.offers_source == "unknown":
        return _("Nothing is known of what {candidate} offers.").format(candidate=them.actor.name)
    offered = [t for t in wanted if t in them.offers]
    how = _("(from its profile)") if them.offers_source == "self" else _("(from its cooperations)")
    if offered:
        text = _("{candidate} offers {count} of the {total} topics sought: {topics} {how}.").format(
            candidate=them.actor.name,
            count=len(offered),
            total=len(wanted),
            topics=", ".join(topic_names.get(t, t) for t in offered),
            how=how,
        )
    else:
        text = _("{candidate} offers none of the topics sought {how}.").format(
            candidate=them.actor.name, how=how
        )
    theirs = [t for t in them.seeks if t in s.seeker.offers]
    if theirs:
        text += " " + _("It seeks what {actor} offers: {topics}.").format(
            actor=s.seeker.actor.name, topics=", ".join(topic_names.get(t, t) for t in theirs)
        )
    return text


def _track(c: Candidates, s: Scores, row: int, topic_names: dict[str, str]) -> str:
    them = c.profiles[row]
    wanted = set(s.goal.topics)
    on_topic = [
        c.cooperations[p] for p in c.involved[row] if wanted & set(c.cooperations[p].topics)
    ]
    if not on_topic:
        return _("No recorded cooperation of {candidate} on these topics.").format(
            candidate=them.actor.name
        )
    kinds = Counter(o for coop in on_topic for o in coop.outcomes)
    names = outcome_kinds()
    text = ngettext(
        "%(n)s cooperation of %(candidate)s on these topics",
        "%(n)s cooperations of %(candidate)s on these topics",
        len(on_topic),
    ) % {"n": len(on_topic), "candidate": them.actor.name}
    if kinds:
        listed = ", ".join(
            f"{names.get(kind, kind)} ×{count}" if count > 1 else names.get(kind, kind)
            for kind, count in kinds.most_common()
        )
        text += _(", with these outcomes: {outcomes}.").format(outcomes=listed)
    else:
        text += _(", with no recorded outcome yet.")
    return text


def _network(c: Candidates, s: Scores, row: int) -> str:
    me = s.seeker_row
    if me is None:
        return _("{actor} is not in the knowledge base's network yet.").format(
            actor=s.seeker.actor.name
        )
    networks = sorted(c.networks[me] & c.networks[row])
    common = sorted(c.partners[me] & c.partners[row])
    parts = []
    if networks:
        parts.append(_("Networks in common: {names}.").format(names=_names(c, networks)))
    if common:
        parts.append(_("Partners in common: {names}.").format(names=_names(c, common)))
    if not parts:
        return _("No network or partner in common.")
    return " ".join(parts)


def _practicalities(s: Scores, row: int, them: MatchProfile) -> str:
    parts = []
    distance = float(s.distance[row])
    hours = float(s.hours[row])
    if math.isnan(distance):
        parts.append(_("distance unknown"))
    else:
        parts.append(_("{km} km apart").format(km=f"{round(distance, -1):,.0f}"))
    if math.isnan(hours):
        parts.append(_("time difference unknown"))
    elif hours < 0.5:
        parts.append(_("same time zone"))
    else:
        parts.append(_("time difference: {hours} h").format(hours=f"{hours:g}"))
    shared = [x for x in s.seeker.languages if x in them.languages]
    if shared:
        parts.append(_("a shared language ({language})").format(language=language_name(shared[0])))
    elif s.seeker.languages and them.languages:
        parts.append(_("no shared language: plan for interpreting"))
    else:
        parts.append(_("languages unknown"))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def explain(
    c: Candidates, s: Scores, row: int, rank: int, topic_names: dict[str, str] | None = None
) -> Match:
    """Return candidate ``row`` with each component's score, weight and explanation."""
    them = c.profiles[row]
    topic_names = topic_names or {}
    texts = {
        "legal": _legal(s.seeker, them),
        "culture": _culture(c, s.seeker, them),
        "complementarity": _complementarity(c, s, them, topic_names),
        "track_record": _track(c, s, row, topic_names),
        "network": _network(c, s, row),
        "practicalities": _practicalities(s, row, them),
    }
    for name in NUMERIC:
        texts[name] = _dimension(name, s.seeker, them)
    components = tuple(
        Component(
            name=name,
            label=component_name(name),
            score=round(float(s.matrix[row, k]), 3),
            weight=round(s.weights[name], 3),
            contribution=round(float(s.matrix[row, k]) * s.weights[name], 4),
            explanation=texts[name],
        )
        for k, name in enumerate(COMPONENTS)
    )
    return Match(
        rank=rank,
        actor_id=them.actor.id,
        name=them.actor.name,
        kind=them.actor.kind,
        country=them.actor.country,
        world_area=them.actor.world_area,
        total=round(float(s.total[row]), 4),
        components=components,
        profile=them,
    )
