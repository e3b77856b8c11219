"""The moderator console's poll buttons, and the cards that redraw a poll in place.

Part of the polls router (``agora.polls.routes`` includes it), kept apart for its size.

Every button of a poll's card is a plain form. Without JavaScript its post runs the action
and redirects back to the moderator page. The page's script posts the same form asking for
JSON (``Accept: application/json``): the answer says what was done, in words the page
announces, and which cards to fetch again from ``/e/{code}/moderate/polls[/{poll_id}]``.
Those fragments and the full page draw a card with the same macro,
``polls/_console.html``, so there is one template of a card.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import NotAllowed, NotFound
from agora.core.i18n import _
from agora.events.deps import ModeratedEventDep
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.polls import services
from agora.polls.live import LIVE_STATES, PollsLive
from agora.polls.models import Poll, PollState
from agora.polls.ranking import RANKING_METHODS
from agora.polls.schemas import PollPatch
from agora.web.deps import IdPath, StateDep

router = APIRouter()

#: Actions that change more than their own card (order, a new card, the first and last
#: cards' move buttons): the page draws the whole list again after them.
LIST_ACTIONS = frozenset({"duplicate", "up", "down", "archive", "restore"})

#: Actions after which the screen and the moderators need the results again.
RESULT_ACTIONS = frozenset({"reveal", "open", "reopen", "close", "method"})


def wants_json(request: Request) -> bool:
    """Tell whether the caller asked for JSON rather than the page (the console's script)."""
    return "application/json" in request.headers.get("accept", "")


def method_labels() -> dict[str, str]:
    """Return the ranking methods by name, in the page's language."""
    return {name: _(label) for name, (label, _function) in RANKING_METHODS.items()}


def title_of(poll: Poll) -> str:
    """Return the name a poll is called by in messages."""
    return poll.title or _("Poll")


def done_message(action: str, poll: Poll, before: PollState, **values: object) -> str:
    """Return what an action did, as the console announces it ("Closed “World areas”.").

    ``values`` fill the messages of "screen" and "method": ``n`` (the question's number)
    and ``method`` (the ranking method's name).
    """
    title = title_of(poll)
    if action in {"open", "reopen"}:
        if before is PollState.closed:
            return _("Reopened “{title}”; its answers are kept.").format(title=title)
        return _("Opened “{title}”.").format(title=title)
    messages = {
        "close": _("Closed “{title}”."),
        "reveal": _("The results of “{title}” are shown to participants."),
        "hide": _("The results of “{title}” are hidden from participants."),
        "duplicate": _("Duplicated “{title}” as a new draft."),
        "archive": _("Archived “{title}”."),
        "restore": _("Restored “{title}”."),
        "up": _("Moved “{title}” up."),
        "down": _("Moved “{title}” down."),
        "screen": _("The screen shows question {n} of {count} of “{title}”."),
        "method": _("Ranking method of question {n} of “{title}”: {method}."),
    }
    text = messages.get(action, _("Done: {title}."))
    return text.format(title=title, count=len(poll.questions), **values)


def run_action(session: Session, event: Event, poll_id: int, action: str, form: Any) -> Any:
    """Run one button's action; return the poll to show and what was done, in words."""
    poll = services.get_poll(session, poll_id)
    if poll.event_id != event.id:
        raise NotAllowed(_("This poll belongs to another event."))
    before = poll.state
    if action in {"up", "down"}:
        services.move_poll(session, poll, max(0, poll.position + (1 if action == "down" else -1)))
        return poll, done_message(action, poll, before)
    if action == "method":
        raw = str(form.get("question", ""))
        question = services.get_question(session, int(raw) if raw.isdigit() else 0)
        if question.poll_id != poll.id:
            raise NotAllowed(_("This question belongs to another poll."))
        name = str(form.get("method", ""))
        services.set_ranking_method(session, question, name)
        label = method_labels().get(name, name)
        return poll, done_message(action, poll, before, n=question.position + 1, method=label)
    if action == "screen":
        position = str(form.get("position", "0"))
        patch = PollPatch(screen_position=int(position) if position.isdigit() else 0)
        services.update_poll(session, poll, patch)
        return poll, done_message(action, poll, before, n=poll.screen_position + 1)
    shown = services.apply_action(session, poll, action)
    return shown, done_message(action, poll, before)


@router.post("/e/{code}/moderate/polls/{poll_id}/{action}", include_in_schema=False)
async def moderator_action(
    poll_id: IdPath, action: str, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Run a poll's button (open, close, reveal, duplicate, move…).

    A plain form post is sent back to the moderator page; a caller asking for JSON gets
    what was done and the fragments that draw the changed cards again.
    """
    form = await request.form()

    def change(session: Session, e: Event) -> tuple[Poll, str]:
        done: tuple[Poll, str] = run_action(session, e, poll_id, action, form)
        event.record(session, e, f"poll.{action}", f"poll {poll_id}")
        return done

    shown, message = await event.run(change)
    state.part(PollsLive).poll_changed(shown, resend_results=action in RESULT_ACTIONS)
    code = normalize_code(event.code)
    if not wants_json(request):
        return RedirectResponse(f"/e/{code}/moderate#poll-{poll_id}", status_code=303)
    return JSONResponse(
        {
            "action": action,
            "message": message,
            "poll": {
                "id": shown.id,
                "title": shown.title,
                "state": shown.state.value,
                "results_visible": shown.results_visible,
                "screen_position": shown.screen_position,
                "questions": len(shown.questions),
            },
            "redraw": "list" if action in LIST_ACTIONS else "card",
            "card": f"/e/{code}/moderate/cards/{poll_id}",
            "list": f"/e/{code}/moderate/cards",
        }
    )


async def _cards(
    request: Request, state: StateDep, event: ModeratedEventDep, only: int | None
) -> Response:
    """Draw the event's poll cards, or only one, as the moderator page draws them."""
    tallies = state.part(PollsLive).results

    def load(session: Session, e: Event) -> tuple[Event, list[Poll]]:
        polls = services.event_polls(session, e.id)
        if only is not None and all(p.id != only for p in polls):
            raise NotFound(_("There is no poll {id}.").format(id=only))
        for poll in polls:
            tallies.note_poll(poll)
        return e, polls

    found, polls = await event.run(load)
    results: dict[int, Any] = {}
    for poll in polls:
        if poll.state in LIVE_STATES and (only is None or poll.id == only):
            for question in poll.questions:
                results[question.id] = await tallies.result(question.id)
    return state.templates.TemplateResponse(
        request,
        "polls/console_cards.html",
        {
            "event": found,
            "polls": polls,
            "only": only,
            "results": results,
            "methods": method_labels(),
        },
        headers={"cache-control": "no-store"},
    )


@router.get("/e/{code}/moderate/cards", include_in_schema=False)
async def poll_cards(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Return every poll's card of the moderator page (an HTML fragment)."""
    return await _cards(request, state, event, None)


@router.get("/e/{code}/moderate/cards/{poll_id}", include_in_schema=False)
async def poll_card(
    poll_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Return one poll's card of the moderator page (an HTML fragment)."""
    return await _cards(request, state, event, poll_id)
