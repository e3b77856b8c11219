"""The URLs of themes: the moderator's page to read and edit an open-text question's themes.

Part of the polls router (``agora.polls.routes`` includes it), kept apart for its size.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.events.deps import check_moderator
from agora.events.models import Event
from agora.events.services import get_event, normalize_code
from agora.polls.models import Poll
from agora.polls.services import get_question
from agora.polls.themes import current_themes, edit_themes
from agora.web.deps import IdPath, StateDep

router = APIRouter()


def _question_of(session: Any, event: Event, question_id: int) -> Any:
    question = get_question(session, question_id)
    poll = session.get(Poll, question.poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound(_("This event has no question {id}.").format(id=question_id))
    return question


@router.get("/e/{code}/moderate/themes/{question_id}", include_in_schema=False)
async def themes_page(
    code: str, question_id: IdPath, request: Request, state: StateDep
) -> Response:
    """Show an open-text question's themes with the forms that edit them."""

    def load() -> dict[str, Any]:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            question = _question_of(session, event, question_id)
            result, edited = current_themes(session, question)
            return {"event": event, "question": question, "result": result, "edited": edited}

    context = await anyio.to_thread.run_sync(load)
    return state.templates.TemplateResponse(request, "polls/themes.html", context)


@router.post("/e/{code}/moderate/themes/{question_id}/{action}", include_in_schema=False)
async def edit(
    code: str, question_id: IdPath, action: str, request: Request, state: StateDep
) -> Response:
    """Rename, merge, split or move, then show the themes again."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    answers = [int(str(v)) for v in form.getlist("answers") if str(v).isdigit()]

    def run() -> None:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            edit_themes(session, _question_of(session, event, question_id), action, values, answers)

    await anyio.to_thread.run_sync(run)
    return RedirectResponse(
        f"/e/{normalize_code(code)}/moderate/themes/{question_id}", status_code=303
    )
