"""The one way a form post tells the next page how it went: a notice, shown once.

A page form (no JavaScript) posts, the route does its work and redirects back; what the
person should read there — "Thank you, your question is in." or why it was refused — goes
in a short-lived signed cookie with the *place* on the page it belongs to (the Q&A form,
a poll question, the registration list). The page reads it with ``take_notice``, shows it
with the ``notice`` macro of ``web/_notice.html`` next to that place, and ``page_response``
forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from agora.core.errors import AgoraError
from agora.web.state import AppState

NOTICE_COOKIE = "agora_notice"
#: Long enough for a slow phone to follow the redirect, short enough to go stale quickly.
NOTICE_AGE = 120


@dataclass(frozen=True)
class Notice:
    """A message for the next page: where it belongs, what it says, and if it is an error."""

    place: str
    message: str
    error: bool = False

    def at(self, place: str) -> bool:
        """Tell whether the notice belongs to ``place`` (templates ask this)."""
        return self.place == place


def redirect_with_notice(
    state: AppState, url: str, notice: Notice | None = None
) -> RedirectResponse:
    """Go back to ``url`` after a form post, leaving ``notice`` for it to show once."""
    response = RedirectResponse(url, status_code=303)
    if notice is not None:
        response.set_cookie(
            NOTICE_COOKIE,
            state.signer.notice(notice.place, notice.message, notice.error),
            max_age=NOTICE_AGE,
            httponly=True,
            samesite="lax",
        )
    return response


def redirect_with_error(state: AppState, url: str, place: str, error: AgoraError) -> Response:
    """Go back to ``url`` and show why the post was refused next to ``place``."""
    return redirect_with_notice(state, url, Notice(place, error.message, error=True))


def take_notice(request: Request, state: AppState) -> Notice | None:
    """Return the notice the previous form post left for this page, if any."""
    cookie = request.cookies.get(NOTICE_COOKIE)
    found = state.signer.read_notice(cookie) if cookie else None
    return None if found is None else Notice(*found)


def page_response(request: Request, response: Response) -> Response:
    """Forget the notice once a page has shown it."""
    if NOTICE_COOKIE in request.cookies:
        response.delete_cookie(NOTICE_COOKIE)
    return response


def render_page(
    request: Request,
    state: AppState,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render a page that shows the previous form's notice once (``notice``; the context's
    own ``notice`` wins)."""
    response = state.templates.TemplateResponse(
        request,
        template,
        {"notice": take_notice(request, state), **context},
        status_code=status_code,
    )
    return page_response(request, response)
