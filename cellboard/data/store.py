"""Writing the database: create the schema, apply rows, rebuild derived tables, swap files.

Readers never see a half-written file. Every write builds a new file beside the database
(`.NAME.PID-N.tmp`), checks it and `os.replace`s it over the old one, so a reader holding the old
file keeps it and the next reader opens the new one. Writers take an exclusive `flock` on
`NAME.lock` beside the database, so two never interleave; the operating system releases it when a
writer dies. The file that a swap replaces is kept under `backups/` beside the database (the last
`KEEP_BACKUPS`), so a wrong import can be undone (`python -m cellboard backups`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from cellboard import SCHEMA_VERSION, private

SCHEMA_FILE = Path(__file__).with_name("schema.sql")
# The queries' macros: the writer folds text with them too (use_macros).
MACROS_FILE = Path(__file__).with_name("macros.sql")
KEEP_BACKUPS = 10
BACKUP_DIR = "backups"

# Base tables in an order that lets rows refer to earlier tables.
BASE_TABLES = (
    "category",
    "unit",
    "department",
    "member",
    "membership",
    "meeting",
    "attendance",
    "committee_member",
    "visit",
    "briefing",
    "opinion",
    "rating",
    "import_batch",
    "opinion_event",
    "change_log",
    "edited_field",
)
DERIVED_TABLES = (
    "unit_closure",
    "cell_commune",
    "unit_order",
    "cell_facts",
    "meeting_stats",
    "counts_run",
    "member_mark",
    "member_facts",
    "membership_facts",
    "opinion_facts",
    "opinion_terms",
    "opinion_text",
    "place_term",
    "meeting_roll",
    "roll_miss",
    "meeting_warning",
)
# The key of each table an import writes (docs/ARCHITECTURE.md, "The data model").
TABLE_KEYS = {
    "category": ("code",),
    "unit": ("unit_id",),
    "department": ("unit_id", "name"),
    "member": ("member_id",),
    "membership": ("member_id", "cell_id", "from_date"),
    "meeting": ("meeting_id",),
    "attendance": ("meeting_id", "member_id"),
    "committee_member": ("person_id",),
    "visit": ("meeting_id", "person_id"),
    "briefing": ("briefing_id",),
    "opinion": ("opinion_id",),
    "rating": ("cell_id", "year"),
}

_counter = itertools.count()


class WriteError(RuntimeError):
    """A write could not be completed; the database file is unchanged."""


class LockTimeout(TimeoutError):
    """Another writer held the database's lock longer than this one would wait; nothing was written."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the database's write lock stayed taken for {seconds:g} s")
        self.seconds = seconds


# No extension is ever fetched or loaded on the fly: a SQLite or other foreign file given as the
# database must be refused at once, not make DuckDB reach out to download a scanner for it.
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Every DuckDB connection the product opens (the benchmark's pandas side aside)."""
    return duckdb.connect(database, config=NO_EXTENSIONS)


@cache
def schema_sections() -> dict[str, str]:
    """The named sections of schema.sql (`-- section: NAME`)."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    parts = re.split(r"^-- section: (\w+)\s*$", text, flags=re.MULTILINE)
    return {name: body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def create_schema(con: duckdb.DuckDBPyConnection, source: str = "empty") -> None:
    """Create every table in an empty database and record the schema version."""
    con.execute(schema_sections()["tables"])
    set_meta(con, "schema_version", SCHEMA_VERSION)
    set_meta(con, "source", source)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("insert or replace into meta values ($key, $value)", {"key": key, "value": value})


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("select value from meta where key = $key", {"key": key}).fetchone()
    return row[0] if row else None


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame) -> None:
    """Append a DataFrame to a base table, matching columns by name."""
    if table not in BASE_TABLES:
        raise ValueError(f"not a base table: {table}")
    if len(rows):
        con.append(table, rows, by_name=True)


# The derive_* sections store.py runs by name; any other derive_* section runs whole on every write.
_DERIVE_STEPS = (
    "derive_units",
    "derive_everything",
    "derive_meetings",
    "derive_opinions",
    "derive_snapshot",
    "derive_changes",
    "derive_cleanup",
    "derive_has_changed_meetings",
    "derive_has_changed_opinions",
)


# The base tables each whole-table derive section reads: a write touching none of them (an answer to an
# opinion) skips the section. A section not listed runs on every write.
DERIVE_INPUTS = {
    "derive_roll": frozenset({"membership", "meeting"}),
    "derive_members": frozenset({"member", "membership", "unit"}),
}


def _other_derive_sections(tables: Mapping[str, object] | None = None) -> list[str]:
    """The whole-table derive sections to run: all of them, or those whose inputs `tables` touches."""
    return [
        name
        for name in schema_sections()
        if name.startswith("derive_")
        and name not in _DERIVE_STEPS
        and (tables is None or name not in DERIVE_INPUTS or DERIVE_INPUTS[name] & set(tables))
    ]


def use_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The query layer's macros (cellboard/data/macros.sql) as temporary macros of this writing
    connection, so the derived tables fold text as the queries do (fold): one definition for both.
    Temporary: nothing of them is stored in the file."""
    con.execute(
        MACROS_FILE.read_text(encoding="utf-8").replace(
            "create or replace macro", "create or replace temp macro"
        )
    )


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every derived table (DERIVED_TABLES) whole."""
    sections = schema_sections()
    use_macros(con)
    for name in (
        "derive_units",
        "derive_everything",
        "derive_meetings",
        "derive_opinions",
        *_other_derive_sections(),
        "derive_cleanup",
    ):
        con.execute(sections[name])


def _ids(rows, column: str) -> list[str]:
    if rows is None or len(rows) == 0:
        return []
    values = (
        rows.column(column).to_pylist()
        if hasattr(rows, "column") and not isinstance(rows, pd.DataFrame)
        else rows[column].tolist()
    )
    return [value for value in values if isinstance(value, str)]


def apply_rows(con: duckdb.DuckDBPyConnection, tables: Mapping[str, object]) -> None:
    """Replace rows by key (TABLE_KEYS) and bring the derived tables up to date, recomputing only
    the meetings and opinions the rows can change. Call inside a transaction.

    `tables` maps base tables to DataFrames or Arrow tables with the table's columns.
    """
    sections = schema_sections()
    touched = {
        "touched_units": _ids(tables.get("unit"), "unit_id"),
        "touched_briefings": _ids(tables.get("briefing"), "briefing_id"),
        # meetings whose rows, attendance or visits came in (meeting_stats counts all three)
        "touched_meetings": sorted(
            set(
                _ids(tables.get("meeting"), "meeting_id")
                + _ids(tables.get("attendance"), "meeting_id")
                + _ids(tables.get("visit"), "meeting_id")
            )
        ),
        "touched_opinions": _ids(tables.get("opinion"), "opinion_id"),
    }
    for name, ids in touched.items():
        con.register(name, pa.table({"id": pa.array(ids, pa.string())}))
    use_macros(con)
    try:
        con.execute(sections["derive_snapshot"])
        for table in BASE_TABLES:
            if table in tables and table in TABLE_KEYS:
                replace_rows(con, table, tables[table])
        if touched["touched_units"]:
            con.execute(sections["derive_units"])
        con.execute(sections["derive_changes"])
        for name, changed in (
            ("derive_meetings", "changed_meetings"),
            ("derive_opinions", "changed_opinions"),
        ):
            # nothing of its kind changed (an answer changes no meeting): its big tables are not scanned
            if con.execute(sections["derive_has_" + changed]).fetchone()[0]:
                con.execute(sections[name])
        for name in (
            *_other_derive_sections({t: rows for t, rows in tables.items() if len(rows)}),
            "derive_cleanup",
        ):
            con.execute(sections[name])
    finally:
        for name in touched:
            con.unregister(name)


# ---- the lock, temporary files and backups --------------------------------------------


def lock_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".lock")


def backup_dir(path: Path) -> Path:
    return Path(path).parent / BACKUP_DIR


@contextlib.contextmanager
def locked(
    path: Path, wait: float | None = None, waiting: Callable[[float | None], None] | None = None
) -> Iterator[None]:
    """Hold the database's write lock (an exclusive flock on NAME.lock; released by the OS on death).

    With `wait` (seconds), give up after that long with LockTimeout; `waiting(wait)` is called once
    when another writer holds the lock, so the one waiting can say so.
    """
    path = Path(path)
    private.make_dir(path.parent)  # the data folder: 0700 when cellboard makes it
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, private.FILE_MODE)
    try:
        if wait is None and waiting is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            _flock_within(fd, wait, waiting)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _flock_within(fd: int, wait: float | None, waiting: Callable[[float | None], None] | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if waiting is not None:
        waiting(wait)
    deadline = None if wait is None else time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if deadline is not None and time.monotonic() >= deadline:
                raise LockTimeout(wait) from None
        time.sleep(pause if deadline is None else max(0.0, min(pause, deadline - time.monotonic())))
        pause = min(pause * 2, 0.5)


def temp_path(path: Path) -> Path:
    """A new temporary file name beside the database, unique in this process."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{next(_counter)}.tmp")


def stale_files(path: Path) -> list[Path]:
    """Temporary files a killed writer left beside the database (only safe to remove under the lock)."""
    path = Path(path)
    prefix = f".{path.name}."
    return [
        p
        for p in path.parent.glob(f".{glob_escape(path.name)}.*.tmp*")
        if p.name.startswith(prefix) and (p.name.endswith(".tmp") or p.name.endswith(".tmp.wal"))
    ]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def remove_stale(path: Path) -> None:
    for stale in stale_files(path):
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_name(path: Path, reason: str, when: dt.datetime | None = None) -> str:
    """`STEM-YYYYmmddTHHMMSSffffff-REASON.SUFFIX` (UTC, so names sort by age)."""
    path = Path(path)
    when = when or dt.datetime.now(dt.UTC)
    return f"{path.stem}-{when:%Y%m%dT%H%M%S%f}-{reason}{path.suffix}"


def list_backups(path: Path) -> list[Path]:
    """The database's backups, oldest first."""
    path = Path(path)
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(path.stem) + r"-\d{8}T\d{12}-[a-z_]+" + re.escape(path.suffix) + "$")
    return sorted(p for p in folder.iterdir() if pattern.match(p.name))


def keep_backup(path: Path, reason: str) -> Path | None:
    """Keep the current file under backups/ (a hard link: instant; a copy where links fail)."""
    path = Path(path)
    if not path.exists():
        return None
    folder = private.make_dir(backup_dir(path))
    target = folder / backup_name(path, reason)
    try:
        os.link(path, target)
    except OSError:
        private.copy_file(path, target)
    else:
        os.chmod(target, private.FILE_MODE)  # the file being replaced: a database from before may be 0644
    return target


def prune_backups(path: Path, keep: int = KEEP_BACKUPS) -> None:
    backups = list_backups(path)
    for old in backups[: max(0, len(backups) - keep)]:
        old.unlink(missing_ok=True)


def swap_in(new_file: Path, path: Path, reason: str, *, keep: bool = True) -> Path | None:
    """Replace the database by a finished file atomically, keeping the old one as a backup (unless
    `keep` is false: the writes people make in the app, whose undo is the change log, do not push the
    imports' backups out of the kept set).

    Call with the lock held. Returns the backup kept (None when there was none).
    """
    path = Path(path)
    _fsync(new_file)
    kept = keep_backup(path, reason) if keep else None
    os.replace(new_file, path)
    _fsync(path.parent)
    if keep:
        prune_backups(path)
    return kept


def check_file(path: Path) -> None:
    """Open a finished file read-only and check it holds this schema (raises WriteError)."""
    con = connect()
    try:
        con.execute("attach $path as checked (type duckdb, read_only)", {"path": str(path)})
        con.execute("use checked")
        version = get_meta(con, "schema_version")
    except duckdb.Error as error:
        raise WriteError(f"the new file does not open: {error}") from error
    finally:
        con.close()
    if version != SCHEMA_VERSION:
        raise WriteError(f"the new file has schema version {version!r}, not {SCHEMA_VERSION!r}")


# ---- whole databases --------------------------------------------------------------------


def write_database(path: Path, tables: Mapping[str, pd.DataFrame], source: str) -> None:
    """Build a complete database at a temporary path and swap it in atomically."""

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        create_schema(con, source)
        for table in BASE_TABLES:
            if table in tables:
                if table == "category":
                    con.execute("delete from category")
                append_rows(con, table, tables[table])
        rebuild_derived(con)
        if "department" not in tables:  # a demo or a fixture: the departments its opinions name
            con.execute(schema_sections()["departments_from_opinions"])

    with private.owner_only(), locked(path):  # DuckDB makes the file and its .wal: 0600
        build_new_file(path, fill, "replaced")


def build_new_file(path: Path, fill: Callable[[duckdb.DuckDBPyConnection], None], reason: str) -> Path | None:
    """Under the lock: a new file beside the database filled in one transaction by `fill`, checked and
    swapped in (the old one kept as a backup, returned)."""
    path = Path(path)
    remove_stale(path)
    tmp = temp_path(path)
    try:
        con = connect(str(tmp))
        try:
            con.execute("begin")
            fill(con)
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        check_file(tmp)
        return swap_in(tmp, path, reason)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def file_version(path: Path) -> tuple[str | None, str | None]:
    """The schema version and source (meta) of a database file, read-only."""
    con = connect()
    try:
        con.execute("attach $path as existing (type duckdb, read_only)", {"path": str(path)})
        rows = dict(con.execute("select key, value from existing.meta").fetchall())
    finally:
        con.close()
    return rows.get("schema_version"), rows.get("source")


# The schema versions migrate() brings up to SCHEMA_VERSION, and the schema.sql sections that copy
# what people wrote from each (4 changed derived tables only: a file of 3 keeps every table it has).
MIGRATIONS = {"2": ("migrate_written",), "3": ("migrate_written", "migrate_written_3")}


def migrate(path: Path) -> Path | None:
    """Bring a file of an older schema version up to this one: a new file is built from the tables
    people write (schema.sql's `migrate_written*`; what a newer version added starts empty, and a
    file of 2 gets the departments its opinions name), every derived table is derived again, the file
    is checked and swapped in; the old file is kept as a backup, returned. None when the file is
    already of this version. Raises WriteError for a version it does not know."""
    path = Path(path)
    with private.owner_only(), locked(path):
        version, source = file_version(path)
        if version == SCHEMA_VERSION:
            return None
        if version not in MIGRATIONS:
            raise WriteError(f"no migration from schema version {version!r} to {SCHEMA_VERSION!r}")
        sections = MIGRATIONS[version]

        def fill(con: duckdb.DuckDBPyConnection) -> None:
            create_schema(con, source or "imported")
            # an alias no file name gives (DuckDB names the new file's own catalogue after its stem)
            con.execute("attach $path as cellboard_before (type duckdb, read_only)", {"path": str(path)})
            for section in sections:
                con.execute(schema_sections()[section])
            rebuild_derived(con)
            if "migrate_written_3" not in sections:  # no departments before 3: those the opinions name
                con.execute(schema_sections()["departments_from_opinions"])

        return build_new_file(path, fill, "migrate")


# ---- changing a database: a draft copy, one transaction, check, swap --------------------


@dataclass
class Draft:
    """A copy of the database beside it, open for writing; `publish` swaps it in."""

    path: Path
    tmp: Path
    con: duckdb.DuckDBPyConnection
    reason: str
    published: bool = False
    backup: Path | None = field(default=None)

    def publish(self, *, keep: bool = True) -> Path | None:
        """Checkpoint and close the copy, check it opens, swap it in; the backup kept (see swap_in)."""
        self.con.execute("checkpoint")
        self.con.close()
        check_file(self.tmp)
        self.backup = swap_in(self.tmp, self.path, self.reason, keep=keep)
        self.published = True
        return self.backup

    def discard(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.close()
        self.tmp.unlink(missing_ok=True)
        Path(f"{self.tmp}.wal").unlink(missing_ok=True)


@contextlib.contextmanager
def draft(
    path: Path,
    reason: str = "import",
    source_file: Path | None = None,
    *,
    wait: float | None = None,
    waiting: Callable[[float | None], None] | None = None,
) -> Iterator[Draft]:
    """Under the write lock: copy the database (or `source_file`) beside it and open the copy.

    Leaving the block without `publish()` discards the copy; the database is untouched either way
    until `publish()` renames the checked copy over it. `wait`, `waiting`: as for `locked`.
    """
    path = Path(path)
    with locked(path, wait, waiting), draft_under_lock(path, reason, source_file) as current:
        yield current


@contextlib.contextmanager
def draft_under_lock(path: Path, reason: str = "import", source_file: Path | None = None) -> Iterator[Draft]:
    """`draft` for a caller that already holds the write lock (the write queue's leader)."""
    path = Path(path)
    # owner_only for as long as the copy is open: DuckDB makes its .wal whenever the import writes
    with private.owner_only():
        remove_stale(path)
        origin = Path(source_file or path)
        if not origin.exists():
            raise FileNotFoundError(str(origin))
        tmp = temp_path(path)
        try:
            private.copy_file(origin, tmp)
            wal = Path(f"{origin}.wal")
            if wal.exists():  # a writer died before checkpointing: its log belongs to the file
                private.copy_file(wal, f"{tmp}.wal")
            con = connect(str(tmp))
        except BaseException:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            raise
        current = Draft(path, tmp, con, reason)
        try:
            yield current
        finally:
            if not current.published:
                current.discard()


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, rows) -> None:
    """Replace rows by key: delete those whose key the new rows carry, then insert them.

    `rows` is a DataFrame or Arrow table with the table's columns. The statements are fixed per
    table (schema.sql's `replace_TABLE` sections); the rows are a registered relation, never text.
    """
    if table not in TABLE_KEYS:
        raise ValueError(f"not an importable table: {table}")
    if len(rows) == 0:
        return
    con.register("incoming", rows)
    try:
        con.execute(schema_sections()[f"replace_{table}"])
    finally:
        con.unregister("incoming")


def check_integrity(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Counts of broken invariants in a database (all zero when sound); see schema.sql `check`."""
    cursor = con.execute(schema_sections()["check"])
    names = [column[0] for column in cursor.description]
    values = cursor.fetchall()[0]  # fetchall: a half-read result would block the connection
    return {name: int(value) for name, value in zip(names, values, strict=True) if value}
