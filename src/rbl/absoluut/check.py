"""The absoluut-verzuim check (R-13) as one set-based run.

A run for check date D over the covered municipalities, in one transaction:

1. closes every open signal of the covered municipalities whose person is no
   longer in breach there on D, one UPDATE per reason, in this order (the
   first reason that applies is recorded): died, moved out (left, or now
   living in another municipality), out of age (including a startkwalificatie
   that ended kwalificatieplicht, and aged out of the BRP extract), exempted,
   enrolled;
2. opens a signal, with one INSERT ... SELECT, for each covered resident in
   breach on D who has no open signal anywhere;
3. counts the covered residents in duty and the open signals.

Closing comes first, so a youth who moved between two covered municipalities
gets the old signal closed ("verhuisd") and a new one where they live now.
Nothing here loops over persons in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import CharField, DateField, DateTimeField, Exists, OuterRef, Q, Value
from django.utils import timezone

from rbl.absoluut.models import CloseReason, Signal
from rbl.absoluut.queries import breaches, duty_residents, enrolled_on, exempted_on, in_duty_on
from rbl.absoluut.queries import status_on as status_expression
from rbl.organisation.models import Municipality
from rbl.registry.models import Person


class UnknownMunicipality(ValueError):
    """A municipality code that is not in the database."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__("onbekende gemeentecode(s): " + ", ".join(codes))


@dataclass(frozen=True)
class CheckResult:
    peildatum: dt.date
    #: Covered residents who are leerplichtig or kwalificatieplichtig on the peildatum.
    checked: int
    #: Open signals of the covered municipalities after the run.
    signals: int
    #: Signals opened by this run.
    new: int
    #: Signals closed by this run.
    closed: int
    closed_by_reason: dict[str, int] = field(default_factory=dict)
    #: The municipalities the run covered; empty means all.
    municipality_codes: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "peildatum": self.peildatum.isoformat(),
            "checked": self.checked,
            "signals": self.signals,
            "new": self.new,
            "closed": self.closed,
            "closed_by_reason": dict(self.closed_by_reason),
            "gemeenten": list(self.municipality_codes),
        }


def run_check(peildatum: dt.date, municipality_codes: list[str] | None = None) -> CheckResult:
    """Runs the absoluut-verzuim check for `peildatum` over the residents of the
    given municipalities (all municipalities when None or empty)."""
    codes = _known_codes(municipality_codes)
    db = router.db_for_write(Signal)
    with transaction.atomic(using=db):
        _lock_signals(db)
        closed_by_reason = close_signals(peildatum, codes)
        new = open_signals(peildatum, codes)
        checked = duty_residents(peildatum, codes).count()
        signals = Signal.objects.open().of_municipalities(codes).count()
    return CheckResult(
        peildatum=peildatum,
        checked=checked,
        signals=signals,
        new=new,
        closed=sum(closed_by_reason.values()),
        closed_by_reason=closed_by_reason,
        municipality_codes=tuple(codes),
    )


def _known_codes(municipality_codes: Iterable[str] | None) -> list[str]:
    codes = sorted({code.strip() for code in municipality_codes or [] if code.strip()})
    if codes:
        known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise UnknownMunicipality(unknown)
    return codes


def _lock_signals(db: str) -> None:
    """Serialises concurrent runs on PostgreSQL (SQLite serialises writers itself)."""
    connection = connections[db]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Signal._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def close_reasons(peildatum: dt.date) -> list[tuple[CloseReason, Q]]:
    """Per close reason, the condition (on a Signal row) that makes it apply.

    Applied in this order, each to the signals the previous ones left open.
    """
    person = Person.objects.filter(pk=OuterRef("person_id"))
    return [
        (CloseReason.DIED, Exists(person.filter(died_on__lte=peildatum))),
        (
            CloseReason.MOVED_OUT,
            Exists(
                person.filter(
                    Q(moved_out_on__lte=peildatum) | ~Q(municipality_id=OuterRef("municipality_id"))
                )
            ),
        ),
        (
            CloseReason.OUT_OF_AGE,
            Exists(person.filter(Q(aged_out_on__lte=peildatum) | ~in_duty_on(peildatum))),
        ),
        (CloseReason.EXEMPTED, Exists(person.filter(exempted_on(peildatum)))),
        (CloseReason.ENROLLED, Exists(person.filter(enrolled_on(peildatum)))),
    ]


def close_signals(peildatum: dt.date, codes: list[str]) -> dict[str, int]:
    """Closes the open signals of the covered municipalities that are no longer a
    breach on `peildatum`; one UPDATE per reason. Returns the counts per reason.

    A signal opened after `peildatum` (a run for an earlier date than the one
    that opened it) is left alone: it cannot have ended before it began."""
    counts: dict[str, int] = {}
    for reason, applies in close_reasons(peildatum):
        counts[reason.value] = (
            Signal.objects.open()
            .of_municipalities(codes)
            .filter(opened_on__lte=peildatum)
            .filter(applies)
            .update(closed_on=peildatum, close_reason=reason.value)
        )
    return counts


def open_signals(peildatum: dt.date, codes: list[str]) -> int:
    """Opens a signal for each covered resident in breach on `peildatum` without an
    open signal (anywhere), with one INSERT ... SELECT. Returns how many."""
    has_open_signal = Exists(Signal.objects.open().filter(person_id=OuterRef("pk")))
    rows = (
        breaches(peildatum, codes)
        .filter(~has_open_signal)
        .annotate(
            new_status=status_expression(peildatum),
            new_opened_on=Value(peildatum, output_field=DateField()),
            new_close_reason=Value("", output_field=CharField()),
            new_created_at=Value(timezone.now(), output_field=DateTimeField()),
        )
        .values_list(
            "pk",
            "municipality_id",
            "new_status",
            "new_opened_on",
            "new_close_reason",
            "new_created_at",
        )
        .order_by()
    )
    db = router.db_for_write(Signal)
    connection = connections[db]
    select_sql, params = rows.query.get_compiler(using=db).as_sql()
    meta = Signal._meta
    columns = [
        meta.get_field(name).column
        for name in ("person", "municipality", "status", "opened_on", "close_reason", "created_at")
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) {select_sql}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The "no open signal" anti-join reads the table this statement inserts
            # into. With statistics that call it empty (before the first run, or just
            # after many signals were closed) the planner picks a nested loop that
            # rescans it per candidate: quadratic in the number of new signals
            # (see bench/RESULTS.md). Hash joins read it once. SET LOCAL: the
            # setting ends with the check's transaction.
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, params)
        return cursor.rowcount
