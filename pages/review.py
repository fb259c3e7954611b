"""Review (Sơ kết, tổng kết): pick a six-month or annual period and download the review as DOCX and
XLSX. The unit comes from the shared filter bar; the review period is this page's own choice, kept
in the URL as `review` (preset), `review_year`, `review_from` and `review_to`."""

import contextlib
import datetime as dt

import streamlit as st

from cellboard import db, figures, filters, report, text, ui
from cellboard.text import t

PRESETS = ("first_half", "second_half", "year", "custom")
URL_KEYS = {"rv_preset": "review", "rv_year": "review_year", "rv_from": "review_from", "rv_to": "review_to"}

today = dt.date.today()
state = ui.current_filters()
years = list(range(today.year, today.year - 8, -1))


def last_finished_half() -> tuple[str, int]:
    return ("first_half", today.year) if today.month >= 7 else ("second_half", today.year - 1)


def init_from_url() -> None:
    """On the session's first visit the widgets start from the URL, else from the last finished half-year."""
    if st.session_state.get("_rv_ready"):
        return
    preset, year = last_finished_half()
    values = {"rv_preset": preset, "rv_year": year, "rv_from": state.period.start, "rv_to": state.period.end}
    url = st.query_params
    if url.get("review") in PRESETS:
        values["rv_preset"] = url["review"]
    if str(url.get("review_year", "")).isdigit() and int(url["review_year"]) in years:
        values["rv_year"] = int(url["review_year"])
    for key in ("rv_from", "rv_to"):
        with contextlib.suppress(KeyError, ValueError):
            values[key] = filters.parse_date(url[URL_KEYS[key]])
    st.session_state.update(values)
    st.session_state["_rv_ready"] = True


def chosen_period() -> filters.Period:
    left, middle, right = st.columns([3, 1, 2])
    preset = left.radio(
        t("rv_page_kind"), PRESETS, key="rv_preset", horizontal=True, format_func=lambda p: t("preset_" + p)
    )
    if preset != "custom":
        year = middle.selectbox(t("year"), years, key="rv_year")
        return filters.preset_period(preset, today, year)
    start = middle.date_input(t("from"), key="rv_from", format="DD/MM/YYYY")
    end = right.date_input(t("to"), key="rv_to", format="DD/MM/YYYY")
    if start > end:
        st.warning(t("period_reversed"))
        start, end = end, start
    return filters.Period(start, end)


def write_url(preset: str, period: filters.Period) -> None:
    wanted = {"review": preset}
    if preset == "custom":
        wanted |= {"review_from": period.start.isoformat(), "review_to": period.end.isoformat()}
    else:
        wanted["review_year"] = str(period.start.year)
    for key in ("review", "review_year", "review_from", "review_to"):
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]


init_from_url()
st.title(t("page_review"))
st.markdown(f"**{t('selected_unit', name=text.escape_markdown(ui.unit_name(state.unit)))}**")
st.caption(t("rv_page_caption"))
period = chosen_period()
write_url(st.session_state["rv_preset"], period)
previous, year_before = filters.previous_period(period), filters.year_earlier(period)
st.markdown(
    f"**{report.period_name(period)[:1].upper() + report.period_name(period)[1:]}** · "
    f"{ui.period_caption(period)}"
)
st.caption(t("rv_page_compare", previous=report.period_name(previous), year=report.period_name(year_before)))

# The headline figures the report opens with, through the same cached, scoped queries as the pages.
comparison = figures.compare(ui.query, period, state.unit)

st.subheader(t("rv_page_preview"), help=t("rv_page_preview_help"))
ui.headline_tiles(comparison)

# Downloads build when clicked (deferred), on a thread of their own: capture what they need now.
path = db.db_path().resolve()
scope = ui.current_scope()
unit = state.unit
language = text.language()  # the thread that builds has not chosen one: it is this session's


def builder(fmt: str):
    def build() -> bytes:
        text.set_run_language(language)
        return report.build_report(path, period.start, period.end, unit, fmt, scope)

    return build


left, right = st.columns(2)
for column, fmt in ((left, "docx"), (right, "xlsx")):
    name = report.file_name(period, unit, fmt)
    column.download_button(
        t("rv_page_" + fmt),
        builder(fmt),
        name,
        report.FORMATS[fmt],
        key=f"rv_download_{fmt}",
        help=t(f"rv_page_{fmt}_help"),
        icon=":material/download:",
        width="stretch",
        on_click=ui.record,
        args=(
            "report",
            {
                "file": name,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "unit": unit,
                "scope": scope.root,
            },
        ),
    )
