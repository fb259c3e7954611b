"""Importing workbooks and CSV (issue 3): docs/DOMAIN.md's Kinh Môn figures through the public CLI, the
row-level report, all-or-nothing, real-form habits, templates, backups, the Data page.

Workbooks are built here with openpyxl; a data row k (1-based) of a sheet written by
kinhmon.write_workbook sits on Excel row 4 + k (two title lines, an empty line, the header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import apptools
import kinhmon
import openpyxl
import pandas as pd
import pytest

from cellboard import ingest, text
from cellboard.data import backups, db, store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
D = dt.date


@pytest.fixture(autouse=True, scope="module")
def private_accounts_store(tmp_path_factory):
    """Imports are written to the audit trail (issue 7): keep this module's out of data/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
        yield


# ---- helpers -------------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    """The public command line, as users run it."""
    return subprocess.run(
        [sys.executable, "-m", "cellboard", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with the given sheets (lists of rows); text is written as text, '=' included."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row_number, column, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # so '=1+1' stays the text it is, as a typed '=...' cell would
    workbook.save(path)
    return path


def empty_db(path: Path) -> Path:
    store.write_database(path, {}, source="empty")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content(path: Path, *tables: str) -> dict[str, list[tuple]]:
    """Every row of the base tables, sorted: the database's content whatever its bytes."""
    con = db.reader(path)
    try:
        names = tables or [t for t in store.BASE_TABLES if t != "import_batch"]
        return {name: sorted(con.table(name).fetchall(), key=repr) for name in names}
    finally:
        con.close()


def locations(problems) -> set[tuple]:
    return {(p.sheet, p.row, p.column, p.code) for p in problems}


@pytest.fixture(scope="module")
def kinhmon_book(tmp_path_factory) -> Path:
    return kinhmon.write_workbook(tmp_path_factory.mktemp("km") / "kinhmon.xlsx")


@pytest.fixture(scope="module")
def kinhmon_db(tmp_path_factory, kinhmon_book) -> Path:
    """An empty database into which the Kinh Môn workbook was imported (by the library)."""
    path = empty_db(tmp_path_factory.mktemp("kmdb") / "km.duckdb")
    result = ingest.import_files([kinhmon_book], path)
    assert result.imported, result.report_lines()
    return path


# ---- the published figures, through the CLI ----------------------------------------------------------------


def test_the_kinh_mon_workbook_imports_and_gives_the_published_category_figures(tmp_path, kinhmon_book):
    path = tmp_path / "km.duckdb"
    assert cli("init", "--db", path).returncode == 0
    done = cli("import", kinhmon_book, "--db", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã nhập 625 dòng" in done.stdout and "Imported 625 rows" in done.stdout
    shares = db.run("category_shares", {"start": "2015-01-01", "end": "2015-12-31"}, path=path)
    assert shares["category"].tolist() == [
        "agriculture",
        "transport_construction",
        "environment",
        "services",
        "social_policy",
        "security_order",
        "party_work",
    ]
    assert shares["opinions"].tolist() == [58, 46, 11, 17, 10, 7, 7]
    assert shares["opinions"].sum() == 156 and shares["opinions_prev"].sum() == 187
    assert text.VI.pct(shares["share"].iloc[0]) == "37,2%"  # 58 of 156


def test_attendance_with_exempt_members_gives_the_published_rate(kinhmon_db):
    trend = db.run(
        "participation_trend", {"start": "2015-01-01", "end": "2015-05-31", "unit": "KM-HS"}, path=kinhmon_db
    )
    # 27 on the roll, 2 exempt: 117 present of 25 x 5 = 125 expected and not exempt
    assert trend["present"].sum() == 117
    assert (trend["expected"] - trend["exempt"]).sum() == 125
    assert trend["present"].sum() / (trend["expected"] - trend["exempt"]).sum() == 0.936
    assert trend["present"].tolist() == [23, 24, 23, 24, 23]
    counts_only = db.run(
        "participation_trend", {"start": "2015-03-01", "end": "2015-03-31", "unit": "KM-TT"}, path=kinhmon_db
    )
    assert counts_only[["expected", "exempt", "present", "excused"]].iloc[0].tolist() == [15, 1, 12, 2]


def test_the_sample_district_workbook_imports_cleanly_into_an_empty_database(tmp_path):
    path = tmp_path / "db.duckdb"
    assert cli("init", "--db", path).returncode == 0
    done = cli("import", DATA / "example.xlsx", "--db", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Người lập biểu" in done.stdout  # the signature line is said to be ignored, not silently dropped
    info = db.run("database_info", path=path)
    assert info.set_index("key").loc["source", "value"] == "imported"
    history = db.run("import_history", path=path)
    assert history[["file_name", "sha256", "rows"]].values.tolist() == [
        ["example.xlsx", sha(DATA / "example.xlsx"), 50]
    ]
    assert json.loads(history["rows_per_table"].iloc[0]) == {
        "unit": 6,
        "department": 4,
        "member": 6,
        "membership": 7,
        "meeting": 4,
        "attendance": 10,
        "committee_member": 2,
        "visit": 3,
        "briefing": 2,
        "opinion": 3,
        "rating": 3,
    }
    assert history["account"].iloc[0].startswith("cli")
    rows = content(path, "unit", "opinion", "meeting")
    assert (
        "TD-DT-03",
        "Chi bộ thôn Cầu Tre",
        "cell",
        "TD-DT",
        None,
        "residential",
        None,
        D(2024, 6, 30),
        "TD-DT-02",
    ) in rows["unit"]
    assert {row[4] for row in rows["opinion"]} == {"agriculture", "transport_construction", "security_order"}
    # mixed date styles: '15/03/2024' and '20/04/2024' typed as text
    assert ("YK-002", D(2024, 3, 15)) in {(row[0], row[1]) for row in rows["opinion"]}
    assert ("TD-DT-01-2404", D(2024, 4, 5)) in {(row[0], row[2]) for row in rows["meeting"]}


# ---- keys: the same rows change nothing, a known key replaces -----------------------------------------------


def test_the_same_rows_again_change_nothing(tmp_path, kinhmon_book):
    path = empty_db(tmp_path / "db.duckdb")
    assert ingest.import_files([kinhmon_book], path).imported
    once = content(path)
    again = ingest.import_files([kinhmon_book], path, account="tester")
    assert again.imported
    assert content(path) == once
    history = db.run("import_history", path=path)
    assert len(history) == 2 and history["account"].fillna("-").tolist() == ["tester", "-"]


def test_a_row_with_a_known_key_replaces_the_old_one(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    assert ingest.import_files([DATA / "example.xlsx"], path).imported
    before = content(path)
    update = book(
        tmp_path / "update.xlsx",
        {
            "units": [
                ["unit_id", "name", "kind", "parent_id"],
                ["TD-DT-01", "Chi bộ thôn Đạo Trù Hạ (mới)", "cell", "TD-DT"],
            ],
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "category", "text", "answered_on", "answer"],
                [
                    "YK-003",
                    "15/04/2024",
                    "TD-DT-01",
                    "An ninh trật tự",
                    "Khai thác đá trái phép",
                    "10/05/2024",
                    "Đã xử lý",
                ],
            ],
        },
    )
    assert ingest.import_files([update], path).imported
    after = content(path)
    assert len(after["unit"]) == len(before["unit"]) and len(after["opinion"]) == len(before["opinion"])
    assert (
        "TD-DT-01",
        "Chi bộ thôn Đạo Trù Hạ (mới)",
        "cell",
        "TD-DT",
        None,
        None,
        None,
        None,
        None,
    ) in after["unit"]
    replaced = next(row for row in after["opinion"] if row[0] == "YK-003")
    # the whole row is replaced: columns the sheet leaves out take their defaults
    assert replaced == (
        "YK-003",
        D(2024, 4, 15),
        "TD-DT-01",
        None,
        "security_order",
        "reflection",
        None,
        "Khai thác đá trái phép",
        None,
        D(2024, 5, 10),
        "Đã xử lý",
        None,
    )
    facts = db.reader(path).execute("select due_on from opinion_facts where opinion_id = 'YK-003'").fetchall()
    assert facts == [(D(2024, 5, 15),)]  # raised 15/04 at no briefing after it: +30 days


# ---- the report: faults named at their rows, nothing written ----------------------------------------------------


def plant_faults(source: Path, target: Path) -> Path:
    workbook = openpyxl.load_workbook(source)
    workbook["meetings"]["H11"] = 13  # the counts-only meeting: 13 + 2 + 0 + 1 is not the 15 expected
    workbook["attendance"]["E9"] = "away"  # m05 was present in January: a reason is for the absent
    workbook["opinions"]["K5"] = D(2015, 1, 10)  # answered before it was raised on 20/01/2015
    workbook["opinions"]["C6"] = "31/02/2015"
    workbook["opinions"]["F7"] = "Văn hóa"  # not a category
    workbook.save(target)
    return target


FAULTS = {
    ("meetings", 11, "expected", "imp_counts_sum"),
    ("attendance", 9, "reason", "imp_reason_status"),
    ("opinions", 5, "answered_on", "imp_answered_before_raised"),
    ("opinions", 6, "raised_on", "imp_impossible_date"),
    ("opinions", 7, "category", "imp_bad_category"),
}


def test_faults_in_three_sheets_are_named_and_nothing_is_written(tmp_path, kinhmon_book):
    path = empty_db(tmp_path / "db.duckdb")
    assert ingest.import_files([DATA / "example.xlsx"], path).imported
    before, before_content = sha(path), content(path)
    backups_before = store.list_backups(path)
    faulty = plant_faults(kinhmon_book, tmp_path / "faulty.xlsx")

    result = ingest.import_files([faulty], path)
    assert not result.ok and locations(result.problems) == FAULTS

    done = cli("import", faulty, "--db", path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Không nhập: 5 lỗi, 5 dòng có lỗi") and "nothing was written" in lines[0]
    named = [line for line in lines if line.startswith(("meetings,", "attendance,", "opinions,"))]
    assert [line.split(":")[0] for line in named] == [
        "meetings, 11, expected",
        "attendance, 9, reason",
        "opinions, 5, answered_on",
        "opinions, 6, raised_on",
        "opinions, 7, category",
    ]
    assert "present + excused + absent + exempt = 16, not the 15 expected" in named[0]
    assert "Có mặt + vắng có lý do + vắng không lý do + miễn = 16, khác số phải dự 15" in named[0]
    assert "«31/02/2015» là ngày không có thật" in named[3]
    assert sha(path) == before and content(path) == before_content
    assert store.list_backups(path) == backups_before
    assert not store.stale_files(path)


def rules_workbook(path: Path) -> Path:
    """One workbook breaking each rule once (row numbers as Excel shows them: header on row 1)."""
    return book(
        path,
        {
            "units": [
                [
                    "unit_id",
                    "name",
                    "kind",
                    "parent_id",
                    "cell_type",
                    "valid_from",
                    "valid_to",
                    "merged_into",
                ],
                ["P", "Tỉnh", "province", None],
                ["X1", "Xã 1", "commune", "P"],
                ["C1", "Chi bộ 1", "cell", "X1", "village"],
                ["C2", "Chi bộ 2", "cell", "X1", "village", None, "30/06/2024", "C1"],
                ["C3", "Chi bộ 3", "cell", "X1", None, None, "01/01/2024", "X1"],  # 6: merged into a commune
                ["C4", "Chi bộ 4", "cell", "C1"],  # 7: under a cell
                ["A", "Huyện A", "district", "B"],  # 8, 9: a cycle
                ["B", "Huyện B", "district", "A"],
                ["C1", "Chi bộ 1", "cell", "X1"],  # 10: twice
                ["X2", "Xã 2", "galaxy", "P"],  # 11
                [
                    "C5",
                    "Chi bộ 5",
                    "cell",
                    "X1",
                    None,
                    "01/05/2024",
                    "01/01/2024",
                ],  # 12: ends before it starts
                ["C6", "   ", "cell", "X1"],  # 13: no name
                ["C7", "Chi bộ 7", "cell", "NOPE"],  # 14
            ],
            "members": [
                ["member_id", "full_name", "sex", "birth_year"],
                ["m1", "Nguyễn Văn An", "Nam", 1970],
                ["m2", "Trần Thị Bình", "F", 1980],
                ["m3", "Lê Văn Cường", "male", 1875],  # 4
            ],
            "memberships": [
                ["member_id", "cell_id", "from_date", "to_date", "status"],
                ["m1", "C1", "2020-01-01"],
                ["m2", "C1", "01/01/2020", "31/12/2023"],
                ["m9", "C1", "01/01/2020"],  # 4
                ["m1", "X1", "01/01/2020"],  # 5
            ],
            "meetings": [
                [
                    "meeting_id",
                    "cell_id",
                    "held_on",
                    "kind",
                    "expected",
                    "present",
                    "excused",
                    "absent",
                    "exempt",
                ],
                ["M1", "C1", "05/03/2024", "Thường kỳ"],
                ["M2", "C1", "05/04/2024", "chuyen de", 10, 8, 1, 0, 0],  # 3: 9 is not 10
                ["M3", "C1", "05/05/2024", "regular", 5, -1, 0, 0, 0],  # 4
                ["M4", "X1", "06/05/2024", "regular"],  # 5
                ["M5", "C1", "2024-13-01", "regular"],  # 6
            ],
            "attendance": [
                ["meeting_id", "member_id", "status", "reason"],
                ["M1", "m1", "Có mặt"],
                ["M1", "m2", "present"],  # 3: left the cell on 31/12/2023
                ["M9", "m1", "present"],  # 4
                ["M1", "m1", "present"],  # 5: twice
                ["M3", "m1", "present", "illness"],  # 6
            ],
            "committee_members": [
                ["person_id", "full_name", "level", "unit_id"],
                ["K1", "Ông A", "district", "X1"],
                ["K2", "Bà B", "commune", "NOPE"],  # 3
            ],
            "visits": [["meeting_id", "person_id"], ["M1", "K1"], ["M1", "K9"]],  # 3
            "briefings": [
                ["briefing_id", "unit_id", "held_on", "secretaries_expected", "secretaries_present"],
                ["B1", "X1", "15/03/2024", 10, 11],  # 2
            ],
            "opinions": [
                [
                    "opinion_id",
                    "raised_on",
                    "unit_id",
                    "briefing_id",
                    "category",
                    "kind",
                    "text",
                    "answered_on",
                ],
                ["O1", "15/03/2024", "C1", "B1", "agriculture", "reflection", "Mương", "10/03/2024"],  # 2
                ["O2", "15/03/2024", "C1", "B9", "agriculture", "reflection", "Đường"],  # 3
                ["O3", "15/03/2024", "C1", "B1", "không có", "reflection", "Chợ"],  # 4
                ["O4", "15/03/2024", "C1", "B1", "Dịch vụ", "hỏi", "Điện"],  # 5
            ],
            "ratings": [
                ["cell_id", "year", "grade"],
                ["C1", 2023, "Hoàn thành xuất sắc nhiệm vụ"],
                ["X1", 2023, "good"],  # 3
                ["C1", 2023, "good"],  # 4
            ],
        },
    )


RULES = {
    ("units", 6, "merged_into", "imp_merged_kind"),
    ("units", 7, "parent_id", "imp_parent_is_cell"),
    ("units", 8, "parent_id", "imp_cycle"),
    ("units", 9, "parent_id", "imp_cycle"),
    ("units", 10, "unit_id", "imp_duplicate_key"),
    ("units", 11, "kind", "imp_bad_enum"),
    ("units", 12, "valid_to", "imp_date_order"),
    ("units", 13, "name", "imp_required"),
    ("units", 14, "parent_id", "imp_unknown_ref"),
    ("members", 4, "birth_year", "imp_int_range"),
    ("memberships", 4, "member_id", "imp_unknown_ref"),
    ("memberships", 5, "cell_id", "imp_not_a_cell"),
    ("meetings", 3, "expected", "imp_counts_sum"),
    ("meetings", 4, "present", "imp_negative"),
    ("meetings", 5, "cell_id", "imp_not_a_cell"),
    ("meetings", 6, "held_on", "imp_impossible_date"),
    ("attendance", 3, "member_id", "imp_not_member_then"),
    ("attendance", 4, "meeting_id", "imp_unknown_ref"),
    ("attendance", 5, "meeting_id", "imp_duplicate_key"),
    ("attendance", 6, "reason", "imp_reason_status"),
    ("committee_members", 3, "unit_id", "imp_unknown_ref"),
    ("visits", 3, "person_id", "imp_unknown_ref"),
    ("briefings", 2, "secretaries_present", "imp_present_over_expected"),
    ("opinions", 2, "answered_on", "imp_answered_before_raised"),
    ("opinions", 3, "briefing_id", "imp_unknown_ref"),
    ("opinions", 4, "category", "imp_bad_category"),
    ("opinions", 5, "kind", "imp_bad_enum"),
    ("ratings", 3, "cell_id", "imp_not_a_cell"),
    ("ratings", 4, "cell_id", "imp_duplicate_key"),
}


def test_every_rule_names_its_row_and_column(tmp_path):
    result = ingest.import_files(
        [rules_workbook(tmp_path / "rules.xlsx")], tmp_path / "none.duckdb", dry_run=True
    )
    assert locations(result.problems) == RULES
    lines = {p.line() for p in result.problems}
    assert (
        "units, 6, merged_into: Sáp nhập vào «X1» là đơn vị loại «Xã/phường», không cùng loại «Chi bộ» "
        "với đơn vị này / merged_into «X1» is a commune, not a cell like this unit"
    ) in lines
    assert (
        "attendance, 3, member_id: Đảng viên «m2» không sinh hoạt tại chi bộ «C1» vào ngày 05/03/2024 / "
        "Member «m2» was not in cell «C1» on 05/03/2024"
    ) in lines
    assert any(line.startswith("units, 8, parent_id: Cây đơn vị bị vòng lặp: A → B → A") for line in lines)


def test_references_may_point_into_the_database(tmp_path, kinhmon_db):
    path = tmp_path / "km.duckdb"
    path.write_bytes(kinhmon_db.read_bytes())
    later = book(
        tmp_path / "later.xlsx",
        {
            "meetings": [["meeting_id", "cell_id", "held_on"], ["SH-HS01-201507", "KM-HS-01", "05/07/2015"]],
            "attendance": [
                ["meeting_id", "member_id", "status"],
                ["SH-HS01-201507", "m05", "present"],
                ["SH-HS01-201506", "m06", "absent"],
                ["SH-HS01-201507", "m99", "present"],
            ],
            "visits": [["meeting_id", "person_id"], ["SH-HS01-201507", "XU-01"]],
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "briefing_id", "category", "text"],
                ["YK-NEW", "20/07/2015", "KM-AP-01", "GB-201507", "dich vu", "Chợ xuống cấp"],
            ],
        },
    )
    result = ingest.import_files([later], path)
    assert locations(result.problems) == {("attendance", 4, "member_id", "imp_unknown_ref")}
    assert "Member «m99» is neither in the database nor in the file" in result.problems[0].line()


# ---- real forms -------------------------------------------------------------------------------------------------


def test_real_form_habits_are_taken(tmp_path):
    """Vietnamese names without accents or case, title lines, STT, a total line, Excel serial dates,
    categories by Vietnamese name, a meeting id merged down its attendance rows, an unknown column."""
    path = tmp_path / "form.xlsx"
    workbook = openpyxl.Workbook()
    units = workbook.active
    units.title = "DON VI"
    units.append(["ĐẢNG ỦY XÃ AN BÌNH"])
    units.append(["DANH SÁCH CHI BỘ"])
    units.append(["stt", "MÃ ĐƠN VỊ", "tên đơn vị", "Loai don vi", "Mã đơn vị cấp trên (*)", "Ghi chú"])
    units.append([1, "X1", "Đảng bộ xã An Bình", "Xã", None, "không dùng"])
    units.append([2, "C1", "Chi bộ thôn Đông", "Chi bộ", "X1"])
    units.append([3, None, None, None, None])  # numbered but empty: not a row
    members = workbook.create_sheet("Đảng viên")
    members.append(["STT", "Mã đảng viên", "Họ và tên", "Giới tính", "Năm sinh"])
    for number in range(1, 4):
        members.append([number, f"m{number}", f"Đảng viên {number}", "Nữ" if number % 2 else "nam", "1970"])
    memberships = workbook.create_sheet("sinh hoat tai chi bo")
    memberships.append(["Mã đảng viên", "Mã chi bộ", "Từ ngày", "Tình trạng"])
    for number in range(1, 4):
        memberships.append(
            [f"m{number}", "C1", 43831, "Miễn sinh hoạt" if number == 3 else None]
        )  # 01/01/2020
    meetings = workbook.create_sheet("Buổi sinh hoạt")
    meetings.append(["Mã buổi sinh hoạt", "Mã chi bộ", "Ngày họp", "Hình thức"])
    meetings.append(["SH1", "C1", dt.datetime(2024, 3, 5), "Chuyên đề"])
    attendance = workbook.create_sheet("Điểm danh")
    attendance.append(["Mã buổi sinh hoạt", "Mã đảng viên", "Tình trạng", "Lý do vắng"])
    attendance.append(["SH1", "m1", "Có mặt"])
    attendance.append([None, "m2", "Vắng có lý do", "Ốm đau"])
    attendance.append([None, "m3", "miễn sinh hoạt"])
    attendance.merge_cells("A2:A4")
    attendance.append([])
    attendance.append(["Tổng cộng", 3])
    opinions = workbook.create_sheet("Ý kiến kiến nghị")
    opinions.append(["TT", "Mã ý kiến", "Ngày nêu", "Mã đơn vị", "Lĩnh vực", "Loại ý kiến", "Nội dung"])
    opinions.append([1, "YK1", "2024-03-20", "C1", "giao thong - xay dung", "Kiến nghị", "Đường hỏng"])
    opinions.append([])
    opinions.append([None, "Người lập biểu", None, None, None, None, "Bí thư"])
    workbook.save(path)

    result = ingest.import_files([path], tmp_path / "none.duckdb", dry_run=True)
    assert result.ok, result.report_lines()
    assert result.rows == {
        "unit": 2,
        "member": 3,
        "membership": 3,
        "meeting": 1,
        "attendance": 3,
        "opinion": 1,
    }
    warned = {(w.sheet, w.row, w.code) for w in result.warnings}
    assert ("DON VI", 3, "imp_unknown_column") in warned  # 'Ghi chú' is listed, then ignored
    assert ("Điểm danh", 6, "imp_footer_ignored") in warned
    assert ("Ý kiến kiến nghị", 4, "imp_footer_ignored") in warned

    target = empty_db(tmp_path / "db.duckdb")
    assert ingest.import_files([path], target).imported
    rows = content(target, "attendance", "membership", "meeting", "opinion")
    assert rows["attendance"] == [
        ("SH1", "m1", "present", None),
        ("SH1", "m2", "excused", "illness"),
        ("SH1", "m3", "exempt", None),
    ]
    assert rows["membership"][2] == ("m3", "C1", D(2020, 1, 1), None, "exempt")
    assert rows["meeting"] == [
        ("SH1", "C1", D(2024, 3, 5), "thematic", None, None, None, None, None, None, None)
    ]
    assert rows["opinion"][0][4:6] == ("transport_construction", "recommendation")


@pytest.mark.parametrize(
    ("name", "content_bytes", "code"),
    [
        ("empty.xlsx", b"", "imp_empty_file"),
        ("not-really.xlsx", b"PK\x03\x04 this is not a workbook", "imp_not_xlsx"),
        ("notes.xlsx", "Đây là văn bản, không phải Excel".encode(), "imp_not_xlsx"),
        ("old.xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 100, "imp_old_xls"),
        ("report.pdf", b"%PDF-1.4", "imp_unknown_file_type"),
        ("units.csv", b"", "imp_empty_file"),
    ],
)
def test_files_that_are_not_workbooks_get_a_clear_message(tmp_path, name, content_bytes, code):
    path = tmp_path / name
    path.write_bytes(content_bytes)
    result = ingest.import_files([path], empty_db(tmp_path / "db.duckdb"))
    assert [p.code for p in result.problems] == [code]
    assert result.problems[0].reason("vi") and result.problems[0].reason("en")


def test_header_only_wrong_sheet_names_and_extra_columns(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    header_only = book(tmp_path / "header.xlsx", {"units": [["unit_id", "name", "kind"]]})
    empty_sheet = book(tmp_path / "blank.xlsx", {"units": []})
    wrong_names = book(
        tmp_path / "wrong.xlsx", {"Sheet1": [["unit_id", "name", "kind"], ["X", "Xã", "commune"]]}
    )
    no_header = book(tmp_path / "noheader.xlsx", {"units": [["a", "b"], ["X", "Xã"]]})
    extra = book(
        tmp_path / "extra.xlsx", {"units": [["unit_id", "name", "kind", "Ghi chú"], ["X", "Xã", "xã", "?"]]}
    )

    done = cli("import", header_only, "--db", path)
    assert done.returncode == 1
    assert "Không có dòng số liệu nào" in done.stdout and "There are no data rows" in done.stdout
    assert [p.code for p in ingest.import_files([empty_sheet], path).problems] == ["imp_no_rows"]
    wrong = ingest.import_files([wrong_names], path)
    assert [p.code for p in wrong.problems] == ["imp_no_sheets"]
    assert "The file has: Sheet1" in wrong.problems[0].reason("en")
    assert "units (Đơn vị)" in wrong.problems[0].reason("en")
    assert [(p.sheet, p.row, p.code) for p in ingest.import_files([no_header], path).problems] == [
        ("units", None, "imp_no_header")
    ]
    accepted = ingest.import_files([extra], path)
    assert accepted.imported
    assert [(w.sheet, w.row, w.column, w.code) for w in accepted.warnings] == [
        ("units", 1, "Ghi chú", "imp_unknown_column")
    ]
    missing_column = book(tmp_path / "missing.xlsx", {"units": [["unit_id", "kind"], ["Y", "commune"]]})
    assert locations(ingest.import_files([missing_column], path).problems) == {
        ("units", 1, "name", "imp_missing_column")
    }


def test_long_reports_group_by_reason_and_still_list_rows(tmp_path):
    rows = [["unit_id", "name", "kind"]] + [[f"U{n}", f"Đơn vị {n}", "planet"] for n in range(40)]
    rows += [[f"V{n}", None, "cell"] for n in range(3)]
    result = ingest.import_files(
        [book(tmp_path / "many.xlsx", {"units": rows})], tmp_path / "x.duckdb", dry_run=True
    )
    assert len(result.problems) == 43
    lines = result.report_lines()
    assert "units, kind: Giá trị không hợp lệ / Value not allowed — 40 dòng/rows:" in lines
    assert "    2–41" in lines
    assert "units, name: Bỏ trống ô bắt buộc / Required value empty — 3 dòng/rows:" in lines
    assert "    42–44" in lines
    assert len(result.report_frame()) == 43  # the table keeps one row per problem


# ---- text kept verbatim --------------------------------------------------------------------------------------------

TRICKY = [
    "<script>alert('x')</script>",
    "'); drop table opinion; --",
    '=HYPERLINK("http://example.com", "bấm")',
    "=1+1",
    "+84 912 345 678",
    "-5 hộ",
    "@SUM(A1:A2)",
    "  khoảng trắng hai đầu  ",
    "dòng 1\ndòng 2",
    "{value} %s $unit \\N",
    "Đường <b>Tam Đảo</b> &amp; 😀",
    "x" * 32_767,
]


def test_text_with_html_sql_or_formula_characters_is_stored_verbatim(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    units = [["unit_id", "name", "kind"], ["X", "Xã <i>Một</i>", "commune"]]
    opinions = [["opinion_id", "raised_on", "unit_id", "text", "answer"]]
    opinions += [[f"O{n}", "01/02/2024", "X", value, value] for n, value in enumerate(TRICKY)]
    result = ingest.import_files(
        [book(tmp_path / "tricky.xlsx", {"units": units, "opinions": opinions})], path
    )
    assert result.imported, result.report_lines()
    stored = dict(db.reader(path).execute("select opinion_id, text from opinion").fetchall())
    assert [stored[f"O{n}"] for n in range(len(TRICKY))] == TRICKY
    answers = db.reader(path).execute("select count(*) from opinion where text = answer").fetchall()
    assert answers == [(len(TRICKY),)]
    # the same through CSV, where nothing is a formula anyway
    folder = tmp_path / "csv"
    folder.mkdir()
    frame = pd.DataFrame(
        {
            "opinion_id": [f"Q{n}" for n in range(len(TRICKY))],
            "raised_on": "2024-02-01",
            "unit_id": "X",
            "text": TRICKY,
        }
    )
    (folder / "opinions.csv").write_bytes(("\ufeff" + frame.to_csv(index=False)).encode("utf-8"))
    assert ingest.import_files([folder], path).imported
    stored = dict(db.reader(path).execute("select opinion_id, text from opinion").fetchall())
    assert [stored[f"Q{n}"] for n in range(len(TRICKY))] == TRICKY
    # (openpyxl cuts longer text when it writes a workbook; a CSV can hold more than Excel)
    (folder / "opinions.csv").write_text(
        f"opinion_id,raised_on,unit_id,text\nL,01/02/2024,X,{'y' * 32_768}\n"
    )
    assert locations(ingest.import_files([folder], path).problems) == {
        ("opinions.csv", 2, "text", "imp_too_long")
    }


# ---- CSV -------------------------------------------------------------------------------------------------------------

UNITS_CSV = "unit_id;Tên đơn vị;kind;parent_id\nX;Xã Đồng Tâm;xã;\nC;Chi bộ thôn Hưng Đạo;chi bộ;X\n"


def to_cp1258(value: str) -> bytes:
    """How Vietnamese Windows saves text: base letters with their shape, tone marks combining."""
    out = b""
    for char in unicodedata.normalize("NFC", value):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shapes = [mark for mark in marks if mark in "\u0302\u0306\u031b"]  # circumflex, breve, horn
        tones = [mark for mark in marks if mark not in shapes]
        out += unicodedata.normalize("NFC", base + "".join(shapes)).encode("cp1258")
        out += "".join(tones).encode("cp1258")
    return out


def test_csv_folders_with_or_without_bom_and_either_separator(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    for variant, data in {
        "bom-semicolon": ("\ufeff" + UNITS_CSV).encode(),
        "plain-comma": UNITS_CSV.replace(";", ",").encode(),
    }.items():
        folder = tmp_path / variant
        folder.mkdir()
        (folder / "units.csv").write_bytes(data)
        (folder / "notes.txt").write_text("ignored: not a CSV")
        result = ingest.import_files([folder], path)
        assert result.imported, result.report_lines()
        assert content(path, "unit")["unit"] == [
            ("C", "Chi bộ thôn Hưng Đạo", "cell", "X", None, None, None, None, None),
            ("X", "Xã Đồng Tâm", "commune", None, None, None, None, None, None),
        ]


def test_csv_from_vietnamese_excel_in_windows_1258_is_detected(tmp_path):
    folder = tmp_path / "ansi"
    folder.mkdir()
    (folder / "units.csv").write_bytes(to_cp1258(UNITS_CSV))
    assert to_cp1258("Đồng Tâm") != "Đồng Tâm".encode()
    path = empty_db(tmp_path / "db.duckdb")
    result = ingest.import_files([folder], path)
    assert result.imported
    assert [w.code for w in result.warnings] == ["imp_cp1258"]
    names = {row[1] for row in content(path, "unit")["unit"]}
    assert names == {"Xã Đồng Tâm", "Chi bộ thôn Hưng Đạo"}  # decoded and composed, not mangled


def test_csv_in_another_legacy_encoding_is_rejected_not_misread(tmp_path):
    folder = tmp_path / "tcvn"
    folder.mkdir()
    # TCVN3 (the old font encoding) bytes for 'Xã Đồng Tâm' read as anything else would be nonsense
    (folder / "units.csv").write_bytes(b"unit_id;name;kind\nX;X\xb8 \xa7\xe5ng T\xa9m;commune\n")
    result = ingest.import_files([folder], empty_db(tmp_path / "db.duckdb"))
    assert [(p.sheet, p.code) for p in result.problems] == [("units.csv", "imp_encoding")]
    assert "CSV UTF-8" in result.problems[0].reason("en")


# ---- the database side: demo refusal, dry runs, empty -> imported, backups ---------------------------------------------


def test_real_data_is_not_mixed_into_a_demo_database(tmp_path, kinhmon_book):
    path = tmp_path / "demo.duckdb"
    store.write_database(path, kinhmon.tables(), source="demo")
    before = sha(path)
    done = cli("import", DATA / "example.xlsx", "--db", path)
    assert done.returncode == 1
    assert "python -m cellboard init" in done.stdout and "DEMO" in done.stdout
    assert sha(path) == before


def test_a_dry_run_checks_and_writes_nothing(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    before = sha(path)
    done = cli("import", DATA / "example.xlsx", "--db", path, "--dry-run")
    assert done.returncode == 0 and "dry run" in done.stdout
    assert sha(path) == before and store.list_backups(path) == []
    assert db.run("database_info", path=path).set_index("key").loc["source", "value"] == "empty"


def test_an_import_needs_a_database(tmp_path):
    result = ingest.import_files([DATA / "example.xlsx"], tmp_path / "missing.duckdb")
    assert [p.code for p in result.problems] == ["imp_no_database"]
    assert not (tmp_path / "missing.duckdb").exists()


def test_backups_keep_the_previous_files_and_restore_one(tmp_path, kinhmon_book):
    path = empty_db(tmp_path / "db.duckdb")
    assert ingest.import_files([DATA / "example.xlsx"], path).imported
    after_example = content(path)
    assert ingest.import_files([kinhmon_book], path).imported
    listed = cli("backups", "list", "--db", path)
    assert listed.returncode == 0 and "example.xlsx" in listed.stdout
    kept = backups.list_backups(path)
    assert [b.reason for b in kept] == ["import", "import"]  # the file each import replaced
    done = cli("backups", "restore", kept[-1].name, "--db", path)
    assert done.returncode == 0, done.stderr
    assert content(path) == after_example
    assert [b.reason for b in backups.list_backups(path)] == ["import", "import", "restore"]  # undoable too
    with pytest.raises(FileNotFoundError):
        backups.restore(path, "../../etc/passwd")
    for _ in range(store.KEEP_BACKUPS):
        store.write_database(path, {}, source="empty")
    assert len(store.list_backups(path)) == store.KEEP_BACKUPS  # the oldest go


# ---- templates --------------------------------------------------------------------------------------------------------


def test_templates_command_writes_a_workbook_with_a_guide_and_csv_files(tmp_path):
    done = cli("templates", tmp_path / "mau")
    assert done.returncode == 0, done.stderr
    workbook = openpyxl.load_workbook(tmp_path / "mau" / "mau-nhap-lieu.xlsx")
    assert workbook.sheetnames[:2] == ["Hướng dẫn", "Danh mục"]
    assert workbook.sheetnames[2:] == [sheet.vi for sheet in ingest.SHEETS]
    meetings = workbook["Buổi sinh hoạt"]
    assert [cell.value for cell in meetings[1]] == [c.vi for c in ingest.SHEET_BY_TABLE["meeting"].columns]
    lists = {str(check.sqref): check.formula1 for check in meetings.data_validations.dataValidation}
    assert set(lists) == {"D2:D5000"} and "Danh mục" in lists["D2:D5000"]
    guide = [[cell.value for cell in row] for row in workbook["Hướng dẫn"].iter_rows()]
    assert ["Buổi sinh hoạt", "meetings", "Ngày họp", "held_on"] in [row[:4] for row in guide]
    assert any(row[3] == "kind" and "Thường kỳ (regular)" in (row[6] or "") for row in guide)
    csv_files = sorted(p.name for p in (tmp_path / "mau" / "mau-nhap-lieu-csv").iterdir())
    assert csv_files == sorted(f"{sheet.name}.csv" for sheet in ingest.SHEETS)
    header = (tmp_path / "mau" / "mau-nhap-lieu-csv" / "units.csv").read_bytes()
    assert header.startswith("\ufeffMã đơn vị;Tên đơn vị".encode())

    # the blank template says there is nothing in it; filled in, it imports
    path = empty_db(tmp_path / "db.duckdb")
    blank = ingest.import_files([tmp_path / "mau" / "mau-nhap-lieu.xlsx"], path)
    assert [p.code for p in blank.problems] == ["imp_no_rows"] and not blank.warnings
    workbook["Đơn vị"].append(["X", "Xã Một", "Xã/phường"])
    workbook["Đơn vị"].append(["C", "Chi bộ thôn Một", "Chi bộ", "X", None, "Thôn, xóm, bản"])
    workbook["Ý kiến kiến nghị"].append(
        ["Y1", "05/03/2024", "C", None, "Tài nguyên, môi trường", "Kiến nghị", "Bằng văn bản", "Rác thải"]
    )
    workbook.save(tmp_path / "filled.xlsx")
    filled = ingest.import_files([tmp_path / "filled.xlsx"], path)
    assert filled.imported, filled.report_lines()
    assert content(path, "opinion")["opinion"][0][4:7] == ("environment", "recommendation", "written")
    csv_folder = tmp_path / "mau" / "mau-nhap-lieu-csv"
    (csv_folder / "units.csv").write_bytes(header + "Z;Xã Hai;Xã\r\n".encode())
    assert ingest.import_files([csv_folder], path).imported


# ---- derived tables: what an import recomputes equals a full rebuild ------------------------------------------------


def test_derived_tables_after_imports_equal_a_full_rebuild(tmp_path, kinhmon_db):
    path = tmp_path / "km.duckdb"
    path.write_bytes(kinhmon_db.read_bytes())
    reshaped = book(
        tmp_path / "reshape.xlsx",
        {
            "units": [
                ["unit_id", "name", "kind", "parent_id"],
                ["KM-HS-02", "Chi bộ thôn Hiệp Thượng", "cell", "KM-AP"],  # moves commune
                ["KM-TT", "Thị trấn Kinh Môn", "subcommittee", "KM"],  # no longer a commune
                ["KM-NEW", "Xã Mới", "commune", "KM"],
                ["KM-NEW-01", "Chi bộ mới", "cell", "KM-NEW"],
            ],
            "briefings": [
                ["briefing_id", "unit_id", "held_on"],
                ["GB-HS-1", "KM-HS", "25/02/2015"],
                ["GB-201503", "KM-AP", "20/03/2015"],
            ],  # a known briefing moves to a commune
            "meetings": [
                ["meeting_id", "cell_id", "held_on", "expected", "present", "excused", "absent", "exempt"],
                ["SH-TT01-201503", "KM-TT-02", "11/03/2015", 10, 9, 1, 0, 0],
                ["SH-NEW", "KM-NEW-01", "12/03/2015", 4, 4, 0, 0, 0],
            ],
            "attendance": [["meeting_id", "member_id", "status"], ["SH-HS01-201502", "m02", "absent"]],
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text"],
                ["YK-2015-services-00", "21/01/2015", "KM-NEW-01", "Chợ mới"],
            ],
        },
    )
    result = ingest.import_files([reshaped], path)
    assert result.imported, result.report_lines()
    incremental = content(path, *store.DERIVED_TABLES)
    full = tmp_path / "full.duckdb"
    full.write_bytes(path.read_bytes())
    import duckdb

    con = duckdb.connect(str(full))
    con.execute("begin")
    store.rebuild_derived(con)
    con.execute("commit")
    con.close()
    assert content(full, *store.DERIVED_TABLES) == incremental
    moved = [row for row in incremental["meeting_stats"] if row[0] == "SH-TT01-201503"]
    assert moved[0][1:3] == ("KM-TT-02", "KM-TT")  # no commune above it any more: its parent


# ---- the data page's queries --------------------------------------------------------------------------------------------


def test_unreported_units_this_month_and_last(kinhmon_db):
    rows = db.run("unreported_units", {"as_of": "2015-06-20"}, path=kinhmon_db)
    listed = rows[["kind", "unit_id", "met_this_month", "met_last_month"]].values.tolist()
    # June and May 2015: only KM-HS-01 met (on the 5th); KM-TT-01 met in March only
    assert listed == [  # in Vietnamese order of the commune: Thị trấn Kinh Môn, Xã An Phụ, Xã Hiệp Sơn
        ["commune", "KM-TT", False, False],
        ["commune", "KM-AP", False, False],
        ["cell", "KM-TT-01", False, False],
        ["cell", "KM-TT-02", False, False],
        ["cell", "KM-AP-01", False, False],
        ["cell", "KM-AP-02", False, False],
        ["cell", "KM-HS-02", False, False],
    ]
    assert rows.set_index("unit_id").loc["KM-TT-01", "last_meeting"] == pd.Timestamp("2015-03-10")
    assert rows.set_index("unit_id").loc["KM-AP", "cells"] == 2
    july = db.run("unreported_units", {"as_of": "2015-07-02", "unit": "KM-HS"}, path=kinhmon_db)
    assert july[["kind", "unit_id", "met_this_month", "met_last_month"]].values.tolist() == [
        ["commune", "KM-HS", False, True],
        ["cell", "KM-HS-01", False, True],
        ["cell", "KM-HS-02", False, False],
    ]


def test_data_quality_warnings(tmp_path, kinhmon_db):
    # Kinh Môn 2015: opinions with k mod 4 == 3 are never answered: 14+11+2+4+2+1+1
    rows = db.run(
        "data_quality_warnings",
        {"start": "2015-01-01", "end": "2015-12-31", "as_of": "2016-06-30"},
        path=kinhmon_db,
    )
    assert rows["check"].value_counts().to_dict() == {"unanswered": 35}
    path = tmp_path / "dq.duckdb"
    store.write_database(
        path,
        {
            "unit": pd.DataFrame(
                {
                    "unit_id": ["P", "X1", "X2", "C1"],
                    "name": ["Tỉnh", "Xã 1", "Xã 2", "Chi bộ 1"],
                    "kind": ["province", "commune", "commune", "cell"],
                    "parent_id": [None, "P", "P", "X1"],
                }
            ),
            "member": pd.DataFrame({"member_id": ["m1", "m2"], "full_name": ["A", "B"]}),
            "membership": pd.DataFrame(
                {"member_id": ["m1", "m2"], "cell_id": "C1", "from_date": D(2020, 1, 1)}
            ),
            "meeting": pd.DataFrame(
                {
                    "meeting_id": ["M1", "M2"],
                    "cell_id": "C1",
                    "held_on": [D(2025, 1, 5), D(2025, 2, 5)],
                    "expected": [None, 3],
                    "present": [None, 3],
                    "excused": [None, 0],
                    "absent": [None, 0],
                    "exempt": [None, 0],
                }
            ),
            "attendance": pd.DataFrame(
                {"meeting_id": ["M1", "M2", "M2"], "member_id": ["m1", "m1", "m2"], "status": "present"}
            ),
            "opinion": pd.DataFrame(
                {
                    "opinion_id": ["O1", "O2"],
                    "raised_on": [D(2025, 1, 10), D(2025, 1, 10)],
                    "unit_id": "C1",
                    "text": ["Mương <b>hỏng</b>", "Đường"],
                    "answered_on": [None, D(2025, 1, 20)],
                }
            ),
        },
        source="imported",
    )
    rows = db.run(
        "data_quality_warnings",
        {"start": "2025-01-01", "end": "2025-06-30", "as_of": "2025-06-01"},
        path=path,
    )
    assert rows[["check", "item_id", "expected", "found", "detail"]].astype(object).where(
        rows.notna(), None
    ).values.tolist() == [
        ["counts_vs_rows", "M2", 3, 2, None],  # the counts say 3; two attendance rows
        ["no_cells", "X2", None, 0, None],
        ["roll_vs_rows", "M1", 2, 1, None],  # two members on the roll, one attendance row
        ["unanswered", "O1", None, 142, "Mương <b>hỏng</b>"],
    ]


# ---- the Data page -----------------------------------------------------------------------------------------------------


def page(app_on, path: Path):
    at = app_on(path).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def table_with(at, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def shown_report(at) -> list[tuple]:
    frame = table_with(at, "Lý do")
    return [tuple(row) for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False)]


def test_the_data_page_shows_the_same_report_as_the_cli(app_on, tmp_path, kinhmon_book):
    path = empty_db(tmp_path / "db.duckdb")
    faulty = plant_faults(kinhmon_book, tmp_path / "faulty.xlsx")
    at = page(app_on, path)
    at.file_uploader(key="data_upload").set_value(
        ("faulty.xlsx", faulty.read_bytes(), "application/octet-stream")
    )
    at.run()
    assert not at.exception
    expected = ingest.import_files([faulty], path, dry_run=True)
    assert [(p.source, p.sheet, p.row, p.column, p.reason("vi")) for p in expected.problems] == shown_report(
        at
    )
    assert len(shown_report(at)) == len(FAULTS)
    assert any("5 lỗi" in error.value for error in at.error)
    assert "data_import_button" not in [button.key for button in at.button]
    assert [b.label for b in at.get("download_button")][:2] == ["Tải CSV", "Tải Excel"]

    at.file_uploader(key="data_upload").set_value(
        ("example.xlsx", (DATA / "example.xlsx").read_bytes(), "application/octet-stream")
    )
    at.run()
    assert any("50 dòng sẵn sàng" in success.value for success in at.success)
    at.button(key="data_import_button").click().run()
    assert not at.exception
    assert any("Đã nhập 50 dòng" in success.value for success in at.success)
    history = apptools.shown(next(frame for frame in at.dataframe if "Người nhập" in frame.value.columns))
    assert history["Tệp"].tolist() == ["example.xlsx"] and history["Số dòng"].tolist() == ["50"]
    assert table_with(at, "Người nhập")["Số dòng"].tolist() == [50]  # a number, shown as one
    assert history["Người nhập"].tolist() == ["admin"]  # the signed-in account
    assert len(content(path, "unit")["unit"]) == 6


def test_the_data_page_lists_unreported_units_and_warnings(app_on, fixture_db):
    at = page(app_on, fixture_db)
    today = dt.date.today()
    unreported = db.run("unreported_units", {"as_of": today}, path=fixture_db)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Chi bộ chưa có buổi nào"] == text.VI.integer((unreported["kind"] == "cell").sum())
    assert [b.label for b in at.get("download_button")][:2] == ["Tải mẫu Excel", "Tải mẫu CSV (.zip)"]
    workbook = openpyxl.load_workbook(io.BytesIO(ingest.template_workbook()))
    assert "Hướng dẫn" in workbook.sheetnames
