"""Every URL of the Q&A: ask, upvote, list and moderate (JSON API and form posts)."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from agora.core.errors import AgoraError, NotFound
from agora.core.i18n import _
from agora.events.deps import can_moderate, check_moderator
from agora.events.models import Event
from agora.events.services import get_event
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
    ParticipantDep,
    ParticipantRef,
    StateDep,
    participant_in,
    participant_ref,
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
    state: AppState, ref: ParticipantRef, code: str, data: AudienceQuestionIn
) -> tuple[AudienceQuestion, bool]:
    """Store a participant's question (in a worker thread); return it and whether it waits."""
    with state.db.session() as session:
        event = get_event(session, code)
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


def vote(
    state: AppState, ref: ParticipantRef, question_id: int, *, up: bool
) -> tuple[int, VoteOut]:
    """Upvote or withdraw (in a worker thread); return the event id and the new count."""
    with state.db.session() as session:
        question = services.event_question(session, question_id, ref.event_id)
        if up:
            changed = services.upvote(session, question, ref.participant_id)
        else:
            changed = services.withdraw_upvote(session, question, ref.participant_id)
        return question.event_id, VoteOut(
            question_id=question.id, votes=question.votes, upvoted=up, changed=changed
        )


def moderate(
    state: AppState, request: Request, question_id: int, action: str, code: str | None = None
) -> AudienceQuestion:
    """Apply a moderator's action (in a worker thread) after checking who asks."""
    with state.db.session() as session:
        question = services.get_question(session, question_id)
        event = session.get(Event, question.event_id)
        assert event is not None  # the foreign key guarantees it
        if code is not None and get_event(session, code).id != event.id:
            raise NotFound(_("There is no audience question {id}.").format(id=question_id))
        check_moderator(request, state, session, event)
        return services.moderate(session, question, action)


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


def change_settings(state: AppState, request: Request, code: str, patch: QaSettingsPatch) -> Event:
    """Change an event's Q&A rules (in a worker thread) after checking who asks."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
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
    code: str, data: AudienceQuestionIn, state: StateDep, participant: ParticipantDep
) -> AudienceQuestionOut:
    """Ask the speakers a question; it waits for approval when the event is moderated."""
    question, _waits = await anyio.to_thread.run_sync(ask, state, participant, code, data)
    after_change(state, question.event_id)
    return question_out(question, upvoted=False)


@router.get("/api/v1/events/{code}/questions", tags=["qa"])
def list_questions(
    code: str,
    request: Request,
    state: StateDep,
    order: Annotated[QuestionOrder, Query()] = QuestionOrder.votes,
) -> list[AudienceQuestionOut]:
    """Return the questions, most upvoted or newest first; moderators also see pending ones."""
    with state.db.session() as session:
        event = get_event(session, code)
        if can_moderate(request, state, session, event):
            return [question_out(q) for q in services.all_questions(session, event.id, order)]
        participant_id = participant_in(request, state, event.id)
        mine = (
            None
            if participant_id is None
            else services.upvoted_by(session, participant_id, event.id)
        )
        return [
            question_out(q, None if mine is None else q.id in mine)
            for q in services.public_questions(session, event.id, order)
        ]


@router.get("/api/v1/events/{code}/qa-settings", tags=["qa"])
def read_settings(code: str, state: StateDep) -> QaSettingsOut:
    """Return the event's Q&A rules: approval first, anonymous questions, profanity filter."""
    with state.db.session() as session:
        return settings_out(get_event(session, code))


@router.patch("/api/v1/events/{code}/qa-settings", tags=["qa"])
async def patch_settings(
    code: str, patch: QaSettingsPatch, request: Request, state: StateDep
) -> QaSettingsOut:
    """Change the event's Q&A rules (moderators)."""
    event = await anyio.to_thread.run_sync(change_settings, state, request, code, patch)
    after_change(state, event.id)
    return settings_out(event)


@router.post("/api/v1/audience-questions/{question_id}/upvote", tags=["qa"])
async def upvote(question_id: IdPath, state: StateDep, participant: ParticipantDep) -> VoteOut:
    """Upvote a question; once per participant, so a repeated call changes nothing."""
    event_id, out = await anyio.to_thread.run_sync(
        lambda: vote(state, participant, question_id, up=True)
    )
    if out.changed:
        after_change(state, event_id)
    return out


@router.delete("/api/v1/audience-questions/{question_id}/upvote", tags=["qa"])
async def withdraw_upvote(
    question_id: IdPath, state: StateDep, participant: ParticipantDep
) -> VoteOut:
    """Take back one's upvote; harmless when there is none."""
    event_id, out = await anyio.to_thread.run_sync(
        lambda: vote(state, participant, question_id, up=False)
    )
    if out.changed:
        after_change(state, event_id)
    return out


@router.post("/api/v1/audience-questions/{question_id}/{action}", tags=["qa"])
async def moderate_question(
    question_id: IdPath, action: QuestionAction, request: Request, state: StateDep
) -> AudienceQuestionOut:
    """Approve, reject, mark answered, archive, restore, highlight or unhighlight a question."""
    question = await anyio.to_thread.run_sync(moderate, state, request, question_id, action)
    after_change(state, question.event_id)
    return question_out(question)


# -- form posts (the pages without JavaScript) ---------------------------------------------


def _participant_page(code: str, order: object = None, anchor: str = "qa") -> str:
    query = f"?qa_order={order}" if order in set(QuestionOrder) else ""
    return f"/e/{code.upper()}{query}#{anchor}"


@router.post("/e/{code}/qa/ask", include_in_schema=False)
async def ask_form(code: str, request: Request, state: StateDep) -> Response:
    """Ask from the participant page's plain form, then return to it with the outcome."""
    ref = participant_ref(request, state)
    form = await request.form()
    if ref is None:  # the page joins them first
        return RedirectResponse(_participant_page(code), status_code=303)
    name = form.get("author_name")
    data = {
        "text": str(form.get("text", "")),
        "author_name": None if name is None else str(name),
        # an empty name field means "anonymous"; the service refuses it where not allowed
        "anonymous": name is not None and not str(name).strip(),
    }
    back = _participant_page(code)
    try:
        question, waits = await anyio.to_thread.run_sync(
            ask, state, ref, code, AudienceQuestionIn.model_validate(data)
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
    code: str, question_id: int, request: Request, state: AppState, *, up: bool
) -> Response:
    ref = participant_ref(request, state)
    form = await request.form()
    back = _participant_page(code, form.get("order"), f"aq-{question_id}")
    if ref is None:
        return RedirectResponse(back, status_code=303)
    try:
        event_id, out = await anyio.to_thread.run_sync(lambda: vote(state, ref, question_id, up=up))
    except AgoraError as exc:
        return redirect_with_error(state, back, "qa", exc)
    if out.changed:
        after_change(state, event_id)
    return RedirectResponse(back, status_code=303)


@router.post("/e/{code}/qa/{question_id}/upvote", include_in_schema=False)
async def upvote_form(
    code: str, question_id: IdPath, request: Request, state: StateDep
) -> Response:
    """Upvote from the participant page's button, then return to the question."""
    return await _vote_form(code, question_id, request, state, up=True)


@router.post("/e/{code}/qa/{question_id}/withdraw", include_in_schema=False)
async def withdraw_form(
    code: str, question_id: IdPath, request: Request, state: StateDep
) -> Response:
    """Take back an upvote from the participant page's button, then return to the question."""
    return await _vote_form(code, question_id, request, state, up=False)


@router.post("/e/{code}/moderate/qa/settings", include_in_schema=False)
async def settings_form(code: str, request: Request, state: StateDep) -> Response:
    """Save the moderator page's Q&A rules (unchecked boxes are sent as nothing: off)."""
    form = await request.form()
    patch = QaSettingsPatch(
        moderated="moderated" in form,
        anonymous="anonymous" in form,
        profanity_filter="profanity_filter" in form,
    )
    event = await anyio.to_thread.run_sync(change_settings, state, request, code, patch)
    after_change(state, event.id)
    return RedirectResponse(f"/e/{event.code}/moderate#qa", status_code=303)


@router.post("/e/{code}/moderate/qa/{question_id}/{action}", include_in_schema=False)
async def moderate_form(
    code: str, question_id: IdPath, action: str, request: Request, state: StateDep
) -> Response:
    """Run a moderator's Q&A button and return to the moderator page."""
    question = await anyio.to_thread.run_sync(moderate, state, request, question_id, action, code)
    after_change(state, question.event_id)
    return RedirectResponse(f"/e/{code.upper()}/moderate#aq-{question.id}", status_code=303)
