"""Responses per second on the hot path, next to a bare endpoint of the same framework.

Starts two servers as separate processes on free 127.0.0.1 ports, each one uvicorn worker
without access log (uvloop and httptools when installed):

* Agora (``agora_server.py``: ``agora.app.create_app`` plus a read-only counter route) on
  a fresh, migrated SQLite file in a temporary directory, or on a fresh PostgreSQL
  database created on 127.0.0.1 and dropped afterwards, holding one event and one open
  poll with a ranking question (5 options) and a single-choice question;
* the baseline (``bare_app.py``): a FastAPI POST that parses the same JSON body with a
  Pydantic model and returns a small JSON object, the same POST behind two small ``def``
  dependencies and behind two ``async def`` ones (Agora's response route has two ``def``
  dependencies), and a plain Starlette GET.

N participants join through the API; then each one answers each question once, with an
``Idempotency-Key``, ``--concurrency`` requests in flight, until all have answered or
``--duration`` seconds have passed. The same requests (same paths, headers and bodies) go
to the bare POST before and after Agora, then to its two variants, and as many GETs to the
bare Starlette route. The table gives requests, responses/s, latency percentiles, CPU of
the server and the client, and the ratio to the bare POST, and the group committer's
average batch (read from its counters). Then it checks that nothing was lost: stored
responses = 201s, one idempotency key per 201, the results API counts every ballot, and
replaying acknowledged requests with their key returns the first answer and stores nothing.

The load generator (``loadgen.py``; the servers are started by ``servers.py``) is a
minimal HTTP/1.1 keep-alive client on asyncio (``--client raw``, the default, ~30 µs of
CPU per request): on this 2-core machine ``httpx2.AsyncClient`` costs ~750 µs of CPU per
request and saturates its own core near 1,300 requests/s, far below what the bare
endpoint serves, so it would measure the client; ``--client httpx2`` keeps it available.
The client's CPU is printed next to the server's so that a client-bound run shows.

Run: ``.venv/bin/python bench/bench_responses.py --participants 2000 --concurrency 64``
(``--database postgresql`` for PostgreSQL; ``--processes 2 --database postgresql`` for two
Agora processes over PostgreSQL and Redis, the client processes spread over them round
robin, as a load balancer would). Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadgen import Job, Phase, percentile, run_phase
from servers import Server, cpu_model, machine_ticks, server_options

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REPLAYS = 20


# -- the session under test --------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """The event, poll and questions the benchmark answers."""

    code: str
    moderator_key: str
    question_ids: tuple[int, int]  # ranking, single choice
    ranking_options: tuple[str, ...]
    choice_options: tuple[str, ...]


PARTNERS = [("city", "A city"), ("region", "A region"), ("network", "A network")]
PARTNERS += [("university", "A university"), ("company", "A company")]


def create_session(url: str) -> Setup:
    """Migrate the database at ``url`` and create the event and its open poll."""
    from agora.core.db import Database
    from agora.core.migrate import upgrade
    from agora.demo.reference import WORLD_AREAS
    from agora.events.services import create_event
    from agora.polls.kinds import QuestionKind
    from agora.polls.schemas import OptionIn, PollIn, QuestionIn
    from agora.polls.services import create_poll, open_poll

    upgrade(url)
    database = Database(url)
    try:
        with database.session() as session:
            event = create_event(session, title="Benchmark session", starts_on=dt.date.today())
            poll = create_poll(
                session,
                event,
                PollIn(
                    title="World areas and partners",
                    questions=[
                        QuestionIn(
                            kind=QuestionKind.ranking,
                            prompt="Please rank your interest in the following world areas",
                            options=list(WORLD_AREAS),
                        ),
                        QuestionIn(
                            kind=QuestionKind.single_choice,
                            prompt="Which partner would you look for first?",
                            options=[OptionIn(id=i, label=label) for i, label in PARTNERS],
                        ),
                    ],
                ),
            )
            open_poll(session, poll)
            ranking, choice = poll.questions
            return Setup(
                code=event.code,
                moderator_key=event.moderator_key,
                question_ids=(ranking.id, choice.id),
                ranking_options=tuple(o["id"] for o in ranking.config["options"]),
                choice_options=tuple(o["id"] for o in choice.config["options"]),
            )
    finally:
        database.dispose()


def stored_counts(url: str, question_ids: Sequence[int]) -> tuple[dict[int, int], int]:
    """Return the stored responses per question and the number of stored idempotency keys."""
    from sqlalchemy import func, select

    from agora.core.db import Database
    from agora.polls.models import Response, SubmissionKey

    database = Database(url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Response.question_id, func.count())
                .where(Response.question_id.in_(question_ids))
                .group_by(Response.question_id)
            )
            counts = {qid: 0 for qid in question_ids} | {qid: n for qid, n in rows}
            keys = session.scalar(select(func.count()).select_from(SubmissionKey)) or 0
            return counts, keys
    finally:
        database.dispose()


@contextlib.contextmanager
def database_for(args: argparse.Namespace, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh database (a SQLite file, or a PostgreSQL database dropped after)."""
    if args.database == "sqlite":
        yield f"sqlite:///{workdir / 'agora.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(args.postgres_url)
    if admin_url.host not in LOOPBACK_HOSTS:
        raise SystemExit(f"refusing a PostgreSQL server that is not on loopback: {admin_url.host}")
    name = f"agora_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# -- the requests ----------------------------------------------------------------------------


def join_jobs(session: Setup, count: int) -> list[Job]:
    """Return ``count`` join requests (tag = participant index)."""
    path = f"/api/v1/events/{session.code}/join"
    headers = (("content-type", "application/json"),)
    return [(i, i, "POST", path, headers, b"{}") for i in range(count)]


def answer_jobs(
    session: Setup, tokens: Sequence[str], first_id: int, seed: int, run: str
) -> list[Job]:
    """Return one valid response per participant and question, question after question.

    Tag 0 is the ranking question, tag 1 the single-choice question.
    """
    rng = random.Random(seed)
    jobs: list[Job] = []
    for tag, question_id in enumerate(session.question_ids):
        path = f"/api/v1/questions/{question_id}/responses"
        for token in tokens:
            if tag == 0:
                ranking = list(session.ranking_options)
                rng.shuffle(ranking)
                answer: dict[str, Any] = {"ranking": ranking}
            else:
                answer = {"option": rng.choice(session.choice_options)}
            body = json.dumps({"answer": answer}, separators=(",", ":")).encode()
            headers = (
                ("authorization", f"Bearer {token}"),
                ("idempotency-key", f"bench-{run}-{first_id + len(jobs)}"),
                ("content-type", "application/json"),
            )
            jobs.append((first_id + len(jobs), tag, "POST", path, headers, body))
    return jobs


def moved(jobs: Sequence[Job], prefix: str) -> list[Job]:
    """Return ``jobs`` sent to the bare app's variant under ``prefix`` instead of /api/v1."""
    return [(i, t, m, path.replace("/api/v1", prefix, 1), h, b) for i, t, m, path, h, b in jobs]


def ping_jobs(count: int) -> list[Job]:
    """Return ``count`` GETs of the bare Starlette route."""
    return [(i, 0, "GET", "/ping", (), b"") for i in range(count)]


# -- the run ---------------------------------------------------------------------------------


def load_phase(
    name: str,
    server: Server | Sequence[Server],
    jobs: Sequence[Job],
    args: argparse.Namespace,
    *,
    expected_status: int,
    duration: float | None = None,
    concurrency: int | None = None,
    keep_bodies: bool = False,
) -> Phase:
    """Run one load phase with the command line's client settings."""
    return run_phase(
        name,
        server,
        jobs,
        expected_status=expected_status,
        concurrency=args.concurrency if concurrency is None else concurrency,
        duration=args.duration if duration is None else duration,
        clients=args.clients,
        client=args.client,
        keep_bodies=keep_bodies,
    )


def versions() -> str:
    """Return the versions of the pieces that set the figures."""
    names = ["fastapi", "starlette", "pydantic", "uvicorn", "uvloop", "httptools", "sqlalchemy"]
    found = []
    for name in names:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.append(f"{name} {importlib.metadata.version(name)}")
    return ", ".join(found)


def print_header(args: argparse.Namespace) -> None:
    """Print what runs where."""
    print(f"bench_responses  {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"command:  {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine:  {os.cpu_count()} CPUs ({cpu_model()}), Linux {platform.release()}")
    print(f"software: Python {platform.python_version()}, {versions()}")
    print(f"servers:  uvicorn, 1 worker each, {' '.join(server_options())}")
    if args.processes > 1:
        print(f"agora:    {args.processes} processes, broker redis ({args.redis_url})")
    print(
        f"load:     {args.participants} participants x 2 questions, concurrency "
        f"{args.concurrency} ({args.join_concurrency} for joins), at most {args.duration:g} s "
        f"per phase, {args.clients} client process(es), client {args.client}; "
        f"database {args.database}"
    )
    busy0, total0 = machine_ticks()
    time.sleep(1.0)
    busy1, total1 = machine_ticks()
    print(
        f"idle:     the machine was {(busy1 - busy0) / max(total1 - total0, 1):.0%} busy "
        "in the second before the run (other processes)"
    )
    inherited = sorted(
        k
        for k in os.environ
        if k.startswith("AGORA_")
        and not k.startswith(("AGORA_TEST_", "AGORA_DATABASE_URL", "AGORA_SECRET_KEY"))
    )
    if inherited:
        print(f"settings from the environment: {', '.join(inherited)}")
    print()


def row(phase: Phase, baseline: float) -> str:
    """Return one line of the table."""
    ms = [percentile(phase.latencies, q) * 1000 for q in (50, 95, 99)]
    cpu = f"{phase.server_cpu / phase.wall:5.0%} {phase.client_cpu / phase.wall:6.0%}"
    return (
        f"{phase.name:<28} {phase.completed:>8} {phase.unexpected:>5} {phase.rps:>8,.0f} "
        f"{ms[0]:>7.1f} {ms[1]:>7.1f} {ms[2]:>7.1f}  {cpu} {phase.machine_busy:>7.0%}"
        f" {phase.rps / baseline:>6.2f}"
    )


def print_table(phases: Sequence[Phase], baseline: float) -> None:
    """Print the figures of every phase."""
    print(
        f"{'endpoint':<28} {'requests':>8} {'other':>5} {'rps':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7}  {'server':>5} {'client':>6} {'machine':>7} {'ratio':>6}"
    )
    for phase in phases:
        print(row(phase, baseline))
    print(
        "other: responses with another status, or transport errors; server, client: CPU in "
        "% of one core;\nmachine: busy share of all cores; ratio: rps / mean rps of the bare "
        "FastAPI POST runs."
    )


def committer_counts(server: Server) -> tuple[int, int]:
    """Return the group committer's (batches, items) so far."""
    import httpx2

    data = httpx2.get(server.url + "/__bench__/committer", timeout=10).json()
    return int(data["batches"]), int(data["items"])


def results_counts(server: Server, session: Setup) -> tuple[int, int]:
    """Return the ranking question's ballots and the single-choice question's voters."""
    import httpx2

    headers = {"x-moderator-key": session.moderator_key}
    counted = []
    for question_id in session.question_ids:
        response = httpx2.get(
            f"{server.url}/api/v1/questions/{question_id}/results", headers=headers, timeout=30
        )
        response.raise_for_status()
        data = response.json()
        counted.append(int(data.get("ballots", data["voters"])))
    return counted[0], counted[1]


def replay(server: Server, jobs: Sequence[Job], first: Phase) -> list[str]:
    """Send acknowledged requests again with their key; return what went wrong."""
    import httpx2

    problems = []
    chosen = [job for job in jobs if first.bodies.get(job[0], (0, "", False))[0] == 201]
    with httpx2.Client(base_url=server.url, timeout=30) as client:
        for job in chosen[:REPLAYS]:
            _id, _tag, method, path, headers, body = job
            response = client.request(method, path, content=body, headers=dict(headers))
            original = json.loads(first.bodies[job[0]][1])
            if (
                response.status_code != 201
                or response.headers.get("idempotency-replayed") != "true"
                or response.json() != original
            ):
                problems.append(
                    f"replay of {path}: {response.status_code} "
                    f"replayed={response.headers.get('idempotency-replayed')} {response.text[:200]}"
                )
    return problems


def stop_and_read_logs(servers: Sequence[Server], keep: bool) -> list[str]:
    """Stop the servers, print a summary of what they logged, return one failure per server."""
    failures = []
    for server in servers:
        server.stop()
        problems = server.problems()
        if problems:
            failures.append(f"{server.name} logged {sum(problems.values())} errors/exceptions")
            where = str(server.log_path) if keep else "--keep keeps it"
            print(f"{server.name} log ({where}), lines by count:")
            for line, count in problems.most_common(8):
                print(f"  {count:>6} x {line}")
    return failures


def benchmark(args: argparse.Namespace, workdir: Path, stack: contextlib.ExitStack) -> int:
    """Run every phase and the checks; return the exit status."""
    url = stack.enter_context(database_for(args, workdir))
    session = create_session(url)
    env = {k: v for k, v in os.environ.items() if k not in {"AGORA_DATABASE_URL"}}
    env |= {"AGORA_DATABASE_URL": url, "AGORA_SECRET_KEY": secrets.token_urlsafe(48)}
    bare = Server("bare", ["bare_app:app"], env, workdir)
    if args.processes > 1:  # one Agora over Redis, on a channel of this run's own
        env |= {
            "AGORA_BROKER": "redis",
            "AGORA_REDIS_URL": args.redis_url,
            "AGORA_REDIS_PREFIX": f"agora-bench-{secrets.token_hex(4)}",
        }
    agoras = [
        Server(
            f"agora{n + 1}" if args.processes > 1 else "agora",
            ["--factory", "agora_server:create"],
            env,
            workdir,
        )
        for n in range(args.processes)
    ]
    agora = agoras[0]
    for server, ready in [*((a, "/__bench__/committer") for a in agoras), (bare, "/ping")]:
        stack.callback(server.stop)
        server.start(ready)
    print(
        f"agora on {', '.join(f'{a.url} (pid {a.pid})' for a in agoras)}, "
        f"bare on {bare.url} (pid {bare.pid})"
    )

    warm = args.warmup
    joined = load_phase(
        "Agora POST join (setup)",
        agoras,
        join_jobs(session, warm + args.participants),
        args,
        expected_status=201,
        duration=args.setup_timeout,
        concurrency=args.join_concurrency,
        keep_bodies=True,
    )
    tokens_by_index = {
        i: json.loads(body)["participant_token"]
        for i, (status, body, _r) in joined.bodies.items()
        if status == 201
    }
    tokens = [tokens_by_index[i] for i in sorted(tokens_by_index)]
    if len(tokens) < warm + 1:
        print(f"only {len(tokens)} participants could join; stopping")
        stop_and_read_logs([*agoras, bare], args.keep)
        return 1
    run = uuid.uuid4().hex[:8]
    warm_jobs = answer_jobs(session, tokens[:warm], 0, args.seed, run)
    jobs = answer_jobs(session, tokens[warm:], len(warm_jobs), args.seed + 1, run)
    print(f"joined {len(tokens)} participants ({warm} for warm-up); {len(jobs)} responses to send")

    # Warm-up: load both tallies (as a screen showing results would), answer with the
    # warm-up participants, and exercise the bare app with the same requests.
    for server in agoras:
        results_counts(server, session)
    first = load_phase(
        "warm-up agora", agoras, warm_jobs, args, expected_status=201, keep_bodies=True
    )
    load_phase("warm-up bare POST", bare, warm_jobs, args, expected_status=201)
    load_phase("warm-up bare GET", bare, ping_jobs(len(warm_jobs)), args, expected_status=200)
    for prefix in ("/sync-deps", "/async-deps"):
        load_phase("warm-up bare", bare, moved(warm_jobs, prefix), args, expected_status=201)

    before = load_phase("bare FastAPI POST (before)", bare, jobs, args, expected_status=201)
    batches0, items0 = map(sum, zip(*(committer_counts(a) for a in agoras), strict=True))
    measured = load_phase("Agora POST response", agoras, jobs, args, expected_status=201)
    batches1, items1 = map(sum, zip(*(committer_counts(a) for a in agoras), strict=True))
    after = load_phase("bare FastAPI POST (after)", bare, jobs, args, expected_status=201)
    ping = load_phase("bare Starlette GET", bare, ping_jobs(len(jobs)), args, expected_status=200)
    sync_deps = load_phase(
        "bare POST + 2 def deps", bare, moved(jobs, "/sync-deps"), args, expected_status=201
    )
    async_deps = load_phase(
        "bare POST + 2 async deps", bare, moved(jobs, "/async-deps"), args, expected_status=201
    )

    print()
    baseline = (before.rps + after.rps) / 2
    print_table([before, measured, after, ping, sync_deps, async_deps, joined], baseline)
    if args.processes > 1:
        print(
            f"{args.processes} Agora processes: {measured.rps / args.processes:,.0f} responses/s "
            f"per process, {measured.rps / args.processes / baseline:.2f} of the bare POST "
            "(one process) per process"
        )
    print()
    batches, items = batches1 - batches0, items1 - items0
    if batches:
        print(
            f"group commit during 'Agora POST response': {items} responses in {batches} "
            f"transactions, {items / batches:.1f} per batch on average"
        )
    print(
        f"client: {args.client}, {max(args.clients, args.processes)} process(es), "
        f"{measured.client_cpu / max(measured.completed, 1) * 1e6:.0f} µs CPU per request "
        f"against Agora, {before.client_cpu / max(before.completed, 1) * 1e6:.0f} µs against bare"
    )

    # Checks: nothing lost, nothing counted twice.
    failures: list[str] = []
    failures += replay(agora, warm_jobs, first)
    acknowledged = first.expected_by_tag + measured.expected_by_tag
    stored, keys = stored_counts(url, session.question_ids)
    created = [acknowledged[0], acknowledged[1]]
    ballots, voters = results_counts(agora, session)
    settle = time.monotonic() + 10  # the other processes' answers arrive through Redis
    while [ballots, voters] != created and time.monotonic() < settle:
        time.sleep(0.2)
        ballots, voters = results_counts(agora, session)
    stored_list = [stored[q] for q in session.question_ids]
    print(
        f"check: 201s ranking/choice {created[0]}/{created[1]}; stored {stored_list[0]}/"
        f"{stored_list[1]}; idempotency keys stored {keys}; results API ballots {ballots}, "
        f"voters {voters}; {min(REPLAYS, created[0] + created[1])} replays"
    )
    if stored_list != created:
        failures.append(f"stored responses {stored_list} != acknowledged (201) {created}")
    if keys != sum(created):
        failures.append(f"idempotency keys stored {keys} != acknowledged {sum(created)}")
    if [ballots, voters] != created:
        failures.append(f"results API counts {[ballots, voters]} != acknowledged {created}")
    for phase in (joined, first, before, measured, after, ping, sync_deps, async_deps):
        if phase.unexpected:
            failures.append(
                f"{phase.name}: {phase.unexpected} requests without the expected status"
            )
    if measured.sent < len(jobs):
        print(f"note: the duration ended the Agora phase after {measured.sent} of {len(jobs)}")
    failures += stop_and_read_logs([*agoras, bare], args.keep)
    for failure in failures:
        print(f"FAILED: {failure}")
    print("all checks passed" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=2000, help="default 2000")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--duration", type=float, default=60.0, help="most seconds per phase")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("AGORA_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="an existing database on 127.0.0.1 to create the benchmark's database from",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="Agora processes (more than 1: PostgreSQL and the Redis broker; the client "
        "processes are spread over them round robin)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--clients", type=int, default=1, help="client processes (default 1)")
    parser.add_argument("--client", choices=["raw", "httpx2"], default="raw")
    parser.add_argument(
        "--join-concurrency",
        type=int,
        default=16,
        help="joins in flight while setting up (default 16: more than ~40 stalls Agora on "
        "SQLite, see docs/performance.md)",
    )
    parser.add_argument("--warmup", type=int, default=100, help="warm-up participants")
    parser.add_argument("--setup-timeout", type=float, default=120.0, help="most seconds to join")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if not (1 <= args.participants <= 1_000_000 and 1 <= args.concurrency <= 10_000):
        parser.error("participants must be 1..1,000,000 and concurrency 1..10,000")
    if not 1 <= args.join_concurrency <= 10_000:
        parser.error("join concurrency must be 1..10,000")
    if not (0 < args.duration <= 3600 and 1 <= args.clients <= 64 and args.warmup >= 1):
        parser.error("duration must be 0..3600 s, clients 1..64, warmup at least 1")
    if not 1 <= args.processes <= 16:
        parser.error("processes must be 1..16")
    if args.processes > 1 and args.database != "postgresql":
        parser.error("several Agora processes need --database postgresql (and Redis)")
    return args


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; every server, database and file it made is gone when it returns."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    print_header(args)
    workdir = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    with contextlib.ExitStack() as stack:
        if args.keep:
            print(f"keeping {workdir}")
        else:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            return benchmark(args, workdir, stack)
        except KeyboardInterrupt:
            print("\ninterrupted: stopping the servers")
            return 130
    return 1  # pragma: no cover - the with block returns


if __name__ == "__main__":
    sys.exit(main())
