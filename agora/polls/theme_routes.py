"""The URLs of themes: the moderator's page to read and edit an open-text question's themes.

Part of the polls router (``agora.polls.routes`` includes it), kept apart for its size.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.events.deps import ModeratedEventDep
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.polls.models import Poll, Question
from agora.polls.services import get_question
from agora.polls.themes import edit_themes, is_number, themes_or_progress
from agora.web.deps import IdPath, StateDep

router = APIRouter()
#: The most themes a moderator may ask for.
MAX_CHOSEN = 30


def _question_of(session: Session, event: Event, question_id: int) -> Question:
    question = get_question(session, question_id)
    poll = session.get(Poll, question.poll_id)
    if poll is None or poll.event_id != event.id:
        raise NotFound(_("This event has no question {id}.").format(id=question_id))
    return question


@router.get("/e/{code}/moderate/themes/{question_id}", include_in_schema=False)
async def themes_page(
    question_id: IdPath,
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
    k: Annotated[int | None, Query(ge=1, le=MAX_CHOSEN)] = None,
) -> Response:
    """Show an open-text question's themes with the forms that edit them.

    ``k``: a preview of the answers grouped into that many themes, to keep or leave.
    """

    def load(session: Session, event: Event) -> dict[str, Any]:
        question = _question_of(session, event, question_id)
        result, edited, job = themes_or_progress(session, question, k)
        return {
            "event": event,
            "question": question,
            "result": result,
            "edited": edited,
            "job": job,
            "chosen_k": k,
            "max_k": MAX_CHOSEN,
        }

    context = await event.run(load)
    return state.templates.TemplateResponse(request, "polls/themes.html", context)


@router.post("/e/{code}/moderate/themes/{question_id}/{action}", include_in_schema=False)
async def edit(
    question_id: IdPath, action: str, request: Request, event: ModeratedEventDep
) -> Response:
    """Rename, merge, split or move, then show the themes again."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    answers = [int(v) for v in map(str, form.getlist("answers")) if is_number(v)]

    def change(session: Session, e: Event) -> None:
        edit_themes(session, _question_of(session, e, question_id), action, values, answers)
        event.record(session, e, f"theme.{action}", f"question {question_id}")

    await event.run(change)
    return RedirectResponse(
        f"/e/{normalize_code(event.code)}/moderate/themes/{question_id}", status_code=303
    )
