"""How a query's time drifts as one process runs it again and again, on glibc's malloc and on jemalloc.

    .venv/bin/python docs/allocator_drift.py [--scale M] [--rounds 25] [QUERY ...]

Each query runs in a fresh process per allocator: ROUNDS rounds of bench.timed (a warm-up and 7
timed runs each) on the bench's demo database and typical parameters. Prints the median of the first
and the last four rounds. docs/PERFORMANCE.md ("The allocator") quotes a run of this.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cellboard import allocator  # noqa: E402
from cellboard.bench import run as bench  # noqa: E402
from cellboard.data import db  # noqa: E402

QUERIES = ["recurring_opinions", "cell_ranking", "chronic_absentees"]


def child(scale: str, name: str, rounds: int) -> None:
    allocator.use_jemalloc()  # a no-op under CELLBOARD_MALLOC=system
    path, _ = bench.bench_database(scale, None)
    period, _, cell = bench.typical_params(path)
    params = bench.query_params(name, period, None, cell)
    medians = [bench.timed(lambda: db.run(name, params, path=path))["median_ms"] for _ in range(rounds)]
    print(json.dumps({"allocator": allocator.in_use(), "medians": medians}))


def run(scale: str, name: str, rounds: int, malloc: str) -> dict:
    env = {**os.environ, "CELLBOARD_MALLOC": malloc}
    command = [sys.executable, __file__, "--child", "--scale", scale, "--rounds", str(rounds), name]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("queries", nargs="*", default=QUERIES)
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.queries[0], args.rounds)
        return
    print(f"{'query':24} {'allocator':10} {'first 4 rounds':>15} {'last 4 rounds':>14}")
    for name in args.queries:
        for malloc in ("system", "jemalloc"):
            result = run(args.scale, name, args.rounds, malloc)
            first, last = (
                statistics.median(part) for part in (result["medians"][:4], result["medians"][-4:])
            )
            print(f"{name:24} {result['allocator']:10} {first:12.1f} ms {last:11.1f} ms")


if __name__ == "__main__":
    main()
