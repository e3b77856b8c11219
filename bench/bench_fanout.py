"""Fan-out of the live hub: CPU per message per stream, against bare fan-outs in the same run.

Run ``.venv/bin/python bench/bench_fanout.py [--streams 1000,5000,10000] [--messages 40]``.
For each number of streams N it opens N in-process streams of one event on one ``Hub``
driven by a trivial renderer (one small public message per flush, like one question's
results), each read by a task of its own as a server's response would read it, then
publishes M messages one flush at a time and waits, each time, until every stream has the
message. The same N consumers and M messages then go through two baselines:

* ``queue``: one ``asyncio.Queue`` per stream, read by its task; each message is one
  pre-encoded ``bytes`` put into every queue. It is the least a design with one coroutine
  per stream can do (each stream's task must wake to send), so it is the yardstick.
* ``list``: one pre-encoded ``bytes`` appended to N lists, no task woken at all: the cost
  of touching N Python objects per message, a floor no stream server reaches.

``hub+write`` is the hub again with streams that give it a ``write`` taking every chunk at
once, as the server's ``send`` does while a connection has room (``agora.web.direct``):
the hub writes to waiting streams from its own loop and wakes none of them.

Reported per variant: µs of CPU per message per stream (the process's CPU time over
M × N), the time from publishing a message to the last stream having it (median and
worst of the M messages), the longest turn of the event loop while delivering (what a vote
arriving then would wait before its socket is read), full garbage collections during
the deliveries, for the hub the time to open the N streams and the snapshots rendered,
and how busy the whole machine was meanwhile (this process uses at most one core).
``--hub PATH`` runs another implementation of ``agora.live.hub`` too (for instance the
previous one: ``git show c50a44d:agora/live/hub.py > /tmp/old_hub.py``).

The app's modules are imported first (as ``agora serve`` has them) and, as the app's
lifespan does, ``agora.app.tune_gc()`` freezes them and sets the collector's thresholds;
``--gc python`` leaves Python's garbage collector as it is instead.

Then the garbage collector: with the app's modules imported (as ``agora serve`` has them)
and N streams open, how long one full collection takes before and after ``gc.freeze()``
of the start-up objects (what the app's lifespan does), and how many tracked objects
each open stream adds. No assertion on times; figures from a shared machine are noisy,
so read the ratios within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from servers import cpu_model, machine_ticks

EVENT = 1
#: A small results-like message (what one question's live results weigh, roughly).
DATA = {"question_id": 1, "poll_id": 1, "result": {"voters": 144, "counts": [50, 40, 30, 24]}}


@dataclass
class Figures:
    """What one variant measured for one number of streams."""

    name: str
    streams: int
    messages: int
    cpu_s: float
    to_last: list[float]
    longest_turn: float
    full_collections: int
    full_collection_s: float
    machine_busy: float
    open_s: float | None = None
    snapshots: int | None = None

    @property
    def us_per_message_stream(self) -> float:
        return self.cpu_s / (self.messages * self.streams) * 1e6


@dataclass
class GcWatch:
    """Counts full (generation 2) collections and their time while ``active``."""

    active: bool = False
    full: int = 0
    full_s: float = 0.0
    _start: float = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.active or info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.full += 1
            self.full_s += time.perf_counter() - self._start

    def reset(self) -> None:
        self.full, self.full_s = 0, 0.0


@dataclass
class LoopTurns:
    """Measures the longest turn of the event loop (a task that yields once per turn)."""

    longest: float = 0.0
    running: bool = True
    task: asyncio.Task[None] | None = None

    async def _probe(self) -> None:
        while self.running:
            start = time.perf_counter()
            await asyncio.sleep(0)
            self.longest = max(self.longest, time.perf_counter() - start)

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._probe())

    async def stop(self) -> float:
        self.running = False
        if self.task is not None:
            await self.task
        return self.longest


@dataclass
class Counter:
    """How many stream chunks arrived; wakes the publisher when all N have one more."""

    target: int = 0
    count: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, more: int) -> None:
        self.target = self.count + more
        self.done = asyncio.Event()

    def add(self) -> None:
        self.count += 1
        if self.count == self.target:
            self.done.set()


async def _consume(stream: AsyncIterator[Any], counter: Counter) -> None:
    async for _chunk in stream:
        counter.add()


async def _deliveries(
    streams: int, messages: int, publish: Callable[[int], Awaitable[None]], counter: Counter
) -> tuple[float, list[float], float, float]:
    """Publish ``messages`` one at a time; return CPU, times to the last stream, longest
    turn, and how busy the whole machine was meanwhile.

    One message goes first, untimed, to warm up.
    """
    counter.expect(streams)
    await publish(-1)
    await counter.done.wait()
    turns = LoopTurns()
    turns.start()
    to_last = []
    busy0, total0 = machine_ticks()
    cpu0 = time.process_time()
    for number in range(messages):
        counter.expect(streams)
        start = time.perf_counter()
        await publish(number)
        await counter.done.wait()
        to_last.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu0
    busy1, total1 = machine_ticks()
    return cpu, to_last, await turns.stop(), (busy1 - busy0) / max(total1 - total0, 1)


async def run_hub(
    hub_module: ModuleType,
    name: str,
    streams: int,
    messages: int,
    watch: GcWatch,
    *,
    direct: bool = False,
) -> Figures:
    """Open ``streams`` streams on a Hub of ``hub_module`` and publish ``messages``.

    With ``direct``, each stream gives the hub a ``write`` that takes every chunk at once
    (as a server's ``send`` does while the connection's buffer has room): the hub writes
    to the waiting streams itself and their tasks stay asleep.
    """
    snapshots = 0

    async def render(event_id: int, dirty: dict[str, set[Any]]) -> list[Any]:
        return [("results", DATA, True)]

    async def snapshot(event_id: int, public_only: bool) -> dict[str, Any]:
        nonlocal snapshots
        snapshots += 1
        return {"sections": {"results": DATA}}

    hub = hub_module.Hub(render, snapshot, interval=0.0, heartbeat=600.0, first_seq=0)
    counter = Counter()
    counter.expect(streams)  # every stream's first chunk (its snapshot)
    start = time.perf_counter()

    def write(chunk: bytes) -> None:
        counter.add()

    options: dict[str, Any] = {"write": write} if direct else {}
    tasks = [
        asyncio.create_task(_consume(hub.stream(EVENT, public_only=True, **options), counter))
        for _ in range(streams)
    ]
    await counter.done.wait()
    open_s = time.perf_counter() - start

    async def publish(number: int) -> None:
        hub.changed(EVENT, "polls", [number])
        await hub.flush(EVENT)

    watch.reset()
    watch.active = True
    cpu, to_last, longest, busy = await _deliveries(streams, messages, publish, counter)
    watch.active = False
    await _cancel(tasks)
    return Figures(
        name,
        streams,
        messages,
        cpu,
        to_last,
        longest,
        watch.full,
        watch.full_s,
        busy,
        open_s,
        snapshots,
    )


async def run_queues(streams: int, messages: int, watch: GcWatch) -> Figures:
    """The yardstick: one queue and one task per stream, one shared bytes per message."""
    counter = Counter()
    queues: list[asyncio.Queue[bytes]] = [asyncio.Queue() for _ in range(streams)]

    async def consume(queue: asyncio.Queue[bytes]) -> None:
        while True:
            await queue.get()
            counter.add()

    tasks = [asyncio.create_task(consume(q)) for q in queues]
    await asyncio.sleep(0)
    wire = _wire()

    async def publish(number: int) -> None:
        for queue in queues:
            queue.put_nowait(wire)

    watch.reset()
    watch.active = True
    cpu, to_last, longest, busy = await _deliveries(streams, messages, publish, counter)
    watch.active = False
    await _cancel(tasks)
    return Figures(
        "queue", streams, messages, cpu, to_last, longest, watch.full, watch.full_s, busy
    )


async def run_lists(streams: int, messages: int, watch: GcWatch) -> Figures:
    """The floor: one bytes appended to N lists, nobody woken."""
    lists: list[list[bytes]] = [[] for _ in range(streams)]
    wire = _wire()
    for chunks in lists:  # the warm-up
        chunks.append(wire)
    to_last = []
    watch.reset()
    watch.active = True
    busy0, total0 = machine_ticks()
    cpu0 = time.process_time()
    for _ in range(messages):
        start = time.perf_counter()
        for chunks in lists:
            chunks.append(wire)
        to_last.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu0
    busy1, total1 = machine_ticks()
    busy = (busy1 - busy0) / max(total1 - total0, 1)
    watch.active = False
    longest = max(to_last)  # the loop is blocked for the whole append
    return Figures("list", streams, messages, cpu, to_last, longest, watch.full, watch.full_s, busy)


def _wire() -> bytes:
    return f"id: 1\nevent: results\ndata: {json.dumps(DATA)}\n\n".encode()


async def _cancel(tasks: Sequence[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def load_hub(path: str | None) -> ModuleType:
    """Return ``agora.live.hub``, or the module at ``path`` (another implementation)."""
    if path is None:
        from agora.live import hub

        return hub
    spec = importlib.util.spec_from_file_location("other_hub", Path(path))
    if spec is None or spec.loader is None:
        raise SystemExit(f"--hub {path}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules["other_hub"] = module
    spec.loader.exec_module(module)
    return module


async def gc_figures(streams: int) -> tuple[float, float, float, float]:
    """Return full-collection seconds: imports only, frozen, frozen + streams; objects/stream."""
    from agora.live import hub as hub_module

    gc.unfreeze()
    gc.collect()
    unfrozen = _time_full_collection()
    gc.freeze()
    frozen = _time_full_collection()
    before = len(gc.get_objects())

    async def render(event_id: int, dirty: dict[str, set[Any]]) -> list[Any]:
        return [("results", DATA, True)]

    async def snapshot(event_id: int, public_only: bool) -> dict[str, Any]:
        return {"sections": {"results": DATA}}

    hub = hub_module.Hub(render, snapshot, interval=0.0, heartbeat=600.0, first_seq=0)
    counter = Counter()
    counter.expect(streams)
    tasks = [
        asyncio.create_task(_consume(hub.stream(EVENT, public_only=True), counter))
        for _ in range(streams)
    ]
    await counter.done.wait()
    per_stream = (len(gc.get_objects()) - before) / streams
    with_streams = _time_full_collection()
    await _cancel(tasks)
    gc.unfreeze()
    return unfrozen, frozen, with_streams, per_stream


def _time_full_collection() -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        gc.collect()
        best = min(best, time.perf_counter() - start)
    return best


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--streams",
        default="1000,5000,10000",
        help="numbers of streams, comma-separated (default: 1000,5000,10000)",
    )
    parser.add_argument("--messages", type=int, default=40, help="messages per run (default: 40)")
    parser.add_argument(
        "--loop", choices=["uvloop", "asyncio"], default="uvloop", help="event loop (uvloop)"
    )
    parser.add_argument("--hub", help="also run the Hub of this file (another implementation)")
    parser.add_argument(
        "--gc",
        choices=["app", "python"],
        default="app",
        help="garbage collector: as the app sets it (agora.app.tune_gc: start-up frozen, "
        "GC_THRESHOLDS) or Python's defaults (default: app)",
    )
    args = parser.parse_args(argv)
    try:
        args.stream_counts = [int(n) for n in args.streams.split(",")]
    except ValueError:
        parser.error(f"--streams {args.streams!r}: expected numbers separated by commas")
    if not args.stream_counts or min(args.stream_counts) < 1:
        parser.error(f"--streams {args.streams!r}: every number must be at least 1")
    if args.messages < 1:
        parser.error(f"--messages {args.messages}: must be at least 1")
    return args


def print_figures(rows: list[Figures]) -> None:
    queue = {row.streams: row for row in rows if row.name == "queue"}
    print(
        f"{'variant':<10} {'streams':>7} {'µs/msg/stream':>13} {'× queue':>8} "
        f"{'to last p50 ms':>14} {'max ms':>7} {'longest turn ms':>15} {'full GCs':>8} "
        f"{'GC ms':>6} {'open s':>7} {'snapshots':>9} {'machine':>7}"
    )
    for row in rows:
        ratio = row.us_per_message_stream / queue[row.streams].us_per_message_stream
        open_s = "" if row.open_s is None else f"{row.open_s:.2f}"
        snapshots = "" if row.snapshots is None else str(row.snapshots)
        print(
            f"{row.name:<10} {row.streams:>7} {row.us_per_message_stream:>13.2f} {ratio:>8.2f} "
            f"{statistics.median(row.to_last) * 1e3:>14.1f} {max(row.to_last) * 1e3:>7.1f} "
            f"{row.longest_turn * 1e3:>15.1f} {row.full_collections:>8} "
            f"{row.full_collection_s * 1e3:>6.0f} {open_s:>7} {snapshots:>9} "
            f"{row.machine_busy:>7.0%}",
            flush=True,
        )


async def benchmark(args: argparse.Namespace) -> None:
    import agora.app  # everything `agora serve` has in memory

    if args.gc == "app":
        agora.app.tune_gc()  # what the app's lifespan does: freeze start-up, thresholds
    hubs = [("hub", load_hub(None))]
    if args.hub:
        hubs.append(("other hub", load_hub(args.hub)))
    watch = GcWatch()
    gc.callbacks.append(watch)
    rows: list[Figures] = []
    for streams in args.stream_counts:
        rows.append(await run_lists(streams, args.messages, watch))
        rows.append(await run_queues(streams, args.messages, watch))
        for name, module in hubs:
            rows.append(await run_hub(module, name, streams, args.messages, watch))
        hub = hubs[0][1]
        rows.append(await run_hub(hub, "hub+write", streams, args.messages, watch, direct=True))
        gc.collect()
    gc.callbacks.remove(watch)
    print_figures(rows)

    largest = max(args.stream_counts)
    unfrozen, frozen, with_streams, per_stream = await gc_figures(largest)
    print(
        f"\nfull collection, app modules imported: {unfrozen * 1e3:.1f} ms; after gc.freeze(): "
        f"{frozen * 1e3:.1f} ms; with {largest} streams open: {with_streams * 1e3:.1f} ms "
        f"({per_stream:.1f} tracked objects per stream)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    busy0, total0 = machine_ticks()
    time.sleep(1.0)
    busy1, total1 = machine_ticks()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs ({cpu_model()}), Python "
        f"{sys.version.split()[0]}, loop {args.loop}, {args.messages} messages per run, "
        f"garbage collector: {args.gc}; the machine was "
        f"{(busy1 - busy0) / max(total1 - total0, 1):.0%} busy in the second before",
        flush=True,
    )
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(benchmark(args))
    else:
        asyncio.run(benchmark(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
