"""The one place the database is opened for reading, and named queries are run.

Readers open the file read-only through an in-memory DuckDB that ATTACHes it:
DuckDB caches one instance per path, so a plain `connect(path)` after an
import swapped the file would keep serving the old one. Each file version
(inode, mtime, size) gets its own instance; the old one is closed a version
later, so a query another session is running is never cut off.

The terms the queries share (the scope of $unit, an opinion's status, month numbers, accent
folding, ...) are DuckDB macros defined once in cellboard/data/macros.sql, created in each read
connection's in-memory catalogue; every cursor searches the data file first, then those macros.
What each query takes and returns is its header, read by cellboard/data/catalogue.py; the rules
(cellboard/rules.py) it names are bound here, never taken from callers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from cellboard import QUERIES_DIR, ROOT, SCHEMA_VERSION, rules, text
from cellboard.data import catalogue, store
from cellboard.data.periods import parse_date

DEFAULT_DB = ROOT / "data" / "cellboard.duckdb"
DATE_PARAMS = ("start", "end", "as_of")
MACROS = Path(__file__).resolve().with_name("macros.sql")
# Tables in the data file first, so nothing in memory can stand in for one; then the macros.
# Where a cursor's names resolve: the data file first (also the cursor's default database), then the
# in-memory catalogue that holds the macros. A fixed statement, never built from values.
SEARCH_PATH = "set search_path = 'cellboard.main,memory.main'"


class QueryError(ValueError):
    """A named query was asked for wrongly: unknown name or parameter, bad value."""


class NoDatabase(FileNotFoundError):
    """There is no database file at the path."""


class OldSchema(NoDatabase):
    """The file was written by another version of the schema (meta.schema_version): its derived
    tables are not the ones the queries read."""

    def __init__(self, path: str, found: str | None, wanted: str) -> None:
        super().__init__(f"{path}: schema version {found}, not {wanted}")
        self.path, self.found, self.wanted = path, found, wanted
        self.migratable = ", ".join(sorted(store.MIGRATIONS))  # the versions `migrate` brings up to date

    def said(self, command: str) -> dict[str, object]:
        """The values of the `old_schema` message: the file, its version and this program's, the
        versions `migrate` takes, and `command`, which builds a demo there instead."""
        return {
            "path": self.path,
            "found": self.found,
            "wanted": self.wanted,
            "migratable": self.migratable,
            "command": command,
        }


class BadDatabase(OSError):
    """The file at the path is no database this program can read: corrupt, truncated, another
    program's, or unreadable. Every page and command says so with the way out, not a traceback."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path, self.detail = path, detail


class OutOfScope(PermissionError):
    """A unit outside the account's subtree was asked for."""


@dataclass(frozen=True)
class Scope:
    """What an account may see: a subtree (None = everything) and whether names."""

    root: str | None = None
    names: bool = True
    account: str | None = None


EVERYTHING = Scope()


class _WholeTree:
    """An explicit request for the whole tree (the CLI's `--param unit=`): refused unless the scope is
    everything. An absent $unit means the account's own root instead."""

    def __repr__(self) -> str:
        return "WHOLE_TREE"


WHOLE_TREE = _WholeTree()


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """`--db`, else `CELLBOARD_DB`, else data/cellboard.duckdb."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("CELLBOARD_DB")
    return Path(env) if env else DEFAULT_DB


# ---- connections ---------------------------------------------------------------

_lock = threading.Lock()
_open: dict[Path, tuple[tuple[int, int, int], duckdb.DuckDBPyConnection]] = {}
_retired: dict[Path, list[duckdb.DuckDBPyConnection]] = {}


def file_identity(path: Path) -> tuple[int, int, int]:
    try:
        info = os.stat(path)
    except FileNotFoundError as missing:
        raise NoDatabase(str(path)) from missing
    return (info.st_ino, info.st_mtime_ns, info.st_size)


_collator = threading.local()


def collation_ranks(values: list[object]) -> list[int | None]:
    """Each text's place in the Vietnamese alphabet's order: the `vi` collation the queries sort with
    (ICU, as DuckDB has it), so a table sorted in the app orders names as a query would; None for none."""
    con = getattr(_collator, "con", None)
    if con is None:
        con = _collator.con = store.connect()
    texts = [None if text.is_missing(value) else str(value) for value in values]
    ranks = con.execute(
        """select case when v is null then null else dense_rank() over (order by v collate vi) end
           from (select unnest($texts) as v, generate_subscripts($texts, 1) as i) order by i""",
        {"texts": texts},
    ).fetchall()
    return [rank for (rank,) in ranks]


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect()
    try:
        con.execute("attach $path as cellboard (type duckdb, read_only)", {"path": str(path)})
        _check_schema_version(con, path)
        _create_macros(con)
    except duckdb.Error as error:  # not a DuckDB file, truncated, unreadable, or not this program's
        con.close()
        raise BadDatabase(str(path), first_line(error)) from error
    # Imported text cannot reach the file system, nor loosen these settings.
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def _create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """cellboard/data/macros.sql into the in-memory catalogue (memory.main): unqualified CREATEs go to
    the first schema searched, and the table macros' tables must resolve in the data file while they
    are created. Nothing is written to the file (it is attached read-only anyway)."""
    con.execute("set search_path = 'memory.main,cellboard.main'")
    con.execute(MACROS.read_text(encoding="utf-8"))
    con.execute(SEARCH_PATH)


def _check_schema_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a file of another schema version, once per file version (reader caches the rest)."""
    try:
        rows = con.execute(
            "select value from cellboard.meta where key = 'schema_version'"
        ).fetchall()  # fetchall: a half-read result would block the connection
    except duckdb.CatalogException as error:  # a DuckDB file, but another program's
        raise BadDatabase(str(path), "no meta table: not a database of this program") from error
    found = rows[0][0] if rows else None
    if found != SCHEMA_VERSION:
        con.close()
        raise OldSchema(str(path), found, SCHEMA_VERSION)


def reader(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the current version of the file, read-only."""
    path = Path(path or db_path()).resolve()
    identity = file_identity(path)
    with _lock:
        known = _open.get(path)
        if known is None or known[0] != identity:
            if known is not None:
                _retire(path, known[1])
            known = (identity, _open_read_only(path))
            _open[path] = known
        cursor = known[1].cursor()
    # A cursor starts with the connection's defaults, not its settings: say where names resolve (the
    # first entry is also the cursor's default database, as `use cellboard` made it).
    cursor.execute(SEARCH_PATH)
    return cursor


def _retire(path: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Keep the replaced version open for the queries still running on it; close older ones, except
    those a query is still using (DuckDB refuses to close a connection busy in another thread): they
    are tried again at the next swap. Call with _lock held."""
    still_busy = []
    for old in _retired.pop(path, []):
        try:
            old.close()
        except duckdb.ResourceInUseException:
            still_busy.append(old)
    _retired[path] = [*still_busy, con]


def close_all() -> None:
    """Close every cached connection (tests switch files; imports on the same process)."""
    with _lock:
        for _, con in _open.values():
            con.close()
        for cons in _retired.values():
            for con in cons:
                con.close()
        _open.clear()
        _retired.clear()


# ---- named queries -------------------------------------------------------------


def query_names() -> list[str]:
    return catalogue.query_names(QUERIES_DIR)


@cache
def query_text(name: str) -> str:
    if name not in query_names():
        raise QueryError(f"unknown query «{name}»; valid: {', '.join(query_names())}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


_parsed: dict[str, duckdb.Statement] = {}
_parsing = threading.Lock()


def parsed_query(name: str) -> duckdb.Statement:
    """queries/NAME.sql parsed once per process: parsing the longer queries costs a millisecond or
    two, a tenth of their run (docs/PERFORMANCE.md). Once per process, not per thread: the app runs
    every script run on a thread of its own, and a parser connection costs 14 ms to open. A parsed
    statement is only read when executed, so threads share it (each on its own cursor)."""
    found = _parsed.get(name)
    if found is None:
        with _parsing:
            found = _parsed.get(name)
            if found is None:
                parser = store.connect()
                try:
                    statements = parser.extract_statements(query_text(name))
                finally:
                    parser.close()
                if len(statements) != 1:
                    raise QueryError(f"queries/{name}.sql must hold one statement, not {len(statements)}")
                found = _parsed[name] = statements[0]
    return found


def query_info(name: str) -> catalogue.QueryInfo:
    """What queries/NAME.sql's header says it answers, takes and returns."""
    query_text(name)  # an unknown name is a QueryError listing the valid ones
    return catalogue.info(name)


@cache
def query_params(name: str) -> tuple[str, ...]:
    """The parameters a caller may give the query (its header's Parameters), in the header's order.
    The rules it names are not among them: they are bound from cellboard/rules.py."""
    return query_info(name).parameter_names


REQUIRED_PARAMS = ("start", "end")
SWAP_RETRIES = 3
# Queries without $unit that hold no unit's rows ("Scope: none" in their header), so every scope may
# run them. Any other query without $unit covers the whole tree, so a scoped account is refused it (a
# query that forgot the scope, or one meant for administrators such as import_history, fails closed).
UNSCOPED_QUERIES = frozenset(name for name in query_names() if catalogue.info(name).scope == "none")


def _coerce(name: str, key: str, value: object) -> object:
    if key in DATE_PARAMS and isinstance(value, str):
        try:
            return parse_date(value) if value.strip() else None
        except ValueError as bad:
            raise QueryError(f"parameter «{key}» of {name}: «{value}» is not a date (yyyy-mm-dd)") from bad
    if value == "":
        return None
    return value


def bind_params(name: str, params: Mapping[str, object], scope: Scope, con) -> dict[str, object]:
    """Check the parameters against the query and the scope; fill defaults."""
    wanted = query_params(name)
    unknown = sorted(set(params) - set(wanted))
    if unknown:
        raise QueryError(
            f"{name} does not take {', '.join(unknown)}; its parameters: {', '.join(wanted) or '(none)'}"
        )
    bound = {key: _coerce(name, key, params.get(key)) for key in wanted}
    missing = [key for key in REQUIRED_PARAMS if key in bound and bound[key] is None]
    if missing:
        raise QueryError(f"{name} needs {', '.join(missing)} (yyyy-mm-dd)")
    if "as_of" in bound and bound["as_of"] is None:
        bound["as_of"] = dt.date.today()
    if "unit" in bound:
        bound["unit"] = check_unit(bound["unit"], scope, con)
    elif scope.root is not None and name not in UNSCOPED_QUERIES:
        raise OutOfScope(WHOLE_TREE)
    if "names_allowed" in bound:
        bound["names_allowed"] = scope.names
    bound.update(rule_params(name))
    return bound


def rule_params(name: str) -> dict[str, object]:
    """The rules (cellboard/rules.py) the query names, as its parameters: bound by the code, since
    DuckDB refuses a named parameter a query does not use, only those it names."""
    named = query_info(name).rules
    unknown = sorted(set(named) - set(rules.QUERY_PARAMETERS))
    if unknown:
        raise QueryError(
            f"queries/{name}.sql names rules cellboard/rules.py does not hold: {', '.join(unknown)}"
        )
    return {key: rules.QUERY_PARAMETERS[key] for key in named}


def check_unit(unit: object, scope: Scope, con) -> str | None:
    """The unit to query: the scope's root when absent; refused outside the scope."""
    if unit is WHOLE_TREE:
        if scope.root is None:
            return None
        raise OutOfScope(None)
    if unit in (None, ""):
        return scope.root
    unit = str(unit)
    if scope.root is None:
        return unit
    row = con.execute(query_text("unit_in_scope"), {"unit": unit, "root": scope.root}).fetchone()
    if not row or not row[0]:
        raise OutOfScope(unit)
    return unit


# The answer as a DataFrame. DuckDB's .df() turns each text value into a Python string and pandas then
# packs those into Arrow again: a third of a call's CPU at M and L for a long answer. answer_frame fetches
# Arrow and builds the same frame from it: the fetch's process CPU (interleaved, loaded 2-core machine,
# whole tree) at M month_meetings 20.3 -> 10.3 ms, unit_tree 14.1 -> 9.5, chronic_absentees 13.3 -> 9.4,
# cell_ranking 11.9 -> 9.3; at L 38.9 -> 14.5, 27.6 -> 14.2, 37.8 -> 14.5, 29.8 -> 15.2. A short answer
# costs 0.5-2 ms more that way (Arrow out of an execute() result is read back through a statement), so
# run() takes it for a query whose last answer, for the whole tree or for a unit, held at least
# ARROW_FROM text cells (rows x text columns), .df() otherwise: both give the same frame. That frame,
# dtype for dtype, as .df() decides them from the values: text is pandas' "str" (Arrow storage, NaN for
# null), or object holding None when no row has a value (also no rows); integers are numpy ints, or
# pandas' nullable Int32/Int64 when one is null; booleans likewise bool or "boolean"; DATE and TIMESTAMP
# are datetime64[us]. Any other column type (DECIMAL, lists, ...) or a repeated column name goes through
# .df(). tests/test_query_catalogue.py compares answer_frame with .df() for every named query.
ARROW_FROM = 2000
_long_answers: dict[tuple[str, bool], bool] = {}
_MASKED_INTS = {
    "TINYINT": "Int8",
    "SMALLINT": "Int16",
    "INTEGER": "Int32",
    "BIGINT": "Int64",
    "UTINYINT": "UInt8",
    "USMALLINT": "UInt16",
    "UINTEGER": "UInt32",
    "UBIGINT": "UInt64",
}
_AS_ARROW = frozenset({"VARCHAR", "BOOLEAN", "DOUBLE", "DATE", "TIMESTAMP", *_MASKED_INTS})
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
# DuckDB warns that Arrow from an execute() result costs a copy of the rows; that copy is in the
# numbers above (con.sql(...).to_arrow_table() was no cheaper: it binds the statement once more).
warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning, __name__)


def answer_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The executed statement's rows as the DataFrame `con.df()` would give (see above)."""
    described = con.description or []
    names = [column[0] for column in described]
    types = [str(column[1]) for column in described]
    if not described or len({n.lower() for n in names}) < len(names) or not _AS_ARROW.issuperset(types):
        return con.df()
    table = con.to_arrow_table()
    return pd.DataFrame(
        {n: _column(kind, table.column(i)) for i, (n, kind) in enumerate(zip(names, types, strict=True))},
        copy=False,
    )


def _column(kind: str, values: pa.ChunkedArray) -> object:
    nulls, rows = values.null_count, len(values)
    if kind == "VARCHAR":
        return np.full(rows, None, dtype=object) if nulls == rows else _TEXT.__from_arrow__(values)
    if kind == "DATE":
        return values.cast(pa.timestamp("us")).to_numpy()
    if nulls and kind in _MASKED_INTS:
        return pd.arrays.IntegerArray(values.fill_null(0).to_numpy(), values.is_null().to_numpy())
    if nulls and kind == "BOOLEAN":
        return pd.arrays.BooleanArray(values.fill_null(False).to_numpy(), values.is_null().to_numpy())
    return values.to_numpy()  # no nulls; DOUBLE's are NaN, TIMESTAMP's NaT


def run(
    name: str,
    params: Mapping[str, object] | None = None,
    *,
    path: Path | None = None,
    scope: Scope = EVERYTHING,
) -> pd.DataFrame:
    """Run queries/NAME.sql with bound parameters, within the scope, as a DataFrame.

    A query whose file version was closed under it (two imports swapped files in quick succession)
    runs again on the new file; a file that turns out damaged while read is a BadDatabase."""
    for attempt in range(SWAP_RETRIES + 1):
        con = reader(path)
        try:
            bound = bind_params(name, params or {}, scope, con)
            cursor = con.execute(parsed_query(name), bound)
            asked = (name, bound.get("unit") is None)
            frame = answer_frame(cursor) if _long_answers.get(asked) else cursor.df()
            texts = sum(1 for dtype in frame.dtypes if dtype.kind == "O")  # str or object
            _long_answers[asked] = len(frame) * texts >= ARROW_FROM
            return frame
        except duckdb.ConnectionException:
            if attempt == SWAP_RETRIES:
                raise
        except duckdb.IOException as error:
            raise BadDatabase(str(path or db_path()), first_line(error)) from error
        finally:
            with contextlib.suppress(duckdb.Error):
                con.close()
    raise AssertionError("unreachable")
