"""The Answers page (Trả lời ý kiến, issue 14) and its two queries, on copies of the tiny fixture
(tests/fixture.py): every test that writes has a database file of its own.

The fixture's opinions and where they stand on 20/03/2025 (due: the next briefing of Xã An Bình,
25/01, 25/02, 25/03/2025; Phường Đông Hải holds none, so raised on + 30 days):
O1 C1 Phòng Kinh tế, due 25/02, answered 20/02 (on time); O2 C2 Phòng Kinh tế, due 25/02, answered
01/03 (late); O3 C3 Phòng Kinh tế, due 25/03, unanswered (5 days left: due soon); O4 C4 Công an phường,
due 12/03, unanswered (overdue); O5 C4 Phòng Kinh tế, due 14/02/2024, answered 20/01/2024; O6 C1
Phòng Kinh tế, due 25/01/2025, unanswered (overdue). Departments (from assigned_to): Phòng Kinh tế
at X1; Phòng Kinh tế and Công an phường at X2.
"""

from __future__ import annotations

import datetime as dt

import fixture
import pandas as pd
import pytest

from cellboard import auth, rules
from cellboard.data import db, store
from cellboard.ingest import changes
from cellboard.text import escape_markdown

D = dt.date
TODAY = dt.date.today()
PAGE = "pages/answers.py"
JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}
GROUP_TILES = ("Quá hạn", "Sắp đến hạn", "Chưa đến hạn", "Đã trả lời")


@pytest.fixture
def copy_db(tmp_path):
    """The fixture in a file of this test's own (the page writes to it)."""
    return fixture.write(tmp_path / "fixture.duckdb")


@pytest.fixture
def today_db(tmp_path):
    """The fixture with two more opinions of Phòng Kinh tế at Xã An Bình, dated from today, so each of
    the four groups holds some today: O7 (C1) raised 25 days ago is due in 5 days (no briefing known
    after it: raised on + 30), so due soon; O8 (C3) raised 2 days ago is due in 28 days, not yet due."""
    tables = fixture.tables()
    more = [
        ("O7", TODAY - dt.timedelta(days=25), "C1", None, "agriculture", "reflection", "meeting",
         "Mương nội đồng thôn Đông bị lấp", "Phòng Kinh tế", None, None),
        ("O8", TODAY - dt.timedelta(days=2), "C3", None, "other", "recommendation", "written",
         "Đèn đường xóm Đoàn Kết hỏng", " Phòng Kinh tế ", None, None),
    ]  # fmt: skip
    tables["opinion"] = pd.concat([tables["opinion"], pd.DataFrame(more, columns=tables["opinion"].columns)])
    path = tmp_path / "today.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def department_account(store_, name: str, unit: str, department: str, data: object) -> None:
    """A department account in the test's accounts store (conftest.accounts_store), its password."""
    auth.add_account(
        name, "department", unit, store_.password, actor="test", data_path=data, department=department
    )


def plain(value: object) -> object:
    """A cell as written by hand: None for a missing one, a date for a date column's Timestamp."""
    if pd.isna(value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


def rows(path, name, columns, **params) -> list[tuple]:
    """The query's rows (these columns), as written by hand."""
    frame = db.run(name, params, path=path)
    return [tuple(plain(v) for v in row) for row in frame[columns].itertuples(index=False)]


# ---- the queries -------------------------------------------------------------------------------------


def test_department_opinions_by_hand(fixture_db):
    assert rules.DUE_SOON_DAYS == 7
    columns = [
        "opinion_id",
        "assigned_to",
        "status",
        "answer_group",
        "days_left",
        "in_group",
        "unit",
        "commune",
    ]
    # every department of the whole tree on 20/03/2025: overdue first (most urgent first), then due
    # soon, then the answered ones (latest answer first; none has an event, so by the day answered)
    assert rows(fixture_db, "department_opinions", columns, as_of="2025-03-20") == [
        ("O6", "Phòng Kinh tế", "overdue", "overdue", -54, 2, "Chi bộ thôn Đông", "Xã An Bình"),
        ("O4", "Công an phường", "overdue", "overdue", -8, 2, "Chi bộ khu phố 1", "Phường Đông Hải"),
        ("O3", "Phòng Kinh tế", "open", "due_soon", 5, 1, "Chi bộ thôn Đoàn Kết", "Xã An Bình"),
        ("O2", "Phòng Kinh tế", "answered_late", "answered", None, 3, "Chi bộ thôn Tây", "Xã An Bình"),
        ("O1", "Phòng Kinh tế", "answered_on_time", "answered", None, 3, "Chi bộ thôn Đông", "Xã An Bình"),
        (
            "O5",
            "Phòng Kinh tế",
            "answered_on_time",
            "answered",
            None,
            3,
            "Chi bộ khu phố 1",
            "Phường Đông Hải",
        ),
    ]
    group = ["opinion_id", "answer_group", "in_group"]
    # one department within Xã An Bình, its name as typed with spaces: compared trimmed
    assert rows(fixture_db, "department_opinions", group, unit="X1", department=" Phòng Kinh tế ",
                as_of="2025-03-20") == [
        ("O6", "overdue", 1), ("O3", "due_soon", 1), ("O2", "answered", 2), ("O1", "answered", 2),
    ]  # fmt: skip
    # the same name at Phường Đông Hải is that commune's department: its one answered opinion
    assert rows(fixture_db, "department_opinions", group, unit="X2", department="Phòng Kinh tế") == [
        ("O5", "answered", 1)
    ]
    # O3 on its due day is still due soon (0 days left); the day after, overdue; 8 days before, open
    for as_of, expected in [("2025-03-25", ("due_soon", 0)), ("2025-03-26", ("overdue", -1)),
                            ("2025-03-17", ("open", 8)), ("2025-03-18", ("due_soon", 7))]:  # fmt: skip
        assert rows(
            fixture_db, "department_opinions", ["answer_group", "days_left"], opinion="O3", as_of=as_of
        ) == [expected]
    # at most one of each group listed, the counts of all
    assert rows(fixture_db, "department_opinions", group, as_of="2025-03-20", limit=1) == [
        ("O6", "overdue", 2), ("O3", "due_soon", 1), ("O2", "answered", 3),
    ]  # fmt: skip
    # an opinion outside the unit asked for is not there
    assert rows(fixture_db, "department_opinions", group, unit="X1", opinion="O4") == []


def test_answer_departments_serve_the_subtree_and_the_units_above(fixture_db):
    def names(unit):
        return [name for (name,) in rows(fixture_db, "answer_departments", ["name"], unit=unit)]

    # the province: both communes' departments, Phòng Kinh tế (at X1 and X2) once; Vietnamese order
    assert names(None) == names("P") == ["Công an phường", "Phòng Kinh tế"]
    assert names("X1") == ["Phòng Kinh tế"]
    # a cell: its commune's departments (above it), none of the other commune's
    assert names("C1") == ["Phòng Kinh tế"]
    assert names("C4") == names("X2") == ["Công an phường", "Phòng Kinh tế"]


def test_opinion_history_by_hand(copy_db):
    writer = changes.Writer("tinh", "standing_committee", "P")
    changes.record_answer(copy_db, writer, "O4", "handling", answer="Đang xác minh")
    changes.record_answer(
        copy_db, writer, "O4", "forwarded", to="Phòng Kinh tế", answer="Thuộc lĩnh vực kinh tế"
    )
    kt = changes.Writer("kt_x2", "department", "X2", "Phòng Kinh tế")
    changes.record_answer(copy_db, kt, "O4", "answered", on=D(2025, 3, 10), answer="Đã phối hợp xử lý")
    columns = ["account", "action", "department", "from_department", "answered_on", "note"]
    assert rows(copy_db, "opinion_history", columns, opinion="O4") == [
        ("tinh", "handling", "Công an phường", None, None, "Đang xác minh"),
        ("tinh", "forwarded", "Phòng Kinh tế", "Công an phường", None, "Thuộc lĩnh vực kinh tế"),
        ("kt_x2", "answered", "Phòng Kinh tế", None, D(2025, 3, 10), "Đã phối hợp xử lý"),
    ]
    recorded = db.run("opinion_history", {"opinion": "O4"}, path=copy_db)["recorded_at"]
    assert recorded.is_monotonic_increasing and recorded.notna().all()
    # within Xã An Bình, O4 (raised at Phường Đông Hải) has no history to show; O3 none yet at all
    assert rows(copy_db, "opinion_history", columns, opinion="O4", unit="X1") == []
    assert rows(copy_db, "opinion_history", columns, opinion="O3") == []
    # the answer recorded last heads the answered group, though dated before O2's
    assert rows(copy_db, "department_opinions", ["opinion_id", "answer_group", "handling"], unit="X2") == [
        ("O4", "answered", None),
        ("O5", "answered", None),
    ]


# ---- the page ------------------------------------------------------------------------------------------


def open_answers(app_on, path, account, **url):
    at = app_on(path, as_account=account, **url).run()
    assert not at.exception, at.exception
    if account not in ("kt_x1", "ca_x2", "kt_x2"):  # a department account lands on the page itself
        at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in GROUP_TILES}


def listed(at) -> list[str]:
    """The texts of the group listed (the first table with the text column)."""
    table = next(frame.value for frame in at.dataframe if "Nội dung" in frame.value.columns)
    return list(table["Nội dung"])


def fields(at) -> dict[str, str]:
    table = next(frame.value for frame in at.dataframe if "Thông tin" in frame.value.columns)
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def history(at) -> list[tuple]:
    table = next(frame.value for frame in at.dataframe if "Người ghi" in frame.value.columns)
    return [
        tuple(row)
        for row in table[["Người ghi", "Việc", "Phòng ban", "Nội dung, ghi chú"]].itertuples(index=False)
    ]


def messages(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def submit_answer(at, opinion: str, answer: str) -> list[str]:
    """Type an answer to the opinion and submit it: the page's error lines."""
    at.text_area(key=f"ans_text_{opinion}").input(answer)
    at.button(key=f"ans_submit_answer_{opinion}").click().run()
    assert not at.exception, at.exception
    return messages(at, "error")


def test_a_department_sees_its_own_opinions_in_four_groups_and_answers_one(app_on, accounts_store, today_db):
    department_account(accounts_store, "kt_x1", "X1", "Phòng Kinh tế", today_db)
    at = open_answers(app_on, today_db, "kt_x1")
    assert at.title[0].value == "Trả lời ý kiến"
    assert "Phòng ban: **Phòng Kinh tế**" in [m.value for m in at.markdown]
    # O3, O6 overdue (their briefings are long past); O7 due in 5 days; O8 in 28; O1, O2 answered.
    # O4 and O5 (Phường Đông Hải) are not this department's: not listed, not counted
    assert tiles(at) == {"Quá hạn": "2", "Sắp đến hạn": "1", "Chưa đến hạn": "1", "Đã trả lời": "2"}
    assert at.radio(key="ans_group").value == "overdue"
    assert at.radio(key="ans_group").options == [
        "Quá hạn (2)",
        "Sắp đến hạn (1)",
        "Chưa đến hạn (1)",
        "Đã trả lời (2)",
    ]
    assert listed(at) == ["Thủy lợi nội đồng", "<script>alert(1)</script> Đê bao bị sạt"]  # O6, then O3
    at.radio(key="ans_group").set_value("due_soon").run()
    assert listed(at) == ["Mương nội đồng thôn Đông bị lấp"]
    assert at.query_params["group"] == "due_soon"
    at.selectbox(key="ans_opinion").set_value("O7").run()
    assert at.query_params["opinion"] == "O7"
    due = TODAY + dt.timedelta(days=5)
    assert fields(at) == {
        "Nơi nêu": "Chi bộ thôn Đông — Xã An Bình",
        "Ngày nêu": (TODAY - dt.timedelta(days=25)).strftime("%d/%m/%Y"),
        "Hạn trả lời": due.strftime("%d/%m/%Y"),
        "Tình trạng": "Chưa đến hạn",
        "Tiến độ xử lý": "Chưa xử lý",
        "Cơ quan trả lời": "Phòng Kinh tế",
        "Ngày trả lời": "–",
    }
    assert "Chưa có việc gì được ghi cho ý kiến này trong ứng dụng." in messages(at, "caption")
    assert at.date_input(key="ans_on_O7").value == TODAY

    # an empty answer is refused, naming the field; the date typed stays
    at.date_input(key="ans_on_O7").set_value(TODAY - dt.timedelta(days=1))
    at.button(key="ans_submit_answer_O7").click().run()
    assert not at.exception, at.exception
    assert messages(at, "error") == [
        "Chưa ghi được, không có gì thay đổi:",
        escape_markdown("Ý kiến kiến nghị, Nội dung trả lời: Bỏ trống ô bắt buộc"),
    ]
    assert at.date_input(key="ans_on_O7").value == TODAY - dt.timedelta(days=1)
    assert tiles(at)["Sắp đến hạn"] == "1"

    at.text_area(key="ans_text_O7").input("Đã nạo vét, khơi thông mương")
    at.button(key="ans_submit_answer_O7").click().run()
    assert not at.exception, at.exception
    yesterday = (TODAY - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert messages(at, "success") == [f"Đã ghi trả lời (ngày {yesterday})."]
    assert messages(at, "error") == []
    # at once: O7 moved from due soon to answered, heading it; the group shown follows it
    assert tiles(at) == {"Quá hạn": "2", "Sắp đến hạn": "0", "Chưa đến hạn": "1", "Đã trả lời": "3"}
    assert at.radio(key="ans_group").value == "answered"
    assert listed(at)[0] == "Mương nội đồng thôn Đông bị lấp"
    assert fields(at)["Tình trạng"] == "Trả lời đúng hạn"
    assert fields(at)["Ngày trả lời"] == yesterday
    assert "Đã nạo vét, khơi thông mương" in messages(at, "text")
    assert history(at) == [("kt_x1", "Trả lời", "Phòng Kinh tế", "Đã nạo vét, khơi thông mương")]
    # written once, by this account, from the app
    log = db.run("opinion_history", {"opinion": "O7"}, path=today_db)
    assert list(log["account"]) == ["kt_x1"]


def test_an_answer_day_typed_before_the_opinion_is_refused_by_name_not_replaced(
    app_on, accounts_store, today_db
):
    department_account(accounts_store, "kt_x1", "X1", "Phòng Kinh tế", today_db)
    at = open_answers(app_on, today_db, "kt_x1", group="due_soon", opinion="O7")
    box = at.date_input(key="ans_on_O7")
    # the box takes any day typed (Streamlit's would keep its own day instead of one outside its bounds)
    assert (box.proto.min, box.proto.max) == ("1900-01-01", "2199-12-31")
    raised, typed = TODAY - dt.timedelta(days=25), TODAY - dt.timedelta(days=30)
    box.set_value(typed)
    assert submit_answer(at, "O7", "Đã xử lý") == [
        "Chưa ghi được, không có gì thay đổi:",
        escape_markdown(
            f"Ý kiến kiến nghị, Ngày trả lời: Ngày trả lời {typed:%d/%m/%Y} trước ngày nêu ý kiến {raised:%d/%m/%Y}"
        ),
    ]
    assert at.date_input(key="ans_on_O7").value == typed
    assert db.run("opinion_history", {"opinion": "O7"}, path=today_db).empty  # nothing written


def test_a_link_to_an_answered_opinion_opens_its_group_and_names_it(app_on, accounts_store, today_db):
    department_account(accounts_store, "kt_x1", "X1", "Phòng Kinh tế", today_db)
    at = open_answers(app_on, today_db, "kt_x1", opinion="O1")  # answered: not in the first group
    assert at.radio(key="ans_group").value == "answered"
    picked = at.selectbox(key="ans_opinion")
    assert picked.value == "O1" and picked.format_func("O1") != "O1"  # its day, cell and text


def test_an_opinion_of_another_department_cannot_be_answered(app_on, accounts_store, copy_db):
    department_account(accounts_store, "ca_x2", "X2", "Công an phường", copy_db)
    # its own: O4 only (overdue today)
    at = open_answers(app_on, copy_db, "ca_x2")
    assert tiles(at) == {"Quá hạn": "1", "Sắp đến hạn": "0", "Chưa đến hạn": "0", "Đã trả lời": "0"}
    assert listed(at) == ["=1+1 trộm cắp vặt"]
    # a link to O5, Phòng Kinh tế's opinion at the same commune: shown, with the warning; a write refused
    at = open_answers(app_on, copy_db, "ca_x2", opinion="O5")
    assert messages(at, "warning") == [
        "Ý kiến này đang giao cho «Phòng Kinh tế», không phải phòng ban của bạn: chỉ phòng ban đó, "
        "Ban Thường vụ hoặc Ban Tổ chức ghi được trả lời."
    ]
    assert submit_answer(at, "O5", "Trả lời thay phòng khác") == [
        "Chưa ghi được, không có gì thay đổi:",
        escape_markdown(
            "Ý kiến kiến nghị, Cơ quan giải quyết: Ý kiến này được giao cho Phòng Kinh tế, "
            "không phải phòng ban của tài khoản"
        ),
    ]
    assert messages(at, "success") == []
    assert at.text_area(key="ans_text_O5").value == "Trả lời thay phòng khác"  # what was typed stays
    assert rows(copy_db, "opinions_list", ["answer"], start="2024-01-01", end="2024-12-31", opinion="O5") == [
        ("Đã cấp",)
    ]
    assert rows(copy_db, "opinion_history", ["action"], opinion="O5") == []
    # an opinion outside the account's unit is not found at all
    at = open_answers(app_on, copy_db, "ca_x2", opinion="O3")
    assert messages(at, "warning") == ["Không tìm thấy ý kiến «O3» trong đơn vị đang chọn."]
    assert not [b for b in at.button if b.key and b.key.startswith("ans_submit")]


def test_the_standing_committee_forwards_an_opinion_and_the_holder_changes(app_on, copy_db):
    at = open_answers(app_on, copy_db, "province", dept="Công an phường")
    assert at.selectbox(key="ans_dept").options == ["Tất cả phòng ban", "Công an phường", "Phòng Kinh tế"]
    assert at.selectbox(key="ans_dept").value == "Công an phường"
    assert tiles(at) == {"Quá hạn": "1", "Sắp đến hạn": "0", "Chưa đến hạn": "0", "Đã trả lời": "0"}
    at.selectbox(key="ans_opinion").set_value("O4").run()
    # the departments serving C4 (its commune's, Phường Đông Hải's), but the one holding it
    assert at.selectbox(key="ans_to_O4").options == ["Phòng Kinh tế"]
    at.text_input(key="ans_fnote_O4").input("Thuộc lĩnh vực kinh tế")
    at.button(key="ans_submit_forward_O4").click().run()
    assert not at.exception, at.exception
    assert messages(at, "success") == ["Đã chuyển ý kiến cho «Phòng Kinh tế»."]
    assert fields(at)["Cơ quan trả lời"] == "Phòng Kinh tế"
    assert fields(at)["Tiến độ xử lý"] == "Đã chuyển phòng ban"
    assert history(at) == [("province", "Chuyển phòng ban", "Phòng Kinh tế", "Thuộc lĩnh vực kinh tế")]
    # Công an phường holds nothing now; all departments: O4 is overdue with Phòng Kinh tế
    assert tiles(at) == {"Quá hạn": "0", "Sắp đến hạn": "0", "Chưa đến hạn": "0", "Đã trả lời": "0"}
    at.selectbox(key="ans_dept").set_value(None).run()
    assert tiles(at) == {"Quá hạn": "3", "Sắp đến hạn": "0", "Chưa đến hạn": "0", "Đã trả lời": "3"}
    assert rows(copy_db, "department_opinions", ["assigned_to", "handling"], opinion="O4") == [
        ("Phòng Kinh tế", "forwarded")
    ]
    # then marked as being handled by an administrator: the history grows in order
    at = open_answers(app_on, copy_db, "admin", opinion="O4")
    at.button(key="ans_submit_handling_O4").click().run()
    assert messages(at, "success") == ["Đã đánh dấu ý kiến đang được xử lý."]
    assert fields(at)["Tiến độ xử lý"] == "Đang xử lý"
    assert [row[:2] for row in history(at)] == [("province", "Chuyển phòng ban"), ("admin", "Đang xử lý")]


def opinion_figures(at) -> tuple[str, str, str]:
    """The Opinions page's tiles as shown: answered on time, overdue unanswered, answered late."""
    shown = {m.label: m.value for m in at.metric}
    return shown["Trả lời đúng hạn"], shown["Quá hạn chưa trả lời"], shown["Trả lời trễ hạn"]


def test_an_answer_changes_the_opinions_page_and_the_overview_at_once(app_on, accounts_store, copy_db):
    """The standing committee's flow: figures read after a department's answer include it (the write
    swaps the file; every cached query keys on the file's identity)."""
    department_account(accounts_store, "kt_x1", "X1", "Phòng Kinh tế", copy_db)
    at = app_on(copy_db, as_account="province", **JAN_FEB).run()
    at.switch_page("pages/opinions.py").run()
    # raised in January-February 2025: O1-O4; O1 on time, O2 late, O3 and O4 overdue today
    assert opinion_figures(at) == ("25,0%", "2", "1")
    overview = at.switch_page("pages/overview.py").run()
    assert {m.label: m.value for m in overview.metric}["Trả lời đúng hạn"] == "25,0%"

    kt = auth.get_account("kt_x1")
    changes.record_answer(
        copy_db, changes.Writer.of(kt), "O3", "answered", on=D(2025, 3, 20), answer="Đã đắp lại đê"
    )

    at.switch_page("pages/opinions.py").run()
    assert not at.exception, at.exception
    # O3 answered on 20/03, before its due day 25/03: 2 of 4 on time
    assert opinion_figures(at) == ("50,0%", "1", "1")
    overview = at.switch_page("pages/overview.py").run()
    assert {m.label: m.value for m in overview.metric}["Trả lời đúng hạn"] == "50,0%"


def test_the_page_in_english(app_on, copy_db):
    at = open_answers(app_on, copy_db, "admin", lang="en", opinion="O3")
    assert at.title[0].value == "Answers"
    assert {m.label: m.value for m in at.metric} == {
        "Overdue": "3",
        "Due soon": "0",
        "Not yet due": "0",
        "Answered": "3",
    }
    assert [tab.label for tab in at.tabs] == [
        "Record the answer",
        "Mark as being handled",
        "Forward to another department",
    ]
    assert at.selectbox(key="ans_dept").options[0] == "All departments"
