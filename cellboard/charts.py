"""Plotly figures in one house style: Vietnamese separators, dd/mm/yyyy dates,
one palette for categories and one sequential scale for rates across the app.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cellboard import text
from cellboard.text import t

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


def house_layout(figure: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    figure.update_layout(
        title=title,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        separators=",." if text.language() == "vi" else ".,",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        template="plotly_white",
        font={"family": "Noto Sans, Arial, sans-serif"},
    )
    return figure


def rate_axis(figure: go.Figure, axis: str = "yaxis", low: float | None = None) -> None:
    figure.update_layout({axis: {"tickformat": ".0%", "range": [low, 1.0] if low is not None else None}})


def attendance_trend(
    trend: pd.DataFrame, target: float, year_before: pd.DataFrame | None = None
) -> go.Figure:
    """Monthly attendance rate, the target line and, when given, the same months a year earlier."""
    figure = go.Figure()
    figure.add_scatter(
        x=trend["month"], y=trend["attendance_rate"], mode="lines+markers", name=t("attendance_rate"),
        line={"color": SERIES_COLOURS[0], "width": 3},
        hovertemplate="%{x|%m/%Y}: %{y:.1%}<extra></extra>",
    )
    if year_before is not None and len(year_before):
        shifted = year_before["month"] + pd.DateOffset(years=1)
        figure.add_scatter(
            x=shifted, y=year_before["attendance_rate"], mode="lines", name=t("vs_year_earlier"),
            line={"color": SERIES_COLOURS[2], "dash": "dot"},
            customdata=year_before["month"],
            hovertemplate="%{customdata|%m/%Y}: %{y:.1%}<extra></extra>",
        )
    figure.add_hline(
        y=target, line={"color": TARGET_COLOUR, "dash": "dash"},
        annotation_text=f"{t('target')} {text.fmt_pct(target, 0)}", annotation_position="bottom right",
    )
    house_layout(figure, t("trend_title"))
    lowest = trend["attendance_rate"].min()
    rate_axis(figure, low=min(0.7, float(lowest) - 0.05) if pd.notna(lowest) else 0.7)
    figure.update_xaxes(tickformat="%m/%Y", dtick="M1")
    return figure


# ---- participation and rankings charts (issue 4) ----


# ---- opinions and supervision charts (issue 5) ----
