"""Cell rankings (Xếp hạng chi bộ): how do communes and cells compare this period?

Cells ranked within their commune by a score whose components and weights are on the page (weights
adjustable, with a reset; the defaults are cellboard/rules.py DEFAULT_WEIGHTS). Above, always: the
score and its weights. Beneath them a row of buttons (`section=` in the URL, cellboard/app/ui.py
`section`) picks one section, and only that section's queries run and its charts are drawn (issue 15):
- `ranking` (the default): the top and bottom cell of every commune, one commune's ranking, a
  cell's history across merges;
- `needs_help`: cells that need help (they depend on the score, so on the weights);
- `ratings`: ratings by commune and year.
The commune, the cell and the weights live in the URL (`commune=`, `cell=`, `w_*=`).

Everything under the page's heading is a fragment: a weight slider, the reset, a section button or a
click in the ranking reruns that part alone (with the session checked again), not the page; the
ranking section is a fragment of its own inside it, so a drill-down click reruns only the ranking.
"""

import datetime as dt

import streamlit as st

from cellboard import charts, rules, text
from cellboard.app import drill, tables, ui
from cellboard.data import metrics, periods
from cellboard.text import escape_markdown as plain  # names and links' text: never markdown

# URL key and cell_ranking parameter -> the component it weighs
WEIGHTS = {weight: component for component, weight in metrics.SCORE_WEIGHTS.items()}
OPTIONS = ("commune", "cell", *WEIGHTS)
WEIGHT_STEP = 0.05
LIST_ROWS = tables.OPEN_LIST_ROWS  # the worst cells that need help are shown; the download holds them all
SECTIONS = ["ranking", "needs_help", "ratings"]
# the section buttons' labels (ui.section asks for section_<id>), named for `make messages`
SECTION_LABELS = (
    text.N_("section_ranking"),
    text.N_("section_needs_help"),
    text.N_("section_ratings"),
)
MONTHS_BEFORE_MERGE = 6  # a cell formed by a merge: its history starts at least this long before

RATE = "pct"
COUNT = "int"
RANKING_FORMATS = {
    "score": RATE,
    "attendance_rate": RATE,
    "regularity": RATE,
    "thematic_coverage": RATE,
    "visit_coverage": RATE,
    "meetings": COUNT,
    "rank_in_commune": COUNT,
    **dict.fromkeys(WEIGHTS, "num2"),  # weights shown with 2 decimals
}


def url_weights(loc: text.Locale) -> dict[str, float | None]:
    """The weights the URL or session holds (None = the default); a bad one is dropped."""
    weights: dict[str, float | None] = {}
    for key in WEIGHTS:
        raw = drill.option(key)
        value = None
        if raw is not None:
            try:
                value = float(raw.replace(",", "."))
            except ValueError:
                value = -1.0
            if not 0 <= value <= 1:
                st.warning(loc.t("bad_weight", value=plain(raw)))
                drill.set_option(key, None)
                value = None
        weights[key] = value
    if all(value is not None for value in weights.values()) and sum(weights.values()) == 0:
        st.warning(loc.t("weights_all_zero"))
        for key in WEIGHTS:
            drill.set_option(key, None)
        weights = dict.fromkeys(WEIGHTS)
    return weights


def set_weight(key: str) -> None:
    drill.set_option(key, round(float(st.session_state[f"weight_{key}"]), 2))


def reset_weights() -> None:
    for key in WEIGHTS:
        drill.set_option(key, None)
        st.session_state.pop(f"weight_{key}", None)


def pick_commune(commune_id: str | None) -> None:
    drill.set_option("commune", commune_id)


def pick_cell(cell_id: str | None) -> None:
    drill.set_option("cell", cell_id)


def formula(loc: text.Locale, used) -> str:
    shares = metrics.weight_shares(used)
    return " + ".join(f"{loc.pct(shares[key])} × {loc.t(component)}" for key, component in WEIGHTS.items())


def drilled(loc: text.Locale, ranking) -> tuple[dict[str, str], str, dict[str, str], str | None]:
    """The communes' and cells' names and the commune and cell drilled into (from the URL or the
    session), checked against the ranking; a cell picked in the filter bar is the cell."""
    commune_names = ui.lookup(ranking["commune_id"], ranking["commune"].fillna(ranking["commune_id"]))
    commune = drill.valid_option(loc, "commune", commune_names) or next(iter(commune_names))
    cell_names = ui.lookup(ranking["cell_id"], ranking["cell"])
    cell = drill.valid_option(loc, "cell", cell_names)
    if ui.current_filters().unit in cell_names:
        cell = ui.current_filters().unit  # the filter bar picked one cell
    return commune_names, commune, cell_names, cell


@st.fragment
def scored() -> None:
    """The score, its weights and the chosen section: a slider, the reset or a section button
    reruns this alone."""
    ui.require_session()  # a fragment's rerun skips dashboard.py: check the session here
    loc = ui.locale()
    weights = url_weights(loc)
    asked = {key: rules.DEFAULT_WEIGHTS[key] if value is None else value for key, value in weights.items()}
    ranking = ui.query("cell_ranking", **ui.window(**asked))
    if not len(ranking):
        drill.keep_in_url(OPTIONS)
        st.info(loc.t("no_data"))
        return

    # ---- the score and its weights -------------------------------------------------------------
    used = ranking.iloc[0][list(WEIGHTS)]  # the weights the query used: what the page shows
    st.markdown(
        f"**{loc.t('score')}** = {formula(loc, used)}",
        help=loc.t("score_help", parts=formula(loc, used), minimum=rules.MIN_MEETINGS_TO_RANK),
    )
    with st.expander(loc.t("weights"), icon=":material/tune:"):
        columns = st.columns(len(WEIGHTS))
        for column, (key, component) in zip(columns, WEIGHTS.items(), strict=True):
            widget = f"weight_{key}"
            if st.session_state.get(widget) != float(used[key]):
                st.session_state[widget] = float(used[key])  # the slider shows the weight in use
            column.slider(
                loc.t(component),
                0.0,
                1.0,
                step=WEIGHT_STEP,
                key=widget,
                on_change=set_weight,
                args=(key,),
                help=loc.coded(component, "help"),
            )
        st.caption(loc.t("weights_caption"))
        st.button(loc.t("reset_weights"), on_click=reset_weights, icon=":material/restart_alt:")

    # ---- one section at a time -----------------------------------------------------------------
    chosen = ui.section(loc, SECTIONS)
    drilled(loc, ranking)  # the link's commune and cell checked (a notice if not the unit's)
    drill.keep_in_url(OPTIONS)  # kept in the URL whichever section is open
    if chosen == "ranking":
        ranking_section(ranking, used)
    elif chosen == "needs_help":
        needs_help_section(loc, ranking)
    elif chosen == "ratings":
        ratings_section(loc)


# ---- communes: top and bottom; one commune's ranking; a cell's history -------------------------
@st.fragment
def ranking_section(ranking, used) -> None:
    """The drill-down: a click on a commune or a cell reruns this section alone."""
    ui.require_session()
    loc = ui.locale()
    commune_names, commune, cell_names, cell = drilled(loc, ranking)
    single_commune = len(commune_names) == 1
    left, right = st.columns(2) if not single_commune else (None, st.container())
    if not single_commune:
        with left:
            st.markdown(
                f"**{loc.t('top_bottom_title')}**",
                help=loc.t("top_bottom_help", minimum=rules.MIN_MEETINGS_TO_RANK),
            )
            extremes = ui.derived(charts.top_bottom, ranking)
            drill.clickable_chart_block(
                loc,
                ui.figure(charts.top_bottom_chart, loc, extremes, selected=commune),
                extremes,
                "top_bottom_cells",
                {"top_score": RATE, "bottom_score": RATE, "ranked_cells": COUNT, "not_enough_data": COUNT},
                pick_commune,
            )
    with right:
        drill.choose(
            loc,
            "commune",
            list(commune_names),
            commune_names,
            loc.t("ranking_commune"),
            on_pick=pick_commune,
            help=loc.t("drill_help"),
        )
        st.markdown(
            f"**{loc.t('ranking_title', name=plain(commune_names[commune]))}**",
            help=loc.t("score_help", parts=formula(loc, used), minimum=rules.MIN_MEETINGS_TO_RANK),
        )
        ranked = ranking[ranking["commune_id"] == commune][
            [
                "cell_id",
                "cell",
                "rank_in_commune",
                "is_ranked",
                "score",
                "meetings",
                "attendance_rate",
                "regularity",
                "thematic_coverage",
                "visit_coverage",
                "commune_id",
                "commune",
                *WEIGHTS,
            ]
        ]
        if len(ranked) > charts.BARS_SHOWN:  # cells the chart leaves out are picked here
            names = ui.lookup(ranked["cell_id"], ranked["cell"])
            drill.choose(loc, "cell", list(names), names, loc.t("drill_cell"), on_pick=pick_cell)
        drill.clickable_chart_block(
            loc,
            ui.figure(charts.ranking_bars, loc, ui.bars_shown(loc, ranked, "cell_id", cell), selected=cell),
            ranked,
            "cell_ranking",
            {**RANKING_FORMATS, "is_ranked": lambda ranked: "✓" if ranked else loc.t("not_enough_data")},
            pick_cell,
        )
    if cell is not None:
        cell_history(loc, ranking, cell)


def cell_history(loc: text.Locale, ranking, cell: str) -> None:
    """A cell's history across merges."""
    period = ui.current_filters().period
    cell_row = ranking[ranking["cell_id"] == cell].iloc[0]
    st.subheader(loc.t("history_title", name=plain(cell_row["cell"])), help=loc.t("history_help"))
    shown_from = period.start
    if not text.is_missing(cell_row["valid_from"]):
        formed = periods.month_start(cell_row["valid_from"].date())
        shown_from = min(shown_from, periods.add_months(formed, -MONTHS_BEFORE_MERGE))
    history_period = periods.Period(shown_from, period.end)
    # rooted at the cell's commune, so its predecessors show even when the filter picked the cell
    history = ui.query("cell_history", **ui.window(history_period, cell=cell, unit=cell_row["commune_id"]))
    commune_trend = ui.query("participation_trend", **ui.window(history_period, unit=cell_row["commune_id"]))
    st.caption(ui.period_caption(loc, history_period))
    lineage = history.drop_duplicates("cell_id")
    earlier = lineage[lineage["relation"] == "predecessor"]
    later = lineage[lineage["relation"] == "successor"]
    if len(earlier):
        st.caption(
            loc.t(
                "lineage_caption",
                cell=plain(cell_row["cell"]),
                predecessors=", ".join(map(plain, earlier["cell"])),
            )
        )
    for _, successor in later.iterrows():
        merged_on = cell_row["valid_to"]
        merged_from = "–" if text.is_missing(merged_on) else loc.date(merged_on + dt.timedelta(days=1))
        st.caption(
            loc.t(
                "merged_caption",
                cell=plain(cell_row["cell"]),
                successor=plain(successor["cell"]),
                date=merged_from,
            )
        )
    tables.chart_block(
        loc,
        ui.figure(
            charts.history_lines,
            loc,
            history,
            commune_trend,
            str(cell_row["commune"]),
            rules.ATTENDANCE_TARGET,
        ),
        history,
        "cell_history",
        {
            "month": "month",
            "attendance_rate": RATE,
            "meetings": COUNT,
            "thematic_meetings": COUNT,
            "expected": COUNT,
            "exempt": COUNT,
            "present": COUNT,
            "valid_from": "date",
            "valid_to": "date",
            "relation": lambda relation: loc.coded("relation", relation),
        },
    )


# ---- cells that need help ----------------------------------------------------------------------
def needs_help_section(loc: text.Locale, ranking) -> None:
    target = rules.ATTENDANCE_TARGET
    st.subheader(
        loc.t("needs_help_title"),
        help=loc.t("needs_help_help", target=loc.pct(target, 0), months=rules.MONTHS_BELOW_TARGET_FOR_HELP),
    )
    running = ui.query("cells_needing_help", **ui.window(target=target))
    needing = ui.figure(charts.needs_help_table, loc, ranking, running)  # made once per data
    if len(needing):
        shown = tables.view(
            loc,
            needing[["commune", "cell", "why", "attendance_rate", "score", "rank_in_commune", "meetings"]],
            {
                "why": "label",
                "attendance_rate": RATE,
                "score": RATE,
                "rank_in_commune": COUNT,
                "meetings": COUNT,
            },
        )
        # the worst first, a page at a time (with the count of rows); the downloads hold them all
        tables.show(shown, "cells_needing_help", per_page=LIST_ROWS, height=300)
    else:
        st.success(loc.t("needs_help_none"))


# ---- ratings -----------------------------------------------------------------------------------
def ratings_section(loc: text.Locale) -> None:
    # Ratings are annual: the period's years and the year before (a half-year has no rating of its own yet).
    period = ui.current_filters().period
    first_year = period.start.year - 1
    years = f"{first_year}–{period.end.year}"
    st.subheader(loc.t("ratings_title"), help=loc.t("ratings_help", years=years))
    ratings = ui.query("rating_distribution", **ui.window(start=dt.date(first_year, 1, 1)))
    if len(ratings):
        tables.chart_block(
            loc,
            ui.figure(charts.rating_bars, loc, ratings),
            ratings,
            "rating_distribution",
            {"share": RATE, "cells": COUNT, "grade": lambda grade: loc.coded("grade", grade)},
        )
    else:
        st.info(loc.t("no_ratings", years=years))


ui.page_header(ui.locale(), "page_rankings")
scored()
