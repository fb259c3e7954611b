"""`python -m cellboard bench`: speed measured on this machine, never asserted in tests.

Builds (or reuses) a demo database at a scale and times each named query (whole tree and one
commune), the same questions in pandas over loaded DataFrames (cellboard/bench/baseline.py), each
page's server-side render in AppTest (cold and warm), importing one commune's month with the
swap, building the review report, writes through the write path until another process sees them
(cellboard/bench/writes.py), what a user waits for per click, server side and in Chromium
(cellboard/bench/interactions.py), and reports file size, row counts and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from cellboard import ROOT, allocator, demo
from cellboard.bench import baseline
from cellboard.bench.timing import BENCH_END, RUNS, timed
from cellboard.data import db, periods, store


def demo_fingerprint() -> str:
    """What a demo database depends on: the schema and the code that generates and writes it."""
    import cellboard
    from cellboard import demo_words

    digest = hashlib.sha256()
    sources = (
        cellboard.__file__,
        store.SCHEMA_FILE,
        store.MACROS_FILE,
        demo.__file__,
        demo_words.__file__,
        store.__file__,
    )
    for source in sources:
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:16]


BENCH_DATA = ROOT / "data"  # where the bench keeps its own demo databases


def bench_database(scale: str, path: Path | None) -> tuple[Path, float | None]:
    """The demo database for the scale and its build time in seconds. The default file
    (data/bench-SCALE.duckdb) is rebuilt when missing or built by other code; a file named with
    --db is built when missing and otherwise used as it is."""
    default = path is None
    path = Path(path or BENCH_DATA / f"bench-{scale}.duckdb")
    sidecar = path.with_suffix(".json")
    known = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    stale = default and known.get("fingerprint") != demo_fingerprint()
    if not path.exists() or stale:
        print(f"building the {scale} demo for the bench: {path}", file=sys.stderr)
        if default:
            forget_bench_demo(path)
        started = time.perf_counter()
        demo.build_demo(path, scale=scale, seed=42, end_month=BENCH_END)
        known = {"demo_seconds": round(time.perf_counter() - started, 2), "fingerprint": demo_fingerprint()}
        sidecar.write_text(json.dumps(known))
    return path, known.get("demo_seconds")


def forget_bench_demo(path: Path) -> None:
    """Delete the bench's own demo file before it is built again, with the copies earlier rebuilds
    kept under backups/. It is made from code and read by nothing else, so the rebuild need not
    keep it as a replaced database is kept (ten copies of the L demo came to 7,5 GB)."""
    for old in (path, path.with_name(path.name + ".wal"), *store.list_backups(path)):
        old.unlink(missing_ok=True)


def row_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            row[0] for row in con.execute("select table_name from duckdb_tables() order by 1").fetchall()
        ]
        return {name: con.table(name).count("*").fetchall()[0][0] for name in tables}
    finally:
        con.close()


def typical_params(path: Path) -> tuple[periods.Period, str, str]:
    """The last 6 months of the data, the commune with most cells and one of its cells."""
    tree = db.run("unit_tree", path=path)
    communes = tree[tree["kind"] == "commune"].sort_values("cells", ascending=False)
    commune = str(communes["unit_id"].iloc[0])
    cell = str(tree.loc[(tree["kind"] == "cell") & (tree["parent_id"] == commune), "unit_id"].iloc[0])
    end = periods.month_end(BENCH_END)
    return periods.Period(periods.add_months(BENCH_END, -5), end), commune, cell


def query_params(name: str, period: periods.Period, unit: str | None, cell: str) -> dict[str, object]:
    """Typical values for whatever parameters a named query takes. A query asking a month (its $start is
    "first day of the month", as month_meetings for the Month page) gets the period's last month."""
    if _asks_a_month(name):
        period = periods.Period(periods.month_start(period.end), period.end)
    known = {
        "start": period.start,
        "end": period.end,
        "unit": unit,
        "as_of": period.end + dt.timedelta(days=1),
        "limit": 100,
        "cell": cell,
        "commune": unit,
        "root": unit,
    }
    return {key: known.get(key) for key in db.query_params(name)}


def _asks_a_month(name: str) -> bool:
    start = [field for field in db.query_info(name).parameters if field.name == "start"]
    return bool(start) and start[0].description.startswith("first day of the month")


def bench_queries(path: Path, period, commune: str, cell: str) -> dict[str, dict[str, float]]:
    results = {}
    for name in db.query_names():
        whole = query_params(name, period, None, cell)
        if name == "unit_in_scope":
            whole = {"unit": cell, "root": commune}
        entry = timed(lambda p=whole, n=name: db.run(n, p, path=path))
        local = query_params(name, period, commune, cell) if "unit" in db.query_params(name) else whole
        entry["commune_median_ms"] = timed(lambda p=local, n=name: db.run(n, p, path=path))["median_ms"]
        results[name] = entry
    search = {**query_params("opinions_list", period, None, cell), "text": "nạo vét"}
    results["opinions_list_search"] = timed(lambda: db.run("opinions_list", search, path=path))
    return results


def bench_pandas(path: Path, period, results: dict) -> float:
    """Adds pandas_median_ms to each query the baseline answers; returns the load time in ms."""
    con = duckdb.connect(str(path), read_only=True)
    started = time.perf_counter()
    frames = baseline.load(con)
    load_ms = (time.perf_counter() - started) * 1000
    con.close()
    as_of = period.end + dt.timedelta(days=1)
    for name, function in baseline.QUESTIONS.items():
        kwargs = {"as_of": as_of} if name in baseline.JUDGED_ON else {}
        if name == "opinions_list":
            kwargs["limit"] = 100
        measured = timed(
            lambda f=function, k=kwargs: f(frames, period.start, period.end, None, **k), runs=RUNS
        )
        results.setdefault(name, {})["pandas_median_ms"] = measured["median_ms"]
    search = timed(
        lambda: baseline.opinions_list(frames, period.start, period.end, search="nạo vét", limit=100)
    )
    results.setdefault("opinions_list_search", {})["pandas_median_ms"] = search["median_ms"]
    for entry in results.values():
        entry.setdefault("pandas_median_ms", None)  # no pandas baseline for this question
    return round(load_ms, 1)


def bench_pages(path: Path, period) -> dict[str, dict[str, float]]:
    from cellboard.bench import apptiming

    return apptiming.page_times(path, period)


def commune_month_workbook(path: Path, out: Path) -> Path:
    """A workbook of the next month for 30 cells of the largest commune: meetings and attendance."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        unit, membership, meeting = (con.table(name).df() for name in ("unit", "membership", "meeting"))
    finally:
        con.close()
    cells = unit[(unit["kind"] == "cell") & unit["valid_to"].isna()]
    commune = cells["parent_id"].value_counts().index[0]
    roll = membership[membership["to_date"].isna()]
    # the commune's 30 largest cells: about the 1,200 attendance rows of the benchmark's target
    sizes = roll[roll["cell_id"].isin(cells.loc[cells["parent_id"] == commune, "unit_id"])][
        "cell_id"
    ].value_counts()
    cells = cells[cells["unit_id"].isin(sizes.index[:30])]
    month = (meeting["held_on"].max() + pd.offsets.MonthBegin(1)).date()
    held_on = month + dt.timedelta(days=9)
    roll = roll[roll["cell_id"].isin(cells["unit_id"])]
    meetings = pd.DataFrame(
        {
            "meeting_id": cells["unit_id"] + f"-{month:%Y%m}-B",
            "cell_id": cells["unit_id"],
            "held_on": held_on,
            "kind": "regular",
            "topic": f"Sinh hoạt tháng {month:%m/%Y}",
        }
    )
    attendance = roll[["member_id", "cell_id"]].assign(meeting_id=lambda r: r["cell_id"] + f"-{month:%Y%m}-B")
    attendance["status"] = attendance["member_id"].map(lambda _: "present")
    attendance.loc[roll["status"].to_numpy() == "exempt", "status"] = "exempt"
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        meetings.to_excel(writer, sheet_name="meetings", index=False)
        attendance[["meeting_id", "member_id", "status"]].to_excel(
            writer, sheet_name="attendance", index=False
        )
    return out


def bench_import(path: Path) -> float | None:
    """Import one commune's next month (≈ 30 cells, ≈ 1,200 attendance rows) into a copy, swap included."""
    from cellboard import ingest

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "bench.duckdb"
        shutil.copyfile(path, target)
        workbook = commune_month_workbook(target, Path(folder) / "month.xlsx")
        started = time.perf_counter()
        result = ingest.import_files([workbook], target, account="bench", allow_demo=True)
        elapsed = (time.perf_counter() - started) * 1000
        if not result.ok:
            raise RuntimeError(f"the benchmark's import was rejected: {result}")
        return round(elapsed, 1)


def bench_report(path: Path, period) -> float:
    from cellboard import review, text

    year = periods.Period(dt.date(period.end.year - 1, 7, 1), dt.date(period.end.year - 1, 12, 31))
    started = time.perf_counter()
    review.build_report(text.VI, path, year.start, year.end, None, "docx", db.EVERYTHING)
    return round((time.perf_counter() - started) * 1000, 1)


def bench_writes(path: Path) -> dict[str, float]:
    """Writes through the one write path, timed until another process sees them (on a copy)."""
    from cellboard.bench import writes

    return writes.bench_writes(path)


def bench_interactions(path: Path, commune: str) -> dict:
    """interactions, interactions_commune, first_load_ms, server_peak_rss_mb and floor (issue 15)."""
    from cellboard.bench import interactions

    return interactions.measure(path, commune)


def run_bench(scale: str, path: Path | None = None) -> dict:
    path, demo_seconds = bench_database(scale, path)
    period, commune, cell = typical_params(path)
    queries = bench_queries(path, period, commune, cell)
    pandas_load_ms = bench_pandas(path, period, queries)
    return {
        "scale": scale,
        "rows": row_counts(path),
        "db_bytes": path.stat().st_size,
        "demo_seconds": demo_seconds,
        "window": [period.start.isoformat(), period.end.isoformat()],
        "commune": commune,
        "queries": queries,
        "pandas_load_ms": pandas_load_ms,
        "pages": bench_pages(path, period),
        **bench_interactions(path, commune),  # interactions, interactions_commune, first_load_ms, ...
        "import_commune_month_ms": bench_import(path),
        "report_ms": bench_report(path, period),
        **bench_writes(path),  # write_answer_ms, write_commune_month_ms, write_20_concurrent_s, ...
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "allocator": allocator.in_use(),  # jemalloc unless missing or CELLBOARD_MALLOC=system
    }


def as_table(result: dict) -> str:
    lines = [
        f"scale {result['scale']}: {result['db_bytes'] / 2**20:,.1f} MiB, demo built in {result['demo_seconds']} s, "
        f"window {result['window'][0]}..{result['window'][1]}, commune {result['commune']}, "
        f"allocator {result['allocator']}",
        "rows: " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()),
        "",
        f"{'query':32} {'median':>8} {'min':>8} {'max':>8} {'commune':>8} {'pandas':>8} {'ratio':>6}",
    ]
    for name, q in result["queries"].items():
        pandas_ms = q.get("pandas_median_ms")
        ratio = f"{pandas_ms / q['median_ms']:.1f}x" if pandas_ms and q.get("median_ms") else ""
        lines.append(
            f"{name:32} {q.get('median_ms', ''):>8} {q.get('min_ms', ''):>8} {q.get('max_ms', ''):>8} "
            f"{q.get('commune_median_ms', ''):>8} {pandas_ms or '':>8} {ratio:>6}"
        )
    lines += ["", f"{'page':32} {'cold':>8} {'warm':>8}"]
    lines += [f"{name:32} {p['cold_ms']:>8} {p['warm_ms']:>8}" for name, p in result["pages"].items()]
    lines += interactions_table(result)
    lines += [
        "",
        f"pandas load of the base tables: {result['pandas_load_ms']} ms",
        f"import of a commune's month, swap included: {result['import_commune_month_ms']} ms",
        f"review report (DOCX, whole tree, a half-year): {result['report_ms']} ms",
        f"an answer, until another process sees it: {result['write_answer_ms']} ms",
        f"a meeting with its cell's roll ({result['write_commune_month_marks']} marks), until seen: "
        f"{result['write_commune_month_ms']} ms",
        f"20 answers from 20 processes at once, until all seen: {result['write_20_concurrent_s']} s "
        f"(unbatched {result['write_20_concurrent_unbatched_s']} s)",
        f"peak memory: {result['peak_rss_mb']} MiB",
    ]
    return "\n".join(lines)


def interactions_table(result: dict) -> list[str]:
    def cell(value) -> str:
        return "–" if value is None else f"{value:.0f}"

    lines = []
    for key, who in (("interactions", "an administrator"), ("interactions_commune", "a commune account")):
        lines += [
            "",
            f"what the user waits for, {who} (ms; server = AppTest, browser = Chromium until settled; "
            f"medians of {result['interaction_runs']})",
            f"{'page':14} {'open':>7} {'rerun':>7} {'unit':>7} {'period':>7} {'switch':>8} {'b.period':>8}",
        ]
        for name, page in result[key].items():
            lines.append(
                f"{name:14} {cell(page['server_open_ms']):>7} {cell(page['server_rerun_ms']):>7} "
                f"{cell(page['server_unit_change_ms']):>7} {cell(page['server_period_change_ms']):>7} "
                f"{cell(page['browser_switch_ms']):>8} {cell(page['browser_period_change_ms']):>8}"
            )
    floor = result["floor"]
    lines += [
        f"first load with login: {result['first_load_ms']} ms; server peak memory after every page: "
        f"{result['server_peak_rss_mb']} MiB",
        f"floor (same sidebar, no data): rerun {floor['server_rerun_ms']} ms, page switch "
        f"{floor['browser_switch_ms']} ms; clicks done again (no run started): "
        f"{result['interaction_repeated_clicks']}",
    ]
    return lines


def cli_bench(args: argparse.Namespace) -> int:
    if args.national:
        from cellboard.bench import national

        return national.cli_national(args.national, args.json, Path(args.db) if args.db else None)
    result = run_bench(args.scale, Path(args.db) if args.db else None)
    print(json.dumps(result, ensure_ascii=False) if args.json else as_table(result))
    return 0
