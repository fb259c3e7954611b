"""Accounts, roles, scopes and the audit trail: the library and the command line.

Over the tiny fixture (tests/fixture.py): province P with communes X1 (cells C1-C3) and X2 (cell C4).
The accounts come from the `accounts_store` fixture (conftest.TEST_ACCOUNTS): admin, province
(standing committee of P), board (organisation board of P), x1 and x2 (communes X1 and X2).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import scopecheck

from cellboard import auth
from cellboard.cli import main
from cellboard.data import db

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


def cli(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- passwords and accounts ----------------------------------------------------------


def test_passwords_are_stored_as_bcrypt_hashes(accounts_store):
    with sqlite3.connect(accounts_store.path) as con:
        hashes = [row[0] for row in con.execute("select password_hash from account")]
    assert len(hashes) == len(accounts_store.accounts)
    assert all(value.startswith("$2b$") for value in hashes)
    assert len(set(hashes)) == len(hashes)  # salted: the same password, different hashes
    assert auth.authenticate("x1", accounts_store.password).reason == "ok"


def test_password_rules():
    for bad in ("short", " leading-space", "trailing-space ", "ư" * 37):  # the last is 74 bytes
        with pytest.raises(auth.AccountError):
            auth.check_new_password(bad)
    auth.check_new_password("đủ-tám-ký-tự")


def test_a_password_over_bcrypts_limit_never_logs_in(accounts_store):
    assert auth.authenticate("x1", accounts_store.password + "x" * 80).reason == "wrong"


def test_account_names_are_checked_and_folded_to_lower_case(accounts_store):
    with pytest.raises(auth.AccountError):
        auth.add_account("bad name!", "commune", "X1", "mat-khau-du-dai", actor="t", data_path=Path("/none"))
    assert auth.authenticate("  X1 ", accounts_store.password).reason == "ok"


def test_cli_add_list_passwd_disable_enable_remove(accounts_store, fixture_db, capsys, monkeypatch):
    code, out, err = cli(
        capsys,
        "users",
        "add",
        "xa1",
        "--role",
        "commune",
        "--unit",
        "X1",
        "--password-stdin",
        "--db",
        str(fixture_db),
        stdin="mat-khau-moi-1\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert auth.authenticate("xa1", "mat-khau-moi-1").reason == "ok"

    code, out, _ = cli(capsys, "users", "list")
    assert code == 0
    line = next(row for row in out.splitlines() if row.startswith("xa1 "))
    assert line.split()[:4] == ["xa1", "commune", "X1", "active"]
    assert "$2b$" not in out

    # without --password-stdin: asked twice with getpass; a mismatch changes nothing
    answers = iter(["mat-khau-thu-hai", "khac-han-di"])
    monkeypatch.setattr(auth.getpass, "getpass", lambda prompt="": next(answers))
    code, _, err = cli(capsys, "users", "passwd", "xa1")
    assert code == 1 and "differ" in err
    answers = iter(["mat-khau-thu-hai", "mat-khau-thu-hai"])
    assert cli(capsys, "users", "passwd", "xa1")[0] == 0
    assert auth.authenticate("xa1", "mat-khau-moi-1").reason == "wrong"
    assert auth.authenticate("xa1", "mat-khau-thu-hai").reason == "ok"

    assert cli(capsys, "users", "disable", "xa1")[0] == 0
    assert auth.authenticate("xa1", "mat-khau-thu-hai").reason == "disabled"
    assert cli(capsys, "users", "enable", "xa1")[0] == 0
    assert auth.authenticate("xa1", "mat-khau-thu-hai").reason == "ok"

    assert cli(capsys, "users", "remove", "xa1")[0] == 0
    assert auth.get_account("xa1") is None
    code, _, err = cli(capsys, "users", "remove", "xa1")
    assert code == 1 and "xa1" in err


def test_cli_checks_the_unit_against_the_database(accounts_store, fixture_db, capsys, monkeypatch):
    def add(name, role, unit):
        return cli(
            capsys,
            "users",
            "add",
            name,
            "--role",
            role,
            "--unit",
            unit,
            "--password-stdin",
            "--db",
            str(fixture_db),
            stdin="mat-khau-moi-1\n",
            monkeypatch=monkeypatch,
        )

    code, _, err = add("ghost", "commune", "NO-SUCH")
    assert code == 1 and "NO-SUCH" in err
    code, _, err = add("cell", "commune", "C1")  # a commune account needs a commune
    assert code == 1 and "C1" in err
    code, _, err = add("prov", "commune", "P")
    assert code == 1
    assert add("sc", "standing_committee", "P")[0] == 0
    assert add("x1b", "commune", "X1")[0] == 0
    code, _, err = add("x1b", "commune", "X1")
    assert code == 1 and "exists" in err
    code, _, err = cli(capsys, "users", "add", "norole", "--unit", "X1")
    assert code == 1 and "--role" in err


def test_cli_without_a_database_takes_the_unit_with_a_note(accounts_store, tmp_path, capsys, monkeypatch):
    code, _, err = cli(
        capsys,
        "users",
        "add",
        "early",
        "--role",
        "commune",
        "--unit",
        "X9",
        "--password-stdin",
        "--db",
        str(tmp_path / "none.duckdb"),
        stdin="mat-khau-moi-1\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and "X9" in err
    assert auth.get_account("early").unit_id == "X9"


def test_the_last_active_administrator_stays(accounts_store):
    with pytest.raises(auth.AccountError):
        auth.remove_account("admin", actor="t")
    with pytest.raises(auth.AccountError):
        auth.set_disabled("admin", True, actor="t")
    auth.add_account("admin2", "admin", None, "mat-khau-moi-1", actor="t", data_path=Path("/none"))
    auth.set_disabled("admin", True, actor="t")
    with pytest.raises(auth.AccountError):
        auth.remove_account("admin2", actor="t")


def test_the_first_start_creates_an_administrator_and_prints_no_password(tmp_path, monkeypatch, capsys):
    # A server's output goes to logs: the first start makes `admin` with no password yet and says
    # how to set one (the one-time password on a terminal: tests/test_private_files.py).
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "store.sqlite"))
    assert auth.ensure_admin() is True
    printed = capsys.readouterr()
    assert printed.out == ""
    assert auth.SET_FIRST_PASSWORD in printed.err and "«admin»" in printed.err
    assert auth.first_admin_pending()
    assert auth.ensure_admin() is False
    assert capsys.readouterr() == ("", "")  # said once
    with sqlite3.connect(tmp_path / "store.sqlite") as con:
        assert con.execute("select name, role, password_hash from account").fetchall() == [
            ("admin", "admin", "!")
        ]
    assert [auth.authenticate("admin", guess).reason for guess in ("!", "")] == [
        "wrong",
        "wrong",
    ]  # none opens it
    code, out, _ = cli(
        capsys,
        "users",
        "passwd",
        "admin",
        "--password-stdin",
        stdin="mat-khau-dau-tien\n",
        monkeypatch=monkeypatch,
    )
    assert (code, out) == (0, "Đã đổi mật khẩu / password changed: admin\n")
    assert auth.first_admin_pending()  # until someone logs in with it
    assert auth.authenticate("admin", "mat-khau-dau-tien").account.role == "admin"
    assert not auth.first_admin_pending()
    assert b"mat-khau-dau-tien" not in (tmp_path / "store.sqlite").read_bytes()
    assert (tmp_path / "store.sqlite").stat().st_mode & 0o777 == 0o600  # readable by its owner only


def test_users_passwd_admin_on_a_new_store_makes_the_first_administrator(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "new" / "store.sqlite"))
    code, out, err = cli(
        capsys,
        "users",
        "passwd",
        "admin",
        "--password-stdin",
        stdin="mat-khau-dau-tien\n",
        monkeypatch=monkeypatch,
    )
    assert (code, out, err) == (0, "Đã tạo tài khoản quản trị / added: admin (admin, *)\n", "")
    assert auth.authenticate("admin", "mat-khau-dau-tien").account.role == "admin"
    # any other name still needs its account
    code, _, err = cli(
        capsys, "users", "passwd", "x9", "--password-stdin", stdin="mat-khau-x9-1\n", monkeypatch=monkeypatch
    )
    assert code == 1 and "x9" in err
    assert [a.name for a in auth.list_accounts()] == ["admin"]


# ---- logins and the lockout ------------------------------------------------------------


def test_five_failures_lock_the_name_for_fifteen_minutes(accounts_store):
    for attempt in range(1, auth.MAX_FAILURES):
        assert auth.authenticate("x1", "wrong-password", now=NOW).reason == "wrong", attempt
    fifth = auth.authenticate("x1", "wrong-password", now=NOW)
    assert fifth.reason == "locked"
    assert fifth.locked_until == NOW + dt.timedelta(minutes=15)
    # the right password does not open a locked account, nor does a restart (the lock is in the store)
    assert (
        auth.authenticate("x1", accounts_store.password, now=NOW + dt.timedelta(minutes=14)).reason
        == "locked"
    )
    assert auth.get_account("x1").locked_until == NOW + dt.timedelta(minutes=15)
    later = NOW + dt.timedelta(minutes=15, seconds=1)
    assert auth.authenticate("x1", accounts_store.password, now=later).reason == "ok"
    assert auth.get_account("x1").locked_until is None


def test_a_lock_that_ran_out_starts_the_count_again(accounts_store):
    for _ in range(auth.MAX_FAILURES):
        auth.authenticate("x2", "wrong-password", now=NOW)
    later = NOW + dt.timedelta(minutes=20)
    assert auth.authenticate("x2", "wrong-password", now=later).reason == "wrong"
    assert auth.authenticate("x2", accounts_store.password, now=later).reason == "ok"


def test_unknown_names_fail_like_wrong_passwords_and_lock_too(accounts_store):
    results = [
        auth.authenticate("nobody", "whatever-it-is", now=NOW).reason for _ in range(auth.MAX_FAILURES)
    ]
    assert results == ["wrong"] * (auth.MAX_FAILURES - 1) + ["locked"]


def test_the_lockout_survives_a_restart(accounts_store):
    for _ in range(auth.MAX_FAILURES):
        auth.authenticate("board", "wrong-password")
    # a new process reads the same store
    listed = subprocess.run(
        [sys.executable, "-m", "cellboard", "users", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "locked until" in next(line for line in listed.splitlines() if line.startswith("board "))
    assert auth.authenticate("board", accounts_store.password).reason == "locked"
    auth.set_password("board", "mat-khau-moi-1", actor="admin")  # an administrator's reset lifts it
    assert auth.authenticate("board", "mat-khau-moi-1").reason == "ok"


def test_changing_ones_own_password_needs_the_current_one(accounts_store):
    with pytest.raises(auth.AccountError):
        auth.change_own_password("x1", "not-the-password", "mat-khau-moi-1")
    before = auth.get_account("x1").version
    changed = auth.change_own_password("x1", accounts_store.password, "mat-khau-moi-1")
    assert changed.version == before + 1  # other sessions of the account end
    assert auth.authenticate("x1", "mat-khau-moi-1").reason == "ok"


# ---- the audit trail ---------------------------------------------------------------------


def test_logins_and_account_changes_are_audited(accounts_store):
    auth.authenticate("x1", "wrong-password")
    auth.authenticate("x1", accounts_store.password)
    auth.set_disabled("x2", True, actor="admin")
    rows = auth.audit_log(limit=3)
    assert [(r["account"], r["action"]) for r in rows] == [
        ("admin", "account_disable"),
        ("x1", "login"),
        ("x1", "login_failed"),
    ]
    assert rows[0]["details"] == {"name": "x2"}
    assert rows[2]["details"] == {"failures": 1, "reason": "wrong_password"}
    assert rows[1]["at"].tzinfo is not None


def test_the_audit_table_is_append_only(accounts_store):
    auth.audit("x1", "download", {"file": "a.csv"})
    with sqlite3.connect(accounts_store.path) as con:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("update audit set account = 'someone else'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("delete from audit")


def test_cli_audit_lists_the_trail(accounts_store, capsys):
    auth.audit("x1", "report", {"unit": "X1", "start": "2025-01-01"})
    code, out, _ = cli(capsys, "users", "audit", "--limit", "1")
    assert code == 0
    when, account, action, details = out.strip().split("\t")
    assert (account, action, json.loads(details)) == ("x1", "report", {"start": "2025-01-01", "unit": "X1"})


def test_no_plain_password_on_disk(accounts_store, fixture_db, tmp_path, capsys, monkeypatch):
    secret = "bí-mật-không-lộ-" + accounts_store.password[-8:]
    wrong = "sai-bét-" + accounts_store.password[-8:]
    cli(
        capsys,
        "users",
        "add",
        "plain",
        "--role",
        "commune",
        "--unit",
        "X1",
        "--password-stdin",
        "--db",
        str(fixture_db),
        stdin=secret + "\n",
        monkeypatch=monkeypatch,
    )
    auth.authenticate("plain", secret)
    auth.authenticate("plain", wrong)
    auth.change_own_password("plain", secret, secret + "-2")
    code, _, _ = cli(
        capsys, "users", "passwd", "plain", "--password-stdin", stdin=secret + "-3\n", monkeypatch=monkeypatch
    )
    assert code == 0
    places = [accounts_store.path.parent, fixture_db.parent, ROOT / "data"]
    files = [f for place in places for f in place.rglob("*") if f.is_file()]
    assert accounts_store.path in files
    for candidate in (secret, secret + "-2", secret + "-3", wrong, accounts_store.password):
        for encoded in {candidate.encode("utf-8"), candidate.encode("utf-16-le")}:
            assert not [f for f in files if encoded in f.read_bytes()], candidate


# ---- roles: pages and scope ----------------------------------------------------------------


def test_pages_by_role():
    pages = scopecheck.dashboard_pages()
    paths = [entry[0] for entry in pages]
    assert "pages/accounts.py" in paths and "pages/data.py" in paths and "pages/password.py" in paths
    allowed = {role: {entry[0] for entry in auth.pages_for(role, pages)} for role in auth.ROLES}
    assert allowed["admin"] == set(paths)
    # a commune's monthly submission is not the standing committee's; the opinions' answers are not
    # a commune's (tests/test_department_role.py: every role on the write path's pages)
    assert allowed["organisation_board"] == set(paths) - {"pages/accounts.py"}
    assert allowed["standing_committee"] == set(paths) - {"pages/accounts.py", "pages/month.py"}
    assert allowed["commune"] == set(paths) - {"pages/accounts.py", "pages/data.py", "pages/answers.py"}
    assert allowed["department"] == {"pages/answers.py", "pages/password.py"}
    assert all("pages/password.py" in pages for pages in allowed.values())


def test_scopes(accounts_store):
    assert auth.scope_for_account("admin") == db.Scope(root=None, names=True, account="admin")
    assert auth.scope_for_account("province") == db.Scope(root="P", names=True, account="province")
    assert auth.scope_for_account("board").root == "P"
    assert auth.scope_for_account("x1") == db.Scope(root="X1", names=True, account="x1")
    with pytest.raises(auth.AccountError):
        auth.scope_for_account("nobody")
    auth.set_disabled("x2", True, actor="admin")
    with pytest.raises(auth.AccountError):
        auth.scope_for_account("x2")


# ---- `query --as`: every named query, every account --------------------------------------


def csv_of(frame) -> str:
    from cellboard import export

    return export.to_csv(frame)


@pytest.mark.parametrize("name", db.query_names())
def test_query_as_a_commune_gives_exactly_its_communes_rows(name, accounts_store, fixture_db, capsys):
    params = scopecheck.params_for(name)
    args = ["query", name, "--db", str(fixture_db), "--as", "x1"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    code, out, err = cli(capsys, *args)
    if "unit" not in db.query_params(name) and name not in db.UNSCOPED_QUERIES:
        assert (code, out) == (1, "")  # it covers the whole tree: refused
        assert "Refused: the whole tree" in err
        return
    assert code == 0, err
    with_unit = {**params, "unit": "X1"} if "unit" in db.query_params(name) else params
    assert out == csv_of(db.run(name, with_unit, path=fixture_db))  # as an administrator asking for X1
    assert (
        scopecheck.leaks(db.run(name, params, path=fixture_db, scope=auth.scope_for_account("x1")), "x1")
        == []
    )


@pytest.mark.parametrize("name", [n for n in db.query_names() if "unit" in db.query_params(n)])
@pytest.mark.parametrize("unit", ["X2", "C4", "P", "", "NO-SUCH"])
def test_query_as_a_commune_refuses_other_units_and_the_whole_tree(
    name, unit, accounts_store, fixture_db, capsys
):
    args = ["query", name, "--db", str(fixture_db), "--as", "x1", "--param", f"unit={unit}"]
    for key, value in scopecheck.params_for(name).items():
        args += ["--param", f"{key}={value}"]
    code, out, err = cli(capsys, *args)
    assert code == 1
    assert out == ""
    assert "Từ chối" in err and "Refused" in err


@pytest.mark.parametrize("name", db.query_names())
@pytest.mark.parametrize("account", ["x1", "x2"])
def test_no_query_gives_a_commune_another_communes_rows_whatever_the_parameters(
    name, account, accounts_store, fixture_db
):
    """Every parameter that names a unit, cell, person or opinion is set to one of the other commune's."""
    scope = auth.scope_for_account(account)
    for params in scopecheck.hostile_params(name, account):
        try:
            frame = db.run(name, params, path=fixture_db, scope=scope)
        except db.OutOfScope:
            continue
        assert scopecheck.leaks(frame, account) == [], params


def test_query_as_a_standing_committee_sees_its_subtree(accounts_store, fixture_db, capsys):
    code, out, _ = cli(capsys, "query", "unit_tree", "--db", str(fixture_db), "--as", "province")
    assert code == 0
    assert out == csv_of(db.run("unit_tree", {}, path=fixture_db))
    code, out, err = cli(
        capsys, "query", "unit_tree", "--db", str(fixture_db), "--as", "province", "--param", "unit="
    )
    assert code == 1 and out == ""  # asking for the whole tree is refused to every scoped account


def test_query_as_an_administrator_may_ask_for_the_whole_tree(accounts_store, fixture_db, capsys):
    code, out, _ = cli(
        capsys, "query", "unit_tree", "--db", str(fixture_db), "--as", "admin", "--param", "unit="
    )
    assert code == 0
    assert out == csv_of(db.run("unit_tree", {}, path=fixture_db))


def test_query_as_an_unknown_or_disabled_account_is_refused(accounts_store, fixture_db, capsys):
    code, out, err = cli(capsys, "query", "unit_tree", "--db", str(fixture_db), "--as", "nobody")
    assert code == 1 and out == "" and "nobody" in err
    auth.set_disabled("x1", True, actor="admin")
    code, out, err = cli(capsys, "query", "unit_tree", "--db", str(fixture_db), "--as", "x1")
    assert code == 1 and out == ""


def test_query_as_is_audited(accounts_store, fixture_db, capsys):
    cli(
        capsys,
        "query",
        "participation_trend",
        "--db",
        str(fixture_db),
        "--as",
        "x1",
        "--param",
        "start=2025-01-01",
        "--param",
        "end=2025-02-28",
    )
    row = auth.audit_log(limit=1)[0]
    assert (row["account"], row["action"]) == ("x1", "query")
    assert row["details"]["query"] == "participation_trend"
    assert row["details"]["params"] == {"start": "2025-01-01", "end": "2025-02-28"}


def test_query_as_runs_as_a_process_and_exits_non_zero_when_refused(accounts_store, fixture_db):
    def run(*extra):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "cellboard",
                "query",
                "commune_summary",
                "--db",
                str(fixture_db),
                "--as",
                "x1",
                "--param",
                "start=2025-01-01",
                "--param",
                "end=2025-02-28",
                "--format",
                "json",
                *extra,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    done = run()
    assert done.returncode == 0
    assert [row["commune_id"] for row in json.loads(done.stdout)] == ["X1"]
    refused = run("--param", "unit=X2")
    assert refused.returncode == 1 and refused.stdout == "" and "X2" in refused.stderr


def test_a_scoped_account_cannot_run_a_query_that_ignores_the_scope(
    accounts_store, fixture_db, tmp_path, monkeypatch
):
    # unit_in_scope holds no unit's rows; any other query without $unit (import_history) fails closed
    with pytest.raises(db.OutOfScope):
        db.run("import_history", {}, path=fixture_db, scope=auth.scope_for_account("x1"))
    assert len(db.run("database_info", {}, path=fixture_db, scope=auth.scope_for_account("x1")))
    assert db.run("import_history", {}, path=fixture_db, scope=auth.scope_for_account("admin")).empty


# ---- hardening -------------------------------------------------------------------------------


def test_the_apps_connection_is_read_only_without_external_access(fixture_db, tmp_path):
    con = db.reader(fixture_db)
    try:
        settings = dict(
            con.execute(
                "select name, value from duckdb_settings() "
                "where name in ('enable_external_access', 'lock_configuration')"
            ).fetchall()
        )
        assert settings == {"enable_external_access": "false", "lock_configuration": "true"}
        with pytest.raises(duckdb.Error):
            con.execute("set enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute("create table cellboard.main.intruder (x integer)")
        with pytest.raises(duckdb.Error):
            con.execute("delete from unit")
        (tmp_path / "outside.csv").write_text("a\n1\n")
        with pytest.raises(duckdb.Error):
            con.execute("select * from read_csv($path)", {"path": str(tmp_path / "outside.csv")})
        with pytest.raises(duckdb.Error):
            con.execute("copy unit to $path", {"path": str(tmp_path / "leak.csv")})
    finally:
        con.close()
    assert not (tmp_path / "leak.csv").exists()


def test_streamlit_config_hardening():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 20


def test_no_accounts_store_or_secret_is_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in tracked if f.startswith(("data/accounts", "data/users")) or f.endswith(".sqlite")]
    assert not [f for f in tracked if Path(f).name in ("secrets.toml", ".env")]
    ignored = subprocess.run(["git", "check-ignore", "data/accounts.sqlite"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0


def test_the_leak_check_finds_the_other_communes_data(fixture_db):
    # the checker itself: everything seen unscoped holds X2's opinions, cells and name for x1, X1's for x2
    everything = db.run("opinions_list", scopecheck.params_for("opinions_list"), path=fixture_db)
    assert {"O4", "=1+1 trộm cắp vặt", "Phường Đông Hải", "Chi bộ khu phố 1"} <= set(
        scopecheck.leaks(everything, "x1")
    )
    assert "Chi bộ thôn Đông" in scopecheck.leaks(everything, "x2")
    assert scopecheck.leaks(
        db.run("supervision", scopecheck.params_for("supervision"), path=fixture_db), "x2"
    )


def test_imports_and_reports_are_audited(accounts_store, fixture_db, tmp_path, capsys):
    import kinhmon

    data = tmp_path / "imported.duckdb"
    assert main(["init", "--db", str(data)]) == 0
    assert main(["import", str(kinhmon.write_workbook(tmp_path / "kinhmon.xlsx")), "--db", str(data)]) == 0
    row = auth.audit_log(limit=1)[0]
    assert (row["account"], row["action"]) == (auth.cli_actor(), "import")
    assert row["details"]["files"] == ["kinhmon.xlsx"] and row["details"]["ok"] is True

    out = tmp_path / "review.xlsx"
    args = ["report", "--start", "2025-01-01", "--end", "2025-06-30", "--db", str(fixture_db), "--out", str(out)]  # fmt: skip
    assert main([*args, "--as", "x1"]) == 0
    row = auth.audit_log(limit=1)[0]
    assert (row["account"], row["action"]) == ("x1", "report")
    assert row["details"]["scope"] == "X1" and row["details"]["by"] == auth.cli_actor()
    leaked = scopecheck.leaks_in(scopecheck.download_strings(out.read_bytes(), out.name), "x1")
    assert leaked == []
    assert main([*args, "--as", "x1", "--unit", "X2"]) != 0  # another commune: refused
    capsys.readouterr()
