"""Every URL of privacy: the notice, people's own data, organisers' exports and erasures.

- ``/e/{code}/privacy``: the event's notice, for anyone; its settings (notice, retention)
  for the event's organiser;
- ``/e/{code}/me``: what the participant of this browser contributed, to download or erase;
- ``/e/{code}/registration/{token}/…``: a registrant's download and erasure, by their link;
- ``/e/{code}/people``: the organiser and co-moderators, signed in with their accounts,
  find a person, export their data or erase it. The moderator link may not: these actions
  are recorded under a person's name in the audit log.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agora.core.errors import InvalidInput, NotAuthenticated
from agora.core.i18n import _, set_language
from agora.events import audit
from agora.events.deps import EventDep, OwnedEventDep, check_team_member
from agora.events.models import Event
from agora.polls.live import PollsLive
from agora.privacy import data
from agora.privacy.notice import (
    clean_notice,
    clean_retention,
    notice_of,
    paragraphs,
    purge_date,
)
from agora.registrations import services as registrations
from agora.web.deps import PARTICIPANT_COOKIE, IdPath, StateDep, participant_in
from agora.web.links import base_url
from agora.web.notices import (
    Notice,
    redirect_with_notice,
    render_page,
)
from agora.web.state import AppState

router = APIRouter()

#: Who a person in the organisers' search is: a registration or a participant.
Kind = Literal["registration", "participant"]


def render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render a privacy page, showing the previous form's notice once."""
    return render_page(request, state, f"privacy/{template}", context, status_code)


def event_language(request: Request, event: Event) -> None:
    """Speak the event's language on its public pages unless the person chose one."""
    if "agora_lang" not in request.cookies:
        set_language(event.language)


def download(content: dict[str, Any], filename: str) -> Response:
    """Return ``content`` as a JSON file to save."""
    return Response(
        json.dumps(content, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


def after_erase(state: AppState, event_id: int, erased: data.Erased) -> None:
    """Recount the poll results and redraw the live pages an erasure changed."""
    state.part(PollsLive).responses_erased(erased.poll_questions)
    for section in sorted(erased.sections - {"polls"}):
        state.changed(event_id, section)


def _confirmed(form: Any) -> None:
    if form.get("confirm") != "yes":
        raise InvalidInput(_("Tick the box to confirm: erasing cannot be undone."), field="confirm")


# -- the notice ----------------------------------------------------------------------------


@router.get("/e/{code}/privacy", include_in_schema=False)
def notice_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Show the event's privacy notice: the organiser's text, or the one Agora writes."""

    def show(session: Session, e: Event) -> Response:
        event_language(request, e)
        notice = notice_of(session, e, state.settings.retention_days, base_url(request, state))
        context = {
            "event": e,
            "paragraphs": paragraphs(notice.text),
            "written": notice.written,
            "purge_date": purge_date(e, state.settings.retention_days),
        }
        return render(request, state, "notice.html", context)

    return event.sync(show)


def _settings_context(
    request: Request, state: AppState, session: Session, event: Event
) -> dict[str, Any]:
    default = notice_of(session, event, state.settings.retention_days, base_url(request, state))
    return {
        "event": event,
        "values": {
            "privacy_notice": event.privacy_notice,
            "retention_days": "" if event.retention_days is None else str(event.retention_days),
        },
        "errors": {},
        "default_days": state.settings.retention_days,
        "default_notice": "" if default.written else default.text,
    }


@router.get("/e/{code}/privacy/settings", include_in_schema=False)
def settings_page(event: OwnedEventDep, request: Request, state: StateDep) -> Response:
    """Show the event's notice and retention period to change (its organiser)."""
    return event.sync(
        lambda session, e: render(
            request, state, "settings.html", _settings_context(request, state, session, e)
        )
    )


@router.post("/e/{code}/privacy/settings", include_in_schema=False)
async def settings_form(event: OwnedEventDep, request: Request, state: StateDep) -> Response:
    """Save the notice and the retention period; a refused form changes nothing."""
    form = await request.form()
    values = {
        "privacy_notice": str(form.get("privacy_notice") or ""),
        "retention_days": str(form.get("retention_days") or ""),
    }
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, clean in (("privacy_notice", clean_notice), ("retention_days", clean_retention)):
        try:
            cleaned[name] = clean(values[name])
        except InvalidInput as exc:
            errors[name] = exc.message

    def run(session: Session, e: Event) -> dict[str, Any] | None:
        if errors:
            context = _settings_context(request, state, session, e)
            context.update(values=values, errors=errors)
            return context
        e.privacy_notice = cleaned["privacy_notice"]
        e.retention_days = cleaned["retention_days"]
        audit.record(session, e, event.actor(session, e), "privacy.settings_changed")
        return None

    refused = await event.run(run)
    if refused is not None:
        return render(request, state, "settings.html", refused, status_code=422)
    notice = Notice("privacy", _("The privacy notice and retention period are saved."))
    return redirect_with_notice(state, f"/e/{event.code.upper()}/privacy/settings", notice)


# -- a participant's own data --------------------------------------------------------------


def _own(request: Request, state: AppState, session: Session, event: Event) -> Any:
    participant_id = participant_in(request, state, event.id)
    if participant_id is None:
        raise NotAuthenticated(
            _(
                "This page shows what you contributed from the browser you joined the event "
                "with; this browser has not joined it."
            )
        )
    return data.get_participant(session, event, participant_id)


@router.get("/e/{code}/me", include_in_schema=False)
def my_data_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Show the participant what they contributed, with a download and an erase button."""

    def show(session: Session, e: Event) -> Response:
        event_language(request, e)
        participant = _own(request, state, session, e)
        context = {"event": e, "mine": data.participant_data(session, e, participant)}
        return render(request, state, "me.html", context)

    return event.sync(show)


@router.get("/e/{code}/me/data.json", include_in_schema=False)
def my_data_download(event: EventDep, request: Request, state: StateDep) -> Response:
    """Download what the participant contributed, as JSON."""
    mine = event.sync(
        lambda session, e: data.participant_data(session, e, _own(request, state, session, e))
    )
    return download(mine, f"{event.code.upper()}-my-data.json")


@router.get("/e/{code}/me/erase", include_in_schema=False)
def my_erase_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Ask the participant to confirm erasing what they contributed."""

    def show(session: Session, e: Event) -> Response:
        event_language(request, e)
        _own(request, state, session, e)
        return render(request, state, "erase.html", {"event": e, "action": f"/e/{e.code}/me/erase"})

    return event.sync(show)


@router.post("/e/{code}/me/erase", include_in_schema=False)
async def my_erase_form(event: EventDep, request: Request, state: StateDep) -> Response:
    """Erase the participant and everything they contributed; results recount without them."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[Event, data.Erased]:
        participant = _own(request, state, session, e)
        _confirmed(form)
        subject = f"participant {participant.id}"
        erased = data.erase_participant(session, e, participant)
        audit.record(session, e, audit.PARTICIPANT, "participant.erased_self", subject)
        return e, erased

    erased_event, erased = await event.run(run)
    after_erase(state, erased_event.id, erased)
    event_language(request, erased_event)
    response = render(request, state, "erased.html", {"event": erased_event, "what": "me"})
    response.delete_cookie(PARTICIPANT_COOKIE)
    return response


# -- a registrant's own data ---------------------------------------------------------------


@router.get("/e/{code}/registration/{token}/data.json", include_in_schema=False)
def registration_download(event: EventDep, token: str) -> Response:
    """Download what a registration holds, as JSON (its link is the key)."""
    content = event.sync(
        lambda session, e: data.registration_data(
            e, registrations.registration_by_token(session, e, token)
        )
    )
    return download(content, f"{event.code.upper()}-my-registration.json")


@router.get("/e/{code}/registration/{token}/erase", include_in_schema=False)
def registration_erase_page(
    event: EventDep, token: str, request: Request, state: StateDep
) -> Response:
    """Ask the registrant to confirm erasing their registration."""

    def show(session: Session, e: Event) -> Response:
        event_language(request, e)
        registrations.registration_by_token(session, e, token)
        action = f"/e/{e.code}/registration/{token}/erase"
        return render(request, state, "erase.html", {"event": e, "action": action, "what": "r"})

    return event.sync(show)


@router.post("/e/{code}/registration/{token}/erase", include_in_schema=False)
async def registration_erase_form(
    event: EventDep, token: str, request: Request, state: StateDep
) -> Response:
    """Erase a registration by its link: its seat goes on, its address is free again."""
    form = await request.form()

    def run(session: Session, e: Event) -> tuple[Event, data.Erased]:
        registration = registrations.registration_by_token(session, e, token)
        _confirmed(form)
        subject = f"registration {registration.id}"
        erased = data.erase_registration(session, registration)
        audit.record(session, e, audit.PARTICIPANT, "registration.erased_self", subject)
        return e, erased

    erased_event, erased = await event.run(run)
    after_erase(state, erased_event.id, erased)
    event_language(request, erased_event)
    return render(request, state, "erased.html", {"event": erased_event, "what": "registration"})


# -- the organisers' search, export and erasure ----------------------------------------------


def check_data_organiser(
    request: Request, state: AppState, session: Session, event: Event
) -> audit.Actor:
    """Refuse unless the event's organiser or a co-moderator is signed in; return them.

    The moderator link is refused too: exports and erasures name who did them.
    """
    check_team_member(
        request,
        session,
        event,
        sign_in=_("Sign in with your organiser account to find, export or erase people's data."),
        refused=_(
            "Only the event's organiser and co-moderators may export or erase people's data."
        ),
    )
    return audit.actor_of(request, state, session, event)


def _person(session: Session, event: Event, kind: Kind, person_id: int) -> Any:
    if kind == "registration":
        return data.get_registration(session, event, person_id)
    return data.get_participant(session, event, person_id)


@router.get("/e/{code}/people", include_in_schema=False)
def people_page(
    event: EventDep,
    request: Request,
    state: StateDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Find people by registration e-mail or name, or participants by the name they gave."""

    def show(session: Session, e: Event) -> Response:
        check_data_organiser(request, state, session, e)
        context = {
            "event": e,
            "q": q,
            "found": data.find_people(session, e, q),
        }
        return render(request, state, "people.html", context)

    return event.sync(show)


@router.post("/e/{code}/people/{kind}/{person_id}/export", tags=["privacy"])
def export_person(
    event: EventDep, kind: Kind, person_id: IdPath, request: Request, state: StateDep
) -> Response:
    """Download one person's data as JSON (the event's organiser and co-moderators)."""

    def run(session: Session, e: Event) -> dict[str, Any]:
        actor = check_data_organiser(request, state, session, e)
        person = _person(session, e, kind, person_id)
        content = (
            data.registration_data(e, person)
            if kind == "registration"
            else data.participant_data(session, e, person)
        )
        audit.record(session, e, actor, "person.exported", f"{kind} {person_id}")
        return content

    content = event.sync(run)
    return download(content, f"{event.code.upper()}-{kind}-{person_id}.json")


@router.post("/e/{code}/people/{kind}/{person_id}/erase", include_in_schema=False)
async def erase_person(
    event: EventDep, kind: Kind, person_id: IdPath, request: Request, state: StateDep
) -> Response:
    """Erase one person's data (the event's organiser and co-moderators), then search again."""
    form = await request.form()
    q = str(form.get("q") or "")[:200]

    def run(session: Session, e: Event) -> tuple[int, data.Erased]:
        actor = check_data_organiser(request, state, session, e)
        person = _person(session, e, kind, person_id)
        _confirmed(form)
        erased = (
            data.erase_registration(session, person)
            if kind == "registration"
            else data.erase_participant(session, e, person)
        )
        audit.record(session, e, actor, "person.erased", f"{kind} {person_id}")
        return e.id, erased

    event_id, erased = await event.run(run)
    after_erase(state, event_id, erased)
    message = (
        _("Registration {id} is erased.")
        if kind == "registration"
        else _("Participant {id} and everything they contributed are erased.")
    ).format(id=person_id)
    url = f"/e/{event.code.upper()}/people" + (f"?{urlencode({'q': q})}" if q else "")
    return redirect_with_notice(state, url, Notice("privacy", message))
