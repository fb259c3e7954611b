"""Corrections (Sửa buổi sinh hoạt): find a meeting, correct it, withdraw it, and undo a change.

Meetings of the period and unit of the filter bar, searched by the cell's name without case or accents
(queries/meetings_to_correct.sql, withdrawn ones included with their reason); one meeting in detail: its
date, kind, topic, figures and marks (queries/meeting_marks.sql), and its history, newest first: each
write with who made it, when, and which fields went from which value to which
(queries/meeting_history.sql).

Administrators, the organisation board and the commune that owns a meeting correct it (date, kind,
topic, each member's mark in a table, or the counts of a cell that reports numbers), see a preview of
the rows that would change and save it; withdraw it with a reason (it stays, with its history, and
counts nowhere); and undo any write of its history not undone yet. The standing committee reads the
same page without forms or buttons. Every write goes through cellboard.ingest.changes (its rights,
scope and rules decide; a refusal names each field and writes nothing), in the button's callback,
before the run draws anything: the run after it reads the new file, so the figures here and on every
page change at once. URL option: meeting.
"""

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from cellboard import text
from cellboard.app import drill, tables, ui
from cellboard.data import db, store
from cellboard.ingest import changes
from cellboard.text import escape_markdown as plain  # names and typed text: never markdown

ROLES = ("admin", "organisation_board", "standing_committee", "commune")
SHOWN = 200  # meetings listed (the count is of all found)
HISTORY_SHOWN = 30  # writes of a meeting's history shown, newest first
OPTIONS = ("meeting",)
RESULT_KEY = "_fix_result"  # the last write's outcome, shown by the run after it
PREVIEW_KEY = "_fix_preview"  # the last preview: {"meeting", "args", "fingerprint", "rows"}
BASE_KEY = "_fix_marks_base"  # meeting id -> the marks the editor started from (list of dicts)
LIST_KEY = "fix_list_table"
KINDS = ("regular", "thematic", "extraordinary")
STATUSES = ("present", "excused", "absent", "exempt")
REASONS = ("away", "illness", "work", "other")
COUNTS = changes.COUNTS

loc = ui.locale()
account = ui.require_role(loc, *ROLES)
may_write = account.role in changes.CORRECT_ROLES

FIELDS = {
    "held_on": loc.t("col_held_on"),
    "kind": loc.t("col_kind"),
    "topic": loc.t("fix_col_topic"),
    "cell_id": loc.t("col_cell"),
    "expected": loc.t("col_expected"),
    "present": loc.t("col_present"),
    "excused": loc.t("col_excused"),
    "absent": loc.t("col_absent"),
    "exempt": loc.t("col_exempt"),
    "withdrawn_reason": loc.t("fix_col_withdrawn_reason"),
    "status": loc.t("fix_col_status"),
    "reason": loc.t("fix_col_reason"),
}
MARKS = {
    "present": loc.t("fix_mark_present"),
    "excused": loc.t("fix_mark_excused"),
    "absent": loc.t("fix_mark_absent"),
    "exempt": loc.t("fix_mark_exempt"),
}
REASON_LABELS = {
    "away": loc.t("reason_away"),
    "illness": loc.t("reason_illness"),
    "work": loc.t("reason_work"),
    "other": loc.t("reason_other_reason"),
}
ACTIONS = {
    "meeting": loc.t("fix_action_meeting"),
    "correct": loc.t("fix_action_correct"),
    "withdraw": loc.t("fix_action_withdraw"),
    "undo": loc.t("fix_action_undo"),
    "import": loc.t("fix_action_import"),
}
PREVIEW_STATES = {
    "new": loc.t("fix_state_new"),
    "changed": loc.t("fix_state_changed"),
    "unchanged": loc.t("fix_state_unchanged"),
}


def kind_label(kind: object) -> str:
    return loc.coded("kind", kind) if kind in KINDS else "–" if text.is_missing(kind) else str(kind)


def mark_label(status: object) -> str:
    return MARKS.get(status, "–") if not text.is_missing(status) else "–"


def reason_label(reason: object) -> str:
    return REASON_LABELS.get(reason, str(reason)) if not text.is_missing(reason) else "–"


def value_shown(field: str, value: object) -> str:
    """A field's value as the change log holds it (JSON text: dates yyyy-mm-dd), in this locale."""
    if value is None or text.is_missing(value):
        return "–"
    if field == "held_on":
        try:
            return loc.date(dt.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return str(value)
    if field == "cell_id":
        return ui.unit_name(loc, str(value))  # the cell's name, not its code
    if field == "kind":
        return kind_label(value)
    if field == "status":
        return mark_label(value)
    if field == "reason":
        return reason_label(value)
    if field in COUNTS:
        try:
            return loc.integer(float(value))
        except ValueError:
            return str(value)
    return str(value)


def field_label(field: object) -> str:
    return FIELDS.get(field, str(field)) if not text.is_missing(field) else loc.t("fix_field_none")


def form_keys(meeting_id: str) -> list[str]:
    return [
        f"fix_held_on_{meeting_id}",
        f"fix_kind_{meeting_id}",
        f"fix_topic_{meeting_id}",
        f"fix_marks_{meeting_id}",
        f"fix_reason_{meeting_id}",
        *(f"fix_count_{name}_{meeting_id}" for name in COUNTS),
    ]


def forget_form(meeting_id: str) -> None:
    """After a write the form starts again from the stored values."""
    for key in form_keys(meeting_id):
        st.session_state.pop(key, None)
    st.session_state.get(BASE_KEY, {}).pop(meeting_id, None)
    st.session_state.pop(PREVIEW_KEY, None)


def edited_marks(meeting_id: str) -> list[dict]:
    """The marks as the editor holds them now: the rows it started from with the edits applied (a
    keyed data_editor's state holds the edits, by row position)."""
    base = [dict(row) for row in st.session_state.get(BASE_KEY, {}).get(meeting_id, [])]
    edits = st.session_state.get(f"fix_marks_{meeting_id}") or {}
    for position, values in (edits.get("edited_rows") or {}).items():
        index = int(position)
        if 0 <= index < len(base):
            base[index].update({k: v for k, v in values.items() if k in ("status", "reason")})
    return [
        {"member_id": row["member_id"], "status": row["status"], "reason": row.get("reason") or None}
        for row in base
        if row.get("member_id") and row.get("status")
    ]


def form_args(meeting: dict) -> dict:
    """What the correction form holds, as changes.save_meeting takes it."""
    meeting_id = meeting["meeting_id"]
    values = st.session_state
    held_on = values.get(f"fix_held_on_{meeting_id}")
    args: dict[str, object] = {
        "meeting_id": meeting_id,
        "cell_id": meeting["cell_id"],
        "held_on": held_on.isoformat() if isinstance(held_on, dt.date) else held_on,
        "kind": values.get(f"fix_kind_{meeting_id}"),
        "topic": (values.get(f"fix_topic_{meeting_id}") or "").strip() or None,
    }
    if meeting["from_counts"]:
        args["counts"] = {name: values.get(f"fix_count_{name}_{meeting_id}") for name in COUNTS}
    else:
        args["marks"] = edited_marks(meeting_id)
    return args


# ---- writing: each button's callback, before the run that shows the result -------------------------------


def writer() -> changes.Writer | None:
    signed_in = ui.signed_in_account()
    return None if signed_in is None else changes.Writer.of(signed_in, origin="app")


def refused(problem: changes.Refused) -> None:
    st.session_state[RESULT_KEY] = {"refused": [loc.t("fix_refused"), *problem.messages(loc.language)]}


def write_as_signed_in(
    meeting_id: str, write: Callable[[changes.Writer], object], done: Callable[[object], str]
) -> None:
    """A write of a button's callback, as the signed-in account: a refusal or a busy database is said
    by the run after it; once written the form starts again from the stored values and the run says
    done(what the write returned)."""
    who = writer()
    if who is None:
        return  # the run shows the way to the login
    try:
        written = write(who)
    except changes.Refused as problem:
        refused(problem)
        return
    except (store.LockTimeout, store.WriteError):
        st.session_state[RESULT_KEY] = {"busy": loc.t("fix_busy")}
        return
    forget_form(meeting_id)
    st.session_state[RESULT_KEY] = {"done": done(written)}


def preview(meeting: dict) -> None:
    """on_click of the form's preview button: what saving would change, read-only."""
    who = writer()
    if who is None:
        return  # the run shows the way to the login
    args = form_args(meeting)
    st.session_state.pop(PREVIEW_KEY, None)
    try:
        shown = changes.preview_meeting(db.db_path(), who, args)
    except changes.Refused as problem:
        refused(problem)
        return
    st.session_state[PREVIEW_KEY] = {
        "meeting": meeting["meeting_id"],
        "args": args,
        "fingerprint": shown.fingerprint,
        "rows": [list(row) for row in shown.rows],
    }


def save(meeting_id: str) -> None:
    """on_click of the save button: the previewed correction, refused if the rows changed since."""
    previewed = st.session_state.get(PREVIEW_KEY)
    if not previewed or previewed["meeting"] != meeting_id:
        return
    write_as_signed_in(
        meeting_id,
        lambda who: changes.save_meeting(
            db.db_path(), who, previewed["args"] | {"expect": previewed["fingerprint"]}
        ),
        lambda written: loc.t("fix_done_saved", rows=loc.integer(sum(written.changed.values()))),
    )


def withdraw(meeting_id: str) -> None:
    """on_click of the withdraw button: the meeting stays, with its history, but counts nowhere."""
    reason = (st.session_state.get(f"fix_reason_{meeting_id}") or "").strip()
    write_as_signed_in(
        meeting_id,
        lambda who: changes.withdraw_meeting(db.db_path(), who, meeting_id, reason),
        lambda _: loc.t("fix_done_withdrawn"),
    )


def undo(meeting_id: str, write_id: str, when: str) -> None:
    """on_click of a history row's undo button: every row that write changed gets its values back."""
    write_as_signed_in(
        meeting_id,
        lambda who: changes.undo(db.db_path(), who, write_id),
        lambda _: loc.t("fix_done_undone", when=when),
    )


# ---- the page --------------------------------------------------------------------------------------------

state = ui.page_header(loc, "page_corrections")
st.caption(loc.t("fix_intro", shown=SHOWN))
if not may_write:
    st.info(loc.t("fix_read_only"))

outcome = st.session_state.pop(RESULT_KEY, None)
if outcome:
    if outcome.get("done"):
        st.success(outcome["done"], icon=":material/check_circle:")
    for line in outcome.get("refused", []):
        st.error(plain(line))
    if outcome.get("busy"):
        st.warning(outcome["busy"])

# ---- finding a meeting -----------------------------------------------------------------------------------

search = st.text_input(loc.t("fix_search"), key="fix_search", placeholder=loc.t("fix_search_placeholder"))
found = ui.query("meetings_to_correct", **ui.window(text=search.strip() or None, limit=SHOWN))


def withdrawn_label(reason: object) -> str:
    return "–" if text.is_missing(reason) else loc.t("fix_withdrawn_short")


if not len(found):
    st.info(loc.t("fix_none_found"))
else:
    matching = int(found["matching"].iloc[0])
    st.caption(loc.t("fix_found", shown=loc.integer(len(found)), count=loc.integer(matching)))
    st.dataframe(
        tables.styled(
            tables.view(
                loc,
                found[
                    [
                        "held_on",
                        "cell",
                        "commune",
                        "kind",
                        "topic",
                        "expected",
                        "exempt",
                        "present",
                        "attendance_rate",
                        "withdrawn_reason",
                        "writes",
                    ]
                ],
                {
                    "held_on": "date",
                    "kind": kind_label,
                    "attendance_rate": "pct",
                    "withdrawn_reason": withdrawn_label,
                    "topic": ("user", "–"),
                },
                {
                    "topic": loc.t("fix_col_topic"),
                    "withdrawn_reason": loc.t("fix_col_withdrawn"),
                    "writes": loc.t("fix_col_writes"),
                },
            )
        ),
        hide_index=True,
        width="stretch",
        key=LIST_KEY,
        on_select=drill.row_picker(LIST_KEY, found["meeting_id"], "meeting"),
        selection_mode="single-row",
        height=min(35 * (len(found) + 1) + 3, 400),
    )

labels = {
    row.meeting_id: f"{loc.date(row.held_on)} · {row.cell} · {kind_label(row.kind)}"
    + (f" · {loc.t('fix_withdrawn_short')}" if not text.is_missing(row.withdrawn_reason) else "")
    for row in found.itertuples()
}
opened = drill.detail_picker(
    loc, "meeting", found["meeting_id"], labels, loc.t("fix_pick_meeting"), widget="fix_meeting"
)


# ---- one meeting -----------------------------------------------------------------------------------------


def show_meeting(meeting: dict) -> None:
    meeting_id = meeting["meeting_id"]
    withdrawn = not text.is_missing(meeting["withdrawn_reason"])
    st.subheader(
        loc.t(
            "fix_meeting_title",
            day=loc.date(meeting["held_on"]),
            cell=plain(meeting["cell"] or meeting["cell_id"]),
        )
    )
    if withdrawn:
        st.warning(loc.t("fix_withdrawn_notice"), icon=":material/block:")
        st.caption(loc.t("fix_col_withdrawn_reason"))
        st.text(meeting["withdrawn_reason"])
    fields = [
        (loc.t("col_held_on"), loc.date(meeting["held_on"])),
        (loc.t("col_kind"), kind_label(meeting["kind"])),
        (loc.t("fix_col_topic"), "–" if text.is_missing(meeting["topic"]) else str(meeting["topic"])),
        (loc.t("col_cell"), str(meeting["cell"] or meeting["cell_id"])),
        (loc.t("col_commune"), "–" if text.is_missing(meeting["commune"]) else str(meeting["commune"])),
        (loc.t("col_expected"), loc.integer(meeting["expected"])),
        (loc.t("col_exempt"), loc.integer(meeting["exempt"])),
        (loc.t("col_present"), loc.integer(meeting["present"])),
        (loc.t("col_excused"), loc.integer(meeting["excused"])),
        (loc.t("col_absent"), loc.integer(meeting["absent"])),
        (loc.t("col_attendance_rate"), loc.pct(meeting["attendance_rate"])),
        (loc.t("fix_col_counted"), loc.t("fix_withdrawn_short") if withdrawn else loc.t("fix_counted")),
    ]
    st.dataframe(
        pd.DataFrame(fields, columns=[loc.t("op_col_field"), loc.t("op_col_value")]),
        hide_index=True,
        width="stretch",
        height=35 * (len(fields) + 1) + 3,
        key="fix_fields",
    )

    marks = ui.query("meeting_marks", unit=state.unit, meeting=meeting_id)
    if meeting["from_counts"]:
        st.caption(loc.t("fix_from_counts"))
    elif len(marks):
        st.markdown(f"**{loc.t('fix_marks_title')}**")
        if not may_write or withdrawn:
            st.dataframe(
                tables.styled(
                    tables.view(
                        loc,
                        marks[["full_name", "status", "reason"]],
                        {"status": mark_label, "reason": reason_label},
                        {
                            "full_name": loc.t("fix_col_member"),
                            "status": loc.t("fix_col_status"),
                            "reason": loc.t("fix_col_reason"),
                        },
                    )
                ),
                hide_index=True,
                width="stretch",
                key="fix_marks_shown",
            )

    if may_write and not withdrawn:
        correction_form(meeting, marks)
        withdrawal_form(meeting)
    show_history(meeting_id)


def correction_form(meeting: dict, marks: pd.DataFrame) -> None:
    meeting_id = meeting["meeting_id"]
    values = st.session_state
    held_on = meeting["held_on"]
    held_on = held_on.date() if hasattr(held_on, "date") else held_on
    # what the form starts with, set once: afterwards what was typed stays until it is written
    values.setdefault(f"fix_held_on_{meeting_id}", held_on)
    values.setdefault(f"fix_kind_{meeting_id}", meeting["kind"])
    values.setdefault(
        f"fix_topic_{meeting_id}", "" if text.is_missing(meeting["topic"]) else meeting["topic"]
    )
    for name in COUNTS:
        values.setdefault(f"fix_count_{name}_{meeting_id}", int(meeting[name]))
    with st.container(border=True):
        st.markdown(f"**{loc.t('fix_edit_title')}**")
        with st.form(f"fix_form_{meeting_id}", border=False):
            left, right = st.columns(2)
            left.date_input(
                loc.t("col_held_on"), key=f"fix_held_on_{meeting_id}", format="DD/MM/YYYY", **ui.DAYS_TYPED
            )
            right.selectbox(loc.t("col_kind"), KINDS, key=f"fix_kind_{meeting_id}", format_func=kind_label)
            st.text_input(loc.t("fix_col_topic"), key=f"fix_topic_{meeting_id}")
            if meeting["from_counts"]:
                columns = st.columns(len(COUNTS))
                for column, name in zip(columns, COUNTS, strict=True):
                    column.number_input(
                        FIELDS[name], min_value=0, step=1, key=f"fix_count_{name}_{meeting_id}"
                    )
            else:
                base = [
                    {
                        "member_id": row.member_id,
                        "full_name": row.full_name,
                        "status": None if text.is_missing(row.status) else row.status,
                        "reason": None if text.is_missing(row.reason) else row.reason,
                    }
                    for row in marks.itertuples()
                ]
                values.setdefault(BASE_KEY, {})[meeting_id] = base
                st.caption(loc.t("fix_marks_help"))
                st.data_editor(
                    pd.DataFrame(base, columns=["member_id", "full_name", "status", "reason"]),
                    key=f"fix_marks_{meeting_id}",
                    hide_index=True,
                    width="stretch",
                    num_rows="fixed",
                    disabled=["full_name"],
                    column_order=["full_name", "status", "reason"],
                    column_config={
                        "full_name": st.column_config.TextColumn(loc.t("fix_col_member")),
                        "status": st.column_config.SelectboxColumn(
                            loc.t("fix_col_status"), options=list(STATUSES), format_func=mark_label
                        ),
                        "reason": st.column_config.SelectboxColumn(
                            loc.t("fix_col_reason"), options=list(REASONS), format_func=reason_label
                        ),
                    },
                )
            st.form_submit_button(
                loc.t("fix_preview"),
                on_click=preview,
                args=(meeting,),
                key=f"fix_submit_preview_{meeting_id}",
                icon=":material/preview:",
            )
        previewed = values.get(PREVIEW_KEY)
        if previewed and previewed["meeting"] == meeting_id:
            show_preview(meeting_id, previewed)


def show_preview(meeting_id: str, previewed: dict) -> None:
    names = {
        row["member_id"]: row["full_name"] for row in st.session_state.get(BASE_KEY, {}).get(meeting_id, [])
    }
    shown = []
    for table, row_key, row_state, before, after in previewed["rows"]:
        if row_state == "unchanged":
            continue
        old = json.loads(before) if before else {}
        new = json.loads(after) if after else {}
        key = json.loads(row_key)
        row_name = names.get(key.get("member_id")) or key.get("member_id") or loc.t("fix_row_meeting")
        for field in new:
            if field in ("meeting_id", "member_id") or old.get(field) == new.get(field):
                continue
            shown.append(
                {
                    "row": row_name if table == "attendance" else loc.t("fix_row_meeting"),
                    "state": PREVIEW_STATES.get(row_state, row_state),
                    "field": field_label(field),
                    "old": value_shown(field, old.get(field)),
                    "new": value_shown(field, new.get(field)),
                }
            )
    st.markdown(f"**{loc.t('fix_preview_title')}**")
    if not shown:
        st.info(loc.t("fix_nothing_changes"))
        return
    st.dataframe(
        pd.DataFrame(shown).rename(
            columns={
                "row": loc.t("fix_col_row"),
                "state": loc.t("fix_col_state"),
                "field": loc.t("op_col_field"),
                "old": loc.t("fix_col_old"),
                "new": loc.t("fix_col_new"),
            }
        ),
        hide_index=True,
        width="stretch",
        key="fix_preview_table",
    )
    st.button(
        loc.t("fix_save"),
        type="primary",
        on_click=save,
        args=(meeting_id,),
        key=f"fix_save_{meeting_id}",
        icon=":material/save:",
    )


def withdrawal_form(meeting: dict) -> None:
    meeting_id = meeting["meeting_id"]
    with (
        st.expander(loc.t("fix_withdraw_title"), icon=":material/block:"),
        st.form(f"fix_withdraw_form_{meeting_id}", border=False),
    ):
        st.text_input(loc.t("fix_withdraw_reason"), key=f"fix_reason_{meeting_id}", max_chars=500)
        st.form_submit_button(
            loc.t("fix_withdraw"),
            on_click=withdraw,
            args=(meeting_id,),
            key=f"fix_submit_withdraw_{meeting_id}",
        )


def show_history(meeting_id: str) -> None:
    st.markdown(f"**{loc.t('fix_history_title')}**")
    history = ui.query("meeting_history", unit=state.unit, meeting=meeting_id)
    if not len(history):
        st.caption(loc.t("fix_history_empty"))
        return
    writes = list(dict.fromkeys(history["write_id"]))
    if len(writes) > HISTORY_SHOWN:
        st.caption(
            loc.t("fix_history_listed", shown=loc.integer(HISTORY_SHOWN), count=loc.integer(len(writes)))
        )
    for write_id in writes[:HISTORY_SHOWN]:
        rows = history[history["write_id"] == write_id]
        first = rows.iloc[0]
        when = pd.Timestamp(first["recorded_at"]).strftime("%d/%m/%Y %H:%M:%S")
        who = "–" if text.is_missing(first["account"]) else plain(first["account"])
        action = ACTIONS.get(first["action"], plain(first["action"]))
        with st.container(border=True):
            st.markdown(f"**{when}** · {who} · {action}")
            changed = pd.DataFrame(
                {
                    loc.t("fix_col_row"): [
                        loc.t("fix_row_meeting")
                        if row.table_name == "meeting"
                        else (
                            row.full_name if not text.is_missing(row.full_name) else loc.t("fix_row_member")
                        )
                        for row in rows.itertuples()
                    ],
                    loc.t("op_col_field"): [field_label(row.field) for row in rows.itertuples()],
                    loc.t("fix_col_old"): [
                        value_shown(row.field, row.old_value) for row in rows.itertuples()
                    ],
                    loc.t("fix_col_new"): [
                        value_shown(row.field, row.new_value) for row in rows.itertuples()
                    ],
                }
            )
            st.dataframe(changed, hide_index=True, width="stretch", key=f"fix_history_{write_id}")
            undone_by = rows["undone_by"].dropna()
            if len(undone_by):
                st.caption(loc.t("fix_undone"))
            elif may_write and first["action"] != "import":
                st.button(
                    loc.t("fix_undo"),
                    key=f"fix_undo_{write_id}",
                    on_click=undo,
                    args=(meeting_id, write_id, when),
                    icon=":material/undo:",
                )


if opened:
    one = ui.query("meetings_to_correct", **ui.window(meeting=opened))
    if not len(one):
        st.warning(loc.t("fix_not_found", value=plain(opened)))
    else:
        with st.container(border=True):
            show_meeting(one.iloc[0].to_dict())
        st.button(loc.t("fix_close"), on_click=lambda: drill.set_option("meeting", None), key="fix_close")

drill.keep_in_url(OPTIONS)
