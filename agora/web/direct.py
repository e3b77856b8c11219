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
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

#: The scope key under which the server's own ``send`` travels.
DIRECT_SEND = "agora.direct_send"


class DirectSendApp(FastAPI):
    """FastAPI that puts the server's ``send`` in every request's scope, before any layer."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DIRECT_SEND] = send
        await super().__call__(scope, receive, send)


class LiveStreamResponse(StreamingResponse):
    """A streaming response whose body chunks skip the middlewares (start and end do not)."""

    _direct: Send | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._direct = scope.get(DIRECT_SEND)
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
