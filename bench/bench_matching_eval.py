"""Hold-out evaluation of partner matching against two baselines measured in the same run.

Run ``.venv/bin/python bench/bench_matching_eval.py [--actors 3000] [--hide 0.2]
[--queries 1000] [--seed 7]``.

On a generated knowledge base of known structure (``bench/matching_world.py`` says how it
is made), a share of the cooperation links is hidden; the candidates' columns are built
from the visible links only (track records, partners, offers derived from cooperations).
For each hidden link ``(a, b)`` (up to ``--queries``, drawn at random, each direction
counted once), actor ``a`` asks for partners on the hidden cooperation's topics; ``a``'s
visible partners are excluded, as the app does. Reported for each ranking: recall@10
(the share of queries whose hidden partner is in the first ten) and the mean reciprocal
rank of the hidden partner. The rankings:

* ``matching``: Agora's score with the default weights;
* ``topic overlap``: candidates ranked by the share of the goal's topics they work on
  (offers, seeks or cooperations), ties broken at random;
* ``random``: a random order of the same eligible candidates.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from matching_world import generate, with_offers_from

from agora.matching.scoring import Goal, Scores, build, score, topic_overlap


def rank_of(values: np.ndarray, eligible: np.ndarray, target: int, noise: np.ndarray) -> int:
    """Return the 1-based rank of ``target`` among eligible rows (ties broken by ``noise``)."""
    mine = values[target]
    better = eligible & ((values > mine) | ((values == mine) & (noise < noise[target])))
    return int(better.sum()) + 1


def main() -> None:
    """Run the evaluation and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--hide", type=float, default=0.2)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    world = generate(args.actors, args.seed)
    rng = random.Random(args.seed + 1)
    coops = list(world.cooperations)
    rng.shuffle(coops)
    cut = int(len(coops) * args.hide)
    hidden, visible = coops[:cut], coops[cut:]
    c = build(
        with_offers_from(world, visible),
        visible,
        world.memberships,
        topics=("digital_transition",),
    )
    queries = [(co.actors[0], co.actors[1], co.topics) for co in hidden]
    queries = [(b, a, t) if rng.random() < 0.5 else (a, b, t) for a, b, t in queries]
    queries = queries[: args.queries]
    noise_rng = np.random.default_rng(args.seed)
    results: dict[str, list[int]] = {"matching": [], "topic overlap": [], "random": []}
    for seeker_id, target_id, topics in queries:
        seeker = c.profiles[c.index[seeker_id]]
        s: Scores = score(c, seeker, Goal(topics=topics))
        target = c.index[target_id]
        if not s.eligible[target]:  # the hidden partner is also a visible partner
            continue
        noise = noise_rng.random(len(c))
        results["matching"].append(rank_of(s.total, s.eligible, target, noise))
        overlap = topic_overlap(c, s.goal)
        results["topic overlap"].append(rank_of(overlap, s.eligible, target, noise))
        randomised = noise_rng.random(len(c))
        results["random"].append(rank_of(randomised, s.eligible, target, noise))
    elapsed = time.perf_counter() - started
    n = len(results["matching"])
    print(
        f"actors {args.actors}, cooperations {len(world.cooperations)} "
        f"({len(hidden)} hidden), queries {n}, eligible candidates per query "
        f"~{int(s.eligible.sum())}, {elapsed:.1f} s"
    )
    print(f"{'ranking':<15} {'recall@10':>10} {'MRR':>7} {'median rank':>12}")
    for name, ranks in results.items():
        array = np.array(ranks)
        recall = float((array <= 10).mean())
        mrr = float((1.0 / array).mean())
        print(f"{name:<15} {recall:>10.3f} {mrr:>7.3f} {int(np.median(array)):>12}")


if __name__ == "__main__":
    main()
