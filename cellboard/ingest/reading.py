"""Reading the files given: sources (paths, uploads), a workbook's XML streamed and CSV decoded, both
under the limits (cellboard/ingest/limits.py); rows are read lazily, as parsing asks for them."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cellboard.ingest import limits
from cellboard.ingest.problems import Report, Where
from cellboard.ingest.spec import AUX_SHEETS, SHEETS, Sheet, match_column, norm, sheet_lookup

HEADER_SEARCH_ROWS = 30


# ---- reading files ----------------------------------------------------------------------------


@dataclass
class Source:
    """One thing given to import: a workbook, a CSV file, or a folder (or upload) of CSV files."""

    name: str
    kind: str  # xlsx, csv
    files: list[tuple[str, bytes]]  # (file name, content); one for a workbook

    @property
    def sha256(self) -> str:
        if len(self.files) == 1:
            return hashlib.sha256(self.files[0][1]).hexdigest()
        digest = hashlib.sha256()
        for name, content in sorted(self.files):
            digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
        return digest.hexdigest()


@dataclass
class RawSheet:
    where: Where
    spec: Sheet
    rows: Iterable[list[object]]  # read as asked for; the first is row 1


def sources_from_paths(paths: Sequence[str | Path], report: Report) -> list[Source]:
    sources = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
            if not files:
                report.add(None, "imp_no_csv", source=path.name, name=path.name)
                continue
            if all(_small_enough(p, p.stat().st_size, report) for p in files):
                sources.append(Source(path.name, "csv", [(p.name, p.read_bytes()) for p in files]))
        elif path.is_file():
            if _small_enough(path, path.stat().st_size, report):
                sources += sources_from_uploads([(path.name, path.read_bytes())], report)
        else:
            report.add(None, "imp_missing_file", source=str(path), path=str(path))
    return sources


def _small_enough(path: Path, size: int, report: Report) -> bool:
    """A file within limits.MAX_FILE_BYTES, told before it is read (the command line takes any file)."""
    if size <= limits.MAX_FILE_BYTES:
        return True
    report.add(None, "imp_file_too_big", source=path.name, size=_n(size), limit=_n(limits.MAX_FILE_BYTES))
    return False


def sources_from_uploads(files: Sequence[tuple[str, bytes]], report: Report) -> list[Source]:
    """Uploaded (or given) files: each workbook is a source; the CSV files together are one."""
    sources, csvs = [], []
    for name, content in files:
        suffix = Path(name).suffix.lower()
        if not _small_enough(Path(name), len(content), report):
            continue
        if suffix in (".xlsx", ".xlsm"):
            sources.append(Source(name, "xlsx", [(name, content)]))
        elif suffix == ".csv":
            csvs.append((name, content))
        elif suffix == ".xls":
            report.add(None, "imp_old_xls", source=name)
        else:
            report.add(None, "imp_unknown_file_type", source=name, name=name)
    if csvs:
        sources.append(Source(", ".join(name for name, _ in csvs), "csv", csvs))
    return sources


class Refused(Exception):
    """A file over one of the limits (cellboard.ingest.limits): refused whole, nothing else said about it."""

    def __init__(self, code: str, sheet: str | None = None, row: int | None = None, **values: object) -> None:
        super().__init__(code)
        self.code, self.sheet, self.row, self.values = code, sheet, row, values


def _n(number: int) -> str:
    """A count as the report writes it: 1.048.576."""
    return f"{number:,}".replace(",", ".")


class Uncached:
    """A formula cell whose workbook holds no computed value (openpyxl and some tools save none)."""

    __slots__ = ("formula",)

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __str__(self) -> str:
        return "=" + self.formula

    __repr__ = __str__


def _progress(message: str) -> None:
    """Where a long read says how far it got (the Data page's worker sets it)."""


def set_progress(callback) -> None:
    global _progress
    _progress = callback


def read_source(source: Source, order: int, report: Report) -> list[RawSheet]:
    """The sheets of a source; their rows are read lazily, as parse_sheet asks for them."""
    if source.kind == "xlsx":
        return read_workbook(source, order, report)
    sheets, problems_before = [], len(report.problems)
    for index, (name, content) in enumerate(source.files):
        spec = sheet_lookup().get(norm(Path(name).stem))
        if spec is None:
            if norm(Path(name).stem) not in AUX_SHEETS:
                report.add(None, "imp_unknown_sheet", source=source.name, warning=True, sheet=name)
            continue
        where = Where(source.name, name, spec.table, order, index)
        rows = read_csv(content, spec, where, report)
        if rows is not None:
            sheets.append(RawSheet(where, spec, rows))
    if not sheets and len(report.problems) == problems_before:
        found = ", ".join(name for name, _ in source.files)
        report.add(None, "imp_no_sheets", source=source.name, found=found, expected=expected_names())
    return sheets


def expected_names() -> str:
    return ", ".join(f"{sheet.name} ({sheet.vi})" for sheet in SHEETS)


# ---- reading a workbook: its XML streamed, under the limits --------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


class BadWorkbook(Exception):
    """Not a workbook this reader understands (said as imp_not_xlsx)."""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _iterparse(stream, tag=None, events=("end",)):
    from lxml import etree

    # no DTDs, no entities, no network; lxml's default caps on a text node's size and the depth stay on
    return etree.iterparse(
        stream,
        events=events,
        tag=tag,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )


def _small_part(archive: zipfile.ZipFile, name: str):
    from lxml import etree

    info = archive.getinfo(name)
    if info.file_size > limits.MAX_SMALL_PART_BYTES:
        raise Refused(
            "imp_part_too_big", part=name, size=_n(info.file_size), limit=_n(limits.MAX_SMALL_PART_BYTES)
        )
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(name), parser)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type's last word, target part's name in the zip)."""
    folder, _, base = part.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels not in archive.NameToInfo:
        return {}
    found = {}
    for rel in _small_part(archive, rels).iter(_PKG_REL):
        target = rel.get("Target", "")
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            parts = folder.split("/") if folder else []
            for piece in target.split("/"):
                if piece == "..":
                    parts = parts[:-1]
                elif piece not in ("", "."):
                    parts.append(piece)
            name = "/".join(parts)
        found[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], name)
    return found


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that unpacks to too much, before reading any of it (sizes the zip declares:
    zipfile never unpacks more than a part declares, and checks the CRC at its end)."""
    members = archive.infolist()
    if len(members) > limits.MAX_PARTS:
        raise Refused("imp_too_many_parts", count=_n(len(members)), limit=_n(limits.MAX_PARTS))
    total = 0
    for info in members:
        if info.file_size > limits.MAX_PART_BYTES:
            raise Refused(
                "imp_part_too_big",
                part=info.filename,
                size=_n(info.file_size),
                limit=_n(limits.MAX_PART_BYTES),
            )
        total += info.file_size
    if total > limits.MAX_UNPACKED_BYTES:
        raise Refused("imp_unpacked_too_big", size=_n(total), limit=_n(limits.MAX_UNPACKED_BYTES))


def _shared_strings(archive: zipfile.ZipFile, name: str | None) -> list[str]:
    """The shared strings, counted and measured while they are read."""
    if name is None or name not in archive.NameToInfo:
        return []
    strings: list[str] = []
    chars = 0
    si, t, r, sst = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}sst"
    with archive.open(name) as stream:
        for event, element in _iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == sst:
                    declared = max(_int_attr(element, "uniqueCount"), _int_attr(element, "count"))
                    if declared > limits.MAX_SHARED_STRINGS:
                        raise Refused(
                            "imp_too_many_strings", count=_n(declared), limit=_n(limits.MAX_SHARED_STRINGS)
                        )
                continue
            if element.tag != si:
                continue
            pieces = []
            for child in element:
                if child.tag == t:
                    pieces.append(child.text or "")
                elif child.tag == r:
                    run = child.find(t)
                    if run is not None:
                        pieces.append(run.text or "")
            value = "".join(pieces).replace("x005F_", "")
            chars += len(value)
            if chars > limits.MAX_SHARED_CHARS:
                raise Refused("imp_too_much_text", limit=_n(limits.MAX_SHARED_CHARS))
            strings.append(value)
            if len(strings) > limits.MAX_SHARED_STRINGS:
                raise Refused(
                    "imp_too_many_strings", count=_n(len(strings)), limit=_n(limits.MAX_SHARED_STRINGS)
                )
            element.clear()
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
    return strings


def _int_attr(element, name: str) -> int:
    try:
        return int(element.get(name) or 0)
    except ValueError:
        return 0


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> tuple[set[int], set[int]]:
    """Indices of the cell styles that show dates, and of those that show durations (as openpyxl)."""
    if name is None or name not in archive.NameToInfo:
        return set(), set()
    from lxml import etree
    from openpyxl.styles.stylesheet import Stylesheet

    root = _small_part(archive, name)
    stylesheet = Stylesheet.from_tree(etree.fromstring(etree.tostring(root)))
    return set(stylesheet.date_formats), set(stylesheet.timedelta_formats)


def read_workbook(source: Source, order: int, report: Report) -> list[RawSheet]:
    content = source.files[0][1]
    if not content:
        report.add(None, "imp_empty_file", source=source.name)
        return []
    if content[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):  # OLE2: .xls, or an encrypted workbook
        report.add(None, "imp_old_xls", source=source.name)
        return []
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        report.add(None, "imp_not_xlsx", source=source.name, detail="zip")
        return []
    _check_zip(archive)
    try:
        book = _workbook_parts(archive)
    except Refused:
        raise
    except Exception as error:  # a zip, but not a workbook: missing parts, XML that does not parse
        report.add(None, "imp_not_xlsx", source=source.name, detail=_detail(error))
        return []
    sheets = []
    for index, (title, part) in enumerate(book["sheets"]):
        spec = sheet_lookup().get(norm(title))
        if spec is None:
            if norm(title) not in AUX_SHEETS:
                report.add(None, "imp_unknown_sheet", source=source.name, warning=True, sheet=title)
            continue
        where = Where(source.name, title, spec.table, order, index)
        rows = _sheet_rows(archive, part, title, book, report, source.name)
        sheets.append(RawSheet(where, spec, rows))
    if not sheets:
        found = ", ".join(title for title, _ in book["sheets"])
        report.add(None, "imp_no_sheets", source=source.name, found=found, expected=expected_names())
    return sheets


def _detail(error: BaseException) -> str:
    return "zip" if isinstance(error, zipfile.BadZipFile) else type(error).__name__


def _workbook_parts(archive: zipfile.ZipFile) -> dict:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    top = _relationships(archive, "")
    workbook = next((name for kind, name in top.values() if kind == "officeDocument"), "xl/workbook.xml")
    root = _small_part(archive, workbook)
    rels = _relationships(archive, workbook)
    properties = root.find(f"{_MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    sheets = []
    for sheet in root.iter(f"{_MAIN}sheet"):
        kind, part = rels.get(sheet.get(f"{_REL_NS}id"), ("", ""))
        if kind == "worksheet" and part in archive.NameToInfo:
            sheets.append((sheet.get("name", ""), part))
    shared = next((name for kind, name in rels.values() if kind == "sharedStrings"), None)
    styles = next((name for kind, name in rels.values() if kind == "styles"), None)
    dates, durations = _date_styles(archive, styles)
    return {
        "sheets": sheets,
        "shared": _shared_strings(archive, shared),
        "dates": dates,
        "durations": durations,
        "epoch": CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
    }


def _merged_down(archive: zipfile.ZipFile, part: str, sheet: str) -> dict[int, list[tuple[int, int]]]:
    """Ranges merged down one column (a meeting over its attendance rows): first row -> [(column,
    last row)]. They follow the rows in the sheet's XML, so this reads the part once before."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    tail, after = b"", None
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if after is None:
                joined = tail + chunk
                at = joined.find(b"</sheetData>")
                if at < 0:
                    tail = joined[-16:]
                    continue
                after = bytearray(joined[at:])
            else:
                after += chunk
            if len(after) > limits.MAX_SMALL_PART_BYTES:
                raise Refused(
                    "imp_part_too_big",
                    sheet=sheet,
                    part=part,
                    size="…",
                    limit=_n(limits.MAX_SMALL_PART_BYTES),
                )
    for count, match in enumerate(_MERGE.finditer(after or b""), start=1):
        if count > limits.MAX_MERGED:
            raise Refused("imp_too_many_merged", sheet=sheet, limit=_n(limits.MAX_MERGED))
        first_col, first_row, last_col, last_row = match.groups()
        if first_col == last_col and int(last_row) > int(first_row):
            found[int(first_row)].append((_column_index(first_col.decode()), int(last_row)))
    return found


def _sheet_rows(archive, part, title, book, report, source_name):
    """A sheet's rows as lists of values (index 0 is row 1), read as they are asked for."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    merged = _merged_down(archive, part, title)
    last_merged = max((end for ranges in merged.values() for _, end in ranges), default=0)
    shared, dates, durations, epoch = book["shared"], book["dates"], book["durations"], book["epoch"]
    c_tag, v_tag, f_tag, is_tag, t_tag, r_tag, row_tag = (
        f"{_MAIN}{name}" for name in ("c", "v", "f", "is", "t", "r", "row")
    )
    carried: dict[int, tuple[int, object]] = {}  # column -> (last row, value) of a merge under way

    def fill(number: int, values: list[object]) -> list[object]:
        for column, (end, value) in list(carried.items()):
            if number > end:
                del carried[column]
            elif column >= len(values):
                values.extend([None] * (column - len(values) + 1))
                values[column] = value
            else:
                values[column] = value
        for column, end in merged.get(number, ()):
            carried[column] = (end, values[column] if column < len(values) else None)
        return values

    def cell_value(cell):
        kind = cell.get("t", "n")
        value_node = formula = node = None
        for child in cell:
            tag = child.tag
            if tag == v_tag:
                value_node = child
            elif tag == f_tag:
                formula = child
            elif tag == is_tag:
                node = child
        raw = value_node.text if value_node is not None else None
        if formula is not None and (value_node is None or (not raw and kind != "str")):
            return Uncached(formula.text or "")
        if kind == "inlineStr":
            if node is None:
                return None
            pieces = [child.text or "" for child in node if child.tag == t_tag]
            pieces += [(run.findtext(t_tag) or "") for run in node if run.tag == r_tag]
            return "".join(pieces)
        if not raw:
            return None
        if kind == "s":
            return shared[int(raw)]
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            style = int(cell.get("s") or 0)
            if style in dates:
                try:
                    return from_excel(number, epoch, timedelta=style in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # str (a formula's text), e (an error such as #N/A)

    def rows():
        number = 0  # the last row given
        values: list[object] = []
        width = cells_in_row = 0  # the next cell's place in this row; cells in it, filled or not
        columns: dict[str, int] = {}  # column letters -> index
        try:
            with archive.open(part) as stream:
                for _, element in _iterparse(stream, tag=(c_tag, row_tag)):
                    if element.tag == c_tag:
                        ref = element.get("r")
                        index = width
                        if ref:
                            letters = ref.rstrip("0123456789")
                            index = columns.get(letters, -1)
                            if index < 0 and letters.isascii() and letters.isalpha() and letters.isupper():
                                index = columns[letters] = _column_index(letters)
                            elif index < 0:
                                index = width  # no usable column letters: the next place
                        width = index + 1
                        cells_in_row += 1
                        if width > 16_384:  # past Excel's last column, XFD
                            raise BadWorkbook(ref or "column")
                        value = cell_value(element)
                        if value is not None:
                            if index >= len(values):
                                values.extend([None] * (index - len(values) + 1))
                            values[index] = value
                            report.cells += 1
                            if type(value) is str:
                                report.chars += len(value)
                        element.clear()
                        if cells_in_row % 1024 == 0:  # a row of millions of cells is not kept whole
                            parent = element.getparent()
                            while element.getprevious() is not None:
                                del parent[0]
                        continue
                    given = element.get("r")
                    current = int(given) if given else number + 1
                    if current <= number:
                        raise BadWorkbook("row order")
                    if current > limits.MAX_ROWS_PER_SHEET:
                        raise Refused(
                            "imp_too_many_rows", sheet=title, row=current, limit=_n(limits.MAX_ROWS_PER_SHEET)
                        )
                    _check_cells(report, title, current)
                    element.clear()
                    parent = element.getparent()
                    while element.getprevious() is not None:
                        del parent[0]
                    while number + 1 < current:  # rows the file leaves out are empty
                        number += 1
                        yield fill(number, [])
                    number = current
                    if number % 50_000 == 0:
                        _progress(f"{source_name} — {title}: {_n(number)}")
                    row, values, width, cells_in_row = values, [], 0, 0
                    yield fill(number, row)
            while number < last_merged:
                number += 1
                yield fill(number, [])
        except (Refused, BadWorkbook):
            raise
        except Exception as error:  # XML that does not parse, a shared string that is not there
            raise BadWorkbook(_detail(error)) from error

    return rows()


VIETNAMESE_LETTERS = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
    "–—‘’“”…•°€\u00a0·"
)


def decode_csv(content: bytes, where: Where, report: Report) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; Vietnamese Windows-1258 when it is clearly
    that (said in a warning); anything else is rejected, never decoded into wrong letters."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = content[: error.start].count(b"\n") + 1
    decoded = unicodedata.normalize("NFC", content.decode("cp1258", errors="replace"))
    if all(ch.isascii() or ch in VIETNAMESE_LETTERS for ch in decoded):
        report.add(where, "imp_cp1258", warning=True)
        return decoded
    report.add(where, "imp_encoding", line=bad_line)
    return None


def read_csv(content: bytes, spec: Sheet, where: Where, report: Report):
    """A CSV file's rows, read as parse_sheet asks for them; the delimiter is the one that finds the
    best header in the first lines."""
    if not content:
        report.add(where, "imp_empty_file")
        return None
    if len(content) > limits.MAX_CSV_BYTES:
        raise Refused(
            "imp_csv_too_big", sheet=where.sheet, size=_n(len(content)), limit=_n(limits.MAX_CSV_BYTES)
        )
    decoded = decode_csv(content, where, report)
    if decoded is None:
        return None
    scored = []
    for delimiter in (",", ";", "\t"):
        try:
            head = list(itertools.islice(_csv_records(decoded, delimiter), HEADER_SEARCH_ROWS))
        except csv.Error:
            continue
        scored.append((max((_header_score(spec, row) for row in head), default=0), -len(scored), delimiter))
    if not scored:
        return []
    # the first of the best (as before: the first delimiter reaching the best score wins)
    delimiters = [delimiter for _, _, delimiter in sorted(scored, reverse=True)]
    return _csv_rows(decoded, delimiters, where, report)


def _csv_records(decoded: str, delimiter: str):
    for record in csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter):
        yield [value if value != "" else None for value in record]


def _csv_rows(decoded: str, delimiters: list[str], where: Where, report: Report):
    for delimiter in delimiters:
        try:
            # a delimiter that breaks further down (csv.Error) gives way to the next best, as before
            for _ in _csv_records(decoded, delimiter):
                pass
        except csv.Error:
            continue
        break
    else:
        return
    for number, row in enumerate(_csv_records(decoded, delimiter), start=1):
        if number > limits.MAX_ROWS_PER_SHEET:
            raise Refused(
                "imp_too_many_rows", sheet=where.sheet, row=number, limit=_n(limits.MAX_ROWS_PER_SHEET)
            )
        report.cells += sum(value is not None for value in row)
        report.chars += sum(len(value) for value in row if value is not None)
        _check_cells(report, where.sheet, number)
        yield row


def _check_cells(report: Report, sheet: str, row: int) -> None:
    """The cells and their text read so far in this import, against the limits."""
    if report.cells > limits.MAX_CELLS:
        raise Refused("imp_too_many_cells", sheet=sheet, row=row, limit=_n(limits.MAX_CELLS))
    if report.chars > limits.MAX_CELL_CHARS:
        raise Refused("imp_too_much_cell_text", sheet=sheet, row=row, limit=_n(limits.MAX_CELL_CHARS))


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_score(spec: Sheet, row: Sequence[object]) -> int:
    return len({match_column(spec, value) for value in row if not _empty(value)} - {None})
