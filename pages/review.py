"""Review (Sơ kết, tổng kết): the review of the sidebar's unit and period (its presets offer the
half-years and years a review covers) as DOCX and XLSX. A link made when this page had a period
picker of its own (`review`, `review_year`, `review_from`, `review_to`) opens the same period: the
app reads those keys into the sidebar's `from` and `to` (ui.old_review_link)."""

import streamlit as st

from cellboard import review, text
from cellboard.app import ui
from cellboard.data import db, figures, periods
from cellboard.text import t

state = ui.current_filters()
period = state.period
st.title(t("page_review"))
st.markdown(f"**{t('selected_unit', name=text.escape_markdown(ui.unit_name(state.unit)))}**")
st.caption(t("rv_page_caption"))
previous, year_before = periods.previous_period(period), periods.year_earlier(period)
st.markdown(
    f"**{review.period_name(period)[:1].upper() + review.period_name(period)[1:]}** · "
    f"{ui.period_caption(period)}"
)
st.caption(t("rv_page_compare", previous=review.period_name(previous), year=review.period_name(year_before)))

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
        return review.build_report(path, period.start, period.end, unit, fmt, scope)

    return build


left, right = st.columns(2)
for column, fmt in ((left, "docx"), (right, "xlsx")):
    name = review.file_name(period, unit, fmt)
    column.download_button(
        text.coded("rv_page", fmt),
        builder(fmt),
        name,
        review.FORMATS[fmt],
        key=f"rv_download_{fmt}",
        help=text.coded("rv_page", f"{fmt}_help"),
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
