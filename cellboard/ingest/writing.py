"""Importing: check, then write all or nothing.

Writing (store.draft): under the database's lock, copy the file beside it, check against the
copy, apply every row in one transaction, rebuild the derived tables, check, swap the copy in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from cellboard import text
from cellboard.data import db, store
from cellboard.ingest import changes, limits
from cellboard.ingest.problems import Problem, Report, report_frame, report_lines
from cellboard.ingest.reading import Source, _n, sources_from_paths, sources_from_uploads
from cellboard.ingest.validation import Checked, check_sources

# ---- importing: check, then write all or nothing ---------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or would do, on a dry run), with its report."""

    ok: bool
    dry_run: bool
    db_path: Path
    sources: list[str]
    problems: list[Problem]
    warnings: list[Problem]
    rows: dict[str, int]
    rows_by_source: dict[str, dict[str, int]]
    batch_ids: list[str] = field(default_factory=list)
    backup: Path | None = None
    seconds: float = 0.0
    process: int = 0  # the process that read and checked (the Data page's worker: not the server's)
    unlisted: int = 0  # problems past limits.MAX_LISTED: counted, not listed
    unlisted_warnings: int = 0
    preview: changes.Preview | None = None  # a dry run's new, changed and unchanged rows

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def bad_rows(self) -> int:
        return len({(p.source, p.sheet, p.row) for p in self.problems if p.row is not None})

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def summary(self, language: str) -> str:
        index = 0 if language == "vi" else 1
        if self.problems:
            count = len(self.problems) + self.unlisted
            problems = text.pair_n("imp_problems", "imp_problems_plural", count, count=count)[index]
            bad = self.bad_rows
            rows = text.pair_n("imp_bad_rows", "imp_bad_rows_plural", bad, count=bad)[index]
            return text.pair("imp_rejected", problems=problems, rows=rows)[index]
        if self.dry_run:
            return text.pair("imp_dry_run_ok", rows=self.total_rows)[index]
        return text.pair("imp_done", rows=self.total_rows, path=self.db_path)[index]

    def report_lines(self) -> list[str]:
        lines = [f"{self.summary('vi')} / {self.summary('en')}"]
        if self.ok and self.rows:
            lines.append("  " + ", ".join(f"{table} {count:,}" for table, count in self.rows.items()))
        lines += report_lines(self.problems, self.warnings)
        limit = _n(limits.MAX_LISTED)
        if self.unlisted:
            count = self.unlisted
            unlisted = text.pair_n("imp_unlisted", "imp_unlisted_plural", count, count=_n(count), limit=limit)
            lines.append(" / ".join(unlisted))
        if self.unlisted_warnings:
            count = self.unlisted_warnings
            unlisted = text.pair_n(
                "imp_unlisted_warnings", "imp_unlisted_warnings_plural", count, count=_n(count), limit=limit
            )
            lines.append(" / ".join(unlisted))
        if self.backup is not None:
            lines.append(" / ".join(text.pair("imp_backup_kept", name=self.backup.name)))
        return lines

    def report_frame(self) -> pd.DataFrame:
        return report_frame(self.problems)

    def warnings_frame(self) -> pd.DataFrame:
        return report_frame(self.warnings)


def import_files(
    paths: Sequence[str | Path],
    db_path: str | Path,
    dry_run: bool = False,
    account: str | None = None,
    *,
    allow_demo: bool = False,
    writer: changes.Writer | None = None,
    overwrite_edits: bool = False,
    expect: str | None = None,
) -> ImportResult:
    """Import workbooks, CSV files or folders of CSV into the database at db_path, all or nothing.

    `allow_demo` lets the benchmark and tests import into a demo database; users cannot. `writer`: whose
    rights and scope apply (None: an administrator's, as the account). `overwrite_edits`: the files'
    values win over fields set in the app (changes.merge_edits). `expect`: a dry run's preview
    fingerprint; the import is refused if the rows it compared changed since.
    """
    report = Report()
    sources = sources_from_paths(paths, report)
    return run_import(
        sources,
        Path(db_path),
        report,
        dry_run=dry_run,
        account=account,
        allow_demo=allow_demo,
        writer=writer,
        overwrite_edits=overwrite_edits,
        expect=expect,
    )


def import_uploads(
    files: Sequence[tuple[str, bytes]],
    db_path: str | Path,
    dry_run: bool = False,
    account: str | None = None,
    *,
    writer: changes.Writer | None = None,
    overwrite_edits: bool = False,
    expect: str | None = None,
) -> ImportResult:
    """The same for uploaded files (name, content): the Data page, a commune's month."""
    report = Report()
    sources = sources_from_uploads(files, report)
    return run_import(
        sources,
        Path(db_path),
        report,
        dry_run=dry_run,
        account=account,
        writer=writer,
        overwrite_edits=overwrite_edits,
        expect=expect,
    )


def run_import(
    sources: Sequence[Source],
    path: Path,
    report: Report,
    *,
    dry_run: bool,
    account: str | None,
    allow_demo: bool = False,
    writer: changes.Writer | None = None,
    overwrite_edits: bool = False,
    expect: str | None = None,
) -> ImportResult:
    started = time.perf_counter()
    # the database as the report names it: not in a page's upload, where the server's path means
    # nothing to the person uploading (and is not theirs to know)
    label = "" if writer is not None and writer.origin == "app" else str(path)
    backup, batch_ids, preview = None, [], None
    checked = None
    writer = writer or changes.Writer(account, "admin", None, origin="import")
    if writer.origin != "import":
        writer = dataclasses.replace(writer, origin="import")
    rights = changes.import_rights(writer)
    try:
        if path.exists():
            # read and check everything first, against the file as it is, without the write lock
            identity = _identity(path)
            before = (len(report.problems), len(report.warnings))
            con = db.reader(path) if dry_run else _read_only(path)
            try:
                checked = check_sources(
                    sources, con, report, allow_demo=allow_demo, db_label=label, rights=rights
                )
                if dry_run and checked.ok:  # what the import would do: new, changed, unchanged rows
                    preview = changes.preview_tables(con, checked.tables)
                    # and whether it contradicts what people set in the app (said now, not at the write)
                    report.problems.extend(
                        changes.merge_edits(con, checked.tables, overwrite=overwrite_edits)[1]
                    )
            finally:
                con.close()
            if not dry_run and checked.ok:
                wait = limits.lock_wait_seconds()
                with store.draft(path, "import", wait=wait, waiting=say_waiting) as draft:
                    if _identity(path) != identity:  # another import wrote meanwhile: check again
                        del report.problems[before[0] :]
                        del report.warnings[before[1] :]
                        report.cells = report.chars = report.rows = 0
                        report.unlisted = report.unlisted_warnings = 0
                        checked = check_sources(
                            sources, draft.con, report, allow_demo=allow_demo, db_label=label, rights=rights
                        )
                    if checked.ok and expect is not None:
                        store.use_macros(draft.con)
                        if changes.fingerprint(draft.con, checked.tables) != expect:
                            report.add(None, "chg_changed_since_preview", source=label)
                    if checked.ok and not report.problems:
                        try:
                            batch_ids = apply(draft.con, checked, writer, path, overwrite=overwrite_edits)
                            backup = draft.publish()
                        except changes.Refused as refused:  # fields set in the app that the files contradict
                            batch_ids = []
                            report.problems.extend(refused.problems)
                        except (duckdb.Error, store.WriteError) as error:
                            batch_ids = []
                            report.add(None, "imp_write_failed", source=label, detail=db.first_line(error))
    except store.LockTimeout as timeout:
        report.add(None, "imp_lock_timeout", source=label, seconds=f"{timeout.seconds:g}")
    except duckdb.Error as error:  # not a database file, or one this program cannot open
        report.add(None, "imp_database_error", source=label, path=label, detail=db.first_line(error))
    except OSError as error:  # a full disk (or another system failure) while copying or swapping
        code = text.N_("imp_disk_full") if error.errno == errno.ENOSPC else text.N_("imp_write_failed")
        report.add(None, code, source=label, detail=db.first_line(error))
    if checked is None:
        if dry_run and not path.exists():
            report.add(None, "imp_checked_without_database", source=label, warning=True, path=label)
        elif not path.exists():
            report.add(None, "imp_no_database", source=label, path=label)
        checked = check_sources(sources, None, report, db_label=label, rights=rights)
    problems = sorted(report.problems, key=lambda p: p.order)
    if not dry_run:  # ---- the audit trail (issue 7): who imported what, and how it ended ----
        from cellboard import auth

        files = [source.name for source in sources]
        details = {"files": files, "ok": not problems, "batches": batch_ids, "db": label}
        if overwrite_edits:
            details["overwrite_edits"] = True
        if writer.os_user:  # a command run with --as: who ran it, beside the account
            details["os_user"] = writer.os_user
        if problems:
            details["problems"] = sorted({problem.code for problem in problems})
        auth.audit(account, "import", details)
    return ImportResult(
        ok=not problems,
        dry_run=dry_run,
        db_path=path,
        sources=[source.name for source in sources],
        problems=problems,
        warnings=report.warnings,
        rows=checked.rows,
        rows_by_source=checked.rows_by_source,
        batch_ids=batch_ids,
        backup=backup,
        seconds=time.perf_counter() - started,
        unlisted=report.unlisted,
        unlisted_warnings=report.unlisted_warnings,
        preview=preview,
    )


def _identity(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The database opened read-only for checking an import before it takes the write lock."""
    con = store.connect()
    try:
        con.execute("attach $path as cellboard (type duckdb, read_only)", {"path": str(path)})
        con.execute("use cellboard")
        con.execute("set enable_external_access = false")
    except BaseException:
        con.close()
        raise
    return con


def say_waiting(seconds: float | None) -> None:
    """Said once when another import holds the write lock (stderr: the CLI's, or the Data page's worker)."""
    shown = f"{seconds:g}" if seconds is not None else "∞"
    print(" / ".join(text.pair("imp_lock_waiting", seconds=shown)), file=sys.stderr, flush=True)


def apply(
    con: duckdb.DuckDBPyConnection,
    checked: Checked,
    writer: changes.Writer,
    original: Path,
    *,
    overwrite: bool = False,
) -> list[str]:
    """Write checked rows in one transaction through the one write path (changes.write_import: fields
    set in the app kept or refused as conflicts, each changed row logged), record the batch, check
    nothing got broken (against the original file when the copy is not sound)."""
    account = writer.account
    con.execute("begin")
    try:
        store.use_macros(con)
        changes.write_import(con, checked.tables, writer, changes.new_write_id(), overwrite=overwrite)
        imported_at = dt.datetime.now()
        batch_ids = []
        for source in checked.sources:
            batch_id = f"{imported_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
            con.execute(
                store.schema_sections()["record_import_batch"],
                {
                    "batch_id": batch_id,
                    "file_name": source.name,
                    "sha256": source.sha256,
                    "imported_at": imported_at,
                    "rows_per_table": json.dumps(checked.rows_by_source.get(source.name, {})),
                    "account": account,
                },
            )
            batch_ids.append(batch_id)
        if checked.source_meta in (None, "empty"):
            store.set_meta(con, "source", "imported")
        broken = store.check_integrity(con)
        if broken:
            # the file may have held these before; only what this import made worse stops it
            reader = db.reader(original)
            try:
                before = store.check_integrity(reader)
            finally:
                reader.close()
            worse = {name: count for name, count in broken.items() if count > before.get(name, 0)}
            if worse:
                raise store.WriteError(f"the checks after writing failed: {worse}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return batch_ids
