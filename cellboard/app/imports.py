"""An import as the pages show it (the Data page, the Month report page): the report of a check, and
the worker that checks or applies files in a process of its own, with its progress."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from cellboard import ingest, text
from cellboard.app import tables
from cellboard.ingest import changes


@st.cache_data(show_spinner=False)
def template_xlsx() -> bytes:
    """The blank import workbook (ingest.template_workbook), made once."""
    return ingest.template_workbook()


def uploaded(files: Iterable) -> tuple[list[tuple[str, bytes]], str]:
    """st.file_uploader's files as the worker takes them (name, content), and a digest of their
    names and contents, in any order: the same files again give the same digest."""
    uploads = [(file.name, file.getvalue()) for file in files]
    named = sorted((name, hashlib.sha256(content).hexdigest()) for name, content in uploads)
    return uploads, hashlib.sha256(json.dumps(named).encode()).hexdigest()


def report_table(loc: text.Locale, frame: pd.DataFrame) -> tables.View:
    """A report frame (ingest.report_frame) as shown: location and the reason in this language; the
    file, sheet and column names are the file's (text from the data), the reason is the app's."""
    reason = "reason_vi" if loc.vi else "reason_en"
    return tables.view(
        loc,
        frame[["file", "sheet", "row", "column", reason]],
        {"row": "int", reason: "label"},
        {
            "file": loc.t("imp_col_file"),
            "sheet": loc.t("imp_col_sheet"),
            "row": loc.t("imp_col_row"),
            "column": loc.t("imp_col_column"),
            reason: loc.t("imp_col_reason"),
        },
    )


def show_result(
    loc: text.Locale, result: ingest.ImportResult, *, names: tuple[str, str], keys: tuple[str, str]
) -> None:
    """A check's or an import's problems (counted, then listed) and its warnings (in an expander).
    `names` are the report's and the warnings' table names (their downloads), `keys` their widgets'."""
    if result.problems:
        problems, bad = len(result.problems) + result.unlisted, result.bad_rows
        st.error(
            loc.t(
                "data_check_bad",
                problems=loc.tn("imp_problems", "imp_problems_plural", problems, count=loc.integer(problems)),
                rows=loc.tn("imp_bad_rows", "imp_bad_rows_plural", bad, count=loc.integer(bad)),
            )
        )
        frame = result.report_frame()
        st.markdown(f"**{loc.t('data_report')}**")
        tables.show(report_table(loc, frame), names[0], key=keys[0])
        if result.unlisted:
            unlisted, limit = loc.integer(result.unlisted), loc.integer(len(frame))
            st.caption(
                loc.tn("imp_unlisted", "imp_unlisted_plural", result.unlisted, count=unlisted, limit=limit)
            )
    if result.warnings:
        with st.expander(f"{loc.t('imp_warnings')} ({loc.integer(len(result.warnings))})"):
            tables.show(report_table(loc, result.warnings_frame()), names[1], key=keys[1])


def in_worker(
    loc: text.Locale,
    uploads: Sequence[tuple[str, bytes]],
    path: Path,
    *,
    dry_run: bool,
    account: str | None = None,
    writer: changes.Writer | None = None,
    expect: str | None = None,
    overwrite: bool = False,
) -> ingest.ImportResult | None:
    """Check or import in a process of its own (ingest.run_in_worker: the writer, the preview's
    fingerprint and overwrite_edits go to it), showing its progress: the server's process keeps
    answering the other users and the health check meanwhile (issue 17). None when the worker failed
    (the page has shown why)."""
    label = loc.t("data_checking") if dry_run else loc.t("data_importing")
    with st.status(label) as status:

        def progress(seconds: float, line: str) -> None:
            step = text.escape_markdown(line)  # sheet names come from the file
            status.update(label=loc.t("data_progress", elapsed=loc.integer(seconds), step=step))

        done = ingest.run_in_worker(
            uploads,
            path,
            dry_run=dry_run,
            account=account,
            progress=progress,
            writer=writer,
            expect=expect,
            overwrite_edits=overwrite,
        )
        if isinstance(done, ingest.WorkerFailure):
            status.update(label=label, state="error")
            st.error(loc.t("data_worker_failed", code=done.code, detail=text.escape_markdown(done.detail)))
            return None
        status.update(label=loc.t("data_checked") if dry_run else loc.t("data_import_done"), state="complete")
        return done
