"""Unlucky files and operators (issue 17): a damaged or foreign database says what to do on every page
and from every command; a query survives files swapped under it; what leaves as CSV cannot run as a
formula; a commune's database_info counts its own commune."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import fixture
import pytest

from cellboard import export, ingest
from cellboard.data import db, store

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "participation", "opinions", "rankings", "supervision", "review", "data", "accounts"]


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cellboard", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        env=os.environ.copy(),
        timeout=120,
    )


@pytest.fixture
def bad_files(fixture_db, tmp_path) -> dict[str, Path]:
    """The ways a database file goes wrong: truncated, not a database, another program's."""
    whole = fixture_db.read_bytes()
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(whole[: len(whole) // 3])
    text_file = tmp_path / "text.duckdb"
    text_file.write_text("hello\n")
    sqlite_file = tmp_path / "sqlite.duckdb"
    with sqlite3.connect(sqlite_file) as con:
        con.execute("create table meta (key text, value text)")
    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("create table unit (unit_id varchar)")
    con.close()
    return {"truncated": truncated, "text": text_file, "sqlite": sqlite_file, "foreign": foreign}


def says_the_way_out(output: str, path: Path) -> None:
    assert "Traceback" not in output
    assert f"Không đọc được cơ sở dữ liệu tại {path}" in output
    assert f"The database at {path} cannot be read" in output
    assert f"python -m cellboard backups restore TÊN --db {path}" in output
    assert "python -m cellboard init --force" in output


@pytest.mark.parametrize("kind", ["truncated", "text", "sqlite", "foreign"])
def test_every_kind_of_damage_is_explained(bad_files, kind):
    path = bad_files[kind]
    done = cli(
        "query",
        "participation_trend",
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-06-30",
        "--db",
        str(path),
    )
    assert done.returncode == 1 and done.stdout == ""
    says_the_way_out(done.stderr, path)


# the two ways a file fails to open (DuckDB cannot read it; it reads, but it is another program's)
@pytest.mark.parametrize("kind", ["truncated", "foreign"])
def test_a_damaged_database_is_explained_by_every_command(bad_files, kind, tmp_path, accounts_store):
    path = bad_files[kind]
    before = path.read_bytes()
    commands = [
        ["query", "participation_trend", "--param", "start=2025-01-01", "--param", "end=2025-06-30"],
        ["query", "database_info", "--as", "x1"],
        ["report", "--start", "2025-01-01", "--end", "2025-06-30", "--out", str(tmp_path / "r.docx")],
    ]
    for command in commands:
        done = cli(*command, "--db", str(path))
        assert done.returncode == 1, (command, done.stderr)
        assert done.stdout == ""
        says_the_way_out(done.stderr, path)
    added = cli(
        "users",
        "add",
        "zz",
        "--role",
        "commune",
        "--unit",
        "X1",
        "--db",
        str(path),
        "--password-stdin",
        stdin="một-mật-khẩu-dài-đủ-123\n",
    )
    assert added.returncode == 1
    assert "Traceback" not in added.stderr
    imported = cli("import", str(ROOT / "tests" / "data" / "example.xlsx"), "--db", str(path))
    assert imported.returncode == 1 and "Traceback" not in imported.stdout + imported.stderr
    assert path.read_bytes() == before  # nothing was written over it
    assert not (tmp_path / "r.docx").exists()


def test_a_sqlite_file_is_refused_without_reaching_for_an_extension(bad_files, tmp_path):
    # DuckDB would otherwise try to download its sqlite scanner for a SQLite file
    with pytest.raises(db.BadDatabase) as refused:
        db.reader(bad_files["sqlite"])
    assert "not a valid DuckDB database" in refused.value.detail
    assert "extension" not in refused.value.detail.lower()
    result = ingest.import_files([ROOT / "tests" / "data" / "example.xlsx"], bad_files["sqlite"])
    assert [problem.code for problem in result.problems] == ["imp_database_error"]
    said = " ".join(problem.line(False) for problem in result.problems)
    assert "not a valid DuckDB database" in said and "extension" not in said.lower()


def test_a_damaged_database_is_explained_on_every_page(app_on, bad_files):
    path = bad_files["truncated"]
    at = app_on(path).run()
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and "Không đọc được cơ sở dữ liệu" in errors[0], page
        assert "backups restore" in errors[0]


def test_a_query_survives_files_swapped_under_it(fixture_db, tmp_path):
    """Queries in flight while files are swapped in quick succession (imports one after another):
    none fails; before, closing the version two swaps back cut off a query still reading it."""
    path = tmp_path / "live.duckdb"
    copies = []
    for index in range(3):
        copy = tmp_path / f"copy{index}.duckdb"
        shutil.copyfile(fixture_db, copy)
        copies.append(copy)
    shutil.copyfile(fixture_db, path)
    failures: list[BaseException] = []
    answers: list[int] = []
    swaps = 0
    asking = threading.Event()
    asking.set()

    def ask() -> None:  # a number of queries, not a time: the same test on a busy machine
        for _ in range(QUERIES_EACH):
            try:
                frame = db.run("cell_ranking", {"start": "2025-01-01", "end": "2025-02-28"}, path=path)
                answers.append(len(frame))
            except BaseException as error:  # noqa: BLE001 - every failure is the finding
                failures.append(error)

    def swap() -> None:
        nonlocal swaps
        while asking.is_set():
            tmp = tmp_path / "incoming.duckdb"
            shutil.copyfile(copies[swaps % 3], tmp)
            os.replace(tmp, path)
            swaps += 1
            time.sleep(0.002)

    askers = [threading.Thread(target=ask) for _ in range(3)]
    swapper = threading.Thread(target=swap)
    for thread in [swapper, *askers]:
        thread.start()
    for thread in askers:
        thread.join()
    asking.clear()
    swapper.join()
    assert failures == []
    assert answers == [4] * 3 * QUERIES_EACH and swaps > QUERIES_EACH


QUERIES_EACH = 10


def test_database_info_counts_only_the_accounts_scope(fixture_db):
    x1 = db.Scope(root="X1", names=True, account="x1")
    info = db.run("database_info", path=fixture_db, scope=x1).set_index("key")["value"].to_dict()
    # Xã An Bình and its cells C1-C3: meetings M1-M5, 10/01-25/02; opinions O1, O2, O3, O6
    assert (info["units"], info["meetings"], info["opinions"]) == ("4", "5", "4")
    assert (info["first_meeting"], info["last_meeting"]) == ("2025-01-10", "2025-02-25")
    x2 = db.Scope(root="X2", names=True, account="x2")
    info = db.run("database_info", path=fixture_db, scope=x2).set_index("key")["value"].to_dict()
    assert (info["units"], info["meetings"], info["opinions"]) == ("2", "1", "2")
    assert (info["first_meeting"], info["last_meeting"]) == ("2025-01-08", "2025-01-08")
    everything = db.run("database_info", path=fixture_db).set_index("key")["value"].to_dict()
    assert (everything["units"], everything["meetings"]) == ("7", "6")


@pytest.mark.parametrize(
    "written, shown",
    [
        ("=1+1", "'=1+1"),
        ("\t=1+1", "'\t=1+1"),
        ('\r=HYPERLINK("http://x")', '\'\r=HYPERLINK("http://x")'),
        ("+84 912", "'+84 912"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Đề nghị = sửa", "Đề nghị = sửa"),
    ],
)
def test_formula_like_text_is_made_inert(written, shown):
    assert export.neutralise_text(written) == shown


@pytest.fixture
def formula_db(tmp_path) -> Path:
    tables = fixture.tables()
    tables["opinion"].loc[0, "text"] = '\t=HYPERLINK("http://x";"bấm")'
    tables["opinion"].loc[1, "text"] = "=1+1"
    path = tmp_path / "formula.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def test_query_csv_neutralises_formulas_unless_raw(formula_db):
    args = [
        "query",
        "opinions_list",
        "--db",
        str(formula_db),
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-12-31",
    ]
    shown = cli(*args)
    assert shown.returncode == 0, shown.stderr
    assert "'\t=HYPERLINK" in shown.stdout and "'=1+1" in shown.stdout
    raw = cli(*args, "--raw")
    assert raw.returncode == 0
    assert "\t=HYPERLINK" in raw.stdout and "'\t=HYPERLINK" not in raw.stdout
    assert "'=1+1" not in raw.stdout


# ---- a full disk -------------------------------------------------------------------------------

# A small tmpfs of our own, mounted in a user and mount namespace (`unshare -rm`): no root needed and
# nothing to unmount; it goes when the command ends.
ON_A_SMALL_DISK = """
mount -t tmpfs -o size="$SIZE" tmpfs "$DISK"
cp "$START" "$DISK/db.duckdb"
sha256sum "$DISK/db.duckdb"
"$PYTHON" -m cellboard "$@"
echo "rc=$?"
sha256sum "$DISK/db.duckdb"
echo "left: $(ls -A "$DISK" | tr '\\n' ' ')"
"""


def on_a_small_disk(tmp_path: Path, start: Path, size: int, *args: str) -> subprocess.CompletedProcess:
    disk = tmp_path / "disk"
    disk.mkdir()
    env = {**os.environ, "SIZE": str(size), "DISK": str(disk), "START": str(start), "PYTHON": sys.executable}
    # a report without chart images (no browser at that path): what is tested is the disk, and
    # Chromium started under a loaded machine can print its own failures
    env["CELLBOARD_CHART_BROWSER"] = str(tmp_path / "no-chromium")
    return subprocess.run(
        ["unshare", "-rm", "bash", "-c", ON_A_SMALL_DISK, "disk", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_full_disk_during_an_import_is_said_audited_and_leaves_the_database_whole(tmp_path):
    empty = tmp_path / "empty.duckdb"
    assert cli("init", "--db", str(empty)).returncode == 0
    # room for the database but not for the import's copy of it
    done = on_a_small_disk(
        tmp_path,
        empty,
        empty.stat().st_size * 3 // 2,
        "import",
        str(ROOT / "tests" / "data" / "example.xlsx"),
        "--db",
        str(tmp_path / "disk" / "db.duckdb"),
    )
    assert "Traceback" not in done.stderr + done.stdout
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "Hết chỗ trên đĩa" in done.stdout + done.stderr and "The disk is full" in done.stdout + done.stderr
    before, after = re.findall(r"^([0-9a-f]{64})  ", done.stdout, re.MULTILINE)
    assert before == after  # the database as it was
    assert "tmp" not in done.stdout.splitlines()[-1]  # no copy left behind
    from cellboard import auth

    last = auth.audit_log(limit=1)[0]
    assert last["action"] == "import" and last["details"]["ok"] is False
    assert last["details"]["problems"] == ["imp_disk_full"]


def test_a_full_disk_while_writing_a_report_is_said_and_leaves_no_file(fixture_db, tmp_path):
    done = on_a_small_disk(
        tmp_path,
        fixture_db,
        fixture_db.stat().st_size + 4096,  # the database fits; the report does not
        "report",
        "--start",
        "2025-01-01",
        "--end",
        "2025-02-28",
        "--db",
        str(tmp_path / "disk" / "db.duckdb"),
        "--out",
        str(tmp_path / "disk" / "review.docx"),
    )
    assert "Traceback" not in done.stderr
    assert "rc=1" in done.stdout and "Hết chỗ trên đĩa" in done.stderr, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "left: db.duckdb "
