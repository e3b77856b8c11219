"""Time to group 1,000 open-text answers into themes, as the themes page's job does.

Takes the answers of the labelled sets in ``bench/data`` (837), made up to 1,000 with
repeated ones marked apart, and times one ``find_themes`` call with the installed encoder,
model loading included. It prints the figure; the issue's budget is 60 s on the 2-core
machine.

    .venv/bin/python bench/bench_themes_time.py
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from agora.text.themes import find_themes

DATA = Path(__file__).parent / "data"
SETS = ("themes_learned.json", "themes_next.json", "themes_labelled.json")


def answers(count: int = 1000) -> list[str]:
    """Return ``count`` answers from the labelled sets, repeats marked apart."""
    texts: list[str] = []
    for name in SETS:
        texts += [a["text"] for a in json.loads((DATA / name).read_text())["answers"]]
    unique = len(texts)
    texts = (texts * (count // unique + 1))[:count]
    return [t if i < unique else f"{t} ({i})" for i, t in enumerate(texts)]


def main() -> None:
    """Print the time to group the answers, and the machine's load while it ran."""
    texts = answers()
    started = time.perf_counter()
    result = find_themes(texts)
    elapsed = time.perf_counter() - started
    print(
        f"{len(texts)} answers: {elapsed:.1f} s, {len(result.themes)} themes, "
        f"{result.method}; load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
