"""What a commune account of the tiny fixture must never receive, and ways to look for it.

For the account of commune X1 the forbidden values are everything that belongs to commune X2 only
(its id and name, its cell C4, its opinions, meetings, members and committee members), and the
other way round; worked out from tests/fixture.py, so a row added there is covered.
"""

from __future__ import annotations

import ast
import io
import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import fixture
import pandas as pd

from cellboard.data import db

ROOT = Path(__file__).resolve().parent.parent
COMMUNE_OF_ACCOUNT = {"x1": "X1", "x2": "X2"}
WINDOW = {"start": "2025-01-01", "end": "2025-02-28", "as_of": "2025-03-31"}
# Parameters that are not ids of anything: dates, numbers, switches.
NOT_IDS = {
    "start",
    "end",
    "as_of",
    "names_allowed",
    "limit",
    "offset",
    "target",
    "since",
    "prev_start",
    "prev_end",
    "year_start",
    "year_end",
}


def dashboard_pages() -> list[tuple[str, str, str]]:
    """dashboard.PAGES, read without running the app."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            # label ids are marked for extraction (text.N_("page_x")): the marker returns its argument
            marked = ast.unparse(node.value).replace("text.N_(", "(")
            return [tuple(entry) for entry in ast.literal_eval(marked)]
    raise AssertionError("dashboard.py has no PAGES list")


@cache
def _strings_of(commune: str) -> tuple[frozenset[str], frozenset[str]]:
    """(ids, texts) that belong to the commune's subtree in the fixture."""
    units = {commune} | {u[0] for u in fixture.UNITS if u[3] == commune}
    ids = set(units)
    texts = {u[1] for u in fixture.UNITS if u[0] in units}
    meetings = {m[0] for m in fixture.MEETINGS if m[1] in units}
    ids |= meetings
    members = {m[0] for m in fixture.MEMBERSHIPS if m[1] in units}
    ids |= members
    texts |= {m[1] for m in fixture.MEMBERS if m[0] in members}
    people = {p[0] for p in fixture.COMMITTEE if p[3] in units}
    ids |= people
    texts |= {p[1] for p in fixture.COMMITTEE if p[3] in units}
    ids |= {b[0] for b in fixture.BRIEFINGS if b[1] in units}
    for o in fixture.OPINIONS:
        if o[2] in units:
            ids.add(o[0])
            texts |= {value for value in (o[7], o[8], o[10]) if value}
    return frozenset(ids), frozenset(texts)


@cache
def forbidden(account: str) -> tuple[frozenset[str], frozenset[str]]:
    """(ids, texts) the commune account must never see: the other commune's, not shared with its own."""
    own = COMMUNE_OF_ACCOUNT[account]
    other = next(c for c in COMMUNE_OF_ACCOUNT.values() if c != own)
    own_ids, own_texts = _strings_of(own)
    other_ids, other_texts = _strings_of(other)
    shared = {c[1] for c in fixture.COMMITTEE if c[3] == "P"} | {fixture.UNITS[0][1]}
    return frozenset(other_ids - own_ids), frozenset(other_texts - own_texts - shared)


def leaks_in(strings: Iterable[str], account: str) -> list[str]:
    ids, texts = forbidden(account)
    found = []
    for value in strings:
        value = str(value)
        stripped = value.strip().lstrip("'")
        if stripped in ids or any(text in value for text in texts):
            found.append(value)
    return found


def frame_strings(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    for column in frame.columns:
        for value in frame[column]:
            if isinstance(value, str):
                yield value
            elif isinstance(value, list | tuple):
                yield from (str(item) for item in value)


def leaks(frame: pd.DataFrame, account: str) -> list[str]:
    return leaks_in(frame_strings(frame), account)


# ---- parameters ------------------------------------------------------------------------------


def params_for(name: str) -> dict[str, str]:
    """The window January-February 2025 (judged on 31/03/2025), for the parameters the query takes."""
    wanted = db.query_params(name)
    return {key: value for key, value in WINDOW.items() if key in wanted}


def hostile_params(name: str, account: str) -> Iterator[dict[str, object]]:
    """The plain window, then each id-like parameter set to each id of the other commune."""
    base = params_for(name)
    yield base
    ids, _ = forbidden(account)
    for key in db.query_params(name):
        if key in NOT_IDS or key == "unit" or key.startswith("w_"):
            continue
        for value in sorted(ids):
            yield {**base, key: value}


# ---- what an AppTest drew, what its downloads held -------------------------------------------


def _proto_strings(message) -> Iterator[str]:
    for _, value in message.ListFields():
        single = isinstance(value, str | bytes | int | float) or hasattr(value, "ListFields")
        for item in [value] if single else value:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def _json_strings(value, key: str | None = None) -> Iterator[str]:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            if inner_key not in ("bdata", "dtick"):  # plotly's base64 numbers; tick steps such as "M1"
                yield str(inner_key)
                yield from _json_strings(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_strings(inner, key)
    elif isinstance(value, str):
        yield value


def _nodes(node) -> Iterator:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def app_strings(at) -> Iterator[str]:
    """Every string an AppTest run sent to the browser: text, labels, options, tables, chart JSON."""
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = getattr(node, "type", "")
        if kind in ("arrow_data_frame", "arrow_table", "dataframe", "table") and hasattr(node, "value"):
            yield from frame_strings(node.value)
        elif (
            kind == "plotly_chart"
            or getattr(proto, "DESCRIPTOR", None)
            and proto.DESCRIPTOR.name == "PlotlyChart"
        ):
            yield from _json_strings(json.loads(proto.spec))
        else:
            yield from _proto_strings(proto)


def download_strings(data: bytes, file_name: str) -> Iterator[str]:
    """The text a downloaded file holds: CSV, XLSX (every cell), DOCX (every paragraph and cell), else bytes."""
    if file_name.endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                yield from (str(value) for value in row if value is not None)
    elif file_name.endswith(".docx"):
        import docx

        document = docx.Document(io.BytesIO(data))
        yield from (p.text for p in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                yield from (cell.text for cell in row.cells)
    else:
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
        if file_name.endswith(".csv"):
            import csv

            for row in csv.reader(io.StringIO(text)):
                yield from row
        else:
            yield text
