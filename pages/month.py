"""Month report (Báo cáo tháng): a commune submits its cells' meetings of a month in the app (issue 14).

The month's meetings per cell (which cells have not met yet); a meeting by form (the cell's roll on
the day, pre-filled, or the five counts for a cell that reports numbers), previewed (new, changed,
unchanged rows) and then saved with the preview's fingerprint; or a workbook of the same templates,
checked and then applied. Every write goes through cellboard.ingest.changes: the import's rules, the
writer's rights and scope (a commune writes only its own cells). Administrators and the organisation
board pick a commune first.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from cellboard import ingest
from cellboard.app import imports, tables, ui
from cellboard.data import db
from cellboard.ingest import changes
from cellboard.text import escape_markdown as plain  # names and typed text: never markdown

KINDS = ("regular", "thematic", "extraordinary")
MARKS = ("present", "excused", "absent", "exempt")
REASONS = ("away", "illness", "work", "other")
COUNTS = changes.COUNTS  # expected, present, excused, absent, exempt
MONTHS_BACK = 24  # the month picker offers this many months, and back to the first meeting on file

loc = ui.locale()
account = ui.require_role(loc, *sorted(changes.MONTH_ROLES))
writer = changes.Writer.of(account, origin="app")
path = db.db_path()
today = dt.date.today()
st.title(loc.t("page_month"))
st.caption(loc.t("month_caption"))


def labelled(labels: dict[str, str], *, other: str | None = None) -> Callable[[object], str]:
    """A format function: a code's label; any other value as it is (or `other` when given)."""

    def label(code: object) -> str:
        if isinstance(code, str) and code in labels:
            return labels[code]
        return str(code) if other is None else other

    return label


kind_label = labelled({code: loc.coded("kind", code) for code in ingest.ENUMS["meeting_kind"]})
mark_label = labelled(
    {
        "present": loc.t("col_present"),
        "excused": loc.t("col_excused"),
        "absent": loc.t("col_absent"),
        "exempt": loc.t("status_exempt"),
    }
)
reason_label = labelled(
    {
        "away": loc.t("reason_away"),
        "illness": loc.t("reason_illness"),
        "work": loc.t("reason_work"),
        "other": loc.t("reason_other_reason"),
    },
    other="",
)
membership_label = labelled({code: loc.coded("status", code) for code in ingest.ENUMS["membership_status"]})


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def month_options() -> list[dt.date]:
    """This month back MONTHS_BACK months, and back to the month of the first meeting on file."""
    info = ui.query("database_info").set_index("key")["value"]
    first = info.get("first_meeting")
    newest = month_start(today)
    oldest = newest
    for _ in range(MONTHS_BACK - 1):
        oldest = month_start(oldest - dt.timedelta(days=1))
    if isinstance(first, str):
        oldest = min(oldest, month_start(dt.date.fromisoformat(first[:10])))
    months, month = [], newest
    while month >= oldest:
        months.append(month)
        month = month_start(month - dt.timedelta(days=1))
    return months


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def show_refusal(refused: changes.Refused) -> None:
    """Every line of a refused write (each names its field), as text: values typed are data."""
    lines = refused.messages(loc.language)
    listed = "\n".join(f"- {plain(line)}" for line in lines)
    st.error(f"{loc.t('month_refused', count=loc.integer(len(lines)))}\n\n{listed}")


def preview_table(preview: changes.Preview) -> tables.View:
    counts = preview.counts()
    sheet = {
        table: (ingest.SHEET_BY_TABLE[table].vi if loc.vi else ingest.SHEET_BY_TABLE[table].name)
        for table in counts
    }
    frame = pd.DataFrame(
        {
            "table": [sheet[table] for table in counts],
            "new": [counts[table]["new"] for table in counts],
            "changed": [counts[table]["changed"] for table in counts],
            "unchanged": [counts[table]["unchanged"] for table in counts],
        }
    )
    return tables.view(
        loc,
        frame,
        {"table": "label", "new": "int", "changed": "int", "unchanged": "int"},
        {
            "table": loc.t("imp_col_table"),
            "new": loc.t("month_col_new"),
            "changed": loc.t("month_col_changed"),
            "unchanged": loc.t("month_col_unchanged"),
        },
    )


# ---- the month and the commune ----------------------------------------------------------------------

months = month_options()
left, right = st.columns(2)
month = left.selectbox(loc.t("month_pick"), months, key="month_month", format_func=loc.month)
first_day, last_day = month, month_end(month)

if account.role == "commune":
    commune = account.unit_id
    right.markdown(f"**{loc.t('month_commune')}:** {plain(ui.unit_name(loc, commune))}")
else:
    tree = ui.query("unit_tree")
    communes = tree[tree["kind"] == "commune"]
    names = ui.lookup(communes["unit_id"], communes["name"])
    commune = right.selectbox(
        loc.t("month_commune"),
        list(names),
        index=None,
        key="month_commune",
        format_func=lambda unit_id: names.get(unit_id, unit_id),
        placeholder=loc.t("month_pick_commune"),
    )
    if commune is None:
        st.info(loc.t("month_no_commune"))
        st.stop()

meetings = ui.query("month_meetings", start=first_day, end=last_day, unit=commune)
cells = meetings.drop_duplicates("cell_id")[["cell_id", "cell", "reports_counts"]]
held = meetings[meetings["meeting_id"].notna()]
not_met = cells[~cells["cell_id"].isin(held["cell_id"])]

# ---- what the commune has submitted ----------------------------------------------------------------

st.subheader(loc.t("month_submitted", month=loc.month(month)), help=loc.t("month_submitted_help"))
tiles = st.columns(3)
tiles[0].metric(loc.t("month_cells"), loc.integer(len(cells)))
tiles[1].metric(loc.t("month_cells_met"), loc.integer(len(cells) - len(not_met)))
tiles[2].metric(loc.t("month_cells_not_met"), loc.integer(len(not_met)))
if cells.empty:
    st.info(loc.t("month_no_cells"))
    st.stop()
if len(held):
    tables.table(
        loc,
        held[
            [
                "cell",
                "held_on",
                "kind",
                "topic",
                "expected",
                "exempt",
                "present",
                "excused",
                "absent",
                "attendance_rate",
            ]
        ],
        "month_meetings",
        {"held_on": "date", "kind": kind_label, "attendance_rate": "pct"},
        {"cell": loc.t("col_cell"), "topic": loc.t("month_topic")},
        key="month_meetings_table",
    )
else:
    st.caption(loc.t("month_none_held"))
if len(not_met):
    st.markdown(f"**{loc.t('month_not_met_title')}**")
    tables.table(
        loc, not_met[["cell"]], "month_not_met", {}, {"cell": loc.t("col_cell")}, key="month_not_met_table"
    )

# ---- a meeting by form --------------------------------------------------------------------------------


def form_section() -> None:
    """A meeting by form: preview, then save with the preview's fingerprint."""
    st.subheader(loc.t("month_form"), help=loc.t("month_form_help"))
    notice = st.session_state.pop("_month_saved", None)
    if notice:
        st.success(notice)
    form_no = st.session_state.setdefault("_month_form_no", 0)  # a save starts a fresh form
    cell_names = ui.lookup(cells["cell_id"], cells["cell"])
    if st.session_state.get("month_cell") not in cell_names:
        st.session_state.pop("month_cell", None)
    cell = st.selectbox(
        loc.t("col_cell"), list(cell_names), key="month_cell", format_func=lambda c: cell_names.get(c, c)
    )
    latest_day = min(last_day, today)  # the picker offers no month after this one
    if st.session_state.get("_month_date_of") != month or not isinstance(
        st.session_state.get("month_date"), dt.date
    ):
        st.session_state["month_date"] = latest_day  # another month picked: the day follows it
        st.session_state["_month_date_of"] = month
    columns = st.columns(2)
    held_on = columns[0].date_input(
        loc.t("month_date"), key="month_date", format="DD/MM/YYYY", **ui.DAYS_TYPED
    )
    kind = columns[1].selectbox(loc.t("col_kind"), KINDS, key="month_kind", format_func=kind_label)
    topic = st.text_input(loc.t("month_topic"), key=f"month_topic_{form_no}", max_chars=1000)
    if not first_day <= held_on <= latest_day:  # typed: refused by name, never replaced by another day
        dates = {"date": loc.date(held_on), "first": loc.date(first_day), "last": loc.date(latest_day)}
        st.error(loc.t("month_date_outside", **dates))
        return

    roll = ui.query("cell_roll", unit=commune, cell=cell, as_of=held_on)
    reports_counts = bool(cells.loc[cells["cell_id"] == cell, "reports_counts"].iloc[0]) or roll.empty
    by_counts = st.toggle(
        loc.t("month_by_counts"),
        value=reports_counts,
        key=f"month_by_counts_{cell}_{form_no}",
        help=loc.t("month_by_counts_help"),
    )

    args: dict[str, object] = {
        "meeting_id": None,
        "cell_id": cell,
        "held_on": held_on,
        "kind": kind,
        "topic": topic.strip() or None,
    }
    if by_counts:
        exempt_on_roll = int((roll["status"] == "exempt").sum())
        start = {
            "expected": len(roll),
            "exempt": exempt_on_roll,
            "present": len(roll) - exempt_on_roll,
            "excused": 0,
            "absent": 0,
        }
        labels = {
            "expected": loc.t("col_expected"),
            "present": loc.t("col_present"),
            "excused": loc.t("col_excused"),
            "absent": loc.t("col_absent"),
            "exempt": loc.t("col_exempt"),
        }
        boxes = st.columns(len(COUNTS))
        counts = {
            name: int(
                box.number_input(
                    labels[name],
                    min_value=0,
                    max_value=100_000,
                    step=1,
                    value=start[name],
                    key=f"month_count_{name}_{cell}_{form_no}",
                )
            )
            for name, box in zip(COUNTS, boxes, strict=True)
        }
        args["counts"] = counts
        st.caption(loc.t("month_counts_rule"))
    else:
        st.markdown(f"**{loc.t('month_roll', date=loc.date(held_on))}**")
        if roll.empty:
            st.info(loc.t("month_roll_empty", date=loc.date(held_on)))
        editor = pd.DataFrame(
            {
                "member_id": roll["member_id"],
                "full_name": roll["full_name"],
                "membership": roll["status"].map(membership_label),
                "status": roll["mark"],
                "reason": pd.Series([None] * len(roll), index=roll.index, dtype=object),
            }
        ).reset_index(drop=True)
        edited = st.data_editor(
            editor,
            key=f"month_roll_{cell}_{held_on.isoformat()}_{form_no}",
            hide_index=True,
            num_rows="fixed",
            disabled=["member_id", "full_name", "membership"],
            column_order=["full_name", "membership", "status", "reason"],
            column_config={
                "full_name": st.column_config.TextColumn(loc.t("col_full_name")),
                "membership": st.column_config.TextColumn(loc.t("col_status")),
                "status": st.column_config.SelectboxColumn(
                    loc.t("month_col_mark"), options=MARKS, required=True, format_func=mark_label
                ),
                "reason": st.column_config.SelectboxColumn(
                    loc.t("month_col_reason"),
                    options=REASONS,
                    format_func=reason_label,
                    help=loc.t("month_reason_help"),
                ),
            },
        )
        args["marks"] = [
            {
                "member_id": row["member_id"],
                "status": row["status"],
                "reason": row["reason"] if isinstance(row["reason"], str) and row["reason"] else None,
            }
            for row in edited.to_dict("records")
        ]

    asked = digest(args)
    buttons = st.columns([1, 1, 4])
    if buttons[0].button(loc.t("month_preview_button"), key="month_preview"):
        st.session_state.pop("_month_preview", None)
        try:
            preview = changes.preview_meeting(path, writer, args)
        except changes.Refused as refused:
            st.session_state["_month_preview"] = (asked, None, refused)
        else:
            st.session_state["_month_preview"] = (asked, preview, None)

    previewed = st.session_state.get("_month_preview")
    if previewed is not None and previewed[0] == asked:
        _, preview, refused = previewed
        if refused is not None:
            show_refusal(refused)
        else:
            st.markdown(f"**{loc.t('month_preview_title')}**")
            tables.show(preview_table(preview), "month_preview", key="month_preview_table")
            if buttons[1].button(loc.t("month_save_button"), type="primary", key="month_save"):
                try:
                    written = changes.save_meeting(path, writer, args | {"expect": preview.fingerprint})
                except changes.Refused as refused:
                    st.session_state.pop("_month_preview", None)
                    show_refusal(refused)
                else:
                    meeting_ids = [
                        json.loads(key)["meeting_id"] for table, key, *_ in preview.rows if table == "meeting"
                    ]
                    rows = sum(written.changed.values())
                    st.session_state["_month_saved"] = loc.t(
                        "month_saved",
                        meeting=plain(meeting_ids[0] if meeting_ids else ""),
                        cell=plain(cell_names.get(cell, cell)),
                        date=loc.date(held_on),
                        rows=loc.integer(rows),
                        write_id=plain(written.write_id),
                    )
                    st.session_state.pop("_month_preview", None)
                    st.session_state["_month_form_no"] = form_no + 1
                    st.rerun()
    elif previewed is not None:
        st.caption(loc.t("month_preview_stale"))


form_section()

# ---- a workbook -----------------------------------------------------------------------------------------


def show_problems(result: ingest.ImportResult) -> None:
    imports.show_result(
        loc,
        result,
        names=("month_import_report", "month_import_warnings"),
        keys=("month_report_table", "month_warnings"),
    )


def in_worker(uploads, *, dry_run: bool, expect: str | None = None) -> ingest.ImportResult | None:
    """Check or apply in a process of its own, as the Data page does, as the signed-in writer."""
    return imports.in_worker(
        loc, uploads, path, dry_run=dry_run, account=account.name, writer=writer, expect=expect
    )


def workbook_section() -> None:
    st.subheader(loc.t("month_workbook"), help=loc.t("month_workbook_help"))
    st.download_button(
        loc.t("data_template_xlsx"),
        imports.template_xlsx,  # made when clicked: drawing the page loads no spreadsheet library
        f"{ingest.TEMPLATE_NAME}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="month_template_xlsx",
        on_click="ignore",  # a file to save: nothing on the page changes
    )
    files = st.file_uploader(
        loc.t("month_upload"),
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        key="month_upload",
        help=loc.t("month_workbook_help"),
    )
    if not files:
        return
    uploads, files_digest = imports.uploaded(files)
    applied = st.session_state.get("_month_applied")
    if applied is not None and applied[0] == files_digest:
        st.success(applied[1])
        return
    check_key = (files_digest, db.file_identity(path.resolve()))
    checked = st.session_state.get("_month_check")
    if checked is None or checked[0] != check_key:
        found = in_worker(uploads, dry_run=True)
        if found is None:
            return
        checked = (check_key, found)
        st.session_state["_month_check"] = checked
    result = checked[1]
    show_problems(result)
    if not result.ok:
        return
    st.success(loc.t("month_check_ok", rows=loc.integer(result.total_rows)))
    if result.preview is not None:
        tables.show(preview_table(result.preview), "month_import_preview", key="month_import_preview")
    if st.button(loc.t("month_apply_button"), type="primary", key="month_apply"):
        expect = result.preview.fingerprint if result.preview is not None else None
        done = in_worker(uploads, dry_run=False, expect=expect)
        if done is None:
            return
        if done.imported:
            st.session_state["_month_applied"] = (
                files_digest,
                loc.t("month_applied", rows=loc.integer(done.total_rows)),
            )
            st.session_state.pop("_month_check", None)
            st.rerun()
        show_problems(done)


workbook_section()
