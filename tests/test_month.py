"""Month report (Báo cáo tháng, pages/month.py): a commune submits its cells' meetings in the app.

The named queries cell_roll and month_meetings with exact rows on tests/fixture.py; the write path's
refusals at library level (a member not on the roll, a second meeting the same day and kind, another
commune's cell); the page in AppTest: a meeting by form (preview, then save) and the participation
figures after it, refusals shown, the cells a commune may pick, a workbook checked then applied, a
workbook with a `units` sheet refused by name.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import apptools
import fixture
import pandas as pd
import pytest

from cellboard import auth, ingest
from cellboard.data import db
from cellboard.ingest import changes

PAGE = "pages/month.py"
FEB = {"start": "2025-02-01", "end": "2025-02-28"}


@pytest.fixture
def fresh_db(tmp_path):
    """A copy of tests/fixture.py's database of this test's own (writes swap the file)."""
    return fixture.write(tmp_path / "month.duckdb")


def writer_for(name: str) -> changes.Writer:
    return changes.Writer.of(auth.get_account(name))


def open_month(app_on, path, as_account: str = "x1", month: str = "2025-02-01", **query: str):
    at = app_on(path, as_account=as_account, **query)
    at.run()
    at.switch_page(PAGE).run()
    at.selectbox(key="month_month").set_value(dt.date.fromisoformat(month)).run()
    return at


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The rows as plain values: dates as dates, missing values as None."""

    def plain(value: object) -> object:
        if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
            return None
        return value.date() if isinstance(value, pd.Timestamp) else value

    return [
        tuple(plain(value) for value in row) for row in frame[columns].astype(object).itertuples(index=False)
    ]


# ---- the named queries ---------------------------------------------------------------------------


def test_cell_roll_lists_the_members_on_the_roll_that_day(fixture_db):
    c1 = db.run("cell_roll", {"cell": "C1", "as_of": "2025-02-12"}, path=fixture_db)
    # names in Vietnamese order; m4 exempt is pre-filled exempt, m3 (away) present like the others
    assert rows(c1, ["member_id", "full_name", "status", "mark", "from_date", "to_date"]) == [
        ("m3", "Lê Văn Cường", "away", "present", dt.date(2020, 1, 1), None),
        ("m1", "Nguyễn Văn An", "active", "present", dt.date(2020, 1, 1), None),
        ("m4", "Phạm Văn Dũng", "exempt", "exempt", dt.date(2020, 1, 1), None),
        ("m2", "Trần Thị Bình", "active", "present", dt.date(2020, 1, 1), None),
    ]
    # C2 ends on 31/01/2025: m5, m6 are on its roll that day and on C3's from 01/02 (Bùi < Đặng < Hoàng)
    c2 = db.run("cell_roll", {"cell": "C2", "as_of": "2025-01-31"}, path=fixture_db)
    assert rows(c2, ["member_id", "full_name", "to_date"]) == [
        ("m6", "Đặng Văn Phúc", dt.date(2025, 1, 31)),
        ("m5", "Hoàng Thị Én", dt.date(2025, 1, 31)),
    ]
    assert db.run("cell_roll", {"cell": "C2", "as_of": "2025-02-01"}, path=fixture_db).empty
    c3 = db.run("cell_roll", {"cell": "C3", "as_of": "2025-02-01"}, path=fixture_db)
    assert rows(c3, ["member_id", "mark"]) == [("m7", "present"), ("m6", "present"), ("m5", "present")]
    assert db.run("cell_roll", {"cell": "C3", "as_of": "2025-01-31"}, path=fixture_db).empty
    assert db.run("cell_roll", {"cell": "C4", "as_of": "2025-01-08"}, path=fixture_db).empty  # counts only


def test_cell_roll_is_scoped(fixture_db, accounts_store):
    # another commune's cell asked under that commune's unit: nothing; under the account's scope: refused
    assert db.run("cell_roll", {"unit": "X2", "cell": "C1", "as_of": "2025-02-12"}, path=fixture_db).empty
    x2 = auth.scope_of(auth.get_account("x2"))
    assert db.run("cell_roll", {"cell": "C1", "as_of": "2025-02-12"}, path=fixture_db, scope=x2).empty
    with pytest.raises(db.OutOfScope):
        db.run("cell_roll", {"unit": "X1", "cell": "C1", "as_of": "2025-02-12"}, path=fixture_db, scope=x2)


def test_month_meetings_lists_each_cell_with_its_meetings_or_none(fixture_db):
    january = db.run("month_meetings", {"start": "2025-01-01", "end": "2025-01-31"}, path=fixture_db)
    columns = ["commune_id", "cell_id", "reports_counts", "meeting_id", "held_on", "kind", "expected"]
    columns += ["exempt", "present", "excused", "absent"]
    assert rows(january, columns) == [
        ("X2", "C4", True, "M6", dt.date(2025, 1, 8), "regular", 10, 1, 8, 1, 0),
        ("X1", "C1", False, "M1", dt.date(2025, 1, 10), "regular", 4, 1, 2, 1, 0),
        ("X1", "C2", False, "M4", dt.date(2025, 1, 15), "regular", 2, 0, 1, 0, 1),
    ]
    assert january["attendance_rate"].tolist() == pytest.approx([8 / 9, 2 / 3, 1 / 2])
    # February: C2 has ended; C4 held nothing (one row without a meeting); names in Vietnamese order
    february = db.run("month_meetings", FEB, path=fixture_db)
    assert rows(february, ["commune", "cell", "meeting_id", "held_on", "kind"]) == [
        ("Phường Đông Hải", "Chi bộ khu phố 1", None, None, None),
        ("Xã An Bình", "Chi bộ thôn Đoàn Kết", "M5", dt.date(2025, 2, 20), "regular"),
        ("Xã An Bình", "Chi bộ thôn Đông", "M2", dt.date(2025, 2, 12), "thematic"),
        ("Xã An Bình", "Chi bộ thôn Đông", "M3", dt.date(2025, 2, 25), "extraordinary"),
    ]
    assert february["reports_counts"].tolist() == [True, False, False, False]  # C4's latest: counts
    assert db.run("month_meetings", {**FEB, "unit": "X2"}, path=fixture_db)["cell_id"].tolist() == ["C4"]
    # a month before any meeting: every cell that existed, none met, none known to report counts
    march_2024 = db.run("month_meetings", {"start": "2024-03-01", "end": "2024-03-31"}, path=fixture_db)
    assert rows(march_2024, ["cell_id", "reports_counts", "meeting_id"]) == [
        ("C4", False, None),
        ("C1", False, None),
        ("C2", False, None),
    ]


# ---- the write path, at library level -----------------------------------------------------------

NEW_C1 = {
    "meeting_id": None,
    "cell_id": "C1",
    "held_on": dt.date(2025, 2, 5),
    "kind": "regular",
    "topic": None,
}
C1_MARKS = [
    {"member_id": "m1", "status": "present"},
    {"member_id": "m2", "status": "present"},
    {"member_id": "m3", "status": "excused", "reason": "away"},
    {"member_id": "m4", "status": "exempt"},
]


def refused_lines(call, *args) -> list[str]:
    with pytest.raises(changes.Refused) as refused:
        call(*args)
    return refused.value.messages("vi")


def test_a_member_not_on_the_roll_is_refused_by_name(fresh_db, accounts_store):
    x1 = writer_for("x1")
    args = NEW_C1 | {"marks": [*C1_MARKS, {"member_id": "m5", "status": "present"}]}
    expected = [
        "Điểm danh, 5, Mã đảng viên: Đảng viên «m5» không sinh hoạt tại chi bộ «C1» vào ngày 05/02/2025"
    ]
    assert refused_lines(changes.preview_meeting, fresh_db, x1, args) == expected
    before = db.file_identity(fresh_db)
    assert refused_lines(changes.save_meeting, fresh_db, x1, args) == expected
    assert db.file_identity(fresh_db) == before  # nothing written


def test_a_second_meeting_of_a_kind_the_same_day_is_refused(fresh_db, accounts_store):
    args = NEW_C1 | {"held_on": dt.date(2025, 2, 12), "kind": "thematic", "marks": C1_MARKS}
    assert refused_lines(changes.save_meeting, fresh_db, writer_for("x1"), args) == [
        "Buổi sinh hoạt, Ngày họp: Chi bộ «C1» đã có buổi sinh hoạt chuyên đề ngày 12/02/2025 trong cơ sở "
        "dữ liệu: «M2»; mỗi chi bộ chỉ một buổi cùng hình thức trong một ngày"
    ]


def test_a_forged_save_for_another_communes_cell_is_refused(fresh_db, accounts_store):
    counts = {"expected": 10, "present": 8, "excused": 1, "absent": 0, "exempt": 1}
    forged = NEW_C1 | {"cell_id": "C4", "counts": counts}
    before = db.file_identity(fresh_db)
    assert refused_lines(changes.save_meeting, fresh_db, writer_for("x1"), forged) == [
        "Buổi sinh hoạt, Mã chi bộ: C4 nằm ngoài phạm vi của tài khoản (đơn vị X1)"
    ]
    # a meeting of X1's cell C1 with its marks, sent by X2: the meeting and every mark refused
    outside = "nằm ngoài phạm vi của tài khoản (đơn vị X2)"
    assert refused_lines(changes.save_meeting, fresh_db, writer_for("x2"), NEW_C1 | {"marks": C1_MARKS}) == [
        f"Buổi sinh hoạt, Mã chi bộ: C1 {outside}",
        *[f"Điểm danh, {n}, Mã buổi sinh hoạt: C1-20250205-regular-1 {outside}" for n in (1, 2, 3, 4)],
    ]
    assert db.file_identity(fresh_db) == before
    # the commune's own cell with counts that do not add up: refused, naming the field
    bad = forged | {"counts": counts | {"present": 9}}
    assert refused_lines(changes.save_meeting, fresh_db, writer_for("x2"), bad) == [
        "Buổi sinh hoạt, Số phải dự: Có mặt + vắng có lý do + vắng không lý do + miễn = 11, khác số phải dự 10"
    ]


def counts_runs(path) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * from counts_run order by cell_id, first_on").fetchall()
    finally:
        con.close()


def test_a_cell_that_changes_how_it_reports_is_read_from_runs_each_write_keeps_in_step(
    fresh_db, tmp_path, accounts_store
):
    import duckdb

    from cellboard.data import store

    x1 = writer_for("x1")
    march = {"start": "2025-03-01", "end": "2025-03-31", "unit": "X1"}
    # C1 reports names (10/01, 12/02, 25/02); on 05/03 it sends counts, on 20/03 names again
    counts = {"expected": 4, "exempt": 1, "present": 2, "excused": 1, "absent": 0}
    changes.save_meeting(fresh_db, x1, NEW_C1 | {"held_on": dt.date(2025, 3, 5), "counts": counts})
    assert rows(db.run("month_meetings", march, path=fresh_db), ["cell_id", "reports_counts"]) == [
        ("C3", False),
        ("C1", True),
    ]
    later = NEW_C1 | {"held_on": dt.date(2025, 3, 20), "marks": C1_MARKS}
    changes.save_meeting(fresh_db, x1, later)
    both = db.run("month_meetings", march, path=fresh_db)
    assert rows(both, ["cell_id", "held_on", "reports_counts"]) == [
        ("C3", None, False),
        ("C1", dt.date(2025, 3, 5), False),
        ("C1", dt.date(2025, 3, 20), False),
    ]
    # up to 10/03 its latest meeting is the one by counts; February's stays by names
    early = db.run("month_meetings", {**march, "end": "2025-03-10"}, path=fresh_db)
    assert rows(early, ["cell_id", "reports_counts"]) == [("C3", False), ("C1", True)]
    assert db.run("month_meetings", {**FEB, "unit": "X1"}, path=fresh_db)["reports_counts"].tolist() == [
        False,
        False,
        False,
    ]
    assert counts_runs(fresh_db) == [
        ("C1", dt.date(2025, 1, 10), dt.date(2025, 3, 5), False),
        ("C1", dt.date(2025, 3, 5), dt.date(2025, 3, 20), True),
        ("C1", dt.date(2025, 3, 20), None, False),
        ("C2", dt.date(2025, 1, 15), None, False),
        ("C3", dt.date(2025, 2, 20), None, False),
        ("C4", dt.date(2025, 1, 8), None, True),
    ]
    # the later meeting withdrawn: counts again; the runs are those a full rebuild makes
    changes.withdraw_meeting(fresh_db, x1, "C1-20250320-regular-1", "nhập nhầm")
    assert rows(db.run("month_meetings", march, path=fresh_db), ["cell_id", "reports_counts"]) == [
        ("C3", False),
        ("C1", True),
    ]
    written = counts_runs(fresh_db)
    assert written[:2] == [
        ("C1", dt.date(2025, 1, 10), dt.date(2025, 3, 5), False),
        ("C1", dt.date(2025, 3, 5), None, True),
    ]
    full = tmp_path / "full.duckdb"
    full.write_bytes(fresh_db.read_bytes())
    con = duckdb.connect(str(full))
    con.execute("begin")
    store.rebuild_derived(con)
    con.execute("commit")
    con.close()
    assert counts_runs(full) == written


# ---- the page --------------------------------------------------------------------------------------


def roll_editor(at):
    return next(frame for frame in at.dataframe if "member_id" in frame.value.columns)


def edit_roll(at, edits: dict[int, dict[str, object]]):
    """Edit cells of the roll as a browser does: the data editor's state is JSON of the rows edited
    (by position), added and deleted; it goes to the next run by the element's id."""
    element = roll_editor(at)
    states = at._tree.get_widget_states()
    kept = [state for state in states.widgets if state.id != element.proto.id]
    del states.widgets[:]
    states.widgets.extend(kept)
    state = states.widgets.add()
    state.id = element.proto.id
    state.string_value = json.dumps(
        {
            "edited_rows": {str(row): values for row, values in edits.items()},
            "added_rows": [],
            "deleted_rows": [],
        }
    )
    return at._run(states)


def fill_form(at, cell: str, day: dt.date, kind: str = "regular", topic: str = ""):
    at.selectbox(key="month_cell").set_value(cell).run()
    at.date_input(key="month_date").set_value(day).run()
    at.selectbox(key="month_kind").set_value(kind).run()
    if topic:
        next(box for box in at.text_input if box.key.startswith("month_topic")).input(topic).run()
    return at


def shown_table(at, column: str) -> pd.DataFrame:
    return apptools.shown(next(frame for frame in at.dataframe if column in frame.value.columns))


def errors(at) -> str:
    return "\n".join(error.value for error in at.error)


def unescaped(value: str) -> str:
    return value.replace("\\", "")


def participation_tiles(at) -> tuple[str, str]:
    """The Participation page's attendance rate and meetings, as shown."""
    metrics = {metric.label: metric.value for metric in at.metric}
    return metrics["Tỷ lệ đảng viên dự sinh hoạt"], metrics["Số buổi sinh hoạt"]


def test_a_commune_submits_a_meeting_and_participation_shows_it(app_on, fresh_db):
    feb = {"start": "2025-02-01", "end": "2025-02-28", "unit": "X1"}
    trend = db.run("participation_trend", feb, path=fresh_db)
    # February in Xã An Bình: M2 (3 of 4 - 1 exempt), M3 (2 of 3), M5 (3 of 3): 8 / 9
    assert trend[["meetings", "expected", "exempt", "present", "excused", "absent"]].values.tolist() == [
        [3, 11, 2, 8, 1, 0]
    ]
    at = open_month(app_on, fresh_db, **{"from": "2025-02-01", "to": "2025-02-28"})
    assert not at.exception
    assert {metric.label: metric.value for metric in at.metric} == {
        "Số chi bộ": "2",
        "Chi bộ đã sinh hoạt": "2",
        "Chi bộ chưa sinh hoạt": "0",
    }
    assert shown_table(at, "Ngày họp")["Ngày họp"].tolist() == ["20/02/2025", "12/02/2025", "25/02/2025"]
    # the commune picks only its own cells, and has no commune to pick
    assert at.selectbox(key="month_cell").options == ["Chi bộ thôn Đoàn Kết", "Chi bộ thôn Đông"]
    assert "month_commune" not in [box.key for box in at.selectbox]
    fill_form(at, "C1", dt.date(2025, 2, 5), topic="Học tập *nghị quyết*")
    assert roll_editor(at).value[["member_id", "status"]].values.tolist() == [
        ["m3", "present"],
        ["m1", "present"],
        ["m4", "exempt"],
        ["m2", "present"],
    ]
    edit_roll(at, {0: {"status": "excused", "reason": "away"}})  # Lê Văn Cường is away
    at.button(key="month_preview").click().run()
    assert not at.exception and not at.error
    assert shown_table(at, "Thêm mới").values.tolist() == [
        ["Buổi sinh hoạt", "1", "0", "0"],
        ["Điểm danh", "4", "0", "0"],
    ]
    at.button(key="month_save").click().run()
    assert not at.exception and not at.error
    saved = unescaped(at.success[0].value)
    assert saved.startswith(
        "Đã ghi buổi sinh hoạt C1-20250205-regular-1 của Chi bộ thôn Đông ngày 05/02/2025: 5 dòng"
    )
    # the month's table has it at once
    assert shown_table(at, "Ngày họp")["Ngày họp"].tolist() == [
        "20/02/2025",
        "05/02/2025",
        "12/02/2025",
        "25/02/2025",
    ]
    meetings = db.run("cell_meetings", {**feb, "cell": "C1"}, path=fresh_db)
    new = meetings[meetings["meeting_id"] == "C1-20250205-regular-1"]
    assert new[["topic", "expected", "exempt", "present", "excused", "absent", "away"]].values.tolist() == [
        ["Học tập *nghị quyết*", 4, 1, 2, 1, 0, 1]
    ]
    trend = db.run("participation_trend", feb, path=fresh_db)
    assert trend[["meetings", "expected", "exempt", "present", "excused", "absent"]].values.tolist() == [
        [4, 15, 3, 10, 2, 0]
    ]
    # Participation, in the same session: 10 / 12 = 83,3% (it was 8 / 9 = 88,9%)
    at.switch_page("pages/participation.py").run()
    assert not at.exception
    assert participation_tiles(at) == ("83,3%", "4")


def test_the_participation_page_before_the_write(app_on, fixture_db):
    at = app_on(fixture_db, as_account="x1", **{"from": "2025-02-01", "to": "2025-02-28"})
    at.run()
    at.switch_page("pages/participation.py").run()
    assert participation_tiles(at) == ("88,9%", "3")


def test_a_refused_meeting_shows_every_message_and_keeps_what_was_typed(app_on, fresh_db):
    at = open_month(app_on, fresh_db)
    fill_form(at, "C1", dt.date(2025, 2, 12), kind="thematic", topic="Chuyên đề quý I")
    edit_roll(at, {3: {"status": "absent", "reason": "work"}})
    before = db.file_identity(fresh_db)
    at.button(key="month_preview").click().run()
    assert not at.exception
    assert unescaped(errors(at)).splitlines() == [
        "Chưa ghi: 1 lỗi cần sửa. Không có gì được ghi.",
        "",
        "- Buổi sinh hoạt, Ngày họp: Chi bộ «C1» đã có buổi sinh hoạt chuyên đề ngày 12/02/2025 trong cơ sở "
        "dữ liệu: «M2»; mỗi chi bộ chỉ một buổi cùng hình thức trong một ngày",
    ]
    assert "month_save" not in [button.key for button in at.button]
    assert db.file_identity(fresh_db) == before
    # what was typed stays: the topic and the mark edited
    assert next(box for box in at.text_input if box.key.startswith("month_topic")).value == "Chuyên đề quý I"
    assert at.selectbox(key="month_kind").value == "thematic"
    assert at.date_input(key="month_date").value == dt.date(2025, 2, 12)
    # a regular meeting that day is allowed: the preview now offers the save
    at.selectbox(key="month_kind").set_value("regular").run()
    at.button(key="month_preview").click().run()
    assert not at.error and "month_save" in [button.key for button in at.button]


def test_english(app_on, fixture_db):
    at = open_month(app_on, fixture_db, lang="en")
    assert not at.exception
    assert at.title[0].value == "Monthly report"
    assert [metric.label for metric in at.metric] == ["Cells", "Cells that met", "Cells not met yet"]
    assert at.button(key="month_preview").label == "Preview"
    assert at.selectbox(key="month_kind").options == ["Regular", "Thematic", "Extraordinary"]
    held = shown_table(at, "Held on")
    assert held["Held on"].tolist() == ["20/02/2025", "12/02/2025", "25/02/2025"]  # dd/mm/yyyy
    assert held["Attendance rate"].tolist() == ["100.0%", "100.0%", "66.7%"]


def test_an_administrator_picks_a_commune_first_and_a_cell_reporting_counts(app_on, fresh_db):
    at = open_month(app_on, fresh_db, as_account="admin")
    assert not at.exception
    assert at.selectbox(key="month_commune").options == ["Phường Đông Hải", "Xã An Bình"]
    assert [info.value for info in at.info] == [
        "Chọn một xã, phường để xem và ghi báo cáo tháng của các chi bộ."
    ]
    at.selectbox(key="month_commune").set_value("X2").run()
    assert at.selectbox(key="month_cell").options == ["Chi bộ khu phố 1"]
    assert {metric.label: metric.value for metric in at.metric}["Chi bộ chưa sinh hoạt"] == "1"
    assert shown_table(at, "Chi bộ")["Chi bộ"].tolist() == ["Chi bộ khu phố 1"]  # not met yet
    # C4 reports counts: the five counts, not a roll
    assert at.toggle[0].value is True
    fill_form(at, "C4", dt.date(2025, 2, 10))
    values = {"expected": 12, "exempt": 1, "present": 9, "excused": 1, "absent": 2}
    for name, value in values.items():
        next(box for box in at.number_input if box.key.startswith(f"month_count_{name}_")).set_value(
            value
        ).run()
    at.button(key="month_preview").click().run()
    assert unescaped(errors(at)).splitlines()[-1] == (
        "- Buổi sinh hoạt, Số phải dự: Có mặt + vắng có lý do + vắng không lý do + miễn = 13, khác số phải dự 12"
    )
    next(box for box in at.number_input if box.key.startswith("month_count_absent_")).set_value(1).run()
    at.button(key="month_preview").click().run()
    at.button(key="month_save").click().run()
    assert not at.exception and not at.error
    february = db.run("month_meetings", {**FEB, "unit": "X2"}, path=fresh_db)
    assert rows(february, ["meeting_id", "expected", "exempt", "present", "excused", "absent"]) == [
        ("C4-20250210-regular-1", 12, 1, 9, 1, 1)
    ]
    assert {metric.label: metric.value for metric in at.metric}["Chi bộ chưa sinh hoạt"] == "0"


# ---- a workbook -------------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """A tiny .xlsx: each sheet's header row, then its rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, lines in sheets.items():
        sheet = book.create_sheet(name)
        for line in lines:
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# C3 meets again on 26/02/2025: m5 and m7 present, m6 absent (work)
C3_MONTH = {
    "meetings": [
        ["meeting_id", "cell_id", "held_on", "kind", "topic"],
        ["W1", "C3", "2025-02-26", "regular", "Tháng 2"],
    ],
    "attendance": [
        ["meeting_id", "member_id", "status", "reason"],
        ["W1", "m5", "present", None],
        ["W1", "m6", "absent", "work"],
        ["W1", "m7", "present", None],
    ],
}


def upload(at, name: str, content: bytes):
    at.file_uploader(key="month_upload").set_value((name, content, "application/octet-stream"))
    return at.run()


def test_a_commune_checks_then_applies_a_workbook(app_on, fresh_db):
    at = open_month(app_on, fresh_db)
    assert [button.label for button in at.get("download_button")][-1] == "Tải mẫu Excel"
    before = db.file_identity(fresh_db)
    upload(at, "thang2.xlsx", workbook(C3_MONTH))
    assert not at.exception and not at.error
    assert any("4 dòng sẵn sàng để ghi" in success.value for success in at.success)
    assert [(box.label, box.state) for box in at.status] == [
        ("Đã kiểm tra tệp", "complete")
    ]  # not "checking"
    assert shown_table(at, "Thêm mới").values.tolist() == [
        ["Buổi sinh hoạt", "1", "0", "0"],
        ["Điểm danh", "3", "0", "0"],
    ]
    assert db.file_identity(fresh_db) == before  # a dry run writes nothing
    at.button(key="month_apply").click().run()
    assert not at.exception and not at.error
    assert any("Đã ghi dữ liệu của tệp: 4 dòng." in success.value for success in at.success)
    february = db.run("month_meetings", {**FEB, "unit": "X1"}, path=fresh_db)
    assert rows(february, ["cell_id", "meeting_id", "expected", "present", "absent"])[:2] == [
        ("C3", "M5", 3, 3, 0),
        ("C3", "W1", 3, 2, 1),
    ]
    # Xã An Bình's February: 8 / 9 before, (8 + 2) / (9 + 3) after
    trend = db.run("participation_trend", {**FEB, "unit": "X1"}, path=fresh_db)
    assert trend[["meetings", "present", "expected", "exempt"]].values.tolist() == [[4, 10, 14, 2]]
    assert shown_table(at, "Ngày họp")["Ngày họp"].tolist() == [
        "20/02/2025",
        "26/02/2025",
        "12/02/2025",
        "25/02/2025",
    ]


def test_a_commune_workbook_with_a_units_sheet_is_refused_by_name(app_on, fresh_db):
    at = open_month(app_on, fresh_db)
    units = [["unit_id", "name", "kind", "parent_id"], ["C9", "Chi bộ mới", "cell", "X1"]]
    before = db.file_identity(fresh_db)
    upload(at, "donvi.xlsx", workbook({**C3_MONTH, "units": units}))
    assert not at.exception
    assert "month_apply" not in [button.key for button in at.button]
    report = shown_table(at, "Lý do")
    assert report.to_dict("records") == [  # the sheet named; the rows of the other sheets were fine
        {
            "Tệp": "donvi.xlsx",
            "Trang tính": "units",
            "Dòng": "–",
            "Cột": "",
            "Lý do": "Tài khoản x1 (vai trò commune) không được ghi trang này",
        }
    ]
    assert db.file_identity(fresh_db) == before


def test_the_month_pages_template_workbook_is_made_when_clicked(app_on, fixture_db, monkeypatch):
    """The workbook section's template is handed over as a function, not made when the page draws:
    the server's peak at M was 15 to 20 MiB higher once this page had loaded openpyxl and lxml."""
    handed = apptools.recorded_downloads(monkeypatch, made=False)
    at = open_month(app_on, fixture_db)
    assert not at.exception, at.exception
    apptools.check_template(dict(handed)[f"{ingest.TEMPLATE_NAME}.xlsx"])


def test_a_day_typed_outside_the_month_is_refused_by_name_and_kept_not_replaced(app_on, fresh_db):
    at = open_month(app_on, fresh_db)
    assert at.date_input(key="month_date").value == dt.date(2025, 2, 28)  # the month's last day
    fill_form(at, "C1", dt.date(2025, 1, 29), topic="Sinh hoạt tháng 2")
    assert not at.exception
    assert at.date_input(key="month_date").value == dt.date(2025, 1, 29)  # as typed
    assert errors(at) == (
        "Ngày sinh hoạt 29/01/2025 không thuộc tháng đang báo cáo: chọn một ngày từ 01/02/2025 đến 28/02/2025."
    )
    assert "month_preview" not in [button.key for button in at.button]
    # the day put right: the form again, with what was typed
    at.date_input(key="month_date").set_value(dt.date(2025, 2, 3)).run()
    assert not at.error and "month_preview" in [button.key for button in at.button]
    assert (
        next(box for box in at.text_input if box.key.startswith("month_topic")).value == "Sinh hoạt tháng 2"
    )
    # another month picked: the day follows it
    at.selectbox(key="month_month").set_value(dt.date(2025, 1, 1)).run()
    assert at.date_input(key="month_date").value == dt.date(2025, 1, 31)
