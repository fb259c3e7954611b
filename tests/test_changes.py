"""The one write path (cellboard/ingest/changes.py): answers, meetings, corrections and imports alike are
checked by the import's rules and the writer's rights, applied all or nothing, logged row by row, and
meet each other: a later import keeps what people set in the app or is refused with a conflict report."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import fixture
import openpyxl
import pandas as pd
import pytest

from cellboard import auth
from cellboard.data import db, figures, periods, store
from cellboard.ingest import changes, import_files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).resolve().parent / "data" / "example.xlsx"
D = dt.date
ADMIN = changes.Writer("admin", "admin", None)
BOARD = changes.Writer("board", "organisation_board", None)


@pytest.fixture(autouse=True)
def private_accounts_store(tmp_path, monkeypatch):
    """Writes are audited: each test's accounts store of its own."""
    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "accounts.sqlite"))
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")


def cli(*args: object, users: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = None
    if users is not None:
        import os

        env = {**os.environ, "CELLBOARD_USERS": str(users), "CELLBOARD_BCRYPT_ROUNDS": "4"}
    return subprocess.run(
        [sys.executable, "-m", "cellboard", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        input=stdin,
    )


def rows(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = db.reader(path)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def status_of(path: Path, opinion_id: str) -> str:
    listed = db.run(
        "opinions_list", {"start": D(2020, 1, 1), "end": D(2026, 12, 31), "as_of": D(2026, 12, 5)}, path=path
    )
    return listed.set_index("opinion_id").loc[opinion_id, "status"]


@pytest.fixture
def example_db(tmp_path) -> Path:
    """A database built by `init` and the import of the sample district workbook."""
    path = tmp_path / "db.duckdb"
    assert cli("init", "--db", path).returncode == 0
    done = cli("import", EXAMPLE, "--db", path)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


def edited_copy(
    source: Path, target: Path, sheet: str, key: str, changes_by_column: dict[str, object]
) -> Path:
    """The workbook with one row (found by its first key cell) changed."""
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    header_row = next(r for r in ws.iter_rows() if any(c.value in ("opinion_id", "meeting_id") for c in r))
    columns = {c.value: c.column for c in header_row}
    key_column = columns["opinion_id"] if "opinion_id" in columns else columns["meeting_id"]
    for row in ws.iter_rows(min_row=header_row[0].row + 1):
        if row[key_column - 1].value == key:
            for name, value in changes_by_column.items():
                ws.cell(row[0].row, columns[name], value)
    book.save(target)
    return target


# ---- answers ---------------------------------------------------------------------------------------------------


def test_an_answer_changes_the_status_and_the_on_time_figure_at_once_and_is_logged(example_db):
    before = db.run("opinion_response", {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}, path=example_db)
    assert status_of(example_db, "YK-003") == "overdue"
    written = changes.record_answer(
        example_db, BOARD, "YK-003", "answered", on=D(2024, 5, 10), answer="Đã phối hợp xử lý"
    )
    assert written.changed == {"opinion": 1}
    assert status_of(example_db, "YK-003") == "answered_on_time"
    after = db.run("opinion_response", {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}, path=example_db)
    assert int(after["answered_on_time"].sum()) == int(before["answered_on_time"].sum()) + 1
    log = rows(
        example_db,
        "select action, table_name, row_key, before, after from change_log where write_id = $w",
        {"w": written.write_id},
    )
    assert len(log) == 1
    action, table, key, old, new = log[0]
    assert (action, table, key) == ("answered", "opinion", '{"opinion_id":"YK-003"}')
    assert json.loads(old)["answered_on"] is None
    assert (json.loads(new)["answered_on"], json.loads(new)["answer"]) == ("2024-05-10", "Đã phối hợp xử lý")
    events = rows(example_db, "select action, department, answered_on, note, account from opinion_event")
    assert events == [("answered", "Công an huyện", D(2024, 5, 10), "Đã phối hợp xử lý", "board")]
    audit = [e for e in auth.audit_log() if e["action"] == "write_answer"]
    assert audit[0]["details"]["write_id"] == written.write_id and audit[0]["account"] == "board"


def test_handling_sets_no_answer_and_a_forward_charges_the_department_holding_it_when_answered(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    changes.record_answer(path, BOARD, "O4", "handling")
    assert rows(path, "select handling, answered_on from opinion where opinion_id = 'O4'") == [
        ("handling", None)
    ]
    changes.record_answer(path, BOARD, "O4", "forwarded", to="  Phòng Kinh tế ")
    assert rows(path, "select handling, assigned_to from opinion where opinion_id = 'O4'") == [
        ("forwarded", "Phòng Kinh tế")
    ]
    changes.record_answer(path, BOARD, "O4", "answered", on=D(2025, 3, 1), answer="Xong")
    assert rows(path, "select handling, answered_on from opinion where opinion_id = 'O4'") == [
        (None, D(2025, 3, 1))
    ]
    charged = db.run(
        "opinion_response_by_department", {"start": D(2025, 2, 1), "end": D(2025, 2, 28)}, path=path
    )
    by_department = charged.set_index("assigned_to")
    assert "Công an phường" not in by_department.index
    assert int(by_department.loc["Phòng Kinh tế", "opinions"]) == 2  # O3 and the forwarded O4
    history = rows(
        path,
        "select action, from_department, department from opinion_event where opinion_id = 'O4' order by recorded_at",
    )
    assert history == [
        ("handling", None, "Công an phường"),
        ("forwarded", "Công an phường", "Phòng Kinh tế"),
        ("answered", None, "Phòng Kinh tế"),
    ]


def test_answers_follow_the_import_rules_and_the_writers_rights(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    original = path.read_bytes()

    def refused(writer, *args, **kwargs) -> list[tuple]:
        with pytest.raises(changes.Refused) as caught:
            changes.record_answer(path, writer, *args, **kwargs)
        return [(p.column, p.code) for p in caught.value.problems]

    assert refused(BOARD, "O3", "answered", on=D(2025, 2, 1), answer="x") == [
        ("Ngày trả lời", "imp_answered_before_raised")
    ]
    assert refused(BOARD, "O3", "answered", on=dt.date.today() + dt.timedelta(days=1), answer="x")[0][1] == (
        "imp_answered_after_today"
    )
    assert refused(BOARD, "O3", "answered", on=D(2025, 3, 1), answer="x" * 32_768) == [
        ("Nội dung trả lời", "imp_too_long")
    ]
    assert refused(BOARD, "O4", "forwarded", to="Phòng Không Có")[0][1] == "imp_unknown_department"
    department = changes.Writer("ca", "department", "X2", "Công an phường")
    assert refused(department, "O5", "answered", on=D(2024, 2, 1), answer="x") == [
        ("Cơ quan giải quyết", "chg_not_your_opinion")
    ]
    commune = changes.Writer("xa1", "commune", "X1")
    assert refused(commune, "O3", "answered", on=D(2025, 3, 1), answer="x") == [(None, "chg_role_cannot")]
    other_commune = changes.Writer("sc2", "standing_committee", "X2")
    assert refused(other_commune, "O3", "answered", on=D(2025, 3, 1), answer="x") == [
        ("Mã đơn vị", "chg_out_of_scope")
    ]
    assert path.read_bytes() == original  # nothing written by any refusal
    # the department holding it may
    written = changes.record_answer(path, department, "O4", "answered", on=D(2025, 3, 1), answer="Đã xử lý")
    assert written.changed == {"opinion": 1}


# ---- imports meet the edits --------------------------------------------------------------------------------------


def test_reimporting_keeps_answers_and_corrections_and_a_contradicting_workbook_is_refused(
    example_db, tmp_path
):
    answered = changes.record_answer(
        example_db, BOARD, "YK-003", "answered", on=D(2024, 5, 10), answer="Đã xử lý"
    )
    meeting = {
        "meeting_id": "TD-DT-01-2403",
        "cell_id": "TD-DT-01",
        "held_on": D(2024, 3, 5),
        "kind": "regular",
        "topic": "Sinh hoạt thường kỳ tháng 3 (đã sửa)",
        "marks": [{"member_id": "M03", "status": "excused", "reason": "illness"}],
    }
    corrected = changes.save_meeting(example_db, BOARD, meeting)
    assert corrected.changed == {"meeting": 1, "attendance": 1}
    changes.withdraw_meeting(example_db, BOARD, "TD-DT-02-2403", "Nhập nhầm")
    state = rows(example_db, "select count(*) from change_log")

    # the original workbook again: its blanks and its old values clear nothing, and change nothing
    again = import_files([EXAMPLE], example_db)
    assert again.imported, again.report_lines()
    assert rows(example_db, "select answered_on, answer from opinion where opinion_id = 'YK-003'") == [
        (D(2024, 5, 10), "Đã xử lý")
    ]
    assert rows(
        example_db,
        "select status, reason from attendance where meeting_id = 'TD-DT-01-2403' and member_id = 'M03'",
    ) == [("excused", "illness")]
    assert rows(example_db, "select topic from meeting where meeting_id = 'TD-DT-01-2403'") == [
        ("Sinh hoạt thường kỳ tháng 3 (đã sửa)",)
    ]
    assert rows(example_db, "select withdrawn_reason from meeting where meeting_id = 'TD-DT-02-2403'") == [
        ("Nhập nhầm",)
    ]  # a column the workbook does not have is kept too
    assert rows(example_db, "select count(*) from change_log") == state  # only rows that changed are logged

    # a workbook giving that opinion another answer is refused, naming the row and field
    other = edited_copy(
        EXAMPLE,
        tmp_path / "other.xlsx",
        "opinions",
        "YK-003",
        {"answered_on": "01/06/2024", "answer": "Khác"},
    )
    sha = example_db.read_bytes()
    refused = import_files([other], example_db)
    assert not refused.ok
    conflicts = [(p.sheet, p.column, p.code, dict(p.values)["key"]) for p in refused.problems]
    assert conflicts == [
        ("Ý kiến kiến nghị", "Nội dung trả lời", "chg_conflict", '{"opinion_id":"YK-003"}'),
        ("Ý kiến kiến nghị", "Ngày trả lời", "chg_conflict", '{"opinion_id":"YK-003"}'),
    ]
    assert example_db.read_bytes() == sha

    # the command line says the same, exit 1; with --overwrite-edits the workbook wins, and the log says so
    done = cli("import", other, "--db", example_db)
    assert done.returncode == 1 and "--overwrite-edits" in done.stdout
    done = cli("import", other, "--db", example_db, "--overwrite-edits")
    assert done.returncode == 0, done.stdout + done.stderr
    assert rows(example_db, "select answered_on, answer from opinion where opinion_id = 'YK-003'") == [
        (D(2024, 6, 1), "Khác")
    ]
    assert rows(
        example_db,
        "select overwrite from change_log where table_name = 'opinion' order by change_id desc limit 1",
    ) == [(True,)]
    assert rows(example_db, "select field from edited_field where table_name = 'opinion'") == []
    assert answered.write_id != corrected.write_id


def test_a_meeting_moved_to_a_day_after_today_is_refused_by_name(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    original = path.read_bytes()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    meeting = {"meeting_id": "M4", "cell_id": "C2", "held_on": tomorrow, "kind": "regular", "topic": None}
    with pytest.raises(changes.Refused) as caught:
        changes.save_meeting(path, BOARD, meeting)
    assert [(p.column, p.code) for p in caught.value.problems] == [("Ngày họp", "imp_held_after_today")]
    assert path.read_bytes() == original


def test_an_undo_restores_the_values_and_a_withdrawn_meeting_counts_nowhere(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    window = {"start": D(2025, 1, 1), "end": D(2025, 3, 31)}
    base = db.run("commune_summary", window, path=path)
    meeting = {
        "meeting_id": "M4",
        "cell_id": "C2",
        "held_on": D(2025, 1, 15),
        "kind": "regular",
        "topic": None,
        "marks": [{"member_id": "m6", "status": "present"}],
    }
    corrected = changes.save_meeting(path, BOARD, meeting)
    assert rows(path, "select present, absent from meeting_stats where meeting_id = 'M4'") == [(2, 0)]
    changes.undo(path, BOARD, corrected.write_id)
    assert rows(path, "select present, absent from meeting_stats where meeting_id = 'M4'") == [(1, 1)]
    # the correction changed one mark (the meeting's row came unchanged: not logged)
    assert rows(
        path,
        "select table_name, undone_by is not null from change_log where write_id = $w",
        {"w": corrected.write_id},
    ) == [("attendance", True)]
    withdrawn = changes.withdraw_meeting(path, BOARD, "M4", "Nhập trùng")
    assert rows(path, "select count(*) from meeting_stats where meeting_id = 'M4'") == [(0,)]
    assert rows(path, "select withdrawn_reason from meeting where meeting_id = 'M4'") == [("Nhập trùng",)]
    changes.undo(path, BOARD, withdrawn.write_id)
    assert db.run("commune_summary", window, path=path).equals(base)
    with pytest.raises(changes.Refused) as caught:
        changes.undo(path, BOARD, withdrawn.write_id)
    assert [p.code for p in caught.value.problems] == ["chg_nothing_to_undo"]


# ---- a commune's own month, and --as -----------------------------------------------------------------------------


def tiny_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet_rows in sheets.items():
        ws = book.create_sheet(name)
        for row in sheet_rows:
            ws.append(row)
    book.save(path)
    return path


def test_import_as_a_commune_writes_only_its_sheets_and_rows(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    users = tmp_path / "accounts.sqlite"
    add = cli(
        "users",
        "add",
        "xa1",
        "--role",
        "commune",
        "--unit",
        "X1",
        "--password-stdin",
        "--db",
        path,
        users=users,
        stdin="mat-khau-dai-1\n",
    )
    assert add.returncode == 0, add.stdout + add.stderr
    own = tiny_book(
        tmp_path / "own.xlsx",
        {
            "meetings": [["meeting_id", "cell_id", "held_on", "kind"], ["M9", "C1", "2025-03-12", "regular"]],
            "attendance": [
                ["meeting_id", "member_id", "status"],
                ["M9", "m1", "present"],
                ["M9", "m2", "absent"],
            ],
        },
    )
    done = cli("import", own, "--db", path, "--as", "xa1", users=users)
    assert done.returncode == 0, done.stdout + done.stderr
    assert rows(path, "select present, absent from meeting_stats where meeting_id = 'M9'") == [(1, 1)]
    assert rows(path, "select distinct account, os_user is not null, origin from change_log") == [
        ("xa1", True, "import")
    ]

    sha = path.read_bytes()
    foreign = tiny_book(
        tmp_path / "foreign.xlsx",
        {
            "units": [["unit_id", "name", "kind", "parent_id"], ["C9", "Chi bộ mới", "cell", "X1"]],
            "meetings": [
                ["meeting_id", "cell_id", "held_on", "kind"],
                ["M10", "C4", "2025-03-12", "regular"],
            ],
        },
    )
    done = cli("import", foreign, "--db", path, "--as", "xa1", users=users)
    assert done.returncode == 1
    assert "units" in done.stdout and "chg_sheet_not_allowed" not in done.stdout
    result = import_files([foreign], path, writer=changes.Writer("xa1", "commune", "X1", origin="import"))
    assert {(p.sheet, p.row, p.column, p.code) for p in result.problems} == {
        ("units", None, None, "chg_sheet_not_allowed"),
        ("meetings", 2, "cell_id", "chg_out_of_scope"),
    }
    assert path.read_bytes() == sha
    assert cli("import", own, "--db", path, "--as", "nobody", users=users).returncode == 1


def test_answer_on_the_command_line(tmp_path):
    path = fixture.write(tmp_path / "f.duckdb")
    users = tmp_path / "accounts.sqlite"
    assert (
        cli(
            "users",
            "add",
            "tv",
            "--role",
            "standing_committee",
            "--unit",
            "P",
            "--password-stdin",
            "--db",
            path,
            users=users,
            stdin="mat-khau-dai-1\n",
        ).returncode
        == 0
    )
    done = cli(
        "answer", "O3", "--on", "2025-03-01", "--text", "Đã trả lời", "--as", "tv", "--db", path, users=users
    )
    assert done.returncode == 0, done.stderr
    assert rows(path, "select answered_on, answer from opinion where opinion_id = 'O3'") == [
        (D(2025, 3, 1), "Đã trả lời")
    ]
    assert (
        cli("answer", "O4", "--status", "forwarded", "--as", "tv", "--db", path, users=users).returncode == 2
    )
    assert (
        cli(
            "answer", "O4", "--on", "2025-02-31", "--text", "x", "--as", "tv", "--db", path, users=users
        ).returncode
        == 2
    )
    sha = path.read_bytes()
    late = cli("answer", "O6", "--on", "2020-01-01", "--text", "x", "--as", "tv", "--db", path, users=users)
    assert late.returncode == 1 and "Ngày trả lời" in late.stderr and "Traceback" not in late.stderr
    assert path.read_bytes() == sha
    audit = [e for e in auth.audit_log(path=users) if e["action"] == "write_answer"]
    assert [e["details"]["ok"] for e in audit] == [False, True]
    assert all(e["details"]["os_user"] for e in audit)


# ---- demo databases, and a file of the schema before -------------------------------------------------------------


def test_a_demo_takes_a_departments_answer_and_the_reviews_on_time_figure_follows_at_once(tmp_path):
    path = tmp_path / "demo.duckdb"
    done = cli("demo", "--db", path, "--scale", "S")
    assert done.returncode == 0, done.stderr
    backups = store.list_backups(path)
    # an overdue opinion and the department holding it, at its commune
    opinion, raised, due, commune, department = rows(
        path,
        """select o.opinion_id, o.raised_on, f.due_on, f.commune_id, o.assigned_to
           from opinion o join opinion_facts f using (opinion_id)
           where o.answered_on is null and f.due_on < current_date
           order by o.opinion_id limit 1""",
    )[0]
    period = periods.Period(D(raised.year, 1, 1), D(raised.year, 12, 31))

    def run(name: str, **params: object):
        return db.run(name, params, path=path)

    before = db.run("opinion_response", {"start": period.start, "end": period.end}, path=path)
    on_time, counted = int(before["answered_on_time"].sum()), int((before["opinions"] - before["open"]).sum())
    review_before = figures.compare(run, period, None).current_values["answered_on_time"]
    assert review_before == pytest.approx(on_time / counted)

    writer = changes.Writer("phong_ban", "department", commune, department)
    changes.record_answer(
        path, writer, opinion, "answered", on=min(due, raised + dt.timedelta(days=2)), answer="Đã trả lời"
    )
    review_after = figures.compare(run, period, None).current_values["answered_on_time"]
    assert review_after == pytest.approx((on_time + 1) / counted)
    assert rows(path, "select value from meta where key = 'source'") == [("demo",)]  # the banner stays
    assert store.list_backups(path) == backups  # writes in the app keep no backup: the log is their undo
    refused = import_files([EXAMPLE], path)
    assert [p.code for p in refused.problems] == ["imp_demo_database"]
    # a page's upload is refused too, in words for the person uploading: no server path, no command
    in_page = import_files([EXAMPLE], path, writer=changes.Writer("admin", "admin", None, origin="app"))
    assert [(p.code, p.source) for p in in_page.problems] == [("imp_demo_database_app", "")]


def migrated_copy(current: Path, old: Path, *statements: str) -> subprocess.CompletedProcess:
    """A copy of `current` made a file of an older schema by `statements`, refused as it is, then
    migrated by the command line."""
    shutil.copy(current, old)
    con = store.connect(str(old))
    for statement in statements:
        con.execute(statement)
    con.close()
    with pytest.raises(db.OldSchema):
        db.reader(old)
    done = cli("migrate", "--db", old)
    assert done.returncode == 0, done.stderr
    return done


def test_a_file_of_schema_3_is_migrated_with_every_written_row_and_its_derived_tables_made_again(tmp_path):
    """Schema 4 changed derived tables only; a file of 3 may lack some (opinion_text came later under
    the same number) or hold them without opinion_facts' new columns. Everything people wrote is
    copied, the log and the edits with it, and every derived table is as a fresh build makes it."""
    current = fixture.write(tmp_path / "current.duckdb")
    # a department of the province (none of the opinions names it until O4 is forwarded there: a
    # migration must not add it again at O4's commune, as the departments of a file of 2 are made)
    fixture.apply(current, department=pd.DataFrame({"unit_id": ["P"], "name": ["Ban Dân vận"]}))
    opinion = "O4"  # unanswered, held by Công an phường: forwarded, then answered
    changes.record_answer(current, ADMIN, opinion, "forwarded", to="Ban Dân vận")
    changes.record_answer(current, ADMIN, opinion, "answered", on=D(2025, 3, 1), answer="Đã xử lý")
    old = tmp_path / "old.duckdb"
    migrated_copy(
        current,
        old,
        "drop table opinion_text",
        "alter table opinion_facts drop column answered_on",
        "alter table opinion_facts drop column assigned_name",
        "update meta set value = '3' where key = 'schema_version'",
    )
    assert rows(old, "select value from meta where key = 'schema_version'") == [(store.SCHEMA_VERSION,)]
    assert rows(old, "select count(*) from change_log") == rows(current, "select count(*) from change_log")
    assert rows(old, "select count(*) from opinion_event") == [(2,)]
    for table in ("visit_rule", *store.BASE_TABLES, *store.DERIVED_TABLES):
        assert rows(old, "select * from query_table($t) order by all", {"t": table}) == rows(
            current, "select * from query_table($t) order by all", {"t": table}
        ), table
    assert rows(
        old, "select answered_on, assigned_name from opinion_facts where opinion_id = $o", {"o": opinion}
    ) == [(D(2025, 3, 1), "Ban Dân vận")]


def test_a_file_of_schema_2_is_migrated_with_its_rows_and_departments(tmp_path):
    current = fixture.write(tmp_path / "current.duckdb")
    old = tmp_path / "old.duckdb"
    done = migrated_copy(
        current,
        old,
        "drop table department",
        "drop table opinion_event",
        "drop table change_log",
        "drop table edited_field",
        "alter table opinion drop column handling",
        "alter table meeting drop column withdrawn_reason",
        "update meta set value = '2' where key = 'schema_version'",
    )
    assert "backups/" in done.stdout
    for table in ("unit", "opinion", "meeting", "attendance", "meeting_stats", "department", "opinion_facts"):
        assert rows(old, "select * from query_table($t) order by all", {"t": table}) == rows(
            current, "select * from query_table($t) order by all", {"t": table}
        ), table
    assert cli("migrate", "--db", old).stdout.startswith("Cơ sở dữ liệu")
