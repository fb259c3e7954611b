"""Import committees' workbooks: read .xlsx or CSV, check every row, write all or nothing.

The import format is a public contract (docs/ARCHITECTURE.md). Reading accepts what real sheets look like:
title lines above the header (the header row is found), English or Vietnamese sheet and column
names matched without case or accents, an STT numbering column, Excel dates, yyyy-mm-dd and
dd/mm/yyyy, categories and other fixed values by code or Vietnamese name, signature lines after
the data. Checking covers types, required values, allowed values, duplicate keys, references to
the database or the same files, counts that must add up, date order, the unit tree and who was in
which cell when. Every problem names `sheet, row (as Excel shows it), column` with a reason in
Vietnamese and English; any problem rejects the whole import.

Writing (store.draft): under the database's lock, copy the file beside it, check against the
copy, apply every row in one transaction, rebuild the derived tables, check, swap the copy in.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import errno
import getpass
import hashlib
import io
import itertools
import json
import os
import re
import sys
import threading
import time
import unicodedata
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from cellboard import SCHEMA_VERSION, db, limits, store, text

MAX_TEXT = limits.MAX_TEXT  # Excel's cell limit
HEADER_SEARCH_ROWS = 30
GROUP_ABOVE = 30  # longer reports are grouped by reason
MIN_DATE = dt.date(1930, 1, 1)  # the party was founded in 1930: earlier dates are typing slips
MAX_DATE = dt.date(2100, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)


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
    """A file over one of the limits (cellboard.limits): refused whole, nothing else said about it."""

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


# ---- from rows to records ---------------------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_score(spec: Sheet, row: Sequence[object]) -> int:
    return len({match_column(spec, value) for value in row if not _empty(value)} - {None})


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
            return bad("imp_too_long", length=len(value), limit="32.767")
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
            con = duckdb.connect(":memory:")
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
) -> Checked:
    """Read and check the sources against a database (a connection; None = an empty one)."""
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
        report.add(None, "imp_demo_database", source=db_label, path=db_label)
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
    Checker(records, con, report).run()
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


class Checker:
    """The checks that look across rows, sheets and the database."""

    def __init__(self, records: Mapping[str, list[Record]], con, report: Report) -> None:
        self.records = records
        self.con = con
        self.report = report

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
        for record in self.rows("meeting"):
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
        for table in ("committee_member", "briefing", "opinion"):
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


# ---- importing: check, then write all or nothing ---------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or would do, on a dry run), with its report."""

    ok: bool
    dry_run: bool
    db_path: Path
    sources: list[str]
    problems: list[Problem]
    warnings: list[Problem]
    rows: dict[str, int]
    rows_by_source: dict[str, dict[str, int]]
    batch_ids: list[str] = field(default_factory=list)
    backup: Path | None = None
    seconds: float = 0.0
    process: int = 0  # the process that read and checked (the Data page's worker: not the server's)
    unlisted: int = 0  # problems past limits.MAX_LISTED: counted, not listed
    unlisted_warnings: int = 0

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def bad_rows(self) -> int:
        return len({(p.source, p.sheet, p.row) for p in self.problems if p.row is not None})

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def summary(self, language: str) -> str:
        index = 0 if language == "vi" else 1
        if self.problems:
            count = len(self.problems) + self.unlisted
            problems = text.pair_n("imp_problems", "imp_problems_plural", count, count=count)[index]
            bad = self.bad_rows
            rows = text.pair_n("imp_bad_rows", "imp_bad_rows_plural", bad, count=bad)[index]
            return text.pair("imp_rejected", problems=problems, rows=rows)[index]
        if self.dry_run:
            return text.pair("imp_dry_run_ok", rows=self.total_rows)[index]
        return text.pair("imp_done", rows=self.total_rows, path=self.db_path)[index]

    def report_lines(self) -> list[str]:
        lines = [f"{self.summary('vi')} / {self.summary('en')}"]
        if self.ok and self.rows:
            lines.append("  " + ", ".join(f"{table} {count:,}" for table, count in self.rows.items()))
        lines += report_lines(self.problems, self.warnings)
        limit = _n(limits.MAX_LISTED)
        if self.unlisted:
            count = self.unlisted
            unlisted = text.pair_n("imp_unlisted", "imp_unlisted_plural", count, count=_n(count), limit=limit)
            lines.append(" / ".join(unlisted))
        if self.unlisted_warnings:
            count = self.unlisted_warnings
            unlisted = text.pair_n(
                "imp_unlisted_warnings", "imp_unlisted_warnings_plural", count, count=_n(count), limit=limit
            )
            lines.append(" / ".join(unlisted))
        if self.backup is not None:
            lines.append(" / ".join(text.pair("imp_backup_kept", name=self.backup.name)))
        return lines

    def report_frame(self) -> pd.DataFrame:
        return report_frame(self.problems)

    def warnings_frame(self) -> pd.DataFrame:
        return report_frame(self.warnings)


def import_files(
    paths: Sequence[str | Path],
    db_path: str | Path,
    dry_run: bool = False,
    account: str | None = None,
    *,
    allow_demo: bool = False,
) -> ImportResult:
    """Import workbooks, CSV files or folders of CSV into the database at db_path, all or nothing.

    `allow_demo` lets the benchmark and tests import into a demo database; users cannot.
    """
    report = Report()
    sources = sources_from_paths(paths, report)
    return run_import(sources, Path(db_path), report, dry_run=dry_run, account=account, allow_demo=allow_demo)


def import_uploads(
    files: Sequence[tuple[str, bytes]],
    db_path: str | Path,
    dry_run: bool = False,
    account: str | None = None,
) -> ImportResult:
    """The same for uploaded files (name, content): the Data page."""
    report = Report()
    sources = sources_from_uploads(files, report)
    return run_import(sources, Path(db_path), report, dry_run=dry_run, account=account)


def run_import(
    sources: Sequence[Source],
    path: Path,
    report: Report,
    *,
    dry_run: bool,
    account: str | None,
    allow_demo: bool = False,
) -> ImportResult:
    started = time.perf_counter()
    label = str(path)
    backup, batch_ids = None, []
    checked = None
    try:
        if path.exists():
            # read and check everything first, against the file as it is, without the write lock
            identity = _identity(path)
            before = (len(report.problems), len(report.warnings))
            con = db.reader(path) if dry_run else _read_only(path)
            try:
                checked = check_sources(sources, con, report, allow_demo=allow_demo, db_label=label)
            finally:
                con.close()
            if not dry_run and checked.ok:
                wait = limits.lock_wait_seconds()
                with store.draft(path, "import", wait=wait, waiting=say_waiting) as draft:
                    if _identity(path) != identity:  # another import wrote meanwhile: check again
                        del report.problems[before[0] :]
                        del report.warnings[before[1] :]
                        report.cells = report.chars = report.rows = 0
                        report.unlisted = report.unlisted_warnings = 0
                        checked = check_sources(
                            sources, draft.con, report, allow_demo=allow_demo, db_label=label
                        )
                    if checked.ok:
                        try:
                            batch_ids = apply(draft.con, checked, account, path)
                            backup = draft.publish()
                        except (duckdb.Error, store.WriteError) as error:
                            batch_ids = []
                            report.add(None, "imp_write_failed", source=label, detail=_first_line(error))
    except store.LockTimeout as timeout:
        report.add(None, "imp_lock_timeout", source=label, seconds=f"{timeout.seconds:g}")
    except duckdb.Error as error:  # not a database file, or one this program cannot open
        report.add(None, "imp_database_error", source=label, path=label, detail=_first_line(error))
    except OSError as error:  # a full disk (or another system failure) while copying or swapping
        code = text.N_("imp_disk_full") if error.errno == errno.ENOSPC else text.N_("imp_write_failed")
        report.add(None, code, source=label, detail=_first_line(error))
    if checked is None:
        if dry_run and not path.exists():
            report.add(None, "imp_checked_without_database", source=label, warning=True, path=label)
        elif not path.exists():
            report.add(None, "imp_no_database", source=label, path=label)
        checked = check_sources(sources, None, report, db_label=label)
    problems = sorted(report.problems, key=lambda p: p.order)
    if not dry_run:  # ---- the audit trail (issue 7): who imported what, and how it ended ----
        from cellboard import auth

        files = [source.name for source in sources]
        details = {"files": files, "ok": not problems, "batches": batch_ids, "db": label}
        if problems:
            details["problems"] = sorted({problem.code for problem in problems})
        auth.audit(account, "import", details)
    return ImportResult(
        ok=not problems,
        dry_run=dry_run,
        db_path=path,
        sources=[source.name for source in sources],
        problems=problems,
        warnings=report.warnings,
        rows=checked.rows,
        rows_by_source=checked.rows_by_source,
        batch_ids=batch_ids,
        backup=backup,
        seconds=time.perf_counter() - started,
        unlisted=report.unlisted,
        unlisted_warnings=report.unlisted_warnings,
    )


def _identity(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The database opened read-only for checking an import before it takes the write lock."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach $path as cellboard (read_only)", {"path": str(path)})
        con.execute("use cellboard")
        con.execute("set enable_external_access = false")
    except BaseException:
        con.close()
        raise
    return con


def say_waiting(seconds: float | None) -> None:
    """Said once when another import holds the write lock (stderr: the CLI's, or the Data page's worker)."""
    shown = f"{seconds:g}" if seconds is not None else "∞"
    print(" / ".join(text.pair("imp_lock_waiting", seconds=shown)), file=sys.stderr, flush=True)


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:300]


def apply(con: duckdb.DuckDBPyConnection, checked: Checked, account: str | None, original: Path) -> list[str]:
    """Write checked rows in one transaction: replace by key, record the batch, update the derived
    tables, check nothing got broken (against the original file when the copy is not sound)."""
    con.execute("begin")
    try:
        store.apply_rows(con, checked.tables)
        imported_at = dt.datetime.now()
        batch_ids = []
        for source in checked.sources:
            batch_id = f"{imported_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
            con.execute(
                store.schema_sections()["record_import_batch"],
                {
                    "batch_id": batch_id,
                    "file_name": source.name,
                    "sha256": source.sha256,
                    "imported_at": imported_at,
                    "rows_per_table": json.dumps(checked.rows_by_source.get(source.name, {})),
                    "account": account,
                },
            )
            batch_ids.append(batch_id)
        if checked.source_meta in (None, "empty"):
            store.set_meta(con, "source", "imported")
        broken = store.check_integrity(con)
        if broken:
            # the file may have held these before; only what this import made worse stops it
            reader = db.reader(original)
            try:
                before = store.check_integrity(reader)
            finally:
                reader.close()
            worse = {name: count for name, count in broken.items() if count > before.get(name, 0)}
            if worse:
                raise store.WriteError(f"the checks after writing failed: {worse}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return batch_ids


# ---- templates ---------------------------------------------------------------------------------------

TEMPLATE_NAME = "mau-nhap-lieu"
KIND_HELP = {
    "id": text.N_("imp_kind_help_id"),
    "text": text.N_("imp_kind_help_text"),
    "date": text.N_("imp_kind_help_date"),
    "int": text.N_("imp_kind_help_int"),
    "enum": text.N_("imp_kind_help_enum"),
    "category": text.N_("imp_kind_help_category"),
}
GUIDE_NOTES = (
    text.N_("imp_guide_note_1"),
    text.N_("imp_guide_note_2"),
    text.N_("imp_guide_note_3"),
    text.N_("imp_guide_note_4"),
    text.N_("imp_guide_note_5"),
    text.N_("imp_guide_note_6"),
    text.N_("imp_guide_note_7"),
    text.N_("imp_guide_note_8"),
)


def default_categories() -> list[tuple[str, str, str, int]]:
    return _lookup(None, "import_known_categories")


def allowed_values(column: Column) -> list[tuple[str, str]]:
    """(shown name, code) of a column's fixed values."""
    if column.kind == "enum":
        return [(vi, code) for code, (vi, _, _) in ENUMS[column.enum].items()]
    if column.kind == "category":
        return [(vi, code) for code, vi, _, _ in default_categories()]
    return []


def template_workbook() -> bytes:
    """The import template: a guide sheet, one sheet per table with Vietnamese headers and drop-downs."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    bold = Font(bold=True)
    guide.append(["MẪU NHẬP SỐ LIỆU SINH HOẠT CHI BỘ / CELL ACTIVITY IMPORT TEMPLATE"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    for vi, en in map(text.pair, GUIDE_NOTES):
        guide.append([f"• {vi}", None, None, None, None, None, None, en])
    guide.append([])
    heads = [
        "Trang tính",
        "Sheet",
        "Cột",
        "Column",
        "Bắt buộc / required",
        "Kiểu, định dạng",
        "Giá trị được phép / allowed values",
        "Giải thích",
        "Explanation",
    ]
    guide.append(heads)
    for cell in guide[guide.max_row]:
        cell.font = bold
    for sheet in SHEETS:
        for column in sheet.columns:
            allowed = "; ".join(f"{vi} ({code})" for vi, code in allowed_values(column))
            need = "khóa / key" if column.key else "có / yes" if column.required else ""
            if column.kind == "int" and column.low == 0:
                kind = "Số nguyên ≥ 0 / a whole number ≥ 0"
            else:
                kind = " / ".join(text.pair(KIND_HELP[column.kind]))
            guide.append(
                [
                    sheet.vi,
                    sheet.name,
                    column.vi,
                    column.name,
                    need,
                    kind,
                    allowed,
                    column.help_vi,
                    column.help_en,
                ]
            )
    for letter, width in zip("ABCDEFGHI", (22, 18, 24, 22, 14, 34, 60, 60, 60), strict=True):
        guide.column_dimensions[letter].width = width

    lists = book.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    domains = [
        (
            "category",
            "Lĩnh vực",
            [vi for vi, _ in allowed_values(SHEET_BY_TABLE["opinion"].column("category"))],
        )
    ]
    domains += [(domain, domain, [vi for vi, _, _ in values.values()]) for domain, values in ENUMS.items()]
    for index, (domain, title, values) in enumerate(domains, start=1):
        letter = get_column_letter(index)
        lists.cell(1, index, title).font = bold
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        list_ranges[domain] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 30

    key_font = Font(bold=True, color="C00000")
    required_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        worksheet = book.create_sheet(sheet.vi)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(1, index, column.vi)
            cell.font = key_font if column.key else required_font if column.required else Font()
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.comment = Comment(f"{column.name}: {column.help_vi} / {column.help_en}", "cellboard")
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = max(14, len(column.vi) + 4)
            if column.kind == "id":
                worksheet.column_dimensions[letter].number_format = "@"
            elif column.kind == "date":
                worksheet.column_dimensions[letter].number_format = "DD/MM/YYYY"
            domain = (
                column.enum if column.kind == "enum" else "category" if column.kind == "category" else None
            )
            if domain:
                check = DataValidation(
                    type="list",
                    formula1=list_ranges[domain],  # a formula in the file format: no leading =
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle="Giá trị ngoài danh sách / not in the list",
                    error="Chọn một giá trị trong danh sách / pick a value from the list",
                )
                check.add(f"{letter}2:{letter}5000")
                worksheet.add_data_validation(check)
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csvs() -> dict[str, bytes]:
    """One header-only CSV per sheet (Vietnamese headers, UTF-8 with BOM, ; as Vietnamese Excel uses)."""
    files = {}
    for sheet in SHEETS:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([c.vi for c in sheet.columns])
        files[f"{sheet.name}.csv"] = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return files


def template_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in template_csvs().items():
            archive.writestr(f"{TEMPLATE_NAME}-csv/{name}", content)
    return buffer.getvalue()


def write_templates(folder: Path) -> list[Path]:
    folder = Path(folder)
    (folder / f"{TEMPLATE_NAME}-csv").mkdir(parents=True, exist_ok=True)
    written = [folder / f"{TEMPLATE_NAME}.xlsx"]
    written[0].write_bytes(template_workbook())
    for name, content in template_csvs().items():
        path = folder / f"{TEMPLATE_NAME}-csv" / name
        path.write_bytes(content)
        written.append(path)
    return written


# ---- command line ------------------------------------------------------------------------------------


def cli_account() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cli_import(args: argparse.Namespace) -> int:
    result = import_files(args.files, db.db_path(args.db), dry_run=args.dry_run, account=cli_account())
    print("\n".join(result.report_lines()))
    return 0 if result.ok else 1


def cli_templates(args: argparse.Namespace) -> int:
    written = write_templates(Path(args.dir))
    print(
        f"Đã ghi mẫu nhập liệu / templates written: {written[0]} (+ {len(written) - 1} CSV: {written[1].parent})"
    )
    return 0


# ---- the Data page's worker: an import in its own process --------------------------------------------
# The page writes the uploads to a private folder and runs `python -m cellboard.importer FOLDER`;
# reading and checking (CPU, memory) then never stall the server that answers the other users,
# and the process ends with its memory. Progress lines go to stderr; the result is pickled.

WORKER_FILES = "files"
WORKER_NAMES = "names.json"
WORKER_RESULT = "result.pickle"


def write_worker_folder(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """The uploads as the worker reads them (numbered files: a name from a browser is never a path)."""
    (folder / WORKER_FILES).mkdir(mode=0o700)
    for index, (_, content) in enumerate(files):
        (folder / WORKER_FILES / str(index)).write_bytes(content)
    (folder / WORKER_NAMES).write_text(json.dumps([name for name, _ in files]), encoding="utf-8")


def worker_command(folder: Path, db_path: Path, dry_run: bool, account: str | None) -> list[str]:
    command = [sys.executable, "-m", "cellboard.importer", str(folder), "--db", str(db_path)]
    if dry_run:
        command.append("--dry-run")
    if account:
        command += ["--account", account]
    return command


@dataclass
class WorkerFailure:
    """The worker ended without a result (killed, out of memory): its exit code and last words."""

    code: int
    detail: str


def run_in_worker(
    files: Sequence[tuple[str, bytes]],
    db_path: Path,
    *,
    dry_run: bool,
    account: str | None = None,
    progress=None,
    poll: float = 0.25,
) -> ImportResult | WorkerFailure:
    """import_uploads in a process of its own; `progress(seconds, last line)` is called while it runs.
    Leaving early (an exception from `progress`: the page rerun or left) kills it: nothing is
    half-written (store.draft)."""
    import pickle
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cellboard-import-") as name:  # 0700
        folder = Path(name)
        write_worker_folder(folder, files)
        log = folder / "progress.log"
        with log.open("wb") as stderr:
            # the package found wherever the server was started from; relative paths as the server has them
            package_root = str(Path(__file__).resolve().parent.parent)
            path_now = os.environ.get("PYTHONPATH")
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, path_now]))}
            worker = subprocess.Popen(
                worker_command(folder, Path(db_path), dry_run, account),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            started = time.monotonic()
            try:
                while worker.poll() is None:
                    time.sleep(poll)
                    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
                    if progress is not None and lines:
                        progress(time.monotonic() - started, lines[-1])
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        result = folder / WORKER_RESULT
        if not result.exists():
            last = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
            return WorkerFailure(worker.returncode, " ".join(last))
        return pickle.loads(result.read_bytes())  # written by our own worker, in our own folder


def worker_main(argv: Sequence[str] | None = None) -> int:
    import pickle

    parser = argparse.ArgumentParser(prog="python -m cellboard.importer")
    parser.add_argument("folder")
    parser.add_argument("--db", required=True)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--account")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    names = json.loads((folder / WORKER_NAMES).read_text(encoding="utf-8"))
    files = [(name, (folder / WORKER_FILES / str(i)).read_bytes()) for i, name in enumerate(names)]
    set_progress(lambda message: print(message, file=sys.stderr, flush=True))
    result = import_uploads(files, args.db, dry_run=args.dry_run, account=args.account)
    result.process = os.getpid()
    partial = folder / (WORKER_RESULT + ".part")
    partial.write_bytes(pickle.dumps(result))
    partial.replace(folder / WORKER_RESULT)
    return 0 if result.ok else 1


if __name__ == "__main__":
    from cellboard import importer as _importer  # the classes pickled as cellboard.importer's, not __main__'s

    sys.exit(_importer.worker_main())
