"""What the account pages share: rendering, signing in, password mails, the team page's context.

The URLs themselves are all in ``routes.py``; these helpers keep its routes thin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from agora.accounts import services, team
from agora.accounts.deps import current_organiser
from agora.accounts.mail import Mail, deliver, mail_configured, password_mail
from agora.accounts.models import Organiser
from agora.core.db import utcnow
from agora.core.errors import AgoraError, NotAuthenticated
from agora.core.i18n import _, current_language, set_language
from agora.web.deps import ORGANISER_COOKIE, WorkDep
from agora.web.links import base_url, event_links
from agora.web.notices import page_response, take_notice
from agora.web.state import AppState

log = logging.getLogger(__name__)
#: How long a sign-in lasts in a browser.
SIGN_IN_AGE = 60 * 60 * services.SIGN_IN_HOURS
#: A link's secret in a URL: what ``new_link_token`` makes, with room to spare.
TokenPath = Annotated[str, Path(min_length=1, max_length=100)]
NextQuery = Annotated[str, Query(alias="next", max_length=500)]


def safe_next(value: str | None) -> str | None:
    """Return ``value`` if it is a path on this site to go on to after signing in, else None."""
    if not value or len(value) > 500 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 33 for c in value):
        return None
    return value


def render(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """Render an accounts page; it may show the notice a form post left for it."""
    context = {"notice": take_notice(request, state), **(context or {})}
    response = state.templates.TemplateResponse(
        request, f"accounts/{template}", context, status_code=status_code
    )
    return page_response(request, response)


def refused(
    request: Request, state: AppState, error: AgoraError, back: str | None = None
) -> Response:
    """Show why a page is refused; to someone not signed in, the way to sign in.

    ``back`` is the page to return to after signing in (this one, for a page).
    """
    if back is None and request.method == "GET":
        back = request.url.path
    return render(
        request,
        state,
        "refused.html",
        {"error": error, "next": safe_next(back) or ""},
        status_code=error.status_code,
    )


def sign_in(response: Response, request: Request, secret: str) -> Response:
    """Sign the organiser in on this browser (SameSite=Strict, HttpOnly).

    ``secret`` comes from :func:`services.open_sign_in`, in the request's unit of work.
    """
    response.set_cookie(
        ORGANISER_COOKIE,
        secret,
        max_age=SIGN_IN_AGE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def signup_context(state: AppState) -> dict[str, Any]:
    """Tell the pages whether they may offer sign-up."""
    return {"signup_open": state.settings.signup == "open"}


def password_mail_for(base: str, issued: services.IssuedLink, after: str = "") -> Mail:
    """Return the e-mail with a password link, which leads on to ``after`` once used."""
    url = f"{base}/password/link/{issued.token}"
    if after:
        url += f"?next={quote(after, safe='/')}"
    return password_mail(issued, url, f"{base}/login")


@dataclass(frozen=True)
class LinkRequest:
    """Someone asked for a password link: handled once the page has gone (``send_link``)."""

    email: str
    signup: bool
    name: str = ""
    #: Where the site is (for the link), where the link leads once used, and the language
    #: of the page the person saw (the e-mail speaks it too).
    base: str = ""
    after: str = ""
    language: str = "en"

    @classmethod
    def of(
        cls, request: Request, state: AppState, email: str, *, signup: bool, **rest: str
    ) -> LinkRequest:
        """Return the request of a form that passed its checks."""
        return cls(
            email, signup, base=base_url(request, state), language=current_language(), **rest
        )


def send_link(state: AppState, asked: LinkRequest) -> None:
    """Make the password link and send it, after the response (a background task).

    Whether the address has an account, or had enough links lately, changes what happens
    here but neither the page nor how long it took: nothing tells them apart.
    """
    set_language(asked.language)
    try:
        with state.db.session() as session:
            if asked.signup:
                issued = services.request_signup(session, email=asked.email, name=asked.name)
            else:
                issued = services.request_password_reset(session, email=asked.email)
    except Exception:
        log.exception("could not make a password link for %s", asked.email)
        return
    if issued is not None:
        deliver(state.settings, password_mail_for(asked.base, issued, asked.after))


def mail_context(state: AppState) -> dict[str, Any]:
    """Tell the pages whether links are e-mailed (else they go to the log)."""
    return {"mailed": mail_configured(state.settings)}


def link_view(session: Session, token: str) -> dict[str, Any]:
    """Return what the password page shows of a usable link (or raise why it is not)."""
    link = services.password_link(session, token)
    owner = session.get(Organiser, link.organiser_id)
    return {
        "purpose": link.purpose.value,
        "email": owner.email if owner else "",
        "min_password": services.MIN_PASSWORD,
    }


def member_scope(request: Request, session: Session, code: str) -> tuple[Organiser, team.TeamEvent]:
    """Return the signed-in organiser and the event, if they moderate it (401 or 403 if not)."""
    organiser = current_organiser(request, session)
    if organiser is None:
        raise NotAuthenticated(_("Sign in as organiser to see the event's team."))
    event = team.team_event(session, code)
    team.check_member(session, event, organiser)
    return organiser, event


def owner_scope(request: Request, session: Session, code: str) -> tuple[Organiser, team.TeamEvent]:
    """Return the signed-in organiser and the event, if they own it (401 or 403 if not)."""
    organiser = current_organiser(request, session)
    if organiser is None:
        raise NotAuthenticated(_("Sign in as organiser to manage the event's team."))
    event = team.team_event(session, code)
    team.check_owner(event, organiser)
    return organiser, event


def team_context(
    request: Request, state: AppState, session: Session, organiser: Organiser, event: team.TeamEvent
) -> dict[str, Any]:
    """Return what the team page shows to ``organiser`` (its owner sees links and invitations)."""
    owner = organiser.id == event.organiser_id
    invitations = team.pending_invitations(session, event) if owner else []
    return {
        "event": event,
        "organiser": organiser,
        "owner": owner,
        "members": team.members(session, event),
        "invitations": invitations,
        "links": event_links(request, state, event) if owner else {},
        "mailed": mail_configured(state.settings),
        "invitation_days": team.INVITATION_DAYS,
        "now": utcnow(),
    }


def team_url(event: team.TeamEvent) -> str:
    """Return the address of the event's team page."""
    return f"/e/{event.code}/team"


def team_with_error(
    request: Request,
    state: AppState,
    work: WorkDep,
    code: str,
    error: AgoraError,
    values: dict[str, str],
) -> Response:
    """Show the team page again with why a form was refused, and what was typed."""

    def load(session: Session) -> dict[str, Any]:
        organiser, event = owner_scope(request, session, code)
        return team_context(request, state, session, organiser, event)

    try:
        context = work.sync(load)
    except AgoraError as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    errors = {error.field or "form": error.message}
    return render(
        request,
        state,
        "team.html",
        {**context, "values": values, "errors": errors},
        status_code=error.status_code,
    )
