"""Answers (Trả lời ý kiến): the opinions a department must answer, and the answers it records.

A department account sees the opinions assigned to its department within its scope; administrators,
the standing committee and the organisation board see the same page with a department picker (the
departments serving the unit shown, queries/answer_departments.sql, or all). The opinions come in
four groups (queries/department_opinions.sql): overdue, due soon (rules.DUE_SOON_DAYS), not yet due,
and answered. Every unanswered opinion is listed whatever the day it was raised (an overdue one from
last year is still to be answered), so the period of the filter bar does not apply here; the answered
group lists the answers recorded most recently first (the latest SHOWN; a count of all).

One opinion in detail: its fields, its text (st.text: data, never markdown), its history
(queries/opinion_history.sql), and three forms: record the answer, mark it as being handled, forward it
to another department serving its unit (queries/departments.sql). The forms write in their submit
button's callback, before the run draws anything, through cellboard.ingest.changes.record_answer (its
rights, scope and rules decide; a refusal names each field and writes nothing). A write swaps the
database file, so every cached query (ui.query keys on the file's identity) reads the new rows at once,
on this page and every other. URL options: dept, group, opinion.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from cellboard import rules, text
from cellboard.app import drill, tables, ui
from cellboard.data import db, store
from cellboard.ingest import changes
from cellboard.text import escape_markdown as plain  # names and typed text: never markdown

GROUPS = ("overdue", "due_soon", "open", "answered")
SHOWN = 200  # opinions listed of each group (the counts are of all)
OPTIONS = ("dept", "group", "opinion")
RESULT_KEY = "_ans_result"  # the last write's outcome, shown by the run after it
LIST_KEY = "ans_list_table"

loc = ui.locale()
account = ui.require_role(loc, *sorted(changes.ANSWER_ROLES))
state = ui.current_filters()
today = dt.date.today()

GROUP_LABELS = {
    "overdue": loc.t("ans_group_overdue"),
    "due_soon": loc.t("ans_group_due_soon"),
    "open": loc.t("ans_group_open"),
    "answered": loc.t("ans_group_answered"),
}
GROUP_HELP = {
    "overdue": loc.t("ans_group_overdue_help"),
    "due_soon": loc.t("ans_group_due_soon_help", days=rules.DUE_SOON_DAYS),
    "open": loc.t("ans_group_open_help", days=rules.DUE_SOON_DAYS),
    "answered": loc.t("ans_group_answered_help"),
}
HANDLING = {
    "handling": loc.t("ans_handling_handling"),
    "forwarded": loc.t("ans_handling_forwarded"),
}
ACTIONS = {
    "answered": loc.t("ans_action_answered"),
    "handling": loc.t("ans_action_handling"),
    "forwarded": loc.t("ans_action_forwarded"),
    "imported": loc.t("ans_action_imported"),
}


def handling_label(value: object) -> str:
    """null (waiting): not yet handled; handling, forwarded: their names."""
    return loc.t("ans_handling_none") if text.is_missing(value) else HANDLING.get(str(value), str(value))


def shown_or_dash(value: object) -> str:
    return "–" if text.is_missing(value) else str(value)


# ---- whose opinions ----------------------------------------------------------------------------------

st.title(loc.t("page_answers"))
st.markdown(f"**{loc.t('selected_unit', name=plain(ui.unit_name(loc, state.unit)))}**")
st.caption(loc.t("ans_intro", days=rules.DUE_SOON_DAYS, shown=SHOWN))


def pick_department() -> None:
    drill.set_option("dept", st.session_state["ans_dept"])
    drill.set_option("opinion", None)
    drill.set_option("group", None)


if account.role == "department":
    department = account.department
    if not department:  # a department account always names one (auth.check_department): never widen
        st.error(loc.t("ans_no_department"))
        st.stop()
    st.markdown(loc.t("ans_department", name=plain(department or "–")))
else:
    # the departments serving the unit shown: of its units and of those above it
    names = list(ui.query("answer_departments", unit=state.unit)["name"])
    current = drill.option("dept")
    current = text.department_name(current) if current else None
    if current not in names:
        current = None
    if st.session_state.get("ans_dept") != current:
        st.session_state["ans_dept"] = current
    department = st.selectbox(
        loc.t("ans_pick_department"),
        [None, *names],
        key="ans_dept",
        format_func=lambda name: loc.t("ans_all_departments") if name is None else name,
        placeholder=loc.t("ans_all_departments"),
        on_change=pick_department,
    )


# ---- the last write's outcome ------------------------------------------------------------------------

outcome = st.session_state.pop(RESULT_KEY, None)
if outcome:
    if outcome.get("done"):
        st.success(outcome["done"], icon=":material/check_circle:")
    if outcome.get("refused"):
        st.error(loc.t("ans_refused"))
    for line in outcome.get("refused", []):
        st.error(plain(line))  # the values in them are the data's and the form's: text
    if outcome.get("busy"):
        st.warning(outcome["busy"])

# ---- the four groups ----------------------------------------------------------------------------------

rows = ui.query("department_opinions", unit=state.unit, department=department, as_of=None, limit=SHOWN)
counts = {group: 0 for group in GROUPS}
for group, count in rows.groupby("answer_group")["in_group"].first().items():
    counts[group] = int(count)

for column, group in zip(st.columns(len(GROUPS)), GROUPS, strict=True):
    column.metric(GROUP_LABELS[group], loc.integer(counts[group]), help=GROUP_HELP[group])

asked_group = drill.option("group")
if asked_group not in GROUPS:  # a link to one opinion opens its group; else the first with any
    linked = rows.loc[rows["opinion_id"] == drill.option("opinion"), "answer_group"]
    asked_group = (
        linked.iloc[0] if len(linked) else next((group for group in GROUPS if counts[group]), "overdue")
    )
st.session_state["ans_group"] = asked_group
group = st.radio(
    loc.t("ans_show_group"),
    GROUPS,
    key="ans_group",
    horizontal=True,
    format_func=lambda g: f"{GROUP_LABELS[g]} ({loc.integer(counts[g])})",
    on_change=lambda: drill.set_option("group", st.session_state["ans_group"]),
)
listed = rows[rows["answer_group"] == group].reset_index(drop=True)


if not len(listed):
    st.info(loc.t("ans_none_in_group"))
else:
    if counts[group] > len(listed):
        st.caption(loc.t("ans_listed", shown=loc.integer(len(listed)), count=loc.integer(counts[group])))
    columns = ["due_on", "days_left", "text", "unit", "commune", "handling", "raised_on"]
    if group == "answered":
        columns = ["answered_on", "status", "text", "unit", "commune", "due_on", "raised_on"]
    if department is None:
        columns.insert(3, "assigned_to")
    st.dataframe(
        tables.styled(
            tables.view(
                loc,
                listed[columns],
                {
                    "due_on": "date",
                    "raised_on": "date",
                    "answered_on": "date",
                    "days_left": "int",
                    "status": lambda s: loc.coded("op_status", s),
                    "handling": handling_label,
                },
                {
                    "days_left": loc.t("ans_col_days_left"),
                    "handling": loc.t("ans_col_handling"),
                    "unit": loc.t("op_col_raised_by"),
                },
            )
        ),
        column_config={loc.t("op_col_text"): st.column_config.TextColumn(width="large")},
        hide_index=True,
        width="stretch",
        key=LIST_KEY,
        on_select=drill.row_picker(LIST_KEY, listed["opinion_id"], "opinion"),
        selection_mode="single-row",
    )

# the opinion shown in detail: picked in the list or below, or brought by a link
labels = {
    row.opinion_id: f"{loc.date(row.raised_on)} · {row.unit} · {str(row.text)[:80]}"
    for row in listed.itertuples()
}
opened = drill.detail_picker(
    loc, "opinion", listed["opinion_id"], labels, loc.t("ans_pick_opinion"), widget="ans_opinion"
)


# ---- writing: each form's submit, before the run that shows the result -----------------------------------


def write(action: str, opinion_id: str) -> None:
    """on_click of a form's submit button: record the answer, the handling or the forward. What was
    typed stays when the write is refused (and an answer's, once written: it is the answer now)."""
    signed_in = ui.signed_in_account()
    if signed_in is None:
        return  # the run shows the way to the login
    values = st.session_state
    arguments: dict[str, object] = {}
    if action == "answered":
        arguments = {"on": values.get(f"ans_on_{opinion_id}"), "answer": values.get(f"ans_text_{opinion_id}")}
    elif action == "handling":
        arguments = {"answer": (values.get(f"ans_note_{opinion_id}") or "").strip() or None}
    else:
        arguments = {
            "to": values.get(f"ans_to_{opinion_id}"),
            "answer": (values.get(f"ans_fnote_{opinion_id}") or "").strip() or None,
        }
    writer = changes.Writer.of(signed_in, origin="app")
    try:
        changes.record_answer(db.db_path(), writer, opinion_id, action, **arguments)
    except changes.Refused as refused:
        st.session_state[RESULT_KEY] = {"refused": refused.messages(loc.language)}
        return
    except (store.LockTimeout, store.WriteError):
        st.session_state[RESULT_KEY] = {"busy": loc.t("ans_busy")}
        return
    if action == "answered":
        done = loc.t("ans_done_answered", day=loc.date(arguments["on"]))
        drill.set_option("group", "answered")
    elif action == "handling":
        done = loc.t("ans_done_handling")
        values.pop(f"ans_note_{opinion_id}", None)
    else:
        done = loc.t("ans_done_forwarded", name=plain(text.department_name(arguments["to"])))
        values.pop(f"ans_fnote_{opinion_id}", None)
        if signed_in.role == "department":
            drill.set_option("opinion", None)  # no longer this department's to answer
    st.session_state[RESULT_KEY] = {"done": done}


# ---- one opinion in detail ----------------------------------------------------------------------------

if opened:
    found = ui.query("department_opinions", unit=state.unit, as_of=None, opinion=opened)
    with st.container(border=True):
        st.subheader(loc.t("ans_detail_title"))
        if not len(found):
            st.warning(loc.t("ans_not_found", value=plain(opened)))
        else:
            one = found.iloc[0]
            holder = one["assigned_to"] if pd.notna(one["assigned_to"]) else None
            if account.role == "department" and text.department_name(holder or "") != text.department_name(
                account.department or ""
            ):
                st.warning(loc.t("ans_not_yours", name=plain(holder or "–")))
            raised_by = " — ".join(str(part) for part in (one["unit"], one["commune"]) if pd.notna(part))
            fields = [
                (loc.t("op_col_raised_by"), raised_by or one["unit_id"]),
                (loc.t("op_col_raised_on"), loc.date(one["raised_on"])),
                (loc.t("op_col_due_on"), loc.date(one["due_on"])),
                (loc.t("op_col_status"), loc.coded("op_status", one["status"])),
                (loc.t("ans_col_handling"), handling_label(one["handling"])),
                (loc.t("op_col_assigned_to"), shown_or_dash(holder)),
                (loc.t("op_col_answered_on"), loc.date(one["answered_on"])),
            ]
            st.dataframe(
                pd.DataFrame(fields, columns=[loc.t("op_col_field"), loc.t("op_col_value")]),
                hide_index=True,
                width="stretch",
                height=35 * (len(fields) + 1) + 3,
                key="ans_fields",
            )
            st.caption(loc.t("op_col_text"))
            st.text(one["text"])
            st.caption(loc.t("op_col_answer"))
            st.text(one["answer"] if pd.notna(one["answer"]) else loc.t("op_no_answer"))

            st.markdown(f"**{loc.t('ans_history_title')}**")
            history = ui.query("opinion_history", unit=state.unit, opinion=opened)
            if len(history):
                st.dataframe(
                    tables.styled(
                        tables.view(
                            loc,
                            history[
                                [
                                    "recorded_at",
                                    "account",
                                    "action",
                                    "department",
                                    "from_department",
                                    "answered_on",
                                    "note",
                                ]
                            ],
                            {
                                "recorded_at": "datetime",
                                "answered_on": "date",
                                "action": lambda a: ACTIONS.get(a, a),
                                "from_department": ("user", "–"),
                            },
                            {
                                "recorded_at": loc.t("ans_col_recorded_at"),
                                "account": loc.t("ans_col_account"),
                                "action": loc.t("ans_col_action"),
                                "department": loc.t("ans_col_department"),
                                "from_department": loc.t("ans_col_from_department"),
                                "note": loc.t("ans_col_note"),
                            },
                        )
                    ),
                    hide_index=True,
                    width="stretch",
                    key="ans_history",
                )
            else:
                st.caption(loc.t("ans_history_empty"))

            oid = str(one["opinion_id"])
            raised_on = one["raised_on"].date() if hasattr(one["raised_on"], "date") else one["raised_on"]
            answered_on = one["answered_on"].date() if pd.notna(one["answered_on"]) else None
            # what a form starts with, set once: afterwards what was typed stays until it is written
            if f"ans_on_{oid}" not in st.session_state:
                st.session_state[f"ans_on_{oid}"] = answered_on or max(today, raised_on)
            if f"ans_text_{oid}" not in st.session_state:
                st.session_state[f"ans_text_{oid}"] = one["answer"] if pd.notna(one["answer"]) else ""
            answer_tab, handling_tab, forward_tab = st.tabs(
                [loc.t("ans_answer_title"), loc.t("ans_handling_title"), loc.t("ans_forward_title")]
            )
            with answer_tab, st.form(f"ans_form_answer_{oid}", border=False):
                st.date_input(
                    loc.t("ans_answer_on"), key=f"ans_on_{oid}", format="DD/MM/YYYY", **ui.DAYS_TYPED
                )
                st.text_area(loc.t("ans_answer_text"), key=f"ans_text_{oid}", height=120)
                st.form_submit_button(
                    loc.t("ans_answer_submit"),
                    type="primary",
                    on_click=write,
                    args=("answered", oid),
                    key=f"ans_submit_answer_{oid}",
                )
            with handling_tab:
                if answered_on is not None:
                    st.caption(loc.t("ans_already_answered"))
                else:
                    with st.form(f"ans_form_handling_{oid}", border=False):
                        st.text_input(loc.t("ans_note"), key=f"ans_note_{oid}")
                        st.form_submit_button(
                            loc.t("ans_handling_submit"),
                            on_click=write,
                            args=("handling", oid),
                            key=f"ans_submit_handling_{oid}",
                        )
            with forward_tab:
                serving = ui.query("departments", unit=one["unit_id"])
                others = [
                    name
                    for name in dict.fromkeys(text.department_name(n) for n in serving["name"])
                    if name != text.department_name(holder or "")
                ]
                if answered_on is not None:
                    st.caption(loc.t("ans_already_answered"))
                elif not others:
                    st.caption(loc.t("ans_no_other_department"))
                else:
                    with st.form(f"ans_form_forward_{oid}", border=False):
                        st.selectbox(loc.t("ans_forward_to"), others, key=f"ans_to_{oid}")
                        st.text_input(loc.t("ans_note"), key=f"ans_fnote_{oid}")
                        st.form_submit_button(
                            loc.t("ans_forward_submit"),
                            on_click=write,
                            args=("forwarded", oid),
                            key=f"ans_submit_forward_{oid}",
                        )
        st.button(loc.t("ans_close"), on_click=lambda: drill.set_option("opinion", None), key="ans_close")

drill.keep_in_url(OPTIONS)
