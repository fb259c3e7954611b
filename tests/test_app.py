"""The app shell and the Overview page in AppTest, over the tiny fixture database."""

from __future__ import annotations

import datetime as dt
import threading

import apptools

from cellboard import text
from cellboard.app import tables

JAN_FEB = {"from": "2025-01-01", "to": "2025-02-28"}


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_overview_shows_the_units_figures(app_on, fixture_db):
    at = app_on(fixture_db, unit="X1", **JAN_FEB).run()
    assert not at.exception
    shown = metrics(at)
    # Xã An Bình: 11 present / (17 - 3 exempt) = 78,6 %; regularity 4/4; thematic 1/3; 3 opinions, 1 on time
    assert shown["Tỷ lệ đảng viên dự sinh hoạt"] == "78,6%"
    assert shown["Số buổi sinh hoạt"] == "5"
    assert shown["Tỷ lệ sinh hoạt đều đặn"] == "100,0%"
    assert shown["Tỷ lệ sinh hoạt chuyên đề"] == "33,3%"
    assert shown["Ý kiến, kiến nghị"] == "3"
    assert shown["Trả lời đúng hạn"] == "33,3%"
    assert shown["Chi bộ hoàn thành xuất sắc"] == "50,0%"
    assert any("Xã An Bình" in block.value for block in at.markdown)


def test_every_headline_figure_has_its_definition_as_help(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB).run()
    assert len(at.metric) == 7
    assert all(metric.help and len(metric.help) > 40 for metric in at.metric)


def test_the_filter_bar_reads_and_writes_the_url(app_on, fixture_db):
    at = app_on(fixture_db, unit="C4", **JAN_FEB).run()
    assert at.selectbox(key="f_unit").value == "X2"
    assert at.selectbox(key="f_cell").value == "C4"
    assert metrics(at)["Số buổi sinh hoạt"] == "1"
    at.selectbox(key="f_cell").set_value(None).run()
    at.selectbox(key="f_unit").set_value("X1").run()
    assert at.query_params["unit"] == "X1"
    assert at.query_params["from"] == "2025-01-01" and at.query_params["to"] == "2025-02-28"
    assert metrics(at)["Số buổi sinh hoạt"] == "5"


def test_a_preset_changes_the_period_in_the_url(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB).run()
    assert at.selectbox(key="f_preset").value == "custom"
    at.selectbox(key="f_preset").set_value("year").run()
    at.selectbox(key="f_year").set_value(2025).run()
    assert at.query_params["from"] == "2025-01-01" and at.query_params["to"] == "2025-12-31"
    # "custom" starts from the period shown, not from the one the session opened with
    at.selectbox(key="f_preset").set_value("custom").run()
    assert (at.date_input(key="f_from").value, at.date_input(key="f_to").value) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert at.query_params["from"] == "2025-01-01" and at.query_params["to"] == "2025-12-31"


def test_a_link_to_a_whole_year_long_ago_opens_as_sent(app_on, fixture_db):
    # the fixture's meetings start in 2025; the year presets reach back to them, and to a linked year
    at = app_on(fixture_db, **{"from": "2010-01-01", "to": "2010-12-31"}).run()
    assert not at.exception
    assert at.selectbox(key="f_preset").value == "year"
    assert at.selectbox(key="f_year").value == 2010
    assert at.query_params["from"] == "2010-01-01" and at.query_params["to"] == "2010-12-31"
    assert metrics(at)["Số buổi sinh hoạt"] == "0"
    this_year = dt.date.today().year
    assert at.selectbox(key="f_year").options == [str(y) for y in range(this_year, 2009, -1)]


def test_the_year_presets_reach_back_to_the_first_meeting(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB).run()
    at.selectbox(key="f_preset").set_value("year").run()
    this_year = dt.date.today().year
    assert at.selectbox(key="f_year").options == [
        str(y) for y in range(this_year, min(2025, this_year - 1) - 1, -1)
    ]


def test_an_unknown_unit_gives_a_notice_and_the_whole_tree(app_on, fixture_db):
    at = app_on(fixture_db, unit="NO-SUCH", **JAN_FEB).run()
    assert not at.exception
    assert any("NO\\-SUCH" in warning.value for warning in at.warning)  # the link's text, escaped
    assert at.selectbox(key="f_unit").value is None
    assert metrics(at)["Số buổi sinh hoạt"] == "6"


def test_a_bad_date_in_the_url_falls_back_to_the_default_period(app_on, fixture_db):
    at = app_on(fixture_db, **{"from": "2025-13-45", "to": "2025-02-28"}).run()
    assert not at.exception
    assert any("2025\\-13\\-45" in warning.value for warning in at.warning)


def test_without_a_database_the_app_says_how_to_build_one(app_on, tmp_path):
    at = app_on(tmp_path / "missing.duckdb").run()
    assert not at.exception
    assert any("python -m cellboard demo" in error.value for error in at.error)


def test_english_switch(app_on, fixture_db):
    at = app_on(fixture_db, lang="en", unit="X1", **JAN_FEB).run()
    assert metrics(at)["Attendance rate"] == "78.6%"


def test_the_language_switch_is_labelled_in_the_language_chosen(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB).run()
    assert at.segmented_control(key="lang").label == "Ngôn ngữ"
    at.segmented_control(key="lang").set_value("en").run()
    assert at.segmented_control(key="lang").label == "Language"
    assert "Attendance rate" in metrics(at)


def test_no_empty_choice_shows_streamlits_english_placeholder(app_on, fixture_db):
    # Streamlit draws a None value as "no selection" with the placeholder, "Choose an option" unless told
    at = app_on(fixture_db, **JAN_FEB).run()
    empty = {}
    for page in ("pages/overview.py", "pages/participation.py", "pages/opinions.py", "pages/rankings.py",
                 "pages/supervision.py"):  # fmt: skip
        at.switch_page(page).run()
        assert not at.exception, page
        empty.update({box.key: box.proto.placeholder for box in at.selectbox if box.value is None})
    assert "f_unit" in empty and any(key.startswith("opt_") for key in empty)
    assert empty["f_unit"] == "Toàn bộ"
    assert all(placeholder and placeholder != "Choose an option" for placeholder in empty.values()), empty


def test_the_language_is_each_sessions_own(app_on, fixture_db):
    # the server renders sessions in threads of their own, at the same moment: two sessions, one
    # switched to English, rendered together; each shows its own labels and number formats
    sessions = {language: app_on(fixture_db, unit="X1", **JAN_FEB) for language in ("vi", "en")}
    sessions["en"].session_state["lang"] = "en"  # what the switch sets
    for session in sessions.values():
        session.session_state[tables.table_key("participation_trend")] = True  # the trend's table open
    # Xã An Bình: 78,6% over January and February (11 of 14), January 3 of 5, February 8 of 9
    seen, failed = {}, []
    rate_headers = ("Tháng", "Tỷ lệ dự", "Month", "Attendance rate")
    together = threading.Barrier(2)

    def render(language: str) -> None:
        try:
            together.wait()
            at = sessions[language].run()
            trend = apptools.shown(at.dataframe[-1])
            seen[language] = (
                at.segmented_control(key="lang").label,
                next(
                    metric.value
                    for metric in at.metric
                    if metric.label in ("Tỷ lệ đảng viên dự sinh hoạt", "Attendance rate")
                ),
                {header: list(trend[header]) for header in trend.columns if header in rate_headers},
                at.title[0].value,
            )
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            failed.append(error)

    threads = [threading.Thread(target=render, args=(language,)) for language in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed, failed
    assert seen == {
        "vi": (
            "Ngôn ngữ",
            "78,6%",
            {"Tháng": ["01/2025", "02/2025"], "Tỷ lệ dự": ["60,0%", "88,9%"]},
            "Tổng quan",
        ),
        "en": (
            "Language",
            "78.6%",
            {"Month": ["01/2025", "02/2025"], "Attendance rate": ["60.0%", "88.9%"]},
            "Overview",
        ),
    }
    assert text.VI.pct(0.372) == "37,2%" and text.EN.pct(0.372) == "37.2%"
    assert text.VI.integer(1234) == "1.234" and text.EN.integer(1234) == "1,234"


def test_the_trend_chart_has_the_table_it_shows(app_on, fixture_db):
    at = app_on(fixture_db, **JAN_FEB)
    at.session_state[tables.table_key("participation_trend")] = True  # "show the table" opened
    at.run()
    # the chart draws January's and February's rates, and the table lists the same
    assert apptools.trace_values(at) == [11 / 14, 8 / 9]
    table = apptools.shown(at.dataframe[-1])
    assert list(table["Tỷ lệ dự"]) == ["78,6%", "88,9%"]
    assert list(at.dataframe[-1].value["Tỷ lệ dự"]) == [11 / 14, 8 / 9]  # numbers, shown formatted


def test_the_app_refuses_a_database_of_an_older_schema_and_says_how_to_rebuild(app_on, fixture_db, tmp_path):
    from test_cli import older_schema_copy

    old = older_schema_copy(fixture_db, tmp_path / "old.duckdb")
    at = app_on(old).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Cơ sở dữ liệu tại {old} có phiên bản cấu trúc 1, chương trình cần 4. Tệp phiên bản cũ hơn (2, 3) được nâng cấp "
        f"bằng lệnh `python -m cellboard migrate --db {old}` (giữ bản cũ trong backups/). Với phiên bản khác, "
        f"dựng lại dữ liệu mẫu bằng lệnh: `python -m cellboard demo --db {old}`, hoặc nhập lại số liệu vào cơ "
        "sở dữ liệu mới (`python -m cellboard init`)."
    ]


def _answers_script():
    """Asks participation_trend twice, changes one copy, and draws a derived frame from each kind of
    frame, recording what happened in session state."""
    import streamlit as st

    from cellboard import charts
    from cellboard.app import ui
    from cellboard.data import db

    st.session_state[ui.SCOPE_KEY] = db.EVERYTHING
    window = {"start": "2025-01-01", "end": "2025-06-30", "unit": None}
    first, second = ui.query("participation_trend", **window), ui.query("participation_trend", **window)
    first["meetings"] = -1  # a page's own change to its copy
    first.loc[0, "present"] = -1
    st.session_state["distinct"] = first is not second
    st.session_state["third"] = ui.query("participation_trend", **window)[["meetings", "present"]]
    st.session_state["answer_key"] = ui._content_key(second)
    st.session_state["slice_key"] = ui._content_key(second[second["meetings"] > 0])
    st.session_state["pooled"] = ui.derived(charts.pool_by_commune, ui.query("cell_ranking", **window))


def test_each_caller_gets_its_own_copy_of_a_cached_answer_keyed_by_the_answer(monkeypatch, fixture_db):
    from streamlit.testing.v1 import AppTest

    from cellboard.data import db

    monkeypatch.setenv("CELLBOARD_DB", str(fixture_db))
    at = AppTest.from_function(_answers_script, default_timeout=60).run()
    assert not at.exception
    assert at.session_state["distinct"]
    # the page's change to its copy did not reach the cached answer a later call gets
    fresh = db.run("participation_trend", {"start": "2025-01-01", "end": "2025-06-30"}, path=fixture_db)
    assert at.session_state["third"]["meetings"].tolist() == fresh["meetings"].tolist()
    assert at.session_state["third"]["present"].tolist() == fresh["present"].tolist()
    assert -1 not in fresh["meetings"].tolist()
    # a frame as query handed it out is keyed by its answer; one made from it, by its content
    kind, key = at.session_state["answer_key"]
    assert kind == "answer" and key.startswith("('participation_trend',")
    assert not isinstance(at.session_state["slice_key"], tuple)
    pooled = at.session_state["pooled"]
    cells = db.run("cell_ranking", {"start": "2025-01-01", "end": "2025-06-30"}, path=fixture_db)
    assert sorted(pooled["commune_id"].tolist()) == sorted(cells["commune_id"].dropna().unique().tolist())
