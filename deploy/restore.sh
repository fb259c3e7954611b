#!/bin/bash
# deploy/restore.sh BACKUP — put back both stores from a folder deploy/backup.sh made.
# deploy/restore.sh --list [DEST] — the backups there (else $CELLBOARD_BACKUP_DIR, else
# /var/backups/cellboard), oldest first.
#
# BACKUP is a folder path, or a STAMP name under the backup folder. The workers may keep running:
#   the database ($CELLBOARD_DB) is swapped in the way `python -m cellboard backups restore` does
#     (under the write lock, checked first); the file it replaces is kept among the database's own
#     backups, so `python -m cellboard backups list` shows it and `backups restore NAME` undoes this;
#   the accounts store ($CELLBOARD_USERS) is written over through SQLite's online backup, after the
#     current one is copied the same way to accounts.sqlite.before-restore-STAMP beside it. Every
#     session it held ends (everyone signs in again: a restored session may have been ended since),
#     and the audit trail records the restore (accounts_restored).
# Exit 0 done, 1 failed (nothing replaced if the backup is not whole), 2 wrong use.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${CELLBOARD_PYTHON:-$ROOT/.venv/bin/python}
DEST=${CELLBOARD_BACKUP_DIR:-/var/backups/cellboard}
if [ "${1:-}" = "--list" ]; then
    DEST=${2:-$DEST}
    find "$DEST" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z' -printf '%f\n' | sort
    exit 0
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "Dùng / use: $0 BACKUP   (hoặc / or: $0 --list [DEST])" >&2
    exit 2
fi
BACKUP=$1
case "$BACKUP" in */*) ;; *) BACKUP=$DEST/$BACKUP ;; esac
cd "$ROOT"
exec "$PYTHON" - "$BACKUP" <<'PY'
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

from cellboard import auth, private
from cellboard.data import db, store

backup = Path(sys.argv[1])
saved_db, saved_accounts = backup / "cellboard.duckdb", backup / "accounts.sqlite"
missing = [str(p) for p in (saved_db, saved_accounts) if not p.is_file()]
if missing:
    sys.exit(f"Bản sao lưu không đủ / the backup is not whole: thiếu / missing {', '.join(missing)}")
check = sqlite3.connect(saved_accounts)
try:
    if check.execute("pragma integrity_check").fetchone()[0] != "ok":
        sys.exit(f"Bản sao kho tài khoản hỏng / the saved accounts store is damaged: {saved_accounts}")
finally:
    check.close()
store.check_file(saved_db)  # this schema version, opens: else nothing is replaced

database, accounts = db.db_path(), auth.store_path()
with store.draft(database, "restore", source_file=saved_db) as draft:
    replaced = draft.publish()
print(f"Đã khôi phục / restored {database} <- {saved_db}")
if replaced is not None:
    print(f"  Bản bị thay được giữ / the file it replaced is kept: {replaced.name} (backups list)")

stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
if accounts.exists():
    before = accounts.with_name(f"{accounts.name}.before-restore-{stamp}")
    os.close(private.create(before))
    current, copy = sqlite3.connect(accounts, timeout=30), sqlite3.connect(before)
    try:
        current.backup(copy)
    finally:
        copy.close()
        current.close()
    print(f"  Kho tài khoản cũ được giữ / the accounts store it replaced is kept: {before}")
else:
    private.make_dir(accounts.parent)
    os.close(private.create(accounts))
source, live = sqlite3.connect(saved_accounts), sqlite3.connect(accounts, timeout=30)
try:
    source.backup(live)
    has_sessions = live.execute("select 1 from sqlite_master where type = 'table' and name = 'session'").fetchone()
    ended = live.execute("delete from session").rowcount if has_sessions else 0
    live.commit()
    count = live.execute("select count(*) from account").fetchone()[0]
finally:
    live.close()
    source.close()
auth.audit(auth.cli_actor(), "accounts_restored", {"backup": backup.name, "sessions_ended": ended})
print(f"Đã khôi phục / restored {accounts} <- {saved_accounts} ({count} tài khoản / accounts)")
print(f"  {ended} phiên đăng nhập đã kết thúc / sessions ended: mọi người đăng nhập lại / everyone signs in again")
PY
