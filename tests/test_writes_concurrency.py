"""Concurrent writers, killed writers and readers, with real processes on real files (tests/fixture.py).

The write path (cellboard/ingest/changes.py) queues each write and lets whoever holds the write lock
apply every queued one on a copy of the file that it swaps in once. Here: twenty processes writing at
once all land, each row they change logged exactly once; a writer killed with SIGKILL at any point of
its write leaves the file exactly as it was or exactly as the write makes it, with a change log that
matches the data, and the next write works; a reader process querying all the while never fails and
never sees an answer or a meeting without its change log row (or the reverse).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import fixture
import pytest

from cellboard.bench import writes
from cellboard.data import db, store
from cellboard.ingest import changes

ROOT = Path(__file__).resolve().parent.parent
ADMIN = changes.Writer("admin", "admin", None, None, "app")
ANSWER = "Trả lời số {}"
# Columns that differ between two runs of the same write (its id, its clock)
RUN_COLUMNS = {"write_id", "recorded_at", "event_id"}


def copy_of(fixture_db: Path, folder: Path) -> Path:
    path = folder / "fixture.duckdb"
    shutil.copyfile(fixture_db, path)
    return path


def twenty_jobs() -> list[dict]:
    """The six opinions answered (three of them again), and fourteen meetings of March 2025 in C1 and C3,
    each with every member on the cell's roll marked."""
    jobs = [
        {"op": "answer", "opinion_id": o[0], "on": o[1] + dt.timedelta(days=5), "answer": ANSWER.format(i)}
        for i, o in enumerate(fixture.OPINIONS)
    ]
    rolls = {"C1": ["m1", "m2", "m3", "m4"], "C3": ["m5", "m6", "m7"]}
    for cell, members in rolls.items():
        for day in range(3, 10):
            marks = [{"member_id": m, "status": "exempt" if m == "m4" else "present"} for m in members]
            form = {
                "meeting_id": None,
                "cell_id": cell,
                "held_on": dt.date(2025, 3, day).isoformat(),
                "kind": "regular",
                "topic": f"Họp {day}/3",
                "marks": marks,
            }
            jobs.append({"op": "meeting", "form": form})
    assert len(jobs) == 20
    return jobs


# ---- a reader process checking, on every file version it opens, that data and log agree ------------------

CONSISTENCY = """
with logged_answers as (
    select json_extract_string(row_key, '$.opinion_id') as opinion_id from change_log
    where table_name = 'opinion' and json_extract_string(after, '$.answer') like 'Trả lời số %'
), answered as (
    select opinion_id from opinion where answer like 'Trả lời số %'
), logged_meetings as (
    select json_extract_string(row_key, '$.meeting_id') as meeting_id from change_log where table_name = 'meeting'
), logged_marks as (
    select json_extract_string(row_key, '$.meeting_id') as meeting_id, count(*) as marks from change_log
    where table_name = 'attendance' group by all
), new_meetings as (
    select meeting_id, (select count(*) from attendance a where a.meeting_id = m.meeting_id) as marks
    from meeting m where held_on between date '2025-03-01' and date '2025-03-31'
)
select
    (select count(*) from answered),
    (select count(*) from new_meetings),
    (select count(*) from (select opinion_id from answered
                           except select opinion_id from logged_answers)),
    (select count(*) from (select opinion_id from logged_answers
                           except select opinion_id from answered)),
    (select count(*) from (select meeting_id, marks from new_meetings
                           except select meeting_id, marks from logged_marks)),
    (select count(*) from (select meeting_id from logged_meetings
                           except select meeting_id from new_meetings)),
    (select count(*) from meeting_stats s join new_meetings n using (meeting_id) where s.present is null)
"""


def _consistency_reader(path: str, stop, report) -> None:
    """Query in a loop until `stop` is set; report iterations, errors, inconsistent states and the states
    seen (answers, meetings landed) in order, and the longest query."""
    iterations, errors, inconsistent, states, longest = 0, [], [], [], 0.0
    while not stop.is_set():
        started = time.monotonic()
        try:
            con = db.reader(Path(path))
            try:
                row = con.execute(CONSISTENCY).fetchall()[0]
            finally:
                con.close()
        except Exception as error:  # noqa: BLE001 - counted, the test fails on any
            errors.append(f"{type(error).__name__}: {error}")
            continue
        longest = max(longest, time.monotonic() - started)
        iterations += 1
        if any(row[2:]):
            inconsistent.append(row)
        if not states or states[-1] != (row[0], row[1]):
            states.append((row[0], row[1]))
        time.sleep(0.002)
    report.put(
        {
            "iterations": iterations,
            "errors": errors,
            "inconsistent": inconsistent,
            "states": states,
            "longest": longest,
        }
    )


@pytest.fixture(scope="module")
def twenty_at_once(fixture_db, tmp_path_factory):
    """Twenty writer processes released together, with a reader process querying throughout."""
    path = copy_of(fixture_db, tmp_path_factory.mktemp("twenty"))
    context = writes.forkserver()
    stop, report = context.Event(), context.Queue()
    reader = context.Process(target=_consistency_reader, args=(str(path), stop, report))
    writes.start(reader)
    time.sleep(0.3)  # the reader has read the file as it was
    jobs = twenty_jobs()
    # the writers' audit rows: a store of the module's own (the autouse one is per test)
    env = {"CELLBOARD_USERS": str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite")}
    released, results = writes.run_together(path, jobs, env, context)
    time.sleep(0.3)  # and reads the last version a while
    stop.set()
    seen = report.get(timeout=30)
    reader.join(10)
    return path, jobs, released, results, seen


def test_twenty_writers_at_once_all_land_each_changed_row_logged_once(twenty_at_once):
    path, jobs, _, results, _ = twenty_at_once
    assert [r.get("error") for r in results if not r["ok"]] == []
    assert len({r["write_id"] for r in results}) == 20
    con = duckdb.connect(str(path), read_only=True)
    try:
        logged = con.execute(
            "select write_id, table_name, row_key, after from change_log order by change_id"
        ).fetchall()
        opinions = dict(con.execute("select opinion_id, answer from opinion").fetchall())
        marks = dict(
            con.execute(
                """select m.cell_id || ' ' || strftime(m.held_on, '%d'), count(a.member_id)
                   from meeting m left join attendance a using (meeting_id)
                   where m.held_on between date '2025-03-01' and date '2025-03-31' group by all"""
            ).fetchall()
        )
    finally:
        con.close()
    # one change_log row per changed row, and no other
    assert len(logged) == len({(table, key) for _, table, key, _ in logged}) == 6 + 14 + 7 * 4 + 7 * 3
    by_write: dict[str, list[tuple[str, str]]] = {}
    for write_id, table, key, after in logged:
        by_write.setdefault(write_id, []).append((table, json.loads(key)))
        assert after is not None
    for result in results:
        job, rows = result["job"], by_write[result["write_id"]]
        if job["op"] == "answer":
            assert rows == [("opinion", {"opinion_id": job["opinion_id"]})]
            assert result["changed"] == {"opinion": 1}
            assert opinions[job["opinion_id"]] == job["answer"]
        else:
            form = job["form"]
            members = sorted(m["member_id"] for m in form["marks"])
            assert [t for t, _ in rows] == ["meeting"] + ["attendance"] * len(members)
            assert sorted(key["member_id"] for t, key in rows if t == "attendance") == members
            assert result["changed"] == {"meeting": 1, "attendance": len(members)}
    assert marks == {
        f"{cell} {day:02d}": 4 if cell == "C1" else 3 for cell in ("C1", "C3") for day in range(3, 10)
    }
    with duckdb.connect(str(path), read_only=True) as con:
        assert store.check_integrity(con) == {}


def test_a_reader_querying_throughout_never_fails_nor_sees_data_without_its_log(twenty_at_once):
    _, _, _, _, seen = twenty_at_once
    assert seen["errors"] == []
    assert seen["inconsistent"] == []
    # it saw the file before the writes and after all of them, and never went back
    assert seen["states"][0] == (0, 0)
    assert seen["states"][-1] == (6, 14)
    assert seen["states"] == sorted(seen["states"])
    assert seen["iterations"] >= 10
    # never blocked behind a writer: no query of the fixture took anything like a write's time
    assert seen["longest"] < 5.0, seen["longest"]


# ---- a writer killed with SIGKILL at each point of its write ------------------------------------------------

# Run as `python -c KILLED PATH POINT SIGNAL_FILE OPINION DAY`: one answer, paused at POINT (a marker file
# is written there; the test then kills the process). `wait_for=N`: the leader first waits until N
# requests are queued, so it applies another process's write too.
KILLED = r"""
import datetime as dt, os, sys, time
from pathlib import Path
from cellboard import private
from cellboard.data import store
from cellboard.ingest import changes

path, point, marker, opinion, day = sys.argv[1:6]
waiting_for = int(sys.argv[6]) if len(sys.argv) > 6 else 1

def pause():
    Path(marker).write_text(point)
    time.sleep(600)

def wrap(module, name, before=False, after=False):
    original = getattr(module, name)
    def wrapped(*args, **kwargs):
        if before:
            pause()
        result = original(*args, **kwargs)
        if after:
            pause()
        return result
    setattr(module, name, wrapped)

if point == "copying":
    def copy_half(source, target):  # half the file copied, then killed
        os.close(private.create(target))
        data = Path(source).read_bytes()
        with open(target, "r+b") as out:
            out.write(data[: len(data) // 2])
        pause()
    private.copy_file = copy_half
elif point == "in_transaction":
    wrap(store, "apply_rows", after=True)
elif point == "committed":  # every request committed in the copy, its log not checkpointed
    wrap(store.Draft, "publish", before=True)
elif point == "before_swap":  # the copy checkpointed and checked
    wrap(store, "swap_in", before=True)
elif point == "after_swap":  # swapped in, the requesters' results not yet written
    wrap(store, "swap_in", after=True)

pending = changes._pending
def pending_when_all_queued(folder):
    while len(list(folder.glob("*.request"))) < waiting_for:
        time.sleep(0.01)
    return pending(folder)
changes._pending = pending_when_all_queued

changes.record_answer(Path(path), changes.Writer("killed", "admin"), opinion, "answered",
                      on=dt.date.fromisoformat(day), answer="Trả lời bị ngắt", wait=60)
Path(marker).write_text("returned")
"""


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that name a run (its write id and clock)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        tables = {}
        for name in names:
            relation = con.table(name)
            keep = [i for i, column in enumerate(relation.columns) if column not in RUN_COLUMNS]
            tables[name] = sorted(tuple(repr(row[i]) for i in keep) for row in relation.fetchall())
        return tables
    finally:
        con.close()


LOG_CHECK = """
with latest as (
    select table_name, row_key, after from change_log
    qualify row_number() over (partition by table_name, row_key order by change_id desc) = 1
)
select l.table_name, l.row_key from latest l
where l.table_name = $table and l.after is distinct from (
    select to_json(t) from query_table($table) t
    where to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))) = l.row_key)
"""


ROWS = """
select to_json(struct_pack(*columns(lambda c: list_contains($keys, c)))), to_json(t) from query_table($table) t
"""


def keyed_rows(path: Path, table: str) -> dict[str, str]:
    """A table's rows as JSON by the JSON of their key, as the change log writes both."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute(ROWS, {"table": table, "keys": list(store.TABLE_KEYS[table])}).fetchall())
    finally:
        con.close()


def assert_log_matches_data(path: Path, original: Path) -> None:
    """Every row's latest logged `after` is the row as stored, and every row that differs from the
    `original` file (changed, added or gone) has a log row."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        logged = set(con.execute("select table_name, row_key from change_log").fetchall())
        for table in store.TABLE_KEYS:
            keys = list(store.TABLE_KEYS[table])
            assert con.execute(LOG_CHECK, {"table": table, "keys": keys}).fetchall() == [], table
    finally:
        con.close()
    for table in store.TABLE_KEYS:
        before, now = keyed_rows(original, table), keyed_rows(path, table)
        changed = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
        assert changed <= {key for t, key in logged if t == table}, table


def start_killed(path: Path, point: str, marker: Path, opinion: str, day: str, waiting_for: int = 1):
    return subprocess.Popen(
        [sys.executable, "-c", KILLED, str(path), point, str(marker), opinion, day, str(waiting_for)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_marker(process: subprocess.Popen, marker: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text():
            return marker.read_text()
        if process.poll() is not None:
            raise AssertionError(f"the writer ended before its pause: {process.communicate()[1][-2000:]}")
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the writer never reached its pause")


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL


def reference(fixture_db: Path, folder: Path, writes_: list[tuple[str, str, str]]) -> dict[str, list[tuple]]:
    """The snapshot of the fixture after `writes_` (opinion, day, answer) made uninterrupted."""
    folder.mkdir()
    path = copy_of(fixture_db, folder)
    for opinion, day, answer in writes_:
        changes.record_answer(
            path, changes.Writer("killed", "admin"), opinion, on=dt.date.fromisoformat(day), answer=answer
        )
    return snapshot(path)


@pytest.mark.parametrize(
    ("point", "lands"),
    [
        ("copying", False),
        ("in_transaction", False),
        ("committed", False),
        ("before_swap", False),
        ("after_swap", True),
    ],
)
def test_a_writer_killed_at_any_point_leaves_the_old_or_the_new_file_and_the_next_write_works(
    fixture_db, tmp_path, point, lands
):
    path = copy_of(fixture_db, tmp_path)
    old = snapshot(path)
    marker = tmp_path / "marker"
    process = start_killed(path, point, marker, "O3", "2025-03-01")
    assert wait_for_marker(process, marker) == point
    kill(process)

    expected = (
        reference(fixture_db, tmp_path / "ref", [("O3", "2025-03-01", "Trả lời bị ngắt")]) if lands else old
    )
    assert snapshot(path) == expected
    assert_log_matches_data(path, fixture_db)
    if point in ("copying", "in_transaction", "committed", "before_swap"):
        assert store.stale_files(path) != []  # what the killed writer left, until the next write

    # the next write: the lock is free, the stale files go, the dead writer's request is dropped
    changes.record_answer(path, ADMIN, "O4", on=dt.date(2025, 3, 2), answer="Trả lời sau", wait=10)
    assert store.stale_files(path) == []
    assert list(changes.queue_dir(path).glob("*.request")) == []
    con = db.reader(path)
    try:
        answers = dict(
            con.execute("select opinion_id, answer from opinion where answered_on is not null").fetchall()
        )
    finally:
        con.close()
    assert answers["O4"] == "Trả lời sau"
    assert ("O3" in answers) is lands
    assert_log_matches_data(path, fixture_db)


def test_a_leader_killed_with_another_writer_s_request_in_its_batch_loses_only_its_own(fixture_db, tmp_path):
    path = copy_of(fixture_db, tmp_path)
    marker = tmp_path / "marker"
    leader = start_killed(path, "before_swap", marker, "O3", "2025-03-01", waiting_for=2)
    while not list(changes.queue_dir(path).glob("*.request")):
        time.sleep(0.01)
    other = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(path), "none", str(tmp_path / "other"), "O6", "2024-02-10"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for_marker(leader, marker) == "before_swap"  # both requests applied in its copy
    kill(leader)
    assert other.wait(60) == 0, other.stderr.read()
    # the other writer took the lock, found no result, and applied its own request itself
    assert (tmp_path / "other").read_text() == "returned"
    assert snapshot(path) == reference(
        fixture_db, tmp_path / "ref", [("O6", "2024-02-10", "Trả lời bị ngắt")]
    )
    assert store.stale_files(path) == []
    assert_log_matches_data(path, fixture_db)
