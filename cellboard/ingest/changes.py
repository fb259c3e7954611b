"""The one write path: every change to the data goes through here.

An imported workbook, a form in the app and a command alike are checked by one rule set (the import's
Checker, plus the writer's rights and scope), applied all or nothing, and logged row by row in the
change log **inside the same DuckDB transaction** (`change_log`: each changed row's key, before and
after), so restoring a file rolls data and log back together.

Writers and readers in several processes (docs/PERFORMANCE.md, "Writes: copy and swap, batched"):
DuckDB lets one process hold a file for writing and then refuses every other, even read-only ones, so
a write is made on a copy that is swapped in (cellboard/data/store.py). Small writes (an answer, a
meeting, a correction, an undo) are queued as JSON files beside the database; whoever holds the write
lock applies every queued request on one copy, each in its own transaction (one refused request does
not stop the others), swaps the copy in once, and leaves each requester its result. A request returns
only once its write is in the file every new query opens: visible to every process and session.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from cellboard import text
from cellboard.data import db, store
from cellboard.ingest import limits
from cellboard.ingest.problems import Problem, Report, Where
from cellboard.ingest.spec import SHEET_BY_TABLE
from cellboard.ingest.validation import Checker, Record, parse_cell

ANSWER_ACTIONS = ("answered", "handling", "forwarded")
ANSWER_ROLES = frozenset({"admin", "standing_committee", "organisation_board", "department"})
CORRECT_ROLES = frozenset({"admin", "organisation_board", "commune"})
MONTH_ROLES = frozenset({"admin", "organisation_board", "commune"})
# The tables a workbook imported by each role may write; a role not listed imports nothing.
IMPORT_TABLES = {
    "admin": frozenset(store.TABLE_KEYS),
    "commune": frozenset({"meeting", "attendance", "member", "membership", "opinion"}),
}
FORM = "form"  # the source a form's problems name
QUEUE_SUFFIX = ".writes"
RESULT_KEEP_SECONDS = 600  # results nobody collected (their writer died) are removed after this


@dataclass(frozen=True)
class Writer:
    """Who writes, with what rights: an account's name, role, unit (its scope's root; None: the whole
    tree) and department; where the write comes from (app, cli, import) and, for a command run with
    --as, the operating-system user beside the account."""

    account: str | None
    role: str = "admin"
    unit_id: str | None = None
    department: str | None = None
    origin: str = "app"
    os_user: str | None = None

    @classmethod
    def of(cls, account: object, origin: str = "app", *, command: bool = False) -> Writer:
        """The writer for an auth.Account; `command`: run from the command line (its OS user recorded)."""
        return cls(
            account.name,
            account.role,
            account.unit_id,
            getattr(account, "department", None),
            origin,
            os_user() if command or origin == "cli" else None,
        )


def os_user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


class Refused(Exception):
    """A write refused whole: nothing was written. `problems` name each bad field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.line() for problem in problems[:5]))
        self.problems = problems

    def lines(self) -> list[str]:
        """Bilingual lines, as the command line prints them."""
        return [problem.line() for problem in self.problems]

    def messages(self, language: str) -> list[str]:
        """Lines in one language, as a page shows them."""
        return [f"{problem.location()}: {problem.reason(language)}" for problem in self.problems]


@dataclass
class Written:
    """A write that landed: its id (the change log's write_id) and the rows it changed, by table."""

    write_id: str
    changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def new_write_id() -> str:
    return f"{dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"


# ---- problems --------------------------------------------------------------------------------------


def _problem(table: str, column: str | None, code: str, **values: object) -> Problem:
    """A problem of a form's field: the sheet's and the column's Vietnamese names, as the import has them."""
    report = Report()
    spec = SHEET_BY_TABLE[table]
    header = spec.column(column).vi if column else None
    report.add(Where(FORM, spec.vi, table), code, None, header, **values)
    return report.problems[0]


def refuse(table: str, column: str | None, code: str, **values: object) -> None:
    raise Refused([_problem(table, column, code, **values)])


# ---- checking rows with the import's rules -----------------------------------------------------------


def form_records(tables: Mapping[str, list[dict]], report: Report) -> dict[str, list[Record]]:
    """A form's rows as the import's records: every value parsed by the import's cell rules (required,
    allowed values, dates, text length), named by the sheet's and column's Vietnamese names."""
    records: dict[str, list[Record]] = {}
    for order, (table, rows) in enumerate(tables.items()):
        spec = SHEET_BY_TABLE[table]
        where = Where(FORM, spec.vi, table, 0, order, headers={c.name: c.vi for c in spec.columns})
        where.column_order = {c.vi: i for i, c in enumerate(spec.columns)}
        records[table] = []
        for number, values in enumerate(rows, start=1):
            record = Record(number if len(rows) > 1 else None, {}, where=where)
            for column in spec.columns:
                parse_cell(column, values.get(column.name), record, column.vi, report)
            records[table].append(record)
    return records


def check_rows(con: duckdb.DuckDBPyConnection, tables: Mapping[str, list[dict]], writer: Writer) -> None:
    """Refuse (Refused, every bad field named) rows a form or command writes that break a rule of the
    import, or lie outside the writer's scope."""
    report = Report()
    records = form_records(tables, report)
    Checker(records, con, report).run()
    check_scope(con, records, writer, report)
    if report.problems:
        raise Refused(sorted(report.problems, key=lambda p: p.order))


# ---- rights and scope --------------------------------------------------------------------------------


def check_tables_allowed(tables: Iterable[str], writer: Writer, report: Report, where_of: Callable) -> None:
    """An import by a role may write only its tables (IMPORT_TABLES): any other sheet is refused by name."""
    allowed = IMPORT_TABLES.get(writer.role, frozenset())
    for table in tables:
        if table not in allowed:
            report.add(
                where_of(table), "chg_sheet_not_allowed", role=writer.role, account=writer.account or ""
            )


def check_scope(con, records: Mapping[str, list[Record]], writer: Writer, report: Report) -> None:
    """Every row must lie in the writer's subtree: a meeting's, membership's and opinion's unit, an
    attendance row's meeting, a member's cells (in the database or the same rows)."""
    if writer.unit_id is None:
        return
    inside = units_of(con, writer)
    meeting_cells = {r.values.get("meeting_id"): r.values.get("cell_id") for r in records.get("meeting", [])}
    wanted = [r.values.get("meeting_id") for r in records.get("attendance", [])]
    stored_cells = dict(_rows(con, "scope_meeting_cells", {"ids": sorted({w for w in wanted if w})}))
    member_ids = sorted(
        {r.values.get("member_id") for r in records.get("member", []) if r.values.get("member_id")}
    )
    member_cells = defaultdict(set)
    for member_id, cell_id in _rows(con, "scope_member_cells", {"ids": member_ids}):
        member_cells[member_id].add(cell_id)
    for r in records.get("membership", []):
        member_cells[r.values.get("member_id")].add(r.values.get("cell_id"))

    def outside(record: Record, column: str, value: object) -> None:
        Checker({}, con, report).problem(record, column, "chg_out_of_scope", value=value, unit=writer.unit_id)

    for table, column in (("meeting", "cell_id"), ("membership", "cell_id"), ("opinion", "unit_id")):
        for record in records.get(table, []):
            value = record.values.get(column)
            if value is not None and value not in inside:
                outside(record, column, value)
    for record in records.get("attendance", []):
        meeting = record.values.get("meeting_id")
        cell = meeting_cells.get(meeting, stored_cells.get(meeting))
        if meeting is not None and cell not in inside:
            outside(record, "meeting_id", meeting)
    for record in records.get("member", []):
        member = record.values.get("member_id")
        if member is not None and not (member_cells.get(member, set()) & inside):
            outside(record, "member_id", member)


def units_of(con, writer: Writer) -> set[str]:
    """The units of the writer's subtree (call only for a writer bound to a unit)."""
    return {row[0] for row in _rows(con, "scope_units", {"root": writer.unit_id})}


def _run(con: duckdb.DuckDBPyConnection, section: str, params: Mapping[str, object] = {}):  # noqa: B006
    """Run a schema.sql section with the parameters it names (DuckDB refuses any other)."""
    sql = store.schema_sections()[section]
    named = set(re.findall(r"\$(\w+)", re.sub(r"--[^\n]*", "", sql)))  # not those a comment names
    return con.execute(sql, {name: value for name, value in params.items() if name in named})


def _rows(con, section: str, params: Mapping[str, object]) -> list[tuple]:
    return _run(con, section, params).fetchall()


@contextlib.contextmanager
def _incoming(con: duckdb.DuckDBPyConnection, rows: pa.Table):
    """Rows registered as `incoming` for a section to read (never spelled into SQL)."""
    con.register("incoming", rows)
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction refuses even this
            con.unregister("incoming")


# ---- the logged write ---------------------------------------------------------------------------------


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    return (
        con.sql("select * from query_table($table) limit 0", params={"table": table}).to_arrow_table().schema
    )


def in_table_order(con, table: str, rows: pa.Table) -> pa.Table:
    """The rows' columns in the table's order (the change log's keys are JSON built in that order)."""
    names = [name for name in table_schema(con, table).names if name in rows.column_names]
    return rows.select(names)


def as_arrow(con, table: str, rows: list[dict]) -> pa.Table:
    """Whole rows (every column of the table) typed as the table is."""
    return pa.Table.from_pylist(rows, schema=table_schema(con, table))


def _key_params(table: str) -> dict[str, object]:
    keys = list(store.TABLE_KEYS[table])
    return {"table": table, "keys": keys, "first_key": keys[0]}


def write_logged(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    writer: Writer,
    write_id: str,
    action: str,
    *,
    overwrite: bool = False,
    remove: Mapping[str, pa.Table] | None = None,
) -> dict[str, int]:
    """Replace rows by key (store.apply_rows: the derived tables follow) and log each row that changed.
    `remove`: rows taken out by key (only attendance: an undo of a mark added to a meeting; the log keeps
    them). Call inside a transaction. Returns the rows changed per table."""
    ordered = {
        t: in_table_order(con, t, tables[t]) for t in store.BASE_TABLES if t in tables and len(tables[t])
    }
    removed = {t: in_table_order(con, t, rows) for t, rows in (remove or {}).items() if len(rows)}
    _run(con, "log_start")
    for table, rows in [*ordered.items(), *removed.items()]:
        with _incoming(con, rows):
            _run(con, "log_keys", _key_params(table))
            _run(con, "log_before", _key_params(table))
    for table, rows in removed.items():
        with _incoming(con, rows):
            _run(con, f"remove_{table}")
    store.apply_rows(con, ordered)
    stamp = dt.datetime.now()
    changed = {}
    for table, rows in [*ordered.items(), *removed.items()]:
        with _incoming(con, rows):
            params = _key_params(table) | {
                "write_id": write_id,
                "recorded_at": stamp,
                "account": writer.account,
                "os_user": writer.os_user,
                "origin": writer.origin,
                "action": action,
                "overwrite": overwrite,
            }
            changed[table] = changed.get(table, 0) + _rows(con, "log_changes", params)[0][0]
    _run(con, "log_cleanup")
    if writer.origin != "import":
        note_edits(con, write_id)
    return {table: count for table, count in changed.items() if count}


def note_edits(con: duckdb.DuckDBPyConnection, write_id: str) -> None:
    """The fields this write (from the app or a command) set: each becomes an edit a later import leaves
    alone, with the value before the first edit as its base; a field brought back to its base is none."""
    changes = _rows(con, "changes_of_write", {"write_id": write_id})
    for table, row_key, before, after in changes:
        old = json.loads(before) if before else {}
        new = json.loads(after) if after else {}
        keys = store.TABLE_KEYS.get(table, ())
        for name in sorted(set(old) | set(new)):
            if name in keys or old.get(name) == new.get(name):
                continue
            known = _rows(con, "edited_field_base", {"table": table, "row_key": row_key, "field": name})
            if not known:
                base = json.dumps(old.get(name), ensure_ascii=False)
                params = {
                    "table": table,
                    "row_key": row_key,
                    "field": name,
                    "base": base,
                    "write_id": write_id,
                }
                _run(con, "edited_field_add", params)
            elif json.loads(known[0][0]) == new.get(name):
                _run(con, "edited_field_drop", {"table": table, "row_key": row_key, "field": name})


# ---- the queue: small writes applied together under the write lock -------------------------------------


def queue_dir(path: Path) -> Path:
    return Path(path).with_name(f".{Path(path).name}{QUEUE_SUFFIX}")


def submit(
    path: Path, op: str, args: Mapping[str, object], writer: Writer, *, wait: float | None = None
) -> Written:
    """Queue one write and return once it is in the database file (or refused: Refused).

    Whoever takes the write lock applies every request queued by then (its own included) on one copy
    of the file and swaps it in once: twenty writers arriving together cost one or two copies, not
    twenty. A request's file is written whole before the lock is asked for, so the leader sees it
    complete or not at all.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(str(path))
    folder = queue_dir(path)
    folder.mkdir(mode=0o700, exist_ok=True)
    request_id = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    request = {"id": request_id, "pid": os.getpid(), "op": op, "args": dict(args), "writer": asdict(writer)}
    tmp = folder / f".{request_id}.tmp"
    tmp.write_text(json.dumps(request, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, folder / f"{request_id}.request")
    try:
        with store.locked(path, wait if wait is not None else limits.lock_wait_seconds()):
            result = _take_result(folder, request_id)
            if result is None:
                _apply_queue(path, folder, request_id)
                result = _take_result(folder, request_id)
    finally:
        (folder / f"{request_id}.request").unlink(missing_ok=True)
    if result is None:
        raise store.WriteError("the write was not applied")
    _audit(path, op, args, writer, result)
    if not result["ok"]:
        problems = [_listed(problem) for problem in result["problems"]]
        raise Refused(problems)
    return Written(result["write_id"], result["changed"], result["seconds"])


def _audit(path: Path, op: str, args: Mapping[str, object], writer: Writer, result: Mapping) -> None:
    """Every write in the accounts store's audit: who (and the operating-system user of a command run
    with --as), what was asked, and the write id that finds its rows in the change log."""
    from cellboard import auth

    details = {"db": str(path), "op": op, "ok": result["ok"], "origin": writer.origin}
    details |= {key: str(value)[:200] for key, value in args.items() if value is not None}
    if writer.os_user:
        details["os_user"] = writer.os_user
    if result["ok"]:
        details |= {"write_id": result["write_id"], "changed": result["changed"]}
    else:
        details["problems"] = sorted({problem["code"] for problem in result["problems"]})
    auth.audit(writer.account, f"write_{op}", details)


def _listed(problem: Mapping) -> Problem:
    """A problem as a result file holds it (JSON), back as a Problem."""
    values = tuple(tuple(pair) for pair in problem["values"])
    return Problem(
        problem["source"], problem["sheet"], problem["row"], problem["column"], problem["code"], values
    )


def _take_result(folder: Path, request_id: str) -> dict | None:
    result = folder / f"{request_id}.result"
    if not result.exists():
        return None
    data = json.loads(result.read_text(encoding="utf-8"))
    result.unlink(missing_ok=True)
    return data


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pending(folder: Path) -> list[dict]:
    """Queued requests, oldest first; those whose writer died meanwhile are dropped unapplied."""
    requests = []
    for file in sorted(folder.glob("*.request")):
        try:
            request = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (folder / f"{request['id']}.result").exists():
            continue
        if not _alive(int(request["pid"])):
            file.unlink(missing_ok=True)
            continue
        requests.append(request)
    return requests


def batching() -> bool:
    """Whether a leader applies every queued request (the default) or only its own: CELLBOARD_WRITE_BATCH=0
    is for measuring what batching saves (docs/PERFORMANCE.md)."""
    return os.environ.get("CELLBOARD_WRITE_BATCH", "1") != "0"


# The writes whose rows could break a whole-file invariant the rules do not see (meetings, their marks and
# derived rows): after them the file is checked (store.check_integrity), once per batch. An answer
# changes no reference and no derived count, and skips it (1,7 s of a 2 s budget at L).
CHECKED_OPS = frozenset({"meeting", "withdraw", "undo"})


def _apply_queue(path: Path, folder: Path, own: str) -> None:
    """Under the write lock: every pending request on one copy, each in a transaction of its own; one
    check, one swap; then each requester's result. A batch failing the check is applied again one
    request at a time, so only the request at fault fails."""
    _forget_old_results(folder)
    requests = [r for r in _pending(folder) if batching() or r["id"] == own]
    if not requests:
        return
    results, broken = _apply_batch(path, requests)
    if broken and len(requests) > 1:
        results = {}
        for request in requests:
            alone, broken = _apply_batch(path, [request])
            results |= alone if not broken else {request["id"]: _broken(broken)}
    elif broken:
        results = {requests[0]["id"]: _broken(broken)}
    for request_id, result in results.items():
        tmp = folder / f".{request_id}.result.tmp"
        tmp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, folder / f"{request_id}.result")


def _apply_batch(path: Path, requests: list[dict]) -> tuple[dict[str, dict], dict[str, int]]:
    """The requests on one copy of the file, swapped in unless the check after them failed (then the
    copy is discarded and the broken invariants returned)."""
    results: dict[str, dict] = {}
    with store.draft_under_lock(path, "edit") as draft:
        store.use_macros(draft.con)
        landed = []
        for request in requests:
            started = time.perf_counter()
            write_id = new_write_id()
            draft.con.execute("begin")
            try:
                changed = OPS[request["op"]](
                    draft.con, Writer(**request["writer"]), write_id, request["args"]
                )
                draft.con.execute("commit")
            except Refused as refused:
                draft.con.execute("rollback")
                results[request["id"]] = _refusal(refused.problems)
                continue
            except (duckdb.Error, store.WriteError, ValueError, KeyError) as error:
                draft.con.execute("rollback")
                results[request["id"]] = _refusal([_failed(error)])
                continue
            landed.append(request["op"])
            seconds = time.perf_counter() - started
            results[request["id"]] = {
                "ok": True,
                "write_id": write_id,
                "changed": changed,
                "seconds": seconds,
            }
        if not landed:
            return results, {}
        if CHECKED_OPS.intersection(landed):
            broken = store.check_integrity(draft.con)
            if broken:
                return {}, broken
        draft.publish(keep=False)  # the change log is these writes' undo: imports' backups stay
    return results, {}


def _failed(error: BaseException) -> Problem:
    return _problem("opinion", None, "chg_write_failed", detail=str(error).splitlines()[0][:300])


def _broken(broken: Mapping[str, int]) -> dict:
    return _refusal([_failed(store.WriteError(f"the checks after writing failed: {dict(broken)}"))])


def _refusal(problems: list[Problem]) -> dict:
    listed = [
        {
            "source": p.source,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "code": p.code,
            "values": p.values,
        }
        for p in problems
    ]
    return {"ok": False, "problems": listed}


def _forget_old_results(folder: Path) -> None:
    cutoff = time.time() - RESULT_KEEP_SECONDS
    for file in folder.glob("*.result"):
        with contextlib.suppress(OSError):
            if file.stat().st_mtime < cutoff:
                file.unlink()


# ---- the writes people make -------------------------------------------------------------------------


def _dicts(con, section: str, params: Mapping[str, object]) -> list[dict]:
    cursor = _run(con, section, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(con, section: str, params: Mapping[str, object]) -> dict | None:
    found = _dicts(con, section, params)
    return found[0] if found else None


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def record_answer(
    path: Path,
    writer: Writer,
    opinion_id: str,
    action: str = "answered",
    *,
    on: dt.date | None = None,
    answer: str | None = None,
    to: str | None = None,
    wait: float | None = None,
) -> Written:
    """Record an answer (on, answer), mark an opinion as being handled, or forward it to another
    department (to). Refused (nothing written) when the writer may not, or a rule breaks."""
    args = {"opinion_id": opinion_id, "action": action, "on": on, "answer": answer, "to": to}
    return submit(path, "answer", args, writer, wait=wait)


def _op_answer(con, writer: Writer, write_id: str, args: Mapping[str, object]) -> dict[str, int]:
    action = args["action"]
    if action not in ANSWER_ACTIONS:
        refuse("opinion", None, "chg_bad_action", value=action, allowed=", ".join(ANSWER_ACTIONS))
    opinion = _one(con, "opinion_row", {"opinion_id": args["opinion_id"]})
    if opinion is None:
        refuse("opinion", "opinion_id", "chg_no_opinion", value=args["opinion_id"])
    may_answer(con, writer, opinion)
    holder = opinion["assigned_to"]
    row = dict(opinion)
    if action == "answered":
        row["answered_on"], row["answer"], row["handling"] = _date(args["on"]), args["answer"], None
        missing = [name for name in ("answered_on", "answer") if not str(row[name] or "").strip()]
        if missing:  # every empty field named at once
            raise Refused([_problem("opinion", name, "imp_required") for name in missing])
    else:
        if opinion["answered_on"] is not None:
            refuse("opinion", "answered_on", "chg_already_answered", value=opinion["answered_on"])
        if action == "forwarded":
            if not (args.get("to") or "").strip():
                refuse("opinion", "assigned_to", "imp_required")
            row["assigned_to"] = text.department_name(args["to"])
            if row["assigned_to"] == text.department_name(holder or ""):
                refuse("opinion", "assigned_to", "chg_forward_same", value=row["assigned_to"])
        row["handling"] = action
    # the import's rules on the row as it would be; who may answer it was settled above (may_answer)
    check_rows(con, {"opinion": [row]}, Writer(writer.account, "admin", None, origin=writer.origin))
    changed = write_logged(con, {"opinion": as_arrow(con, "opinion", [row])}, writer, write_id, action)
    add_event(
        con,
        write_id,
        writer,
        row,
        action,
        from_department=holder if action == "forwarded" else None,
        answered_on=row["answered_on"] if action == "answered" else None,
        note=row["answer"] if action == "answered" else args.get("answer"),
    )
    return changed


def add_event(
    con,
    write_id: str,
    writer: Writer,
    opinion: Mapping[str, object],
    action: str,
    *,
    from_department: str | None = None,
    answered_on: dt.date | None = None,
    note: str | None = None,
) -> None:
    """A step in the opinion's history (opinion_event), in the write's transaction."""
    event = {
        "event_id": f"{write_id}-{opinion['opinion_id']}",
        "opinion_id": opinion["opinion_id"],
        "recorded_at": dt.datetime.now(),
        "account": writer.account,
        "action": action,
        "department": opinion["assigned_to"],
        "from_department": from_department,
        "answered_on": answered_on,
        "note": note,
    }
    with _incoming(con, as_arrow(con, "opinion_event", [event])):
        _run(con, "add_opinion_event")


def may_answer(con, writer: Writer, opinion: Mapping[str, object]) -> None:
    """Who may answer an opinion: the department it is assigned to (within the department's unit), the
    standing committee, the organisation board and administrators, within their scope."""
    if writer.role not in ANSWER_ROLES:
        refuse("opinion", None, "chg_role_cannot", role=writer.role, account=writer.account or "")
    if writer.unit_id is not None and opinion["unit_id"] not in units_of(con, writer):
        refuse("opinion", "unit_id", "chg_out_of_scope", value=opinion["unit_id"], unit=writer.unit_id)
    if writer.role == "department" and text.department_name(
        opinion["assigned_to"] or ""
    ) != text.department_name(writer.department or ""):
        refuse("opinion", "assigned_to", "chg_not_your_opinion", value=opinion["assigned_to"] or "")


# ---- meetings: a commune's month by form, corrections, withdrawals ------------------------------------


COUNTS = ("expected", "present", "excused", "absent", "exempt")


def meeting_id_for(cell_id: str, held_on: dt.date, kind: str, sequence: int) -> str:
    """A meeting id a form makes: the same cell, day, kind and sequence always give the same id."""
    return f"{cell_id}-{held_on:%Y%m%d}-{kind}-{sequence}"


def meeting_rows(con, writer: Writer, args: Mapping[str, object]) -> dict[str, list[dict]]:
    """The rows a meeting form writes (checked by the import's rules, the writer's rights and scope):
    the meeting, and an attendance row per member marked (or the counts, for cells that report numbers).

    args: meeting_id (None: a new meeting, its id made from cell, day, kind), cell_id, held_on, kind,
    topic, counts (expected, present, excused, absent, exempt) or marks [{member_id, status, reason}]."""
    meeting_id = args.get("meeting_id")
    stored = _one(con, "meeting_row", {"meeting_id": meeting_id}) if meeting_id else None
    if meeting_id and stored is None:
        refuse("meeting", "meeting_id", "chg_no_meeting", value=meeting_id)
    roles = CORRECT_ROLES if stored else MONTH_ROLES
    if writer.role not in roles:
        refuse("meeting", None, "chg_role_cannot", role=writer.role, account=writer.account or "")
    if stored is not None and stored["withdrawn_reason"] is not None:
        refuse("meeting", "meeting_id", "chg_meeting_withdrawn", value=meeting_id)
    held_on, kind = _date(args.get("held_on")), args.get("kind") or "regular"
    if stored is None and args.get("cell_id") and held_on:
        prefix = meeting_id_for(str(args["cell_id"]), held_on, str(kind), 0)[:-1]
        meeting_id = meeting_id_for(
            str(args["cell_id"]),
            held_on,
            str(kind),
            _rows(con, "meeting_ids_like", {"prefix": prefix})[0][0] + 1,
        )
    counts = args.get("counts") or {}
    row = dict(stored or {}) | {
        "meeting_id": meeting_id,
        "cell_id": args.get("cell_id") if stored is None else stored["cell_id"],
        "held_on": held_on,
        "kind": kind,
        "topic": (args.get("topic") or None),
        **{name: counts.get(name) for name in COUNTS},
        "withdrawn_reason": None,
    }
    marks = [
        {
            "meeting_id": meeting_id,
            "member_id": m["member_id"],
            "status": m.get("status"),
            "reason": m.get("reason") or None,
        }
        for m in args.get("marks") or []
    ]
    tables = {"meeting": [row]} | ({"attendance": marks} if marks else {})
    check_rows(con, tables, writer)
    return tables


def _op_meeting(con, writer: Writer, write_id: str, args: Mapping[str, object]) -> dict[str, int]:
    rows = meeting_rows(con, writer, args)
    tables = {table: as_arrow(con, table, table_rows) for table, table_rows in rows.items()}
    if args.get("expect") is not None and fingerprint(con, tables) != args["expect"]:
        refuse("meeting", None, "chg_changed_since_preview")
    action = "correct" if args.get("meeting_id") else "meeting"
    return write_logged(con, tables, writer, write_id, action)


def save_meeting(
    path: Path, writer: Writer, args: Mapping[str, object], *, wait: float | None = None
) -> Written:
    """Write a meeting from a form: a new one (meeting_id None) or a correction of one (see meeting_rows).
    With args["expect"] (a Preview's fingerprint) it is refused if the rows changed since the preview."""
    return submit(path, "meeting", args, writer, wait=wait)


def _op_withdraw(con, writer: Writer, write_id: str, args: Mapping[str, object]) -> dict[str, int]:
    stored = _one(con, "meeting_row", {"meeting_id": args["meeting_id"]})
    if stored is None:
        refuse("meeting", "meeting_id", "chg_no_meeting", value=args["meeting_id"])
    may_correct(con, writer, stored)
    reason = (args.get("reason") or "").strip()
    if not reason:
        refuse("meeting", None, "chg_reason_required")
    if stored["withdrawn_reason"] is not None:
        refuse("meeting", "meeting_id", "chg_meeting_withdrawn", value=args["meeting_id"])
    row = dict(stored) | {"withdrawn_reason": reason}
    return write_logged(con, {"meeting": as_arrow(con, "meeting", [row])}, writer, write_id, "withdraw")


def withdraw_meeting(
    path: Path, writer: Writer, meeting_id: str, reason: str, *, wait: float | None = None
) -> Written:
    """Withdraw a meeting with a reason: it stays, with its history, but counts nowhere; undo restores it."""
    return submit(path, "withdraw", {"meeting_id": meeting_id, "reason": reason}, writer, wait=wait)


def may_correct(con, writer: Writer, meeting: Mapping[str, object]) -> None:
    """Administrators, the organisation board and the commune that owns a meeting correct it."""
    if writer.role not in CORRECT_ROLES:
        refuse("meeting", None, "chg_role_cannot", role=writer.role, account=writer.account or "")
    if writer.unit_id is not None and meeting["cell_id"] not in units_of(con, writer):
        refuse("meeting", "cell_id", "chg_out_of_scope", value=meeting["cell_id"], unit=writer.unit_id)


# ---- preview -------------------------------------------------------------------------------------------


@dataclass
class Preview:
    """What a write would do to each row: new, changed or unchanged (rows: table, row_key, state, before,
    after), and a fingerprint of the stored rows it compared (a write given it is refused if they changed)."""

    rows: list[tuple[str, str, str, str | None, str]]
    fingerprint: str

    def counts(self) -> dict[str, dict[str, int]]:
        counted: dict[str, dict[str, int]] = defaultdict(lambda: {"new": 0, "changed": 0, "unchanged": 0})
        for table, _key, state, _before, _after in self.rows:
            counted[table][state] += 1
        return dict(counted)


PREVIEW_ROWS = 100_000  # a bigger import (a province's history, not a commune's month) gets no preview


def preview_tables(con, tables: Mapping[str, pa.Table]) -> Preview | None:
    """What writing `tables` would do, row by row (None past PREVIEW_ROWS rows)."""
    if sum(len(rows) for rows in tables.values()) > PREVIEW_ROWS:
        return None
    rows = []
    for table in store.BASE_TABLES:
        if table not in tables or not len(tables[table]):
            continue
        incoming = in_table_order(con, table, tables[table])
        with _incoming(con, incoming):
            params = _key_params(table) | {"columns": incoming.column_names}
            for row_key, before, after, state in _rows(con, "preview_rows", params):
                rows.append((table, row_key, state, before, after))
    digest = hashlib.sha256()
    for table, row_key, _state, before, _after in rows:
        digest.update(json.dumps([table, row_key, before], ensure_ascii=False).encode())
    return Preview(rows, digest.hexdigest())


def preview_meeting(path: Path, writer: Writer, args: Mapping[str, object]) -> Preview:
    """What save_meeting would write, read-only (Refused as save_meeting would be)."""
    con = db.reader(path)
    try:
        store.use_macros(con)
        rows = meeting_rows(con, writer, args)
        return preview_tables(
            con, {table: as_arrow(con, table, table_rows) for table, table_rows in rows.items()}
        )
    finally:
        con.close()


def fingerprint(con, tables: Mapping[str, pa.Table]) -> str | None:
    preview = preview_tables(con, tables)
    return preview.fingerprint if preview else None


# ---- undo ------------------------------------------------------------------------------------------------


def _typed(con, table: str, values: Mapping[str, object]) -> dict:
    """A row read back from the change log's JSON, with dates and times as the table holds them."""
    row = dict(values)
    for column in table_schema(con, table):
        value = row.get(column.name)
        if isinstance(value, str) and pa.types.is_date(column.type):
            row[column.name] = dt.date.fromisoformat(value)
        elif isinstance(value, str) and pa.types.is_timestamp(column.type):
            row[column.name] = dt.datetime.fromisoformat(value)
    return row


def _op_undo(con, writer: Writer, write_id: str, args: Mapping[str, object]) -> dict[str, int]:
    target = args["write_id"]
    changes = _rows(con, "write_changes_to_undo", {"write_id": target})
    if not changes:
        refuse("meeting", None, "chg_nothing_to_undo", value=target)
    restore: dict[str, list[dict]] = defaultdict(list)
    remove: dict[str, list[dict]] = defaultdict(list)
    marked_meetings: dict[str, dict] = {}
    for _change_id, table, row_key, before, after in changes:
        current = _rows(
            con, "current_row", {"table": table, "keys": list(store.TABLE_KEYS[table]), "row_key": row_key}
        )
        if (current[0][0] if current else None) != after:
            refuse(
                table if table in SHEET_BY_TABLE else "meeting", None, "chg_undo_changed_since", value=row_key
            )
        new = _typed(con, table, json.loads(after)) if after else None
        old = _typed(con, table, json.loads(before)) if before else None
        if table == "meeting":
            may_correct(con, writer, new or old)
            restore[table].append(old or new | {"withdrawn_reason": "undo"})
        elif table == "opinion":
            may_answer(con, writer, new or old)
            restore[table].append(old)
        elif table == "attendance":
            meeting = _one(con, "meeting_row", {"meeting_id": (new or old)["meeting_id"]})
            may_correct(con, writer, meeting)
            (restore if old else remove)[table].append(old or new)
            marked_meetings[meeting["meeting_id"]] = meeting  # its figures are counted again
        else:
            refuse("meeting", None, "chg_cannot_undo", value=table)
    restored = {row["meeting_id"] for row in restore.get("meeting", [])}
    restore["meeting"] += [row for key, row in marked_meetings.items() if key not in restored]
    tables = {table: as_arrow(con, table, rows) for table, rows in restore.items() if rows}
    removed = {table: as_arrow(con, table, rows) for table, rows in remove.items()}
    changed = write_logged(con, tables, writer, write_id, "undo", remove=removed)
    _run(con, "mark_undone", {"undo_id": write_id, "write_id": target, "last_change": changes[0][0]})
    for row in restore.get("opinion", []):
        add_event(con, write_id, writer, row, "undone", note=target)
    return changed


def undo(path: Path, writer: Writer, write_id: str, *, wait: float | None = None) -> Written:
    """Undo a write made in the app or by a command: each row it changed gets its values back (a meeting
    it made is withdrawn; a mark it added is taken out, kept in the log). Refused when a row changed
    since, or the writer may not change it."""
    return submit(path, "undo", {"write_id": write_id}, writer, wait=wait)


OPS: dict[str, Callable] = {
    "answer": _op_answer,
    "meeting": _op_meeting,
    "withdraw": _op_withdraw,
    "undo": _op_undo,
}


# ---- imports: the writer's rights, and the edits made in the app -------------------------------------------


def import_rights(writer: Writer) -> Callable:
    """The check an import by `writer` adds to the import's rules: only the sheets its role may write
    (IMPORT_TABLES), only rows within its scope; every other sheet or row refused by name."""

    def check(records: Mapping[str, list[Record]], con, report: Report) -> None:
        allowed = IMPORT_TABLES.get(writer.role, frozenset())
        for table, rows in records.items():
            if rows and table not in allowed:
                report.add(
                    rows[0].where, "chg_sheet_not_allowed", role=writer.role, account=writer.account or ""
                )
        check_scope(con, records, writer, report)

    return check


def _loads(value: str | None) -> object:
    return None if value is None else json.loads(value)


def merge_edits(
    con, tables: Mapping[str, pa.Table], *, overwrite: bool
) -> tuple[dict[str, pa.Table], list[Problem], list[tuple[str, str, str]]]:
    """An import meets what people set in the app (edited_field). For each such field of a row it brings:
    a blank, or the value the field held before it was edited (the workbook has not changed it since),
    keeps the edit; the value set in the app is agreement; any third value is a conflict, refused and
    named, unless `overwrite` (--overwrite-edits) lets the workbook's value win (the edit is then
    forgotten, and the change log marks the write). Returns the rows to write, the conflicts, and the
    edits overwritten."""
    merged, conflicts, overwritten = {}, [], []
    for table, rows in tables.items():
        merged[table] = rows
        if table not in store.TABLE_KEYS or not len(rows):
            continue
        if not _rows(con, "edited_fields_of_table", {"table": table})[0][0]:
            continue  # nothing of this table was set in the app: nothing to meet (a million rows: no JSON)
        incoming = in_table_order(con, table, rows)
        with _incoming(con, incoming):
            found = _rows(con, "edits_of_incoming", _key_params(table))
        keep: dict[str, set[str]] = defaultdict(set)
        for row_key, name, base, stored, brought in found:
            value = _loads(brought)
            if value is None or value == _loads(base):
                keep[row_key].add(name)
            elif value == _loads(stored):
                continue
            elif overwrite:
                overwritten.append((table, row_key, name))
            else:
                conflicts.append(
                    _problem(table, name, "chg_conflict", key=row_key, stored=_loads(stored), brought=value)
                )
        if keep:
            merged[table] = _keep_edits(con, table, incoming, keep)
    return merged, conflicts, overwritten


def _keep_edits(con, table: str, incoming: pa.Table, keep: Mapping[str, set[str]]) -> pa.Table:
    """The incoming rows with the edited fields in `keep` given their stored values (a column the
    workbook does not have, such as an opinion's handling, is added for them)."""
    names = sorted(set().union(*keep.values()))
    schema = table_schema(con, table)
    columns = [c for c in schema.names if c in incoming.column_names or c in names]
    with _incoming(con, incoming):
        keyed = _dicts(con, "incoming_keyed", _key_params(table))
        stored = {row["row_key"]: row for row in _dicts(con, "stored_keyed", _key_params(table))}
    rows = []
    for row in keyed:
        key = row.pop("row_key")
        for name in keep.get(key, ()):
            if key in stored:
                row[name] = stored[key][name]
        rows.append({c: row.get(c) for c in columns})
    return pa.Table.from_pylist(rows, schema=pa.schema([schema.field(c) for c in columns]))


def write_import(
    con, tables: Mapping[str, pa.Table], writer: Writer, write_id: str, *, overwrite: bool
) -> dict[str, int]:
    """An import's rows written through the one path: edits merged (Refused on a conflict), every changed
    row logged. Call inside the import's transaction."""
    merged, conflicts, overwritten = merge_edits(con, tables, overwrite=overwrite)
    if conflicts:
        raise Refused(conflicts)
    changed = write_logged(con, merged, writer, write_id, "import", overwrite=bool(overwritten))
    for table, row_key, name in overwritten:
        _run(con, "edited_field_drop", {"table": table, "row_key": row_key, "field": name})
    return changed
