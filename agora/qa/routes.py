"""Every URL of the Q&A: ask, upvote, list and moderate (JSON API and form posts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import AgoraError, NotFound
from agora.core.i18n import _
from agora.events.audit import record_as
from agora.events.deps import EventDep, ModeratedEventDep, can_moderate, check_moderator
from agora.events.models import Event
from agora.qa import services
from agora.qa.live import NAME
from agora.qa.models import AudienceQuestion
from agora.qa.profanity import PROFANITY, languages_for
from agora.qa.schemas import (
    AudienceQuestionIn,
    AudienceQuestionOut,
    QaSettingsOut,
    QaSettingsPatch,
    VoteOut,
)
from agora.qa.services import QuestionAction, QuestionOrder
from agora.web.deps import (
    IdPath,
    OptionalParticipantDep,
    ParticipantDep,
    ParticipantRef,
    StateDep,
    UnitOfWork,
    WorkDep,
    participant_in,
)
from agora.web.notices import Notice, redirect_with_error, redirect_with_notice
from agora.web.state import AppState

router = APIRouter()


def question_out(question: AudienceQuestion, upvoted: bool | None = None) -> AudienceQuestionOut:
    """Return the API view of an audience question (never who asked it)."""
    return AudienceQuestionOut(
        id=question.id,
        text=question.text,
        author=question.author_name,
        votes=question.votes,
        highlighted=question.highlighted,
        state=question.state,
        created_at=question.created_at,
        answered_at=question.answered_at,
        upvoted=upvoted,
    )


def after_change(state: AppState, event_id: int) -> None:
    """Redraw the Q&A on every page of the event, in this process and the others."""
    state.changed(event_id, NAME)


def ask(
    session: Session, event: Event, ref: ParticipantRef, data: AudienceQuestionIn
) -> tuple[AudienceQuestion, bool]:
    """Store a participant's question in ``event``; return it and whether it waits."""
    if ref.event_id != event.id:
        raise NotFound(_("You have not joined the event {code}.").format(code=event.code))
    participant = services.event_participant(session, event, ref.participant_id)
    question = services.ask_question(
        session,
        event,
        participant,
        data.text,
        author_name=data.author_name,
        anonymous=data.anonymous,
    )
    return question, event.qa_moderated


def vote(session: Session, ref: ParticipantRef, question_id: int, *, up: bool) -> VoteOut:
    """Upvote or withdraw; return the new count and whether anything changed."""
    question = services.event_question(session, question_id, ref.event_id)
    if up:
        changed = services.upvote(session, question, ref.participant_id)
    else:
        changed = services.withdraw_upvote(session, question, ref.participant_id)
    return VoteOut(question_id=question.id, votes=question.votes, upvoted=up, changed=changed)


def moderated_question(
    request: Request, state: AppState, session: Session, question_id: int
) -> AudienceQuestion:
    """Load a question and check that the caller moderates its event."""
    question = services.get_question(session, question_id)
    check_moderator(request, state, session, session.get_one(Event, question.event_id))
    return question


def settings_out(event: Event) -> QaSettingsOut:
    """Return the API view of an event's Q&A rules."""
    return QaSettingsOut(
        moderated=event.qa_moderated,
        anonymous=event.qa_anonymous,
        profanity_filter=event.qa_profanity_filter,
        profanity_languages=[
            language for language in languages_for(event.language) if language in PROFANITY
        ],
    )


def change_settings(session: Session, event: Event, patch: QaSettingsPatch) -> Event:
    """Change an event's Q&A rules (the caller's right to is checked by the scope)."""
    return services.update_settings(
        session,
        event,
        moderated=patch.moderated,
        anonymous=patch.anonymous,
        profanity_filter=patch.profanity_filter,
    )


# -- JSON API ------------------------------------------------------------------------------


@router.post("/api/v1/events/{code}/questions", status_code=201, tags=["qa"])
async def ask_question(
    data: AudienceQuestionIn, event: EventDep, state: StateDep, participant: ParticipantDep
) -> AudienceQuestionOut:
    """Ask the speakers a question; it waits for approval when the event is moderated."""
    question, _waits = await event.run(lambda session, e: ask(session, e, participant, data))
    after_change(state, question.event_id)
    return question_out(question, upvoted=False)


@router.get("/api/v1/events/{code}/questions", tags=["qa"])
def list_questions(
    event: EventDep,
    request: Request,
    state: StateDep,
    order: Annotated[QuestionOrder, Query()] = QuestionOrder.votes,
) -> list[AudienceQuestionOut]:
    """Return the questions, most upvoted or newest first; moderators also see pending ones."""

    def load(session: Session, e: Event) -> list[AudienceQuestionOut]:
        if can_moderate(request, state, session, e):
            return [question_out(q) for q in services.all_questions(session, e.id, order)]
        participant_id = participant_in(request, state, e.id)
        mine = (
            None if participant_id is None else services.upvoted_by(session, participant_id, e.id)
        )
        return [
            question_out(q, None if mine is None else q.id in mine)
            for q in services.public_questions(session, e.id, order)
        ]

    return event.sync(load)


@router.get("/api/v1/events/{code}/qa-settings", tags=["qa"])
def read_settings(event: EventDep) -> QaSettingsOut:
    """Return the event's Q&A rules: approval first, anonymous questions, profanity filter."""
    return event.sync(lambda _session, e: settings_out(e))


@router.patch("/api/v1/events/{code}/qa-settings", tags=["qa"])
async def patch_settings(
    patch: QaSettingsPatch, event: ModeratedEventDep, state: StateDep
) -> QaSettingsOut:
    """Change the event's Q&A rules (moderators)."""

    def change(session: Session, e: Event) -> Event:
        changed = change_settings(session, e, patch)
        event.record(session, e, "qa.settings")
        return changed

    changed = await event.run(change)
    after_change(state, changed.id)
    return settings_out(changed)


@router.post("/api/v1/audience-questions/{question_id}/upvote", tags=["qa"])
async def upvote(
    question_id: IdPath, state: StateDep, work: WorkDep, participant: ParticipantDep
) -> VoteOut:
    """Upvote a question; once per participant, so a repeated call changes nothing."""
    out = await work(lambda session: vote(session, participant, question_id, up=True))
    if out.changed:
        after_change(state, participant.event_id)
    return out


@router.delete("/api/v1/audience-questions/{question_id}/upvote", tags=["qa"])
async def withdraw_upvote(
    question_id: IdPath, state: StateDep, work: WorkDep, participant: ParticipantDep
) -> VoteOut:
    """Take back one's upvote; harmless when there is none."""
    out = await work(lambda session: vote(session, participant, question_id, up=False))
    if out.changed:
        after_change(state, participant.event_id)
    return out


@router.post("/api/v1/audience-questions/{question_id}/{action}", tags=["qa"])
async def moderate_question(
    question_id: IdPath, action: QuestionAction, request: Request, state: StateDep, work: WorkDep
) -> AudienceQuestionOut:
    """Approve, reject, mark answered, archive, restore, highlight or unhighlight a question."""

    def change(session: Session) -> AudienceQuestion:
        question = services.moderate(
            session, moderated_question(request, state, session, question_id), action
        )
        event = session.get_one(Event, question.event_id)
        record_as(request, state, session, event, f"qa.{action.value}", f"question {question.id}")
        return question

    question = await work(change)
    after_change(state, question.event_id)
    return question_out(question)


# -- form posts (the pages without JavaScript) ---------------------------------------------


def _participant_page(code: str, order: object = None, anchor: str = "qa") -> str:
    query = f"?qa_order={order}" if order in set(QuestionOrder) else ""
    return f"/e/{code.upper()}{query}#{anchor}"


@router.post("/e/{code}/qa/ask", include_in_schema=False)
async def ask_form(
    event: EventDep, request: Request, state: StateDep, participant: OptionalParticipantDep
) -> Response:
    """Ask from the participant page's plain form, then return to it with the outcome."""
    form = await request.form()
    back = _participant_page(event.code)
    if participant is None:  # the page joins them first
        return RedirectResponse(back, status_code=303)
    name = form.get("author_name")
    data = {
        "text": str(form.get("text", "")),
        "author_name": None if name is None else str(name),
        # an empty name field means "anonymous"; the service refuses it where not allowed
        "anonymous": name is not None and not str(name).strip(),
    }
    try:
        question_in = AudienceQuestionIn.model_validate(data)
        question, waits = await event.run(
            lambda session, e: ask(session, e, participant, question_in)
        )
    except AgoraError as exc:
        return redirect_with_error(state, back, "qa", exc)
    except ValueError:  # a field longer than the API accepts
        message = _("The question or the name is too long.")
        return redirect_with_notice(state, back, Notice("qa", message, error=True))
    after_change(state, question.event_id)
    notice = (
        _("Thank you. Your question will appear once a moderator approves it.")
        if waits
        else _("Thank you, your question is in.")
    )
    return redirect_with_notice(state, back, Notice("qa", notice))


async def _vote_form(
    code: str,
    question_id: int,
    request: Request,
    state: AppState,
    work: UnitOfWork,
    participant: ParticipantRef | None,
    *,
    up: bool,
) -> Response:
    form = await request.form()
    back = _participant_page(code, form.get("order"), f"aq-{question_id}")
    if participant is None:
        return RedirectResponse(back, status_code=303)
    try:
        out = await work(lambda session: vote(session, participant, question_id, up=up))
    except AgoraError as exc:
        return redirect_with_error(state, back, "qa", exc)
    if out.changed:
        after_change(state, participant.event_id)
    return RedirectResponse(back, status_code=303)


@router.post("/e/{code}/qa/{question_id}/upvote", include_in_schema=False)
async def upvote_form(
    code: str,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    participant: OptionalParticipantDep,
) -> Response:
    """Upvote from the participant page's button, then return to the question."""
    return await _vote_form(code, question_id, request, state, work, participant, up=True)


@router.post("/e/{code}/qa/{question_id}/withdraw", include_in_schema=False)
async def withdraw_form(
    code: str,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    participant: OptionalParticipantDep,
) -> Response:
    """Take back an upvote from the participant page's button, then return to the question."""
    return await _vote_form(code, question_id, request, state, work, participant, up=False)


@router.post("/e/{code}/moderate/qa/settings", include_in_schema=False)
async def settings_form(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Save the moderator page's Q&A rules (unchecked boxes are sent as nothing: off)."""
    form = await request.form()
    patch = QaSettingsPatch(
        moderated="moderated" in form,
        anonymous="anonymous" in form,
        profanity_filter="profanity_filter" in form,
    )

    def change(session: Session, e: Event) -> Event:
        changed = change_settings(session, e, patch)
        event.record(session, e, "qa.settings")
        return changed

    changed = await event.run(change)
    after_change(state, changed.id)
    return RedirectResponse(f"/e/{changed.code}/moderate#qa", status_code=303)


@router.post("/e/{code}/moderate/qa/{question_id}/{action}", include_in_schema=False)
async def moderate_form(
    question_id: IdPath, action: str, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Run a moderator's Q&A button and return to the moderator page."""

    def change(session: Session, e: Event) -> AudienceQuestion:
        question = services.moderate(
            session, services.event_question(session, question_id, e.id), action
        )
        event.record(session, e, f"qa.{QuestionAction(action).value}", f"question {question.id}")
        return question

    question = await event.run(change)
    after_change(state, question.event_id)
    return RedirectResponse(f"/e/{event.code.upper()}/moderate#aq-{question.id}", status_code=303)
