"""Streamlit helpers every page shares: cached named queries, the session's locale, the filter
state, figure tiles, the login and the audit. Pages call these; they hold no SQL. (Tables, chart
blocks and downloads: cellboard.app.tables.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import weakref
from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from cellboard import auth, sessions, text
from cellboard.app import bounded, filters, web
from cellboard.data import db, figures, periods

FILTERS_KEY = "_filters"
SCOPE_KEY = "_scope"


# ---- data -------------------------------------------------------------------------


class NotSignedIn(PermissionError):
    """A query was asked for in a session nobody has logged in to."""


def current_scope() -> db.Scope:
    """The signed-in account's scope. dashboard.py checks the session once at the start of every
    full run; a fragment's rerun skips it, so there the query gateway checks again (once a run is
    enough: a check is a read of the accounts store). Without a valid session there is no scope, so
    no query runs."""
    if in_fragment():
        require_session()
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
    if in_fragment():
        st.rerun(scope="app")  # the whole app, whose gate shows the way to the login
    raise NotSignedIn("no account is signed in")


def require_session() -> None:
    """The guard every fragment calls first: its rerun skips dashboard.py, so a logout in another tab,
    an expiry or a changed password is noticed here (queries check through current_scope)."""
    if signed_in_account() is None:
        _not_signed_in()


def in_fragment() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


# The answers, shared by every session, kept within ANSWERS_KEPT_BYTES (cellboard/app/bounded.py) and
# made again after an hour. Not Streamlit's cache_data: it pickles each answer when stored and
# unpickles a copy at every hit (6 ms for cell_ranking at L, a page's rerun asks for it and a dozen
# more), and holds the pickled bytes beside the copies in use. Nor its cache_resource, which bounds
# entries, not their size (docs/PERFORMANCE.md, "Memory"). 32 MiB holds every page's answers for a
# period of an L province's whole tree (about 15 MiB) and the Overview's two periods before it.
ANSWERS_KEPT_BYTES = 32 * 2**20
ANSWERS_KEPT_SECONDS = 3600
_answers: bounded.BoundedCache[pd.DataFrame] = bounded.BoundedCache(
    ANSWERS_KEPT_BYTES, lambda frame: int(frame.memory_usage(deep=False).sum()), ANSWERS_KEPT_SECONDS
)


def clear_caches() -> None:
    """Forget every answer and figure kept (a test's or the bench's fresh start)."""
    _answers.clear()
    st.cache_resource.clear()


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a named query within the session's scope, cached per file version. Each caller gets its
    own shallow copy of the cached answer: with pandas' copy-on-write (always on since pandas 3) a
    column set or a value changed on it never reaches the cached frame other sessions read."""
    resolved = db.db_path().resolve()
    identity, path = db.file_identity(resolved), str(resolved)
    scope = current_scope()
    items = tuple(sorted(params.items()))
    # repr of str, None, numbers, dates and the frozen Scope: equal exactly when the values are
    key = repr((name, items, path, identity, scope))
    answer = _answers.get(key, lambda: db.run(name, dict(items), path=path, scope=scope)).copy(deep=False)
    _hand_out(answer, key)
    return answer


# The frames `query` handed out, by id, with their answer's key: what `figure` and `derived` key a
# frame by when it is one of them, instead of hashing its content (15 ms for cell_ranking at L,
# asked on every rerun). Pages never change a frame in place (they draw), so the key stays true.
_handed_out: dict[int, tuple[weakref.ref, str]] = {}


def _hand_out(answer: pd.DataFrame, key: str) -> None:
    ident = id(answer)
    _handed_out[ident] = (weakref.ref(answer, lambda _: _handed_out.pop(ident, None)), key)


def _content_key(value: object) -> object:
    known = _handed_out.get(id(value))
    return ("answer", known[1]) if known is not None and known[0]() is value else value


# The figures drawn, shared: a figure is made again when its data changed, so only those of the
# pages and periods looked at lately are worth keeping; Streamlit's cache bounds their number (a
# figure's size is not known without walking it). 32 is a period's figures of every page, twice.
FIGURES_KEPT = 32


@st.cache_resource(show_spinner=False, max_entries=FIGURES_KEPT, ttl=3600)
def _drawn(name: str, language: str | None, keys: tuple, _args: tuple, _kwargs: dict) -> object:
    # keys: the arguments, a query's frame replaced by its answer's key; only they are hashed
    from cellboard import charts

    function = getattr(charts, name)
    if language is None:
        return function(*_args, **_kwargs)
    return function(text.Locale(language), *_args, **_kwargs)


def _drawn_for(function, language: str | None, args: tuple, kwargs: dict) -> object:
    keys = (tuple(map(_content_key, args)), tuple((k, _content_key(v)) for k, v in sorted(kwargs.items())))
    return _drawn(function.__name__, language, keys, args, kwargs)


def figure(builder, loc: text.Locale, *args: object, **kwargs: object):
    """builder(loc, *args, **kwargs), a figure (or a table drawn from) of cellboard.charts, made once for the same values and
    language and then shared (keyed by the values' content, or a query's frame by its answer): a rerun
    whose data did not change draws the figure it drew before instead of building and checking it
    again (10 to 60 ms a figure at M). Shared figures are only read: st.plotly_chart copies a figure
    before sending it."""
    return _drawn_for(builder, loc.language, args, kwargs)


def derived(function, *args: object, **kwargs: object):
    """function(*args, **kwargs) of cellboard.charts (a frame a page draws from), computed once for the
    same values and shared; never changed in place by the page."""
    return _drawn_for(function, None, args, kwargs)


def lookup(keys: pd.Series, values: pd.Series) -> dict:
    """{key: value} over two columns of an answer (ids to names, say). The columns become lists first:
    zipping pandas' Arrow-backed columns goes through Python one element at a time (24 ms for the
    12.000 cells of an L province, 6 ms from lists), and a page may do it on every rerun."""
    return dict(zip(keys.tolist(), values.tolist(), strict=True))


def cells_of_the_unit(name: str, unit: str | None, **params: object) -> pd.DataFrame:
    """A per-cell named query's rows for the unit's cells (figures.cells_within says which columns
    that holds for), cut from its answer for the account's whole scope: that answer is asked once a
    period and cached, so a change of commune or cell asks only for the unit's cells (unit_cells), not
    the query again (cell_ranking for three periods on the Overview: about 45 ms of a commune change
    at M)."""
    root = current_scope().root
    whole = query(name, unit=root, **params)
    if unit is None or unit == root:
        return whole
    return figures.cells_within(whole, query("unit_cells", unit=unit))


def deferred_query(name: str, **params: object):
    """A function that runs the named query later (a download's, when clicked, on a thread of
    Streamlit's), with this session's scope and file taken now; not cached (a whole long list is
    asked for only when someone downloads it)."""
    path = db.db_path().resolve()
    scope = current_scope()
    return lambda: db.run(name, params, path=path, scope=scope)


def window(period: periods.Period | None = None, **extra: object) -> dict[str, object]:
    """The standard parameters for the selected (or a given) period and unit."""
    state = current_filters()
    period = period or state.period
    return {"start": period.start, "end": period.end, "unit": state.unit, **extra}


# ---- filter state -----------------------------------------------------------------


def locale() -> text.Locale:
    """The session's locale (the language switch's choice): what a page formats with. Pages take it
    once per run and pass it to what formats; nothing reads a language from a thread."""
    return text.Locale(st.session_state.get("lang") or "vi")


def current_filters() -> filters.FilterState:
    state = st.session_state.get(FILTERS_KEY)
    if state is None:
        state = filters.from_query_params(dict(st.query_params), dt.date.today())
    return state


def unit_name(loc: text.Locale, unit_id: str | None) -> str:
    if unit_id is None:
        return loc.t("whole_tree")
    tree = query("unit_tree")
    match = tree.loc[tree["unit_id"] == unit_id, "name"]
    return str(match.iloc[0]) if len(match) else unit_id


def named_for_the_cell(loc: text.Locale, frame: pd.DataFrame, column: str = "commune") -> pd.DataFrame:
    """Rows by commune hold one cell's figures when a cell is the selected unit: name them after it
    ("Chi bộ ... (Xã ...)"), not after the whole commune."""
    unit = current_filters().unit
    tree = query("unit_tree")
    row = tree.loc[tree["unit_id"] == unit]
    if unit is None or row.empty or row["kind"].iloc[0] != "cell" or column not in frame:
        return frame
    commune = unit_name(loc, row["parent_id"].iloc[0])
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


def period_caption(loc: text.Locale, period: periods.Period) -> str:
    return loc.t("period_label", start=loc.date(period.start), end=loc.date(period.end))


def page_header(loc: text.Locale, title_key: str) -> filters.FilterState:
    """Title, the selected unit's name and period; returns the filter state."""
    state = current_filters()
    st.title(loc.t(title_key))
    name = text.escape_markdown(unit_name(loc, state.unit))  # a name from the data is text, never markdown
    st.markdown(f"**{loc.t('selected_unit', name=name)}** · {period_caption(loc, state.period)}")
    return state


# ---- figures, charts and tables ---------------------------------------------------


def headline_tiles(loc: text.Locale, comparison: figures.Comparison) -> None:
    """The seven headline figures in two rows of tiles: each with its change against the previous
    period (signed, so a rise shows as one) and, beneath, both comparison periods' values."""

    def shown(figure: str, value: float | None) -> str:
        return loc.integer(value) if figure in figures.COUNT_FIGURES else loc.pct(value)

    def change(figure: str) -> str | None:
        delta = comparison.change(figure, "previous")
        if delta is None:
            return None
        return loc.signed(delta) if figure in figures.COUNT_FIGURES else loc.points(delta)

    def span(of: periods.Period) -> str:
        return f"{loc.date(of.start)}–{loc.date(of.end)}"

    columns = st.columns(4) + st.columns(4)
    for column, figure in zip(columns, figures.FIGURES, strict=False):
        caption = loc.t(
            "delta_caption",
            prev=span(comparison.previous),
            prev_value=shown(figure, comparison.previous_values[figure]),
            year=span(comparison.year_before),
            year_value=shown(figure, comparison.year_values[figure]),
        )
        if figure == "excellent_share" and comparison.current_values["rating_year"]:
            caption = loc.t("rating_year", year=comparison.current_values["rating_year"]) + " · " + caption
        figure_tile(
            loc, column, figure, shown(figure, comparison.current_values[figure]), change(figure), caption
        )


SECTION = "section"  # the buttons' widget key and the URL's key
_SECTION_SEEN = "_section_seen"  # the URL's section= as last read or written


def section(loc: text.Locale, sections: list[str]) -> str:
    """Which of a page's sections to draw; the first unless one is chosen. A row of buttons under
    the page's headline figures picks one, and only that one runs and is drawn: a click then draws
    its own charts, not the page's every chart (issue 15; docs/PERFORMANCE.md). The choice is in the
    URL as its id (`section=heatmap`), so a link reopens it; an unknown value there opens the first.
    Labels: catalogue ids `section_<id>`. One key serves every page, as one page is shown at a time."""
    linked = st.query_params.get(SECTION)
    if linked in sections and linked != st.session_state.get(_SECTION_SEEN):
        st.session_state[SECTION] = linked  # a link brought it
    if st.session_state.get(SECTION) not in sections:
        st.session_state[SECTION] = sections[0]  # first visit, or another page's choice
    chosen = st.segmented_control(
        loc.t("section_label"),
        sections,
        required=True,
        format_func=lambda section: loc.t(f"section_{section}"),
        key=SECTION,
        label_visibility="collapsed",
        width="stretch",
    )
    _section_in_url(chosen, sections)
    return chosen


def _section_in_url(chosen: str, sections: list[str]) -> None:
    written = None if chosen == sections[0] else chosen  # the first needs no mention
    if written is None:
        if SECTION in st.query_params:
            del st.query_params[SECTION]
    elif st.query_params.get(SECTION) != written:
        st.query_params[SECTION] = written
    st.session_state[_SECTION_SEEN] = written


def show_section(section: str) -> None:
    """Open a section of this page (from a click's callback, before the buttons are drawn)."""
    st.session_state[SECTION] = section


def bars_shown(loc: text.Locale, frame: pd.DataFrame, id_column: str, selected: str | None) -> pd.DataFrame:
    """The rows a bar chart of communes or cells draws (charts.ends: the first and last 20 and the
    selected one), said in a caption when the others are left to the chart's table and the picker."""
    from cellboard import charts

    charted = charts.ends(frame, id_column, selected)
    if len(charted) < len(frame):
        st.caption(
            loc.t("bars_ends", half=loc.integer(charts.BARS_SHOWN // 2), count=loc.integer(len(frame)))
        )
    return charted


def figure_tile(
    loc: text.Locale, column, label_key: str, value: str, delta: str | None, caption: str
) -> None:
    """A headline figure with its definition as help and its change (no arrow when nothing changed)."""
    unchanged = delta is not None and not delta.startswith(("+", "-"))
    with column:
        st.metric(
            loc.t(label_key),
            value,
            delta=delta,
            help=loc.coded(label_key, "help"),
            delta_color="off" if unchanged else "normal",
            delta_arrow="off" if unchanged else "auto",
            delta_description=loc.t("vs_previous") if delta is not None else None,
        )
        st.caption(caption)


# ---- accounts: login, session, audit (issue 7) -------------------------------------

ACCOUNT_KEY = "_account"  # {"name", "role", "version"} of the signed-in account
TOKEN_KEY = "_session_token"  # the sign-in's token (the cookie the login route set), checked every run
NOTICE_KEY = "_login_notice"  # why the login form is shown again (expired, signed out, ...)
REFUSED_KEY = "_unit_refused"  # a unit asked for in the URL outside the account's scope
KEEP_ON_SIGN_OUT = ("lang",)
# how a session that is no longer valid (sessions.check's reason) is announced on the login form
NOTICE_OF = {"expired": "expired", "ended": "ended", "unknown": "signed_out"}


def session_values(account: auth.Account) -> dict[str, object]:
    """What a sign-in puts in the session: a new server-side session's token (the login route sets
    it as a cookie; tests and the benchmark put it here directly to start signed in)."""
    return {
        TOKEN_KEY: sessions.start(account.name),
        ACCOUNT_KEY: {"name": account.name, "role": account.role, "version": account.version},
        SCOPE_KEY: auth.scope_of(account),
    }


def sign_out(notice: str | None = None) -> None:
    """Forget everything the session held (but the language)."""
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_SIGN_OUT and not str(key).startswith("$$"):
            del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def session_token() -> str | None:
    """The sign-in this browser holds: its cookie, as sent with the websocket's request."""
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        token = st.context.cookies.get(sessions.COOKIE)
        if not isinstance(token, str):  # no cookie (AppTest's context has none to give)
            return None
        if token:
            st.session_state[TOKEN_KEY] = token
    return token


def signed_in_account() -> auth.Account | None:
    """The signed-in account, its session checked against the store on every run (and by every
    query, fragments included): a logout in another tab, an idle or too old session, a changed
    password, a disabled or removed account all end it here."""
    token = session_token()
    checked = sessions.check(token)
    if checked.account is None:
        if token or st.session_state.get(ACCOUNT_KEY):
            sign_out(NOTICE_OF.get(checked.reason or ""))
        st.session_state.pop(SCOPE_KEY, None)
        return None
    account = checked.account
    st.session_state[ACCOUNT_KEY] = {"name": account.name, "role": account.role, "version": account.version}
    st.session_state[SCOPE_KEY] = auth.scope_of(account)
    return account


def current_account_name() -> str | None:
    held = st.session_state.get(ACCOUNT_KEY)
    return held.get("name") if isinstance(held, dict) else None


def current_role() -> str | None:
    held = st.session_state.get(ACCOUNT_KEY)
    return held.get("role") if isinstance(held, dict) else None


def role_label(loc: text.Locale, role: str) -> str:
    return loc.coded("role", role) if role in auth.ROLES else role


def current_address(path: str) -> str:
    """The page at `path` with this run's filters (the query string): where the login comes back to."""
    query = urlencode({key: st.query_params[key] for key in st.query_params})
    return f"/{path}?{query}" if query else f"/{path}"


def login_page(path: str = "") -> None:
    """What a run without a valid session shows at the page `path`: the way to the login form (an
    HTTP page, which comes back to this page and its filters). A page load never gets here (the gate
    in front of the pages sends it to the form first); a tab whose session ended meanwhile does, and
    is sent on at once."""
    loc = locale()
    notice = st.session_state.pop(NOTICE_KEY, None)
    target = web.login_address(current_address(path), notice)
    st.title(loc.t("app_title"))
    if notice:
        st.info(loc.coded("login_notice", notice))
    st.link_button(loc.t("login_title"), target, type="primary", icon=":material/login:")
    # our own script with our own address (JSON, "<" escaped): no data and no input reaches it
    address = json.dumps(target).replace("<", "\\u003c")
    st.html(f"<script>window.location.replace({address})</script>", unsafe_allow_javascript=True)


def _logout() -> None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        sessions.end(token)
    sign_out("signed_out")


def account_sidebar(loc: text.Locale, account: auth.Account) -> None:
    """Who is signed in, and the logout button."""
    st.sidebar.caption(
        loc.t("signed_in_as", name=text.escape_markdown(account.name), role=role_label(loc, account.role))
    )
    st.sidebar.button(loc.t("logout"), key="logout", on_click=_logout, icon=":material/logout:")


def require_role(loc: text.Locale, *roles: str) -> auth.Account:
    """Stop the page unless the signed-in account has one of the roles (the page list hides it too)."""
    account = signed_in_account()
    if account is None:
        _not_signed_in()
    if account.role not in roles:
        st.error(loc.t("page_refused"))
        st.stop()
    return account


# The days a date box takes when typed. Streamlit's box, outside its bounds (ten years either side of
# its value unless a page sets them), turns red but keeps the day it had, which the form then wrote
# instead of the one typed. So the boxes take any day, and the write's rules (or the page) refuse one
# that cannot be, naming the field.
DAYS_TYPED = {"min_value": dt.date(1900, 1, 1), "max_value": dt.date(2199, 12, 31)}


def relabel_choices() -> None:
    """on_change of the language switch. A choice (select box, radio, segmented control, ...) holds
    the label the browser shows as its value, and after a switch the browser still holds the other
    language's: it matches no option, so the next run takes the choice back to its default (a page
    change lost the period). Setting each choice's value again makes Streamlit send it with its new
    label. Only values a choice can hold are set again: a button's (a bool), an upload's or an
    editor's would be refused when its widget is drawn; None, the choices' default, needs nothing."""
    for key in list(st.session_state):
        value = st.session_state[key]
        if _chosen(value) or (isinstance(value, list | tuple) and value and all(map(_chosen, value))):
            st.session_state[key] = value


def _chosen(value: object) -> bool:
    return isinstance(value, str | int | float | dt.date) and not isinstance(value, bool)


def download_details(file_name: str, rows: int) -> dict:
    """What a download's audit row says: the file, its rows, the page's filters and the scope."""
    scope = st.session_state.get(SCOPE_KEY)
    return {
        "file": file_name,
        "rows": rows,
        "filters": dict(st.query_params),
        "scope": getattr(scope, "root", None),
    }


def audited(make: Callable[[], bytes], action: str, details: dict) -> Callable[[], bytes]:
    """A download button's data (with on_click="ignore"): the file made when the button is clicked,
    and the click audited once it is made, as the signed-in account's `action`.

    The click does not rerun the page. A rerun drew the button again under a new file id while the
    browser was still fetching the file by the old one (Streamlit makes one per run, and says a click
    holding the old id fails): the likely cause of a CSV button seen staying disabled under load.
    Streamlit calls this on a thread of its own, outside the session's run, so the account is taken
    now, as the page draws."""
    account = current_account_name()

    def make_and_audit() -> bytes:
        made = make()
        auth.audit(account, action, details)
        return made

    return make_and_audit


def clear_refusal() -> None:
    """on_change of the unit picker: picking a unit lifts a refused link's block."""
    st.session_state.pop(REFUSED_KEY, None)


def refusal_text(loc: text.Locale, unit: object) -> str:
    """The message (markdown) for a unit outside the account's scope; the unit, as the link sent it,
    is shown as text."""
    if unit is None or unit is db.WHOLE_TREE:
        return loc.t("scope_refused_whole")
    return loc.t("scope_refused", unit=text.escape_markdown(unit))


def audit_details(details: dict) -> str:
    """An audit row's details as one line of text (shown with st.dataframe, never as markdown)."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True)
