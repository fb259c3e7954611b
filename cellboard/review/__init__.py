"""The six-month and annual review (sơ kết 6 tháng, tổng kết năm): collect → one review model → DOCX, XLSX."""

from cellboard.review.build import FORMATS, Built, build, build_report, file_name
from cellboard.review.cli import cli_report
from cellboard.review.drawing import CHART_BROWSER_ENV
from cellboard.review.model import ReportError
from cellboard.review.prose import party_names, period_name

__all__ = [
    "CHART_BROWSER_ENV",
    "FORMATS",
    "Built",
    "ReportError",
    "build",
    "build_report",
    "cli_report",
    "file_name",
    "party_names",
    "period_name",
]
