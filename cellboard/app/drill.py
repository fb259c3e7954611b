"""Page options and drill-downs that live in the URL, and charts a click drills into.

Each option has its own URL key (`commune=`, `cell=`, `w_attendance=`, ...). A value the URL brings
that the session has not seen yet (a shared link) wins; otherwise the session's value holds, so a page
switch, which leaves the page's keys out of the URL, loses nothing. The page writes its options back
on every run (`keep_in_url`), so the address bar always reopens the view it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from cellboard import text
from cellboard.app import tables
from cellboard.text import escape_markdown

_VALUES = "_page_options"  # option key -> value (text) or None
_SEEN = "_page_options_seen"  # option key -> the URL text last read or written


def _store(name: str) -> dict[str, str | None]:
    if name not in st.session_state:
        st.session_state[name] = {}
    return st.session_state[name]


def option(key: str) -> str | None:
    """The option's value: a value newly brought by the URL, else the session's."""
    values, seen = _store(_VALUES), _store(_SEEN)
    in_url = st.query_params.get(key)
    if in_url is not None and in_url != seen.get(key):
        values[key] = in_url.strip() or None
        seen[key] = in_url
    return values.get(key)


def set_option(key: str, value: object | None) -> None:
    """Change an option in the session and in the URL (None removes it)."""
    written = None if value is None else str(value)
    _store(_VALUES)[key] = written
    _store(_SEEN)[key] = written
    _write(key, written)


def _write(key: str, written: str | None) -> None:
    if written is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != written:
        st.query_params[key] = written


def keep_in_url(keys: Iterable[str]) -> None:
    """Write the page's options to the URL, so the address reopens this view."""
    values = _store(_VALUES)
    for key in keys:
        _write(key, values.get(key))
        _store(_SEEN)[key] = values.get(key)


def valid_option(loc: text.Locale, key: str, options: Iterable[str]) -> str | None:
    """The option if it is one of `options`; otherwise it is cleared, with a notice when the link
    brought a value that does not belong to the unit and period shown."""
    value = option(key)
    if value is not None and value not in set(options):
        set_option(key, None)
        st.warning(loc.t("drill_not_here", value=escape_markdown(value)))
        return None
    return value


def choose(
    loc: text.Locale,
    key: str,
    options: list[str],
    labels: dict[str, str],
    label: str,
    *,
    on_pick: Callable[[str | None], None] | None = None,
    help: str | None = None,
    container=st,
) -> None:
    """A selectbox showing an option (None = not chosen); picking calls on_pick (default: set it).

    A chart click changes the option in a callback before the run, so the box follows it here."""
    widget = f"opt_{key}"
    current = option(key)
    if current not in options:
        current = None
    if widget not in st.session_state or st.session_state[widget] != current:
        st.session_state[widget] = current
    pick = on_pick or (lambda value: set_option(key, value))
    container.selectbox(
        label,
        [None, *options],
        key=widget,
        format_func=lambda value: loc.t("choose") if value is None else labels.get(value, value),
        # Streamlit shows a None value as "no selection", with this placeholder (its own is English)
        placeholder=loc.t("choose"),
        on_change=lambda: pick(st.session_state[widget]),
        help=help,
    )


def detail_picker(
    loc: text.Locale, key: str, ids: Iterable[str], labels: dict[str, str], label: str, *, widget: str
) -> str | None:
    """A selectbox of the item the page shows in detail (None = none), the option `key`; returns it.
    Unlike choose, an id the option holds that is not among `ids` (a link's, or one the list no longer
    shows) is kept and offered first, so the page still opens it."""
    opened = option(key)
    choices = list(ids)
    if opened and opened not in choices:
        choices = [opened, *choices]
    if st.session_state.get(widget) != opened:
        st.session_state[widget] = opened
    st.selectbox(
        label,
        [None, *choices],
        key=widget,
        format_func=lambda value: loc.t("choose") if value is None else labels.get(value, value),
        placeholder=loc.t("choose"),
        on_change=lambda: set_option(key, st.session_state[widget]),
    )
    return opened


def _selection(event: object) -> dict:
    """The selection a chart's or a table's selection event holds (a dict, or the widget's object)."""
    if not event:
        return {}
    return event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})


def row_picker(table_key: str, ids: Iterable[str], option_key: str) -> Callable[[], None]:
    """The on_select of a single-row st.dataframe keyed `table_key` whose rows are `ids`, in order:
    picking a row sets the option to that row's id, so the page opens it (and the URL keeps it)."""
    row_ids = list(ids)

    def picked() -> None:
        rows = _selection(st.session_state.get(table_key)).get("rows", []) or []
        if rows and rows[0] < len(row_ids):
            set_option(option_key, row_ids[rows[0]])

    return picked


def picked_ids(event: object) -> list[str]:
    """The ids (customdata) of the points a chart selection event holds."""
    ids = []
    for point in _selection(event).get("points", []) or []:
        value = point.get("customdata")
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            ids.append(str(value))
    return ids


def clickable_chart_block(
    loc: text.Locale,
    figure,
    data: pd.DataFrame,
    name: str,
    formats: dict[str, Callable[[object], str] | str],
    on_pick: Callable[[str], None],
    headers: dict[str, str] | None = None,
) -> None:
    """tables.chart_block for a chart whose points carry ids (customdata): a click calls on_pick(id)."""
    key = f"chart_{name}"

    def picked() -> None:
        ids = picked_ids(st.session_state.get(key))
        if ids:
            on_pick(ids[0])

    st.plotly_chart(figure, width="stretch", key=key, on_select=picked, selection_mode="points")
    tables.chart_table(loc, data, name, formats, headers)
