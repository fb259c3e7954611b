"""Correcting meetings (pages/corrections.py) and its queries: exact rows on tests/fixture.py's database
before and after writes made through cellboard.ingest.changes, and the page in AppTest (a correction,
a withdrawal and an undo change the named queries' figures at once; a refused write is shown; scope and
the standing committee's read-only view).

Worked out from tests/fixture.py, January-February 2025, Xã An Bình (X1): M1 (C1, 10/01: m1, m2
present, m3 excused away, m4 exempt: 2 of 3), M2 (3 of 3), M3 (2 of 3), M4 (C2: 1 of 2), M5 (C3: 3 of
3): 11 present of 14 expected, 78,6%. Correcting m3 to present at M1 makes it 12 of 14, 85,7%, and
January 4 of 5 (was 3 of 5). Phường Đông Hải (X2): M6 (C4, counts 10 expected, 1 exempt, 8 present,
1 excused).
"""

from __future__ import annotations

import datetime as dt

import apptools
import fixture
import pandas as pd
import pytest

from cellboard.data import db
from cellboard.ingest import changes
from cellboard.text import escape_markdown as plain

PAGE = "pages/corrections.py"
JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
WINDOW = {"start": "2025-01-01", "end": "2025-02-28"}
BOARD = changes.Writer("board", "organisation_board", "P")
TOPIC = "Học tập Nghị quyết *số 1*"  # typed text: shown as text, never markdown
M1_FIXED = {  # board's correction of M1: m3 present (was excused, away), a topic
    "meeting_id": "M1",
    "cell_id": "C1",
    "held_on": "2025-01-10",
    "kind": "regular",
    "topic": TOPIC,
    "marks": [{"member_id": "m3", "status": "present", "reason": None}],
}
LISTED = ["meeting_id", "cell", "held_on", "kind", "topic", "from_counts", "expected", "exempt", "present"]
LISTED += ["excused", "absent", "attendance_rate", "withdrawn_reason", "writes", "matching"]
HISTORY = ["account", "origin", "action", "table_name", "member_id", "full_name", "field", "old_value"]
HISTORY += ["new_value"]


@pytest.fixture
def data(tmp_path):
    """A fresh copy of the fixture database: these tests write to it."""
    return fixture.write(tmp_path / "corrections.duckdb")


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    out = []
    for record in frame[columns].itertuples(index=False):
        values = []
        for value in record:
            if isinstance(value, pd.Timestamp):
                value = value.date()
            elif isinstance(value, float) and value == value:
                value = round(value, 4)
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            values.append(value)
        out.append(tuple(values))
    return out


def listed(path, scope=db.EVERYTHING, **params) -> list[tuple]:
    return rows(db.run("meetings_to_correct", {**WINDOW, **params}, path=path, scope=scope), LISTED)


def history(path, meeting: str, scope=db.EVERYTHING) -> pd.DataFrame:
    return db.run("meeting_history", {"meeting": meeting}, path=path, scope=scope)


def x1_rate(path, **window) -> float:
    trend = db.run("participation_trend", {**WINDOW, **window, "unit": "X1"}, path=path)
    return trend["present"].sum() / (trend["expected"].sum() - trend["exempt"].sum())


D = dt.date
M3 = (
    "M3",
    "Chi bộ thôn Đông",
    D(2025, 2, 25),
    "extraordinary",
    None,
    False,
    4,
    1,
    2,
    1,
    0,
    0.6667,
    None,
    0,
    6,
)
M5 = ("M5", "Chi bộ thôn Đoàn Kết", D(2025, 2, 20), "regular", None, False, 3, 0, 3, 0, 0, 1.0, None, 0, 6)
M2 = ("M2", "Chi bộ thôn Đông", D(2025, 2, 12), "thematic", None, False, 4, 1, 3, 0, 0, 1.0, None, 0, 6)
M4 = ("M4", "Chi bộ thôn Tây", D(2025, 1, 15), "regular", None, False, 2, 0, 1, 0, 1, 0.5, None, 0, 6)
M1 = ("M1", "Chi bộ thôn Đông", D(2025, 1, 10), "regular", None, False, 4, 1, 2, 1, 0, 0.6667, None, 0, 6)
M6 = ("M6", "Chi bộ khu phố 1", D(2025, 1, 8), "regular", None, True, 10, 1, 8, 1, 0, 0.8889, None, 0, 6)


def with_matching(row: tuple, matching: int) -> tuple:
    return (*row[:-1], matching)


# ---- the queries ---------------------------------------------------------------------------------


def test_meetings_to_correct_lists_the_windows_meetings_newest_first(fixture_db):
    assert listed(fixture_db) == [M3, M5, M2, M4, M1, M6]
    assert listed(fixture_db, limit=2) == [M3, M5]  # matching still counts all six
    # one meeting by its id, whatever the window
    assert listed(fixture_db, start="2030-01-01", end="2030-12-31", meeting="M4") == [with_matching(M4, 1)]


def test_meetings_to_correct_searches_the_cells_name_without_accents_or_case(fixture_db):
    found = [with_matching(row, 3) for row in (M3, M2, M1)]
    assert listed(fixture_db, text="thon dong") == found
    assert listed(fixture_db, text="  THÔN ĐÔNG ") == found
    assert listed(fixture_db, text="thôn   đông") == found  # a run of spaces typed as one
    assert listed(fixture_db, text="doan ket") == [with_matching(M5, 1)]
    assert listed(fixture_db, text="") == [M3, M5, M2, M4, M1, M6]  # blank: every cell
    assert listed(fixture_db, text="không có") == []


def test_meetings_to_correct_stays_in_the_subtree(fixture_db):
    assert listed(fixture_db, db.Scope("X2")) == [with_matching(M6, 1)]
    assert listed(fixture_db, db.Scope("X2"), meeting="M1") == []
    assert [row[0] for row in listed(fixture_db, db.Scope("X1"))] == ["M3", "M5", "M2", "M4", "M1"]


def test_meetings_to_correct_orders_the_last_listed_days_meetings_by_cell_name(data):
    # two more meetings on M3's day (25/02), one withdrawn: with a limit, the day of the last one
    # listed is ordered by cell name in Vietnamese order (khu phố 1, thôn Đoàn Kết, thôn Đông), then id
    changes.save_meeting(
        data, BOARD, {"cell_id": "C3", "held_on": "2025-02-25", "kind": "regular",
                      "marks": [{"member_id": "m5", "status": "present", "reason": None}]}
    )  # fmt: skip
    changes.save_meeting(
        data, BOARD, {"cell_id": "C4", "held_on": "2025-02-25", "kind": "regular",
                      "counts": {"expected": 2, "present": 2, "excused": 0, "absent": 0, "exempt": 0}}
    )  # fmt: skip
    changes.withdraw_meeting(data, BOARD, "C4-20250225-regular-1", "Nhập trùng")
    day = [("C4-20250225-regular-1", "Chi bộ khu phố 1", "Nhập trùng", 8),
           ("C3-20250225-regular-1", "Chi bộ thôn Đoàn Kết", None, 8), ("M3", "Chi bộ thôn Đông", None, 8)]  # fmt: skip
    columns = ["meeting_id", "cell", "withdrawn_reason", "matching"]
    for limit in (1, 2, 3):
        found = db.run("meetings_to_correct", {**WINDOW, "limit": limit}, path=data)
        assert rows(found, columns) == day[:limit]
    assert rows(db.run("meetings_to_correct", {**WINDOW, "limit": 4}, path=data), columns)[3] == (
        "M5", "Chi bộ thôn Đoàn Kết", None, 8
    )  # fmt: skip
    figures = ["expected", "exempt", "present", "from_counts", "writes"]
    assert rows(db.run("meetings_to_correct", {**WINDOW, "limit": 2}, path=data), figures) == [
        (2, 0, 2, True, 2), (1, 0, 1, False, 1)
    ]  # fmt: skip


def test_both_queries_after_a_correction_and_a_withdrawal(data):
    written = changes.save_meeting(data, BOARD, M1_FIXED)
    assert written.changed == {"meeting": 1, "attendance": 1}
    withdrawn = changes.withdraw_meeting(data, BOARD, "M6", "Nhập trùng")
    # M1: m3 present now, 3 of 3; M6 withdrawn, its figures kept (counts), counted nowhere
    assert listed(data, meeting="M1") == [
        ("M1", "Chi bộ thôn Đông", D(2025, 1, 10), "regular", TOPIC, False, 4, 1, 3, 0, 0, 1.0, None, 1, 1)
    ]
    assert listed(data, meeting="M6") == [
        (
            "M6",
            "Chi bộ khu phố 1",
            D(2025, 1, 8),
            "regular",
            None,
            True,
            10,
            1,
            8,
            1,
            0,
            0.8889,
            "Nhập trùng",
            1,
            1,
        )
    ]
    assert rows(history(data, "M1"), ["write_id", *HISTORY, "undone_by"]) == [
        (written.write_id, "board", "app", "correct", "meeting", None, None, "topic", None, TOPIC, None),
        (written.write_id, "board", "app", "correct", "attendance", "m3", "Lê Văn Cường", "status", "excused", "present", None),
        (written.write_id, "board", "app", "correct", "attendance", "m3", "Lê Văn Cường", "reason", "away", None, None),
    ]  # fmt: skip
    assert rows(history(data, "M6"), ["write_id", *HISTORY]) == [
        (
            withdrawn.write_id,
            "board",
            "app",
            "withdraw",
            "meeting",
            None,
            None,
            "withdrawn_reason",
            None,
            "Nhập trùng",
        )
    ]
    # names only for scopes that may see them; none of another commune's meetings
    hidden = history(data, "M1", db.Scope("X1", names=False))
    assert hidden["member_id"].isna().all() and hidden["full_name"].isna().all() and len(hidden) == 3
    assert history(data, "M1", db.Scope("X2")).empty
    assert history(data, "M2").empty  # never changed

    undone = changes.undo(data, BOARD, written.write_id)
    after = history(data, "M1")
    assert rows(after, ["write_id", *HISTORY, "undone_by"]) == [
        (undone.write_id, "board", "app", "undo", "meeting", None, None, "topic", TOPIC, None, None),
        (undone.write_id, "board", "app", "undo", "attendance", "m3", "Lê Văn Cường", "status", "present", "excused", None),
        (undone.write_id, "board", "app", "undo", "attendance", "m3", "Lê Văn Cường", "reason", None, "away", None),
        (written.write_id, "board", "app", "correct", "meeting", None, None, "topic", None, TOPIC, undone.write_id),
        (written.write_id, "board", "app", "correct", "attendance", "m3", "Lê Văn Cường", "status", "excused", "present", undone.write_id),
        (written.write_id, "board", "app", "correct", "attendance", "m3", "Lê Văn Cường", "reason", "away", None, undone.write_id),
    ]  # fmt: skip
    assert listed(data, meeting="M1") == [(*M1[:13], 2, 1)]  # the original figures; two writes


def test_meeting_marks_lists_the_marks_and_the_roll(data):
    marks = db.run("meeting_marks", {"meeting": "M1"}, path=data)
    columns = ["member_id", "full_name", "status", "reason", "on_roll", "roll_status"]
    assert rows(marks, columns) == [
        ("m3", "Lê Văn Cường", "excused", "away", True, "away"),
        ("m1", "Nguyễn Văn An", "present", None, True, "active"),
        ("m4", "Phạm Văn Dũng", "exempt", None, True, "exempt"),
        ("m2", "Trần Thị Bình", "present", None, True, "active"),
    ]
    assert db.run("meeting_marks", {"meeting": "M1"}, path=data, scope=db.Scope("X2")).empty
    assert db.run("meeting_marks", {"meeting": "M6"}, path=data).empty  # counts only, no roll
    hidden = db.run("meeting_marks", {"meeting": "M5"}, path=data, scope=db.Scope("X1", names=False))
    assert rows(hidden, columns) == [(None, None, "present", None, True, "active")] * 3


def test_a_commune_cannot_correct_another_communes_meeting(data):
    x2 = changes.Writer("x2", "commune", "X2")
    with pytest.raises(changes.Refused) as refused:
        changes.save_meeting(data, x2, M1_FIXED)
    assert refused.value.messages("vi") == [
        "Buổi sinh hoạt, Mã chi bộ: C1 nằm ngoài phạm vi của tài khoản (đơn vị X2)",
        "Điểm danh, Mã buổi sinh hoạt: M1 nằm ngoài phạm vi của tài khoản (đơn vị X2)",
    ]
    with pytest.raises(changes.Refused):
        changes.withdraw_meeting(data, x2, "M1", "sai")
    assert listed(data, meeting="M1") == [with_matching(M1, 1)]  # nothing written


# ---- the page ------------------------------------------------------------------------------------


def open_page(app_on, path, account="board", **url):
    at = app_on(path, account, **{**JAN_FEB, **url}).run()
    return at.switch_page(PAGE).run()


def messages(at) -> dict[str, list[str]]:
    return {
        "success": [e.value for e in at.success],
        "error": [e.value for e in at.error],
        "warning": [e.value for e in at.warning],
        "info": [e.value for e in at.info],
    }


def table(at, key: str):
    """A keyed data editor (a keyed widget's id holds its key)."""
    return next((frame for frame in at.dataframe if frame.key == key), None)


def tables_with(at, *columns: str) -> list:
    """The tables showing these headers (read-only tables' ids hold no key)."""
    return [frame for frame in at.dataframe if list(frame.value.columns) == list(columns)]


def fields(at) -> dict[str, str]:
    """The meeting's fields table: field -> value shown."""
    (shown,) = [apptools.shown(frame) for frame in tables_with(at, "Thông tin", "Giá trị")] or [
        apptools.shown(frame) for frame in tables_with(at, "Field", "Value")
    ]
    return dict(zip(shown.iloc[:, 0], shown.iloc[:, 1], strict=True))


def click(at, key: str):
    return at.button(key=key).click().run()


def test_the_board_corrects_a_meetings_attendance_and_the_figures_change(app_on, data):
    assert round(x1_rate(data), 3) == 0.786
    at = open_page(app_on, data, meeting="M1", unit="X1")
    assert not at.exception
    assert at.title[0].value == "Sửa buổi sinh hoạt"
    assert fields(at)["Có mặt"] == "2" and fields(at)["Tỷ lệ dự"] == "66,7%"
    assert fields(at)["Ngày họp"] == "10/01/2025"
    # the editor's rows are the marks by name: m3 (Lê Văn Cường) first
    assert list(table(at, "fix_marks_M1").value["full_name"]) == [
        "Lê Văn Cường",
        "Nguyễn Văn An",
        "Phạm Văn Dũng",
        "Trần Thị Bình",
    ]
    at.session_state["fix_marks_M1"] = {
        "edited_rows": {0: {"status": "present", "reason": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key="fix_topic_M1").set_value(TOPIC)
    at = click(at, "fix_submit_preview_M1")
    assert not at.exception and messages(at)["error"] == []
    preview = tables_with(at, "Dòng", "Thay đổi", "Thông tin", "Trước", "Sau")[0].value
    assert preview.values.tolist() == [
        ["Buổi sinh hoạt", "Sửa", "Chủ đề", "–", TOPIC],
        ["Lê Văn Cường", "Sửa", "Điểm danh", "Vắng có lý do", "Có mặt"],
        ["Lê Văn Cường", "Sửa", "Lý do vắng", "Đi làm ăn xa", "–"],
    ]
    assert x1_rate(data) == 11 / 14  # a preview writes nothing
    at = click(at, "fix_save_M1")
    assert not at.exception
    assert messages(at)["success"] == ["Đã lưu sửa đổi (2 dòng thay đổi)."]
    # the named query's figure, and the page's, changed at once
    assert x1_rate(data) == 12 / 14
    assert x1_rate(data, end="2025-01-31") == 4 / 5
    assert fields(at)["Có mặt"] == "3" and fields(at)["Tỷ lệ dự"] == "100,0%"
    assert fields(at)["Chủ đề"] == TOPIC
    # the history: who, what, old -> new in Vietnamese labels, and its undo button
    assert any(" · board · Sửa" in block.value for block in at.markdown)
    write_id = history(data, "M1")["write_id"].iloc[0]
    assert at.button(key=f"fix_undo_{write_id}").label == "Hoàn tác"
    # the Participation page shows the new figure (Xã An Bình, January-February)
    at.switch_page("pages/participation.py").run()
    assert {m.label: m.value for m in at.metric}["Tỷ lệ đảng viên dự sinh hoạt"] == "85,7%"


def test_a_new_meetings_history_names_its_cell(app_on, data):
    changes.save_meeting(
        data, BOARD, {"cell_id": "C3", "held_on": "2025-02-26", "kind": "extraordinary", "counts": {}}
    )
    meeting = changes.meeting_id_for("C3", D(2025, 2, 26), "extraordinary", 1)
    at = open_page(app_on, data, meeting=meeting)
    assert not at.exception
    (table,) = [frame.value for frame in at.dataframe if "Sau" in frame.value.columns]  # the one write
    assert table.loc[table["Thông tin"] == "Chi bộ", "Sau"].tolist() == ["Chi bộ thôn Đoàn Kết"]  # not «C3»


def test_withdrawing_needs_a_reason_and_then_counts_the_meeting_nowhere(app_on, data):
    at = open_page(app_on, data, meeting="M6")
    assert fields(at)["Phải dự"] == "10"
    at = click(at, "fix_submit_withdraw_M6")  # no reason: refused, nothing written
    assert messages(at)["error"] == [
        plain("Chưa ghi được, không có gì thay đổi:"),
        plain("Buổi sinh hoạt: Cần ghi lý do rút buổi sinh hoạt"),
    ]  # shown as text: escaped markdown
    assert listed(data, meeting="M6")[0][12] is None
    at.text_input(key="fix_reason_M6").set_value("Nhập trùng với buổi khác")
    at = click(at, "fix_submit_withdraw_M6")
    assert not at.exception
    assert messages(at)["success"] == ["Đã rút buổi sinh hoạt: buổi này không còn được tính vào số liệu nào."]
    assert fields(at)["Tính vào số liệu"] == "Đã rút"
    assert [t.value for t in at.text] == ["Nhập trùng với buổi khác"]
    assert not any(form.id and "fix_form_M6" in form.id for form in at.get("form"))  # no correction form
    # counted nowhere: no month, no cell, no commune holds it
    trend = db.run("participation_trend", {**WINDOW, "unit": "X2"}, path=data)
    assert trend["meetings"].sum() == 0
    assert db.run("cell_meetings", {**WINDOW, "cell": "C4"}, path=data).empty
    ranking = db.run("cell_ranking", WINDOW, path=data)
    assert ranking.loc[ranking["cell_id"] == "C4", "meetings"].tolist() == [0]
    assert db.run("participation_trend", WINDOW, path=data)["meetings"].sum() == 5
    # still listed, with its reason
    assert listed(data, meeting="M6")[0][12] == "Nhập trùng với buổi khác"


def test_undo_from_the_history_restores_the_exact_original_values(app_on, data):
    written = changes.save_meeting(data, BOARD, M1_FIXED)
    assert x1_rate(data) == 12 / 14
    at = open_page(app_on, data, meeting="M1")
    assert fields(at)["Có mặt"] == "3"
    at = click(at, f"fix_undo_{written.write_id}")
    assert not at.exception
    when = history(data, "M1")["recorded_at"].iloc[-1].strftime("%d/%m/%Y %H:%M:%S")
    assert messages(at)["success"] == [f"Đã hoàn tác lần ghi lúc {when}."]
    assert listed(data, meeting="M1") == [(*M1[:13], 2, 1)]
    marks = db.run("meeting_marks", {"meeting": "M1"}, path=data)
    assert rows(marks, ["member_id", "status", "reason"]) == [
        ("m3", "excused", "away"),
        ("m1", "present", None),
        ("m4", "exempt", None),
        ("m2", "present", None),
    ]
    assert x1_rate(data) == 11 / 14
    assert fields(at)["Có mặt"] == "2" and fields(at)["Chủ đề"] == "–"
    assert f"fix_undo_{written.write_id}" not in [b.key for b in at.button]  # undone: no button
    assert "Đã được hoàn tác." in [c.value for c in at.caption]


def test_an_undo_refused_because_of_a_later_change_is_shown(app_on, data):
    first = changes.save_meeting(data, BOARD, M1_FIXED)
    changes.save_meeting(data, BOARD, M1_FIXED | {"topic": "Chủ đề khác"})
    at = open_page(app_on, data, meeting="M1")
    at = click(at, f"fix_undo_{first.write_id}")
    assert not at.exception
    shown = messages(at)["error"]
    assert shown == [
        plain("Chưa ghi được, không có gì thay đổi:"),
        plain(
            'Buổi sinh hoạt: Dòng {"meeting_id":"M1"} đã được sửa tiếp sau lần ghi này: '
            "hãy hoàn tác lần sửa sau trước"
        ),
    ]
    assert fields(at)["Chủ đề"] == "Chủ đề khác"  # nothing written


def test_a_commune_sees_only_its_own_meetings(app_on, data):
    at = open_page(app_on, data, "x2", meeting="M1")
    assert not at.exception
    assert at.selectbox(key="fix_meeting").options == [
        "— chọn —",
        "M1",
        "08/01/2025 · Chi bộ khu phố 1 · Thường kỳ",
    ]
    assert messages(at)["warning"] == ["Không tìm thấy buổi sinh hoạt «M1» trong đơn vị của tài khoản."]
    assert not at.get("form") and not at.data_editor
    at = open_page(app_on, data, "x1", meeting="M1")
    assert fields(at)["Có mặt"] == "2" and table(at, "fix_marks_M1").editing_mode == "fixed"


def test_the_standing_committee_reads_without_forms_or_buttons(app_on, data):
    changes.save_meeting(data, BOARD, M1_FIXED)
    at = open_page(app_on, data, "province", meeting="M1")
    assert not at.exception
    assert messages(at)["info"][0].startswith("Ban Thường vụ xem các buổi sinh hoạt")
    assert fields(at)["Có mặt"] == "3"
    assert not at.get("form") and not at.data_editor
    assert [b.key for b in at.button if b.key and b.key.startswith("fix_")] == ["fix_close"]
    assert any(" · board · Sửa" in block.value for block in at.markdown)  # the history is shown


def test_search_and_english(app_on, data):
    at = open_page(app_on, data, lang="en")
    assert at.title[0].value == "Meeting corrections"
    at.text_input(key="fix_search").set_value("thon dong").run()
    assert at.selectbox(key="fix_meeting").options == [
        "— choose —",
        "25/02/2025 · Chi bộ thôn Đông · Extraordinary",
        "12/02/2025 · Chi bộ thôn Đông · Thematic",
        "10/01/2025 · Chi bộ thôn Đông · Regular",
    ]


def test_the_counts_of_a_cell_that_reports_numbers_are_corrected(app_on, data):
    at = open_page(app_on, data, meeting="M6")
    assert not table(at, "fix_marks_M6")  # counts, not marks
    at.number_input(key="fix_count_present_M6").set_value(9)
    at.number_input(key="fix_count_excused_M6").set_value(0)
    at = click(at, "fix_submit_preview_M6")
    assert tables_with(at, "Dòng", "Thay đổi", "Thông tin", "Trước", "Sau")[0].value.values.tolist() == [
        ["Buổi sinh hoạt", "Sửa", "Có mặt", "8", "9"],
        ["Buổi sinh hoạt", "Sửa", "Vắng có lý do", "1", "0"],
    ]
    at = click(at, "fix_save_M6")
    assert messages(at)["success"] == ["Đã lưu sửa đổi (1 dòng thay đổi)."]
    trend = db.run("participation_trend", {**WINDOW, "unit": "X2"}, path=data)
    assert (trend["present"].sum(), trend["excused"].sum()) == (9, 0)  # 9 of 9: 100 %
    assert fields(at)["Tỷ lệ dự"] == "100,0%"
