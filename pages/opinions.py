"""Opinions (Ý kiến, kiến nghị): what cell secretaries raise, and how it is answered.

Above, always: the four headline figures (raised, answered on time, overdue, answered late) against
the previous period and a year earlier. Beneath them a row of buttons (`section=` in the URL,
cellboard/app/ui.py `section`) picks one section, and only that section's queries run and its
charts and tables are drawn (issue 15):
- `categories` (the default): category shares against the previous period and a year earlier. A
  click on a bar filters the list by that category and opens `list`.
- `by_commune`: the commune x category treemap (a section of its own: a province's few hundred
  tiles are the slowest drawing on the page). A click filters the list by that commune (and
  category) and opens `list`.
- `trend`: opinions by category, month by month.
- `list`: the searchable list (filters in the URL), one page of rows, one opinion in detail (a row
  picked, or an `opinion=` link, which opens this section), downloads of every matching row. The
  list is a fragment: its search box, filters, paging and row pick rerun it alone (with the session
  checked again), not the page.
- `response`: answer tracking by category and by department; the oldest overdue opinions.
- `recurring`: matters raised again and again.

Drill-downs and filters live in the URL (cellboard.drill): category, commune, q (search), kind,
channel, status, dept, page, opinion (the one shown in detail), since (recurring matters' look-back).
Opinion text is data: it is shown only through st.text and st.dataframe, never as markdown.
"""

import datetime as dt
import math

import pandas as pd
import streamlit as st

from cellboard import charts, text
from cellboard.app import drill, tables, ui
from cellboard.data import metrics, periods

PAGE_SIZE = 50
OVERDUE_SHOWN = 20
RECURRING_SHOWN = 100
OPTIONS = ("category", "commune", "q", "kind", "channel", "status", "dept", "page", "opinion", "since")
FILTERS = ("category", "commune", "q", "kind", "channel", "status", "dept")
SECTIONS = ["categories", "by_commune", "trend", "list", "response", "recurring"]
# the section buttons' labels (ui.section asks for section_<id>), named for `make messages`
SECTION_LABELS = (
    text.N_("section_categories"),
    text.N_("section_by_commune"),
    text.N_("section_trend"),
    text.N_("section_list"),
    text.N_("section_response"),
    text.N_("section_recurring"),
)
KINDS = ("reflection", "recommendation")
CHANNELS = ("meeting", "written")
SINCE = ("window", "year", "all")
EARLIEST = dt.date(1900, 1, 1)
TREEMAP_KEY = "chart_opinions_by_commune_category"
LIST_KEY = "opinions_list_table"
LINKED_KEY = "_op_linked_opinion"  # the `opinion=` the URL held at the end of the last run


def span(loc, p: periods.Period) -> str:
    return f"{loc.date(p.start)}–{loc.date(p.end)}"


def category_name(loc, row: pd.Series) -> str:
    return str(loc.name(row))


def wide_text(loc) -> dict:
    return {loc.t("op_col_text"): st.column_config.TextColumn(width="large")}


def fresh_list() -> None:
    """A new filter shows the list from its first page, with no opinion open."""
    drill.set_option("page", None)
    drill.set_option("opinion", None)


def comparison_of(period: periods.Period) -> pd.DataFrame:
    previous, year_before = periods.previous_period(period), periods.year_earlier(period)
    return ui.query(
        "category_comparison",
        **ui.window(),
        prev_start=previous.start,
        prev_end=previous.end,
        year_start=year_before.start,
        year_end=year_before.end,
    )


def category_labels_of(loc, comparison: pd.DataFrame) -> dict[str, str]:
    return {row["category"]: category_name(loc, row) for _, row in comparison.iterrows()}


def by_commune_of(loc) -> pd.DataFrame:
    return ui.named_for_the_cell(loc, ui.query("opinions_by_commune_category", **ui.window()))


# ---- the figures of the period ----------------------------------------------------------------------

TILES = ("opinions_raised", "answered_on_time", "op_overdue", "op_answered_late")
WORSE_WHEN_UP = ("op_overdue", "op_answered_late")


def tile_values(frame: pd.DataFrame) -> dict[str, float | None]:
    return {
        "opinions_raised": int(frame["opinions"].sum()),
        "answered_on_time": metrics.ON_TIME.pooled(frame),
        "op_overdue": int(frame["overdue"].sum()),
        "op_answered_late": int(frame["answered_late"].sum()),
    }


def headline(loc, period: periods.Period) -> None:
    previous, year_before = periods.previous_period(period), periods.year_earlier(period)

    def shown(figure: str, value: float | None) -> str:
        return loc.pct(value) if figure == "answered_on_time" else loc.integer(value)

    def change(figure: str, now: float | None, before: float | None) -> str | None:
        if now is None or before is None:
            return None
        return loc.points(now - before) if figure == "answered_on_time" else loc.signed(now - before)

    now_values = tile_values(ui.query("opinion_response", **ui.window(as_of=None)))
    prev_values = tile_values(ui.query("opinion_response", **ui.window(previous, as_of=None)))
    year_values = tile_values(ui.query("opinion_response", **ui.window(year_before, as_of=None)))
    for column, figure in zip(st.columns(len(TILES)), TILES, strict=True):
        caption = loc.t(
            "delta_caption",
            prev=span(loc, previous),
            prev_value=shown(figure, prev_values[figure]),
            year=span(loc, year_before),
            year_value=shown(figure, year_values[figure]),
        )
        delta = change(figure, now_values[figure], prev_values[figure])
        if figure not in WORSE_WHEN_UP:
            ui.figure_tile(loc, column, figure, shown(figure, now_values[figure]), delta, caption)
            continue
        with column:  # ui.figure_tile, but a rise in overdue or late answers shows red
            rose = bool(now_values[figure] - prev_values[figure])
            st.metric(
                loc.t(figure),
                shown(figure, now_values[figure]),
                delta=delta,
                help=loc.coded(figure, "help"),
                delta_color="inverse" if rose else "off",
                delta_arrow="auto" if rose else "off",
                delta_description=loc.t("vs_previous"),
            )
            st.caption(caption)


# ---- categories: shares, compared; the commune x category treemap ---------------------------------


def pick_category(code: str) -> None:
    """A bar's click: the list, filtered by its category."""
    drill.set_option("category", code)
    fresh_list()
    ui.show_section("list")


def pick_treemap_node(communes: frozenset[str]) -> None:
    """A click on the treemap: the list, filtered by the commune (and the category of a leaf)."""
    event = st.session_state.get(TREEMAP_KEY) or {}
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    points = selection.get("points", []) or []
    node = points[0].get("id") if points else None
    if not node:
        return
    commune, category = charts.treemap_pick(str(node), communes)
    drill.set_option("commune", commune)
    if category:
        drill.set_option("category", category)
    fresh_list()
    ui.show_section("list")


def categories_section(loc, period: periods.Period) -> None:
    previous, year_before = periods.previous_period(period), periods.year_earlier(period)
    comparison = comparison_of(period)
    st.subheader(
        loc.t("op_shares_title"),
        help=loc.t("op_shares_help", prev=span(loc, previous), year=span(loc, year_before)),
    )
    if comparison["opinions"].sum() == 0 and comparison[["opinions_prev", "opinions_year"]].sum().sum() == 0:
        st.info(loc.t("no_data"))
        return
    comparison_table = comparison.assign(
        category_name=[category_name(loc, row) for _, row in comparison.iterrows()],
        direction_prev=[loc.coded("op_direction", d) for d in comparison["direction_prev"]],
        direction_year=[loc.coded("op_direction", d) for d in comparison["direction_year"]],
    )[
        [
            "category",
            "category_name",
            "opinions",
            "share",
            "opinions_prev",
            "share_prev",
            "change_prev",
            "direction_prev",
            "opinions_year",
            "share_year",
            "change_year",
            "direction_year",
        ]
    ]
    drill.clickable_chart_block(
        loc,
        ui.figure(charts.category_comparison_bars, loc, comparison),
        comparison_table,
        "category_comparison",
        {
            "opinions": "int",
            "share": "pct",
            "opinions_prev": "int",
            "share_prev": "pct",
            "change_prev": "signed",
            "opinions_year": "int",
            "share_year": "pct",
            "change_year": "signed",
            "direction_prev": "label",
            "direction_year": "label",
        },
        pick_category,
    )


def by_commune_section(loc) -> None:
    """The commune x category treemap: its own section, as a province's few hundred tiles are the
    slowest thing the browser draws on this page."""
    by_commune = by_commune_of(loc)
    st.subheader(loc.t("op_treemap_title"), help=loc.t("op_treemap_help"))
    if not len(by_commune):
        st.info(loc.t("no_data"))
        return
    st.plotly_chart(
        ui.figure(charts.commune_category_treemap, loc, by_commune),
        width="stretch",
        key=TREEMAP_KEY,
        on_select=lambda communes=frozenset(by_commune["commune_id"]): pick_treemap_node(communes),
        selection_mode="points",
    )
    tables.chart_table(loc, by_commune, "opinions_by_commune_category", {"opinions": "int"})


# ---- the monthly trend ---------------------------------------------------------------------------


def trend_section(loc) -> None:
    trend = ui.query("opinion_trend", **ui.window())
    st.subheader(loc.t("op_trend_title"), help=loc.t("op_trend_help"))
    if len(trend):
        tables.chart_block(
            loc,
            ui.figure(charts.opinion_trend_lines, loc, trend),
            trend,
            "opinion_trend",
            {"month": "month", "opinions": "int"},
        )
    else:
        st.info(loc.t("no_data"))


# ---- the list: filters (in the URL), one page of rows, one opinion in detail, downloads ----------------


def search_box(loc) -> str | None:
    """The text search, bound to the URL key `q`."""
    widget = "opt_q"
    current = drill.option("q") or ""
    if st.session_state.get(widget) != current:
        st.session_state[widget] = current
    st.text_input(
        loc.t("op_search"),
        key=widget,
        help=loc.t("op_search_help"),
        on_change=lambda: drill.set_option("q", st.session_state[widget].strip() or None),
    )
    return drill.option("q")


def clear_filters() -> None:
    for key in FILTERS:
        drill.set_option(key, None)
    fresh_list()


def choice(key: str, options: list[str], labels: dict[str, str], label_key: str, container) -> str | None:
    """A selectbox bound to the URL option `key`; its value when it is one of the options (label_key:
    the catalogue id of its label, the 4th argument, where `make messages` finds it)."""
    loc = ui.locale()
    drill.choose(loc, key, options, labels, loc.t(label_key), container=container)
    value = drill.option(key)
    return value if value in options else None


def go_to_page() -> None:
    drill.set_option("page", st.session_state["opt_page"])
    drill.set_option("opinion", None)


def close_detail() -> None:
    drill.set_option("opinion", None)


@st.fragment
def list_section() -> None:
    """The list: its search box, filters, paging and row pick rerun this section alone."""
    ui.require_session()  # a fragment's rerun skips dashboard.py: check the session here
    loc = ui.locale()
    state = ui.current_filters()
    category_labels = category_labels_of(loc, comparison_of(state.period))
    by_commune = by_commune_of(loc)
    commune_labels = ui.lookup(by_commune["commune_id"], by_commune["commune"])
    by_department = ui.query("opinion_response_by_department", **ui.window(as_of=None))
    departments = sorted(by_department["assigned_to"].dropna(), key=text.fold)

    st.subheader(loc.t("op_list_title"), help=loc.t("op_list_help"))
    top = st.columns([2, 1, 1])
    with top[0]:
        search = search_box(loc)
    category = choice("category", list(category_labels), category_labels, "op_filter_category", top[1])
    commune = choice("commune", list(commune_labels), commune_labels, "op_filter_commune", top[2])
    row = st.columns(4)
    kind = choice("kind", list(KINDS), {k: loc.coded("op_kind", k) for k in KINDS}, "op_filter_kind", row[0])
    channel = choice(
        "channel",
        list(CHANNELS),
        {c: loc.coded("op_channel", c) for c in CHANNELS},
        "op_filter_channel",
        row[1],
    )
    status = choice(
        "status",
        list(charts.STATUSES),
        {s: loc.coded("op_status", s) for s in charts.STATUSES},
        "op_filter_status",
        row[2],
    )
    department = choice("dept", departments, {d: d for d in departments}, "op_filter_department", row[3])
    if any(drill.option(key) for key in FILTERS):
        st.button(loc.t("op_clear_filters"), on_click=clear_filters, icon=":material/filter_alt_off:")

    chosen = {
        "category": category,
        "commune": commune,
        "text": search,
        "kind": kind,
        "channel": channel,
        "status": status,
        "department": department,
    }
    signature = tuple(sorted(chosen.items(), key=lambda item: item[0])) + (state.period, state.unit)
    if st.session_state.get("_op_filters") not in (None, signature):
        fresh_list()  # the filters changed since the last run: back to the first page
    st.session_state["_op_filters"] = signature

    list_params = ui.window(as_of=None, **chosen)
    try:
        page = max(1, int(drill.option("page") or 1))
    except ValueError:
        page = 1
    rows = ui.query("opinions_list", **list_params, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if not len(rows) and page > 1:  # a page past the end (a stale link): the first page
        page = 1
        drill.set_option("page", None)
        rows = ui.query("opinions_list", **list_params, limit=PAGE_SIZE, offset=0)
    matches = int(rows["matches"].iloc[0]) if len(rows) else 0
    pages = max(1, math.ceil(matches / PAGE_SIZE))

    def labelled(frame: pd.DataFrame) -> tables.View:
        """The list as shown: names for codes, dates kept as dates; text columns stay text."""
        return tables.view(
            loc,
            frame[["raised_on", "text", "status", "category", "cell", "commune", "kind", "assigned_to"]],
            {
                "raised_on": "date",
                "status": lambda s: loc.coded("op_status", s),
                "category": lambda code: category_labels.get(code, code),
                "kind": lambda k: loc.coded("op_kind", k),
            },
            {"category": loc.t("op_col_category"), "kind": loc.t("op_col_kind")},
        )

    st.caption(loc.t("op_matches", count=loc.integer(matches)))
    if matches == 0:
        st.info(loc.t("op_no_match"))
    else:
        st.dataframe(
            tables.styled(labelled(rows)),
            column_config=wide_text(loc),
            hide_index=True,
            width="stretch",
            key=LIST_KEY,
            on_select=drill.row_picker(LIST_KEY, rows["opinion_id"], "opinion"),
            selection_mode="single-row",
        )
        if pages > 1:
            st.session_state["opt_page"] = page
            st.number_input(
                loc.t("op_page"),
                min_value=1,
                max_value=pages,
                step=1,
                key="opt_page",
                on_change=go_to_page,
                width=160,
            )
            st.caption(loc.t("op_page_of", page=loc.integer(page), pages=loc.integer(pages)))

        # every matching row (every page), not just the one shown: asked for and labelled when clicked
        everything = ui.deferred_query("opinions_list", **list_params)
        st.caption(loc.t("op_download_all", count=loc.integer(matches)))
        tables.downloads(
            lambda: labelled(everything().drop(columns=["matches"])), "opinions_list", rows=matches
        )

    opened = drill.option("opinion")
    if opened:
        opinion_detail(loc, opened, category_labels)
    st.session_state[LINKED_KEY] = st.query_params.get("opinion")


def opinion_detail(loc, opened: str, category_labels: dict[str, str]) -> None:
    found = ui.query("opinions_list", **ui.window(as_of=None), opinion=opened)
    with st.container(border=True):
        st.markdown(f"**{loc.t('op_detail_title')}**")
        if not len(found):
            st.warning(loc.t("op_detail_missing"))
        else:
            one = found.iloc[0]
            raised_by = " — ".join(str(part) for part in (one["cell"], one["commune"]) if pd.notna(part))
            fields = [
                (loc.t("op_col_opinion_id"), one["opinion_id"]),
                (loc.t("op_col_raised_on"), loc.date(one["raised_on"])),
                (loc.t("op_col_raised_by"), raised_by or one["unit_id"]),
                (loc.t("op_col_category"), category_labels.get(one["category"], one["category"])),
                (loc.t("op_col_kind"), loc.coded("op_kind", one["kind"])),
                (
                    loc.t("op_col_channel"),
                    loc.coded("op_channel", one["channel"]) if pd.notna(one["channel"]) else "–",
                ),
                (loc.t("op_col_assigned_to"), one["assigned_to"] if pd.notna(one["assigned_to"]) else "–"),
                (loc.t("op_col_due_on"), loc.date(one["due_on"])),
                (loc.t("op_col_status"), loc.coded("op_status", one["status"])),
                (loc.t("op_col_answered_on"), loc.date(one["answered_on"])),
                (loc.t("op_col_days_to_answer"), loc.integer(one["days_to_answer"])),
            ]
            st.dataframe(
                pd.DataFrame(fields, columns=[loc.t("op_col_field"), loc.t("op_col_value")]),
                hide_index=True,
                width="stretch",
                height=35 * (len(fields) + 1) + 3,  # every field without scrolling
            )
            st.caption(loc.t("op_col_text"))
            st.text(one["text"])
            st.caption(loc.t("op_col_answer"))
            st.text(one["answer"] if pd.notna(one["answer"]) else loc.t("op_no_answer"))
        st.button(loc.t("op_close_detail"), on_click=close_detail, key="op_close")


# ---- answer tracking ---------------------------------------------------------------------------------

RESPONSE_FORMATS = {
    "opinions": "int",
    "answered": "int",
    "answered_on_time": "int",
    "answered_late": "int",
    "open": "int",
    "overdue": "int",
    "on_time_rate": "pct",
    "median_days_to_answer": "num",
}


def response_section(loc, period: periods.Period) -> None:
    response = ui.query("opinion_response", **ui.window(as_of=None))
    response_by_department = ui.query("opinion_response_by_department", **ui.window(as_of=None))
    category_labels = category_labels_of(loc, comparison_of(period))
    st.subheader(loc.t("op_response_title"), help=loc.t("op_response_help"))
    by_category, by_department = st.tabs([loc.t("op_by_category"), loc.t("op_by_department")])
    with by_category:
        if len(response):
            table = response.assign(on_time_rate=metrics.ON_TIME.per_row(response))
            tables.chart_block(
                loc,
                ui.figure(
                    charts.response_bars,
                    loc,
                    response,
                    [category_name(loc, r) for _, r in response.iterrows()],
                ),
                table.drop(columns=["name_en"] if loc.vi else ["name_vi"]),
                "opinion_response",
                RESPONSE_FORMATS,
            )
        else:
            st.info(loc.t("no_data"))
    with by_department:
        if len(response_by_department):
            names = response_by_department["assigned_to"].fillna(loc.t("op_not_assigned"))
            tables.chart_block(
                loc,
                ui.figure(charts.response_bars, loc, response_by_department, list(names)),
                response_by_department,
                "opinion_response_by_department",
                RESPONSE_FORMATS,
            )
        else:
            st.info(loc.t("no_data"))

    st.markdown(
        f"**{loc.t('op_oldest_overdue')}**", help=loc.t("op_oldest_overdue_help", limit=OVERDUE_SHOWN)
    )
    overdue = ui.query("overdue_opinions", **ui.window(as_of=None), limit=OVERDUE_SHOWN)
    if len(overdue):
        tables.table(
            loc,
            overdue[
                ["due_on", "days_overdue", "text", "assigned_to", "raised_on", "cell", "commune", "category"]
            ],
            "overdue_opinions",
            {
                "due_on": "date",
                "days_overdue": "int",
                "raised_on": "date",
                "category": lambda code: category_labels.get(code, code),
            },
            {"category": loc.t("op_col_category")},
            column_config=wide_text(loc),
        )
    else:
        st.success(loc.t("op_nothing_overdue"))


# ---- recurring matters -------------------------------------------------------------------------------


def recurring_section(loc, period: periods.Period) -> None:
    st.subheader(loc.t("op_recurring_title"), help=loc.t("op_recurring_help"))
    since_choice = drill.option("since") if drill.option("since") in SINCE else "window"
    widget = "opt_since"
    st.session_state[widget] = since_choice
    st.segmented_control(
        loc.t("op_recurring_since"),
        SINCE,
        key=widget,
        format_func=lambda s: loc.coded("op_since", s),
        on_change=lambda: drill.set_option("since", st.session_state[widget] or "window"),
    )
    since = {"window": None, "year": periods.add_months(period.start, -12), "all": EARLIEST}[since_choice]
    recurring = ui.query("recurring_opinions", **ui.window(), since=since, limit=RECURRING_SHOWN)
    if len(recurring):
        # the count and the first day are columns of their own, so a header click sorts them as such
        tables.table(
            loc,
            recurring[
                [
                    "opinions",
                    "first_raised",
                    "shared_words",
                    "example_text",
                    "commune",
                    loc.name_column,
                    "cells",
                    "months",
                    "last_raised",
                    "unanswered",
                ]
            ],
            "recurring_opinions",
            {
                "opinions": "int",
                "first_raised": "date",
                "cells": "int",
                "months": "int",
                "last_raised": "date",
                "unanswered": "int",
            },
            {
                "opinions": loc.t("op_col_recurring"),
                "first_raised": loc.t("op_col_first_raised"),
                "cells": loc.t("op_col_cells"),
            },
            column_config={loc.t("op_col_example"): st.column_config.TextColumn(width="large")},
            per_page=tables.OPEN_LIST_ROWS,
        )
    else:
        st.info(loc.t("op_no_recurring"))


# ---- the page ------------------------------------------------------------------------------------------

loc = ui.locale()
state = ui.page_header(loc, "page_opinions")
headline(loc, state.period)

# a link to one opinion (an `opinion=` the session has not seen) opens the list, where it is shown
linked = st.query_params.get("opinion")
if linked and linked != st.session_state.get(LINKED_KEY):
    ui.show_section("list")
chosen = ui.section(loc, SECTIONS)
if chosen == "categories":
    categories_section(loc, state.period)
elif chosen == "by_commune":
    by_commune_section(loc)
elif chosen == "trend":
    trend_section(loc)
elif chosen == "list":
    list_section()
elif chosen == "response":
    response_section(loc, state.period)
elif chosen == "recurring":
    recurring_section(loc, state.period)

# the options a link brought are kept for the sections not drawn in this run, then written back
for key in OPTIONS:
    drill.option(key)
drill.keep_in_url(OPTIONS)
st.session_state[LINKED_KEY] = st.query_params.get("opinion")
