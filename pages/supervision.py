"""Supervision (Dự sinh hoạt của cấp ủy): each committee member's visits to cell meetings against the
rule for their level (intervals in table visit_rule), cells nobody visited, coverage by commune.

Page options in the URL (cellboard.drill): level, short (only members short of the rule).
"""

import streamlit as st

from cellboard import charts, text
from cellboard.app import drill, ui
from cellboard.data import metrics
from cellboard.text import t

OPTIONS = ("level", "short")


state = ui.page_header("page_supervision")
members = ui.query("supervision", **ui.window())
coverage = ui.query("visit_coverage_by_commune", **ui.window())
not_visited = ui.query("cells_not_visited", **ui.window())

# The rule as the data states it: one interval per level, from table visit_rule via the query.
intervals = members.drop_duplicates("level").set_index("level")["interval_months"].to_dict()
rule = ", ".join(
    t("sv_rule_part", level=text.coded("sv_level", level), months=text.fmt_int(intervals[level]))
    for level in charts.LEVELS
    if level in intervals
)
if rule:
    st.caption(t("sv_rule", rule=rule))

cells = int(coverage["cells"].sum())
compliant = int(members["compliant"].sum())
tiles = st.columns(4)
period_caption = ui.period_caption(state.period)
ui.figure_tile(tiles[0], "sv_members", text.fmt_int(len(members)), None, period_caption)
ui.figure_tile(
    tiles[1],
    "sv_compliant",
    text.fmt_pct(metrics.compliant_share(members)),
    None,
    f"{text.fmt_int(compliant)}/{text.fmt_int(len(members))}",
)
ui.figure_tile(
    tiles[2],
    "sv_not_visited",
    text.fmt_int(len(not_visited)),
    None,
    f"{text.fmt_int(len(not_visited))}/{text.fmt_int(cells)}",
)
ui.figure_tile(
    tiles[3],
    "sv_coverage",
    text.fmt_pct(metrics.CELLS_VISITED.pooled(coverage)),
    None,
    f"{text.fmt_int(coverage['cells_visited'].sum())}/{text.fmt_int(cells)}",
)

# ---- each member against the rule ----------------------------------------------------------------

MEMBER_FORMATS = {
    "level": lambda level: text.coded("sv_level", level),
    "interval_months": text.fmt_int,
    "required_visits": text.fmt_int,
    "visits": text.fmt_int,
    "intervals_visited": text.fmt_int,
    "compliant": lambda ok: t("sv_compliant_yes") if ok else t("sv_compliant_no"),
    "last_visit": text.fmt_date,
    "cells_visited": text.fmt_int,
}
if not len(members):
    st.info(t("sv_no_members"))
else:
    st.subheader(t("sv_by_level_title"), help=t("sv_compliant_help"))
    ui.chart_block(
        charts.compliance_by_level(members),
        members.groupby("level", sort=False)
        .agg(members=("person_id", "count"), compliant=("compliant", "sum"))
        .reset_index()
        .assign(short=lambda frame: frame["members"] - frame["compliant"]),
        "supervision_by_level",
        {
            "level": MEMBER_FORMATS["level"],
            "members": text.fmt_int,
            "compliant": text.fmt_int,
            "short": text.fmt_int,
        },
        {"compliant": t("col_compliant")},
    )

    st.subheader(t("sv_members_title"), help=t("sv_members_table_help"))
    left, right = st.columns([1, 2])
    levels = [level for level in charts.LEVELS if level in set(members["level"])]
    drill.choose(
        "level",
        levels,
        {lv: text.coded("sv_level", lv) for lv in levels},
        t("sv_filter_level"),
        container=left,
    )
    level = drill.option("level") if drill.option("level") in levels else None
    st.session_state["opt_short"] = drill.option("short") == "1"
    right.toggle(
        t("sv_only_short"),
        key="opt_short",
        on_change=lambda: drill.set_option("short", "1" if st.session_state["opt_short"] else None),
    )
    shown = members
    if level:
        shown = shown[shown["level"] == level]
    if drill.option("short") == "1":
        shown = shown[~shown["compliant"]]
    columns = [
        "full_name",
        "level",
        "unit",
        "interval_months",
        "required_visits",
        "visits",
        "intervals_visited",
        "compliant",
        "last_visit",
        "cells_visited",
    ]
    ui.table(shown[columns], "supervision", MEMBER_FORMATS)

# ---- coverage by commune; cells nobody visited ---------------------------------------------------

st.subheader(t("sv_coverage_title"), help=t("sv_coverage_table_help"))
if len(coverage):
    ui.chart_block(
        charts.visit_coverage_bars(coverage),
        coverage,
        "visit_coverage_by_commune",
        {
            "cells": text.fmt_int,
            "cells_met": text.fmt_int,
            "cells_visited": text.fmt_int,
            "coverage": text.fmt_pct,
            "visits": text.fmt_int,
            "meetings_visited": text.fmt_int,
            "visitors": text.fmt_int,
        },
    )
else:
    st.info(t("no_data"))

st.subheader(t("sv_not_visited_title"), help=t("sv_not_visited_help"))
if len(not_visited):
    ui.table(
        not_visited[["commune", "cell", "meetings", "last_visit"]],
        "cells_not_visited",
        {"meetings": text.fmt_int, "last_visit": (text.fmt_date, t("sv_never"))},
        {"last_visit": t("sv_col_last_visit_before")},
    )
elif cells:
    st.success(t("sv_all_visited"))

drill.keep_in_url(OPTIONS)
