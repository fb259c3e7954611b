"""The write rules of issue 14, refused by the one Checker every write goes through (imports now, the app's
forms later): the departments sheet, an opinion's assigned_to naming a department in scope, answers not
dated after today, attendance only of members on the cell's roll that day, one meeting of a kind per cell
and day, text within Excel's 32,767 characters. And data_quality_warnings listing rows stored before the
rules that break them.

Workbooks are built here with openpyxl, the header on row 1: a data row k (1-based) sits on Excel row
k + 1. Problems name the sheet and the header as written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import fixture
import openpyxl
import pandas as pd
import pytest

from cellboard import ingest
from cellboard.data import db, store
from cellboard.ingest import reading, validation
from cellboard.ingest.problems import Report, Where

D = dt.date
NFD = "NFD"


@pytest.fixture(autouse=True, scope="module")
def private_accounts_store(tmp_path_factory):
    """Imports are written to the audit trail (issue 7): keep this module's out of data/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
        yield


# ---- helpers -------------------------------------------------------------------------------------------


def book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


UNITS = pd.DataFrame(
    {
        "unit_id": ["P", "X1", "X2", "C1", "C2"],
        "name": ["Tỉnh", "Xã 1", "Xã 2", "Chi bộ 1", "Chi bộ 2"],
        "kind": ["province", "commune", "commune", "cell", "cell"],
        "parent_id": [None, "P", "P", "X1", "X2"],
    }
)
UNITS_SHEET = [["unit_id", "name", "kind", "parent_id"], *UNITS.values.tolist()]


def database(path: Path, **tables: pd.DataFrame) -> Path:
    """A database holding the five units (P > X1 > C1, P > X2 > C2) and the given tables."""
    store.write_database(path, {"unit": UNITS, **tables}, source="imported")
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    con = db.reader(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def located(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.code) for p in problems]


def lines(problems) -> list[str]:
    return [p.line() for p in problems]


def nfd(value: str) -> str:
    return unicodedata.normalize(NFD, value)


# ---- the departments sheet -----------------------------------------------------------------------------


def test_the_departments_sheet_imports_trimmed_and_in_nfc_and_serves_its_subtree(tmp_path):
    path = database(tmp_path / "db.duckdb")
    workbook = book(
        tmp_path / "departments.xlsx",
        {
            "Phòng ban": [
                ["STT", "Mã đơn vị", "Tên phòng ban"],
                [1, "P", "Ban Dân vận Tỉnh ủy"],
                [2, "X1", "  Công an xã  "],
                [3, "X1", nfd("Phòng Văn hóa")],
            ],
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text", "assigned_to"],
                ["O1", "10/01/2025", "C1", "Mương hỏng", "Công an xã"],  # the commune's, a cell below it
                ["O2", "10/01/2025", "C1", "Đường", " Ban Dân vận Tỉnh ủy "],  # the province's, two up
                ["O3", "10/01/2025", "X1", "Chợ", "Phòng Văn hóa"],  # the unit's own (NFC against NFD)
                ["O4", "10/01/2025", "C2", "Điện", "Ban Dân vận Tỉnh ủy"],  # the province serves X2's cells
                ["O5", "10/01/2025", "C2", "Nước", "   "],  # blank: no department asked for
            ],
        },
    )
    result = ingest.import_files([workbook], path)
    assert result.imported, result.report_lines()
    assert result.rows == {"department": 3, "opinion": 5}
    departments = rows(path, "select unit_id, name from department order by unit_id, name")
    assert departments == [("P", "Ban Dân vận Tỉnh ủy"), ("X1", "Công an xã"), ("X1", "Phòng Văn hóa")]
    assert departments[2][1] == unicodedata.normalize("NFC", "Phòng Văn hóa")
    # assigned_to is stored as the department's name: trimmed, in NFC
    assert rows(path, "select opinion_id, assigned_to from opinion order by opinion_id") == [
        ("O1", "Công an xã"),
        ("O2", "Ban Dân vận Tỉnh ủy"),
        ("O3", "Phòng Văn hóa"),
        ("O4", "Ban Dân vận Tỉnh ủy"),
        ("O5", None),
    ]
    # the same rows again change nothing; a later file may name the database's departments
    assert ingest.import_files([workbook], path).imported
    assert rows(path, "select count(*) from department") == [(3,)]
    later = book(
        tmp_path / "later.xlsx",
        {
            "Ý kiến kiến nghị": [
                ["Mã ý kiến", "Ngày nêu", "Mã đơn vị", "Nội dung", "Cơ quan giải quyết"],
                ["O6", "11/01/2025", "C1", "Cầu", "Phòng Văn hóa"],
            ]
        },
    )
    assert ingest.import_files([later], path).imported
    assert rows(path, "select assigned_to from opinion where opinion_id = 'O6'") == [("Phòng Văn hóa",)]


def test_the_departments_sheet_is_in_the_templates():
    import io

    workbook = openpyxl.load_workbook(io.BytesIO(ingest.template_workbook()))
    assert "Phòng ban" in workbook.sheetnames
    assert [c.value for c in workbook["Phòng ban"][1]] == ["Mã đơn vị", "Tên phòng ban"]
    guide = [row for row in workbook["Hướng dẫn"].iter_rows(values_only=True) if row[1] == "departments"]
    assert [(row[0], row[2], row[3], row[4]) for row in guide] == [
        ("Phòng ban", "Mã đơn vị", "unit_id", "khóa / key"),
        ("Phòng ban", "Tên phòng ban", "name", "khóa / key"),
    ]
    assert ingest.SHEET_BY_TABLE["department"].keys == ("unit_id", "name")
    assert "departments.csv" in ingest.templates.template_csvs()
    header = ingest.templates.template_csvs()["departments.csv"].decode("utf-8-sig")
    assert header == "Mã đơn vị;Tên phòng ban\r\n"


def test_a_department_of_an_unknown_unit_or_given_twice_is_refused(tmp_path):
    path = database(tmp_path / "db.duckdb")
    workbook = book(
        tmp_path / "departments.xlsx",
        {
            "Phòng ban": [
                ["Mã đơn vị", "Tên phòng ban"],
                ["NOPE", "Phòng X"],
                ["X1", "Công an xã"],
                ["X1", " Công an xã"],  # the same key once trimmed
                ["X1", None],
            ]
        },
    )
    result = ingest.import_files([workbook], path)
    assert located(result.problems) == [
        ("Phòng ban", 2, "Mã đơn vị", "imp_unknown_ref"),
        ("Phòng ban", 4, "Mã đơn vị", "imp_duplicate_key"),
        ("Phòng ban", 5, "Tên phòng ban", "imp_required"),
    ]
    assert lines(result.problems)[:2] == [
        "Phòng ban, 2, Mã đơn vị: Đơn vị «NOPE» không có trong cơ sở dữ liệu hay trong tệp / "
        "Unit «NOPE» is neither in the database nor in the file",
        "Phòng ban, 4, Mã đơn vị: Trùng khóa X1 / Công an xã với 3 / The key X1 / Công an xã is already used at 3",
    ]
    assert rows(path, "select count(*) from department") == [(0,)]


# ---- assigned_to: a department of the opinion's unit or of a unit above it --------------------------------


def test_an_opinion_assigned_to_no_department_in_scope_is_refused(tmp_path):
    departments = pd.DataFrame(
        {"unit_id": ["X1", "X2", "C1"], "name": ["Công an xã", "Phòng Kinh tế", "Tổ hòa giải"]}
    )
    path = database(tmp_path / "db.duckdb", department=departments)
    workbook = book(
        tmp_path / "opinions.xlsx",
        {
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text", "assigned_to"],
                ["O1", "10/01/2025", "C1", "Mương", "Phòng Kinh tế"],  # 2: X2's, a commune beside
                ["O2", "10/01/2025", "X1", "Đường", "Tổ hòa giải"],  # 3: C1's, below the opinion's unit
                ["O3", "10/01/2025", "C2", "Chợ", "Không có"],  # 4: nowhere
                ["O4", "10/01/2025", "P", "Điện", "Công an xã"],  # 5: none at or above the province
                ["O5", "10/01/2025", "C1", "Nước", "Công an xã"],  # fine
                ["O6", "10/01/2025", "C1", "Cầu", None],  # fine: nobody assigned yet
            ]
        },
    )
    result = ingest.import_files([workbook], path)
    assert located(result.problems) == [
        ("opinions", row, "assigned_to", "imp_unknown_department") for row in (2, 3, 4, 5)
    ]
    assert lines(result.problems) == [
        "opinions, 2, assigned_to: «Phòng Kinh tế» không phải phòng ban của đơn vị «C1» hay đơn vị cấp trên "
        "(trang Phòng ban hoặc cơ sở dữ liệu); các phòng ban có: Công an xã; Tổ hòa giải / «Phòng Kinh tế» "
        "is no department of unit «C1» or of a unit above it (the departments sheet or the database); the "
        "departments there: Công an xã; Tổ hòa giải",
        "opinions, 3, assigned_to: «Tổ hòa giải» không phải phòng ban của đơn vị «X1» hay đơn vị cấp trên "
        "(trang Phòng ban hoặc cơ sở dữ liệu); các phòng ban có: Công an xã / «Tổ hòa giải» is no department "
        "of unit «X1» or of a unit above it (the departments sheet or the database); the departments there: "
        "Công an xã",
        "opinions, 4, assigned_to: «Không có» không phải phòng ban của đơn vị «C2» hay đơn vị cấp trên "
        "(trang Phòng ban hoặc cơ sở dữ liệu); các phòng ban có: Phòng Kinh tế / «Không có» is no "
        "department of unit «C2» or of a unit above it (the departments sheet or the database); the "
        "departments there: Phòng Kinh tế",
        "opinions, 5, assigned_to: «Công an xã» không phải phòng ban của đơn vị «P» hay đơn vị cấp trên "
        "(trang Phòng ban hoặc cơ sở dữ liệu); các phòng ban có: — / «Công an xã» is no department of unit "
        "«P» or of a unit above it (the departments sheet or the database); the departments there: —",
    ]
    assert rows(path, "select count(*) from opinion") == [(0,)]
    # the same rows with their departments in the same file pass
    fixed = book(
        tmp_path / "fixed.xlsx",
        {
            "departments": [
                ["unit_id", "name"],
                ["P", "Phòng Kinh tế"],
                ["X1", "Tổ hòa giải"],
                ["P", "Không có"],
            ],
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text", "assigned_to"],
                ["O1", "10/01/2025", "C1", "Mương", "Phòng Kinh tế"],
                ["O2", "10/01/2025", "X1", "Đường", "Tổ hòa giải"],
                ["O3", "10/01/2025", "C2", "Chợ", "Không có"],
                ["O4", "10/01/2025", "P", "Điện", "Phòng Kinh tế"],
            ],
        },
    )
    done = ingest.import_files([fixed], path)
    assert done.imported, done.report_lines()
    assert rows(path, "select count(*) from opinion") == [(4,)]


# ---- held_on: not after today -------------------------------------------------------------------------------


def test_a_meeting_dated_after_today_is_refused_today_injectable(tmp_path):
    workbook = book(
        tmp_path / "meetings.xlsx",
        {
            "units": UNITS_SHEET,
            "meetings": [
                ["meeting_id", "cell_id", "held_on", "kind"],
                ["M1", "C1", "01/05/2024", "regular"],  # today: fine
                ["M2", "C1", "02/05/2024", "thematic"],  # 3: tomorrow
            ],
        },
    )
    report = Report()
    checked = validation.check_sources(
        reading.sources_from_paths([workbook], report), None, report, today=D(2024, 5, 1)
    )
    assert located(checked.problems) == [("meetings", 3, "held_on", "imp_held_after_today")]
    assert lines(checked.problems) == [
        "meetings, 3, held_on: Ngày họp 02/05/2024 sau hôm nay (01/05/2024) / Held on 02/05/2024, after today (01/05/2024)"
    ]
    report = Report()
    assert validation.check_sources(
        reading.sources_from_paths([workbook], report), None, report, today=D(2024, 5, 2)
    ).ok


# ---- answered_on: not after today ---------------------------------------------------------------------------


def test_an_answer_dated_after_today_is_refused_today_injectable(tmp_path):
    workbook = book(
        tmp_path / "answers.xlsx",
        {
            "units": UNITS_SHEET,
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text", "answered_on", "answer"],
                ["O1", "10/04/2024", "C1", "Mương", "01/05/2024", "Đã xử lý"],  # today: fine
                ["O2", "10/04/2024", "C1", "Đường", "02/05/2024", "Sẽ xử lý"],  # 3: tomorrow
            ],
        },
    )
    report = Report()
    sources = reading.sources_from_paths([workbook], report)
    checked = validation.check_sources(sources, None, report, today=D(2024, 5, 1))
    assert located(checked.problems) == [("opinions", 3, "answered_on", "imp_answered_after_today")]
    assert lines(checked.problems) == [
        "opinions, 3, answered_on: Ngày trả lời 02/05/2024 sau hôm nay (01/05/2024) / "
        "Answered on 02/05/2024, after today (01/05/2024)"
    ]
    report = Report()
    sources = reading.sources_from_paths([workbook], report)
    assert validation.check_sources(sources, None, report, today=D(2024, 5, 2)).ok
    # without `today`: the computer's date
    today = dt.date.today()
    real = book(
        tmp_path / "real.xlsx",
        {
            "units": UNITS_SHEET,
            "opinions": [
                ["opinion_id", "raised_on", "unit_id", "text", "answered_on"],
                ["O1", D(2024, 4, 10), "C1", "Mương", today],
                ["O2", D(2024, 4, 10), "C1", "Đường", today + dt.timedelta(days=1)],
            ],
        },
    )
    result = ingest.import_files([real], tmp_path / "none.duckdb", dry_run=True)
    assert located(result.problems) == [("opinions", 3, "answered_on", "imp_answered_after_today")]


# ---- attendance: members on the cell's roll that day ----------------------------------------------------------


def roll_database(path: Path) -> Path:
    members = pd.DataFrame({"member_id": ["m1", "m2", "m3", "m4", "m5"], "full_name": list("ABCDE")})
    membership = pd.DataFrame(
        {
            "member_id": ["m1", "m2", "m3", "m4", "m5"],
            "cell_id": ["C1", "C1", "C2", "C1", "C1"],
            "from_date": [D(2024, 1, 1), D(2020, 1, 1), D(2020, 1, 1), D(2024, 3, 5), D(2020, 1, 1)],
            "to_date": [None, D(2024, 3, 4), None, None, D(2024, 3, 5)],
        }
    )
    meeting = pd.DataFrame({"meeting_id": ["M1"], "cell_id": ["C1"], "held_on": [D(2024, 3, 5)]})
    return database(path, member=members, membership=membership, meeting=meeting)


def test_attendance_of_a_member_not_on_the_cells_roll_that_day_is_refused(tmp_path):
    path = roll_database(tmp_path / "db.duckdb")
    workbook = book(
        tmp_path / "attendance.xlsx",
        {
            "attendance": [
                ["meeting_id", "member_id", "status"],
                ["M1", "m1", "present"],
                ["M1", "m2", "present"],  # 3: left the cell the day before
                ["M1", "m3", "present"],  # 4: in another cell
                ["M1", "m4", "present"],  # joined that day: fine
                ["M1", "m5", "present"],  # left that day: fine
            ]
        },
    )
    result = ingest.import_files([workbook], path)
    assert located(result.problems) == [
        ("attendance", 3, "member_id", "imp_not_member_then"),
        ("attendance", 4, "member_id", "imp_not_member_then"),
    ]
    assert lines(result.problems) == [
        "attendance, 3, member_id: Đảng viên «m2» không sinh hoạt tại chi bộ «C1» vào ngày 05/03/2024 / "
        "Member «m2» was not in cell «C1» on 05/03/2024",
        "attendance, 4, member_id: Đảng viên «m3» không sinh hoạt tại chi bộ «C1» vào ngày 05/03/2024 / "
        "Member «m3» was not in cell «C1» on 05/03/2024",
    ]
    # the same files' memberships count, and replace the database's of the same key
    with_roll = book(
        tmp_path / "with_roll.xlsx",
        {
            "memberships": [
                ["member_id", "cell_id", "from_date", "to_date"],
                ["m3", "C1", "01/03/2024", None],  # m3 joins C1 too
                ["m1", "C1", "01/01/2024", "01/03/2024"],  # m1's membership now ends before the meeting
            ],
            "meetings": [["meeting_id", "cell_id", "held_on"], ["M2", "C1", "06/03/2024"]],
            "attendance": [
                ["meeting_id", "member_id", "status"],
                ["M1", "m3", "present"],
                ["M2", "m1", "present"],  # 3
                ["M2", "m4", "present"],
            ],
        },
    )
    result = ingest.import_files([with_roll], path)
    assert located(result.problems) == [("attendance", 3, "member_id", "imp_not_member_then")]
    fine = book(
        tmp_path / "fine.xlsx",
        {
            "attendance": [
                ["meeting_id", "member_id", "status"],
                ["M1", "m1", "present"],
                ["M1", "m4", "excused"],
                ["M1", "m5", "absent"],
            ]
        },
    )
    assert ingest.import_files([fine], path).imported
    assert rows(path, "select count(*) from attendance") == [(3,)]


# ---- one meeting of a kind per cell and day ----------------------------------------------------------------------


def test_a_second_meeting_of_a_kind_in_a_cell_on_one_day_is_refused(tmp_path):
    meeting = pd.DataFrame(
        {
            "meeting_id": ["M0", "MW"],
            "cell_id": ["C1", "C1"],
            "held_on": [D(2024, 3, 5), D(2024, 4, 5)],
            "kind": ["regular", "regular"],
            "withdrawn_reason": [None, "Nhập trùng"],
        }
    )
    path = database(tmp_path / "db.duckdb", meeting=meeting)
    workbook = book(
        tmp_path / "meetings.xlsx",
        {
            "meetings": [
                ["meeting_id", "cell_id", "held_on", "kind"],
                ["M1", "C1", "05/03/2024", "regular"],  # 2: M0 in the database
                ["M2", "C1", "05/03/2024", "thematic"],  # another kind: fine
                ["M3", "C1", "05/03/2024", "Chuyên đề"],  # 4: M2 above
                ["M4", "C1", "05/04/2024", "regular"],  # MW is withdrawn: fine
                ["M5", "C2", "05/03/2024", "regular"],  # another cell: fine
                ["M6", "C2", "05/03/2024", None],  # 7: regular when blank, as M5
            ]
        },
    )
    result = ingest.import_files([workbook], path)
    assert located(result.problems) == [
        ("meetings", 2, "held_on", "imp_same_day_meeting_stored"),
        ("meetings", 4, "held_on", "imp_same_day_meeting"),
        ("meetings", 7, "held_on", "imp_same_day_meeting"),
    ]
    assert lines(result.problems) == [
        "meetings, 2, held_on: Chi bộ «C1» đã có buổi sinh hoạt thường kỳ ngày 05/03/2024 trong cơ sở dữ "
        "liệu: «M0»; mỗi chi bộ chỉ một buổi cùng hình thức trong một ngày / Cell «C1» already has a regular "
        "meeting on 05/03/2024 in the database: «M0»; a cell holds one meeting of a kind a day",
        "meetings, 4, held_on: Chi bộ «C1» đã có buổi sinh hoạt chuyên đề ngày 05/03/2024: «M2» (meetings, "
        "3); mỗi chi bộ chỉ một buổi cùng hình thức trong một ngày / Cell «C1» already has a thematic meeting "
        "on 05/03/2024: «M2» (meetings, 3); a cell holds one meeting of a kind a day",
        "meetings, 7, held_on: Chi bộ «C2» đã có buổi sinh hoạt thường kỳ ngày 05/03/2024: «M5» (meetings, "
        "6); mỗi chi bộ chỉ một buổi cùng hình thức trong một ngày / Cell «C2» already has a regular meeting "
        "on 05/03/2024: «M5» (meetings, 6); a cell holds one meeting of a kind a day",
    ]
    # the meeting itself again (a new topic), and the valid rows, are taken
    fine = book(
        tmp_path / "fine.xlsx",
        {
            "meetings": [
                ["meeting_id", "cell_id", "held_on", "kind", "topic"],
                ["M0", "C1", "05/03/2024", "regular", "Sinh hoạt tháng 3"],
                ["M2", "C1", "05/03/2024", "thematic"],
                ["M4", "C1", "05/04/2024", "regular"],
                ["M5", "C2", "05/03/2024", "regular"],
            ]
        },
    )
    done = ingest.import_files([fine], path)
    assert done.imported, done.report_lines()
    assert rows(path, "select meeting_id from meeting order by meeting_id") == [
        ("M0",),
        ("M2",),
        ("M4",),
        ("M5",),
        ("MW",),
    ]
    # moving M0 to M4's day is refused against M4 in the database (a meeting judged as the file has it)
    moved = book(
        tmp_path / "moved.xlsx",
        {"meetings": [["meeting_id", "cell_id", "held_on"], ["M0", "C1", "05/04/2024"]]},
    )
    assert located(ingest.import_files([moved], path).problems) == [
        ("meetings", 2, "held_on", "imp_same_day_meeting_stored")
    ]


# ---- text within Excel's cell limit, whatever the column's kind ----------------------------------------------------


def test_text_over_32767_characters_is_refused_in_every_kind_of_text_column(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    long = "y" * 32_768
    (folder / "units.csv").write_text(f"unit_id,name,kind\nX,Xã,commune\n{long},Chi bộ,cell\n")  # id
    (folder / "departments.csv").write_text(f"unit_id,name\nX,{long}\nX,{'z' * 32_767}\n")  # text, a key
    (folder / "opinions.csv").write_text(
        "opinion_id,raised_on,unit_id,category,text\n"
        f"O1,01/02/2024,X,other,{long}\n"  # text
        f"O2,01/02/2024,X,{long},Đường\n"  # category
    )
    (folder / "meetings.csv").write_text(f"meeting_id,cell_id,held_on,topic\nM1,X,01/02/2024,{long}\n")
    result = ingest.import_files([folder], tmp_path / "none.duckdb", dry_run=True)
    too_long = [p for p in result.problems if p.code == "imp_too_long"]
    assert located(too_long) == [
        ("departments.csv", 2, "name", "imp_too_long"),
        ("meetings.csv", 2, "topic", "imp_too_long"),
        ("opinions.csv", 2, "text", "imp_too_long"),
        ("opinions.csv", 3, "category", "imp_too_long"),
        ("units.csv", 3, "unit_id", "imp_too_long"),
    ]
    reason = "Dài 32.768 ký tự, quá giới hạn 32.767 ký tự của một ô Excel / 32.768 characters long, over Excel's cell limit of 32.767"  # fmt: skip
    assert {p.line().split(": ", 1)[1] for p in too_long} == {reason}
    # the other problem: a meeting of a commune (the only other refusal)
    assert located([p for p in result.problems if p.code != "imp_too_long"]) == [
        ("meetings.csv", 2, "cell_id", "imp_not_a_cell")
    ]


# ---- the forms' way in: records built in code, the same Checker ------------------------------------------------------


def test_records_built_in_code_meet_the_same_rules(tmp_path):
    path = roll_database(tmp_path / "db.duckdb")
    where = Where("form", "attendance", "attendance")
    opinion_where = Where("form", "opinions", "opinion")
    records = {
        "attendance": [
            validation.Record(1, {"meeting_id": "M1", "member_id": "m2", "status": "present"}, where=where),
            validation.Record(2, {"meeting_id": "M1", "member_id": "m1", "status": "present"}, where=where),
        ],
        "opinion": [
            validation.Record(
                1,
                {
                    "opinion_id": "O1",
                    "raised_on": D(2024, 3, 1),
                    "unit_id": "C1",
                    "text": "Mương",
                    "assigned_to": "Phòng Y tế",
                    "answered_on": D(2024, 3, 3),
                },
                where=opinion_where,
            )
        ],
    }
    report = Report()
    con = db.reader(path)
    try:
        validation.Checker(records, con, report, today=D(2024, 3, 2)).run()
    finally:
        con.close()
    assert sorted(located(report.problems)) == [
        ("attendance", 1, "member_id", "imp_not_member_then"),
        ("opinions", 1, "answered_on", "imp_answered_after_today"),
        ("opinions", 1, "assigned_to", "imp_unknown_department"),
    ]


# ---- data_quality_warnings: what was stored before the rules ----------------------------------------------------------


def test_data_quality_warnings_lists_stored_rows_that_break_the_new_rules(tmp_path):
    path = tmp_path / "dq.duckdb"
    membership = pd.DataFrame(
        {
            "member_id": ["m1", "m2", "m3", "m3"],
            "cell_id": ["C1", "C1", "C1", "C2"],
            "from_date": [D(2020, 1, 1), D(2020, 1, 1), D(2020, 1, 1), D(2025, 1, 1)],
            "to_date": [None, None, D(2024, 12, 31), None],
        }
    )
    meeting = pd.DataFrame(
        {
            "meeting_id": ["M1", "M2", "M3", "M4", "M5", "M6"],
            "cell_id": ["C1", "C1", "C1", "C1", "C2", "C1"],
            "held_on": [D(2025, 1, 5)] * 4 + [D(2025, 1, 6), D(2025, 2, 5)],
            "kind": ["regular", "regular", "thematic", "regular", "regular", "regular"],
            "withdrawn_reason": [None, None, None, "Nhập trùng", None, "Nhập nhầm"],
        }
    )
    attendance = pd.DataFrame(
        {
            "meeting_id": ["M1", "M1", "M1", "M2", "M2", "M3", "M3", "M4", "M5", "M6"],
            "member_id": ["m1", "m2", "m3", "m1", "m2", "m1", "m2", "m3", "m3", "m3"],
            "status": "present",
        }
    )
    opinion = pd.DataFrame(
        {
            "opinion_id": [f"O{n}" for n in range(1, 9)],
            "raised_on": D(2025, 1, 10),
            "unit_id": ["C1", "C1", "C1", "C1", "C1", "C1", "X1", "X1"],
            "text": ["Mương", "Đường", "Chợ", "Điện", "Nước", "Cầu", "Trường", "Trạm"],
            "assigned_to": [
                "Công an xã",  # X1's: fine
                " Ban Dân vận Tỉnh ủy ",  # P's, trimmed: fine
                "Phòng Kinh tế",  # X2's: not in scope
                "Phòng Y tế",  # nowhere
                nfd("Công an xã"),  # NFC-equal: fine
                None,
                "Công an xã",  # the unit's own: fine
                "   ",  # blank: nothing asked
            ],
            "answered_on": [D(2025, 1, 20), None, None, None, None, D(2025, 3, 5), None, None],
        }
    )
    department = pd.DataFrame(
        {"unit_id": ["P", "X1", "X2"], "name": ["Ban Dân vận Tỉnh ủy", "Công an xã", "Phòng Kinh tế"]}
    )
    database(
        path,
        member=pd.DataFrame({"member_id": ["m1", "m2", "m3"], "full_name": list("ABC")}),
        membership=membership,
        meeting=meeting,
        attendance=attendance,
        opinion=opinion,
        department=department,
    )
    found = db.run(
        "data_quality_warnings",
        {"start": "2025-01-01", "end": "2025-06-30", "as_of": "2025-03-01"},
        path=path,
    )
    assert found[["check", "unit_id", "item_id", "on_date", "expected", "found", "detail"]].astype(
        object
    ).where(found.notna(), None).values.tolist() == [
        ["answered_after_as_of", "C1", "O6", pd.Timestamp(2025, 1, 10), None, 4, "Cầu"],  # 4 days after
        ["not_on_roll", "C1", "M1", pd.Timestamp(2025, 1, 5), None, None, "m3"],  # left C1 on 31/12/2024
        ["roll_vs_rows", "C1", "M1", pd.Timestamp(2025, 1, 5), 2, 3, None],  # the same row, as counted
        ["same_day_meetings", "C1", "M1", pd.Timestamp(2025, 1, 5), None, 2, "regular"],  # M4 withdrawn
        ["same_day_meetings", "C1", "M2", pd.Timestamp(2025, 1, 5), None, 2, "regular"],
        ["unknown_department", "C1", "O3", pd.Timestamp(2025, 1, 10), None, None, "Phòng Kinh tế"],
        ["unknown_department", "C1", "O4", pd.Timestamp(2025, 1, 10), None, None, "Phòng Y tế"],
    ]
    # a subtree without them: none
    other = db.run(
        "data_quality_warnings",
        {"start": "2025-01-01", "end": "2025-06-30", "as_of": "2025-03-01", "unit": "X2"},
        path=path,
    )
    assert other.empty


def test_the_meeting_warnings_follow_writes_as_a_full_rebuild_finds_them(tmp_path, monkeypatch):
    # meeting_warning (schema.sql) is written for the meetings a write changes, their cells' same-day
    # meetings and, when rolls change, every roll_vs_rows: after each write it holds what a rebuild would
    from cellboard.ingest import changes

    monkeypatch.setenv("CELLBOARD_USERS", str(tmp_path / "accounts.sqlite"))
    monkeypatch.setenv("CELLBOARD_BCRYPT_ROUNDS", "4")
    board = changes.Writer("board", "organisation_board", None)
    path = database(
        tmp_path / "mw.duckdb",
        member=pd.DataFrame({"member_id": ["m1", "m2"], "full_name": ["A", "B"]}),
        membership=pd.DataFrame({"member_id": ["m1", "m2"], "cell_id": "C1", "from_date": D(2020, 1, 1)}),
        meeting=pd.DataFrame(
            {
                "meeting_id": ["M1", "M2", "M3"],
                "cell_id": "C1",
                "held_on": [D(2025, 1, 5), D(2025, 1, 5), D(2025, 2, 5)],
            }
        ),
        attendance=pd.DataFrame(
            {
                "meeting_id": ["M1", "M1", "M2", "M2", "M3"],
                "member_id": ["m1", "m2", "m1", "m2", "m1"],
                "status": "present",
            }
        ),
    )

    def warnings() -> list[list[object]]:
        found = db.run(
            "data_quality_warnings",
            {"start": D(2025, 1, 1), "end": D(2025, 6, 30), "as_of": D(2025, 7, 1)},
            path=path,
        )
        return (
            found[["check", "item_id", "expected", "found"]]
            .astype(object)
            .where(found.notna(), None)
            .values.tolist()
        )

    def rebuilt_as_written() -> bool:
        fixture.as_rebuilt(path, "select * from meeting_warning order by all")  # asserts they are equal
        return True

    same_day = [["same_day_meetings", "M1", None, 2], ["same_day_meetings", "M2", None, 2]]
    assert warnings() == [["roll_vs_rows", "M3", 2, 1], *same_day]  # two on the roll, one row
    withdrawn = changes.withdraw_meeting(path, board, "M2", "Nhập trùng")
    assert warnings() == [["roll_vs_rows", "M3", 2, 1]] and rebuilt_as_written()  # M1 alone that day now
    marks = [{"member_id": "m2", "status": "absent", "reason": "work"}]
    changes.save_meeting(
        path,
        board,
        {
            "meeting_id": "M3",
            "cell_id": "C1",
            "held_on": D(2025, 2, 5),
            "kind": "regular",
            "topic": None,
            "marks": marks,
        },
    )
    assert warnings() == [] and rebuilt_as_written()
    changes.undo(path, board, withdrawn.write_id)
    assert warnings() == same_day and rebuilt_as_written()
    # a member leaving the roll: M1's and M2's rows are no longer the roll (derive_roll, whole)
    left = pd.DataFrame(
        {
            "member_id": ["m2"],
            "cell_id": "C1",
            "from_date": [D(2020, 1, 1)],
            "to_date": [D(2024, 12, 31)],
            "status": "active",
        }
    )
    fixture.apply(path, membership=left)
    assert (
        warnings()
        == [
            ["not_on_roll", "M1", None, None],
            ["not_on_roll", "M2", None, None],
            ["not_on_roll", "M3", None, None],
            ["roll_vs_rows", "M1", 1, 2],
            ["roll_vs_rows", "M2", 1, 2],
            ["roll_vs_rows", "M3", 1, 2],
            *same_day,
        ]
        and rebuilt_as_written()
    )


def test_the_schemas_checks_allow_exactly_the_import_formats_codes():
    """schema.sql cannot read cellboard/ingest/spec.py: each coded column's `check (... in (...))`
    repeats the format's codes, and must list the same ones in the same order."""
    schema = store.SCHEMA_FILE.read_text(encoding="utf-8")
    compared = []
    for sheet in ingest.SHEETS:
        table = re.search(rf"^create table {sheet.table} \((.*?)^\);", schema, re.MULTILINE | re.DOTALL)
        assert table, sheet.table
        for column in sheet.columns:
            if column.enum is None:
                continue
            name = column.name
            check = re.search(
                rf"\b{name} varchar[^,]*?check \(({name} is null or )?{name} in\s*\(([^)]*)\)", table[1]
            )
            assert check, (sheet.table, column.name)
            assert re.findall(r"'([^']*)'", check[2]) == list(ingest.ENUMS[column.enum]), (sheet.table, name)
            compared.append((sheet.table, name))
    assert len(compared) >= 7, compared  # kinds, statuses, reasons, levels, grades
