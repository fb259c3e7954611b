"""Imports under pressure (issue 3): a reader holding the file, two imports at once, kill -9 at random
moments. Each runs the public CLI in its own process, as users and the app do."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import kinhmon
import openpyxl
import pytest

from cellboard import ingest
from cellboard.data import db, store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True, scope="module")
def private_accounts_store(tmp_path_factory):
    """Imports are written to the audit trail (issue 7): keep this module's out of data/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
        yield


def start_import(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cellboard", "import", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fingerprint(path: Path) -> str:
    """A digest of every row of every table (base and derived) but the history of the writes (the
    import batches, the change log and the opinions' events: each write adds its own rows, with its time)."""
    con = db.reader(path)
    try:
        digest = hashlib.sha256()
        for table in (*store.BASE_TABLES, *store.DERIVED_TABLES, "meta"):
            if table not in ("import_batch", "change_log", "opinion_event"):
                rows = con.table(table).fetchall()
                digest.update(repr(sorted(rows, key=repr)).encode())
        return digest.hexdigest()
    finally:
        con.close()
        db.close_all()


def lock_is_free(path: Path) -> bool:
    fd = os.open(store.lock_path(path), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def opinions_book(path: Path, prefix: str, unit: str, count: int, answer: str = "") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "opinions"
    sheet.append(["opinion_id", "raised_on", "unit_id", "category", "text", "answered_on", "answer"])
    for number in range(count):
        sheet.append(
            [
                f"{prefix}-{number}",
                "15/03/2024",
                unit,
                "Dịch vụ",
                f"Ý kiến {number} {answer}",
                "20/03/2024" if answer else None,
                answer or None,
            ]
        )
    workbook.save(path)
    return path


@pytest.fixture
def example_db(tmp_path) -> Path:
    path = tmp_path / "db.duckdb"
    store.write_database(path, {}, source="empty")
    assert ingest.import_files([DATA / "example.xlsx"], path).imported
    return path


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: con.execute("select count(*) from opinion").fetchall()[0][0]
print(count(), flush=True)
sys.stdin.readline()
print(count(), flush=True)
"""


def test_an_import_while_another_process_holds_the_file_succeeds_and_the_reader_keeps_working(
    example_db, tmp_path
):
    # another process (a second app server, a report) holds the file open read-only
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(example_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "3"
    # this process is the app: a query runs on a cursor it opened before the import
    running = db.reader(example_db)
    assert db.run("database_info", path=example_db).set_index("key").loc["opinions", "value"] == "3"

    more = opinions_book(tmp_path / "more.xlsx", "NEW", "TD-DT-01", 40)
    done = subprocess.run(
        [sys.executable, "-m", "cellboard", "import", more, "--db", example_db],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    # the app's next rerun sees the new file, without a restart; the running query still works
    assert db.run("database_info", path=example_db).set_index("key").loc["opinions", "value"] == "43"
    assert running.execute("select count(*) from opinion").fetchall() == [(3,)]
    running.close()
    # the other process keeps working on the file it opened
    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "3"
    assert reader.wait(timeout=30) == 0


def test_two_imports_at_once_never_lose_each_others_rows(example_db, tmp_path):
    first = opinions_book(tmp_path / "a.xlsx", "A", "TD-DT-01", 60)
    second = opinions_book(tmp_path / "b.xlsx", "B", "TD-DT-02", 60)
    # while this process holds the write lock, an import waits for it (it is never lost or mixed in)
    with store.locked(example_db):
        waiting = start_import(first, "--db", example_db)
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=2)
        racing = start_import(second, "--db", example_db)
    assert waiting.wait(timeout=120) == 0 and racing.wait(timeout=120) == 0
    ids = {row[0] for row in db.reader(example_db).execute("select opinion_id from opinion").fetchall()}
    assert {f"A-{n}" for n in range(60)} <= ids and {f"B-{n}" for n in range(60)} <= ids
    assert len(db.run("import_history", path=example_db)) == 3
    assert lock_is_free(example_db)


def test_kill_9_at_random_moments_never_corrupts_or_half_applies(tmp_path):
    """Two workbooks that change the same rows differently are imported in turn; each import is
    killed at a random moment. The file is always exactly before or after, and always opens."""
    path = tmp_path / "db.duckdb"
    store.write_database(path, {}, source="empty")
    book_a = kinhmon.write_workbook(tmp_path / "a.xlsx")
    book_b = tmp_path / "b.xlsx"
    workbook = openpyxl.load_workbook(book_a)
    for row in workbook["opinions"].iter_rows(min_row=5, min_col=12, max_col=12):
        row[0].value = "Đã trả lời lại" if row[0].value else None  # every answer text differs
    workbook["meetings"]["H11"], workbook["meetings"]["I11"] = 13, 1  # the counts-only meeting too
    workbook.save(book_b)

    states = {}
    for name, book in (("b", book_b), ("a", book_a)):
        started = time.perf_counter()
        done = start_import(book, "--db", path)
        assert done.wait(timeout=120) == 0, done.communicate()
        duration = time.perf_counter() - started
        states[name] = fingerprint(path)
    assert states["a"] != states["b"]
    current = "a"
    chance = random.Random()
    landed = []
    for _ in range(10):
        target = "b" if current == "a" else "a"
        process = start_import(book_b if target == "b" else book_a, "--db", path)
        # the import's work starts after Python's start-up: most kills land inside it
        time.sleep(chance.uniform(0.45, 1.05) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        now = fingerprint(path)  # opens: the file is never half-written
        assert now in (states[current], states[target])  # never half-applied
        current = current if now == states[current] else target
        landed.append(current == target)
        assert lock_is_free(path)  # released by the OS
    # whatever the kills left behind does not break the next import, which cleans it up
    (tmp_path / ".db.duckdb.999999-0.tmp").write_bytes(b"left by a killed writer")
    final = start_import(book_b, "--db", path)
    assert final.wait(timeout=120) == 0
    assert fingerprint(path) == states["b"]
    assert not store.stale_files(path)
    assert len(store.list_backups(path)) <= store.KEEP_BACKUPS
    print(f"kills that landed after the swap: {sum(landed)} of {len(landed)}")
