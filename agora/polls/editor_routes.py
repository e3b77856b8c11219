"""The URLs of the poll editor: an event's polls, and one page per poll to write its questions.

Part of the polls router (``agora.polls.routes`` includes it), kept apart for its size. For
moderators of the event only. Every change is a plain form post that redirects back with a
notice (the page works without JavaScript; ``editor.js`` sends the same posts in place);
a refused one draws the page again with the message next to its field and what was typed
kept, nothing changed. docs/polls-editor.md describes the pages and their rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import escape
from sqlalchemy.orm import Session

from agora.core.errors import AgoraError, NotFound
from agora.core.i18n import LANGUAGES, _, ngettext
from agora.events.deps import EventScope, ModeratedEventDep
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.polls import editor_forms as forms
from agora.polls import services
from agora.polls.editing import MAX_QUESTIONS
from agora.polls.editor_forms import QuestionView
from agora.polls.kinds import KINDS, kind_of, make_tally
from agora.polls.live import PollsLive
from agora.polls.models import Poll, Question
from agora.polls.paste import PasteError, line_message
from agora.polls.ranking import RANKING_METHODS
from agora.polls.schemas import PollIn
from agora.polls.voting import rule_labels
from agora.web.deps import IdPath, StateDep
from agora.web.notices import Notice, page_response, redirect_with_notice, take_notice
from agora.web.state import AppState

router = APIRouter()

POLLS = "/e/{code}/moderate/polls"
POLL = POLLS + "/{poll_id}"
EDIT = POLL + "/edit"
QUESTION = EDIT + "/questions/{question_id}"


def polls_url(code: str) -> str:
    """Return the address of an event's list of polls."""
    return f"/e/{normalize_code(code)}/moderate/polls"


def editor_url(code: str, poll_id: int, anchor: str = "") -> str:
    """Return the address of a poll's editor, at ``anchor`` on the page."""
    return f"{polls_url(code)}/{poll_id}" + (f"#{anchor}" if anchor else "")


def _poll_of(session: Session, event: Event, poll_id: int) -> Poll:
    poll = session.get(Poll, poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound(_("This event has no poll {id}.").format(id=poll_id))
    return poll


def _question_of(poll: Poll, question_id: int) -> Question:
    question = next((q for q in poll.questions if q.id == question_id), None)
    if question is None:
        raise NotFound(_("This poll has no question {id}.").format(id=question_id))
    return question


def _edited(state: AppState, poll: Poll, removed: tuple[int, ...] = ()) -> None:
    state.part(PollsLive).poll_edited(poll, removed)


# -- what the pages show -------------------------------------------------------------------


def kinds_context() -> dict[str, Any]:
    """Return what every editor form offers: the kinds, their settings, languages, methods."""
    names: list[str] = []
    for module in KINDS.values():
        names += [name for name in module.SETTINGS if name not in names]
    return {
        "kinds": [(kind.value, _(module.NAME)) for kind, module in KINDS.items()],
        "kind_settings": {kind.value: list(module.SETTINGS) for kind, module in KINDS.items()},
        "setting_names": names,
        "answer_languages": LANGUAGES,
        "ranking_methods": {name: _(label) for name, (label, _f) in RANKING_METHODS.items()},
        "voting_rules": rule_labels(),
        "max_questions": MAX_QUESTIONS,
    }


class PreviewQuestion:
    """A question drawn in the preview: the phone's and the screen's own partials take it."""

    def __init__(self, question_id: int, kind: str, prompt: str, config: dict[str, Any]) -> None:
        self.id = f"preview-{question_id}"
        self.kind = kind
        self.prompt = prompt
        self.config = config


def preview_of(question_id: int, kind: str, prompt: str, config: dict[str, Any]) -> dict[str, Any]:
    """Return a question's preview: itself for the phone, and its empty result for the screen."""
    spec = services.spec_from_config(kind, config)
    tally = make_tally(spec)
    method = config.get("ranking_method") if kind_of(kind).METHODS else None
    return {
        "question": PreviewQuestion(question_id, kind, prompt, config),
        "result": tally.result(method),
    }


def _views(session: Session, poll: Poll) -> list[QuestionView]:
    counts = services.answer_counts(session, [q.id for q in poll.questions])
    return [
        forms.view_of(q.id, services.question_input(q), counts.get(q.id, 0)) for q in poll.questions
    ]


def _render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    error = context.get("error")
    problems = (
        [line_message(line, message) for line, message in error.problems]
        if isinstance(error, PasteError)
        else []
    )
    context = {
        **context,
        **kinds_context(),
        "problems": problems,
        "notice": take_notice(request, state),
    }
    response = state.templates.TemplateResponse(
        request, f"polls/editor/{template}", context, status_code=status_code
    )
    return page_response(request, response)


async def _editor_page(
    request: Request,
    state: AppState,
    event: EventScope,
    poll_id: int,
    *,
    error: AgoraError | None = None,
    place: str = "",
    draft: Callable[[QuestionView], QuestionView] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """Draw a poll's editor; with an error, at ``place``, what was typed (``draft``) kept."""

    if draft is None and error is not None and place.startswith("question-"):
        draft = partial(dataclasses.replace, error=error)  # a question's button: its message

    def load(session: Session, e: Event) -> dict[str, Any]:
        poll = _poll_of(session, e, poll_id)
        views = _views(session, poll)
        if draft is not None:
            views = [draft(v) if place == f"question-{v.id}" else v for v in views]
        stored = {q.id: q for q in poll.questions}
        previews = {
            v.id: preview_of(
                v.id, stored[v.id].kind, stored[v.id].prompt, dict(stored[v.id].config)
            )
            for v in views
        }
        return {"event": e, "poll": poll, "questions": views, "previews": previews}

    context = await event.run(load)
    context |= {
        "error": error,
        "error_place": place,
        "error_field": forms.input_of(error.field, []) if error and draft is None else "",
        "values": values or {},
        "answered": sum(v.answers for v in context["questions"]),
    }
    status = error.status_code if error else 200
    return _render(request, state, "poll.html", context, status)


async def _polls_page(
    request: Request,
    state: AppState,
    event: EventScope,
    *,
    error: AgoraError | None = None,
    place: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    def load(session: Session, e: Event) -> dict[str, Any]:
        polls = services.event_polls(session, e.id)
        ids = [q.id for p in polls for q in p.questions]
        counts = services.answer_counts(session, ids)
        answers = {p.id: sum(counts.get(q.id, 0) for q in p.questions) for p in polls}
        return {"event": e, "polls": polls, "answers": answers}

    context = await event.run(load)
    context |= {
        "error": error,
        "error_place": place,
        "error_field": forms.input_of(error.field, []) if error else "",
        "values": values or {},
    }
    status = error.status_code if error else 200
    return _render(request, state, "list.html", context, status)


# -- an event's polls ----------------------------------------------------------------------


@router.get(POLLS, include_in_schema=False)
async def polls_page(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """List the event's polls, with the forms that create one."""
    return await _polls_page(request, state, event)


@router.post(POLLS, include_in_schema=False)
async def create_poll(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Create a draft poll from its title and first question, then open its editor."""
    form = await request.form()

    def run(session: Session, e: Event) -> Poll:
        title = forms.poll_title(form)
        return services.create_poll(
            session, e, PollIn(title=title, questions=[forms.new_question(form)])
        )

    try:
        poll = await event.run(run)
    except AgoraError as exc:
        values = forms.form_values(form)
        return await _polls_page(request, state, event, error=exc, place="new", values=values)
    _edited(state, poll)
    notice = Notice("poll", _("Poll created: a draft nobody sees until you open it."))
    return redirect_with_notice(state, editor_url(event.code, poll.id), notice)


@router.post(POLLS + "/paste", include_in_schema=False)
async def paste_poll(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Create a draft poll from a pasted list of questions (none if a line is wrong)."""
    form = await request.form()

    def run(session: Session, e: Event) -> Poll:
        title = forms.poll_title(form)
        return services.create_pasted_poll(session, e, title, str(form.get("text") or ""))

    try:
        poll = await event.run(run)
    except AgoraError as exc:
        values = forms.form_values(form)
        return await _polls_page(request, state, event, error=exc, place="paste", values=values)
    _edited(state, poll)
    count = len(poll.questions)
    notice = Notice(
        "poll",
        ngettext(
            "Poll created with {count} pasted question.",
            "Poll created with {count} pasted questions.",
            count,
        ).format(count=count),
    )
    return redirect_with_notice(state, editor_url(event.code, poll.id), notice)


# -- one poll ------------------------------------------------------------------------------


@router.get(POLL, include_in_schema=False)
async def editor_page(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Show a poll's editor: its settings, each question with its preview, add and paste."""
    return await _editor_page(request, state, event, poll_id)


@router.post(EDIT + "/settings", include_in_schema=False)
async def save_settings(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Rename the poll; say whether answers may change and whether results are shown."""
    form = await request.form()

    def run(session: Session, e: Event) -> Poll:
        poll = services.update_poll_details(
            session,
            _poll_of(session, e, poll_id),
            title=forms.poll_title(form),
            allow_change=bool(form.get("allow_change")),
            results_visible=bool(form.get("results_visible")),
            voting_rule=forms.voting_rule(form),
        )
        event.record(session, e, "poll.settings", f"poll {poll.id}")
        return poll

    try:
        poll = await event.run(run)
    except AgoraError as exc:
        values = forms.form_values(form)
        return await _editor_page(
            request, state, event, poll_id, error=exc, place="poll", values=values
        )
    state.part(PollsLive).poll_changed(poll, resend_results=True)
    notice = Notice("poll", _("The poll's settings are saved."))
    return redirect_with_notice(state, editor_url(event.code, poll.id, "settings"), notice)


@router.post(EDIT + "/duplicate", include_in_schema=False)
async def duplicate(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Copy the poll into a new draft without answers, and open the copy's editor."""
    copy = await event.run(
        lambda session, e: services.duplicate_poll(session, _poll_of(session, e, poll_id))
    )
    _edited(state, copy)
    notice = Notice("poll", _("This is the copy: a draft without answers."))
    return redirect_with_notice(state, editor_url(event.code, copy.id), notice)


@router.post(EDIT + "/questions", include_in_schema=False)
async def add_question(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Add a question at the end of the poll."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[Poll, Question]:
        poll = _poll_of(session, e, poll_id)
        return poll, services.add_question(session, poll, forms.new_question(form))

    try:
        poll, question = await event.run(run)
    except AgoraError as exc:
        values = forms.form_values(form)
        return await _editor_page(
            request, state, event, poll_id, error=exc, place="add", values=values
        )
    _edited(state, poll)
    notice = Notice(f"question-{question.id}", _("Question added."))
    return redirect_with_notice(
        state, editor_url(event.code, poll.id, f"question-{question.id}"), notice
    )


@router.post(EDIT + "/paste", include_in_schema=False)
async def paste_questions(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Add the questions of a pasted list at the end of the poll (none if a line is wrong)."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[Poll, list[Question]]:
        poll = _poll_of(session, e, poll_id)
        return poll, services.add_pasted_questions(session, poll, str(form.get("text") or ""))

    try:
        poll, added = await event.run(run)
    except AgoraError as exc:
        values = forms.form_values(form)
        return await _editor_page(
            request, state, event, poll_id, error=exc, place="paste", values=values
        )
    _edited(state, poll)
    message = ngettext("{count} question added.", "{count} questions added.", len(added))
    message = message.format(count=len(added))
    anchor = f"question-{added[0].id}"
    return redirect_with_notice(
        state, editor_url(event.code, poll.id, anchor), Notice(anchor, message)
    )


# -- one question --------------------------------------------------------------------------


def _option_notice(action: forms.Action, question: Question) -> str:
    options = [(o["id"], o["label"]) for o in question.config.get("options", [])]
    if action.name in {"up", "down"}:
        position = next(i for i, (oid, _label) in enumerate(options) if oid == action.option)
        return _("“{label}” is now option {n} of {count}.").format(
            label=options[position][1], n=position + 1, count=len(options)
        )
    if action.name == "add":
        return _("Option added.")
    return _("Question saved.")


@router.post(QUESTION, include_in_schema=False)
async def save_question(
    poll_id: IdPath,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
) -> Response:
    """Save a question as its form shows it, after the button's option action if any."""
    form = await request.form()
    removed: list[str] = []

    def run(session: Session, e: Event) -> tuple[Poll, Question, forms.Action]:
        poll = _poll_of(session, e, poll_id)
        question = _question_of(poll, question_id)
        action = forms.read_action(form)
        if action.name == "remove":
            removed.extend(
                o["label"] for o in question.config.get("options", []) if o["id"] == action.option
            )
        data = forms.question_from_form(form, services.question_input(question))
        return poll, services.update_question(session, question, data), action

    try:
        poll, question, action = await event.run(run)
    except AgoraError as exc:
        return await _editor_page(
            request,
            state,
            event,
            poll_id,
            error=exc,
            place=f"question-{question_id}",
            draft=partial(forms.draft_view, form=form, error=exc),
        )
    _edited(state, poll)
    if action.name == "remove":
        message = _("“{label}” removed.").format(label=removed[0] if removed else "")
    else:
        message = _option_notice(action, question)
    place = f"question-{question.id}"
    return redirect_with_notice(
        state, editor_url(event.code, poll.id, place), Notice(place, message)
    )


@router.post(QUESTION + "/preview", include_in_schema=False)
async def preview(
    poll_id: IdPath,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
) -> Response:
    """Draw the preview of a question as its form shows it now, without saving anything."""
    form = await request.form()

    def run(session: Session, e: Event) -> dict[str, Any]:
        poll = _poll_of(session, e, poll_id)
        question = _question_of(poll, question_id)
        stored = services.question_input(question)
        data = forms.question_from_form(form, stored)
        config = services.question_config(question, data)
        return {
            "event": e,
            "poll": poll,
            "index": question.position + 1,
            "total": len(poll.questions),
            "preview": preview_of(question.id, data.kind.value, data.prompt.strip(), config),
        }

    try:
        context = await event.run(run)
    except AgoraError as exc:
        return HTMLResponse(
            f'<p class="error" data-preview-error>{escape(exc.message)}</p>',
            status_code=exc.status_code,
        )
    return state.templates.TemplateResponse(request, "polls/editor/preview.html", context)


@router.post(QUESTION + "/move", include_in_schema=False)
async def move_question(
    poll_id: IdPath,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
) -> Response:
    """Move a question of a draft poll up or down."""
    form = await request.form()
    step = -1 if form.get("to") == "up" else 1

    def run(session: Session, e: Event) -> tuple[Poll, int]:
        poll = _poll_of(session, e, poll_id)
        question = _question_of(poll, question_id)
        target = max(0, question.position + step)
        services.move_question(session, poll, question_id, target)
        return poll, _question_of(poll, question_id).position

    try:
        poll, position = await event.run(run)
    except AgoraError as exc:
        return await _editor_page(
            request, state, event, poll_id, error=exc, place=f"question-{question_id}"
        )
    _edited(state, poll)
    place = f"question-{question_id}"
    message = _("The question is now question {n} of {count}.").format(
        n=position + 1, count=len(poll.questions)
    )
    return redirect_with_notice(
        state, editor_url(event.code, poll.id, place), Notice(place, message)
    )


@router.post(QUESTION + "/remove", include_in_schema=False)
async def remove_question(
    poll_id: IdPath,
    question_id: IdPath,
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
) -> Response:
    """Remove a question that has no answers from a poll that is not open."""

    def run(session: Session, e: Event) -> tuple[Poll, str]:
        poll = _poll_of(session, e, poll_id)
        question = _question_of(poll, question_id)
        prompt = question.prompt
        return services.remove_question(session, question), prompt

    try:
        poll, prompt = await event.run(run)
    except AgoraError as exc:
        return await _editor_page(
            request, state, event, poll_id, error=exc, place=f"question-{question_id}"
        )
    _edited(state, poll, (question_id,))
    message = _("The question “{prompt}” was removed.").format(prompt=prompt)
    return redirect_with_notice(
        state, editor_url(event.code, poll.id, "questions"), Notice("questions", message)
    )
