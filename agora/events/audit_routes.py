"""The audit log's page and API: what was moderated on an event, by whom and when.

Only people with an account read it: the event's organiser and its co-moderators, signed
in or with an API token. The moderator link is refused on purpose: whoever holds it acts
under the name "moderator link", and the log is how the team sees what such a link did.
Included by ``routes.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agora.core.i18n import _
from agora.events.audit import PAGE, action_label, actor_label, entries
from agora.events.deps import EventDep, check_team_member
from agora.events.models import Event
from agora.events.schemas import AuditEntryOut, AuditLogOut
from agora.events.times import DEFAULT_TIME_ZONE, local_time
from agora.web.deps import StateDep

router = APIRouter()


def check_reader(request: Request, session: Session, event: Event) -> None:
    """Refuse unless the event's organiser or a co-moderator is signed in."""
    check_team_member(
        request,
        session,
        event,
        sign_in=_("Sign in with your organiser account to read the audit log of this event."),
        refused=_("Only the event's organiser and its co-moderators may read its audit log."),
    )


def audit_log(request: Request, session: Session, event: Event) -> AuditLogOut:
    """Return ``event``'s latest entries for a member of its team (checked here)."""
    check_reader(request, session, event)
    return AuditLogOut(
        code=event.code,
        time_zone=event.time_zone or DEFAULT_TIME_ZONE,
        entries=[
            AuditEntryOut(
                at=entry.at,
                local_time=local_time(entry.at, event, date=True),
                actor=actor_label(entry.actor),
                organiser_id=entry.organiser_id,
                action=entry.action,
                action_label=action_label(entry.action),
                subject=entry.subject,
            )
            for entry in entries(session, event)
        ],
    )


@router.get("/e/{code}/audit", include_in_schema=False)
def audit_page(event: EventDep, request: Request, state: StateDep) -> Response:
    """Show the event's audit log: the latest entries, newest first, in the event's zone."""

    def load(session: Session, e: Event) -> tuple[Event, AuditLogOut]:
        return e, audit_log(request, session, e)

    found, log = event.sync(load)
    return state.templates.TemplateResponse(
        request,
        "events/audit.html",
        {"event": found, "log": log, "page": PAGE},
        headers={"cache-control": "no-store"},
    )


@router.get("/api/v1/events/{code}/audit", tags=["events"])
def read_audit_log(event: EventDep, request: Request) -> AuditLogOut:
    """Return the event's latest audit entries, newest first (its organiser and co-moderators)."""
    return event.sync(lambda session, e: audit_log(request, session, e))
