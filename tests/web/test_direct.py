"""Live streams' body chunks go straight to the server; their start passes every layer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi.testclient import TestClient
from starlette.types import Message

from agora.app import SECURITY_HEADERS
from agora.web.direct import DIRECT_SEND, LiveStreamResponse
from tests.conftest import EventFactory


def test_the_start_and_the_end_pass_the_layers_the_chunks_do_not() -> None:
    through_layers: list[Message] = []
    direct: list[Message] = []

    async def layered(message: Message) -> None:
        through_layers.append(message)

    async def server(message: Message) -> None:
        direct.append(message)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"
        yield b"id: 1\nevent: results\ndata: {}\n\n"

    async def receive() -> Message:
        await asyncio.sleep(3600)  # the client never disconnects in this test
        return {"type": "http.disconnect"}

    response = LiveStreamResponse(chunks(), media_type="text/event-stream")
    scope = {"type": "http", "asgi": {"spec_version": "2.4"}, DIRECT_SEND: server}
    asyncio.run(response(scope, receive, layered))
    assert [m["type"] for m in through_layers] == ["http.response.start", "http.response.body"]
    assert through_layers[1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert [m["body"] for m in direct] == [
        b"retry: 2000\n\n",
        b"id: 1\nevent: results\ndata: {}\n\n",
    ]


def test_without_the_servers_send_in_the_scope_everything_passes_the_layers() -> None:
    sent: list[Message] = []

    async def layered(message: Message) -> None:
        sent.append(message)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"retry: 2000\n\n"

    async def receive() -> Message:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    response = LiveStreamResponse(chunks(), media_type="text/event-stream")
    asyncio.run(response({"type": "http", "asgi": {"spec_version": "2.4"}}, receive, layered))
    assert [m.get("body") for m in sent] == [None, b"retry: 2000\n\n", b""]


def test_a_phones_stream_carries_every_header_the_middlewares_add(
    client: TestClient, make_event: EventFactory
) -> None:
    event = make_event()
    with client.stream("GET", f"/api/v1/events/{event.code}/stream") as response:
        assert response.status_code == 200
        for name, value in SECURITY_HEADERS:
            assert response.headers[name.decode()] == value.decode()
        assert response.headers["cache-control"] == "no-cache"
        first = next(response.iter_raw())
        assert first.startswith(b"retry: 2000\n\n")
        assert b"event: snapshot" in first
