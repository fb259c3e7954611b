"""Data (Dữ liệu): import workbooks with the same validation report as the command line, the
templates, the import history, what has not been reported, and data-quality warnings.
Administrators, the standing committee and the organisation board open it (auth.PAGE_ROLES);
importing and the import history are for administrators only.)"""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from cellboard import ingest, rules, text
from cellboard.app import imports, tables, ui
from cellboard.data import db

# dashboard.py lists the page for these roles only; this holds it shut to the others
loc = ui.locale()
account = ui.require_role(loc, "admin", "standing_committee", "organisation_board")
may_import = account.role == "admin"
state = ui.page_header(loc, "page_data")
today = dt.date.today()


@st.cache_data(show_spinner=False)
def template_zip() -> bytes:
    return ingest.template_zip()


def rows_table(loc: text.Locale, rows: dict[str, int]) -> tables.View:
    return tables.view(
        loc,
        pd.DataFrame({"table": list(rows), "rows": list(rows.values())}),
        {"table": "label", "rows": "int"},
        {"table": loc.t("imp_col_table"), "rows": loc.t("imp_col_rows")},
    )


def show_result(loc: text.Locale, result: ingest.ImportResult) -> None:
    imports.show_result(
        loc,
        result,
        names=("import_report", "import_warnings"),
        keys=("data_report_table", "data_warnings_table"),
    )


# ---- import -----------------------------------------------------------------------------------------


def import_section(loc: text.Locale) -> None:
    """Upload, check and import workbooks (administrators)."""
    st.subheader(loc.t("data_import"), help=loc.t("data_upload_help"))
    files = st.file_uploader(
        loc.t("data_upload"),
        type=["xlsx", "csv"],
        accept_multiple_files=True,
        key="data_upload",
        help=loc.t("data_upload_help"),
    )
    # fields people set in the app that a file contradicts refuse the import, unless this is ticked
    overwrite = st.checkbox(
        loc.t("data_overwrite_edits"), key="data_overwrite", help=loc.t("data_overwrite_help")
    )
    if files:
        uploads, digest = imports.uploaded(files)
        path = db.db_path()
        check_key = (digest, db.file_identity(path.resolve()), overwrite)
        checked = st.session_state.get("_data_check")
        if checked is None or checked[0] != check_key:
            found = imports.in_worker(loc, uploads, path, dry_run=True, overwrite=overwrite)
            if found is None:
                return
            checked = (check_key, found)
            st.session_state["_data_check"] = checked
        result = checked[1]
        if st.session_state.get("_data_imported") == digest:
            st.success(st.session_state["_data_imported_message"])
        else:
            show_result(loc, result)
            if result.ok:
                st.success(loc.t("data_check_ok", rows=loc.integer(result.total_rows)))
                tables.show(rows_table(loc, result.rows), "import_rows", key="data_rows_table")
                if st.button(loc.t("data_import_button"), type="primary", key="data_import_button"):
                    done = imports.in_worker(
                        loc,
                        uploads,
                        path,
                        dry_run=False,
                        account=ui.current_account_name(),
                        overwrite=overwrite,
                    )
                    if done is None:
                        return
                    if done.imported:
                        st.session_state["_data_imported"] = digest
                        st.session_state["_data_imported_message"] = loc.t(
                            "data_imported", rows=loc.integer(done.total_rows)
                        )
                        st.session_state.pop("_data_check", None)
                        st.rerun()
                    show_result(loc, done)


if may_import:
    import_section(loc)
else:
    st.info(loc.t("data_import_admin_only"))

# ---- templates ----------------------------------------------------------------------------------------

st.subheader(loc.t("data_templates"), help=loc.t("data_templates_help"))
left, right = st.columns(2)
left.download_button(
    loc.t("data_template_xlsx"),
    imports.template_xlsx,  # made when clicked: drawing the page loads no spreadsheet library
    f"{ingest.TEMPLATE_NAME}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="data_template_xlsx",
    on_click="ignore",  # a file to save: nothing on the page changes
)
right.download_button(
    loc.t("data_template_csv"),
    template_zip(),
    f"{ingest.TEMPLATE_NAME}-csv.zip",
    "application/zip",
    key="data_template_csv",
    on_click="ignore",  # a file to save: nothing on the page changes
)

# ---- import history ------------------------------------------------------------------------------------


def history_section(loc: text.Locale) -> None:
    """What has been imported, by whom (administrators: imports are not tied to a unit)."""
    st.subheader(loc.t("data_history"), help=loc.t("data_history_help"))
    history = ui.query("import_history")
    if history.empty:
        st.caption(loc.t("data_no_history"))
    else:
        tables.table(
            loc,
            history[["imported_at", "file_name", "rows", "rows_per_table", "account", "sha256"]],
            "import_history",
            {
                "imported_at": "datetime",
                "rows": "int",
                "rows_per_table": lambda value: ", ".join(
                    f"{table} {loc.integer(n)}" for table, n in json.loads(value).items()
                ),
                "sha256": "label",
            },
            {
                "imported_at": loc.t("data_col_imported_at"),
                "file_name": loc.t("imp_col_file"),
                "rows": loc.t("imp_col_rows"),
                "rows_per_table": loc.t("data_col_rows_per_table"),
                "account": loc.t("data_col_account"),
                "sha256": loc.t("data_col_sha256"),
            },
            key="data_history_table",
        )


if may_import:
    history_section(loc)

# ---- not reported ----------------------------------------------------------------------------------------

st.subheader(loc.t("data_unreported"), help=loc.t("data_unreported_help", as_of=loc.date(today)))
unreported = ui.query("unreported_units", unit=state.unit, as_of=today)


def met(loc: text.Locale, value: object) -> str:
    if text.is_missing(value):
        return "–"
    return loc.t("data_met") if value else loc.t("data_not_met")


def unreported_table(loc: text.Locale, frame: pd.DataFrame, communes: bool) -> tables.View:
    columns = ["commune", "cells" if communes else "name", "met_this_month", "met_last_month", "last_meeting"]

    def shown_met(value: object) -> str:
        return met(loc, value)

    return tables.view(
        loc,
        frame[columns],
        {"cells": "int", "met_this_month": shown_met, "met_last_month": shown_met, "last_meeting": "date"},
        {
            "commune": loc.t("col_commune"),
            "name": loc.t("col_cell"),
            "cells": loc.t("data_col_cells"),
            "met_this_month": loc.t("data_col_this_month"),
            "met_last_month": loc.t("data_col_last_month"),
            "last_meeting": loc.t("data_col_last_meeting"),
        },
    )


if unreported.empty:
    st.caption(loc.t("data_unreported_none"))
else:
    communes = unreported[unreported["kind"] == "commune"]
    cells = unreported[unreported["kind"] == "cell"]
    tiles = st.columns(2)
    tiles[0].metric(
        loc.t("data_unreported_communes"),
        loc.integer(len(communes)),
        help=loc.t("data_unreported_help", as_of=loc.date(today)),
    )
    tiles[1].metric(
        loc.t("data_unreported_cells"),
        loc.integer(len(cells)),
        help=loc.t("data_unreported_help", as_of=loc.date(today)),
    )
    if len(communes):
        st.markdown(f"**{loc.t('data_unreported_communes')}**")
        tables.show(
            unreported_table(loc, communes, True), "unreported_communes", key="data_unreported_communes"
        )
    if len(cells):
        st.markdown(f"**{loc.t('data_unreported_cells')}**")
        tables.show(unreported_table(loc, cells, False), "unreported_cells", key="data_unreported_cells")

# ---- data quality -----------------------------------------------------------------------------------------

quality_help = loc.t("data_quality_help", days=rules.UNANSWERED_DAYS, as_of=loc.date(today))
st.subheader(loc.t("data_quality"), help=quality_help)
warnings = ui.query("data_quality_warnings", **ui.window(as_of=today))
if warnings.empty:
    st.caption(loc.t("data_quality_none"))
else:
    counts = warnings.groupby("check", sort=False).size()
    tiles = st.columns(len(counts))
    for tile, (check, count) in zip(tiles, counts.items(), strict=True):
        tile.metric(loc.coded("dq", check), loc.integer(count), help=quality_help)
    for check, rows in warnings.groupby("check", sort=False):
        with st.expander(f"{loc.coded('dq', check)} ({loc.integer(len(rows))})"):
            headers = {
                "unit": loc.t("data_col_unit"),
                "item_id": loc.t("data_col_item"),
                "on_date": loc.t("data_col_on"),
            }
            if check == "unanswered":
                headers |= {"found": loc.t("data_col_days"), "detail": loc.t("data_col_text")}
            elif check in ("counts_vs_rows", "roll_vs_rows"):
                headers |= {"expected": loc.t("data_col_should_be"), "found": loc.t("data_col_found")}
            elif check in ("answered_after_as_of", "not_on_roll", "same_day_meetings", "unknown_department"):
                headers |= {"detail": loc.t("data_col_detail")}  # the text, member, kind or department
            # opinion text is data: st.dataframe shows it as text, never as markdown or HTML
            tables.table(
                loc,
                rows.assign(unit=rows["unit"].fillna(rows["unit_id"]))[list(headers)],
                f"data_quality_{check}",
                {"on_date": "date", "found": "int", "expected": "int"},
                headers,
                key=f"data_quality_{check}",
            )
