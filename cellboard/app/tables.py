"""Tables and their downloads, as shown: numbers and dates kept as values (a header click, or the
sort picker of a long table, sorts them as such), shown in the locale's formats, Vietnamese headers
and names for codes; every download holds every row of the view as shown."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from cellboard import export, settings, text
from cellboard.app import ui
from cellboard.data import db

# ---- tables and downloads: as shown --------------------------------------------------
#
# A table keeps its numbers and dates as numbers and dates (a header click sorts them as such) and
# shows them in the app's language through a pandas Styler, whose text Streamlit draws while the cell
# keeps its value. A Styler costs about 0.06 ms a cell a rerun, so a table shows at most page_rows()
# rows at a time (a page picker beneath walks the rest); its downloads hold every row of the view.


# Rows at a time of a list shown open on a page (chronic absentees, members against the rule, recurring
# matters, ...): what a person reads first, the rest a page away and every row in the downloads.
OPEN_LIST_ROWS = 25


def page_rows(per_page: int | None = None) -> int:
    """Rows a table shows at a time (cellboard.toml's table_rows; a page may ask for fewer, for a list
    shown open on the page, where every row shown is formatted again on every rerun)."""
    rows = max(1, settings.load().table_rows)
    return min(rows, per_page) if per_page else rows


NUMBER_KINDS = ("pct", "int", "num", "num2", "signed")
# The number format a kind keeps in an XLSX download (the value stays the number or date shown).
XLSX_FORMATS = {
    "pct": "0.0%",
    "int": "#,##0",
    "num": "#,##0.0",
    "num2": "#,##0.00",
    "signed": "+#,##0;-#,##0;0",
    "date": "dd/mm/yyyy",
    "month": "mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "seconds": "dd/mm/yyyy hh:mm:ss",
}

# The header each column of the queries shows (a label key); a page may name others (`headers`).
# A column with no header here nor from the page is not shown: ids and codes whose names are shown.
HEADERS = {
    "month": text.N_("col_month"),
    "held_on": text.N_("col_held_on"),
    "kind": text.N_("col_kind"),
    "meetings": text.N_("col_meetings"),
    "expected": text.N_("col_expected"),
    "exempt": text.N_("col_exempt"),
    "present": text.N_("col_present"),
    "excused": text.N_("col_excused"),
    "absent": text.N_("col_absent"),
    "attendance_rate": text.N_("col_attendance_rate"),
    "attendance_rate_prev": text.N_("col_previous"),
    "on_time_rate": text.N_("op_col_on_time_rate"),
    "commune": text.N_("col_commune"),
    "cell": text.N_("col_cell"),
    "cells": text.N_("sv_col_cells"),
    "regularity": text.N_("col_regularity"),
    "thematic_coverage": text.N_("col_thematic_coverage"),
    "months_met": text.N_("col_months_met"),
    "months_existed": text.N_("col_months_existed"),
    "quarters_thematic": text.N_("col_quarters_thematic"),
    "quarters_existed": text.N_("col_quarters_existed"),
    "absences": text.N_("col_absences"),
    "away": text.N_("reason_away"),
    "illness": text.N_("reason_illness"),
    "work": text.N_("reason_work"),
    "other_reason": text.N_("reason_other_reason"),
    "reason_not_given": text.N_("reason_not_given"),
    "members": text.N_("col_members"),
    "members_away": text.N_("col_members_away"),
    "away_share": text.N_("col_away_share"),
    "category_name": text.N_("op_col_category"),
    "opinions": text.N_("col_opinions"),
    "share": text.N_("op_col_share"),
    "opinions_prev": text.N_("op_col_opinions_prev"),
    "share_prev": text.N_("op_col_share_prev"),
    "change_prev": text.N_("op_col_change_prev"),
    "direction_prev": text.N_("op_col_direction_prev"),
    "opinions_year": text.N_("op_col_opinions_year"),
    "share_year": text.N_("op_col_share_year"),
    "change_year": text.N_("op_col_change_year"),
    "direction_year": text.N_("op_col_direction_year"),
    "answered": text.N_("op_col_answered"),
    "answered_on_time": text.N_("col_answered_on_time_count"),
    "answered_late": text.N_("col_answered_late"),
    "open": text.N_("col_open"),
    "overdue": text.N_("col_overdue"),
    "median_days_to_answer": text.N_("op_col_median_days"),
    "assigned_to": text.N_("op_col_assigned_to"),
    "ranked_cells": text.N_("col_ranked_cells"),
    "not_enough_data": text.N_("col_not_enough_data"),
    "top_cell": text.N_("col_top_cell"),
    "top_score": text.N_("col_top_score"),
    "bottom_cell": text.N_("col_bottom_cell"),
    "bottom_score": text.N_("col_bottom_score"),
    "rank_in_commune": text.N_("col_rank"),
    "is_ranked": text.N_("col_is_ranked"),
    "score": text.N_("col_score"),
    "visit_coverage": text.N_("col_visit_coverage"),
    "w_attendance": text.N_("col_w_attendance"),
    "w_regularity": text.N_("col_w_regularity"),
    "w_thematic": text.N_("col_w_thematic"),
    "w_visits": text.N_("col_w_visits"),
    "year": text.N_("year"),
    "grade": text.N_("col_grade"),
    "level": text.N_("sv_col_level"),
    "short": text.N_("col_short"),
    "full_name": text.N_("col_full_name"),
    "unit": text.N_("sv_col_unit"),
    "interval_months": text.N_("sv_col_interval"),
    "required_visits": text.N_("sv_col_required"),
    "visits": text.N_("sv_col_visits"),
    "intervals_visited": text.N_("sv_col_intervals_visited"),
    "compliant": text.N_("sv_col_compliant"),
    "last_visit": text.N_("sv_col_last_visit"),
    "cells_visited": text.N_("sv_col_cells_visited"),
    "cells_met": text.N_("sv_col_cells_met"),
    "coverage": text.N_("sv_col_coverage"),
    "meetings_visited": text.N_("sv_col_meetings_visited"),
    "visitors": text.N_("sv_col_visitors"),
    "thematic_meetings": text.N_("col_thematic_meetings"),
    "valid_from": text.N_("col_valid_from"),
    "valid_to": text.N_("col_valid_to"),
    "relation": text.N_("col_relation"),
    "why": text.N_("col_reason"),
    "longest_run_below_target": text.N_("col_longest_run"),
    "days_overdue": text.N_("op_col_days_overdue"),
    "raised_on": text.N_("op_col_raised_on"),
    "due_on": text.N_("op_col_due_on"),
    "answered_on": text.N_("op_col_answered_on"),
    "text": text.N_("op_col_text"),
    "status": text.N_("op_col_status"),
    "channel": text.N_("op_col_channel"),
    "days_to_answer": text.N_("op_col_days_to_answer"),
    "answer": text.N_("op_col_answer"),
    "shared_words": text.N_("op_col_shared_words"),
    "example_text": text.N_("op_col_example"),
    "months": text.N_("op_col_months"),
    "last_raised": text.N_("op_col_last_raised"),
    "unanswered": text.N_("op_col_unanswered"),
    "meetings_counted": text.N_("col_meetings_counted"),
    "last_absence": text.N_("col_last_absence"),
    "membership_status": text.N_("col_status"),
    "absentees": text.N_("col_absentees"),
}


class View:
    """A table as shown: the shown headers, names for codes, numbers and dates kept as values, and
    each column's kind (a number kind, "date", "month", "label" for the app's own text, "user" for
    text that came from the data), in one locale. Tables and downloads are built from it alike."""

    def __init__(
        self,
        frame: pd.DataFrame,
        kinds: dict[str, str],
        loc: text.Locale,
        missing: dict[str, str] | None = None,
    ):
        self.frame = frame
        self.kinds = kinds
        self.loc = loc
        self.missing = missing or {}  # header -> what an empty cell shows (else "–" for numbers)

    def formatter(self, column: str) -> Callable[[object], str]:
        shown = shown_value(self.loc, self.kinds[column])
        if column not in self.missing:
            return shown
        empty = self.missing[column]
        return lambda value: empty if text.is_missing(value) else shown(value)

    def __len__(self) -> int:
        return len(self.frame)

    def text(self, rows: slice | None = None) -> pd.DataFrame:
        """The text each cell shows (what a CSV download holds)."""
        frame = self.frame if rows is None else self.frame.iloc[rows]
        out = pd.DataFrame(index=frame.index)
        for column in frame.columns:
            out[column] = frame[column].map(self.formatter(column))
        return out

    def user_columns(self) -> list[str]:
        return [column for column, kind in self.kinds.items() if kind == "user"]

    def sorted_by(self, column: str, descending: bool = False) -> View:
        """The view with its rows in the order of one column: numbers and dates by value, text in the
        Vietnamese alphabet's order (the `vi` collation the queries sort with); empty cells last."""
        values = self.frame[column]
        if self.kinds[column] in ("user", "label"):
            values = pd.Series(db.collation_ranks(values.tolist()), index=values.index)
        order = values.sort_values(ascending=not descending, na_position="last", kind="stable").index
        return View(self.frame.loc[order].reset_index(drop=True), self.kinds, self.loc, self.missing)


def _plain(loc: text.Locale, value: object) -> str:
    if value is None or (not isinstance(value, str) and text.is_missing(value)):
        return ""
    if isinstance(value, bool):
        return loc.t("table_yes") if value else loc.t("table_no")
    return str(value)


def _formatters(loc: text.Locale) -> dict[str, Callable[[object], str]]:
    return {
        "pct": loc.pct,
        "int": loc.integer,
        "num": loc.num,
        "num2": lambda value: loc.num(value, 2),
        "signed": loc.signed,
        "date": loc.date,
        "month": loc.month,
        "datetime": lambda value: value.strftime("%d/%m/%Y %H:%M"),
        "seconds": lambda value: value.strftime("%d/%m/%Y %H:%M:%S"),
    }


def shown_value(loc: text.Locale, kind: str) -> Callable[[object], str]:
    """How a cell of the kind is shown in the locale's formats, "–" for none."""
    formatter = _formatters(loc).get(kind)
    if formatter is None:
        return lambda value: _plain(loc, value)
    if kind in TIME_KINDS:
        return lambda value: "–" if text.is_missing(value) else formatter(value)
    return formatter


TIME_KINDS = ("date", "month", "datetime", "seconds")
Format = str | tuple[str, str] | Callable[[object], str]


def view(
    loc: text.Locale,
    frame: pd.DataFrame,
    formats: dict[str, Format] | None = None,
    headers: dict[str, str] | None = None,
) -> View:
    """The view of a query's frame: columns with a header (HEADERS, or the page's `headers`, already
    translated) in the frame's order. A format is a kind ("pct", "int", "num", "num2", "signed",
    "date", "month", "datetime", "seconds"): the column keeps its values and shows them so; (kind, text)
    also names what an empty cell shows; a callable maps codes to names (the app's text). Columns with
    no format take theirs from their type."""
    formats = formats or {}
    headers = headers or {}
    columns, kinds, missing = {}, {}, {}
    for column in frame.columns:
        if column in headers:
            header = headers[column]
        elif column in HEADERS:
            header = loc.t(HEADERS[column])
        elif column == loc.name_column:
            header = loc.t("op_col_category")
        else:
            continue  # ids and codes: their names are shown
        values = frame[column]
        kind = formats.get(column)
        if isinstance(kind, tuple):
            kind, missing[header] = kind
        if callable(kind):
            values, kind = values.map(kind), "label"
        elif kind is None:
            kind = _kind_of(values)
        if kind in TIME_KINDS:
            values = pd.to_datetime(values)
        columns[header] = values
        kinds[header] = kind
    shown = pd.DataFrame(columns, index=frame.index).reset_index(drop=True)
    return View(shown, kinds, loc, missing)


def _kind_of(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "label"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    if pd.api.types.is_numeric_dtype(values):
        return "num"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    return "user"  # text from the data


def styled(shown: View, rows: slice | None = None):
    """The Styler st.dataframe draws: the values kept, the text shown in the view's locale. Streamlit
    draws an empty cell as "None" whatever the Styler says, so text columns hold what an empty cell
    shows ("–" unless the view names another); numbers and dates stay values (a header click sorts
    them as such), and their empty cells stay Streamlit's."""
    frame = shown.frame if rows is None else shown.frame.iloc[rows]
    texts = {
        column: frame[column].where(frame[column].notna(), shown.formatter(column)(None))
        for column, kind in shown.kinds.items()
        if kind in ("user", "label")
    }
    frame = frame.assign(**texts) if texts else frame
    return frame.style.format({column: shown.formatter(column) for column in shown.kinds})


def show(shown: View, name: str, per_page: int | None = None, **options: object) -> None:
    """A view drawn as a table, and its downloads. A long one shows page_rows() rows at a time, with
    a page picker and a sort picker beneath (a header click sorts only the rows on screen; the picker
    sorts every row of the view, and its downloads hold them in that order): a fragment, so walking
    the pages reruns the table alone. per_page: at most so many rows at a time (page_rows)."""
    if len(shown) > page_rows(per_page):
        _long_table(shown, name, page_rows(per_page), **options)
        return
    st.dataframe(styled(shown), hide_index=True, width="stretch", **options)
    downloads(shown, name)


@st.fragment
def _long_table(shown: View, name: str, per_page: int, **options: object) -> None:
    ui.require_session()  # a fragment's rerun skips dashboard.py and asks no query: check here
    shown = _sorted_as_chosen(shown, name)
    rows = _page_of_rows(shown, name, per_page)
    st.dataframe(styled(shown, rows), hide_index=True, width="stretch", **options)
    _paging_controls(shown, name, rows, per_page)
    downloads(shown, name)


def _sorted_as_chosen(shown: View, name: str) -> View:
    column = st.session_state.get(f"sort_{name}")
    if column not in shown.kinds:
        return shown
    return shown.sorted_by(column, descending=bool(st.session_state.get(f"desc_{name}")))


def _page_of_rows(shown: View, name: str, per_page: int) -> slice:
    pages = _pages(shown, per_page)
    page = min(max(1, int(st.session_state.get(f"page_{name}") or 1)), pages)
    if f"page_{name}" in st.session_state:
        st.session_state[f"page_{name}"] = page  # a shorter table than before: its last page
    return slice((page - 1) * per_page, page * per_page)


def _pages(shown: View, per_page: int) -> int:
    return -(-len(shown) // per_page)


def _first_page(name: str) -> None:
    st.session_state[f"page_{name}"] = 1  # a new order starts from its first rows


def _paging_controls(shown: View, name: str, rows: slice, per_page: int) -> None:
    loc = shown.loc
    page, sort, order, caption = st.columns([1, 2, 1, 2], vertical_alignment="bottom")
    pages = _pages(shown, per_page)
    page.number_input(loc.t("table_page"), min_value=1, max_value=pages, step=1, key=f"page_{name}")
    sort.selectbox(
        loc.t("table_sort_by"),
        list(shown.kinds),
        index=None,
        placeholder=loc.t("table_sort_default"),
        key=f"sort_{name}",
        on_change=_first_page,
        args=(name,),
    )
    order.toggle(loc.t("table_descending"), key=f"desc_{name}", on_change=_first_page, args=(name,))
    caption.caption(
        loc.t(
            "table_rows_shown",
            first=loc.integer(rows.start + 1),
            last=loc.integer(min(rows.stop, len(shown))),
            total=loc.integer(len(shown)),
        )
    )


def table(
    loc: text.Locale,
    frame: pd.DataFrame,
    name: str,
    formats: dict[str, Format] | None = None,
    headers: dict[str, str] | None = None,
    per_page: int | None = None,
    **options: object,
) -> View:
    """A query's frame shown as its view (see `view`), with downloads of the whole view."""
    shown = view(loc, frame, formats, headers)
    show(shown, name, per_page, **options)
    return shown


def downloads(shown: View | Callable[[], View], name: str, rows: int | None = None) -> None:
    """CSV and XLSX of the whole view as shown (every row, the headers, names and formats, in the
    view's locale); text that came from the data neutralised against formulas; each click audited
    when its file is made, without rerunning the page (ui.audited).

    Each file is built when its button is clicked (on a thread of Streamlit's, which is why the view
    carries its locale): the XLSX of a few thousand rows takes a second, too long for every rerun.
    `shown` may be a function that makes the view then (its rows asked for with ui.deferred_query:
    a long list fetched and labelled only for a download), with `rows`, its count, for the audit."""
    loc = shown.loc if isinstance(shown, View) else ui.locale()
    made = shown if callable(shown) and not isinstance(shown, View) else (lambda: shown)
    count = len(shown) if rows is None else rows
    left, right = st.columns(2)
    left.download_button(
        loc.t("download_csv"),
        ui.audited(lambda: csv_bytes(made()), "download", ui.download_details(f"{name}.csv", count)),
        f"{name}.csv",
        "text/csv",
        key=f"csv_{name}",
        on_click="ignore",  # a click makes the file and audits it, without a rerun (ui.audited)
    )
    right.download_button(
        loc.t("download_xlsx"),
        ui.audited(lambda: xlsx_bytes(made(), name), "download", ui.download_details(f"{name}.xlsx", count)),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click="ignore",
    )


def csv_bytes(shown: View) -> bytes:
    """The view's CSV: every row as shown, `;`-separated, UTF-8 with a BOM."""
    return export.csv_shown(shown.text(), shown.user_columns())


def xlsx_bytes(shown: View, sheet: str = "data") -> bytes:
    """The view's XLSX: every row, the shown headers and names, numbers and dates as values with
    the number format each shows."""
    formats = {column: XLSX_FORMATS.get(kind) for column, kind in shown.kinds.items()}
    return export.xlsx_shown(shown.frame, formats, shown.user_columns(), sheet)


def chart_block(
    loc: text.Locale,
    figure,
    data: pd.DataFrame,
    name: str,
    formats: dict[str, Format],
    headers: dict[str, str] | None = None,
) -> None:
    """A chart, its table view (as shown) and downloads of exactly what it shows."""
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    chart_table(loc, data, name, formats, headers)


def table_key(name: str) -> str:
    """The key of a chart's "show the table" expander (st.session_state[key]: whether it is open)."""
    return f"table_open_{name}"


def chart_table(
    loc: text.Locale,
    data: pd.DataFrame,
    name: str,
    formats: dict[str, Format] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """A chart's table view and its downloads, in an expander that builds them only while it is open:
    a table's formatting costs about 0.5 ms a row on every rerun, so closed ones (most, most of the
    time) cost nothing; opening one reruns the page with it (its state: st.session_state[table_key])."""
    expander = st.expander(loc.t("show_table"), key=table_key(name), on_change="rerun")
    if expander.open:
        with expander:
            table(loc, data, name, formats, headers)
