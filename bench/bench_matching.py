"""Matching latency over many candidate actors, with a plain-Python baseline in the same run.

Run ``.venv/bin/python bench/bench_matching.py [--actors 50000] [--queries 200]``.

A generated knowledge base (``bench/matching_world.py``) of ``--actors`` actors is turned
into the scoring columns once (``build``, timed). Then ``--queries`` random actors each ask
for partners on one or two random topics, on one process, and each query is timed:

* ``score + top 10``: every component for every candidate, weighted, and the ten best;
* ``+ explain``: the same plus the ten explanations the page shows (what a request costs
  apart from reading the database and rendering);
* ``topic overlap``: the baseline ranking by topics alone, vectorised the same way;
* ``python loop``: the same score computed candidate by candidate in plain Python, on a
  few queries only — what the vectorisation saves.

Percentiles (50th, 95th, 99th) are in milliseconds of wall-clock time; the ``(CPU)`` row
gives the process's CPU time of ``score + top 10``, which a busy machine disturbs less.
The machine is shared: compare the rows of one run with each other, not with another
run's.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time

import numpy as np
from matching_world import TOPICS, generate, with_offers_from

from agora.matching.explain import explain
from agora.matching.profiles import NUMERIC, MatchProfile
from agora.matching.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    Candidates,
    Goal,
    build,
    score,
    topic_overlap,
)


def percentiles(values: list[float]) -> str:
    """Return the 50th, 95th and 99th percentiles of ``values`` (seconds) in ms."""
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] * 1000

    return f"{at(0.5):8.1f} {at(0.95):8.1f} {at(0.99):8.1f}"


def python_loop(c: Candidates, seeker: MatchProfile, goal: Goal) -> list[tuple[float, int]]:
    """Score the numeric likeness, complementarity and track record one candidate at a time.

    A part of the full score only (so the baseline flatters the loop), in plain Python.
    """
    out = []
    wanted = [c.topics.index(t) for t in goal.topics]
    for i, p in enumerate(c.profiles):
        total = 0.0
        for k, name in enumerate(NUMERIC):
            mine, theirs = seeker.value(name), c.numeric[i, k]
            like = (
                0.5 if not isinstance(mine, float) or theirs != theirs else 1 - abs(mine - theirs)
            )
            total += DEFAULT_WEIGHTS[name] * like
        offered = sum(1 for t in goal.topics if t in p.offers) / max(1, len(goal.topics))
        total += DEFAULT_WEIGHTS["complementarity"] * 0.7 * offered
        record = sum(float(c.track[i, j]) for j in wanted)
        total += DEFAULT_WEIGHTS["track_record"] * (1 - math.exp(-record / 3))
        out.append((total, i))
    out.sort(reverse=True)
    return out[:10]


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    world = generate(args.actors, args.seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    c = build(with_offers_from(world, world.cooperations), world.cooperations, world.memberships)
    built = time.perf_counter() - started
    rng = random.Random(args.seed)
    queries = [
        (rng.randrange(1, args.actors + 1), tuple(rng.sample(TOPICS, rng.choice((1, 2)))))
        for _ in range(args.queries)
    ]
    timings: dict[str, list[float]] = {"score + top 10": [], "+ explain": [], "topic overlap": []}
    cpu: list[float] = []
    for actor_id, topics in queries:
        seeker = c.profiles[c.index[actor_id]]
        goal = Goal(topics=topics)
        c0 = time.process_time()
        t0 = time.perf_counter()
        s = score(c, seeker, goal)
        top = s.top(10)
        t1 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        for rank, row in enumerate(top, start=1):
            explain(c, s, row, rank)
        t2 = time.perf_counter()
        overlap = topic_overlap(c, goal)
        rows = np.flatnonzero(s.eligible)
        rows[np.argpartition(-overlap[rows], 9)[:10]]
        t3 = time.perf_counter()
        timings["score + top 10"].append(t1 - t0)
        timings["+ explain"].append(t2 - t0)
        timings["topic overlap"].append(t3 - t2)
    loop: list[float] = []
    for actor_id, topics in queries[:5]:
        t0 = time.perf_counter()
        python_loop(c, c.profiles[c.index[actor_id]], Goal(topics=topics))
        loop.append(time.perf_counter() - t0)
    timings["python loop (part)"] = loop
    print(
        f"candidates {len(c):,} ({len(world.cooperations):,} cooperations, "
        f"{len(COMPONENTS)} components); generated in {generated:.1f} s, "
        f"columns built in {built:.1f} s; {args.queries} queries"
    )
    print(f"{'per query':<20} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in timings.items():
        print(f"{name:<20} {percentiles(values)}")
    print(f"{'score + top 10 (CPU)':<20} {percentiles(cpu)}")
    print(f"(mean of score + top 10: {statistics.mean(timings['score + top 10']) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
