"""Supervision (Dự sinh hoạt của cấp ủy): each committee member's visits to cell meetings against the
rule for their level (intervals in table visit_rule), cells nobody visited, coverage by commune.

Above, always: the rule as the data states it and the four headline figures. Beneath them a row of
buttons (`section=` in the URL, cellboard/app/ui.py `section`) picks one section, and only that
section's charts and tables are drawn (issue 15):
- `members` (the default): compliance by level, and each member against the rule. The members'
  table is a fragment: its filters (level, only those short of the rule) rerun it alone (with the
  session checked again), not the page.
- `coverage`: visit coverage by commune.
- `not_visited`: cells nobody visited.

Page options in the URL (cellboard.drill): level, short (only members short of the rule).
"""

import streamlit as st

from cellboard import charts, text
from cellboard.app import drill, tables, ui
from cellboard.data import metrics

OPTIONS = ("level", "short")
SECTIONS = ["members", "coverage", "not_visited"]
# the section buttons' labels (ui.section asks for section_<id>), named for `make messages`
SECTION_LABELS = (
    text.N_("section_members"),
    text.N_("section_coverage"),
    text.N_("section_not_visited"),
)


loc = ui.locale()
state = ui.page_header(loc, "page_supervision")
members = ui.query("supervision", **ui.window())
coverage = ui.query("visit_coverage_by_commune", **ui.window())
not_visited = ui.query("cells_not_visited", **ui.window())

# The rule as the data states it: one interval per level, from table visit_rule via the query.
intervals = members.drop_duplicates("level").set_index("level")["interval_months"].to_dict()
rule = ", ".join(
    loc.tn(
        "sv_rule_part",
        "sv_rule_part_plural",
        int(intervals[level]),
        level=loc.coded("sv_level", level),
        months=loc.integer(intervals[level]),
    )
    for level in charts.LEVELS
    if level in intervals
)
if rule:
    st.caption(loc.t("sv_rule", rule=rule))

cells = int(coverage["cells"].sum())
compliant = int(members["compliant"].sum())
tiles = st.columns(4)
period_caption = ui.period_caption(loc, state.period)
ui.figure_tile(loc, tiles[0], "sv_members", loc.integer(len(members)), None, period_caption)
ui.figure_tile(
    loc,
    tiles[1],
    "sv_compliant",
    loc.pct(metrics.compliant_share(members)),
    None,
    f"{loc.integer(compliant)}/{loc.integer(len(members))}",
)
ui.figure_tile(
    loc,
    tiles[2],
    "sv_not_visited",
    loc.integer(len(not_visited)),
    None,
    f"{loc.integer(len(not_visited))}/{loc.integer(cells)}",
)
ui.figure_tile(
    loc,
    tiles[3],
    "sv_coverage",
    loc.pct(metrics.CELLS_VISITED.pooled(coverage)),
    None,
    f"{loc.integer(coverage['cells_visited'].sum())}/{loc.integer(cells)}",
)

# ---- each member against the rule ----------------------------------------------------------------


def member_formats(loc) -> dict:
    return {
        "level": lambda level: loc.coded("sv_level", level),
        "interval_months": "int",
        "required_visits": "int",
        "visits": "int",
        "intervals_visited": "int",
        "compliant": lambda ok: loc.t("sv_compliant_yes") if ok else loc.t("sv_compliant_no"),
        "last_visit": "date",
        "cells_visited": "int",
    }


MEMBER_COLUMNS = [
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


def members_section(loc, members) -> None:
    if not len(members):
        st.info(loc.t("sv_no_members"))
        return
    formats = member_formats(loc)
    st.subheader(loc.t("sv_by_level_title"), help=loc.t("sv_compliant_help"))
    tables.chart_block(
        loc,
        ui.figure(charts.compliance_by_level, loc, members),
        members.groupby("level", sort=False)
        .agg(members=("person_id", "count"), compliant=("compliant", "sum"))
        .reset_index()
        .assign(short=lambda frame: frame["members"] - frame["compliant"]),
        "supervision_by_level",
        {
            "level": formats["level"],
            "members": "int",
            "compliant": "int",
            "short": "int",
        },
        {"compliant": loc.t("col_compliant")},
    )
    members_table(members)


@st.fragment
def members_table(members) -> None:
    """Each member against the rule: its filters rerun this table alone."""
    ui.require_session()  # a fragment's rerun skips dashboard.py: check the session here
    loc = ui.locale()
    st.subheader(loc.t("sv_members_title"), help=loc.t("sv_members_table_help"))
    left, right = st.columns([1, 2])
    levels = [level for level in charts.LEVELS if level in set(members["level"])]
    drill.choose(
        loc,
        "level",
        levels,
        {lv: loc.coded("sv_level", lv) for lv in levels},
        loc.t("sv_filter_level"),
        container=left,
    )
    level = drill.option("level") if drill.option("level") in levels else None
    st.session_state["opt_short"] = drill.option("short") == "1"
    right.toggle(
        loc.t("sv_only_short"),
        key="opt_short",
        on_change=lambda: drill.set_option("short", "1" if st.session_state["opt_short"] else None),
    )
    shown = members
    if level:
        shown = shown[shown["level"] == level]
    if drill.option("short") == "1":
        shown = shown[~shown["compliant"]]
    tables.table(
        loc, shown[MEMBER_COLUMNS], "supervision", member_formats(loc), per_page=tables.OPEN_LIST_ROWS
    )


# ---- coverage by commune; cells nobody visited ---------------------------------------------------


def coverage_section(loc, coverage) -> None:
    st.subheader(loc.t("sv_coverage_title"), help=loc.t("sv_coverage_table_help"))
    if len(coverage):
        tables.chart_block(
            loc,
            ui.figure(charts.visit_coverage_bars, loc, coverage),
            coverage,
            "visit_coverage_by_commune",
            {
                "cells": "int",
                "cells_met": "int",
                "cells_visited": "int",
                "coverage": "pct",
                "visits": "int",
                "meetings_visited": "int",
                "visitors": "int",
            },
        )
    else:
        st.info(loc.t("no_data"))


def not_visited_section(loc, not_visited, cells: int) -> None:
    st.subheader(loc.t("sv_not_visited_title"), help=loc.t("sv_not_visited_help"))
    if len(not_visited):
        tables.table(
            loc,
            not_visited[["commune", "cell", "meetings", "last_visit"]],
            "cells_not_visited",
            {"meetings": "int", "last_visit": ("date", loc.t("sv_never"))},
            {"last_visit": loc.t("sv_col_last_visit_before")},
            per_page=tables.OPEN_LIST_ROWS,
        )
    elif cells:
        st.success(loc.t("sv_all_visited"))


chosen = ui.section(loc, SECTIONS)
if chosen == "members":
    members_section(loc, members)
elif chosen == "coverage":
    coverage_section(loc, coverage)
elif chosen == "not_visited":
    not_visited_section(loc, not_visited, cells)

# the options a link brought are kept for the sections not drawn in this run, then written back
for key in OPTIONS:
    drill.option(key)
drill.keep_in_url(OPTIONS)
