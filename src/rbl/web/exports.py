"""CSV and XLSX downloads of the case lists, with the columns the screen shows
(formats.md, "Outputs"). Every export is written to the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from rbl.cases.models import Case

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    title: str
    value: Any  # callable(case) -> str | date | None


def _owner(case: Case) -> str:
    if not case.owner_id:
        return ""
    return case.owner.get_full_name() or case.owner.username


CASE_COLUMNS: Sequence[Column] = (
    Column("Soort", lambda c: c.get_type_display()),
    Column("Jongere", lambda c: c.person.full_name),
    Column("Geboortedatum", lambda c: c.person.birth_date),
    Column("Gemeente", lambda c: c.principal.name),
    Column("Status", lambda c: c.get_status_display()),
    Column("Eigenaar", _owner),
    Column("Geopend op", lambda c: c.opened_on),
    Column("Eerstvolgende termijn", lambda c: getattr(c, "next_due", None)),
)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# The thuiszitters list per SWV: one `Thuiszitter` row per youth.
THUISZITTER_COLUMNS: Sequence[Column] = (
    Column("Samenwerkingsverband", lambda t: t.swv_name),
    Column("Jongere", lambda t: t.case.person.full_name),
    Column("Geboortedatum", lambda t: t.case.person.birth_date),
    Column("Gemeente", lambda t: t.case.principal.name),
    Column("Soort zaak", lambda t: t.case.get_type_display()),
    Column("School", lambda t: t.case.school.name if t.case.school_id else ""),
    Column("Verzuim sinds", lambda t: t.since),
    Column("Dagen", lambda t: t.days),
    Column("Voorrang", lambda t: "ja" if t.priority else "nee"),
    Column("Eigenaar", lambda t: _name(t.case.owner)),
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def rows(cases: Iterable[Case], columns: Sequence[Column] = CASE_COLUMNS) -> list[list[Any]]:
    return [[col.value(case) for col in columns] for case in cases]


def csv_response(
    name: str, data: list[list[Any]], columns: Sequence[Column] = CASE_COLUMNS
) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    for row in data:
        writer.writerow([_text(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(
    name: str, title: str, data: list[list[Any]], columns: Sequence[Column] = CASE_COLUMNS
) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([c.title for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([v if isinstance(v, dt.date | int) or v is None else _text(v) for v in row])
    for index, _ in enumerate(columns, start=1):
        for cell in sheet.iter_cols(min_col=index, max_col=index, min_row=2):
            for c in cell:
                if isinstance(c.value, dt.date):
                    c.number_format = "DD-MM-YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# The open leave requests: one LeaveRequest per row, `overdue` annotated.
LEAVE_COLUMNS: Sequence[Column] = (
    Column("Jongere", lambda r: r.case.person.full_name),
    Column("Geboortedatum", lambda r: r.case.person.birth_date),
    Column("Gemeente", lambda r: r.case.principal.name),
    Column("Artikel", lambda r: r.get_article_display()),
    Column("Aangevraagd op", lambda r: r.requested_on),
    Column("Verlof vanaf", lambda r: r.start),
    Column("Verlof tot en met", lambda r: r.end),
    Column("Schooldagen", lambda r: r.school_days),
    Column("Beslist door", lambda r: r.get_decider_display()),
    Column("Uiterste beslisdatum", lambda r: r.decision_due_on),
    Column("Termijn verstreken", lambda r: "ja" if r.overdue else "nee"),
    Column("Eigenaar", lambda r: _name(r.case.owner)),
)

# The vrijstellingen register: one `ExemptionRow` (web.views.registers) per row.
EXEMPTION_COLUMNS: Sequence[Column] = (
    Column("Jongere", lambda r: r.person.full_name),
    Column("Geboortedatum", lambda r: r.person.birth_date),
    Column("Grond", lambda r: r.exemption.get_ground_display()),
    Column("Ingangsdatum", lambda r: r.exemption.start),
    Column("Einddatum", lambda r: r.exemption.end),
    Column("Beslissende gemeente", lambda r: r.exemption.municipality.name),
    Column("Besluitdatum", lambda r: r.exemption.decided_on),
    Column("Einde binnenkort", lambda r: "ja" if r.ending_soon else "nee"),
    Column("Ouders herinnerd op", lambda r: r.reminded_on),
)


def list_download(
    request: Any,
    *,
    title: str,
    slug: str,
    items: Sequence[Any],
    columns: Sequence[Column] = CASE_COLUMNS,
    **logged: Any,
) -> HttpResponse | None:
    """The CSV or XLSX download of a list when the request asks for it
    (`?export=csv|xlsx`), written to the access log first; else None.

    `logged` names what the export shows (`cases=…` and/or `persons=…`).
    """
    from django.utils import timezone

    from rbl.audit.models import Action
    from rbl.audit.services import log_access

    kind = request.GET.get("export")
    if kind not in ("csv", "xlsx"):
        return None
    log_access(
        request.user,
        Action.EXPORT,
        purpose=f"export {title.lower()} ({kind})",
        path=request.path,
        **logged,
    )
    data = rows(items, columns)
    name = f"{slug}-{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        return csv_response(name, data, columns)
    return xlsx_response(name, title, data, columns)
