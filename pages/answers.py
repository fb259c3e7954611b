"""Placeholder: being built (issue 14)."""

import streamlit as st

from cellboard.app import ui

loc = ui.locale()
ui.require_role(loc, "admin", "standing_committee", "organisation_board", "department")
st.title(loc.t("page_answers"))
