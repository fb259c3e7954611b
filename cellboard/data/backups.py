"""The previous database files every swap keeps (store.KEEP_BACKUPS of them), and bringing one back.

`python -m cellboard backups list` shows them, newest last, with the last import each holds;
`python -m cellboard backups restore NAME` swaps a copy of one back in (under the write lock, the
same way an import does), keeping the file it replaces as a backup too, so a restore can be undone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cellboard import text
from cellboard.data import db, store


@dataclass(frozen=True)
class Backup:
    path: Path
    saved_at: dt.datetime  # local time
    reason: str  # import, restore, replaced
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def _parse(path: Path) -> Backup:
    stamp, reason = path.stem.rsplit("-", 2)[-2:]
    saved = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.UTC).astimezone()
    return Backup(path, saved.replace(tzinfo=None), reason, path.stat().st_size)


def list_backups(db_path: Path) -> list[Backup]:
    """The database's backups, oldest first."""
    return [_parse(path) for path in store.list_backups(db_path)]


def last_import(backup: Path) -> str:
    """The newest import a backup holds, as 'file (dd/mm/yyyy HH:MM)', or '–'."""
    try:
        history = db.run("import_history", path=backup)
    except (duckdb.Error, db.QueryError):
        return "?"
    if history.empty:
        return "–"
    newest = history.iloc[0]
    return f"{newest['file_name']} ({newest['imported_at']:%d/%m/%Y %H:%M})"


def restore(db_path: Path, name: str) -> Path | None:
    """Swap a copy of the named backup in; returns the backup kept of the file it replaced."""
    db_path = Path(db_path)
    chosen = next((b.path for b in list_backups(db_path) if b.name == name), None)
    if chosen is None:
        raise FileNotFoundError(name)
    with store.draft(db_path, "restore", source_file=chosen) as draft:
        return draft.publish()


def cli_backups(args: argparse.Namespace) -> int:
    path = db.db_path(args.db)
    backups = list_backups(path)
    if args.action == "list":
        if not backups:
            print(text.line("cli_no_backups", path=path))
            return 0
        print(
            f"Các bản cũ của {path}, cũ trước mới sau / previous files of {path}, oldest first "
            f"({store.backup_dir(path)}):"
        )
        for backup in backups:
            print(
                f"  {backup.name}  {backup.saved_at:%d/%m/%Y %H:%M:%S}  {backup.size / 2**20:6.1f} MiB  "
                f"{backup.reason:<8}  {last_import(backup.path)}"
            )
        db.close_all()
        return 0
    if not args.name:
        print(
            "Cần tên bản sao lưu: backups restore NAME / give the backup's name: backups restore NAME",
            file=sys.stderr,
        )
        return 2
    try:
        kept = restore(path, args.name)
    except FileNotFoundError:
        names = ", ".join(b.name for b in backups) or "–"
        print(
            f"Không có bản sao lưu «{args.name}» / there is no backup «{args.name}». Có / there are: {names}",
            file=sys.stderr,
        )
        return 1
    except store.WriteError as error:
        print(f"{text.line('cli_restore_failed')}: {error}", file=sys.stderr)
        return 1
    print(text.line("cli_restored", name=args.name, path=path))
    if kept is not None:
        print(text.line("cli_replaced_kept", name=kept.name))
    return 0
