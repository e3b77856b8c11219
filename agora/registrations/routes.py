"""Every URL of registrations: the public form, the door, the moderators' list and the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.accounts.mail import Mail, deliver
from agora.core.errors import Conflict, InvalidInput, NotAllowed
from agora.core.i18n import _, ngettext
from agora.events.audit import record_as
from agora.events.deps import (
    EventDep,
    EventScope,
    ModeratedEventDep,
    can_moderate,
    check_moderator,
)
from agora.events.models import Event
from agora.events.services import join_event
from agora.registrations import importing, services
from agora.registrations.attendance import attendance
from agora.registrations.details import Details, clean_details
from agora.registrations.live import NAME
from agora.registrations.mail import registration_mail
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
    ImportOut,
    ImportRejectedOut,
    RegistrationAction,
    RegistrationIn,
    RegistrationListOut,
    RegistrationOpenOut,
    RegistrationOut,
    RegistrationSentOut,
    WalkInIn,
)
from agora.web.deps import IdPath, StateDep, WorkDep
from agora.web.links import base_url, qr_svg, set_participant_cookie
from agora.web.notices import Notice, page_response, redirect_with_notice, take_notice
from agora.web.state import AppState

router = APIRouter()


def sent_message() -> str:
    """Return what every registration is told, in the current language."""
    return _(
        "Thank you. The link to your registration is on its way to the e-mail address you "
        "gave; it shows your status and your check-in code."
    )


def changed(state: AppState, event_id: int) -> None:
    """Redraw the attendance figures on every moderator page of the event."""
    state.changed(event_id, NAME)


# -- the public form -----------------------------------------------------------------------


@router.get("/e/{code}/register", include_in_schema=False)
def register_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Show the registration form (or say that registration is closed)."""

    def show(_session: Session, e: Event) -> Response:
        event_language(request, e)
        return render(request, state, "register.html", {"event": e, "values": {}, "errors": {}})

    return event.sync(show)


@router.post("/e/{code}/register", include_in_schema=False)
async def register_form(
    event: EventDep, request: Request, state: StateDep, background: BackgroundTasks
) -> Response:
    """Register from the form; errors come back next to their fields, with what was typed.

    New or registered already, the person sees the same page and gets the link by e-mail.
    """
    values = form_values(await request.form())
    try:
        event_id, mail = await event.run(
            lambda session, e: (e.id, link_mail(request, state, session, e, details_of(values)))
        )
    except (InvalidInput, Conflict) as exc:  # rolled back: the form again, with the event
        shown = await event.run(lambda _session, e: e)
        event_language(request, shown)
        context = {"event": shown, "values": values, "errors": field_errors(exc)}
        return render(request, state, "register.html", context, status_code=exc.status_code)
    background.add_task(deliver, state.settings, mail)
    changed(state, event_id)
    return RedirectResponse(f"/e/{event.code.upper()}/register/sent", status_code=303)


def link_mail(
    request: Request, state: AppState, session: Session, event: Event, details: Details
) -> Mail:
    """Register (or find the registration of) ``details``; return the e-mail with its link."""
    registration, new = services.register_or_find(session, event, details)
    url = f"{base_url(request, state)}/e/{event.code}/registration/{registration.token}"
    return registration_mail(event, registration, url, new=new)


@router.get("/e/{code}/register/sent", include_in_schema=False)
def sent_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Say that the link to the registration is on its way, whoever registered."""

    def show(_session: Session, e: Event) -> Response:
        event_language(request, e)
        return render(request, state, "sent.html", {"event": e})

    return event.sync(show)


@router.get("/e/{code}/registration/{token}", include_in_schema=False)
def confirmation_page(event: EventDep, token: str, request: Request, state: StateDep) -> Response:
    """Show a registration's status and the QR code to show at the door."""

    def show(session: Session, e: Event) -> Response:
        event_language(request, e)
        registration = services.registration_by_token(session, e, token)
        checkin_url = f"{base_url(request, state)}/e/{e.code}/checkin/{token}"
        context = {
            "event": e,
            "registration": registration,
            "position": services.waitlist_position(session, registration),
            "qr": qr_svg(checkin_url, inline=True),
        }
        return render(request, state, "confirmation.html", context)

    return event.sync(show)


@router.post("/e/{code}/registration/{token}/join", include_in_schema=False)
def join_live_session(event: EventDep, token: str, request: Request, state: StateDep) -> Response:
    """Join the live session as the participant linked to this registration, then show it.

    Joining again, from this device or another one, gives the same participant (a new
    cookie for it): one registration is one participant, so it votes once in a poll that
    counts one vote per registered or checked-in participant.
    """

    def run(session: Session, e: Event) -> tuple[str, str]:
        registration = services.registration_by_token(session, e, token[:100])
        participant = join_event(
            session,
            e,
            # the name the event asks for is the one registered
            name=registration.name if e.ask_identity else "",
            organisation=registration.organisation if e.ask_identity else "",
            registration_id=registration.id,
        )
        return e.code, state.signer.participant_token(e.id, participant.id)

    code, participant_token = event.sync(run)
    response = RedirectResponse(f"/e/{code}", status_code=303)
    set_participant_cookie(response, request, participant_token)
    return response


# -- the moderators' pages -----------------------------------------------------------------


@router.get("/e/{code}/registrations", include_in_schema=False)
def registrations_page(
    event: ModeratedEventDep,
    request: Request,
    state: StateDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """List the registrations with search, check-in buttons, walk-ins, import and figures."""

    def show(session: Session, e: Event) -> Response:
        context = list_context(request, state, session, e, q)
        context["notice"] = take_notice(request, state)
        return page_response(request, render(request, state, "list.html", context))

    return event.sync(show)


@router.post("/e/{code}/registrations/{registration_id}/{action}", include_in_schema=False)
async def action_form(
    registration_id: IdPath,
    action: RegistrationAction,
    event: ModeratedEventDep,
    request: Request,
    state: StateDep,
) -> Response:
    """Run a button of the list or the door page, then go back to it with what happened."""
    form = await request.form()
    q = str(form.get("q") or "")[:200]
    back_to_door = form.get("back") == "checkin"

    def run(session: Session, e: Event) -> tuple[int, str, str, bool]:
        registration = services.get_registration(session, registration_id)
        if registration.event_id != e.id:
            raise NotAllowed(_("This registration belongs to another event."))
        try:
            outcome = services.run_action(session, registration, action.value)
        except Conflict as exc:
            return e.id, registration.token, exc.message, True
        if outcome.changed:
            subject = f"registration {registration.id}"
            event.record(session, e, f"registration.{action.value}", subject)
        return e.id, registration.token, outcome.message, False

    event_id, token, message, error = await event.run(run)
    changed(state, event_id)
    code = event.code.upper()
    url = (
        f"/e/{code}/checkin/{token}"
        if back_to_door
        else list_url(code, q, f"#registration-{registration_id}")
    )
    return redirect_with_notice(state, url, Notice("registrations", message, error))


@router.post("/e/{code}/walk-ins", include_in_schema=False)
async def walk_in_form(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Register and check in someone at the door; errors come back next to the fields."""
    values = form_values(await request.form())

    def run(session: Session, e: Event) -> tuple[int, Registration]:
        details = details_of(values, email_required=False)
        registration = services.register_walk_in(session, e, details)
        event.record(session, e, "registration.walk-in", f"registration {registration.id}")
        return e.id, registration

    try:
        event_id, registration = await event.run(run)
    except (InvalidInput, Conflict) as exc:  # rolled back: the list again, with the form
        context = await event.run(lambda session, e: list_context(request, state, session, e, ""))
        context.update(walk_in=values, walk_in_errors=field_errors(exc), notice=None)
        return render(request, state, "list.html", context, status_code=exc.status_code)
    changed(state, event_id)
    message = _("{name} is registered as a walk-in and checked in.").format(name=registration.name)
    url = list_url(event.code.upper(), registration.name, f"#registration-{registration.id}")
    return redirect_with_notice(state, url, Notice("registrations", message))


@router.post("/e/{code}/registrations/import", include_in_schema=False)
async def import_form(event: ModeratedEventDep, request: Request, state: StateDep) -> Response:
    """Import a CSV file; a bad file comes back with a table of its bad rows."""
    await event.run(lambda _session, _e: None)  # the check, before reading a stranger's upload
    try:
        data = await read_upload(request)
        event_id, result = await event.run(lambda session, e: _import(event, session, e, data))
    except InvalidInput as exc:  # rolled back: the list again, with the bad rows
        context = await event.run(lambda session, e: list_context(request, state, session, e, ""))
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
    return redirect_with_notice(
        state, list_url(event.code.upper()), Notice("registrations", message)
    )


def _import(
    event: EventScope, session: Session, e: Event, data: bytes
) -> tuple[int, importing.ImportResult]:
    """Import a CSV file's registrations and record how many, in one unit of work."""
    result = importing.import_registrations(session, e, data)
    event.record(session, e, "registrations.import", f"{result.imported} registrations")
    return e.id, result


async def set_open(event: EventScope, state: AppState, *, is_open: bool) -> None:
    """Open or close an event's public registration form, then redraw the moderator pages."""

    def run(session: Session, e: Event) -> int:
        services.set_registration_open(session, e, is_open)
        event.record(session, e, "registrations.open" if is_open else "registrations.close")
        return e.id

    changed(state, await event.run(run))


async def switch_form(event: EventScope, state: AppState, *, is_open: bool) -> Response:
    """Open or close the public registration form, then show the list again."""
    await set_open(event, state, is_open=is_open)
    message = _("Registration is open.") if is_open else _("Registration is closed.")
    return redirect_with_notice(
        state, list_url(event.code.upper()), Notice("registrations", message)
    )


@router.post("/e/{code}/registrations/open", include_in_schema=False)
async def open_form(event: ModeratedEventDep, state: StateDep) -> Response:
    """Open the public registration form."""
    return await switch_form(event, state, is_open=True)


@router.post("/e/{code}/registrations/close", include_in_schema=False)
async def close_form(event: ModeratedEventDep, state: StateDep) -> Response:
    """Close the public registration form (moderators can still import and add walk-ins)."""
    return await switch_form(event, state, is_open=False)


# -- the door --------------------------------------------------------------------------------


def door_registration(
    request: Request, state: AppState, session: Session, event: Event, token: str
) -> Registration:
    """Return the registration a scanned QR code names, for the event's moderators only."""
    if not can_moderate(request, state, session, event):
        raise NotAllowed(
            _(
                "Only the event's moderators can check people in. If this is your own "
                "code, show it at the door."
            )
        )
    return services.registration_by_token(session, event, token)


@router.get("/e/{code}/checkin/{token}", include_in_schema=False)
def checkin_page(event: EventDep, token: str, request: Request, state: StateDep) -> Response:
    """Show whom a scanned QR code names, with a button to check them in."""

    def show(session: Session, e: Event) -> Response:
        context = {
            "event": e,
            "registration": door_registration(request, state, session, e, token),
            "attendance": attendance(session, e),
            "notice": take_notice(request, state),
        }
        return page_response(request, render(request, state, "checkin.html", context))

    return event.sync(show)


@router.post("/e/{code}/checkin/{token}", include_in_schema=False)
async def checkin_form(event: EventDep, token: str, request: Request, state: StateDep) -> Response:
    """Check in the person a scanned QR code names (a second time changes nothing)."""

    def run(session: Session, e: Event) -> tuple[int, str, bool]:
        registration = door_registration(request, state, session, e, token)
        try:
            outcome = services.check_in(session, registration)
        except Conflict as exc:
            return e.id, exc.message, True
        if outcome.changed:
            event.record(session, e, "registration.check-in", f"registration {registration.id}")
        return e.id, outcome.message, False

    event_id, message, error = await event.run(run)
    changed(state, event_id)
    return redirect_with_notice(
        state, f"/e/{event.code.upper()}/checkin/{token}", Notice("registrations", message, error)
    )


# -- JSON API ------------------------------------------------------------------------------


@router.post("/api/v1/events/{code}/registrations", status_code=202, tags=["registrations"])
async def register(
    data: RegistrationIn,
    event: EventDep,
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
) -> RegistrationSentOut:
    """Register for an event (no sign-in): a seat while there are some, else the waiting list.

    The answer is the same whether the address was registered already or not: the link to
    the registration (status, check-in code) goes to the address by e-mail.
    """

    def run(session: Session, e: Event) -> tuple[int, Mail]:
        details = clean_details(**data.model_dump())
        return e.id, link_mail(request, state, session, e, details)

    event_id, mail = await event.run(run)
    background.add_task(deliver, state.settings, mail)
    changed(state, event_id)
    return RegistrationSentOut(email=mail.to, message=sent_message())


@router.get("/api/v1/events/{code}/registrations", tags=["registrations"])
def list_registrations(
    event: ModeratedEventDep,
    q: Annotated[
        str, Query(max_length=200, description="Words in name, organisation, e-mail")
    ] = "",
) -> RegistrationListOut:
    """Return the registrations (all, or those matching ``q``) and the attendance figures."""
    return event.sync(
        lambda session, e: RegistrationListOut(
            attendance=AttendanceOut(**attendance(session, e).as_dict()),
            registrations=[RegistrationOut.of(r) for r in services.search(session, e, q)],
        )
    )


@router.post(
    "/api/v1/events/{code}/registrations/import",
    status_code=201,
    tags=["registrations"],
    openapi_extra=IMPORT_BODY,
    responses={422: {"model": ImportRejectedOut, "description": "Bad file; nothing imported"}},
)
async def import_registrations(
    event: ModeratedEventDep, request: Request, state: StateDep
) -> ImportOut:
    """Import registrations from a CSV file: all rows, or none and a report of each bad row."""
    await event.run(lambda _session, _e: None)  # the check, before reading a stranger's upload
    data = await read_upload(request)
    event_id, result = await event.run(lambda session, e: _import(event, session, e, data))
    changed(state, event_id)
    return ImportOut(
        imported=result.imported,
        registered=result.registered,
        waitlisted=result.waitlisted,
        delimiter=result.delimiter,
        ignored_columns=result.ignored_columns,
    )


@router.post("/api/v1/events/{code}/registrations/open", tags=["registrations"])
async def open_registration(event: ModeratedEventDep, state: StateDep) -> RegistrationOpenOut:
    """Open the public registration form (moderators)."""
    await set_open(event, state, is_open=True)
    return RegistrationOpenOut(registration_open=True)


@router.post("/api/v1/events/{code}/registrations/close", tags=["registrations"])
async def close_registration(event: ModeratedEventDep, state: StateDep) -> RegistrationOpenOut:
    """Close the public registration form; imports and walk-ins still work (moderators)."""
    await set_open(event, state, is_open=False)
    return RegistrationOpenOut(registration_open=False)


@router.post("/api/v1/registrations/{registration_id}/{action}", tags=["registrations"])
async def registration_action(
    registration_id: IdPath,
    action: RegistrationAction,
    request: Request,
    state: StateDep,
    work: WorkDep,
) -> ActionOut:
    """Check in, undo a check-in, cancel or restore a registration (moderators)."""

    def run(session: Session) -> tuple[int, ActionOut]:
        registration = services.get_registration(session, registration_id)
        event = session.get_one(Event, registration.event_id)
        check_moderator(request, state, session, event)
        outcome = services.run_action(session, registration, action.value)
        if outcome.changed:
            subject = f"registration {registration.id}"
            record_as(request, state, session, event, f"registration.{action.value}", subject)
        return event.id, ActionOut(
            registration=RegistrationOut.of(outcome.registration),
            message=outcome.message,
            changed=outcome.changed,
            promoted=[RegistrationOut.of(r) for r in outcome.promoted],
        )

    event_id, out = await work(run)
    changed(state, event_id)
    return out


@router.post("/api/v1/events/{code}/walk-ins", status_code=201, tags=["registrations"])
async def walk_in(data: WalkInIn, event: ModeratedEventDep, state: StateDep) -> RegistrationOut:
    """Register someone at the door and check them in at once, whatever the capacity."""

    def run(session: Session, e: Event) -> tuple[int, RegistrationOut]:
        details = clean_details(**data.model_dump(), email_required=False)
        registration = services.register_walk_in(session, e, details)
        event.record(session, e, "registration.walk-in", f"registration {registration.id}")
        return e.id, RegistrationOut.of(registration)

    event_id, out = await event.run(run)
    changed(state, event_id)
    return out


@router.get("/api/v1/events/{code}/attendance", tags=["registrations"])
def read_attendance(event: ModeratedEventDep) -> AttendanceOut:
    """Return registered, checked in, walk-ins, present, no-shows, seats and occupancy."""
    return event.sync(lambda session, e: AttendanceOut(**attendance(session, e).as_dict()))
