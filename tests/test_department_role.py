"""The role `department` (issue 14): the accounts store's step 3, the command line, the pages the
role may open, its scope, the query `departments` and the Accounts page's department picker.

Over the tiny fixture (tests/fixture.py): province P with communes X1 (cells C1-C3) and X2 (cell
C4). Its opinions name the departments X1 "Phòng Kinh tế", X2 "Công an phường" and X2 "Phòng Kinh
tế" (each at its opinion's commune); `with_province_departments` adds three at P ("Ban Dân vận",
"Đoàn Thanh niên", "Phòng Kinh tế"): Vietnamese order puts Đ after D and before P, where a plain
code-point sort would put it after V.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import duckdb
import fixture
import pandas as pd
import pytest
import scopecheck

from cellboard import auth, sessions, settings, text
from cellboard.app import web
from cellboard.data import db, store
from cellboard.text import VI

ROOT = Path(__file__).resolve().parent.parent
PAGES = [entry[0] for entry in scopecheck.dashboard_pages()]
NEW_PAGES = ("pages/answers.py", "pages/month.py", "pages/corrections.py")
PASSWORD = "mat-khau-phong-ban-1"


@pytest.fixture(scope="module")
def departments_db(tmp_path_factory) -> Path:
    """The fixture with the departments its opinions name, and three at the province."""
    tables = fixture.tables()
    tables["department"] = pd.DataFrame(
        [
            ("X1", "Phòng Kinh tế"),
            ("X2", "Công an phường"),
            ("X2", "Phòng Kinh tế"),
            ("P", "Ban Dân vận"),
            ("P", "Đoàn Thanh niên"),
            ("P", "Phòng Kinh tế"),
        ],
        columns=["unit_id", "name"],
        dtype=object,
    )
    path = tmp_path_factory.mktemp("departments") / "departments.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def test_the_fixture_names_the_departments_of_its_opinions(fixture_db):
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        assert con.execute("select unit_id, name from department order by unit_id, name").fetchall() == [
            ("X1", "Phòng Kinh tế"),
            ("X2", "Công an phường"),
            ("X2", "Phòng Kinh tế"),
        ]
    finally:
        con.close()


# ---- the store: step 3 --------------------------------------------------------------------------


def _store_at_version_2(path: Path) -> None:
    """A store as the code before step 3 made it (steps 1 and 2 only), with an account of each kind
    of row: accounts, a lock, a session, audit rows."""
    with sqlite3.connect(path, isolation_level=None) as con:
        for _number, statements in auth.STEPS[:2]:
            for statement in statements:
                con.execute(statement)
        con.executemany(
            "insert into account (name, role, unit_id, password_hash, disabled, version, created_at, "
            "password_changed_at, last_login) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("admin", "admin", None, auth.hash_password(PASSWORD), 0, 1, "2025-01-01T00:00:00+00:00",
                 "2025-01-01T00:00:00+00:00", "2025-03-01T08:00:00+00:00"),
                ("cu", "commune", "X1", auth.hash_password(PASSWORD), 1, 4, "2025-01-02T00:00:00+00:00",
                 None, None),
            ],
        )  # fmt: skip
        con.execute("insert into login_failure values ('cu', 2, null)")
        con.execute(
            "insert into session (token_hash, account, version, created_at, last_seen, ended) values (?, ?, ?, ?, ?, ?)",
            (settings.token_digest("the-old-token"), "admin", 1, "2099-01-01T00:00:00+00:00",
             "2099-01-01T00:00:00+00:00", None),
        )  # fmt: skip
        con.executemany(
            "insert into audit (at, account, action, details) values (?, ?, ?, ?)",
            [
                ("2025-01-02T00:00:00+00:00", "admin", "account_add", '{"name": "cu"}'),
                ("2025-03-01T08:00:00+00:00", "admin", "login", "{}"),
            ],
        )
        assert con.execute("pragma user_version").fetchone() == (2,)


# Each table's rows, every column step 2 had, in a fixed order (the statements written out: no SQL is
# built from text)
ROWS = {
    "account": "select name, role, unit_id, password_hash, disabled, version, created_at, "
    "password_changed_at, last_login from account order by name",
    "session": "select token_hash, account, version, created_at, last_seen, ended from session order by 1",
    "audit": "select id, at, account, action, details from audit order by id",
    "login_failure": "select name, failures, locked_until from login_failure order by name",
}


def _rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute(ROWS[table]).fetchall()


def test_a_store_at_version_2_migrates_to_3_keeping_every_account_session_and_audit_row(tmp_path):
    path = tmp_path / "v2.sqlite"
    _store_at_version_2(path)
    before = {table: _rows(path, table) for table in ROWS}
    assert len(before["account"]) == 2 and len(before["session"]) == 1 and len(before["audit"]) == 2

    assert auth.migrate(path) == 3
    with sqlite3.connect(path) as con:
        assert con.execute("pragma user_version").fetchone() == (3,)
        assert [c[1] for c in con.execute("pragma table_info(account)")] == [
            "name",
            "role",
            "unit_id",
            "password_hash",
            "disabled",
            "version",
            "created_at",
            "password_changed_at",
            "last_login",
            "department",
        ]
        assert con.execute("select name, department from account order by name").fetchall() == [
            ("admin", None),
            ("cu", None),
        ]
        assert con.execute("select name from sqlite_master where name like 'account_new%'").fetchall() == []
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("delete from audit")  # the audit's triggers are untouched
    assert {table: _rows(path, table) for table in before} == before
    assert auth.migrate(path) == 3  # again: nothing to do

    # the accounts read as before, with no department; the session made before still holds
    admin = auth.get_account("admin", path=path)
    assert (admin.role, admin.unit_id, admin.department, admin.version) == ("admin", None, None, 1)
    cu = auth.get_account("cu", path=path)
    assert (cu.role, cu.unit_id, cu.department, cu.disabled, cu.version) == ("commune", "X1", None, True, 4)
    checked = sessions.check("the-old-token", path=path)
    assert checked.reason is None and checked.account.name == "admin" and checked.account.department is None
    assert auth.authenticate("admin", PASSWORD, path=path).reason == "ok"


def test_the_store_refuses_a_department_account_without_its_department_and_any_other_with_one(tmp_path):
    path = tmp_path / "new.sqlite"
    auth.migrate(path)
    insert = (
        "insert into account (name, role, unit_id, department, password_hash, created_at) "
        "values (?, ?, ?, ?, '!', '2026-01-01T00:00:00+00:00')"
    )
    with sqlite3.connect(path) as con:
        con.execute(insert, ("kt", "department", "X1", "Phòng Kinh tế"))
        for bad in [
            ("a", "department", "X1", None),
            ("b", "department", "X1", "  "),
            ("c", "department", None, "Phòng Kinh tế"),
            ("d", "commune", "X1", "Phòng Kinh tế"),
            ("e", "admin", None, "Phòng Kinh tế"),
            ("f", "secretary", "X1", None),
        ]:
            with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
                con.execute(insert, bad)
        assert con.execute("select name, role, unit_id, department from account").fetchall() == [
            ("kt", "department", "X1", "Phòng Kinh tế")
        ]


# ---- the command line -------------------------------------------------------------------------------


def users(tmp_path: Path, database: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    env = {
        **os.environ,
        "CELLBOARD_USERS": str(tmp_path / "accounts.sqlite"),
        "CELLBOARD_BCRYPT_ROUNDS": "4",
        "CELLBOARD_SECRETS": str(tmp_path / "secrets.toml"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cellboard", "users", *argv, "--db", str(database)],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def test_users_add_and_list_a_department_account(tmp_path, departments_db, monkeypatch):
    # typed with spaces around it and decomposed (NFD): found as the table keeps it (NFC)
    typed = "  " + unicodedata.normalize("NFD", "Phòng Kinh tế") + " "
    assert typed.strip() != "Phòng Kinh tế"
    code, out, err = users(
        tmp_path,
        departments_db,
        "add",
        "kt.x2",
        "--role",
        "department",
        "--unit",
        "X2",
        "--department",
        typed,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert (code, err) == (0, "")
    assert out == f"{text.line('cli_account_added')}: kt.x2 (department, X2, Phòng Kinh tế)\n"
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "accounts.sqlite"))
    account = auth.get_account("kt.x2")
    assert (account.role, account.unit_id, account.department) == ("department", "X2", "Phòng Kinh tế")
    assert unicodedata.is_normalized("NFC", account.department)
    assert auth.audit_log(limit=1)[0]["details"] == {
        "name": "kt.x2",
        "role": "department",
        "unit": "X2",
        "department": "Phòng Kinh tế",
    }

    code, out, err = users(tmp_path, departments_db, "add", "x1", "--role", "commune", "--unit", "X1",
                           "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    code, out, err = users(tmp_path, departments_db, "list")
    assert (code, err) == (0, "")
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["name", "role", "unit", "department", "status", "last_login"]
    assert out.splitlines()[1].split("  ")[0] == "kt.x2"
    assert [line[:3] for line in lines[1:]] == [["kt.x2", "department", "X2"], ["x1", "commune", "X1"]]
    assert "Phòng Kinh tế" in out.splitlines()[1] and "Phòng" not in out.splitlines()[2]
    assert [line[-1] for line in lines[1:]] == ["active", "active"]  # never logged in


def no_department_at_x1(name: str) -> str:
    return (
        f"Không có phòng ban «{name}» tại đơn vị «X1» trong cơ sở dữ liệu {{db}}. / "
        f"There is no department «{name}» at unit «X1» in {{db}}."
    )


def only_department_accounts(role: str) -> str:
    return (
        f"Chỉ tài khoản phòng ban mới gắn với một phòng ban (--department); vai trò {role} thì không. / "
        f"Only a department account names a department (--department); role {role} does not."
    )


NEEDS_DEPARTMENT = (
    "Tài khoản phòng ban cần tên phòng ban (--department). / "
    "A department account needs the department's name (--department)."
)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--role", "department", "--unit", "X1", "--department", "Phòng Tài chính"),
            no_department_at_x1("Phòng Tài chính"),
        ),
        (  # a department of another commune
            ("--role", "department", "--unit", "X1", "--department", "Công an phường"),
            no_department_at_x1("Công an phường"),
        ),
        (  # a department of the province serves X1 too, but its account is bound to the province
            ("--role", "department", "--unit", "X1", "--department", "Ban Dân vận"),
            no_department_at_x1("Ban Dân vận"),
        ),
        (("--role", "department", "--unit", "X1"), NEEDS_DEPARTMENT),
        (("--role", "department", "--unit", "X1", "--department", "   "), NEEDS_DEPARTMENT),
        (
            ("--role", "department", "--department", "Phòng Kinh tế"),
            "Cần chỉ rõ đơn vị (--unit). / This role needs a unit (--unit).",
        ),
        (
            ("--role", "commune", "--unit", "X1", "--department", "Phòng Kinh tế"),
            only_department_accounts("commune"),
        ),
        (("--role", "admin", "--department", "Phòng Kinh tế"), only_department_accounts("admin")),
    ],
)
def test_users_add_refuses_a_wrong_department(tmp_path, departments_db, argv, message, monkeypatch):
    code, out, err = users(tmp_path, departments_db, "add", "pb", *argv, "--password-stdin",
                           stdin=PASSWORD + "\n")  # fmt: skip
    assert (code, out) == (1, "")
    assert err == message.format(db=departments_db) + "\n"
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "accounts.sqlite"))
    assert auth.list_accounts() == []


def test_users_add_usage_errors_exit_2(tmp_path, departments_db):
    code, out, err = users(tmp_path, departments_db, "add", "pb", "--role", "phong_ban", "--unit", "X1")
    assert (code, out) == (2, "") and "invalid choice: 'phong_ban'" in err and "department" in err
    code, out, err = users(tmp_path, departments_db, "add", "--role", "department", "--unit", "X1",
                           "--department", "Phòng Kinh tế")  # fmt: skip
    assert (code, out) == (2, "") and err == f"users add {text.line('cli_needs_account_name')}\n"


def test_add_account_checks_the_department_at_the_accounts_unit(departments_db):
    def add_ban_dan_van() -> auth.Account:
        return auth.add_account(
            "ban.dan.van",
            "department",
            "P",
            PASSWORD,
            actor="t",
            data_path=departments_db,
            department="Ban Dân vận",
        )

    added = add_ban_dan_van()
    assert (added.unit_id, added.department) == ("P", "Ban Dân vận")
    assert [a.name for a in auth.list_accounts()] == ["ban.dan.van"]
    with pytest.raises(auth.AccountError, match="Account «ban.dan.van» exists"):
        add_ban_dan_van()
    # without a data database nothing can be checked: the name is kept as typed, trimmed and NFC
    early = auth.add_account(
        "early",
        "department",
        "X9",
        PASSWORD,
        actor="t",
        data_path=Path("/none.duckdb"),
        department=unicodedata.normalize("NFD", " Phòng Văn hóa "),
    )
    assert (early.unit_id, early.department) == ("X9", "Phòng Văn hóa")


# ---- pages, home, scope ---------------------------------------------------------------------------------

MAY_OPEN = {
    # role: (answers, month, corrections)
    "admin": (True, True, True),
    "standing_committee": (True, False, True),
    "organisation_board": (True, True, True),
    "commune": (False, True, True),
    "department": (True, False, False),
}


@pytest.mark.parametrize("role", auth.ROLES)
def test_may_open_the_new_pages(role):
    assert tuple(auth.may_open(role, page) for page in NEW_PAGES) == MAY_OPEN[role]


def test_a_department_opens_only_its_opinions_and_its_password():
    assert set(MAY_OPEN) == set(auth.ROLES)
    assert set(NEW_PAGES) <= set(PAGES)
    assert [page for page in PAGES if auth.may_open("department", page)] == [
        "pages/answers.py",
        "pages/password.py",
    ]
    assert [entry[0] for entry in auth.pages_for("department", scopecheck.dashboard_pages())] == [
        "pages/answers.py",
        "pages/password.py",
    ]
    # the other roles' pages are as before: every page but those kept from them
    assert [page for page in PAGES if not auth.may_open("commune", page)] == [
        "pages/answers.py",
        "pages/data.py",
        "pages/accounts.py",
    ]
    assert [page for page in PAGES if not auth.may_open("standing_committee", page)] == [
        "pages/month.py",
        "pages/accounts.py",
    ]
    assert all(auth.may_open("admin", page) for page in PAGES)


def test_every_role_lands_on_a_page_it_may_open():
    for role in auth.ROLES:
        home = auth.home_page(role) or auth.pages_for(role, scopecheck.dashboard_pages())[0][0]
        assert auth.may_open(role, home), role
    assert auth.home_page("department") == "pages/answers.py"
    assert [auth.home_page(role) for role in auth.ROLES if role != "department"] == [None] * 4
    # the default page is served at /: its own address is sent there
    assert web.home_paths("department") == {"/overview", "/answers"}
    assert web.home_paths("commune") == {"/overview"}


def test_a_department_accounts_scope_is_its_units_subtree_without_names(departments_db):
    account = auth.add_account(
        "kt.x2", "department", "X2", PASSWORD, actor="t", data_path=departments_db, department="Phòng Kinh tế"
    )
    scope = auth.scope_of(account)
    assert scope == db.Scope(root="X2", names=False, account="kt.x2")
    assert auth.scope_for_account("kt.x2") == scope
    # its unit's subtree: X2 and its cell C4, nothing of X1
    tree = db.run("unit_tree", {}, path=departments_db, scope=scope)
    assert list(tree["unit_id"]) == ["X2", "C4"]
    with pytest.raises(db.OutOfScope):
        db.run("unit_tree", {"unit": "X1"}, path=departments_db, scope=scope)


# ---- the query `departments` --------------------------------------------------------------------------------


def departments(path: Path, scope: db.Scope = db.EVERYTHING, **params) -> list[tuple[str, str]]:
    found = db.run("departments", params, path=path, scope=scope)
    assert list(found.columns) == ["unit_id", "name"]
    return list(found.itertuples(index=False, name=None))


def test_departments_lists_the_units_own_and_its_ancestors_in_vietnamese_order(departments_db, fixture_db):
    province = [("P", "Ban Dân vận"), ("P", "Đoàn Thanh niên"), ("P", "Phòng Kinh tế")]
    assert departments(departments_db, unit="P") == province
    # the same name at the commune and at the province: the nearer first
    assert departments(departments_db, unit="X1") == [
        ("P", "Ban Dân vận"),
        ("P", "Đoàn Thanh niên"),
        ("X1", "Phòng Kinh tế"),
        ("P", "Phòng Kinh tế"),
    ]
    expected_x2 = [
        ("P", "Ban Dân vận"),
        ("X2", "Công an phường"),
        ("P", "Đoàn Thanh niên"),
        ("X2", "Phòng Kinh tế"),
        ("P", "Phòng Kinh tế"),
    ]
    assert departments(departments_db, unit="X2") == expected_x2
    assert departments(departments_db, unit="C4") == expected_x2  # a cell: those of its commune and above
    assert departments(departments_db, unit=None) == province  # the whole tree: its top unit's
    # a scoped account: its own root when absent; another commune refused
    scope = db.Scope(root="X2", names=False, account="kt.x2")
    assert departments(departments_db, scope) == expected_x2
    with pytest.raises(db.OutOfScope):
        departments(departments_db, scope, unit="X1")
    # the plain fixture: the departments its opinions name
    assert departments(fixture_db, unit="X2") == [("X2", "Công an phường"), ("X2", "Phòng Kinh tế")]
    assert departments(fixture_db, unit="P") == []


# ---- the app ---------------------------------------------------------------------------------------------------


def test_a_department_account_sees_only_its_pages_and_lands_on_its_opinions(app_on, departments_db):
    auth.add_account(
        "kt.x2", "department", "X2", PASSWORD, actor="t", data_path=departments_db, department="Phòng Kinh tế"
    )
    at = app_on(departments_db, as_account="kt.x2").run()
    assert not at.exception, at.exception
    registered = at._registered_pages.values()
    assert sorted((info["script_path"].rsplit("/", 1)[-1], info["url_pathname"]) for info in registered) == [
        ("answers.py", ""),  # the default page, served at /
        ("password.py", "password"),
    ]
    assert at.title[0].value == VI.t("page_answers")
    with pytest.raises(ValueError):
        at.switch_page("pages/overview.py")
    at.switch_page("pages/password.py").run()
    assert not at.exception


def test_the_accounts_page_adds_a_department_account_from_the_units_departments(app_on, departments_db):
    at = app_on(departments_db).run()
    at.switch_page("pages/accounts.py").run()
    assert not at.exception
    at.selectbox(key="acc_role").set_value("department").run()
    assert VI.t("acct_dept_pick_unit") in [caption.value for caption in at.caption]
    at.selectbox(key="acc_unit").set_value("X1").run()
    picker = at.selectbox(key="acc_department")
    assert picker.options == [
        "Ban Dân vận — Tỉnh Thử Nghiệm",
        "Đoàn Thanh niên — Tỉnh Thử Nghiệm",
        "Phòng Kinh tế — Xã An Bình",
        "Phòng Kinh tế — Tỉnh Thử Nghiệm",
    ]
    picker.set_value(("X1", "Phòng Kinh tế"))
    at.text_input(key="acc_name").input("kt.x1")
    at.text_input(key="acc_password").input(PASSWORD)
    at.text_input(key="acc_again").input(PASSWORD)
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == VI.t("accounts_added", name="kt\\.x1")
    added = auth.get_account("kt.x1")
    assert (added.role, added.unit_id, added.department) == ("department", "X1", "Phòng Kinh tế")

    # a department of the province: the account is bound to the province
    at.selectbox(key="acc_department").set_value(("P", "Đoàn Thanh niên"))
    at.text_input(key="acc_name").input("doan.tn")
    at.text_input(key="acc_password").input(PASSWORD)
    at.text_input(key="acc_again").input(PASSWORD)
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert not at.exception and not at.error
    added = auth.get_account("doan.tn")
    assert (added.role, added.unit_id, added.department) == ("department", "P", "Đoàn Thanh niên")

    listed = at.dataframe[0].value
    shown = dict(zip(listed[VI.t("accounts_name")], listed[VI.t("acct_dept_department")], strict=True))
    assert shown == {
        "admin": "",
        "board": "",
        "doan.tn": "Đoàn Thanh niên",
        "kt.x1": "Phòng Kinh tế",
        "province": "",
        "x1": "",
        "x2": "",
    }
    units = dict(zip(listed[VI.t("accounts_name")], listed[VI.t("accounts_unit")], strict=True))
    assert (units["kt.x1"], units["doan.tn"]) == ("Xã An Bình", "Tỉnh Thử Nghiệm")


def test_the_accounts_page_says_when_a_unit_has_no_department(app_on, fixture_db):
    at = app_on(fixture_db).run()
    at.switch_page("pages/accounts.py").run()
    at.selectbox(key="acc_role").set_value("department")
    at.selectbox(key="acc_unit").set_value("P").run()
    assert not at.exception
    assert VI.t("acct_dept_none") in [caption.value for caption in at.caption]
    assert at.selectbox(key="acc_department").options == []
    at.text_input(key="acc_name").input("khong.co")
    at.text_input(key="acc_password").input(PASSWORD)
    at.text_input(key="acc_again").input(PASSWORD)
    at.button(key="FormSubmitter:account_add-" + VI.t("accounts_add")).click().run()
    assert at.error[0].value == "Tài khoản phòng ban cần tên phòng ban \\(\\-\\-department\\)\\."
    assert auth.get_account("khong.co") is None
