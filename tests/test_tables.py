"""Tables and downloads as shown (issue 16, item 6), in AppTest over the tiny fixture database.

Every table keeps its numbers and dates as numbers and dates (so a header click sorts them as such)
and shows them in the app's format; every table and chart table offers a CSV and an XLSX of its whole
view: every row, the headers, names and formats shown; only text from the data is neutralised.
A header click in Chromium: tests/test_auth_browser.py (its module's server).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import apptools
import openpyxl
import pandas as pd
import pytest

from cellboard import export, ingest, text
from cellboard.app import tables

PAGES = ("overview", "participation", "opinions", "rankings", "supervision", "data", "accounts")
# the tables a drill-down adds: a commune's cells and a cell's meetings; a cell's history
DRILLED = {"participation": {"commune": "X1", "cell": "C3"}, "rankings": {"commune": "X1", "cell": "C3"}}
VIEWS = [(page, {}) for page in PAGES] + list(DRILLED.items())
JAN_JUN = {"from": "2025-01-01", "to": "2025-06-30"}
# what the app writes for a number, a percentage, a date or a month (Vietnamese), or "–" for none
NUMBER = re.compile(r"[+-]?\d{1,3}(\.\d{3})*(,\d+)?%?|–")
DATE = re.compile(r"\d{2}/\d{2}/\d{4}|\d{2}/\d{4}")
XLSX_FORMAT = {"pct": "0.0%", "int": "#,##0", "date": "dd/mm/yyyy", "month": "mm/yyyy"}
TIMES = ("dd/mm/yyyy", "mm/yyyy", "dd/mm/yyyy hh:mm", "dd/mm/yyyy hh:mm:ss")


@pytest.fixture
def offered(monkeypatch):
    """Every file a download button offers, in order: (file name, bytes)."""
    return apptools.recorded_downloads(monkeypatch, made=True)


def open_page(app_on, fixture_db, offered, page, **url):
    at = app_on(fixture_db, **(JAN_JUN | url))
    at.switch_page(f"pages/{page}.py").run()  # the page's address on the first run
    assert not at.exception, at.exception
    if apptools.closed_tables(at):
        offered.clear()  # what the run with every chart's table open offers
        apptools.open_tables(at)  # as a click on each "show the table" would
        assert not at.exception, at.exception
    return at


def read_csv(data: bytes) -> pd.DataFrame:
    assert data.startswith("\ufeff".encode())  # UTF-8 with a BOM, for Excel
    return pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_xlsx(data: bytes) -> tuple[list[str], list[list[object]], list[list[str]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    return (
        [cell.value for cell in rows[0]],
        [[cell.value for cell in row] for row in rows[1:]],
        [[cell.number_format for cell in row] for row in rows[1:]],
    )


# columns of the app's own words (names for codes): "= không đổi" is the app's, never a formula
APP_WORDS = {"Xu hướng so với kỳ trước", "Xu hướng so với cùng kỳ"}


def neutralised_if_data(value: str, column: str) -> str:
    """What a download holds for a shown cell: text from the data that looks like a formula gets an
    apostrophe; what the app wrote (a signed count, a percentage, its own words) never does."""
    if NUMBER.fullmatch(value) or DATE.fullmatch(value) or column in APP_WORDS:
        return value
    return export.neutralise_text(value)


def check_table(table, csv: bytes, xlsx: bytes) -> None:
    values, text = table.value, apptools.shown(table)
    # headers are words, never a query's code
    assert all("_" not in str(column) for column in values.columns), list(values.columns)
    for column in values.columns:
        shown = text[column].astype(str)
        if len(shown) and shown.map(lambda v: bool(NUMBER.fullmatch(v))).all() and (shown != "–").any():
            # a column of numbers is sent as numbers (st.dataframe sorts it as numbers)
            assert pd.api.types.is_numeric_dtype(values[column]), (column, values[column].dtype)
        if (
            len(shown)
            and shown.map(lambda v: bool(DATE.fullmatch(v)) or v == "–").all()
            and (shown != "–").any()
        ):
            assert pd.api.types.is_datetime64_any_dtype(values[column]), (column, values[column].dtype)
    # the CSV: the shown headers, every row the table shows and as it shows it
    written = read_csv(csv)
    assert list(written.columns) == [str(column) for column in values.columns]
    assert len(written) >= len(text)
    expected = text.astype(str).apply(lambda col: col.map(lambda v: neutralised_if_data(v, col.name)))
    assert written.head(len(text)).to_dict("records") == expected.to_dict("records")
    # the XLSX: the same headers and rows; numbers and dates as values, with the format shown
    headers, cells, formats = read_xlsx(xlsx)
    assert headers == [str(column) for column in values.columns]
    assert len(cells) == len(written)
    for index, column in enumerate(values.columns):
        for row, value in enumerate(values[column]):
            cell, shown, number_format = cells[row][index], text[column].iloc[row], formats[row][index]
            if pd.api.types.is_datetime64_any_dtype(values[column]):
                assert cell == (None if pd.isna(value) else value.to_pydatetime())
                assert pd.isna(value) or number_format in TIMES
            elif pd.api.types.is_numeric_dtype(values[column]) and not pd.api.types.is_bool_dtype(
                values[column]
            ):
                assert cell == (None if pd.isna(value) else pytest.approx(float(value)))
                if str(shown).endswith("%"):
                    assert number_format == XLSX_FORMAT["pct"]
                elif NUMBER.fullmatch(str(shown)) and "," not in str(shown) and shown != "–":
                    assert number_format in (XLSX_FORMAT["int"], "+#,##0;-#,##0;0")
            elif isinstance(value, str) and cell is None:
                # an empty text cell: the table holds what it shows there (Streamlit would draw "None")
                assert value == shown and value in ("", "–")
            elif isinstance(value, str):
                assert cell == neutralised_if_data(value, column)


@pytest.mark.parametrize(("page", "url"), VIEWS)
def test_every_table_keeps_numbers_and_every_download_is_its_view(app_on, fixture_db, offered, page, url):
    at = open_page(app_on, fixture_db, offered, page, **url)
    tables = list(at.dataframe)
    tables_offered = [(name, data) for name, data in offered if not name.startswith(ingest.TEMPLATE_NAME)]
    csvs = [data for name, data in tables_offered if name.endswith(".csv")]
    xlsxs = [data for name, data in tables_offered if name.endswith(".xlsx")]
    assert len(tables) == len(csvs) == len(xlsxs) > 0  # every table and chart table offers both
    for table, csv, xlsx in zip(tables, csvs, xlsxs, strict=True):
        check_table(table, csv, xlsx)


def test_the_overview_lists_offer_downloads_of_every_row(app_on, fixture_db, offered):
    at = open_page(app_on, fixture_db, offered, "overview")
    names = [name for name, _ in offered]
    assert names[:4] == [
        "communes_below_target.csv",
        "communes_below_target.xlsx",
        "cells_below_target.csv",
        "cells_below_target.xlsx",
    ]
    communes = read_csv(offered[0][1])
    assert list(communes.columns) == ["Xã/phường", "Tỷ lệ dự", "Kỳ trước", "Đúng hạn", "Số buổi"]
    shown = apptools.shown(at.dataframe[0])
    assert communes.to_dict("records") == shown.to_dict("records")
    assert at.dataframe[0].value["Tỷ lệ dự"].dtype == "float64"


def one_row_a_page(monkeypatch, folder) -> None:
    """The settings file of a committee that wants one row of a table at a time."""
    (folder / "cellboard.toml").write_text("table_rows = 1\n", encoding="utf-8")
    monkeypatch.setenv("CELLBOARD_SETTINGS", str(folder / "cellboard.toml"))


def test_a_long_table_shows_a_page_of_rows_and_its_download_holds_them_all(
    app_on, fixture_db, offered, monkeypatch, tmp_path
):
    one_row_a_page(monkeypatch, tmp_path)
    at = open_page(app_on, fixture_db, offered, "overview", **{"to": "2025-02-28"})
    trend = at.dataframe[-1]
    assert list(apptools.shown(trend)["Tháng"]) == ["01/2025"]  # one row on screen
    written = read_csv(dict(offered)["participation_trend.csv"])
    assert list(written["Tháng"]) == ["01/2025", "02/2025"]  # both in the file
    assert list(written["Tỷ lệ dự"]) == ["78,6%", "88,9%"]
    headers, cells, formats = read_xlsx(dict(offered)["participation_trend.xlsx"])
    rate = headers.index("Tỷ lệ dự")
    assert [row[rate] for row in cells] == [pytest.approx(11 / 14), pytest.approx(8 / 9)]
    assert [row[rate] for row in formats] == ["0.0%", "0.0%"]
    assert [row[headers.index("Tháng")] for row in cells] == [
        dt.datetime(2025, 1, 1),
        dt.datetime(2025, 2, 1),
    ]
    at.number_input(key="page_participation_trend").set_value(2).run()
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["02/2025"]
    # on the last of six months' pages, a shorter period: the picker keeps to the pages there are
    at.date_input(key="f_to").set_value(dt.date(2025, 6, 30)).run()
    at.number_input(key="page_participation_trend").set_value(6).run()
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["06/2025"]
    at.date_input(key="f_to").set_value(dt.date(2025, 2, 28)).run()
    assert not at.exception
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["02/2025"]


def test_a_long_table_sorts_every_row_by_the_column_chosen(
    app_on, fixture_db, offered, monkeypatch, tmp_path
):
    # a header click sorts the rows on screen; over a page of rows, the picker sorts them all
    one_row_a_page(monkeypatch, tmp_path)
    at = open_page(app_on, fixture_db, offered, "overview", **{"to": "2025-02-28"})
    at.selectbox(key="sort_participation_trend").set_value("Tỷ lệ dự").run()
    at.toggle(key="desc_participation_trend").set_value(True).run()
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["02/2025"]  # 88,9% before 78,6%
    offered.clear()
    at.number_input(key="page_participation_trend").set_value(2).run()
    assert list(apptools.shown(at.dataframe[-1])["Tỷ lệ dự"]) == ["78,6%"]
    written = read_csv(dict(offered)["participation_trend.csv"])
    assert list(written["Tháng"]) == ["02/2025", "01/2025"]  # the download in the order shown
    # a new order starts from its first page
    at.toggle(key="desc_participation_trend").set_value(False).run()
    assert at.number_input(key="page_participation_trend").value == 1
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["01/2025"]


def test_a_view_sorts_numbers_as_numbers_and_names_in_vietnamese_order():
    view = tables.View(
        pd.DataFrame(
            {
                "Xã": ["Đông Hòa", "Anh Sơn", None, "Ân Thi", "Bình Minh", "Dương Nội"],
                "Tỷ lệ": [0.102, 0.095, 1.0, None, 0.5, 0.3],
            }
        ),
        {"Xã": "user", "Tỷ lệ": "pct"},
        text.VI,
    )
    by_rate = view.sorted_by("Tỷ lệ")
    assert list(by_rate.text()["Tỷ lệ"]) == ["9,5%", "10,2%", "30,0%", "50,0%", "100,0%", "–"]
    assert list(view.sorted_by("Tỷ lệ", descending=True).text()["Tỷ lệ"])[:2] == ["100,0%", "50,0%"]
    # the vi collation: A < Â < B < D < Đ, accents after the bare letter; no name last
    assert list(view.sorted_by("Xã").text()["Xã"]) == [
        "Anh Sơn",
        "Ân Thi",
        "Bình Minh",
        "Dương Nội",
        "Đông Hòa",
        "",
    ]


def test_tables_and_downloads_in_english(app_on, fixture_db, offered):
    at = open_page(app_on, fixture_db, offered, "overview", lang="en", to="2025-02-28")
    trend = at.dataframe[-1]
    assert list(trend.value.columns) == [
        "Month",
        "Meetings",
        "Expected",
        "Exempt",
        "Present",
        "Excused",
        "Absent",
        "Attendance rate",
    ]
    assert list(apptools.shown(trend)["Attendance rate"]) == ["78.6%", "88.9%"]
    assert list(read_csv(dict(offered)["participation_trend.csv"])["Attendance rate"]) == ["78.6%", "88.9%"]


def test_only_text_from_the_data_is_neutralised():
    view = tables.View(
        pd.DataFrame({"Tên": ["=HYPERLINK(1)", "-Xã"], "Tăng/giảm": [-5, 3], "Tỷ lệ": [-0.052, 0.5]}),
        {"Tên": "user", "Tăng/giảm": "signed", "Tỷ lệ": "pct"},
        text.VI,
    )
    written = read_csv(tables.csv_bytes(view))
    assert written.to_dict("records") == [
        {"Tên": "'=HYPERLINK(1)", "Tăng/giảm": "-5", "Tỷ lệ": "-5,2%"},
        {"Tên": "'-Xã", "Tăng/giảm": "+3", "Tỷ lệ": "50,0%"},
    ]
    headers, cells, formats = read_xlsx(tables.xlsx_bytes(view))
    assert cells == [["'=HYPERLINK(1)", -5, -0.052], ["'-Xã", 3, 0.5]]
    assert [row[1:] for row in formats] == [["+#,##0;-#,##0;0", "0.0%"]] * 2
    # the command line's CSV (query --format csv) still neutralises every text column
    assert export.neutralised(pd.DataFrame({"a": ["-x"], "b": ["=y"]})).to_dict("records") == [
        {"a": "'-x", "b": "'=y"}
    ]


def test_a_charts_table_is_built_only_while_it_is_open(app_on, fixture_db, offered):
    # a closed "show the table" builds nothing (its formatting is the costly part of a rerun); a click
    # opens it (a rerun: st.session_state[tables.table_key(name)]), with its downloads of every row
    at = app_on(fixture_db, **(JAN_JUN | {"to": "2025-02-28"}))
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert apptools.closed_tables(at) == [tables.table_key("participation_trend")]
    assert "participation_trend.csv" not in dict(offered)
    shown_before = len(at.dataframe)  # the two lists below target, drawn open
    offered.clear()
    at.session_state[tables.table_key("participation_trend")] = True
    at.run()
    assert apptools.closed_tables(at) == []
    assert len(at.dataframe) == shown_before + 1
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["01/2025", "02/2025"]
    assert list(read_csv(dict(offered)["participation_trend.csv"])["Tỷ lệ dự"]) == ["78,6%", "88,9%"]
    # it stays open on the next runs (a period change) and closes again at a click
    at.date_input(key="f_to").set_value(dt.date(2025, 1, 31)).run()
    assert list(apptools.shown(at.dataframe[-1])["Tháng"]) == ["01/2025"]
    offered.clear()
    at.session_state[tables.table_key("participation_trend")] = False
    at.run()
    assert apptools.closed_tables(at) == [tables.table_key("participation_trend")]
    assert "participation_trend.csv" not in dict(offered)


def test_a_list_open_on_a_page_shows_fewer_rows_a_page_within_the_setting(monkeypatch, tmp_path):
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("CELLBOARD_SETTINGS", str(tmp_path / "empty.toml"))
    assert tables.page_rows() == 200  # cellboard.toml's default
    assert tables.page_rows(tables.OPEN_LIST_ROWS) == tables.OPEN_LIST_ROWS == 25
    one_row_a_page(monkeypatch, tmp_path)
    assert tables.page_rows(tables.OPEN_LIST_ROWS) == 1  # a committee's smaller setting still holds


def test_the_data_pages_template_workbook_is_made_when_clicked(app_on, fixture_db, monkeypatch):
    """Drawing the Data page hands the template's download button a function, not the workbook: the
    page loads no spreadsheet library until someone asks for the template (tests/test_month.py: the
    Month page's)."""
    handed = apptools.recorded_downloads(monkeypatch, made=False)
    at = app_on(fixture_db, **JAN_JUN)
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    apptools.check_template(dict(handed)[f"{ingest.TEMPLATE_NAME}.xlsx"])


def test_a_tables_empty_text_cells_hold_what_they_show_and_numbers_and_dates_stay_values():
    # Streamlit draws an empty cell as "None" whatever the Styler says: text columns hold their "–"
    frame = pd.DataFrame(
        {
            "topic": ["Chuyên đề", None],
            "meetings": [3, None],
            "held_on": pd.to_datetime(["2025-02-12", None]),
        }
    )
    headers = {"topic": "Chủ đề", "meetings": "Số buổi", "held_on": "Ngày họp"}
    shown = tables.view(text.VI, frame, {"topic": ("user", "–"), "held_on": "date"}, headers)
    drawn = tables.styled(shown).data
    assert drawn["Chủ đề"].tolist() == ["Chuyên đề", "–"]
    assert pd.api.types.is_numeric_dtype(drawn["Số buổi"]) and pd.isna(drawn["Số buổi"].iloc[1])
    assert pd.api.types.is_datetime64_any_dtype(drawn["Ngày họp"]) and pd.isna(drawn["Ngày họp"].iloc[1])
    assert shown.text()["Chủ đề"].tolist() == ["Chuyên đề", "–"]  # what the downloads hold, as before
