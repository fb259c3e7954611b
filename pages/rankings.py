"""Placeholder: this page is being built."""

import streamlit as st

from cellboard import ui

ui.page_header("page_rankings")
st.info("Đang xây dựng / under construction")
