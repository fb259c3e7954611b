"""Plotly figures in one house style: the locale's separators (each figure is given its `loc`),
dd/mm/yyyy dates, one palette for categories and one sequential scale for rates across the app.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from cellboard import text
from cellboard.data import metrics

# Categories keep their colour everywhere (agriculture is always green, ...).
CATEGORY_COLOURS = {
    "agriculture": "#4c9a2a",
    "transport_construction": "#e07b24",
    "environment": "#2a9d8f",
    "services": "#8e6cc2",
    "social_policy": "#d1495b",
    "security_order": "#3a5ba0",
    "party_work": "#c9a227",
    "other": "#8d99ae",
}
SERIES_COLOURS = ["#b22222", "#3a5ba0", "#8d99ae", "#e07b24", "#2a9d8f"]
RATE_SCALE = "RdYlGn"  # low rates red, high green: the sequential scale for every rate
TARGET_COLOUR = "#555555"
# Every figure's template, applied as each figure is made: plotly takes a default template as already
# valid, where update_layout(template=...) checks all of it again (about 20 ms a figure).
TEMPLATE = "plotly_white"
pio.templates.default = TEMPLATE


def plain(value: object) -> str:
    """A name or text from the data as plotly text: plotly draws titles, tick labels, legend names, hover
    labels and bar text as a little HTML (<b>, <a href>, <br>), so <, > and & are escaped (plotly shows
    &lt; &gt; &amp; as the characters). Every value from the data that a figure shows goes through it."""
    return html.escape(str(value), quote=False)


def plains(values) -> list[str]:
    return [plain(value) for value in values]


def house_layout(
    loc: text.Locale, figure: go.Figure, title: str | None = None, height: int = 360
) -> go.Figure:
    figure.update_layout(
        # the title at the top of the figure, the legend between it and the plot: left to plotly, the
        # title sat in the middle of the margin and the legend's names ran over it
        title={"text": title, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}}
        if title
        else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 64 if title else 20, "b": 10},
        separators=loc.separators,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        font={"family": "Noto Sans, Arial, sans-serif"},
    )
    return figure


def rate_axis(figure: go.Figure, axis: str = "yaxis", low: float | None = None) -> None:
    figure.update_layout({axis: {"tickformat": ".0%", "range": [low, 1.0] if low is not None else None}})


def _target_hline(loc: text.Locale, figure: go.Figure, target: float) -> None:
    # The layout add_hline(annotation_position="bottom right") writes, without its search of the
    # figure's axes (3 ms a chart, on every period or commune change).
    figure.add_shape(
        type="line",
        xref="x domain",
        yref="y",
        x0=0,
        x1=1,
        y0=target,
        y1=target,
        line={"color": TARGET_COLOUR, "dash": "dash"},
    )
    figure.add_annotation(
        xref="x domain",
        yref="y",
        x=1,
        y=target,
        xanchor="right",
        yanchor="top",
        showarrow=False,
        text=f"{loc.t('target')} {loc.pct(target, 0)}",
    )


def attendance_trend(
    loc: text.Locale, trend: pd.DataFrame, target: float, year_before: pd.DataFrame | None = None
) -> go.Figure:
    """Monthly attendance rate, the target line and, when given, the same months a year earlier."""
    figure = go.Figure()
    figure.add_scatter(
        x=trend["month"],
        y=trend["attendance_rate"],
        mode="lines+markers",
        name=loc.t("attendance_rate"),
        line={"color": SERIES_COLOURS[0], "width": 3},
        hovertemplate="%{x|%m/%Y}: %{y:.1%}<extra></extra>",
    )
    if year_before is not None and len(year_before):
        shifted = year_before["month"] + pd.DateOffset(years=1)
        figure.add_scatter(
            x=shifted,
            y=year_before["attendance_rate"],
            mode="lines",
            name=loc.t("vs_year_earlier"),
            line={"color": SERIES_COLOURS[2], "dash": "dot"},
            customdata=year_before["month"],
            hovertemplate="%{customdata|%m/%Y}: %{y:.1%}<extra></extra>",
        )
    _target_hline(loc, figure, target)
    house_layout(loc, figure, loc.t("trend_title"))
    lowest = trend["attendance_rate"].min()
    rate_axis(figure, low=min(0.7, float(lowest) - 0.05) if pd.notna(lowest) else 0.7)
    figure.update_xaxes(tickformat="%m/%Y", dtick="M1")
    return figure


# ---- participation and rankings charts (issue 4) ----

from cellboard.rules import ATTENDANCE_TARGET  # noqa: E402 - kept in this section of a shared file

# The ends of the rate colour scale, fixed so a colour means the same rate in every chart and view;
# the attendance target sits in its middle (yellow): red below it, green above.
RATE_RANGE = (2 * ATTENDANCE_TARGET - 1, 1.0)
# Absence reasons: column of absence_reasons -> (label key, colour)
REASONS = {
    "away": (text.N_("reason_away"), "#3a5ba0"),
    "illness": (text.N_("reason_illness"), "#d1495b"),
    "work": (text.N_("reason_work"), "#e07b24"),
    "other_reason": (text.N_("reason_other_reason"), "#8e6cc2"),
    "reason_not_given": (text.N_("reason_not_given"), "#8d99ae"),
}
GRADES = ("excellent", "good", "complete", "incomplete")
GRADE_COLOURS = {"excellent": "#1a9850", "good": "#91cf60", "complete": "#fdae61", "incomplete": "#d73027"}
COMPONENTS = tuple(metrics.SCORE_WEIGHTS)  # the score's components, in the legend's order
COMPONENT_LEGEND = {  # short names for the ranking chart's legend
    "attendance_rate": text.N_("col_attendance_rate"),
    "regularity": text.N_("col_regularity"),
    "thematic_coverage": text.N_("col_thematic_coverage"),
    "visit_coverage": text.N_("col_visit_coverage"),
}
COMPONENT_COLOURS = {
    "attendance_rate": "#3a5ba0",
    "regularity": "#2a9d8f",
    "thematic_coverage": "#c9a227",
    "visit_coverage": "#8e6cc2",
}
NO_DATA_COLOUR = "#c7c7c7"
SELECTED_OUTLINE = "#111111"


BARS_SHOWN = 40  # bars a chart of communes or cells draws at most: its 20 first and 20 last


def ends(
    frame: pd.DataFrame, id_column: str, selected: str | None = None, shown: int = BARS_SHOWN
) -> pd.DataFrame:
    """The rows a bar chart draws of an ordered frame: all when they fit, else its first and last
    shown/2 (the lowest and highest, the worst and best) and the selected row. A province's hundred
    bars cost the browser most of a click and cannot be read; the page's table and picker keep every
    row (docs/PERFORMANCE.md, "Clicks")."""
    if len(frame) <= shown:
        return frame
    half = shown // 2
    kept = pd.Series(False, index=frame.index)
    kept.iloc[:half] = True
    kept.iloc[-half:] = True
    if selected is not None:
        kept |= frame[id_column].astype(str) == str(selected)
    return frame[kept]


def rows_height(rows: int, per_row: int = 24, extra: int = 110, minimum: int = 240) -> int:
    """A chart height that gives each bar or row of a heat map room for its label."""
    return max(minimum, extra + per_row * max(rows, 1))


def _short(label: str, limit: int = 30) -> str:
    # Axis labels stay short so a half-width chart keeps room for its bars; hover and table keep the name.
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _id_axis(figure: go.Figure, ids: list, labels: list, axis: str = "yaxis") -> None:
    # Bars are placed by id (two cells of different communes may share a name) and labelled by name.
    figure.update_layout(
        {
            axis: {
                "tickmode": "array",
                "tickvals": ids,
                "ticktext": [plain(_short(str(label))) for label in labels],
                "categoryorder": "array",
                "categoryarray": ids,
                "autorange": "reversed",
                "tickfont": {"size": 11},
            }
        }
    )


def _rate_colours(values: pd.Series) -> dict:
    return {"color": values, "colorscale": RATE_SCALE, "cmin": RATE_RANGE[0], "cmax": RATE_RANGE[1]}


def rate_bars(
    loc: text.Locale,
    frame: pd.DataFrame,
    id_column: str,
    name_column: str,
    target: float,
    title: str | None = None,
    selected: str | None = None,
) -> go.Figure:
    """Horizontal bars of attendance rates, lowest first, coloured on the rate scale, with the target."""
    ids = frame[id_column].astype(str).tolist()
    rates = frame["attendance_rate"].astype(float)
    outline = [3 if value == selected else 0 for value in ids]
    figure = go.Figure(
        go.Bar(
            x=rates,
            y=ids,
            orientation="h",
            customdata=ids,
            marker={**_rate_colours(rates), "line": {"width": outline, "color": SELECTED_OUTLINE}},
            text=[loc.pct(value) for value in rates],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 11},
            hovertext=plains(frame[name_column].astype(str)),
            hovertemplate="%{hovertext}: %{x:.1%}<extra></extra>",
            name=loc.t("attendance_rate"),
        )
    )
    _target_line(loc, figure, target)
    house_layout(loc, figure, title, height=rows_height(len(frame), per_row=22, extra=80))
    _id_axis(figure, ids, frame[name_column].astype(str).tolist())
    figure.update_xaxes(tickformat=".0%", range=[0, 1.16], tickvals=[0, 0.25, 0.5, 0.75, 1])
    figure.update_layout(showlegend=False, clickmode="event+select", margin={"t": 30 if not title else 60})
    return figure


def _target_line(loc: text.Locale, figure: go.Figure, target: float) -> None:
    # A vertical target line labelled above the plot, where no bar's label can sit under it.
    figure.add_vline(x=target, line={"color": TARGET_COLOUR, "dash": "dash"})
    figure.add_annotation(
        x=target,
        y=1,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"{loc.t('target')} {loc.pct(target, 0)}",
        font={"color": TARGET_COLOUR},
    )


def meeting_bars(
    loc: text.Locale, meetings: pd.DataFrame, target: float, title: str | None = None
) -> go.Figure:
    """A cell's meetings by date: attendance rate on the rate scale; predecessors' meetings hatched."""
    rates = meetings["attendance_rate"].astype(float)
    kinds = [loc.coded("kind", kind) for kind in meetings["kind"]]
    figure = go.Figure(
        go.Bar(
            x=meetings["held_on"],
            y=rates,
            marker={
                **_rate_colours(rates),
                "pattern": {"shape": ["/" if g > 0 else "" for g in meetings["generation"]]},
            },
            customdata=list(
                zip(
                    plains(meetings["cell"]),
                    kinds,
                    meetings["present"],
                    meetings["expected"] - meetings["exempt"],
                    strict=True,
                )
            ),
            text=[loc.pct(value) for value in rates],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x|%d/%m/%Y} · %{customdata[1]} · %{customdata[0]}<br>"
            "%{customdata[2]}/%{customdata[3]}: %{y:.1%}<extra></extra>",
            showlegend=False,
        )
    )
    if len(meetings):
        # the target as a legend entry, so its label never covers a bar's
        figure.add_scatter(
            x=[meetings["held_on"].min(), meetings["held_on"].max()],
            y=[target, target],
            mode="lines",
            line={"color": TARGET_COLOUR, "dash": "dash"},
            hoverinfo="skip",
            name=f"{loc.t('target')} {loc.pct(target, 0)}",
        )
    house_layout(loc, figure, title, height=320)
    rate_axis(figure, low=0)
    figure.update_yaxes(range=[0, 1.12])
    figure.update_xaxes(tickformat="%d/%m/%Y")
    return figure


def attendance_heatmap(loc: text.Locale, frame: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Commune x month attendance rates on the rate scale (a blank square: no meeting that month)."""
    communes = frame.drop_duplicates("commune_id")
    ids = communes["commune_id"].astype(str).tolist()
    months = sorted(frame["month"].unique())
    rates = frame.pivot(index="commune_id", columns="month", values="attendance_rate").reindex(
        index=ids, columns=months
    )
    meetings = frame.pivot(index="commune_id", columns="month", values="meetings").reindex(
        index=ids, columns=months
    )
    show_text = len(months) <= 12
    figure = go.Figure(
        go.Heatmap(
            z=rates.to_numpy(dtype=float),
            x=months,
            y=ids,
            colorscale=RATE_SCALE,
            zmin=RATE_RANGE[0],
            zmax=RATE_RANGE[1],
            xgap=1,
            ygap=1,
            customdata=meetings.to_numpy(dtype=float),
            text=[[plain(name)] * len(months) for name in communes["commune"].astype(str)],
            texttemplate="%{z:.0%}" if show_text else None,
            hovertemplate="%{text} · %{x|%m/%Y}: %{z:.1%} (%{customdata} "
            + loc.t("col_meetings").lower()
            + ")<extra></extra>",
            colorbar={"tickformat": ".0%", "thickness": 12},
        )
    )
    house_layout(loc, figure, title, height=rows_height(len(ids), per_row=22))
    _id_axis(figure, ids, communes["commune"].astype(str).tolist())
    figure.update_xaxes(tickformat="%m/%Y", dtick="M1", side="top")
    return figure


def heatmap_table(loc: text.Locale, frame: pd.DataFrame) -> pd.DataFrame:
    """The heat map as a table: a row per commune, a column of attendance rates per month (mm/yyyy)."""
    wide = frame.pivot(index=["commune_id", "commune"], columns="month", values="attendance_rate")
    wide = wide.reindex(frame.drop_duplicates("commune_id").set_index(["commune_id", "commune"]).index)
    wide.columns = [loc.month(month) for month in wide.columns]
    return wide.reset_index()


def pool_by_commune(cells: pd.DataFrame) -> pd.DataFrame:
    """Regularity and thematic coverage of each commune, pooled over its cells (metrics.pool)."""
    return metrics.pool(
        cells,
        ["commune_id", "commune"],
        [metrics.REGULARITY, metrics.THEMATIC_COVERAGE],
        cells=("cell_id", "count"),
    )


def regularity_dots(
    loc: text.Locale, pooled: pd.DataFrame, title: str | None = None, selected: str | None = None
) -> go.Figure:
    """Regularity and thematic coverage of each commune as two dots on one line."""
    ids = pooled["commune_id"].astype(str).tolist()
    figure = go.Figure()
    for column, colour, symbol in (
        ("regularity", SERIES_COLOURS[1], "circle"),
        ("thematic_coverage", "#c9a227", "diamond"),
    ):
        figure.add_scatter(
            x=pooled[column].astype(float),
            y=ids,
            mode="markers",
            name=loc.t(column),
            customdata=ids,
            marker={"color": colour, "size": 11, "symbol": symbol, "line": {"width": 1, "color": "white"}},
            hovertext=plains(pooled["commune"].astype(str)),
            hovertemplate="%{hovertext} · " + loc.t(column) + ": %{x:.1%}<extra></extra>",
        )
    house_layout(loc, figure, title, height=rows_height(len(ids), per_row=22, extra=80))
    _id_axis(
        figure,
        ids,
        [("▶ " if i == selected else "") + str(n) for i, n in zip(ids, pooled["commune"], strict=True)],
    )
    figure.update_xaxes(
        tickformat=".0%",
        range=[min(0.5, float(pooled[["regularity", "thematic_coverage"]].min().min()) - 0.05), 1.03],
    )
    figure.update_yaxes(showgrid=True)
    figure.update_layout(clickmode="event+select")
    return figure


def absence_bars(loc: text.Locale, reasons: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Absences by reason (stacked) and members working away, side by side for each commune."""
    from plotly.subplots import make_subplots

    ids = reasons["commune_id"].astype(str).tolist()
    names = reasons["commune"].astype(str).tolist()
    hover_names = plains(names)
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.68, 0.32],
        horizontal_spacing=0.03,
        subplot_titles=(loc.t("absences_by_reason"), loc.t("members_away")),
    )
    for reason, (label, colour) in REASONS.items():
        figure.add_bar(
            x=reasons[reason],
            y=ids,
            orientation="h",
            name=loc.t(label),
            marker_color=colour,
            customdata=ids,
            hovertext=hover_names,
            hovertemplate="%{hovertext} · " + loc.t(label) + ": %{x:,d}<extra></extra>",
            row=1,
            col=1,
        )
    figure.add_bar(
        x=reasons["members_away"],
        y=ids,
        orientation="h",
        name=loc.t("members_away"),
        marker_color="#9fb3d9",
        customdata=ids,
        text=[
            f"{loc.integer(n)} ({loc.pct(s)})"
            for n, s in zip(reasons["members_away"], reasons["away_share"], strict=True)
        ],
        textposition="outside",
        cliponaxis=False,
        textfont={"size": 11},
        hovertext=hover_names,
        hovertemplate="%{hovertext}: %{text}<extra></extra>",
        showlegend=False,
        row=1,
        col=2,
    )
    house_layout(loc, figure, title, height=rows_height(len(ids), per_row=22, extra=110))
    _id_axis(figure, ids, names)
    figure.update_layout(
        barmode="stack",
        clickmode="event+select",
        margin={"t": 80},
        legend={"traceorder": "normal", "y": 1.08},
    )
    figure.update_xaxes(tickformat=",d")
    figure.update_xaxes(range=[0, max(1, float(reasons["members_away"].max())) * 1.5], row=1, col=2)
    return figure


def ranking_bars(
    loc: text.Locale, cells: pd.DataFrame, title: str | None = None, selected: str | None = None
) -> go.Figure:
    """Cells of one commune ranked by score, each bar split into the components' shares of it;
    cells with too few meetings listed after the ranked ones, without a bar ("not enough data")."""
    parts = metrics.score_parts(cells)
    ids = parts["cell_id"].astype(str).tolist()
    labels = [
        ("▶ " if cell_id == selected else "") + (f"{int(rank)}. " if ranked else "") + str(name)
        for cell_id, rank, ranked, name in zip(
            ids, parts["rank_in_commune"], parts["is_ranked"], parts["cell"], strict=True
        )
    ]
    figure = go.Figure()
    ranked = parts["is_ranked"].astype(bool)
    for component in COMPONENTS:
        points = parts[component + "_points"].where(ranked)
        figure.add_bar(
            x=points,
            y=ids,
            orientation="h",
            name=loc.t(COMPONENT_LEGEND[component]),
            marker_color=COMPONENT_COLOURS[component],
            customdata=ids,
            hovertext=plains(parts["cell"].astype(str)),
            hovertemplate="%{hovertext} · " + loc.t(component) + ": %{x:.3f}<extra></extra>",
        )
    figure.add_bar(
        x=[1.0 if not is_ranked else None for is_ranked in ranked],
        y=ids,
        orientation="h",
        name=loc.t("not_enough_data"),
        marker_color=NO_DATA_COLOUR,
        opacity=0.35,
        customdata=ids,
        showlegend=not ranked.all(),
        text=[
            loc.t("not_enough_data_cell", meetings=loc.integer(m)) if not r else None
            for r, m in zip(ranked, parts["meetings"], strict=True)
        ],
        textposition="inside",
        insidetextanchor="start",
        hoverinfo="skip",
    )
    figure.add_scatter(
        x=parts["score"].where(ranked),
        y=ids,
        mode="text",
        customdata=ids,
        text=[loc.pct(value) if pd.notna(value) else "" for value in parts["score"].where(ranked)],
        textposition="middle right",
        showlegend=False,
        hoverinfo="skip",
    )
    house_layout(loc, figure, title, height=rows_height(len(ids)))
    _id_axis(figure, ids, labels)
    figure.update_xaxes(range=[0, 1.08], tickformat=".0%")
    figure.update_layout(barmode="stack", clickmode="event+select", legend={"traceorder": "normal"})
    return figure


def needs_help_table(loc: text.Locale, ranking: pd.DataFrame, running: pd.DataFrame) -> pd.DataFrame:
    """Cells that need help: below target 3 months running (cells_needing_help) or in the bottom tenth
    by score (cell_ranking.is_bottom_decile), one row each with the reasons, worst attendance first."""
    runs = running[["cell_id", "longest_run_below_target"]]
    table = ranking.merge(runs, on="cell_id", how="left")
    table = table[table["longest_run_below_target"].notna() | table["is_bottom_decile"].astype(bool)].copy()
    run_text = table["longest_run_below_target"].map(
        lambda months: loc.t("needs_help_run", months=int(months)) if pd.notna(months) else None
    )
    decile_text = table["is_bottom_decile"].map(lambda bottom: loc.t("needs_help_decile") if bottom else None)
    table["why"] = [
        "; ".join(part for part in parts if isinstance(part, str))
        for parts in zip(run_text, decile_text, strict=True)
    ]
    table["longest_run_below_target"] = table["longest_run_below_target"].astype("Int64")
    columns = [
        "commune_id",
        "commune",
        "cell_id",
        "cell",
        "why",
        "longest_run_below_target",
        "attendance_rate",
        "score",
        "rank_in_commune",
        "meetings",
    ]
    return table.sort_values(["attendance_rate", "cell"], na_position="last", kind="stable")[
        columns
    ].reset_index(drop=True)


def top_bottom(ranking: pd.DataFrame) -> pd.DataFrame:
    """The highest and lowest scoring ranked cell of each commune, and how many were (not) ranked."""
    is_ranked = ranking["is_ranked"].astype(bool)
    communes = (
        ranking.assign(ranked=is_ranked)
        .groupby(["commune_id", "commune"], sort=False, dropna=False)
        .agg(ranked_cells=("ranked", "sum"), cells=("cell_id", "count"))
        .reset_index()
    )
    communes["not_enough_data"] = communes["cells"] - communes["ranked_cells"]
    ordered = ranking[is_ranked].sort_values(["score", "cell_id"], ascending=[False, True])
    by_commune = ordered.groupby("commune_id", sort=False)
    top = by_commune.head(1)[["commune_id", "cell", "score"]].rename(
        columns={"cell": "top_cell", "score": "top_score"}
    )
    bottom = by_commune.tail(1)[["commune_id", "cell", "score"]].rename(
        columns={"cell": "bottom_cell", "score": "bottom_score"}
    )
    table = communes.merge(top, on="commune_id", how="left").merge(bottom, on="commune_id", how="left")
    single = table["ranked_cells"] < 2  # one ranked cell is its commune's top, not also its bottom
    table.loc[single, ["bottom_cell", "bottom_score"]] = None
    columns = [
        "commune_id",
        "commune",
        "ranked_cells",
        "not_enough_data",
        "top_cell",
        "top_score",
        "bottom_cell",
        "bottom_score",
    ]
    return table[columns]


def top_bottom_chart(
    loc: text.Locale, table: pd.DataFrame, title: str | None = None, selected: str | None = None
) -> go.Figure:
    """For each commune, its best and worst ranked cell's score joined by a line."""
    ids = table["commune_id"].astype(str).tolist()
    figure = go.Figure()
    line_x, line_y = [], []
    for commune_id, top, bottom in zip(ids, table["top_score"], table["bottom_score"], strict=True):
        if pd.notna(top) and pd.notna(bottom):
            line_x += [bottom, top, None]
            line_y += [commune_id, commune_id, None]
    figure.add_scatter(
        x=line_x,
        y=line_y,
        mode="lines",
        line={"color": "#bbbbbb", "width": 3},
        hoverinfo="skip",
        showlegend=False,
    )
    for column, name_column, label, colour in (
        ("bottom_score", "bottom_cell", loc.t("bottom"), SERIES_COLOURS[0]),
        ("top_score", "top_cell", loc.t("top"), "#1a9850"),
    ):
        figure.add_scatter(
            x=table[column].astype(float),
            y=ids,
            mode="markers",
            name=label,
            customdata=ids,
            marker={"color": colour, "size": 11},
            hovertext=plains(table[name_column].fillna("").astype(str)),
            hovertemplate="%{hovertext}: %{x:.1%}<extra>" + label + "</extra>",
        )
    house_layout(loc, figure, title, height=rows_height(len(ids)))
    _id_axis(
        figure,
        ids,
        [("▶ " if i == selected else "") + str(n) for i, n in zip(ids, table["commune"], strict=True)],
    )
    figure.update_xaxes(tickformat=".0%")
    figure.update_layout(clickmode="event+select")
    return figure


def rating_bars(loc: text.Locale, ratings: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Share of the cells rated in each grade, per commune, one panel per year."""
    from plotly.subplots import make_subplots

    years = sorted(ratings["year"].unique())
    communes = ratings.drop_duplicates("commune_id")
    ids = communes["commune_id"].astype(str).tolist()
    figure = make_subplots(
        rows=1,
        cols=max(len(years), 1),
        shared_yaxes=True,
        horizontal_spacing=0.02,
        subplot_titles=[str(year) for year in years],
    )
    for column, year in enumerate(years, start=1):
        of_year = ratings[ratings["year"] == year]
        for grade in GRADES:
            rows = of_year[of_year["grade"] == grade]
            figure.add_bar(
                x=rows["share"],
                y=rows["commune_id"].astype(str),
                orientation="h",
                name=loc.coded("grade", grade),
                marker_color=GRADE_COLOURS[grade],
                legendgroup=grade,
                showlegend=column == 1,
                customdata=rows["cells"],
                hovertext=plains(rows["commune"].astype(str)),
                hovertemplate="%{hovertext} · "
                + str(year)
                + " · "
                + loc.coded("grade", grade)
                + ": %{customdata} (%{x:.1%})<extra></extra>",
                row=1,
                col=column,
            )
    house_layout(loc, figure, title, height=rows_height(len(ids)) + 30)
    _id_axis(figure, ids, communes["commune"].astype(str).tolist())
    figure.update_xaxes(tickformat=".0%", range=[0, 1])
    figure.update_layout(barmode="stack", margin={"t": 90})
    return figure


def history_lines(
    loc: text.Locale,
    history: pd.DataFrame,
    commune_trend: pd.DataFrame | None,
    commune_name: str,
    target: float,
    title: str | None = None,
) -> go.Figure:
    """Monthly attendance of a cell and the cells it came from (or merged into), with its commune's."""
    figure = go.Figure()
    for index, (_, rows) in enumerate(history.groupby("cell_id", sort=False)):
        relation = rows["relation"].iloc[0]
        figure.add_scatter(
            x=rows["month"],
            y=rows["attendance_rate"],
            mode="lines+markers",
            name=f"{plain(rows['cell'].iloc[0])} ({loc.coded('relation', relation)})",
            line={
                "color": SERIES_COLOURS[0] if relation == "cell" else SERIES_COLOURS[1 + index % 4],
                "width": 3 if relation == "cell" else 2,
                "dash": None if relation == "cell" else "dot",
            },
            meta=[plain(rows["cell"].iloc[0])],  # through meta, so a name is never read as a template
            hovertemplate="%{x|%m/%Y}: %{y:.1%}<extra>%{meta[0]}</extra>",
        )
    if commune_trend is not None and len(commune_trend):
        figure.add_scatter(
            x=commune_trend["month"],
            y=commune_trend["attendance_rate"],
            mode="lines",
            name=loc.t("commune_line", name=plain(commune_name)),
            line={"color": SERIES_COLOURS[2], "width": 2},
            meta=[plain(commune_name)],
            hovertemplate="%{x|%m/%Y}: %{y:.1%}<extra>%{meta[0]}</extra>",
        )
    _target_hline(loc, figure, target)
    house_layout(loc, figure, title)
    lowest = history["attendance_rate"].min()
    rate_axis(figure, low=min(0.7, float(lowest) - 0.05) if pd.notna(lowest) else 0.7)
    months = history["month"].nunique()
    figure.update_xaxes(tickformat="%m/%Y", dtick="M1" if months <= 12 else "M3")
    return figure


# ---- opinions and supervision charts (issue 5) ----

STATUS_COLOURS = {
    "answered_on_time": "#4c9a2a",
    "answered_late": "#e0a424",
    "open": "#8d99ae",
    "overdue": "#b22222",
}
STATUSES = tuple(STATUS_COLOURS)
COMPARISON_COLOURS = {"opinions_year": "#d5d8dc", "opinions_prev": "#a3a9b1"}
LEVELS = ("province", "district", "commune")


def _category_names(loc: text.Locale, frame: pd.DataFrame) -> pd.Series:
    """The categories' names in this language, as plotly text."""
    return loc.name(frame).map(plain)


def _category_colours(codes: pd.Series) -> list[str]:
    return [CATEGORY_COLOURS.get(code, CATEGORY_COLOURS["other"]) for code in codes]


def category_comparison_bars(loc: text.Locale, comparison: pd.DataFrame) -> go.Figure:
    """Opinions per category: this period (in the category's colour) against the previous period and
    the same period a year earlier (greys). Every bar carries its category code, so a click filters."""
    names = _category_names(loc, comparison)
    figure = go.Figure()
    for column, label in (
        ("opinions_year", loc.t("op_year_earlier")),
        ("opinions_prev", loc.t("op_previous")),
    ):
        figure.add_bar(
            y=names,
            x=comparison[column],
            orientation="h",
            name=label,
            marker_color=COMPARISON_COLOURS[column],
            customdata=comparison["category"],
            hovertemplate="%{y}: %{x}<extra>" + label + "</extra>",
        )
    figure.add_bar(
        y=names,
        x=comparison["opinions"],
        orientation="h",
        name=loc.t("op_this_period"),
        marker_color=_category_colours(comparison["category"]),
        customdata=comparison["category"],
        text=[loc.pct(share) for share in comparison["share"]],
        textposition="outside",
        hovertemplate="%{y}: %{x} (%{text})<extra>" + loc.t("op_this_period") + "</extra>",
    )
    house_layout(loc, figure, height=rows_height(len(comparison), per_row=54))
    figure.update_layout(barmode="group", bargap=0.25, legend={"traceorder": "reversed"})
    figure.update_yaxes(autorange="reversed")
    _count_axis(figure, comparison[["opinions", "opinions_prev", "opinions_year"]].max().max())
    return figure


def _count_axis(figure: go.Figure, largest: float, axis: str = "x") -> None:
    """Whole-number ticks for counts, with room after the largest bar for its label."""
    largest = float(largest) if pd.notna(largest) and largest > 0 else 1.0
    settings = {"tickformat": ",d", "range": [0, largest * 1.18]}
    if largest <= 10:
        settings["dtick"] = 1
    if axis == "x":
        figure.update_xaxes(**settings)
    else:
        figure.update_yaxes(**settings)


TREEMAP_SEPARATOR = "|"


def commune_category_treemap(loc: text.Locale, frame: pd.DataFrame) -> go.Figure:
    """Opinions by commune, then category. Node ids are `commune_id` and `commune_id|category`, which
    a click reports (treemap points carry no customdata)."""
    communes = frame.groupby(["commune_id", "commune"], as_index=False, sort=False)["opinions"].sum()
    names = _category_names(loc, frame)
    figure = go.Figure(
        go.Treemap(
            ids=[*communes["commune_id"], *(frame["commune_id"] + TREEMAP_SEPARATOR + frame["category"])],
            labels=[*plains(communes["commune"]), *names],
            parents=[*([""] * len(communes)), *frame["commune_id"]],
            values=[*communes["opinions"], *frame["opinions"]],
            branchvalues="total",
            marker={"colors": [*(["#eef0f2"] * len(communes)), *_category_colours(frame["category"])]},
            hovertemplate="%{label}: %{value}<extra></extra>",
            textinfo="label+value",
        )
    )
    house_layout(loc, figure, height=520)
    return figure


def treemap_pick(node_id: str, communes: set[str]) -> tuple[str | None, str | None]:
    """(commune_id, category) of a clicked treemap node."""
    if node_id in communes:
        return node_id, None
    commune, _, category = node_id.rpartition(TREEMAP_SEPARATOR)
    return (commune or None), (category or None)


def opinion_trend_lines(loc: text.Locale, trend: pd.DataFrame) -> go.Figure:
    """Opinions raised each month, one line per category in its colour."""
    figure = go.Figure()
    for code, rows in trend.groupby("category", sort=False):
        figure.add_scatter(
            x=rows["month"],
            y=rows["opinions"],
            mode="lines+markers",
            name=_category_names(loc, rows).iloc[0],
            line={"color": _category_colours([code])[0], "width": 2},
            hovertemplate="%{x|%m/%Y}: %{y}<extra>%{fullData.name}</extra>",
        )
    house_layout(loc, figure)
    figure.update_xaxes(tickformat="%m/%Y", dtick="M1")
    figure.update_yaxes(rangemode="tozero", tickformat=",d")
    return figure


def response_bars(loc: text.Locale, response: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Stacked bars per row (category or department): answered on time, late, open, overdue; after
    each bar its share answered on time (of those answered or due) and its median days to answer."""
    figure = go.Figure()
    labels = plains(labels)  # category or department names from the data
    notes = [
        loc.t("op_bar_note", rate=loc.pct(rate), days=loc.num(days, 0))
        for rate, days in zip(
            metrics.ON_TIME.per_row(response), response["median_days_to_answer"], strict=True
        )
    ]
    for status in STATUSES:
        last = status == STATUSES[-1]
        figure.add_bar(
            y=labels,
            x=response[status],
            orientation="h",
            name=loc.coded("op_status", status),
            marker_color=STATUS_COLOURS[status],
            text=notes if last else None,
            textposition="outside" if last else None,
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra>" + loc.coded("op_status", status) + "</extra>",
        )
    house_layout(loc, figure, height=rows_height(len(response), per_row=30))
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_yaxes(autorange="reversed")
    _count_axis(figure, response[list(STATUSES)].sum(axis=1).max() * 1.3)
    return figure


def compliance_by_level(loc: text.Locale, supervision: pd.DataFrame) -> go.Figure:
    """Committee members per level who met the visits rule in the window, and who fell short."""
    levels = [level for level in LEVELS if level in set(supervision["level"])]
    counts = supervision.groupby(["level", "compliant"]).size()
    labels = [loc.coded("sv_level", level) for level in levels]
    figure = go.Figure()
    for compliant, name, colour in (
        (True, loc.t("sv_compliant_yes"), STATUS_COLOURS["answered_on_time"]),
        (False, loc.t("sv_compliant_no"), STATUS_COLOURS["overdue"]),
    ):
        figure.add_bar(
            x=labels,
            y=[int(counts.get((level, compliant), 0)) for level in levels],
            name=name,
            marker_color=colour,
            hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
        )
    house_layout(loc, figure, height=320)
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    _count_axis(figure, supervision.groupby("level").size().max(), axis="y")
    return figure


def visit_coverage_bars(loc: text.Locale, coverage: pd.DataFrame) -> go.Figure:
    """Share of each commune's cells that a committee member visited in the window, lowest first."""
    figure = go.Figure()
    figure.add_bar(
        y=coverage["commune_id"],
        x=coverage["coverage"],
        orientation="h",
        marker={"color": coverage["coverage"], "colorscale": RATE_SCALE, "cmin": 0, "cmax": 1},
        customdata=coverage[["commune", "cells_visited", "cells"]]
        .assign(commune=lambda f: f["commune"].map(plain))
        .to_numpy(),
        text=[loc.pct(value) for value in coverage["coverage"]],
        textposition="outside",
        hovertemplate="%{customdata[0]}: %{x:.1%} (%{customdata[1]}/%{customdata[2]})<extra></extra>",
    )
    house_layout(loc, figure, height=rows_height(len(coverage)))
    figure.update_xaxes(tickformat=".0%", range=[0, 1.1])
    _id_axis(figure, list(coverage["commune_id"]), list(coverage["commune"]))
    return figure


# ---- review report charts (issue 6) ----


def review_category_bars(loc: text.Locale, frame: pd.DataFrame, current: str, previous: str) -> go.Figure:
    """Opinions by category in the period beside the previous period (frame: category, name, opinions,
    opinions_prev), in the categories' own order, the period's bars in each category's colour."""
    names = plains(frame["name"].astype(str))
    figure = go.Figure()
    figure.add_bar(
        y=names,
        x=frame["opinions_prev"],
        orientation="h",
        name=previous,
        marker_color="#c9ced6",
        texttemplate="%{x:,}",
        textposition="outside",
        hovertemplate="%{y}: %{x:,}<extra>" + previous + "</extra>",
    )
    figure.add_bar(
        y=names,
        x=frame["opinions"],
        orientation="h",
        name=current,
        marker_color=[CATEGORY_COLOURS.get(code, CATEGORY_COLOURS["other"]) for code in frame["category"]],
        texttemplate="%{x:,}",
        textposition="outside",
        hovertemplate="%{y}: %{x:,}<extra>" + current + "</extra>",
    )
    house_layout(loc, figure, loc.t("rv_chart_categories"), height=max(300, 120 + 56 * len(names)))
    figure.update_layout(
        barmode="group",
        yaxis={"autorange": "reversed"},
        legend={"traceorder": "reversed"},
        xaxis={"tickformat": ",d"},
    )
    return figure


def review_rating_bars(loc: text.Locale, ratings: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Cells in each grade, one stacked bar per year (ratings: year, excellent, good, ... counts)."""
    figure = go.Figure()
    for grade in GRADES:
        figure.add_bar(
            x=ratings["year"].astype(str),
            y=ratings[grade],
            name=labels[grade],
            marker_color=GRADE_COLOURS[grade],
            texttemplate="%{y:,}",
            textposition="inside",
            hovertemplate="%{x}: %{y:,}<extra>" + labels[grade] + "</extra>",
        )
    house_layout(loc, figure, loc.t("rv_chart_ratings"))
    figure.update_layout(
        barmode="stack",
        xaxis={"type": "category"},
        yaxis={"tickformat": ",d"},
        uniformtext={"minsize": 11, "mode": "hide"},
    )
    return figure
