"""Links people open (participant, screen, moderator), their QR codes, the participant cookie."""

from __future__ import annotations

import io
from typing import Protocol

import segno
from fastapi import Request
from fastapi.responses import Response

from agora.core.security import JOIN_TICKET_AGE
from agora.web.deps import PARTICIPANT_COOKIE
from agora.web.state import AppState

COOKIE_AGE = 60 * 60 * 24 * 30
#: The cookie a first visit carries back to become a participant (``Signer.join_ticket``).
JOIN_COOKIE = "agora_j"


class Linkable(Protocol):
    """What an event's links are made of."""

    code: str
    screen_key: str
    moderator_key: str


def base_url(request: Request, state: AppState) -> str:
    """Return the address participants reach Agora at (setting, or this request's host)."""
    return (state.settings.public_url or str(request.base_url)).rstrip("/")


def event_links(request: Request, state: AppState, event: Linkable) -> dict[str, str]:
    """Return the participant, screen and moderator links of an event."""
    base = base_url(request, state)
    return {
        "participant_url": f"{base}/e/{event.code}",
        "screen_url": f"{base}/e/{event.code}/screen?key={event.screen_key}",
        "moderator_url": f"{base}/e/{event.code}/moderate?key={event.moderator_key}",
    }


def set_participant_cookie(response: Response, request: Request, token: str) -> None:
    """Store the participant token in a signed, HttpOnly cookie."""
    response.set_cookie(
        PARTICIPANT_COOKIE,
        token,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def set_join_ticket(response: Response, request: Request, token: str) -> None:
    """Store a first visit's join ticket in a short-lived, HttpOnly cookie."""
    response.set_cookie(
        JOIN_COOKIE,
        token,
        max_age=JOIN_TICKET_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def qr_svg(url: str, *, inline: bool) -> str:
    """Return the QR code of ``url`` as SVG (inline: without XML declaration and size)."""
    qr = segno.make(url, error="m")
    if inline:
        return str(qr.svg_inline(scale=8, dark="#000", light="#fff", omitsize=True))
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=8, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode()
