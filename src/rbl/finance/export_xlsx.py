"""The finance report as an Excel workbook: one sheet per section, numbers as
numbers (rounded half up by the convention) with Dutch-readable number formats."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from rbl.core.xlsx import sheet_title
from rbl.finance.report import (
    CENTS,
    COUNT,
    EURO,
    FTE,
    HOURS,
    PERCENT,
    TEXT,
    Section,
    rounded_value,
)

NUMBER_FORMATS = {
    EURO: '"€" #,##0;"€" -#,##0',
    CENTS: '"€" #,##0.00;"€" -#,##0.00',
    FTE: "0.00",
    HOURS: "#,##0.00",
    PERCENT: "0.00%",
    COUNT: "#,##0",
}


def workbook(sections: list[Section], heading: str) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for section in sections:
        sheet = book.create_sheet(sheet_title(section.title, used))
        sheet.cell(row=1, column=1, value=heading).font = Font(bold=True, size=13)
        row = 2
        if section.intro:
            sheet.cell(row=row, column=1, value=section.intro)
            row += 1
        widths: dict[int, int] = {}
        for table in section.tables:
            row += 1
            sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=12)
            row += 1
            for col, column in enumerate(table.columns, start=1):
                cell = sheet.cell(row=row, column=col, value=column.heading)
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[col] = max(widths.get(col, 10), min(len(column.heading), 28))
            row += 1
            body = [(r, i in table.emphasis) for i, r in enumerate(table.rows)]
            if table.total is not None:
                body.append((table.total, True))
            for values, strong in body:
                for col, (column, value) in enumerate(
                    zip(table.columns, values, strict=True), start=1
                ):
                    written = rounded_value(value, column.kind)
                    if written == "":
                        written = None
                    cell = sheet.cell(row=row, column=col, value=written)
                    if column.kind != TEXT and not isinstance(written, str):
                        cell.number_format = NUMBER_FORMATS[column.kind]
                    elif isinstance(written, str):
                        widths[col] = max(widths.get(col, 10), min(len(written) + 2, 60))
                    if strong:
                        cell.font = bold
                row += 1
            if table.note:
                sheet.cell(row=row, column=1, value=table.note).font = Font(italic=True)
                row += 1
        for col, width in widths.items():
            sheet.column_dimensions[get_column_letter(col)].width = width + 2
    return book


def write_xlsx(sections: list[Section], heading: str, target: str | Path | BytesIO) -> None:
    workbook(sections, heading).save(target)
