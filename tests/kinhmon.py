"""A district workbook built from docs/DOMAIN.md's Kinh Môn figures, with answers worked out by hand.

Kinh Môn district (under Hải Dương province) holds a briefing of its cell secretaries on the 20th
of every month from January 2014 to January 2016. Opinions raised at them:
- 2015: 156 = agriculture 58, transport_construction 46, environment 11, services 17,
  social_policy 10, security_order 7, party_work 7 (docs/DOMAIN.md's published figures);
- 2014: 187 = 70, 55, 14, 20, 12, 8, 8.
Within each year and category the k-th opinion (k = 0, 1, ...):
- is raised at the briefing of month (k mod 12) + 1, on the 20th, by cell CELLS[k mod 6];
- is a recommendation when k is odd, else a reflection; written when k mod 5 == 0, else at the meeting;
- is answered 10 days after raising (before the next briefing: on time) when k mod 4 is 0 or 1,
  40 days after (after the next briefing: late) when k mod 4 == 2, and never when k mod 4 == 3
  (overdue once the next briefing has passed);
- has the text TEMPLATES[category][k mod 3] with the cell's place name.
So in 2015 agriculture has 30 on time (k mod 4 in 0, 1), 14 late, 14 unanswered; "nạo vét" (the
first agriculture template) appears in 20 of the 58 (k mod 3 == 0).

Attendance: cell KM-HS-01 has 27 members, 2 of them exempt (m26, m27). Its meetings on the 5th of
January-June 2015: m01 works away and is excused every time; m02, m03 and m04 are absent without
reason in January, March and May. January-May: present 23+24+23+24+23 = 117 of 25 x 5 = 125
expected and not exempt -> 93,6 % (Lào Cai's published rate). June: 24 of 25.
Cell KM-TT-01 reports counts only: 10 March 2015, 15 expected, 1 exempt, 12 present, 2 excused.

Visits, January-June 2015: province member TU-01 visits once (February: complies with 6-monthly);
district member HU-01 visits in February and May (complies with 3-monthly); commune member
XU-01 (Xã Hiệp Sơn) visits January-May but not June (short of the monthly rule).

Departments: the six the opinions are assigned to (DEPARTMENTS), each serving the district KM (the
workbook's departments sheet; tables() leaves them to store.write_database, which puts them at the
opinions' communes).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

D = dt.date

CATEGORY_COUNTS = {
    2015: {
        "agriculture": 58,
        "transport_construction": 46,
        "environment": 11,
        "services": 17,
        "social_policy": 10,
        "security_order": 7,
        "party_work": 7,
    },
    2014: {
        "agriculture": 70,
        "transport_construction": 55,
        "environment": 14,
        "services": 20,
        "social_policy": 12,
        "security_order": 8,
        "party_work": 8,
    },
}
CATEGORY_NAMES_VI = {
    "agriculture": "Sản xuất nông nghiệp, thủy lợi",
    "transport_construction": "Giao thông - xây dựng",
    "environment": "Tài nguyên, môi trường",
    "services": "Dịch vụ",
    "social_policy": "Chế độ chính sách",
    "security_order": "An ninh trật tự",
    "party_work": "Công tác đảng",
}
DEPARTMENTS = {
    "agriculture": "Phòng Nông nghiệp và PTNT",
    "transport_construction": "Phòng Kinh tế và Hạ tầng",
    "environment": "Phòng Tài nguyên và Môi trường",
    "services": "Phòng Kinh tế và Hạ tầng",
    "social_policy": "Phòng Lao động - Thương binh và Xã hội",
    "security_order": "Công an huyện",
    "party_work": "Ban Tổ chức Huyện ủy",
}
TEMPLATES = {
    "agriculture": [
        "Đề nghị nạo vét kênh mương nội đồng {place}",
        "Hỗ trợ giống lúa vụ xuân cho {place}",
        "Trạm bơm {place} xuống cấp",
    ],
    "transport_construction": [
        "Đường liên thôn qua {place} xuống cấp, đề nghị sửa chữa",
        "Đề nghị lắp đèn chiếu sáng đường {place}",
        "Cầu dân sinh {place} hư hỏng",
    ],
    "environment": [
        "Rác thải đổ bừa bãi ven đường {place}",
        "Ô nhiễm nguồn nước tại {place}",
        "Khai thác đất trái phép ở {place}",
    ],
    "services": [
        "Chợ {place} thiếu mái che",
        "Đề nghị mở điểm giao dịch bưu điện tại {place}",
        "Giá điện sinh hoạt ở {place} cao",
    ],
    "social_policy": [
        "Chậm chi trả trợ cấp người có công ở {place}",
        "Đề nghị xét hộ cận nghèo tại {place}",
        "Bảo hiểm y tế cho người cao tuổi {place}",
    ],
    "security_order": [
        "Trộm cắp vặt gia tăng ở {place}",
        "Thanh niên tụ tập đua xe tại {place}",
        "Đề nghị tăng tuần tra ban đêm ở {place}",
    ],
    "party_work": [
        "Đề nghị bồi dưỡng nghiệp vụ cho bí thư chi bộ {place}",
        "Phụ cấp cấp ủy viên chi bộ {place} thấp",
        "Tài liệu sinh hoạt chuyên đề cho {place}",
    ],
}

UNITS = [
    # unit_id, name, kind, parent_id, cell_type
    ("HD", "Tỉnh ủy Hải Dương", "province", None, None),
    ("KM", "Huyện ủy Kinh Môn", "district", "HD", None),
    ("KM-HS", "Xã Hiệp Sơn", "commune", "KM", None),
    ("KM-AP", "Xã An Phụ", "commune", "KM", None),
    ("KM-TT", "Thị trấn Kinh Môn", "commune", "KM", None),
    ("KM-HS-01", "Chi bộ thôn Đồng Tâm", "cell", "KM-HS", "village"),
    ("KM-HS-02", "Chi bộ thôn Hiệp Thượng", "cell", "KM-HS", "village"),
    ("KM-AP-01", "Chi bộ thôn An Phụ", "cell", "KM-AP", "village"),
    ("KM-AP-02", "Chi bộ thôn Tư Lạc", "cell", "KM-AP", "village"),
    ("KM-TT-01", "Chi bộ khu phố 1", "cell", "KM-TT", "urban_block"),
    ("KM-TT-02", "Chi bộ khu phố 2", "cell", "KM-TT", "urban_block"),
]
CELLS = [row[0] for row in UNITS if row[2] == "cell"]
PLACES = {
    "KM-HS-01": "thôn Đồng Tâm",
    "KM-HS-02": "thôn Hiệp Thượng",
    "KM-AP-01": "thôn An Phụ",
    "KM-AP-02": "thôn Tư Lạc",
    "KM-TT-01": "khu phố 1",
    "KM-TT-02": "khu phố 2",
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh"]
MEETING_MONTHS = range(1, 7)
ABSENT_WITHOUT_REASON = {1: "m02", 3: "m03", 5: "m04"}


def briefing_dates() -> list[dt.date]:
    return [D(2014 + (m // 12), m % 12 + 1, 20) for m in range(25)]


def opinions() -> pd.DataFrame:
    rows = []
    for year, counts in CATEGORY_COUNTS.items():
        for category, count in counts.items():
            for k in range(count):
                raised = D(year, k % 12 + 1, 20)
                cell = CELLS[k % 6]
                answered = {
                    0: raised + dt.timedelta(days=10),
                    1: raised + dt.timedelta(days=10),
                    2: raised + dt.timedelta(days=40),
                    3: None,
                }[k % 4]
                rows.append(
                    {
                        "opinion_id": f"YK-{year}-{category}-{k:02d}",
                        "raised_on": raised,
                        "unit_id": cell,
                        "briefing_id": f"GB-{raised:%Y%m}",
                        "category": category,
                        "kind": "recommendation" if k % 2 else "reflection",
                        "channel": "written" if k % 5 == 0 else "meeting",
                        "text": TEMPLATES[category][k % 3].format(place=PLACES[cell]),
                        "assigned_to": DEPARTMENTS[category],
                        "answered_on": answered,
                        "answer": None if answered is None else "Đã tiếp thu, giải quyết",
                    }
                )
    return pd.DataFrame(rows)


def departments() -> pd.DataFrame:
    """The district's departments the opinions are assigned to (each serves the whole district)."""
    names = sorted(set(DEPARTMENTS.values()))
    return pd.DataFrame({"unit_id": "KM", "name": names})


def members() -> tuple[pd.DataFrame, pd.DataFrame]:
    people, memberships = [], []
    for number in range(1, 28):
        member_id = f"m{number:02d}"
        name = f"{SURNAMES[number % 9]} Văn {GIVEN[(number * 4) % 9]} {number}"
        people.append(
            {
                "member_id": member_id,
                "full_name": name,
                "sex": "male",
                "birth_year": 1930 if number >= 26 else 1960 + number,
            }
        )
        status = "exempt" if number >= 26 else "away" if number == 1 else "active"
        memberships.append(
            {
                "member_id": member_id,
                "cell_id": "KM-HS-01",
                "from_date": D(2010, 1, 1),
                "to_date": None,
                "status": status,
            }
        )
    return pd.DataFrame(people), pd.DataFrame(memberships)


def meetings_and_attendance() -> tuple[pd.DataFrame, pd.DataFrame]:
    meetings, attendance = [], []
    for month in MEETING_MONTHS:
        meeting_id = f"SH-HS01-2015{month:02d}"
        meetings.append(
            {
                "meeting_id": meeting_id,
                "cell_id": "KM-HS-01",
                "held_on": D(2015, month, 5),
                "kind": "thematic" if month in (3, 6) else "regular",
                "topic": f"Sinh hoạt tháng {month}/2015",
            }
        )
        for number in range(1, 28):
            member_id = f"m{number:02d}"
            status, reason = "present", None
            if number >= 26:
                status = "exempt"
            elif number == 1:
                status, reason = "excused", "away"
            elif ABSENT_WITHOUT_REASON.get(month) == member_id:
                status = "absent"
            attendance.append(
                {"meeting_id": meeting_id, "member_id": member_id, "status": status, "reason": reason}
            )
    meetings.append(
        {
            "meeting_id": "SH-TT01-201503",
            "cell_id": "KM-TT-01",
            "held_on": D(2015, 3, 10),
            "kind": "regular",
            "topic": "Sinh hoạt tháng 3/2015",
            "expected": 15,
            "present": 12,
            "excused": 2,
            "absent": 0,
            "exempt": 1,
        }
    )
    return pd.DataFrame(meetings), pd.DataFrame(attendance)


def tables() -> dict[str, pd.DataFrame]:
    member, membership = members()
    meeting, attendance = meetings_and_attendance()
    units = pd.DataFrame(UNITS, columns=["unit_id", "name", "kind", "parent_id", "cell_type"])
    briefing = pd.DataFrame(
        [
            {
                "briefing_id": f"GB-{day:%Y%m}",
                "unit_id": "KM",
                "held_on": day,
                "secretaries_expected": 6,
                "secretaries_present": 6,
            }
            for day in briefing_dates()
        ]
    )
    committee = pd.DataFrame(
        [
            {
                "person_id": "TU-01",
                "full_name": "Phạm Văn Tỉnh",
                "level": "province",
                "unit_id": "HD",
                "from_date": D(2010, 1, 1),
                "to_date": None,
            },
            {
                "person_id": "HU-01",
                "full_name": "Lê Thị Huyện",
                "level": "district",
                "unit_id": "KM",
                "from_date": D(2010, 1, 1),
                "to_date": None,
            },
            {
                "person_id": "XU-01",
                "full_name": "Trần Văn Xã",
                "level": "commune",
                "unit_id": "KM-HS",
                "from_date": D(2010, 1, 1),
                "to_date": None,
            },
        ]
    )
    visits = [("SH-HS01-201502", "TU-01"), ("SH-HS01-201502", "HU-01"), ("SH-HS01-201505", "HU-01")]
    visits += [(f"SH-HS01-2015{month:02d}", "XU-01") for month in range(1, 6)]
    ratings = pd.DataFrame(
        {
            "cell_id": CELLS,
            "year": 2015,
            "grade": ["excellent", "good", "good", "good", "complete", "excellent"],
        }
    )
    return {
        "unit": units,
        "member": member,
        "membership": membership,
        "meeting": meeting,
        "attendance": attendance,
        "committee_member": committee,
        "visit": pd.DataFrame(visits, columns=["meeting_id", "person_id"]),
        "briefing": briefing,
        "opinion": opinions(),
        "rating": ratings,
    }


# ---- the workbook, filled in the way offices do -------------------------------------

SHEETS = {  # sheet name in the import format -> table
    "units": "unit",
    "departments": "department",
    "members": "member",
    "memberships": "membership",
    "meetings": "meeting",
    "attendance": "attendance",
    "committee_members": "committee_member",
    "visits": "visit",
    "briefings": "briefing",
    "opinions": "opinion",
    "ratings": "rating",
}


def _cell_value(column: str, value: object, row_number: int) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    # mixed date styles: every other row writes dates as dd/mm/yyyy text, the way people type them
    if isinstance(value, dt.date) and row_number % 2:
        return value.strftime("%d/%m/%Y")
    if column == "category":
        return CATEGORY_NAMES_VI.get(str(value), value)
    return value


def write_workbook(path: Path) -> Path:
    """The workbook: title lines, an STT column, Vietnamese category names, mixed dates, a signature."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    frames = {**tables(), "department": departments()}
    for sheet_name, table in SHEETS.items():
        frame = frames[table]
        sheet = book.create_sheet(sheet_name)
        sheet.append(["HUYỆN ỦY KINH MÔN"])
        sheet.append([f"BÁO CÁO SỐ LIỆU ({sheet_name})"])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
        sheet.append([])
        sheet.append(["STT", *frame.columns])
        for number, record in enumerate(frame.to_dict("records"), start=1):
            sheet.append([number, *(_cell_value(c, v, number) for c, v in record.items())])
        sheet.append([])
        sheet.append([None, "Người lập biểu"])
    book.save(path)
    return path
