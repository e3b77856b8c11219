"""Sentences the organiser may accept into the report's narrative, grounded in its figures.

Pure functions of a :class:`~agora.reports.model.Report`: each draft belongs to a section,
says one thing in the event's language, and lists the figures it rests on, so the organiser
can check a sentence before it goes into the report. Every count goes through ``ngettext``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from agora.core.i18n import _, babel_locale, current_language, ngettext, set_language, supported
from agora.registrations.pages import organisation_types
from agora.reports.html import humanize
from agora.reports.model import QuestionResult, Report
from agora.takeaways.fields import outcome_kinds, world_areas

#: A ranking's lead is narrow below this gap between its first two scores (relative to the
#: first), modest below the next, clear above it.
CLOSE_MARGIN = 0.05
CLEAR_MARGIN = 0.15
#: How many names a list in a sentence shows before "and N more".
LISTED = 4


@dataclass(frozen=True)
class Draft:
    """A proposed sentence of a narrative section, with the figures it rests on."""

    #: Stable within a report (e.g. ``attendance``, ``ranking-first-12``), for dropping it.
    key: str
    section: str
    text: str
    #: The figures the sentence rests on, each "label value" (shown beside it).
    figures: list[str] = field(default_factory=list)


def percent(part: float, whole: float) -> str:
    """Return ``part`` of ``whole`` as a whole percentage, as the language writes it."""
    return format_percent(part / whole if whole else 0, locale=babel_locale(current_language()))


def number(value: float) -> str:
    """Return a score with at most two decimals, as the language writes it (``3,48``)."""
    return format_decimal(
        round(value, 2), format="#,##0.##", locale=babel_locale(current_language())
    )


def _listed(items: list[str]) -> str:
    """Join items the way the current language does ("a, b and c"), at most ``LISTED``."""
    shown = items[:LISTED]
    if len(items) > LISTED:
        more = len(items) - LISTED
        shown.append(ngettext("{count} other", "{count} others", more).format(count=more))
    return format_list(shown, locale=babel_locale(current_language())) if shown else ""


def drafts(report: Report) -> list[Draft]:
    """Return the proposed sentences of every section, in the report's language."""
    previous = current_language()
    set_language(supported(report.language) or "en")
    try:
        found = [*attendance(report), *audience(report)]
        for question in report.polls:
            found += ranking(question)
        found += [*outcomes(report), *topics(report), *partners(report)]
        return found
    finally:
        set_language(previous)


# -- introduction: who came -------------------------------------------------------------


def attendance(report: Report) -> list[Draft]:
    """Say how many took part against registrations and seats, and the walk-ins."""
    p = report.participation
    out: list[Draft] = []
    if not p.present and not p.registered:
        return out
    registrations = ngettext("{count} registration", "{count} registrations", p.registered)
    registrations = registrations.format(count=p.registered)
    figures = [_("Registered {count}").format(count=p.registered)]
    figures.append(_("Present {count}").format(count=p.present))
    if p.present > p.registered:
        text = ngettext(
            "Attendance exceeded registrations: {present} person took part, "
            "against {registrations}.",
            "Attendance exceeded registrations: {present} people took part, "
            "against {registrations}.",
            p.present,
        )
    else:
        text = ngettext(
            "{present} person took part: {share} of the {registrations}.",
            "{present} people took part: {share} of the {registrations}.",
            p.present,
        )
    text = text.format(
        present=p.present,
        registrations=registrations,
        share=percent(p.present, p.registered),
    )
    out.append(Draft("attendance", "introduction", text, figures))
    if p.walk_ins:
        came = ngettext(
            "{count} registered person checked in",
            "{count} registered people checked in",
            p.checked_in,
        ).format(count=p.checked_in)
        text = ngettext(
            "{came}, and {count} person came without registering (a walk-in).",
            "{came}, and {count} people came without registering (walk-ins).",
            p.walk_ins,
        ).format(came=came, count=p.walk_ins)
        out.append(
            Draft(
                "walk-ins",
                "introduction",
                text,
                [
                    _("Checked in {count}").format(count=p.checked_in),
                    _("Walk-ins {count}").format(count=p.walk_ins),
                ],
            )
        )
    if p.seats:
        seats = ngettext("{count} seat", "{count} seats", p.seats).format(count=p.seats)
        if p.present >= p.seats:
            text = ngettext(
                "The room was full: {present} person for {seats}.",
                "The room was full: {present} people for {seats}.",
                p.present,
            )
        else:
            text = ngettext(
                "The room was {share} full: {present} person for {seats}.",
                "The room was {share} full: {present} people for {seats}.",
                p.present,
            )
        text = text.format(present=p.present, seats=seats, share=percent(p.present, p.seats))
        figures = [
            _("Present {count}").format(count=p.present),
            _("Seats {count}").format(count=p.seats),
        ]
        out.append(Draft("occupancy", "introduction", text, figures))
    return out


def audience(report: Report) -> list[Draft]:
    """Say which kinds of organisation the audience came from, with their shares."""
    kinds = report.participation.organisation_types
    total = sum(kinds.values())
    if not total:
        return []
    labels = dict(organisation_types())
    named = [
        _("{kind} {share}").format(kind=labels.get(k, humanize(k)), share=percent(n, total))
        for k, n in kinds.items()
    ]
    text = ngettext(
        "By kind of organisation, the {count} person counted came from: {kinds}.",
        "By kind of organisation, the {count} people counted came from: {kinds}.",
        total,
    ).format(count=total, kinds=_listed(named))
    figures = [f"{labels.get(k, humanize(k))} {n}" for k, n in kinds.items()]
    return [Draft("audience", "introduction", text, figures)]


# -- conclusions: what the room wants next --------------------------------------------------


def ranking(question: QuestionResult) -> list[Draft]:
    """Say which option of a ranking came first and last, and how clear the ranking is."""
    if not question.rank_distribution or not question.responses:
        return []
    table = question.table
    ballots = int(question.result.get("ballots") or question.responses)
    value = next((c for c in table.columns if c.key == table.value), None)
    rank = next((i for i, c in enumerate(table.columns) if c.key == "rank"), None)
    label = next((i for i, c in enumerate(table.columns) if c.key == table.label), None)
    if value is None or rank is None or label is None or len(table.rows) < 2:
        return []
    score_at = table.columns.index(value)
    rows = sorted(table.rows, key=lambda r: int(r.cells[rank] or 0))
    first, second, last = rows[0], rows[1], rows[-1]
    name = {row.key: str(row.cells[label]) for row in rows}
    score = {row.key: float(row.cells[score_at] or 0) for row in rows}
    places = {d["label"]: d["positions"] for d in question.rank_distribution}
    first_places = (places.get(name[first.key]) or [0])[0]
    method = str(question.result.get("method_label") or question.result.get("method") or "")
    key = question.question_id
    prompt = question.prompt
    text = ngettext(
        "{first} was the most wanted answer to “{prompt}”: {share} of the {count} ballot "
        "placed it first.",
        "{first} was the most wanted answer to “{prompt}”: {share} of the {count} ballots "
        "placed it first.",
        ballots,
    ).format(
        first=name[first.key], prompt=prompt, share=percent(first_places, ballots), count=ballots
    )
    figures = [
        _("Ballots {count}").format(count=ballots),
        _("First places for {option} {count}").format(option=name[first.key], count=first_places),
    ]
    out = [Draft(f"ranking-first-{key}", "conclusions", text, figures)]
    a, b = number(score[first.key]), number(score[second.key])
    gap = abs(score[first.key] - score[second.key])
    if first.cells[rank] == second.cells[rank]:
        text = _("{first} and {second} share first place, with a score of {a}.")
    elif gap < CLOSE_MARGIN * max(abs(score[first.key]), 1e-9):
        text = _("Its lead over {second} is narrow: a score of {a} against {b}.")
    elif gap < CLEAR_MARGIN * max(abs(score[first.key]), 1e-9):
        text = _("Its lead over {second} is modest: a score of {a} against {b}.")
    else:
        text = _("Its lead over {second} is clear: a score of {a} against {b}.")
    text = text.format(first=name[first.key], second=name[second.key], a=a, b=b)
    figures = [f"{name[first.key]} {a}", f"{name[second.key]} {b}", method]
    out.append(Draft(f"ranking-margin-{key}", "conclusions", text, figures))
    positions = places.get(name[last.key]) or []
    placed_last = positions[-1] if positions else 0
    text = _("{last} was the least wanted ({score}); {share} of the ballots placed it last.")
    text = text.format(
        last=name[last.key], score=number(score[last.key]), share=percent(placed_last, ballots)
    )
    figures = [
        f"{name[last.key]} {number(score[last.key])}",
        _("Last places {count}").format(count=placed_last),
    ]
    out.append(Draft(f"ranking-last-{key}", "conclusions", text, figures))
    return out


# -- impact: what the lessons add up to ---------------------------------------------------


def outcomes(report: Report) -> list[Draft]:
    """Say how many outcomes the lessons report and which kinds recur most."""
    counts = report.impact.outcomes_by_kind
    total = sum(counts.values())
    if not total:
        return []
    labels = outcome_kinds()
    named = [
        _("{name} ({count})").format(name=labels.get(k, humanize(k)).lower(), count=n)
        for k, n in counts.items()
    ]
    text = ngettext(
        "The lessons report {count} outcome: {kinds}.",
        "The lessons report {count} outcomes, most often: {kinds}.",
        total,
    ).format(count=total, kinds=_listed(named))
    figures = [f"{labels.get(k, humanize(k))} {n}" for k, n in counts.items()]
    return [Draft("outcomes", "impact", text, figures)]


def topics(report: Report) -> list[Draft]:
    """Say which topics recur across the lessons (or that none does)."""
    counts = report.impact.topics
    if not counts:
        return []
    recurring = {t: n for t, n in counts.items() if n > 1}
    if recurring:
        named = [
            ngettext("{topic} ({count} lesson)", "{topic} ({count} lessons)", n).format(
                topic=t, count=n
            )
            for t, n in recurring.items()
        ]
        text = ngettext(
            "{count} topic recurs across the lessons: {topics}.",
            "{count} topics recur across the lessons: {topics}.",
            len(recurring),
        ).format(count=len(recurring), topics=_listed(named))
        figures = [f"{t} {n}" for t, n in recurring.items()]
    else:
        text = ngettext(
            "The lessons name {count} topic.",
            "The lessons name {count} different topics, none of them twice.",
            len(counts),
        ).format(count=len(counts))
        figures = [_("Topics {count}").format(count=len(counts))]
    return [Draft("topics", "impact", text, figures)]


def partners(report: Report) -> list[Draft]:
    """Say which partners the lessons name, and in which world areas they are."""
    named = [
        p.get("organisation") or p.get("place") or ""
        for lesson in report.lessons
        for p in lesson.partners
    ]
    named = [n for n in named if n]
    out: list[Draft] = []
    if named:
        unique = list(dict.fromkeys(named))
        text = ngettext(
            "The lessons name {count} partner: {partners}.",
            "The lessons name {count} partners: {partners}.",
            len(unique),
        ).format(count=len(unique), partners=_listed(unique))
        out.append(
            Draft("partners", "impact", text, [_("Partners {count}").format(count=len(unique))])
        )
    areas = report.impact.partner_world_areas
    if areas:
        labels = world_areas()
        total = sum(areas.values())
        listed = [
            _("{area} ({count})").format(area=labels.get(a, humanize(a)), count=n)
            for a, n in areas.items()
        ]
        text = ngettext(
            "By world area, the {count} partner placed is in: {areas}.",
            "By world area, the {count} partners placed are in: {areas}.",
            total,
        ).format(count=total, areas=_listed(listed))
        figures = [f"{labels.get(a, humanize(a))} {n}" for a, n in areas.items()]
        out.append(Draft("world-areas", "impact", text, figures))
    return out
