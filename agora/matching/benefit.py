"""The potential-benefit analysis of one candidate partner, drafted from the knowledge base.

Four sections: expected benefits per topic of the goal, risks (legal framework,
governance, language, distance, time zones, missing data), evidence (similar
cooperations and what came out of them), and first steps (how successful cooperations on
these topics started). The draft is plain text with ``- `` lists; the organiser edits
each section, and each save is a revision (as the report's narrative sections are).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agora.core.errors import InvalidInput
from agora.core.i18n import N_, _, ngettext
from agora.matching.explain import Match, component_name, language_name
from agora.matching.profiles import MatchProfile
from agora.matching.scoring import Candidates, Goal, Scores
from agora.takeaways.fields import outcome_kinds
from agora.text.clean import plain

if TYPE_CHECKING:
    from agora.matching.models import BenefitRevision


#: The sections, in the order of the page and the document, with their headings.
SECTIONS: dict[str, str] = {
    "benefits": N_("Expected benefits"),
    "risks": N_("Risks"),
    "evidence": N_("Evidence"),
    "first_steps": N_("Suggested first steps"),
}
MAX_SECTION_LENGTH = 20_000
#: Outcomes that show a cooperation changed something (a "successful" one).
SUCCESS = frozenset({"policy_adapted", "joint_project", "facility_designed", "guideline"})
#: The activities a first step can be, named as a programme officer would.
ACTIVITY_STEPS: dict[str, str] = {
    "study_visit": N_("a study visit"),
    "delegation": N_("a delegation visit"),
    "expert_exchange": N_("an expert exchange"),
    "conference": N_("a joint conference"),
    "workshop": N_("a joint workshop"),
    "memorandum_signature": N_("a memorandum of understanding"),
    "pilot": N_("a small joint pilot"),
    "other": N_("another first activity"),
}
#: When nothing is recorded: the sequence most partnerships of the programme followed.
DEFAULT_STEPS = ("study_visit", "expert_exchange", "memorandum_signature")


def check_section(section: str) -> str:
    """Return ``section`` if the analysis has it, else raise InvalidInput."""
    if section not in SECTIONS:
        raise InvalidInput(
            _("The analysis has no section '{name}'; it has {names}.").format(
                name=str(section)[:40], names=", ".join(SECTIONS)
            ),
            field="section",
        )
    return section


def section_title(section: str) -> str:
    """Return a section's heading in the current language."""
    return _(SECTIONS[section])


def clean_text(text: object) -> str:
    """Return a section's text as stored, or raise InvalidInput naming the field."""
    if not isinstance(text, str):
        raise InvalidInput(_("A section's text must be text."), field="text")
    if "\x00" in text:
        raise InvalidInput(_("The text holds a character that cannot be stored."), field="text")
    cleaned = "\n".join(line.rstrip() for line in plain(text, multiline=True).split("\n")).strip()
    if len(cleaned) > MAX_SECTION_LENGTH:
        raise InvalidInput(
            _("A section takes at most {max} characters; this one has {count}.").format(
                max=MAX_SECTION_LENGTH, count=len(cleaned)
            ),
            field="text",
        )
    return cleaned


@dataclass(frozen=True)
class Evidence:
    """A similar cooperation and what came out of it."""

    cooperation_id: int
    title: str
    partners: tuple[str, ...]
    topics: tuple[str, ...]
    outcomes: tuple[str, ...]
    with_candidate: bool


@dataclass(frozen=True)
class Generated:
    """The drafted analysis: items per section and the sections as editable text."""

    benefits: list[str]
    risks: list[str]
    evidence: list[Evidence]
    first_steps: list[str]
    texts: dict[str, str]


@dataclass(frozen=True)
class Analysis:
    """A benefit analysis as shown: the candidate, the draft, the current texts, history."""

    seeker: MatchProfile
    candidate: Match
    goal: Goal
    generated: Generated
    texts: dict[str, str]
    revisions: dict[str, list[BenefitRevision]] = field(default_factory=dict)
    topic_names: dict[str, str] = field(default_factory=dict)

    @property
    def edited(self) -> bool:
        """Say whether any section has been saved by someone."""
        return any(self.revisions.values())


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Return a section's text as paragraphs (``p``) and lists (``ul``) of plain lines."""
    out: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            out.append(("gap", []))
        elif stripped.startswith(("- ", "* ")):
            if out and out[-1][0] == "ul":
                out[-1][1].append(stripped[2:].strip())
            else:
                out.append(("ul", [stripped[2:].strip()]))
        elif out and out[-1][0] == "p":
            out[-1][1].append(stripped)
        else:
            out.append(("p", [stripped]))
    return [(kind, lines) for kind, lines in out if kind != "gap"]


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _benefits(c: Candidates, s: Scores, row: int, names: dict[str, str]) -> list[str]:
    them = c.profiles[row]
    out = []
    for topic in s.goal.topics:
        label = names.get(topic, topic)
        coops = [c.cooperations[p] for p in c.involved[row] if topic in c.cooperations[p].topics]
        outcomes = Counter(o for coop in coops for o in coop.outcomes)
        kinds = outcome_kinds()
        if topic in them.offers and coops:
            text = ngettext(
                "%(topic)s: %(candidate)s can share what it learnt in %(n)s cooperation",
                "%(topic)s: %(candidate)s can share what it learnt in %(n)s cooperations",
                len(coops),
            ) % {"topic": label, "candidate": them.actor.name, "n": len(coops)}
            if outcomes:
                text += _(" (outcomes: {outcomes}).").format(
                    outcomes=", ".join(kinds.get(k, k) for k, _n in outcomes.most_common(3))
                )
            else:
                text += "."
        elif topic in them.offers:
            text = _("{topic}: {candidate} says it can share experience on it.").format(
                topic=label, candidate=them.actor.name
            )
        else:
            text = _("{topic}: {candidate} does not list it; a benefit here is uncertain.").format(
                topic=label, candidate=them.actor.name
            )
        out.append(text)
    theirs = [t for t in them.seeks if t in s.seeker.offers]
    if theirs:
        out.append(
            _(
                "In return, {actor} can share its experience in {topics}: a two-way partnership."
            ).format(actor=s.seeker.actor.name, topics=", ".join(names.get(t, t) for t in theirs))
        )
    if not out:
        out.append(_("No topics sought: add topics to the goal to see expected benefits."))
    return out


def _risks(s: Scores, row: int, them: MatchProfile) -> list[str]:
    me = s.seeker
    out = []
    mine_legal, their_legal = me.value("legal"), them.value("legal")
    if mine_legal and their_legal and mine_legal != their_legal:
        out.append(
            _(
                "Legal framework: different legal traditions; check early who may sign what, "
                "public procurement rules and data protection."
            )
        )
    elif mine_legal and their_legal and not (me.blocs & them.blocs & {"EU"}):
        out.append(
            _("Legal framework: a similar tradition, but different national laws and strategies.")
        )
    mine_gov, their_gov = me.value("governance"), them.value("governance")
    if (
        isinstance(mine_gov, float | int)
        and isinstance(their_gov, float | int)
        and abs(float(mine_gov) - float(their_gov)) >= 0.3
    ):
        out.append(
            _(
                "Governance: the degree of local self-government differs; the counterpart "
                "may need the approval of another level of government."
            )
        )
    shared = [x for x in me.languages if x in them.languages]
    if me.languages and them.languages and not shared:
        out.append(
            _("Language: no language in common ({theirs}); budget for interpreting.").format(
                theirs=", ".join(language_name(x) for x in them.languages[:3])
            )
        )
    distance = float(s.distance[row])
    if not math.isnan(distance) and distance >= 5000:
        out.append(
            _("Distance: {km} km; travel is costly and slow, so plan most meetings online.").format(
                km=f"{round(distance, -2):,.0f}"
            )
        )
    hours = float(s.hours[row])
    if not math.isnan(hours) and hours >= 5:
        overlap = max(0.0, 8.0 - hours)
        out.append(
            _("Time zones: {hours} hours apart, about {overlap} shared office hours a day.").format(
                hours=f"{hours:g}", overlap=f"{overlap:g}"
            )
        )
    unknown = [component_name(d) for d, v in them.dimensions.items() if v.value is None]
    if unknown:
        out.append(
            _("Missing data on {candidate}: {dimensions}; ask them.").format(
                candidate=them.actor.name, dimensions=", ".join(unknown)
            )
        )
    if not out:
        out.append(_("No particular risk follows from the data."))
    return out


def _evidence(c: Candidates, s: Scores, row: int) -> list[Evidence]:
    wanted = set(s.goal.topics)
    theirs = set(c.involved[row])
    rows = []
    for position, coop in enumerate(c.cooperations):
        if wanted and not wanted & set(coop.topics):
            continue
        with_candidate = position in theirs
        success = len(SUCCESS & set(coop.outcomes))
        rows.append(
            ((not with_candidate, -success, -len(coop.outcomes), coop.id), coop, with_candidate)
        )
    rows.sort(key=lambda r: r[0])
    out = []
    for _key, coop, with_candidate in rows[:6]:
        partners = tuple(c.profiles[c.index[a]].actor.name for a in coop.actors if a in c.index)
        out.append(
            Evidence(coop.id, coop.title, partners, coop.topics, coop.outcomes, with_candidate)
        )
    return out


def _steps(c: Candidates, s: Scores) -> list[str]:
    wanted = set(s.goal.topics)
    successful = [
        coop
        for coop in c.cooperations
        if (not wanted or wanted & set(coop.topics)) and SUCCESS & set(coop.outcomes)
    ]
    started = Counter(coop.activities[0] for coop in successful if coop.activities)
    out = []
    total = sum(started.values())
    for kind, count in started.most_common(3):
        step = _(ACTIVITY_STEPS.get(kind, kind))
        out.append(
            ngettext(
                "%(step)s: %(n)s of %(total)s successful cooperations on these topics began "
                "this way.",
                "%(step)s: %(n)s of %(total)s successful cooperations on these topics began "
                "this way.",
                count,
            )
            % {"step": step[:1].upper() + step[1:], "n": count, "total": total}
        )
    if not out:
        out.append(
            _(
                "No successful cooperation on these topics is recorded yet; the common "
                "sequence is {steps}."
            ).format(steps=", ".join(_(ACTIVITY_STEPS[k]) for k in DEFAULT_STEPS))
        )
    return out


def evidence_line(item: Evidence, names: dict[str, str]) -> str:
    """Return a piece of evidence as one line of text."""
    kinds = outcome_kinds()
    outcomes = ", ".join(kinds.get(o, o) for o in item.outcomes) or _("no outcome recorded")
    return _("{title} ({partners}; {topics}): {outcomes}.").format(
        title=item.title,
        partners=", ".join(item.partners),
        topics=", ".join(names.get(t, t) for t in item.topics),
        outcomes=outcomes,
    )


def generate(c: Candidates, s: Scores, row: int, found: Match, names: dict[str, str]) -> Generated:
    """Draft the analysis of candidate ``row`` for the scored goal."""
    them = c.profiles[row]
    benefits = _benefits(c, s, row, names)
    risks = _risks(s, row, them)
    evidence = _evidence(c, s, row)
    steps = _steps(c, s)
    evidence_text = (
        _bullets([evidence_line(e, names) for e in evidence])
        if evidence
        else _("No similar cooperation is recorded yet.")
    )
    return Generated(
        benefits=benefits,
        risks=risks,
        evidence=evidence,
        first_steps=steps,
        texts={
            "benefits": _bullets(benefits),
            "risks": _bullets(risks),
            "evidence": evidence_text,
            "first_steps": _bullets(steps),
        },
    )
