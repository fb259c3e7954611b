"""Data (Dữ liệu): import workbooks with the same validation report as the command line, the
templates, the import history, what has not been reported, and data-quality warnings.
Administrators, the standing committee and the organisation board open it (auth.PAGE_ROLES);
importing and the import history are for administrators only.)"""

import datetime as dt
import hashlib
import json

import pandas as pd
import streamlit as st

from cellboard import ingest, rules, text
from cellboard.app import ui
from cellboard.data import db
from cellboard.text import t

# dashboard.py lists the page for these roles only; this holds it shut to the others
account = ui.require_role("admin", "standing_committee", "organisation_board")
may_import = account.role == "admin"
state = ui.page_header("page_data")
today = dt.date.today()


@st.cache_data(show_spinner=False)
def template_xlsx() -> bytes:
    return ingest.template_workbook()


@st.cache_data(show_spinner=False)
def template_zip() -> bytes:
    return ingest.template_zip()


def report_table(frame: pd.DataFrame) -> ui.View:
    """A report frame (ingest.report_frame) as shown: location and the reason in this language; the
    file, sheet and column names are the file's (text from the data), the reason is the app's."""
    reason = "reason_vi" if text.language() == "vi" else "reason_en"
    return ui.view(
        frame[["file", "sheet", "row", "column", reason]],
        {"row": text.fmt_int, reason: "label"},
        {
            "file": t("imp_col_file"),
            "sheet": t("imp_col_sheet"),
            "row": t("imp_col_row"),
            "column": t("imp_col_column"),
            reason: t("imp_col_reason"),
        },
    )


def rows_table(rows: dict[str, int]) -> ui.View:
    return ui.view(
        pd.DataFrame({"table": list(rows), "rows": list(rows.values())}),
        {"table": "label", "rows": text.fmt_int},
        {"table": t("imp_col_table"), "rows": t("imp_col_rows")},
    )


def show_result(result: ingest.ImportResult) -> None:
    if result.problems:
        problems, bad = len(result.problems) + result.unlisted, result.bad_rows
        st.error(
            t(
                "data_check_bad",
                problems=text.tn(
                    "imp_problems", "imp_problems_plural", problems, count=text.fmt_int(problems)
                ),
                rows=text.tn("imp_bad_rows", "imp_bad_rows_plural", bad, count=text.fmt_int(bad)),
            )
        )
        frame = result.report_frame()
        st.markdown(f"**{t('data_report')}**")
        ui.show(report_table(frame), "import_report", key="data_report_table")
        if result.unlisted:
            unlisted, limit = text.fmt_int(result.unlisted), text.fmt_int(len(frame))
            st.caption(
                text.tn("imp_unlisted", "imp_unlisted_plural", result.unlisted, count=unlisted, limit=limit)
            )
    if result.warnings:
        with st.expander(f"{t('imp_warnings')} ({text.fmt_int(len(result.warnings))})"):
            ui.show(report_table(result.warnings_frame()), "import_warnings", key="data_warnings_table")


# ---- import -----------------------------------------------------------------------------------------


def in_worker(uploads, path, *, dry_run: bool, account: str | None = None) -> ingest.ImportResult | None:
    """Check or import in a process of its own (ingest.run_in_worker), showing its progress: the
    server's process keeps answering the other users and the health check meanwhile (issue 17)."""
    label = t("data_checking") if dry_run else t("data_importing")
    with st.status(label) as status:

        def progress(seconds: float, line: str) -> None:
            step = text.escape_markdown(line)  # sheet names come from the file
            status.update(label=t("data_progress", elapsed=text.fmt_int(seconds), step=step))

        done = ingest.run_in_worker(uploads, path, dry_run=dry_run, account=account, progress=progress)
        if isinstance(done, ingest.WorkerFailure):
            status.update(label=label, state="error")
            st.error(t("data_worker_failed", code=done.code, detail=text.escape_markdown(done.detail)))
            return None
        status.update(label=label, state="complete")
        return done


def import_section() -> None:
    """Upload, check and import workbooks (administrators)."""
    st.subheader(t("data_import"), help=t("data_upload_help"))
    files = st.file_uploader(
        t("data_upload"),
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        key="data_upload",
        help=t("data_upload_help"),
    )
    if files:
        uploads = [(file.name, file.getvalue()) for file in files]
        digest = hashlib.sha256(
            json.dumps(
                sorted((name, hashlib.sha256(content).hexdigest()) for name, content in uploads)
            ).encode()
        ).hexdigest()
        path = db.db_path()
        check_key = (digest, db.file_identity(path.resolve()))
        checked = st.session_state.get("_data_check")
        if checked is None or checked[0] != check_key:
            found = in_worker(uploads, path, dry_run=True)
            if found is None:
                return
            checked = (check_key, found)
            st.session_state["_data_check"] = checked
        result = checked[1]
        if st.session_state.get("_data_imported") == digest:
            st.success(st.session_state["_data_imported_message"])
        else:
            show_result(result)
            if result.ok:
                st.success(t("data_check_ok", rows=text.fmt_int(result.total_rows)))
                ui.show(rows_table(result.rows), "import_rows", key="data_rows_table")
                if st.button(t("data_import_button"), type="primary", key="data_import_button"):
                    done = in_worker(uploads, path, dry_run=False, account=ui.current_account_name())
                    if done is None:
                        return
                    if done.imported:
                        st.session_state["_data_imported"] = digest
                        st.session_state["_data_imported_message"] = t(
                            "data_imported", rows=text.fmt_int(done.total_rows)
                        )
                        st.session_state.pop("_data_check", None)
                        st.rerun()
                    show_result(done)


if may_import:
    import_section()
else:
    st.info(t("data_import_admin_only"))

# ---- templates ----------------------------------------------------------------------------------------

st.subheader(t("data_templates"), help=t("data_templates_help"))
left, right = st.columns(2)
left.download_button(
    t("data_template_xlsx"),
    template_xlsx(),
    f"{ingest.TEMPLATE_NAME}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="data_template_xlsx",
)
right.download_button(
    t("data_template_csv"),
    template_zip(),
    f"{ingest.TEMPLATE_NAME}-csv.zip",
    "application/zip",
    key="data_template_csv",
)

# ---- import history ------------------------------------------------------------------------------------


def history_section() -> None:
    """What has been imported, by whom (administrators: imports are not tied to a unit)."""
    st.subheader(t("data_history"), help=t("data_history_help"))
    history = ui.query("import_history")
    if history.empty:
        st.caption(t("data_no_history"))
    else:
        ui.table(
            history[["imported_at", "file_name", "rows", "rows_per_table", "account", "sha256"]],
            "import_history",
            {
                "imported_at": "datetime",
                "rows": text.fmt_int,
                "rows_per_table": lambda value: ", ".join(
                    f"{table} {text.fmt_int(n)}" for table, n in json.loads(value).items()
                ),
                "sha256": "label",
            },
            {
                "imported_at": t("data_col_imported_at"),
                "file_name": t("imp_col_file"),
                "rows": t("imp_col_rows"),
                "rows_per_table": t("data_col_rows_per_table"),
                "account": t("data_col_account"),
                "sha256": t("data_col_sha256"),
            },
            key="data_history_table",
        )


if may_import:
    history_section()

# ---- not reported ----------------------------------------------------------------------------------------

st.subheader(t("data_unreported"), help=t("data_unreported_help", as_of=text.fmt_date(today)))
unreported = ui.query("unreported_units", unit=state.unit, as_of=today)


def met(value: object) -> str:
    if text.is_missing(value):
        return "–"
    return t("data_met") if value else t("data_not_met")


def unreported_table(frame: pd.DataFrame, communes: bool) -> ui.View:
    columns = ["commune", "cells" if communes else "name", "met_this_month", "met_last_month", "last_meeting"]
    return ui.view(
        frame[columns],
        {"cells": text.fmt_int, "met_this_month": met, "met_last_month": met, "last_meeting": text.fmt_date},
        {
            "commune": t("col_commune"),
            "name": t("col_cell"),
            "cells": t("data_col_cells"),
            "met_this_month": t("data_col_this_month"),
            "met_last_month": t("data_col_last_month"),
            "last_meeting": t("data_col_last_meeting"),
        },
    )


if unreported.empty:
    st.caption(t("data_unreported_none"))
else:
    communes = unreported[unreported["kind"] == "commune"]
    cells = unreported[unreported["kind"] == "cell"]
    tiles = st.columns(2)
    tiles[0].metric(
        t("data_unreported_communes"),
        text.fmt_int(len(communes)),
        help=t("data_unreported_help", as_of=text.fmt_date(today)),
    )
    tiles[1].metric(
        t("data_unreported_cells"),
        text.fmt_int(len(cells)),
        help=t("data_unreported_help", as_of=text.fmt_date(today)),
    )
    if len(communes):
        st.markdown(f"**{t('data_unreported_communes')}**")
        ui.show(unreported_table(communes, True), "unreported_communes", key="data_unreported_communes")
    if len(cells):
        st.markdown(f"**{t('data_unreported_cells')}**")
        ui.show(unreported_table(cells, False), "unreported_cells", key="data_unreported_cells")

# ---- data quality -----------------------------------------------------------------------------------------

quality_help = t("data_quality_help", days=rules.UNANSWERED_DAYS, as_of=text.fmt_date(today))
st.subheader(t("data_quality"), help=quality_help)
warnings = ui.query("data_quality_warnings", **ui.window(as_of=today))
if warnings.empty:
    st.caption(t("data_quality_none"))
else:
    counts = warnings.groupby("check", sort=False).size()
    tiles = st.columns(len(counts))
    for tile, (check, count) in zip(tiles, counts.items(), strict=True):
        tile.metric(text.coded("dq", check), text.fmt_int(count), help=quality_help)
    for check, rows in warnings.groupby("check", sort=False):
        with st.expander(f"{text.coded('dq', check)} ({text.fmt_int(len(rows))})"):
            headers = {"unit": t("data_col_unit"), "item_id": t("data_col_item"), "on_date": t("data_col_on")}
            if check == "unanswered":
                headers |= {"found": t("data_col_days"), "detail": t("data_col_text")}
            elif check in ("counts_vs_rows", "roll_vs_rows"):
                headers |= {"expected": t("data_col_should_be"), "found": t("data_col_found")}
            # opinion text is data: st.dataframe shows it as text, never as markdown or HTML
            ui.table(
                rows.assign(unit=rows["unit"].fillna(rows["unit_id"]))[list(headers)],
                f"data_quality_{check}",
                {"on_date": text.fmt_date, "found": text.fmt_int, "expected": text.fmt_int},
                headers,
                key=f"data_quality_{check}",
            )
