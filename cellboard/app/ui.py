"""Streamlit helpers every page shares: cached named queries, the filter bar, figure
tiles, chart blocks with table view and downloads. Pages call these; they hold no SQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable
from typing import NoReturn

import pandas as pd
import streamlit as st

from cellboard import auth, export, text
from cellboard.app import filters
from cellboard.data import db, figures, periods
from cellboard.text import t

FILTERS_KEY = "_filters"
SCOPE_KEY = "_scope"


# ---- data -------------------------------------------------------------------------


class NotSignedIn(PermissionError):
    """A query was asked for in a session nobody has logged in to."""


def current_scope() -> db.Scope:
    """The signed-in account's scope; without a login there is no scope, so no query runs."""
    scope = st.session_state.get(SCOPE_KEY)
    if not isinstance(scope, db.Scope):
        _not_signed_in()
    return scope


def _not_signed_in() -> NoReturn:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        # A fresh server's first run can take Streamlit's old pages/-folder mode and run a page file
        # without dashboard.py and its login. Switch that mode off and run again through the entry.
        PagesManager.uses_pages_directory = False
        st.rerun()
    raise NotSignedIn("no account is signed in")


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(name: str, params: tuple, path: str, identity: tuple, scope: db.Scope) -> pd.DataFrame:
    # identity (inode, mtime, size) is part of the key: a swapped-in file is a new cache entry
    return db.run(name, dict(params), path=path, scope=scope)


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a named query within the session's scope, cached per file version."""
    path = db.db_path().resolve()
    identity = db.file_identity(path)
    return _cached(name, tuple(sorted(params.items())), str(path), identity, current_scope())


def window(period: periods.Period | None = None, **extra: object) -> dict[str, object]:
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


def named_for_the_cell(frame: pd.DataFrame, column: str = "commune") -> pd.DataFrame:
    """Rows by commune hold one cell's figures when a cell is the selected unit: name them after it
    ("Chi bộ ... (Xã ...)"), not after the whole commune."""
    unit = current_filters().unit
    tree = query("unit_tree")
    row = tree.loc[tree["unit_id"] == unit]
    if unit is None or row.empty or row["kind"].iloc[0] != "cell" or column not in frame:
        return frame
    commune = unit_name(row["parent_id"].iloc[0])
    return frame.assign(**{column: f"{row['name'].iloc[0]} ({commune})"})


REVIEW_URL_KEYS = ("review", "review_year", "review_from", "review_to")
REVIEW_PRESETS = ("first_half", "second_half", "year", "custom")


def old_review_link(params: dict[str, str], today: dt.date) -> periods.Period | None:
    """The period a link made when the Review page had its own period picker opened (its keys
    `review`, `review_year`, `review_from`, `review_to`), as that page read them; None for other links.
    The app moves it into the sidebar's `from` and `to` on the session's first run."""
    if not any(key in params for key in REVIEW_URL_KEYS):
        return None
    preset, year = ("first_half", today.year) if today.month >= 7 else ("second_half", today.year - 1)
    if params.get("review") in REVIEW_PRESETS:
        preset = params["review"]
    asked = str(params.get("review_year", ""))
    if asked.isdigit() and today.year - 8 < int(asked) <= today.year:
        year = int(asked)
    if preset != "custom":
        return periods.preset_period(preset, today, year)
    sidebar = filters.from_query_params(params, today).period  # the page's default: the sidebar's
    start, end = sidebar.start, sidebar.end
    with contextlib.suppress(KeyError, ValueError):
        start = periods.parse_date(params["review_from"])
    with contextlib.suppress(KeyError, ValueError):
        end = periods.parse_date(params["review_to"])
    return periods.Period(min(start, end), max(start, end))


def period_caption(period: periods.Period) -> str:
    return t("period_label", start=text.fmt_date(period.start), end=text.fmt_date(period.end))


def page_header(title_key: str) -> filters.FilterState:
    """Title, the selected unit's name and period; returns the filter state."""
    state = current_filters()
    st.title(t(title_key))
    name = text.escape_markdown(unit_name(state.unit))  # a name from the data is text, never markdown
    st.markdown(f"**{t('selected_unit', name=name)}** · {period_caption(state.period)}")
    return state


# ---- figures, charts and tables ---------------------------------------------------


def headline_tiles(comparison: figures.Comparison) -> None:
    """The seven headline figures in two rows of tiles: each with its change against the previous
    period (signed, so a rise shows as one) and, beneath, both comparison periods' values."""

    def shown(figure: str, value: float | None) -> str:
        return text.fmt_int(value) if figure in figures.COUNT_FIGURES else text.fmt_pct(value)

    def change(figure: str) -> str | None:
        delta = comparison.change(figure, "previous")
        if delta is None:
            return None
        return text.fmt_signed_int(delta) if figure in figures.COUNT_FIGURES else text.fmt_points(delta)

    def span(of: periods.Period) -> str:
        return f"{text.fmt_date(of.start)}–{text.fmt_date(of.end)}"

    columns = st.columns(4) + st.columns(4)
    for column, figure in zip(columns, figures.FIGURES, strict=False):
        caption = t(
            "delta_caption",
            prev=span(comparison.previous),
            prev_value=shown(figure, comparison.previous_values[figure]),
            year=span(comparison.year_before),
            year_value=shown(figure, comparison.year_values[figure]),
        )
        if figure == "excellent_share" and comparison.current_values["rating_year"]:
            caption = t("rating_year", year=comparison.current_values["rating_year"]) + " · " + caption
        figure_tile(column, figure, shown(figure, comparison.current_values[figure]), change(figure), caption)


def figure_tile(column, label_key: str, value: str, delta: str | None, caption: str) -> None:
    """A headline figure with its definition as help and its change (no arrow when nothing changed)."""
    unchanged = delta is not None and not delta.startswith(("+", "-"))
    with column:
        st.metric(
            t(label_key),
            value,
            delta=delta,
            help=text.coded(label_key, "help"),
            delta_color="off" if unchanged else "normal",
            delta_arrow="off" if unchanged else "auto",
            delta_description=t("vs_previous") if delta is not None else None,
        )
        st.caption(caption)


# ---- tables and downloads: as shown --------------------------------------------------
#
# A table keeps its numbers and dates as numbers and dates (a header click sorts them as such) and
# shows them in the app's language through a pandas Styler, whose text Streamlit draws while the cell
# keeps its value. A Styler costs about 0.06 ms a cell a rerun, so a table shows at most PAGE_ROWS
# rows at a time (a page picker beneath walks the rest); its downloads hold every row of the view.

PAGE_ROWS = 200

# What each kind of column shows: the formatter of the page's formats dict names its kind.
KINDS: dict[object, str] = {
    text.fmt_pct: "pct",
    text.fmt_int: "int",
    text.fmt_num: "num",
    text.fmt_signed_int: "signed",
    text.fmt_date: "date",
    text.fmt_month: "month",
}
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
    text that came from the data). Tables and downloads are built from it alike."""

    def __init__(self, frame: pd.DataFrame, kinds: dict[str, str], missing: dict[str, str] | None = None):
        self.frame = frame
        self.kinds = kinds
        self.missing = missing or {}  # header -> what an empty cell shows (else "–" for numbers)

    def formatter(self, column: str) -> Callable[[object], str]:
        shown = shown_value(self.kinds[column])
        if column not in self.missing:
            return shown
        empty = self.missing[column]
        return lambda value: empty if text.is_missing(value) else shown(value)

    def __len__(self) -> int:
        return len(self.frame)

    def text(self, rows: slice | None = None) -> pd.DataFrame:
        """The text each cell shows, in the current language (what a CSV download holds)."""
        frame = self.frame if rows is None else self.frame.iloc[rows]
        out = pd.DataFrame(index=frame.index)
        for column in frame.columns:
            out[column] = frame[column].map(self.formatter(column))
        return out

    def user_columns(self) -> list[str]:
        return [column for column, kind in self.kinds.items() if kind == "user"]


def _fmt_num2(value: object) -> str:
    return text.fmt_num(value, 2)


def _fmt_plain(value: object) -> str:
    if value is None or (not isinstance(value, str) and text.is_missing(value)):
        return ""
    if isinstance(value, bool):
        return t("table_yes") if value else t("table_no")
    return str(value)


_FORMATTERS = {
    "pct": text.fmt_pct,
    "int": text.fmt_int,
    "num": text.fmt_num,
    "num2": _fmt_num2,
    "signed": text.fmt_signed_int,
    "date": text.fmt_date,
    "month": text.fmt_month,
    "datetime": lambda value: value.strftime("%d/%m/%Y %H:%M"),
    "seconds": lambda value: value.strftime("%d/%m/%Y %H:%M:%S"),
}


def shown_value(kind: str) -> Callable[[object], str]:
    """How a cell of the kind is shown: the app's Vietnamese (or English) formats, "–" for none."""
    formatter = _FORMATTERS.get(kind)
    if formatter is None:
        return _fmt_plain
    if kind in ("date", "month", "datetime", "seconds"):
        return lambda value: "–" if text.is_missing(value) else formatter(value)
    return formatter


def view(
    frame: pd.DataFrame,
    formats: dict[str, Callable[[object], str] | str] | None = None,
    headers: dict[str, str] | None = None,
) -> View:
    """The view of a query's frame: columns with a header (HEADERS, or the page's `headers`, already
    translated) in the frame's order; a formatter from text.fmt_* (or a kind name) keeps the column's
    values and names how they show, and (formatter, text) also what an empty cell shows; any other
    callable maps codes to names (the app's text)."""
    formats = formats or {}
    headers = headers or {}
    columns, kinds, missing = {}, {}, {}
    for column in frame.columns:
        if column in headers:
            header = headers[column]
        elif column in HEADERS:
            header = t(HEADERS[column])
        elif column == f"name_{text.language()}":
            header = t("op_col_category")
        else:
            continue  # ids and codes: their names are shown
        values = frame[column]
        formatter = formats.get(column)
        if isinstance(formatter, tuple):
            formatter, missing[header] = formatter
        kind = formatter if isinstance(formatter, str) else KINDS.get(formatter)
        if kind is None and callable(formatter):
            values, kind = values.map(formatter), "label"
        elif kind is None:
            if pd.api.types.is_bool_dtype(values):
                kind = "label"
            elif pd.api.types.is_integer_dtype(values):
                kind = "int"
            elif pd.api.types.is_numeric_dtype(values):
                kind = "num"
            elif pd.api.types.is_datetime64_any_dtype(values):
                kind = "date"
            else:
                kind = "user"  # text from the data
        if kind in ("date", "month", "datetime", "seconds"):
            values = pd.to_datetime(values)
        columns[header] = values
        kinds[header] = kind
    shown = pd.DataFrame(columns, index=frame.index).reset_index(drop=True)
    return View(shown, kinds, missing)


def styled(shown: View, rows: slice | None = None):
    """The Styler st.dataframe draws: the values kept, the text shown in the app's language."""
    frame = shown.frame if rows is None else shown.frame.iloc[rows]
    return frame.style.format({column: shown.formatter(column) for column in shown.kinds})


def show(shown: View, name: str, **options: object) -> None:
    """A view drawn as a table, PAGE_ROWS rows at a time (a page picker beneath), and its downloads."""
    rows = None
    if len(shown) > PAGE_ROWS:
        pages = -(-len(shown) // PAGE_ROWS)
        page = st.session_state.get(f"page_{name}", 1)
        page = min(max(1, int(page or 1)), pages)
        if f"page_{name}" in st.session_state:
            st.session_state[f"page_{name}"] = page  # a shorter table than before: its last page
        rows = slice((page - 1) * PAGE_ROWS, page * PAGE_ROWS)
    st.dataframe(styled(shown, rows), hide_index=True, width="stretch", **options)
    if rows is not None:
        left, right = st.columns([1, 3])
        left.number_input(
            t("table_page"), min_value=1, max_value=pages, step=1, key=f"page_{name}", width=160
        )
        right.caption(
            t(
                "table_rows_shown",
                first=text.fmt_int(rows.start + 1),
                last=text.fmt_int(min(rows.stop, len(shown))),
                total=text.fmt_int(len(shown)),
            )
        )
    downloads(shown, name)


def table(
    frame: pd.DataFrame,
    name: str,
    formats: dict[str, Callable[[object], str] | str] | None = None,
    headers: dict[str, str] | None = None,
    **options: object,
) -> View:
    """A query's frame shown as its view (see `view`), with downloads of the whole view."""
    shown = view(frame, formats, headers)
    show(shown, name, **options)
    return shown


def downloads(shown: View, name: str) -> None:
    """CSV and XLSX of the whole view as shown (every row, the headers, names and formats); text
    that came from the data neutralised against formulas; each click audited.

    Each file is built when its button is clicked: the XLSX of a few thousand rows takes a second,
    too long to build on every rerun."""
    language = text.language()  # the thread that builds has not chosen one: it is this session's

    def in_language(build: Callable[[View], bytes]) -> Callable[[], bytes]:
        def built() -> bytes:
            text.set_run_language(language)
            return build(shown)

        return built

    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        in_language(csv_bytes),
        f"{name}.csv",
        "text/csv",
        key=f"csv_{name}",
        on_click=record_download,
        args=(f"{name}.csv", len(shown)),
    )
    right.download_button(
        t("download_xlsx"),
        in_language(lambda v: xlsx_bytes(v, name)),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click=record_download,
        args=(f"{name}.xlsx", len(shown)),
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
    figure,
    data: pd.DataFrame,
    name: str,
    formats: dict[str, Callable[[object], str] | str],
    headers: dict[str, str] | None = None,
) -> None:
    """A chart, its table view (as shown) and downloads of exactly what it shows."""
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    with st.expander(t("show_table")):
        table(data, name, formats, headers)


# ---- accounts: login, session, audit (issue 7) -------------------------------------

ACCOUNT_KEY = "_account"  # {"name", "role", "version"} of the signed-in account
SEEN_KEY = "_last_seen"  # time.time() of the session's last run
NOTICE_KEY = "_login_notice"  # why the login form is shown again (expired, signed out, ...)
REFUSED_KEY = "_unit_refused"  # a unit asked for in the URL outside the account's scope
KEEP_ON_SIGN_OUT = ("lang",)


def session_values(account: auth.Account, now: float | None = None) -> dict[str, object]:
    """What a login puts in the session (tests put the same to start signed in)."""
    return {
        ACCOUNT_KEY: {"name": account.name, "role": account.role, "version": account.version},
        SCOPE_KEY: auth.scope_of(account),
        SEEN_KEY: time.time() if now is None else now,
    }


def sign_out(notice: str | None = None) -> None:
    """Forget everything the session held (but the language)."""
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_SIGN_OUT and not str(key).startswith("$$"):
            del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def signed_in_account(now: float | None = None) -> auth.Account | None:
    """The signed-in account, checked against the store on every run: an idle session expires, and a
    disabled or removed account or a changed password ends the session."""
    held = st.session_state.get(ACCOUNT_KEY)
    if not isinstance(held, dict):
        st.session_state.pop(SCOPE_KEY, None)
        return None
    now = time.time() if now is None else now
    if now - float(st.session_state.get(SEEN_KEY, 0)) > auth.SESSION_IDLE_HOURS * 3600:
        auth.audit(held.get("name"), "session_expired", {})
        sign_out("expired")
        return None
    account = auth.get_account(held.get("name", ""))
    if account is None or account.disabled or account.version != held.get("version"):
        sign_out("ended")
        return None
    st.session_state[ACCOUNT_KEY] = {"name": account.name, "role": account.role, "version": account.version}
    st.session_state[SCOPE_KEY] = auth.scope_of(account)
    st.session_state[SEEN_KEY] = now
    return account


def current_account_name() -> str | None:
    held = st.session_state.get(ACCOUNT_KEY)
    return held.get("name") if isinstance(held, dict) else None


def current_role() -> str | None:
    held = st.session_state.get(ACCOUNT_KEY)
    return held.get("role") if isinstance(held, dict) else None


def role_label(role: str) -> str:
    return text.coded("role", role) if role in auth.ROLES else role


def login_page() -> None:
    """The login form: nothing of the data is shown before it succeeds."""
    st.title(t("app_title"))
    st.subheader(t("login_title"))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(text.coded("login_notice", notice))
    if auth.first_admin_pending():
        st.info(t("login_first_admin", name=auth.FIRST_ADMIN))
    with st.form("login_form", clear_on_submit=True):
        name = st.text_input(t("login_name"), key="login_name", autocomplete="username")
        password = st.text_input(
            t("login_password"), type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login_submit"), type="primary")
    if not submitted:
        return
    result = auth.authenticate(name, password)
    if result.account is not None:
        st.session_state.update(session_values(result.account))
        st.rerun()
    elif result.reason == "locked":
        until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
        st.error(t("login_locked", until=until, failures=auth.MAX_FAILURES, minutes=auth.LOCK_MINUTES))
    elif result.reason == "disabled":
        st.error(t("login_disabled"))
    else:
        st.error(t("login_failed"))


def _logout() -> None:
    auth.audit(current_account_name(), "logout", {})
    sign_out("signed_out")


def account_sidebar(account: auth.Account) -> None:
    """Who is signed in, and the logout button."""
    st.sidebar.caption(
        t("signed_in_as", name=text.escape_markdown(account.name), role=role_label(account.role))
    )
    st.sidebar.button(t("logout"), key="logout", on_click=_logout, icon=":material/logout:")


def require_role(*roles: str) -> auth.Account:
    """Stop the page unless the signed-in account has one of the roles (the page list hides it too)."""
    account = signed_in_account()
    if account is None:
        _not_signed_in()
    if account.role not in roles:
        st.error(t("page_refused"))
        st.stop()
    return account


def record(action: str, details: dict | None = None) -> None:
    """Audit an action of the signed-in account (downloads, reports, imports in the app)."""
    auth.audit(current_account_name(), action, details or {})


def record_download(file_name: str, rows: int) -> None:
    """on_click of a download button: who downloaded what, with which filters."""
    scope = st.session_state.get(SCOPE_KEY)
    record(
        "download",
        {
            "file": file_name,
            "rows": rows,
            "filters": dict(st.query_params),
            "scope": getattr(scope, "root", None),
        },
    )


def clear_refusal() -> None:
    """on_change of the unit picker: picking a unit lifts a refused link's block."""
    st.session_state.pop(REFUSED_KEY, None)


def refusal_text(unit: object) -> str:
    """The message (markdown) for a unit outside the account's scope; the unit, as the link sent it,
    is shown as text."""
    if unit is None or unit is db.WHOLE_TREE:
        return t("scope_refused_whole")
    return t("scope_refused", unit=text.escape_markdown(unit))


def in_language(message: str) -> str:
    """The current language's half of a bilingual "Vietnamese / English" message."""
    vi, sep, en = message.partition(" / ")
    if not sep:
        return message
    return vi if text.language() == "vi" else en


def audit_details(details: dict) -> str:
    """An audit row's details as one line of text (shown with st.dataframe, never as markdown)."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True)
