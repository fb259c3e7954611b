"""A tiny hand-made database whose answers can be worked out by hand.

One province, two communes, four cells over January-February 2025:
- C1 "Chi bộ thôn Đông" (Xã An Bình): members m1-m4, m4 exempt; meets 10/01 (regular),
  12/02 (thematic) and 25/02 (extraordinary).
- C2 "Chi bộ thôn Tây" (Xã An Bình): m5, m6; meets 15/01; merges into C3 on 01/02/2025.
- C3 "Chi bộ thôn Đoàn Kết" (Xã An Bình): from 01/02/2025; m5, m6 (moved) and m7; meets 20/02.
- C4 "Chi bộ khu phố 1" (Phường Đông Hải): reports counts only; meets 08/01 (10 expected,
  1 exempt, 8 present, 1 excused); no meeting in February.
Xã An Bình holds briefings on 25/01, 25/02 and 25/03/2025; Phường Đông Hải holds none.
Committee members: K1 (province) visits once (compliant with 6-monthly), K2 (commune, Xã An Bình)
visits in January only (short of the monthly rule), K3 (commune, Xã An Bình) visits both months.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cellboard.data import db, store

D = dt.date

UNITS = [
    # unit_id, name, kind, parent_id, cell_type, valid_from, valid_to, merged_into
    ("P", "Tỉnh Thử Nghiệm", "province", None, None, None, None, None),
    ("X1", "Xã An Bình", "commune", "P", None, None, None, None),
    ("X2", "Phường Đông Hải", "commune", "P", None, None, None, None),
    ("C1", "Chi bộ thôn Đông", "cell", "X1", "village", None, None, None),
    ("C2", "Chi bộ thôn Tây", "cell", "X1", "village", None, D(2025, 1, 31), "C3"),
    ("C3", "Chi bộ thôn Đoàn Kết", "cell", "X1", "village", D(2025, 2, 1), None, None),
    ("C4", "Chi bộ khu phố 1", "cell", "X2", "urban_block", None, None, None),
]

MEMBERS = [
    ("m1", "Nguyễn Văn An", "male", 1970),
    ("m2", "Trần Thị Bình", "female", 1980),
    ("m3", "Lê Văn Cường", "male", 1990),
    ("m4", "Phạm Văn Dũng", "male", 1935),
    ("m5", "Hoàng Thị Én", "female", 1975),
    ("m6", "Đặng Văn Phúc", "male", 1985),
    ("m7", "Bùi Thị Giang", "female", 1995),
]

MEMBERSHIPS = [
    ("m1", "C1", D(2020, 1, 1), None, "active"),
    ("m2", "C1", D(2020, 1, 1), None, "active"),
    ("m3", "C1", D(2020, 1, 1), None, "away"),
    ("m4", "C1", D(2020, 1, 1), None, "exempt"),
    ("m5", "C2", D(2020, 1, 1), D(2025, 1, 31), "active"),
    ("m6", "C2", D(2020, 1, 1), D(2025, 1, 31), "active"),
    ("m5", "C3", D(2025, 2, 1), None, "active"),
    ("m6", "C3", D(2025, 2, 1), None, "active"),
    ("m7", "C3", D(2025, 2, 1), None, "active"),
]

MEETINGS = [
    # meeting_id, cell_id, held_on, kind, expected, present, excused, absent, exempt
    ("M1", "C1", D(2025, 1, 10), "regular", None, None, None, None, None),
    ("M2", "C1", D(2025, 2, 12), "thematic", None, None, None, None, None),
    ("M3", "C1", D(2025, 2, 25), "extraordinary", None, None, None, None, None),
    ("M4", "C2", D(2025, 1, 15), "regular", None, None, None, None, None),
    ("M5", "C3", D(2025, 2, 20), "regular", None, None, None, None, None),
    ("M6", "C4", D(2025, 1, 8), "regular", 10, 8, 1, 0, 1),
]

ATTENDANCE = [
    ("M1", "m1", "present", None),
    ("M1", "m2", "present", None),
    ("M1", "m3", "excused", "away"),
    ("M1", "m4", "exempt", None),
    ("M2", "m1", "present", None),
    ("M2", "m2", "present", None),
    ("M2", "m3", "present", None),
    ("M2", "m4", "exempt", None),
    ("M3", "m1", "present", None),
    ("M3", "m2", "present", None),
    ("M3", "m3", "excused", "work"),
    ("M3", "m4", "exempt", None),
    ("M4", "m5", "present", None),
    ("M4", "m6", "absent", None),
    ("M5", "m5", "present", None),
    ("M5", "m6", "present", None),
    ("M5", "m7", "present", None),
]

COMMITTEE = [
    ("K1", "Vũ Văn Tỉnh", "province", "P", D(2020, 1, 1), None),
    ("K2", "Ngô Thị Xã", "commune", "X1", D(2020, 1, 1), None),
    ("K3", "Đỗ Văn Hà", "commune", "X1", D(2020, 1, 1), None),
]

VISITS = [("M1", "K1"), ("M1", "K2"), ("M1", "K3"), ("M5", "K3")]

BRIEFINGS = [
    ("B1", "X1", D(2025, 1, 25), 2, 2),
    ("B2", "X1", D(2025, 2, 25), 2, 1),
    ("B3", "X1", D(2025, 3, 25), 2, 2),
]

OPINIONS = [
    # opinion_id, raised_on, unit_id, briefing_id, category, kind, channel, text, assigned_to,
    # answered_on, answer
    (
        "O1",
        D(2025, 1, 25),
        "C1",
        "B1",
        "agriculture",
        "reflection",
        "meeting",
        "Đề nghị nạo vét kênh mương thôn Đông",
        "Phòng Kinh tế",
        D(2025, 2, 20),
        "Đã nạo vét",
    ),
    (
        "O2",
        D(2025, 1, 25),
        "C2",
        "B1",
        "transport_construction",
        "recommendation",
        "written",
        "Đường liên thôn Tam Đảo xuống cấp",
        "Phòng Kinh tế",
        D(2025, 3, 1),
        "Đã sửa",
    ),
    (
        "O3",
        D(2025, 2, 25),
        "C3",
        "B2",
        "agriculture",
        "reflection",
        "meeting",
        "<script>alert(1)</script> Đê bao bị sạt",
        "Phòng Kinh tế",
        None,
        None,
    ),
    (
        "O4",
        D(2025, 2, 10),
        "C4",
        None,
        "security_order",
        "recommendation",
        "written",
        "=1+1 trộm cắp vặt",
        "Công an phường",
        None,
        None,
    ),
    (
        "O5",
        D(2024, 1, 15),
        "C4",
        None,
        "agriculture",
        "reflection",
        "meeting",
        "Giống lúa vụ xuân",
        "Phòng Kinh tế",
        D(2024, 1, 20),
        "Đã cấp",
    ),
    (
        "O6",
        D(2024, 2, 5),
        "C1",
        None,
        "agriculture",
        "reflection",
        "meeting",
        "Thủy lợi nội đồng",
        "Phòng Kinh tế",
        None,
        None,
    ),
]

RATINGS = [
    ("C1", 2024, "good"),
    ("C2", 2024, "good"),
    ("C1", 2025, "excellent"),
    ("C3", 2025, "good"),
    ("C4", 2025, "complete"),
]


def _frame(rows: list[tuple], columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split(), dtype=object)


def tables() -> dict[str, pd.DataFrame]:
    return {
        "unit": _frame(UNITS, "unit_id name kind parent_id cell_type valid_from valid_to merged_into"),
        "member": _frame(MEMBERS, "member_id full_name sex birth_year"),
        "membership": _frame(MEMBERSHIPS, "member_id cell_id from_date to_date status"),
        "meeting": _frame(MEETINGS, "meeting_id cell_id held_on kind expected present excused absent exempt"),
        "attendance": _frame(ATTENDANCE, "meeting_id member_id status reason"),
        "committee_member": _frame(COMMITTEE, "person_id full_name level unit_id from_date to_date"),
        "visit": _frame(VISITS, "meeting_id person_id"),
        "briefing": _frame(BRIEFINGS, "briefing_id unit_id held_on secretaries_expected secretaries_present"),
        "opinion": _frame(
            OPINIONS,
            "opinion_id raised_on unit_id briefing_id category kind channel text assigned_to "
            "answered_on answer",
        ),
        "rating": _frame(RATINGS, "cell_id year grade"),
    }


def write(path: Path) -> Path:
    store.write_database(path, tables(), source="imported")
    return path


def apply(path: Path, **tables: pd.DataFrame) -> None:
    """Rows written into the file through store.apply_rows, as a write does (derived tables kept in
    step), in one transaction; the readers' connections to the file closed first."""
    db.close_all()
    con = store.connect(str(path))
    try:
        con.execute("begin")
        store.apply_rows(con, tables)
        con.execute("commit")
    finally:
        con.close()


def as_rebuilt(path: Path, select: str) -> list[tuple]:
    """The rows `select` reads from the file as written, checked equal to what it reads after a full
    rebuild of the derived tables (rolled back: the file stays as written)."""
    db.close_all()
    con = store.connect(str(path))
    try:
        written = con.execute(select).fetchall()
        con.execute("begin")
        store.rebuild_derived(con)
        rebuilt = con.execute(select).fetchall()
        con.execute("rollback")
    finally:
        con.close()
    assert written == rebuilt
    return written
