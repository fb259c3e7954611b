"""`python -m cellboard bench --national N`: a trial of the road to national scale on this machine.

One demo database per province (real provinces, as a provincial committee would hold them), then the
same national questions asked two ways:
  - the province files attached read-only (`ATTACH … (READ_ONLY)`), read together with `query_table`;
  - meeting_stats copied to Parquet, partitioned by province, read with `read_parquet`.
Each figure is timed (median of warm runs) and reported with the rows and bytes behind it, so the
cost per province can be carried to the 34 provinces (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
from vietnam_provinces import Province

from cellboard import ROOT, demo
from cellboard.bench import timing
from cellboard.bench.timing import BENCH_END

WINDOW = ("2026-05-01", "2026-10-31")
CELLS_PER_COMMUNE = 55.0  # as the M demo: about 1.200 members per commune

# The national questions, over `stats`: the union of every province's meeting_stats, named by the
# $source table function (query_table over the attached files, or read_parquet). Fixed text, every
# value bound.
QUESTIONS = {
    "national_trend": """
        select month, count(*) as meetings, sum(present::double) / nullif(sum((expected - exempt)::double), 0)
        from {source} where held_on between $start and $end group by month order by month""",
    "by_province": """
        select u.parent_id as province, count(*) as meetings,
               sum(s.present::double) / nullif(sum((s.expected - s.exempt)::double), 0) as attendance_rate
        from {source} s join query_table($units) u on u.unit_id = s.commune_id
        where s.held_on between $start and $end group by u.parent_id order by 1""",
    "one_commune": """
        select month, sum(present::double) / nullif(sum((expected - exempt)::double), 0)
        from {source} where held_on between $start and $end and commune_id = $commune
        group by month order by month""",
}
SOURCES = {
    "attach": "query_table($stats)",
    "parquet": "read_parquet($parquet, hive_partitioning = true)",
}


def province_codes(count: int) -> list[int]:
    """The first `count` provinces by code, Quảng Ninh (22, the M demo's) always among them."""
    codes = sorted(int(p.code) for p in Province.iter_all())
    chosen = [22] + [code for code in codes if code != 22]
    return sorted(chosen[:count])


def build_provinces(folder: Path, count: int) -> dict[int, dict]:
    """One demo database per province (reused when present): code -> {path, seconds, bytes}."""
    folder.mkdir(parents=True, exist_ok=True)
    built = {}
    for code in province_codes(count):
        path = folder / f"P{code:02d}.duckdb"
        seconds = None
        if not path.exists():
            started = time.perf_counter()
            scale = demo.Scale((code,), None, CELLS_PER_COMMUNE)
            demo.build_demo(path, scale=scale, seed=code, end_month=BENCH_END)
            seconds = round(time.perf_counter() - started, 1)
        built[code] = {"path": path, "seconds": seconds, "bytes": path.stat().st_size}
    return built


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> float:
    """The median of timing.timed's warm runs, in ms."""
    return timing.timed(lambda: con.execute(sql, params).fetchall())["median_ms"]


def attached(built: dict[int, dict]) -> tuple[duckdb.DuckDBPyConnection, list[str], list[str]]:
    """An in-memory connection with every province file attached read-only (named after the file),
    and the names of their meeting_stats and unit tables."""
    con = duckdb.connect()
    for info in built.values():
        con.execute("attach $path (read_only)", {"path": str(info["path"])})
    names = [info["path"].stem for info in built.values()]
    return con, [f"{name}.meeting_stats" for name in names], [f"{name}.unit" for name in names]


def question(name: str, source: str) -> str:
    return QUESTIONS[name].replace("{source}", SOURCES[source])


def to_parquet(con: duckdb.DuckDBPyConnection, stats: list[str], units: list[str], folder: Path) -> float:
    """meeting_stats of every province as Parquet, one folder per province; seconds it took."""
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    relation = con.sql(
        "select s.*, u.parent_id as province from query_table($stats) s "
        "join query_table($units) u on u.unit_id = s.commune_id",
        params={"stats": stats, "units": units},
    )
    relation.write_parquet(str(folder), partition_by=["province"])
    return round(time.perf_counter() - started, 1)


def run_trial(count: int, folder: Path | None = None) -> dict:
    folder = Path(folder or ROOT / "data" / "national")
    built = build_provinces(folder / "provinces", count)
    con, stats, units = attached(built)
    rows = con.execute("select count(*) from query_table($stats)", {"stats": stats}).fetchall()[0][0]
    attendance_tables = [name.replace(".meeting_stats", ".attendance") for name in stats]
    attendance = con.execute("select count(*) from query_table($t)", {"t": attendance_tables}).fetchall()[0][
        0
    ]
    commune = con.execute(
        "select commune_id from query_table($stats) group by 1 order by count(*) desc limit 1",
        {"stats": stats},
    ).fetchall()[0][0]
    parquet = folder / "parquet"
    write_seconds = to_parquet(con, stats, units, parquet)
    params = {
        "start": WINDOW[0],
        "end": WINDOW[1],
        "commune": commune,
        "stats": stats,
        "units": units,
        "parquet": str(parquet / "*" / "*.parquet"),
    }
    result = {
        "provinces": sorted(built),
        "province_build_seconds": {code: info["seconds"] for code, info in built.items()},
        "db_bytes": sum(info["bytes"] for info in built.values()),
        "meeting_stats_rows": rows,
        "attendance_rows": attendance,
        "parquet_bytes": sum(p.stat().st_size for p in parquet.rglob("*.parquet")),
        "parquet_write_seconds": write_seconds,
    }
    answers = {}
    for source in SOURCES:
        result[f"{source}_ms"] = {}
        for name in QUESTIONS:
            sql = question(name, source)
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            result[f"{source}_ms"][name] = timed(con, sql, used)
            answers[source, name] = con.execute(sql, used).fetchall()
    con.close()
    # both ways must answer alike, or their times mean nothing
    result["same_answers"] = all(answers["attach", name] == answers["parquet", name] for name in QUESTIONS)
    return result


def as_table(result: dict) -> str:
    lines = [
        f"provinces {result['provinces']}: {result['db_bytes'] / 2**20:,.0f} MiB of DuckDB files, "
        f"{result['attendance_rows']:,} attendance rows, {result['meeting_stats_rows']:,} meetings",
        f"Parquet copy of meeting_stats: {result['parquet_bytes'] / 2**20:,.1f} MiB "
        f"written in {result['parquet_write_seconds']} s",
        "",
        f"both ways give the same answers: {'yes' if result['same_answers'] else 'NO'}",
        f"{'question':20} {'ATTACH ms':>10} {'Parquet ms':>11}",
    ]
    for name in QUESTIONS:
        lines.append(f"{name:20} {result['attach_ms'][name]:>10} {result['parquet_ms'][name]:>11}")
    return "\n".join(lines)


def cli_national(count: int, as_json: bool, folder: Path | None = None) -> int:
    result = run_trial(count, folder)
    print(json.dumps(result, ensure_ascii=False, default=str) if as_json else as_table(result))
    return 0
