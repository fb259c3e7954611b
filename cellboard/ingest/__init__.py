"""Importing committees' workbooks: the sheet specification as data, reading within limits, validation, writing."""

from cellboard.ingest.cli import cli_import, cli_templates
from cellboard.ingest.problems import report_frame
from cellboard.ingest.spec import ENUMS, SHEET_BY_TABLE, SHEETS
from cellboard.ingest.templates import TEMPLATE_NAME, template_workbook, template_zip, write_templates
from cellboard.ingest.worker import WorkerFailure, run_in_worker
from cellboard.ingest.writing import ImportResult, import_files, import_uploads

__all__ = [
    "ENUMS",
    "SHEETS",
    "SHEET_BY_TABLE",
    "TEMPLATE_NAME",
    "ImportResult",
    "WorkerFailure",
    "cli_import",
    "cli_templates",
    "import_files",
    "import_uploads",
    "report_frame",
    "run_in_worker",
    "template_workbook",
    "template_zip",
    "write_templates",
]
