"""Sessions that last (issue 13): the settings file, the shared secrets, the sessions of the accounts
store and its versioned migration.

Real SQLite stores, real bcrypt (cost 4, conftest), real processes for the concurrent first start.
Times are given explicitly (`now`), so idle time and lifetime are checked to the second. The accounts
come from the `accounts_store` fixture (conftest.TEST_ACCOUNTS); the secrets file is the run's own
(conftest: CELLBOARD_SECRETS).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import os
import sqlite3
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cellboard import auth, sessions, settings
from cellboard.cli import main

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def at(**delta: float) -> dt.datetime:
    return T0 + dt.timedelta(**delta)


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute(
            "select account, version, created_at, last_seen, ended from session order by created_at, account"
        ).fetchall()


def audited(path: Path, *actions: str) -> list[tuple]:
    """(account, action, details) of the audit rows of those actions, oldest first."""
    return [
        (row["account"], row["action"], row["details"])
        for row in reversed(auth.audit_log(path=path))
        if row["action"] in actions
    ]


SESSION_ACTIONS = ("session_start", "session_end", "session_end_all", "session_expired", "session_ended")


# ---- settings and secrets ----------------------------------------------------------------------


def test_the_committed_settings_file_holds_every_key_at_its_default():
    with (ROOT / "cellboard.toml").open("rb") as file:
        committed = tomllib.load(file)
    defaults = dataclasses.asdict(settings.Settings())
    assert committed == {
        "idle_hours": 8,
        "lifetime_days": 7,
        "seen_every_minutes": 5,
        "https": False,
        "trusted_proxies": ["127.0.0.1", "::1"],
        "workers": 0,
        "table_rows": 200,
    }
    assert {key: tuple(v) if isinstance(v, list) else v for key, v in committed.items()} == defaults
    lines = (ROOT / "cellboard.toml").read_text(encoding="utf-8").splitlines()
    for key in defaults:  # each key has its comment on the line before it
        where = next(n for n, line in enumerate(lines) if line.startswith(f"{key} = "))
        assert lines[where - 1].startswith("# "), key
    assert settings.settings_path() == ROOT / "cellboard.toml"
    assert settings.load() == settings.Settings()


def test_settings_are_read_again_when_the_file_changes_and_checked(tmp_path, monkeypatch):
    path = tmp_path / "serving.toml"
    monkeypatch.setenv("CELLBOARD_SETTINGS", str(path))
    assert settings.load() == settings.Settings()  # no file: the defaults
    path.write_text('idle_hours = 1.5\ntrusted_proxies = ["10.0.0.2"]\nworkers = 3\nhttps = true\n')
    assert settings.load() == settings.Settings(
        idle_hours=1.5, trusted_proxies=("10.0.0.2",), workers=3, https=True
    )
    path.write_text("idle_hours = 2\n")
    assert settings.load().idle_hours == 2.0
    for wrong, message in (
        ("idle_hour = 2\n", "unknown keys: idle_hour"),
        ("idle_hours = 0\n", "«idle_hours» must be a positive number"),
        ('lifetime_days = "7"\n', "«lifetime_days» must be a positive number"),
        ("https = 1\n", "«https» must be true or false"),
        ("workers = -1\n", "«workers» must be a whole number ≥ 0"),
        ('trusted_proxies = "127.0.0.1"\n', "«trusted_proxies» must be a list of addresses"),
        ("idle_hours = \n", "cannot be read"),
    ):
        path.write_text(wrong)
        with pytest.raises(settings.SettingsError) as raised:
            settings.load()
        assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)


def test_a_changed_idle_time_applies_at_the_next_check(accounts_store, tmp_path, monkeypatch):
    token = sessions.start("x1", now=T0)
    path = tmp_path / "serving.toml"
    monkeypatch.setenv("CELLBOARD_SETTINGS", str(path))
    path.write_text("idle_hours = 1\n")
    assert sessions.check(token, now=at(hours=1)).reason is None
    assert sessions.check(token, now=at(hours=2, seconds=1)).reason == "expired"


def secrets_file_modes(path: Path) -> tuple[str, str]:
    return oct(stat.S_IMODE(path.stat().st_mode)), oct(stat.S_IMODE(path.parent.stat().st_mode))


def test_the_secrets_file_is_private_stable_and_rotated(tmp_path, monkeypatch):
    path = tmp_path / "config" / "cellboard" / "secrets.toml"
    monkeypatch.setenv("CELLBOARD_SECRETS", str(path))
    old = os.umask(0o022)  # a permissive umask: the file is its owner's only all the same
    try:
        first = settings.secrets()
    finally:
        os.umask(old)
    assert secrets_file_modes(path) == ("0o600", "0o700")
    assert (len(first.cookie_secret), len(first.session_secret)) == (43, 32)
    assert settings.secrets() == first  # read again, the same
    assert sorted(tomllib.loads(path.read_text())) == ["cookie_secret", "session_secret"]
    assert tomllib.loads(path.read_text())["session_secret"] == first.session_secret.hex()
    assert "…" in repr(first) and first.cookie_secret not in repr(first)
    said = io.StringIO()
    rotated = settings.rotate_secrets(out=said)
    assert (
        "every session has ended" in said.getvalue() and "mọi phiên đăng nhập đã kết thúc" in said.getvalue()
    )
    assert rotated != first and settings.secrets() == rotated
    assert secrets_file_modes(path) == ("0o600", "0o700")
    assert sorted(p.name for p in path.parent.iterdir()) == ["secrets.toml"]  # no candidate left behind
    path.chmod(0o644)  # opened to others: refused, with what to do
    with pytest.raises(settings.SettingsError, match="chmod 600 it, then rotate the secrets"):
        settings.secrets()


FIRST_START = r"""
import sys, time
from pathlib import Path
from cellboard import auth, settings
folder = Path(sys.argv[1])
(folder / f"ready-{sys.argv[2]}").touch()
while len(list(folder.glob("ready-*"))) < 2:  # both imported: start together
    time.sleep(0.001)
found = settings.secrets()
version = auth.migrate()
print(found.cookie_secret, found.session_secret.hex(), version)
"""


def test_two_processes_starting_at_once_agree_on_one_secrets_file_and_migrate_once(tmp_path, monkeypatch):
    env = {
        **os.environ,
        "CELLBOARD_SECRETS": str(tmp_path / "secrets" / "secrets.toml"),
        "CELLBOARD_USERS": str(tmp_path / "accounts" / "accounts.sqlite"),
    }
    started = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_START, str(tmp_path), str(n)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [process.communicate(timeout=120) for process in started]
    assert [process.returncode for process in started] == [0, 0], outputs
    first, second = (out.split() for out, _ in outputs)
    assert first == second and first[2] == "3"
    monkeypatch.setenv("CELLBOARD_SECRETS", env["CELLBOARD_SECRETS"])
    assert settings.secrets().session_secret.hex() == first[1]
    assert secrets_file_modes(tmp_path / "secrets" / "secrets.toml") == ("0o600", "0o700")
    assert sorted(p.name for p in (tmp_path / "secrets").iterdir()) == ["secrets.toml"]
    store = tmp_path / "accounts" / "accounts.sqlite"
    with sqlite3.connect(store) as con:
        assert con.execute("pragma user_version").fetchone() == (3,)
        assert con.execute("pragma journal_mode").fetchone() == ("wal",)


# ---- sessions -------------------------------------------------------------------------------


def test_the_store_keeps_only_an_hmac_of_the_token(accounts_store):
    token = sessions.start("x1", now=T0)
    assert len(token) == 43 and len(__import__("base64").urlsafe_b64decode(token + "=")) == 32  # 256 bits
    with sqlite3.connect(accounts_store.path) as con:
        stored = con.execute("select token_hash from session").fetchall()
    expected = hmac.new(settings.secrets().session_secret, token.encode(), hashlib.sha256).hexdigest()
    assert stored == [(expected,)] and expected != token
    assert token.encode() not in accounts_store.path.read_bytes()
    assert rows(accounts_store.path) == [("x1", 1, T0.isoformat(), T0.isoformat(), None)]
    assert audited(accounts_store.path, *SESSION_ACTIONS) == [("x1", "session_start", {})]


def test_a_session_is_valid_until_it_is_idle_for_eight_hours(accounts_store):
    token = sessions.start("x1", now=T0)
    checked = sessions.check(token, now=at(hours=8))
    assert (checked.reason, checked.account.name, checked.account.role, checked.account.unit_id) == (
        None,
        "x1",
        "commune",
        "X1",
    )
    assert sessions.check(token, now=at(hours=16)).reason is None  # seen at 8 h: idle for 8 h exactly
    assert sessions.check(token, now=at(hours=24, seconds=1)).reason == "expired"
    assert sessions.check(token, now=at(hours=24, seconds=2)).reason == "unknown"  # gone
    assert rows(accounts_store.path) == []
    assert audited(accounts_store.path, *SESSION_ACTIONS) == [
        ("x1", "session_start", {}),
        ("x1", "session_expired", {"reason": "idle"}),  # once, when noticed
    ]


def test_last_seen_is_written_at_most_every_five_minutes(accounts_store):
    token = sessions.start("x1", now=T0)
    seen = []
    for minutes in (1, 4, 5, 6, 9, 11, 12):
        assert sessions.check(token, now=at(minutes=minutes)).reason is None
        seen.append(rows(accounts_store.path)[0][3])
    assert seen == [
        T0.isoformat(),
        T0.isoformat(),
        T0.isoformat(),  # 5 minutes old: not older than 5 minutes
        at(minutes=6).isoformat(),
        at(minutes=6).isoformat(),
        at(minutes=6).isoformat(),  # 5 minutes old again
        at(minutes=12).isoformat(),
    ]


def test_a_session_ends_after_seven_days_however_much_it_is_used(accounts_store):
    token = sessions.start("x1", now=T0)
    for hour in range(7, 7 * 24, 7):
        assert sessions.check(token, now=at(hours=hour)).reason is None
    assert sessions.check(token, now=at(days=7)).reason is None
    assert sessions.check(token, now=at(days=7, seconds=1)).reason == "expired"
    assert audited(accounts_store.path, "session_expired") == [
        ("x1", "session_expired", {"reason": "lifetime"})
    ]


def test_a_forged_token_or_one_under_another_secret_is_unknown(accounts_store, tmp_path, monkeypatch):
    token = sessions.start("x1", now=T0)
    assert sessions.check(None).reason == "missing"
    assert sessions.check("").reason == "missing"
    assert sessions.check(token[:-1] + ("A" if token[-1] != "A" else "B"), now=T0).reason == "unknown"
    assert sessions.check("x" * 5000, now=T0).reason == "unknown"
    # the stored hash itself is no token either
    with sqlite3.connect(accounts_store.path) as con:
        stored = con.execute("select token_hash from session").fetchone()[0]
    assert sessions.check(stored, now=T0).reason == "unknown"
    assert sessions.check(token, now=T0).reason is None
    monkeypatch.setenv("CELLBOARD_SECRETS", str(tmp_path / "rotated" / "secrets.toml"))
    settings.rotate_secrets(out=io.StringIO())  # a new session secret: every session has ended
    assert sessions.check(token, now=T0).reason == "unknown"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(accounts_store):
    here, other, elsewhere = (sessions.start(name, now=T0) for name in ("x1", "x1", "x2"))
    changed = auth.change_own_password("x1", accounts_store.password, "mat-khau-moi-1", keep=here)
    assert changed.version == 2
    valid = sessions.check(here, now=at(minutes=1))
    assert (valid.reason, valid.account.version) == (None, 2)  # bound to the new version
    assert sessions.check(elsewhere, now=at(minutes=1)).reason is None  # another account's
    assert sessions.open_counts(now=at(minutes=1)) == {"x1": 1, "x2": 1}
    assert sessions.check(other, now=at(minutes=1)).reason == "ended"  # told once, then gone
    assert sessions.check(other, now=at(minutes=2)).reason == "unknown"
    assert [entry[1:] for entry in audited(accounts_store.path, *SESSION_ACTIONS, "password_change")] == [
        ("session_start", {}),
        ("session_start", {}),
        ("session_start", {}),
        ("password_change", {}),  # the current password checked
        ("password_change", {"name": "x1"}),
        ("session_end_all", {"name": "x1", "reason": "password_change", "sessions": 1}),
        ("session_ended", {"reason": "password_change"}),
    ]


def test_a_reset_a_disable_or_a_removal_ends_every_session_of_the_account(accounts_store):
    for change, reason in (
        (lambda: auth.set_password("x1", "mat-khau-moi-2", actor="admin"), "password_reset"),
        (lambda: auth.set_disabled("board", True, actor="admin"), "account_disable"),
        (lambda: auth.remove_account("x2", actor="admin"), "account_remove"),
    ):
        name = {"password_reset": "x1", "account_disable": "board", "account_remove": "x2"}[reason]
        tokens = [sessions.start(name, now=T0), sessions.start(name, now=T0)]
        kept = sessions.start("province", now=T0)
        change()
        assert audited(accounts_store.path, "session_end_all")[-1] == (
            "admin",
            "session_end_all",
            {"name": name, "reason": reason, "sessions": 2},
        )
        assert [sessions.check(token, now=at(minutes=1)).reason for token in tokens] == ["ended", "ended"]
        assert sessions.check(kept, now=at(minutes=1)).reason is None
    # a session a change slipped past (its version moved on after it was read) ends at its check
    token = sessions.start("x1", now=T0)
    with sqlite3.connect(accounts_store.path) as con:
        con.execute("update account set version = version + 1 where name = 'x1'")
    assert sessions.check(token, now=at(minutes=1)).reason == "ended"
    assert audited(accounts_store.path, "session_ended")[-1] == ("x1", "session_ended", {"reason": "version"})
    with pytest.raises(auth.AccountError):  # no session for a disabled account
        sessions.start("board", now=T0)


def test_logout_ends_this_session_only(accounts_store):
    one, two = sessions.start("x1", now=T0), sessions.start("x1", now=T0)
    sessions.end(one)
    sessions.end(one)  # again: nothing left to end, nothing audited
    sessions.end("forged-token")
    assert (sessions.check(one, now=T0).reason, sessions.check(two, now=T0).reason) == ("unknown", None)
    assert audited(accounts_store.path, "session_end") == [("x1", "session_end", {"reason": "logout"})]


def test_users_logout_ends_every_session_of_the_account(accounts_store, capsys):
    tokens = [sessions.start("x1", now=T0) for _ in range(3)]
    other = sessions.start("x2", now=T0)
    assert main(["users", "logout", "X1"]) == 0
    out = capsys.readouterr()
    assert (out.out, out.err) == ("Đã kết thúc 3 phiên đăng nhập / 3 sessions ended: x1\n", "")
    assert [sessions.check(token, now=T0).reason for token in tokens] == ["ended"] * 3
    assert sessions.check(other, now=T0).reason is None
    account, action, details = audited(accounts_store.path, "session_end_all")[0]
    assert (account.startswith("cli"), action, details) == (
        True,
        "session_end_all",
        {"name": "x1", "reason": "logout_all", "sessions": 3},
    )
    assert main(["users", "logout", "x1"]) == 0  # none left: said, and audited all the same
    assert capsys.readouterr().out == "Đã kết thúc 0 phiên đăng nhập / 0 sessions ended: x1\n"
    assert len(audited(accounts_store.path, "session_end_all")) == 2
    assert main(["users", "logout", "nobody"]) == 1
    assert "There is no account «nobody»" in capsys.readouterr().err
    assert main(["users", "logout"]) == 2


def test_end_all_keeps_the_session_asked_for_and_the_counts_skip_ended_and_expired(accounts_store):
    here, other = sessions.start("admin", now=T0), sessions.start("admin", now=T0)
    sessions.start("x1", now=at(hours=-9))  # idle for 9 hours by T0
    assert sessions.open_counts(now=T0) == {"admin": 2}
    assert sessions.end_all("admin", actor="admin", keep=here) == 1
    assert sessions.open_counts(now=T0) == {"admin": 1}
    assert (sessions.check(here, now=T0).reason, sessions.check(other, now=T0).reason) == (None, "ended")
    # a login forgets the sessions nobody came back to, audited as expired
    sessions.start("x2", now=T0)
    assert [entry[0] for entry in rows(accounts_store.path)] == ["admin", "x2"]
    assert audited(accounts_store.path, "session_expired") == [
        ("x1", "session_expired", {"reason": "unused", "sessions": 1})
    ]


# ---- the store's versions -----------------------------------------------------------------------


def test_a_store_made_by_the_accounts_sql_before_sessions_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as con:  # as the released code made it: the script on every connection
        con.executescript((ROOT / "tests" / "data" / "accounts_before_sessions.sql").read_text())
        con.execute(
            "insert into account (name, role, unit_id, password_hash, created_at) "
            "values ('cu', 'commune', 'X1', ?, '2025-01-01T00:00:00+00:00')",
            (auth.hash_password("mat-khau-cu-1"),),
        )
        con.execute("insert into login_failure values ('cu', 2, null)")
        con.execute(
            "insert into audit (at, account, action, details) values ('2025-01-02T00:00:00+00:00', 'cu', 'login', '{}')"
        )
    with sqlite3.connect(path) as con:
        assert (
            con.execute("pragma user_version").fetchone(),
            con.execute("pragma journal_mode").fetchone(),
        ) == (
            (0,),
            ("delete",),
        )
    monkeypatch.setenv("CELLBOARD_USERS", str(path))
    assert auth.migrate() == 3
    with sqlite3.connect(path) as con:
        assert con.execute("pragma user_version").fetchone() == (3,)
        assert con.execute("pragma journal_mode").fetchone() == ("wal",)
        assert con.execute("select name, failures from login_failure").fetchall() == [("cu", 2)]
        assert [c[1] for c in con.execute("pragma table_info(session)")] == [
            "token_hash",
            "account",
            "version",
            "created_at",
            "last_seen",
            "ended",
        ]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("delete from audit")  # the triggers are still there
    assert [(r["account"], r["action"]) for r in auth.audit_log()] == [("cu", "login")]
    assert auth.authenticate("cu", "mat-khau-cu-1").reason == "ok"
    token = sessions.start("cu")
    assert sessions.check(token).account.name == "cu"
    assert auth.migrate() == 3  # again: nothing to do
    with sqlite3.connect(path) as con:
        con.execute("pragma user_version = 4")  # a newer program's store
    with pytest.raises(auth.AccountError, match="version 4, newer than the version 3"):
        auth.migrate()


def test_the_steps_are_numbered_and_a_failing_step_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    assert [number for number, _ in auth.STEPS] == [1, 2, 3] and auth.VERSION == 3
    assert [statement.split("(")[0].strip() for statement in auth.STEPS[1][1]] == [
        "create table session",
        "create index session_account on session",
        "pragma user_version = 2;",
    ]
    path = tmp_path / "half.sqlite"
    with sqlite3.connect(path) as con:  # step 1 done; something already named like step 2's index
        for statement in auth.STEPS[0][1]:
            con.execute(statement)
        con.execute("create table session_account (x)")
    with pytest.raises(sqlite3.OperationalError, match="there is already a table named session_account"):
        auth.migrate(path)
    with sqlite3.connect(path) as con:
        assert con.execute("pragma user_version").fetchone() == (1,)
        assert con.execute("select name from sqlite_master where name = 'session'").fetchall() == []


# ---- the pages: the Accounts page ends an account's sessions, a password change keeps this one --------


def test_the_accounts_page_counts_and_ends_an_accounts_sessions(app_on, fixture_db):
    from cellboard.app import ui
    from cellboard.text import VI

    elsewhere = [sessions.start("x1"), sessions.start("x1")]
    other_admin = sessions.start("admin")
    at = app_on(fixture_db).run()  # an administrator, with a session of its own
    at.switch_page("pages/accounts.py").run()
    assert not at.exception
    listed = at.dataframe[0].value
    counts = dict(zip(listed[VI.t("accounts_name")], listed[VI.t("accounts_sessions")], strict=True))
    assert counts == {"admin": 2, "board": 0, "province": 0, "x1": 2, "x2": 0}

    at.selectbox(key="sessions_name").set_value("x1").run()
    assert "2 phiên đang mở" in [caption.value for caption in at.caption]
    at.button(key="sessions_end").click().run()
    assert not at.exception
    assert at.success[0].value == "Đã kết thúc 2 phiên đăng nhập của «x1»."
    assert [sessions.check(token).reason for token in elsewhere] == ["ended", "ended"]

    # their own account: every other session ends, the one in use is kept
    at.selectbox(key="sessions_name").set_value("admin").run()
    assert VI.t("accounts_sessions_own") in [caption.value for caption in at.caption]
    at.button(key="sessions_end").click().run()
    assert at.success[0].value == "Đã kết thúc 1 phiên đăng nhập của «admin»."
    assert sessions.check(other_admin).reason == "ended"
    assert sessions.check(at.session_state[ui.TOKEN_KEY]).account.name == "admin"
    assert [entry[2] for entry in audited(auth.store_path(), "session_end_all")] == [
        {"name": "x1", "reason": "logout_all", "sessions": 2},
        {"name": "admin", "reason": "logout_all", "sessions": 1},
    ]


def test_a_password_change_on_its_page_ends_the_other_sessions_and_keeps_this_one(
    app_on, fixture_db, accounts_store
):
    from cellboard.app import ui
    from cellboard.text import VI

    other = sessions.start("x2")
    at = app_on(fixture_db, as_account="x2").run()
    at.switch_page("pages/password.py").run()
    at.text_input(key="pw_current").input(accounts_store.password)
    at.text_input(key="pw_new").input("mat-khau-moi-1")
    at.text_input(key="pw_again").input("mat-khau-moi-1")
    at.button(key="FormSubmitter:password_form-" + VI.t("password_submit")).click().run()
    assert at.success[0].value == VI.t("password_changed")
    assert sessions.check(other).reason == "ended"
    here = sessions.check(at.session_state[ui.TOKEN_KEY])
    assert (here.reason, here.account.name, here.account.version) == (None, "x2", 2)


def test_the_worker_ports_follow_the_settings(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CELLBOARD_SETTINGS", str(tmp_path / "cellboard.toml"))
    (tmp_path / "cellboard.toml").write_text("workers = 3\n", encoding="utf-8")
    assert settings.main(["worker-ports"]) == 0
    assert capsys.readouterr().out == "8501 8502 8503\n"
    (tmp_path / "cellboard.toml").write_text("workers = 0\n", encoding="utf-8")  # one per core
    assert settings.worker_ports() == list(range(8501, 8501 + os.cpu_count()))
    assert settings.main(["nothing"]) == 2
