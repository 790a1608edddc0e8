"""The yearly reports as files: XLSX (numbers as numbers, each row with its
definition) and PDF (WeasyPrint from one HTML template). Hidden small counts
are their text ("< 5") in both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from rbl.core.xlsx import sheet_title
from rbl.reporting.figures import YearFigures
from rbl.reporting.tables import Table


@dataclass
class Document:
    """What a PDF or workbook holds: a title, lines under it, tables, and for
    the annual report the municipality's own text and charts."""

    title: str
    meta: list[str]
    tables: Sequence[Table]
    text: str = ""
    charts: list[tuple[str, SafeString]] = field(default_factory=list)
    made: dt.datetime = field(default_factory=timezone.now)


def xlsx_bytes(doc: Document) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in doc.tables:
        sheet = book.create_sheet(sheet_title(table.title or doc.title, used))
        sheet.append([doc.title])
        sheet["A1"].font = Font(bold=True, size=13)
        if table.title:
            sheet.append([table.title])
        for line in doc.meta:
            sheet.append([line])
        sheet.append([])
        sheet.append(table.header)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for row, values in zip(table.rows, table.export_rows(), strict=True):
            sheet.append(values)
            for col, cell in enumerate(row.cells, start=2):
                target = sheet.cell(row=sheet.max_row, column=col)
                if isinstance(cell.export_value, int | float):
                    target.number_format = (
                        "#,##0" if not cell.decimals else "0." + "0" * cell.decimals
                    )
                target.alignment = Alignment(horizontal="right")
            if row.level:
                sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(indent=2)
        sheet.column_dimensions["A"].width = 48
        for col in range(2, len(table.columns) + 2):
            sheet.column_dimensions[get_column_letter(col)].width = 14
        sheet.column_dimensions[get_column_letter(len(table.columns) + 2)].width = 90
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    if doc.text:
        sheet = book.create_sheet(sheet_title("Toelichting", used))
        sheet.column_dimensions["A"].width = 120
        for paragraph in paragraphs(doc.text):
            sheet.append([paragraph])
            sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines; nothing in it is taken as markup."""
    parts = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in parts if p]


def pdf_bytes(doc: Document) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reporting/report_pdf.html",
        {"doc": doc, "paragraphs": paragraphs(doc.text)},
    )
    return HTML(string=html, base_url="/").write_pdf()


def art25_document(figures: YearFigures, table: Table) -> Document:
    """The art. 25 report: the table, with the school year, the version of the
    definitions and whether the year is closed or complete."""
    meta = [
        f"Schooljaar {figures.school_year} (1 augustus {figures.school_year.start.year} tot en "
        f"met 31 juli {figures.school_year.end.year}); inwoners geteld op 1 oktober "
        f"{figures.school_year.first_year}.",
        f"Definities versie {figures.version}."
        + (
            f" Vastgesteld op {figures.closed_at:%d-%m-%Y}"
            + (f" door {figures.closed_by}" if figures.closed_by else "")
            + "."
            if figures.closed and figures.closed_at
            else " Nog niet vastgesteld: de cijfers kunnen nog veranderen."
        ),
    ]
    if figures.completeness != "volledig":
        meta.append(
            f"Let op: de gegevens over dit schooljaar zijn {figures.completeness}; de cijfers "
            "zijn niet compleet."
        )
    return Document(
        title=f"Verantwoording art. 25 Leerplichtwet — schooljaar {figures.school_year}",
        meta=meta,
        tables=[table],
    )
