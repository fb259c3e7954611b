"""Labels in Vietnamese and English, number and date formats, accent folding.

Vietnamese is the default language; pages read labels through `t(key)`.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.numbers import format_decimal

LANGUAGES = ("vi", "en")
_language = "vi"


def set_language(language: str) -> None:
    global _language
    _language = language if language in LANGUAGES else "vi"


def language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    """The label for `key` in the current language, with `{name}` values filled in."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    text = entry[0] if _language == "vi" else entry[1]
    return text.format(**values) if values else text


# ---- numbers and dates -------------------------------------------------------

_LOCALE = {"vi": "vi_VN", "en": "en_US"}


def _half_up(value: float, places: int) -> Decimal:
    # Babel rounds half-even; DOMAIN.md wants half up, once, at display.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def fmt_pct(fraction: float | None, places: int = 1) -> str:
    """A fraction as a percentage: 58/156 -> '37,2%' (Vietnamese) or '37.2%'."""
    if is_missing(fraction):
        return "–"
    value = _half_up(float(fraction) * 100, places)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, pattern, locale=_LOCALE[_language], decimal_quantization=False) + "%"


def fmt_int(value: float | None) -> str:
    """A count with thousands grouped: 1234 -> '1.234' (Vietnamese) or '1,234'."""
    if is_missing(value):
        return "–"
    return format_decimal(int(round(float(value))), "#,##0", locale=_LOCALE[_language])


def fmt_signed_int(value: float | None) -> str:
    """A change in a count, signed: '+28', '-3', '0'."""
    if is_missing(value):
        return "–"
    return ("+" if value > 0 else "") + fmt_int(value)


def fmt_num(value: float | None, places: int = 1) -> str:
    if is_missing(value):
        return "–"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(_half_up(float(value), places), pattern, locale=_LOCALE[_language])


def fmt_points(delta: float | None) -> str:
    """A change between two fractions in percentage points, signed: '+1,5 đ.p.'."""
    if is_missing(delta):
        return "–"
    rounded = _half_up(float(delta) * 100, 1)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    # "-0,0" would show a falling arrow for no change: the sign comes from the rounded value
    return sign + fmt_num(abs(float(rounded)), 1) + (" đ.p." if _language == "vi" else " pp")


def fmt_date(value: dt.date | None) -> str:
    if is_missing(value):
        return "–"
    return value.strftime("%d/%m/%Y")


def fmt_month(value: dt.date) -> str:
    return value.strftime("%m/%Y")


# ---- accent folding ----------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, accents stripped, đ -> d: 'Đường Tam Đảo' -> 'duong tam dao'.

    The same folding as `replace(strip_accents(lower(s)), 'đ', 'd')` in DuckDB.
    """
    lowered = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# ---- the label catalogue: key -> (Vietnamese, English) ------------------------

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Sinh hoạt chi bộ", "Cell activity"),
    "language": ("Ngôn ngữ", "Language"),
    # pages
    "page_overview": ("Tổng quan", "Overview"),
    "page_participation": ("Sinh hoạt & tham dự", "Participation"),
    "page_opinions": ("Ý kiến, kiến nghị", "Opinions"),
    "page_rankings": ("Xếp hạng chi bộ", "Cell rankings"),
    "page_supervision": ("Dự sinh hoạt của cấp ủy", "Supervision"),
    "page_review": ("Sơ kết, tổng kết", "Review"),
    "page_data": ("Dữ liệu", "Data"),
    "page_accounts": ("Tài khoản", "Accounts"),
    # filter bar
    "period": ("Kỳ", "Period"),
    "preset": ("Chọn nhanh", "Preset"),
    "preset_this_month": ("Tháng này", "This month"),
    "preset_last_month": ("Tháng trước", "Last month"),
    "preset_last_6_months": ("6 tháng gần nhất", "Last 6 months"),
    "preset_first_half": ("6 tháng đầu năm", "First half"),
    "preset_second_half": ("6 tháng cuối năm", "Second half"),
    "preset_year": ("Cả năm", "Year"),
    "preset_custom": ("Tùy chọn", "Custom"),
    "year": ("Năm", "Year"),
    "from": ("Từ ngày", "From"),
    "to": ("Đến ngày", "To"),
    "unit": ("Đơn vị", "Unit"),
    "whole_tree": ("Toàn bộ", "Everything"),
    "unit_unknown": (
        "Không tìm thấy đơn vị «{unit}»; đang hiển thị toàn bộ.",
        "Unit «{unit}» was not found; showing everything.",
    ),
    "bad_date": (
        "Ngày «{value}» trong đường dẫn không hợp lệ; dùng kỳ mặc định.",
        "The date «{value}» in the link is not valid; using the default period.",
    ),
    "period_reversed": (
        "Ngày bắt đầu sau ngày kết thúc; đã đổi chỗ hai ngày.",
        "The start is after the end; the two dates were swapped.",
    ),
    "period_label": ("Kỳ: {start} – {end}", "Period: {start} – {end}"),
    # banners and errors
    "demo_banner": (
        "Đây là dữ liệu MẪU (demo), không phải số liệu thật của cấp ủy nào.",
        "This is DEMO data, not the real figures of any committee.",
    ),
    "no_database": (
        "Chưa có cơ sở dữ liệu tại {path}. Tạo dữ liệu mẫu bằng lệnh: `{command}` "
        "hoặc cơ sở dữ liệu trống: `python -m cellboard init`.",
        "There is no database at {path}. Build a demo with: `{command}` "
        "or an empty one with: `python -m cellboard init`.",
    ),
    "no_data": ("Không có số liệu trong kỳ này.", "No data in this period."),
    # figures
    "attendance_rate": ("Tỷ lệ đảng viên dự sinh hoạt", "Attendance rate"),
    "attendance_rate_help": (
        "Số đảng viên có mặt ÷ (số đảng viên phải dự − số được miễn sinh hoạt), cộng dồn mọi buổi "
        "sinh hoạt trong kỳ. Vắng có lý do và không lý do đều tính là vắng.",
        "Members present ÷ (members expected − exempt), pooled over every meeting in the period. "
        "Absent with or without reason both count as absent.",
    ),
    "meetings": ("Số buổi sinh hoạt", "Meetings held"),
    "meetings_help": (
        "Số buổi sinh hoạt chi bộ (thường kỳ, chuyên đề, bất thường) đã ghi nhận trong kỳ.",
        "Cell meetings (regular, thematic, extraordinary) recorded in the period.",
    ),
    "regularity": ("Tỷ lệ sinh hoạt đều đặn", "Regularity"),
    "regularity_help": (
        "Số tháng chi bộ có họp (thường kỳ hoặc chuyên đề) ÷ số tháng trong kỳ mà chi bộ tồn tại "
        "(vào ngày 15 của tháng), cộng dồn các chi bộ.",
        "Months in which the cell met (regular or thematic) ÷ months of the period in which the cell "
        "existed (on the 15th), pooled over cells.",
    ),
    "thematic_coverage": ("Tỷ lệ sinh hoạt chuyên đề", "Thematic coverage"),
    "thematic_coverage_help": (
        "Số quý có ít nhất một buổi sinh hoạt chuyên đề ÷ số quý vừa thuộc kỳ vừa trong thời gian "
        "chi bộ tồn tại, cộng dồn các chi bộ.",
        "Quarters with at least one thematic meeting ÷ quarters overlapping both the period and the "
        "cell's life, pooled over cells.",
    ),
    "opinions_raised": ("Ý kiến, kiến nghị", "Opinions raised"),
    "opinions_raised_help": (
        "Số ý kiến phản ánh và kiến nghị của bí thư chi bộ nêu ra trong kỳ.",
        "Reflections and recommendations raised by cell secretaries in the period.",
    ),
    "answered_on_time": ("Trả lời đúng hạn", "Answered on time"),
    "answered_on_time_help": (
        "Số ý kiến được trả lời trước hoặc tại buổi giao ban kế tiếp (nếu không có, trong 30 ngày) "
        "÷ số ý kiến nêu ra trong kỳ đã đến hạn hoặc đã được trả lời (ý kiến chưa đến hạn không tính).",
        "Opinions answered on or before the next briefing (where none is known, within 30 days) ÷ "
        "opinions raised in the period that are answered or already due (those not yet due are left out).",
    ),
    "excellent_share": ("Chi bộ hoàn thành xuất sắc", "Cells rated excellent"),
    "excellent_share_help": (
        "Số chi bộ xếp loại «Hoàn thành xuất sắc nhiệm vụ» ÷ số chi bộ được xếp loại, trong năm gần "
        "nhất đã xếp loại của kỳ (nếu năm của kỳ chưa xếp loại: năm trước đó).",
        "Cells rated excellent ÷ cells rated, in the latest rated year the period touches (if none is "
        "rated yet: the year before).",
    ),
    "vs_previous": ("so với kỳ trước", "vs previous period"),
    "vs_year_earlier": ("so với cùng kỳ năm trước", "vs same period a year earlier"),
    "delta_caption": (
        "Kỳ trước ({prev}): {prev_value} · Cùng kỳ năm trước ({year}): {year_value}",
        "Previous period ({prev}): {prev_value} · A year earlier ({year}): {year_value}",
    ),
    "rating_year": ("Xếp loại năm {year}", "Rated in {year}"),
    "headline": ("Chỉ số chính", "Headline figures"),
    "trend_title": ("Tỷ lệ dự sinh hoạt theo tháng", "Monthly attendance rate"),
    "target": ("Chỉ tiêu", "Target"),
    "worse_title": ("Nơi cần chú ý", "Where things got worse"),
    "worse_help": (
        "Xã/phường và chi bộ có tỷ lệ dự sinh hoạt dưới chỉ tiêu {target} trong kỳ, hoặc tỷ lệ trả lời "
        "ý kiến đúng hạn dưới chỉ tiêu {answer_target}.",
        "Communes and cells whose attendance rate fell below the {target} target in the period, or whose "
        "on-time answers fell below {answer_target}.",
    ),
    "communes_below": ("Xã/phường dưới chỉ tiêu", "Communes below target"),
    "cells_below": ("Chi bộ dưới chỉ tiêu", "Cells below target"),
    "nothing_below": ("Không có đơn vị nào dưới chỉ tiêu.", "Nothing fell below target."),
    "show_table": ("Xem bảng số liệu", "Show the table"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download XLSX"),
    "selected_unit": ("Đơn vị: {name}", "Unit: {name}"),
    # columns
    "col_month": ("Tháng", "Month"),
    "col_meetings": ("Số buổi", "Meetings"),
    "col_expected": ("Phải dự", "Expected"),
    "col_exempt": ("Miễn SH", "Exempt"),
    "col_present": ("Có mặt", "Present"),
    "col_excused": ("Vắng có lý do", "Excused"),
    "col_absent": ("Vắng không lý do", "Absent"),
    "col_attendance_rate": ("Tỷ lệ dự", "Attendance rate"),
    "col_commune": ("Xã/phường", "Commune"),
    "col_cell": ("Chi bộ", "Cell"),
    "col_regularity": ("Đều đặn", "Regularity"),
    "col_thematic_coverage": ("Chuyên đề", "Thematic coverage"),
    "col_answered_on_time": ("Đúng hạn", "On time"),
    "col_opinions": ("Ý kiến", "Opinions"),
    "col_previous": ("Kỳ trước", "Previous"),
    # ---- participation and rankings pages (issue 4) ----
    # ---- opinions and supervision pages (issue 5) ----
    # ---- review report (issue 6) ----
    # ---- import and data page (issue 3) ----
    # ---- accounts and login (issue 7) ----
}
