"""The absoluut-verzuim check (R-13) as one set-based run.

A run for check date D over the covered municipalities, in one transaction:

1. collects the covered residents in breach on D into a temporary table and
   counts the covered residents in duty;
2. closes, with one UPDATE, every open signal of the covered municipalities
   whose person is not in that table with the signal's municipality; the
   reason recorded is the first that applies, in this order: died, moved out
   (left, or now living in another municipality), out of age (including a
   startkwalificatie that ended kwalificatieplicht, and aged out of the BRP
   extract), exempted, enrolled;
3. opens a signal, with one INSERT ... SELECT from the table, for each
   resident in breach who has no open signal anywhere and no closed one whose
   satisfactory answer still holds on D (`quiet_until`);
4. counts the open signals.

Closing comes first, so a youth who moved between two covered municipalities
gets the old signal closed ("verhuisd") and a new one where they live now.
Nothing here loops over persons in Python.

Performance (bench/bench_check.py; bench/RESULTS.md): on PostgreSQL the breaches
are found by hash anti joins that read the enrolments, exemptions and diplomas
once, never a subquery per person (that was 38 s at national size), in a
CREATE TABLE AS that PostgreSQL may run in parallel; the residents in duty are
counted by a second pass over the same, by then cached, persons. On SQLite one
pass over the persons does both, with an index lookup per person like the
floor's. Closing and opening then only touch the signals and the breaches;
close reasons are worked out for the signals that close.
Needs SQLite 3.35 or newer (UPDATE ... FROM, RETURNING, json1).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.db.models import BooleanField, Case, CharField, Exists, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from rbl.absoluut.models import CloseReason, Signal
from rbl.absoluut.queries import (
    breach_rows,
    duty_resident_count,
    duty_scan,
    enrolled_on,
    exempted_on,
    in_duty_on,
)
from rbl.core.bulkload import foreign_keys_checked_afterwards
from rbl.organisation.models import Municipality
from rbl.organisation.participation import (
    administration_split,
    outside_administration_message,
)
from rbl.registry.models import Person

#: Temporary table (per connection) with the breaches found by one run.
BREACH_TABLE = "absoluut_breach"

#: PostgreSQL memory per hash table during the run (SET LOCAL: it ends with the
#: check's transaction). Small on purpose: the anti join with the 2.4 million
#: covering enrolments of a national registry then runs in batches that fit the
#: CPU's caches, 1.7 s, against 2.4 s with the whole hash table in 256 MB of
#: memory (bench/RESULTS.md). Nested loops are switched off for that statement,
#: so little memory never means an index lookup per person.
PG_WORK_MEM = "4MB"


class UnknownMunicipality(ValueError):
    """A municipality code that is not in the database."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__("onbekende gemeentecode(s): " + ", ".join(codes))


class OutsideAdministration(ValueError):
    """Municipalities asked for that are not in the regional administration
    (block 1) on the peildatum: the region does not check their residents."""

    def __init__(self, codes: list[str], message: str) -> None:
        self.codes = codes
        super().__init__(message)


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
    #: Municipalities of the region not checked: outside block 1 on the peildatum.
    skipped: tuple[str, ...] = ()
    #: Residents in breach without a signal whom an open BRP terugmelding holds
    #: back from a new one ("in onderzoek bij de BRP", rbl.chain): shown apart.
    held_for_brp: int = 0

    def as_json(self) -> dict:
        return {
            "peildatum": self.peildatum.isoformat(),
            "checked": self.checked,
            "signals": self.signals,
            "new": self.new,
            "closed": self.closed,
            "closed_by_reason": dict(self.closed_by_reason),
            "gemeenten": list(self.municipality_codes),
            "overgeslagen": list(self.skipped),
            "in_onderzoek_brp": self.held_for_brp,
        }


def run_check(peildatum: dt.date, municipality_codes: list[str] | None = None) -> CheckResult:
    """Runs the absoluut-verzuim check for `peildatum` over the residents of the
    given municipalities (all municipalities when None or empty).

    Only municipalities in the regional administration (block 1) on `peildatum`
    are checked (R-02): without `municipality_codes` the others of the region are
    skipped and named in the result; naming one of them is refused
    (`OutsideAdministration`) before anything changes."""
    codes, skipped = _covered_codes(peildatum, _known_codes(municipality_codes))
    if skipped and not codes:
        # Nobody of the region is in block 1: nothing to check, nothing changes.
        return CheckResult(peildatum, 0, 0, 0, 0, {}, (), skipped)
    db = router.db_for_write(Signal)
    connection = connections[db]
    with transaction.atomic(using=db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Serialises concurrent runs (SQLite serialises writers itself).
            cursor.execute(f"LOCK TABLE {_table(Signal)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT set_config('work_mem', %s, true)", [PG_WORK_MEM])
        checked = find_breaches(cursor, peildatum, codes)
        closed_by_reason = close_signals(cursor, peildatum, codes)
        new, held_for_brp = open_signals(cursor, peildatum)
        cursor.execute(f"DROP TABLE {BREACH_TABLE}")
        signals = Signal.objects.open().of_municipalities(codes).count()
    return CheckResult(
        peildatum=peildatum,
        checked=checked,
        signals=signals,
        new=new,
        closed=sum(closed_by_reason.values()),
        closed_by_reason=closed_by_reason,
        municipality_codes=tuple(codes),
        skipped=skipped,
        held_for_brp=held_for_brp,
    )


def _covered_codes(peildatum: dt.date, codes: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """The municipalities to check (empty: all) and those of the region skipped."""
    inside, outside_region = administration_split(peildatum)
    if codes:
        outside = [code for code in codes if code not in inside]
        if outside:
            raise OutsideAdministration(outside, outside_administration_message(outside, peildatum))
        return codes, ()
    skipped = tuple(sorted(outside_region))
    return (sorted(inside) if skipped else []), skipped


def _known_codes(municipality_codes: Iterable[str] | None) -> list[str]:
    codes = sorted({code.strip() for code in municipality_codes or [] if code.strip()})
    if codes:
        known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise UnknownMunicipality(unknown)
    return codes


def _table(model) -> str:
    return connections[router.db_for_write(model)].ops.quote_name(model._meta.db_table)


def find_breaches(cursor, peildatum: dt.date, codes: list[str]) -> int:
    """Fills the temporary BREACH_TABLE (person_id, municipality_id, status) with
    the covered residents in breach on `peildatum`. Returns how many residents
    are in duty.

    PostgreSQL: the breaches by the anti joins of the floor (queries.breach_rows),
    then the residents in duty counted by a second, cheap pass over the same
    persons; that is faster than one pass that flags every person in duty
    (a hashed SubPlan per person costs twice the hash anti join, bench/RESULTS.md).
    SQLite: one pass (queries.duty_scan) with an index lookup per person."""
    connection = cursor.db
    if connection.vendor == "postgresql":
        rows_sql, params = (
            breach_rows(peildatum, codes).query.get_compiler(connection=connection).as_sql()
        )
        # Hash anti joins (enrolments, exemptions and diplomas each read once), never
        # an index lookup per person; nested loops are back on for the closing UPDATE.
        # CREATE TABLE AS, unlike INSERT ... SELECT, may run its query in parallel.
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {BREACH_TABLE} (person_id, municipality_id, status)"
            f" ON COMMIT DROP AS {rows_sql}",
            params,
        )
        cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute(f"ALTER TABLE {BREACH_TABLE} ADD PRIMARY KEY (person_id)")
        return duty_resident_count(peildatum, codes)
    scan = duty_scan(peildatum, codes)
    scan_sql, params = scan.query.get_compiler(connection=connection).as_sql()
    cursor.execute(f"DROP TABLE IF EXISTS temp.{BREACH_TABLE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {BREACH_TABLE} (person_id integer PRIMARY KEY,"
        " municipality_id text NOT NULL, status text NOT NULL)"
    )
    # SQLite: the scan returns the breaches as one JSON array, which goes back in
    # as one parameter.
    cursor.execute(
        "SELECT COUNT(*), json_group_array(json_array(d.id, d.municipality_id, d.breach_status))"
        f" FILTER (WHERE d.breach_status IS NOT NULL) FROM ({scan_sql}) AS d",
        params,
    )
    checked, rows = cursor.fetchone()
    cursor.execute(
        f"INSERT INTO {BREACH_TABLE} (person_id, municipality_id, status)"
        " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
        " json_extract(value, '$[2]') FROM json_each(%s)",
        [rows or "[]"],
    )
    return checked


def close_reasons(peildatum: dt.date) -> list[tuple[CloseReason, Q]]:
    """Per close reason, the condition (on a Signal row) that makes it apply, in
    order: the first that applies is the one recorded."""
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


def close_signals(cursor, peildatum: dt.date, codes: list[str]) -> dict[str, int]:
    """Closes, with one UPDATE, the open signals of the covered municipalities
    whose person is not in the BREACH_TABLE with the signal's municipality: not in
    breach there on `peildatum`, so one of `close_reasons` applies. The reason is
    a CASE over them, worked out only for the signals that close. Returns the
    counts per reason.

    A signal opened after `peildatum` (a run for an earlier date than the one
    that opened it) is left alone: it cannot have ended before it began."""
    connection = cursor.db
    table = _table(Signal)
    reasons = close_reasons(peildatum)
    not_in_breach = RawSQL(
        f"NOT EXISTS (SELECT 1 FROM {BREACH_TABLE} b WHERE b.person_id = {table}.person_id"
        f" AND b.municipality_id = {table}.municipality_id)",
        (),
        output_field=BooleanField(),
    )
    closing = (
        Signal.objects.open()
        .of_municipalities(codes)
        .filter(opened_on__lte=peildatum)
        .filter(not_in_breach)
        .annotate(
            new_reason=Case(
                *(When(applies, then=Value(reason.value)) for reason, applies in reasons),
                # Cannot happen (see close_reasons); NULL would fail the NOT NULL column.
                default=Value(None),
                output_field=CharField(),
            )
        )
        .values_list("id", "new_reason")
        .order_by()
    )
    select_sql, params = closing.query.get_compiler(connection=connection).as_sql()
    # UPDATE ... FROM and RETURNING: PostgreSQL, and SQLite 3.35 and newer (which
    # lets RETURNING name only the updated table: hence close_reason, not c.*).
    cursor.execute(
        f"UPDATE {table} SET closed_on = %s, close_reason = c.new_reason"
        f" FROM ({select_sql}) AS c WHERE {table}.id = c.id RETURNING close_reason",
        [connection.ops.adapt_datefield_value(peildatum), *params],
    )
    counted = Counter(reason for (reason,) in cursor.fetchall())
    return {reason.value: counted[reason.value] for reason, _ in reasons}


def _open_terugmelding_sql() -> str:
    """SQL: an open BRP terugmelding of the breach row `b`'s person."""
    from rbl.chain.models import BrpTerugmelding

    return (
        f"SELECT 1 FROM {_table(BrpTerugmelding)} t"
        " WHERE t.person_id = b.person_id AND t.closed_on IS NULL"
    )


# From this many breaches an insert of new signals checks its foreign keys afterwards.
BIG_BATCH = 5000


def open_signals(cursor, peildatum: dt.date) -> tuple[int, int]:
    """Opens a signal for each breach in the BREACH_TABLE whose person has no open
    signal (anywhere) and no open BRP terugmelding, with one INSERT ... SELECT.
    Returns how many, and how many were held back by an open terugmelding."""
    connection = cursor.db
    meta = Signal._meta
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in ("person", "municipality", "status", "opened_on", "close_reason", "created_at")
    )
    table = _table(Signal)
    if connection.vendor == "postgresql":
        # The "no open signal" anti-join reads the table this statement inserts
        # into. With statistics that call it empty (before the first run, or just
        # after many signals were closed) the planner picks a nested loop that
        # rescans it per breach: quadratic in the number of new signals (see
        # bench/RESULTS.md). Hash joins read it once. Not set earlier: the
        # closing UPDATE needs nested loops for its per-signal index lookups.
        cursor.execute("SET LOCAL enable_nestloop = off")
    # No new signal while an earlier one's satisfactory answer still holds
    # (quiet_until, set when the answer was recorded).
    # Nor while the youth's registered address is being looked into by the BRP
    # (an open terugmelding, rbl.chain): a child who lives abroad is not
    # signalled again every week.
    unsignalled = (
        f" FROM {BREACH_TABLE} b WHERE NOT EXISTS (SELECT 1 FROM {table} s"
        f" WHERE s.person_id = b.person_id AND (s.closed_on IS NULL OR s.quiet_until >= %s))"
    )
    held = f"EXISTS ({_open_terugmelding_sql()})"
    new = f"{unsignalled} AND NOT {held}"
    day = connection.ops.adapt_datefield_value(peildatum)
    # One statement counts both: the new signals, and the breaches an open
    # terugmelding holds back.
    cursor.execute(
        f"SELECT COUNT(*) FILTER (WHERE NOT {held}), COUNT(*) FILTER (WHERE {held}){unsignalled}",
        [day],
    )
    to_open, held_back = cursor.fetchone()
    many = (to_open or 0) >= BIG_BATCH
    # Many new signals (a first run): their foreign keys checked in one join afterwards
    # rather than one query per signal (core/bulkload.py). A re-run opens few.
    with foreign_keys_checked_afterwards(table) if many else nullcontext():
        cursor.execute(
            f"INSERT INTO {table} ({columns})"
            f" SELECT b.person_id, b.municipality_id, b.status, %s, '', %s{new}",
            [day, connection.ops.adapt_datetimefield_value(timezone.now()), day],
        )
        opened = cursor.rowcount
        if many and connection.vendor == "postgresql":
            # The keys added back check the new signals by an index lookup each
            # rather than by reading every person (national: 0.16 s against 0.27-0.53 s).
            cursor.execute("SET LOCAL enable_nestloop = on")
    return opened, held_back or 0
