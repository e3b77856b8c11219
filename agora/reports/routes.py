"""Every URL of the reports: moderators download the report in each format, or read its JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.events.deps import EventScope, ModeratedEventDep
from agora.events.models import Event
from agora.reports.benefit_routes import router as benefit_router
from agora.reports.exports import FORMATS, FormatUnavailable, media_type, renderer, report_json
from agora.reports.html import to_html
from agora.reports.model import Report, build_report
from agora.reports.writing_routes import router as writing_router
from agora.takeaways.report_writing import report_settings

router = APIRouter()

# The routes are plain functions: FastAPI runs them in a worker thread, where the report is
# built in one unit of work (after the moderator check) and then written without a session
# (a PDF takes a while), the event loop free all along.


def downloads(code: str) -> list[tuple[str, str]]:
    """Return (label, URL) of the files the report's web page links to, in its order."""
    base = f"/e/{code}/report"
    return [
        (_("PDF"), f"{base}.pdf"),
        (_("Word"), f"{base}.docx"),
        (_("Markdown"), f"{base}.md"),
        (_("Excel"), f"{base}.xlsx"),
        (_("CSV (zip)"), f"{base}.csv"),
        (_("JSON"), f"{base}.json"),
        (_("Web page"), f"{base}.html?download=1"),
    ]


def _build(session: Session, event: Event) -> Report:
    """Build the report, with the registrations only if the organiser switched them on."""
    return build_report(session, event, annex=report_settings(session, event.id).participant_annex)


def _download(event: EventScope, fmt: str) -> Response:
    """Build the report, write it in ``fmt`` and send it as a file."""
    report = event.sync(_build)
    try:
        write = renderer(fmt)
    except FormatUnavailable as exc:
        raise NotFound(
            _("The {format} format is not available in this build.").format(format=exc.fmt)
        ) from None
    filename = f"{report.code.lower()}-report.{FORMATS[fmt][1]}"
    return Response(
        write(report),
        media_type=media_type(fmt),
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


def _page(event: EventScope) -> Response:
    """Send the report's web page to read in the browser, linking to every file."""
    report = event.sync(_build)
    return HTMLResponse(
        to_html(report, downloads=downloads(report.code)),
        headers={"cache-control": "no-store", "x-robots-tag": "noindex"},
    )


@router.get("/e/{code}/report.{fmt}", include_in_schema=False)
def download_report(
    fmt: str, event: ModeratedEventDep, download: Annotated[bool, Query()] = False
) -> Response:
    """Send the event's report in ``fmt`` (html, pdf, docx, md, xlsx, json, csv).

    The web page opens in the browser (``?download=1`` saves it as a file); the other
    formats come as files.
    """
    if fmt not in FORMATS:
        raise NotFound(_("Reports come as {formats}.").format(formats=", ".join(FORMATS)))
    if fmt == "html" and not download:
        return _page(event)
    return _download(event, fmt)


#: The report's answer in the OpenAPI document: JSON data or a file in each format.
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON data, or a file in the format asked for",
        "content": {
            FORMATS[fmt][0].split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for fmt in FORMATS
            if fmt != "json"
        },
    }
}


@router.get("/api/v1/events/{code}/report", tags=["reports"], responses=REPORT_RESPONSES)
def report_api(
    event: ModeratedEventDep,
    format: Annotated[str, Query(pattern="^(json|md|xlsx|csv|html|pdf|docx)$")] = "json",
) -> Response:
    """Return the event's report: JSON data (``docs/report-schema.json``) or a file."""
    if format == "json":
        data = report_json(event.sync(_build))
        return JSONResponse(data, headers={"cache-control": "no-store"})
    return _download(event, format)


router.include_router(writing_router)  # the report page and the public link (writing_routes.py)
router.include_router(benefit_router)  # the benefit analysis' downloads (benefit_routes.py)
