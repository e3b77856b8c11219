"""The load generator: client processes that send prepared requests and time them.

The default client (``raw``) is a minimal HTTP/1.1 keep-alive client on asyncio (uvloop when
installed): requests are encoded before the clock starts, and it reads only the status
line, ``content-length`` and ``connection: close``. It costs ~30 µs of CPU per request on
the benchmark machine, where ``httpx2.AsyncClient`` (``--client httpx2``) costs ~750 µs
and saturates its core before the bare endpoint does. :func:`run_phase` starts the client
processes (spawned), releases them together, and collects what they saw with the server's
and the machine's CPU over the same interval.
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import multiprocessing
import resource
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from queue import Empty
from typing import Any, cast

from servers import HOST, READY_TIMEOUT, Server, machine_ticks, process_cpu

GRACE = 30.0  # seconds a request still in flight at the deadline may take

#: One request: id, tag (question index, or participant index for joins), method, path,
#: headers, body. Plain tuples, so that they travel to client processes as they are.
Job = tuple[int, int, str, str, tuple[tuple[str, str], ...], bytes]


class ProtocolFailure(Exception):
    """The server sent something this minimal client does not read."""


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time.

    A request answers (status, head as sent, body, whether the connection stays open).
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes, bytes, bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end])
        lower = head.lower()
        start = lower.find(b"\r\ncontent-length:")
        stop = lower.find(b"\r\n", start + 2)
        try:
            if start < 0:
                raise ValueError("no content-length")
            length = int(lower[start + 17 : stop if stop >= 0 else len(lower)])
            status = int(head[9:12])
        except ValueError as exc:
            self.waiter = None
            waiter.set_exception(ProtocolFailure(f"unreadable response head: {exc}"))
            return
        total = end + 4 + length
        if len(self.buffer) < total:
            return
        body = bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        self.waiter = None
        waiter.set_result((status, head, body, b"\r\nconnection: close" not in lower))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("the server closed the connection"))

    def send(self, data: bytes) -> asyncio.Future[tuple[int, bytes, bytes, bool]]:
        assert self.transport is not None
        waiter: asyncio.Future[tuple[int, bytes, bytes, bool]]
        waiter = asyncio.get_running_loop().create_future()
        self.waiter = waiter
        self.transport.write(data)
        return waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclass
class _Tally:
    """What one client process saw."""

    expected_status: int
    keep_bodies: bool
    sent: int = 0
    inflight: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    expected_by_tag: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    bodies: dict[int, tuple[int, str, bool]] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    def record(self, job: Job, status: int, body: bytes, replayed: bool, seconds: float) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1
        if status == self.expected_status:
            self.expected_by_tag[job[1]] += 1
        elif len(self.samples) < 5:
            self.samples.append(f"{job[2]} {job[3]} -> {status} {body[:300]!r}")
        if self.keep_bodies:
            self.bodies[job[0]] = (status, body.decode(errors="replace"), replayed)

    def error(self, exc: BaseException) -> None:
        self.errors[type(exc).__name__] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{type(exc).__name__}: {exc}")


def _encode(job: Job, port: int) -> bytes:
    _id, _tag, method, path, headers, body = job
    lines = [f"{method} {path} HTTP/1.1", f"host: {HOST}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method == "POST":
        lines.append(f"content-length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _raw_worker(
    jobs: Iterator[tuple[Job, bytes]], port: int, deadline: float, tally: _Tally
) -> None:
    loop = asyncio.get_running_loop()
    connection: Connection | None = None
    for job, data in jobs:
        if time.monotonic() >= deadline:
            break
        tally.sent += 1
        tally.inflight += 1
        try:
            if connection is None or connection.closed:
                _transport, connection = await loop.create_connection(Connection, HOST, port)
            started = time.perf_counter()
            status, _head, body, keep = await connection.send(data)
            # the raw client does not parse headers it does not need; the replay check
            # (run with httpx2) reads idempotency-replayed
            tally.record(job, status, body, False, time.perf_counter() - started)
            if not keep:
                connection.close()
                connection = None
        except (OSError, ProtocolFailure, ValueError) as exc:
            tally.error(exc)
            if connection is not None:
                connection.close()
            connection = None
        finally:
            tally.inflight -= 1
    if connection is not None:
        connection.close()


async def _httpx_worker(
    jobs: Iterator[tuple[Job, bytes]], client: Any, deadline: float, tally: _Tally
) -> None:
    import httpx2

    for job, _data in jobs:
        if time.monotonic() >= deadline:
            break
        _id, _tag, method, path, headers, body = job
        tally.sent += 1
        tally.inflight += 1
        try:
            started = time.perf_counter()
            response = await client.request(
                method, path, content=body or None, headers=dict(headers)
            )
            replayed = response.headers.get("idempotency-replayed") == "true"
            tally.record(
                job, response.status_code, response.content, replayed, time.perf_counter() - started
            )
        except httpx2.HTTPError as exc:
            tally.error(exc)
        finally:
            tally.inflight -= 1


async def _drive(
    kind: str, port: int, jobs: Sequence[Job], concurrency: int, deadline: float, tally: _Tally
) -> None:
    encoded = [(job, _encode(job, port) if kind == "raw" else b"") for job in jobs]
    shared = iter(encoded)
    workers = max(1, min(concurrency, len(jobs)))
    if kind == "raw":
        runs = [_raw_worker(shared, port, deadline, tally) for _ in range(workers)]
        await asyncio.wait_for(asyncio.gather(*runs), deadline - time.monotonic() + GRACE)
        return
    import httpx2

    limits = httpx2.Limits(max_connections=workers, max_keepalive_connections=workers)
    timeout = httpx2.Timeout(GRACE)
    async with httpx2.AsyncClient(
        base_url=f"http://{HOST}:{port}", limits=limits, timeout=timeout
    ) as client:
        runs = [_httpx_worker(shared, client, deadline, tally) for _ in range(workers)]
        await asyncio.wait_for(asyncio.gather(*runs), deadline - time.monotonic() + GRACE)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client_process(
    kind: str,
    port: int,
    jobs: Sequence[Job],
    concurrency: int,
    duration: float,
    expected_status: int,
    keep_bodies: bool,
    barrier: Any,
    queue: Any,
) -> None:
    """Send ``jobs`` once every client process is ready; put what it saw on ``queue``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    tally = _Tally(expected_status, keep_bodies)
    run: Callable[[Any], Any] = asyncio.run
    if importlib.util.find_spec("uvloop") is not None:
        import uvloop

        run = uvloop.run
    barrier.wait()
    wall0, cpu0 = time.time(), _cpu_seconds()
    try:
        run(_drive(kind, port, jobs, concurrency, time.monotonic() + duration, tally))
    except TimeoutError:
        tally.errors["timeout (still in flight)"] += tally.inflight
    except Exception as exc:
        tally.error(exc)
    wall1, cpu1 = time.time(), _cpu_seconds()
    queue.put(
        {
            "sent": tally.sent,
            "statuses": dict(tally.statuses),
            "expected_by_tag": dict(tally.expected_by_tag),
            "errors": dict(tally.errors),
            "latencies": tally.latencies,
            "bodies": tally.bodies,
            "samples": tally.samples,
            "started": wall0,
            "finished": wall1,
            "cpu": cpu1 - cpu0,
        }
    )


# -- phases -------------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0-100) of sorted values."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Phase:
    """What one load phase measured, over every client process."""

    name: str
    requests: int
    sent: int
    statuses: Counter[int]
    expected_by_tag: Counter[int]
    errors: Counter[str]
    latencies: list[float]
    wall: float
    client_cpu: float
    server_cpu: float
    machine_busy: float
    bodies: dict[int, tuple[int, str, bool]]
    samples: list[str]
    expected_status: int

    @property
    def completed(self) -> int:
        return sum(self.statuses.values())

    @property
    def unexpected(self) -> int:
        return self.completed - self.statuses[self.expected_status] + sum(self.errors.values())

    @property
    def rps(self) -> float:
        return self.completed / self.wall if self.wall > 0 else math.nan


def run_phase(
    name: str,
    server: Server | Sequence[Server],
    jobs: Sequence[Job],
    *,
    expected_status: int,
    concurrency: int,
    duration: float,
    clients: int = 1,
    client: str = "raw",
    keep_bodies: bool = False,
) -> Phase:
    """Send ``jobs`` to ``server``, ``concurrency`` in flight from ``clients`` processes.

    With several servers (processes of one Agora), client process i sends its share to
    server i mod S (at least one client per server): a round-robin load balancer.
    Stops sending after ``duration`` seconds; requests still in flight get ``GRACE`` more.
    """
    servers = [server] if isinstance(server, Server) else list(server)
    context = multiprocessing.get_context("spawn")
    clients = max(len(servers), min(clients, len(jobs)))
    barrier = context.Barrier(clients + 1)
    queue = context.Queue()
    processes = []
    for index in range(clients):
        share = concurrency // clients + (1 if index < concurrency % clients else 0)
        process = context.Process(
            target=client_process,
            args=(
                client,
                servers[index % len(servers)].port,
                list(jobs[index::clients]),
                max(1, share),
                duration,
                expected_status,
                keep_bodies,
                barrier,
                queue,
            ),
            daemon=True,
        )
        process.start()
        processes.append(process)
    try:
        barrier.wait(timeout=READY_TIMEOUT)
        server_cpu0, (busy0, total0) = sum(process_cpu(s.pid) for s in servers), machine_ticks()
        results: list[dict[str, Any]] = []
        limit = time.monotonic() + duration + GRACE + 30
        while len(results) < clients:
            try:
                results.append(queue.get(timeout=1.0))
            except Empty:
                if time.monotonic() > limit or not any(p.is_alive() for p in processes):
                    raise RuntimeError(
                        f"{name}: a client process failed or did not finish"
                    ) from None
        server_cpu1, (busy1, total1) = sum(process_cpu(s.pid) for s in servers), machine_ticks()
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    started = min(r["started"] for r in results)
    finished = max(r["finished"] for r in results)
    wall = finished - started
    latencies = sorted(t for r in results for t in r["latencies"])
    phase = Phase(
        name=name,
        requests=len(jobs),
        sent=sum(r["sent"] for r in results),
        statuses=sum((Counter(r["statuses"]) for r in results), Counter()),
        expected_by_tag=sum((Counter(r["expected_by_tag"]) for r in results), Counter()),
        errors=sum((Counter(r["errors"]) for r in results), Counter()),
        latencies=latencies,
        wall=wall,
        client_cpu=sum(r["cpu"] for r in results),
        server_cpu=server_cpu1 - server_cpu0,
        machine_busy=(busy1 - busy0) / (total1 - total0) if total1 > total0 else math.nan,
        bodies={k: v for r in results for k, v in r["bodies"].items()},
        samples=[s for r in results for s in r["samples"]],
        expected_status=expected_status,
    )
    if phase.unexpected:
        print(f"  ! {name}: {phase.unexpected} requests did not get {expected_status}:")
        print(f"    statuses {dict(phase.statuses)}, transport errors {dict(phase.errors)}")
        for sample in phase.samples[:5]:
            print(f"    {sample}")
    return phase
