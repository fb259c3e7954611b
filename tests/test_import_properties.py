"""Property tests of the importer (Hypothesis): any valid workbook written the ways offices write
them reads back as exactly its rows; any single corrupted cell is reported at its row and column.

Most examples are checked in memory (validation.check_sources against an empty schema); about one in
forty also goes through a real import into a database file. 300 examples each when CI=true.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cellboard import ingest, text
from cellboard.data import db, store
from cellboard.ingest import problems, reading, templates, validation, writing
from cellboard.ingest.spec import Column

EXAMPLES = 300 if os.environ.get("CI") == "true" else 40
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
D = dt.date
LETTERS = "àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÂĂÊÔƠƯ"
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:-_/()<>&'\"=+@%#!?\n😀" + LETTERS
)
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=20).filter(lambda s: s.strip() != "")
ids = st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True)
dates = st.dates(min_value=D(2012, 1, 1), max_value=D(2030, 12, 31))
CATEGORIES = [(code, vi) for code, vi, _, _ in templates.default_categories()]
TODAY = dt.date.today()  # answers are not dated after it (issue 14), nor meetings
held_days = st.dates(min_value=D(2012, 1, 1), max_value=TODAY)
# Which examples also go into a file: counted, not drawn, so Hypothesis does not breed them.
EXAMPLE_COUNT = itertools.count()


@pytest.fixture(autouse=True, scope="module")
def private_accounts_store(tmp_path_factory):
    """Imports are written to the audit trail (issue 7): keep this module's out of data/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
        yield


def enum_codes(domain: str) -> list[str]:
    return list(ingest.ENUMS[domain])


# ---- valid datasets -------------------------------------------------------------------------------------------


@st.composite
def datasets(draw) -> dict[str, list[dict]]:
    """Rows per table, valid together: a province, a commune, cells, members, meetings, ..."""
    maybe = lambda strategy: draw(st.one_of(st.none(), strategy))  # noqa: E731
    cells = [f"C{n}" for n in range(draw(st.integers(1, 3)))]
    units = [
        {"unit_id": "P", "name": draw(texts), "kind": "province", "parent_id": None},
        {"unit_id": "X", "name": draw(texts), "kind": "commune", "parent_id": "P"},
    ] + [
        {
            "unit_id": cell,
            "name": draw(texts),
            "kind": "cell",
            "parent_id": "X",
            "cell_type": maybe(st.sampled_from(enum_codes("cell_type"))),
            "admin_code": maybe(ids),
            "valid_from": maybe(st.dates(D(1990, 1, 1), D(2011, 12, 31))),
        }
        for cell in cells
    ]
    members, memberships, roll = [], [], {}
    for cell in cells:
        roll[cell] = []
        for _ in range(draw(st.integers(0, 3))):
            member_id = f"M{len(members)}"
            roll[cell].append(member_id)
            members.append(
                {
                    "member_id": member_id,
                    "full_name": draw(texts),
                    "sex": maybe(st.sampled_from(enum_codes("sex"))),
                    "birth_year": maybe(st.integers(1930, 2005)),
                    "joined_on": maybe(dates),
                }
            )
            memberships.append(
                {
                    "member_id": member_id,
                    "cell_id": cell,
                    "from_date": draw(st.dates(D(1995, 1, 1), D(2011, 12, 31))),
                    "to_date": maybe(st.dates(D(2031, 1, 1), D(2040, 1, 1))),
                    "status": draw(st.sampled_from(enum_codes("membership_status"))),
                }
            )
    meetings, attendance, held = [], [], set()
    for cell in cells:
        for _ in range(draw(st.integers(0, 2))):
            meeting = {
                "meeting_id": f"S{len(meetings)}",
                "cell_id": cell,
                "held_on": draw(held_days),
                "kind": draw(st.sampled_from(enum_codes("meeting_kind"))),
                "topic": maybe(texts),
            }
            if (cell, meeting["held_on"], meeting["kind"]) in held:
                continue  # one meeting of a kind per cell and day
            held.add((cell, meeting["held_on"], meeting["kind"]))
            if not roll[cell] or draw(st.booleans()):
                parts = draw(st.lists(st.integers(0, 30), min_size=4, max_size=4))
                meeting.update(zip(("present", "excused", "absent", "exempt"), parts, strict=True))
                meeting["expected"] = sum(parts)
            else:
                for member_id in draw(st.lists(st.sampled_from(roll[cell]), unique=True, min_size=1)):
                    status = draw(st.sampled_from(enum_codes("attendance_status")))
                    reason = (
                        maybe(st.sampled_from(enum_codes("absence_reason")))
                        if status in ("excused", "absent")
                        else None
                    )
                    attendance.append(
                        {
                            "meeting_id": meeting["meeting_id"],
                            "member_id": member_id,
                            "status": status,
                            "reason": reason,
                        }
                    )
            meetings.append(meeting)
    units_ids = ["P", "X", *cells]
    persons = [
        {
            "person_id": f"K{n}",
            "full_name": draw(texts),
            "level": draw(st.sampled_from(enum_codes("committee_level"))),
            "unit_id": draw(st.sampled_from(units_ids)),
            "from_date": maybe(st.dates(D(2000, 1, 1), D(2011, 1, 1))),
            "to_date": maybe(st.dates(D(2031, 1, 1), D(2040, 1, 1))),
        }
        for n in range(draw(st.integers(0, 2)))
    ]
    visits = []
    if persons and meetings:
        pairs = draw(
            st.lists(
                st.tuples(
                    st.sampled_from([m["meeting_id"] for m in meetings]),
                    st.sampled_from([p["person_id"] for p in persons]),
                ),
                unique=True,
                max_size=3,
            )
        )
        visits = [{"meeting_id": m, "person_id": p} for m, p in pairs]
    briefings = []
    for n in range(draw(st.integers(0, 2))):
        expected = maybe(st.integers(0, 40))
        briefings.append(
            {
                "briefing_id": f"B{n}",
                "unit_id": "X",
                "held_on": draw(dates),
                "secretaries_expected": expected,
                "secretaries_present": None if expected is None else draw(st.integers(0, expected)),
            }
        )
    categories = []
    if draw(st.booleans()):
        categories.append(
            {
                "code": "new_topic",
                "name_vi": "Chủ đề mới",
                "name_en": maybe(texts),
                "sort": maybe(st.integers(-5, 200)),
            }
        )
    category_codes = [code for code, _ in CATEGORIES] + [c["code"] for c in categories]
    departments, served = [], {unit: [] for unit in units_ids}
    for unit in units_ids:
        for name in draw(st.lists(texts.map(str.strip), unique=True, max_size=2)):
            departments.append({"unit_id": unit, "name": name})
            served[unit].append(name)
    opinions = []
    for n in range(draw(st.integers(0, 4))):
        raised = draw(dates)
        answered = (
            maybe(st.dates(raised, min(raised + dt.timedelta(days=90), TODAY))) if raised <= TODAY else None
        )
        unit_id = draw(st.sampled_from(["X", *cells]))
        in_scope = served["P"] + served["X"] + (served[unit_id] if unit_id != "X" else [])
        opinions.append(
            {
                "opinion_id": f"Y{n}",
                "raised_on": raised,
                "unit_id": unit_id,
                "briefing_id": maybe(st.sampled_from([b["briefing_id"] for b in briefings]))
                if briefings
                else None,
                "category": draw(st.sampled_from(category_codes)),
                "kind": draw(st.sampled_from(enum_codes("opinion_kind"))),
                "channel": maybe(st.sampled_from(enum_codes("channel"))),
                "text": draw(texts),
                "assigned_to": maybe(st.sampled_from(in_scope)) if in_scope else None,
                "answered_on": answered,
                "answer": maybe(texts),
            }
        )
    ratings = [
        {"cell_id": cell, "year": year, "grade": draw(st.sampled_from(enum_codes("grade")))}
        for cell in cells
        for year in draw(st.lists(st.integers(2010, 2030), unique=True, max_size=2))
    ]
    tables = {
        "unit": units,
        "department": departments,
        "member": members,
        "membership": memberships,
        "meeting": meetings,
        "attendance": attendance,
        "committee_member": persons,
        "visit": visits,
        "briefing": briefings,
        "opinion": opinions,
        "rating": ratings,
        "category": categories,
    }
    return {table: [complete(table, row) for row in rows] for table, rows in tables.items()}


def complete(table: str, row: dict) -> dict:
    """The row with every column of the table, as the database should hold it."""
    full = {column.name: row.get(column.name) for column in ingest.SHEET_BY_TABLE[table].columns}
    if table == "category":
        full["name_en"] = full["name_en"] or full["name_vi"]
        full["sort"] = validation.DEFAULT_CATEGORY_SORT if full["sort"] is None else full["sort"]
    return full


# ---- writing them the ways offices do --------------------------------------------------------------------------


@dataclass
class Layout:
    """How one sheet is written, and where each row and column landed."""

    name: str
    headers: dict[str, str]  # column -> header as written
    first_row: int  # the Excel row of the first data row
    rows: list[list[object]] = field(default_factory=list)  # every line written, row 1 first


def cell_value(draw, column: Column, value: object, as_csv: bool) -> object:
    """A value written the way a person might: dates in any accepted style, names for codes."""
    if value is None:
        return None
    if column.kind == "date":
        styles = ["dmy", "iso"] if as_csv else ["date", "datetime", "dmy", "iso", "serial"]
        style = draw(st.sampled_from(styles))
        return {
            "date": value,
            "datetime": dt.datetime.combine(value, dt.time()),
            "dmy": value.strftime("%d/%m/%Y"),
            "iso": value.isoformat(),
            "serial": (value - validation.EXCEL_EPOCH).days,
        }[style]
    if column.kind == "enum":
        vi, en, others = ingest.ENUMS[column.enum][value]
        return draw(st.sampled_from([value, vi, vi.upper(), text.fold(vi), en]))
    if column.kind == "category":
        names = dict(CATEGORIES) | {"new_topic": "Chủ đề mới"}
        return draw(st.sampled_from([value, names[value], text.fold(names[value]).upper()]))
    if column.kind == "int" and not as_csv:
        return draw(st.sampled_from([value, float(value), str(value)]))
    return str(value) if as_csv else value


def layout(draw, table: str, rows: list[dict], as_csv: bool) -> Layout:
    spec = ingest.SHEET_BY_TABLE[table]
    name = draw(st.sampled_from([spec.name, spec.vi, spec.vi.upper()]))
    columns = draw(st.permutations(list(spec.columns)))
    style = draw(st.sampled_from(["en", "vi", "folded"]))
    headers = {c.name: {"en": c.name, "vi": c.vi, "folded": text.fold(c.vi).upper()}[style] for c in columns}
    numbered = draw(st.booleans())
    titles = (
        []
        if as_csv and draw(st.booleans())
        else [["ĐẢNG ỦY XÃ THỬ"], ["BÁO CÁO SỐ LIỆU"], []][: draw(st.integers(0, 3))]
    )
    written = [*titles, (["STT"] if numbered else []) + [headers[c.name] for c in columns]]
    for number, row in enumerate(rows, start=1):
        values = [cell_value(draw, c, row[c.name], as_csv) for c in columns]
        written.append(([number] if numbered else []) + values)
    if draw(st.booleans()):
        written += [[], [None, "Người lập biểu"] if numbered else ["Người lập biểu"]]
    return Layout(name, headers, len(titles) + 2, written)


def xlsx_bytes(layouts: list[Layout]) -> bytes:
    """The workbook, written by xlsxwriter (fast, and another writer than the other tests' openpyxl):
    text as text ('=' at the start included), numbers as numbers, dates as Excel dates."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for sheet in layouts:
        worksheet = workbook.add_worksheet(sheet.name)
        for row_number, row in enumerate(sheet.rows):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    worksheet.write_string(row_number, column, value)
                elif isinstance(value, dt.datetime):
                    worksheet.write_datetime(row_number, column, value, moment)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(row_number, column, dt.datetime.combine(value, dt.time()), day)
                else:
                    worksheet.write_number(row_number, column, value)
    workbook.close()
    return buffer.getvalue()


def csv_files(draw, layouts: list[Layout]) -> list[tuple[str, bytes]]:
    files = []
    for sheet in layouts:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"])), lineterminator="\r\n")
        for row in sheet.rows:
            writer.writerow(["" if value is None else value for value in row])
        bom = "\ufeff" if draw(st.booleans()) else ""
        files.append((f"{sheet.name}.csv", (bom + buffer.getvalue()).encode("utf-8")))
    return files


@st.composite
def workbooks(draw):
    """(tables, sources, layouts, as_csv): a valid dataset written as a workbook or as CSV files."""
    tables = draw(datasets())
    as_csv = draw(st.booleans()) and draw(st.booleans())  # a quarter of the examples
    layouts = {
        table: layout(draw, table, rows, as_csv)
        for table, rows in tables.items()
        if rows or draw(st.booleans())
    }
    if not any(tables[table] for table in layouts):
        layouts["unit"] = layout(draw, "unit", tables["unit"], as_csv)
    return tables, layouts, as_csv


def sources(draw, layouts: dict[str, Layout], as_csv: bool) -> list[reading.Source]:
    if as_csv:
        return [reading.Source("csv", "csv", csv_files(draw, list(layouts.values())))]
    return [reading.Source("book.xlsx", "xlsx", [("book.xlsx", xlsx_bytes(list(layouts.values())))])]


def rows_of(checked_or_tables, table: str) -> list[tuple]:
    rows = checked_or_tables[table]
    rows = rows.to_pylist() if hasattr(rows, "to_pylist") else rows
    return sorted((tuple(row.values()) for row in rows), key=repr)


@cache
def empty_database_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.duckdb"
        store.write_database(path, {}, source="empty")
        return path.read_bytes()


# ---- the properties -----------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(st.data())
def test_valid_workbooks_read_back_as_exactly_their_rows(data):
    tables, layouts, as_csv = data.draw(workbooks())
    given_sources = sources(data.draw, layouts, as_csv)
    checked = validation.check_sources(given_sources)
    assert checked.problems == [], [p.line() for p in checked.problems]
    for table in layouts:
        expected = [complete(table, row) for row in tables[table]]
        assert (
            rows_of(checked.tables, table) == rows_of({table: expected}, table)
            if expected
            else (table not in checked.tables)
        )
    if next(EXAMPLE_COUNT) % 40 == 0:  # now and then, all the way into a database file
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "db.duckdb"
            path.write_bytes(empty_database_bytes())
            result = writing.run_import(given_sources, path, problems.Report(), dry_run=False, account=None)
            assert result.imported, result.report_lines()
            con = db.reader(path)
            try:
                for table in layouts:
                    if tables[table] and table != "category":
                        # the format's columns (the app's own, as withdrawn_reason, are not imported)
                        names = [column.name for column in ingest.SHEET_BY_TABLE[table].columns]
                        stored = con.table(table).select(*names).fetchall()
                        assert sorted(stored, key=repr) == rows_of({table: tables[table]}, table)
            finally:
                con.close()
                db.close_all()


BAD_VALUES = {
    "date": ["31/02/2023", "hôm qua", "2023-13-45", "1/1/23", "30.02.2024"],
    "int": ["abc", "1,5", "2.5", "năm"],
    "enum": ["không hợp lệ ???", "x"],
    "category": ["Lĩnh vực lạ", "agri"],
}


@PROPERTY_SETTINGS
@given(st.data())
def test_a_single_corrupted_cell_is_reported_at_its_row_and_column(data):
    tables, layouts, as_csv = data.draw(workbooks())
    candidates = [
        (table, index, column)
        for table, sheet in layouts.items()
        for index in range(len(tables[table]))
        for column in ingest.SHEET_BY_TABLE[table].columns
        if column.kind in BAD_VALUES and not column.key
    ]
    if not candidates:
        return
    table, index, column = data.draw(st.sampled_from(candidates))
    sheet = layouts[table]
    bad = data.draw(
        st.sampled_from(
            BAD_VALUES[column.kind]
            + (["-3"] if column.low == 0 else ["1800"] if column.name == "birth_year" else [])
        )
    )
    header_row = sheet.rows[sheet.first_row - 2]
    position = header_row.index(sheet.headers[column.name])
    sheet.rows[sheet.first_row - 1 + index][position] = bad
    checked = validation.check_sources(sources(data.draw, layouts, as_csv))
    label = f"{sheet.name}.csv" if as_csv else sheet.name
    assert [(p.sheet, p.row, p.column) for p in checked.problems] == [
        (label, sheet.first_row + index, sheet.headers[column.name])
    ], [p.line() for p in checked.problems]
