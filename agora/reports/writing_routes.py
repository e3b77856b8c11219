"""The URLs of writing the report and sharing it: the report page, its forms, the public link.

Part of the reports router (``agora.reports.routes`` includes it). The report page is for
the event's moderators (its organiser, co-moderators, the moderator link); every change is
a plain form post that redirects back with a notice, so the page works without JavaScript.
A refused section keeps what was typed. ``/r/{token}`` shows the report to anyone with the
link while it is on, never with the list of registrations. docs/reports.md describes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from agora.accounts.deps import current_organiser
from agora.accounts.models import Organiser
from agora.core.errors import AgoraError, NotFound
from agora.core.i18n import _
from agora.events.deps import EventScope, ModeratedEventDep
from agora.events.models import Event
from agora.events.services import normalize_code
from agora.reports.drafts import Draft, drafts
from agora.reports.exports import FORMATS
from agora.reports.html import to_html
from agora.reports.model import build_report
from agora.reports.narrative import SECTION_NAMES, section_title
from agora.takeaways import report_writing as writing
from agora.web.deps import IdPath, StateDep, WorkDep
from agora.web.links import base_url, qr_svg
from agora.web.notices import Notice, page_response, redirect_with_notice, take_notice
from agora.web.state import AppState

router = APIRouter()

PAGE = "/e/{code}/report"

#: The formats the page links to, with their names.
FORMAT_LABELS = {
    "html": "HTML",
    "pdf": "PDF",
    "docx": "Word",
    "md": "Markdown",
    "xlsx": "Excel",
    "csv": "CSV",
    "json": "JSON",
}


def page_url(code: str, anchor: str = "") -> str:
    """Return the address of an event's report page, at ``anchor``."""
    return f"/e/{normalize_code(code)}/report" + (f"#{anchor}" if anchor else "")


def _author(request: Request, session: Session) -> writing.Author:
    organiser = current_organiser(request, session)
    return writing.Author(organiser.id if organiser else None)


def _draft(session: Session, event: Event, key: str) -> Draft:
    """Return the proposed sentence ``key`` as the report's figures give it now."""
    found = next((d for d in drafts(build_report(session, event)) if d.key == key), None)
    if found is None:
        raise NotFound(_("This proposed sentence no longer follows from the figures."))
    return found


# -- the page ------------------------------------------------------------------------------


def _context(
    request: Request,
    state: AppState,
    session: Session,
    event: Event,
    typed: dict[str, str],
    edit: str | None = None,
) -> dict[str, Any]:
    report = build_report(session, event)
    settings = writing.report_settings(session, event.id)
    dropped = set(settings.dropped_drafts)
    proposed = drafts(report)
    history = {name: writing.revisions(session, event.id, name) for name in SECTION_NAMES}
    edited = next((d for d in proposed if d.key == edit), None)
    if edited is not None and edited.section not in typed:
        rows = history[edited.section]
        typed = {
            **typed,
            edited.section: writing.appended(rows[0].text if rows else "", edited.text),
        }
    ids = {int(r.author) for rows in history.values() for r in rows if r.author.isdigit()}
    emails = dict(
        session.execute(select(Organiser.id, Organiser.email).where(Organiser.id.in_(ids))).all()
        if ids
        else []
    )
    sections = []
    for name in SECTION_NAMES:
        rows = history[name]
        current = rows[0].text if rows else ""
        sections.append(
            {
                "name": name,
                "title": section_title(name),
                "text": typed.get(name, current),
                "revisions": [
                    {
                        "id": r.id,
                        "at": r.created_at,
                        "by": emails.get(int(r.author), _("an organiser"))
                        if r.author.isdigit()
                        else _("a moderator (moderator link)"),
                        "text": r.text,
                        "current": i == 0,
                    }
                    for i, r in enumerate(rows)
                ],
                "drafts": [
                    d
                    for d in proposed
                    if d.section == name and d.key not in dropped and d.text not in current
                ],
            }
        )
    public_url = (
        f"{base_url(request, state)}/r/{settings.share_token}" if settings.share_token else ""
    )
    return {
        "event": event,
        "sections": sections,
        "annex": settings.participant_annex,
        "public_url": public_url,
        "public_qr": qr_svg(public_url, inline=True) if public_url else "",
        "dropped": len(dropped),
        "formats": [(fmt, FORMAT_LABELS.get(fmt, fmt)) for fmt in FORMATS],
        "max_length": writing.MAX_SECTION_LENGTH,
    }


async def _page(
    request: Request,
    state: AppState,
    event: EventScope,
    *,
    typed: dict[str, str] | None = None,
    error: AgoraError | None = None,
    place: str = "",
    edit: str | None = None,
) -> Response:
    context = await event.run(
        lambda session, e: _context(request, state, session, e, typed or {}, edit)
    )
    notice = Notice(place, error.message, error=True) if error else take_notice(request, state)
    response = state.templates.TemplateResponse(
        request,
        "reports/writing.html",
        {**context, "notice": notice},
        status_code=error.status_code if error else 200,
    )
    return page_response(request, response)


@router.get(PAGE, include_in_schema=False)
async def report_page(
    request: Request,
    state: StateDep,
    event: ModeratedEventDep,
    edit: Annotated[str | None, Query(max_length=60)] = None,
) -> Response:
    """Show the report page: its formats, the four sections to write, its publishing.

    ``edit`` names a proposed sentence to put at the end of its section's text, unsaved,
    for the organiser to change before saving.
    """
    return await _page(request, state, event, edit=edit)


# -- the sections --------------------------------------------------------------------------


@router.post(PAGE + "/sections/{section}", include_in_schema=False)
async def save_section(
    section: str, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Save a section's text as a new revision; refused, the page keeps what was typed."""
    form = await request.form()
    text = form.get("text")
    typed = text if isinstance(text, str) else ""

    def run(session: Session, e: Event) -> bool:
        author = _author(request, session)
        return writing.save_section(session, e, section, typed, author) is not None

    try:
        saved = await event.run(run)
    except AgoraError as exc:
        if section not in SECTION_NAMES:
            return await _page(request, state, event, error=exc, place="report")
        return await _page(
            request, state, event, typed={section: typed}, error=exc, place=f"section-{section}"
        )
    message = _("The section is saved.") if saved else _("Nothing changed: the text is the same.")
    notice = Notice(f"section-{section}", message)
    return redirect_with_notice(state, page_url(event.code, f"section-{section}"), notice)


async def _act(
    request: Request,
    state: AppState,
    event: EventScope,
    run: Callable[[Session, Event], str],
    message: str,
) -> Response:
    """Run a change to a section; show it with ``message``, or the page with the error."""
    try:
        section = await event.run(run)
    except AgoraError as exc:
        return await _page(request, state, event, error=exc, place="report")
    notice = Notice(f"section-{section}", message)
    return redirect_with_notice(state, page_url(event.code, f"section-{section}"), notice)


@router.post(PAGE + "/revisions/{revision_id}/restore", include_in_schema=False)
async def restore_revision(
    revision_id: IdPath, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Make an earlier revision's text current again (as a new revision)."""

    def run(session: Session, e: Event) -> str:
        return writing.restore_revision(session, e, revision_id, _author(request, session)).section

    return await _act(request, state, event, run, _("The earlier text is current again."))


# -- the proposed sentences ----------------------------------------------------------------


@router.post(PAGE + "/drafts/{key}/accept", include_in_schema=False)
async def accept_draft(
    key: str, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Add a proposed sentence at the end of its section."""

    def run(session: Session, e: Event) -> str:
        found = _draft(session, e, key)
        writing.append_to_section(session, e, found.section, found.text, _author(request, session))
        return found.section

    return await _act(request, state, event, run, _("The sentence is added to the section."))


@router.post(PAGE + "/drafts/{key}/drop", include_in_schema=False)
async def drop_draft(
    key: str, request: Request, state: StateDep, event: ModeratedEventDep
) -> Response:
    """Hide a proposed sentence."""

    def run(session: Session, e: Event) -> str:
        found = _draft(session, e, key)
        writing.drop_draft(session, e, found.key)
        return found.section

    return await _act(request, state, event, run, _("The sentence is dropped."))


@router.post(PAGE + "/drafts/show", include_in_schema=False)
async def show_drafts(state: StateDep, event: ModeratedEventDep) -> Response:
    """Show every dropped proposed sentence again."""
    await event.run(writing.show_dropped_drafts)
    notice = Notice("report", _("The dropped sentences are shown again."))
    return redirect_with_notice(state, page_url(event.code), notice)


# -- publishing ----------------------------------------------------------------------------


@router.post(PAGE + "/annex", include_in_schema=False)
async def set_annex(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Say whether the report lists the people who registered."""
    on = (await request.form()).get("on") == "1"

    def run(session: Session, e: Event) -> None:
        writing.set_participant_annex(session, e, on)
        event.record(session, e, "report.annex_on" if on else "report.annex_off")

    await event.run(run)
    message = (
        _("The report now lists who registered (not at the public link).")
        if on
        else _("The report lists no one who registered.")
    )
    return redirect_with_notice(state, page_url(event.code, "publish"), Notice("publish", message))


@router.post(PAGE + "/link", include_in_schema=False)
async def set_link(request: Request, state: StateDep, event: ModeratedEventDep) -> Response:
    """Switch the public read-only link on (a new address) or off (the old one stops)."""
    on = (await request.form()).get("on") == "1"

    def run(session: Session, e: Event) -> None:
        writing.set_public_link(session, e, on)
        event.record(session, e, "report.link_on" if on else "report.link_off")

    await event.run(run)
    message = (
        _("The public link is on: anyone who has it can read the report.")
        if on
        else _("The public link is off: it no longer shows the report.")
    )
    return redirect_with_notice(state, page_url(event.code, "publish"), Notice("publish", message))


# -- the public link -------------------------------------------------------------------------


@router.get("/r/{token}", include_in_schema=False)
def shared_report(token: str, work: WorkDep) -> Response:
    """Show the report read-only to anyone with the link (never the list of registrations)."""

    def load(session: Session) -> str:
        event = session.get(Event, writing.shared_event_id(session, token[:100]))
        if event is None:  # deleted events take their settings along; never reached
            raise NotFound(_("There is no report at this link (it may have been switched off)."))
        return to_html(build_report(session, event, annex=False))

    page = work.sync(load)
    return HTMLResponse(
        page, headers={"x-robots-tag": "noindex, nofollow", "cache-control": "no-store"}
    )
