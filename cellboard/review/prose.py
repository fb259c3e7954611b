"""The review's words: period names and comparisons, the issuing body's names, and each section's
narrative, tables and charts (cellboard/review/collect.py hands them the queries' answers)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd

from cellboard import charts, rules, text
from cellboard.data import figures, metrics
from cellboard.data.periods import Period, parse_date
from cellboard.review.model import Column, Section, Table
from cellboard.text import t

# Long lists (overdue opinions, units without data) are cut in the DOCX and whole in the XLSX.
DOCX_LIST_ROWS = 30
BEST_AND_WEAKEST = 10


# ---- small helpers --------------------------------------------------------------------------


def _value(value: object) -> float | None:
    return None if text.is_missing(value) else float(value)


def _sum(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].sum()) if len(frame) else 0.0


def _difference(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records") if len(frame) else []


def _names(items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (t("rv_and_more", count=text.fmt_int(len(items) - limit)) if len(items) > limit else "")


def category_name(row: dict) -> str:
    return str(row["name_vi"] if text.language() == "vi" else row["name_en"])


def period_name(period: Period, in_text: bool = False) -> str:
    """'năm 2015', '6 tháng đầu năm 2015', 'tháng 3/2015' or 'từ ngày … đến ngày …' ('kỳ từ ngày …'
    in a sentence: 'so với kỳ từ ngày …')."""
    start, end = period.start, period.end
    if period.is_whole_months() and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return t("rv_period_year", year=start.year)
        if start.month == 1 and end.month == 6:
            return t("rv_period_first_half", year=start.year)
        if start.month == 7 and end.month == 12:
            return t("rv_period_second_half", year=start.year)
        if start.month == end.month:
            return t("rv_period_month", month=start.month, year=start.year)
    start_shown, end_shown = text.fmt_date(start), text.fmt_date(end)
    if in_text:
        return t("rv_period_range_in_text", start=start_shown, end=end_shown)
    return t("rv_period_range", start=start_shown, end=end_shown)


def review_kind(period: Period) -> str:
    if period.is_whole_months() and period.start.year == period.end.year:
        if (period.start.month, period.end.month) == (1, 12):
            return "year"
        if (period.start.month, period.end.month) in ((1, 6), (7, 12)):
            return "half"
    return "other"


def change_phrase(delta: float | None, kind: str, noun: str = "") -> str:
    """'tăng 1,2 điểm phần trăm', 'giảm 31 ý kiến', 'không thay đổi'."""
    if delta is None:
        return t("rv_no_comparison")
    if abs(delta) < 1e-12:
        return t("rv_same")
    amount = text.fmt_num(abs(delta) * 100, 1) if kind == "pct" else text.fmt_int(abs(delta))
    if amount.strip("0,.") == "":  # rounds to nothing at the precision shown
        return t("rv_about_same")
    amount += " " + t("rv_points") if kind == "pct" else ""
    if noun and kind != "pct":
        amount += " " + noun
    return t("rv_up", amount=amount) if delta > 0 else t("rv_down", amount=amount)


def shown(value: float | None, kind: str) -> str:
    return text.fmt_int(value) if kind == "int" else text.fmt_pct(value)


def comparison_text(
    now: float | None, previous: float | None, year: float | None, kind: str, review: dict, noun: str = ""
) -> str:
    """'tăng … so với kỳ trước (…); … so với cùng kỳ năm trước (…)' for one figure."""
    against = [(previous, review["previous_text"])]
    if review["year_differs"]:
        against.append((year, t("rv_same_period_last_year")))
    parts = []
    for then, name in against:
        if now is None or then is None:
            parts.append(t("rv_compared_missing", period=name))
        else:
            parts.append(
                t(
                    "rv_compared",
                    change=change_phrase(now - then, kind, noun),
                    period=name,
                    value=shown(then, kind),
                )
            )
    return "; ".join(parts)


# ---- issuing body names (editable in Word; a best guess from the unit tree) ----------------

_PLACES = (  # (prefix of the unit's name, committee, organisation)
    ("Thành phố", "Thành ủy", "thành phố"),
    ("Tỉnh", "Tỉnh ủy", "tỉnh"),
    ("Huyện", "Huyện ủy", "huyện"),
    ("Thị xã", "Thị ủy", "thị xã"),
    ("Quận", "Quận ủy", "quận"),
    ("Thị trấn", "Đảng ủy thị trấn", "thị trấn"),
    ("Phường", "Đảng ủy phường", "phường"),
    ("Đặc khu", "Đảng ủy đặc khu", "đặc khu"),
    ("Xã", "Đảng ủy xã", "xã"),
)


def party_names(name: str) -> tuple[str, str]:
    """(committee, organisation) for a unit name: 'Huyện ủy Kinh Môn' -> ('Huyện ủy Kinh Môn',
    'Đảng bộ huyện Kinh Môn'); 'Xã Hiệp Sơn' -> ('Đảng ủy xã Hiệp Sơn', 'Đảng bộ xã Hiệp Sơn')."""
    lowered = name.lower()
    for prefix, committee, organisation in _PLACES:
        for form in (committee.lower() + " ", prefix.lower() + " "):
            if lowered.startswith(form):
                rest = name[len(form) :]
                return f"{committee} {rest}", f"Đảng bộ {organisation} {rest}"
    return name, name  # a cell, or a name already in the Party's form


def signature_line(kind: str | None) -> str:
    return {
        "province": "rv_sign_standing",
        "district": "rv_sign_standing",
        "commune": "rv_sign_commune",
        "subcommittee": "rv_sign_commune",
        "cell": "rv_sign_cell",
    }.get(kind or "", "rv_sign_other")


def _compare_columns(review: dict, kind: str) -> list[Column]:
    columns = [
        Column("value", t("rv_col_this_period"), kind),
        Column("previous", t("rv_col_previous", period=review["previous_name"]), kind),
        Column(
            "change",
            t("rv_col_change"),
            "row_change" if kind == "row" else {"int": "delta", "pct": "points"}[kind],
        ),
    ]
    if review["year_differs"]:
        columns += [
            Column("year", t("rv_col_year_earlier"), kind),
            Column(
                "change_year",
                t("rv_col_change"),
                "row_change" if kind == "row" else {"int": "delta", "pct": "points"}[kind],
            ),
        ]
    return columns


def headline_section(comparison: figures.Comparison, review: dict) -> Section:
    rows, paragraphs = [], []
    for figure in figures.FIGURES:
        kind = "int" if figure in figures.COUNT_FIGURES else "pct"
        now = comparison.current_values[figure]
        before, year = comparison.previous_values[figure], comparison.year_values[figure]
        rows.append(
            {
                "figure": t(figure),
                "kind": kind,
                "value": now,
                "previous": before,
                "change": comparison.change(figure, "previous"),
                "year": year,
                "change_year": comparison.change(figure, "year"),
            }
        )
        paragraphs.append(
            t(
                "rv_figure_line",
                figure=t(figure),
                value=shown(now, kind),
                comparison=comparison_text(now, before, year, kind, review),
            )
        )
    table = Table(
        t("rv_table_headline"), [Column("figure", t("rv_col_figure")), *_compare_columns(review, "row")], rows
    )
    return Section(1, t("rv_s1"), t("rv_sheet1"), paragraphs, [table])


def attendance_section(comparison, review, trend, trend_year, communes, communes_prev) -> Section:
    meetings = comparison.current_values["meetings"]
    rate = comparison.current_values["attendance_rate"]
    paragraphs = [
        t(
            "rv_attendance_text",
            period=review["name_text"],
            meetings=text.fmt_int(meetings),
            meetings_cmp=comparison_text(
                meetings,
                comparison.previous_values["meetings"],
                comparison.year_values["meetings"],
                "int",
                review,
            ),
            rate=text.fmt_pct(rate),
            rate_cmp=comparison_text(
                rate,
                comparison.previous_values["attendance_rate"],
                comparison.year_values["attendance_rate"],
                "pct",
                review,
            ),
        )
    ]
    held = communes[communes["meetings"] > 0]
    previous_rates = dict(zip(communes_prev["commune_id"], communes_prev["attendance_rate"], strict=True))
    rows = []
    for row in _rows(held):
        before = _value(previous_rates.get(row["commune_id"]))
        now = _value(row["attendance_rate"])
        rows.append({**row, "attendance_rate_prev": before, "change": _difference(now, before)})
    if rows:
        held_prev = communes_prev[communes_prev["meetings"] > 0]
        total = {
            column: _sum(held, column)
            for column in ("cells", "meetings", "expected", "exempt", "present", "excused", "absent")
        }
        total_rate = metrics.ATTENDANCE.of(total)
        total_prev = metrics.ATTENDANCE.pooled(held_prev)
        rows.append(
            {
                "commune": t("rv_total"),
                **total,
                "attendance_rate": total_rate,
                "attendance_rate_prev": total_prev,
                "change": _difference(total_rate, total_prev),
            }
        )
        below = held[held["attendance_rate"] < rules.ATTENDANCE_TARGET].sort_values("attendance_rate")
        reached = len(held) - len(below)
        paragraphs.append(
            t(
                "rv_communes_target",
                reached=text.fmt_int(reached),
                communes=text.fmt_int(len(held)),
                target=text.fmt_pct(rules.ATTENDANCE_TARGET, 0),
            )
        )
        if len(below):
            paragraphs.append(
                t(
                    "rv_communes_below",
                    count=text.fmt_int(len(below)),
                    names=_names(
                        f"{r['commune']} ({text.fmt_pct(r['attendance_rate'])})" for r in _rows(below)
                    ),
                )
            )
    table = Table(
        t("rv_table_communes"),
        [
            Column("commune", t("col_commune")),
            Column("cells", t("rv_col_cells_met"), "int"),
            Column("meetings", t("col_meetings"), "int"),
            Column("expected", t("col_expected"), "int"),
            Column("exempt", t("col_exempt"), "int"),
            Column("present", t("col_present"), "int"),
            Column("excused", t("col_excused"), "int"),
            Column("absent", t("col_absent"), "int"),
            Column("attendance_rate", t("col_attendance_rate"), "pct"),
            Column("attendance_rate_prev", t("rv_col_previous_short"), "pct"),
            Column("change", t("rv_col_change"), "points"),
        ],
        rows,
        total=bool(rows),
        empty=t("no_data"),
    )
    month_rows = [{**row, "month": row["month"]} for row in _rows(trend)]
    trend_table = Table(
        t("rv_table_trend"),
        [
            Column("month", t("col_month"), "month"),
            Column("meetings", t("col_meetings"), "int"),
            Column("expected", t("col_expected"), "int"),
            Column("exempt", t("col_exempt"), "int"),
            Column("present", t("col_present"), "int"),
            Column("excused", t("col_excused"), "int"),
            Column("absent", t("col_absent"), "int"),
            Column("attendance_rate", t("col_attendance_rate"), "pct"),
        ],
        month_rows,
    )
    chart = charts.attendance_trend(trend, rules.ATTENDANCE_TARGET, trend_year)
    return Section(2, t("rv_s2"), t("rv_sheet2"), paragraphs, [table, trend_table], [chart])


def regularity_section(comparison, review, cells: pd.DataFrame) -> Section:
    existed = cells[cells["months_existed"] > 0]
    every_month = existed[existed["months_met"] >= existed["months_existed"]]
    missing_month = existed[existed["months_met"] < existed["months_existed"]]
    with_quarters = cells[cells["quarters_existed"] > 0]
    short_thematic = with_quarters[with_quarters["quarters_thematic"] < with_quarters["quarters_existed"]]
    regularity = comparison.current_values["regularity"]
    thematic = comparison.current_values["thematic_coverage"]
    paragraphs = [
        t(
            "rv_regularity_text",
            rate=text.fmt_pct(regularity),
            cmp=comparison_text(
                regularity,
                comparison.previous_values["regularity"],
                comparison.year_values["regularity"],
                "pct",
                review,
            ),
            full=text.fmt_int(len(every_month)),
            cells=text.fmt_int(len(existed)),
            missing=text.fmt_int(len(missing_month)),
        ),
        t(
            "rv_thematic_text",
            rate=text.fmt_pct(thematic),
            cmp=comparison_text(
                thematic,
                comparison.previous_values["thematic_coverage"],
                comparison.year_values["thematic_coverage"],
                "pct",
                review,
            ),
            short=text.fmt_int(len(short_thematic)),
        ),
    ]
    rows = []
    for (_, commune), group in existed.groupby(["commune_id", "commune"], sort=False, dropna=False):
        rows.append(_regularity_row(commune, group))
    if rows:
        rows.append(_regularity_row(t("rv_total"), existed))
    table = Table(
        t("rv_table_regularity"),
        [
            Column("commune", t("col_commune")),
            Column("cells", t("rv_col_cells"), "int"),
            Column("every_month", t("rv_col_every_month"), "int"),
            Column("months_met", t("rv_col_months_met"), "int"),
            Column("months_existed", t("rv_col_months_existed"), "int"),
            Column("regularity", t("col_regularity"), "pct"),
            Column("quarters_thematic", t("rv_col_quarters_thematic"), "int"),
            Column("quarters_existed", t("rv_col_quarters_existed"), "int"),
            Column("thematic_coverage", t("col_thematic_coverage"), "pct"),
        ],
        rows,
        total=bool(rows),
        empty=t("no_data"),
    )
    return Section(3, t("rv_s3"), t("rv_sheet3"), paragraphs, [table])


def _regularity_row(commune: object, group: pd.DataFrame) -> dict:
    return {
        "commune": "–" if text.is_missing(commune) else str(commune),
        "cells": len(group),
        "every_month": int((group["months_met"] >= group["months_existed"]).sum()),
        "months_met": _sum(group, "months_met"),
        "months_existed": _sum(group, "months_existed"),
        "regularity": metrics.REGULARITY.pooled(group),
        "quarters_thematic": _sum(group, "quarters_thematic"),
        "quarters_existed": _sum(group, "quarters_existed"),
        "thematic_coverage": metrics.THEMATIC_COVERAGE.pooled(group),
    }


LEVELS = ("province", "district", "commune")


def supervision_section(review, supervision: pd.DataFrame, cells: pd.DataFrame) -> Section:
    rows = []
    for level in LEVELS:
        group = supervision[supervision["level"] == level]
        if not len(group):
            continue
        months = int(group["interval_months"].iloc[0])
        rows.append(
            {
                "level": text.coded("rv_level", level),
                "rule": t("rv_rule", months=months),
                "members": len(group),
                "visits": _sum(group, "visits"),
                "compliant": int(group["compliant"].sum()),
                "compliant_share": metrics.compliant_share(group),
            }
        )
    if rows:
        rows.append(
            {
                "level": t("rv_total"),
                "rule": "",
                "members": len(supervision),
                "visits": _sum(supervision, "visits"),
                "compliant": int(supervision["compliant"].sum()),
                "compliant_share": metrics.compliant_share(supervision),
            }
        )
    existing = cells[cells["months_existed"] > 0]
    unvisited = existing[existing["visit_months"] == 0]
    short = supervision[~supervision["compliant"].astype(bool)]
    paragraphs = []
    if len(supervision):
        paragraphs.append(
            t(
                "rv_supervision_text",
                members=text.fmt_int(len(supervision)),
                visits=text.fmt_int(_sum(supervision, "visits")),
                compliant=text.fmt_int(len(supervision) - len(short)),
                share=text.fmt_pct(metrics.compliant_share(supervision)),
            )
        )
    else:
        paragraphs.append(t("rv_supervision_none"))
    paragraphs.append(
        t("rv_unvisited_text", count=text.fmt_int(len(unvisited)), cells=text.fmt_int(len(existing)))
    )
    level_table = Table(
        t("rv_table_levels"),
        [
            Column("level", t("rv_col_level")),
            Column("rule", t("rv_col_rule")),
            Column("members", t("rv_col_members"), "int"),
            Column("visits", t("rv_col_visits"), "int"),
            Column("compliant", t("rv_col_compliant"), "int"),
            Column("compliant_share", t("rv_col_compliant_share"), "pct"),
        ],
        rows,
        total=bool(rows),
        empty=t("rv_supervision_none"),
    )
    short_rows = [{**row, "level": text.coded("rv_level", row["level"])} for row in _rows(short)]
    short_table = Table(
        t("rv_table_short"),
        [
            Column("full_name", t("rv_col_name")),
            Column("level", t("rv_col_level")),
            Column("unit", t("rv_col_area")),
            Column("required_visits", t("rv_col_required"), "int"),
            Column("intervals_visited", t("rv_col_intervals_visited"), "int"),
            Column("visits", t("rv_col_visits"), "int"),
            Column("last_visit", t("rv_col_last_visit"), "date"),
        ],
        short_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=t("rv_none_short"),
    )
    unvisited_table = Table(
        t("rv_table_unvisited"),
        [
            Column("cell", t("col_cell")),
            Column("commune", t("col_commune")),
            Column("meetings", t("col_meetings"), "int"),
        ],
        _rows(unvisited),
        docx_rows=DOCX_LIST_ROWS,
        empty=t("rv_none_unvisited"),
    )
    return Section(4, t("rv_s4"), t("rv_sheet4"), paragraphs, [level_table, short_table, unvisited_table])


def opinions_section(comparison, review, shares, shares_prev, response, departments, opinions) -> Section:
    total = comparison.current_values["opinions_raised"]
    previous_total = comparison.previous_values["opinions_raised"]
    previous_counts = dict(zip(shares_prev["category"], shares_prev["opinions"], strict=True))
    names = {row["category"]: category_name(row) for row in _rows(shares_prev)}
    rows = []
    for row in _rows(shares):
        names[row["category"]] = category_name(row)
        before = float(previous_counts.get(row["category"], 0))
        rows.append(
            {
                "category": row["category"],
                "name": category_name(row),
                "opinions": row["opinions"],
                "share": _value(row["share"]),
                "opinions_prev": before,
                "change": row["opinions"] - before,
                "opinions_year": row["opinions_prev"],
                "change_year": row["delta"],
            }
        )
    for code, count in previous_counts.items():  # categories raised only in the previous period
        if code not in {row["category"] for row in rows}:
            rows.append(
                {
                    "category": code,
                    "name": names[code],
                    "opinions": 0,
                    "share": None,
                    "opinions_prev": float(count),
                    "change": -float(count),
                    "opinions_year": None,
                    "change_year": None,
                }
            )
    if rows:
        now = _sum(shares, "opinions")
        year = _sum(shares, "opinions_prev")
        chart_rows = pd.DataFrame(rows)
        rows.append(
            {
                "name": t("rv_total"),
                "opinions": now,
                "share": 1.0 if now else None,
                "opinions_prev": previous_total,
                "change": _difference(now, previous_total),
                "opinions_year": year,
                "change_year": now - year,
            }
        )
    biggest = sorted((row for row in rows[:-1] if row["opinions"]), key=lambda row: -row["opinions"])
    breakdown = "; ".join(
        t(
            "rv_category_count",
            name=row["name"],
            count=text.fmt_int(row["opinions"]),
            share=text.fmt_pct(row["share"]),
        )
        for row in biggest
    )
    reflections = int((opinions["kind"] == "reflection").sum()) if len(opinions) else 0
    paragraphs = [
        t(
            "rv_opinions_text",
            total=text.fmt_int(total),
            period=review["name_text"],
            change=change_phrase(_difference(total, previous_total), "int", t("rv_opinions_noun")),
            previous=review["previous_text"],
            previous_total=text.fmt_int(previous_total),
            reflections=text.fmt_int(reflections),
            recommendations=text.fmt_int(len(opinions) - reflections),
        )
    ]
    if breakdown:
        paragraphs.append(t("rv_opinions_breakdown", breakdown=breakdown))
    answered = _sum(response, "answered")
    on_time = _sum(response, "answered_on_time")
    overdue = _sum(response, "overdue")
    if total:
        paragraphs.append(
            t(
                "rv_response_text",
                as_of=text.fmt_date(review["as_of"]),
                answered=text.fmt_int(answered),
                answered_share=text.fmt_pct(metrics.ratio(answered, total)),
                on_time=text.fmt_int(on_time),
                on_time_share=text.fmt_pct(comparison.current_values["answered_on_time"]),
                late=text.fmt_int(_sum(response, "answered_late")),
                overdue=text.fmt_int(overdue),
                open=text.fmt_int(_sum(response, "open")),
            )
        )
    late_departments = departments[departments["overdue"] > 0].sort_values(
        "overdue", ascending=False, kind="stable"
    )
    if len(late_departments):
        paragraphs.append(
            t(
                "rv_departments_overdue",
                names=_names(
                    f"{_department(r['assigned_to'])} ({text.fmt_int(r['overdue'])})"
                    for r in _rows(late_departments)
                ),
            )
        )

    compare = _compare_columns(review, "int")
    category_columns = [
        Column("name", t("rv_col_category")),
        Column("opinions", t("col_opinions"), "int"),
        Column("share", t("rv_col_share"), "pct"),
        Column("opinions_prev", compare[1].label, "int"),
        Column("change", t("rv_col_change"), "delta"),
    ]
    if review["year_differs"]:
        category_columns += [
            Column("opinions_year", t("rv_col_year_earlier"), "int"),
            Column("change_year", t("rv_col_change"), "delta"),
        ]
    category_table = Table(
        t("rv_table_categories"), category_columns, rows, total=bool(rows), empty=t("no_data")
    )

    response_rows = [
        {**row, "name": category_name(row), "on_time_rate": metrics.ON_TIME.of(row)}
        for row in _rows(response)
    ]
    if response_rows:
        response_rows.append(_response_total(response, t("rv_total"), "name"))
    response_columns = [
        Column("opinions", t("col_opinions"), "int"),
        Column("answered", t("rv_col_answered"), "int"),
        Column("answered_on_time", t("col_answered_on_time"), "int"),
        Column("answered_late", t("rv_col_late"), "int"),
        Column("open", t("rv_col_open"), "int"),
        Column("overdue", t("rv_col_overdue"), "int"),
        Column("on_time_rate", t("rv_col_on_time_rate"), "pct"),
    ]
    response_table = Table(
        t("rv_table_response"),
        [
            Column("name", t("rv_col_category")),
            *response_columns,
            Column("median_days_to_answer", t("rv_col_median_days"), "num"),
        ],
        response_rows,
        total=bool(response_rows),
        empty=t("no_data"),
    )
    department_rows = [
        {**row, "department": _department(row["assigned_to"]), "on_time_rate": metrics.ON_TIME.of(row)}
        for row in _rows(departments)
    ]
    if department_rows:
        department_rows.append(_response_total(departments, t("rv_total"), "department"))
    department_table = Table(
        t("rv_table_departments"),
        [
            Column("department", t("rv_col_department")),
            *response_columns,
            Column("median_days_to_answer", t("rv_col_median_days"), "num"),
        ],
        department_rows,
        total=bool(department_rows),
        empty=t("no_data"),
    )
    overdue_list = opinions[opinions["status"] == "overdue"].sort_values(
        ["due_on", "raised_on", "opinion_id"]
    )
    overdue_rows = [
        {
            **row,
            "category_name": names.get(row["category"], row["category"]),
            "department": _department(row["assigned_to"]),
            "days_overdue": (review["as_of"] - pd.Timestamp(row["due_on"]).date()).days,
        }
        for row in _rows(overdue_list)
    ]
    overdue_table = Table(
        t("rv_table_overdue"),
        [
            Column("raised_on", t("rv_col_raised_on"), "date"),
            Column("commune", t("col_commune")),
            Column("cell", t("col_cell")),
            Column("category_name", t("rv_col_category")),
            Column("text", t("rv_col_text")),
            Column("department", t("rv_col_department")),
            Column("due_on", t("rv_col_due_on"), "date"),
            Column("days_overdue", t("rv_col_days_overdue"), "int"),
        ],
        overdue_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=t("rv_none_overdue"),
    )
    chart_list = []
    if rows:
        chart_list.append(charts.review_category_bars(chart_rows, review["name"], review["previous_name"]))
    return Section(
        5,
        t("rv_s5"),
        t("rv_sheet5"),
        paragraphs,
        [category_table, response_table, department_table, overdue_table],
        chart_list,
    )


def _department(value: object) -> str:
    return t("rv_unassigned") if text.is_missing(value) or not str(value).strip() else str(value)


def _response_total(frame: pd.DataFrame, label: str, key: str) -> dict:
    total = {
        column: _sum(frame, column)
        for column in ("opinions", "answered", "answered_on_time", "answered_late", "open", "overdue")
    }
    return {key: label, **total, "on_time_rate": metrics.ON_TIME.of(total), "median_days_to_answer": None}


GRADES = charts.GRADES


def ratings_section(comparison, review, ratings: pd.DataFrame, cells: pd.DataFrame) -> Section:
    rows = []
    for year, group in ratings.groupby("year", sort=True):
        counts = {grade: _sum(group[group["grade"] == grade], "cells") for grade in GRADES}
        rated = sum(counts.values())
        rows.append(
            {
                "year": int(year),
                **counts,
                "rated": rated,
                **{grade + "_share": metrics.grade_share(counts[grade], rated) for grade in GRADES},
            }
        )
    excellent = comparison.current_values["excellent_share"]
    paragraphs = []
    rating_year = comparison.current_values.get("rating_year")
    current_years = [row for row in rows if rating_year is not None and int(row["year"]) == rating_year]
    for row in current_years:
        paragraphs.append(
            t(
                "rv_ratings_text",
                year=row["year"],
                rated=text.fmt_int(row["rated"]),
                excellent=text.fmt_int(row["excellent"]),
                excellent_share=text.fmt_pct(row["excellent_share"]),
                good=text.fmt_int(row["good"]),
                complete=text.fmt_int(row["complete"]),
                incomplete=text.fmt_int(row["incomplete"]),
            )
        )
    if not current_years:
        paragraphs.append(t("rv_ratings_none"))
    elif excellent is not None:
        paragraphs.append(
            t(
                "rv_excellent_cmp",
                share=text.fmt_pct(excellent),
                cmp=comparison_text(
                    excellent,
                    comparison.previous_values["excellent_share"],
                    comparison.year_values["excellent_share"],
                    "pct",
                    review,
                ),
            )
        )
    ranked = cells[cells["is_ranked"].astype(bool)]
    best_count = min(BEST_AND_WEAKEST, math.ceil(len(ranked) / 2))
    by_score = ranked.sort_values(["score", "cell"], ascending=[False, True], kind="stable")
    best = by_score.head(best_count)
    weakest = by_score.iloc[best_count:].tail(min(BEST_AND_WEAKEST, len(ranked) - best_count)).iloc[::-1]
    unranked = int((cells["months_existed"] > 0).sum()) - len(ranked)
    weights = cells.iloc[0] if len(cells) else None
    if weights is not None:
        paragraphs.append(
            t(
                "rv_ranking_text",
                ranked=text.fmt_int(len(ranked)),
                unranked=text.fmt_int(unranked),
                minimum=rules.MIN_MEETINGS_TO_RANK,
                w_attendance=text.fmt_pct(weights["w_attendance"], 0),
                w_regularity=text.fmt_pct(weights["w_regularity"], 0),
                w_thematic=text.fmt_pct(weights["w_thematic"], 0),
                w_visits=text.fmt_pct(weights["w_visits"], 0),
            )
        )
    if len(best):
        paragraphs.append(
            t("rv_best_text", names=_names(f"{r['cell']} ({r['commune']})" for r in _rows(best.head(3))))
        )
    if len(weakest):
        paragraphs.append(
            t(
                "rv_weakest_text",
                names=_names(f"{r['cell']} ({r['commune']})" for r in _rows(weakest.head(3))),
            )
        )
    grade_columns = [Column(grade, text.coded("grade", grade), "int") for grade in GRADES]
    share_columns = [
        Column(grade + "_share", t("rv_share_of", grade=text.coded("grade", grade)), "pct")
        for grade in GRADES
    ]
    rating_table = Table(
        t("rv_table_ratings"),
        [
            Column("year", t("year"), "year"),
            *grade_columns,
            Column("rated", t("rv_col_rated"), "int"),
            *share_columns,
        ],
        rows,
        empty=t("rv_ratings_none"),
    )
    rank_columns = [
        Column("rank_in_commune", t("rv_col_rank"), "int"),
        Column("cell", t("col_cell")),
        Column("commune", t("col_commune")),
        Column("score", t("rv_col_score"), "pct"),
        Column("meetings", t("col_meetings"), "int"),
        Column("attendance_rate", t("col_attendance_rate"), "pct"),
        Column("regularity", t("col_regularity"), "pct"),
        Column("thematic_coverage", t("col_thematic_coverage"), "pct"),
    ]
    best_table = Table(t("rv_table_best"), rank_columns, _rows(best), empty=t("rv_none_ranked"))
    weakest_table = Table(t("rv_table_weakest"), rank_columns, _rows(weakest), empty=t("rv_none_ranked"))
    chart_list = (
        [charts.review_rating_bars(pd.DataFrame(rows), {g: text.coded("grade", g) for g in GRADES})]
        if rows
        else []
    )
    return Section(
        6, t("rv_s6"), t("rv_sheet6"), paragraphs, [rating_table, best_table, weakest_table], chart_list
    )


def assessment(comparison, review, communes, cells, supervision, response, departments, ratings):
    """Results, shortcomings and directions drafted from the figures (the committee edits them)."""
    now = comparison.current_values
    strengths = [t("rv_strength_general")]
    weaknesses: list[str] = []
    directions = [t("rv_direction_general")]
    target = rules.ATTENDANCE_TARGET
    rate = now["attendance_rate"]
    if rate is not None and rate >= target:
        strengths.append(t("rv_strength_attendance", rate=text.fmt_pct(rate), target=text.fmt_pct(target, 0)))
    elif rate is not None:
        weaknesses.append(t("rv_weak_attendance", rate=text.fmt_pct(rate), target=text.fmt_pct(target, 0)))
    held = communes[communes["meetings"] > 0]
    below = held[held["attendance_rate"] < target].sort_values("attendance_rate")
    if len(below):
        weaknesses.append(
            t(
                "rv_weak_communes",
                count=text.fmt_int(len(below)),
                target=text.fmt_pct(target, 0),
                names=_names(below["commune"].astype(str)),
            )
        )
        directions.append(
            t(
                "rv_direction_attendance",
                target=text.fmt_pct(target, 0),
                names=_names(below["commune"].astype(str)),
            )
        )
    change = comparison.change("attendance_rate", "previous")
    if change is not None and change < 0:
        weaknesses.append(
            t("rv_weak_attendance_fell", change=change_phrase(change, "pct"), period=review["previous_text"])
        )
    regularity = now["regularity"]
    existed = cells[cells["months_existed"] > 0]
    missing = existed[existed["months_met"] < existed["months_existed"]]
    if regularity is not None and not len(missing):
        strengths.append(t("rv_strength_regularity"))
    elif len(missing):
        weaknesses.append(
            t("rv_weak_regularity", count=text.fmt_int(len(missing)), rate=text.fmt_pct(regularity))
        )
        directions.append(t("rv_direction_regularity"))
    with_quarters = cells[cells["quarters_existed"] > 0]
    short = with_quarters[with_quarters["quarters_thematic"] < with_quarters["quarters_existed"]]
    if len(with_quarters) and not len(short):
        strengths.append(t("rv_strength_thematic"))
    elif len(short):
        weaknesses.append(
            t("rv_weak_thematic", count=text.fmt_int(len(short)), rate=text.fmt_pct(now["thematic_coverage"]))
        )
        directions.append(t("rv_direction_thematic"))
    if len(supervision):
        short_members = supervision[~supervision["compliant"].astype(bool)]
        if not len(short_members):
            strengths.append(t("rv_strength_supervision"))
        else:
            weaknesses.append(
                t(
                    "rv_weak_supervision",
                    count=text.fmt_int(len(short_members)),
                    members=text.fmt_int(len(supervision)),
                )
            )
            directions.append(t("rv_direction_supervision"))
    on_time = now["answered_on_time"]
    overdue = _sum(response, "overdue")
    if on_time is not None and on_time >= rules.ON_TIME_TARGET:
        strengths.append(t("rv_strength_answers", rate=text.fmt_pct(on_time)))
    elif on_time is not None:
        weaknesses.append(
            t("rv_weak_answers", rate=text.fmt_pct(on_time), target=text.fmt_pct(rules.ON_TIME_TARGET, 0))
        )
    if overdue:
        weaknesses.append(t("rv_weak_overdue", count=text.fmt_int(overdue)))
        late = departments[departments["overdue"] > 0].sort_values("overdue", ascending=False, kind="stable")
        directions.append(
            t(
                "rv_direction_overdue",
                count=text.fmt_int(overdue),
                names=_names(_department(value) for value in late["assigned_to"]),
            )
        )
    excellent = now["excellent_share"]
    if excellent is not None and excellent >= 0.2:
        strengths.append(t("rv_strength_excellent", share=text.fmt_pct(excellent)))
    incomplete = _sum(
        ratings[(ratings["grade"] == "incomplete") & (ratings["year"] == now.get("rating_year"))], "cells"
    )
    if incomplete:
        weaknesses.append(t("rv_weak_incomplete", count=text.fmt_int(incomplete)))
        directions.append(t("rv_direction_weak_cells"))
    if not weaknesses:
        weaknesses.append(t("rv_weak_none"))
    weaknesses.append(t("rv_causes"))
    directions.append(t("rv_direction_data"))
    return strengths, weaknesses, directions


def notes_section(review, info, trend, tree, communes, cells, period, previous) -> Section:
    first = info.get("first_meeting")
    last = info.get("last_meeting")
    paragraphs = []
    if info.get("source") == "demo":
        paragraphs.append(t("rv_demo_notice"))
    if first and last:
        paragraphs.append(
            t("rv_coverage", first=text.fmt_date(parse_date(first)), last=text.fmt_date(parse_date(last)))
        )
        if parse_date(last) < period.end:
            paragraphs.append(
                t("rv_coverage_short", end=text.fmt_date(period.end), last=text.fmt_date(parse_date(last)))
            )
        if parse_date(first) > previous.start:
            paragraphs.append(
                t(
                    "rv_coverage_previous",
                    period=review["previous_name"],
                    first=text.fmt_date(parse_date(first)),
                )
            )
    else:
        paragraphs.append(t("rv_coverage_none"))
    empty_months = [
        text.fmt_month(pd.Timestamp(m).date()) for m in trend.loc[trend["meetings"] == 0, "month"]
    ]
    if empty_months:
        paragraphs.append(t("rv_months_without", months=", ".join(empty_months)))
    paragraphs.append(t("rv_as_of", as_of=text.fmt_date(review["as_of"])))
    active = tree[
        (tree["kind"] == "commune")
        & (tree["valid_from"].isna() | (tree["valid_from"] <= pd.Timestamp(period.end)))
        & (tree["valid_to"].isna() | (tree["valid_to"] >= pd.Timestamp(period.start)))
    ]
    met = set(communes.loc[communes["meetings"] > 0, "commune_id"])
    silent_communes = active[~active["unit_id"].isin(met)]
    silent_cells = cells[(cells["months_existed"] > 0) & (cells["meetings"] == 0)]
    paragraphs.append(
        t(
            "rv_units_without",
            communes=text.fmt_int(len(silent_communes)),
            cells=text.fmt_int(len(silent_cells)),
        )
    )
    paragraphs += [
        t("rv_definition", figure=t(figure), definition=text.coded(figure, "help"))
        for figure in figures.FIGURES
    ]
    paragraphs.append(t("rv_generated", today=text.fmt_date(dt.date.today())))
    unit_rows = [
        {"name": row["name"], "kind": t("rv_kind_commune"), "commune": ""} for row in _rows(silent_communes)
    ]
    unit_rows += [
        {"name": row["cell"], "kind": t("rv_kind_cell"), "commune": row["commune"]}
        for row in _rows(silent_cells)
    ]
    table = Table(
        t("rv_table_without"),
        [Column("name", t("unit")), Column("kind", t("rv_col_kind")), Column("commune", t("col_commune"))],
        unit_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=t("rv_none_without"),
    )
    return Section(7, t("rv_s7"), t("rv_sheet7"), paragraphs, [table])
