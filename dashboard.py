"""The app's entry: page config, language, the shared filter bar, navigation.

Served through serve.py (`make run`, or `streamlit run serve.py`): its login route and session gate
stand in front of this script.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import streamlit as st

from cellboard import allocator, auth, text
from cellboard.app import filters, ui
from cellboard.data import db, periods

allocator.forget_preload()  # `make run` preloads jemalloc for this server, not for its children
# The favicon is a file of the app (Streamlit sends an .svg file inline, as a data: URL); a
# ":material/...:" icon would make every browser fetch it from a public font server.
FAVICON = Path(__file__).resolve().parent / "cellboard" / "favicon.svg"
st.set_page_config(page_title="Sinh hoạt chi bộ", page_icon=str(FAVICON), layout="wide")

PAGES = [
    # (file, label key, icon)
    ("pages/overview.py", text.N_("page_overview"), ":material/dashboard:"),
    ("pages/participation.py", text.N_("page_participation"), ":material/groups:"),
    ("pages/opinions.py", text.N_("page_opinions"), ":material/forum:"),
    ("pages/answers.py", text.N_("page_answers"), ":material/rate_review:"),
    ("pages/month.py", text.N_("page_month"), ":material/edit_calendar:"),
    ("pages/corrections.py", text.N_("page_corrections"), ":material/history_edu:"),
    ("pages/rankings.py", text.N_("page_rankings"), ":material/leaderboard:"),
    ("pages/supervision.py", text.N_("page_supervision"), ":material/visibility:"),
    ("pages/review.py", text.N_("page_review"), ":material/description:"),
    ("pages/data.py", text.N_("page_data"), ":material/database:"),
    ("pages/accounts.py", text.N_("page_accounts"), ":material/manage_accounts:"),
    ("pages/password.py", text.N_("page_password"), ":material/password:"),
]


def choose_language() -> None:
    if "lang" not in st.session_state:
        st.session_state["lang"] = (
            st.query_params.get("lang", "vi") if st.query_params.get("lang") in text.LANGUAGES else "vi"
        )
    # a click on the switch has already updated the session's choice before this run: the switch's
    # own label is in the language chosen, not the one before
    loc = ui.locale()
    st.sidebar.segmented_control(
        loc.t("language"),
        text.LANGUAGES,
        key="lang",
        format_func=text.LANGUAGE_NAMES.get,
        on_change=ui.relabel_choices,
    )


def require_database(loc: text.Locale) -> None:
    path = db.db_path()
    command = f"python -m cellboard demo --db {path}"
    if not path.exists():
        st.title(loc.t("app_title"))
        st.error(loc.t("no_database", path=path, command=command))
        st.stop()
    try:
        db.reader(path).close()
    except db.OldSchema as old:
        st.title(loc.t("app_title"))
        st.error(loc.t("old_schema", **old.said(command)))
        st.stop()
    except db.BadDatabase as bad:
        st.title(loc.t("app_title"))
        st.error(loc.t("bad_database", path=path, detail=text.escape_markdown(bad.detail), command=command))
        st.stop()


def demo_banner(loc: text.Locale) -> None:
    info = ui.query("database_info")
    source = info.loc[info["key"] == "source", "value"]
    if len(source) and source.iloc[0] == "demo":
        st.warning(loc.t("demo_banner"), icon=":material/science:")


# ---- the filter bar -----------------------------------------------------------------


def matching_preset(period: periods.Period, today: dt.date) -> tuple[str, int]:
    for preset in periods.PRESETS[:-1]:
        if periods.preset_period(preset, today, period.start.year) == period:
            return preset, period.start.year
    return "custom", period.start.year


def init_filter_widgets(today: dt.date) -> None:
    """On a session's first run, widgets start from the URL (so a shared link reopens the view)."""
    if "_filters_ready" in st.session_state:
        return
    params = dict(st.query_params)
    reviewed = ui.old_review_link(params, today)
    if reviewed is not None:  # an old Review page link: its period becomes the sidebar's
        for key in ui.REVIEW_URL_KEYS:
            params.pop(key, None)
            if key in st.query_params:
                del st.query_params[key]
        params |= {"from": reviewed.start.isoformat(), "to": reviewed.end.isoformat()}
    state = filters.from_query_params(params, today)
    preset, year = matching_preset(state.period, today)
    st.session_state.update(
        {
            "f_preset": preset,
            "f_year": year,
            "f_from": state.period.start,
            "f_to": state.period.end,
            "_url_unit": state.unit,
            "_url_problems": state.problems,
            "_filters_ready": True,
        }
    )


def preset_years(today: dt.date, asked: int | None) -> list[int]:
    """The years a half-year or year preset offers, newest first: from this year back to the year of
    the first meeting on file, and to the year a shared link asked for (so it opens as sent)."""
    info = ui.query("database_info").set_index("key")["value"]
    first = info.get("first_meeting")
    oldest = min(today.year - 1, int(first[:4]) if isinstance(first, str) else today.year)
    if isinstance(asked, int) and 1900 < asked <= today.year:
        oldest = min(oldest, asked)
    return list(range(today.year, oldest - 1, -1))


def custom_from_the_period_shown() -> None:
    """on_change of the preset: "custom" starts from the period the page showed (the URL's), not
    from the one the session opened with."""
    if st.session_state.get("f_preset") == "custom":
        shown = filters.from_query_params(dict(st.query_params), dt.date.today()).period
        st.session_state["f_from"], st.session_state["f_to"] = shown.start, shown.end


def period_widgets(loc: text.Locale, today: dt.date) -> periods.Period:
    sidebar = st.sidebar
    sidebar.subheader(loc.t("period"))
    preset = sidebar.selectbox(
        loc.t("preset"),
        periods.PRESETS,
        key="f_preset",
        format_func=lambda p: loc.coded("preset", p),
        on_change=custom_from_the_period_shown,
    )
    if preset in ("first_half", "second_half", "year"):
        years = preset_years(today, st.session_state.get("f_year"))
        if st.session_state.get("f_year") not in years:
            st.session_state["f_year"] = today.year
        year = sidebar.selectbox(loc.t("year"), years, key="f_year")
        return periods.preset_period(preset, today, year)
    if preset != "custom":
        period = periods.preset_period(preset, today)
        sidebar.caption(ui.period_caption(loc, period))
        return period
    start = sidebar.date_input(loc.t("from"), key="f_from", format="DD/MM/YYYY")
    end = sidebar.date_input(loc.t("to"), key="f_to", format="DD/MM/YYYY")
    if start > end:
        sidebar.warning(loc.t("period_reversed"))
        start, end = end, start
    return periods.Period(start, end)


def unit_widgets(loc: text.Locale) -> str | None:
    tree = ui.query("unit_tree")
    url_unit = st.session_state.pop("_url_unit", None)
    if url_unit is not None:
        if (tree["unit_id"] == url_unit).any():
            row = tree.loc[tree["unit_id"] == url_unit].iloc[0]
            is_cell = row["kind"] == "cell"
            st.session_state["f_unit"] = row["parent_id"] if is_cell else url_unit
            st.session_state["f_cell"] = url_unit if is_cell else None
        elif ui.current_scope().root is not None:
            st.session_state[ui.REFUSED_KEY] = url_unit  # outside the account's subtree: refused
        else:
            st.session_state["_unit_unknown"] = url_unit
    if st.session_state.get("_unit_unknown"):
        st.warning(loc.t("unit_unknown", unit=text.escape_markdown(st.session_state["_unit_unknown"])))
    groups = tree[tree["kind"] != "cell"]
    names = ui.lookup(groups["unit_id"], groups["name"])
    depths = ui.lookup(groups["unit_id"], groups["depth"])
    scope_root = ui.current_scope().root
    options = ([] if scope_root else [None]) + groups["unit_id"].tolist()
    if st.session_state.get("f_unit") not in options:
        st.session_state["f_unit"] = options[0] if options else None
    st.sidebar.subheader(loc.t("unit"))
    unit = st.sidebar.selectbox(
        loc.t("unit"),
        options,
        key="f_unit",
        on_change=ui.clear_refusal,
        format_func=lambda u: loc.t("whole_tree") if u is None else "\u2003" * int(depths[u]) + names[u],
        placeholder=loc.t("whole_tree"),  # how Streamlit shows the None option (its own is English)
        label_visibility="collapsed",
    )
    cells = tree[(tree["kind"] == "cell") & (tree["parent_id"] == unit)] if unit else tree.iloc[0:0]
    if len(cells):
        cell_names = ui.lookup(cells["unit_id"], cells["name"])
        cell_options = [None, *cells["unit_id"].tolist()]
        if st.session_state.get("f_cell") not in cell_options:
            st.session_state["f_cell"] = None
        cell = st.sidebar.selectbox(
            loc.t("col_cell"),
            cell_options,
            key="f_cell",
            on_change=ui.clear_refusal,
            format_func=lambda c: "—" if c is None else cell_names[c],
            placeholder="—",
        )
        if cell is not None:
            return cell
    return unit


def filter_bar(loc: text.Locale) -> None:
    today = dt.date.today()
    init_filter_widgets(today)
    for problem in st.session_state.get("_url_problems", ()):
        key, _, value = problem.partition(":")
        st.warning(loc.t(key, value=text.escape_markdown(value)))  # the link's text, shown as text
    period = period_widgets(loc, today)
    unit = unit_widgets(loc)
    state = filters.FilterState(period, unit)
    st.session_state[ui.FILTERS_KEY] = state
    if st.session_state.get(ui.REFUSED_KEY):
        return  # the refused link stays as it was; nothing is shown until a unit is picked
    for key, value in filters.to_query_params(state).items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    if unit is None and "unit" in st.query_params:
        del st.query_params["unit"]
    if st.session_state.get("lang", "vi") != "vi":
        st.query_params["lang"] = st.session_state["lang"]
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def login_gate(loc: text.Locale) -> auth.Account:
    """Nothing but the way to the login until the session is valid; then the pages the role may open."""
    auth.ensure_admin()  # first start: `admin` with no password yet; says how to set one, prints none
    account = ui.signed_in_account()
    if account is None:
        # Every page's address answers with the way to the login form, which comes back to that
        # page with its filters; no page itself is reachable before.
        login = [st.Page(ui.login_page, title=loc.t("login_title"), icon=":material/login:", default=True)]
        login += [
            st.Page(
                partial(ui.login_page, stem), title=loc.t("login_title"), url_path=stem, visibility="hidden"
            )
            for stem in (Path(path).stem for path, _, _ in PAGES)
        ]
        st.navigation(login, position="hidden").run()
        st.stop()
    ui.account_sidebar(loc, account)
    return account


def main() -> None:
    choose_language()
    loc = ui.locale()  # the session's language, chosen above, for everything this run shows
    account = login_gate(loc)
    home = auth.home_page(account.role)  # None: the first page the role may open
    pages = [
        st.Page(path, title=loc.t(label), icon=icon, default=path == home)
        for path, label, icon in auth.pages_for(account.role, PAGES)
    ]
    navigation = st.navigation(pages)
    require_database(loc)  # after the navigation, so every page's address shows why it cannot open
    filter_bar(loc)
    if st.session_state.get(ui.REFUSED_KEY):
        st.error(ui.refusal_text(loc, st.session_state[ui.REFUSED_KEY]))
        st.stop()
    demo_banner(loc)
    try:
        navigation.run()
    except db.OutOfScope as refused:
        st.error(ui.refusal_text(loc, refused.args[0] if refused.args else None))


main()
