"""Simulated phones for the live-room benchmark: join, hold the stream, vote, follow changes.

A client process (:func:`client_process`, spawned by ``bench_room.py``) runs a share of
the phones on one asyncio loop (uvloop when installed). Each phone:

1. joins — through the page's join flow (``--join page``: ``GET /e/{code}`` → 303 with a
   join ticket → the page with the participant cookie, or a 303 with it to the page, as a
   browser that scanned the QR code) or through ``POST /api/v1/events/{code}/join``
   (``--join api``);
2. opens ``GET /api/v1/events/{code}/stream`` on a connection of its own and reads every
   message (HTTP/1.1 chunked, Server-Sent Events) until the end of the run;
3. votes when the plan says so (``POST /api/v1/questions/{id}/responses`` with its
   bearer token and an ``Idempotency-Key``);
4. follows poll changes as the page does (:class:`Reload` or :class:`InPlace`).

Short requests (joins, votes, pages) share a pool of keep-alive connections per server;
streams each have their own. Messages are identical for every phone of a server, so each
distinct message body is parsed once per process (a dict keyed by the body's bytes).
Times are ``time.monotonic()`` (CLOCK_MONOTONIC, shared by every process of the machine),
so the parent can compare them with its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import re
import resource
import signal
import time
from array import array
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, cast

from loadgen import Connection, ProtocolFailure
from servers import HOST

RECONNECT_DELAY = 2.0  # the ``retry: 2000`` every Agora stream starts with
#: The poll signature a page shows: (poll id, state, results visible) of open/closed polls.
Signature = tuple[tuple[int, str, bool], ...]


@dataclass
class Plan:
    """What one client process does (plain data, sent to the spawned process)."""

    ports: list[int]
    code: str
    phones: list[int]  # global phone numbers; phone n talks to ports[n % len(ports)]
    join: str  # "page" or "api"
    follow: str  # "reload" or "inplace"
    tracked: list[int]  # question ids whose counts are followed
    connect_concurrency: int
    pool_size: int
    ramp_timeout: float
    hard_deadline: float  # monotonic time at which the process stops whatever happens
    #: (vote number, phone, question id, option) — sent at T0 + the offset given at start
    votes: list[tuple[int, int, int, str]] = field(default_factory=list)
    offsets: list[float] = field(default_factory=list)


def signature_of(polls: list[dict[str, Any]]) -> Signature:
    """Return the signature participant.js computes from a poll list."""
    return tuple(
        (int(p["id"]), str(p["state"]), bool(p["results_visible"]))
        for p in polls
        if p["state"] in {"open", "closed"}
    )


_CARD = re.compile(rb'<section class="card poll"[^>]*?data-poll="(\d+)" data-state="(\w+)"')


def page_signature(body: bytes) -> Signature | None:
    """Return the signature of the poll cards the page shows (None: not a participant page).

    Each card carries its poll and state; a card shows results (``data-chart``) exactly
    when they are visible to participants (``polls/_participant_poll.html``).
    """
    if b"data-polls" not in body:
        return None
    cards = list(_CARD.finditer(body))
    signature = []
    for n, card in enumerate(cards):
        end = cards[n + 1].start() if n + 1 < len(cards) else len(body)
        shown = b"data-chart" in body[card.end() : end]
        state = card.group(2).decode()
        if state in {"open", "closed"}:
            signature.append((int(card.group(1)), state, shown))
    return tuple(signature)


def _count(result: dict[str, Any]) -> int | None:
    value = result.get("voters", result.get("ballots"))
    return int(value) if value is not None else None


#: What a message says, once parsed: ("results", qid, count), ("polls", signature),
#: ("snapshot", signature, {qid: count}) or ("other",).
Summary = tuple[Any, ...]


def summarise(event: str, data: bytes) -> Summary:
    """Read what the benchmark needs from one message."""
    if event == "results":
        parsed = json.loads(data)
        return ("results", int(parsed["question_id"]), _count(parsed["result"]))
    if event == "polls":
        return ("polls", signature_of(json.loads(data)["polls"]))
    if event == "snapshot":
        sections = json.loads(data)["sections"]
        counts = {int(q): _count(r) for q, r in sections.get("poll_results", {}).items()}
        return ("snapshot", signature_of(sections["polls"]["polls"]), counts)
    return ("other",)


# -- HTTP ------------------------------------------------------------------------------------


#: The server sent something this client does not read (the connection is loadgen's).
HttpFailure = ProtocolFailure


class Pool:
    """Keep-alive connections to one server, at most ``size`` requests in flight."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self._limit = asyncio.Semaphore(size)
        self._idle: list[Connection] = []

    async def request(
        self, method: str, path: str, headers: tuple[tuple[str, str], ...] = (), body: bytes = b""
    ) -> tuple[int, bytes, bytes]:
        """Send one request; return (status, head, body). A reused connection the server
        closed meanwhile is replaced once."""
        lines = [f"{method} {path} HTTP/1.1", f"host: {HOST}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers]
        if body or method == "POST":
            lines.append(f"content-length: {len(body)}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        async with self._limit:
            for attempt in (1, 2):
                connection = None
                while self._idle and connection is None:
                    candidate = self._idle.pop()
                    connection = None if candidate.closed else candidate
                reused = connection is not None
                if connection is None:
                    loop = asyncio.get_running_loop()
                    _transport, connection = await loop.create_connection(
                        Connection, HOST, self.port
                    )
                try:
                    status, head, content, keep = await connection.send(data)
                except (HttpFailure, ConnectionError):
                    if connection.transport is not None:
                        connection.transport.close()
                    if reused and attempt == 1 and not connection.buffer:
                        continue  # the server closed an idle connection: send it again
                    raise
                if keep and not connection.closed:
                    self._idle.append(connection)
                elif connection.transport is not None:
                    connection.transport.close()
                return status, head, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close every idle connection."""
        for connection in self._idle:
            if connection.transport is not None:
                connection.transport.close()
        self._idle.clear()


def cookie_value(head: bytes, name: str) -> str | None:
    """Return the value a response's ``set-cookie`` headers give ``name``."""
    prefix = f"set-cookie: {name}=".encode()
    for line in head.split(b"\r\n"):
        if line.lower().startswith(prefix):
            return line[len(prefix) :].split(b";", 1)[0].decode()
    return None


# -- streams ---------------------------------------------------------------------------------


class _Stream(asyncio.Protocol):
    """One phone's event stream: HTTP/1.1 chunked body, split into SSE messages."""

    def __init__(self, client: Client, phone: Phone, request: bytes) -> None:
        self.client = client
        self.phone = phone
        self.request = request
        self.transport: asyncio.Transport | None = None
        self.head_done = False
        self.raw = bytearray()
        self.text = bytearray()
        self.intentional = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        raw = self.raw
        raw += data
        if not self.head_done:
            end = raw.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(raw[:end]).lower()
            del raw[: end + 4]
            if not head.startswith(b"http/1.1 200") or b"transfer-encoding: chunked" not in head:
                self.client.error(f"stream answered {head[:60]!r}")
                self.close()
                return
            self.head_done = True
        position = 0
        while True:
            line_end = raw.find(b"\r\n", position)
            if line_end < 0:
                break
            size = int(raw[position:line_end].split(b";", 1)[0], 16)
            if size == 0:  # the server ended the stream
                position = len(raw)
                break
            if len(raw) < line_end + 2 + size + 2:
                break
            self.text += raw[line_end + 2 : line_end + 2 + size]
            position = line_end + 2 + size + 2
        del raw[:position]
        text = self.text
        now = time.monotonic()
        while True:
            end = text.find(b"\n\n")
            if end < 0:
                break
            self.client.on_block(self.phone, bytes(text[:end]), now)
            del text[: end + 2]

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.on_stream_lost(self.phone, self)

    def close(self) -> None:
        self.intentional = True
        if self.transport is not None:
            self.transport.close()


@dataclass(eq=False)
class Phone:
    """One simulated phone."""

    number: int
    port: int
    token: str = ""
    shown: Signature | None = None  # what the page shows
    stream: _Stream | None = None
    last_id: str = ""
    counts: dict[int, int] = field(default_factory=dict)
    reloading: bool = False
    seen: Signature | None = None  # the last signature a stream message carried
    snapshot_waiter: asyncio.Future[float] | None = None


# -- following the page ----------------------------------------------------------------------


class Follower:
    """What a phone does when the polls change or after it voted: the page's behaviour.

    Change this (or add a subclass) when agora/web/static/participant.js changes.
    """

    def polls_changed(self, client: Client, phone: Phone, signature: Signature, now: float) -> None:
        """A stream message (``polls`` or ``snapshot``) carried this poll signature."""
        raise NotImplementedError

    def voted(self, client: Client, phone: Phone) -> None:
        """The phone's vote got its 201."""
        raise NotImplementedError


class Reload(Follower):
    """participant.js today: a changed signature reloads the page (a new page, a new stream),
    and so does an accepted answer (``window.location.reload()`` after the 201)."""

    def polls_changed(self, client: Client, phone: Phone, signature: Signature, now: float) -> None:
        if phone.shown is None:  # joined through the API: no page yet, this is what it shows
            phone.shown = signature
            client.displayed(phone, now, signature)
        elif signature != phone.shown:
            client.spawn(client.reload(phone))

    def voted(self, client: Client, phone: Phone) -> None:
        client.spawn(client.reload(phone))


class InPlace(Follower):
    """A page that applies poll changes in place: shown when the message arrives."""

    def polls_changed(self, client: Client, phone: Phone, signature: Signature, now: float) -> None:
        if signature != phone.shown:
            phone.shown = signature
            client.displayed(phone, now, signature)

    def voted(self, client: Client, phone: Phone) -> None:
        """Nothing to fetch: the page keeps its stream."""


FOLLOWERS: dict[str, Callable[[], Follower]] = {"reload": Reload, "inplace": InPlace}


# -- the client process ----------------------------------------------------------------------


class Client:
    """The phones of one process and everything they saw."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.follower = FOLLOWERS[plan.follow]()
        self.pools = {port: Pool(port, plan.pool_size) for port in set(plan.ports)}
        self.phones = [Phone(n, plan.ports[n % len(plan.ports)]) for n in plan.phones]
        self.by_number = {p.number: p for p in self.phones}
        self.parsed: dict[tuple[str, bytes], Summary] = {}
        self.tracked = set(plan.tracked)
        self.running = True
        self.tasks: set[asyncio.Task[Any]] = set()
        self.errors: Counter[str] = Counter()
        self.samples: list[str] = []
        self.sizes: dict[str, int] = {}
        self.messages = 0
        # ramp: per phone (number, join start, join done, stream start, snapshot)
        self.ramp: list[tuple[int, float, float, float, float]] = []
        # counts seen: phone, time, question, count (only when a phone's count rises)
        self.obs_phone = array("i")
        self.obs_time = array("d")
        self.obs_question = array("i")
        self.obs_count = array("i")
        # what pages show: phone, time, signature number
        self.display: list[tuple[int, float, int]] = []
        self.signatures: dict[Signature, int] = {}
        self.votes: list[tuple[int, int, int, float, float, int]] = []
        self.pages: list[float] = []  # page fetch latencies after a change or a vote
        self.reconnects = 0

    # -- bookkeeping ---------------------------------------------------------------------

    def error(self, text: str) -> None:
        key = text[:80]
        self.errors[key] += 1
        if len(self.samples) < 8:
            self.samples.append(text[:300])

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def displayed(self, phone: Phone, now: float, signature: Signature) -> None:
        number = self.signatures.setdefault(signature, len(self.signatures))
        self.display.append((phone.number, now, number))

    def _saw(self, phone: Phone, question: int, count: int | None, now: float) -> None:
        if count is None or question not in self.tracked:
            return
        if count > phone.counts.get(question, -1):
            phone.counts[question] = count
            self.obs_phone.append(phone.number)
            self.obs_time.append(now)
            self.obs_question.append(question)
            self.obs_count.append(count)

    # -- streams -------------------------------------------------------------------------

    def on_block(self, phone: Phone, block: bytes, now: float) -> None:
        event = ""
        data = b""
        for line in block.split(b"\n"):
            if line.startswith(b"data: "):
                data = line[6:]
            elif line.startswith(b"event: "):
                event = line[7:].decode()
            elif line.startswith(b"id: "):
                phone.last_id = line[4:].decode()
        if not event or not self.running:
            return
        self.messages += 1
        key = (event, data)
        summary = self.parsed.get(key)
        if summary is None:
            try:
                summary = summarise(event, data)
            except (ValueError, KeyError, TypeError) as exc:
                self.error(f"unreadable {event} message: {exc!r}")
                return
            if len(self.parsed) > 2000:
                self.parsed.clear()
            self.parsed[key] = summary
            self.sizes[event] = max(self.sizes.get(event, 0), len(data))
        kind = summary[0]
        if kind == "results":
            self._saw(phone, summary[1], summary[2], now)
        elif kind == "polls":
            phone.seen = summary[1]
            self.follower.polls_changed(self, phone, summary[1], now)
        elif kind == "snapshot":
            for question, count in summary[2].items():
                self._saw(phone, question, count, now)
            waiter = phone.snapshot_waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(now)
            phone.seen = summary[1]
            self.follower.polls_changed(self, phone, summary[1], now)

    def on_stream_lost(self, phone: Phone, stream: _Stream) -> None:
        if phone.stream is stream:
            phone.stream = None
        waiter = phone.snapshot_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(HttpFailure("the stream closed before its snapshot"))
        if stream.intentional or not self.running:
            return
        self.error("stream closed by the server (the phone reconnects)")
        self.reconnects += 1
        self.spawn(self._reconnect(phone))

    async def _reconnect(self, phone: Phone) -> None:
        await asyncio.sleep(RECONNECT_DELAY)
        if self.running and phone.stream is None and not phone.reloading:
            with contextlib.suppress(OSError, HttpFailure):
                await self.open_stream(phone, resume=True)

    async def open_stream(self, phone: Phone, *, resume: bool = False) -> float:
        """Open the phone's stream; return when its first message (a snapshot) came."""
        headers = [
            f"GET /api/v1/events/{self.plan.code}/stream HTTP/1.1",
            f"host: {HOST}:{phone.port}",
            "accept: text/event-stream",
            "cache-control: no-cache",
        ]
        if resume and phone.last_id:  # EventSource resends the last id when it reconnects
            headers.append(f"last-event-id: {phone.last_id}")
        request = ("\r\n".join(headers) + "\r\n\r\n").encode()
        waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        phone.snapshot_waiter = waiter if not resume else None
        loop = asyncio.get_running_loop()
        try:
            _transport, stream = await loop.create_connection(
                lambda: _Stream(self, phone, request), HOST, phone.port
            )
        except OSError as exc:
            self.error(f"stream connection failed: {exc}")
            raise
        phone.stream = stream
        if resume:
            return time.monotonic()
        return await waiter

    # -- requests ------------------------------------------------------------------------

    def _page_path(self) -> str:
        return f"/e/{self.plan.code}"

    async def fetch_page(self, phone: Phone) -> Signature | None:
        """GET the page with the participant cookie; return the signature it shows."""
        pool = self.pools[phone.port]
        status, _head, body = await pool.request(
            "GET", self._page_path(), (("cookie", f"agora_p={phone.token}"),)
        )
        if status != 200:
            self.error(f"page answered {status}: {body[:200]!r}")
            return None
        return self._page_shown(body)

    def _page_shown(self, body: bytes) -> Signature | None:
        """Return the signature a fetched page shows (and note its size)."""
        signature = page_signature(body)
        self.sizes["page"] = max(self.sizes.get("page", 0), len(body))
        if signature is None:
            self.error("the page shows no poll list")
        return signature

    async def join(self, phone: Phone) -> bool:
        """Join as the plan says; return whether the phone is a participant now."""
        pool = self.pools[phone.port]
        if self.plan.join == "api":
            path = f"/api/v1/events/{self.plan.code}/join"
            headers = (("content-type", "application/json"),)
            status, _head, body = await pool.request("POST", path, headers, b"{}")
            if status != 201:
                self.error(f"join answered {status}: {body[:200]!r}")
                return False
            phone.token = json.loads(body)["participant_token"]
            return True
        path = self._page_path()
        status, head, body = await pool.request("GET", path)
        ticket = cookie_value(head, "agora_j")
        if status != 303 or ticket is None:
            self.error(f"first visit answered {status} without a join ticket: {body[:200]!r}")
            return False
        status, head, body = await pool.request(
            "GET", f"{path}?j=1", (("cookie", f"agora_j={ticket}"),)
        )
        token = cookie_value(head, "agora_p")
        if status not in (200, 303) or token is None:
            self.error(f"return visit answered {status} without a participant cookie")
            return False
        phone.token = token
        if status == 200:  # the page itself, as a browser shows it (no third request)
            signature = self._page_shown(body)
        else:  # sent on to the page's own address, as a browser follows it
            signature = await self.fetch_page(phone)
        if signature is None:
            return False
        phone.shown = signature
        self.displayed(phone, time.monotonic(), signature)
        return True

    async def reload(self, phone: Phone) -> None:
        """What ``window.location.reload()`` does: close the stream, fetch the page, open a
        new stream (without Last-Event-ID: a new page starts a new EventSource)."""
        if phone.reloading or not self.running:
            return
        phone.reloading = True
        try:
            for _attempt in range(3):  # a change while reloading: the new page reloads again
                await self._reload_once(phone)
                if not self.running or phone.seen is None or phone.seen == phone.shown:
                    break
        finally:
            phone.reloading = False

    async def _reload_once(self, phone: Phone) -> None:
        if phone.stream is not None:
            phone.stream.close()
            phone.stream = None
        started = time.monotonic()
        try:
            signature = await self.fetch_page(phone)
        except (OSError, HttpFailure) as exc:
            self.error(f"page fetch failed: {exc!r}")
            signature = None
        now = time.monotonic()
        self.pages.append(now - started)
        if signature is None:
            await asyncio.sleep(RECONNECT_DELAY)  # a browser would show an error page
        else:
            phone.shown = signature
            self.displayed(phone, now, signature)
        if self.running:
            phone.seen = None
            with contextlib.suppress(OSError, HttpFailure):
                await self.open_stream(phone)

    async def vote(self, number: int, phone: Phone, question: int, option: str) -> None:
        """Send one vote and record when it was sent and acknowledged."""
        sent = time.monotonic()
        if not phone.token:
            self.votes.append((number, phone.number, question, sent, sent, 0))
            self.error("a vote for a phone that did not join")
            return
        body = json.dumps({"answer": {"option": option}}, separators=(",", ":")).encode()
        headers = (
            ("authorization", f"Bearer {phone.token}"),
            ("idempotency-key", f"room-{number}"),
            ("content-type", "application/json"),
        )
        try:
            status, _head, content = await self.pools[phone.port].request(
                "POST", f"/api/v1/questions/{question}/responses", headers, body
            )
        except (OSError, HttpFailure) as exc:
            self.votes.append((number, phone.number, question, sent, time.monotonic(), 0))
            self.error(f"vote failed: {exc!r}")
            return
        except asyncio.CancelledError:  # the run ended while it waited for its answer
            self.votes.append((number, phone.number, question, sent, time.monotonic(), -1))
            raise
        self.votes.append((number, phone.number, question, sent, time.monotonic(), status))
        if status != 201:
            self.error(f"vote answered {status}: {content[:200]!r}")
        elif self.running:
            self.follower.voted(self, phone)

    # -- phases --------------------------------------------------------------------------

    async def connect(self, phone: Phone, limit: asyncio.Semaphore) -> None:
        async with limit:
            started = time.monotonic()
            try:
                if not await self.join(phone):
                    return
                joined = time.monotonic()
                ready = await self.open_stream(phone)
            except (OSError, HttpFailure) as exc:
                self.error(f"joining or connecting failed: {exc!r}")
                return
            self.ramp.append((phone.number, started, joined, joined, ready))

    async def ramp_up(self) -> None:
        limit = asyncio.Semaphore(self.plan.connect_concurrency)
        tasks = [asyncio.ensure_future(self.connect(p, limit)) for p in self.phones]
        _done, pending = await asyncio.wait(tasks, timeout=self.plan.ramp_timeout)
        for task in pending:
            task.cancel()
        if pending:
            self.error(f"{len(pending)} phones not connected within the ramp timeout")

    async def send_votes(self, start: float) -> None:
        for (number, phone_number, question, option), offset in zip(
            self.plan.votes, self.plan.offsets, strict=True
        ):
            delay = start + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.spawn(self.vote(number, self.by_number[phone_number], question, option))

    async def run(self, conn: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        await self.ramp_up()
        conn.send({"ready": len(self.ramp), "ramp": self.ramp, "errors": dict(self.errors)})
        command = await loop.run_in_executor(None, conn.recv)
        if command.get("stop"):
            return self.result()
        start, end = float(command["start"]), float(command["end"])
        voting = loop.create_task(self.send_votes(start))
        await asyncio.sleep(max(0.0, min(end, self.plan.hard_deadline) - time.monotonic()))
        self.running = False
        voting.cancel()
        for phone in self.phones:
            if phone.stream is not None:
                phone.stream.close()
        for task in list(self.tasks):
            task.cancel()
        for pool in self.pools.values():
            pool.close()
        await asyncio.sleep(0.1)
        return self.result()

    def result(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "errors": dict(self.errors),
            "samples": self.samples,
            "sizes": self.sizes,
            "messages": self.messages,
            "obs": (self.obs_phone, self.obs_time, self.obs_question, self.obs_count),
            "display": self.display,
            "signatures": {number: list(s) for s, number in self.signatures.items()},
            "votes": self.votes,
            "pages": self.pages,
            "reconnects": self.reconnects,
            "cpu": usage.ru_utime + usage.ru_stime,
        }


def client_process(plan: Plan, conn: Any) -> None:
    """Run a share of the phones; talk to the parent over ``conn`` (a Pipe end)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    run: Callable[[Any], Any] = asyncio.run
    if importlib.util.find_spec("uvloop") is not None:
        import uvloop

        run = uvloop.run
    client = Client(plan)
    try:
        result = run(client.run(conn))
    except Exception as exc:  # report it: the parent prints it and fails the run
        client.error(f"client process failed: {exc!r}")
        result = client.result()
    conn.send({"result": result})
    conn.close()
