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


def _names(loc: text.Locale, items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (loc.t("rv_and_more", count=loc.integer(len(items) - limit)) if len(items) > limit else "")


def category_name(loc: text.Locale, row: dict) -> str:
    return str(loc.name(row))


def period_name(loc: text.Locale, period: Period, in_text: bool = False) -> str:
    """'năm 2015', '6 tháng đầu năm 2015', 'tháng 3/2015' or 'từ ngày … đến ngày …' ('kỳ từ ngày …'
    in a sentence: 'so với kỳ từ ngày …')."""
    start, end = period.start, period.end
    if period.is_whole_months() and start.year == end.year:
        if start.month == 1 and end.month == 12:
            return loc.t("rv_period_year", year=start.year)
        if start.month == 1 and end.month == 6:
            return loc.t("rv_period_first_half", year=start.year)
        if start.month == 7 and end.month == 12:
            return loc.t("rv_period_second_half", year=start.year)
        if start.month == end.month:
            return loc.t("rv_period_month", month=start.month, year=start.year)
    start_shown, end_shown = loc.date(start), loc.date(end)
    if in_text:
        return loc.t("rv_period_range_in_text", start=start_shown, end=end_shown)
    return loc.t("rv_period_range", start=start_shown, end=end_shown)


def review_kind(period: Period) -> str:
    if period.is_whole_months() and period.start.year == period.end.year:
        if (period.start.month, period.end.month) == (1, 12):
            return "year"
        if (period.start.month, period.end.month) in ((1, 6), (7, 12)):
            return "half"
    return "other"


def change_phrase(loc: text.Locale, delta: float | None, kind: str, noun: str = "") -> str:
    """'tăng 1,2 điểm phần trăm', 'giảm 31 ý kiến', 'không thay đổi'."""
    if delta is None:
        return loc.t("rv_no_comparison")
    if abs(delta) < 1e-12:
        return loc.t("rv_same")
    amount = loc.num(abs(delta) * 100, 1) if kind == "pct" else loc.integer(abs(delta))
    if amount.strip("0,.") == "":  # rounds to nothing at the precision shown
        return loc.t("rv_about_same")
    amount += " " + loc.t("rv_points") if kind == "pct" else ""
    if noun and kind != "pct":
        amount += " " + noun
    return loc.t("rv_up", amount=amount) if delta > 0 else loc.t("rv_down", amount=amount)


def shown(loc: text.Locale, value: float | None, kind: str) -> str:
    return loc.integer(value) if kind == "int" else loc.pct(value)


def comparison_text(
    loc: text.Locale,
    now: float | None,
    previous: float | None,
    year: float | None,
    kind: str,
    review: dict,
    noun: str = "",
) -> str:
    """'tăng … so với kỳ trước (…); … so với cùng kỳ năm trước (…)' for one figure."""
    against = [(previous, review["previous_text"])]
    if review["year_differs"]:
        against.append((year, loc.t("rv_same_period_last_year")))
    parts = []
    for then, name in against:
        if now is None or then is None:
            parts.append(loc.t("rv_compared_missing", period=name))
        else:
            parts.append(
                loc.t(
                    "rv_compared",
                    change=change_phrase(loc, now - then, kind, noun),
                    period=name,
                    value=shown(loc, then, kind),
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


def _compare_columns(loc: text.Locale, review: dict, kind: str) -> list[Column]:
    columns = [
        Column("value", loc.t("rv_col_this_period"), kind),
        Column("previous", loc.t("rv_col_previous", period=review["previous_name"]), kind),
        Column(
            "change",
            loc.t("rv_col_change"),
            "row_change" if kind == "row" else {"int": "delta", "pct": "points"}[kind],
        ),
    ]
    if review["year_differs"]:
        columns += [
            Column("year", loc.t("rv_col_year_earlier"), kind),
            Column(
                "change_year",
                loc.t("rv_col_change"),
                "row_change" if kind == "row" else {"int": "delta", "pct": "points"}[kind],
            ),
        ]
    return columns


def headline_section(loc: text.Locale, comparison: figures.Comparison, review: dict) -> Section:
    rows, paragraphs = [], []
    for figure in figures.FIGURES:
        kind = "int" if figure in figures.COUNT_FIGURES else "pct"
        now = comparison.current_values[figure]
        before, year = comparison.previous_values[figure], comparison.year_values[figure]
        rows.append(
            {
                "figure": loc.t(figure),
                "kind": kind,
                "value": now,
                "previous": before,
                "change": comparison.change(figure, "previous"),
                "year": year,
                "change_year": comparison.change(figure, "year"),
            }
        )
        paragraphs.append(
            loc.t(
                "rv_figure_line",
                figure=loc.t(figure),
                value=shown(loc, now, kind),
                comparison=comparison_text(loc, now, before, year, kind, review),
            )
        )
    table = Table(
        loc.t("rv_table_headline"),
        [Column("figure", loc.t("rv_col_figure")), *_compare_columns(loc, review, "row")],
        rows,
    )
    return Section(1, loc.t("rv_s1"), loc.t("rv_sheet1"), paragraphs, [table])


def attendance_section(
    loc: text.Locale, comparison, review, trend, trend_year, communes, communes_prev
) -> Section:
    meetings = comparison.current_values["meetings"]
    rate = comparison.current_values["attendance_rate"]
    paragraphs = [
        loc.t(
            "rv_attendance_text",
            period=review["name_text"],
            meetings=loc.integer(meetings),
            meetings_cmp=comparison_text(
                loc,
                meetings,
                comparison.previous_values["meetings"],
                comparison.year_values["meetings"],
                "int",
                review,
            ),
            rate=loc.pct(rate),
            rate_cmp=comparison_text(
                loc,
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
                "commune": loc.t("rv_total"),
                **total,
                "attendance_rate": total_rate,
                "attendance_rate_prev": total_prev,
                "change": _difference(total_rate, total_prev),
            }
        )
        below = held[held["attendance_rate"] < rules.ATTENDANCE_TARGET].sort_values("attendance_rate")
        reached = len(held) - len(below)
        paragraphs.append(
            loc.t(
                "rv_communes_target",
                reached=loc.integer(reached),
                communes=loc.integer(len(held)),
                target=loc.pct(rules.ATTENDANCE_TARGET, 0),
            )
        )
        if len(below):
            paragraphs.append(
                loc.t(
                    "rv_communes_below",
                    count=loc.integer(len(below)),
                    names=_names(
                        loc, (f"{r['commune']} ({loc.pct(r['attendance_rate'])})" for r in _rows(below))
                    ),
                )
            )
    table = Table(
        loc.t("rv_table_communes"),
        [
            Column("commune", loc.t("col_commune")),
            Column("cells", loc.t("rv_col_cells_met"), "int"),
            Column("meetings", loc.t("col_meetings"), "int"),
            Column("expected", loc.t("col_expected"), "int"),
            Column("exempt", loc.t("col_exempt"), "int"),
            Column("present", loc.t("col_present"), "int"),
            Column("excused", loc.t("col_excused"), "int"),
            Column("absent", loc.t("col_absent"), "int"),
            Column("attendance_rate", loc.t("col_attendance_rate"), "pct"),
            Column("attendance_rate_prev", loc.t("rv_col_previous_short"), "pct"),
            Column("change", loc.t("rv_col_change"), "points"),
        ],
        rows,
        total=bool(rows),
        empty=loc.t("no_data"),
    )
    month_rows = [{**row, "month": row["month"]} for row in _rows(trend)]
    trend_table = Table(
        loc.t("rv_table_trend"),
        [
            Column("month", loc.t("col_month"), "month"),
            Column("meetings", loc.t("col_meetings"), "int"),
            Column("expected", loc.t("col_expected"), "int"),
            Column("exempt", loc.t("col_exempt"), "int"),
            Column("present", loc.t("col_present"), "int"),
            Column("excused", loc.t("col_excused"), "int"),
            Column("absent", loc.t("col_absent"), "int"),
            Column("attendance_rate", loc.t("col_attendance_rate"), "pct"),
        ],
        month_rows,
    )
    chart = charts.attendance_trend(loc, trend, rules.ATTENDANCE_TARGET, trend_year)
    return Section(2, loc.t("rv_s2"), loc.t("rv_sheet2"), paragraphs, [table, trend_table], [chart])


def regularity_section(loc: text.Locale, comparison, review, cells: pd.DataFrame) -> Section:
    existed = cells[cells["months_existed"] > 0]
    every_month = existed[existed["months_met"] >= existed["months_existed"]]
    missing_month = existed[existed["months_met"] < existed["months_existed"]]
    with_quarters = cells[cells["quarters_existed"] > 0]
    short_thematic = with_quarters[with_quarters["quarters_thematic"] < with_quarters["quarters_existed"]]
    regularity = comparison.current_values["regularity"]
    thematic = comparison.current_values["thematic_coverage"]
    paragraphs = [
        loc.t(
            "rv_regularity_text",
            rate=loc.pct(regularity),
            cmp=comparison_text(
                loc,
                regularity,
                comparison.previous_values["regularity"],
                comparison.year_values["regularity"],
                "pct",
                review,
            ),
            full=loc.integer(len(every_month)),
            cells=loc.integer(len(existed)),
            missing=loc.integer(len(missing_month)),
        ),
        loc.t(
            "rv_thematic_text",
            rate=loc.pct(thematic),
            cmp=comparison_text(
                loc,
                thematic,
                comparison.previous_values["thematic_coverage"],
                comparison.year_values["thematic_coverage"],
                "pct",
                review,
            ),
            short=loc.integer(len(short_thematic)),
        ),
    ]
    rows = []
    for (_, commune), group in existed.groupby(["commune_id", "commune"], sort=False, dropna=False):
        rows.append(_regularity_row(commune, group))
    if rows:
        rows.append(_regularity_row(loc.t("rv_total"), existed))
    table = Table(
        loc.t("rv_table_regularity"),
        [
            Column("commune", loc.t("col_commune")),
            Column("cells", loc.t("rv_col_cells"), "int"),
            Column("every_month", loc.t("rv_col_every_month"), "int"),
            Column("months_met", loc.t("rv_col_months_met"), "int"),
            Column("months_existed", loc.t("rv_col_months_existed"), "int"),
            Column("regularity", loc.t("col_regularity"), "pct"),
            Column("quarters_thematic", loc.t("rv_col_quarters_thematic"), "int"),
            Column("quarters_existed", loc.t("rv_col_quarters_existed"), "int"),
            Column("thematic_coverage", loc.t("col_thematic_coverage"), "pct"),
        ],
        rows,
        total=bool(rows),
        empty=loc.t("no_data"),
    )
    return Section(3, loc.t("rv_s3"), loc.t("rv_sheet3"), paragraphs, [table])


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


def supervision_section(loc: text.Locale, review, supervision: pd.DataFrame, cells: pd.DataFrame) -> Section:
    rows = []
    for level in LEVELS:
        group = supervision[supervision["level"] == level]
        if not len(group):
            continue
        months = int(group["interval_months"].iloc[0])
        rows.append(
            {
                "level": loc.coded("rv_level", level),
                "rule": loc.t("rv_rule", months=months),
                "members": len(group),
                "visits": _sum(group, "visits"),
                "compliant": int(group["compliant"].sum()),
                "compliant_share": metrics.compliant_share(group),
            }
        )
    if rows:
        rows.append(
            {
                "level": loc.t("rv_total"),
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
            loc.t(
                "rv_supervision_text",
                members=loc.integer(len(supervision)),
                visits=loc.integer(_sum(supervision, "visits")),
                compliant=loc.integer(len(supervision) - len(short)),
                share=loc.pct(metrics.compliant_share(supervision)),
            )
        )
    else:
        paragraphs.append(loc.t("rv_supervision_none"))
    paragraphs.append(
        loc.t("rv_unvisited_text", count=loc.integer(len(unvisited)), cells=loc.integer(len(existing)))
    )
    level_table = Table(
        loc.t("rv_table_levels"),
        [
            Column("level", loc.t("rv_col_level")),
            Column("rule", loc.t("rv_col_rule")),
            Column("members", loc.t("rv_col_members"), "int"),
            Column("visits", loc.t("rv_col_visits"), "int"),
            Column("compliant", loc.t("rv_col_compliant"), "int"),
            Column("compliant_share", loc.t("rv_col_compliant_share"), "pct"),
        ],
        rows,
        total=bool(rows),
        empty=loc.t("rv_supervision_none"),
    )
    short_rows = [{**row, "level": loc.coded("rv_level", row["level"])} for row in _rows(short)]
    short_table = Table(
        loc.t("rv_table_short"),
        [
            Column("full_name", loc.t("rv_col_name")),
            Column("level", loc.t("rv_col_level")),
            Column("unit", loc.t("rv_col_area")),
            Column("required_visits", loc.t("rv_col_required"), "int"),
            Column("intervals_visited", loc.t("rv_col_intervals_visited"), "int"),
            Column("visits", loc.t("rv_col_visits"), "int"),
            Column("last_visit", loc.t("rv_col_last_visit"), "date"),
        ],
        short_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=loc.t("rv_none_short"),
    )
    unvisited_table = Table(
        loc.t("rv_table_unvisited"),
        [
            Column("cell", loc.t("col_cell")),
            Column("commune", loc.t("col_commune")),
            Column("meetings", loc.t("col_meetings"), "int"),
        ],
        _rows(unvisited),
        docx_rows=DOCX_LIST_ROWS,
        empty=loc.t("rv_none_unvisited"),
    )
    return Section(
        4, loc.t("rv_s4"), loc.t("rv_sheet4"), paragraphs, [level_table, short_table, unvisited_table]
    )


def opinions_section(
    loc: text.Locale, comparison, review, shares, shares_prev, response, departments, opinions
) -> Section:
    total = comparison.current_values["opinions_raised"]
    previous_total = comparison.previous_values["opinions_raised"]
    previous_counts = dict(zip(shares_prev["category"], shares_prev["opinions"], strict=True))
    names = {row["category"]: category_name(loc, row) for row in _rows(shares_prev)}
    rows = []
    for row in _rows(shares):
        names[row["category"]] = category_name(loc, row)
        before = float(previous_counts.get(row["category"], 0))
        rows.append(
            {
                "category": row["category"],
                "name": category_name(loc, row),
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
                "name": loc.t("rv_total"),
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
        loc.t(
            "rv_category_count",
            name=row["name"],
            count=loc.integer(row["opinions"]),
            share=loc.pct(row["share"]),
        )
        for row in biggest
    )
    reflections = int((opinions["kind"] == "reflection").sum()) if len(opinions) else 0
    paragraphs = [
        loc.t(
            "rv_opinions_text",
            total=loc.integer(total),
            period=review["name_text"],
            change=change_phrase(loc, _difference(total, previous_total), "int", loc.t("rv_opinions_noun")),
            previous=review["previous_text"],
            previous_total=loc.integer(previous_total),
            reflections=loc.integer(reflections),
            recommendations=loc.integer(len(opinions) - reflections),
        )
    ]
    if breakdown:
        paragraphs.append(loc.t("rv_opinions_breakdown", breakdown=breakdown))
    answered = _sum(response, "answered")
    on_time = _sum(response, "answered_on_time")
    overdue = _sum(response, "overdue")
    if total:
        paragraphs.append(
            loc.t(
                "rv_response_text",
                as_of=loc.date(review["as_of"]),
                answered=loc.integer(answered),
                answered_share=loc.pct(metrics.ratio(answered, total)),
                on_time=loc.integer(on_time),
                on_time_share=loc.pct(comparison.current_values["answered_on_time"]),
                late=loc.integer(_sum(response, "answered_late")),
                overdue=loc.integer(overdue),
                open=loc.integer(_sum(response, "open")),
            )
        )
    late_departments = departments[departments["overdue"] > 0].sort_values(
        "overdue", ascending=False, kind="stable"
    )
    if len(late_departments):
        paragraphs.append(
            loc.t(
                "rv_departments_overdue",
                names=_names(
                    loc,
                    (
                        f"{_department(loc, r['assigned_to'])} ({loc.integer(r['overdue'])})"
                        for r in _rows(late_departments)
                    ),
                ),
            )
        )

    compare = _compare_columns(loc, review, "int")
    category_columns = [
        Column("name", loc.t("rv_col_category")),
        Column("opinions", loc.t("col_opinions"), "int"),
        Column("share", loc.t("rv_col_share"), "pct"),
        Column("opinions_prev", compare[1].label, "int"),
        Column("change", loc.t("rv_col_change"), "delta"),
    ]
    if review["year_differs"]:
        category_columns += [
            Column("opinions_year", loc.t("rv_col_year_earlier"), "int"),
            Column("change_year", loc.t("rv_col_change"), "delta"),
        ]
    category_table = Table(
        loc.t("rv_table_categories"), category_columns, rows, total=bool(rows), empty=loc.t("no_data")
    )

    response_rows = [
        {**row, "name": category_name(loc, row), "on_time_rate": metrics.ON_TIME.of(row)}
        for row in _rows(response)
    ]
    if response_rows:
        response_rows.append(_response_total(response, loc.t("rv_total"), "name"))
    response_columns = [
        Column("opinions", loc.t("col_opinions"), "int"),
        Column("answered", loc.t("rv_col_answered"), "int"),
        Column("answered_on_time", loc.t("col_answered_on_time"), "int"),
        Column("answered_late", loc.t("rv_col_late"), "int"),
        Column("open", loc.t("rv_col_open"), "int"),
        Column("overdue", loc.t("rv_col_overdue"), "int"),
        Column("on_time_rate", loc.t("rv_col_on_time_rate"), "pct"),
    ]
    response_table = Table(
        loc.t("rv_table_response"),
        [
            Column("name", loc.t("rv_col_category")),
            *response_columns,
            Column("median_days_to_answer", loc.t("rv_col_median_days"), "num"),
        ],
        response_rows,
        total=bool(response_rows),
        empty=loc.t("no_data"),
    )
    department_rows = [
        {**row, "department": _department(loc, row["assigned_to"]), "on_time_rate": metrics.ON_TIME.of(row)}
        for row in _rows(departments)
    ]
    if department_rows:
        department_rows.append(_response_total(departments, loc.t("rv_total"), "department"))
    department_table = Table(
        loc.t("rv_table_departments"),
        [
            Column("department", loc.t("rv_col_department")),
            *response_columns,
            Column("median_days_to_answer", loc.t("rv_col_median_days"), "num"),
        ],
        department_rows,
        total=bool(department_rows),
        empty=loc.t("no_data"),
    )
    overdue_list = opinions[opinions["status"] == "overdue"].sort_values(
        ["due_on", "raised_on", "opinion_id"]
    )
    overdue_rows = [
        {
            **row,
            "category_name": names.get(row["category"], row["category"]),
            "department": _department(loc, row["assigned_to"]),
            "days_overdue": (review["as_of"] - pd.Timestamp(row["due_on"]).date()).days,
        }
        for row in _rows(overdue_list)
    ]
    overdue_table = Table(
        loc.t("rv_table_overdue"),
        [
            Column("raised_on", loc.t("rv_col_raised_on"), "date"),
            Column("commune", loc.t("col_commune")),
            Column("cell", loc.t("col_cell")),
            Column("category_name", loc.t("rv_col_category")),
            Column("text", loc.t("rv_col_text")),
            Column("department", loc.t("rv_col_department")),
            Column("due_on", loc.t("rv_col_due_on"), "date"),
            Column("days_overdue", loc.t("rv_col_days_overdue"), "int"),
        ],
        overdue_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=loc.t("rv_none_overdue"),
    )
    chart_list = []
    if rows:
        chart_list.append(
            charts.review_category_bars(loc, chart_rows, review["name"], review["previous_name"])
        )
    return Section(
        5,
        loc.t("rv_s5"),
        loc.t("rv_sheet5"),
        paragraphs,
        [category_table, response_table, department_table, overdue_table],
        chart_list,
    )


def _department(loc: text.Locale, value: object) -> str:
    return loc.t("rv_unassigned") if text.is_missing(value) or not str(value).strip() else str(value)


def _response_total(frame: pd.DataFrame, label: str, key: str) -> dict:
    total = {
        column: _sum(frame, column)
        for column in ("opinions", "answered", "answered_on_time", "answered_late", "open", "overdue")
    }
    return {key: label, **total, "on_time_rate": metrics.ON_TIME.of(total), "median_days_to_answer": None}


GRADES = charts.GRADES


def ratings_section(
    loc: text.Locale, comparison, review, ratings: pd.DataFrame, cells: pd.DataFrame
) -> Section:
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
            loc.t(
                "rv_ratings_text",
                year=row["year"],
                rated=loc.integer(row["rated"]),
                excellent=loc.integer(row["excellent"]),
                excellent_share=loc.pct(row["excellent_share"]),
                good=loc.integer(row["good"]),
                complete=loc.integer(row["complete"]),
                incomplete=loc.integer(row["incomplete"]),
            )
        )
    if not current_years:
        paragraphs.append(loc.t("rv_ratings_none"))
    elif excellent is not None:
        paragraphs.append(
            loc.t(
                "rv_excellent_cmp",
                share=loc.pct(excellent),
                cmp=comparison_text(
                    loc,
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
            loc.t(
                "rv_ranking_text",
                ranked=loc.integer(len(ranked)),
                unranked=loc.integer(unranked),
                minimum=rules.MIN_MEETINGS_TO_RANK,
                w_attendance=loc.pct(weights["w_attendance"], 0),
                w_regularity=loc.pct(weights["w_regularity"], 0),
                w_thematic=loc.pct(weights["w_thematic"], 0),
                w_visits=loc.pct(weights["w_visits"], 0),
            )
        )
    if len(best):
        paragraphs.append(
            loc.t(
                "rv_best_text",
                names=_names(loc, (f"{r['cell']} ({r['commune']})" for r in _rows(best.head(3)))),
            )
        )
    if len(weakest):
        paragraphs.append(
            loc.t(
                "rv_weakest_text",
                names=_names(loc, (f"{r['cell']} ({r['commune']})" for r in _rows(weakest.head(3)))),
            )
        )
    grade_columns = [Column(grade, loc.coded("grade", grade), "int") for grade in GRADES]
    share_columns = [
        Column(grade + "_share", loc.t("rv_share_of", grade=loc.coded("grade", grade)), "pct")
        for grade in GRADES
    ]
    rating_table = Table(
        loc.t("rv_table_ratings"),
        [
            Column("year", loc.t("year"), "year"),
            *grade_columns,
            Column("rated", loc.t("rv_col_rated"), "int"),
            *share_columns,
        ],
        rows,
        empty=loc.t("rv_ratings_none"),
    )
    rank_columns = [
        Column("rank_in_commune", loc.t("rv_col_rank"), "int"),
        Column("cell", loc.t("col_cell")),
        Column("commune", loc.t("col_commune")),
        Column("score", loc.t("rv_col_score"), "pct"),
        Column("meetings", loc.t("col_meetings"), "int"),
        Column("attendance_rate", loc.t("col_attendance_rate"), "pct"),
        Column("regularity", loc.t("col_regularity"), "pct"),
        Column("thematic_coverage", loc.t("col_thematic_coverage"), "pct"),
    ]
    best_table = Table(loc.t("rv_table_best"), rank_columns, _rows(best), empty=loc.t("rv_none_ranked"))
    weakest_table = Table(
        loc.t("rv_table_weakest"), rank_columns, _rows(weakest), empty=loc.t("rv_none_ranked")
    )
    chart_list = (
        [charts.review_rating_bars(loc, pd.DataFrame(rows), {g: loc.coded("grade", g) for g in GRADES})]
        if rows
        else []
    )
    return Section(
        6,
        loc.t("rv_s6"),
        loc.t("rv_sheet6"),
        paragraphs,
        [rating_table, best_table, weakest_table],
        chart_list,
    )


def assessment(
    loc: text.Locale, comparison, review, communes, cells, supervision, response, departments, ratings
):
    """Results, shortcomings and directions drafted from the figures (the committee edits them)."""
    now = comparison.current_values
    strengths = [loc.t("rv_strength_general")]
    weaknesses: list[str] = []
    directions = [loc.t("rv_direction_general")]
    target = rules.ATTENDANCE_TARGET
    rate = now["attendance_rate"]
    if rate is not None and rate >= target:
        strengths.append(loc.t("rv_strength_attendance", rate=loc.pct(rate), target=loc.pct(target, 0)))
    elif rate is not None:
        weaknesses.append(loc.t("rv_weak_attendance", rate=loc.pct(rate), target=loc.pct(target, 0)))
    held = communes[communes["meetings"] > 0]
    below = held[held["attendance_rate"] < target].sort_values("attendance_rate")
    if len(below):
        weaknesses.append(
            loc.t(
                "rv_weak_communes",
                count=loc.integer(len(below)),
                target=loc.pct(target, 0),
                names=_names(loc, below["commune"].astype(str)),
            )
        )
        directions.append(
            loc.t(
                "rv_direction_attendance",
                target=loc.pct(target, 0),
                names=_names(loc, below["commune"].astype(str)),
            )
        )
    change = comparison.change("attendance_rate", "previous")
    if change is not None and change < 0:
        weaknesses.append(
            loc.t(
                "rv_weak_attendance_fell",
                change=change_phrase(loc, change, "pct"),
                period=review["previous_text"],
            )
        )
    regularity = now["regularity"]
    existed = cells[cells["months_existed"] > 0]
    missing = existed[existed["months_met"] < existed["months_existed"]]
    if regularity is not None and not len(missing):
        strengths.append(loc.t("rv_strength_regularity"))
    elif len(missing):
        weaknesses.append(
            loc.t("rv_weak_regularity", count=loc.integer(len(missing)), rate=loc.pct(regularity))
        )
        directions.append(loc.t("rv_direction_regularity"))
    with_quarters = cells[cells["quarters_existed"] > 0]
    short = with_quarters[with_quarters["quarters_thematic"] < with_quarters["quarters_existed"]]
    if len(with_quarters) and not len(short):
        strengths.append(loc.t("rv_strength_thematic"))
    elif len(short):
        weaknesses.append(
            loc.t("rv_weak_thematic", count=loc.integer(len(short)), rate=loc.pct(now["thematic_coverage"]))
        )
        directions.append(loc.t("rv_direction_thematic"))
    if len(supervision):
        short_members = supervision[~supervision["compliant"].astype(bool)]
        if not len(short_members):
            strengths.append(loc.t("rv_strength_supervision"))
        else:
            weaknesses.append(
                loc.t(
                    "rv_weak_supervision",
                    count=loc.integer(len(short_members)),
                    members=loc.integer(len(supervision)),
                )
            )
            directions.append(loc.t("rv_direction_supervision"))
    on_time = now["answered_on_time"]
    overdue = _sum(response, "overdue")
    if on_time is not None and on_time >= rules.ON_TIME_TARGET:
        strengths.append(loc.t("rv_strength_answers", rate=loc.pct(on_time)))
    elif on_time is not None:
        weaknesses.append(
            loc.t("rv_weak_answers", rate=loc.pct(on_time), target=loc.pct(rules.ON_TIME_TARGET, 0))
        )
    if overdue:
        weaknesses.append(loc.t("rv_weak_overdue", count=loc.integer(overdue)))
        late = departments[departments["overdue"] > 0].sort_values("overdue", ascending=False, kind="stable")
        directions.append(
            loc.t(
                "rv_direction_overdue",
                count=loc.integer(overdue),
                names=_names(loc, (_department(loc, value) for value in late["assigned_to"])),
            )
        )
    excellent = now["excellent_share"]
    if excellent is not None and excellent >= 0.2:
        strengths.append(loc.t("rv_strength_excellent", share=loc.pct(excellent)))
    incomplete = _sum(
        ratings[(ratings["grade"] == "incomplete") & (ratings["year"] == now.get("rating_year"))], "cells"
    )
    if incomplete:
        weaknesses.append(loc.t("rv_weak_incomplete", count=loc.integer(incomplete)))
        directions.append(loc.t("rv_direction_weak_cells"))
    if not weaknesses:
        weaknesses.append(loc.t("rv_weak_none"))
    weaknesses.append(loc.t("rv_causes"))
    directions.append(loc.t("rv_direction_data"))
    return strengths, weaknesses, directions


def notes_section(loc: text.Locale, review, info, trend, tree, communes, cells, period, previous) -> Section:
    first = info.get("first_meeting")
    last = info.get("last_meeting")
    paragraphs = []
    if info.get("source") == "demo":
        paragraphs.append(loc.t("rv_demo_notice"))
    if first and last:
        paragraphs.append(
            loc.t("rv_coverage", first=loc.date(parse_date(first)), last=loc.date(parse_date(last)))
        )
        if parse_date(last) < period.end:
            paragraphs.append(
                loc.t("rv_coverage_short", end=loc.date(period.end), last=loc.date(parse_date(last)))
            )
        if parse_date(first) > previous.start:
            paragraphs.append(
                loc.t(
                    "rv_coverage_previous",
                    period=review["previous_name"],
                    first=loc.date(parse_date(first)),
                )
            )
    else:
        paragraphs.append(loc.t("rv_coverage_none"))
    empty_months = [loc.month(pd.Timestamp(m).date()) for m in trend.loc[trend["meetings"] == 0, "month"]]
    if empty_months:
        paragraphs.append(loc.t("rv_months_without", months=", ".join(empty_months)))
    paragraphs.append(loc.t("rv_as_of", as_of=loc.date(review["as_of"])))
    active = tree[
        (tree["kind"] == "commune")
        & (tree["valid_from"].isna() | (tree["valid_from"] <= pd.Timestamp(period.end)))
        & (tree["valid_to"].isna() | (tree["valid_to"] >= pd.Timestamp(period.start)))
    ]
    met = set(communes.loc[communes["meetings"] > 0, "commune_id"])
    silent_communes = active[~active["unit_id"].isin(met)]
    silent_cells = cells[(cells["months_existed"] > 0) & (cells["meetings"] == 0)]
    paragraphs.append(
        loc.t(
            "rv_units_without",
            communes=loc.integer(len(silent_communes)),
            cells=loc.integer(len(silent_cells)),
        )
    )
    paragraphs += [
        loc.t("rv_definition", figure=loc.t(figure), definition=loc.coded(figure, "help"))
        for figure in figures.FIGURES
    ]
    paragraphs.append(loc.t("rv_generated", today=loc.date(dt.date.today())))
    unit_rows = [
        {"name": row["name"], "kind": loc.t("rv_kind_commune"), "commune": ""}
        for row in _rows(silent_communes)
    ]
    unit_rows += [
        {"name": row["cell"], "kind": loc.t("rv_kind_cell"), "commune": row["commune"]}
        for row in _rows(silent_cells)
    ]
    table = Table(
        loc.t("rv_table_without"),
        [
            Column("name", loc.t("unit")),
            Column("kind", loc.t("rv_col_kind")),
            Column("commune", loc.t("col_commune")),
        ],
        unit_rows,
        docx_rows=DOCX_LIST_ROWS,
        empty=loc.t("rv_none_without"),
    )
    return Section(7, loc.t("rv_s7"), loc.t("rv_sheet7"), paragraphs, [table])
