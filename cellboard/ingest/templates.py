"""The import templates: a workbook with a guide, one sheet per table and drop-downs; one CSV per table."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from cellboard import text
from cellboard.ingest.spec import ENUMS, GUIDE_SHEET, LISTS_SHEET, SHEET_BY_TABLE, SHEETS, Column
from cellboard.ingest.validation import _lookup

# ---- templates ---------------------------------------------------------------------------------------

TEMPLATE_NAME = "mau-nhap-lieu"
KIND_HELP = {
    "id": text.N_("imp_kind_help_id"),
    "text": text.N_("imp_kind_help_text"),
    "date": text.N_("imp_kind_help_date"),
    "int": text.N_("imp_kind_help_int"),
    "enum": text.N_("imp_kind_help_enum"),
    "category": text.N_("imp_kind_help_category"),
}
GUIDE_NOTES = (
    text.N_("imp_guide_note_1"),
    text.N_("imp_guide_note_2"),
    text.N_("imp_guide_note_3"),
    text.N_("imp_guide_note_4"),
    text.N_("imp_guide_note_5"),
    text.N_("imp_guide_note_6"),
    text.N_("imp_guide_note_7"),
    text.N_("imp_guide_note_8"),
    text.N_("imp_guide_note_9"),
)


def default_categories() -> list[tuple[str, str, str, int]]:
    return _lookup(None, "import_known_categories")


def allowed_values(column: Column) -> list[tuple[str, str]]:
    """(shown name, code) of a column's fixed values."""
    if column.kind == "enum":
        return [(vi, code) for code, (vi, _, _) in ENUMS[column.enum].items()]
    if column.kind == "category":
        return [(vi, code) for code, vi, _, _ in default_categories()]
    return []


def template_workbook() -> bytes:
    """The import template: a guide sheet, one sheet per table with Vietnamese headers and drop-downs."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    bold = Font(bold=True)
    guide.append(["MẪU NHẬP SỐ LIỆU SINH HOẠT CHI BỘ / CELL ACTIVITY IMPORT TEMPLATE"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    for vi, en in map(text.pair, GUIDE_NOTES):
        guide.append([f"• {vi}", None, None, None, None, None, None, en])
    guide.append([])
    heads = [
        "Trang tính",
        "Sheet",
        "Cột",
        "Column",
        "Bắt buộc / required",
        "Kiểu, định dạng",
        "Giá trị được phép / allowed values",
        "Giải thích",
        "Explanation",
    ]
    guide.append(heads)
    for cell in guide[guide.max_row]:
        cell.font = bold
    for sheet in SHEETS:
        for column in sheet.columns:
            allowed = "; ".join(f"{vi} ({code})" for vi, code in allowed_values(column))
            need = "khóa / key" if column.key else "có / yes" if column.required else ""
            if column.kind == "int" and column.low == 0:
                kind = "Số nguyên ≥ 0 / a whole number ≥ 0"
            else:
                kind = " / ".join(text.pair(KIND_HELP[column.kind]))
            guide.append(
                [
                    sheet.vi,
                    sheet.name,
                    column.vi,
                    column.name,
                    need,
                    kind,
                    allowed,
                    column.help_vi,
                    column.help_en,
                ]
            )
    for letter, width in zip("ABCDEFGHI", (22, 18, 24, 22, 14, 34, 60, 60, 60), strict=True):
        guide.column_dimensions[letter].width = width

    lists = book.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    domains = [
        (
            "category",
            "Lĩnh vực",
            [vi for vi, _ in allowed_values(SHEET_BY_TABLE["opinion"].column("category"))],
        )
    ]
    domains += [(domain, domain, [vi for vi, _, _ in values.values()]) for domain, values in ENUMS.items()]
    for index, (domain, title, values) in enumerate(domains, start=1):
        letter = get_column_letter(index)
        lists.cell(1, index, title).font = bold
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        list_ranges[domain] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lists.column_dimensions[letter].width = 30

    key_font = Font(bold=True, color="C00000")
    required_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS:
        worksheet = book.create_sheet(sheet.vi)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(1, index, column.vi)
            cell.font = key_font if column.key else required_font if column.required else Font()
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.comment = Comment(f"{column.name}: {column.help_vi} / {column.help_en}", "cellboard")
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = max(14, len(column.vi) + 4)
            if column.kind == "id":
                worksheet.column_dimensions[letter].number_format = "@"
            elif column.kind == "date":
                worksheet.column_dimensions[letter].number_format = "DD/MM/YYYY"
            domain = (
                column.enum if column.kind == "enum" else "category" if column.kind == "category" else None
            )
            if domain:
                check = DataValidation(
                    type="list",
                    formula1=list_ranges[domain],  # a formula in the file format: no leading =
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    errorTitle="Giá trị ngoài danh sách / not in the list",
                    error="Chọn một giá trị trong danh sách / pick a value from the list",
                )
                check.add(f"{letter}2:{letter}5000")
                worksheet.add_data_validation(check)
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csvs() -> dict[str, bytes]:
    """One header-only CSV per sheet (Vietnamese headers, UTF-8 with BOM, ; as Vietnamese Excel uses)."""
    files = {}
    for sheet in SHEETS:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([c.vi for c in sheet.columns])
        files[f"{sheet.name}.csv"] = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return files


def template_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in template_csvs().items():
            archive.writestr(f"{TEMPLATE_NAME}-csv/{name}", content)
    return buffer.getvalue()


def write_templates(folder: Path) -> list[Path]:
    folder = Path(folder)
    (folder / f"{TEMPLATE_NAME}-csv").mkdir(parents=True, exist_ok=True)
    written = [folder / f"{TEMPLATE_NAME}.xlsx"]
    written[0].write_bytes(template_workbook())
    for name, content in template_csvs().items():
        path = folder / f"{TEMPLATE_NAME}-csv" / name
        path.write_bytes(content)
        written.append(path)
    return written
