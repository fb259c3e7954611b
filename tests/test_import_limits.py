"""Hostile and unlucky workbooks (issue 17, findings 1 and 4, and the waiting import of 7).

The hostile workbooks are written here as zips of XML (openpyxl would take minutes to write a
million rows): a few megabytes of shared strings that unpack to gigabytes, a million rows, a row
past Excel's last. Each is imported through the public command line in a process of its own,
whose peak memory is measured; the target is 1 GiB for any file the 20 MB upload limit admits.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from cellboard import ingest
from cellboard.data import store
from cellboard.ingest import limits

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GIB_IN_MIB = 1024

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


@pytest.fixture(autouse=True, scope="module")
def private_accounts_store(tmp_path_factory):
    """Imports are written to the audit trail: keep this module's out of data/."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELLBOARD_USERS", str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite"))
        yield


# ---- writing workbooks as zips of XML ----------------------------------------------------------------


class ZipWriter:
    """A zip written part by part; a block given `times` > 1 is deflated once and repeated (each block
    ends with a full flush, so its compressed bytes stand alone): gigabytes unpacked in a second."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("wb")
        self.central: list[bytes] = []

    def add(self, name: str, blocks, level: int = 1) -> None:
        offset = self.file.tell()
        encoded = name.encode()
        self.file.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, 0, 0, len(encoded), 0))
        self.file.write(encoded)
        start = self.file.tell()
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = size = 0
        for data, times in blocks:
            packed = deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)
            self.file.write(packed)
            crc, size = zlib.crc32(data, crc), size + len(data)
            if times > 1:
                again = deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)
                for _ in range(times - 1):
                    self.file.write(again)
                    crc, size = zlib.crc32(data, crc), size + len(data)
        self.file.write(deflate.flush())
        end = self.file.tell()
        self.file.seek(offset + 14)
        self.file.write(struct.pack("<3I", crc, end - start, size))
        self.file.seek(end)
        header = struct.pack(
            "<4s6H3I5HI",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            end - start,
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
        )
        self.central.append(header + struct.pack("<I", offset) + encoded)

    def close(self) -> None:
        start = self.file.tell()
        for entry in self.central:
            self.file.write(entry)
        size = self.file.tell() - start
        count = len(self.central)
        self.file.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
        self.file.close()


def xml_book(path: Path, sheet_blocks, shared_blocks=None, sheet: str = "members", level: int = 1) -> Path:
    """A workbook of one sheet (its XML in blocks), with shared strings when given."""
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    writer = ZipWriter(path)
    shared_type = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{types}.sharedStrings+xml"/>'
        if shared_blocks
        else ""
    )
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{types}.worksheet+xml"/>'
        f"{shared_type}</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="{sheet}" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_blocks
            else ""
        )
        + "</Relationships>",
    }
    for name, content in parts.items():
        writer.add(name, [(b'<?xml version="1.0" encoding="UTF-8"?>' + content.encode(), 1)])
    writer.add("xl/worksheets/sheet1.xml", sheet_blocks, level)
    if shared_blocks:
        writer.add("xl/sharedStrings.xml", shared_blocks, 9)
    writer.close()
    return path


def sheet_xml(rows: str) -> list[tuple[bytes, int]]:
    return [(f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode(), 1)]


def inline(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


HEADER = f'<row r="1">{inline("A1", "Mã đảng viên")}{inline("B1", "Họ và tên")}</row>'
ONE_MEMBER = f'<row r="2">{inline("A2", "DV1")}{inline("B2", "Nguyễn Văn A")}</row>'


def shared_strings_book(path: Path, count: int, length: int = 32_767, declared: int | None = None) -> Path:
    """One member row, and `count` unused shared strings of `length` characters."""
    si = b"<si><t>" + b"x" * length + b"</t></si>"
    declared = count if declared is None else declared
    head = f'<sst xmlns="{MAIN}" count="{declared}" uniqueCount="{declared}">'.encode()
    blocks = [(head, 1), (si * 20, count // 20), (b"</sst>", 1)]
    return xml_book(path, sheet_xml(HEADER + ONE_MEMBER), blocks)


def million_rows_book(path: Path, rows: int = 1_000_000) -> Path:
    def blocks():
        yield (f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}'.encode(), 1)
        for start in range(2, rows + 2, 20_000):
            chunk = "".join(
                f'<row r="{n}">{inline(f"A{n}", f"DV{n}")}{inline(f"B{n}", f"Đảng viên số {n}")}</row>'
                for n in range(start, min(start + 20_000, rows + 2))
            )
            yield (chunk.encode(), 1)
        yield (b"</sheetData></worksheet>", 1)

    return xml_book(path, blocks())


# ---- running the command line, measuring its peak memory ----------------------------------------------

MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the import's process
print(json.dumps([done.returncode, done.stdout, done.stderr, peak]))
"""


def measured_cli(*args: object, env: dict[str, str] | None = None) -> tuple[int, str, str, float]:
    """`python -m cellboard ARGS` in a process of its own: exit code, stdout, stderr, peak MiB."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "cellboard", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    code, stdout, stderr, peak = json.loads(done.stdout)
    return code, stdout, stderr, peak / 1024


def empty_db(path: Path) -> Path:
    store.write_database(path, {}, source="empty")
    return path


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


REJECTED_ONE = "Không nhập: 1 lỗi, 0 dòng có lỗi; không có gì được ghi / Rejected: 1 problem, 0 bad rows; nothing was written"


# ---- finding 1: bounded reading ---------------------------------------------------------------------


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """60.000 unused shared strings of 32.767 characters: 2,4 MB that unpack to 1,97 GB (it took
    2,36 GB and 14 s to import one row); refused from the sizes the zip declares."""
    bomb = shared_strings_book(tmp_path / "strings.xlsx", 60_000)
    assert bomb.stat().st_size < 20_000_000  # the upload limit admits it
    size = zipfile.ZipFile(bomb).getinfo("xl/sharedStrings.xml").file_size
    head = f'<sst xmlns="{MAIN}" count="60000" uniqueCount="60000">'
    assert size == 60_000 * (len("<si><t></t></si>") + 32_767) + len(head) + len("</sst>")
    path = empty_db(tmp_path / "db.duckdb")
    before = fingerprint(path)
    code, stdout, _, peak = measured_cli("import", bomb, "--db", path)
    assert code == 1
    assert stdout.splitlines() == [
        REJECTED_ONE,
        f"strings.xlsx: Phần «xl/sharedStrings.xml» của tệp giải nén ra {n(size)} byte, vượt giới hạn "
        f"500.000.000 byte; không đọc tệp này / The part «xl/sharedStrings.xml» of the file unpacks to "
        f"{n(size)} bytes, over the limit of 500.000.000 bytes; the file is not read",
    ]
    assert peak <= GIB_IN_MIB
    assert fingerprint(path) == before


@pytest.mark.parametrize(
    ("count", "declared", "expected"),
    [
        # within the size limits, but declaring more strings than the limit: refused before reading them
        (
            20,
            3_000_000,
            "Tệp khai báo 3.000.000 chuỗi dùng chung, vượt giới hạn 2.000.000; không đọc tệp này. Hãy "
            "mở bằng Excel, xóa các trang không dùng, lưu lại rồi nhập",
        ),
        # declaring few, holding 131 million characters: refused once 100 million are read
        (4_000, 20, "Các chuỗi dùng chung của tệp dài hơn 100.000.000 ký tự cộng lại; không đọc tệp này."),
    ],
)
def test_shared_strings_over_the_limits_are_refused_while_read(tmp_path, count, declared, expected):
    book = shared_strings_book(tmp_path / "strings.xlsx", count, declared=declared)
    code, stdout, _, peak = measured_cli(
        "import", book, "--db", empty_db(tmp_path / "db.duckdb"), "--dry-run"
    )
    assert code == 1
    lines = stdout.splitlines()
    assert lines[0] == REJECTED_ONE and len(lines) == 2
    assert lines[1].startswith(f"strings.xlsx: {expected}")
    assert peak <= GIB_IN_MIB


def test_a_million_rows_are_read_within_the_memory_limit(tmp_path):
    """1.000.000 member rows (14 MB: 2,64 GB and 122 s before; here checked in full)."""
    book = million_rows_book(tmp_path / "million.xlsx")
    assert book.stat().st_size < 20_000_000
    code, stdout, stderr, peak = measured_cli(
        "import", book, "--db", empty_db(tmp_path / "db.duckdb"), "--dry-run"
    )
    assert (code, stderr) == (0, "")
    assert stdout.splitlines() == [
        "Kiểm tra xong, không có lỗi: 1000000 dòng sẵn sàng để nhập (chạy thử, chưa ghi) / Checked, no "
        "problems: 1000000 rows ready to import (dry run, nothing written)",
        "  member 1,000,000",
    ]
    assert peak <= GIB_IN_MIB


def test_a_row_past_excels_last_is_refused_naming_sheet_and_row(tmp_path):
    rows = HEADER + ONE_MEMBER + f'<row r="1048577">{inline("A1048577", "DV2")}</row>'
    book = xml_book(tmp_path / "tall.xlsx", sheet_xml(rows))
    result = ingest.import_files([book], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    assert [problem.line() for problem in result.problems] == [
        "members, 1048577: Trang tính có hơn 1.048.576 dòng (giới hạn của Excel); không đọc tệp này / "
        "The sheet has more than 1.048.576 rows (Excel's limit); the file is not read"
    ]


def test_cells_over_the_limit_stop_the_reading_and_the_file_is_refused_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 9)  # the limit is read when reading: 4.000.000 at work
    rows = HEADER + "".join(
        f'<row r="{r}">{inline(f"A{r}", f"DV{r}")}{inline(f"B{r}", "")}</row>' for r in range(2, 9)
    )
    book = xml_book(tmp_path / "wide.xlsx", sheet_xml(rows))
    result = ingest.import_files([book], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    # the empty names would be problems of their own; the refused file says only why it was refused
    assert [problem.line() for problem in result.problems] == [
        "members, 5: Lần nhập có hơn 9 ô có số liệu; không đọc tiếp. Hãy chia thành nhiều lần nhập / "
        "The import holds more than 9 filled cells; reading stopped. Split it into several imports"
    ]
    assert result.rows == {}


def test_data_rows_over_the_limit_across_sheets_and_files_stop_the_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 3)  # 1.048.576 at work

    def member_rows(prefix: str) -> str:
        return HEADER + "".join(
            f'<row r="{r}">{inline(f"A{r}", f"{prefix}{r}")}{inline(f"B{r}", "Tên")}</row>' for r in (2, 3)
        )

    first = xml_book(tmp_path / "first.xlsx", sheet_xml(member_rows("A")))
    second = xml_book(tmp_path / "second.xlsx", sheet_xml(member_rows("B")))
    result = ingest.import_files([first, second], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    assert [problem.line(True) for problem in result.problems] == [
        "second.xlsx, members, 3: Lần nhập có hơn 3 dòng số liệu; không đọc tiếp. Hãy chia thành nhiều "
        "lần nhập / The import holds more than 3 data rows; reading stopped. Split it into several imports"
    ]


def test_a_report_lists_so_many_problems_and_counts_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LISTED", 2)  # 50.000 at work
    rows = HEADER + "".join(f'<row r="{r}">{inline(f"A{r}", f"DV{r}")}</row>' for r in range(2, 7))
    book = xml_book(tmp_path / "nameless.xlsx", sheet_xml(rows))
    result = ingest.import_files([book], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    assert [(problem.row, problem.code) for problem in result.problems] == [
        (2, "imp_required"),
        (3, "imp_required"),
    ]
    assert result.unlisted == 3
    lines = result.report_lines()
    assert lines[0].startswith("Không nhập: 5 lỗi, 2 dòng có lỗi")
    assert lines[-1] == (
        "… và 3 lỗi nữa, không liệt kê (chỉ giữ 2 lỗi đầu) / … and 3 more problems, not listed (only "
        "the first 2 are kept)"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)  # 100 MB at work
    members = tmp_path / "members.csv"
    members.write_text(
        "Mã đảng viên;Họ và tên\n" + "".join(f"DV{i};Tên {i}\n" for i in range(10)), encoding="utf-8"
    )
    size = members.stat().st_size
    result = ingest.import_files([members], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    assert [problem.line() for problem in result.problems] == [
        f"members.csv: Tệp dài {size} byte, vượt giới hạn 100 byte; không đọc tệp này. Hãy chia thành "
        f"nhiều tệp / The file is {size} bytes, over the limit of 100 bytes; it is not read. Split it "
        "into several files"
    ]


def test_a_zip_that_is_no_workbook_and_broken_xml_are_refused_as_such(tmp_path):
    broken = xml_book(
        tmp_path / "broken.xlsx", [(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode(), 1)]
    )
    result = ingest.import_files([broken], empty_db(tmp_path / "db.duckdb"), dry_run=True)
    assert [problem.code for problem in result.problems] == ["imp_not_xlsx"]


# ---- finding 4: formula cells ------------------------------------------------------------------------


def test_a_formula_without_a_saved_value_is_refused_by_cell_never_read_as_empty(tmp_path):
    """openpyxl saves formulas without their value: a required and an optional column."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Đảng viên"
    sheet.append(["Mã đảng viên", "Họ và tên", "Năm sinh"])
    sheet.append(["DV1", '="Nguyễn"&" Văn A"', 1980])
    sheet.append(["DV2", "Trần Thị B", "=1900+85"])
    sheet.append(["DV3", "Lê Văn C", 1990])
    workbook.save(tmp_path / "formulas.xlsx")
    path = empty_db(tmp_path / "db.duckdb")
    before = fingerprint(path)
    result = ingest.import_files([tmp_path / "formulas.xlsx"], path)
    assert [problem.line() for problem in result.problems] == [
        'Đảng viên, 2, Họ và tên: Ô chứa công thức chưa có giá trị (="Nguyễn"&" Văn A") — mở bằng Excel, '
        'lưu lại rồi nhập / The cell holds a formula with no saved value (="Nguyễn"&" Văn A") — open the '
        "file in Excel, save it, then import",
        "Đảng viên, 3, Năm sinh: Ô chứa công thức chưa có giá trị (=1900+85) — mở bằng Excel, lưu lại rồi "
        "nhập / The cell holds a formula with no saved value (=1900+85) — open the file in Excel, save it, "
        "then import",
    ]
    assert not result.imported and fingerprint(path) == before


def test_a_formula_with_a_saved_value_gives_that_value(tmp_path):
    rows = (
        f'<row r="1">{inline("A1", "Mã đảng viên")}{inline("B1", "Họ và tên")}{inline("C1", "Năm sinh")}</row>'
        f'<row r="2">{inline("A2", "DV1")}<c r="B2" t="str"><f>UPPER("nguyễn văn a")</f><v>NGUYỄN VĂN A</v></c>'
        '<c r="C2"><f>1900+80</f><v>1980</v></c></row>'
    )
    book = xml_book(tmp_path / "cached.xlsx", sheet_xml(rows))
    path = empty_db(tmp_path / "db.duckdb")
    result = ingest.import_files([book], path)
    assert result.imported, result.report_lines()
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("select member_id, full_name, birth_year from member").fetchall() == [
            ("DV1", "NGUYỄN VĂN A", 1980)
        ]
    finally:
        con.close()


# ---- finding 7: a waiting import says so and gives up --------------------------------------------------

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""


def test_an_import_waiting_for_the_lock_says_so_and_gives_up_writing_nothing(tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    before = fingerprint(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store.lock_path(path))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "held\n"
        code, stdout, stderr, _ = measured_cli(
            "import", DATA / "example.xlsx", "--db", path, env={"CELLBOARD_LOCK_WAIT": "1.5"}
        )
        assert code == 1
        assert stderr == (
            "Đang chờ một lần nhập khác ghi xong (tối đa 1.5 giây)… / Waiting for another import to "
            "finish writing (up to 1.5 s)…\n"
        )
        assert stdout.splitlines()[:2] == [  # then example.xlsx's warnings
            "Không nhập: 1 lỗi, 0 dòng có lỗi; không có gì được ghi / Rejected: 1 problem, 0 bad "
            "rows; nothing was written",
            f"{path}: Một lần nhập khác đang ghi vào cơ sở dữ liệu; đã chờ 1.5 giây rồi dừng, không ghi "
            "gì. Hãy nhập lại sau / Another import is writing to the database; waited 1.5 s and stopped, "
            "nothing written. Import again later",
        ]
        assert fingerprint(path) == before and store.stale_files(path) == []
    finally:
        holder.kill()
        holder.wait()
    # the lock free, the same import goes through
    code, stdout, stderr, _ = measured_cli("import", DATA / "example.xlsx", "--db", path)
    assert (code, stderr) == (0, "") and fingerprint(path) != before


# ---- the Data page: checking and importing in a process of their own ---------------------------------


def test_the_data_page_checks_and_imports_in_another_process(app_on, tmp_path):
    path = empty_db(tmp_path / "db.duckdb")
    at = app_on(path).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data_upload").set_value(
        ("example.xlsx", (DATA / "example.xlsx").read_bytes(), "application/octet-stream")
    )
    at.run()
    assert not at.exception
    checked = at.session_state["_data_check"][1]
    assert checked.ok and checked.total_rows == 50
    assert checked.process not in (0, os.getpid())  # the worker's, not this (the server's) process
    at.button(key="data_import_button").click().run()
    assert not at.exception
    assert any("Đã nhập 50 dòng" in success.value for success in at.success)
