"""Duplicate an event as a template: its settings, agenda and polls, without people or answers.

This lives in ``pages`` because it composes two domains: events may not import polls (polls
sit above events), and polls should not reach into the agenda. Pages may import both.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.core.errors import NotAuthenticated
from agora.core.i18n import _
from agora.events import agenda, services
from agora.events.deps import OwnedEventDep
from agora.events.models import AgendaItem, Event
from agora.polls.models import Poll, Question
from agora.polls.services import event_polls
from agora.web.deps import StateDep
from agora.web.notices import Notice, redirect_with_notice

router = APIRouter()


def duplicate_event(session: Session, source: Event, organiser_id: int | None) -> Event:
    """Create a copy of ``source`` with a new join code and links, as a template to adapt.

    The copy has the same settings, every poll that is not archived (as drafts, results
    hidden) and the agenda (items point at the copied polls). Participants, registrations,
    answers, questions from the room, takeaways and "now" are not copied.
    """
    copy = services.create_event(
        session,
        title=_("{title} (copy)").format(title=source.title)[:300],
        starts_on=source.starts_on,
        ends_on=source.ends_on,
        start_time=source.start_time,
        time_zone=source.time_zone,
        venue=source.venue,
        capacity=source.capacity,
        description=source.description,
        language=source.language,
        ask_identity=source.ask_identity,
        registration_open=source.registration_open,
        organiser_id=organiser_id,
    )
    copy.qa_moderated = source.qa_moderated
    copy.qa_anonymous = source.qa_anonymous
    copy.qa_profanity_filter = source.qa_profanity_filter
    polls: dict[int, int] = {}
    for poll in event_polls(session, source.id, include_archived=False):
        new = Poll(
            event_id=copy.id,
            title=poll.title,
            position=poll.position,
            allow_change=poll.allow_change,
            results_visible=False,
            voting_rule=poll.voting_rule,
        )
        for question in poll.questions:
            new.questions.append(
                Question(
                    position=question.position,
                    kind=question.kind,
                    prompt=question.prompt,
                    config=dict(question.config),
                )
            )
        session.add(new)
        session.flush()
        polls[poll.id] = new.id
    for item in agenda.agenda(session, source.id):
        session.add(
            AgendaItem(
                event_id=copy.id,
                position=item.position,
                kind=item.kind,
                title=item.title,
                speaker_name=item.speaker_name,
                speaker_organisation=item.speaker_organisation,
                starts_at=item.starts_at,
                duration_minutes=item.duration_minutes,
                poll_id=polls.get(item.poll_id) if item.poll_id is not None else None,
            )
        )
    session.flush()
    return copy


@router.post("/e/{code}/duplicate", include_in_schema=False)
async def duplicate_form(event: OwnedEventDep, state: StateDep) -> Response:
    """Duplicate the event (its organiser), then show the copy's settings to adapt."""

    def run(session: Session, source: Event) -> Event:
        organiser = current_organiser(event.request, session)
        if organiser is None:  # the scope checked it already; this keeps mypy sure too
            raise NotAuthenticated(_("Sign in as the event's organiser to do this."))
        return duplicate_event(session, source, organiser.id)

    copy = await event.run(run)
    notice = Notice(
        "events",
        _(
            "'{title}' is a copy with its own join code {code}, agenda and polls, "
            "without people or answers. Change its date and title here."
        ).format(title=copy.title, code=copy.code),
    )
    return redirect_with_notice(state, f"/e/{copy.code}/settings", notice)
