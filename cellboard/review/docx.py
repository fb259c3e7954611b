"""The review as DOCX, laid out like a party committee's report: issuing body, number, place and date,
title, narrative, recipients and signature left for the user to complete."""

from __future__ import annotations

import io

from cellboard import text
from cellboard.review.model import Review, Table, cell_kind, cell_text, clean_text


def to_docx(
    loc: text.Locale,
    review: Review,
    images: dict[int, list[tuple[bytes, str]]] | None,
    charts_note: str | None,
) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(2), Cm(2)
    page.left_margin, page.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(4)
    properties = document.core_properties
    properties.title = review.title
    properties.subject = loc.t("page_review")
    properties.author = review.issuing_body
    properties.comments = ""

    def paragraph(
        container,
        content: str = "",
        *,
        bold=False,
        italic=False,
        size=None,
        align=None,
        indent=True,
        underline=False,
        space_after=None,
    ):
        para = container.add_paragraph()
        if content:
            run = para.add_run(clean_text(content))
            run.bold, run.italic, run.underline = bold, italic, underline
            if size:
                run.font.size = Pt(size)
        para.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent and align is None:
            para.paragraph_format.first_line_indent = Cm(1)
        if space_after is not None:
            para.paragraph_format.space_after = Pt(space_after)
        return para

    def borderless(rows: int, widths: tuple[float, float]):
        table = document.add_table(rows=rows, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
        return table

    def centred(cell, content: str, **style) -> None:
        first = cell.paragraphs[0] if not cell.paragraphs[0].text and len(cell.paragraphs) == 1 else None
        para = first or cell.add_paragraph()
        run = para.add_run(clean_text(content))
        run.bold = style.get("bold", False)
        run.italic = style.get("italic", False)
        run.underline = style.get("underline", False)
        run.font.size = Pt(style.get("size", 13))
        para.alignment = style.get("align", WD_ALIGN_PARAGRAPH.CENTER)
        para.paragraph_format.space_after = Pt(0)

    # Issuing body and number (left), the Party's name and place/date (right).
    header = borderless(1, (7.0, 9.5))
    left, right = header.rows[0].cells
    if review.upper_body:
        centred(left, review.upper_body.upper(), size=13)
    centred(left, review.issuing_body.upper(), bold=True, size=13)
    centred(left, "*", size=13)
    centred(left, loc.t("rv_number"), size=13)
    centred(right, loc.t("rv_party"), bold=True, underline=True, size=14)
    centred(right, "", size=6)
    centred(right, loc.t("rv_place_date"), italic=True, size=13)

    paragraph(document, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(
        document, loc.t("rv_report_word"), bold=True, size=15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    paragraph(document, review.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(
        document, review.organisation, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    paragraph(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    for notice in review.notices:
        paragraph(document, notice, italic=True, bold=True)
    if charts_note:
        paragraph(document, charts_note, italic=True)
    paragraph(document, review.intro)

    def heading(content: str, size: int = 13) -> None:
        para = paragraph(document, content, bold=True, size=size, indent=True)
        para.paragraph_format.keep_with_next = True

    def data_table(table: Table) -> None:
        caption = paragraph(
            document, table.title, italic=True, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        caption.paragraph_format.keep_with_next = True
        if not table.rows:
            paragraph(document, table.empty or loc.t("no_data"), italic=True, size=12)
            return
        rows = table.rows
        cut = table.docx_rows is not None and len(rows) > table.docx_rows
        if cut:
            rows = rows[: table.docx_rows]
        size = (
            11 if len(table.columns) <= 7 else 10 if len(table.columns) <= 9 else 9
        )  # wide tables fit the page
        grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        header_row = grid.rows[0]
        header_props = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_props.append(repeat)
        for cell, column in zip(header_row.cells, table.columns, strict=True):
            _fill(cell, column.label, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), "DCE6F1")
            cell._tc.get_or_add_tcPr().append(shading)
        last = len(rows) - 1
        for index, (record, grid_row) in enumerate(zip(rows, grid.rows[1:], strict=True)):
            bold = table.total and not cut and index == last
            for cell, column in zip(grid_row.cells, table.columns, strict=True):
                kind = cell_kind(column, record)
                _fill(
                    cell,
                    cell_text(loc, record.get(column.key), kind),
                    bold=bold,
                    size=size,
                    align=WD_ALIGN_PARAGRAPH.LEFT if kind == "text" else WD_ALIGN_PARAGRAPH.RIGHT,
                )
        if cut:
            paragraph(
                document,
                loc.t("rv_cut", shown=loc.integer(len(rows)), total=loc.integer(len(table.rows))),
                italic=True,
                size=11,
            )
        paragraph(document, "", space_after=2)

    def _fill(cell, content: str, *, bold: bool, size: int, align) -> None:
        para = cell.paragraphs[0]
        run = para.add_run(content)
        run.bold = bold
        run.font.size = Pt(size)
        para.alignment = align
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.first_line_indent = Cm(0)

    heading(loc.t("rv_part_results"))
    for section in review.sections:
        heading(f"{section.number}. {section.title}")
        for content in section.paragraphs:
            paragraph(document, content)
        for number, table in enumerate(section.tables):
            data_table(table)
            if number == 0:
                for image, caption in (images or {}).get(section.number, []):
                    picture = document.add_paragraph()
                    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    picture.paragraph_format.keep_with_next = True
                    picture.add_run().add_picture(io.BytesIO(image), width=Cm(16))
                    paragraph(
                        document,
                        loc.t("rv_chart_caption", title=caption),
                        italic=True,
                        size=12,
                        align=WD_ALIGN_PARAGRAPH.CENTER,
                    )
    heading(loc.t("rv_part_assessment"))
    heading(loc.t("rv_strengths"))
    for content in review.strengths:
        paragraph(document, "- " + content)
    heading(loc.t("rv_weaknesses"))
    for content in review.weaknesses:
        paragraph(document, "- " + content)
    heading(loc.t("rv_part_directions"))
    for content in review.directions:
        paragraph(document, "- " + content)
    heading(loc.t("rv_part_notes"))
    for content in review.notes.paragraphs:
        paragraph(document, "- " + content, size=12)
    for table in review.notes.tables:
        data_table(table)

    # Recipients (left) and the signature block (right), for the user to complete.
    paragraph(document, "")
    footer = borderless(1, (7.0, 9.5))
    left, right = footer.rows[0].cells
    centred(left, loc.t("rv_recipients"), bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in (loc.t("rv_recipient_line"), loc.t("rv_recipient_line"), loc.t("rv_recipient_archive")):
        centred(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    centred(right, review.signature, bold=True, size=13)
    centred(right, loc.t("rv_sign_role"), bold=True, size=13)
    for _ in range(3):
        centred(right, "", size=13)
    centred(right, loc.t("rv_sign_name"), bold=True, size=13)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
