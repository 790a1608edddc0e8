"""The outgoing lists for the chain partners (docs/formats-out.md): the SVB
notifications for the administration (CSV and XLSX) and the terugmeldingen
for a municipality's BRP department (CSV). One row per notification or
terugmelding; the BSN is in the file (the partner needs it), never in a URL or
a log line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse

from rbl.web.exports import Column


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _kenmerk(item: Any) -> str:
    return item.document.reference if item.document_id else ""


SVB_COLUMNS: Sequence[Column] = (
    Column("kenmerk", _kenmerk),
    Column("voorbereid_op", lambda n: n.prepared_on),
    Column("aanleiding", lambda n: n.get_trigger_display()),
    Column("zaak_open_sinds", lambda n: n.period_start),
    Column("gemeente_code", lambda n: n.case.principal_id),
    Column("gemeente", lambda n: n.case.principal.name),
    Column("bsn", lambda n: n.case.person.bsn),
    Column("geslachtsnaam", lambda n: n.case.person.surname),
    Column("voorvoegsel", lambda n: n.case.person.prefix),
    Column("voornamen", lambda n: n.case.person.given_names),
    Column("geboortedatum", lambda n: n.case.person.birth_date),
    Column(
        "ouders",
        lambda n: " en ".join(
            x for x in (n.case.person.parent1_name, n.case.person.parent2_name) if x
        ),
    ),
    Column("verzonden_op", lambda n: n.sent_on),
    Column("verzonden_door", lambda n: _name(n.sent_by)),
)

BRP_COLUMNS: Sequence[Column] = (
    Column("kenmerk", _kenmerk),
    Column("teruggemeld_op", lambda t: t.recorded_on),
    Column("gemeente_code", lambda t: t.municipality_id),
    Column("bsn", lambda t: t.person.bsn),
    Column("geslachtsnaam", lambda t: t.person.surname),
    Column("voorvoegsel", lambda t: t.person.prefix),
    Column("voornamen", lambda t: t.person.given_names),
    Column("geboortedatum", lambda t: t.person.birth_date),
    Column("geregistreerd_adres", lambda t: t.registered_address),
    Column("redenen", lambda t: "; ".join(t.reason_labels())),
    Column("toelichting", lambda t: t.grounds),
    Column("uitkomst", lambda t: t.get_outcome_display() if t.outcome else ""),
    Column("uitkomst_op", lambda t: t.outcome_on),
    Column("teruggemeld_door", lambda t: _name(t.recorded_by)),
)


def svb_items(items: Any) -> Any:
    """The notifications in list order, with what their lines show."""
    return items.select_related("case__person", "case__principal", "document", "sent_by").order_by(
        "prepared_on", "pk"
    )


def brp_items(items: Any) -> Any:
    """The terugmeldingen in list order, with what their lines show."""
    return items.select_related("person", "document", "recorded_by").order_by("recorded_on", "pk")


def svb_rows(items: Any) -> list[list[Any]]:
    return [[c.value(n) for c in SVB_COLUMNS] for n in svb_items(items)]


def brp_rows(items: Any) -> list[list[Any]]:
    return [[c.value(t) for c in BRP_COLUMNS] for t in brp_items(items)]


def _cell(value: Any) -> str:
    """A CSV cell: dates as YYYY-MM-DD, nothing a spreadsheet would run as a
    formula (a leading = + - @ gets a quote)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def csv_text(columns: Sequence[Column], rows: list[list[Any]]) -> str:
    """The list as docs/formats-out.md describes it: a header row, RFC 4180
    quoting, `,` between fields, `\\n` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.title for c in columns])
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_download(name: str, columns: Sequence[Column], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(csv_text(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
