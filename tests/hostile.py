"""The tiny fixture (tests/fixture.py) with hostile names: every text that reaches a page from the data
(unit names, a member, a committee member, a category, opinion text, a department) carries markup that
would make a link, an image request, bold text or a tag if it were rendered as Markdown or HTML.
"""

from __future__ import annotations

from pathlib import Path

import fixture
import pandas as pd

from cellboard.data import store

LINK = "[a](http://evil.example/a)"
IMAGE = "![i](http://evil.example/i.png)"
HTML_LINK = "<a href=http://evil.example/h>h</a>"
HOSTILE = f"**x** {LINK} {IMAGE} <b>b</b> <img src=x onerror=alert(1)> {HTML_LINK}"
# what a crafted link sends (finding 3 of issue 17)
REFUSAL_LINK_UNIT = "**Quản trị viên: [nhấn vào đây](http://evil.example/login)**"
BAD_DATE_LINK = "![f](http://evil.example/x.png)"

NAMES = {  # unit_id -> its hostile name
    "P": f"Tỉnh {HOSTILE}",
    "X1": f"Xã {HOSTILE}",
    "X2": f"Phường {HOSTILE}",
    "C1": f"Chi bộ 1 {HOSTILE}",
    "C2": f"Chi bộ 2 {HOSTILE}",
    "C3": f"Chi bộ 3 {HOSTILE}",
    "C4": f"Chi bộ 4 {HOSTILE}",
}
MEMBER = f"Đảng viên {HOSTILE}"  # m3, a chronic absentee in January-February 2025
COMMITTEE_MEMBER = f"Cấp ủy viên {HOSTILE}"  # K2
CATEGORY = f"Nông nghiệp {HOSTILE}"  # agriculture, both languages
OPINION = f"Ý kiến {HOSTILE}"  # O3
DEPARTMENT = f"Phòng {HOSTILE}"  # O1, O3


def tables() -> dict[str, pd.DataFrame]:
    tables = fixture.tables()
    unit = tables["unit"]
    unit["name"] = unit["unit_id"].map(NAMES)
    member = tables["member"]
    member.loc[member["member_id"] == "m3", "full_name"] = MEMBER
    committee = tables["committee_member"]
    committee.loc[committee["person_id"] == "K2", "full_name"] = COMMITTEE_MEMBER
    opinion = tables["opinion"]
    opinion.loc[opinion["opinion_id"] == "O3", "text"] = OPINION
    opinion.loc[opinion["opinion_id"].isin(["O1", "O3"]), "assigned_to"] = DEPARTMENT
    tables["category"] = pd.DataFrame(
        [
            ("agriculture", CATEGORY, CATEGORY, 1),
            ("transport_construction", "Giao thông - xây dựng", "Transport and construction", 2),
            ("environment", "Tài nguyên, môi trường", "Resources and environment", 3),
            ("services", "Dịch vụ", "Services", 4),
            ("social_policy", "Chế độ chính sách", "Social policy", 5),
            ("security_order", "An ninh trật tự", "Security and order", 6),
            ("party_work", "Công tác đảng", "Party work", 7),
            ("other", "Khác", "Other", 99),
        ],
        columns=["code", "name_vi", "name_en", "sort"],
        dtype=object,
    )
    return tables


def write(path: Path) -> Path:
    store.write_database(path, tables(), source="imported")
    return path
