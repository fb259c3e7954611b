"""The command line, run as users run it: `python -m cellboard ...` in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cellboard import SCHEMA_VERSION
from cellboard.data import db

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cellboard", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "s.duckdb"
    done = cli("demo", "--scale", "S", "--db", str(path), "--end", "2026-10")
    assert done.returncode == 0, done.stderr
    return path


def test_participation_trend_prints_twelve_months(small_demo):
    done = cli(
        "query",
        "participation_trend",
        "--db",
        str(small_demo),
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-12-31",
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == [
        "month",
        "meetings",
        "expected",
        "exempt",
        "present",
        "excused",
        "absent",
        "attendance_rate",
    ]
    assert [row["month"] for row in rows] == [f"2025-{m:02d}-01" for m in range(1, 13)]
    assert all(0.8 < float(row["attendance_rate"]) < 1 for row in rows)


# docs/ARCHITECTURE.md's columns, at least, for each of its named queries
DESIGN_COLUMNS = {
    "participation_trend": "month meetings expected exempt present excused absent attendance_rate",
    "category_shares": "category opinions share opinions_prev delta",
    "opinion_response": "category opinions answered answered_on_time answered_late open overdue "
    "median_days_to_answer",
    "cell_ranking": "commune_id commune cell_id cell meetings attendance_rate regularity thematic_coverage score "
    "is_ranked rank_in_commune",
    "supervision": "person_id full_name level required_visits visits compliant last_visit",
    "opinions_list": "opinion_id raised_on unit_id commune cell category kind text assigned_to due_on "
    "answered_on status",
}


@pytest.mark.parametrize("name", sorted(DESIGN_COLUMNS))
def test_each_design_query_answers_with_its_columns_as_json(small_demo, name):
    done = cli(
        "query",
        name,
        "--db",
        str(small_demo),
        "--param",
        "start=2026-01-01",
        "--param",
        "end=2026-06-30",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert records, name
    assert set(DESIGN_COLUMNS[name].split()) <= set(records[0])


def test_every_named_query_runs_from_the_command_line(small_demo):
    tree = db.run("unit_tree", path=small_demo)
    commune = tree.loc[tree["kind"] == "commune", "unit_id"].iloc[0]
    cell = tree.loc[(tree["kind"] == "cell") & (tree["parent_id"] == commune), "unit_id"].iloc[0]
    typical = {
        "start": "2026-01-01",
        "end": "2026-06-30",
        "unit": commune,
        "cell": cell,
        "root": commune,
        "commune": commune,
    }

    def run(name: str) -> subprocess.CompletedProcess:
        args = [f"--param={key}={typical[key]}" for key in db.query_params(name) if key in typical]
        return cli("query", name, "--db", str(small_demo), *args)

    # two commands at a time (the machine's two cores): each is mostly the interpreter starting
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(db.query_names(), pool.map(run, db.query_names()), strict=True))
    for name, done in runs.items():
        assert done.returncode == 0, (name, done.stderr)
        assert done.stdout.splitlines()[0], name


def test_categories_are_codes_and_rates_fractions(small_demo):
    done = cli(
        "query",
        "category_shares",
        "--db",
        str(small_demo),
        "--param",
        "start=2026-01-01",
        "--param",
        "end=2026-06-30",
        "--format",
        "json",
    )
    records = json.loads(done.stdout)
    assert {r["category"] for r in records} <= {
        "agriculture",
        "transport_construction",
        "environment",
        "services",
        "social_policy",
        "security_order",
        "party_work",
        "other",
    }
    assert sum(r["share"] for r in records) == pytest.approx(1)


def test_unknown_query_exits_2_listing_the_valid_ones(small_demo):
    done = cli("query", "no_such_query", "--db", str(small_demo))
    assert done.returncode == 2
    assert "participation_trend" in done.stderr and "cell_ranking" in done.stderr


def test_unknown_parameter_exits_2_listing_the_valid_ones(small_demo):
    done = cli(
        "query",
        "supervision",
        "--db",
        str(small_demo),
        "--param",
        "start=2026-01-01",
        "--param",
        "end=2026-06-30",
        "--param",
        "colour=red",
    )
    assert done.returncode == 2
    assert "colour" in done.stderr and "start" in done.stderr


def test_a_bad_date_exits_2_naming_the_parameter(small_demo):
    done = cli(
        "query",
        "participation_trend",
        "--db",
        str(small_demo),
        "--param",
        "start=2026-02-30",
        "--param",
        "end=2026-06-30",
    )
    assert done.returncode == 2
    assert "start" in done.stderr


def test_no_database_says_how_to_build_one(tmp_path):
    missing = tmp_path / "none.duckdb"
    done = cli(
        "query",
        "participation_trend",
        "--db",
        str(missing),
        "--param",
        "start=2026-01-01",
        "--param",
        "end=2026-06-30",
    )
    assert done.returncode == 2
    assert f"python -m cellboard demo --db {missing}" in done.stderr


def test_the_database_path_comes_from_the_environment(small_demo):
    done = cli("query", "database_info", env={"CELLBOARD_DB": str(small_demo)})
    assert done.returncode == 0
    assert "source,demo" in done.stdout


def test_init_makes_an_empty_database_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "empty.duckdb"
    assert cli("init", "--db", str(path)).returncode == 0
    info = db.run("database_info", path=path)
    assert dict(zip(info["key"], info["value"], strict=True))["source"] == "empty"
    assert cli("init", "--db", str(path)).returncode == 2


def older_schema_copy(source: Path, target: Path) -> Path:
    """A copy of a database whose meta says it was written by schema version 1."""
    target.write_bytes(source.read_bytes())
    import duckdb

    con = duckdb.connect(str(target))
    try:
        con.execute("update meta set value = '1' where key = 'schema_version'")
    finally:
        con.close()
    return target


def test_a_database_of_an_older_schema_is_refused_with_the_way_out(fixture_db, tmp_path):
    old = older_schema_copy(fixture_db, tmp_path / "old.duckdb")
    done = cli(
        "query",
        "participation_trend",
        "--db",
        str(old),
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-03-31",
    )
    assert done.returncode == 1
    assert f"schema version 1; this program needs {SCHEMA_VERSION}" in done.stderr
    assert f"python -m cellboard migrate --db {old}" in done.stderr
    assert f"python -m cellboard demo --db {old}" in done.stderr
    assert done.stdout == ""
