"""A phone that stops reading its stream, through a real server (uvicorn over TCP).

The hub writes live messages to waiting streams itself (``agora.web.direct``); a
connection that cannot take more makes uvicorn's ``send`` wait, and only that stream may
wait for it. Here one client stops reading while the moderator changes a poll again and
again: the other phones get every change, the server keeps answering, and the stopped
client, once it reads again, catches up (from the buffer or a snapshot) to the same state.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2

from agora.core.settings import Settings
from agora.live.hub import Hub
from tests.browser import LiveServer
from tests.conftest import EventFactory, PollFactory, question

#: Changes the moderator makes (each closes or opens the poll: two messages for phones);
#: then the results are shown, which no phone saw before: the last change, seen as
#: (state, results shown).
CHANGES = 41
FINAL = ("closed", True)
#: How long a reader waits for what it expects before the test fails (not a measure).
PATIENCE_S = 60.0


def poll_states(body: bytes, poll_id: int) -> list[tuple[str, bool]]:
    """Return the poll's state and whether its results are shown, in each ``polls`` or
    ``snapshot`` message, in order."""
    states = []
    text = body.decode(errors="replace")
    for block in text[: text.rfind("\n\n")].split("\n\n"):  # whole messages only
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if fields.get("event") not in {"polls", "snapshot"}:
            continue
        data: Any = json.loads(fields["data"])
        snapshot = fields["event"] == "snapshot"
        entries = data["sections"]["polls"]["polls"] if snapshot else data["polls"]
        states += [(p["state"], p["results_visible"]) for p in entries if p["id"] == poll_id]
    return states


class Reader(threading.Thread):
    """A phone reading its stream until it has seen the moderator's last change."""

    def __init__(self, url: str, poll_id: int) -> None:
        super().__init__(daemon=True)
        self.url, self.poll_id = url, poll_id
        self.body = bytearray()
        self.opened = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        with (
            httpx2.Client(timeout=PATIENCE_S) as client,
            client.stream("GET", self.url) as response,
        ):
            for chunk in response.iter_bytes():
                self.body += chunk
                self.opened.set()
                if poll_states(bytes(self.body), self.poll_id)[-1:] == [FINAL]:
                    self.done.set()
                    return


class SmallBuffers(LiveServer):
    """The server on a listening socket whose connections have a 16 KB send buffer.

    Linux grows a connection's send buffer up to 4 MB on its own: the stopped phone's
    connection would hold megabytes before uvicorn's ``send`` has to wait. A fixed size,
    inherited from the listening socket, makes it fill within a few messages.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.listening = socket.socket()
        self.listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listening.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        self.listening.bind(("127.0.0.1", self.port))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.listening]}, daemon=True
        )


@contextmanager
def served(settings: Settings) -> Iterator[LiveServer]:
    server = SmallBuffers(settings.model_copy(update={"live_interval_ms": 20}))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def stopped_client(server: LiveServer, path: str) -> socket.socket:
    """Open a stream on a socket with a tiny receive buffer, and read only its headers."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 200")
    return sock


def dechunked(raw: bytes) -> bytes:
    """Return an HTTP/1.1 chunked body's content (the part received so far)."""
    out, at = bytearray(), 0
    while True:
        end = raw.find(b"\r\n", at)
        if end < 0:
            return bytes(out)
        size = int(raw[at:end], 16)
        if end + 2 + size > len(raw):
            return bytes(out)
        out += raw[end + 2 : end + 2 + size]
        at = end + 2 + size + 2


def test_a_phone_that_stops_reading_holds_up_no_other_phone(
    settings: Settings, make_event: EventFactory, make_poll: PollFactory
) -> None:
    event = make_event()
    # A large poll: every change sends its card again (tens of KB), so the stopped
    # phone's connection fills within a few changes.
    options = [f"Option {n}: " + "a cooperation between cities and regions " * 4 for n in range(40)]
    poll = make_poll(event, *(question("single_choice", options=options) for _ in range(10)))
    path = f"/api/v1/events/{event.code}/stream"
    with served(settings) as server:
        hub: Hub = server.app.state.agora.hub
        stopped = stopped_client(server, path)
        readers = [Reader(server.url + path, poll.id) for _ in range(4)]
        for reader in readers:
            reader.start()
            assert reader.opened.wait(PATIENCE_S)
        key = {"X-Moderator-Key": event.moderator_key}
        with httpx2.Client(base_url=server.url, timeout=PATIENCE_S) as moderator:
            for change in range(CHANGES):
                action = "close" if change % 2 == 0 else "open"
                assert moderator.post(f"/api/v1/polls/{poll.id}/{action}", headers=key).is_success
            assert moderator.post(f"/api/v1/polls/{poll.id}/reveal", headers=key).is_success
            # The phones that read have the last change (the stopped one holds nobody up).
            for reader in readers:
                assert reader.done.wait(PATIENCE_S), poll_states(bytes(reader.body), poll.id)[-3:]
            # The stopped phone's connection filled up: its stream waited, not the hub.
            assert hub.writes_waited >= 1
            assert moderator.get(f"/api/v1/events/{event.code}").is_success

        # It reads again: a well-formed stream that ends in the same state.
        stopped.settimeout(PATIENCE_S)
        raw = b""
        while poll_states(dechunked(raw), poll.id)[-1:] != [FINAL]:
            received = stopped.recv(1 << 16)
            assert received, "the server closed the stopped phone's stream"
            raw += received
        stopped.close()
