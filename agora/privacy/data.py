"""One person's data in an event: what a participant contributed, what a registrant gave.

``participant_data`` and ``registration_data`` return it as JSON-ready dicts (the
download); ``erase_participant`` and ``erase_registration`` delete it. Erasing a
participant deletes their poll answers, questions, upvotes (their questions' counts go
down by one), floor requests and takeaways, then the participant: the results recount
from what is left. The caller redraws the live pages (``Erased`` says what changed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, literal, select, update
from sqlalchemy.orm import Session

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.events.models import Event, Participant
from agora.floor.models import FloorRequest
from agora.polls.models import Poll, Question, Response, SubmissionKey
from agora.polls.themes import forget_answers
from agora.qa.models import AudienceQuestion, QuestionVote
from agora.registrations import services as registrations
from agora.registrations.countries import fold
from agora.registrations.models import Registration
from agora.takeaways.models import Takeaway

#: The most people a search shows.
SEARCH_LIMIT = 50


def _when(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def get_participant(session: Session, event: Event, participant_id: int) -> Participant:
    """Return the event's participant ``participant_id``, or raise NotFound."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.event_id != event.id:
        raise NotFound(_("There is no such participant in this event (erased already?)."))
    return participant


def get_registration(session: Session, event: Event, registration_id: int) -> Registration:
    """Return the event's registration ``registration_id``, or raise NotFound."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound(_("There is no such registration in this event (erased already?)."))
    return registration


def participant_data(session: Session, event: Event, participant: Participant) -> dict[str, Any]:
    """Return everything ``participant`` contributed to ``event``, as the download holds it."""
    pid = participant.id
    answers = session.execute(
        select(Response, Question, Poll)
        .join(Question, Question.id == Response.question_id)
        .join(Poll, Poll.id == Question.poll_id)
        .where(Response.participant_id == pid)
        .order_by(Poll.position, Poll.id, Question.position, Question.id)
    ).all()
    questions = session.scalars(
        select(AudienceQuestion)
        .where(AudienceQuestion.participant_id == pid)
        .order_by(AudienceQuestion.id)
    ).all()
    upvotes = session.execute(
        select(QuestionVote.question_id, QuestionVote.created_at)
        .where(QuestionVote.participant_id == pid)
        .order_by(QuestionVote.id)
    ).all()
    floor = session.scalars(
        select(FloorRequest).where(FloorRequest.participant_id == pid).order_by(FloorRequest.id)
    ).all()
    takeaways = session.scalars(
        select(Takeaway).where(Takeaway.participant_id == pid).order_by(Takeaway.id)
    ).all()
    return {
        "event": {"code": event.code, "title": event.title},
        "participant": {
            "id": pid,
            "name": participant.name,
            "organisation": participant.organisation,
            "joined_at": _when(participant.created_at),
        },
        "poll_answers": [
            {
                "poll": poll.title,
                "question": question.prompt,
                "answer": response.answer,
                "answered_at": _when(response.updated_at),
            }
            for response, question, poll in answers
        ],
        "questions": [
            {
                "id": q.id,
                "text": q.text,
                "author_name": q.author_name,
                "state": q.state.value,
                "votes": q.votes,
                "asked_at": _when(q.created_at),
            }
            for q in questions
        ],
        "upvotes": [{"question_id": qid, "at": _when(at)} for qid, at in upvotes],
        "floor_requests": [
            {
                "id": f.id,
                "name": f.name,
                "organisation": f.organisation,
                "place": f.place,
                "topic": f.topic,
                "state": f.state.value,
                "requested_at": _when(f.requested_at),
            }
            for f in floor
        ],
        "takeaways": [
            {
                "id": t.id,
                "speaker_name": t.speaker_name,
                "organisation": t.organisation,
                "place": t.place,
                "country": t.country,
                "partners": t.partners,
                "topics": t.topics,
                "outcomes": t.outcomes,
                "lesson": t.lesson,
                "state": t.state.value,
                "created_at": _when(t.created_at),
            }
            for t in takeaways
        ],
    }


def registration_data(event: Event, registration: Registration) -> dict[str, Any]:
    """Return what ``registration`` holds, as the download shows it (its link excluded)."""
    return {
        "event": {"code": event.code, "title": event.title},
        "registration": {
            "id": registration.id,
            "name": registration.name,
            "email": registration.email,
            "organisation": registration.organisation,
            "organisation_type": registration.organisation_type.value,
            "country": registration.country,
            "place": registration.place,
            "status": registration.status.value,
            "walk_in": registration.walk_in,
            "source": registration.source,
            "checked_in_at": _when(registration.checked_in_at),
            "registered_at": _when(registration.created_at),
        },
    }


@dataclass
class Erased:
    """What an erasure deleted: counts by kind, and the poll results to recount."""

    counts: dict[str, int] = field(default_factory=dict)
    #: (event id, question id) of every poll question whose answers changed.
    poll_questions: list[tuple[int, int]] = field(default_factory=list)
    #: The live sections to redraw.
    sections: set[str] = field(default_factory=set)


def erase_participant(session: Session, event: Event, participant: Participant) -> Erased:
    """Delete ``participant`` and everything they contributed; say what went."""
    pid = participant.id
    erased = Erased()
    answered = session.execute(
        select(Response.id, Response.question_id).where(Response.participant_id == pid)
    ).all()
    erased.poll_questions = sorted({(event.id, qid) for _rid, qid in answered})
    erased.counts["poll_answers"] = len(answered)
    forget_answers(session, {qid for _rid, qid in answered}, [rid for rid, _qid in answered])
    session.execute(delete(Response).where(Response.participant_id == pid))
    session.execute(delete(SubmissionKey).where(SubmissionKey.participant_id == pid))

    own = select(AudienceQuestion.id).where(AudienceQuestion.participant_id == pid)
    voted = session.scalars(
        select(QuestionVote.question_id).where(
            QuestionVote.participant_id == pid, QuestionVote.question_id.not_in(own)
        )
    ).all()
    for question_id in voted:  # their upvotes of other people's questions count no more
        session.execute(
            update(AudienceQuestion)
            .where(AudienceQuestion.id == question_id, AudienceQuestion.votes > 0)
            .values(votes=AudienceQuestion.votes - 1)
        )
    erased.counts["upvotes"] = len(voted)
    session.execute(delete(QuestionVote).where(QuestionVote.participant_id == pid))
    own_ids = session.scalars(own).all()
    session.execute(delete(QuestionVote).where(QuestionVote.question_id.in_(own_ids)))
    session.execute(delete(AudienceQuestion).where(AudienceQuestion.id.in_(own_ids)))
    erased.counts["questions"] = len(own_ids)

    floor_ids = session.scalars(
        select(FloorRequest.id).where(FloorRequest.participant_id == pid)
    ).all()
    erased.counts["takeaways"] = len(
        session.scalars(select(Takeaway.id).where(Takeaway.participant_id == pid)).all()
    )
    session.execute(delete(Takeaway).where(Takeaway.participant_id == pid))
    session.execute(
        update(Takeaway)
        .where(Takeaway.floor_request_id.in_(floor_ids))
        .values(floor_request_id=None)
    )
    session.execute(delete(FloorRequest).where(FloorRequest.id.in_(floor_ids)))
    erased.counts["floor_requests"] = len(floor_ids)

    session.delete(participant)
    session.flush()
    erased.sections = {"polls", "qa", "floor", "takeaways"}
    return erased


def erase_registration(session: Session, registration: Registration) -> Erased:
    """Delete ``registration``: its address is free again and its link finds nothing."""
    registrations.erase(session, registration)
    return Erased(counts={"registrations": 1}, sections={"registrations"})


@dataclass(frozen=True)
class Found:
    """The people of an event a search finds."""

    registrations: list[Registration]
    participants: list[Participant]


def find_people(session: Session, event: Event, query: str) -> Found:
    """Return the registrations (name, organisation, e-mail) and participants matching ``query``.

    Every word must appear; case and accents do not matter. An empty query finds nobody.
    """
    words = fold(query).split()
    if not words:
        return Found([], [])
    found = registrations.search(session, event, query)[:SEARCH_LIMIT]
    # a participant is named on their join (events that ask) and on what they contributed
    names: dict[int, list[str]] = {}
    sources = (
        select(Participant.id, Participant.name, Participant.organisation).where(
            Participant.event_id == event.id
        ),
        select(FloorRequest.participant_id, FloorRequest.name, FloorRequest.organisation).where(
            FloorRequest.event_id == event.id
        ),
        select(AudienceQuestion.participant_id, AudienceQuestion.author_name, literal("")).where(
            AudienceQuestion.event_id == event.id
        ),
        select(Takeaway.participant_id, Takeaway.speaker_name, Takeaway.organisation).where(
            Takeaway.event_id == event.id
        ),
    )
    for query_ in sources:
        for pid, name, organisation in session.execute(query_):
            if pid is not None and name:
                names.setdefault(pid, []).append(f"{name} {organisation}")
    matching = sorted(
        pid
        for pid, texts in names.items()
        if any(all(word in fold(text) for word in words) for text in texts)
    )[:SEARCH_LIMIT]
    participants = list(
        session.scalars(
            select(Participant).where(Participant.id.in_(matching)).order_by(Participant.id)
        )
    )
    return Found(found, participants)
