"""Tables leaving the app: CSV and JSON for the command line, CSV and XLSX downloads.

`query --format csv` neutralises text cells that a spreadsheet would run as a formula (starting
with =, +, -, @, a tab or a carriage return: Excel skips a leading tab or CR and reads the formula
behind it): they get a leading apostrophe. The app's downloads (csv_shown, xlsx_shown) neutralise
only the columns whose text came from the data (names, opinion text, departments, ...): a "-5,2%"
the app wrote is not a formula. Numbers are never touched.
"""

from __future__ import annotations

import io
import json

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as yyyy-mm-dd text (the CLI's contract), other columns as they are."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out


def to_csv(frame: pd.DataFrame) -> str:
    return iso_dates(frame).to_csv(index=False, lineterminator="\n")


def to_json(frame: pd.DataFrame) -> str:
    records = json.loads(iso_dates(frame).to_json(orient="records", force_ascii=False))
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def neutralise_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Text cells that look like formulas made inert, in the given columns (None: every text
    column, as the command line's CSV); numbers and dates untouched."""
    out = frame.copy()
    for column in out.columns if columns is None else columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_text)
    return out


CSV_SEPARATOR = ";"  # what Vietnamese Excel splits on: its decimal separator is the comma


def csv_shown(shown: pd.DataFrame, user_columns: list[str]) -> bytes:
    """A table as shown (every cell the text it shows), `;`-separated, UTF-8 with a BOM, as
    Vietnamese Excel reads it; the text of `user_columns` neutralised."""
    body = neutralised(shown, user_columns).to_csv(index=False, sep=CSV_SEPARATOR, lineterminator="\r\n")
    return ("\ufeff" + body).encode("utf-8")


def xlsx_shown(
    frame: pd.DataFrame, formats: dict[str, str | None], user_columns: list[str], sheet: str
) -> bytes:
    """An XLSX of a table as shown: its headers, numbers and dates as values with the number format
    each column shows (`formats`: header -> Excel number format), text stored as text (never a
    formula), the text of `user_columns` neutralised."""
    import xlsxwriter

    frame = neutralised(frame, user_columns)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    page = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    cell_formats = {
        header: book.add_format({"num_format": f}) if f else None for header, f in formats.items()
    }
    for index, column in enumerate(frame.columns):
        page.write_string(0, index, str(column), bold)
        fmt = cell_formats.get(column)
        values = frame[column]
        dates = pd.api.types.is_datetime64_any_dtype(values)
        for row, value in enumerate(values.tolist(), start=1):
            if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
                continue
            if dates:
                page.write_datetime(row, index, value.to_pydatetime(), fmt)
            elif isinstance(value, bool):
                page.write_boolean(row, index, value, fmt)
            elif isinstance(value, (int, float)):
                page.write_number(row, index, value, fmt)
            else:
                page.write_string(row, index, str(value), fmt)
        shown = values.dt.strftime("%d/%m/%Y") if dates else values
        page.set_column(index, index, column_width(shown, str(column)))
    page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def column_width(values: pd.Series, header: str) -> int:
    """A width that fits the header and the longest value, between 10 and 60 characters."""
    longest = values.astype(str).str.len().max() if len(values) else 0
    return int(min(60, max(10, len(header) + 2, (0 if pd.isna(longest) else longest) + 2)))
