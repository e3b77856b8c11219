"""Every URL of registrations: the public form, the door, the moderators' list and the API."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import Conflict, InvalidInput, NotAllowed
from agora.core.i18n import _, ngettext
from agora.events.deps import can_moderate, check_moderator
from agora.events.models import Event
from agora.events.services import get_event
from agora.registrations import importing, services
from agora.registrations.attendance import attendance
from agora.registrations.details import clean_details
from agora.registrations.live import NAME
from agora.registrations.models import Registration
from agora.registrations.pages import (
    details_of,
    event_language,
    field_errors,
    form_values,
    list_context,
    list_url,
    read_upload,
    render,
)
from agora.registrations.schemas import (
    IMPORT_BODY,
    ActionOut,
    AttendanceOut,
    ConfirmationOut,
    ImportOut,
    ImportRejectedOut,
    RegistrationAction,
    RegistrationIn,
    RegistrationListOut,
    RegistrationOpenOut,
    RegistrationOut,
    WalkInIn,
)
from agora.web.deps import IdPath, StateDep
from agora.web.links import base_url, qr_svg
from agora.web.notices import Notice, page_response, redirect_with_notice, take_notice
from agora.web.state import AppState

router = APIRouter()


def changed(state: AppState, event_id: int) -> None:
    """Redraw the attendance figures on every moderator page of the event."""
    state.changed(event_id, NAME)


# -- the public form -----------------------------------------------------------------------


@router.get("/e/{code}/register", include_in_schema=False)
def register_page(code: str, request: Request, state: StateDep) -> Response:
    """Show the registration form (or say that registration is closed)."""
    with state.db.session() as session:
        event = get_event(session, code)
        event_language(request, event)
        return render(request, state, "register.html", {"event": event, "values": {}, "errors": {}})


@router.post("/e/{code}/register", include_in_schema=False)
async def register_form(code: str, request: Request, state: StateDep) -> Response:
    """Register from the form; errors come back next to their fields, with what was typed."""
    values = form_values(await request.form())

    def run() -> tuple[Event, str]:
        with state.db.session() as session:
            event = get_event(session, code)
            registration = services.register(session, event, details_of(values))
            return event, registration.token

    try:
        event, token = await anyio.to_thread.run_sync(run)
    except (InvalidInput, Conflict) as exc:

        def load() -> Event:
            with state.db.session() as session:
                return get_event(session, code)

        event = await anyio.to_thread.run_sync(load)
        event_language(request, event)
        context = {"event": event, "values": values, "errors": field_errors(exc)}
        return render(request, state, "register.html", context, status_code=exc.status_code)
    changed(state, event.id)
    return RedirectResponse(f"/e/{event.code}/registration/{token}", status_code=303)


@router.get("/e/{code}/registration/{token}", include_in_schema=False)
def confirmation_page(code: str, token: str, request: Request, state: StateDep) -> Response:
    """Show a registration's status and the QR code to show at the door."""
    with state.db.session() as session:
        event = get_event(session, code)
        event_language(request, event)
        registration = services.registration_by_token(session, event, token)
        checkin_url = f"{base_url(request, state)}/e/{event.code}/checkin/{token}"
        context = {
            "event": event,
            "registration": registration,
            "position": services.waitlist_position(session, registration),
            "qr": qr_svg(checkin_url, inline=True),
        }
        return render(request, state, "confirmation.html", context)


# -- the moderators' pages -----------------------------------------------------------------


@router.get("/e/{code}/registrations", include_in_schema=False)
def registrations_page(
    code: str,
    request: Request,
    state: StateDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """List the registrations with search, check-in buttons, walk-ins, import and figures."""
    with state.db.session() as session:
        event = get_event(session, code)
        context = list_context(request, state, session, event, q)
        context["notice"] = take_notice(request, state)
        return page_response(request, render(request, state, "list.html", context))


@router.post("/e/{code}/registrations/{registration_id}/{action}", include_in_schema=False)
async def action_form(
    code: str,
    registration_id: IdPath,
    action: RegistrationAction,
    request: Request,
    state: StateDep,
) -> Response:
    """Run a button of the list or the door page, then go back to it with what happened."""
    form = await request.form()
    q = str(form.get("q") or "")[:200]
    back_to_door = form.get("back") == "checkin"

    def run() -> tuple[int, str, str, bool]:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            registration = services.get_registration(session, registration_id)
            if registration.event_id != event.id:
                raise NotAllowed(_("This registration belongs to another event."))
            try:
                outcome = services.run_action(session, registration, action.value)
            except Conflict as exc:
                return event.id, registration.token, exc.message, True
            return event.id, registration.token, outcome.message, False

    event_id, token, message, error = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    code = code.upper()
    url = (
        f"/e/{code}/checkin/{token}"
        if back_to_door
        else list_url(code, q, f"#registration-{registration_id}")
    )
    return redirect_with_notice(state, url, Notice("registrations", message, error))


@router.post("/e/{code}/walk-ins", include_in_schema=False)
async def walk_in_form(code: str, request: Request, state: StateDep) -> Response:
    """Register and check in someone at the door; errors come back next to the fields."""
    values = form_values(await request.form())

    def run() -> tuple[int, Registration]:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            details = details_of(values, email_required=False)
            return event.id, services.register_walk_in(session, event, details)

    try:
        event_id, registration = await anyio.to_thread.run_sync(run)
    except (InvalidInput, Conflict) as exc:

        def load() -> dict[str, Any]:
            with state.db.session() as session:
                event = get_event(session, code)
                return list_context(request, state, session, event, "")

        context = await anyio.to_thread.run_sync(load)
        context.update(walk_in=values, walk_in_errors=field_errors(exc), notice=None)
        return render(request, state, "list.html", context, status_code=exc.status_code)
    changed(state, event_id)
    message = _("{name} is registered as a walk-in and checked in.").format(name=registration.name)
    url = list_url(code.upper(), registration.name, f"#registration-{registration.id}")
    return redirect_with_notice(state, url, Notice("registrations", message))


@router.post("/e/{code}/registrations/import", include_in_schema=False)
async def import_form(code: str, request: Request, state: StateDep) -> Response:
    """Import a CSV file; a bad file comes back with a table of its bad rows."""

    def check() -> None:
        with state.db.session() as session:
            check_moderator(request, state, session, get_event(session, code))

    await anyio.to_thread.run_sync(check)  # before reading a large upload from a stranger

    def run(data: bytes) -> tuple[int, importing.ImportResult]:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            return event.id, importing.import_registrations(session, event, data)

    try:
        event_id, result = await anyio.to_thread.run_sync(run, await read_upload(request))
    except InvalidInput as exc:

        def load() -> dict[str, Any]:
            with state.db.session() as session:
                return list_context(request, state, session, get_event(session, code), "")

        context = await anyio.to_thread.run_sync(load)
        context.update(import_error=exc, notice=None)
        return render(request, state, "list.html", context, status_code=exc.status_code)
    changed(state, event_id)
    message = ngettext(
        "{n} registration imported: {r} with a seat, {w} on the waiting list.",
        "{n} registrations imported: {r} with a seat, {w} on the waiting list.",
        result.imported,
    ).format(n=result.imported, r=result.registered, w=result.waitlisted)
    if result.ignored_columns:
        message += " " + _("Columns not used: {columns}.").format(
            columns=", ".join(result.ignored_columns)
        )
    return redirect_with_notice(state, list_url(code.upper()), Notice("registrations", message))


def set_open(request: Request, state: AppState, code: str, is_open: bool) -> int:
    """Open or close an event's public registration form; return the event's id."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
        services.set_registration_open(session, event, is_open)
        return event.id


async def switch_form(code: str, request: Request, state: AppState, *, is_open: bool) -> Response:
    """Open or close the public registration form, then show the list again."""
    changed(state, await anyio.to_thread.run_sync(set_open, request, state, code, is_open))
    message = _("Registration is open.") if is_open else _("Registration is closed.")
    return redirect_with_notice(state, list_url(code.upper()), Notice("registrations", message))


@router.post("/e/{code}/registrations/open", include_in_schema=False)
async def open_form(code: str, request: Request, state: StateDep) -> Response:
    """Open the public registration form."""
    return await switch_form(code, request, state, is_open=True)


@router.post("/e/{code}/registrations/close", include_in_schema=False)
async def close_form(code: str, request: Request, state: StateDep) -> Response:
    """Close the public registration form (moderators can still import and add walk-ins)."""
    return await switch_form(code, request, state, is_open=False)


# -- the door --------------------------------------------------------------------------------


def door_registration(
    request: Request, state: AppState, session: Session, code: str, token: str
) -> tuple[Event, Registration]:
    """Return the event and the registration a scanned QR code names, for moderators only."""
    event = get_event(session, code)
    if not can_moderate(request, state, session, event):
        raise NotAllowed(
            _(
                "Only the event's moderators can check people in. If this is your own "
                "code, show it at the door."
            )
        )
    return event, services.registration_by_token(session, event, token)


@router.get("/e/{code}/checkin/{token}", include_in_schema=False)
def checkin_page(code: str, token: str, request: Request, state: StateDep) -> Response:
    """Show whom a scanned QR code names, with a button to check them in."""
    with state.db.session() as session:
        event, registration = door_registration(request, state, session, code, token)
        context = {
            "event": event,
            "registration": registration,
            "attendance": attendance(session, event),
            "notice": take_notice(request, state),
        }
        return page_response(request, render(request, state, "checkin.html", context))


@router.post("/e/{code}/checkin/{token}", include_in_schema=False)
async def checkin_form(code: str, token: str, request: Request, state: StateDep) -> Response:
    """Check in the person a scanned QR code names (a second time changes nothing)."""

    def run() -> tuple[int, str, bool]:
        with state.db.session() as session:
            _event, registration = door_registration(request, state, session, code, token)
            try:
                outcome = services.check_in(session, registration)
            except Conflict as exc:
                return registration.event_id, exc.message, True
            return registration.event_id, outcome.message, False

    event_id, message, error = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    return redirect_with_notice(
        state, f"/e/{code.upper()}/checkin/{token}", Notice("registrations", message, error)
    )


# -- JSON API ------------------------------------------------------------------------------


def confirmation_out(
    request: Request, state: AppState, session: Session, event: Event, registration: Registration
) -> ConfirmationOut:
    """Return what a person gets back from registering."""
    base = base_url(request, state)
    return ConfirmationOut.model_validate(
        {
            **RegistrationOut.of(registration).model_dump(),
            "token": registration.token,
            "waitlist_position": services.waitlist_position(session, registration),
            "confirmation_url": f"{base}/e/{event.code}/registration/{registration.token}",
            "checkin_url": f"{base}/e/{event.code}/checkin/{registration.token}",
        }
    )


@router.post("/api/v1/events/{code}/registrations", status_code=201, tags=["registrations"])
async def register(
    code: str, data: RegistrationIn, request: Request, state: StateDep
) -> ConfirmationOut:
    """Register for an event (no sign-in): a seat while there are some, else the waiting list."""

    def run() -> tuple[int, ConfirmationOut]:
        with state.db.session() as session:
            event = get_event(session, code)
            details = clean_details(**data.model_dump())
            registration = services.register(session, event, details)
            return event.id, confirmation_out(request, state, session, event, registration)

    event_id, out = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    return out


@router.get("/api/v1/events/{code}/registrations", tags=["registrations"])
def list_registrations(
    code: str,
    request: Request,
    state: StateDep,
    q: Annotated[
        str, Query(max_length=200, description="Words in name, organisation, e-mail")
    ] = "",
) -> RegistrationListOut:
    """Return the registrations (all, or those matching ``q``) and the attendance figures."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
        return RegistrationListOut(
            attendance=AttendanceOut(**attendance(session, event).as_dict()),
            registrations=[RegistrationOut.of(r) for r in services.search(session, event, q)],
        )


@router.post(
    "/api/v1/events/{code}/registrations/import",
    status_code=201,
    tags=["registrations"],
    openapi_extra=IMPORT_BODY,
    responses={422: {"model": ImportRejectedOut, "description": "Bad file; nothing imported"}},
)
async def import_registrations(code: str, request: Request, state: StateDep) -> ImportOut:
    """Import registrations from a CSV file: all rows, or none and a report of each bad row."""

    def check() -> None:
        with state.db.session() as session:
            check_moderator(request, state, session, get_event(session, code))

    await anyio.to_thread.run_sync(check)
    data = await read_upload(request)

    def run() -> tuple[int, importing.ImportResult]:
        with state.db.session() as session:
            event = get_event(session, code)
            return event.id, importing.import_registrations(session, event, data)

    event_id, result = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    return ImportOut(
        imported=result.imported,
        registered=result.registered,
        waitlisted=result.waitlisted,
        delimiter=result.delimiter,
        ignored_columns=result.ignored_columns,
    )


async def switch(
    code: str, request: Request, state: AppState, *, is_open: bool
) -> RegistrationOpenOut:
    """Open or close the public registration form of an event."""
    changed(state, await anyio.to_thread.run_sync(set_open, request, state, code, is_open))
    return RegistrationOpenOut(registration_open=is_open)


@router.post("/api/v1/events/{code}/registrations/open", tags=["registrations"])
async def open_registration(code: str, request: Request, state: StateDep) -> RegistrationOpenOut:
    """Open the public registration form (moderators)."""
    return await switch(code, request, state, is_open=True)


@router.post("/api/v1/events/{code}/registrations/close", tags=["registrations"])
async def close_registration(code: str, request: Request, state: StateDep) -> RegistrationOpenOut:
    """Close the public registration form; imports and walk-ins still work (moderators)."""
    return await switch(code, request, state, is_open=False)


@router.post("/api/v1/registrations/{registration_id}/{action}", tags=["registrations"])
async def registration_action(
    registration_id: IdPath, action: RegistrationAction, request: Request, state: StateDep
) -> ActionOut:
    """Check in, undo a check-in, cancel or restore a registration (moderators)."""

    def run() -> tuple[int, ActionOut]:
        with state.db.session() as session:
            registration = services.get_registration(session, registration_id)
            event = session.get(Event, registration.event_id)
            assert event is not None
            check_moderator(request, state, session, event)
            outcome = services.run_action(session, registration, action.value)
            return event.id, ActionOut(
                registration=RegistrationOut.of(outcome.registration),
                message=outcome.message,
                changed=outcome.changed,
                promoted=[RegistrationOut.of(r) for r in outcome.promoted],
            )

    event_id, out = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    return out


@router.post("/api/v1/events/{code}/walk-ins", status_code=201, tags=["registrations"])
async def walk_in(code: str, data: WalkInIn, request: Request, state: StateDep) -> RegistrationOut:
    """Register someone at the door and check them in at once, whatever the capacity."""

    def run() -> tuple[int, RegistrationOut]:
        with state.db.session() as session:
            event = get_event(session, code)
            check_moderator(request, state, session, event)
            details = clean_details(**data.model_dump(), email_required=False)
            registration = services.register_walk_in(session, event, details)
            return event.id, RegistrationOut.of(registration)

    event_id, out = await anyio.to_thread.run_sync(run)
    changed(state, event_id)
    return out


@router.get("/api/v1/events/{code}/attendance", tags=["registrations"])
def read_attendance(code: str, request: Request, state: StateDep) -> AttendanceOut:
    """Return registered, checked in, walk-ins, present, no-shows, seats and occupancy."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
        return AttendanceOut(**attendance(session, event).as_dict())
