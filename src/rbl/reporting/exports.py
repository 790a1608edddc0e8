"""CSV and XLSX of the figures' tables, each with its definition, and written
to the access log like every export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.web.exports import XLSX_TYPE, _text


def _cell(value: Any) -> Any:
    return value if isinstance(value, int) or value is None else _text(value)


def tables_download(
    request: Any, *, slug: str, what: str, tables: Sequence[Any], kind: str
) -> HttpResponse:
    """`tables` (objects with title, definition, header, export_rows()) as one
    CSV (the first table) or one XLSX with a sheet per table."""
    log_access(request.user, Action.EXPORT, purpose=f"export {what} ({kind})", path=request.path)
    name = f"{slug}-{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        table = tables[0]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.header)
        for row in table.export_rows():
            writer.writerow([_text(v) for v in row])
        writer.writerow([])
        writer.writerow([_text(f"Definitie: {table.definition}")])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        title = table.title[:31]
        n = 2
        while title in used:
            title = f"{table.title[:28]} {n}"
            n += 1
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([f"Definitie: {table.definition}"])
        sheet.append([])
        sheet.append(table.header)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in table.export_rows():
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
