"""Streamlit helpers every page shares: cached named queries, the filter bar, figure
tiles, chart blocks with table view and downloads. Pages call these; they hold no SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from cellboard import db, export, filters, text
from cellboard.text import t

FILTERS_KEY = "_filters"
SCOPE_KEY = "_scope"


# ---- data -------------------------------------------------------------------------


def current_scope() -> db.Scope:
    return st.session_state.get(SCOPE_KEY, db.EVERYTHING)


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(name: str, params: tuple, path: str, identity: tuple, scope: db.Scope) -> pd.DataFrame:
    # identity (inode, mtime, size) is part of the key: a swapped-in file is a new cache entry
    return db.run(name, dict(params), path=path, scope=scope)


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a named query within the session's scope, cached per file version."""
    path = db.db_path().resolve()
    identity = db.file_identity(path)
    return _cached(name, tuple(sorted(params.items())), str(path), identity, current_scope())


def window(period: filters.Period | None = None, **extra: object) -> dict[str, object]:
    """The standard parameters for the selected (or a given) period and unit."""
    state = current_filters()
    period = period or state.period
    return {"start": period.start, "end": period.end, "unit": state.unit, **extra}


# ---- filter state -----------------------------------------------------------------


def current_filters() -> filters.FilterState:
    state = st.session_state.get(FILTERS_KEY)
    if state is None:
        state = filters.from_query_params(dict(st.query_params), dt.date.today())
    return state


def unit_name(unit_id: str | None) -> str:
    if unit_id is None:
        return t("whole_tree")
    tree = query("unit_tree")
    match = tree.loc[tree["unit_id"] == unit_id, "name"]
    return str(match.iloc[0]) if len(match) else unit_id


def period_caption(period: filters.Period) -> str:
    return t("period_label", start=text.fmt_date(period.start), end=text.fmt_date(period.end))


def page_header(title_key: str) -> filters.FilterState:
    """Title, the selected unit's name and period; returns the filter state."""
    state = current_filters()
    st.title(t(title_key))
    st.markdown(f"**{t('selected_unit', name=unit_name(state.unit))}** · {period_caption(state.period)}")
    return state


# ---- figures, charts and tables ---------------------------------------------------


def figure_tile(column, label_key: str, value: str, delta: str | None, caption: str) -> None:
    """A headline figure with its definition as help and its change (no arrow when nothing changed)."""
    unchanged = delta is not None and not delta.startswith(("+", "-"))
    with column:
        st.metric(
            t(label_key), value, delta=delta, help=t(label_key + "_help"),
            delta_color="off" if unchanged else "normal", delta_arrow="off" if unchanged else "auto",
            delta_description=t("vs_previous") if delta is not None else None,
        )
        st.caption(caption)


def display_table(frame: pd.DataFrame, formats: dict[str, Callable[[object], str]]) -> pd.DataFrame:
    """The frame with Vietnamese-formatted text columns for showing (not for downloads)."""
    shown = frame.copy()
    for column, formatter in formats.items():
        if column in shown.columns:
            shown[column] = shown[column].map(formatter)
    return shown


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV (UTF-8 BOM) and XLSX of exactly the frame, formula-like text neutralised."""
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"), export.csv_download(frame), f"{name}.csv", "text/csv", key=f"csv_{name}"
    )
    right.download_button(
        t("download_xlsx"),
        export.xlsx_download(export.neutralised(frame), name),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
    )


def chart_block(figure, data: pd.DataFrame, name: str, formats: dict[str, Callable[[object], str]]) -> None:
    """A chart, its table view and downloads of exactly what it shows."""
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    with st.expander(t("show_table")):
        st.dataframe(display_table(data, formats), hide_index=True, width="stretch")
        downloads(data, name)
