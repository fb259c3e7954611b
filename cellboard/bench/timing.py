"""How the benchmark and the national trial time a call (shared, so neither imports the other)."""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import time
from collections.abc import Callable

RUNS = 7
BENCH_END = dt.date(2026, 10, 1)  # fixed, so runs on different days measure the same data


def timed(function: Callable[[], object], runs: int = RUNS, warm_up: int = 1) -> dict[str, float]:
    """Median, min and max of `runs` calls after `warm_up` calls. Python's garbage collector is
    paused while timing, as timeit does: a collection that happens to fall inside one call (it
    walks every object of the process, DataFrames of earlier calls included) measures the
    process, not the question."""
    for _ in range(warm_up):
        function()
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            started = time.perf_counter()
            function()
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
    }
