"""Review (Sơ kết, tổng kết): the review of the sidebar's unit and period (its presets offer the
half-years and years a review covers) as DOCX and XLSX. A link made when this page had a period
picker of its own (`review`, `review_year`, `review_from`, `review_to`) opens the same period: the
app reads those keys into the sidebar's `from` and `to` (ui.old_review_link)."""

import streamlit as st

from cellboard import review, text
from cellboard.app import ui
from cellboard.data import db, figures, periods

loc = ui.locale()
state = ui.current_filters()
period = state.period
st.title(loc.t("page_review"))
st.markdown(f"**{loc.t('selected_unit', name=text.escape_markdown(ui.unit_name(loc, state.unit)))}**")
st.caption(loc.t("rv_page_caption"))
previous, year_before = periods.previous_period(period), periods.year_earlier(period)
st.markdown(
    f"**{review.period_name(loc, period)[:1].upper() + review.period_name(loc, period)[1:]}** · "
    f"{ui.period_caption(loc, period)}"
)
st.caption(
    loc.t(
        "rv_page_compare",
        previous=review.period_name(loc, previous),
        year=review.period_name(loc, year_before),
    )
)

# The headline figures the report opens with, through the same cached, scoped queries as the pages.
comparison = figures.compare(ui.query, period, state.unit)

st.subheader(loc.t("rv_page_preview"), help=loc.t("rv_page_preview_help"))
ui.headline_tiles(loc, comparison)

# Downloads build when clicked (deferred), on a thread of their own: capture what they need now, the
# session's locale included (the review is written in the language the page shows).
path = db.db_path().resolve()
scope = ui.current_scope()
unit = state.unit


def builder(fmt: str):
    def build() -> bytes:
        return review.build_report(loc, path, period.start, period.end, unit, fmt, scope)

    return build


left, right = st.columns(2)
for column, fmt in ((left, "docx"), (right, "xlsx")):
    name = review.file_name(period, unit, fmt)
    made = ui.audited(
        builder(fmt),
        "report",
        {
            "file": name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "unit": unit,
            "scope": scope.root,
        },
    )
    column.download_button(
        loc.coded("rv_page", fmt),
        made,
        name,
        review.FORMATS[fmt],
        key=f"rv_download_{fmt}",
        help=loc.coded("rv_page", f"{fmt}_help"),
        icon=":material/download:",
        width="stretch",
        on_click="ignore",  # the click makes the report and audits it, without a rerun (ui.audited)
    )
