"""The agenda builder: add, edit, reorder and remove an event's agenda items (moderators).

Included by ``routes.py``. Every form works without JavaScript; ``agenda-builder.js`` adds
dragging, Alt+arrow keys and in-place moves through ``POST …/agenda/{id}/move``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput
from agora.core.i18n import _
from agora.events import agenda
from agora.events.deps import ModeratedEventDep
from agora.events.forms import Filled, item_defaults, read_item
from agora.events.live import NAME as AGENDA
from agora.events.live import item_view
from agora.events.models import AgendaItem, Event
from agora.events.schemas import AgendaItemIn, AgendaItemOut
from agora.events.times import clock, event_start, minutes_of_day, planned_starts
from agora.web.deps import IdPath, StateDep
from agora.web.notices import (
    Notice,
    redirect_with_notice,
    render_page,
)
from agora.web.state import AppState

router = APIRouter()


class AgendaPosition(BaseModel):
    """Where an agenda item goes: its new position, counted from 0."""

    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=0, le=10_000)


def builder_context(session: Session, event: Event) -> dict[str, Any]:
    """Return the agenda with each item's planned start, and the running total."""
    items = agenda.agenda(session, event.id)
    starts = planned_starts(event, [item.duration_minutes for item in items])
    total = 0
    rows = []
    for item, start in zip(items, starts, strict=True):
        total += item.duration_minutes or 0
        rows.append({"item": item, "start": clock(start, event), "total": total})
    start = event_start(event)
    ends = None
    if start is not None and items and all(i.duration_minutes for i in items):
        ends = clock(start + dt.timedelta(minutes=total), event)
    polls = agenda.poll_choices(session, event.id)
    return {
        "event": event,
        "rows": rows,
        "total": total,
        "untimed": sum(1 for i in items if not i.duration_minutes),
        "start": clock(start, event),
        "start_minutes": minutes_of_day(start),
        "ends": ends,
        "polls": polls,
        "poll_names": dict(polls),
    }


def render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render an agenda builder page, showing the previous form's notice once."""
    return render_page(request, state, f"agenda/{template}", context, status_code)


def _url(code: str, item_id: int | None = None) -> str:
    return f"/e/{code}/agenda" + (f"#item-{item_id}" if item_id else "")


def _data(filled: Filled, item: AgendaItem | None) -> AgendaItemIn:
    return AgendaItemIn.model_validate(
        {**filled.data, "starts_at": item.starts_at if item is not None else None}
    )


@router.get("/e/{code}/agenda", include_in_schema=False)
def builder_page(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Show the agenda builder: the items with planned times, and a form to add one."""
    context = event.sync(builder_context)
    return render(
        request, state, "builder.html", {**context, "values": item_defaults(), "errors": {}}
    )


@router.post("/e/{code}/agenda/items", include_in_schema=False)
async def add_form(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Add an item at the end of the agenda; a refused form keeps what was typed."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[Event, AgendaItem | None, Filled]:
        filled = read_item(form, set(dict(agenda.poll_choices(session, e.id))))
        if filled.ok:
            try:
                with session.begin_nested():
                    return e, agenda.add_item(session, e, _data(filled, None)), filled
            except InvalidInput as exc:
                filled.refuse(exc)
        return e, None, filled

    shown, item, filled = await event.run(run)
    if item is None:
        context = await event.run(builder_context)
        return render(
            request,
            state,
            "builder.html",
            {**context, "values": filled.values, "errors": filled.errors},
            status_code=422,
        )
    state.changed(shown.id, AGENDA)
    notice = Notice("agenda", _("'{title}' is added to the agenda.").format(title=item.title))
    return redirect_with_notice(state, _url(shown.code, item.id), notice)


@router.get("/e/{code}/agenda/{item_id}/edit", include_in_schema=False)
def edit_page(
    item_id: IdPath, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Show one agenda item's form to change it."""

    def load(session: Session, e: Event) -> dict[str, Any]:
        item = agenda.get_item(session, e, item_id)
        return {"event": e, "item": item, "polls": agenda.poll_choices(session, e.id)}

    context = event.sync(load)
    return render(
        request,
        state,
        "edit.html",
        {**context, "values": item_defaults(context["item"]), "errors": {}},
    )


@router.post("/e/{code}/agenda/{item_id}/edit", include_in_schema=False)
async def edit_form(
    item_id: IdPath, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Change an agenda item; a refused form changes nothing and keeps what was typed."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[dict[str, Any], Filled, bool]:
        item = agenda.get_item(session, e, item_id)
        polls = agenda.poll_choices(session, e.id)
        filled = read_item(form, set(dict(polls)))
        saved = False
        if filled.ok:
            try:
                with session.begin_nested():
                    agenda.update_item(session, e, item, _data(filled, item))
                saved = True
            except InvalidInput as exc:
                filled.refuse(exc)
        return {"event": e, "item": item, "polls": polls}, filled, saved

    context, filled, saved = await event.run(run)
    if not saved:
        return render(
            request,
            state,
            "edit.html",
            {**context, "values": filled.values, "errors": filled.errors},
            status_code=422,
        )
    shown: Event = context["event"]
    state.changed(shown.id, AGENDA)
    notice = Notice("agenda", _("'{title}' is saved.").format(title=context["item"].title))
    return redirect_with_notice(state, _url(shown.code, item_id), notice)


@router.post("/e/{code}/agenda/{item_id}/move", include_in_schema=False)
async def move_form(
    item_id: IdPath,
    event: ModeratedEventDep,
    state: StateDep,
    to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Move an item one place up or down (the builder's buttons without JavaScript)."""

    def run(session: Session, e: Event) -> Event:
        if to not in {"up", "down"}:
            raise InvalidInput(_("Move an item 'up' or 'down'."), field="to")
        item = agenda.get_item(session, e, item_id)
        agenda.move_item(session, e, item, item.position + (1 if to == "down" else -1))
        return e

    moved = await event.run(run)
    state.changed(moved.id, AGENDA)
    return redirect_with_notice(state, _url(moved.code, item_id))


@router.get("/e/{code}/agenda/{item_id}/remove", include_in_schema=False)
def remove_page(
    item_id: IdPath, event: ModeratedEventDep, request: Request, state: StateDep
) -> Response:
    """Ask to confirm removing an agenda item, naming it."""
    context = event.sync(
        lambda session, e: {"event": e, "item": agenda.get_item(session, e, item_id)}
    )
    return render(request, state, "remove.html", context)


@router.post("/e/{code}/agenda/{item_id}/remove", include_in_schema=False)
async def remove_form(item_id: IdPath, event: ModeratedEventDep, state: StateDep) -> Response:
    """Remove an agenda item that is not happening now."""

    def run(session: Session, e: Event) -> tuple[Event, str]:
        item = agenda.get_item(session, e, item_id)
        title = item.title
        agenda.remove_item(session, e, item)
        return e, title

    shown, title = await event.run(run)
    state.changed(shown.id, AGENDA)
    notice = Notice("agenda", _("'{title}' is removed from the agenda.").format(title=title))
    return redirect_with_notice(state, _url(shown.code), notice)


@router.post("/api/v1/events/{code}/agenda/{item_id}/move", tags=["agenda"])
def move_agenda_item(
    item_id: IdPath, data: AgendaPosition, event: ModeratedEventDep, state: StateDep
) -> list[AgendaItemOut]:
    """Move an agenda item to ``position`` (0 is first); return the agenda (moderators)."""

    def run(session: Session, e: Event) -> tuple[int, list[AgendaItemOut]]:
        agenda.move_item(session, e, agenda.get_item(session, e, item_id), data.position)
        items = agenda.agenda(session, e.id)
        return e.id, [AgendaItemOut.model_validate(item_view(i, e.current_item_id)) for i in items]

    event_id, out = event.sync(run)
    state.changed(event_id, AGENDA)
    return out
