"""The review as XLSX: the same tables as the DOCX, one sheet per section, numbers as numbers."""

from __future__ import annotations

import io

import pandas as pd

from cellboard import text
from cellboard.export import FORMULA_STARTS
from cellboard.review.model import Review, cell_kind, cell_text
from cellboard.review.prose import period_name

XLSX_FORMATS = {
    "int": "#,##0",
    "delta": "+#,##0;-#,##0;0",
    "pct": "0.0%",
    "num": "#,##0.0",
    "date": "dd/mm/yyyy",
    "month": "mm/yyyy",
    "year": "0",
}
HEADER_ROW = 3  # 0-based: title, subtitle, blank, then the first table's header


def _points_format(loc: text.Locale) -> str:
    unit = loc.points_unit.strip()  # đ.p. or pp
    return f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'


def to_xlsx(loc: text.Locale, review: Review) -> bytes:
    """One sheet per section: numbers stored as numbers with formats, text never a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties(
        {"title": review.title, "subject": loc.t("page_review"), "author": review.issuing_body}
    )
    cache: dict[tuple, object] = {}

    def style(kind: str, bold: bool = False, quote: bool = False, wrap: bool = False):
        key = (kind, bold, quote, wrap)
        if key not in cache:
            spec: dict[str, object] = {"border": 1, "valign": "top"}
            if kind == "points":
                spec["num_format"] = _points_format(loc)
            elif kind in XLSX_FORMATS:
                spec["num_format"] = XLSX_FORMATS[kind]
            if bold:
                spec["bold"] = True
            if quote:
                spec["quote_prefix"] = True  # shown as typed, stays text even when edited
            if wrap:
                spec["text_wrap"] = True
            cache[key] = book.add_format(spec)
        return cache[key]

    header_style = book.add_format(
        {
            "bold": True,
            "bg_color": "#DCE6F1",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
        }
    )
    title_style = book.add_format({"bold": True, "font_size": 14})
    caption_style = book.add_format({"bold": True, "italic": True})
    note_style = book.add_format({"italic": True})
    subtitle = loc.t(
        "rv_xlsx_subtitle",
        organisation=review.organisation,
        start=loc.date(review.period.start),
        end=loc.date(review.period.end),
        previous=period_name(loc, review.previous),
    )

    def write_value(sheet, row: int, col: int, value: object, kind: str, bold: bool, wrap: bool) -> None:
        if kind == "text":
            content = "" if text.is_missing(value) else str(value)
            if not content:
                sheet.write_blank(row, col, None, style("text", bold))
            else:
                sheet.write_string(
                    row, col, content, style("text", bold, content.startswith(FORMULA_STARTS), wrap)
                )
        elif text.is_missing(value):
            sheet.write_blank(row, col, None, style(kind, bold))
        elif kind in ("date", "month"):
            sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), style(kind, bold))
        elif kind == "points":
            sheet.write_number(row, col, float(value) * 100, style(kind, bold))
        else:
            sheet.write_number(row, col, float(value), style(kind, bold))

    for section in [*review.sections, review.notes]:
        sheet = book.add_worksheet(section.sheet[:31])
        sheet.write_string(0, 0, f"{section.number}. {section.title}", title_style)
        sheet.write_string(1, 0, subtitle)
        widths: dict[int, int] = {}
        row = HEADER_ROW
        if section is review.notes:
            for content in section.paragraphs:
                sheet.write_string(row, 0, content, note_style)
                row += 1
            row += 1
        first = True
        for table in section.tables:
            if not first or section is review.notes:
                sheet.write_string(row, 0, table.title, caption_style)
                row += 1
            if first and section is not review.notes:
                sheet.freeze_panes(row + 1, 0)
            for col, column in enumerate(table.columns):
                sheet.write_string(row, col, column.label, header_style)
                widths[col] = max(widths.get(col, 0), min(len(column.label), 24) + 2)
            row += 1
            if not table.rows:
                sheet.write_string(row, 0, table.empty or loc.t("no_data"), note_style)
                row += 1
            last = len(table.rows) - 1
            for index, record in enumerate(table.rows):
                bold = table.total and index == last
                for col, column in enumerate(table.columns):
                    kind = cell_kind(column, record)
                    value = record.get(column.key)
                    long_text = kind == "text" and not text.is_missing(value) and len(str(value)) > 60
                    write_value(sheet, row, col, value, kind, bold, long_text)
                    shown_length = len(cell_text(loc, value, kind)) + 2
                    widths[col] = max(widths.get(col, 0), min(shown_length, 62))
                row += 1
            row += 1
            first = False
        for col, width in widths.items():
            sheet.set_column(col, col, max(width, 10))
    book.close()
    return buffer.getvalue()
