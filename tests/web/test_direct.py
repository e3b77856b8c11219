"""Live streams' body chunks go straight to the server; their start passes every layer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from agora.app import SECURITY_HEADERS
from agora.web.direct import DIRECT_SEND, LiveStreamResponse, writer
from agora.web.state import AppState
from tests.conftest import EventFactory, PollFactory
from tests.pages.test_stream import vote


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

    response = LiveStreamResponse(lambda write: chunks())
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

    response = LiveStreamResponse(lambda write: chunks())
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


def test_run_now_finishes_a_send_that_need_not_wait() -> None:
    sent: list[bytes] = []

    async def send(message: Message) -> None:
        sent.append(message["body"])

    write = writer(send)
    assert write(b"one") is None  # no event loop needed: it ran to its end
    assert sent == [b"one"]


def test_run_now_hands_back_the_rest_of_a_send_that_waits() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        loop = asyncio.get_running_loop()
        steps: list[str] = []
        room: asyncio.Future[None] = loop.create_future()

        async def send(message: Message) -> None:
            steps.append("started")
            await room  # the connection's buffer is full
            steps.append(message["body"].decode())

        rest = writer(send)(b"written")
        assert rest is not None
        assert steps == ["started"]
        finishing = loop.create_task(_await(rest))
        await asyncio.sleep(0)
        assert not finishing.done()
        room.set_result(None)
        await finishing

        # A cancellation while it waits reaches the send itself.
        cancelled: list[str] = []
        blocked: asyncio.Future[None] = loop.create_future()

        async def send_blocked(message: Message) -> None:
            try:
                await blocked
            except asyncio.CancelledError:
                cancelled.append("send cancelled")
                raise

        other = writer(send_blocked)(b"never")
        assert other is not None
        task = loop.create_task(_await(other))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return steps, cancelled

    steps, cancelled = asyncio.run(scenario())
    assert steps == ["started", "written"]
    assert cancelled == ["send cancelled"]


async def _await(awaitable: Awaitable[None]) -> None:
    await awaitable


def test_a_phones_stream_hands_the_servers_send_to_the_hub(
    client: TestClient, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    poll = make_poll(event, results_visible=True)
    question_id = poll.questions[0].id
    state: AppState = client.app.state.agora  # type: ignore[attr-defined]
    with client.stream("GET", f"/api/v1/events/{event.code}/stream") as response:
        chunks = response.iter_raw()
        assert b"event: snapshot" in next(chunks)
        [subscriber] = state.hub._channels[event.id].subscribers
        assert subscriber.write is not None  # the server's send, run by the hub
        vote(client, question_id, event)
        # The test client's send always waits a turn (anyio's checkpoint): here the
        # stream finishes each write itself, which a full connection also does.
        assert b"event: results" in next(chunks)
