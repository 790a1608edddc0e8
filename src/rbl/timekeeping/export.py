"""The time overview as an XLSX workbook: one sheet per table, hours as numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from rbl.core.xlsx import sheet_title
from rbl.timekeeping.services import Overview, Row


def _neutral(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _sheet(book: Workbook, used: set[str], title: str, heads: list[str], rows: list[Row]) -> None:
    sheet = book.create_sheet(sheet_title(title, used))
    sheet.append(heads)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [_neutral(label) for label in row.labels]
            + [round(m / 60, 2) for m in row.minutes]
            + [round(row.total / 60, 2)]
        )


def overview_xlsx(data: Overview) -> bytes:
    """Hours (decimal) per month: per municipality and block, per municipality,
    and per officer when the overview holds them."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    months = [*data.period.labels, "Totaal"]
    _sheet(book, used, "Per bouwsteen", ["Gemeente", "Bouwsteen", *months], data.blocks)
    totals = [*data.municipalities, *([data.total] if data.total else [])]
    _sheet(book, used, "Per gemeente", ["Gemeente", *months], totals)
    if data.officers:
        _sheet(book, used, "Per medewerker", ["Gemeente", "Medewerker", *months], data.officers)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
