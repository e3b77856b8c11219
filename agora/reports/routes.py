"""Every URL of the reports: moderators download the report in each format, or read its JSON."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from agora.core.errors import NotFound
from agora.core.i18n import _
from agora.events.deps import check_moderator
from agora.events.services import get_event
from agora.reports.exports import FORMATS, FormatUnavailable, media_type, renderer, report_json
from agora.reports.model import build_report
from agora.web.deps import StateDep
from agora.web.state import AppState

router = APIRouter()


def _report_file(request: Request, state: AppState, code: str, fmt: str) -> tuple[str, bytes]:
    """Check the moderator, build the report in one session, then write it; run in a thread."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
        report = build_report(session, event)
    try:
        write = renderer(fmt)
    except FormatUnavailable as exc:
        raise NotFound(
            _("The {format} format is not available in this build.").format(format=exc.fmt)
        ) from None
    return report.code, write(report)


def _report_data(request: Request, state: AppState, code: str) -> dict[str, Any]:
    """Check the moderator and return the report as JSON data; run in a thread."""
    with state.db.session() as session:
        event = get_event(session, code)
        check_moderator(request, state, session, event)
        report = build_report(session, event)
    return report_json(report)


def _download(code: str, fmt: str, content: bytes) -> Response:
    filename = f"{code.lower()}-report.{FORMATS[fmt][1]}"
    return Response(
        content,
        media_type=media_type(fmt),
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


@router.get("/e/{code}/report.{fmt}", include_in_schema=False)
async def download_report(code: str, fmt: str, request: Request, state: StateDep) -> Response:
    """Send the event's report as a file in ``fmt`` (html, pdf, docx, md, xlsx, json, csv)."""
    if fmt not in FORMATS:
        raise NotFound(_("Reports come as {formats}.").format(formats=", ".join(FORMATS)))
    event_code, content = await anyio.to_thread.run_sync(_report_file, request, state, code, fmt)
    return _download(event_code, fmt, content)


@router.get("/api/v1/events/{code}/report", tags=["reports"])
async def report_api(
    code: str,
    request: Request,
    state: StateDep,
    format: Annotated[str, Query(pattern="^(json|md|xlsx|csv|html|pdf|docx)$")] = "json",
) -> Response:
    """Return the event's report: JSON data (``docs/report-schema.json``) or a file."""
    if format == "json":
        data = await anyio.to_thread.run_sync(_report_data, request, state, code)
        return JSONResponse(data, headers={"cache-control": "no-store"})
    event_code, content = await anyio.to_thread.run_sync(_report_file, request, state, code, format)
    return _download(event_code, format, content)
