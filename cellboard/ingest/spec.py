"""The import format as data: the allowed values, the sheets and their columns, and how a header or a
sheet name is matched to them.

The import format is a public contract (docs/ARCHITECTURE.md). Reading accepts what real sheets look like:
title lines above the header (the header row is found), English or Vietnamese sheet and column
names matched without case or accents, an STT numbering column, Excel dates, yyyy-mm-dd and
dd/mm/yyyy, categories and other fixed values by code or Vietnamese name, signature lines after
the data. The accepted sheet and column names are data of this specification, not messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from cellboard import text

# ---- the format: allowed values ----------------------------------------------------------

# domain -> code -> (Vietnamese name, English name, other accepted spellings)
ENUMS: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    "unit_kind": {
        "province": ("Tỉnh", "Province", ("tỉnh ủy", "đảng bộ tỉnh", "cấp tỉnh")),
        "district": ("Huyện", "District", ("huyện ủy", "quận", "quận ủy", "thị xã", "thị ủy", "cấp huyện")),
        "commune": (
            "Xã/phường",
            "Commune",
            (
                "xã",
                "phường",
                "thị trấn",
                "đặc khu",
                "đảng bộ xã",
                "đảng bộ phường",
                "đảng ủy xã",
                "cấp xã",
                "ward",
            ),
        ),
        "subcommittee": ("Đảng bộ bộ phận", "Subcommittee", ("đảng bộ bộ phận trực thuộc",)),
        "cell": ("Chi bộ", "Cell", ("chi bộ trực thuộc",)),
    },
    "cell_type": {
        "village": ("Thôn, xóm, bản", "Village", ("thôn", "xóm", "bản", "ấp", "làng", "chi bộ thôn")),
        "urban_block": ("Khu phố, tổ dân phố", "Urban block", ("khu phố", "tổ dân phố", "khu dân phố")),
        "residential": ("Khu dân cư", "Residential", ("dân cư",)),
        "agency": ("Cơ quan", "Agency", ("cơ quan, đơn vị",)),
        "school": ("Trường học", "School", ("trường",)),
        "enterprise": ("Doanh nghiệp", "Enterprise", ("công ty",)),
        "armed_forces": ("Lực lượng vũ trang", "Armed forces", ("quân đội", "công an", "quân sự")),
        "other": ("Khác", "Other", ()),
    },
    "sex": {
        "male": ("Nam", "Male", ("m",)),
        "female": ("Nữ", "Female", ("f",)),
    },
    "membership_status": {
        "active": ("Đang sinh hoạt", "Active", ("sinh hoạt", "bình thường")),
        "exempt": ("Miễn sinh hoạt", "Exempt", ("miễn", "miễn sh")),
        "away": ("Đi làm ăn xa", "Away", ("làm ăn xa", "đi làm xa")),
    },
    "meeting_kind": {
        "regular": ("Thường kỳ", "Regular", ("sinh hoạt thường kỳ",)),
        "thematic": ("Chuyên đề", "Thematic", ("sinh hoạt chuyên đề",)),
        "extraordinary": ("Bất thường", "Extraordinary", ("đột xuất",)),
    },
    "attendance_status": {
        "present": ("Có mặt", "Present", ("dự", "có")),
        "excused": ("Vắng có lý do", "Excused", ("có lý do", "vắng có phép")),
        "absent": ("Vắng không lý do", "Absent", ("không lý do", "vắng không phép")),
        "exempt": ("Miễn sinh hoạt", "Exempt", ("miễn", "miễn sh")),
    },
    "absence_reason": {
        "away": ("Đi làm ăn xa", "Away", ("làm ăn xa", "đi làm xa")),
        "illness": ("Ốm đau", "Illness", ("ốm", "bệnh", "ốm đau, bệnh tật")),
        "work": ("Bận công tác", "Work", ("công tác", "bận việc")),
        "other": ("Lý do khác", "Other", ("khác",)),
    },
    "committee_level": {
        "province": ("Tỉnh", "Province", ("tỉnh ủy viên", "cấp tỉnh")),
        "district": ("Huyện", "District", ("huyện ủy viên", "cấp huyện")),
        "commune": ("Xã/phường", "Commune", ("xã", "phường", "đảng ủy viên", "cấp xã")),
    },
    "opinion_kind": {
        "reflection": ("Phản ánh", "Reflection", ("ý kiến phản ánh", "ý kiến")),
        "recommendation": ("Kiến nghị", "Recommendation", ("kiến nghị, đề xuất", "đề xuất")),
    },
    "channel": {
        "meeting": ("Tại hội nghị", "At the meeting", ("trực tiếp", "hội nghị", "tại hội nghị giao ban")),
        "written": ("Bằng văn bản", "Written", ("văn bản",)),
    },
    "grade": {
        "excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent", ("hoàn thành xuất sắc", "htxsnv")),
        "good": ("Hoàn thành tốt nhiệm vụ", "Good", ("hoàn thành tốt", "httnv")),
        "complete": ("Hoàn thành nhiệm vụ", "Complete", ("hoàn thành", "htnv")),
        "incomplete": ("Không hoàn thành nhiệm vụ", "Incomplete", ("không hoàn thành", "khtnv")),
    },
}


def norm(value: object) -> str:
    """Folded for matching: lower case, no accents, đ -> d, punctuation as single spaces."""
    return re.sub(r"[^a-z0-9]+", " ", text.fold(str(value))).strip()


@cache
def enum_lookup(domain: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, (vi, en, others) in ENUMS[domain].items():
        for spelling in (code, vi, en, *others):
            key = norm(spelling)
            if lookup.get(key, code) != code:
                raise ValueError(f"{domain}: «{spelling}» is ambiguous")
            lookup[key] = code
    return lookup


# ---- the format: sheets and columns -----------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the table's column, the English header
    vi: str  # the Vietnamese header
    kind: str  # id, text, date, int, enum, category
    key: bool = False
    required: bool = False
    enum: str | None = None
    low: int | None = None
    high: int | None = None
    default: object = None
    aliases: tuple[str, ...] = ()
    help_id: str = ""  # the message id of the column's explanation (imp_help_<sheet>_<column>)

    @property
    def needed(self) -> bool:
        return self.key or self.required

    @property
    def help_vi(self) -> str:
        return text.pair(self.help_id)[0] if self.help_id else ""

    @property
    def help_en(self) -> str:
        return text.pair(self.help_id)[1] if self.help_id else ""


@dataclass(frozen=True)
class Sheet:
    name: str  # English sheet name (the contract)
    vi: str  # Vietnamese sheet name
    table: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name, vi, key=False, required=False, aliases=(), help_id=""):
    return Column(name, vi, "id", key=key, required=required or key, aliases=aliases, help_id=help_id)


def _date(name, vi, required=False, aliases=(), help_id=""):
    return Column(name, vi, "date", required=required, aliases=aliases, help_id=help_id)


def _count(name, vi, aliases=(), help_id=""):
    return Column(name, vi, "int", low=0, high=100_000, aliases=aliases, help_id=help_id)


def _enum(name, vi, domain, required=False, default=None, aliases=(), help_id=""):
    return Column(
        name,
        vi,
        "enum",
        required=required,
        enum=domain,
        default=default,
        aliases=aliases,
        help_id=help_id,
    )


def _text(name, vi, required=False, aliases=(), help_id=""):
    return Column(name, vi, "text", required=required, aliases=aliases, help_id=help_id)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "units",
        "Đơn vị",
        "unit",
        (
            _id(
                "unit_id",
                "Mã đơn vị",
                key=True,
                help_id=text.N_("imp_help_units_unit_id"),
            ),
            _text("name", "Tên đơn vị", required=True, help_id=text.N_("imp_help_units_name")),
            _enum(
                "kind",
                "Loại đơn vị",
                "unit_kind",
                required=True,
                aliases=("Cấp",),
                help_id=text.N_("imp_help_units_kind"),
            ),
            _id(
                "parent_id",
                "Mã đơn vị cấp trên",
                aliases=("Mã cấp trên", "Cấp trên"),
                help_id=text.N_("imp_help_units_parent_id"),
            ),
            _id(
                "admin_code",
                "Mã hành chính",
                help_id=text.N_("imp_help_units_admin_code"),
            ),
            _enum(
                "cell_type",
                "Loại chi bộ",
                "cell_type",
                help_id=text.N_("imp_help_units_cell_type"),
            ),
            _date(
                "valid_from",
                "Ngày thành lập",
                aliases=("Từ ngày",),
                help_id=text.N_("imp_help_units_valid_from"),
            ),
            _date(
                "valid_to",
                "Ngày kết thúc",
                aliases=("Đến ngày",),
                help_id=text.N_("imp_help_units_valid_to"),
            ),
            _id(
                "merged_into",
                "Sáp nhập vào",
                aliases=("Mã đơn vị sáp nhập vào",),
                help_id=text.N_("imp_help_units_merged_into"),
            ),
        ),
        aliases=("unit", "don vi", "dang bo chi bo"),
    ),
    Sheet(
        "departments",
        "Phòng ban",
        "department",
        (
            _id(
                "unit_id",
                "Mã đơn vị",
                key=True,
                aliases=("Mã đơn vị phục vụ", "Đơn vị"),
                help_id=text.N_("imp_help_departments_unit_id"),
            ),
            Column(
                "name",
                "Tên phòng ban",
                "text",
                key=True,
                required=True,
                aliases=("Tên cơ quan", "Cơ quan giải quyết"),
                help_id=text.N_("imp_help_departments_name"),
            ),
        ),
        aliases=("department", "phong ban", "co quan", "co quan giai quyet", "co quan chuyen mon"),
    ),
    Sheet(
        "members",
        "Đảng viên",
        "member",
        (
            _id(
                "member_id",
                "Mã đảng viên",
                key=True,
                aliases=("Số thẻ đảng viên",),
                help_id=text.N_("imp_help_members_member_id"),
            ),
            _text(
                "full_name",
                "Họ và tên",
                required=True,
                aliases=("Họ tên",),
                help_id=text.N_("imp_help_members_full_name"),
            ),
            _enum("sex", "Giới tính", "sex", help_id=text.N_("imp_help_members_sex")),
            Column(
                "birth_year",
                "Năm sinh",
                "int",
                low=1900,
                high=2100,
                help_id=text.N_("imp_help_members_birth_year"),
            ),
            _date("joined_on", "Ngày vào Đảng", help_id=text.N_("imp_help_members_joined_on")),
        ),
        aliases=("member", "dang vien"),
    ),
    Sheet(
        "memberships",
        "Sinh hoạt tại chi bộ",
        "membership",
        (
            _id(
                "member_id",
                "Mã đảng viên",
                key=True,
                help_id=text.N_("imp_help_memberships_member_id"),
            ),
            _id(
                "cell_id",
                "Mã chi bộ",
                key=True,
                help_id=text.N_("imp_help_memberships_cell_id"),
            ),
            Column(
                "from_date",
                "Từ ngày",
                "date",
                key=True,
                help_id=text.N_("imp_help_memberships_from_date"),
            ),
            _date(
                "to_date",
                "Đến ngày",
                help_id=text.N_("imp_help_memberships_to_date"),
            ),
            _enum(
                "status",
                "Tình trạng",
                "membership_status",
                default="active",
                help_id=text.N_("imp_help_memberships_status"),
            ),
        ),
        aliases=("membership", "qua trinh sinh hoat", "sinh hoat chi bo"),
    ),
    Sheet(
        "meetings",
        "Buổi sinh hoạt",
        "meeting",
        (
            _id(
                "meeting_id",
                "Mã buổi sinh hoạt",
                key=True,
                help_id=text.N_("imp_help_meetings_meeting_id"),
            ),
            _id("cell_id", "Mã chi bộ", required=True, help_id=text.N_("imp_help_meetings_cell_id")),
            _date(
                "held_on",
                "Ngày họp",
                required=True,
                aliases=("Ngày sinh hoạt",),
                help_id=text.N_("imp_help_meetings_held_on"),
            ),
            _enum(
                "kind",
                "Hình thức",
                "meeting_kind",
                default="regular",
                aliases=("Loại buổi",),
                help_id=text.N_("imp_help_meetings_kind"),
            ),
            _text("topic", "Nội dung", aliases=("Chủ đề",), help_id=text.N_("imp_help_meetings_topic")),
            _count(
                "expected",
                "Số phải dự",
                aliases=("Tổng số đảng viên",),
                help_id=text.N_("imp_help_meetings_expected"),
            ),
            _count("present", "Có mặt", aliases=("Số có mặt",), help_id=text.N_("imp_help_meetings_present")),
            _count("excused", "Vắng có lý do", help_id=text.N_("imp_help_meetings_excused")),
            _count("absent", "Vắng không lý do", help_id=text.N_("imp_help_meetings_absent")),
            _count(
                "exempt",
                "Miễn sinh hoạt",
                aliases=("Được miễn",),
                help_id=text.N_("imp_help_meetings_exempt"),
            ),
        ),
        aliases=("meeting", "sinh hoat", "buoi hop"),
    ),
    Sheet(
        "attendance",
        "Điểm danh",
        "attendance",
        (
            _id(
                "meeting_id",
                "Mã buổi sinh hoạt",
                key=True,
                help_id=text.N_("imp_help_attendance_meeting_id"),
            ),
            _id(
                "member_id",
                "Mã đảng viên",
                key=True,
                help_id=text.N_("imp_help_attendance_member_id"),
            ),
            _enum(
                "status",
                "Tình trạng",
                "attendance_status",
                required=True,
                aliases=("Tham dự",),
                help_id=text.N_("imp_help_attendance_status"),
            ),
            _enum(
                "reason",
                "Lý do vắng",
                "absence_reason",
                help_id=text.N_("imp_help_attendance_reason"),
            ),
        ),
        aliases=("diem danh", "tham du"),
    ),
    Sheet(
        "committee_members",
        "Cấp ủy viên",
        "committee_member",
        (
            _id(
                "person_id",
                "Mã cấp ủy viên",
                key=True,
                help_id=text.N_("imp_help_committee_members_person_id"),
            ),
            _text(
                "full_name",
                "Họ và tên",
                required=True,
                aliases=("Họ tên",),
                help_id=text.N_("imp_help_committee_members_full_name"),
            ),
            _enum(
                "level",
                "Cấp",
                "committee_level",
                required=True,
                aliases=("Cấp ủy",),
                help_id=text.N_("imp_help_committee_members_level"),
            ),
            _id(
                "unit_id",
                "Mã đơn vị phụ trách",
                required=True,
                aliases=("Địa bàn phụ trách",),
                help_id=text.N_("imp_help_committee_members_unit_id"),
            ),
            _date("from_date", "Từ ngày", help_id=text.N_("imp_help_committee_members_from_date")),
            _date("to_date", "Đến ngày", help_id=text.N_("imp_help_committee_members_to_date")),
        ),
        aliases=("committee_member", "cap uy vien", "cap uy"),
    ),
    Sheet(
        "visits",
        "Dự sinh hoạt",
        "visit",
        (
            _id(
                "meeting_id",
                "Mã buổi sinh hoạt",
                key=True,
                help_id=text.N_("imp_help_visits_meeting_id"),
            ),
            _id(
                "person_id",
                "Mã cấp ủy viên",
                key=True,
                help_id=text.N_("imp_help_visits_person_id"),
            ),
        ),
        aliases=("visit", "du sinh hoat", "cap uy vien du sinh hoat"),
    ),
    Sheet(
        "briefings",
        "Giao ban",
        "briefing",
        (
            _id(
                "briefing_id",
                "Mã buổi giao ban",
                key=True,
                help_id=text.N_("imp_help_briefings_briefing_id"),
            ),
            _id(
                "unit_id",
                "Mã đơn vị",
                required=True,
                help_id=text.N_("imp_help_briefings_unit_id"),
            ),
            _date("held_on", "Ngày giao ban", required=True, help_id=text.N_("imp_help_briefings_held_on")),
            _count(
                "secretaries_expected",
                "Số bí thư phải dự",
                help_id=text.N_("imp_help_briefings_secretaries_expected"),
            ),
            _count(
                "secretaries_present",
                "Số bí thư có mặt",
                help_id=text.N_("imp_help_briefings_secretaries_present"),
            ),
        ),
        aliases=("briefing", "giao ban bi thu", "hoi nghi giao ban"),
    ),
    Sheet(
        "opinions",
        "Ý kiến kiến nghị",
        "opinion",
        (
            _id(
                "opinion_id",
                "Mã ý kiến",
                key=True,
                help_id=text.N_("imp_help_opinions_opinion_id"),
            ),
            _date("raised_on", "Ngày nêu", required=True, help_id=text.N_("imp_help_opinions_raised_on")),
            _id(
                "unit_id",
                "Mã đơn vị",
                required=True,
                help_id=text.N_("imp_help_opinions_unit_id"),
            ),
            _id(
                "briefing_id",
                "Mã buổi giao ban",
                help_id=text.N_("imp_help_opinions_briefing_id"),
            ),
            Column(
                "category",
                "Lĩnh vực",
                "category",
                default="other",
                help_id=text.N_("imp_help_opinions_category"),
            ),
            _enum(
                "kind",
                "Loại ý kiến",
                "opinion_kind",
                default="reflection",
                help_id=text.N_("imp_help_opinions_kind"),
            ),
            _enum(
                "channel",
                "Hình thức nêu",
                "channel",
                help_id=text.N_("imp_help_opinions_channel"),
            ),
            _text(
                "text",
                "Nội dung",
                required=True,
                aliases=("Nội dung ý kiến",),
                help_id=text.N_("imp_help_opinions_text"),
            ),
            _text(
                "assigned_to",
                "Cơ quan giải quyết",
                aliases=("Cơ quan trả lời",),
                help_id=text.N_("imp_help_opinions_assigned_to"),
            ),
            _date(
                "answered_on",
                "Ngày trả lời",
                help_id=text.N_("imp_help_opinions_answered_on"),
            ),
            _text("answer", "Nội dung trả lời", help_id=text.N_("imp_help_opinions_answer")),
        ),
        aliases=("opinion", "y kien", "y kien kien nghi", "kien nghi"),
    ),
    Sheet(
        "ratings",
        "Xếp loại",
        "rating",
        (
            _id("cell_id", "Mã chi bộ", key=True, help_id=text.N_("imp_help_ratings_cell_id")),
            Column(
                "year",
                "Năm",
                "int",
                key=True,
                required=True,
                low=1930,
                high=2100,
                help_id=text.N_("imp_help_ratings_year"),
            ),
            _enum(
                "grade",
                "Xếp loại",
                "grade",
                required=True,
                aliases=("Kết quả xếp loại",),
                help_id=text.N_("imp_help_ratings_grade"),
            ),
        ),
        aliases=("rating", "xep loai", "xep loai chi bo"),
    ),
    Sheet(
        "categories",
        "Lĩnh vực",
        "category",
        (
            _id(
                "code",
                "Mã lĩnh vực",
                key=True,
                help_id=text.N_("imp_help_categories_code"),
            ),
            _text(
                "name_vi",
                "Tên tiếng Việt",
                required=True,
                aliases=("Tên lĩnh vực",),
                help_id=text.N_("imp_help_categories_name_vi"),
            ),
            _text(
                "name_en",
                "Tên tiếng Anh",
                help_id=text.N_("imp_help_categories_name_en"),
            ),
            Column(
                "sort",
                "Thứ tự",
                "int",
                low=-1_000_000,
                high=1_000_000,
                help_id=text.N_("imp_help_categories_sort"),
            ),
        ),
        aliases=("category", "linh vuc"),
    ),
)
SHEET_BY_TABLE = {sheet.table: sheet for sheet in SHEETS}
# Sheets of the template that are not data (the guide, the lists behind drop-downs).
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
AUX_SHEETS = {norm(name) for name in (GUIDE_SHEET, LISTS_SHEET, "guide", "lists", "readme")}
NUMBERING = {"stt", "tt", "so tt", "so thu tu", "no", "#"}
FOOTER = re.compile(
    r"^(nguoi lap|lap bieu|nguoi bao cao|tong cong|cong|tong so|ky ten|ky ghi ro|thu truong|xac nhan|"
    r"t ?m |tm$|ngay \d* ?thang|bi thu$|ghi chu)"
)


@cache
def sheet_lookup() -> dict[str, Sheet]:
    lookup = {}
    for sheet in SHEETS:
        for spelling in (sheet.name, sheet.vi, *sheet.aliases):
            lookup[norm(spelling)] = sheet
    return lookup


def header_spellings(header: object) -> list[str]:
    """Ways a header cell may name a column: as written, without notes in parentheses or
    required-marks (`Mã đơn vị (*)`), and the note itself (`Mã đơn vị (unit_id)`)."""
    raw = str(header)
    spellings = [norm(re.sub(r"\([^)]*\)|\*", " ", raw)), norm(raw)]
    spellings += [norm(inner) for inner in re.findall(r"\(([^)]*)\)", raw)]
    return [s for s in spellings if s]


@cache
def column_lookup(sheet_name: str) -> dict[str, str]:
    sheet = next(s for s in SHEETS if s.name == sheet_name)
    lookup = {}
    for column in sheet.columns:
        for spelling in (column.name, column.vi, *column.aliases):
            lookup[norm(spelling)] = column.name
    return lookup


def match_column(sheet: Sheet, header: object) -> str | None:
    if not isinstance(header, str) or len(header) > 120:
        return None  # a header is short text; numbers, dates and long text are data
    return _match_column(sheet.name, header)


@lru_cache(maxsize=16_384)
def _match_column(sheet_name: str, header: str) -> str | None:
    lookup = column_lookup(sheet_name)
    for spelling in header_spellings(header):
        if spelling in lookup:
            return lookup[spelling]
    return None


def is_numbering(header: object) -> bool:
    return any(spelling in NUMBERING for spelling in header_spellings(header))
