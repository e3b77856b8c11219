"""Every URL of organiser accounts: sign up, sign in and out, password links, an event's team."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from agora.accounts import services, team
from agora.accounts.deps import current_organiser
from agora.accounts.mail import (
    MailNotSent,
    invitation_mail,
    mail_configured,
    send_mail,
)
from agora.accounts.pages import (
    LinkRequest,
    NextQuery,
    TokenPath,
    link_view,
    mail_context,
    member_scope,
    owner_scope,
    refused,
    render,
    safe_next,
    send_link,
    sign_in,
    signup_context,
    team_context,
    team_url,
    team_with_error,
)
from agora.core.errors import AgoraError, InvalidInput, NotAllowed, NotAuthenticated
from agora.core.i18n import _
from agora.web.deps import ORGANISER_COOKIE, IdPath, StateDep, WorkDep
from agora.web.links import base_url
from agora.web.notices import Notice, redirect_with_notice

router = APIRouter()

# -- signing in and out --------------------------------------------------------------------


@router.get("/login", include_in_schema=False)
def login_page(request: Request, state: StateDep, work: WorkDep, next: NextQuery = "") -> Response:
    """Ask an organiser for e-mail address and password (or go on, if signed in already)."""
    after = safe_next(next)
    if after and work.sync(lambda session: current_organiser(request, session)) is not None:
        return RedirectResponse(after, status_code=303)
    return render(request, state, "login.html", {"next": after or "", **signup_context(state)})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    state: StateDep,
    work: WorkDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Sign an organiser in and show their events (or the page they came from)."""
    after = safe_next(next)

    def run(session: Session) -> str:
        organiser = services.authenticate(session, email=email, password=password)
        return services.open_sign_in(session, organiser)

    try:
        secret = work.sync(run)
    except AgoraError as exc:
        return render(
            request,
            state,
            "login.html",
            {"error": exc, "email": email, "next": after or "", **signup_context(state)},
            status_code=401,
        )
    return sign_in(RedirectResponse(after or "/events", status_code=303), request, secret)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, state: StateDep, work: WorkDep) -> Response:
    """Sign the organiser out: the sign-in ends on the server, a copy of the cookie is void."""
    secret = request.cookies.get(ORGANISER_COOKIE)
    if secret:
        work.sync(lambda session: services.end_sign_in(session, secret))
    response = redirect_with_notice(state, "/login", Notice("login", _("You are signed out.")))
    response.delete_cookie(ORGANISER_COOKIE)
    return response


# -- a new account -------------------------------------------------------------------------


@router.get("/signup", include_in_schema=False)
def signup_page(request: Request, state: StateDep, next: NextQuery = "") -> Response:
    """Ask for the name and e-mail address of a new organiser account (when sign-up is open)."""
    if state.settings.signup != "open":
        return render(request, state, "signup.html", {"closed": True}, status_code=404)
    return render(request, state, "signup.html", {"values": {}, "next": safe_next(next) or ""})


@router.post("/signup", include_in_schema=False)
def signup(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Send a link to choose a password; the page reads the same whether the address is known."""
    if state.settings.signup != "open":
        return render(request, state, "signup.html", {"closed": True}, status_code=404)
    after = safe_next(next) or ""
    try:
        address, name = services.normalize_email(email), services.check_name(name)
    except InvalidInput as exc:
        return render(
            request,
            state,
            "signup.html",
            {
                "values": {"name": name, "email": email},
                "errors": {exc.field: exc.message},
                "next": after,
            },
            status_code=exc.status_code,
        )
    asked = LinkRequest.of(request, state, address, signup=True, name=name, after=after)
    background.add_task(send_link, state, asked)
    return render(
        request,
        state,
        "link_sent.html",
        {"email": address, "purpose": "signup", **mail_context(state)},
    )


# -- a forgotten password ------------------------------------------------------------------


@router.get("/password/forgot", include_in_schema=False)
def forgot_page(request: Request, state: StateDep) -> Response:
    """Ask for the address of the account whose password was forgotten."""
    return render(request, state, "forgot.html", {"email": ""})


@router.post("/password/forgot", include_in_schema=False)
def forgot(
    request: Request,
    state: StateDep,
    background: BackgroundTasks,
    email: Annotated[str, Form()] = "",
) -> Response:
    """Send a one-time link to choose a new password, if the address has an account.

    The page, and how long it takes, are the same either way: the link is made and sent
    after the response, so nobody learns whether an address has an account.
    """
    try:
        address = services.normalize_email(email)
    except InvalidInput as exc:
        return render(
            request,
            state,
            "forgot.html",
            {"email": email, "error": exc},
            status_code=exc.status_code,
        )
    background.add_task(send_link, state, LinkRequest.of(request, state, address, signup=False))
    return render(
        request,
        state,
        "link_sent.html",
        {"email": address, "purpose": "reset", **mail_context(state)},
    )


@router.get("/password/link/{token}", include_in_schema=False)
def password_page(
    token: TokenPath, request: Request, state: StateDep, work: WorkDep, next: NextQuery = ""
) -> Response:
    """Ask for the new password, or say why the link no longer works."""
    try:
        link = work.sync(lambda session: link_view(session, token))
    except AgoraError as exc:
        return render(
            request, state, "password.html", {"link_error": exc}, status_code=exc.status_code
        )
    return render(request, state, "password.html", {**link, "next": safe_next(next) or ""})


@router.post("/password/link/{token}", include_in_schema=False)
def set_password(
    token: TokenPath,
    request: Request,
    state: StateDep,
    work: WorkDep,
    password: Annotated[str, Form()] = "",
    confirmation: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=500)] = "",
    next_in_link: NextQuery = "",
) -> Response:
    """Set the new password, sign in and go on; nothing changes if the password is refused."""
    after = safe_next(next or next_in_link)

    def run(session: Session) -> str:
        organiser = services.set_password_by_link(
            session, token=token, password=password, confirmation=confirmation
        )
        return services.open_sign_in(session, organiser)  # the others ended with the old one

    try:
        secret = work.sync(run)
    except InvalidInput as exc:  # rolled back: the form again, the link still unused
        link = work.sync(lambda session: link_view(session, token))
        return render(
            request,
            state,
            "password.html",
            {**link, "next": after or "", "errors": {exc.field: exc.message}},
            status_code=exc.status_code,
        )
    except AgoraError as exc:
        return render(
            request, state, "password.html", {"link_error": exc}, status_code=exc.status_code
        )
    return sign_in(RedirectResponse(after or "/events", status_code=303), request, secret)


# -- an event's team -----------------------------------------------------------------------


@router.get("/e/{code}/team", include_in_schema=False)
def team_page(code: str, request: Request, state: StateDep, work: WorkDep) -> Response:
    """Show who moderates the event; its organiser also invites, removes and replaces links."""

    def load(session: Session) -> dict[str, Any]:
        organiser, event = member_scope(request, session, code)
        return team_context(request, state, session, organiser, event)

    try:
        context = work.sync(load)
    except AgoraError as exc:
        return refused(request, state, exc)
    return render(request, state, "team.html", {**context, "values": {}, "errors": {}})


@router.post("/e/{code}/team/invite", include_in_schema=False)
def invite_by_email(
    code: str,
    request: Request,
    state: StateDep,
    work: WorkDep,
    email: Annotated[str, Form()] = "",
) -> Response:
    """E-mail an invitation to co-moderate (or, with no mail server, show its link to pass on)."""

    def run(session: Session) -> tuple[team.TeamEvent, team.IssuedInvitation, str]:
        organiser, event = owner_scope(request, session, code)
        if not email.strip():
            raise InvalidInput(_("Type the e-mail address of the person to invite."), field="email")
        issued = team.invite(session, event, organiser, email=email)
        return event, issued, organiser.name or organiser.email

    try:
        event, issued, inviter = work.sync(run)
    except (NotAuthenticated, NotAllowed) as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    except AgoraError as exc:
        return team_with_error(request, state, work, code, exc, {"email": email})
    url = f"{base_url(request, state)}/invitations/{issued.token}"
    if not mail_configured(state.settings):
        notice = Notice("invitation-unsent", url)
    else:
        mail = invitation_mail(
            issued.email,
            inviter=inviter,
            event_title=event.title,
            url=url,
            days=team.INVITATION_DAYS,
        )
        try:
            send_mail(state.settings, mail)
        except MailNotSent:
            notice = Notice("invitation-failed", url, error=True)
        else:
            notice = Notice(
                "invitation-sent",
                _("The invitation is on its way to {email}.").format(email=issued.email),
            )
    return redirect_with_notice(state, team_url(event), notice)


@router.post("/e/{code}/team/invite-link", include_in_schema=False)
def invite_by_link(code: str, request: Request, state: StateDep, work: WorkDep) -> Response:
    """Create an invitation link for the organiser to pass on; it is shown once."""

    def run(session: Session) -> tuple[team.TeamEvent, team.IssuedInvitation]:
        organiser, event = owner_scope(request, session, code)
        return event, team.invite(session, event, organiser)

    try:
        event, issued = work.sync(run)
    except (NotAuthenticated, NotAllowed) as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    except AgoraError as exc:
        return team_with_error(request, state, work, code, exc, {})
    url = f"{base_url(request, state)}/invitations/{issued.token}"
    return redirect_with_notice(state, team_url(event), Notice("invitation-link", url))


@router.post("/e/{code}/team/invitations/{invitation_id}/withdraw", include_in_schema=False)
def withdraw_invitation(
    code: str, invitation_id: IdPath, request: Request, state: StateDep, work: WorkDep
) -> Response:
    """Withdraw an invitation nobody accepted: its link stops working."""

    def run(session: Session) -> team.TeamEvent:
        organiser, event = owner_scope(request, session, code)
        team.withdraw_invitation(session, event, organiser, invitation_id)
        return event

    try:
        event = work.sync(run)
    except (NotAuthenticated, NotAllowed) as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    except AgoraError as exc:
        return team_with_error(request, state, work, code, exc, {})
    return redirect_with_notice(
        state,
        team_url(event),
        Notice("invitations", _("The invitation is withdrawn; its link no longer works.")),
    )


@router.post("/e/{code}/team/members/{organiser_id}/remove", include_in_schema=False)
def remove_member(
    code: str, organiser_id: IdPath, request: Request, state: StateDep, work: WorkDep
) -> Response:
    """Stop a co-moderator moderating the event."""

    def run(session: Session) -> tuple[team.TeamEvent, str]:
        organiser, event = owner_scope(request, session, code)
        removed = team.remove_co_moderator(session, event, organiser, organiser_id)
        return event, removed.name or removed.email

    try:
        event, who = work.sync(run)
    except (NotAuthenticated, NotAllowed) as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    except AgoraError as exc:
        return team_with_error(request, state, work, code, exc, {})
    return redirect_with_notice(
        state,
        team_url(event),
        Notice("members", _("{name} no longer moderates this event.").format(name=who)),
    )


@router.post("/e/{code}/team/rotate", include_in_schema=False)
def rotate_link(
    code: str,
    request: Request,
    state: StateDep,
    work: WorkDep,
    link: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Replace the moderator or the screen link: the old one stops working at once."""

    def run(session: Session) -> team.TeamEvent:
        organiser, event = owner_scope(request, session, code)
        return team.rotate_link(session, event, organiser, link)

    try:
        event = work.sync(run)
    except (NotAuthenticated, NotAllowed) as exc:
        return refused(request, state, exc, f"/e/{code}/team")
    except AgoraError as exc:
        return team_with_error(request, state, work, code, exc, {})
    message = (
        _("The moderator link is replaced; the old one no longer works.")
        if link == "moderator"
        else _(
            "The screen link is replaced; the old one no longer works. "
            "Open the new one on the projector."
        )
    )
    return redirect_with_notice(state, team_url(event), Notice("links", message))


# -- accepting an invitation ---------------------------------------------------------------


@router.get("/invitations/{token}", include_in_schema=False)
def invitation_page(token: TokenPath, request: Request, state: StateDep, work: WorkDep) -> Response:
    """Show an invitation to co-moderate: accept it, or sign in (or up) first."""

    def load(session: Session) -> dict[str, Any]:
        invitation, event = team.open_invitation(session, token)
        return {
            "event": event,
            "inviter": team.inviter_name(session, invitation),
            "organiser": current_organiser(request, session),
        }

    try:
        context = work.sync(load)
    except AgoraError as exc:
        return render(
            request,
            state,
            "invitation.html",
            {"invitation_error": exc},
            status_code=exc.status_code,
        )
    return render(
        request,
        state,
        "invitation.html",
        {**context, "next": request.url.path, **signup_context(state)},
    )


@router.post("/invitations/{token}", include_in_schema=False)
def accept_invitation(
    token: TokenPath, request: Request, state: StateDep, work: WorkDep
) -> Response:
    """Make the signed-in organiser a co-moderator of the invitation's event."""

    def run(session: Session) -> team.TeamEvent:
        organiser = current_organiser(request, session)
        if organiser is None:
            raise NotAuthenticated(_("Sign in as organiser to accept the invitation."))
        return team.accept_invitation(session, token, organiser)

    try:
        event = work.sync(run)
    except NotAuthenticated as exc:
        return refused(request, state, exc, request.url.path)
    except AgoraError as exc:
        return render(
            request,
            state,
            "invitation.html",
            {"invitation_error": exc},
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/e/{event.code}/moderate", status_code=303)
