"""Streamlit's floor for the benchmark (cellboard/bench/interactions.py), never part of the app.

The same sidebar as dashboard.py's filter bar (the language switch, the period preset, the year of a
half-year preset, the unit and its cells, under the same keys) and a navigation of as many pages as
an administrator sees, but no login, no query and no data: constant options, a title and a line of
text per page. What a click costs here is Streamlit's own work (a rerun, its messages, the browser
drawing them); what a page of the app costs above it is the app's.

Run by the bench as `streamlit run cellboard/bench/floor.py`, and in AppTest for its rerun time.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

PAGES = (
    "overview",
    "participation",
    "opinions",
    "answers",
    "month",
    "corrections",
    "rankings",
    "supervision",
    "review",
    "data",
    "accounts",
    "password",
)
PRESETS = ("last_6_months", "this_month", "last_month", "first_half", "second_half", "year", "custom")
# a province's districts and communes, and a commune's cells, as constants (the app reads its tree)
UNITS = [None, "P", *(f"X{number:02}" for number in range(1, 41))]
CELLS = [None, *(f"C{number:02}" for number in range(1, 21))]


def page(name: str):
    def draw() -> None:
        st.title(name)
        st.write(f"{name}: {st.session_state.get('f_preset')} {st.session_state.get('f_year')}")

    draw.__name__ = f"floor_{name}"
    return draw


def main() -> None:
    st.set_page_config(page_title="floor", layout="wide")
    navigation = st.navigation(
        [st.Page(page(name), title=name, url_path=name, default=name == PAGES[0]) for name in PAGES]
    )
    today = dt.date.today()
    sidebar = st.sidebar
    sidebar.segmented_control("language", ("vi", "en"), key="lang", default="vi")
    sidebar.subheader("period")
    preset = sidebar.selectbox("preset", PRESETS, key="f_preset", index=PRESETS.index("first_half"))
    if preset in ("first_half", "second_half", "year"):
        sidebar.selectbox("year", list(range(today.year, today.year - 6, -1)), key="f_year")
    sidebar.subheader("unit")
    unit = sidebar.selectbox("unit", UNITS, key="f_unit", label_visibility="collapsed")
    if unit is not None:
        sidebar.selectbox("cell", CELLS, key="f_cell")
    navigation.run()


main()
