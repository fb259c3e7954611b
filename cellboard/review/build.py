"""The review for a period and unit as DOCX or XLSX bytes: collect, draw the charts, render."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cellboard import text
from cellboard.data import db
from cellboard.data.periods import Period, parse_date
from cellboard.review.collect import _Runner, collect
from cellboard.review.docx import to_docx
from cellboard.review.drawing import ChartDrawer
from cellboard.review.model import ReportError
from cellboard.review.prose import review_kind
from cellboard.review.xlsx import to_xlsx

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Built:
    data: bytes
    charts_note: str | None  # why charts were left out, when they were


def build(
    loc: text.Locale,
    path: Path | None,
    start: dt.date | str,
    end: dt.date | str,
    unit: str | None,
    fmt: str,
    scope: db.Scope = db.EVERYTHING,
    *,
    charts_wanted: bool = True,
) -> Built:
    """The review for a period and unit as DOCX or XLSX bytes, in the locale's language (words and
    number formats), and why charts were left out if they were."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ReportError(loc.t("rv_bad_format", fmt=fmt))
    period = Period(_date(loc, start), _date(loc, end))
    if period.start > period.end:
        raise ReportError(loc.t("period_reversed"))
    run = _Runner(path, scope)
    # a damaged or missing file is refused before the chart browser starts: a browser stopped while
    # starting prints its own traceback beside the message
    db.reader(path).close()
    drawer = ChartDrawer() if fmt == "docx" and charts_wanted else None
    try:
        review = collect(loc, run, period, unit or None)
    except BaseException:
        if drawer:
            drawer.close()
        raise
    if fmt == "xlsx":
        return Built(to_xlsx(loc, review), None)
    images: dict[int, list[tuple[bytes, str]]] | None = None
    note = None
    chart_sections = [section for section in review.sections if section.charts]
    for section in chart_sections:
        # the title goes under the image as an editable caption, so the image has room for its legend
        section.captions = [str(figure.layout.title.text or "") for figure in section.charts]
        for figure in section.charts:
            figure.update_layout(title=None, margin={"t": 60})
    if drawer is None:
        note = loc.t("rv_charts_off")
    elif not chart_sections:
        drawer.close()
    else:
        try:
            drawn = iter(drawer.draw([figure for section in chart_sections for figure in section.charts]))
            images = {
                section.number: [(next(drawn), caption) for caption in section.captions]
                for section in chart_sections
            }
        except Exception as error:  # noqa: BLE001 - no browser, or it failed: tables only, and say so
            note = loc.t("rv_charts_left_out", reason=type(error).__name__)
    if note:
        review.notes.paragraphs.insert(0, note)
    return Built(to_docx(loc, review, images, note), note)


def build_report(
    loc: text.Locale,
    path_or_none: Path | str | None,
    start: dt.date | str,
    end: dt.date | str,
    unit: str | None,
    fmt: str,
    scope: db.Scope = db.EVERYTHING,
) -> bytes:
    """The review report as bytes (the benchmark's entry): DOCX or XLSX, within the scope."""
    path = Path(path_or_none) if path_or_none else None
    return build(loc, path, start, end, unit, fmt, scope).data


def _date(loc: text.Locale, value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError as bad:
        raise ReportError(loc.t("rv_bad_date", value=value)) from bad


def file_name(period: Period, unit: str | None, fmt: str) -> str:
    """'so-ket_2015-01-01_2015-06-30_KM.docx'."""
    kind = {"year": "tong-ket", "half": "so-ket"}.get(review_kind(period), "bao-cao")
    unit_part = re.sub(r"[^A-Za-z0-9_-]+", "-", unit)[:40] if unit else "toan-bo"
    return f"{kind}_{period.start.isoformat()}_{period.end.isoformat()}_{unit_part}.{fmt}"
