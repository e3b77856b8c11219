"""Live streams' bytes straight to the server, past the middlewares that only read headers.

A live message goes to every open stream: at 5,000 streams in one process and five
messages a second, each layer that wraps ASGI's ``send`` is called 25,000 times a second.
Agora's middlewares (the security headers, the request guard, the rate limits, the
language) and Starlette's error layers look only at a response's start — its status and
headers — and pass its body on untouched, but each still costs a call per message per
stream: about a third of a stream's sending time (docs/performance.md).

So :class:`DirectSendApp` keeps the server's own ``send`` in the request's scope, and
:class:`LiveStreamResponse` sends its start through the middlewares as usual (they add
their headers, note the status) and its body chunks with the server's ``send``. A
middleware that changes response bodies (compression, say) would not see a stream's body:
none of Agora's does, and ``tests/web/test_direct.py`` checks that a stream's response
carries every header the middlewares add.

The response also hands the stream a ``write`` (:func:`writer`) that runs the server's
``send`` by hand up to its first wait: a server writes to a connection that can take the
bytes without waiting (uvicorn waits only when the connection's buffer is full), so the
live hub writes a message to thousands of waiting streams from one loop, without waking
their tasks. When a ``send`` does have to wait, ``write`` returns the rest of it, and the
stream's own task awaits it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask
from starlette.types import Receive, Scope, Send

from agora.live.hub import Write

#: The scope key under which the server's own ``send`` travels.
DIRECT_SEND = "agora.direct_send"


class DirectSendApp(FastAPI):
    """FastAPI that puts the server's ``send`` in every request's scope, before any layer."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DIRECT_SEND] = send
        await super().__call__(scope, receive, send)


#: Opens a live stream's body, given how to write to its connection directly (if it can).
OpenStream = Callable[[Write | None], AsyncIterator[bytes]]


async def _not_opened() -> AsyncIterator[bytes]:  # replaced when the response is sent
    return
    yield b""  # pragma: no cover - makes this an async generator


class LiveStreamResponse(StreamingResponse):
    """A streaming response whose body chunks skip the middlewares (start and end do not).

    Its body is opened when the response is sent, by ``open_stream``, which is given a
    ``write`` to the server's own ``send`` (None without one in the scope).
    """

    _direct: Send | None = None

    def __init__(
        self,
        open_stream: OpenStream,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(
            _not_opened(),
            status_code=status_code,
            headers=headers,
            media_type="text/event-stream",
            background=background,
        )
        self._open = open_stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._direct = direct = scope.get(DIRECT_SEND)
        self.body_iterator = self._open(None if direct is None else writer(direct))
        await super().__call__(scope, receive, send)

    async def stream_response(self, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        direct = self._direct or send
        async for chunk in self.body_iterator:
            body = chunk if isinstance(chunk, bytes | memoryview) else chunk.encode(self.charset)
            await direct({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def writer(send: Send) -> Write:
    """Return a ``write`` of body chunks through the server's ``send`` (see the module)."""

    def write(chunk: bytes) -> Awaitable[None] | None:
        return run_now(send({"type": "http.response.body", "body": chunk, "more_body": True}))

    return write


def run_now(awaitable: Awaitable[None]) -> Awaitable[None] | None:
    """Run a coroutine up to its first wait: None if it finished, else the rest of it."""
    if not isinstance(awaitable, Coroutine):
        return awaitable
    try:
        waiting_on = awaitable.send(None)
    except StopIteration:
        return None
    return _Rest(awaitable, waiting_on)


class _Rest:
    """The rest of a coroutine started by hand, now waiting on what it yielded.

    Awaiting it hands that to the awaiting task and passes what the task sends or throws
    back (its wake-up, a cancellation) to the coroutine, as ``await coroutine`` would.
    """

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
        self._coroutine = coroutine
        self._waiting_on = waiting_on

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, waiting_on = self._coroutine, self._waiting_on
        while True:
            try:
                value = yield waiting_on
            except BaseException as exc:  # thrown in by the task: pass it on
                try:
                    waiting_on = coroutine.throw(exc)
                except StopIteration:
                    return
            else:
                try:
                    waiting_on = coroutine.send(value)
                except StopIteration:
                    return
