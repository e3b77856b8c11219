"""The pages that compose every domain: the participant's phone, the screen, the moderator.

Also the event's stream. Pages may import any domain; no domain imports pages.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import NotAllowed
from agora.core.i18n import _, set_language
from agora.core.security import MODERATOR_MAX_AGE, fingerprint
from agora.events.deps import EventDep, can_moderate, check_moderator, team_account
from agora.events.joins import Joins
from agora.events.models import Event
from agora.events.services import get_event, join_event
from agora.pages.duplicate import router as duplicate_router
from agora.pages.fresh import KEY_MARK, FreshPages, is_fresh
from agora.pages.sections import section_contexts
from agora.polls import services as poll_services
from agora.polls import voting
from agora.polls.live import LIVE_STATES, PollsLive, card_version, poll_entries
from agora.polls.models import Poll, PollState, VotingRule
from agora.polls.ranking import RANKING_METHODS
from agora.polls.responses import all_answers_of
from agora.polls.routes import PollsDep
from agora.web.deps import (
    MODERATOR_COOKIE,
    ORGANISER_COOKIE,
    StateDep,
    UnitOfWork,
    participant_in,
)
from agora.web.direct import LiveStreamResponse
from agora.web.links import (
    JOIN_COOKIE,
    event_links,
    qr_svg,
    set_join_ticket,
    set_participant_cookie,
)
from agora.web.notices import NOTICE_COOKIE, page_response, take_notice
from agora.web.state import AppState

router = APIRouter()


def screen_poll(polls: list[Poll]) -> Poll | None:
    """Return the poll the screen shows: the first open one, else the last closed one."""
    open_polls = [p for p in polls if p.state is PollState.open]
    if open_polls:
        return open_polls[0]
    closed = [p for p in polls if p.state is PollState.closed]
    return closed[-1] if closed else None


# -- the participant's phone ---------------------------------------------------------------


@router.get("/e/{code}", include_in_schema=False)
async def participant_page(
    event: EventDep,
    request: Request,
    state: StateDep,
    polls: PollsDep,
    q: Annotated[int | None, Query()] = None,
    j: Annotated[int | None, Query()] = None,
) -> Response:
    """Show the event on a phone: what is open now and one obvious action.

    A first visit is sent back to the page once with a join ticket cookie (``j`` marks the
    return); a browser that kept it becomes a participant and is sent on to the page's own
    address, one that did not sees the join form.
    """
    ticket = request.cookies.get(JOIN_COOKIE)
    ticket_event = state.signer.read_join_ticket(ticket) if ticket else None
    kept_pages = _fresh_pages(request)
    keep_as = _fresh_key(request)
    if keep_as is not None:  # a stranger: maybe one phone of a room joining at once
        joining = await _join_quickly(
            request, state, polls, event.code, q, j, ticket_event, keep_as
        )
        if joining is not None:
            return joining

    def load(session: Session, event: Event) -> dict[str, Any]:
        participant_id = participant_in(request, state, event.id)
        if keep_as is not None and participant_id is not None and is_fresh(session, participant_id):
            # a new participant's page is everyone's: drawn once per version of the room
            version = state.hub.changes(event.id)
            key = (event.id, event.language, *keep_as)
            page = kept_pages.get(key, version)
            if page is not None:
                return {"event": event, "participant_id": participant_id, "kept": page}
            keep = (key, version)
        else:
            keep = None
        account = team_account(request, session, event)
        if account is not None and not event.ask_identity:
            # a team member signed in is the participant linked to their account
            linked = join_event(session, event, organiser_id=account)
            if linked.id != participant_id:
                token = state.signer.participant_token(event.id, linked.id)
                return {"event": event, "participant_id": linked.id, "new_token": token}
        if participant_id is None and not event.ask_identity:
            if ticket_event != event.id:  # a first visit: come back with the ticket
                return {"event": event, "participant_id": None, "ticket": True}
            participant = join_event(session, event)
            token = state.signer.participant_token(event.id, participant.id)
            return {"event": event, "participant_id": participant.id, "new_token": token}
        return {**_page_data(session, event, participant_id, polls), "keep": keep}

    context = await event.run(load)
    loaded: Event = context["event"]
    if "agora_lang" not in request.cookies:  # the event's language unless the person chose
        set_language(loaded.language)
    if "kept" in context:
        return HTMLResponse(context["kept"])
    if context.get("ticket") and j is None:
        # The participant is created when the browser comes back with this cookie, so a
        # page load that keeps no cookie (a link preview, a script) creates nobody.
        query = urlencode({"j": 1} if q is None else {"q": q, "j": 1})
        redirect = RedirectResponse(f"/e/{loaded.code}?{query}", status_code=303)
        set_join_ticket(redirect, request, state.signer.join_ticket(loaded.id))
        return redirect
    if context.get("new_token"):  # joined: on to the page's own address, with the cookie
        target = f"/e/{loaded.code}" if q is None else f"/e/{loaded.code}?{urlencode({'q': q})}"
        joined = RedirectResponse(target, status_code=303)
        set_participant_cookie(joined, request, context["new_token"])
        joined.delete_cookie(JOIN_COOKIE)
        return joined
    if context["participant_id"] is None:  # asked for a name, or a browser keeping no cookie
        return state.templates.TemplateResponse(request, "events/join.html", {"event": loaded})
    response = await _render_page(request, state, polls, context, q, kept=bool(context["keep"]))
    if context["keep"]:
        key, version = context["keep"]
        body = bytes(response.body).decode()
        kept_pages.keep(key, version, body)
        return HTMLResponse(body.replace(KEY_MARK, secrets.token_urlsafe(12)))
    return page_response(request, response)


def _page_data(
    session: Session, event: Event, participant_id: int | None, polls: PollsLive
) -> dict[str, Any]:
    """Return what the participant page shows of ``event`` to ``participant_id``."""
    live_polls = [
        p
        for p in poll_services.event_polls(session, event.id, include_archived=False)
        if p.state in LIVE_STATES
    ]
    for poll in live_polls:
        polls.results.note_poll(poll)
    answers = all_answers_of(session, participant_id) if participant_id is not None else {}
    return {
        "event": event,
        "participant_id": participant_id,
        "polls": live_polls,
        "answers": answers,
        # every rule, so that a poll opened later is drawn for this participant too
        "refusals": (refused := voting.refusals(session, participant_id, VotingRule)),
        "refusals_by_rule": {rule.value: text for rule, text in refused.items()},
        "sections": section_contexts(session, event, participant_id, "participant"),
    }


async def _render_page(
    request: Request,
    state: AppState,
    polls: PollsLive,
    context: dict[str, Any],
    q: int | None,
    *,
    kept: bool,
) -> HTMLResponse:
    """Draw the participant page from ``_page_data``'s context (``kept``: with the mark
    standing for the form key, to be kept for every new participant)."""
    visible: dict[int, Any] = {}
    for poll in context["polls"]:
        if poll.results_visible:
            for question in poll.questions:
                visible[question.id] = await polls.results.result(question.id)
    response: HTMLResponse = state.templates.TemplateResponse(
        request,
        "pages/participant.html",
        {
            **context,
            "focus_question": q,
            "notice": take_notice(request, state),
            "results": visible,
            "submission_key": KEY_MARK if kept else secrets.token_urlsafe(12),
            "card_versions": {
                p.id: card_version(context["event"].code, p) for p in context["polls"]
            },
        },
    )
    return response


async def _join_quickly(
    request: Request,
    state: AppState,
    polls: PollsLive,
    code: str,
    q: int | None,
    j: int | None,
    ticket_event: int | None,
    keep_as: tuple[str, ...],
) -> Response | None:
    """The first two visits of a phone joining an event anonymously, without a unit of work.

    The event comes from memory (``events.joins``); the first visit gets its join ticket,
    the second joins through the group committer and gets the new participants' page kept
    for this version of the room (``pages.fresh``), else is sent on to the page as before.
    Returns None for anything else: a participant, a team member (``keep_as`` is None for
    an organiser's sign-in), an event that asks for names, a browser that keeps no cookie.
    """
    joins = state.part(Joins)
    known = await joins.event(code)
    if known.ask_identity or participant_in(request, state, known.id) is not None:
        return None
    query = {} if q is None else {"q": q}
    if ticket_event != known.id:
        if j is not None:  # came back without the ticket: the slow path shows the form
            return None
        redirect = RedirectResponse(
            f"/e/{known.code}?{urlencode({**query, 'j': 1})}", status_code=303
        )
        set_join_ticket(redirect, request, state.signer.join_ticket(known.id))
        return redirect
    participant_id = await joins.join(known)
    if "agora_lang" not in request.cookies:
        set_language(known.language)
    kept_key = (known.id, known.language, keep_as[0], keep_as[1], urlencode(query))

    async def draw() -> str:  # the page of someone who has done nothing yet: anyone's
        context = await UnitOfWork(state.db)(
            lambda session: _page_data(
                session, get_event(session, known.code), participant_id, polls
            )
        )
        # drawn as at the page's own address (its language form comes back there)
        own = Request({**request.scope, "query_string": urlencode(query).encode()})
        page = await _render_page(own, state, polls, context, q, kept=True)
        return bytes(page.body).decode()

    page = await _fresh_pages(request).get_or_draw(kept_key, state.hub.changes(known.id), draw)
    # The page itself (participant.js drops ``j`` from the address bar); if drawing it
    # failed, on to the page's own address, as before.
    target = f"/e/{known.code}" + (f"?{urlencode(query)}" if query else "")
    response: Response = (
        HTMLResponse(page) if page is not None else RedirectResponse(target, status_code=303)
    )
    set_participant_cookie(
        response, request, state.signer.participant_token(known.id, participant_id)
    )
    response.delete_cookie(JOIN_COOKIE)
    return response


def _fresh_pages(request: Request) -> FreshPages:
    """Return this app's kept pages of new participants."""
    kept: FreshPages | None = getattr(request.app.state, "fresh_pages", None)
    if kept is None:
        kept = request.app.state.fresh_pages = FreshPages()
    return kept


def _fresh_key(request: Request) -> tuple[str, ...] | None:
    """Return what, beside the event, tells one kept page from another; None: draw it.

    A request with a notice to show or an organiser's sign-in gets a page of its own.
    """
    cookies = request.cookies
    if NOTICE_COOKIE in cookies or ORGANISER_COOKIE in cookies:
        return None
    if request.headers.get("authorization"):
        return None
    return (cookies.get("agora_lang", ""), request.headers.get("host", ""), request.url.query)


# -- the projector -------------------------------------------------------------------------


def _screen_allowed(
    request: Request, state: AppState, session: Session, event: Event, key: str | None
) -> bool:
    return key in {event.screen_key, event.moderator_key} or can_moderate(
        request, state, session, event
    )


@router.get("/e/{code}/screen", include_in_schema=False)
async def screen_page(
    event: EventDep,
    request: Request,
    state: StateDep,
    polls: PollsDep,
    key: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Show the projector page: join code, QR code and the current poll's results."""
    tallies = polls.results

    def load(session: Session, event: Event) -> dict[str, Any]:
        if not _screen_allowed(request, state, session, event, key):
            raise NotAllowed(_("This screen link is not valid; ask the moderator for it."))
        shown = poll_services.event_polls(session, event.id, include_archived=False)
        return {
            "event": event,
            "sections": section_contexts(session, event, None, "screen"),
            "poll": screen_poll(shown),
            "polls": poll_entries(tallies, shown),
        }

    context = await event.run(load)
    if "agora_lang" not in request.cookies:  # the projector speaks the event's language
        set_language(context["event"].language)
    results: dict[int, Any] = {}
    poll = context["poll"]
    if poll is not None:
        for question in poll.questions:
            results[question.id] = await tallies.result(question.id)
    links = event_links(request, state, context["event"])
    return state.templates.TemplateResponse(
        request,
        "pages/screen.html",
        {
            **context,
            "results": results,
            "key": key or "",
            "qr": qr_svg(links["participant_url"], inline=True),
            **links,
        },
    )


# -- the moderator -------------------------------------------------------------------------


@router.get("/e/{code}/moderate", include_in_schema=False)
async def moderator_page(
    event: EventDep,
    request: Request,
    state: StateDep,
    polls: PollsDep,
    key: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Run the session: every poll with its controls and a live preview of the results."""
    tallies = polls.results

    def load(session: Session, event: Event) -> tuple[Event, list[Poll] | None, dict[str, Any]]:
        if key is not None:  # a moderator link: its key is checked below, not the caller
            return event, None, {}
        check_moderator(request, state, session, event)
        all_polls = poll_services.event_polls(session, event.id)
        for poll in all_polls:
            tallies.note_poll(poll)
        return event, all_polls, section_contexts(session, event, None, "moderator")

    loaded, all_polls, sections = await event.run(load)
    if all_polls is None:  # a moderator link: check its key, remember it in a cookie
        if not secrets.compare_digest(str(key), loaded.moderator_key):
            raise NotAllowed(_("This moderator link is not valid."))
        granted = state.signer.read_moderator_token(request.cookies.get(MODERATOR_COOKIE, ""))
        response = RedirectResponse(f"/e/{loaded.code}/moderate", status_code=303)
        response.set_cookie(
            MODERATOR_COOKIE,
            state.signer.moderator_token({**granted, loaded.id: fingerprint(loaded.moderator_key)}),
            max_age=MODERATOR_MAX_AGE,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response
    results: dict[int, Any] = {}
    for poll in all_polls:
        if poll.state in LIVE_STATES:
            for question in poll.questions:
                results[question.id] = await tallies.result(question.id)
    methods = {name: _(label) for name, (label, _function) in RANKING_METHODS.items()}
    return state.templates.TemplateResponse(
        request,
        "pages/moderator.html",
        {
            "event": loaded,
            "polls": all_polls,
            "results": results,
            "methods": methods,
            "sections": sections,
            **event_links(request, state, loaded),
        },
    )


# -- the stream ----------------------------------------------------------------------------


def _may_be_privileged(request: Request) -> bool:
    """Tell whether a request carries anything that could make it a moderator's or screen's."""
    cookies = request.cookies
    return (
        MODERATOR_COOKIE in cookies
        or ORGANISER_COOKIE in cookies
        or "authorization" in request.headers
        or "x-moderator-key" in request.headers
    )


@router.get("/api/v1/events/{code}/stream", tags=["live"], response_class=LiveStreamResponse)
async def stream(
    event: EventDep,
    request: Request,
    state: StateDep,
    key: Annotated[str | None, Query(max_length=64)] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
    last_id: Annotated[str | None, Query(alias="lastEventId", max_length=20)] = None,
) -> LiveStreamResponse:
    """Server-Sent Events of an event: results (when visible), poll changes, snapshots.

    Moderators and the screen (``key``) also get results that participants cannot see yet.
    A client reconnecting with ``Last-Event-ID`` gets the messages it missed or a snapshot.
    """
    if key is None and not _may_be_privileged(request):  # a phone: the event from memory
        event_id, privileged = (await state.part(Joins).event(event.code)).id, False
    else:
        event_id, privileged = await event.run(
            lambda session, e: (e.id, _screen_allowed(request, state, session, e, key))
        )
    return LiveStreamResponse(
        lambda write: state.hub.stream(
            event_id,
            public_only=not privileged,
            last_event_id=last_event_id or last_id,
            write=write,
        ),
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


# -- preparing: duplicate an event as a template (pages/duplicate.py) ----------------------

router.include_router(duplicate_router)
