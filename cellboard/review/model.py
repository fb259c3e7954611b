"""The review model: the sections of tables and paragraphs that cellboard/review/collect.py builds and
cellboard/review/docx.py and cellboard/review/xlsx.py render, and how a table's cells are written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from cellboard import text
from cellboard.data.periods import Period


class ReportError(ValueError):
    """The report was asked for wrongly (format, dates, unit)."""


# ---- tables, sections and the review they make ------------------------------------------

# Column kinds: how a value is written in Word (Vietnamese text) and stored in Excel (number format).
#   text, int, delta (signed count), pct (fraction), points (difference of fractions), num (1 decimal),
#   date, month, year; "row" / "row_change" take the kind from the row's "kind" value (int or pct).


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict]
    total: bool = False  # the last row is a total (bold)
    docx_rows: int | None = None  # cut the DOCX to this many rows (the XLSX keeps all)
    empty: str | None = None  # said instead of an empty table


@dataclass
class Section:
    number: int
    title: str
    sheet: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[object] = field(default_factory=list)  # plotly figures
    captions: list[str] = field(default_factory=list)  # their titles, written under the images


@dataclass
class Review:
    period: Period
    previous: Period
    year_before: Period
    unit: str | None
    kind: str  # year, half, other
    upper_body: str | None  # the issuing body's superior (top left, first line)
    issuing_body: str
    organisation: str  # "Đảng bộ huyện Kinh Môn": named in the title
    signature: str
    title: str
    intro: str
    notices: list[str]
    sections: list[Section]
    strengths: list[str]
    weaknesses: list[str]
    directions: list[str]
    notes: Section


# ---- formatting cells --------------------------------------------------------------------------


def cell_kind(column: Column, row: dict) -> str:
    if column.kind == "row":
        return row.get("kind", "int")
    if column.kind == "row_change":
        return "delta" if row.get("kind", "int") == "int" else "points"
    return column.kind


def cell_text(loc: text.Locale, value: object, kind: str) -> str:
    """A value as the DOCX shows it (the locale's number formats; dates dd/mm/yyyy)."""
    if kind == "text":
        return "" if text.is_missing(value) else clean_text(str(value))
    if text.is_missing(value):
        return "–"
    if kind == "int":
        return loc.integer(value)
    if kind == "delta":
        return ("+" if value > 0 else "-" if value < 0 else "") + loc.integer(abs(float(value)))
    if kind == "pct":
        return loc.pct(value)
    if kind == "points":
        return loc.points(value)
    if kind == "num":
        return loc.num(value, 1)
    if kind == "date":
        return loc.date(pd.Timestamp(value).date())
    if kind == "month":
        return loc.month(pd.Timestamp(value).date())
    if kind == "year":
        return str(int(value))
    raise ValueError(kind)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Text Word can hold: control characters (other than tab and line breaks) dropped."""
    return _NOT_XML.sub("", value)
