"""`python -m cellboard bench --scale S --json` runs end to end and prints every field.

Speed is never asserted here (it lives in the bench output and docs/PERFORMANCE.md); what is checked
is that the figures are there and describe the database the bench measured.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from test_cli import cli

from cellboard import allocator
from cellboard.bench import run
from cellboard.data import db, store


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench-S.duckdb"
    # one repetition of each click (cellboard/bench/interactions.py): the fields are checked, not the times
    done = cli("bench", "--scale", "S", "--json", "--db", str(path), env={"CELLBOARD_BENCH_QUICK": "1"})
    assert done.returncode == 0, done.stderr
    return path, json.loads(done.stdout)


def test_bench_prints_every_field(bench_run):
    _, result = bench_run
    for field in (
        "scale",
        "rows",
        "db_bytes",
        "demo_seconds",
        "queries",
        "pages",
        "import_commune_month_ms",
        "report_ms",
        "peak_rss_mb",
    ):
        assert field in result, field
    assert result["scale"] == "S"
    assert result["allocator"] == ("jemalloc" if allocator.jemalloc_library() else "glibc")
    for field in ("demo_seconds", "import_commune_month_ms", "report_ms", "peak_rss_mb"):
        assert isinstance(result[field], float) and result[field] > 0, field


def test_bench_rows_and_size_are_those_of_the_database_it_built(bench_run):
    path, result = bench_run
    assert result["db_bytes"] == path.stat().st_size
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table in ("attendance", "meeting", "member", "opinion", "unit"):
            assert result["rows"][table] == con.table(table).count("*").fetchall()[0][0], table
    finally:
        con.close()
    # the import was timed on a copy: the measured database holds no import batch
    assert result["rows"]["import_batch"] == 0


def test_bench_times_every_named_query_against_pandas_where_it_has_a_baseline(bench_run):
    _, result = bench_run
    queries = result["queries"]
    assert set(db.query_names()) | {"opinions_list_search"} == set(queries)
    for name, entry in queries.items():
        assert entry["min_ms"] <= entry["median_ms"] <= entry["max_ms"], name
        assert "pandas_median_ms" in entry, name
    for name in ("participation_trend", "cell_ranking", "opinions_list", "opinions_list_search"):
        assert queries[name]["pandas_median_ms"] > 0, name


def test_bench_renders_every_page_cold_and_warm_without_exceptions(bench_run):
    _, result = bench_run
    assert set(result["pages"]) == {
        "overview",
        "participation",
        "opinions",
        "rankings",
        "supervision",
        "review",
        "data",
    }
    for name, page in result["pages"].items():
        assert page["exceptions"] == 0, name
        assert page["cold_ms"] > 0 and page["warm_ms"] > 0, name


def test_the_national_trial_answers_alike_from_attached_files_and_parquet(tmp_path):
    folder = tmp_path / "national"
    done = cli("bench", "--national", "1", "--json", "--db", str(folder))
    assert done.returncode == 0, done.stderr
    trial = json.loads(done.stdout)
    assert trial["provinces"] == [22]  # Quảng Ninh, the M demo's province
    assert trial["same_answers"] is True
    province = folder / "provinces" / "P22.duckdb"
    con = duckdb.connect(str(province), read_only=True)
    try:
        assert trial["attendance_rows"] == con.table("attendance").count("*").fetchall()[0][0]
        assert trial["meeting_stats_rows"] == con.table("meeting_stats").count("*").fetchall()[0][0]
    finally:
        con.close()
    assert trial["db_bytes"] == province.stat().st_size
    assert trial["parquet_bytes"] == sum(p.stat().st_size for p in (folder / "parquet").rglob("*.parquet"))
    for way in ("attach_ms", "parquet_ms"):
        assert set(trial[way]) == {"national_trend", "by_province", "one_commune"}


def test_bench_times_writes_until_another_process_sees_them(bench_run):
    _, result = bench_run
    for field in (
        "write_answer_ms",
        "write_commune_month_ms",
        "write_20_concurrent_s",
        "write_20_concurrent_unbatched_s",
    ):
        assert isinstance(result[field], float) and result[field] > 0, field
    assert result["write_answer_ms"] <= result["write_answer_max_ms"]
    assert result["write_commune_month_ms"] <= result["write_commune_month_max_ms"]
    assert isinstance(result["write_commune_month_marks"], int) and result["write_commune_month_marks"] > 0
    # the writes went to a copy: the measured database holds none of them
    path, _ = bench_run
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.table("change_log").count("*").fetchall()[0][0] == 0
    finally:
        con.close()


def is_time(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def test_bench_measures_what_a_user_waits_for_per_click(bench_run):
    _, result = bench_run
    pages = {
        "overview",
        "participation",
        "opinions",
        "answers",
        "month",
        "corrections",
        "rankings",
        "supervision",
        "review",
    }
    fields = {
        "server_open_ms",
        "server_rerun_ms",
        "server_unit_change_ms",
        "server_period_change_ms",
        "browser_switch_ms",
        "browser_period_change_ms",
    }
    # null where a field does not apply: the month page has its own month and commune boxes; a
    # commune account has no other commune to choose and may not open the answers page
    not_applying = {
        "interactions": {("month", f) for f in ("server_unit_change_ms", "server_period_change_ms")}
        | {("month", "browser_period_change_ms")},
        "interactions_commune": {(page, "server_unit_change_ms") for page in pages}
        | {("answers", f) for f in fields}
        | {("month", f) for f in ("server_period_change_ms", "browser_period_change_ms")},
    }
    for key, nulls in not_applying.items():
        assert set(result[key]) == pages, key
        for page, entry in result[key].items():
            assert fields <= set(entry), (key, page)
            assert entry.get("exceptions", 0) == 0, (key, page)
            for field in fields:
                if (page, field) in nulls:
                    assert entry[field] is None, (key, page, field)
                else:
                    assert is_time(entry[field]), (key, page, field, entry[field])
    assert is_time(result["first_load_ms"])
    assert is_time(result["server_peak_rss_mb"])
    assert set(result["floor"]) == {"server_rerun_ms", "browser_switch_ms"}
    assert all(is_time(value) for value in result["floor"].values())
    assert result["interaction_runs"] == 1  # the quick pass (the bench proper: medians of 5)


def test_a_stale_bench_demo_is_built_again_without_keeping_copies(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "BENCH_DATA", tmp_path)
    path, built = run.bench_database("S", None)
    assert path == tmp_path / "bench-S.duckdb" and built is not None
    assert run.bench_database("S", None) == (path, built)  # current: used as it is
    store.keep_backup(path, "replaced")  # a copy an earlier rebuild kept
    path.with_suffix(".json").write_text(json.dumps({"fingerprint": "other code"}))
    rebuilt, _ = run.bench_database("S", None)
    info = dict(db.run("database_info", path=path).itertuples(index=False))
    assert rebuilt == path and info["source"] == "demo" and int(info["meetings"]) > 0
    assert store.list_backups(path) == []  # neither the stale file nor the earlier copy kept
    assert json.loads(path.with_suffix(".json").read_text())["fingerprint"] == run.demo_fingerprint()
