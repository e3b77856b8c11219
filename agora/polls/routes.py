"""Every URL of polls: create, change state, respond, read results (JSON API and form posts)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.routing import Route

from agora.core.errors import AgoraError, InvalidInput, NotAuthenticated, NotFound
from agora.core.i18n import _, supported
from agora.events.audit import record_as
from agora.events.deps import EventDep, ModeratedEventDep, can_moderate, check_moderator
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.polls import services
from agora.polls.console_routes import router as console_router
from agora.polls.editor_routes import router as editor_router
from agora.polls.kinds import QuestionKind, answer_from_form, validate_answer, with_method_label
from agora.polls.live import PollsLive
from agora.polls.models import Poll
from agora.polls.responses import Recorded, Submission
from agora.polls.schemas import PollIn, PollOut, PollPatch, QuestionOut, QuestionPatch
from agora.polls.theme_routes import router as theme_router
from agora.web.deps import (
    IdPath,
    OptionalParticipantDep,
    ParticipantDep,
    ParticipantRef,
    StateDep,
    WorkDep,
    participant_ref,
)
from agora.web.notices import redirect_with_error
from agora.web.state import AppState

router = APIRouter()

MAX_BODY = 64 * 1024
#: The largest database id a URL may name (IdPath's bound).
MAX_ID = 2_147_483_647
MAX_KEY = 200

RESPONSE_BODY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["answer"],
                    "additionalProperties": False,
                    "properties": {
                        "answer": {
                            "type": "object",
                            "description": "Shape by question kind: {option}, {options}, "
                            "{ranking}, {texts}, {words}, {value} or {points}; see docs/api.md.",
                        }
                    },
                }
            }
        },
    },
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_KEY},
            "description": "A retry with the same key returns the first result and counts once.",
        }
    ],
}


def poll_out(poll: Poll) -> PollOut:
    """Return the API view of a poll."""
    return PollOut(
        id=poll.id,
        event_id=poll.event_id,
        title=poll.title,
        position=poll.position,
        state=poll.state,
        results_visible=poll.results_visible,
        allow_change=poll.allow_change,
        voting_rule=poll.voting_rule,
        screen_position=poll.screen_position,
        questions=[
            QuestionOut(
                id=q.id,
                position=q.position,
                kind=QuestionKind(q.kind),
                prompt=q.prompt,
                config=q.config,
            )
            for q in poll.questions
        ],
    )


async def polls_live(state: StateDep) -> PollsLive:
    """Return what polls keeps for the life of the app (committer, tallies, live section)."""
    return state.part(PollsLive)


#: Polls' long-lived part: the group committer, the tallies and the live section.
PollsDep = Annotated[PollsLive, Depends(polls_live)]


def after_change(state: AppState, poll: Poll, *, resend_results: bool = False) -> None:
    """Tell the tallies, the live hub and the other processes that a poll changed."""
    state.part(PollsLive).poll_changed(poll, resend_results=resend_results)


def moderated_poll(request: Request, state: AppState, session: Session, poll_id: int) -> Poll:
    """Load a poll and check that the caller moderates its event."""
    poll = services.get_poll(session, poll_id)
    check_moderator(request, state, session, session.get_one(Event, poll.event_id))
    return poll


# -- JSON API ------------------------------------------------------------------------------


@router.post("/api/v1/events/{code}/polls", status_code=201, tags=["polls"])
async def create_poll(data: PollIn, event: ModeratedEventDep, state: StateDep) -> PollOut:
    """Create a draft poll with its questions."""
    poll = await event.run(lambda session, e: services.create_poll(session, e, data))
    after_change(state, poll)
    return poll_out(poll)


@router.get("/api/v1/events/{code}/polls", tags=["polls"])
def list_polls(event: EventDep, request: Request, state: StateDep) -> list[PollOut]:
    """Return an event's polls; participants see only open and closed ones."""

    def load(session: Session, e: Event) -> list[PollOut]:
        polls = services.event_polls(session, e.id)
        if not can_moderate(request, state, session, e):
            polls = [p for p in polls if p.state.value in {"open", "closed"}]
        return [poll_out(p) for p in polls]

    return event.sync(load)


@router.get("/api/v1/polls/{poll_id}", tags=["polls"])
def read_poll(poll_id: IdPath, request: Request, state: StateDep, work: WorkDep) -> PollOut:
    """Return one poll (moderators only while it is a draft or archived)."""

    def load(session: Session) -> PollOut:
        poll = services.get_poll(session, poll_id)
        if poll.state.value not in {"open", "closed"}:
            moderated_poll(request, state, session, poll_id)
        return poll_out(poll)

    return work.sync(load)


@router.post("/api/v1/polls/{poll_id}/{action}", tags=["polls"])
async def poll_action(
    poll_id: IdPath, action: str, request: Request, state: StateDep, work: WorkDep
) -> PollOut:
    """Open, close, archive, restore, reveal, hide or duplicate a poll."""

    def change(session: Session) -> Poll:
        poll = moderated_poll(request, state, session, poll_id)
        shown = services.apply_action(session, poll, action)
        event = session.get_one(Event, poll.event_id)
        record_as(request, state, session, event, f"poll.{action}", f"poll {poll_id}")
        return shown

    poll = await work(change)
    after_change(state, poll, resend_results=action in {"reveal", "open", "close"})
    return poll_out(poll)


@router.patch("/api/v1/polls/{poll_id}", tags=["polls"])
async def patch_poll(
    poll_id: IdPath, patch: PollPatch, request: Request, state: StateDep, work: WorkDep
) -> PollOut:
    """Change a poll's visibility, answer-changing rule, screen question or position."""

    def change(session: Session) -> Poll:
        poll = services.update_poll(
            session, moderated_poll(request, state, session, poll_id), patch
        )
        event = session.get_one(Event, poll.event_id)
        record_as(request, state, session, event, "poll.change", f"poll {poll_id}")
        return poll

    poll = await work(change)
    after_change(state, poll, resend_results=patch.results_visible is True)
    return poll_out(poll)


@router.patch("/api/v1/questions/{question_id}", tags=["polls"])
async def patch_question(
    question_id: IdPath, patch: QuestionPatch, request: Request, state: StateDep, work: WorkDep
) -> PollOut:
    """Move a question of a draft poll, or change its ranking method; returns the poll."""

    def change(session: Session) -> Poll:
        question = services.get_question(session, question_id)
        poll = moderated_poll(request, state, session, question.poll_id)
        if patch.ranking_method is not None:
            services.set_ranking_method(session, question, patch.ranking_method)
            event = session.get_one(Event, poll.event_id)
            record_as(request, state, session, event, "poll.method", f"question {question_id}")
        if patch.position is not None:
            services.move_question(session, poll, question_id, patch.position)
        return poll

    poll = await work(change)
    after_change(state, poll, resend_results=patch.ranking_method is not None)
    return poll_out(poll)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise InvalidInput(
            _("The Idempotency-Key header must be 1 to {n} printable characters.").format(
                n=MAX_KEY
            ),
            field="Idempotency-Key",
        )
    return key


async def _read_answer(request: Request) -> Any:
    # read at most MAX_BODY bytes: a huge body is refused before it fills memory
    too_large = InvalidInput(_("The request is too large (at most 64 KB)."))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large
        chunks.append(chunk)
    body = b"".join(chunks)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict) or set(data) != {"answer"}:
        raise InvalidInput(_("Send a JSON object with one field, 'answer'."), field="answer")
    return data["answer"]


async def submit(
    polls: PollsLive, participant: ParticipantRef, question_id: int, raw: Any, key: str | None
) -> Recorded:
    """Validate an answer against its question and record it through the group committer."""
    try:
        info = await polls.results.question(question_id)
    except NotFound:
        raise NotFound(_("There is no question {id}.").format(id=question_id)) from None
    if info.event_id != participant.event_id:
        raise NotFound(_("There is no question {id}.").format(id=question_id))
    answer = validate_answer(info.spec, raw)
    return await polls.committer.submit(
        Submission(question_id, participant.participant_id, participant.event_id, answer, key)
    )


async def _respond(request: Request, polls: PollsLive, question_id: int) -> Response:
    """Record a participant's answer; acknowledged only once it is committed."""
    participant = participant_ref(request, request.app.state.agora)
    if participant is None:
        raise NotAuthenticated(_("Join the event first: no participant token was sent."))
    key = _idempotency_key(request)
    raw = await _read_answer(request)
    outcome = await submit(polls, participant, question_id, raw, key)
    headers = {"idempotency-replayed": "true"} if outcome.replayed else None
    return Response(
        json.dumps(outcome.body, separators=(",", ":")),
        status_code=outcome.status_code,
        media_type="application/json",
        headers=headers,
    )


async def respond_lean(request: Request) -> Response:
    """The hot path, as a plain Starlette route: every vote of a room comes here.

    FastAPI's dependency resolution and parameter validation cost as much server time as
    the rest of the route (docs/performance.md), so this route reads its few inputs itself:
    the question id from the path, the participant from the signed token, the
    Idempotency-Key, the JSON body. It is matched before the documented route below, which
    does the same through FastAPI and answers only what this one does not match: an id
    that is not a number.
    """
    question_id: int = request.path_params["question_id"]
    if not 1 <= question_id <= MAX_ID:
        raise InvalidInput(
            _("question_id must be a number from 1 to {most}.").format(most=MAX_ID),
            field="question_id",
        )
    return await _respond(request, request.app.state.agora.part(PollsLive), question_id)


# first among polls' routes, which come first in the app (agora/domains.py FIRST_ROUTERS)
router.routes.insert(
    0, Route("/api/v1/questions/{question_id:int}/responses", respond_lean, methods=["POST"])
)


@router.post(
    "/api/v1/questions/{question_id}/responses",
    status_code=201,
    tags=["polls"],
    openapi_extra=RESPONSE_BODY_SCHEMA,
    responses={200: {"description": "Answer changed, or a retry replayed"}},
)
async def respond(
    question_id: IdPath, request: Request, polls: PollsDep, _participant: ParticipantDep
) -> Response:
    """Record a participant's answer; acknowledged only once it is committed.

    Served by :func:`respond_lean` (the same code without FastAPI's machinery); this route
    documents the operation in the OpenAPI schema and answers ids that are not a number.
    """
    return await _respond(request, polls, question_id)


@router.get("/api/v1/questions/{question_id}/results", tags=["polls"])
async def results(
    question_id: IdPath,
    request: Request,
    state: StateDep,
    polls: PollsDep,
    work: WorkDep,
    method: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """Return a question's results; participants only once the moderator shows them."""
    info = await polls.results.question(question_id)
    poll = await polls.results.poll(info.poll_id)
    if not poll.results_visible or poll.state.value not in {"open", "closed"}:
        await work(lambda session: moderated_poll(request, state, session, info.poll_id))
    return with_method_label(await polls.results.result(question_id, method))


@router.get("/e/{code}/poll-cards", include_in_schema=False)
async def poll_cards(
    code: str,
    event: EventDep,
    polls: PollsDep,
    lang: Annotated[str, Query(max_length=16)],
    v: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    """Return the participant page's live poll cards in another language than the event's.

    The stream sends them in the event's language; a phone whose participant chose another
    asks here. They are drawn once per version of the polls and language and kept, so a
    room of such phones costs one drawing, not a database visit each.
    """
    language = supported(lang)
    if language is None:
        raise InvalidInput(_("Agora does not speak '{to}' yet.").format(to=lang), field="lang")
    data = polls.section.cards_kept(normalize_code(code), language, v)
    if data is None:
        event_id = await event.run(lambda session, e: e.id)
        data = await polls.section.cards(await polls.section.load(event_id), language)
    return Response(
        json.dumps(data, separators=(",", ":")),
        media_type="application/json",
        headers={"cache-control": "private, max-age=60"},
    )


# -- form posts (the participant page without JavaScript) ---------------------------------


@router.post("/e/{code}/questions/{question_id}/answer", include_in_schema=False)
async def answer_form(
    code: str,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    polls: PollsDep,
    participant: OptionalParticipantDep,
) -> Response:
    """Record an answer sent by the participant page's plain HTML form."""
    target = f"/e/{code.upper()}"
    if participant is None:
        return RedirectResponse(target, status_code=303)
    form = await request.form()
    info = await polls.results.question(question_id)
    try:
        raw = answer_from_form(info.spec.kind, form)
        key = str(form.get("idempotency_key") or "") or None
        await submit(polls, participant, question_id, raw, key)
    except AgoraError as exc:  # back to the question, with the message shown once
        return redirect_with_error(
            state, f"{target}?q={question_id}", f"question-{question_id}", exc
        )
    return RedirectResponse(target, status_code=303)


# The themes pages and the moderator console's buttons are polls URLs too; their own modules
# keep this one to a readable size.
router.include_router(theme_router)
router.include_router(console_router)
router.include_router(editor_router)  # the poll editor's pages (agora/polls/editor_routes.py)
