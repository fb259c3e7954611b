"""Change password (Đổi mật khẩu): every signed-in user changes their own password."""

import streamlit as st

from cellboard import auth
from cellboard.app import ui
from cellboard.text import escape_markdown as plain  # names and typed text: never markdown

loc = ui.locale()
account = ui.require_role(loc, *auth.ROLES)
st.title(loc.t("page_password"))
st.caption(loc.t("signed_in_as", name=plain(account.name), role=ui.role_label(loc, account.role)))
with st.form("password_form", clear_on_submit=True):
    current = st.text_input(
        loc.t("password_current"), type="password", key="pw_current", autocomplete="current-password"
    )
    new = st.text_input(
        loc.t("password_new"),
        type="password",
        key="pw_new",
        autocomplete="new-password",
        help=loc.t("password_rules", min=auth.MIN_PASSWORD, max=auth.MAX_PASSWORD_BYTES),
    )
    again = st.text_input(
        loc.t("password_repeat"), type="password", key="pw_again", autocomplete="new-password"
    )
    submitted = st.form_submit_button(loc.t("password_submit"), type="primary")

if submitted:
    if new != again:
        st.error(loc.t("password_mismatch"))
    else:
        try:
            # the change ends the account's other sessions; this browser's carries on
            auth.change_own_password(account.name, current, new, keep=st.session_state.get(ui.TOKEN_KEY))
        except auth.AccountError as bad:
            st.error(plain(loc.half(str(bad))))
        else:
            st.success(loc.t("password_changed"))
