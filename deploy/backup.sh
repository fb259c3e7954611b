#!/bin/bash
# deploy/backup.sh [DEST] — one backup of cellboard's two stores, kept CELLBOARD_BACKUP_DAYS days.
#
# Into DEST (else $CELLBOARD_BACKUP_DIR, else /var/backups/cellboard) it writes one folder per run,
# STAMP = YYYYmmddTHHMMSSZ (UTC, so names sort by age), made under a temporary name and renamed
# when whole:
#   STAMP/cellboard.duckdb   the database ($CELLBOARD_DB), copied under its write lock, as cellboard's
#                            own backups are (cellboard/data/store.py: no import swaps it meanwhile),
#                            then opened and checked like any new file
#   STAMP/accounts.sqlite    the accounts store ($CELLBOARD_USERS) through SQLite's online backup
#                            (consistent while the workers log people in), then integrity-checked
# and removes the folders older than CELLBOARD_BACKUP_DAYS days (default 14; the newest is always
# kept). Everything it makes is its owner's only (0700 folders, 0600 files). It prints what it did
# (paths, sizes, row counts), never a password hash, token or secret. Exit 0 done, 1 failed.
# deploy/restore.sh puts a backup back. cellboard-backup.timer runs this every night.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${CELLBOARD_PYTHON:-$ROOT/.venv/bin/python}
DEST=${1:-${CELLBOARD_BACKUP_DIR:-/var/backups/cellboard}}
DAYS=${CELLBOARD_BACKUP_DAYS:-14}
cd "$ROOT"
exec "$PYTHON" - "$DEST" "$DAYS" <<'PY'
import datetime as dt
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

from cellboard import auth, private
from cellboard.data import db, store

dest, days = Path(sys.argv[1]), int(sys.argv[2])
if days < 1:
    sys.exit("CELLBOARD_BACKUP_DAYS phải ≥ 1 / must be at least 1")
database, accounts = db.db_path(), auth.store_path()
for needed in (database, accounts):
    if not needed.is_file():
        sys.exit(f"Không có tệp / no such file: {needed}")
now = dt.datetime.now(dt.UTC)
stamp = f"{now:%Y%m%dT%H%M%SZ}"
private.make_dir(dest)
work = dest / f".{stamp}.partial"
shutil.rmtree(work, ignore_errors=True)
private.make_dir(work)
try:
    copy = work / "cellboard.duckdb"
    with store.locked(database):
        private.copy_file(database, copy)
    store.check_file(copy)  # opens, with this schema version (a WriteError says why not)

    kept = work / "accounts.sqlite"
    os.close(private.create(kept))
    source = sqlite3.connect(accounts, timeout=30)
    target = sqlite3.connect(kept)
    try:
        source.backup(target)
        if target.execute("pragma integrity_check").fetchone()[0] != "ok":
            sys.exit(f"Bản sao kho tài khoản hỏng / the accounts copy is damaged: {kept}")
        accounts_count = target.execute("select count(*) from account").fetchone()[0]
    finally:
        target.close()
        source.close()
    final = dest / stamp
    os.replace(work, final)
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f"Đã sao lưu / backed up: {final}")
print(f"  {database} -> cellboard.duckdb ({(final / 'cellboard.duckdb').stat().st_size / 2**20:.1f} MiB)")
print(f"  {accounts} -> accounts.sqlite ({accounts_count} tài khoản / accounts)")

pattern = re.compile(r"\d{8}T\d{6}Z")
cutoff = now - dt.timedelta(days=days)
for old in sorted(p for p in dest.iterdir() if p.is_dir() and pattern.fullmatch(p.name)):
    made = dt.datetime.strptime(old.name, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    if old != final and made < cutoff:
        shutil.rmtree(old)
        print(f"  Đã xoá bản cũ hơn {days} ngày / removed, older than {days} days: {old.name}")
PY
