"""Overview (Tổng quan): headline figures against the previous period and a year earlier,
where things fell below target, and the monthly attendance trend."""

import streamlit as st

from cellboard import charts, rules, text
from cellboard.app import ui
from cellboard.data import figures, periods
from cellboard.text import t

state = ui.page_header("page_overview")
comparison = figures.compare(ui.query, state.period, state.unit)

st.subheader(t("headline"))
ui.headline_tiles(comparison)

st.subheader(
    t("worse_title"),
    help=t(
        "worse_help",
        target=text.fmt_pct(rules.ATTENDANCE_TARGET, 0),
        answer_target=text.fmt_pct(rules.ON_TIME_TARGET, 0),
    ),
)
communes = ui.named_for_the_cell(ui.query("commune_summary", **ui.window(as_of=None)))
previous = ui.query("commune_summary", **ui.window(periods.previous_period(state.period), as_of=None))
communes = communes.merge(
    previous[["commune_id", "attendance_rate"]].rename(columns={"attendance_rate": "attendance_rate_prev"}),
    on="commune_id",
    how="left",
)
low_communes = communes[
    (communes["attendance_rate"] < rules.ATTENDANCE_TARGET)
    | (communes["on_time_rate"] < rules.ON_TIME_TARGET)
].sort_values("attendance_rate")
cells = ui.query("cell_ranking", **ui.window())
low_cells = figures.below_target(cells[cells["is_ranked"]], "attendance_rate", rules.ATTENDANCE_TARGET)

SHOWN_ROWS = 10  # the worst ones on screen; the count says how many there are, the downloads hold all
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('communes_below')}** ({text.fmt_int(len(low_communes))})")
    if len(low_communes):
        table = ui.view(
            low_communes[["commune", "attendance_rate", "attendance_rate_prev", "on_time_rate", "meetings"]],
            {
                "attendance_rate": text.fmt_pct,
                "attendance_rate_prev": text.fmt_pct,
                "on_time_rate": text.fmt_pct,
                "meetings": text.fmt_int,
            },
            {"on_time_rate": t("col_answered_on_time")},
        )
        st.dataframe(ui.styled(table, slice(0, SHOWN_ROWS)), hide_index=True, width="stretch")
        ui.downloads(table, "communes_below_target")
    else:
        st.success(t("nothing_below"))
with right:
    st.markdown(f"**{t('cells_below')}** ({text.fmt_int(len(low_cells))})")
    if len(low_cells):
        table = ui.view(
            low_cells[["cell", "commune", "attendance_rate", "meetings"]],
            {"attendance_rate": text.fmt_pct, "meetings": text.fmt_int},
        )
        st.dataframe(ui.styled(table, slice(0, SHOWN_ROWS)), hide_index=True, width="stretch")
        ui.downloads(table, "cells_below_target")
    else:
        st.success(t("nothing_below"))

trend = ui.query("participation_trend", **ui.window())
year_before = ui.query("participation_trend", **ui.window(periods.year_earlier(state.period)))
if trend["meetings"].sum() == 0:
    st.info(t("no_data"))
ui.chart_block(
    charts.attendance_trend(trend, rules.ATTENDANCE_TARGET, year_before),
    trend,
    "participation_trend",
    {
        "month": text.fmt_month,
        "attendance_rate": text.fmt_pct,
        "meetings": text.fmt_int,
        "expected": text.fmt_int,
        "exempt": text.fmt_int,
        "present": text.fmt_int,
        "excused": text.fmt_int,
        "absent": text.fmt_int,
    },
)
