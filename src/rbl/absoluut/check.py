"""The absoluut-verzuim check (R-13) as one set-based run.

A run for check date D over the covered municipalities, in one transaction:

1. closes every open signal of the covered municipalities whose person is no
   longer in breach there on D, in one UPDATE whose reason is the first that
   applies, in this order: died, moved out (left, or now
   living in another municipality), out of age (including a startkwalificatie
   that ended kwalificatieplicht, and aged out of the BRP extract), exempted,
   enrolled;
2. opens a signal, with one INSERT ... SELECT, for each covered resident in
   breach on D who has no open signal anywhere, counting the covered residents
   in duty in the same pass (PostgreSQL);
3. counts the open signals.

Closing comes first, so a youth who moved between two covered municipalities
gets the old signal closed ("verhuisd") and a new one where they live now.
Nothing here loops over persons in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from rbl.absoluut.models import CloseReason, Signal
from rbl.absoluut.queries import duty_residents, enrolled_on, exempted_on, in_duty_on
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
        new, checked = open_signals(peildatum, codes)
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
    breach on `peildatum`, in ONE statement: the reason is a CASE over
    `close_reasons` in their order (the first that applies is recorded), and the
    statement returns the reasons so they can be counted. Returns the counts.

    A signal opened after `peildatum` (a run for an earlier date than the one
    that opened it) is left alone: it cannot have ended before it began."""
    reasons = close_reasons(peildatum)
    reason_case = Case(
        *(When(applies, then=Value(reason.value)) for reason, applies in reasons),
        default=Value(""),
        output_field=CharField(),
    )
    any_reason = Q()
    for _, applies in reasons:
        any_reason |= Q(applies)
    candidates = (
        Signal.objects.open()
        .of_municipalities(codes)
        .filter(opened_on__lte=peildatum)
        .filter(any_reason)
        .annotate(new_reason=reason_case)
        .values_list("id", "new_reason")
        .order_by()
    )
    db = router.db_for_write(Signal)
    connection = connections[db]
    select_sql, params = candidates.query.get_compiler(using=db).as_sql()
    table = connection.ops.quote_name(Signal._meta.db_table)
    # UPDATE ... FROM and RETURNING: PostgreSQL, and SQLite 3.35 and newer (which
    # lets RETURNING name only the updated table: hence close_reason, not c.*).
    sql = (
        f"UPDATE {table} SET closed_on = %s, close_reason = c.new_reason "
        f"FROM ({select_sql}) AS c "
        f"WHERE {table}.id = c.id RETURNING close_reason"
    )
    counts = {reason.value: 0 for reason, _ in reasons}
    with connection.cursor() as cursor:
        cursor.execute(sql, [peildatum, *params])
        for (reason,) in cursor.fetchall():
            counts[reason] += 1
    return counts


def open_signals(peildatum: dt.date, codes: list[str]) -> tuple[int, int]:
    """Opens a signal for each covered resident in breach on `peildatum` without an
    open signal (anywhere), with one INSERT ... SELECT. Returns (opened, checked):
    `checked` is the number of covered residents in duty on `peildatum`.

    On PostgreSQL both come from one pass over the persons: a data-modifying CTE
    selects the residents in duty once, inserts the breaches among them and
    counts both. SQLite has no such CTE and counts in a second statement."""
    has_open_signal = Exists(Signal.objects.open().filter(person_id=OuterRef("pk")))
    candidates = (
        duty_residents(peildatum, codes)
        .annotate(
            is_breach=ExpressionWrapper(
                ~enrolled_on(peildatum) & ~exempted_on(peildatum) & ~has_open_signal,
                output_field=BooleanField(),
            ),
            new_status=status_expression(peildatum),
            new_opened_on=Value(peildatum, output_field=DateField()),
            new_close_reason=Value("", output_field=CharField()),
            new_created_at=Value(timezone.now(), output_field=DateTimeField()),
        )
        .values_list(
            "id",
            "municipality_id",
            "new_status",
            "new_opened_on",
            "new_close_reason",
            "new_created_at",
            "is_breach",
        )
        .order_by()
    )
    db = router.db_for_write(Signal)
    connection = connections[db]
    select_sql, params = candidates.query.get_compiler(using=db).as_sql()
    meta = Signal._meta
    columns = [
        meta.get_field(name).column
        for name in ("person", "municipality", "status", "opened_on", "close_reason", "created_at")
    ]
    quote = connection.ops.quote_name
    insert_into = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    # Output columns of the SELECT above, in the order of `columns`.
    picked = "id, municipality_id, new_status, new_opened_on, new_close_reason, new_created_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The "no open signal" anti-join reads the table this statement inserts
            # into. With statistics that call it empty (before the first run, or just
            # after many signals were closed) the planner picks a nested loop that
            # rescans it per candidate: quadratic in the number of new signals
            # (see bench/RESULTS.md). Hash joins read it once. SET LOCAL: the
            # setting ends with the check's transaction.
            cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(
                f"WITH duty AS MATERIALIZED ({select_sql}), "
                f"ins AS ({insert_into} SELECT {picked} FROM duty WHERE is_breach RETURNING 1) "
                f"SELECT (SELECT COUNT(*) FROM ins), (SELECT COUNT(*) FROM duty)",
                params,
            )
            opened, checked = cursor.fetchone()
            return opened, checked
        cursor.execute(
            f"{insert_into} SELECT {picked} FROM ({select_sql}) AS duty WHERE is_breach",
            params,
        )
        opened = cursor.rowcount
    return opened, duty_residents(peildatum, codes).count()
