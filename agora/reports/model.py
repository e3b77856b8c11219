"""The report of a session as plain data, built once from the database for every format.

Every renderer (web page and PDF, DOCX, Markdown, XLSX/CSV, JSON) reads a :class:`Report`;
none of them queries the database. Text people typed is kept as typed here: each renderer
escapes it for its own format.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agora.core.db import utcnow
from agora.events.agenda import agenda
from agora.events.models import Event, Participant
from agora.events.times import DEFAULT_TIME_ZONE, clock, planned_starts
from agora.polls.kinds import (
    QuestionSpec,
    QuestionTally,
    ResultTable,
    kind_of,
    make_tally,
    result_table,
    with_method_label,
)
from agora.polls.models import PollState, Response
from agora.polls.responses import load_answers
from agora.polls.services import event_polls, spec_of
from agora.polls.themes import current_themes
from agora.qa.models import AudienceQuestion, QuestionState
from agora.registrations.attendance import attendance
from agora.registrations.models import Registration, RegistrationStatus
from agora.takeaways.models import Takeaway, TakeawayState
from agora.takeaways.report_writing import narrative
from agora.text.language import detect_language, languages_used


@dataclass(frozen=True)
class AgendaEntry:
    """One agenda item, as the methodology section lists it."""

    position: int
    kind: str
    title: str
    speaker_name: str
    speaker_organisation: str
    duration_minutes: int | None
    #: HH:MM in the event's time zone, from its start time and the durations before.
    planned_start: str | None = None


@dataclass(frozen=True)
class Participation:
    """Who was there: the figures of the door and of the live tools."""

    registered: int
    checked_in: int
    walk_ins: int
    present: int
    no_shows: int
    seats: int | None
    occupancy: float | None
    joined_live: int
    organisation_types: dict[str, int]
    countries: dict[str, int]
    #: True when the people in the room are simulated (the demo): the report says so.
    simulated: bool


@dataclass(frozen=True)
class Lesson:
    """A takeaway shared in the session (approved ones only)."""

    speaker_name: str
    organisation: str
    place: str
    country: str
    partners: list[dict[str, Any]]
    topics: list[str]
    outcomes: list[dict[str, Any]]
    lesson: str
    #: The language the lesson is written in (ISO 639-1).
    language: str = ""


@dataclass(frozen=True)
class Impact:
    """What the lessons add up to across the session."""

    outcomes_by_kind: dict[str, int]
    topics: dict[str, int]
    partner_world_areas: dict[str, int]
    partner_countries: dict[str, int]


@dataclass(frozen=True)
class ThemeEntry:
    """A theme of an open-text question's answers, with every answer it holds."""

    label: str
    representative: str
    answers: list[str]


@dataclass(frozen=True)
class QuestionResult:
    """One poll question with its result (ranking: by the method chosen for it)."""

    question_id: int
    poll_title: str
    poll_state: str
    position: int
    questions_in_poll: int
    kind: str
    prompt: str
    responses: int
    #: How many of the responses come from simulated participants (the demo).
    simulated_responses: int
    result: dict[str, Any]
    #: Free text answers, in order (open text and word cloud), for themes and the appendix.
    texts: list[str] = field(default_factory=list)
    #: Open text: the answers grouped into themes (as the moderator edited them, if so).
    themes: list[ThemeEntry] = field(default_factory=list)
    #: How the themes were found (names the word-based fallback when it was used).
    themes_method: str = ""
    themes_edited: bool = False
    #: Open text: answers grouped by shared words only (a language the model does not
    #: know), how many per ISO 639-1 code.
    themes_words_only: dict[str, int] = field(default_factory=dict)
    #: Open text: the languages the answers are written in, by ISO 639-1 code.
    languages: dict[str, int] = field(default_factory=dict)
    #: Who could answer the poll (``polls.models.VotingRule``): "anyone", or one vote per
    #: person ("registered", "checked_in", "signed_in").
    voting_rule: str = "anyone"
    #: Ranking: how many ballots put each option in each place, and how many left it out.
    rank_distribution: list[dict[str, Any]] = field(default_factory=list)
    #: Open text: each answer with its language, in the order of ``texts``.
    answer_details: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def table(self) -> ResultTable:
        """Return the neutral table every format draws of this result."""
        return result_table(self.result)


@dataclass(frozen=True)
class AudienceQuestionEntry:
    """An audience question that participants could see."""

    text: str
    votes: int
    answered: bool
    #: Asked by a simulated participant (the demo): the report labels it.
    simulated: bool = False


@dataclass(frozen=True)
class RegistrationRow:
    """A registration, for the data appendix."""

    name: str
    organisation: str
    organisation_type: str
    country: str
    place: str
    status: str
    walk_in: bool
    checked_in: bool
    source: str


@dataclass(frozen=True)
class Report:
    """Everything a session's report says, in the order of its sections."""

    generated_at: dt.datetime
    code: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    description: str
    language: str
    agenda: list[AgendaEntry]
    participation: Participation
    lessons: list[Lesson]
    impact: Impact
    polls: list[QuestionResult]
    audience_questions: list[AudienceQuestionEntry]
    registrations: list[RegistrationRow]
    #: The languages the room used in open-text answers and takeaways.
    languages: dict[str, int] = field(default_factory=dict)
    #: When the session started on its first day (local), and the zone every time is shown in.
    start_time: dt.time | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    #: The organiser chose to annex the list of registrations (``registrations``).
    annex: bool = False
    #: The organiser's narrative sections (introduction, methodology, impact, conclusions),
    #: each's current text as typed (light formatting), only those that are written.
    narrative: dict[str, str] = field(default_factory=dict)


def _counter(values: list[str]) -> dict[str, int]:
    """Return counts, most frequent first (ties alphabetically), without empty values."""
    counts = Counter(v for v in values if v)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _described(text: str) -> dict[str, Any]:
    """Return an open-text answer with the language it is written in."""
    return {"text": text, "language": detect_language(text) if text else ""}


def _rank_distribution(spec: QuestionSpec, tally: QuestionTally) -> list[dict[str, Any]]:
    """Return, per option in question order, the ballots placing it at each position.

    Only for kinds counted by ranking methods: the average rank's workings hold them.
    """
    details = tally.result("average_rank")["details"]["distribution"]
    return [
        {
            "label": option.label,
            "positions": list(details[option.id]["positions"]),
            "unranked": details[option.id]["unranked"],
        }
        for option in spec.options
    ]


def _participation(session: Session, event: Event, rows: list[Registration]) -> Participation:
    figures = attendance(session, event)
    present = [
        r
        for r in rows
        if r.status is not RegistrationStatus.cancelled and (r.checked_in_at or r.walk_in)
    ]
    counted = present or [r for r in rows if r.status is RegistrationStatus.registered]
    joined = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.event_id == event.id)
    )
    return Participation(
        registered=figures.registered,
        checked_in=figures.checked_in,
        walk_ins=figures.walk_ins,
        present=figures.present,
        no_shows=figures.no_shows,
        seats=figures.seats,
        occupancy=figures.occupancy,
        joined_live=int(joined or 0),
        organisation_types=_counter([r.organisation_type.value for r in counted]),
        countries=_counter([r.country for r in counted]),
        simulated=any(r.source == "simulated" for r in rows),
    )


def _polls(session: Session, event: Event) -> list[QuestionResult]:
    out = []
    for poll in event_polls(session, event.id, include_archived=False):
        if poll.state not in {PollState.open, PollState.closed}:
            continue
        for question in poll.questions:
            spec = spec_of(question)
            kind = kind_of(spec.kind)
            tally = make_tally(spec)
            answers = load_answers(session, question.id)
            for answer in answers:
                tally.add(answer)
            method = question.config.get("ranking_method") if tally.methods else None
            themes: list[ThemeEntry] = []
            themes_method, themes_edited = "", False
            words_only: dict[str, int] = {}
            if kind.THEMED and answers:
                found, themes_edited = current_themes(session, question)
                themes_method = found.method
                words_only = {code: len(rows) for code, rows in found.words_only.items()}
                themes = [
                    ThemeEntry(
                        t.label, t.representative, [found.texts[i] for i in t.answer_indexes]
                    )
                    for t in found.themes
                ]
            texts = [t for a in answers for t in kind.texts(a)]
            simulated = session.scalar(
                select(func.count())
                .select_from(Response)
                .join(Participant, Participant.id == Response.participant_id)
                .where(Response.question_id == question.id, Participant.simulated.is_(True))
            )
            out.append(
                QuestionResult(
                    question_id=question.id,
                    poll_title=poll.title,
                    poll_state=poll.state.value,
                    voting_rule=poll.voting_rule.value,
                    position=question.position,
                    questions_in_poll=len(poll.questions),
                    kind=question.kind,
                    prompt=question.prompt,
                    responses=len(answers),
                    simulated_responses=int(simulated or 0),
                    result=with_method_label(tally.result(method)),
                    texts=texts,
                    themes=themes,
                    themes_method=themes_method,
                    themes_edited=themes_edited,
                    themes_words_only=words_only,
                    languages=languages_used(texts) if kind.THEMED else {},
                    rank_distribution=_rank_distribution(spec, tally) if tally.methods else [],
                    answer_details=[_described(t) for t in texts] if kind.THEMED else [],
                )
            )
    return out


def build_report(session: Session, event: Event, *, annex: bool = False) -> Report:
    """Gather everything the report of ``event`` says from the database.

    The report names no person but the speakers: ``annex`` (the organiser's choice) adds
    the list of registrations (names, organisations, countries; never e-mail addresses).
    """
    rows = list(
        session.scalars(
            select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
        )
    )
    takeaways = list(
        session.scalars(
            select(Takeaway)
            .where(Takeaway.event_id == event.id, Takeaway.state == TakeawayState.approved)
            .order_by(Takeaway.created_at, Takeaway.id)
        )
    )
    lessons = [
        Lesson(
            speaker_name=t.speaker_name,
            organisation=t.organisation,
            place=t.place,
            country=t.country,
            partners=list(t.partners),
            topics=list(t.topics),
            outcomes=list(t.outcomes),
            lesson=t.lesson,
            language=detect_language(t.lesson) if t.lesson else "",
        )
        for t in takeaways
    ]
    impact = Impact(
        outcomes_by_kind=_counter([o.get("kind", "") for t in lessons for o in t.outcomes]),
        topics=_counter([topic.strip().lower() for t in lessons for topic in t.topics]),
        partner_world_areas=_counter(
            [p.get("world_area", "") for t in lessons for p in t.partners]
        ),
        partner_countries=_counter([p.get("country", "") for t in lessons for p in t.partners]),
    )
    questions = session.execute(
        select(AudienceQuestion, Participant.simulated)
        .outerjoin(Participant, Participant.id == AudienceQuestion.participant_id)
        .where(
            AudienceQuestion.event_id == event.id,
            AudienceQuestion.state.in_([QuestionState.approved, QuestionState.answered]),
        )
        .order_by(AudienceQuestion.votes.desc(), AudienceQuestion.created_at)
    )
    polls = _polls(session, event)
    written = [t for p in polls if kind_of(p.kind).THEMED for t in p.texts]
    written += [lesson.lesson for lesson in lessons if lesson.lesson]
    items = agenda(session, event.id)
    starts = planned_starts(event, [i.duration_minutes for i in items])
    return Report(
        generated_at=utcnow(),
        code=event.code,
        title=event.title,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        venue=event.venue,
        description=event.description,
        language=event.language,
        agenda=[
            AgendaEntry(
                i.position,
                i.kind.value,
                i.title,
                i.speaker_name,
                i.speaker_organisation,
                i.duration_minutes,
                clock(start, event) or None,
            )
            for i, start in zip(items, starts, strict=True)
        ],
        start_time=event.start_time,
        time_zone=event.time_zone,
        participation=_participation(session, event, rows),
        lessons=lessons,
        impact=impact,
        polls=polls,
        languages=languages_used(written),
        audience_questions=[
            AudienceQuestionEntry(
                q.text, q.votes, q.state is QuestionState.answered, bool(simulated)
            )
            for q, simulated in questions
        ],
        registrations=[
            RegistrationRow(
                name=r.name,
                organisation=r.organisation,
                organisation_type=r.organisation_type.value,
                country=r.country,
                place=r.place,
                status=r.status.value,
                walk_in=r.walk_in,
                checked_in=r.checked_in_at is not None,
                source=r.source,
            )
            for r in rows
            if annex
        ],
        annex=annex,
        narrative=narrative(session, event.id),
    )
