"""A live room under load: N phones join, hold their streams, vote and follow poll changes.

Starts Agora (``agora_server.py``: ``agora.app.create_app``; ``--processes N`` starts N
processes on N ports with the Redis broker, ``AGORA_BROKER=redis``) on a fresh database,
with one event holding an open poll whose results participants see (enough single-choice
questions that each vote is a new voter's) and a draft poll the moderator opens and closes
during the run. Client processes (``phones.py``, separate from the servers) then:

1. join every phone (``--join page``: the page's join flow, as after scanning the QR code;
   ``--join api``: the join API) and open its stream, ``--connect-concurrency`` at a time;
2. when every phone is connected, send ``--rate`` votes/s for ``--duration`` s, each from
   a phone that has not answered that question yet, while the moderator (this process)
   opens and closes the draft poll through the API (``x-moderator-key``);
3. follow poll changes as the page does (``--follow inplace``, the default: participant.js
   applies the change from the stream's message; ``--follow reload``: the earlier page,
   which reloaded on a poll change and after an answer, kept for comparison);
4. stop ``--settle`` s after the last vote.

Then the same phones, votes and changes run against ``bare_room.py`` — a bare FastAPI app
answering the same requests with the same-sized bodies and a bare SSE fan-out of the same
sized messages at the same coalescing interval — and every figure is printed with its
ratio to the bare one.

How a message is matched to the vote that caused it: results messages carry the
question's voter count. The accepted votes of a question, ordered by the time their 201
arrived, are numbered 1, 2, …; vote k has reached a phone when that phone receives a
count ≥ k. This is exact as long as 201s arrive in commit order (the group committer
commits batches one after another); otherwise it is off by less than one batch.

Bounded: every phase has a timeout, the whole run a hard one (``--timeout``); servers
are stopped, client processes ended, the database dropped and temporary files removed
on exit, also on Ctrl-C, SIGTERM or an error.

Run: ``.venv/bin/python bench/bench_room.py --phones 1000 --rate 50 --duration 20``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import multiprocessing
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench_responses import DEFAULT_POSTGRES, database_for, versions
from phones import Plan, client_process
from servers import Server, cpu_model, machine_ticks, process_cpu, server_options

OPTIONS = ("a", "b", "c", "d", "e")
RESULT_SAMPLE = 500  # votes whose delivery to every phone is analysed


# -- the room --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """The event the phones join: the voting poll and the poll the moderator switches."""

    code: str
    moderator_key: str
    voting_poll: int
    questions: tuple[int, ...]
    switched_poll: int
    switched_questions: tuple[int, ...]


def create_room(url: str, questions: int) -> Room:
    """Migrate the database at ``url``; create the event and its two polls."""
    from agora.core.db import Database
    from agora.core.migrate import upgrade
    from agora.events.services import create_event
    from agora.polls.kinds import QuestionKind
    from agora.polls.schemas import OptionIn, PollIn, QuestionIn
    from agora.polls.services import create_poll, open_poll

    options = [OptionIn(id=o, label=f"Option {o.upper()}") for o in OPTIONS]
    upgrade(url)
    database = Database(url)
    try:
        with database.session() as session:
            event = create_event(session, title="Room benchmark", starts_on=dt.date.today())
            voting = create_poll(
                session,
                event,
                PollIn(
                    title="Which option?",
                    results_visible=True,
                    questions=[
                        QuestionIn(
                            kind=QuestionKind.single_choice,
                            prompt=f"Question {n + 1}: which option?",
                            options=list(options),
                        )
                        for n in range(questions)
                    ],
                ),
            )
            open_poll(session, voting)
            switched = create_poll(
                session,
                event,
                PollIn(
                    title="Opened and closed during the run",
                    results_visible=True,
                    questions=[
                        QuestionIn(
                            kind=QuestionKind.single_choice,
                            prompt="Shown when the moderator opens it",
                            options=list(options),
                        )
                    ],
                ),
            )
            session.flush()
            return Room(
                code=event.code,
                moderator_key=event.moderator_key,
                voting_poll=voting.id,
                questions=tuple(q.id for q in voting.questions),
                switched_poll=switched.id,
                switched_questions=tuple(q.id for q in switched.questions),
            )
    finally:
        database.dispose()


def rss_kib(pid: int) -> int:
    """Return a process's resident memory in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# -- one run against one target --------------------------------------------------------------


@dataclass
class Target:
    """The servers one run talks to."""

    name: str
    servers: list[Server]


@dataclass
class Outcome:
    """What one run measured."""

    name: str
    phones: int
    connected: int = 0
    joins_per_s: float = math.nan
    streams_per_s: float = math.nan
    room_connected_s: float = math.nan
    votes_offered: int = 0
    votes_accepted: int = 0
    votes_waiting: int = 0  # sent, still without an answer when the run ended
    accepted_per_s: float = math.nan
    vote_ms: tuple[float, float] = (math.nan, math.nan)
    reach_ms: tuple[float, float] = (math.nan, math.nan)  # all (vote, phone) pairs
    reach_last_ms: tuple[float, float] = (math.nan, math.nan)  # median, worst vote
    votes_99_within_1s: tuple[int, int] = (0, 0)
    #: p50, p99 to the phones of the vote's own process; p50, p99 to the others' phones
    reach_split_ms: tuple[float, ...] = ()
    reach_missed: int = 0  # (vote, phone) pairs not delivered by the end of the run
    unshown: int = 0  # (poll change, phone) pairs not shown by the end of the run
    change_ms: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    page_ms: tuple[float, float] = (math.nan, math.nan)
    pages: int = 0
    kib_per_stream: float = math.nan
    cpu_ramp: float = math.nan
    cpu_phase: float = math.nan
    machine_busy: float = math.nan  # share of all cores busy (everything on the machine)
    moderator_ms: list[float] = field(default_factory=list)  # the API call of each change
    client_cpu: float = math.nan
    messages: int = 0
    reconnects: int = 0
    final_counts_ok: tuple[int, int] = (0, 0)
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def nearest_rank(ordered: Sequence[float] | np.ndarray[Any, Any], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0-100) of sorted values."""
    if len(ordered) == 0:
        return math.nan
    return float(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)])


def vote_plan(args: argparse.Namespace, room: Room) -> list[tuple[int, int, int, str, float]]:
    """Return every vote: (number, phone, question id, option, offset s from the start)."""
    rng = random.Random(args.seed)
    total = round(args.rate * args.duration)
    return [
        (n, n % args.phones, room.questions[n // args.phones], rng.choice(OPTIONS), n / args.rate)
        for n in range(total)
    ]


def moderate(target: Target, room: Room, action: str) -> tuple[float, bool, str]:
    """Open or close the switched poll through the API; return (sent, ok, problem)."""
    import httpx2

    sent = time.monotonic()
    try:
        response = httpx2.post(
            f"{target.servers[0].url}/api/v1/polls/{room.switched_poll}/{action}",
            headers={"x-moderator-key": room.moderator_key},
            timeout=30,
        )
    except httpx2.HTTPError as exc:
        return sent, False, f"moderator {action}: {exc!r}"
    if response.status_code != 200:
        return sent, False, f"moderator {action}: {response.status_code} {response.text[:200]}"
    return sent, True, ""


def run_room(target: Target, room: Room, args: argparse.Namespace) -> Outcome:
    """Connect the phones to ``target``, vote, switch the poll, and measure."""
    outcome = Outcome(target.name, args.phones)
    ports = [s.port for s in target.servers]
    pids = [s.pid for s in target.servers]
    votes = vote_plan(args, room)
    clients = args.client_processes
    context = multiprocessing.get_context("spawn")
    hard_deadline = time.monotonic() + args.ramp_timeout + args.duration + args.settle + 60
    pipes, processes = [], []
    rss0 = sum(rss_kib(pid) for pid in pids)
    cpu0 = sum(process_cpu(pid) for pid in pids)
    ramp_started = time.monotonic()
    busy0, total0 = machine_ticks()
    try:
        for k in range(clients):
            mine = [v for v in votes if v[1] % clients == k]
            plan = Plan(
                ports=ports,
                code=room.code,
                phones=list(range(k, args.phones, clients)),
                join=args.join,
                follow=args.follow,
                tracked=list(room.questions),
                connect_concurrency=max(1, args.connect_concurrency // clients),
                pool_size=args.pool_size,
                ramp_timeout=args.ramp_timeout,
                hard_deadline=hard_deadline,
                votes=[(n, phone, q, option) for n, phone, q, option, _o in mine],
                offsets=[offset for *_rest, offset in mine],
            )
            parent_end, child_end = context.Pipe()
            process = context.Process(target=client_process, args=(plan, child_end), daemon=True)
            process.start()
            child_end.close()
            pipes.append(parent_end)
            processes.append(process)
        ramps: list[tuple[int, float, float, float, float]] = []
        for pipe in pipes:
            if not pipe.poll(args.ramp_timeout + 60):
                raise RuntimeError(f"{target.name}: a client process did not finish connecting")
            ready = pipe.recv()
            ramps += ready["ramp"]
        ramp_ended = time.monotonic()
        rss1 = sum(rss_kib(pid) for pid in pids)
        cpu1 = sum(process_cpu(pid) for pid in pids)
        outcome.connected = len(ramps)
        if ramps:
            joins = sorted(r[2] for r in ramps)
            outcome.joins_per_s = len(ramps) / max(joins[-1] - min(r[1] for r in ramps), 1e-9)
            ready_times = sorted(r[4] for r in ramps)
            first_stream = min(r[3] for r in ramps)
            outcome.streams_per_s = len(ramps) / max(ready_times[-1] - first_stream, 1e-9)
            outcome.room_connected_s = ready_times[-1] - min(r[1] for r in ramps)
            outcome.kib_per_stream = (rss1 - rss0) / len(ramps)
        outcome.cpu_ramp = (cpu1 - cpu0) / max(ramp_ended - ramp_started, 1e-9)

        start = time.monotonic() + 1.0
        end = start + args.duration + args.settle
        for pipe in pipes:
            pipe.send({"start": start, "end": end})
        changes: list[tuple[str, float]] = []
        time.sleep(max(0.0, start - time.monotonic()))
        cpu2 = sum(process_cpu(pid) for pid in pids)
        count = args.poll_changes
        for n in range(count):
            at = start + (n + 1) * args.duration / (count + 1)
            time.sleep(max(0.0, at - time.monotonic()))
            action = "open" if n % 2 == 0 else "close"
            sent, ok, problem = moderate(target, room, action)
            changes.append((action, sent))  # a call that failed may still have changed it
            outcome.moderator_ms.append((time.monotonic() - sent) * 1e3)
            if not ok:
                outcome.errors[problem[:80]] += 1
        results: list[dict[str, Any]] = []
        for pipe in pipes:
            if not pipe.poll(max(0.0, end - time.monotonic()) + 60):
                raise RuntimeError(f"{target.name}: a client process did not report")
            results.append(pipe.recv()["result"])
        cpu3 = sum(process_cpu(pid) for pid in pids)
        outcome.cpu_phase = (cpu3 - cpu2) / max(time.monotonic() - start, 1e-9)
        busy1, total1 = machine_ticks()
        outcome.machine_busy = (busy1 - busy0) / max(total1 - total0, 1)
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    wall = time.monotonic() - ramp_started
    analyse(outcome, results, ramps, changes, room, votes, start, wall, len(target.servers))
    return outcome


def analyse(
    outcome: Outcome,
    results: list[dict[str, Any]],
    ramps: list[tuple[int, float, float, float, float]],
    changes: list[tuple[str, float]],
    room: Room,
    votes: list[tuple[int, int, int, str, float]],
    start: float,
    wall: float,
    processes: int = 1,
) -> None:
    """Turn what the client processes saw into the figures.

    With several processes (phone n talks to process n mod P), the delivery of a vote is
    also split: to the phones of the process that took it, and to the others' (through
    the broker).
    """
    for result in results:
        outcome.errors.update(result["errors"])
        outcome.samples += result["samples"]
        outcome.messages += result["messages"]
        outcome.reconnects += result["reconnects"]
        for kind, size in result["sizes"].items():
            outcome.sizes[kind] = max(outcome.sizes.get(kind, 0), size)
    outcome.client_cpu = sum(r["cpu"] for r in results) / max(wall, 1e-9)
    connected = sorted(r[0] for r in ramps)
    column = {phone: i for i, phone in enumerate(connected)}

    # votes
    sent_votes = [v for r in results for v in r["votes"]]
    outcome.votes_offered = len(votes)
    accepted = sorted((v for v in sent_votes if v[5] == 201), key=lambda v: v[4])
    outcome.votes_accepted = len(accepted)
    if accepted:
        latencies = sorted(v[4] - v[3] for v in accepted)
        outcome.vote_ms = (nearest_rank(latencies, 50) * 1e3, nearest_rank(latencies, 99) * 1e3)
        outcome.accepted_per_s = len(accepted) / max(accepted[-1][4] - start, 1e-9)
    rank: Counter[int] = Counter()
    numbered = []  # (sent, question, k, process that took it)
    for vote in accepted:
        rank[vote[2]] += 1
        numbered.append((vote[3], vote[2], rank[vote[2]], vote[1] % processes))
    expected_final = dict(rank)

    # counts seen: one array per field over every client
    obs = [np.concatenate([np.asarray(r["obs"][i]) for r in results]) for i in range(4)]
    obs_phone, obs_time, obs_question, obs_count = obs
    if len(numbered) > RESULT_SAMPLE:
        picks = np.linspace(0, len(numbered) - 1, RESULT_SAMPLE).round().astype(int)
        numbered = [numbered[i] for i in sorted(set(picks.tolist()))]
    delays = np.full((len(numbered), len(connected)), np.inf, dtype=np.float64)
    finals_ok = 0
    for question in room.questions:
        rows = [i for i, (_s, q, _k, _p) in enumerate(numbered) if q == question]
        ks = np.array([numbered[i][2] for i in rows], dtype=np.int64)
        sents = np.array([numbered[i][0] for i in rows], dtype=np.float64)
        mask = obs_question == question
        phones, times, counts = obs_phone[mask], obs_time[mask], obs_count[mask]
        order = np.lexsort((times, phones))
        phones, times, counts = phones[order], times[order], counts[order]
        bounds = np.flatnonzero(np.diff(phones)) + 1
        for lo, hi in zip(
            np.concatenate(([0], bounds)), np.concatenate((bounds, [len(phones)])), strict=True
        ):
            if hi <= lo or int(phones[lo]) not in column:
                continue
            seen = np.maximum.accumulate(counts[lo:hi])
            if seen[-1] >= expected_final.get(question, 0):
                finals_ok += 1
            if rows:
                at = np.searchsorted(seen, ks, side="left")
                found = at < len(seen)
                reached = np.where(found, times[lo:hi][np.minimum(at, len(seen) - 1)], np.inf)
                delays[rows, column[int(phones[lo])]] = reached - sents
    outcome.final_counts_ok = (finals_ok, len(connected) * len(room.questions))
    if delays.size:
        flat = np.sort(delays, axis=None)
        outcome.reach_ms = (nearest_rank(flat, 50) * 1e3, nearest_rank(flat, 99) * 1e3)
        last = np.sort(delays.max(axis=1))
        outcome.reach_last_ms = (nearest_rank(last, 50) * 1e3, float(last[-1]) * 1e3)
        within = (delays <= 1.0).mean(axis=1)
        outcome.votes_99_within_1s = (int((within >= 0.99).sum()), len(numbered))
        outcome.reach_missed = int(np.isinf(delays).sum())
        if processes > 1:
            phone_process = np.array([phone % processes for phone in connected])
            vote_process = np.array([n[3] for n in numbered])[:, None]
            same = np.sort(delays[phone_process[None, :] == vote_process])
            other = np.sort(delays[phone_process[None, :] != vote_process])
            outcome.reach_split_ms = (
                nearest_rank(same, 50) * 1e3,
                nearest_rank(same, 99) * 1e3,
                nearest_rank(other, 50) * 1e3,
                nearest_rank(other, 99) * 1e3,
            )

    # poll changes: when each phone showed the switched poll in its new state
    shows: dict[int, list[tuple[float, str | None]]] = {}
    for result in results:
        names = result["signatures"]
        for phone, when, number in result["display"]:
            states = [s for poll, s, _v in names[number] if poll == room.switched_poll]
            shows.setdefault(phone, []).append((when, states[0] if states else None))
    for action, sent in changes:
        wanted = "open" if action == "open" else "closed"
        taken = []
        for phone in connected:
            times_shown = [t for t, s in shows.get(phone, []) if t >= sent and s == wanted]
            taken.append(min(times_shown) - sent if times_shown else math.inf)
        taken.sort()
        missing = sum(1 for t in taken if math.isinf(t))
        outcome.change_ms.append(
            (
                action,
                nearest_rank(taken, 50) * 1e3,
                nearest_rank(taken, 99) * 1e3,
                taken[-1] * 1e3 if taken else math.nan,
                missing,
            )
        )
    pages = sorted(t for r in results for t in r["pages"])
    outcome.pages = len(pages)
    if pages:
        outcome.page_ms = (nearest_rank(pages, 50) * 1e3, nearest_rank(pages, 99) * 1e3)
    if outcome.connected < outcome.phones:
        outcome.errors["phones not connected"] += outcome.phones - outcome.connected
    outcome.votes_waiting = sum(1 for v in sent_votes if v[5] == -1)
    refused = len(sent_votes) - outcome.votes_accepted - outcome.votes_waiting
    if refused:
        outcome.errors["votes refused or failed (see the samples)"] += refused
    if len(sent_votes) < len(votes):
        outcome.errors["votes not sent by the end"] += len(votes) - len(sent_votes)
    outcome.unshown = sum(missing for *_rest, missing in outcome.change_ms)


# -- printing --------------------------------------------------------------------------------


def _f(value: float, digits: int = 0) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "> end"
    return f"{value:,.{digits}f}"


def _ratio(agora: float, bare: float) -> str:
    if any(isinstance(v, float) and (math.isnan(v) or math.isinf(v)) for v in (agora, bare)):
        return "–"
    return f"{agora / bare:.2f}" if bare else "–"


def figures(o: Outcome) -> list[tuple[str, float, int]]:
    """Return the printed figures of one run: (label, value, decimals)."""
    rows: list[tuple[str, float, int]] = [
        ("phones connected", o.connected, 0),
        ("join rate (joins/s)", o.joins_per_s, 0),
        ("stream connection rate (streams/s)", o.streams_per_s, 0),
        ("whole room connected (s)", o.room_connected_s, 1),
        ("votes offered", o.votes_offered, 0),
        ("votes accepted (201)", o.votes_accepted, 0),
        ("votes still unanswered at the end", o.votes_waiting, 0),
        ("accepted votes/s", o.accepted_per_s, 1),
        ("vote latency p50 (ms)", o.vote_ms[0], 1),
        ("vote latency p99 (ms)", o.vote_ms[1], 1),
        ("vote -> stream p50, all phones (ms)", o.reach_ms[0], 1),
        ("vote -> stream p99, all phones (ms)", o.reach_ms[1], 1),
        ("vote -> last phone, median vote (ms)", o.reach_last_ms[0], 1),
        ("vote -> last phone, worst vote (ms)", o.reach_last_ms[1], 1),
        ("votes reaching 99 % of phones in 1 s (%)", _share(o.votes_99_within_1s), 0),
    ]
    if o.reach_split_ms:
        rows += [
            ("vote -> stream p50, phones of its process (ms)", o.reach_split_ms[0], 1),
            ("vote -> stream p99, phones of its process (ms)", o.reach_split_ms[1], 1),
            ("vote -> stream p50, other processes' phones (ms)", o.reach_split_ms[2], 1),
            ("vote -> stream p99, other processes' phones (ms)", o.reach_split_ms[3], 1),
        ]
    for (action, p50, p99, last, _missing), call in zip(o.change_ms, o.moderator_ms, strict=False):
        rows += [
            (f"poll {action}: moderator's API call (ms)", call, 0),
            (f"poll {action} -> shown p50 (ms)", p50, 0),
            (f"poll {action} -> shown p99 (ms)", p99, 0),
            (f"poll {action} -> shown on last phone (ms)", last, 0),
        ]
    rows += [
        ("page fetches (reloads)", o.pages, 0),
        ("page fetch p99 (ms)", o.page_ms[1], 1),
        ("server memory per stream (KiB)", o.kib_per_stream, 1),
        ("server CPU while connecting (% of a core)", o.cpu_ramp * 100, 0),
        ("server CPU while voting (% of a core)", o.cpu_phase * 100, 0),
        ("client CPU (% of a core, whole run)", o.client_cpu * 100, 0),
        ("machine busy, both cores, whole run (%)", o.machine_busy * 100, 0),
        ("stream messages received", o.messages, 0),
        ("(vote, phone) pairs not delivered by the end", o.reach_missed, 0),
        ("(poll change, phone) pairs not shown by the end", o.unshown, 0),
        ("errors", o.error_count, 0),
    ]
    return rows


def _share(pair: tuple[int, int]) -> float:
    return 100 * pair[0] / pair[1] if pair[1] else math.nan


def print_outcomes(agora: Outcome, bare: Outcome | None) -> None:
    """Print Agora's figures, the bare room's and their ratio."""
    print(f"{'figure':<46} {'agora':>12} {'bare':>12} {'ratio':>7}")
    bare_values = {label: value for label, value, _d in figures(bare)} if bare else {}
    rows = figures(agora)
    known = {label for label, _v, _d in rows}
    rows += [row for row in (figures(bare) if bare else []) if row[0] not in known]
    agora_values = {label: value for label, value, _d in figures(agora)}
    for label, _value, digits in rows:
        value = agora_values.get(label, math.nan)
        other = bare_values.get(label, math.nan)
        print(
            f"{label:<46} {_f(value, digits):>12} {_f(other, digits):>12} {_ratio(value, other):>7}"
        )
    print(
        "ratio: agora / bare. vote -> stream: from sending a vote to a phone receiving a "
        "count that includes it;\nshown: from the moderator's request to the phone showing "
        "the new state (message, or page after a reload);\n> end: some phone had not "
        "received it when the run ended (--settle s after the last vote)."
    )
    for outcome in (agora, bare):
        if outcome is None:
            continue
        finals, cells = outcome.final_counts_ok
        print(
            f"{outcome.name}: {finals} of {cells} (phone, question) pairs ended with every "
            f"accepted vote counted; {outcome.reconnects} stream reconnects; message sizes "
            f"{outcome.sizes}"
        )
        for line, count in outcome.errors.most_common(10):
            print(f"  error {count:>6} x {line}")
        for sample in outcome.samples[:5]:
            print(f"  sample: {sample}")


# -- the run ---------------------------------------------------------------------------------


def print_header(args: argparse.Namespace) -> None:
    """Print what runs where."""
    print(f"bench_room  {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"command:  {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine:  {os.cpu_count()} CPUs ({cpu_model()}), Linux {platform.release()}")
    print(f"software: Python {platform.python_version()}, {versions()}")
    print(f"servers:  uvicorn, {' '.join(server_options())}")
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(
        f"room:     {args.phones} phones ({args.join} join, follow {args.follow}), "
        f"{args.rate:g} votes/s for {args.duration:g} s, {args.poll_changes} poll changes, "
        f"{args.processes} Agora process(es), {args.client_processes} client process(es), "
        f"database {args.database}; open files limit {soft}"
    )
    busy0, total0 = machine_ticks()
    time.sleep(1.0)
    busy1, total1 = machine_ticks()
    print(
        f"idle:     the machine was {(busy1 - busy0) / max(total1 - total0, 1):.0%} busy "
        "in the second before the run (other processes)"
    )
    print()


def stop_servers(servers: Sequence[Server], outcome: Outcome) -> None:
    """Stop the servers; count what they logged as errors of the run."""
    for server in servers:
        server.stop()
        for line, count in server.problems().items():
            outcome.errors[f"{server.name} log: {line.strip()[:70]}"] += count


def benchmark(args: argparse.Namespace, workdir: Path, stack: contextlib.ExitStack) -> int:
    """Run the room against Agora, then against the bare room; print; return the status."""
    import httpx2

    url = stack.enter_context(database_for(args, workdir))
    needed = max(1, math.ceil(args.rate * args.duration / args.phones))
    room = create_room(url, needed)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGORA_")}
    env |= {
        "AGORA_DATABASE_URL": url,
        "AGORA_SECRET_KEY": secrets.token_urlsafe(48),
        "AGORA_BROKER": "redis" if args.processes > 1 else "memory",
        "AGORA_REDIS_URL": args.redis_url,
        # a channel and rate-limit keys of this run's own: nothing else using this Redis
        # (a test run) reaches the benchmark's processes, nor the other way round
        "AGORA_REDIS_PREFIX": f"agora-bench-{secrets.token_hex(4)}",
        "AGORA_LIVE_INTERVAL_MS": str(args.interval_ms),
    }
    servers = [
        Server(f"agora{n + 1}", ["--factory", "agora_server:create"], env, workdir)
        for n in range(args.processes)
    ]
    for server in servers:
        stack.callback(server.stop)
        server.start("/__bench__/committer")
    print(f"agora on ports {[s.port for s in servers]} (pids {[s.pid for s in servers]})")
    # warm up the page and the stream's snapshot once before measuring memory
    for server in servers:
        with httpx2.Client(base_url=server.url, timeout=30) as client:
            client.post(f"/api/v1/events/{room.code}/join", json={}).raise_for_status()
            client.get(f"/e/{room.code}")
    agora = run_room(Target("agora", servers), room, args)
    stop_servers(servers, agora)

    bare: Outcome | None = None
    if not args.no_bare:
        server = Server("bare", ["bare_room:app"], env, workdir)
        stack.callback(server.stop)
        server.start("/__bare__/ready")
        polls = [
            {
                "id": poll,
                "title": title,
                "state": state,
                "results_visible": True,
                "allow_change": False,
                "screen_position": 0,
                "questions": [{"id": q, "position": i} for i, q in enumerate(questions)],
            }
            for poll, title, state, questions in (
                (room.voting_poll, "Which option?", "open", room.questions),
                (room.switched_poll, "Opened and closed", "draft", room.switched_questions),
            )
        ]
        sizes = {"results": 600, "polls": 800, "snapshot": 2000, "page": 10000} | {
            k: v for k, v in agora.sizes.items() if k in {"results", "polls", "snapshot", "page"}
        }
        httpx2.post(
            f"{server.url}/__bare__/setup",
            json={
                "code": room.code,
                "moderator_key": room.moderator_key,
                "polls": polls,
                "sizes": sizes,
                "interval": args.interval_ms / 1000,
            },
            timeout=30,
        ).raise_for_status()
        print(f"bare room on port {server.port} (pid {server.pid}), sizes {sizes}")
        bare = run_room(Target("bare", [server]), room, args)
        stop_servers([server], bare)
    print()
    print_outcomes(agora, bare)
    failed = agora.error_count + (bare.error_count if bare else 0)
    print("no errors" if not failed else f"{failed} errors")
    return 1 if failed else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read and check the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--phones", type=int, default=1000, help="default 1000")
    parser.add_argument("--rate", type=float, default=50.0, help="votes/s (default 50)")
    parser.add_argument("--duration", type=float, default=20.0, help="s of voting (default 20)")
    parser.add_argument(
        "--settle", type=float, default=10.0, help="s after the last vote (default 10)"
    )
    parser.add_argument("--poll-changes", type=int, default=2, help="open, close, … (default 2)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("AGORA_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="an existing database on 127.0.0.1 to create the benchmark's database from",
    )
    parser.add_argument("--processes", type=int, default=1, help="Agora processes (Redis)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--client-processes", type=int, default=0, help="default: one per 2,500 phones, at most 4"
    )
    parser.add_argument("--join", choices=["page", "api"], default="page")
    parser.add_argument(
        "--follow",
        choices=["reload", "inplace"],
        default="inplace",
        help="what a phone does on a poll change: show the message, as participant.js does "
        "(inplace), or reload the page, as it did before (reload)",
    )
    parser.add_argument(
        "--connect-concurrency", type=int, default=64, help="phones joining at once"
    )
    parser.add_argument("--pool-size", type=int, default=256, help="request connections/client")
    parser.add_argument("--interval-ms", type=int, default=200, help="coalescing window")
    parser.add_argument("--ramp-timeout", type=float, default=180.0, help="s to connect all")
    parser.add_argument("--timeout", type=float, default=0.0, help="hard limit, s (default auto)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare room")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if not 1 <= args.phones <= 100_000:
        parser.error("--phones must be 1..100,000")
    if not (0 < args.rate <= 10_000 and 0 < args.duration <= 3600 and 0 <= args.settle <= 600):
        parser.error("--rate must be 0..10,000, --duration 0..3,600 s, --settle 0..600 s")
    if not 0 <= args.poll_changes <= 20:
        parser.error("--poll-changes must be 0..20")
    if math.ceil(args.rate * args.duration / args.phones) > 30:
        parser.error(
            "rate x duration may be at most 30 votes per phone (one per question, 30 questions)"
        )
    if not 1 <= args.processes <= 16:
        parser.error("--processes must be 1..16")
    if args.processes > 1 and args.database != "postgresql":
        parser.error("--processes > 1 needs --database postgresql (several writers, one database)")
    if args.client_processes == 0:
        args.client_processes = min(4, max(1, math.ceil(args.phones / 2500)))
    if not 1 <= args.client_processes <= 32:
        parser.error("--client-processes must be 1..32")
    if not (1 <= args.connect_concurrency <= 10_000 and 1 <= args.pool_size <= 10_000):
        parser.error("--connect-concurrency and --pool-size must be 1..10,000")
    if not 20 <= args.interval_ms <= 5000:
        parser.error("--interval-ms must be 20..5000 (AGORA_LIVE_INTERVAL_MS)")
    if not 1 <= args.ramp_timeout <= 3600:
        parser.error("--ramp-timeout must be 1..3,600 s")
    if args.timeout <= 0:
        per_run = args.ramp_timeout + args.duration + args.settle + 120
        args.timeout = 2 * per_run + 120
    return args


class HardTimeout(Exception):
    """The run took longer than ``--timeout``."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _expired(_signum: int, _frame: object) -> None:
    raise HardTimeout


def raise_file_limit(phones: int, args: argparse.Namespace) -> None:
    """Raise the open-files limit to the hard limit (children inherit it); say if short."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    per_server = math.ceil(phones / args.processes) + args.pool_size * args.client_processes + 64
    per_client = math.ceil(phones / args.client_processes) + args.pool_size * args.processes + 64
    if max(per_server, per_client) > hard:
        print(
            f"warning: {max(per_server, per_client)} open files needed per process, the hard "
            f"limit is {hard}: raise it (ulimit -Hn) or add processes"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; every server, process, database and file it made is gone after."""
    args = parse_args(argv)
    raise_file_limit(args.phones, args)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGALRM, _expired)
    signal.alarm(math.ceil(args.timeout))
    print_header(args)
    workdir = Path(tempfile.mkdtemp(prefix="agora-room-"))
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
        except HardTimeout:
            print(f"\nstopped: the run took longer than --timeout {args.timeout:.0f} s")
            return 124
        finally:
            signal.alarm(0)
    return 1  # pragma: no cover - the with block returns


if __name__ == "__main__":
    sys.exit(main())
