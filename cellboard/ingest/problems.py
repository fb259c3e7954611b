"""Problems and the report: every problem names `sheet, row (as Excel shows it), column` with a reason
in Vietnamese and English; any problem rejects the whole import."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from cellboard import text
from cellboard.ingest import limits

GROUP_ABOVE = 30  # longer reports are grouped by reason


# ---- problems and the report ----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One bad row (or file, or sheet): where, and why, in both languages."""

    source: str
    sheet: str | None
    row: int | None
    column: str | None
    code: str  # a message id of the catalogue (cellboard/locale)
    values: tuple[tuple[str, str], ...] = ()
    order: tuple = field(default=(), compare=False)

    def reason(self, language: str) -> str:
        # a value said differently in English comes as name_en beside name (what, kind, own): the
        # catalogue's vi and en messages name the same {placeholders}
        values = dict(self.values)
        if language == "vi":
            return text.pair(self.code, **values)[0]
        english = {name.removesuffix("_en"): value for name, value in values.items() if name.endswith("_en")}
        return text.pair(self.code, **(values | english))[1]

    def group_title(self, language: str) -> str:
        group = self.code + "_group"  # a problem's group title, where it has its own (imp_*_group)
        vi, en = text.pair(group if text.known(group) else self.code)
        return vi if language == "vi" else en

    def location(self, with_source: bool = False) -> str:
        parts = [self.source] if with_source or self.sheet is None else []
        if self.sheet is not None:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
        if self.column is not None:
            parts.append(self.column)
        return ", ".join(parts)

    def line(self, with_source: bool = False) -> str:
        return f"{self.location(with_source)}: {self.reason('vi')} / {self.reason('en')}"


SHORTENED = ("value", "text", "header", "key")  # what a user wrote: long cells are cut in the report


def _values(**values: object) -> tuple[tuple[str, str], ...]:
    return tuple((key, _shown(value, key in SHORTENED)) for key, value in values.items())


def _shown(value: object, shorten: bool = True) -> str:
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    shown = str(value)
    return shown if len(shown) <= 60 or not shorten else shown[:57] + "…"


class Report:
    """Problems and warnings collected while reading and checking."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.cells = 0  # filled cells read so far (limits.MAX_CELLS)
        self.rows = 0  # and data rows (limits.MAX_ROWS)
        self.chars = 0  # and the characters of their text (limits.MAX_CELL_CHARS)
        self.unlisted = self.unlisted_warnings = 0  # problems and warnings past limits.MAX_LISTED

    def add(
        self,
        where: Where | None,
        code: str,
        row: int | None = None,
        column: str | None = None,
        *,
        source: str | None = None,
        warning: bool = False,
        **values: object,
    ) -> None:
        if where is not None:
            source = where.source
            sheet = where.sheet
            column_order = where.column_order.get(column, 999) if column else -1
            order = (where.source_order, where.sheet_order, row or 0, column_order)
        else:
            sheet, order = None, (len(self.problems),)
        listed = self.warnings if warning else self.problems
        if len(listed) >= limits.MAX_LISTED:  # a file bad on every row: counted, not kept
            if warning:
                self.unlisted_warnings += 1
            else:
                self.unlisted += 1
            return
        listed.append(Problem(source or "", sheet, row, column, code, _values(**values), order))


@dataclass
class Where:
    """Where a sheet came from, for naming problems."""

    source: str
    sheet: str
    table: str = ""
    source_order: int = 0
    sheet_order: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written
    column_order: dict[str, int] = field(default_factory=dict)  # header as written -> position


def report_lines(problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> list[str]:
    """The report as lines: every problem `sheet, row, column: vi / en`; long ones grouped by reason."""
    several_sources = len({p.source for p in [*problems, *warnings] if p.sheet is not None}) > 1
    lines = []
    if len(problems) <= GROUP_ABOVE:
        lines += [problem.line(several_sources) for problem in problems]
    else:
        groups: dict[tuple, list[Problem]] = defaultdict(list)
        for problem in problems:
            groups[(problem.code, problem.source, problem.sheet, problem.column)].append(problem)
        for (_code, source, sheet, column), members in sorted(groups.items(), key=lambda g: g[1][0].order):
            first = members[0]
            where = ", ".join(
                p for p in ([source] if several_sources or sheet is None else []) + [sheet, column] if p
            )
            lines.append(
                f"{where}: {first.group_title('vi')} / {first.group_title('en')} "
                f"— {len(members)} {'/'.join(text.pair_n('imp_rows_word', 'imp_rows_word_plural', len(members)))}:"
            )
            rows = [p.row for p in members if p.row is not None]
            if rows:
                lines.append("    " + _row_ranges(rows))
            lines += [f"    {p.row}: {p.reason('vi')} / {p.reason('en')}" for p in members[:3] if p.values]
    if warnings:
        lines.append(" / ".join(text.pair("imp_warnings")) + ":")
        lines += ["  " + warning.line(several_sources) for warning in warnings]
    return lines


def _row_ranges(rows: Iterable[int]) -> str:
    """7, 8, 9, 12 -> '7–9, 12'."""
    ordered = sorted(set(rows))
    parts, start, previous = [], ordered[0], ordered[0]
    for row in ordered[1:] + [None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if row is not None:
            start = previous = row
    return ", ".join(parts)


def report_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """The report as a table (the Data page and its downloads): one row per problem."""
    return pd.DataFrame(
        {
            "file": [p.source for p in problems],
            "sheet": [p.sheet for p in problems],
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column for p in problems],
            "reason_vi": [p.reason("vi") for p in problems],
            "reason_en": [p.reason("en") for p in problems],
            "code": [p.code.removeprefix("imp_") for p in problems],
        }
    )
