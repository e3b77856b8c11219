"""The edge of every request: its size, and characters no field may hold (pure ASGI).

Every route is covered, before any of them reads a byte:

- **Size, applied while reading.** A body larger than the limit is refused with 413: at
  once when its ``Content-Length`` says so, else as soon as the bytes read pass it (a
  chunked body never fills memory). Form uploads (``multipart/form-data``: the
  registration import) have their own, larger limit.
- **Depth.** JSON nested more than :data:`MAX_JSON_DEPTH` levels is refused with 422.
- **Origin.** A request that changes something and carries cookies must come from a page
  of Agora: when the browser names its ``Origin`` (or, without it, its ``Referer``) and
  that is another site, it is refused with 403, in addition to the cookies' SameSite.
- **NUL.** PostgreSQL cannot store U+0000, and no name, code or answer needs it: a NUL in
  the path, the query or a JSON or form body (raw, ``%00`` or ``\\u0000``) is refused with
  422 before a route sees it.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agora.core.i18n import _

#: ``\u0000`` in JSON text, unless its backslash is itself escaped (``\\u0000`` is text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00")
_JSON_STRING = re.compile(rb'"(?:\\.|[^"\\])*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
#: The deepest JSON any route needs is a few levels; 5,000 exhausted the parser (a 500).
MAX_JSON_DEPTH = 64
#: Bodies checked for NUL: those whose text fields reach the database.
_TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")


class BodyTooLarge(Exception):
    """Raised while reading a body that passes the limit."""


class RequestGuard:
    """Refuses requests too large or holding a NUL character, before any route reads them."""

    def __init__(
        self, app: ASGIApp, *, max_body: int, max_upload: int, public_url: str = ""
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.public_origin = _origin(public_url.encode()) if public_url else b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("raw_path") or scope["path"].encode()
        if b"\x00" in path or _FORM_NUL.search(path) or _FORM_NUL.search(scope["query_string"]):
            await refuse(scope, send, 422, _nul_message())
            return
        headers = dict(scope["headers"])
        if scope["method"] not in _SAFE_METHODS and b"cookie" in headers:
            claimed = headers.get(b"origin") or _origin(headers.get(b"referer", b""))
            if claimed and claimed not in {_request_origin(scope, headers), self.public_origin}:
                await refuse(scope, send, 403, _origin_message())
                return
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = self.max_upload if content_type == b"multipart/form-data" else self.max_body
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await refuse(scope, send, 413, _size_message(limit))
            return
        if content_type in _TEXT_BODIES:
            # small text bodies are read here whole (within the limit), checked, replayed
            try:
                body = await _read(receive, limit)
            except BodyTooLarge:
                await refuse(scope, send, 413, _size_message(limit))
                return
            if b"\x00" in body or (
                _JSON_NUL.search(body) if content_type == b"application/json" else None
            ):
                await refuse(scope, send, 422, _nul_message())
                return
            if content_type != b"application/json" and _FORM_NUL.search(body):
                await refuse(scope, send, 422, _nul_message())
                return
            if content_type == b"application/json" and json_depth(body) > MAX_JSON_DEPTH:
                message = _("The JSON is nested more than {depth} levels deep.").format(
                    depth=MAX_JSON_DEPTH
                )
                await refuse(scope, send, 422, message)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, _counting(receive, limit), send)


def json_depth(body: bytes) -> int:
    """Return how deep the arrays and objects of a JSON text nest (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


async def _read(receive: Receive, limit: int) -> bytes:
    """Return the whole body, or raise :class:`BodyTooLarge` once it passes ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a ``receive`` that gives ``body`` once, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int) -> Receive:
    """Return a ``receive`` that stops the request once its body passes ``limit``."""
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                from starlette.exceptions import HTTPException

                raise HTTPException(413, _size_message(limit))
        return message

    return counted


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _origin(url: bytes) -> bytes:
    """Return ``scheme://host[:port]`` of a URL (empty when it has none)."""
    scheme, sep, rest = url.partition(b"://")
    if not sep:
        return b""
    return scheme.lower() + b"://" + rest.split(b"/", 1)[0].lower()


def _request_origin(scope: Scope, headers: dict[bytes, bytes]) -> bytes:
    """Return the origin the request was sent to (its scheme and Host header)."""
    scheme = str(scope.get("scheme", "http")).encode()
    return scheme + b"://" + headers.get(b"host", b"").lower()


def _origin_message() -> str:
    return _("This form was sent from another site; open it on Agora's own page and send it again.")


def _size_message(limit: int) -> str:
    return _("The request is larger than {size} KB, the most Agora accepts here.").format(
        size=limit // 1024
    )


def _nul_message() -> str:
    return _("The request holds a NUL character (U+0000), which no field may contain.")


#: The error name a refusal's JSON carries, by status.
ERRORS = {403: "NotAllowed", 413: "PayloadTooLarge", 422: "InvalidInput", 429: "TooManyRequests"}


async def refuse(
    scope: Scope,
    send: Send,
    status: int,
    message: str,
    extra: tuple[tuple[bytes, bytes], ...] = ((b"connection", b"close"),),
) -> None:
    """Answer ``status`` with ``message``: JSON for the API and scripts, else plain text."""
    headers = dict(scope["headers"])
    wants_json = scope["path"].startswith("/api/") or b"application/json" in headers.get(
        b"accept", b""
    )
    if wants_json:
        body = json.dumps({"error": ERRORS.get(status, "Error"), "message": message}).encode()
        media = b"application/json"
    else:
        body = message.encode()
        media = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
