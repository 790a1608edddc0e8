"""The open signals as a CSV file for machines (`rbl absoluut --csv`)."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
from types import SimpleNamespace
from typing import Any, TextIO

from rbl.absoluut.models import Signal
from rbl.absoluut.queries import status_on
from rbl.audit.models import Action
from rbl.audit.services import log_access

CSV_HEADER = ["bsn", "gemeentecode", "status", "sinds"]


def command_line_user() -> Any:
    """Who ran a command, for the access log: the operating-system user (the
    command line has no RBL user)."""
    try:
        name = getpass.getuser()
    except Exception:
        name = "onbekend"
    return SimpleNamespace(pk=None, username=f"{name} (opdrachtregel)")


def write_open_signals_csv(
    out: TextIO,
    peildatum: dt.date,
    municipality_codes: list[str] | None = None,
    *,
    user: Any = None,
) -> int:
    """Writes the open signals of the municipalities (all when None) as
    `bsn,gemeentecode,status,sinds`: status is the legal status on `peildatum`,
    sinds the date the signal was opened. Returns the number of rows written.

    The file holds BSNs: like every export it is written to the access log
    first, one entry per person, for `user` (the command line's user when None)."""
    signals = Signal.objects.open().of_municipalities(municipality_codes)
    log_access(
        user if user is not None else command_line_user(),
        Action.EXPORT,
        persons=signals.order_by().values_list("person_id", flat=True).distinct().iterator(),
        purpose=f"export open signalen absoluut verzuim op {peildatum.isoformat()} (csv)",
        path="rbl absoluut --csv",
    )
    rows = (
        signals.annotate(legal_status=status_on(peildatum, birth_field="person__birth_date"))
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
