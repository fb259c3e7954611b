"""Tables leaving the app: CSV and JSON for the command line, CSV and XLSX downloads.

Downloads and `query --format csv` neutralise text cells that a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return: Excel skips a leading tab or CR and reads
the formula behind it): they get a leading apostrophe. Numbers are never touched.
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


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that look like formulas made inert; numbers and dates untouched."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_text)
    return out


def csv_download(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM so Excel shows Vietnamese; formula-like text neutralised."""
    return ("\ufeff" + to_csv(neutralised(frame))).encode("utf-8")


def column_width(values: pd.Series, header: str) -> int:
    """A width that fits the header and the longest value, between 10 and 60 characters."""
    longest = values.astype(str).str.len().max() if len(values) else 0
    return int(min(60, max(10, len(header) + 2, (0 if pd.isna(longest) else longest) + 2)))


def xlsx_download(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An XLSX of the frame: numbers as numbers, text stored as text, never as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        iso_dates(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        sheet_obj = writer.sheets[sheet[:31]]
        sheet_obj.freeze_panes(1, 0)
        for index, column in enumerate(frame.columns):
            sheet_obj.set_column(index, index, column_width(frame[column], str(column)))
    return buffer.getvalue()
