"""Writes timed as another process sees them: from the call until a reader in another process finds them.

A write returns only once it is in the file every new reader opens (cellboard/ingest/changes.py), but
the figure that matters is when someone else sees it. So a long-lived reader process polls the
database (a fresh `db.reader` cursor each time, as every query of the app takes one) and reports the
`time.monotonic()` at which it first found the rows; CLOCK_MONOTONIC is one clock for every process
on Linux, so that time minus the moment the writing started is the delay a user of another worker
would see, the reader's reopening of the swapped file included.

Everything is written to a copy of the bench database in a temporary folder, with the audit rows in an
accounts store of its own there; the writes are valid ones (unanswered opinions answered on a day
between their raising and today; a meeting of a month after the data with every member on the cell's
roll that day marked). The concurrent writers are processes forked from a forkserver that imported the
write path once, so twenty of them start together without twenty interpreters importing DuckDB and
pandas at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

ANSWER_RUNS = 7
MEETING_RUNS = 5
CONCURRENT = 20
POLL_SECONDS = 0.005
GIVE_UP_SECONDS = 600.0
WRITER = {"account": "bench", "role": "admin", "unit_id": None, "department": None, "origin": "app"}

# What the reader counts: rows a write makes visible (bound parameters only).
VISIBLE = {
    "answers": "select count(*) from opinion where list_contains($ids, opinion_id) and answered_on is not null",
    "marks": """select count(*) from attendance a join meeting m using (meeting_id)
                where m.held_on = $day and list_contains($cells, m.cell_id)""",
}


# ---- the reader in another process ---------------------------------------------------------------------


def _count(path: Path, what: str, params: Mapping[str, object]) -> int:
    from cellboard.data import db

    con = db.reader(path)
    try:
        return int(con.execute(VISIBLE[what], dict(params)).fetchall()[0][0])
    finally:
        con.close()


def _reader_main(path: str, pipe) -> None:
    """Wait for ("watch", what, params, expected); answer ("ready", count now), then poll until the count
    reaches `expected` and answer ("seen", monotonic time after the query that found it, polls)."""
    while True:
        message = pipe.recv()
        if message is None:
            return
        if message == "cancel":  # came after the rows were already seen
            continue
        _, what, params, expected = message
        pipe.send(("ready", _count(Path(path), what, params)))
        deadline = time.monotonic() + GIVE_UP_SECONDS
        polls = 0
        while True:
            polls += 1
            found = _count(Path(path), what, params)
            now = time.monotonic()
            if found >= expected:
                pipe.send(("seen", now, polls))
                break
            if now > deadline or pipe.poll():
                pipe.send(("gave_up", found, polls))
                if pipe.poll():
                    pipe.recv()  # the cancel message
                break
            time.sleep(POLL_SECONDS)


class Reader:
    """A reader process on a database: `watch` before writing, `seen` after."""

    def __init__(self, path: Path, context=None) -> None:
        context = context or forkserver()
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=_reader_main, args=(str(path), theirs), daemon=True)
        start(self.process)

    def watch(self, what: str, params: Mapping[str, object], expected: int) -> int:
        """Start polling for `expected` rows; returns how many there are before the write."""
        self.pipe.send(("watch", what, dict(params), expected))
        reply = self.pipe.recv()
        if reply[0] != "ready":
            raise RuntimeError(f"the reader answered {reply!r}")
        return reply[1]

    def seen(self) -> float:
        """The monotonic time at which the reader first saw every expected row."""
        reply = self.pipe.recv()
        if reply[0] != "seen":
            raise RuntimeError(f"the reader never saw the writes: {reply!r}")
        return reply[1]

    def cancel(self) -> None:
        self.pipe.send("cancel")
        with contextlib.suppress(EOFError):
            self.pipe.recv()

    def close(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.pipe.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def forkserver():
    """The multiprocessing context of the writers and the reader: a fresh process that imports the write
    path once and forks each of them from there (no DuckDB state of the caller is inherited)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cellboard.ingest.changes", "cellboard.bench.writes"])
    return context


def start(process) -> None:
    """Start a process of the forkserver without the caller's main module: multiprocessing would run it
    again in the child (under `bench`, AppTest has left the dashboard's script as `__main__`)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        process.start()
    finally:
        sys.modules["__main__"] = main


# ---- what to write ----------------------------------------------------------------------------------------


def _read_only(path: Path):
    """A connection of its own, closed after picking (db.reader would keep the copy open in its cache)."""
    from cellboard.data import store

    con = store.connect()
    con.execute("attach $path as picked (type duckdb, read_only)", {"path": str(path)})
    con.execute("use picked")
    return con


def unanswered_opinions(path: Path, count: int, today: dt.date | None = None) -> list[tuple[str, dt.date]]:
    """`count` unanswered opinions spread over the file, each with a valid answer day (a week after it
    was raised, or today)."""
    today = today or dt.date.today()
    con = _read_only(path)
    try:
        rows = con.execute(
            """select opinion_id, raised_on from opinion
               where answered_on is null and handling is null and raised_on <= $today
               order by hash(opinion_id), opinion_id limit $count""",
            {"today": today, "count": count},
        ).fetchall()
    finally:
        con.close()
    if len(rows) < count:
        raise RuntimeError(f"only {len(rows)} unanswered opinions, {count} wanted")
    return [(opinion_id, min(raised_on + dt.timedelta(days=7), today)) for opinion_id, raised_on in rows]


def meeting_forms(path: Path, count: int, today: dt.date | None = None) -> tuple[str, dt.date, list[dict]]:
    """The commune with most cells, the day of its next month's meetings (the 10th of the month after the
    data, or today) and `count` of its largest cells' meeting forms: each marks every member on the cell's
    roll that day (present; exempt members exempt)."""
    today = today or dt.date.today()
    con = _read_only(path)
    try:
        commune, last = con.execute(
            """select parent_id, (select max(held_on) from meeting) from unit
               where kind = 'cell' and valid_to is null
               group by parent_id order by count(*) desc, parent_id limit 1"""
        ).fetchall()[0]
        day = min(dt.date(last.year + last.month // 12, last.month % 12 + 1, 10), today)
        roll = con.execute(
            """select s.cell_id, s.member_id, s.status from membership s join unit u on u.unit_id = s.cell_id
               where u.parent_id = $commune and u.kind = 'cell' and u.valid_to is null
                 and s.from_date <= $day and (s.to_date is null or s.to_date >= $day)
               order by s.cell_id, s.member_id""",
            {"commune": commune, "day": day},
        ).fetchall()
    finally:
        con.close()
    cells: dict[str, list[dict]] = {}
    for cell_id, member_id, status in roll:
        mark = "exempt" if status == "exempt" else "present"
        cells.setdefault(cell_id, []).append({"member_id": member_id, "status": mark})
    largest = sorted(cells, key=lambda cell: (-len(cells[cell]), cell))[:count]
    forms = [
        {
            "meeting_id": None,
            "cell_id": cell,
            "held_on": day.isoformat(),
            "kind": "regular",
            "topic": f"Sinh hoạt tháng {day:%m/%Y}",
            "marks": cells[cell],
        }
        for cell in largest
    ]
    return commune, day, forms


# ---- writing -----------------------------------------------------------------------------------------------


def write_one(path: Path, job: Mapping[str, object]):
    """One write through the one write path: ("answer", opinion_id, day) or ("meeting", form)."""
    from cellboard.ingest import changes

    writer = changes.Writer(**WRITER)
    if job["op"] == "answer":
        return changes.record_answer(
            path,
            writer,
            job["opinion_id"],
            "answered",
            on=job["on"],
            answer=job.get("answer") or "Đã trả lời (đo tốc độ ghi)",
            wait=GIVE_UP_SECONDS,
        )
    return changes.save_meeting(path, writer, job["form"], wait=GIVE_UP_SECONDS)


def _writer_main(path: str, job: dict, env: dict, ready, go, results) -> None:
    os.environ.update(env)
    ready.put(os.getpid())
    go.wait()
    started = time.monotonic()
    try:
        written = write_one(Path(path), job)
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails loudly
        results.put({"job": job, "ok": False, "error": f"{type(error).__name__}: {error}"})
        return
    results.put(
        {
            "job": job,
            "ok": True,
            "write_id": written.write_id,
            "changed": written.changed,
            "started": started,
            "returned": time.monotonic(),
        }
    )


def run_together(
    path: Path, jobs: Sequence[dict], env: Mapping[str, str] | None = None, context=None
) -> tuple[float, list[dict]]:
    """Each job in a process of its own, all released at once when every one is ready. Returns the
    monotonic time of the release and each process's result (in the order they finished)."""
    context = context or forkserver()
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    processes = [
        context.Process(target=_writer_main, args=(str(path), dict(job), dict(env or {}), ready, go, results))
        for job in jobs
    ]
    for process in processes:
        start(process)
    try:
        for _ in processes:
            ready.get(timeout=120)
        released = time.monotonic()
        go.set()
        finished = [results.get(timeout=GIVE_UP_SECONDS) for _ in processes]
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join()
    return released, finished


# ---- the figures -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def bench_copy(path: Path) -> Iterator[Path]:
    """A copy of the database in a temporary folder, audited into an accounts store of its own there."""
    with tempfile.TemporaryDirectory(prefix="cellboard-writes-") as folder:
        target = Path(folder) / "bench.duckdb"
        shutil.copyfile(path, target)
        saved = os.environ.get("CELLBOARD_USERS")
        os.environ["CELLBOARD_USERS"] = str(Path(folder) / "accounts.sqlite")
        try:
            yield target
        finally:
            if saved is None:
                os.environ.pop("CELLBOARD_USERS", None)
            else:
                os.environ["CELLBOARD_USERS"] = saved


def _visible_after(reader: Reader, what: str, params: Mapping[str, object], expected: int, write) -> float:
    """Seconds from the call of `write` until the reader process sees `expected` rows."""
    before = reader.watch(what, params, expected)
    if before >= expected:
        reader.pipe.recv()
        raise RuntimeError(f"{what} already visible before writing: {params}")
    started = time.monotonic()
    try:
        write()
    except BaseException:
        reader.cancel()
        raise
    return reader.seen() - started


def bench_writes(path: Path) -> dict[str, float]:
    """The write figures of `bench`, on a copy of the database at `path`."""
    with bench_copy(path) as target:
        context = forkserver()
        opinions = unanswered_opinions(target, ANSWER_RUNS + 2 * CONCURRENT)
        answers, together, unbatched = (
            opinions[:ANSWER_RUNS],
            opinions[ANSWER_RUNS : ANSWER_RUNS + CONCURRENT],
            opinions[ANSWER_RUNS + CONCURRENT :],
        )
        _, day, forms = meeting_forms(target, MEETING_RUNS)
        reader = Reader(target, context)
        try:
            answer_s = [
                _visible_after(
                    reader,
                    "answers",
                    {"ids": [opinion_id]},
                    1,
                    lambda o=opinion_id, d=on: write_one(target, {"op": "answer", "opinion_id": o, "on": d}),
                )
                for opinion_id, on in answers
            ]
            meeting_s = []
            for form in forms:
                marks = len(form["marks"])
                meeting_s.append(
                    _visible_after(
                        reader,
                        "marks",
                        {"day": day, "cells": [form["cell_id"]]},
                        marks,
                        lambda f=form: write_one(target, {"op": "meeting", "form": f}),
                    )
                )
            concurrent = {}
            for name, chosen, batch in (("batched", together, "1"), ("unbatched", unbatched, "0")):
                jobs = [{"op": "answer", "opinion_id": o, "on": d} for o, d in chosen]
                ids = [o for o, _ in chosen]
                reader.watch("answers", {"ids": ids}, len(ids))
                env = {"CELLBOARD_WRITE_BATCH": batch, "CELLBOARD_USERS": os.environ["CELLBOARD_USERS"]}
                try:
                    released, finished = run_together(target, jobs, env, context)
                except BaseException:
                    reader.cancel()
                    raise
                failed = [result for result in finished if not result["ok"]]
                if failed:
                    reader.cancel()
                    raise RuntimeError(f"concurrent writes failed: {failed[:3]}")
                concurrent[name] = reader.seen() - released
        finally:
            reader.close()
    return {
        "write_answer_ms": round(statistics.median(answer_s) * 1000, 1),
        "write_answer_max_ms": round(max(answer_s) * 1000, 1),
        "write_commune_month_ms": round(statistics.median(meeting_s) * 1000, 1),
        "write_commune_month_max_ms": round(max(meeting_s) * 1000, 1),
        "write_commune_month_marks": max(len(form["marks"]) for form in forms),
        "write_20_concurrent_s": round(concurrent["batched"], 2),
        "write_20_concurrent_unbatched_s": round(concurrent["unbatched"], 2),
    }
