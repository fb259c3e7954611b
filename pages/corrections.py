"""Placeholder: being built (issue 14)."""

import streamlit as st

from cellboard.app import ui

loc = ui.locale()
ui.require_role(loc, "admin", "organisation_board", "standing_committee", "commune")
st.title(loc.t("page_corrections"))
