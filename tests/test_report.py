"""The review report (issue 6): DOCX and XLSX from the named queries, the CLI, the Review page.

Kinh Môn (tests/kinhmon.py) gives the published figures: in 2015, 156 opinions against 187 in 2014,
agriculture 58 of them (37,2 %). The tiny fixture (tests/fixture.py) gives the figures the Overview
page shows for Xã An Bình in January-February 2025 (attendance 78,6 %).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import apptools
import docx
import kinhmon
import openpyxl
import pandas as pd
import pytest
from browser import login

from cellboard import auth, review, text
from cellboard.cli import main
from cellboard.data import db, figures, store
from cellboard.data.periods import Period

D = dt.date
YEAR_2015 = (D(2015, 1, 1), D(2015, 12, 31))
JAN_FEB = (D(2025, 1, 1), D(2025, 2, 28))
CATEGORY_SHEET = "5. Ý kiến, kiến nghị"
FORMULA_TEXTS = [
    '=HYPERLINK("http://example.com","bấm vào đây")',
    "+84 912 345 678 gọi lại",
    "-1 đèn hỏng",
    "@SUM(A1:A9) phản ánh",
]


@pytest.fixture(scope="module")
def kinhmon_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kinhmon") / "kinhmon.duckdb"
    store.write_database(path, kinhmon.tables(), source="imported")
    return path


@pytest.fixture(scope="module")
def kinhmon_docx(kinhmon_db) -> docx.document.Document:
    """The 2015 annual report of Huyện ủy Kinh Môn, charts drawn by Debian's chromium."""
    built = review.build(text.VI, kinhmon_db, *YEAR_2015, "KM", "docx")
    assert built.charts_note is None  # the default path really renders
    return docx.Document(io.BytesIO(built.data))


@pytest.fixture(scope="module")
def kinhmon_xlsx(kinhmon_db) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(review.build_report(text.VI, kinhmon_db, *YEAR_2015, "KM", "xlsx"))
    )


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_table(document, first_header: str) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_header:
            return rows
    raise AssertionError(f"no table headed {first_header}")


def sheet_table(sheet, first_header: str) -> list[list]:
    """The cells (openpyxl) of the table whose header row starts with `first_header`, to its end."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    table = []
    for row in rows[start:]:
        if row[0].value is None:
            break
        table.append(list(row))
    return table


def column_width(sheet, index: int) -> float:
    """A column's width (1-based index); the file may give one width to a range of columns."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= index <= dimension.max:
            return dimension.width
    return 0.0


# ---- the published Kinh Môn figures -------------------------------------------------------------


def test_the_2015_annual_report_states_the_published_opinion_figures(kinhmon_docx):
    body = all_text(kinhmon_docx)
    assert "đã có 156 ý kiến phản ánh, kiến nghị" in body
    assert "giảm 31 ý kiến so với năm 2014 (187 ý kiến)" in body
    assert "Sản xuất nông nghiệp, thủy lợi 58 ý kiến (37,2%)" in body
    categories = docx_table(kinhmon_docx, "Lĩnh vực")
    assert categories[0] == ["Lĩnh vực", "Ý kiến", "Tỷ lệ", "Kỳ trước (năm 2014)", "Tăng/giảm"]
    assert categories[1] == ["Sản xuất nông nghiệp, thủy lợi", "58", "37,2%", "70", "-12"]
    assert categories[-1] == ["Tổng cộng", "156", "100,0%", "187", "-31"]


def test_the_docx_is_laid_out_like_a_committee_report(kinhmon_docx):
    header = [cell.text for cell in kinhmon_docx.tables[0].rows[0].cells]
    assert header[0].split("\n") == ["ĐẢNG BỘ TỈNH HẢI DƯƠNG", "HUYỆN ỦY KINH MÔN", "*", "Số …-BC/…"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1] and "…, ngày … tháng … năm …" in header[1]
    paragraphs = [p.text for p in kinhmon_docx.paragraphs if p.text.strip()]
    assert paragraphs[:3] == [
        "BÁO CÁO",
        "Tổng kết công tác sinh hoạt chi bộ năm 2015",
        "Đảng bộ huyện Kinh Môn",
    ]
    for heading in (
        "1. Các chỉ số chính",
        "2. Sinh hoạt chi bộ và tỷ lệ đảng viên dự sinh hoạt",
        "3. Sinh hoạt định kỳ và sinh hoạt chuyên đề",
        "4. Cấp ủy viên cấp trên dự sinh hoạt chi bộ",
        "5. Ý kiến, kiến nghị tại hội nghị giao ban bí thư chi bộ",
        "6. Xếp loại và xếp hạng chi bộ",
        "1. Ưu điểm",
        "2. Hạn chế, nguyên nhân",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "IV. GHI CHÚ VỀ SỐ LIỆU",
    ):
        assert heading in paragraphs
    footer = [cell.text for cell in kinhmon_docx.tables[-1].rows[0].cells]
    assert footer[0].startswith("Nơi nhận:") and footer[1].startswith("T/M BAN THƯỜNG VỤ")


def test_the_docx_has_its_tables_and_charts(kinhmon_docx):
    # charts: the attendance trend, opinions by category, ratings by year (inline images)
    assert len(kinhmon_docx.inline_shapes) == 3
    assert "Biểu đồ: Ý kiến, kiến nghị theo lĩnh vực" in all_text(kinhmon_docx)
    for first_header in (
        "Chỉ số",
        "Xã/phường",
        "Tháng",
        "Cấp",
        "Họ và tên",
        "Lĩnh vực",
        "Cơ quan được giao",
        "Ngày nêu",
        "Năm",
        "Hạng trong xã",
    ):
        docx_table(kinhmon_docx, first_header)
    # Huyện ủy Kinh Môn's answers, by department: agriculture's department has 58 opinions, 30 on time
    departments = docx_table(kinhmon_docx, "Cơ quan được giao")
    assert ["Phòng Nông nghiệp và PTNT", "58", "44", "30", "14", "0", "14", "51,7%", "10,0"] in departments


def test_the_docx_attendance_matches_the_hand_computed_figures(kinhmon_docx):
    communes = docx_table(kinhmon_docx, "Xã/phường")
    # KM-HS-01 January-June: 141 present of 162 expected, 12 exempt -> 94,0 %; KM-TT-01: 12 of 14
    assert ["Xã Hiệp Sơn", "1", "6", "162", "12", "141", "6", "3", "94,0%", "–", "–"] in communes
    assert ["Thị trấn Kinh Môn", "1", "1", "15", "1", "12", "2", "0", "85,7%", "–", "–"] in communes
    # within Huyện ủy Kinh Môn: its district member (2 visits, 2 of 4 quarters) and the commune member
    levels = docx_table(kinhmon_docx, "Cấp")
    assert levels[1] == ["Huyện ủy viên", "Ít nhất 1 lần/3 tháng", "1", "2", "0", "0,0%"]
    assert levels[-1] == ["Tổng cộng", "", "2", "7", "0", "0,0%"]


def test_the_xlsx_holds_the_category_counts_as_numbers(kinhmon_xlsx):
    sheet = kinhmon_xlsx[CATEGORY_SHEET]
    table = sheet_table(sheet, "Lĩnh vực")
    counts = {row[0].value: row[1].value for row in table[1:-1]}
    assert counts == {kinhmon.CATEGORY_NAMES_VI[code]: n for code, n in kinhmon.CATEGORY_COUNTS[2015].items()}
    agriculture = table[1]
    assert agriculture[1].data_type == "n" and agriculture[1].number_format == "#,##0"
    assert agriculture[2].value == pytest.approx(58 / 156) and agriculture[2].number_format == "0.0%"
    assert [cell.value for cell in table[-1][:5]] == ["Tổng cộng", 156, 1, 187, -31]


def test_every_xlsx_sheet_has_a_styled_frozen_header_and_fitting_columns(kinhmon_xlsx):
    assert kinhmon_xlsx.sheetnames == [
        "1. Chỉ số chính",
        "2. Sinh hoạt, tham dự",
        "3. Đều đặn, chuyên đề",
        "4. Cấp ủy dự sinh hoạt",
        CATEGORY_SHEET,
        "6. Xếp loại, xếp hạng",
        "7. Ghi chú số liệu",
    ]
    for sheet in kinhmon_xlsx.worksheets[:6]:
        assert sheet.freeze_panes == "A5", sheet.title
        header = sheet[4]
        assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DCE6F1") for cell in header if cell.value)
        first_table = sheet_table(sheet, header[0].value)
        for column in range(len(header)):
            # text as long as it is; numbers as shown (37,2% or 1.234: ten characters do)
            longest = max(
                len(row[column].value) if row[column].data_type == "s" else 10 for row in first_table[1:]
            )
            assert column_width(sheet, column + 1) >= min(longest, 60), (sheet.title, column)
    headline = sheet_table(kinhmon_xlsx["1. Chỉ số chính"], "Chỉ số")
    opinions = next(row for row in headline if row[0].value == "Ý kiến, kiến nghị")
    assert [cell.value for cell in opinions] == ["Ý kiến, kiến nghị", 156, 187, -31]
    assert opinions[3].number_format == "+#,##0;-#,##0;0"


# ---- untrusted text -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory) -> Path:
    """A copy of the Kinh Môn data with opinions whose text looks like spreadsheet formulas, overdue since
    the briefing of February 2015 (so they head the overdue list)."""
    tables = kinhmon.tables()
    extra = [
        {
            "opinion_id": f"YK-FORMULA-{number}",
            "raised_on": D(2015, 1, 20),
            "unit_id": "KM-HS-01",
            "briefing_id": "GB-201501",
            "category": "other",
            "kind": "reflection",
            "channel": "written",
            "text": content,
            "assigned_to": "=cmd|' /C calc'!A0",
            "answered_on": None,
            "answer": None,
        }
        for number, content in enumerate(FORMULA_TEXTS)
    ]
    tables["opinion"] = pd.concat([tables["opinion"], pd.DataFrame(extra)], ignore_index=True)
    path = tmp_path_factory.mktemp("formula") / "formula.duckdb"
    store.write_database(path, tables, source="imported")
    return path


def test_no_live_formula_comes_from_imported_text(formula_db):
    data = review.build_report(text.VI, formula_db, *YEAR_2015, None, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")
        ]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert not [
        cell.coordinate
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    overdue = sheet_table(book[CATEGORY_SHEET], "Ngày nêu")
    texts = {row[4].value: row[4] for row in overdue[1:]}
    for content in FORMULA_TEXTS:
        assert content in texts  # kept exactly as written
        assert texts[content].data_type == "s" and texts[content].quotePrefix
    departments = [row[0] for row in sheet_table(book[CATEGORY_SHEET], "Cơ quan được giao")]
    assert any(cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" for cell in departments)


def test_formula_like_text_reaches_the_docx_verbatim(formula_db, monkeypatch, tmp_path):
    monkeypatch.setenv(review.CHART_BROWSER_ENV, str(tmp_path / "no-browser"))
    document = docx.Document(io.BytesIO(review.build_report(text.VI, formula_db, *YEAR_2015, None, "docx")))
    body = all_text(document)
    assert all(content in body for content in FORMULA_TEXTS)


# ---- without a browser ----------------------------------------------------------------------------


def test_the_report_builds_without_chromium(kinhmon_db, kinhmon_docx, monkeypatch, tmp_path):
    # kaleido is pointed at a browser that does not exist: it raises ChromeNotFoundError
    monkeypatch.setenv(review.CHART_BROWSER_ENV, str(tmp_path / "no-chromium"))
    built = review.build(text.VI, kinhmon_db, *YEAR_2015, "KM", "docx")
    assert built.charts_note and "ChromeNotFoundError" in built.charts_note
    document = docx.Document(io.BytesIO(built.data))
    assert len(document.inline_shapes) == 0
    assert len(document.tables) == len(kinhmon_docx.tables)
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith("Không vẽ được biểu đồ") and "chỉ gồm các bảng số liệu" in p for p in paragraphs)
    assert "Sản xuất nông nghiệp, thủy lợi 58 ý kiến (37,2%)" in all_text(document)


# ---- the same figures as the pages, within the scope ------------------------------------------------


def headline_rows(data: bytes) -> dict[str, list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["1. Chỉ số chính"]
    return {row[0].value: [cell.value for cell in row[1:]] for row in sheet_table(sheet, "Chỉ số")[1:]}


def test_the_headline_figures_are_the_overviews(fixture_db):
    rows = headline_rows(review.build_report(text.VI, fixture_db, *JAN_FEB, "X1", "xlsx"))

    def run(name, **params):
        return db.run(name, params, path=fixture_db)

    comparison = figures.compare(run, Period(*JAN_FEB), "X1")
    for figure in figures.FIGURES:
        now, before, change = rows[text.VI.t(figure)][:3]
        assert now == pytest.approx(comparison.current_values[figure]), figure
        assert before == (
            None
            if comparison.previous_values[figure] is None
            else pytest.approx(comparison.previous_values[figure])
        ), figure
    # what the Overview page shows for Xã An Bình in January-February 2025 (tests/test_app.py)
    assert text.VI.pct(rows["Tỷ lệ đảng viên dự sinh hoạt"][0]) == "78,6%"
    assert rows["Số buổi sinh hoạt"][0] == 5


def test_the_excellent_share_a_year_earlier_is_the_rating_year_before(fixture_db):
    # January-February 2026: the latest rated year is 2025 (Xã An Bình: C1 excellent, C3 good); a year
    # earlier, January-February 2025, also reaches 2025, but the comparison is with 2024 (C1, C2 good)
    def run(name, **params):
        return db.run(name, params, path=fixture_db)

    comparison = figures.compare(run, Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28)), "X1")
    assert (comparison.current_values["rating_year"], comparison.current_values["excellent_share"]) == (
        2025,
        0.5,
    )
    assert (comparison.year_values["rating_year"], comparison.year_values["excellent_share"]) == (2024, 0.0)
    assert comparison.change("excellent_share", against="year") == 0.5


def test_the_report_runs_within_the_scope(fixture_db):
    scoped = db.Scope(root="X1", names=False, account="x1")
    assert headline_rows(
        review.build_report(text.VI, fixture_db, *JAN_FEB, None, "xlsx", scoped)
    ) == headline_rows(review.build_report(text.VI, fixture_db, *JAN_FEB, "X1", "xlsx"))
    with pytest.raises(db.OutOfScope):
        review.build_report(text.VI, fixture_db, *JAN_FEB, "X2", "xlsx", scoped)


def test_the_review_is_written_in_the_locale_it_is_given_whatever_thread_builds_it(fixture_db):
    # the page's downloads build on a thread of their own: two at once, in two languages, each keep theirs
    with ThreadPoolExecutor(2) as pool:
        vi, en = pool.map(
            lambda loc: openpyxl.load_workbook(
                io.BytesIO(review.build_report(loc, fixture_db, *JAN_FEB, "X1", "xlsx"))
            ).worksheets[0],
            (text.VI, text.EN),
        )
    assert (vi.title, en.title) == ("1. Chỉ số chính", "1. Headline figures")
    assert en["A2"].value == (
        "Đảng bộ xã An Bình · Period: 01/01/2025 – 28/02/2025 · Previous period: from 01/11/2024 to 31/12/2024"
    )
    assert [cell.value for cell in sheet_table(en, "Figure")[0]] == [
        "Figure",
        "This period",
        "Previous (from 01/11/2024 to 31/12/2024)",
        "Change",
        "A year earlier",
        "Change",
    ]
    vi_rows, en_rows = sheet_table(vi, "Chỉ số"), sheet_table(en, "Figure")
    regularity_vi = next(row for row in vi_rows if row[0].value == "Tỷ lệ sinh hoạt đều đặn")
    regularity_en = next(row for row in en_rows if row[0].value == "Regularity")
    assert (
        [cell.value for cell in regularity_en[1:]]
        == [cell.value for cell in regularity_vi[1:]]
        == [
            1,
            0,
            100,
            0,
            100,
        ]
    )
    assert regularity_vi[3].number_format == '+0.0" đ.p.";-0.0" đ.p.";0.0" đ.p."'
    assert regularity_en[3].number_format == '+0.0" pp";-0.0" pp";0.0" pp"'


def test_the_docx_of_a_custom_period_names_the_dates(fixture_db, monkeypatch, tmp_path):
    monkeypatch.setenv(review.CHART_BROWSER_ENV, str(tmp_path / "no-browser"))
    document = docx.Document(io.BytesIO(review.build_report(text.VI, fixture_db, *JAN_FEB, "X1", "docx")))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    assert paragraphs[1] == "Tình hình sinh hoạt chi bộ từ ngày 01/01/2025 đến ngày 28/02/2025"
    assert paragraphs[2] == "Đảng bộ xã An Bình"
    assert "Tỷ lệ đảng viên dự sinh hoạt chi bộ đạt 78,6%" in all_text(document)
    assert "T/M ĐẢNG ỦY" in document.tables[-1].rows[0].cells[1].text


def test_opinion_response_by_department(fixture_db):
    frame = db.run(
        "opinion_response_by_department",
        {"start": "2025-01-01", "end": "2025-02-28", "as_of": "2025-03-31"},
        path=fixture_db,
    )
    assert frame.astype(object).where(frame.notna(), None).values.tolist() == [
        ["Phòng Kinh tế", 3, 2, 1, 1, 0, 1, pytest.approx(1 / 3), 30.5],
        ["Công an phường", 1, 0, 0, 0, 0, 1, 0.0, None],
    ]
    # before O3 is due (the briefing of 25/03) it is open, and stays out of the on-time rate
    early = db.run(
        "opinion_response_by_department",
        {"start": "2025-01-01", "end": "2025-02-28", "as_of": "2025-03-01"},
        path=fixture_db,
    )
    assert early.loc[0, ["open", "overdue", "on_time_rate"]].tolist() == [1, 0, 0.5]


# ---- names, periods, formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "name"),
    [
        ((D(2015, 1, 1), D(2015, 12, 31)), "năm 2015"),
        ((D(2015, 1, 1), D(2015, 6, 30)), "6 tháng đầu năm 2015"),
        ((D(2014, 7, 1), D(2014, 12, 31)), "6 tháng cuối năm 2014"),
        ((D(2015, 3, 1), D(2015, 3, 31)), "tháng 3/2015"),
        ((D(2015, 1, 10), D(2015, 2, 9)), "từ ngày 10/01/2015 đến ngày 09/02/2015"),
    ],
)
def test_period_names(period, name):
    assert review.period_name(text.VI, Period(*period)) == name


@pytest.mark.parametrize(
    ("unit", "names"),
    [
        ("Huyện ủy Kinh Môn", ("Huyện ủy Kinh Môn", "Đảng bộ huyện Kinh Môn")),
        ("Tỉnh Quảng Ninh", ("Tỉnh ủy Quảng Ninh", "Đảng bộ tỉnh Quảng Ninh")),
        ("Phường Việt Hưng", ("Đảng ủy phường Việt Hưng", "Đảng bộ phường Việt Hưng")),
        ("Đặc khu Cô Tô", ("Đảng ủy đặc khu Cô Tô", "Đảng bộ đặc khu Cô Tô")),
        ("Chi bộ thôn Đông", ("Chi bộ thôn Đông", "Chi bộ thôn Đông")),
    ],
)
def test_party_names(unit, names):
    assert review.party_names(unit) == names


def test_bad_requests_are_refused_clearly(fixture_db):
    with pytest.raises(review.ReportError, match="docx hoặc .xlsx"):
        review.build_report(text.VI, fixture_db, *JAN_FEB, None, "pdf")
    with pytest.raises(review.ReportError, match="NO-SUCH"):
        review.build_report(text.VI, fixture_db, *JAN_FEB, "NO-SUCH", "xlsx")
    with pytest.raises(review.ReportError):
        review.build_report(text.VI, fixture_db, D(2025, 3, 1), D(2025, 1, 1), None, "xlsx")


# ---- the command line ---------------------------------------------------------------------------------


def test_the_cli_writes_both_formats(kinhmon_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(review.CHART_BROWSER_ENV, str(tmp_path / "no-browser"))  # charts: tested above
    out = tmp_path / "tong-ket-2015.xlsx"
    assert (
        main(
            [
                "report",
                "--start",
                "2015-01-01",
                "--end",
                "31/12/2015",
                "--unit",
                "KM",
                "--db",
                str(kinhmon_db),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    table = sheet_table(openpyxl.load_workbook(out)[CATEGORY_SHEET], "Lĩnh vực")
    assert table[1][1].value == 58
    docx_out = tmp_path / "so-ket.docx"
    assert (
        main(
            [
                "report",
                "--start",
                "2015-01-01",
                "--end",
                "2015-06-30",
                "--db",
                str(kinhmon_db),
                "--out",
                str(docx_out),
            ]
        )
        == 0
    )
    assert "Sơ kết công tác sinh hoạt chi bộ 6 tháng đầu năm 2015" in all_text(docx.Document(docx_out))
    assert str(docx_out) in capsys.readouterr().out


def test_the_cli_writes_the_review_in_the_language_asked_for(fixture_db, tmp_path, capsys):
    args = ["report", "--start", "2025-01-01", "--end", "2025-02-28", "--unit", "X1", "--db", str(fixture_db)]
    assert main([*args, "--out", str(tmp_path / "en.xlsx"), "--lang", "en"]) == 0
    assert main([*args, "--out", str(tmp_path / "vi.xlsx")]) == 0
    titles = [openpyxl.load_workbook(tmp_path / f"{lang}.xlsx").worksheets[0].title for lang in ("en", "vi")]
    assert titles == ["1. Headline figures", "1. Chỉ số chính"]
    assert main([*args, "--out", str(tmp_path / "en.pdf"), "--lang", "en"]) == 2
    assert "docx or .xlsx" in capsys.readouterr().err  # its messages too
    with pytest.raises(SystemExit):
        main([*args, "--out", str(tmp_path / "fr.xlsx"), "--lang", "fr"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "report.pdf"], ".docx hoặc .xlsx"),
        (["--out", "report.xlsx", "--unit", "NO-SUCH"], "NO-SUCH"),
        (["--out", "report.xlsx", "--start", "2025-13-01"], "2025-13-01"),
    ],
)
def test_the_cli_refuses_bad_requests(fixture_db, tmp_path, capsys, extra, message):
    args = ["report", "--start", "2025-01-01", "--end", "2025-02-28", "--db", str(fixture_db)]
    extra = [str(tmp_path / value) if value.startswith("report.") else value for value in extra]
    assert main(args + extra) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_cli_applies_the_accounts_scope(fixture_db, accounts_store, tmp_path, capsys):
    out = tmp_path / "x1.xlsx"
    args = ["report", "--start", "2025-01-01", "--end", "2025-02-28", "--db", str(fixture_db)]
    assert main([*args, "--out", str(out), "--as", "x1"]) == 0
    assert headline_rows(out.read_bytes())["Số buổi sinh hoạt"][0] == 5  # Xã An Bình's, not the 6 of all
    assert main([*args, "--out", str(out), "--as", "x1", "--unit", "X2"]) == 2
    # the same words as `query --as`: what was asked, whose scope, and what that scope is
    assert capsys.readouterr().err.strip() == auth.refusal("X2", auth.scope_for_account("x1"))
    assert main([*args, "--out", str(tmp_path / "nobody.xlsx"), "--as", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


# ---- the Review page -------------------------------------------------------------------------------


def test_the_review_page_offers_both_downloads(app_on, fixture_db):
    at = app_on(
        fixture_db, unit="X1", review="custom", review_from="2025-01-01", review_to="2025-02-28"
    ).run()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [button.label for button in buttons] == ["Tải báo cáo (Word, DOCX)", "Tải số liệu (Excel, XLSX)"]
    shown = {metric.label: metric for metric in at.metric}
    # the Overview's figures for the same unit and period, with their definitions
    assert shown["Tỷ lệ đảng viên dự sinh hoạt"].value == "78,6%"
    assert shown["Số buổi sinh hoạt"].value == "5"
    assert len(shown) == 7 and all(len(metric.help) > 40 for metric in shown.values())
    # the old link's own keys became the sidebar's period, which the page follows
    assert at.selectbox(key="f_preset").value == "custom"
    assert (at.query_params["from"], at.query_params["to"]) == ("2025-01-01", "2025-02-28")
    assert not {"review", "review_from", "review_to"} & set(at.query_params)
    # the changes as the Overview shows them: 5 meetings against none in November-December is a rise
    assert shown["Số buổi sinh hoạt"].delta == "+5"
    overview = app_on(fixture_db, unit="X1", **{"from": "2025-01-01", "to": "2025-02-28"}).run()
    assert {metric.label: metric.delta for metric in overview.metric} == {
        label: metric.delta for label, metric in shown.items()
    }


def test_a_report_download_is_audited_when_it_is_made_without_a_rerun(app_on, fixture_db, monkeypatch):
    monkeypatch.setenv(review.CHART_BROWSER_ENV, "/nonexistent/chromium")  # charts: tested above
    handed = apptools.recorded_downloads(monkeypatch, made=False)
    at = app_on(fixture_db, unit="X1", **{"from": "2025-01-01", "to": "2025-02-28"}).run()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert [button.proto.ignore_rerun for button in at.get("download_button")] == [True, True]

    def reports() -> list[dict]:
        return [row for row in auth.audit_log() if row["action"] == "report"]

    assert reports() == []  # drawing the page builds and audits nothing
    name, make = handed[-1]  # the XLSX, as Streamlit calls it on the click
    assert name == "bao-cao_2025-01-01_2025-02-28_X1.xlsx"
    assert headline_rows(make())["Số buổi sinh hoạt"][0] == 5
    (row,) = reports()
    assert row["account"] == "admin"
    assert row["details"] == {
        "file": name,
        "start": "2025-01-01",
        "end": "2025-02-28",
        "unit": "X1",
        "scope": None,
    }


def test_the_review_page_follows_the_sidebar_and_an_old_review_link_opens_its_period(app_on, fixture_db):
    last_year = dt.date.today().year - 1
    # a link from when the page had its own picker, with the sidebar's keys of another period beside
    at = app_on(
        fixture_db, review="year", review_year=str(last_year), **{"from": "2025-01-01", "to": "2025-02-28"}
    )
    at.run()
    at.switch_page("pages/review.py").run()
    assert not at.exception
    assert (at.selectbox(key="f_preset").value, at.selectbox(key="f_year").value) == ("year", last_year)
    assert (at.query_params["from"], at.query_params["to"]) == (f"{last_year}-01-01", f"{last_year}-12-31")
    assert not {"review", "review_year"} & set(at.query_params)
    assert not at.radio  # no period picker of its own
    assert f"01/01/{last_year} – 31/12/{last_year}" in " ".join(block.value for block in at.markdown)
    # the sidebar's half-year is the review's
    at.selectbox(key="f_preset").set_value("first_half").run()
    assert (at.query_params["from"], at.query_params["to"]) == (f"{last_year}-01-01", f"{last_year}-06-30")
    assert f"01/01/{last_year} – 30/06/{last_year}" in " ".join(block.value for block in at.markdown)
    assert "review" not in at.query_params
    # a link with the review page's custom keys only
    at = app_on(fixture_db, review="custom", review_from="2025-03-01", review_to="2025-01-01").run()
    at.switch_page("pages/review.py").run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2025-01-01", "2025-03-01")


# ---- the downloads in a real browser (the report builds when clicked, on the server's own thread) ---


def test_the_review_page_downloads_both_formats_in_a_browser(served, browser, fixture_db, accounts_store):  # noqa: F811

    server = served(fixture_db)
    page = browser.new_page(accept_downloads=True)
    try:
        page.goto(
            server.url("review", unit="X1", review="custom", review_from="2025-01-01", review_to="2025-02-28")
        )
        login(page, "x1", accounts_store.password)
        with page.expect_download(timeout=60_000) as xlsx:
            page.get_by_role("button", name="Tải số liệu (Excel, XLSX)").click()
        assert xlsx.value.suggested_filename == "bao-cao_2025-01-01_2025-02-28_X1.xlsx"
        assert headline_rows(Path(xlsx.value.path()).read_bytes())["Số buổi sinh hoạt"][0] == 5
        with page.expect_download(timeout=60_000) as word:
            page.get_by_role("button", name="Tải báo cáo (Word, DOCX)").click()
        document = docx.Document(word.value.path())
        assert "Tỷ lệ đảng viên dự sinh hoạt chi bộ đạt 78,6%" in all_text(document)
        assert len(document.inline_shapes) >= 1  # drawn by kaleido in the server process
    finally:
        page.close()
