"""Accounts (Tài khoản), administrators only: the accounts with their roles, units, departments and open
sessions, adding (a department account: its department picked among those serving the chosen unit),
resetting a password, disabling and enabling, ending an account's sessions, and the audit trail."""

import pandas as pd
import streamlit as st

from cellboard import auth, sessions, text
from cellboard.app import tables, ui
from cellboard.text import escape_markdown as plain  # names and typed text: never markdown

FLASH_KEY = "_accounts_flash"

loc = ui.locale()
admin = ui.require_role(loc, "admin")
st.title(loc.t("page_accounts"))
flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash)


def done(message: str) -> None:
    st.session_state[FLASH_KEY] = message
    st.rerun()


def when(moment) -> str:
    return "" if moment is None else moment.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def local(moments) -> pd.Series:
    """Moments in the server's local time, for a table (shown as `when` writes them, sorted as times)."""
    naive = [None if moment is None else moment.astimezone().replace(tzinfo=None) for moment in moments]
    return pd.Series(naive, dtype="datetime64[us]")


tree = ui.query("unit_tree")
unit_names = ui.lookup(tree["unit_id"], tree["name"])
groups = tree[tree["kind"] != "cell"]
depths = ui.lookup(groups["unit_id"], groups["depth"])
accounts = auth.list_accounts()
open_sessions = sessions.open_counts()
now = pd.Timestamp.now(tz="UTC")
token = st.session_state.get(ui.TOKEN_KEY)  # this browser's session: an administrator's own is kept


def status(loc: text.Locale, account: auth.Account) -> str:
    if account.disabled:
        return loc.t("accounts_disabled")
    if account.locked_until is not None and account.locked_until > now:
        return loc.t("accounts_locked", until=when(account.locked_until))
    return loc.t("accounts_active")


st.subheader(loc.t("accounts_list"))
tables.table(
    loc,
    pd.DataFrame(
        {
            "name": [a.name for a in accounts],
            "role": [ui.role_label(loc, a.role) for a in accounts],
            "unit": [
                loc.t("whole_tree") if a.is_admin else unit_names.get(a.unit_id, a.unit_id) for a in accounts
            ],
            "department": [a.department or "" for a in accounts],
            "status": [status(loc, a) for a in accounts],
            "sessions": pd.Series([open_sessions.get(a.name, 0) for a in accounts], dtype="int64"),
            "last_login": local(a.last_login for a in accounts),
            "created": local(a.created_at for a in accounts),
        }
    ),
    "accounts",
    {
        "role": "label",
        "status": "label",
        "sessions": "int",
        "last_login": ("seconds", ""),
        "created": ("seconds", ""),
    },
    {
        "name": loc.t("accounts_name"),
        "role": loc.t("accounts_role"),
        "unit": loc.t("accounts_unit"),
        "department": loc.t("acct_dept_department"),
        "status": loc.t("accounts_status"),
        "sessions": loc.t("accounts_sessions"),
        "last_login": loc.t("accounts_last_login"),
        "created": loc.t("accounts_created"),
    },
)

add_tab, reset_tab, disable_tab, sessions_tab, audit_tab = st.tabs(
    [
        loc.t("accounts_add"),
        loc.t("accounts_reset"),
        loc.t("accounts_disable"),
        loc.t("accounts_sessions"),
        loc.t("accounts_audit"),
    ]
)

with add_tab:
    # the role and the unit outside the form: a department account's picker follows them at once
    role = st.selectbox(
        loc.t("accounts_role"), auth.ROLES, key="acc_role", format_func=lambda code: ui.role_label(loc, code)
    )
    unit = st.selectbox(
        loc.t("accounts_unit"),
        [None, *groups["unit_id"]],
        key="acc_unit",
        format_func=lambda u: "—" if u is None else "\u2003" * int(depths[u]) + unit_names[u],
        help=loc.t("accounts_unit_help"),
    )
    department = None  # (unit_id, name): the department account's department; it is bound to its unit
    if role == "department":
        if unit is None:
            st.caption(loc.t("acct_dept_pick_unit"))
        else:
            serving = ui.query("departments", unit=unit)
            offered = list(zip(serving["unit_id"], serving["name"], strict=True))
            if not offered:
                st.caption(loc.t("acct_dept_none"))
            department = st.selectbox(
                loc.t("acct_dept_department"),
                offered,
                key="acc_department",
                format_func=lambda d: f"{d[1]} — {unit_names.get(d[0], d[0])}",
                help=loc.t("acct_dept_help"),
            )

with add_tab, st.form("account_add", clear_on_submit=True):
    name = st.text_input(loc.t("accounts_name"), key="acc_name")
    password = st.text_input(
        loc.t("password_new"),
        type="password",
        key="acc_password",
        autocomplete="new-password",
        help=loc.t("password_rules", min=auth.MIN_PASSWORD, max=auth.MAX_PASSWORD_BYTES),
    )
    again = st.text_input(
        loc.t("password_repeat"), type="password", key="acc_again", autocomplete="new-password"
    )
    if st.form_submit_button(loc.t("accounts_add"), type="primary"):
        if password != again:
            st.error(loc.t("password_mismatch"))
        else:
            try:
                added = auth.add_account(
                    name,
                    role,
                    department[0] if department else unit,
                    password,
                    actor=admin.name,
                    department=department[1] if department else None,
                )
            except auth.AccountError as bad:
                st.error(plain(loc.half(str(bad))))
            else:
                done(loc.t("accounts_added", name=plain(added.name)))

names = [a.name for a in accounts]

with reset_tab, st.form("account_reset", clear_on_submit=True):
    target = st.selectbox(loc.t("accounts_pick"), names, key="reset_name")
    password = st.text_input(
        loc.t("password_new"),
        type="password",
        key="reset_password",
        autocomplete="new-password",
        help=loc.t("password_rules", min=auth.MIN_PASSWORD, max=auth.MAX_PASSWORD_BYTES),
    )
    again = st.text_input(
        loc.t("password_repeat"), type="password", key="reset_again", autocomplete="new-password"
    )
    if st.form_submit_button(loc.t("accounts_reset"), type="primary"):
        if password != again:
            st.error(loc.t("password_mismatch"))
        else:
            try:
                # the account's sessions end; an administrator resetting their own keeps this one
                auth.set_password(
                    target, password, actor=admin.name, keep=token if target == admin.name else None
                )
            except auth.AccountError as bad:
                st.error(plain(loc.half(str(bad))))
            else:
                done(loc.t("accounts_reset_done", name=plain(target)))

with disable_tab:
    target = st.selectbox(loc.t("accounts_pick"), names, key="disable_name")
    chosen = next((a for a in accounts if a.name == target), None)
    if chosen is not None:
        st.caption(status(loc, chosen))
        disabling = not chosen.disabled
        label = loc.t("accounts_disable_button") if disabling else loc.t("accounts_enable_button")
        if st.button(label, key="disable_toggle"):
            try:
                auth.set_disabled(target, disabling, actor=admin.name)
            except auth.AccountError as bad:
                st.error(plain(loc.half(str(bad))))
            else:
                done(
                    loc.t("accounts_disabled_done", name=plain(target))
                    if disabling
                    else loc.t("accounts_enabled_done", name=plain(target))
                )

with sessions_tab:
    st.caption(loc.t("accounts_sessions_help"))
    target = st.selectbox(loc.t("accounts_pick"), names, key="sessions_name")
    if target is not None:
        count = open_sessions.get(target, 0)
        st.caption(loc.tn("accounts_sessions_open", "accounts_sessions_open_plural", count, count=count))
        if target == admin.name:
            st.caption(loc.t("accounts_sessions_own"))
        if st.button(loc.t("accounts_sessions_end"), key="sessions_end"):
            try:
                ended = sessions.end_all(
                    target, actor=admin.name, keep=token if target == admin.name else None
                )
            except auth.AccountError as bad:
                st.error(plain(loc.half(str(bad))))
            else:
                done(
                    loc.tn(
                        "accounts_sessions_ended",
                        "accounts_sessions_ended_plural",
                        ended,
                        count=ended,
                        name=plain(target),
                    )
                )

with audit_tab:
    st.caption(loc.t("accounts_audit_help"))
    log = auth.audit_log(limit=1000)
    actions = sorted({row["action"] for row in log})

    def action_label(code: str) -> str:
        """An action's name in the locale; its code when it has none (one from a later version)."""
        return loc.coded("audit", code) if text.known(f"audit_{code}") else code

    action = st.selectbox(
        loc.t("accounts_action"),
        [None, *actions],
        key="audit_action",
        format_func=lambda a: loc.t("accounts_all_actions") if a is None else action_label(a),
    )
    shown = [row for row in log if action is None or row["action"] == action]
    tables.table(
        loc,
        pd.DataFrame(
            {
                "at": local(row["at"] for row in shown),
                "account": [row["account"] or "" for row in shown],
                "action": [row["action"] for row in shown],
                "details": [ui.audit_details(row["details"]) for row in shown],
            }
        ),
        "audit_log",
        {"at": ("seconds", ""), "action": action_label},
        {
            "at": loc.t("accounts_when"),
            "account": loc.t("accounts_name"),
            "action": loc.t("accounts_action"),
            "details": loc.t("accounts_details"),
        },
    )
