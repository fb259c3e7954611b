"""Accounts, roles, scopes and the audit trail.

The accounts store is a small SQLite file apart from the data (`CELLBOARD_USERS`, default
data/accounts.sqlite, git-ignored). SQLite because the app server and the command line both write
to it (logins, lockouts, audit rows) and SQLite lets several processes take turns on one file;
its triggers keep the audit table append-only. Passwords are kept only as bcrypt hashes. The store
also holds the sessions of signed-in browsers (cellboard/sessions.py); its schema is versioned
(accounts.sql's numbered steps, `migrate`).

Roles (docs/DOMAIN.md): `admin` sees everything and manages accounts; `standing_committee` and
`organisation_board` see their unit's subtree, names included; `commune` sees its commune's
subtree, so only the names of its own members; `department` (a department that answers opinions,
named by the account) sees its unit's subtree without members' names, and opens only its own pages.
Scope is enforced in db.py on every query: `scope_of(account)` is what the app, downloads, reports
and `query --as` pass there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import getpass
import json
import os
import random
import re
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from cellboard import ROOT, private, settings, text
from cellboard.data import db

DEFAULT_STORE = ROOT / "data" / "accounts.sqlite"
ROLES = ("admin", "standing_committee", "organisation_board", "commune", "department")
# each role's name is the message role_<role> (text.coded("role", role))
# Whether a role sees members' names within its subtree. A commune's subtree is its own commune,
# so a commune account sees the names of its own members only. A department sees the opinions of
# its unit's subtree, never members' names.
ROLE_NAMES = {
    "admin": True,
    "standing_committee": True,
    "organisation_board": True,
    "commune": True,
    "department": False,
}
# Pages open to some roles only; every other page in dashboard.PAGES is open to every role but
# those of ROLE_PAGES (what it shows is limited by the scope, not by the page list).
PAGE_ROLES: dict[str, frozenset[str]] = {
    "pages/accounts.py": frozenset({"admin"}),
    "pages/data.py": frozenset({"admin", "standing_committee", "organisation_board"}),
    # the opinions to answer, and the answers given
    "pages/answers.py": frozenset({"admin", "standing_committee", "organisation_board", "department"}),
    # a commune's monthly submission
    "pages/month.py": frozenset({"admin", "organisation_board", "commune"}),
    # corrections to meetings
    "pages/corrections.py": frozenset({"admin", "organisation_board", "standing_committee", "commune"}),
}
# Roles that may open only the pages listed here (and only those of them PAGE_ROLES opens to the
# role): a department has its opinions and its password, none of the dashboard's figures.
ROLE_PAGES: dict[str, frozenset[str]] = {
    "department": frozenset({"pages/answers.py", "pages/password.py"}),
}
# The page a role lands on (served at the root) when it is not the first page of dashboard.PAGES
# it may open; every role's home is a page it may open (tests/test_department_role.py checks it).
HOME_PAGES: dict[str, str] = {"department": "pages/answers.py"}

MAX_FAILURES = 5  # consecutive failed logins before the name is locked
LOCK_MINUTES = 15
# A login takes one of the name's MAX_FAILURES places before its password is checked (_verify), so
# no more than MAX_FAILURES wrong passwords are ever checked before the lock, however many arrive at
# once; a login finding every place taken waits for those in flight (at most WAIT_SECONDS). A place
# still taken ATTEMPT_SECONDS after it was (the process died mid-check) counts as a failure.
ATTEMPT_SECONDS = 30
WAIT_SECONDS = 35
MIN_PASSWORD = 8  # characters
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 refuses longer passwords rather than cut them
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
FIRST_ADMIN = "admin"
NO_PASSWORD = "!"  # the hash of an account whose password is yet to be set: no password matches it
SET_FIRST_PASSWORD = f"python -m cellboard users passwd {FIRST_ADMIN} --password-stdin"


class AccountError(ValueError):
    """An account operation was asked for wrongly (bilingual message)."""


def _rounds() -> int:
    # bcrypt's cost; tests lower it (CELLBOARD_BCRYPT_ROUNDS=4) to stay fast. Clamped to bcrypt's range.
    try:
        return min(31, max(4, int(os.environ.get("CELLBOARD_BCRYPT_ROUNDS", "12"))))
    except ValueError:
        return 12


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    unit_id: str | None
    department: str | None  # the department's name (role department only), as the data spells it
    disabled: bool
    version: int
    created_at: dt.datetime
    last_login: dt.datetime | None
    locked_until: dt.datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    reason: str  # ok, wrong, locked, disabled, busy (attempts in flight did not settle: try again)
    locked_until: dt.datetime | None = None


# ---- the store ---------------------------------------------------------------------

SCHEMA = (Path(__file__).parent / "accounts.sql").read_text(encoding="utf-8")


def store_path(value: str | os.PathLike | None = None) -> Path:
    """The accounts store: the argument, else `CELLBOARD_USERS`, else data/accounts.sqlite."""
    if value:
        return Path(value)
    env = os.environ.get("CELLBOARD_USERS")
    return Path(env) if env else DEFAULT_STORE


# ---- the store's versions ------------------------------------------------------------
# accounts.sql is a list of numbered steps ("-- step N: ..."); a store's `pragma user_version` is
# the last one applied. migrate() runs at start-up (serve.py, the CLI's commands) and on the first
# connection a process makes to a store: each missing step runs in one transaction (begin
# immediate: two processes starting at once take turns, and the second finds the step done), with
# the new user_version written in that same transaction (each step's last statement), so a step is
# applied whole or not at all.
#
# A step that changes what SQLite cannot alter in place is a table rebuild within its one step.
# Step 3 (the write path, issue 14) is one: the role list is a CHECK of `account`, so to add the role
# `department` and its column `department` (the department's name: required for that role, null for
# every other, a CHECK too) it creates `account_new` (step 1's columns, the new CHECKs, the new
# column), copies every account into it (department null), drops `account` and renames
# `account_new` to `account`, then sets user_version 3, all in the step's one transaction. `account`
# has no index or trigger to re-create, and no foreign key names it (sessions, failures and the
# audit name an account by its text), so nothing else was rebuilt and foreign_keys needed no
# switching off; ROLES, ROLE_NAMES, PAGE_ROLES, ROLE_PAGES, HOME_PAGES and the message
# role_department gained the role in the same change. Step 1 is never edited: a new store gets the
# old CHECK from step 1 and the new one from step 3, like every existing store. A later rebuild of
# `account` follows the same recipe with step 3's table as its starting point.

_STEP = re.compile(r"^-- step (\d+):.*$", re.M)


def _statements(script: str) -> list[str]:
    """A script's statements, whole (a trigger's body holds semicolons of its own)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"an unfinished statement in accounts.sql: {pending.strip()[:80]}")
    return statements


def _steps(script: str) -> list[tuple[int, list[str]]]:
    marks = list(_STEP.finditer(script))
    steps = [
        (int(mark.group(1)), _statements(script[mark.end() : ends.start() if ends else len(script)]))
        for mark, ends in zip(marks, [*marks[1:], None], strict=True)
    ]
    for place, (number, statements) in enumerate(steps, start=1):
        # numbered 1, 2, 3, ..., each ending with the version it brings the store to
        assert number == place and statements[-1] == f"pragma user_version = {number};", number
    return steps


STEPS = _steps(SCHEMA)
VERSION = len(STEPS)  # the store's version this code writes and reads


def _version(con: sqlite3.Connection) -> int:
    return con.execute("pragma user_version").fetchone()[0]


def _migrate(con: sqlite3.Connection, path: Path) -> int:
    found = _version(con)
    if found > VERSION:
        raise AccountError(
            f"Kho tài khoản {path} ở phiên bản {found}, mới hơn phiên bản {VERSION} mà chương trình này "
            f"biết: hãy cập nhật cellboard. / The accounts store {path} is at version {found}, newer than "
            f"the version {VERSION} this program knows: update cellboard."
        )
    if con.execute("pragma journal_mode").fetchone()[0] != "wal":
        # readers never wait for a writer, nor a writer for readers; set once, kept in the file
        con.execute("pragma journal_mode = wal")
    for number, statements in STEPS:
        if found >= number:
            continue
        con.execute("begin immediate")
        try:
            found = _version(con)  # another process may have applied it while this one waited
            if found < number:
                for statement in statements:  # the last sets user_version to `number`
                    con.execute(statement)
                found = number
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    return found


def migrate(path: str | os.PathLike | None = None) -> int:
    """Bring the accounts store to this code's version (creating it if missing); -> its version."""
    path = store_path(path)
    with _connect(path) as con:  # a first connection migrates; an earlier one in this process did
        return _migrate(con, path)


_ready: set[tuple[str, int]] = set()  # stores this process has migrated


@contextmanager
def _one_migrating(path: Path) -> Iterator[None]:
    """One process at a time checks and migrates the store (an exclusive flock, released on death).

    Two processes switching a new store to WAL at once get "database is locked" at once: SQLite
    does not wait its busy timeout for that switch.
    """
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextmanager
def _connect(path: Path | None = None, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    path = store_path(path)
    if not path.exists():
        private.make_dir(path.parent)
        # Created readable by its owner only; SQLite's write-ahead log and index take the same mode.
        os.close(private.create(path))
    con = sqlite3.connect(path, timeout=15, isolation_level=None)
    try:
        con.execute("pragma busy_timeout = 15000")
        identity = (str(path.resolve()), os.stat(path).st_ino)
        if identity not in _ready:
            with _one_migrating(path):
                _migrate(con, path)
            _ready.add(identity)
        if write:
            con.execute("begin immediate")
        try:
            yield con
        except BaseException:
            if write:
                con.execute("rollback")
            raise
        if write:
            con.execute("commit")
    finally:
        con.close()


def _now(now: dt.datetime | None = None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else _now(moment).isoformat()


def _moment(text: str | None) -> dt.datetime | None:
    return None if not text else dt.datetime.fromisoformat(text)


def _account(row: sqlite3.Row | tuple, locked_until: str | None = None) -> Account:
    name, role, unit_id, department, disabled, version, created_at, last_login = row
    return Account(
        name=name,
        role=role,
        unit_id=unit_id,
        department=department,
        disabled=bool(disabled),
        version=int(version),
        created_at=_moment(created_at),
        last_login=_moment(last_login),
        locked_until=_moment(locked_until),
    )


# ---- passwords ---------------------------------------------------------------------


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(_rounds())).decode("ascii")


def _matches(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:  # over 72 bytes, or a damaged hash: never a match
        return False


_dummy_hash: str | None = None


def _waste_time(password: str) -> None:
    """Check against a throwaway hash, so an unknown name costs as long as a wrong password."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(12))
    _matches(password, _dummy_hash)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự. / A password needs at least {MIN_PASSWORD} characters."
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise AccountError(
            f"Mật khẩu dài quá {MAX_PASSWORD_BYTES} byte. / A password may be at most {MAX_PASSWORD_BYTES} bytes."
        )
    if password != password.strip():
        raise AccountError(
            "Mật khẩu không được bắt đầu hay kết thúc bằng khoảng trắng. / "
            "A password may not start or end with spaces."
        )


def random_password() -> str:
    return secrets.token_urlsafe(12)


# ---- accounts ----------------------------------------------------------------------


def normalise_name(name: str) -> str:
    return (name or "").strip().lower()


def check_name(name: str) -> str:
    name = normalise_name(name)
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"Tên tài khoản «{name}» không hợp lệ: 2–32 ký tự a-z, 0-9, dấu chấm, gạch dưới, gạch ngang. / "
            f"Account name «{name}» is not valid: 2-32 characters a-z, 0-9, '.', '_', '-'."
        )
    return name


def check_unit(role: str, unit_id: str | None, data_path: Path | None = None) -> str | None:
    """The unit an account of `role` is bound to, checked against the data database if there is one."""
    if role not in ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role}. / Unknown role: {role} ({', '.join(ROLES)}).")
    unit_id = (unit_id or "").strip() or None
    if unit_id is None:
        if role == "admin":
            return None
        raise AccountError("Cần chỉ rõ đơn vị (--unit). / This role needs a unit (--unit).")
    path = db.db_path(data_path)
    if not path.exists():
        return unit_id
    tree = db.run("unit_tree", {"unit": unit_id}, path=path)
    row = tree[tree["unit_id"] == unit_id]
    if row.empty:
        raise AccountError(
            f"Không có đơn vị «{unit_id}» trong cơ sở dữ liệu {path}. / There is no unit «{unit_id}» in {path}."
        )
    kind = row.iloc[0]["kind"]
    if role == "commune" and kind != "commune":
        raise AccountError(
            f"Tài khoản cấp xã phải gắn với một xã, phường; «{unit_id}» là {kind}. / "
            f"A commune account needs a commune; «{unit_id}» is a {kind}."
        )
    return unit_id


def department_name(department: str | None) -> str | None:
    """A department's name as the data database keeps it: trimmed, Unicode NFC (None when empty)."""
    return text.department_name(department) or None


def check_department(
    role: str, unit_id: str | None, department: str | None, data_path: Path | None = None
) -> str | None:
    """The department an account of `role` names: required for role department, where it must be one
    of the data database's departments at the account's unit (when there is a database), and refused
    for every other role. -> its name as the data database spells it (None for other roles)."""
    name = department_name(department)
    if role != "department":
        if name is not None:
            raise AccountError(
                f"Chỉ tài khoản phòng ban mới gắn với một phòng ban (--department); vai trò {role} thì không. / "
                f"Only a department account names a department (--department); role {role} does not."
            )
        return None
    if name is None:
        raise AccountError(
            "Tài khoản phòng ban cần tên phòng ban (--department). / "
            "A department account needs the department's name (--department)."
        )
    path = db.db_path(data_path)
    if unit_id is None or not path.exists():
        return name
    con = db.reader(path)  # read-only, the name bound
    try:
        found = con.execute(
            "select name from department where unit_id = ? and department_name(name) = ?",
            [unit_id, name],
        ).fetchone()
    finally:
        con.close()
    if found is None:
        raise AccountError(
            f"Không có phòng ban «{name}» tại đơn vị «{unit_id}» trong cơ sở dữ liệu {path}. / "
            f"There is no department «{name}» at unit «{unit_id}» in {path}."
        )
    return found[0]


def get_account(name: str, *, path: Path | None = None) -> Account | None:
    with _connect(path) as con:
        row = con.execute(
            "select a.name, a.role, a.unit_id, a.department, a.disabled, a.version, a.created_at, "
            "a.last_login, f.locked_until from account a left join login_failure f on f.name = a.name "
            "where a.name = ?",
            (normalise_name(name),),
        ).fetchone()
    return None if row is None else _account(row[:8], row[8])


def list_accounts(*, path: Path | None = None) -> list[Account]:
    with _connect(path) as con:
        rows = con.execute(
            "select a.name, a.role, a.unit_id, a.department, a.disabled, a.version, a.created_at, "
            "a.last_login, f.locked_until from account a left join login_failure f on f.name = a.name "
            "order by a.name"
        ).fetchall()
    return [_account(row[:8], row[8]) for row in rows]


def _require(con: sqlite3.Connection, name: str) -> tuple:
    row = con.execute("select role, disabled from account where name = ?", (name,)).fetchone()
    if row is None:
        raise AccountError(f"Không có tài khoản «{name}». / There is no account «{name}».")
    return row


def _keeps_an_admin(con: sqlite3.Connection, name: str) -> None:
    others = con.execute(
        "select count(*) from account where role = 'admin' and disabled = 0 and name <> ?", (name,)
    ).fetchone()[0]
    role, disabled = _require(con, name)
    if role == "admin" and not disabled and others == 0:
        raise AccountError(
            "Không thể bỏ quản trị viên cuối cùng còn hoạt động. / The last active administrator cannot be removed "
            "or disabled."
        )


def add_account(
    name: str,
    role: str,
    unit_id: str | None,
    password: str,
    *,
    actor: str,
    path: Path | None = None,
    data_path: Path | None = None,
    now: dt.datetime | None = None,
    department: str | None = None,
) -> Account:
    """A new account; a department account names its department (`department`), no other does."""
    name = check_name(name)
    unit_id = check_unit(role, unit_id, data_path)
    department = check_department(role, unit_id, department, data_path)
    check_new_password(password)
    hashed = hash_password(password)
    with _connect(path, write=True) as con:
        if con.execute("select 1 from account where name = ?", (name,)).fetchone():
            raise AccountError(f"Đã có tài khoản «{name}». / Account «{name}» exists.")
        stamp = _stamp(_now(now))
        con.execute(
            "insert into account (name, role, unit_id, department, password_hash, created_at, "
            "password_changed_at) values (?, ?, ?, ?, ?, ?, ?)",
            (name, role, unit_id, department, hashed, stamp, stamp),
        )
        _clear_failures(con, name)
        details = {"name": name, "role": role, "unit": unit_id}
        if department is not None:
            details["department"] = department
        _audit(con, actor, "account_add", details, now)
    return get_account(name, path=path)


def _end_sessions(
    con: sqlite3.Connection,
    name: str,
    *,
    actor: str,
    reason: str,
    keep: str | None = None,
    audit_none: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """End the account's open sessions but the one whose hash is `keep` (inside a write transaction),
    and bind that one to the account's version now (so a password change leaves it valid). Each is
    marked with the reason, for its browser's next check to say so (sessions.check); audited with the
    count (when there were any, or with `audit_none`). -> how many ended."""
    ended = con.execute(
        "update session set ended = ? where account = ? and ended is null and token_hash is not ?",
        (reason, name, keep),
    ).rowcount
    if keep is not None:
        con.execute(
            "update session set version = (select version from account where name = ?) "
            "where token_hash = ? and account = ?",
            (name, keep, name),
        )
    if ended or audit_none:
        _audit(con, actor, "session_end_all", {"name": name, "reason": reason, "sessions": ended}, now)
    return ended


def _kept(token: str | None) -> str | None:
    """The stored hash of a session token to keep (None: keep none)."""
    if not token:
        return None
    return settings.token_digest(token)


def end_sessions(name: str, *, actor: str, keep: str | None = None, path: Path | None = None) -> int:
    """End every open session of the account but `keep`'s (a token); audited with the count.
    -> how many ended. Each browser is told at its next check (reason "ended")."""
    name = normalise_name(name)
    with _connect(path, write=True) as con:
        _require(con, name)
        return _end_sessions(con, name, actor=actor, reason="logout_all", keep=_kept(keep), audit_none=True)


def remove_account(name: str, *, actor: str, path: Path | None = None) -> None:
    """Remove an account; its sessions end."""
    name = normalise_name(name)
    with _connect(path, write=True) as con:
        _keeps_an_admin(con, name)
        con.execute("delete from account where name = ?", (name,))
        _clear_failures(con, name)
        _audit(con, actor, "account_remove", {"name": name})
        _end_sessions(con, name, actor=actor, reason="account_remove")


def set_password(
    name: str, password: str, *, actor: str, keep: str | None = None, path: Path | None = None
) -> None:
    """A new password (an administrator's reset, or `users passwd`); clears a lockout, ends the
    account's sessions (but `keep`'s: the session token of whoever changes their own)."""
    name = normalise_name(name)
    check_new_password(password)
    hashed = hash_password(password)
    kept = _kept(keep)
    with _connect(path, write=True) as con:
        _require(con, name)
        con.execute(
            "update account set password_hash = ?, password_changed_at = ?, version = version + 1 "
            "where name = ?",
            (hashed, _stamp(_now()), name),
        )
        _clear_failures(con, name)
        action = "password_reset" if actor != name else "password_change"
        _audit(con, actor, action, {"name": name})
        _end_sessions(con, name, actor=actor, reason=action, keep=kept)


def set_disabled(name: str, disabled: bool, *, actor: str, path: Path | None = None) -> None:
    """Disable (its sessions end) or enable an account."""
    name = normalise_name(name)
    with _connect(path, write=True) as con:
        if disabled:
            _keeps_an_admin(con, name)
        else:
            _require(con, name)
            _clear_failures(con, name)
        con.execute(
            "update account set disabled = ?, version = version + 1 where name = ?", (int(disabled), name)
        )
        action = "account_disable" if disabled else "account_enable"
        _audit(con, actor, action, {"name": name})
        _end_sessions(con, name, actor=actor, reason=action)


def change_own_password(
    name: str, current: str, new: str, *, keep: str | None = None, path: Path | None = None
) -> Account:
    """A signed-in user's own change: the current password must match (failures count to the lockout).
    The account's other sessions end; `keep` (this browser's session token) stays valid."""
    check_new_password(new)
    result = _verify(name, current, action="password_change", path=path)
    if result.account is None:
        raise AccountError(
            "Mật khẩu hiện tại không đúng. / The current password is wrong."
            if result.reason != "locked"
            else "Tài khoản đang tạm khóa. / The account is locked for now."
        )
    set_password(name, new, actor=normalise_name(name), keep=keep, path=path)
    return get_account(name, path=path)


# ---- the first administrator ---------------------------------------------------------
# No password is ever printed to a server's output (logs keep it). `make run` on an interactive
# terminal gives the first administrator a one-time password, shown there once
# (first_admin_on_terminal); a server started otherwise makes the account with no password and
# says how to set one (SET_FIRST_PASSWORD, the server kit's way).


def _insert_first_admin(con: sqlite3.Connection, hashed: str, actor: str) -> bool:
    """Make `admin` if the store holds no account (inside a write transaction)."""
    if con.execute("select 1 from account limit 1").fetchone():
        return False  # accounts exist, or another process made the first one meanwhile
    stamp = _stamp(_now())
    con.execute(
        "insert into account (name, role, unit_id, password_hash, created_at, password_changed_at) "
        "values (?, 'admin', null, ?, ?, ?)",
        (FIRST_ADMIN, hashed, stamp, None if hashed == NO_PASSWORD else stamp),
    )
    details = {"name": FIRST_ADMIN, "role": "admin", "first_start": True}
    if hashed == NO_PASSWORD:
        details["password"] = "not_set"
    _audit(con, actor, "account_add", details)
    return True


def ensure_admin(*, path: Path | None = None, out=None) -> bool:
    """On a server's first start with no accounts: make `admin`, with no password yet.

    Prints (to `out`, default stderr) how to set its password, never a password. True when made.
    """
    with _connect(path) as con:
        if con.execute("select 1 from account limit 1").fetchone():
            return False
    with _connect(path, write=True) as con:
        if not _insert_first_admin(con, NO_PASSWORD, "system"):
            return False
    print(
        f"Tài khoản quản trị đầu tiên «{FIRST_ADMIN}» đã được tạo, chưa có mật khẩu. Đặt mật khẩu trên máy "
        f"chủ bằng lệnh: {SET_FIRST_PASSWORD} (hoặc chạy make run trên một cửa sổ dòng lệnh). / "
        f"The first administrator account «{FIRST_ADMIN}» was created with no password. Set it on the "
        f"server with: {SET_FIRST_PASSWORD} (or run make run on a terminal).",
        file=out or sys.stderr,
        flush=True,
    )
    return True


def create_first_admin(password: str, *, actor: str, path: Path | None = None) -> bool:
    """`admin` with this password if the store holds no account yet (`users passwd admin` on a new
    store). True when made."""
    check_new_password(password)
    hashed = hash_password(password)
    with _connect(path, write=True) as con:
        return _insert_first_admin(con, hashed, actor)


def _first_admin_unset(con: sqlite3.Connection) -> bool:
    rows = con.execute("select name, password_hash, last_login from account").fetchall()
    return rows == [(FIRST_ADMIN, NO_PASSWORD, None)]


def first_admin_on_terminal(*, path: Path | None = None, stdin=None, stdout=None) -> str | None:
    """`make run`'s first step: on an interactive terminal, give the first administrator a one-time
    password and show it there, once.

    Only when both stdin and stdout are a terminal (someone is there, and it is not a log) and the
    store holds no account, or only an `admin` whose password was never set. Returns the password
    shown (None when nothing was done).
    """
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    if not (stdin.isatty() and stdout.isatty()):
        return None
    with _connect(path) as con:
        if con.execute("select 1 from account limit 1").fetchone() and not _first_admin_unset(con):
            return None
    password = random_password()
    hashed = hash_password(password)
    with _connect(path, write=True) as con:
        if _first_admin_unset(con):
            con.execute(
                "update account set password_hash = ?, password_changed_at = ?, version = version + 1 "
                "where name = ?",
                (hashed, _stamp(_now()), FIRST_ADMIN),
            )
            _audit(con, cli_actor(), "password_reset", {"name": FIRST_ADMIN, "first_start": True})
        elif not _insert_first_admin(con, hashed, cli_actor()):
            return None
    bar = "=" * 72
    print(
        f"\n{bar}\nTài khoản quản trị đầu tiên / first administrator account:\n"
        f"  tên / name:         {FIRST_ADMIN}\n  mật khẩu / password: {password}\n"
        "Mật khẩu dùng một lần, chỉ hiện lần này: hãy ghi lại, đăng nhập rồi đổi mật khẩu.\n"
        "A one-time password, shown only this once: note it, log in and change it.\n"
        f"{bar}\n",
        file=stdout,
        flush=True,
    )
    return password


def first_admin_pending(*, path: Path | None = None) -> bool:
    """True while the only account is the first `admin` and nobody has logged in with it."""
    with _connect(path) as con:
        rows = con.execute("select name, last_login from account").fetchall()
    return len(rows) == 1 and rows[0][0] == FIRST_ADMIN and rows[0][1] is None


# ---- logging in --------------------------------------------------------------------
# One login is two short write transactions of the accounts store around the bcrypt check:
#   1. _begin_attempt: is the name locked? are all its MAX_FAILURES places taken? If not, take one
#      (a login_attempt row, a failure until proven otherwise) and read the account;
#   2. _settle_attempt: a wrong password turns its place into a failure (the MAX_FAILURES-th locks
#      the name); the right one frees its own place and the failures before it (the count starts again).
# Failures plus attempts in flight never pass MAX_FAILURES, so however many logins arrive at once,
# at most MAX_FAILURES wrong passwords are checked before the lock, and a right password that comes
# after them is refused. Administrators' resets (_clear_failures) free every place.


def _clear_failures(con: sqlite3.Connection, name: str) -> None:
    """Lift the name's lock and forget its failures and attempts in flight (those then count for nothing)."""
    con.execute("delete from login_failure where name = ?", (name,))
    con.execute("delete from login_attempt where name = ?", (name,))


def _current_lock(con: sqlite3.Connection, name: str, now: dt.datetime) -> dt.datetime | None:
    """The name's lock if it holds at `now`; a lock that has run out is lifted and the count starts again."""
    row = con.execute("select locked_until from login_failure where name = ?", (name,)).fetchone()
    until = _moment(row[0]) if row else None
    if until is None or until > now:
        return until
    _clear_failures(con, name)  # nothing was in flight: a lock leaves no place free
    return None


def _count_failures(con: sqlite3.Connection, name: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Record the name's failures (login_failure); the MAX_FAILURES-th locks it. -> (failures, locked until)."""
    failures = con.execute(
        "select count(*) from login_attempt where name = ? and failed = 1", (name,)
    ).fetchone()[0]
    if failures == 0:
        con.execute("delete from login_failure where name = ?", (name,))
        return 0, None
    locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
    con.execute(
        "insert into login_failure (name, failures, locked_until) values (?, ?, ?) "
        "on conflict (name) do update set failures = excluded.failures, locked_until = excluded.locked_until",
        (name, failures, _stamp(locked)),
    )
    return failures, locked


def _begin_attempt(con: sqlite3.Connection, name: str, action: str, now: dt.datetime):
    """-> LoginResult (refused: locked), None (every place taken: wait) or (attempt id, account row)."""
    abandoned = con.execute(
        "update login_attempt set failed = 1 where name = ? and failed = 0 and started_at <= ?",
        (name, _stamp(now - dt.timedelta(seconds=ATTEMPT_SECONDS))),
    ).rowcount
    locked_until = _current_lock(con, name, now)
    if abandoned and locked_until is None:
        failures, locked_until = _count_failures(con, name, now)
        _audit(
            con,
            name,
            action + "_failed",
            {"reason": "unsettled", "attempts": abandoned, "failures": failures},
            now,
        )
    if locked_until is not None:
        _audit(con, name, action + "_failed", {"reason": "locked", "until": locked_until.isoformat()}, now)
        return LoginResult(None, "locked", locked_until)
    taken = con.execute("select count(*) from login_attempt where name = ?", (name,)).fetchone()[0]
    if taken >= MAX_FAILURES:
        return None
    attempt = con.execute(
        "insert into login_attempt (name, started_at) values (?, ?)", (name, _stamp(now))
    ).lastrowid
    row = con.execute(
        "select name, role, unit_id, disabled, version, created_at, last_login, password_hash "
        "from account where name = ?",
        (name,),
    ).fetchone()
    return attempt, row


def _settle_attempt(
    con: sqlite3.Connection, name: str, action: str, attempt: int, checked: tuple | None, matched: bool, now
) -> LoginResult:
    """Count a wrong password, or let the right one in (its own place and those before it freed)."""
    in_flight = con.execute("select 1 from login_attempt where id = ? and failed = 0", (attempt,)).fetchone()
    if matched:
        row = con.execute("select disabled, password_hash from account where name = ?", (name,)).fetchone()
        if in_flight is None or row is None or row[1] != checked[7]:
            # an administrator's reset, or the right password's place timed out, came in between
            con.execute("delete from login_attempt where id = ?", (attempt,))
            _audit(con, name, action + "_failed", {"reason": "superseded"}, now)
            return LoginResult(None, "busy")
        if row[0]:
            con.execute("delete from login_attempt where id = ?", (attempt,))
            _audit(con, name, action + "_failed", {"reason": "disabled"}, now)
            return LoginResult(None, "disabled")
        # its own place, and the failures before it (the count starts again); a login of the same
        # name still being checked keeps its place (two browsers signing in at once both get in)
        con.execute(
            "delete from login_attempt where name = ? and (id = ? or (id < ? and failed = 1))",
            (name, attempt, attempt),
        )
        _count_failures(con, name, now)  # the failures of attempts begun after this one still count
        if action == "login":
            con.execute("update account set last_login = ? where name = ?", (_stamp(now), name))
        _audit(con, name, action, {}, now)
        return LoginResult(None, "ok")
    if in_flight is not None:
        con.execute("update login_attempt set failed = 1 where id = ?", (attempt,))
        failures, locked = _count_failures(con, name, now)
    else:  # a reset or a right password came in between: this attempt counts for nothing
        failures = con.execute(
            "select count(*) from login_attempt where name = ? and failed = 1", (name,)
        ).fetchone()[0]
        locked = _current_lock(con, name, now)
    details = {"reason": "unknown_account" if checked is None else "wrong_password", "failures": failures}
    if locked:
        details["locked_until"] = locked.isoformat()
    _audit(con, name, action + "_failed", details, now)
    return LoginResult(None, "locked" if locked else "wrong", locked)


def _verify(name: str, password: str, *, action: str, path: Path | None, now=None) -> LoginResult:
    name = normalise_name(name)[:64]
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.01
    while True:
        with _connect(path, write=True) as con:
            begun = _begin_attempt(con, name, action, _now(now))
        if begun is not None:
            break
        if time.monotonic() >= deadline:
            audit(name, action + "_failed", {"reason": "busy"}, path=path)
            return LoginResult(None, "busy")
        time.sleep(pause * random.uniform(0.5, 1.5))  # the attempts in flight take a bcrypt check each
        pause = min(pause * 2, 0.1)
    if isinstance(begun, LoginResult):
        return begun
    attempt, row = begun
    if row is None:
        _waste_time(password)
        matched = False
    else:
        matched = _matches(password, row[7])
    with _connect(path, write=True) as con:
        result = _settle_attempt(con, name, action, attempt, row, matched, _now(now))
    if result.reason == "ok":
        return LoginResult(get_account(name, path=path), "ok")
    return result


def authenticate(
    name: str, password: str, *, path: Path | None = None, now: dt.datetime | None = None
) -> LoginResult:
    """Check a login; every attempt is audited; 5 failures in a row lock the name for 15 minutes."""
    return _verify(name, password, action="login", path=path, now=now)


# ---- scope and pages ---------------------------------------------------------------


def scope_of(account: Account) -> db.Scope:
    root = None if account.is_admin else account.unit_id
    if not account.is_admin and root is None:
        raise AccountError(
            f"Tài khoản «{account.name}» chưa gắn đơn vị. / Account «{account.name}» has no unit."
        )
    return db.Scope(root=root, names=ROLE_NAMES[account.role], account=account.name)


def scope_for_account(name: str, *, path: Path | None = None) -> db.Scope:
    """The scope `--as NAME` applies (query, report): refused for unknown or disabled accounts."""
    account = get_account(name, path=path)
    if account is None:
        raise AccountError(f"Không có tài khoản «{name}». / There is no account «{name}».")
    if account.disabled:
        raise AccountError(f"Tài khoản «{name}» đã bị khóa. / Account «{name}» is disabled.")
    return scope_of(account)


def refusal(unit: object, scope: db.Scope) -> str:
    """The message for a unit outside the scope (bilingual, for the command line)."""
    whole = unit is None or unit is db.WHOLE_TREE
    asked_vi, asked_en = (
        ("toàn bộ cây đơn vị", "the whole tree") if whole else (f"đơn vị «{unit}»", f"unit «{unit}»")
    )
    return (
        f"Từ chối: {asked_vi} nằm ngoài phạm vi của tài khoản «{scope.account}» (đơn vị {scope.root} và "
        f"cấp dưới). / Refused: {asked_en} is outside the scope of account «{scope.account}» "
        f"(unit {scope.root} and below)."
    )


def may_open(role: str, page: str) -> bool:
    """May an account of `role` open the page (a path of dashboard.PAGES)?"""
    only = ROLE_PAGES.get(role)
    if only is not None and page not in only:
        return False
    allowed = PAGE_ROLES.get(page)
    return allowed is None or role in allowed


def home_page(role: str) -> str | None:
    """The page a role lands on when it is not the first page of dashboard.PAGES it may open (None:
    that first page, the Overview for every role but department)."""
    return HOME_PAGES.get(role)


def pages_for(role: str, pages: Iterable[Sequence]) -> list:
    """The entries of dashboard.PAGES (path first) that `role` may open."""
    return [entry for entry in pages if may_open(role, entry[0])]


# ---- audit -------------------------------------------------------------------------


def _audit(con: sqlite3.Connection, account: str | None, action: str, details: dict, now=None) -> None:
    con.execute(
        "insert into audit (at, account, action, details) values (?, ?, ?, ?)",
        (
            _stamp(_now(now)),
            account,
            action,
            json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
        ),
    )


def audit(account: str | None, action: str, details: dict | None = None, *, path: Path | None = None) -> None:
    """Append a row to the audit trail: who, when (UTC), what, with which filters."""
    if account is not None and not isinstance(account, str):
        account = str(account)
    with _connect(path, write=True) as con:
        _audit(con, account, action, details or {})


def audit_log(*, limit: int | None = None, path: Path | None = None) -> list[dict]:
    """The audit trail, newest first."""
    with _connect(path) as con:
        rows = con.execute(
            "select id, at, account, action, details from audit order by id desc limit ?",
            (-1 if limit is None else int(limit),),
        ).fetchall()
    return [
        {"id": id_, "at": _moment(at), "account": account, "action": action, "details": json.loads(details)}
        for id_, at, account, action, details in rows
    ]


def cli_actor() -> str:
    """Who acts from the command line: the operating-system user."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


# ---- the command line --------------------------------------------------------------


def _local(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%d/%m/%Y %H:%M")


def _read_password(args: argparse.Namespace, prompt: str) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    first = getpass.getpass(prompt)
    second = getpass.getpass("Nhập lại / again: ")
    if first != second:
        raise AccountError("Hai lần nhập mật khẩu không khớp. / The two passwords differ.")
    return first


def _print_accounts(accounts: list[Account]) -> None:
    now = _now()
    header = ("name", "role", "unit", "department", "status", "last_login")
    rows = []
    for account in accounts:
        status = "disabled" if account.disabled else "active"
        if account.locked_until and account.locked_until > now:
            status += f", locked until {_local(account.locked_until)}"
        rows.append(
            (
                account.name,
                account.role,
                account.unit_id or "*",
                account.department or "",
                status,
                _local(account.last_login),
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())


def cli_users(args: argparse.Namespace) -> int:
    """`python -m cellboard users ACTION [NAME] ...` -> exit code."""
    action = args.action
    needs_name = action in ("add", "remove", "passwd", "disable", "enable", "logout")
    if needs_name and not args.name:
        print(f"users {action} {text.line('cli_needs_account_name')}", file=sys.stderr)
        return 2
    actor = cli_actor()
    try:
        if action == "add":
            if not args.role:
                raise AccountError(
                    f"Cần --role ({', '.join(ROLES)}). / --role is required ({', '.join(ROLES)})."
                )
            name = check_name(args.name)
            department = getattr(args, "department", None)
            unit_id = check_unit(args.role, args.unit, args.db)
            check_department(args.role, unit_id, department, args.db)
            if not db.db_path(args.db).exists() and args.unit:
                print(
                    f"Chú ý: chưa có cơ sở dữ liệu nên chưa kiểm tra được đơn vị «{args.unit}». / "
                    f"Note: no database yet, so unit «{args.unit}» was not checked.",
                    file=sys.stderr,
                )
                typed = department_name(department)
                if typed:
                    print(
                        f"Chú ý: chưa có cơ sở dữ liệu nên chưa kiểm tra được phòng ban «{typed}». / "
                        f"Note: no database yet, so department «{typed}» was not checked.",
                        file=sys.stderr,
                    )
            password = _read_password(args, f"Mật khẩu cho / password for {name}: ")
            account = add_account(
                name, args.role, args.unit, password, actor=actor, data_path=args.db, department=department
            )
            held = ", ".join(value for value in (account.unit_id or "*", account.department) if value)
            print(f"{text.line('cli_account_added')}: {account.name} ({account.role}, {held})")
        elif action == "remove":
            remove_account(args.name, actor=actor)
            print(f"{text.line('cli_account_removed')}: {normalise_name(args.name)}")
        elif action == "passwd":
            name = normalise_name(args.name)
            first = name == FIRST_ADMIN and not list_accounts()  # a new store: this makes `admin`
            if get_account(name) is None and not first:
                raise AccountError(f"Không có tài khoản «{name}». / There is no account «{name}».")
            password = _read_password(args, f"Mật khẩu mới cho / new password for {name}: ")
            if first and create_first_admin(password, actor=actor):
                print(f"{text.line('cli_admin_added')}: {name} (admin, *)")
            else:
                set_password(name, password, actor=actor)
                print(f"{text.line('cli_password_changed')}: {name}")
        elif action in ("disable", "enable"):
            set_disabled(args.name, action == "disable", actor=actor)
            done = (
                text.line("cli_account_disabled") if action == "disable" else text.line("cli_account_enabled")
            )
            print(f"{done}: {args.name}")
        elif action == "logout":
            name = normalise_name(args.name)
            ended = end_sessions(name, actor=actor)
            done = " / ".join(
                text.pair_n("cli_sessions_ended", "cli_sessions_ended_plural", ended, count=ended)
            )
            print(f"{done}: {name}")
        elif action == "list":
            _print_accounts(list_accounts())
        elif action == "audit":
            limit = getattr(args, "limit", None)
            for row in reversed(audit_log(limit=limit)):
                details = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
                print(f"{_local(row['at'])}\t{row['account'] or ''}\t{row['action']}\t{details}")
    except AccountError as bad:
        print(str(bad), file=sys.stderr)
        return 1
    except db.NoDatabase as missing:
        print(f"{text.line('cli_no_database')}: {missing}", file=sys.stderr)
        return 1
    return 0
