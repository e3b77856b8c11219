"""Matching's evaluation and benchmark run end to end at a tiny scale and print their figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_evaluation_ranks_hidden_partners_above_topic_overlap() -> None:
    out = run("bench_matching_eval.py", "--actors", "600", "--queries", "300")
    recall = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"^(matching|topic overlap|random)\s+([0-9.]+)", out, re.M)
    }
    assert set(recall) == {"matching", "topic overlap", "random"}
    assert recall["matching"] > recall["topic overlap"]


def test_the_latency_benchmark_prints_percentiles() -> None:
    out = run("bench_matching.py", "--actors", "500", "--queries", "20")
    assert "score + top 10" in out
    assert "python loop (part)" in out
    assert re.search(r"score \+ top 10 \(CPU\)\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+", out)
