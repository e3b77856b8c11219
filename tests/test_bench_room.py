"""The live-room benchmark runs end to end at a tiny scale and prints every figure.

It starts its own servers on a SQLite file of its own, so it runs once (it takes no
database fixture). Nothing here looks at how fast anything was: only that the run
completes without errors and prints each figure for Agora and for the bare room.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_room.py"

FIGURES = [
    "phones connected",
    "join rate (joins/s)",
    "stream connection rate (streams/s)",
    "whole room connected (s)",
    "votes offered",
    "votes accepted (201)",
    "votes still unanswered at the end",
    "accepted votes/s",
    "vote latency p50 (ms)",
    "vote latency p99 (ms)",
    "vote -> stream p50, all phones (ms)",
    "vote -> stream p99, all phones (ms)",
    "vote -> last phone, median vote (ms)",
    "vote -> last phone, worst vote (ms)",
    "votes reaching 99 % of phones in 1 s (%)",
    "poll open: moderator's API call (ms)",
    "poll open -> shown p50 (ms)",
    "poll open -> shown p99 (ms)",
    "poll open -> shown on last phone (ms)",
    "poll close: moderator's API call (ms)",
    "poll close -> shown p50 (ms)",
    "poll close -> shown p99 (ms)",
    "poll close -> shown on last phone (ms)",
    "page fetches (reloads)",
    "page fetch p99 (ms)",
    "server memory per stream (KiB)",
    "server CPU while connecting (% of a core)",
    "server CPU while voting (% of a core)",
    "client CPU (% of a core, whole run)",
    "machine busy, both cores, whole run (%)",
    "stream messages received",
    "(vote, phone) pairs not delivered by the end",
    "(poll change, phone) pairs not shown by the end",
    "errors",
]
#: A value as printed: a number, "> end" (not received by the end of the run) or "–".
VALUE = r"(-?[\d,]+(?:\.\d+)?|> end|–)"


def test_a_tiny_room_runs_and_prints_every_figure(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--phones",
            "20",
            "--rate",
            "5",
            "--duration",
            "2",
            "--settle",
            "2",
            "--ramp-timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # its temporary files go here
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "no errors" in output
    for figure in FIGURES:
        line = re.search(
            rf"^{re.escape(figure)}\s+{VALUE}\s+{VALUE}\s+(\S+)$", output, re.MULTILINE
        )
        assert line is not None, f"{figure!r} missing from:\n{output}"
        if figure.startswith(("phones connected", "votes offered", "votes accepted")):
            assert line.group(1) == line.group(2) != "0", line.group(0)
    assert re.search(r"^errors\s+0\s+0\s", output, re.MULTILINE), output
    assert "20 of 20 (phone, question) pairs" in output or "> end" in output, output
    assert not list(tmp_path.iterdir()), "the benchmark left files behind"
