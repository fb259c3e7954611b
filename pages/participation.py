"""Participation (Sinh hoạt & tham dự): where is attendance slipping, and which cells need help?

Above, always: the headline figures and the monthly trend against the target and a year earlier.
Beneath them a row of buttons (`section=` in the URL, cellboard/app/ui.py `section`) picks one
section, and only that section's queries run and its charts are drawn (issue 15):
- `communes` (the default): communes side by side, a click drilling into a commune's cells and a
  cell's meetings (`commune=`, `cell=` in the URL). The drill-down is a fragment: a click in it
  reruns that section alone (with the session checked again), not the page.
- `heatmap`: attendance by commune and month.
- `regularity`: regularity and thematic coverage by commune.
- `absences`: absence reasons and members working away; chronic absentees.
A click on a commune in the regularity or absence-reasons chart opens `communes` at that commune.
"""

import streamlit as st

from cellboard import charts, rules, text
from cellboard.app import drill, tables, ui
from cellboard.data import metrics, periods
from cellboard.text import escape_markdown as plain  # names from the data: text, never markdown

OPTIONS = ("commune", "cell")
SECTIONS = ["communes", "heatmap", "regularity", "absences"]
# the section buttons' labels (ui.section asks for section_<id>), named for `make messages`
SECTION_LABELS = (
    text.N_("section_communes"),
    text.N_("section_heatmap"),
    text.N_("section_regularity"),
    text.N_("section_absences"),
)

RATE = "pct"
COUNT = "int"
MONTHLY = {
    "month": "month",
    "attendance_rate": RATE,
    "meetings": COUNT,
    "expected": COUNT,
    "exempt": COUNT,
    "present": COUNT,
    "excused": COUNT,
    "absent": COUNT,
}


def pick_commune(commune_id: str | None) -> None:
    if commune_id != drill.option("commune"):
        drill.set_option("commune", commune_id)
        drill.set_option("cell", None)


def pick_cell(cell_id: str | None) -> None:
    drill.set_option("cell", cell_id)


def open_commune(commune_id: str | None) -> None:
    """A click on a commune in another section's chart: the communes section, at that commune."""
    pick_commune(commune_id)
    ui.show_section("communes")


def drilled(loc, cells) -> tuple[str | None, str | None]:
    """The commune and the cell drilled into (from the URL or the session), checked against the
    unit's cells: (commune, cell). A cell picked in the filter bar is the cell; a single commune is
    the commune."""
    state = ui.current_filters()
    if unit_kind(state.unit) == "cell":
        return None, state.unit
    communes = commune_names(cells)
    if len(communes) == 1:
        return next(iter(communes)), drill.valid_option(loc, "cell", cells["cell_id"])
    commune = drill.valid_option(loc, "commune", communes)
    in_commune = cells.loc[cells["commune_id"] == commune, "cell_id"] if commune else []
    return commune, drill.valid_option(loc, "cell", in_commune)


def unit_kind(unit: str | None) -> str | None:
    if unit is None:
        return None
    tree = ui.query("unit_tree")
    kinds = tree.loc[tree["unit_id"] == unit, "kind"]
    return kinds.iloc[0] if len(kinds) else None


def commune_names(cells) -> dict[str, str]:
    return ui.lookup(cells["commune_id"], cells["commune"].fillna(cells["commune_id"]))


# ---- communes, their cells, a cell's meetings -------------------------------------------------
@st.fragment
def communes_section(cells) -> None:
    """The drill-down: a click on a commune or a cell reruns this section alone."""
    ui.require_session()  # a fragment's rerun skips dashboard.py: check the session here
    loc = ui.locale()
    state = ui.current_filters()
    commune, cell = drilled(loc, cells)
    names = commune_names(cells)
    cell_names = ui.lookup(cells["cell_id"], cells["cell"])
    single_commune = len(names) == 1

    if unit_kind(state.unit) != "cell":
        if single_commune:
            st.subheader(loc.t("cells_of", name=plain(names[commune])), help=loc.t("cells_of_help"))
        else:
            st.subheader(loc.t("communes_compared"), help=loc.t("communes_compared_help"))
        left, right = st.columns(2) if not single_commune else (None, st.container())
        if not single_commune:
            with left:
                communes_compared(loc, names, commune)
        with right:
            if commune is None:
                st.info(loc.t("click_hint"))
            else:
                cells_of_commune(loc, cells, names, cell_names, commune, cell, single_commune)

    if cell is not None:
        cell_meetings(loc, cells, cell_names, cell)


def communes_compared(loc, names: dict[str, str], commune: str | None) -> None:
    communes = ui.query("commune_summary", **ui.window(as_of=None))
    communes = communes[communes["meetings"] > 0].sort_values(["attendance_rate", "commune"])
    communes = communes[
        [
            "commune_id",
            "commune",
            "cells",
            "meetings",
            "expected",
            "exempt",
            "present",
            "excused",
            "absent",
            "attendance_rate",
        ]
    ]
    drill.choose(
        loc,
        "commune",
        list(names),
        names,
        loc.t("drill_commune"),
        on_pick=pick_commune,
        help=loc.t("drill_help"),
    )
    if len(communes):
        charted = ui.bars_shown(loc, communes, "commune_id", commune)
        drill.clickable_chart_block(
            loc,
            ui.figure(
                charts.rate_bars,
                loc,
                charted,
                "commune_id",
                "commune",
                rules.ATTENDANCE_TARGET,
                selected=commune,
            ),
            communes,
            "commune_attendance",
            {
                "attendance_rate": RATE,
                "cells": COUNT,
                "meetings": COUNT,
                "expected": COUNT,
                "exempt": COUNT,
                "present": COUNT,
                "excused": COUNT,
                "absent": COUNT,
            },
            pick_commune,
        )


def cells_of_commune(loc, cells, names, cell_names, commune, cell, single_commune) -> None:
    shown = cells[cells["commune_id"] == commune].sort_values(
        ["attendance_rate", "cell"], na_position="first"
    )
    shown = shown[
        [
            "cell_id",
            "cell",
            "meetings",
            "expected",
            "exempt",
            "present",
            "attendance_rate",
            "regularity",
            "thematic_coverage",
        ]
    ]
    label = loc.t("drill_cell") if single_commune else loc.t("cells_of", name=plain(names[commune]))
    drill.choose(
        loc,
        "cell",
        list(shown["cell_id"]),
        cell_names,
        label,
        on_pick=pick_cell,
        help=loc.t("cells_of_help"),
    )
    charted = ui.bars_shown(loc, shown, "cell_id", cell)
    drill.clickable_chart_block(
        loc,
        ui.figure(charts.rate_bars, loc, charted, "cell_id", "cell", rules.ATTENDANCE_TARGET, selected=cell),
        shown,
        "cell_attendance",
        {
            "attendance_rate": RATE,
            "regularity": RATE,
            "thematic_coverage": RATE,
            "meetings": COUNT,
            "expected": COUNT,
            "exempt": COUNT,
            "present": COUNT,
        },
        pick_cell,
    )


def cell_meetings(loc, cells, cell_names, cell: str) -> None:
    cell_name = cell_names.get(cell) or ui.unit_name(loc, cell)
    st.markdown(f"**{loc.t('meetings_of', name=plain(cell_name))}**", help=loc.t("meetings_of_help"))
    # rooted at the cell's commune, so the cells merged into it show even when the filter picked the cell
    lineage_root = cells.loc[cells["cell_id"] == cell, "commune_id"]
    meetings = ui.query(
        "cell_meetings",
        **ui.window(cell=cell, unit=lineage_root.iloc[0] if len(lineage_root) else ui.current_filters().unit),
    )
    if len(meetings):
        tables.chart_block(
            loc,
            ui.figure(charts.meeting_bars, loc, meetings, rules.ATTENDANCE_TARGET),
            meetings,
            "cell_meetings",
            {
                "held_on": "date",
                "attendance_rate": RATE,
                "kind": lambda kind: loc.coded("kind", kind),
                "expected": COUNT,
                "exempt": COUNT,
                "present": COUNT,
                "excused": COUNT,
                "absent": COUNT,
            },
            {
                "topic": loc.t("op_col_text"),
                "visits": loc.t("sv_col_visitors"),
            },  # the meeting's topic; who came
        )
    else:
        st.info(loc.t("no_meetings"))


# ---- commune x month ---------------------------------------------------------------------------
def heatmap_section(loc, params) -> None:
    st.subheader(loc.t("heatmap_title"), help=loc.t("heatmap_help"))
    monthly = ui.named_for_the_cell(loc, ui.query("commune_month_attendance", **params))
    if len(monthly):
        matrix = ui.figure(charts.heatmap_table, loc, monthly)  # made once per data, as the figures
        tables.chart_block(
            loc,
            ui.figure(charts.attendance_heatmap, loc, monthly),
            matrix,
            "commune_month_attendance",
            {column: RATE for column in matrix.columns[2:]},
            {column: column for column in matrix.columns[2:]},  # the months, mm/yyyy
        )
    else:
        st.info(loc.t("no_data"))


# ---- regularity and thematic coverage ----------------------------------------------------------
def regularity_section(loc, pooled, commune: str | None) -> None:
    st.subheader(loc.t("regularity_title"), help=loc.t("regularity_by_commune_help"))
    if len(pooled):
        drill.clickable_chart_block(
            loc,
            ui.figure(charts.regularity_dots, loc, pooled, selected=commune),
            pooled,
            "commune_regularity",
            {
                "regularity": RATE,
                "thematic_coverage": RATE,
                "cells": COUNT,
                "months_met": COUNT,
                "months_existed": COUNT,
                "quarters_thematic": COUNT,
                "quarters_existed": COUNT,
            },
            open_commune,
        )
    else:
        st.info(loc.t("no_data"))


# ---- absence reasons; chronic absentees --------------------------------------------------------
def absences_section(loc, params) -> None:
    st.subheader(loc.t("absence_title"), help=loc.t("absence_help"))
    reasons = ui.named_for_the_cell(loc, ui.query("absence_reasons", **params))
    if len(reasons):
        drill.clickable_chart_block(
            loc,
            ui.figure(charts.absence_bars, loc, reasons),
            reasons,
            "absence_reasons",
            {
                column: COUNT
                for column in (
                    "meetings",
                    "absences",
                    "excused",
                    "absent",
                    "away",
                    "illness",
                    "work",
                    "other_reason",
                    "reason_not_given",
                    "members",
                    "members_away",
                )
            }
            | {"away_share": RATE},
            open_commune,
        )
    else:
        st.info(loc.t("no_data"))

    st.subheader(loc.t("chronic_title"), help=loc.t("chronic_help"))
    absentees = ui.query("chronic_absentees", **params)
    if not len(absentees):
        st.success(loc.t("chronic_none"))
        return
    st.markdown(loc.t("chronic_count", count=loc.integer(len(absentees))))
    if ui.current_scope().names:
        listed = absentees[
            [
                "full_name",
                "cell",
                "commune",
                "absences",
                "meetings_counted",
                "excused",
                "absent",
                "away",
                "illness",
                "work",
                "other_reason",
                "last_absence",
                "membership_status",
            ]
        ]
        formats = {
            "last_absence": "date",
            "membership_status": lambda s: loc.coded("status", s) if s else "–",
        }
    else:
        st.caption(loc.t("names_hidden"))
        listed = (
            absentees.groupby(["commune_id", "commune", "cell_id", "cell"], sort=False, dropna=False)
            .size()
            .rename("absentees")
            .reset_index()
        )
        formats = {}
    tables.table(loc, listed, "chronic_absentees", formats, per_page=tables.OPEN_LIST_ROWS, height=320)


loc = ui.locale()
state = ui.page_header(loc, "page_participation")
params = ui.window()
target = rules.ATTENDANCE_TARGET

trend = ui.query("participation_trend", **params)
year_before = ui.query("participation_trend", **ui.window(periods.year_earlier(state.period)))
cells = ui.query("cell_ranking", **params)  # every cell of the unit: the tiles, the drill-down

# ---- headline ----------------------------------------------------------------------------------
rate_now, rate_then = metrics.ATTENDANCE.pooled(trend), metrics.ATTENDANCE.pooled(year_before)
tiles = st.columns(4)
tiles[0].metric(
    loc.t("attendance_rate"),
    loc.pct(rate_now),
    help=loc.t("attendance_rate_help"),
    delta=loc.points(rate_now - rate_then) if None not in (rate_now, rate_then) else None,
)
tiles[0].caption(f"{loc.t('vs_year_earlier')}: {loc.pct(rate_then)}")
tiles[1].metric(loc.t("meetings"), loc.integer(trend["meetings"].sum()), help=loc.t("meetings_help"))
tiles[2].metric(
    loc.t("regularity"),
    loc.pct(metrics.REGULARITY.pooled(cells)),
    help=loc.t("regularity_help"),
)
tiles[3].metric(
    loc.t("thematic_coverage"),
    loc.pct(metrics.THEMATIC_COVERAGE.pooled(cells)),
    help=loc.t("thematic_coverage_help"),
)

if trend["meetings"].sum() == 0:
    st.info(loc.t("no_data"))
tables.chart_block(
    loc,
    ui.figure(charts.attendance_trend, loc, trend, target, year_before),
    trend,
    "participation_trend",
    MONTHLY,
)

# ---- one section at a time ---------------------------------------------------------------------
chosen = ui.section(loc, SECTIONS)
commune, _ = drilled(loc, cells)  # the link's commune and cell checked (a notice if not the unit's)
drill.keep_in_url(OPTIONS)  # kept in the URL whichever section is open
if chosen == "communes":
    communes_section(cells)
elif chosen == "heatmap":
    heatmap_section(loc, params)
elif chosen == "regularity":
    regularity_section(loc, ui.named_for_the_cell(loc, ui.derived(charts.pool_by_commune, cells)), commune)
elif chosen == "absences":
    absences_section(loc, params)
