"""Overview (Tổng quan): headline figures against the previous period and a year earlier,
where things fell below target, and the monthly attendance trend."""

import streamlit as st

from cellboard import charts, rules
from cellboard.app import tables, ui
from cellboard.data import figures, periods

loc = ui.locale()
state = ui.page_header(loc, "page_overview")


def ranked_cells(period: periods.Period):
    """cell_ranking's rows for the unit, cut from the whole scope's (ui.cells_of_the_unit)."""
    return ui.cells_of_the_unit("cell_ranking", state.unit, start=period.start, end=period.end)


comparison = figures.compare(ui.query, state.period, state.unit, ranked_cells)

st.subheader(loc.t("headline"))
ui.headline_tiles(loc, comparison)

st.subheader(
    loc.t("worse_title"),
    help=loc.t(
        "worse_help",
        target=loc.pct(rules.ATTENDANCE_TARGET, 0),
        answer_target=loc.pct(rules.ON_TIME_TARGET, 0),
    ),
)
communes = ui.named_for_the_cell(loc, ui.query("commune_summary", **ui.window(as_of=None)))
# the previous period's attendance of each commune, from its cells the headline has already asked for
previous = figures.attendance_by_commune(ranked_cells(comparison.previous))
communes = communes.merge(
    previous.rename(columns={"attendance_rate": "attendance_rate_prev"}),
    on="commune_id",
    how="left",
)
low_communes = communes[
    (communes["attendance_rate"] < rules.ATTENDANCE_TARGET)
    | (communes["on_time_rate"] < rules.ON_TIME_TARGET)
].sort_values("attendance_rate")
cells = ranked_cells(state.period)
low_cells = figures.below_target(cells[cells["is_ranked"]], "attendance_rate", rules.ATTENDANCE_TARGET)

SHOWN_ROWS = 10  # the worst ones on screen; the count says how many there are, the downloads hold all
left, right = st.columns(2)
with left:
    st.markdown(f"**{loc.t('communes_below')}** ({loc.integer(len(low_communes))})")
    if len(low_communes):
        table = tables.view(
            loc,
            low_communes[["commune", "attendance_rate", "attendance_rate_prev", "on_time_rate", "meetings"]],
            {
                "attendance_rate": "pct",
                "attendance_rate_prev": "pct",
                "on_time_rate": "pct",
                "meetings": "int",
            },
            {"on_time_rate": loc.t("col_answered_on_time")},
        )
        st.dataframe(tables.styled(table, slice(0, SHOWN_ROWS)), hide_index=True, width="stretch")
        tables.downloads(table, "communes_below_target")
    else:
        st.success(loc.t("nothing_below"))
with right:
    st.markdown(f"**{loc.t('cells_below')}** ({loc.integer(len(low_cells))})")
    if len(low_cells):
        table = tables.view(
            loc,
            low_cells[["cell", "commune", "attendance_rate", "meetings"]],
            {"attendance_rate": "pct", "meetings": "int"},
        )
        st.dataframe(tables.styled(table, slice(0, SHOWN_ROWS)), hide_index=True, width="stretch")
        tables.downloads(table, "cells_below_target")
    else:
        st.success(loc.t("nothing_below"))

trend = ui.query("participation_trend", **ui.window())
year_before = ui.query("participation_trend", **ui.window(periods.year_earlier(state.period)))
if trend["meetings"].sum() == 0:
    st.info(loc.t("no_data"))
tables.chart_block(
    loc,
    ui.figure(charts.attendance_trend, loc, trend, rules.ATTENDANCE_TARGET, year_before),
    trend,
    "participation_trend",
    {
        "month": "month",
        "attendance_rate": "pct",
        "meetings": "int",
        "expected": "int",
        "exempt": "int",
        "present": "int",
        "excused": "int",
        "absent": "int",
    },
)
