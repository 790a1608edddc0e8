"""The open signals as a CSV file for machines (`rbl absoluut --csv`)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import TextIO

from rbl.absoluut.models import Signal
from rbl.absoluut.queries import status_on

CSV_HEADER = ["bsn", "gemeentecode", "status", "sinds"]


def write_open_signals_csv(
    out: TextIO, peildatum: dt.date, municipality_codes: list[str] | None = None
) -> int:
    """Writes the open signals of the municipalities (all when None) as
    `bsn,gemeentecode,status,sinds`: status is the legal status on `peildatum`,
    sinds the date the signal was opened. Returns the number of rows written."""
    rows = (
        Signal.objects.open()
        .of_municipalities(municipality_codes)
        .annotate(legal_status=status_on(peildatum, birth_field="person__birth_date"))
        .order_by("municipality_id", "person__bsn")
        .values_list("person__bsn", "municipality_id", "legal_status", "opened_on")
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    count = 0
    for bsn, code, status, opened_on in rows.iterator(chunk_size=5000):
        writer.writerow([bsn, code, status, opened_on.isoformat()])
        count += 1
    return count
