"""Labels in Vietnamese and English, number and date formats, accent folding.

Vietnamese is the default language; pages read labels through `t(key)`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.numbers import format_decimal

LANGUAGES = ("vi", "en")
# The app sets each run's language for its thread alone: the server renders each session's run in a
# thread of its own, so one user's English must not reach another user's page rendered at the same
# moment (a module-wide setting did). Other threads (the command line's, a test's) follow the latest
# choice made anywhere.
_session = threading.local()
_latest = "vi"


def set_language(language: str) -> None:
    """The language from now on, for every thread that has not chosen its own."""
    global _latest
    _latest = language if language in LANGUAGES else "vi"


def set_run_language(language: str) -> None:
    """The language of what this thread renders: the app calls it first on every run of a session."""
    _session.language = language if language in LANGUAGES else "vi"
    set_language(_session.language)


def language() -> str:
    return getattr(_session, "language", _latest)


def t(key: str, **values: object) -> str:
    """The label for `key` in the current language, with `{name}` values filled in."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    text = entry[0] if language() == "vi" else entry[1]
    return text.format(**values) if values else text


def both(key: str, **values: object) -> str:
    """The label in Vietnamese, then English, a line each: what the command line prints."""
    return "\n".join(entry.format(**values) for entry in LABELS[key])


# ---- numbers and dates -------------------------------------------------------

_LOCALE = {"vi": "vi_VN", "en": "en_US"}


def _half_up(value: float, places: int) -> Decimal:
    # Babel rounds half-even; docs/DOMAIN.md wants half up, once, at display.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_missing(value: object) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def fmt_pct(fraction: float | None, places: int = 1) -> str:
    """A fraction as a percentage: 58/156 -> '37,2%' (Vietnamese) or '37.2%'."""
    if is_missing(fraction):
        return "–"
    value = _half_up(float(fraction) * 100, places)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, pattern, locale=_LOCALE[language()], decimal_quantization=False) + "%"


def fmt_int(value: float | None) -> str:
    """A count with thousands grouped: 1234 -> '1.234' (Vietnamese) or '1,234'."""
    if is_missing(value):
        return "–"
    return format_decimal(int(round(float(value))), "#,##0", locale=_LOCALE[language()])


def fmt_signed_int(value: float | None) -> str:
    """A change in a count, signed: '+28', '-3', '0'."""
    if is_missing(value):
        return "–"
    return ("+" if value > 0 else "") + fmt_int(value)


def fmt_num(value: float | None, places: int = 1) -> str:
    if is_missing(value):
        return "–"
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(_half_up(float(value), places), pattern, locale=_LOCALE[language()])


def fmt_points(delta: float | None) -> str:
    """A change between two fractions in percentage points, signed: '+1,5 đ.p.'."""
    if is_missing(delta):
        return "–"
    rounded = _half_up(float(delta) * 100, 1)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    # "-0,0" would show a falling arrow for no change: the sign comes from the rounded value
    return sign + fmt_num(abs(float(rounded)), 1) + (" đ.p." if language() == "vi" else " pp")


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


# ---- values shown inside markdown ----------------------------------------------

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# where GitHub-flavoured Markdown makes a link of bare text: "http://", "www.", "name@host"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=[wW]{3})(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def escape_markdown(value: object) -> str:
    """`value` (a name, a URL parameter, anything from the data or a form) as literal text inside
    Streamlit's markdown (st.markdown, st.caption, st.error, titles, help, widget labels).

    Every ASCII punctuation mark is backslash-escaped, so no emphasis, link, image, code, LaTeX ($),
    colour or icon directive (:red[...], :material/...:), emoji shortcode or HTML tag (<b>, &lt;)
    is made from it; an invisible word joiner breaks the bare-URL and e-mail links GitHub-flavoured
    Markdown would make of "http://...", "www." and "a@b.c"; line breaks become spaces, so no heading,
    list or quote starts inside it. Escape the value, never the label around it (labels may hold
    intended **bold**). Plotly text is HTML, not markdown: charts escape with html.escape."""
    plain = " ".join(str(value).splitlines())
    plain = _AUTOLINK.sub(WORD_JOINER, plain)
    return _ASCII_PUNCTUATION.sub(r"\\\1", plain)


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
    "disk_full": (
        "Hết chỗ trên đĩa ({detail}): không có gì được ghi dở, dữ liệu cũ vẫn nguyên. "
        "Giải phóng chỗ trống (xóa bớt bản sao lưu cũ, tệp tạm) rồi làm lại.",
        "The disk is full ({detail}): nothing was half-written and the data is as it was. "
        "Free some space (old backups, temporary files) and try again.",
    ),
    "bad_database": (
        "Không đọc được cơ sở dữ liệu tại {path}: tệp bị hỏng, không trọn vẹn, không phải của chương "
        "trình này hoặc không có quyền đọc ({detail}). Khôi phục bản sao lưu gần nhất: "
        "`python -m cellboard backups list --db {path}` rồi `python -m cellboard backups restore TÊN --db {path}`; "
        "hoặc tạo mới: `python -m cellboard init --force --db {path}` (trống) hay `{command}` (dữ liệu mẫu).",
        "The database at {path} cannot be read: the file is damaged, incomplete, another program's or "
        "not readable ({detail}). Restore the latest backup: `python -m cellboard backups list --db {path}`, "
        "then `python -m cellboard backups restore NAME --db {path}`; or start again: "
        "`python -m cellboard init --force --db {path}` (empty) or `{command}` (a demo).",
    ),
    "old_schema": (
        "Cơ sở dữ liệu tại {path} có phiên bản cấu trúc {found}, chương trình cần {wanted}. "
        "Dựng lại dữ liệu mẫu bằng lệnh: `{command}`, hoặc nhập lại số liệu vào cơ sở dữ liệu mới "
        "(`python -m cellboard init`).",
        "The database at {path} has schema version {found}; this program needs {wanted}. "
        "Rebuild the demo with: `{command}`, or import the data again into a new database "
        "(`python -m cellboard init`).",
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
        "(vào ngày 15 của tháng), cộng dồn các chi bộ. Chỉ tính các tháng đã kết thúc.",
        "Months in which the cell met (regular or thematic) ÷ months of the period in which the cell "
        "existed (on the 15th), pooled over cells. Only months that are over count.",
    ),
    "thematic_coverage": ("Tỷ lệ sinh hoạt chuyên đề", "Thematic coverage"),
    "thematic_coverage_help": (
        "Số quý có ít nhất một buổi sinh hoạt chuyên đề ÷ số quý vừa thuộc kỳ vừa trong thời gian "
        "chi bộ tồn tại, cộng dồn các chi bộ. Chỉ tính các quý đã kết thúc.",
        "Quarters with at least one thematic meeting ÷ quarters overlapping both the period and the "
        "cell's life, pooled over cells. Only quarters that are over count.",
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
    # headers of the tables and chart tables (cellboard/ui.py HEADERS) not named elsewhere
    "col_held_on": ("Ngày họp", "Held on"),
    "col_kind": ("Loại buổi", "Kind"),
    "col_months_met": ("Tháng có sinh hoạt", "Months with a meeting"),
    "col_months_existed": ("Tháng hoạt động", "Months existed"),
    "col_quarters_thematic": ("Quý có chuyên đề", "Quarters with a thematic meeting"),
    "col_quarters_existed": ("Quý hoạt động", "Quarters existed"),
    "col_members_away": ("Đảng viên đi làm ăn xa", "Members working away"),
    "col_away_share": ("Tỷ lệ đi làm ăn xa", "Share working away"),
    "col_answered_on_time_count": ("Trả lời đúng hạn", "Answered on time"),
    "col_answered_late": ("Trả lời trễ hạn", "Answered late"),
    "col_open": ("Chưa đến hạn", "Not yet due"),
    "col_overdue": ("Quá hạn chưa trả lời", "Overdue"),
    "col_ranked_cells": ("Chi bộ được xếp hạng", "Cells ranked"),
    "col_not_enough_data": ("Chi bộ chưa đủ số liệu", "Cells without enough data"),
    "col_top_cell": ("Chi bộ cao nhất", "Top cell"),
    "col_top_score": ("Điểm cao nhất", "Top score"),
    "col_bottom_cell": ("Chi bộ thấp nhất", "Bottom cell"),
    "col_bottom_score": ("Điểm thấp nhất", "Bottom score"),
    "col_is_ranked": ("Được xếp hạng", "Ranked"),
    "col_w_attendance": ("Trọng số tỷ lệ dự", "Weight: attendance"),
    "col_w_regularity": ("Trọng số đều đặn", "Weight: regularity"),
    "col_w_thematic": ("Trọng số chuyên đề", "Weight: thematic"),
    "col_w_visits": ("Trọng số cấp ủy dự", "Weight: visits"),
    "col_grade": ("Mức xếp loại", "Grade"),
    "col_short": ("Chưa đúng quy định", "Short of the rule"),
    "col_compliant": ("Đúng quy định", "Met the rule"),
    "col_thematic_meetings": ("Buổi chuyên đề", "Thematic meetings"),
    "col_valid_from": ("Thành lập từ", "Formed on"),
    "col_valid_to": ("Hoạt động đến", "Existed until"),
    "col_relation": ("Quan hệ", "Relation"),
    "col_longest_run": ("Số tháng liên tiếp dưới mục tiêu", "Months in a row below target"),
    "table_yes": ("Có", "Yes"),
    "table_no": ("Không", "No"),
    "table_page": ("Trang", "Page"),
    "table_rows_shown": (
        "Dòng {first}–{last} trong {total}; tải về để có đủ bảng.",
        "Rows {first}–{last} of {total}; download for the whole table.",
    ),
    # ---- participation and rankings pages (issue 4) ----
    "choose": ("— chọn —", "— choose —"),
    "drill_commune": ("Xã/phường xem chi tiết", "Commune in detail"),
    "drill_cell": ("Chi bộ xem chi tiết", "Cell in detail"),
    "drill_help": (
        "Bấm vào một cột của biểu đồ hoặc chọn ở đây; lựa chọn được lưu trong đường dẫn để gửi cho người khác.",
        "Click a bar of the chart or choose here; the choice is kept in the link so you can send it.",
    ),
    "drill_not_here": (
        "«{value}» trong đường dẫn không thuộc đơn vị và kỳ đang xem; đã bỏ chọn.",
        "«{value}» in the link is not part of the unit and period shown; it was cleared.",
    ),
    "click_hint": ("Bấm vào một cột để xem chi tiết.", "Click a bar to see its detail."),
    "communes_compared": ("So sánh các xã/phường", "Communes compared"),
    "communes_compared_help": (
        "Tỷ lệ dự sinh hoạt của mỗi xã/phường trong kỳ: số có mặt ÷ (số phải dự − số miễn), cộng dồn mọi "
        "buổi sinh hoạt của các chi bộ. Xếp từ thấp đến cao; đường đứt nét là chỉ tiêu. Bấm vào một cột "
        "để xem các chi bộ.",
        "Each commune's attendance rate in the period: present ÷ (expected − exempt), pooled over all its "
        "cells' meetings. Lowest first; the dashed line is the target. Click a bar to see its cells.",
    ),
    "cells_of": ("Các chi bộ của {name}", "Cells of {name}"),
    "cells_of_help": (
        "Tỷ lệ dự sinh hoạt của từng chi bộ trong kỳ (cộng dồn các buổi). Chi bộ không họp trong kỳ không "
        "có cột. Bấm vào một cột để xem các buổi sinh hoạt của chi bộ.",
        "Each cell's attendance rate in the period (pooled over its meetings). A cell that did not meet has "
        "no bar. Click a bar to see the cell's meetings.",
    ),
    "meetings_of": ("Các buổi sinh hoạt của {name}", "Meetings of {name}"),
    "meetings_of_help": (
        "Mỗi cột là một buổi sinh hoạt: số có mặt ÷ (số phải dự − số miễn). Cột gạch chéo là buổi của "
        "chi bộ cũ đã sáp nhập vào chi bộ này.",
        "Each bar is one meeting: present ÷ (expected − exempt). Hatched bars are meetings of cells that "
        "merged into this one.",
    ),
    "no_meetings": ("Không có buổi sinh hoạt nào trong kỳ.", "No meetings in the period."),
    "heatmap_title": ("Tỷ lệ dự sinh hoạt theo xã/phường và tháng", "Attendance rate by commune and month"),
    "heatmap_help": (
        "Mỗi ô: tỷ lệ dự sinh hoạt của xã/phường trong tháng, cộng dồn các buổi của các chi bộ (kể cả chi "
        "bộ đã sáp nhập, nên số liệu liền mạch qua sáp nhập). Ô trống: không có buổi họp. Thang màu "
        "chung cho mọi tỷ lệ: đỏ thấp, xanh cao.",
        "Each square: the commune's attendance rate in the month, pooled over its cells' meetings (merged "
        "cells included, so figures run on across a merge). Blank: no meeting. One colour scale for "
        "every rate: red low, green high.",
    ),
    "regularity_title": (
        "Sinh hoạt đều đặn và chuyên đề theo xã/phường",
        "Regularity and thematic coverage by commune",
    ),
    "regularity_by_commune_help": (
        "Đều đặn: số tháng các chi bộ có họp ÷ số tháng các chi bộ tồn tại trong kỳ. Chuyên đề: số quý có "
        "ít nhất một buổi chuyên đề ÷ số quý vừa thuộc kỳ vừa trong thời gian chi bộ tồn tại. Cộng dồn "
        "các chi bộ của xã/phường.",
        "Regularity: months in which the cells met ÷ months they existed in the period. Thematic: "
        "quarters with at least one thematic meeting ÷ quarters overlapping the period and the cell's "
        "life. Pooled over the commune's cells.",
    ),
    "absence_title": ("Lý do vắng mặt và đảng viên đi làm ăn xa", "Absence reasons and members working away"),
    "absence_help": (
        "Bên trái: số lượt vắng (có lý do và không lý do) trong kỳ theo lý do ghi ở danh sách điểm danh; "
        "chi bộ chỉ báo số lượng thì tính vào «Không rõ lý do». Bên phải: số đảng viên có tên trong danh "
        "sách chi bộ vào ngày cuối kỳ đang đi làm ăn xa (và tỷ lệ trên tổng số đảng viên).",
        "Left: absences (excused or not) in the period by the reason on the roll call; cells that report "
        "counts only fall under «no reason given». Right: members on the roll on the period's last day "
        "who work away (and their share of all members).",
    ),
    "absences_by_reason": ("Lượt vắng theo lý do", "Absences by reason"),
    "members_away": ("Đảng viên đi làm ăn xa", "Members working away"),
    "reason_away": ("Đi làm ăn xa", "Working away"),
    "reason_illness": ("Ốm đau", "Illness"),
    "reason_work": ("Bận công tác", "Work"),
    "reason_other_reason": ("Lý do khác", "Other"),
    "reason_not_given": ("Không rõ lý do", "No reason given"),
    "chronic_title": ("Đảng viên thường xuyên vắng", "Chronic absentees"),
    "chronic_help": (
        "Đảng viên vắng (có lý do hoặc không lý do) từ 3 trong 6 buổi sinh hoạt gần nhất của mình trong kỳ "
        "trở lên; buổi được miễn không tính. Chỉ có ở chi bộ điểm danh theo tên.",
        "Members absent (excused or not) from at least 3 of their last 6 meetings in the period; meetings "
        "they were exempt from do not count. Only cells that take the roll by name.",
    ),
    "chronic_count": (
        "{count} đảng viên vắng từ 3 trong 6 buổi gần nhất trở lên.",
        "{count} members missed at least 3 of their last 6 meetings.",
    ),
    "chronic_none": (
        "Không có đảng viên nào vắng từ 3 trong 6 buổi gần nhất.",
        "No member missed 3 or more of their last 6 meetings.",
    ),
    "names_hidden": (
        "Tài khoản này không được xem họ tên đảng viên; chỉ hiện số lượng theo chi bộ.",
        "This account may not see members' names; counts by cell only.",
    ),
    "list_capped": (
        "Hiển thị {shown} trong {total} dòng; tải về để có đủ danh sách.",
        "Showing {shown} of {total} rows; download for the full list.",
    ),
    "kind_regular": ("Thường kỳ", "Regular"),
    "kind_thematic": ("Chuyên đề", "Thematic"),
    "kind_extraordinary": ("Bất thường", "Extraordinary"),
    "status_active": ("Đang sinh hoạt", "Active"),
    "status_exempt": ("Miễn sinh hoạt", "Exempt"),
    "status_away": ("Đi làm ăn xa", "Working away"),
    "col_full_name": ("Họ và tên", "Name"),
    "col_meetings_counted": ("Số buổi xét", "Meetings counted"),
    "col_absences": ("Số buổi vắng", "Absences"),
    "col_last_absence": ("Vắng gần nhất", "Last absence"),
    "col_status": ("Tình trạng", "Status"),
    "col_members": ("Số đảng viên", "Members"),
    "col_absentees": ("Số đảng viên thường xuyên vắng", "Chronic absentees"),
    "col_score": ("Điểm", "Score"),
    "col_rank": ("Hạng", "Rank"),
    "col_reason": ("Lý do cần giúp đỡ", "Why"),
    "visit_coverage": ("Được cấp ủy dự sinh hoạt", "Visits received"),
    "col_visit_coverage": ("Cấp ủy dự", "Visits"),
    "visit_coverage_help": (
        "Số tháng có cấp ủy viên cấp trên dự sinh hoạt ÷ số tháng chi bộ tồn tại trong kỳ.",
        "Months in which a committee member attended a meeting ÷ months the cell existed in the period.",
    ),
    "score": ("Điểm tổng hợp", "Score"),
    "score_help": (
        "Điểm = trung bình có trọng số của bốn thành phần (mỗi thành phần từ 0 đến 100%): {parts}. "
        "Trọng số được chia cho tổng của chúng; thành phần không có số liệu tính là 0. Chi bộ có dưới "
        "{minimum} buổi sinh hoạt trong kỳ không được xếp hạng.",
        "Score = the weighted mean of four components (each 0 to 100%): {parts}. Weights are divided by "
        "their sum; a component without data counts 0. Cells with fewer than {minimum} meetings in the "
        "period are not ranked.",
    ),
    "score_formula": ("Điểm = {parts}", "Score = {parts}"),
    "weights": ("Trọng số các thành phần của điểm", "Weights of the score's components"),
    "weights_caption": (
        "Trọng số đang dùng được lưu trong đường dẫn. Mặc định: {defaults}.",
        "The weights in use are kept in the link. Defaults: {defaults}.",
    ),
    "reset_weights": ("Khôi phục trọng số mặc định", "Reset to the default weights"),
    "weights_all_zero": (
        "Các trọng số đều bằng 0; đang dùng trọng số mặc định.",
        "All weights are 0; using the default weights.",
    ),
    "bad_weight": (
        "Trọng số «{value}» trong đường dẫn không hợp lệ (cần một số từ 0 đến 1); dùng mặc định.",
        "The weight «{value}» in the link is not valid (a number from 0 to 1 is needed); using the default.",
    ),
    "ranking_title": ("Xếp hạng các chi bộ của {name}", "Cells of {name} ranked"),
    "ranking_commune": ("Xã/phường để xếp hạng", "Commune to rank"),
    "not_enough_data": ("Chưa đủ số liệu", "Not enough data"),
    "not_enough_data_cell": ("Chưa đủ số liệu ({meetings} buổi)", "Not enough data ({meetings} meetings)"),
    "top_bottom_title": (
        "Chi bộ điểm cao nhất và thấp nhất mỗi xã/phường",
        "Top and bottom cell per commune",
    ),
    "top_bottom_help": (
        "Với mỗi xã/phường: chi bộ có điểm cao nhất và thấp nhất trong số chi bộ được xếp hạng (ít nhất "
        "{minimum} buổi sinh hoạt trong kỳ). Bấm vào một xã/phường để xem bảng xếp hạng của nó.",
        "For each commune: the highest and lowest scoring of its ranked cells (at least {minimum} meetings "
        "in the period). Click a commune to see its ranking.",
    ),
    "top": ("Cao nhất", "Top"),
    "bottom": ("Thấp nhất", "Bottom"),
    "needs_help_title": ("Chi bộ cần giúp đỡ", "Cells that need help"),
    "needs_help_help": (
        "Chi bộ có tỷ lệ dự sinh hoạt dưới chỉ tiêu {target} từ 3 tháng liên tiếp trở lên trong kỳ, hoặc "
        "thuộc nhóm 10% chi bộ có điểm thấp nhất trong số chi bộ được xếp hạng của đơn vị đang xem.",
        "Cells whose attendance rate was below the {target} target for 3 months running or more in the "
        "period, or that are in the bottom tenth by score among the ranked cells of the unit shown.",
    ),
    "needs_help_run": ("Dưới chỉ tiêu {months} tháng liên tiếp", "Below target {months} months running"),
    "needs_help_decile": ("Thuộc 10% điểm thấp nhất", "Bottom tenth by score"),
    "needs_help_none": (
        "Không có chi bộ nào cần giúp đỡ theo tiêu chí này.",
        "No cell needs help by these criteria.",
    ),
    "ratings_title": ("Xếp loại chi bộ theo xã/phường và năm", "Cell ratings by commune and year"),
    "ratings_help": (
        "Tỷ lệ chi bộ ở mỗi mức xếp loại trên số chi bộ được xếp loại của xã/phường trong năm. Xếp loại "
        "là hằng năm: biểu đồ gồm các năm của kỳ và năm trước đó ({years}).",
        "Share of the commune's rated cells in each grade, per year. Ratings are annual: the chart covers "
        "the period's years and the year before ({years}).",
    ),
    "no_ratings": ("Chưa có xếp loại chi bộ cho các năm {years}.", "No cell ratings for {years} yet."),
    "grade_excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent"),
    "grade_good": ("Hoàn thành tốt nhiệm vụ", "Good"),
    "grade_complete": ("Hoàn thành nhiệm vụ", "Complete"),
    "grade_incomplete": ("Không hoàn thành nhiệm vụ", "Incomplete"),
    "history_title": ("Lịch sử của {name} qua sáp nhập", "History of {name} across merges"),
    "history_help": (
        "Tỷ lệ dự sinh hoạt theo tháng của chi bộ, của các chi bộ đã sáp nhập vào nó (chi bộ tiền thân) "
        "hoặc chi bộ nó sáp nhập vào, và của cả xã/phường (liền mạch qua sáp nhập).",
        "Monthly attendance rate of the cell, of the cells merged into it (predecessors) or the cell it "
        "merged into, and of its whole commune (continuous across the merge).",
    ),
    "history_pick": ("Chi bộ xem lịch sử", "Cell whose history to show"),
    "relation_predecessor": ("tiền thân", "predecessor"),
    "relation_cell": ("chi bộ đang xem", "this cell"),
    "relation_successor": ("sáp nhập vào", "merged into"),
    "commune_line": ("Cả {name}", "All of {name}"),
    "lineage_caption": ("{cell} được lập từ: {predecessors}.", "{cell} was formed from: {predecessors}."),
    "merged_caption": (
        "{cell} đã sáp nhập vào {successor} từ {date}.",
        "{cell} merged into {successor} on {date}.",
    ),
    # ---- opinions and supervision pages (issue 5) ----
    "op_this_period": ("Kỳ này", "This period"),
    "op_previous": ("Kỳ trước", "Previous period"),
    "op_year_earlier": ("Cùng kỳ năm trước", "A year earlier"),
    "op_figures_caption": (
        "Kỳ trước: {prev} · Cùng kỳ năm trước: {year}",
        "Previous period: {prev} · A year earlier: {year}",
    ),
    "op_overdue": ("Quá hạn chưa trả lời", "Overdue"),
    "op_overdue_help": (
        "Số ý kiến nêu trong kỳ chưa được trả lời mà đã quá hạn (hạn là buổi giao ban kế tiếp của địa "
        "bàn; nếu không có, 30 ngày sau khi nêu), tính đến hôm nay.",
        "Opinions raised in the period, still unanswered, whose due date (the area's next briefing; "
        "where none is known, 30 days after raising) has passed, as of today.",
    ),
    "op_answered_late": ("Trả lời trễ hạn", "Answered late"),
    "op_answered_late_help": (
        "Số ý kiến nêu trong kỳ được trả lời sau hạn (hạn là buổi giao ban kế tiếp của địa bàn; nếu không "
        "có, 30 ngày sau khi nêu).",
        "Opinions raised in the period answered after their due date (the area's next briefing; where "
        "none is known, 30 days after raising).",
    ),
    "op_col_median_days": ("Số ngày trả lời (trung vị)", "Days to answer (median)"),
    "op_shares_title": (
        "Ý kiến theo lĩnh vực, so với kỳ trước và cùng kỳ năm trước",
        "Opinions by category, against the previous period and a year earlier",
    ),
    "op_shares_help": (
        "Số ý kiến, kiến nghị nêu trong kỳ theo lĩnh vực; tỷ lệ = số ý kiến của lĩnh vực ÷ tổng số ý kiến "
        "trong kỳ. So sánh với kỳ trước liền kề cùng độ dài ({prev}) và cùng kỳ năm trước ({year}). Bấm "
        "vào một cột để lọc danh sách ý kiến bên dưới theo lĩnh vực đó.",
        "Opinions raised in the period by category; share = the category's opinions ÷ all opinions in the "
        "period. Compared with the previous period of the same length ({prev}) and the same period a year "
        "earlier ({year}). Click a bar to filter the list below to that category.",
    ),
    "op_treemap_title": ("Ý kiến theo xã/phường và lĩnh vực", "Opinions by commune and category"),
    "op_treemap_help": (
        "Diện tích mỗi ô tỷ lệ với số ý kiến nêu trong kỳ. Bấm vào một xã/phường để lọc danh sách theo "
        "xã/phường đó, vào một lĩnh vực bên trong để lọc theo cả hai.",
        "Each area is proportional to the opinions raised in the period. Click a commune to filter the "
        "list to it, a category inside it to filter by both.",
    ),
    "op_trend_title": ("Ý kiến theo tháng và lĩnh vực", "Opinions by month and category"),
    "op_trend_help": (
        "Số ý kiến, kiến nghị nêu mỗi tháng trong kỳ, theo lĩnh vực (tháng không có ý kiến là 0).",
        "Opinions raised each month of the period, by category (months without any are 0).",
    ),
    "op_direction_up": ("▲ tăng", "▲ up"),
    "op_direction_down": ("▼ giảm", "▼ down"),
    "op_direction_same": ("= không đổi", "= same"),
    "op_col_category": ("Lĩnh vực", "Category"),
    "op_col_share": ("Tỷ lệ", "Share"),
    "op_col_opinions_prev": ("Kỳ trước", "Previous"),
    "op_col_share_prev": ("Tỷ lệ kỳ trước", "Previous share"),
    "op_col_change_prev": ("Tăng/giảm so với kỳ trước", "Change vs previous"),
    "op_col_direction_prev": ("Xu hướng so với kỳ trước", "Direction vs previous"),
    "op_col_opinions_year": ("Cùng kỳ năm trước", "A year earlier"),
    "op_col_share_year": ("Tỷ lệ cùng kỳ", "Share a year earlier"),
    "op_col_change_year": ("Tăng/giảm so với cùng kỳ", "Change vs a year earlier"),
    "op_col_direction_year": ("Xu hướng so với cùng kỳ", "Direction vs a year earlier"),
    "op_list_title": ("Danh sách ý kiến, kiến nghị", "The opinions"),
    "op_list_help": (
        "Các ý kiến nêu trong kỳ, mới nhất trước, theo các bộ lọc đã chọn. Tìm kiếm không phân biệt dấu, "
        "chữ hoa và chữ đ («nao vet» tìm được «nạo vét»). Chọn một dòng để xem đầy đủ.",
        "Opinions raised in the period, newest first, as filtered. The search ignores accents, case and "
        "đ («nao vet» finds «nạo vét»). Pick a row to see it in full.",
    ),
    "op_search": ("Tìm trong nội dung", "Search the text"),
    "op_search_help": (
        "Gõ có dấu hoặc không dấu; tìm cụm từ nằm trong nội dung ý kiến.",
        "Type with or without accents; finds the words anywhere in the opinion's text.",
    ),
    "op_filter_category": ("Lĩnh vực", "Category"),
    "op_filter_commune": ("Xã/phường", "Commune"),
    "op_filter_kind": ("Loại", "Kind"),
    "op_filter_channel": ("Hình thức", "Channel"),
    "op_filter_status": ("Tình trạng trả lời", "Answer status"),
    "op_filter_department": ("Cơ quan trả lời", "Department"),
    "op_clear_filters": ("Bỏ mọi bộ lọc", "Clear all filters"),
    "op_kind_reflection": ("Phản ánh", "Reflection"),
    "op_kind_recommendation": ("Kiến nghị, đề xuất", "Recommendation"),
    "op_channel_meeting": ("Tại hội nghị", "At the meeting"),
    "op_channel_written": ("Bằng văn bản", "In writing"),
    "op_status_answered_on_time": ("Trả lời đúng hạn", "Answered on time"),
    "op_status_answered_late": ("Trả lời trễ hạn", "Answered late"),
    "op_status_open": ("Chưa đến hạn", "Open, not yet due"),
    "op_status_overdue": ("Quá hạn chưa trả lời", "Overdue"),
    "op_not_assigned": ("(chưa giao)", "(not assigned)"),
    "op_matches": ("{count} ý kiến phù hợp", "{count} matching opinions"),
    "op_page": ("Trang", "Page"),
    "op_page_of": ("Trang {page}/{pages}", "Page {page} of {pages}"),
    "op_no_match": ("Không có ý kiến nào phù hợp với bộ lọc.", "No opinion matches the filters."),
    "op_download_all": (
        "Tải về toàn bộ {count} ý kiến phù hợp (mọi trang).",
        "Download all {count} matching opinions (every page).",
    ),
    "op_detail_title": ("Chi tiết ý kiến", "The opinion in detail"),
    "op_detail_missing": (
        "Ý kiến được chọn không có trong đơn vị và kỳ đang xem.",
        "The opinion chosen is not in the unit and period shown.",
    ),
    "op_close_detail": ("Đóng", "Close"),
    "op_no_answer": ("(chưa có trả lời)", "(no answer yet)"),
    "op_col_opinion_id": ("Mã", "Id"),
    "op_col_field": ("Thông tin", "Field"),
    "op_col_value": ("Giá trị", "Value"),
    "op_col_raised_on": ("Ngày nêu", "Raised on"),
    "op_col_raised_by": ("Nơi nêu", "Raised by"),
    "op_col_due_on": ("Hạn trả lời", "Due on"),
    "op_col_answered_on": ("Ngày trả lời", "Answered on"),
    "op_col_assigned_to": ("Cơ quan trả lời", "Department"),
    "op_col_text": ("Nội dung", "Text"),
    "op_col_answer": ("Nội dung trả lời", "Answer"),
    "op_col_status": ("Tình trạng", "Status"),
    "op_col_kind": ("Loại", "Kind"),
    "op_col_channel": ("Hình thức", "Channel"),
    "op_col_days_to_answer": ("Số ngày trả lời", "Days to answer"),
    "op_col_days_overdue": ("Số ngày quá hạn", "Days overdue"),
    "op_col_answered": ("Đã trả lời", "Answered"),
    "op_col_on_time_rate": ("Tỷ lệ đúng hạn", "On time"),
    "op_response_title": ("Theo dõi trả lời ý kiến", "Answer tracking"),
    "op_response_help": (
        "Các ý kiến nêu trong kỳ. Hạn trả lời là buổi giao ban kế tiếp của địa bàn (đơn vị nêu hoặc cấp "
        "trên gần nhất có giao ban); nếu không có, 30 ngày sau khi nêu. Đúng hạn: trả lời trước hoặc đúng "
        "ngày hạn; trễ hạn: sau ngày hạn; chưa đến hạn: chưa trả lời, chưa tới hạn; quá hạn: chưa trả lời "
        "và đã qua hạn (tính đến hôm nay). Tỷ lệ đúng hạn = số trả lời đúng hạn ÷ số ý kiến đã được trả lời "
        "hoặc đã đến hạn; trung vị: số ngày từ khi nêu đến khi trả lời.",
        "Opinions raised in the period. Due: the area's next briefing (the raising unit's, or its nearest "
        "ancestor's that holds briefings); where none is known, 30 days after raising. On time: answered "
        "on or before the due date; late: after it; open: unanswered, not yet due; overdue: unanswered "
        "and past due (as of today). On-time share = answered on time ÷ opinions answered or already "
        "due; median: days from raising to answer.",
    ),
    "op_by_category": ("Theo lĩnh vực", "By category"),
    "op_bar_note": ("đúng hạn {rate} · trung vị {days} ngày", "on time {rate} · median {days} days"),
    "op_by_department": ("Theo cơ quan trả lời", "By department"),
    "op_oldest_overdue": ("Ý kiến quá hạn lâu nhất", "Longest overdue"),
    "op_oldest_overdue_help": (
        "Ý kiến nêu trong kỳ chưa được trả lời, quá hạn lâu nhất trước (tối đa {limit} ý kiến).",
        "Unanswered opinions raised in the period, the longest past due first (at most {limit}).",
    ),
    "op_nothing_overdue": ("Không có ý kiến nào quá hạn.", "Nothing is overdue."),
    "op_recurring_title": ("Vấn đề được nêu lặp lại", "Matters raised again and again"),
    "op_recurring_help": (
        "Cách tìm: tách nội dung mỗi ý kiến thành các cặp từ liền nhau (bỏ dấu, bỏ các từ thông dụng như "
        "«đề nghị», «của», «ở», «thôn», và bỏ tên địa danh); trong mỗi xã/phường và lĩnh vực, mỗi ý kiến "
        "được xếp theo cặp từ có nhiều ý kiến cùng chứa nhất. Một vấn đề được coi là lặp lại khi từ 2 ý "
        "kiến trở lên, của từ 2 chi bộ trở lên hoặc trong từ 2 tháng trở lên, có ít nhất một lần nêu "
        "trong kỳ. «Từ khóa chung»: các cặp từ mọi ý kiến của vấn đề đều có.",
        "The method: each opinion's text is cut into pairs of neighbouring words (accents folded; common "
        "words such as «đề nghị», «của», «ở», «thôn», and place names left out); within each commune and "
        "category, each opinion is filed under the pair held by the most opinions. A matter recurs when "
        "2 or more opinions, from 2 or more cells or in 2 or more months, are filed under it and at least "
        "one was raised in the period. «Shared words»: the pairs every opinion of the matter holds.",
    ),
    "op_recurring_since": ("Đếm các lần nêu từ", "Count raisings since"),
    "op_since_window": ("Đầu kỳ", "The start of the period"),
    "op_since_year": ("12 tháng trước kỳ", "12 months before the period"),
    "op_since_all": ("Toàn bộ dữ liệu", "All the data"),
    "op_raised_times": ("Nêu {count} lần từ {since}", "Raised {count} times since {since}"),
    "op_no_recurring": ("Không thấy vấn đề nào được nêu lặp lại.", "No matter was raised again."),
    "op_col_recurring": ("Số lần nêu", "Times raised"),
    "op_col_first_raised": ("Lần nêu đầu tiên", "First raised"),
    "op_col_shared_words": ("Từ khóa chung", "Shared words"),
    "op_col_cells": ("Số chi bộ nêu", "Cells"),
    "op_col_months": ("Số tháng", "Months"),
    "op_col_last_raised": ("Lần nêu gần nhất", "Last raised"),
    "op_col_unanswered": ("Chưa trả lời", "Unanswered"),
    "op_col_example": ("Ý kiến gần nhất", "Latest opinion"),
    "sv_rule": (
        "Quy định: cấp ủy viên mỗi cấp dự ít nhất một buổi sinh hoạt chi bộ trong mỗi khoảng: {rule}. Các "
        "tháng của kỳ được chia thành các khoảng liên tiếp từ tháng đầu kỳ.",
        "The rule: each committee member attends at least one cell meeting in every interval: {rule}. The "
        "period's months are cut into consecutive intervals from its first month.",
    ),
    "sv_rule_part": ("{level} {months} tháng", "{level} {months} months"),
    "sv_level_province": ("Cấp tỉnh", "Province"),
    "sv_level_district": ("Cấp huyện", "District"),
    "sv_level_commune": ("Cấp xã", "Commune"),
    "sv_members": ("Cấp ủy viên theo dõi", "Committee members"),
    "sv_members_help": (
        "Cấp ủy viên được phân công địa bàn thuộc đơn vị đang xem và đương nhiệm trong kỳ.",
        "Committee members assigned to an area within the unit shown and in office during the period.",
    ),
    "sv_compliant": ("Đạt quy định dự sinh hoạt", "Met the visits rule"),
    "sv_compliant_help": (
        "Số cấp ủy viên có ít nhất một lần dự sinh hoạt chi bộ trong mỗi khoảng của kỳ (6 tháng với cấp "
        "tỉnh, 3 tháng với cấp huyện, 1 tháng với cấp xã) ÷ số cấp ủy viên theo dõi.",
        "Committee members with at least one cell meeting attended in every interval of the period (6 "
        "months for province members, 3 for district, 1 for commune) ÷ committee members.",
    ),
    "sv_compliant_yes": ("Đạt", "Compliant"),
    "sv_compliant_no": ("Chưa đạt", "Short"),
    "sv_not_visited": ("Chi bộ chưa được dự", "Cells not visited"),
    "sv_not_visited_help": (
        "Số chi bộ tồn tại trong kỳ mà không có cấp ủy viên cấp nào dự buổi sinh hoạt nào trong kỳ.",
        "Cells existing in the period at none of whose meetings in the period any committee member was "
        "present.",
    ),
    "sv_coverage": ("Tỷ lệ chi bộ được dự", "Cells visited"),
    "sv_coverage_help": (
        "Số chi bộ có ít nhất một buổi sinh hoạt trong kỳ được cấp ủy viên dự ÷ số chi bộ tồn tại trong kỳ.",
        "Cells with at least one meeting in the period attended by a committee member ÷ cells existing in "
        "the period.",
    ),
    "sv_by_level_title": (
        "Cấp ủy viên đạt quy định, theo cấp",
        "Committee members meeting the rule, by level",
    ),
    "sv_members_title": ("Dự sinh hoạt của từng cấp ủy viên", "Visits by each committee member"),
    "sv_members_table_help": (
        "Số lần phải dự = số khoảng của kỳ theo cấp; số khoảng có dự = số khoảng có ít nhất một lần dự; "
        "đạt khi mọi khoảng đều có dự.",
        "Required = the period's intervals for the member's level; intervals visited = those with at least "
        "one visit; compliant when every interval has one.",
    ),
    "sv_filter_level": ("Cấp", "Level"),
    "sv_only_short": ("Chỉ người chưa đạt", "Only those short of the rule"),
    "sv_no_members": (
        "Không có cấp ủy viên nào được phân công trong đơn vị này.",
        "No committee member is assigned within this unit.",
    ),
    "sv_coverage_title": ("Chi bộ được cấp ủy dự sinh hoạt, theo xã/phường", "Cells visited, by commune"),
    "sv_coverage_table_help": (
        "Với mỗi xã/phường: số chi bộ tồn tại trong kỳ, số chi bộ có họp, số chi bộ được cấp ủy viên dự "
        "ít nhất một buổi và tỷ lệ; thấp nhất trước.",
        "For each commune: cells existing in the period, cells that met, cells at least one of whose "
        "meetings a committee member attended, and the share; lowest first.",
    ),
    "sv_not_visited_title": (
        "Chi bộ chưa được cấp ủy viên nào dự sinh hoạt trong kỳ",
        "Cells no committee member visited in the period",
    ),
    "sv_all_visited": (
        "Mọi chi bộ đều đã được dự sinh hoạt trong kỳ.",
        "Every cell was visited in the period.",
    ),
    "sv_col_level": ("Cấp", "Level"),
    "sv_col_unit": ("Địa bàn phụ trách", "Area assigned"),
    "sv_col_interval": ("Khoảng (tháng)", "Interval (months)"),
    "sv_col_required": ("Số lần phải dự", "Required"),
    "sv_col_visits": ("Số lần đã dự", "Visits"),
    "sv_col_intervals_visited": ("Số khoảng có dự", "Intervals visited"),
    "sv_col_compliant": ("Kết quả", "Result"),
    "sv_col_last_visit": ("Lần dự gần nhất", "Last visit"),
    "sv_col_cells_visited": ("Số chi bộ đã dự", "Cells visited"),
    "sv_col_cells": ("Số chi bộ", "Cells"),
    "sv_col_cells_met": ("Chi bộ có họp", "Cells that met"),
    "sv_col_coverage": ("Tỷ lệ được dự", "Visited"),
    "sv_col_meetings_visited": ("Buổi có cấp ủy dự", "Meetings visited"),
    "sv_col_visitors": ("Số cấp ủy viên đến dự", "Visitors"),
    "sv_col_last_visit_before": ("Lần được dự gần nhất (trước kỳ)", "Last visit (before the period)"),
    "sv_never": ("chưa lần nào", "never"),
    # ---- review report (issue 6) ----
    "rv_page_caption": (
        "Kỳ và đơn vị theo bộ lọc bên trái (6 tháng đầu năm, 6 tháng cuối năm hoặc cả năm cho sơ kết, tổng "
        "kết). Tải báo cáo: bản Word theo thể thức báo cáo của cấp ủy (số liệu, bảng, biểu đồ so với kỳ trước "
        "và cùng kỳ năm trước; phần nhận định để cấp ủy chỉnh sửa) và bảng số liệu Excel (mỗi phần một trang "
        "tính).",
        "The period and unit follow the filter on the left (the first or second half or the whole year for a "
        "review). Download the report: a Word document in the style of a committee's report (figures, tables "
        "and charts against the previous period and a year earlier; a drafted assessment to edit) and the "
        "Excel figures (one sheet per section).",
    ),
    "rv_page_kind": ("Loại báo cáo", "Review"),
    "rv_page_preview": ("Số liệu chính của kỳ báo cáo", "Headline figures of the review period"),
    "rv_page_preview_help": (
        "Các số liệu này được đưa vào mục 1 của báo cáo; cùng định nghĩa với trang Tổng quan.",
        "These figures go into section 1 of the report; the same definitions as the Overview page.",
    ),
    "rv_page_docx": ("Tải báo cáo (Word, DOCX)", "Download the report (Word, DOCX)"),
    "rv_page_xlsx": ("Tải số liệu (Excel, XLSX)", "Download the figures (Excel, XLSX)"),
    "rv_page_docx_help": (
        "Báo cáo theo thể thức văn bản của Đảng; số hiệu, ngày tháng, nơi nhận và chữ ký để trống cho "
        "cấp ủy điền. Có thể mất vài giây để lập.",
        "A report in the Party's document style; number, date, recipients and signature left for you to "
        "fill in. It can take a few seconds to build.",
    ),
    "rv_page_xlsx_help": (
        "Cùng các bảng số liệu như bản Word, mỗi phần một trang tính; số lưu dạng số.",
        "The same tables as the Word report, one sheet per section; numbers stored as numbers.",
    ),
    "rv_page_compare": (
        "So sánh với kỳ trước: {previous}; cùng kỳ năm trước: {year}.",
        "Compared with the previous period: {previous}; a year earlier: {year}.",
    ),
    "rv_report_word": ("BÁO CÁO", "REPORT"),
    "rv_party": ("ĐẢNG CỘNG SẢN VIỆT NAM", "COMMUNIST PARTY OF VIETNAM"),
    "rv_number": ("Số …-BC/…", "No. …-BC/…"),
    "rv_place_date": ("…, ngày … tháng … năm …", "…, day … month … year …"),
    "rv_title_year": (
        "Tổng kết công tác sinh hoạt chi bộ {period}",
        "Annual review of cell activity, {period}",
    ),
    "rv_title_half": (
        "Sơ kết công tác sinh hoạt chi bộ {period}",
        "Six-month review of cell activity, {period}",
    ),
    "rv_title_other": ("Tình hình sinh hoạt chi bộ {period}", "Cell activity {period}"),
    "rv_period_year": ("năm {year}", "the year {year}"),
    "rv_period_first_half": ("6 tháng đầu năm {year}", "the first half of {year}"),
    "rv_period_second_half": ("6 tháng cuối năm {year}", "the second half of {year}"),
    "rv_period_month": ("tháng {month}/{year}", "{month}/{year}"),
    "rv_period_range": ("từ ngày {start} đến ngày {end}", "from {start} to {end}"),
    "rv_period_range_in_text": ("kỳ từ ngày {start} đến ngày {end}", "the period {start} to {end}"),
    "rv_intro": (
        "Thực hiện Chỉ thị số 10-CT/TW ngày 30/3/2007 của Ban Bí thư về nâng cao chất lượng sinh hoạt chi bộ "
        "và Hướng dẫn số 12-HD/BTCTW ngày 18/10/2018 của Ban Tổ chức Trung ương về một số vấn đề cụ thể "
        "nâng cao chất lượng sinh hoạt chi bộ, {organisation} báo cáo kết quả công tác sinh hoạt chi bộ "
        "{period}{dates} như sau:",
        "Under Directive 10-CT/TW (2007) and Guidance 12-HD/BTCTW (2018) on the quality of cell meetings, "
        "{organisation} reports on cell activity in {period}{dates} as follows:",
    ),
    "rv_intro_dates": (" (từ ngày {start} đến ngày {end})", " ({start} to {end})"),
    "rv_part_results": ("I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN", "I. SITUATION AND RESULTS"),
    "rv_part_assessment": ("II. ĐÁNH GIÁ CHUNG", "II. ASSESSMENT"),
    "rv_strengths": ("1. Ưu điểm", "1. Strengths"),
    "rv_weaknesses": ("2. Hạn chế, nguyên nhân", "2. Shortcomings and causes"),
    "rv_part_directions": ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "III. DIRECTIONS FOR THE NEXT PERIOD"),
    "rv_part_notes": ("IV. GHI CHÚ VỀ SỐ LIỆU", "IV. NOTES ON THE DATA"),
    "rv_s1": ("Các chỉ số chính", "Headline figures"),
    "rv_s2": ("Sinh hoạt chi bộ và tỷ lệ đảng viên dự sinh hoạt", "Meetings and attendance"),
    "rv_s3": ("Sinh hoạt định kỳ và sinh hoạt chuyên đề", "Regularity and thematic meetings"),
    "rv_s4": ("Cấp ủy viên cấp trên dự sinh hoạt chi bộ", "Visits by committee members"),
    "rv_s5": (
        "Ý kiến, kiến nghị tại hội nghị giao ban bí thư chi bộ",
        "Opinions raised at secretaries' briefings",
    ),
    "rv_s6": ("Xếp loại và xếp hạng chi bộ", "Cell ratings and rankings"),
    "rv_s7": ("Ghi chú về số liệu", "Notes on the data"),
    "rv_sheet1": ("1. Chỉ số chính", "1. Headline figures"),
    "rv_sheet2": ("2. Sinh hoạt, tham dự", "2. Attendance"),
    "rv_sheet3": ("3. Đều đặn, chuyên đề", "3. Regularity, thematic"),
    "rv_sheet4": ("4. Cấp ủy dự sinh hoạt", "4. Visits"),
    "rv_sheet5": ("5. Ý kiến, kiến nghị", "5. Opinions"),
    "rv_sheet6": ("6. Xếp loại, xếp hạng", "6. Ratings, rankings"),
    "rv_sheet7": ("7. Ghi chú số liệu", "7. Data notes"),
    "rv_xlsx_subtitle": (
        "{organisation} · Kỳ báo cáo: {start} – {end} · Kỳ trước: {previous}",
        "{organisation} · Period: {start} – {end} · Previous period: {previous}",
    ),
    "rv_demo_notice": (
        "Lưu ý: báo cáo được lập từ dữ liệu MẪU (demo), không phải số liệu thật của cấp ủy nào.",
        "Note: this report was built from DEMO data, not the real figures of any committee.",
    ),
    "rv_charts_left_out": (
        "Không vẽ được biểu đồ (máy chủ không khởi động được trình duyệt Chromium để vẽ ảnh: {reason}); "
        "báo cáo chỉ gồm các bảng số liệu.",
        "Charts were left out (the server could not start a Chromium browser to draw them: {reason}); "
        "the report holds the tables only.",
    ),
    "rv_charts_off": (
        "Biểu đồ không được đưa vào báo cáo; báo cáo chỉ gồm các bảng số liệu.",
        "Charts were left out; the report holds the tables only.",
    ),
    "rv_up": ("tăng {amount}", "up {amount}"),
    "rv_down": ("giảm {amount}", "down {amount}"),
    "rv_same": ("không thay đổi", "unchanged"),
    "rv_about_same": ("tương đương", "about the same"),
    "rv_chart_caption": ("Biểu đồ: {title}", "Chart: {title}"),
    "rv_no_comparison": ("chưa có số liệu để so sánh", "nothing to compare with"),
    "rv_points": ("điểm phần trăm", "percentage points"),
    "rv_compared": ("{change} so với {period} ({value})", "{change} on {period} ({value})"),
    "rv_compared_missing": ("chưa có số liệu {period} để so sánh", "no figures for {period} to compare with"),
    "rv_same_period_last_year": ("cùng kỳ năm trước", "the same period a year earlier"),
    "rv_and_more": (" và {count} đơn vị khác", " and {count} more"),
    "rv_total": ("Tổng cộng", "Total"),
    "rv_figure_line": ("{figure}: {value}, {comparison}.", "{figure}: {value}, {comparison}."),
    "rv_table_headline": ("Các chỉ số chính so với kỳ trước", "Headline figures against the previous period"),
    "rv_col_figure": ("Chỉ số", "Figure"),
    "rv_col_this_period": ("Kỳ này", "This period"),
    "rv_col_previous": ("Kỳ trước ({period})", "Previous ({period})"),
    "rv_col_previous_short": ("Kỳ trước", "Previous"),
    "rv_col_year_earlier": ("Cùng kỳ năm trước", "A year earlier"),
    "rv_col_change": ("Tăng/giảm", "Change"),
    "rv_attendance_text": (
        "Trong {period}, các chi bộ đã tổ chức {meetings} buổi sinh hoạt, {meetings_cmp}. Tỷ lệ đảng viên dự "
        "sinh hoạt chi bộ đạt {rate}, {rate_cmp}.",
        "In {period} the cells held {meetings} meetings, {meetings_cmp}. Attendance was {rate}, {rate_cmp}.",
    ),
    "rv_communes_target": (
        "Có {reached}/{communes} đảng bộ xã, phường có tỷ lệ đảng viên dự sinh hoạt đạt chỉ tiêu {target} "
        "trở lên.",
        "{reached} of {communes} communes reached the attendance target of {target}.",
    ),
    "rv_communes_below": (
        "{count} đảng bộ xã, phường dưới chỉ tiêu: {names}.",
        "{count} communes fell below the target: {names}.",
    ),
    "rv_table_communes": (
        "Sinh hoạt chi bộ và tỷ lệ dự sinh hoạt theo xã, phường",
        "Meetings and attendance by commune",
    ),
    "rv_table_trend": ("Sinh hoạt chi bộ theo tháng", "Meetings by month"),
    "rv_col_cells_met": ("Chi bộ có sinh hoạt", "Cells that met"),
    "rv_regularity_text": (
        "Tỷ lệ sinh hoạt đều đặn (số tháng chi bộ có sinh hoạt ÷ số tháng chi bộ hoạt động) đạt {rate}, {cmp}. "
        "Có {full}/{cells} chi bộ duy trì sinh hoạt đủ các tháng; {missing} chi bộ có tháng không sinh hoạt.",
        "Regularity (months with a meeting ÷ months the cell existed) was {rate}, {cmp}. {full} of {cells} "
        "cells met every month; {missing} cells missed at least one month.",
    ),
    "rv_thematic_text": (
        "Tỷ lệ sinh hoạt chuyên đề (số quý có sinh hoạt chuyên đề ÷ số quý chi bộ hoạt động) đạt {rate}, {cmp}; "
        "{short} chi bộ chưa bảo đảm sinh hoạt chuyên đề ít nhất mỗi quý một lần.",
        "Thematic coverage (quarters with a thematic meeting ÷ quarters the cell existed) was {rate}, {cmp}; "
        "{short} cells did not hold a thematic meeting every quarter.",
    ),
    "rv_table_regularity": (
        "Sinh hoạt định kỳ và chuyên đề theo xã, phường",
        "Regularity and thematic meetings by commune",
    ),
    "rv_col_cells": ("Số chi bộ", "Cells"),
    "rv_col_every_month": ("Chi bộ họp đủ các tháng", "Cells meeting every month"),
    "rv_col_months_met": ("Tháng có sinh hoạt", "Months with a meeting"),
    "rv_col_months_existed": ("Tháng hoạt động", "Months existed"),
    "rv_col_quarters_thematic": ("Quý có chuyên đề", "Quarters with a thematic meeting"),
    "rv_col_quarters_existed": ("Quý hoạt động", "Quarters existed"),
    "rv_level_province": ("Tỉnh ủy viên", "Provincial committee members"),
    "rv_level_district": ("Huyện ủy viên", "District committee members"),
    "rv_level_commune": ("Đảng ủy viên xã, phường", "Commune committee members"),
    "rv_rule": ("Ít nhất 1 lần/{months} tháng", "At least once every {months} months"),
    "rv_supervision_text": (
        "Trong kỳ, {members} cấp ủy viên được phân công theo dõi địa bàn đã dự {visits} buổi sinh hoạt chi bộ; "
        "{compliant} đồng chí ({share}) thực hiện đúng quy định về dự sinh hoạt chi bộ.",
        "In the period {members} committee members assigned to an area attended {visits} cell meetings; "
        "{compliant} ({share}) met the rule for their level.",
    ),
    "rv_supervision_none": (
        "Không có cấp ủy viên được phân công theo dõi địa bàn trong kỳ.",
        "No committee member was assigned to an area in the period.",
    ),
    "rv_unvisited_text": (
        "{count}/{cells} chi bộ chưa có cấp ủy viên cấp trên dự sinh hoạt trong kỳ.",
        "{count} of {cells} cells had no visit from a committee member in the period.",
    ),
    "rv_table_levels": ("Cấp ủy viên dự sinh hoạt chi bộ theo cấp", "Visits by committee members, by level"),
    "rv_table_short": ("Cấp ủy viên chưa thực hiện đúng quy định", "Committee members short of the rule"),
    "rv_table_unvisited": ("Chi bộ chưa có cấp ủy viên cấp trên dự sinh hoạt", "Cells nobody visited"),
    "rv_col_level": ("Cấp", "Level"),
    "rv_col_rule": ("Quy định", "Rule"),
    "rv_col_members": ("Số cấp ủy viên", "Members"),
    "rv_col_visits": ("Số buổi đã dự", "Meetings attended"),
    "rv_col_compliant": ("Đúng quy định", "Complying"),
    "rv_col_compliant_share": ("Tỷ lệ đúng quy định", "Share complying"),
    "rv_col_name": ("Họ và tên", "Name"),
    "rv_col_area": ("Địa bàn phụ trách", "Area"),
    "rv_col_required": ("Số lần phải dự", "Visits required"),
    "rv_col_intervals_visited": ("Số đợt đã dự", "Intervals visited"),
    "rv_col_last_visit": ("Lần dự gần nhất", "Last visit"),
    "rv_none_short": (
        "Tất cả cấp ủy viên đều thực hiện đúng quy định.",
        "Every committee member met the rule.",
    ),
    "rv_none_unvisited": ("Không có.", "None."),
    "rv_opinions_text": (
        "Tại các hội nghị giao ban bí thư chi bộ {period}, đã có {total} ý kiến phản ánh, kiến nghị "
        "({reflections} ý kiến phản ánh, {recommendations} kiến nghị, đề xuất), {change} so với {previous} "
        "({previous_total} ý kiến).",
        "At the secretaries' briefings in {period}, {total} opinions were raised ({reflections} reflections, "
        "{recommendations} recommendations), {change} on {previous} ({previous_total}).",
    ),
    "rv_opinions_noun": ("ý kiến", "opinions"),
    "rv_opinions_breakdown": ("Theo lĩnh vực: {breakdown}.", "By category: {breakdown}."),
    "rv_category_count": ("{name} {count} ý kiến ({share})", "{name} {count} ({share})"),
    "rv_response_text": (
        "Tính đến ngày {as_of}, đã trả lời {answered} ý kiến ({answered_share}), trong đó trả lời đúng hạn "
        "{on_time} ý kiến ({on_time_share} số ý kiến đã đến hạn), trễ hạn {late} ý kiến; còn {overdue} ý kiến "
        "quá hạn chưa được trả lời và {open} ý kiến chưa đến hạn.",
        "By {as_of}, {answered} opinions had been answered ({answered_share}), {on_time} on time "
        "({on_time_share} of those due) and {late} late; {overdue} are overdue without an answer and {open} "
        "not yet due.",
    ),
    "rv_departments_overdue": (
        "Cơ quan còn ý kiến quá hạn chưa trả lời: {names}.",
        "Departments with overdue opinions: {names}.",
    ),
    "rv_table_categories": ("Ý kiến, kiến nghị theo lĩnh vực", "Opinions by category"),
    "rv_table_response": ("Kết quả trả lời ý kiến theo lĩnh vực", "Answers by category"),
    "rv_table_departments": ("Kết quả trả lời ý kiến theo cơ quan được giao", "Answers by department"),
    "rv_table_overdue": ("Ý kiến quá hạn chưa được trả lời", "Overdue opinions"),
    "rv_col_category": ("Lĩnh vực", "Category"),
    "rv_col_share": ("Tỷ lệ", "Share"),
    "rv_col_answered": ("Đã trả lời", "Answered"),
    "rv_col_late": ("Trễ hạn", "Late"),
    "rv_col_open": ("Chưa đến hạn", "Not yet due"),
    "rv_col_overdue": ("Quá hạn", "Overdue"),
    "rv_col_on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "rv_col_median_days": ("Số ngày trả lời (trung vị)", "Median days to answer"),
    "rv_col_department": ("Cơ quan được giao", "Department"),
    "rv_col_raised_on": ("Ngày nêu", "Raised on"),
    "rv_col_text": ("Nội dung", "Text"),
    "rv_col_due_on": ("Hạn trả lời", "Due on"),
    "rv_col_days_overdue": ("Số ngày quá hạn", "Days overdue"),
    "rv_unassigned": ("(chưa giao cơ quan)", "(not assigned)"),
    "rv_none_overdue": ("Không có ý kiến quá hạn.", "No opinion is overdue."),
    "rv_chart_categories": ("Ý kiến, kiến nghị theo lĩnh vực", "Opinions by category"),
    "rv_chart_ratings": ("Xếp loại chi bộ theo năm", "Cell ratings by year"),
    "rv_ratings_text": (
        "Năm {year}, có {rated} chi bộ được xếp loại: {excellent} chi bộ hoàn thành xuất sắc nhiệm vụ "
        "({excellent_share}), {good} hoàn thành tốt nhiệm vụ, {complete} hoàn thành nhiệm vụ, {incomplete} "
        "không hoàn thành nhiệm vụ.",
        "In {year}, {rated} cells were rated: {excellent} excellent ({excellent_share}), {good} good, "
        "{complete} complete, {incomplete} incomplete.",
    ),
    "rv_ratings_none": ("Chưa có kết quả xếp loại chi bộ của năm báo cáo.", "No ratings yet for the year."),
    "rv_excellent_cmp": (
        "Tỷ lệ chi bộ hoàn thành xuất sắc nhiệm vụ: {share}, {cmp}.",
        "Cells rated excellent: {share}, {cmp}.",
    ),
    "rv_ranking_text": (
        "Xếp hạng chi bộ trong từng xã, phường theo điểm tổng hợp: {w_attendance} tỷ lệ dự sinh hoạt, "
        "{w_regularity} sinh hoạt đều đặn, {w_thematic} sinh hoạt chuyên đề, {w_visits} được cấp ủy viên cấp "
        "trên dự sinh hoạt. Có {ranked} chi bộ được xếp hạng; {unranked} chi bộ có dưới {minimum} buổi sinh "
        "hoạt trong kỳ nên chưa xếp hạng.",
        "Cells are ranked within their commune by a score of {w_attendance} attendance, {w_regularity} "
        "regularity, {w_thematic} thematic coverage and {w_visits} visits. {ranked} cells were ranked; "
        "{unranked} held fewer than {minimum} meetings and were not.",
    ),
    "rv_best_text": ("Các chi bộ dẫn đầu: {names}.", "Leading cells: {names}."),
    "rv_weakest_text": (
        "Các chi bộ còn yếu, cần quan tâm giúp đỡ: {names}.",
        "Cells that need help: {names}.",
    ),
    "rv_table_ratings": ("Kết quả xếp loại chi bộ", "Cell ratings"),
    "rv_table_best": ("Các chi bộ có điểm cao nhất", "Best cells"),
    "rv_table_weakest": ("Các chi bộ có điểm thấp nhất", "Weakest cells"),
    "rv_share_of": ("Tỷ lệ {grade}", "Share {grade}"),
    "rv_col_rated": ("Số chi bộ được xếp loại", "Cells rated"),
    "rv_col_rank": ("Hạng trong xã", "Rank in commune"),
    "rv_col_score": ("Điểm tổng hợp", "Score"),
    "rv_none_ranked": ("Không có chi bộ đủ điều kiện xếp hạng.", "No cell could be ranked."),
    "rv_strength_general": (
        "Cấp ủy các cấp quan tâm lãnh đạo, chỉ đạo nâng cao chất lượng sinh hoạt chi bộ; nội dung, hình thức "
        "sinh hoạt từng bước được đổi mới.",
        "Committees at every level gave attention to the quality of cell meetings.",
    ),
    "rv_strength_attendance": (
        "Tỷ lệ đảng viên dự sinh hoạt chi bộ đạt {rate}, đạt chỉ tiêu ({target} trở lên).",
        "Attendance reached {rate}, meeting the target of {target}.",
    ),
    "rv_strength_regularity": (
        "Các chi bộ duy trì sinh hoạt định kỳ hằng tháng.",
        "Every cell met every month.",
    ),
    "rv_strength_thematic": (
        "Các chi bộ bảo đảm sinh hoạt chuyên đề ít nhất mỗi quý một lần.",
        "Every cell held a thematic meeting every quarter.",
    ),
    "rv_strength_supervision": (
        "Cấp ủy viên các cấp thực hiện đúng quy định dự sinh hoạt chi bộ.",
        "Every committee member met the visits rule.",
    ),
    "rv_strength_answers": (
        "Ý kiến, kiến nghị của bí thư chi bộ được các cơ quan trả lời kịp thời ({rate} đúng hạn).",
        "Departments answered the secretaries' opinions promptly ({rate} on time).",
    ),
    "rv_strength_excellent": (
        "{share} chi bộ được xếp loại hoàn thành xuất sắc nhiệm vụ.",
        "{share} of cells were rated excellent.",
    ),
    "rv_weak_attendance": (
        "Tỷ lệ đảng viên dự sinh hoạt chi bộ ({rate}) chưa đạt chỉ tiêu {target}.",
        "Attendance ({rate}) fell short of the {target} target.",
    ),
    "rv_weak_attendance_fell": (
        "Tỷ lệ đảng viên dự sinh hoạt {change} so với {period}.",
        "Attendance went {change} on {period}.",
    ),
    "rv_weak_communes": (
        "Còn {count} đảng bộ xã, phường có tỷ lệ đảng viên dự sinh hoạt dưới {target}: {names}.",
        "{count} communes had attendance below {target}: {names}.",
    ),
    "rv_weak_regularity": (
        "Còn {count} chi bộ có tháng không tổ chức sinh hoạt (tỷ lệ sinh hoạt đều đặn {rate}).",
        "{count} cells missed a month's meeting (regularity {rate}).",
    ),
    "rv_weak_thematic": (
        "Còn {count} chi bộ chưa bảo đảm sinh hoạt chuyên đề mỗi quý một lần (tỷ lệ {rate}).",
        "{count} cells did not hold a thematic meeting every quarter (coverage {rate}).",
    ),
    "rv_weak_supervision": (
        "Còn {count}/{members} cấp ủy viên chưa thực hiện đúng quy định về dự sinh hoạt chi bộ.",
        "{count} of {members} committee members fell short of the visits rule.",
    ),
    "rv_weak_answers": (
        "Tỷ lệ ý kiến được trả lời đúng hạn ({rate}) chưa đạt yêu cầu ({target}); có nội dung trả lời còn chậm.",
        "On-time answers ({rate}) fell short of {target}; some answers were late.",
    ),
    "rv_weak_overdue": ("Còn {count} ý kiến quá hạn chưa được trả lời.", "{count} opinions are overdue."),
    "rv_weak_incomplete": (
        "Còn {count} chi bộ không hoàn thành nhiệm vụ.",
        "{count} cells were rated incomplete.",
    ),
    "rv_weak_none": ("Không có hạn chế nổi bật về số liệu.", "The figures show no notable shortcoming."),
    "rv_causes": ("Nguyên nhân: … (cấp ủy bổ sung).", "Causes: … (to be completed by the committee)."),
    "rv_direction_general": (
        "Tiếp tục thực hiện nghiêm Chỉ thị số 10-CT/TW và Hướng dẫn số 12-HD/BTCTW; nâng cao chất lượng sinh "
        "hoạt chi bộ, nhất là sinh hoạt chuyên đề.",
        "Keep to Directive 10-CT/TW and Guidance 12-HD/BTCTW; raise the quality of cell meetings, thematic "
        "ones above all.",
    ),
    "rv_direction_attendance": (
        "Phấn đấu tỷ lệ đảng viên dự sinh hoạt chi bộ đạt {target} trở lên; tập trung chỉ đạo: {names}.",
        "Bring attendance to {target} or more, starting with: {names}.",
    ),
    "rv_direction_regularity": (
        "Bảo đảm 100% chi bộ sinh hoạt định kỳ hằng tháng.",
        "Make every cell meet every month.",
    ),
    "rv_direction_thematic": (
        "Bảo đảm mỗi chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần.",
        "Make every cell hold a thematic meeting every quarter.",
    ),
    "rv_direction_supervision": (
        "Cấp ủy viên các cấp thực hiện nghiêm quy định dự sinh hoạt chi bộ (tỉnh ủy viên 6 tháng, huyện ủy viên "
        "3 tháng, đảng ủy viên xã, phường hằng tháng ít nhất 1 lần).",
        "Committee members keep to the visits rule (provincial every 6 months, district every 3, commune "
        "every month).",
    ),
    "rv_direction_overdue": (
        "Các cơ quan trả lời dứt điểm {count} ý kiến quá hạn trước hội nghị giao ban kỳ tới: {names}.",
        "Departments answer the {count} overdue opinions before the next briefing: {names}.",
    ),
    "rv_direction_weak_cells": (
        "Quan tâm củng cố, giúp đỡ các chi bộ không hoàn thành nhiệm vụ.",
        "Help the cells rated incomplete.",
    ),
    "rv_direction_data": (
        "Cập nhật số liệu sinh hoạt chi bộ đầy đủ, kịp thời hằng tháng.",
        "Report cell meetings fully and on time every month.",
    ),
    "rv_coverage": (
        "Dữ liệu sinh hoạt chi bộ hiện có từ ngày {first} đến ngày {last}.",
        "Meeting records run from {first} to {last}.",
    ),
    "rv_coverage_short": (
        "Kỳ báo cáo kết thúc ngày {end} nhưng số liệu sinh hoạt mới cập nhật đến ngày {last}.",
        "The period ends on {end} but meetings are recorded only up to {last}.",
    ),
    "rv_coverage_previous": (
        "Kỳ so sánh ({period}) chưa có đủ số liệu: dữ liệu sinh hoạt bắt đầu từ ngày {first}.",
        "The comparison period ({period}) is incomplete: meeting records start on {first}.",
    ),
    "rv_coverage_none": ("Chưa có số liệu sinh hoạt chi bộ.", "No meetings are recorded."),
    "rv_months_without": (
        "Các tháng không có số liệu sinh hoạt: {months}.",
        "Months without meetings: {months}.",
    ),
    "rv_as_of": (
        "Tình trạng trả lời ý kiến (đúng hạn, trễ hạn, quá hạn) tính đến ngày {as_of}.",
        "Answer status (on time, late, overdue) as of {as_of}.",
    ),
    "rv_units_without": (
        "Đơn vị không có số liệu sinh hoạt trong kỳ: {communes} xã, phường và {cells} chi bộ (danh sách ở "
        "bảng dưới).",
        "Units without meeting records in the period: {communes} communes and {cells} cells (listed below).",
    ),
    "rv_definition": ("{figure}: {definition}", "{figure}: {definition}"),
    "rv_generated": (
        "Báo cáo được lập tự động từ phần mềm theo dõi sinh hoạt chi bộ ngày {today}; số liệu và nhận định "
        "có thể chỉnh sửa trực tiếp trong văn bản.",
        "Built automatically by the cell-activity dashboard on {today}; figures and text can be edited.",
    ),
    "rv_table_without": (
        "Đơn vị không có số liệu sinh hoạt trong kỳ",
        "Units without meetings in the period",
    ),
    "rv_col_kind": ("Loại", "Kind"),
    "rv_kind_commune": ("Xã, phường", "Commune"),
    "rv_kind_cell": ("Chi bộ", "Cell"),
    "rv_none_without": ("Không có.", "None."),
    "rv_cut": (
        "(Trích {shown}/{total} dòng; danh sách đầy đủ trong bản Excel.)",
        "({shown} of {total} rows; the full list is in the Excel file.)",
    ),
    "rv_recipients": ("Nơi nhận:", "Recipients:"),
    "rv_recipient_line": ("- …,", "- …,"),
    "rv_recipient_archive": ("- Lưu Văn phòng.", "- Archive."),
    "rv_sign_standing": ("T/M BAN THƯỜNG VỤ", "ON BEHALF OF THE STANDING COMMITTEE"),
    "rv_sign_commune": ("T/M ĐẢNG ỦY", "ON BEHALF OF THE COMMITTEE"),
    "rv_sign_cell": ("T/M CHI ỦY", "ON BEHALF OF THE CELL COMMITTEE"),
    "rv_sign_other": ("T/M …", "ON BEHALF OF …"),
    "rv_sign_role": ("…", "…"),
    "rv_sign_name": ("…", "…"),
    "rv_unknown_unit": ("Không có đơn vị «{unit}».", "There is no unit «{unit}»."),
    "rv_bad_format": (
        "Tệp báo cáo phải có đuôi .docx hoặc .xlsx, không phải «{fmt}».",
        "The report file must end in .docx or .xlsx, not «{fmt}».",
    ),
    "rv_bad_date": (
        "«{value}» không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy).",
        "«{value}» is not a date (yyyy-mm-dd or dd/mm/yyyy).",
    ),
    # ---- import and data page (issue 3) ----
    # import report: each reason (detail with values) and its `_group` title for long reports
    "imp_empty_file": ("Tệp rỗng (0 byte)", "The file is empty (0 bytes)"),
    "imp_empty_file_group": ("Tệp rỗng", "Empty file"),
    "imp_missing_file": ("Không tìm thấy tệp hay thư mục «{path}»", "There is no file or folder «{path}»"),
    "imp_missing_file_group": ("Không tìm thấy tệp", "File not found"),
    "imp_unknown_file_type": (
        "Chỉ nhận tệp Excel .xlsx, tệp .csv hoặc thư mục chứa các tệp .csv; «{name}» không phải",
        "Only .xlsx workbooks, .csv files or folders of .csv files are taken; «{name}» is none of these",
    ),
    "imp_unknown_file_type_group": ("Loại tệp không nhận", "File type not taken"),
    "imp_not_xlsx": (
        "Không phải tệp Excel .xlsx hợp lệ ({detail}); hãy mở bằng Excel và lưu lại dạng .xlsx",
        "Not a valid Excel .xlsx workbook ({detail}); open it in Excel and save it as .xlsx",
    ),
    "imp_not_xlsx_group": ("Không phải tệp .xlsx", "Not an .xlsx workbook"),
    "imp_old_xls": (
        "Tệp Excel đời cũ (.xls) hoặc có đặt mật khẩu; hãy bỏ mật khẩu và lưu lại dạng .xlsx",
        "An old-style Excel file (.xls) or a password-protected one; remove the password and save as .xlsx",
    ),
    "imp_old_xls_group": ("Tệp .xls cũ hoặc có mật khẩu", "Old .xls or protected file"),
    "imp_no_csv": ("Thư mục «{name}» không có tệp .csv nào", "The folder «{name}» holds no .csv file"),
    "imp_no_csv_group": ("Thư mục không có .csv", "Folder without .csv"),
    "imp_no_sheets": (
        "Không có trang tính nào mang tên theo mẫu. Trong tệp có: {found}. Tên cần dùng (tiếng Anh "
        "hoặc tiếng Việt): {expected}",
        "No sheet has a name of the import format. The file has: {found}. Names to use (English or "
        "Vietnamese): {expected}",
    ),
    "imp_no_sheets_group": ("Không có trang tính đúng tên", "No sheet with a known name"),
    "imp_no_rows": (
        "Không có dòng số liệu nào (chỉ có tiêu đề hoặc để trống); không có gì để nhập",
        "There are no data rows (headers only, or empty); nothing to import",
    ),
    "imp_no_rows_group": ("Không có số liệu", "No data rows"),
    "imp_encoding": (
        "Không đọc được bảng mã: tệp không phải UTF-8, cũng không phải Windows-1258 tiếng Việt "
        "(ký tự lạ ở dòng {line}). Hãy lưu lại bằng Excel, chọn «CSV UTF-8»",
        "Unreadable encoding: the file is neither UTF-8 nor Vietnamese Windows-1258 (odd character "
        "on line {line}). Save it again from Excel as «CSV UTF-8»",
    ),
    "imp_encoding_group": ("Bảng mã không đọc được", "Unreadable encoding"),
    "imp_demo_database": (
        "Cơ sở dữ liệu {path} đang chứa dữ liệu MẪU (demo); không nhập số liệu thật vào đó. Hãy tạo "
        "cơ sở dữ liệu mới: `python -m cellboard init --db ĐƯỜNG_DẪN` rồi nhập vào cơ sở dữ liệu ấy",
        "The database {path} holds DEMO data; real data is not mixed into it. Make a new one: "
        "`python -m cellboard init --db PATH` and import into that",
    ),
    "imp_demo_database_group": ("Cơ sở dữ liệu mẫu", "Demo database"),
    "imp_disk_full": (
        "Hết chỗ trên đĩa khi ghi ({detail}); không có gì được ghi, dữ liệu cũ vẫn nguyên. "
        "Giải phóng chỗ trống (xóa bớt bản sao lưu cũ, tệp tạm) rồi nhập lại",
        "The disk is full while writing ({detail}); nothing was written and the data is as it "
        "was. Free some space (old backups, temporary files) and import again",
    ),
    "imp_disk_full_group": ("Hết chỗ trên đĩa", "The disk is full"),
    "imp_no_database": (
        "Chưa có cơ sở dữ liệu tại {path}; tạo bằng `python -m cellboard init --db {path}`",
        "There is no database at {path}; make one with `python -m cellboard init --db {path}`",
    ),
    "imp_no_database_group": ("Chưa có cơ sở dữ liệu", "No database"),
    "imp_schema_version": (
        "Cơ sở dữ liệu có phiên bản cấu trúc {found}, chương trình cần {wanted}",
        "The database has schema version {found}; this program needs {wanted}",
    ),
    "imp_schema_version_group": ("Sai phiên bản cấu trúc", "Wrong schema version"),
    "imp_write_failed": (
        "Ghi không thành công ({detail}); cơ sở dữ liệu giữ nguyên như trước",
        "Writing failed ({detail}); the database is as it was",
    ),
    "imp_write_failed_group": ("Ghi không thành công", "Writing failed"),
    "imp_database_error": (
        "Không đọc được cơ sở dữ liệu {path} ({detail}); không có gì được ghi",
        "Could not read the database {path} ({detail}); nothing was written",
    ),
    "imp_database_error_group": ("Không đọc được cơ sở dữ liệu", "Database unreadable"),
    # limits on what an import reads (cellboard/limits.py, issue 17): the whole file is refused
    "imp_unpacked_too_big": (
        "Tệp giải nén ra {size} byte, vượt giới hạn {limit} byte; không đọc tệp này. Hãy chia thành "
        "nhiều tệp nhỏ hơn",
        "The file unpacks to {size} bytes, over the limit of {limit} bytes; it is not read. Split it "
        "into smaller files",
    ),
    "imp_unpacked_too_big_group": ("Tệp quá lớn khi giải nén", "Unpacks too large"),
    "imp_part_too_big": (
        "Phần «{part}» của tệp giải nén ra {size} byte, vượt giới hạn {limit} byte; không đọc tệp này",
        "The part «{part}» of the file unpacks to {size} bytes, over the limit of {limit} bytes; "
        "the file is not read",
    ),
    "imp_part_too_big_group": ("Một phần của tệp quá lớn", "A part of the file too large"),
    "imp_too_many_parts": (
        "Tệp gồm {count} phần, vượt giới hạn {limit}; không phải sổ tính thông thường",
        "The file holds {count} parts, over the limit of {limit}; not an ordinary workbook",
    ),
    "imp_too_many_parts_group": ("Tệp có quá nhiều phần", "Too many parts"),
    "imp_too_many_strings": (
        "Tệp khai báo {count} chuỗi dùng chung, vượt giới hạn {limit}; không đọc tệp này. Hãy mở bằng "
        "Excel, xóa các trang không dùng, lưu lại rồi nhập",
        "The file declares {count} shared strings, over the limit of {limit}; it is not read. Open "
        "it in Excel, delete unused sheets, save it, then import",
    ),
    "imp_too_many_strings_group": ("Quá nhiều chuỗi dùng chung", "Too many shared strings"),
    "imp_too_much_text": (
        "Các chuỗi dùng chung của tệp dài hơn {limit} ký tự cộng lại; không đọc tệp này. Hãy chia "
        "thành nhiều tệp nhỏ hơn",
        "The file's shared strings together exceed {limit} characters; it is not read. Split it "
        "into smaller files",
    ),
    "imp_too_much_text_group": ("Quá nhiều chữ", "Too much text"),
    "imp_too_many_rows": (
        "Trang tính có hơn {limit} dòng (giới hạn của Excel); không đọc tệp này",
        "The sheet has more than {limit} rows (Excel's limit); the file is not read",
    ),
    "imp_too_many_rows_group": ("Quá nhiều dòng", "Too many rows"),
    "imp_too_many_rows_import": (
        "Lần nhập có hơn {limit} dòng số liệu; không đọc tiếp. Hãy chia thành nhiều lần nhập",
        "The import holds more than {limit} data rows; reading stopped. Split it into several imports",
    ),
    "imp_too_many_rows_import_group": ("Quá nhiều dòng", "Too many rows"),
    "imp_too_many_cells": (
        "Lần nhập có hơn {limit} ô có số liệu; không đọc tiếp. Hãy chia thành nhiều lần nhập",
        "The import holds more than {limit} filled cells; reading stopped. Split it into several imports",
    ),
    "imp_too_many_cells_group": ("Quá nhiều ô", "Too many cells"),
    "imp_too_much_cell_text": (
        "Chữ trong các ô của lần nhập dài hơn {limit} ký tự cộng lại; không đọc tiếp. Hãy chia thành "
        "nhiều lần nhập",
        "The cells of this import hold more than {limit} characters of text together; reading "
        "stopped. Split it into several imports",
    ),
    "imp_too_much_cell_text_group": ("Quá nhiều chữ trong các ô", "Too much text in the cells"),
    "imp_unlisted": (
        "… và {count} lỗi nữa, không liệt kê (chỉ giữ {limit} lỗi đầu)",
        "… and {count} more problem(s), not listed (only the first {limit} are kept)",
    ),
    "imp_unlisted_warnings": (
        "… và {count} lưu ý nữa, không liệt kê (chỉ giữ {limit} lưu ý đầu)",
        "… and {count} more warning(s), not listed (only the first {limit} are kept)",
    ),
    "imp_too_many_merged": (
        "Trang tính có hơn {limit} vùng ô gộp; không đọc tệp này",
        "The sheet has more than {limit} merged ranges; the file is not read",
    ),
    "imp_too_many_merged_group": ("Quá nhiều ô gộp", "Too many merged ranges"),
    "imp_csv_too_big": (
        "Tệp CSV dài {size} byte, vượt giới hạn {limit} byte; hãy chia thành nhiều tệp",
        "The CSV file is {size} bytes, over the limit of {limit} bytes; split it into several files",
    ),
    "imp_csv_too_big_group": ("Tệp CSV quá lớn", "CSV file too large"),
    "imp_file_too_big": (
        "Tệp dài {size} byte, vượt giới hạn {limit} byte; không đọc tệp này. Hãy chia thành nhiều tệp",
        "The file is {size} bytes, over the limit of {limit} bytes; it is not read. Split it into "
        "several files",
    ),
    "imp_file_too_big_group": ("Tệp quá lớn", "File too large"),
    "imp_formula_no_value": (
        "Ô chứa công thức chưa có giá trị ({value}) — mở bằng Excel, lưu lại rồi nhập",
        "The cell holds a formula with no saved value ({value}) — open the file in Excel, save "
        "it, then import",
    ),
    "imp_formula_no_value_group": (
        "Ô chứa công thức chưa có giá trị — mở bằng Excel, lưu lại rồi nhập",
        "Formula with no saved value — open in Excel, save, then import",
    ),
    "imp_lock_timeout": (
        "Một lần nhập khác đang ghi vào cơ sở dữ liệu; đã chờ {seconds} giây rồi dừng, không ghi gì. "
        "Hãy nhập lại sau",
        "Another import is writing to the database; waited {seconds} s and stopped, nothing written. "
        "Import again later",
    ),
    "imp_lock_timeout_group": ("Chờ lần nhập khác quá lâu", "Waited too long for another import"),
    "imp_lock_waiting": (
        "Đang chờ một lần nhập khác ghi xong (tối đa {seconds} giây)…",
        "Waiting for another import to finish writing (up to {seconds} s)…",
    ),
    "data_checking": ("Đang kiểm tra tệp…", "Checking the files…"),
    "data_importing": ("Đang nhập…", "Importing…"),
    "data_progress": ("{elapsed} giây — {step}", "{elapsed} s — {step}"),
    "data_worker_failed": (
        "Tiến trình kiểm tra/nhập dừng bất thường (mã {code}); không có gì được ghi. {detail}",
        "The checking/import process stopped unexpectedly (code {code}); nothing was written. {detail}",
    ),
    "imp_no_header": (
        "Không tìm thấy dòng tiêu đề cột (đã xem {rows} dòng đầu); các cột của trang này: {columns}",
        "No header row found (looked at the first {rows} rows); this sheet's columns: {columns}",
    ),
    "imp_no_header_group": ("Không thấy dòng tiêu đề", "No header row"),
    "imp_missing_column": (
        "Thiếu cột bắt buộc «{vi}» ({en})",
        "The required column «{en}» ({vi}) is missing",
    ),
    "imp_missing_column_group": ("Thiếu cột bắt buộc", "Required column missing"),
    "imp_duplicate_column": (
        "Cột «{en}» có hai lần (cột {first} và cột {second})",
        "The column «{en}» appears twice (columns {first} and {second})",
    ),
    "imp_duplicate_column_group": ("Cột lặp lại", "Column twice"),
    "imp_required": ("Bỏ trống ô bắt buộc", "A required value is empty"),
    "imp_required_group": ("Bỏ trống ô bắt buộc", "Required value empty"),
    "imp_bad_date": (
        "«{value}» không phải ngày (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "«{value}» is not a date (use dd/mm/yyyy or yyyy-mm-dd)",
    ),
    "imp_bad_date_group": ("Không phải ngày", "Not a date"),
    "imp_impossible_date": ("«{value}» là ngày không có thật", "«{value}» is a date that does not exist"),
    "imp_impossible_date_group": ("Ngày không có thật", "Impossible date"),
    "imp_date_range": (
        "Ngày {value} nằm ngoài khoảng {low}–{high}",
        "The date {value} is outside {low}–{high}",
    ),
    "imp_date_range_group": ("Ngày ngoài khoảng cho phép", "Date out of range"),
    "imp_bad_int": ("«{value}» không phải số nguyên", "«{value}» is not a whole number"),
    "imp_bad_int_group": ("Không phải số nguyên", "Not a whole number"),
    "imp_int_range": (
        "{value} nằm ngoài khoảng {low}–{high}",
        "{value} is outside {low}–{high}",
    ),
    "imp_int_range_group": ("Số ngoài khoảng cho phép", "Number out of range"),
    "imp_negative": ("Số âm ({value}) không dùng được", "A negative number ({value}) is not allowed"),
    "imp_negative_group": ("Số âm", "Negative number"),
    "imp_bad_enum": (
        "«{value}» không hợp lệ; dùng một trong: {allowed}",
        "«{value}» is not allowed; use one of: {allowed}",
    ),
    "imp_bad_enum_group": ("Giá trị không hợp lệ", "Value not allowed"),
    "imp_bad_category": (
        "Lĩnh vực «{value}» không có; dùng mã hoặc tên: {allowed}",
        "There is no category «{value}»; use a code or a name: {allowed}",
    ),
    "imp_bad_category_group": ("Lĩnh vực không có", "Unknown category"),
    "imp_too_long": (
        "Dài {length} ký tự, quá giới hạn {limit} ký tự của một ô Excel",
        "{length} characters long, over Excel's cell limit of {limit}",
    ),
    "imp_too_long_group": ("Nội dung quá dài", "Text too long"),
    "imp_duplicate_key": (
        "Trùng khóa {key} với {first}",
        "The key {key} is already used at {first}",
    ),
    "imp_duplicate_key_group": ("Trùng khóa trong tệp", "Duplicate key in the file"),
    "imp_unknown_ref": (
        "{what} «{value}» không có trong cơ sở dữ liệu hay trong tệp",
        "{what_en} «{value}» is neither in the database nor in the file",
    ),
    "imp_unknown_ref_group": ("Tham chiếu không tồn tại", "Reference not found"),
    "imp_not_a_cell": (
        "«{value}» không phải chi bộ (là đơn vị loại «{kind}»)",
        "«{value}» is not a cell (it is a {kind_en})",
    ),
    "imp_not_a_cell_group": ("Không phải chi bộ", "Not a cell"),
    "imp_merged_kind": (
        "Sáp nhập vào «{value}» là đơn vị loại «{kind}», không cùng loại «{own}» với đơn vị này",
        "merged_into «{value}» is a {kind_en}, not a {own_en} like this unit",
    ),
    "imp_merged_kind_group": ("Sáp nhập vào đơn vị khác loại", "Merged into a unit of another kind"),
    "imp_merged_self": ("Đơn vị không thể sáp nhập vào chính nó", "A unit cannot merge into itself"),
    "imp_merged_self_group": ("Sáp nhập vào chính nó", "Merged into itself"),
    "imp_merged_needs_end": (
        "Đơn vị đã sáp nhập phải có ngày kết thúc (valid_to)",
        "A unit that merged needs the day it ended (valid_to)",
    ),
    "imp_merged_needs_end_group": ("Sáp nhập thiếu ngày kết thúc", "Merged without an end date"),
    "imp_parent_self": ("Đơn vị không thể là cấp trên của chính nó", "A unit cannot be its own parent"),
    "imp_parent_self_group": ("Cấp trên là chính nó", "Own parent"),
    "imp_parent_is_cell": (
        "Cấp trên «{value}» là chi bộ; chi bộ không có đơn vị trực thuộc",
        "The parent «{value}» is a cell; cells have no units under them",
    ),
    "imp_parent_is_cell_group": ("Cấp trên là chi bộ", "Parent is a cell"),
    "imp_cycle": ("Cây đơn vị bị vòng lặp: {path}", "The unit tree has a cycle: {path}"),
    "imp_cycle_group": ("Cây đơn vị bị vòng lặp", "Cycle in the unit tree"),
    "imp_date_order": (
        "{value} trước {other_column} {other}",
        "{value} is before {other_column} {other}",
    ),
    "imp_date_order_group": ("Ngày kết thúc trước ngày bắt đầu", "Ends before it starts"),
    "imp_answered_before_raised": (
        "Ngày trả lời {value} trước ngày nêu ý kiến {other}",
        "Answered on {value}, before it was raised on {other}",
    ),
    "imp_answered_before_raised_group": ("Trả lời trước khi nêu", "Answered before raised"),
    "imp_counts_sum": (
        "Có mặt + vắng có lý do + vắng không lý do + miễn = {total}, khác số phải dự {expected}",
        "present + excused + absent + exempt = {total}, not the {expected} expected",
    ),
    "imp_counts_sum_group": ("Số liệu tham dự không khớp", "Counts do not add up"),
    "imp_counts_need_expected": (
        "Có số liệu tham dự nhưng bỏ trống số phải dự",
        "Attendance counts are given but the number expected is empty",
    ),
    "imp_counts_need_expected_group": ("Thiếu số phải dự", "Expected missing"),
    "imp_present_over_expected": (
        "Số có mặt {value} lớn hơn số phải dự {expected}",
        "{value} present is more than the {expected} expected",
    ),
    "imp_present_over_expected_group": ("Có mặt nhiều hơn phải dự", "More present than expected"),
    "imp_reason_status": (
        "Lý do vắng chỉ ghi cho người vắng (có hoặc không lý do), không cho «{status}»",
        "An absence reason is only for excused or absent members, not «{status}»",
    ),
    "imp_reason_status_group": ("Lý do vắng cho người không vắng", "Reason for someone not absent"),
    "imp_not_member_then": (
        "Đảng viên «{member}» không sinh hoạt tại chi bộ «{cell}» vào ngày {date}",
        "Member «{member}» was not in cell «{cell}» on {date}",
    ),
    "imp_not_member_then_group": ("Không thuộc chi bộ vào ngày họp", "Not in the cell on that date"),
    # warnings
    "imp_unknown_sheet": (
        "Trang «{sheet}» không thuộc mẫu nhập; bỏ qua",
        "The sheet «{sheet}» is not part of the import format; ignored",
    ),
    "imp_unknown_sheet_group": ("Trang tính bỏ qua", "Sheets ignored"),
    "imp_unknown_column": (
        "Cột «{header}» không thuộc mẫu nhập; bỏ qua",
        "The column «{header}» is not part of the import format; ignored",
    ),
    "imp_unknown_column_group": ("Cột bỏ qua", "Columns ignored"),
    "imp_headless_values": (
        "Cột {position} có số liệu nhưng không có tiêu đề; bỏ qua",
        "Column {position} holds values but has no header; ignored",
    ),
    "imp_headless_values_group": ("Cột không tiêu đề", "Columns without a header"),
    "imp_footer_ignored": (
        "Dòng sau phần số liệu, không phải số liệu («{text}»); bỏ qua",
        "A line after the data that is not data («{text}»); ignored",
    ),
    "imp_footer_ignored_group": ("Dòng cuối bỏ qua", "Lines after the data ignored"),
    "imp_cp1258": (
        "Đọc theo bảng mã Windows-1258 (CSV do Excel tiếng Việt lưu); nên lưu dạng «CSV UTF-8»",
        "Read as Windows-1258 (CSV saved by Vietnamese Excel); «CSV UTF-8» is safer",
    ),
    "imp_cp1258_group": ("Đọc theo Windows-1258", "Read as Windows-1258"),
    "imp_mojibake": (
        "Chữ có vẻ đã bị lỗi phông/bảng mã trước khi lưu: «{text}»",
        "The text looks garbled by a wrong encoding before it was saved: «{text}»",
    ),
    "imp_mojibake_group": ("Chữ có vẻ lỗi bảng mã", "Text looks garbled"),
    "imp_counts_and_rows": (
        "Buổi sinh hoạt «{meeting}» có cả số liệu tổng hợp và điểm danh từng người; số liệu lấy từ điểm danh",
        "Meeting «{meeting}» has both counts and attendance rows; the attendance rows are used",
    ),
    "imp_counts_and_rows_group": ("Vừa có số tổng vừa có điểm danh", "Counts and attendance rows"),
    "imp_checked_without_database": (
        "Chưa có cơ sở dữ liệu tại {path}: chỉ kiểm tra trong phạm vi tệp",
        "There is no database at {path}: checked against the file alone",
    ),
    "imp_checked_without_database_group": ("Không có cơ sở dữ liệu", "No database"),
    # referenced things, for imp_unknown_ref
    "ref_unit": ("Đơn vị", "Unit"),
    "ref_cell": ("Chi bộ", "Cell"),
    "ref_member": ("Đảng viên", "Member"),
    "ref_meeting": ("Buổi sinh hoạt", "Meeting"),
    "ref_person": ("Cấp ủy viên", "Committee member"),
    "ref_briefing": ("Buổi giao ban", "Briefing"),
    # the report as text (CLI) and as a table (Data page)
    "imp_rejected": (
        "Không nhập: {problems} lỗi, {rows} dòng có lỗi; không có gì được ghi",
        "Rejected: {problems} problem(s), {rows} bad row(s); nothing was written",
    ),
    "imp_dry_run_ok": (
        "Kiểm tra xong, không có lỗi: {rows} dòng sẵn sàng để nhập (chạy thử, chưa ghi)",
        "Checked, no problems: {rows} rows ready to import (dry run, nothing written)",
    ),
    "imp_done": ("Đã nhập {rows} dòng vào {path}", "Imported {rows} rows into {path}"),
    "imp_warnings": ("Lưu ý", "Warnings"),
    "imp_rows_word": ("dòng", "rows"),
    "imp_backup_kept": ("Bản cũ được giữ: {name}", "The previous file is kept as {name}"),
    "imp_col_file": ("Tệp", "File"),
    "imp_col_sheet": ("Trang tính", "Sheet"),
    "imp_col_row": ("Dòng", "Row"),
    "imp_col_column": ("Cột", "Column"),
    "imp_col_reason": ("Lý do", "Reason"),
    "imp_col_table": ("Bảng", "Table"),
    "imp_col_rows": ("Số dòng", "Rows"),
    # the Data page
    "data_import": ("Nhập số liệu", "Import data"),
    "data_import_admin_only": (
        "Chỉ quản trị viên được nhập số liệu. Mẫu nhập liệu, đơn vị chưa báo cáo và cảnh báo chất lượng ở dưới.",
        "Only administrators import data. The templates, units not reported and data-quality warnings are below.",
    ),
    "data_upload": ("Tệp Excel (.xlsx) hoặc các tệp CSV theo mẫu", "Excel workbooks (.xlsx) or CSV files"),
    "data_upload_help": (
        "Mỗi trang tính (hoặc tệp CSV) mang tên một bảng theo mẫu: units, members, meetings, "
        "attendance… (hoặc tên tiếng Việt). Tệp được kiểm tra toàn bộ trước; chỉ khi không có lỗi "
        "mới nhập được, và nhập tất cả hoặc không gì cả.",
        "Each sheet (or CSV file) is named after a table of the format: units, members, meetings, "
        "attendance… (or the Vietnamese name). Everything is checked first; only a clean file can be "
        "imported, and it is imported whole or not at all.",
    ),
    "data_check_ok": (
        "Không có lỗi: {rows} dòng sẵn sàng để nhập.",
        "No problems: {rows} rows ready to import.",
    ),
    "data_check_bad": (
        "Có {problems} lỗi, {rows} dòng có lỗi; sửa trong tệp rồi tải lên lại. Không có gì được ghi.",
        "{problems} problem(s), {rows} bad row(s); fix them in the file and upload it again. Nothing was "
        "written.",
    ),
    "data_report": ("Báo cáo kiểm tra", "Validation report"),
    "data_rows_shown": (
        "Đang hiện {shown} trên {total} dòng; tải về để xem tất cả.",
        "Showing {shown} of {total} rows; download them all below.",
    ),
    "data_import_button": ("Nhập vào cơ sở dữ liệu", "Import into the database"),
    "data_imported": (
        "Đã nhập {rows} dòng. Các trang sẽ hiển thị số liệu mới.",
        "Imported {rows} rows. Pages now show the new data.",
    ),
    "data_rows_per_table": ("Số dòng theo bảng", "Rows per table"),
    "data_templates": ("Mẫu nhập liệu", "Import templates"),
    "data_templates_help": (
        "Tệp Excel có một trang cho mỗi bảng (tiêu đề tiếng Việt, danh sách chọn cho các giá trị cố "
        "định) và trang «Hướng dẫn» giải thích từng cột; hoặc các tệp CSV cùng cột.",
        "A workbook with one sheet per table (Vietnamese headers, drop-downs for fixed values) and a "
        "«Hướng dẫn» (guide) sheet explaining each column; or CSV files with the same columns.",
    ),
    "data_template_xlsx": ("Tải mẫu Excel", "Download the Excel template"),
    "data_template_csv": ("Tải mẫu CSV (.zip)", "Download the CSV templates (.zip)"),
    "data_history": ("Lịch sử nhập", "Import history"),
    "data_history_help": (
        "Mỗi lần nhập: tệp, mã SHA-256 của tệp, thời điểm, người nhập và số dòng mỗi bảng.",
        "Each import: the file, its SHA-256, when, who, and rows per table.",
    ),
    "data_no_history": ("Chưa có lần nhập nào.", "Nothing has been imported yet."),
    "data_unreported": ("Chưa báo cáo", "Not reported"),
    "data_unreported_help": (
        "Xã/phường và chi bộ (đang tồn tại) chưa có buổi sinh hoạt nào được ghi nhận trong tháng này "
        "hoặc tháng trước, tính đến ngày {as_of}.",
        "Communes and cells (existing) with no meeting recorded this month or last month, as of {as_of}.",
    ),
    "data_unreported_none": ("Mọi đơn vị đều đã có số liệu.", "Every unit has reported."),
    "data_unreported_communes": ("Xã/phường chưa có buổi nào", "Communes with no meeting"),
    "data_unreported_cells": ("Chi bộ chưa có buổi nào", "Cells with no meeting"),
    "data_col_this_month": ("Tháng này", "This month"),
    "data_col_last_month": ("Tháng trước", "Last month"),
    "data_col_last_meeting": ("Buổi gần nhất", "Last meeting"),
    "data_col_cells": ("Số chi bộ", "Cells"),
    "data_col_unit": ("Đơn vị", "Unit"),
    "data_col_kind": ("Loại", "Kind"),
    "data_not_met": ("chưa họp", "no meeting"),
    "data_met": ("đã họp", "met"),
    "data_quality": ("Cảnh báo chất lượng số liệu", "Data-quality warnings"),
    "data_quality_help": (
        "Kiểm tra số liệu đã có trong kỳ và đơn vị đang chọn: số liệu tham dự không khớp, ý kiến quá "
        "{days} ngày chưa được trả lời (tính đến {as_of}), đơn vị không có chi bộ nào.",
        "Checks of the data already held for the selected period and unit: counts that do not add up, "
        "opinions with no answer after {days} days (as of {as_of}), units with no cells.",
    ),
    "data_quality_none": ("Không có cảnh báo.", "No warnings."),
    "dq_counts_vs_rows": (
        "Số liệu tổng khác điểm danh từng người",
        "Counts differ from the attendance rows",
    ),
    "dq_roll_vs_rows": (
        "Số người điểm danh khác số đảng viên của chi bộ vào ngày họp",
        "Attendance rows differ from the cell's members on that day",
    ),
    "dq_nobody_expected": (
        "Buổi sinh hoạt không có ai phải dự",
        "Meetings with nobody expected",
    ),
    "dq_unanswered": ("Ý kiến quá 60 ngày chưa trả lời", "Opinions unanswered after 60 days"),
    "dq_no_cells": ("Đơn vị không có chi bộ nào", "Units with no cells"),
    "data_col_check": ("Cảnh báo", "Warning"),
    "data_col_item": ("Mã", "Id"),
    "data_col_on": ("Ngày", "Date"),
    "data_col_detail": ("Chi tiết", "Detail"),
    "data_col_count": ("Số trường hợp", "Cases"),
    "data_col_imported_at": ("Thời điểm", "When"),
    "data_col_account": ("Người nhập", "Who"),
    "data_col_sha256": ("SHA-256", "SHA-256"),
    "data_col_rows_per_table": ("Số dòng theo bảng", "Rows per table"),
    "data_col_should_be": ("Đúng ra", "Should be"),
    "data_col_found": ("Thực tế", "Found"),
    "data_col_days": ("Số ngày chưa trả lời", "Days unanswered"),
    "data_col_text": ("Nội dung", "Text"),
    # ---- accounts and login (issue 7) ----
    "login_title": ("Đăng nhập", "Log in"),
    "login_name": ("Tên đăng nhập", "Account name"),
    "login_password": ("Mật khẩu", "Password"),
    "login_submit": ("Đăng nhập", "Log in"),
    "login_failed": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong account name or password."),
    "login_locked": (
        "Đăng nhập sai {failures} lần liên tiếp: tài khoản tạm khóa {minutes} phút, đến {until}.",
        "{failures} failed logins in a row: the account is locked for {minutes} minutes, until {until}.",
    ),
    "login_disabled": (
        "Tài khoản này đã bị quản trị viên khóa.",
        "This account has been disabled by an administrator.",
    ),
    "login_notice_expired": (
        "Phiên làm việc đã hết hạn sau thời gian không sử dụng; vui lòng đăng nhập lại.",
        "The session expired after a time without use; please log in again.",
    ),
    "login_notice_ended": (
        "Phiên làm việc đã kết thúc (tài khoản bị khóa hoặc mật khẩu đã đổi); vui lòng đăng nhập lại.",
        "The session ended (the account was disabled or its password changed); please log in again.",
    ),
    "login_notice_signed_out": ("Đã đăng xuất.", "You are logged out."),
    "login_first_admin": (
        "Lần chạy đầu tiên: tài khoản quản trị «{name}». Mật khẩu dùng một lần của nó chỉ hiện một lần, trên "
        "cửa sổ dòng lệnh chạy `make run`; nếu chưa có, hãy đặt mật khẩu trên máy chủ bằng lệnh "
        "`python -m cellboard users passwd {name} --password-stdin`, rồi đăng nhập và đổi mật khẩu.",
        "First start: the administrator account «{name}». Its one-time password is shown only once, on the "
        "terminal running `make run`; if there is none, set a password on the server with "
        "`python -m cellboard users passwd {name} --password-stdin`, then log in and change it.",
    ),
    "signed_in_as": ("Tài khoản: {name} ({role})", "Account: {name} ({role})"),
    "logout": ("Đăng xuất", "Log out"),
    "page_password": ("Đổi mật khẩu", "Change password"),
    "page_refused": (
        "Tài khoản của bạn không được mở trang này.",
        "Your account may not open this page.",
    ),
    "scope_refused": (
        "Từ chối: đơn vị «{unit}» nằm ngoài phạm vi tài khoản của bạn (hoặc không tồn tại). Không có số "
        "liệu nào được hiển thị; hãy chọn một đơn vị trong danh sách.",
        "Refused: unit «{unit}» is outside your account's scope (or does not exist). No data is shown; pick "
        "a unit from the list.",
    ),
    "scope_refused_whole": (
        "Từ chối: tài khoản của bạn không được xem toàn bộ; chỉ đơn vị của mình và cấp dưới.",
        "Refused: your account may not see everything, only its own unit and the units below it.",
    ),
    "password_current": ("Mật khẩu hiện tại", "Current password"),
    "password_new": ("Mật khẩu mới", "New password"),
    "password_repeat": ("Nhập lại mật khẩu mới", "New password again"),
    "password_submit": ("Đổi mật khẩu", "Change password"),
    "password_mismatch": ("Hai lần nhập mật khẩu mới không khớp.", "The two new passwords differ."),
    "password_changed": ("Đã đổi mật khẩu.", "The password was changed."),
    "password_rules": (
        "Ít nhất {min} ký tự, tối đa {max} byte; không bắt đầu hay kết thúc bằng khoảng trắng.",
        "At least {min} characters, at most {max} bytes; no spaces at the start or end.",
    ),
    "accounts_list": ("Danh sách tài khoản", "Accounts"),
    "accounts_add": ("Thêm tài khoản", "Add an account"),
    "accounts_reset": ("Đặt lại mật khẩu", "Reset a password"),
    "accounts_disable": ("Khóa, mở khóa", "Disable, enable"),
    "accounts_audit": ("Nhật ký", "Audit trail"),
    "accounts_audit_help": (
        "Mọi lần đăng nhập (thành công và thất bại), nhập dữ liệu, tải xuống và báo cáo: ai, khi nào, "
        "làm gì, với bộ lọc nào. Chỉ ghi thêm, không sửa, không xóa.",
        "Every login (succeeded or failed), import, download and report: who, when, what, with which "
        "filters. Rows are only ever added, never changed or deleted.",
    ),
    "accounts_name": ("Tên tài khoản", "Account name"),
    "accounts_role": ("Vai trò", "Role"),
    "accounts_unit": ("Đơn vị", "Unit"),
    "accounts_status": ("Trạng thái", "Status"),
    "accounts_last_login": ("Đăng nhập lần cuối", "Last login"),
    "accounts_created": ("Ngày tạo", "Created"),
    "accounts_active": ("Đang hoạt động", "Active"),
    "accounts_disabled": ("Đã khóa", "Disabled"),
    "accounts_locked": ("Tạm khóa đến {until}", "Locked until {until}"),
    "accounts_added": ("Đã tạo tài khoản «{name}».", "Account «{name}» was added."),
    "accounts_reset_done": ("Đã đặt lại mật khẩu của «{name}».", "The password of «{name}» was reset."),
    "accounts_pick": ("Tài khoản", "Account"),
    "accounts_disable_button": ("Khóa tài khoản", "Disable the account"),
    "accounts_enable_button": ("Mở khóa tài khoản", "Enable the account"),
    "accounts_disabled_done": ("Đã khóa «{name}».", "«{name}» was disabled."),
    "accounts_enabled_done": ("Đã mở khóa «{name}».", "«{name}» was enabled."),
    "accounts_unit_help": (
        "Tài khoản chỉ xem được đơn vị này và cấp dưới (quản trị viên xem toàn bộ). Tài khoản cấp xã "
        "gắn với một xã, phường.",
        "The account sees this unit and the units below it (administrators see everything). A commune "
        "account is bound to a commune.",
    ),
    "accounts_action": ("Hành động", "Action"),
    "accounts_when": ("Thời điểm", "When"),
    "accounts_details": ("Chi tiết", "Details"),
    "accounts_all_actions": ("Mọi hành động", "Every action"),
}
