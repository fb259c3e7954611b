"""From rows to checked records: the header found, every cell parsed, then the checks.

Checking covers types, required values, allowed values, duplicate keys, references to
the database or the same files, counts that must add up, date order, the unit tree, who was in
which cell when, one meeting of a kind per cell and day, meetings and answers not dated after today, the
departments opinions are assigned to. Every problem names `sheet, row (as Excel shows it), column`
with a reason in Vietnamese and English; any problem rejects the whole import. The same Checker
checks the rows people enter in the app's forms (issue 14: one rule set for every write).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import pyarrow as pa

from cellboard import SCHEMA_VERSION, text
from cellboard.data import store
from cellboard.ingest import limits
from cellboard.ingest.problems import Problem, Report, Where, _shown
from cellboard.ingest.reading import (
    HEADER_SEARCH_ROWS,
    BadWorkbook,
    RawSheet,
    Refused,
    Source,
    Uncached,
    _empty,
    _header_score,
    _n,
    read_source,
)
from cellboard.ingest.spec import (
    ENUMS,
    FOOTER,
    SHEET_BY_TABLE,
    Column,
    Sheet,
    enum_lookup,
    is_numbering,
    match_column,
    norm,
)

MAX_TEXT = limits.MAX_TEXT  # Excel's cell limit
MIN_DATE = dt.date(1930, 1, 1)  # the party was founded in 1930: earlier dates are typing slips
MAX_DATE = dt.date(2100, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)


# ---- from rows to records ---------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    row: int
    values: dict[str, object]
    bad: frozenset[str] | set[str] = frozenset()  # columns whose value is unusable (a set once one is)
    where: Where | None = None

    def ok(self, *columns: str) -> bool:
        return all(c not in self.bad and self.values.get(c) is not None for c in columns)

    def mark_bad(self, column: str) -> None:
        if not self.bad:  # most rows have none: no empty set for each (a million rows, 200 MB)
            self.bad = set()
        self.bad.add(column)


@dataclass
class ParsedSheet:
    where: Where
    spec: Sheet
    headers: dict[str, str]  # column -> the header as written
    records: list[Record]


def parse_sheet(raw: RawSheet, report: Report) -> ParsedSheet | None:
    """A sheet's rows into records, streaming: only the first lines (for the header) and the rows
    after the last complete one (a possible footer) are held as read."""
    spec, where = raw.spec, raw.where
    rows = iter(raw.rows)
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    scores = [_header_score(spec, row) for row in head]
    if not scores or max(scores) == 0:
        if any(not _empty(v) for row in itertools.chain(head, rows) for v in row):
            report.add(
                where,
                "imp_no_header",
                rows=HEADER_SEARCH_ROWS,
                columns=", ".join(f"{c.name} ({c.vi})" for c in spec.columns),
            )
        else:
            report.add(where, "imp_no_rows")
        return None
    header_index = scores.index(max(scores))
    header_row = header_index + 1
    header_values = head[header_index]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[int] = []
    for index, value in enumerate(header_values):
        if _empty(value):
            continue
        column = match_column(spec, value)
        if column is None:
            if not is_numbering(value):
                unknown.append(index)
                header = str(value).strip()
                report.add(where, "imp_unknown_column", header_row, header, warning=True, header=header)
            continue
        if column in positions:
            report.add(
                where,
                "imp_duplicate_column",
                header_row,
                str(value).strip(),
                en=column,
                first=_letter(positions[column]),
                second=_letter(index),
            )
            continue
        positions[column] = index
        headers[column] = str(value).strip()
    where.headers = headers
    where.column_order = {headers[c]: positions[c] for c in positions}
    for column in spec.columns:
        if column.needed and column.name not in positions:
            report.add(where, "imp_missing_column", header_row, column.name, vi=column.vi, en=column.name)
    width = len(header_values)
    watched = [*positions.values(), *unknown]
    needed = [positions[c.name] for c in spec.columns if c.needed and c.name in positions]
    warnings_at = len(report.warnings)  # the sheet's warnings about its layout go first, as read

    def cell(values: list[object], column: str) -> object:
        index = positions.get(column)
        return values[index] if index is not None and index < len(values) else None

    def complete(values: list[object]) -> bool:
        return all(index < len(values) and not _empty(values[index]) for index in needed)

    def record_of(row_number: int, values: list[object]) -> Record:
        record = Record(row_number, {}, where=where)
        for column in spec.columns:
            if column.name not in positions:
                record.values[column.name] = column.default
                continue
            parse_cell(column, cell(values, column.name), record, headers[column.name], report)
        return record

    records: list[Record] = []
    pending: list[tuple[int, list[object]]] = []  # rows after the last complete one
    last_complete: int | None = None
    headless: set[int] = set()
    rest = itertools.chain(head[header_index + 1 :], rows)
    for number, values in enumerate(rest, start=header_row + 1):
        if not any(not _empty(values[i]) for i in watched if i < len(values)):
            continue  # an empty row, or one holding only an STT number
        report.rows += 1
        if report.rows > limits.MAX_ROWS:
            raise Refused(
                "imp_too_many_rows_import", sheet=where.sheet, row=number, limit=_n(limits.MAX_ROWS)
            )
        if len(values) > width:
            headless.update(i for i in range(width, len(values)) if not _empty(values[i]))
        headless.update(
            i for i in range(min(width, len(values))) if _empty(header_values[i]) and not _empty(values[i])
        )
        if complete(values):
            records += [record_of(*row) for row in pending]
            pending.clear()
            records.append(record_of(number, values))
            last_complete = number
        else:
            pending.append((number, values))
    layout = Report()
    for index in sorted(headless):
        layout.add(where, "imp_headless_values", header_row, warning=True, position=_letter(index))
    if pending and _is_footer(pending, last_complete or header_row, spec, positions, cell):
        for row_number, values in pending:
            layout.add(where, "imp_footer_ignored", row_number, warning=True, text=_first_text(values) or "…")
    else:
        records += [record_of(*row) for row in pending]
    report.warnings[warnings_at:warnings_at] = layout.warnings
    return ParsedSheet(where, spec, headers, records)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _first_text(values) -> str:
    return next((str(v).strip() for v in values if not _empty(v) and not isinstance(v, int | float)), "")


def _is_footer(trailing, previous_row, spec, positions, cell) -> bool:
    """Whether the lines after the last complete row are not data: signatures, 'Người lập biểu',
    totals. They miss a required value, and either sit below an empty row, carry no key, or start
    like a signature or total line."""
    below_gap = trailing[0][0] > previous_row + 1
    keys = [k for k in spec.keys if k in positions]
    keyless = all(all(_empty(cell(values, k)) for k in keys) for _, values in trailing)
    signature = all(FOOTER.match(norm(_first_text(values))) for _, values in trailing)
    return below_gap or keyless or signature


def parse_cell(column: Column, raw: object, record: Record, header: str, report: Report) -> None:
    """Parse one cell into record.values[column]; a problem marks the column bad."""
    where, row = record.where, record.row

    def bad(code: str, **values: object) -> None:
        record.mark_bad(column.name)
        record.values[column.name] = None
        report.add(where, code, row, header, **values)

    if isinstance(raw, Uncached):  # never read as empty: the value is in no file (issue 17)
        return bad("imp_formula_no_value", value=str(raw))
    if _empty(raw):
        record.values[column.name] = column.default
        if column.needed and column.default is None:
            bad("imp_required")
        return
    kind = column.kind
    if kind == "text":
        value = raw if isinstance(raw, str) else _as_text(raw)
        if len(value) > MAX_TEXT:
            return bad("imp_too_long", length=f"{len(value):,}".replace(",", "."), limit="32.767")
        record.values[column.name] = value
        if isinstance(raw, str) and _looks_garbled(value):
            report.add(where, "imp_mojibake", row, header, warning=True, text=value)
    elif kind in ("id", "category"):
        value = unicodedata.normalize("NFC", _as_text(raw).strip().strip("\u00a0").strip())
        if len(value) > MAX_TEXT:
            return bad("imp_too_long", length=f"{len(value):,}".replace(",", "."), limit="32.767")
        record.values[column.name] = value
    elif kind == "enum":
        code = enum_lookup(column.enum).get(norm(raw))
        if code is None:
            allowed = "; ".join(f"{vi} ({code})" for code, (vi, _, _) in ENUMS[column.enum].items())
            return bad("imp_bad_enum", value=_as_text(raw), allowed=allowed)
        record.values[column.name] = code
    elif kind == "int":
        number = _as_int(raw)
        if number is None:
            return bad("imp_bad_int", value=_as_text(raw))
        if column.low == 0 and number < 0:
            return bad("imp_negative", value=number)
        if (column.low is not None and number < column.low) or (
            column.high is not None and number > column.high
        ):
            return bad("imp_int_range", value=number, low=column.low, high=column.high)
        record.values[column.name] = number
    elif kind == "date":
        parsed = parse_date(raw)
        if isinstance(parsed, str):
            return bad(parsed, value=_as_text(raw))
        if not MIN_DATE <= parsed <= MAX_DATE:
            return bad("imp_date_range", value=parsed, low=MIN_DATE.year, high=MAX_DATE.year)
        record.values[column.name] = parsed
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(kind)


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(\.0+)?\s*", value):
        return int(float(value))
    return None


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")


def parse_date(value: object) -> dt.date | str:
    """A date from an Excel date, an Excel serial number, yyyy-mm-dd or dd/mm/yyyy; else the
    problem's code (imp_bad_date, imp_impossible_date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 2_958_465:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return text.N_("imp_bad_date")
    if not isinstance(value, str):
        return text.N_("imp_bad_date")
    stripped = value.strip()
    # a time of midnight after the date, as some exports write it
    stripped = re.sub(r"[ T]00:00(:00(\.0+)?)?$", "", stripped)
    match = _YMD.fullmatch(stripped)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY.fullmatch(stripped)
        if not match:
            return text.N_("imp_bad_date")
        day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return text.N_("imp_impossible_date")


_GARBLED = re.compile(r"Ã[\u0080-\u00bf]|Ä[\u0080-\u00bf‘]|Æ°|á»|áº")


def _looks_garbled(value: str) -> bool:
    return bool(_GARBLED.search(value))


# ---- checking against the database and the other rows ------------------------------------------


@dataclass
class Checked:
    """The outcome of reading and checking: problems, warnings, and the rows ready to write."""

    sources: list[Source]
    problems: list[Problem]
    warnings: list[Problem]
    tables: dict[str, pa.Table]  # table -> rows, typed as the schema
    rows_by_source: dict[str, dict[str, int]]  # source name -> table -> rows
    source_meta: str | None = None  # the database's meta source (demo, empty, imported)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> dict[str, int]:
        return {table: frame.num_rows for table, frame in self.tables.items()}


_empty_lock = threading.Lock()
_empty_con: duckdb.DuckDBPyConnection | None = None


def empty_database() -> duckdb.DuckDBPyConnection:
    """A cursor on an in-memory database with the schema and nothing else (checks with no file)."""
    global _empty_con
    with _empty_lock:
        if _empty_con is None:
            con = store.connect()
            store.create_schema(con, "empty")
            _empty_con = con
        return _empty_con.cursor()


def _lookup(con, section: str, wanted: Iterable[str] = ()) -> list[tuple]:
    """Rows of a schema.sql lookup; `con` None is an empty database (answered from a cache)."""
    if con is None:
        return _empty_answers().get(section, [])
    ids = sorted(set(wanted))
    con.register("wanted", pa.table({"id": pa.array(ids, pa.string())}))
    try:
        return con.execute(store.schema_sections()[section]).fetchall()
    finally:
        con.unregister("wanted")


@cache
def _empty_answers() -> dict[str, list[tuple]]:
    """What an empty database answers to the lookups that take no ids (the others: nothing)."""
    con = empty_database()
    try:
        sections = ("import_known_meta", "import_known_units", "import_known_categories")
        return {section: _lookup(con, section) for section in sections}
    finally:
        con.close()


def check_sources(
    sources: Sequence[Source],
    con: duckdb.DuckDBPyConnection | None = None,
    report: Report | None = None,
    *,
    allow_demo: bool = False,
    db_label: str = "",
    today: dt.date | None = None,
    rights: Callable[[Mapping[str, list[Record]], object, Report], None] | None = None,
) -> Checked:
    """Read and check the sources against a database (a connection; None = an empty one).

    `today`: the day answers and meetings may not be dated after (None: the computer's date today).
    `db_label`: the database as the report names it; blank for a page's upload (ingest.writing)."""
    report = report or Report()
    meta = dict(_lookup(con, "import_known_meta"))
    if meta.get("schema_version") != SCHEMA_VERSION:
        report.add(
            None,
            "imp_schema_version",
            source=db_label,
            found=meta.get("schema_version"),
            wanted=SCHEMA_VERSION,
        )
    if meta.get("source") == "demo" and not allow_demo:
        if db_label:
            report.add(None, "imp_demo_database", source=db_label, path=db_label)
        else:  # a page's upload: in words for the person uploading, without the command line
            report.add(None, "imp_demo_database_app", source=db_label)
    parsed: list[ParsedSheet] = []
    for order, source in enumerate(sources):
        problems_before, warnings_before = len(report.problems), len(report.warnings)
        unlisted_before = (report.unlisted, report.unlisted_warnings)
        try:
            raws = read_source(source, order, report)
            sheets = [p for p in (parse_sheet(raw, report) for raw in raws) if p is not None]
        except (Refused, BadWorkbook) as error:  # the file is refused whole: only this is said of it
            del report.problems[problems_before:]
            del report.warnings[warnings_before:]
            report.unlisted, report.unlisted_warnings = unlisted_before
            if isinstance(error, BadWorkbook):
                report.add(None, "imp_not_xlsx", source=source.name, detail=str(error))
            else:
                where = Where(source.name, error.sheet, "", order) if error.sheet else None
                report.add(where, error.code, error.row, source=source.name, **error.values)
            continue
        parsed += sheets
        if len(report.problems) == problems_before and not any(s.records for s in sheets):
            report.add(None, "imp_no_rows", source=source.name)
    records: dict[str, list[Record]] = defaultdict(list)
    for sheet in parsed:
        records[sheet.spec.table] += sheet.records
    Checker(records, con, report, today=today).run()
    if rights is not None:  # the writer's rights and scope (cellboard/ingest/changes.py, check_import_rights)
        rights(records, con, report)
    report.problems.sort(key=lambda p: p.order)
    tables = {table: to_arrow(table, rows) for table, rows in records.items() if rows}
    rows_by_source: dict[str, dict[str, int]] = {source.name: {} for source in sources}
    for sheet in parsed:
        counts = rows_by_source[sheet.where.source]
        counts[sheet.spec.table] = counts.get(sheet.spec.table, 0) + len(sheet.records)
    return Checked(
        list(sources), report.problems, report.warnings, tables, rows_by_source, meta.get("source")
    )


def kind_name(kind: str, language: str) -> str:
    """A unit kind as people say it: 'Xã/phường' or 'commune'."""
    vi, _, _ = ENUMS["unit_kind"].get(kind, (kind, kind, ()))
    return vi if language == "vi" else kind


# what a reference names, by the `what` Checker.unknown is told: its message id
REFERENCED = {
    "unit": text.N_("ref_unit"),
    "cell": text.N_("ref_cell"),
    "member": text.N_("ref_member"),
    "meeting": text.N_("ref_meeting"),
    "person": text.N_("ref_person"),
    "briefing": text.N_("ref_briefing"),
}
SHOWN_NAMES = 20  # the departments a refused assigned_to lists at most


class Checker:
    """The checks that look across rows, sheets and the database."""

    def __init__(
        self,
        records: Mapping[str, list[Record]],
        con,
        report: Report,
        *,
        today: dt.date | None = None,
    ) -> None:
        self.records = records
        self.con = con
        self.report = report
        self.today = today or dt.date.today()

    def problem(self, record: Record, column: str, code: str, **values: object) -> None:
        record.mark_bad(column)
        header = self.header(record, column)
        self.report.add(record.where, code, record.row, header, **values)

    def header(self, record: Record, column: str) -> str:
        return record.where.headers.get(column, column)

    def rows(self, table: str) -> list[Record]:
        return self.records.get(table, [])

    def run(self) -> None:
        self.row_rules()
        self.duplicates()
        self.categories()
        self.units()
        self.references()
        self.attendance()
        self.same_day_meetings()
        self.assigned_departments()

    # -- within a row
    def row_rules(self) -> None:
        for record in self.rows("unit"):
            self.date_order(record, "valid_from", "valid_to")
            v = record.values
            if record.ok("parent_id", "unit_id") and v["parent_id"] == v["unit_id"]:
                self.problem(record, "parent_id", "imp_parent_self")
            if record.ok("merged_into", "unit_id") and v["merged_into"] == v["unit_id"]:
                self.problem(record, "merged_into", "imp_merged_self")
            elif record.ok("merged_into") and v.get("valid_to") is None and "valid_to" not in record.bad:
                self.problem(record, "merged_into", "imp_merged_needs_end")
        for record in self.rows("membership"):
            self.date_order(record, "from_date", "to_date")
        for record in self.rows("committee_member"):
            self.date_order(record, "from_date", "to_date")
        for record in self.rows("opinion"):
            v = record.values
            if record.ok("raised_on", "answered_on") and v["answered_on"] < v["raised_on"]:
                self.problem(
                    record,
                    "answered_on",
                    "imp_answered_before_raised",
                    value=v["answered_on"],
                    other=v["raised_on"],
                )
            elif record.ok("answered_on") and v["answered_on"] > self.today:
                self.problem(
                    record,
                    "answered_on",
                    "imp_answered_after_today",
                    value=v["answered_on"],
                    today=self.today,
                )
        for record in self.rows("department"):
            if record.ok("name"):
                record.values["name"] = text.department_name(record.values["name"])
        for record in self.rows("meeting"):
            if record.ok("held_on") and record.values["held_on"] > self.today:  # a meeting yet to come
                self.problem(
                    record,
                    "held_on",
                    "imp_held_after_today",
                    value=record.values["held_on"],
                    today=self.today,
                )
            counts = ("present", "excused", "absent", "exempt")
            if any(c in record.bad for c in (*counts, "expected")):
                continue
            given = [c for c in counts if record.values.get(c) is not None]
            expected = record.values.get("expected")
            if expected is None and given:
                self.problem(record, "expected", "imp_counts_need_expected")
            elif expected is not None:
                total = sum(record.values.get(c) or 0 for c in counts)
                if total != expected:
                    self.problem(record, "expected", "imp_counts_sum", total=total, expected=expected)
        for record in self.rows("briefing"):
            v = record.values
            if record.ok("secretaries_expected", "secretaries_present") and (
                v["secretaries_present"] > v["secretaries_expected"]
            ):
                self.problem(
                    record,
                    "secretaries_present",
                    "imp_present_over_expected",
                    value=v["secretaries_present"],
                    expected=v["secretaries_expected"],
                )
        for record in self.rows("attendance"):
            v = record.values
            if record.ok("reason", "status") and v["status"] not in ("excused", "absent"):
                label = ENUMS["attendance_status"][v["status"]][0]
                self.problem(record, "reason", "imp_reason_status", status=label)
        for record in self.rows("category"):
            if record.values.get("name_en") is None and record.ok("name_vi"):
                record.values["name_en"] = record.values["name_vi"]

    def date_order(self, record: Record, start: str, end: str) -> None:
        if record.ok(start, end) and record.values[end] < record.values[start]:
            self.problem(
                record,
                end,
                "imp_date_order",
                value=record.values[end],
                other_column=self.header(record, start),
                other=record.values[start],
            )

    # -- keys
    def duplicates(self) -> None:
        for table, rows in self.records.items():
            keys = SHEET_BY_TABLE[table].keys
            seen: dict[tuple, Record] = {}
            for record in rows:
                if not record.ok(*keys):
                    continue
                key = tuple(record.values[k] for k in keys)
                if key in seen:
                    first = seen[key]
                    at = (
                        f"{first.where.sheet}, {first.row}"
                        if first.where.sheet != record.where.sheet
                        or first.where.source != record.where.source
                        else str(first.row)
                    )
                    shown = " / ".join(_shown(part) for part in key)
                    self.problem(record, keys[0], "imp_duplicate_key", key=shown, first=at)
                else:
                    seen[key] = record

    # -- categories: the database's and the file's, by code, Vietnamese or English name
    def categories(self) -> None:
        opinions = self.rows("opinion")
        if not opinions:
            return
        known = {code: (vi, en) for code, vi, en, _ in _lookup(self.con, "import_known_categories")}
        for record in self.rows("category"):
            if record.ok("code", "name_vi"):
                known[record.values["code"]] = (record.values["name_vi"], record.values.get("name_en") or "")
        lookup = {}
        for code, names in known.items():
            for spelling in (*names, code):
                lookup.setdefault(norm(spelling), code)
        for record in opinions:
            raw = record.values.get("category")
            if "category" in record.bad or raw is None:
                continue
            code = lookup.get(norm(raw))
            if code is None:
                allowed = "; ".join(f"{vi} ({code})" for code, (vi, _) in known.items())
                self.problem(record, "category", "imp_bad_category", value=raw, allowed=allowed)
                record.values["category"] = None
            else:
                record.values["category"] = code

    # -- the unit tree
    def units(self) -> None:
        self.kinds: dict[str, str | None] = {}
        self.parents: dict[str, str | None] = {}
        for unit_id, kind, parent_id in _lookup(self.con, "import_known_units"):
            self.kinds[unit_id] = kind
            self.parents[unit_id] = parent_id
        batch = {}
        for record in self.rows("unit"):
            if record.ok("unit_id"):
                unit_id = record.values["unit_id"]
                batch[unit_id] = record
                self.kinds[unit_id] = record.values["kind"] if record.ok("kind") else None
                self.parents[unit_id] = (
                    record.values.get("parent_id") if "parent_id" not in record.bad else None
                )
        for unit_id, record in batch.items():
            v = record.values
            parent = v.get("parent_id")
            if parent is not None and "parent_id" not in record.bad:
                if parent not in self.kinds:
                    self.unknown(record, "parent_id", "unit", parent)
                elif self.kinds[parent] == "cell":
                    self.problem(record, "parent_id", "imp_parent_is_cell", value=parent)
                else:
                    cycle = self.cycle_from(unit_id)
                    if cycle:
                        self.problem(record, "parent_id", "imp_cycle", path=" → ".join(cycle))
            merged = v.get("merged_into")
            if merged is not None and "merged_into" not in record.bad:
                if merged not in self.kinds:
                    self.unknown(record, "merged_into", "unit", merged)
                elif record.ok("kind") and self.kinds[merged] is not None and self.kinds[merged] != v["kind"]:
                    self.problem(
                        record,
                        "merged_into",
                        "imp_merged_kind",
                        value=merged,
                        kind=kind_name(self.kinds[merged], "vi"),
                        kind_en=kind_name(self.kinds[merged], "en"),
                        own=kind_name(v["kind"], "vi"),
                        own_en=kind_name(v["kind"], "en"),
                    )

    def cycle_from(self, start: str) -> list[str] | None:
        path, seen, current = [start], {start}, self.parents.get(start)
        while current is not None:
            path.append(current)
            if current == start:
                return path
            if current in seen:
                return None  # a cycle above this unit, reported at its own rows
            seen.add(current)
            current = self.parents.get(current)
        return None

    def unknown(self, record: Record, column: str, what: str, value: str) -> None:
        vi, en = text.pair(REFERENCED[what])
        self.problem(record, column, "imp_unknown_ref", what=vi, what_en=en, value=value)

    def is_cell(self, record: Record, column: str) -> None:
        if not record.ok(column):
            return
        unit_id = record.values[column]
        if unit_id not in self.kinds:
            self.unknown(record, column, "cell", unit_id)
        elif self.kinds[unit_id] not in (None, "cell"):
            kind = self.kinds[unit_id]
            self.problem(
                record,
                column,
                "imp_not_a_cell",
                value=unit_id,
                kind=kind_name(kind, "vi"),
                kind_en=kind_name(kind, "en"),
            )

    def is_unit(self, record: Record, column: str) -> None:
        if record.ok(column) and record.values[column] not in self.kinds:
            self.unknown(record, column, "unit", record.values[column])

    # -- references between sheets and to the database
    def known(self, table: str, key: str, section: str, referring: list[tuple[Record, str]]) -> set[str]:
        in_batch = {r.values[key] for r in self.rows(table) if r.ok(key)}
        wanted = {r.values[c] for r, c in referring if r.ok(c)} - in_batch
        found = {row[0] for row in _lookup(self.con, section, wanted)} if wanted else set()
        return in_batch | found

    def check_refs(self, referring: list[tuple[Record, str]], known: set[str], what: str) -> None:
        for record, column in referring:
            if record.ok(column) and record.values[column] not in known:
                self.unknown(record, column, what, record.values[column])

    def references(self) -> None:
        for table, column in (("membership", "cell_id"), ("meeting", "cell_id"), ("rating", "cell_id")):
            for record in self.rows(table):
                self.is_cell(record, column)
        for table in ("committee_member", "briefing", "opinion", "department"):
            for record in self.rows(table):
                self.is_unit(record, "unit_id")
        to_members = [(r, "member_id") for t in ("membership", "attendance") for r in self.rows(t)]
        self.check_refs(
            to_members, self.known("member", "member_id", "import_known_members", to_members), "member"
        )
        to_meetings = [(r, "meeting_id") for t in ("attendance", "visit") for r in self.rows(t)]
        self.meeting_ids = self.known("meeting", "meeting_id", "import_known_meetings", to_meetings)
        self.check_refs(to_meetings, self.meeting_ids, "meeting")
        to_persons = [(r, "person_id") for r in self.rows("visit")]
        self.check_refs(
            to_persons,
            self.known("committee_member", "person_id", "import_known_persons", to_persons),
            "person",
        )
        to_briefings = [(r, "briefing_id") for r in self.rows("opinion")]
        self.check_refs(
            to_briefings,
            self.known("briefing", "briefing_id", "import_known_briefings", to_briefings),
            "briefing",
        )

    # -- attendance: a member of the meeting's cell on the day
    def attendance(self) -> None:
        rows = [r for r in self.rows("attendance") if r.ok("meeting_id", "member_id")]
        meetings_in_batch = {r.values["meeting_id"]: r for r in self.rows("meeting") if r.ok("meeting_id")}
        with_rows = {r.values["meeting_id"] for r in rows}
        for meeting_id, record in meetings_in_batch.items():
            if meeting_id in with_rows and record.values.get("expected") is not None:
                self.report.add(
                    record.where, "imp_counts_and_rows", record.row, warning=True, meeting=meeting_id
                )
        if not rows:
            return
        meetings: dict[str, tuple[str, dt.date] | None] = {}
        for meeting_id, record in meetings_in_batch.items():
            meetings[meeting_id] = (
                (record.values["cell_id"], record.values["held_on"])
                if record.ok("cell_id", "held_on")
                else None
            )
        wanted = with_rows - set(meetings)
        if wanted:
            for meeting_id, cell_id, held_on in _lookup(self.con, "import_known_meetings", wanted):
                meetings[meeting_id] = (cell_id, held_on)
        members = {r.values["member_id"] for r in rows}
        spans: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        replaced = set()
        for record in self.rows("membership"):
            if record.ok("member_id", "cell_id", "from_date"):
                v = record.values
                replaced.add((v["member_id"], v["cell_id"], v["from_date"]))
                end = v.get("to_date") if "to_date" not in record.bad else None
                spans[(v["member_id"], v["cell_id"])].append((v["from_date"], end))
        for member_id, cell_id, start, end in _lookup(self.con, "import_known_memberships", members):
            if (member_id, cell_id, start) not in replaced:
                spans[(member_id, cell_id)].append((start, end))
        for record in rows:
            meeting = meetings.get(record.values["meeting_id"])
            if meeting is None or "member_id" in record.bad:
                continue
            cell_id, held_on = meeting
            member_id = record.values["member_id"]
            if not any(
                start <= held_on and (end is None or held_on <= end)
                for start, end in spans.get((member_id, cell_id), ())
            ):
                self.problem(
                    record, "member_id", "imp_not_member_then", member=member_id, cell=cell_id, date=held_on
                )

    # -- one meeting of a kind per cell and day: against the database's (withdrawn ones aside) and
    #    the files' other rows
    def same_day_meetings(self) -> None:
        batch = [r for r in self.rows("meeting") if r.ok("meeting_id", "cell_id", "held_on", "kind")]
        if not batch:
            return
        brought = {r.values["meeting_id"] for r in self.rows("meeting") if r.ok("meeting_id")}
        stored: dict[tuple, str] = {}
        cells = {r.values["cell_id"] for r in batch}
        for meeting_id, cell_id, held_on, kind in sorted(
            _lookup(self.con, "import_known_cell_meetings", cells)
        ):
            if meeting_id not in brought:  # a meeting the files bring again is judged as they have it
                stored.setdefault((cell_id, held_on, kind), meeting_id)
        first: dict[tuple, Record] = {}
        for record in batch:
            v = record.values
            key = (v["cell_id"], v["held_on"], v["kind"])
            vi, en, _ = ENUMS["meeting_kind"][v["kind"]]
            names = {"cell": v["cell_id"], "date": v["held_on"], "kind": vi.lower(), "kind_en": en.lower()}
            if key in stored:
                self.problem(record, "held_on", "imp_same_day_meeting_stored", other=stored[key], **names)
            elif key in first:
                earlier = first[key]
                self.problem(
                    record,
                    "held_on",
                    "imp_same_day_meeting",
                    other=earlier.values["meeting_id"],
                    first=f"{earlier.where.sheet}, {earlier.row}",
                    **names,
                )
            else:
                first[key] = record

    # -- an opinion's assigned_to: a department of its unit or of a unit above it (the database's
    #    departments and the files'), compared trimmed and in NFC; stored as the department's name
    def assigned_departments(self) -> None:
        opinions = [r for r in self.rows("opinion") if r.ok("assigned_to", "unit_id")]
        if not opinions:
            return
        served: dict[str, set[str]] = defaultdict(set)
        for unit_id, name in _lookup(self.con, "import_known_departments"):
            served[unit_id].add(text.department_name(name))
        for record in self.rows("department"):
            if record.ok("unit_id", "name"):
                served[record.values["unit_id"]].add(record.values["name"])
        for record in opinions:
            unit_id = record.values["unit_id"]
            if unit_id not in self.kinds:
                continue  # an unknown unit: said by references()
            name = text.department_name(record.values["assigned_to"])
            chain = self.ancestors(unit_id)
            if any(name in served.get(unit, ()) for unit in chain):
                record.values["assigned_to"] = name
                continue
            names = sorted(
                {n for unit in chain for n in served.get(unit, ())}, key=lambda n: (text.fold(n), n)
            )
            allowed = "; ".join(names[:SHOWN_NAMES]) + ("; …" if len(names) > SHOWN_NAMES else "")
            self.problem(
                record,
                "assigned_to",
                "imp_unknown_department",
                value=record.values["assigned_to"],
                unit=unit_id,
                allowed=allowed or "—",
            )

    def ancestors(self, unit_id: str) -> list[str]:
        """The unit and the units above it, nearest first (a cycle stops the walk)."""
        chain, current = [], unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain


# ---- typed rows -----------------------------------------------------------------------------------

ARROW_TYPES = {
    "id": pa.string(),
    "text": pa.string(),
    "enum": pa.string(),
    "category": pa.string(),
    "date": pa.date32(),
    "int": pa.int32(),
}
DEFAULT_CATEGORY_SORT = 90  # new categories sort after the defaults, before "other" (99)


def to_arrow(table: str, records: Sequence[Record]) -> pa.Table:
    """The records as an Arrow table with the schema's types (registered, never spelled into SQL)."""
    spec = SHEET_BY_TABLE[table]
    columns = {}
    for column in spec.columns:
        values = [record.values.get(column.name) for record in records]
        if table == "category" and column.name == "sort":
            values = [DEFAULT_CATEGORY_SORT if value is None else value for value in values]
        columns[column.name] = pa.array(values, ARROW_TYPES[column.kind])
    return pa.table(columns)
