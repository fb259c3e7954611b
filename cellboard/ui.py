"""Streamlit helpers every page shares: cached named queries, the filter bar, figure
tiles, chart blocks with table view and downloads. Pages call these; they hold no SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import NoReturn

import pandas as pd
import streamlit as st

from cellboard import auth, db, export, figures, filters, text
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


def period_caption(period: filters.Period) -> str:
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

    def span(of: filters.Period) -> str:
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
            help=t(label_key + "_help"),
            delta_color="off" if unchanged else "normal",
            delta_arrow="off" if unchanged else "auto",
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
    """CSV (UTF-8 BOM) and XLSX of exactly the frame, formula-like text neutralised; each click audited.

    Each file is built when its button is clicked: the XLSX of a few thousand rows takes a second,
    too long to build on every rerun."""
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        lambda: export.csv_download(frame),
        f"{name}.csv",
        "text/csv",
        key=f"csv_{name}",
        on_click=record_download,
        args=(f"{name}.csv", len(frame)),
    )
    right.download_button(
        t("download_xlsx"),
        lambda: export.xlsx_download(export.neutralised(frame), name),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click=record_download,
        args=(f"{name}.xlsx", len(frame)),
    )


def chart_block(figure, data: pd.DataFrame, name: str, formats: dict[str, Callable[[object], str]]) -> None:
    """A chart, its table view and downloads of exactly what it shows."""
    st.plotly_chart(figure, width="stretch", key=f"chart_{name}")
    with st.expander(t("show_table")):
        st.dataframe(display_table(data, formats), hide_index=True, width="stretch")
        downloads(data, name)


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
    vi, en = auth.ROLE_LABELS.get(role, (role, role))
    return vi if text.language() == "vi" else en


def login_page() -> None:
    """The login form: nothing of the data is shown before it succeeds."""
    st.title(t("app_title"))
    st.subheader(t("login_title"))
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(t("login_notice_" + notice))
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
