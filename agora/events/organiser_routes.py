"""The organiser's event pages: the list, creating an event, its settings, archive and delete.

Included by ``routes.py``; every URL here is for the signed-in organiser who owns the event.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import column, func, select, table
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.accounts.models import Organiser
from agora.core.db import utcnow
from agora.core.errors import InvalidInput, NotAuthenticated
from agora.core.i18n import _
from agora.events import services
from agora.events.deps import OwnedEventDep
from agora.events.forms import Filled, event_defaults, read_event
from agora.events.joins import forget_event
from agora.events.models import AgendaItem, Event, Participant
from agora.events.schemas import EventOut, EventSettingsIn
from agora.events.times import offered_time_zones
from agora.web.deps import StateDep, WorkDep
from agora.web.links import event_links
from agora.web.notices import (
    Notice,
    redirect_with_notice,
    render_page,
)
from agora.web.state import AppState

router = APIRouter()

#: Tables of the domains above events whose rows a deletion takes along (counted, not imported).
POLLS = table("polls", column("event_id"))
REGISTRATIONS = table("registrations", column("event_id"))


def render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render an organiser's page with the helpers its forms use, showing a notice once."""
    helpers = {"time_zones": offered_time_zones()}
    return render_page(request, state, f"events/{template}", {**helpers, **context}, status_code)


# -- the list, and creating an event -----------------------------------------------------


def _list_context(
    request: Request, state: AppState, session: Session, organiser: Organiser, archived: bool
) -> dict[str, Any]:
    now = utcnow()
    shown = services.organiser_events(session, organiser.id, archived=archived)
    rows = [(event, event_links(request, state, event)) for event in shown]
    past = [row for row in rows if services.is_past(row[0], now)]
    upcoming = [row for row in reversed(rows) if not services.is_past(row[0], now)]
    archived_count = session.scalar(
        select(func.count(Event.id)).where(
            Event.organiser_id == organiser.id, Event.archived_at.is_not(None)
        )
    )
    return {
        "organiser": organiser,
        "archived": archived,
        "upcoming": upcoming,
        "past": past,
        "archived_count": int(archived_count or 0),
    }


@router.get("/events", include_in_schema=False)
def my_events(
    request: Request,
    state: StateDep,
    work: WorkDep,
    archived: Annotated[bool, Query()] = False,
) -> Response:
    """List the signed-in organiser's upcoming and past events, and create one."""

    def load(session: Session) -> dict[str, Any] | None:
        organiser = current_organiser(request, session)
        if organiser is None:
            return None
        return _list_context(request, state, session, organiser, archived)

    context = work.sync(load)
    if context is None:
        return RedirectResponse("/login", status_code=303)
    return render(
        request, state, "mine.html", {**context, "values": event_defaults(), "errors": {}}
    )


@router.post("/events", include_in_schema=False)
async def create_event_form(request: Request, state: StateDep, work: WorkDep) -> Response:
    """Create an event from the events page's form, then go on to its agenda."""
    filled = read_event(await request.form())

    def run(session: Session) -> Event | dict[str, Any]:
        organiser = current_organiser(request, session)
        if organiser is None:
            raise NotAuthenticated(_("Sign in as an organiser to create an event."))
        if filled.ok:
            try:
                with session.begin_nested():
                    return services.create_event(session, organiser_id=organiser.id, **filled.data)
            except InvalidInput as exc:
                filled.refuse(exc)
        return _list_context(request, state, session, organiser, False)

    outcome = await work(run)
    if isinstance(outcome, Event):
        notice = Notice(
            "agenda",
            _("The event is created; its join code is {code}. Now write its agenda.").format(
                code=outcome.code
            ),
        )
        return redirect_with_notice(state, f"/e/{outcome.code}/agenda", notice)
    return _refused(request, state, "mine.html", outcome, filled)


def _refused(
    request: Request, state: AppState, template: str, context: dict[str, Any], filled: Filled
) -> Response:
    """Show the form again with what was typed and what is wrong, changing nothing."""
    return render(
        request,
        state,
        template,
        {**context, "values": filled.values, "errors": filled.errors},
        status_code=422,
    )


# -- an event's settings -------------------------------------------------------------------


@router.get("/e/{code}/settings", include_in_schema=False)
def settings_page(event: OwnedEventDep, request: Request, state: StateDep) -> Response:
    """Show the event's settings to change (its organiser)."""
    shown = event.sync(lambda _session, e: e)
    return render(
        request,
        state,
        "settings.html",
        {"event": shown, "values": event_defaults(shown), "errors": {}},
    )


@router.post("/e/{code}/settings", include_in_schema=False)
async def settings_form(event: OwnedEventDep, request: Request, state: StateDep) -> Response:
    """Change the event's settings; a refused form changes nothing and keeps what was typed."""
    filled = read_event(await request.form())

    def run(session: Session, e: Event) -> tuple[Event, bool]:
        if filled.ok:
            try:
                with session.begin_nested():
                    services.update_event(session, e, **filled.data)
                return e, True
            except InvalidInput as exc:
                filled.refuse(exc)
        return e, False

    changed, saved = await event.run(run)
    if not saved:
        return _refused(request, state, "settings.html", {"event": changed}, filled)
    forget_event(state, changed.id)
    state.event_changed(changed.id)
    notice = Notice("events", _("The settings of '{title}' are saved.").format(title=changed.title))
    return redirect_with_notice(state, "/events", notice)


@router.put("/api/v1/events/{code}", tags=["events"])
def update_event(data: EventSettingsIn, event: OwnedEventDep, state: StateDep) -> EventOut:
    """Change an event's settings (its organiser)."""
    changed = event.sync(
        lambda session, e: EventOut.model_validate(
            services.update_event(session, e, **data.model_dump()), from_attributes=True
        )
    )
    forget_event(state, changed.id)
    state.event_changed(changed.id)
    return changed


# -- archive, restore and delete ---------------------------------------------------------


@router.post("/e/{code}/archive", include_in_schema=False)
async def archive_form(event: OwnedEventDep, state: StateDep) -> Response:
    """Hide the event from the organiser's lists (it can be restored)."""
    title = await event.run(lambda session, e: services.archive_event(session, e).title)
    notice = Notice(
        "events",
        _("'{title}' is archived. Find it under Archived events to restore it.").format(
            title=title
        ),
    )
    return redirect_with_notice(state, "/events", notice)


@router.post("/e/{code}/restore", include_in_schema=False)
async def restore_form(event: OwnedEventDep, state: StateDep) -> Response:
    """Bring an archived event back into the organiser's lists."""
    title = await event.run(lambda session, e: services.restore_event(session, e).title)
    notice = Notice("events", _("'{title}' is restored.").format(title=title))
    return redirect_with_notice(state, "/events", notice)


def _what_goes(session: Session, event: Event) -> dict[str, int]:
    """Count what deleting the event takes along."""

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return {
        "agenda": count(select(func.count(AgendaItem.id)).where(AgendaItem.event_id == event.id)),
        "polls": count(select(func.count()).select_from(POLLS).where(POLLS.c.event_id == event.id)),
        "registrations": count(
            select(func.count())
            .select_from(REGISTRATIONS)
            .where(REGISTRATIONS.c.event_id == event.id)
        ),
        "participants": count(
            select(func.count(Participant.id)).where(Participant.event_id == event.id)
        ),
    }


@router.get("/e/{code}/delete", include_in_schema=False)
def delete_page(event: OwnedEventDep, request: Request, state: StateDep) -> Response:
    """Ask the organiser to confirm deleting the event, naming it and what goes with it."""
    shown, counts = event.sync(lambda session, e: (e, _what_goes(session, e)))
    return render(request, state, "delete.html", {"event": shown, "counts": counts})


@router.post("/e/{code}/delete", include_in_schema=False)
async def delete_form(
    event: OwnedEventDep,
    request: Request,
    state: StateDep,
    confirm: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Delete the event and everything of it, once confirmed on the confirmation page."""

    def run(session: Session, e: Event) -> tuple[Event, dict[str, int], bool]:
        if services.normalize_code(confirm) != e.code:
            return e, _what_goes(session, e), False
        services.delete_event(session, e)
        return e, {}, True

    shown, counts, deleted = await event.run(run)  # the title stays readable once deleted
    if deleted:
        forget_event(state, shown.id)
    else:
        return render(
            request,
            state,
            "delete.html",
            {
                "event": shown,
                "counts": counts,
                "error": _("Nothing was deleted: confirm with the button on this page."),
            },
            status_code=422,
        )
    notice = Notice(
        "events", _("'{title}' and everything of it are deleted.").format(title=shown.title)
    )
    return redirect_with_notice(state, "/events", notice)


@router.delete("/api/v1/events/{code}", status_code=204, tags=["events"])
def delete_event(event: OwnedEventDep, state: StateDep) -> Response:
    """Delete an event and everything of it: agenda, polls, answers, people (its organiser)."""

    def run(session: Session, e: Event) -> int:
        services.delete_event(session, e)
        return e.id

    forget_event(state, event.sync(run))
    return Response(status_code=204)
