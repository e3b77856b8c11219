"""What the registration pages share: rendering, notices after an action, form handling.

The URLs themselves are all in ``routes.py``; these helpers keep its routes thin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from agora.core.errors import AgoraError, InvalidInput
from agora.core.i18n import _, current_language, set_language
from agora.events.models import Event
from agora.registrations import importing, services
from agora.registrations.attendance import attendance
from agora.registrations.countries import country_name, fold, sorted_countries
from agora.registrations.details import Details, InvalidDetails, clean_details
from agora.registrations.models import OrganisationType
from agora.web.links import base_url
from agora.web.state import AppState

#: Rows the moderators' page lists at once; a search narrows longer lists.
LIST_LIMIT = 500
#: Room for the multipart envelope around a file of the largest size accepted.
UPLOAD_OVERHEAD = 64 * 1024
FIELDS = ("name", "email", "organisation", "organisation_type", "country", "place")


def organisation_types() -> list[tuple[str, str]]:
    """Return (value, label) of every organisation type, for a form's select."""
    labels = {
        OrganisationType.city: _("City"),
        OrganisationType.region: _("Region"),
        OrganisationType.network: _("Network"),
        OrganisationType.ngo: _("NGO or non-profit"),
        OrganisationType.company: _("Company"),
        OrganisationType.university: _("University or research"),
        OrganisationType.other: _("Other"),
    }
    return [(kind.value, labels[kind]) for kind in OrganisationType]


def render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render a registrations page with the helpers its templates use."""
    language = current_language()
    helpers = {
        "clock": services.clock,
        "country_name": lambda code: country_name(code, language),
        "countries": sorted_countries(language),
        "organisation_types": organisation_types(),
        "organisation_label": dict(organisation_types()),
        "fold": fold,
    }
    return state.templates.TemplateResponse(
        request, f"registrations/{template}", {**helpers, **context}, status_code=status_code
    )


def event_language(request: Request, event: Event) -> None:
    """Speak the event's language on public pages unless the person chose one."""
    if "agora_lang" not in request.cookies:
        set_language(event.language)


def form_values(form: Any) -> dict[str, str]:
    """Return the registration fields of a submitted form, as text."""
    return {name: str(form.get(name) or "") for name in FIELDS}


def details_of(values: dict[str, str], *, email_required: bool = True) -> Details:
    """Return the validated details of a submitted form."""
    return clean_details(
        name=values["name"],
        email=values["email"],
        organisation=values["organisation"],
        organisation_type=values["organisation_type"],
        country=values["country"],
        place=values["place"],
        email_required=email_required,
    )


def field_errors(exc: AgoraError) -> dict[str, str]:
    """Return the messages of an error by the form field they belong next to."""
    if isinstance(exc, InvalidDetails):
        return {p.field: p.message for p in exc.problems}
    return {exc.field or "form": exc.message}


def list_url(code: str, q: str = "", anchor: str = "") -> str:
    """Return the address of the moderators' registrations page."""
    query = f"?{urlencode({'q': q})}" if q else ""
    return f"/e/{code}/registrations{query}{anchor}"


def list_context(
    request: Request, state: AppState, session: Session, event: Event, q: str
) -> dict[str, Any]:
    """Return what the moderators' registrations page shows (for a ``ModeratedEventDep``)."""
    found = services.search(session, event, q)
    base = base_url(request, state)
    return {
        "event": event,
        "q": q,
        "registrations": found[:LIST_LIMIT],
        "total": len(found),
        "attendance": attendance(session, event),
        "register_url": f"{base}/e/{event.code}/register",
        "walk_in": {},
        "walk_in_errors": {},
        "import_error": None,
    }


async def read_upload(request: Request) -> bytes:
    """Return the CSV or XLSX file of a multipart upload, refusing a body too large to import."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise InvalidInput(_("Send the file as a form upload with a Content-Length."), field="file")
    if int(declared) > importing.MAX_BYTES + UPLOAD_OVERHEAD:
        raise InvalidInput(
            _("The file is larger than 2 MB; split it into several files."), field="file"
        )
    async with request.form(max_files=1, max_fields=20) as form:
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            data = await upload.read(importing.MAX_BYTES + 1)
        else:
            data = (upload or "").encode()
    if not data:
        raise InvalidInput(_("Choose a CSV or XLSX file to import."), field="file")
    return data
