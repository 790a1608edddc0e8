"""The "raw floor" of the absoluut-verzuim check, for benchmarks.

The same anti-join as the check (rbl.absoluut.queries.breaches), written by
hand as one SQL statement that runs unchanged on SQLite and PostgreSQL. A
benchmark compares `run_check` against this count: the check cannot be much
faster than the database answering this one question.

Two forms of the startkwalificatie test: the plain one, "of leerplicht age OR
NOT EXISTS (a startkwalificatie)", as one writes it by hand (the floor the
issue's target is stated against), and the anti-join form the check itself
uses (rbl.absoluut.queries.in_duty_on), with the age test inside the NOT
EXISTS, which PostgreSQL can run in parallel. bench/RESULTS.md reports both.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, router

from rbl.law.status import duty_birth_range, leerplicht_birth_range
from rbl.registry.models import Diploma, Enrolment, Exemption, Person

BREACH_COUNT_SQL = """
SELECT COUNT(*)
FROM {person} p
WHERE p.birth_date BETWEEN %(duty_from)s AND %(duty_to)s
  AND (p.moved_out_on IS NULL OR p.moved_out_on > %(day)s)
  AND (p.died_on IS NULL OR p.died_on > %(day)s)
  AND (p.aged_out_on IS NULL OR p.aged_out_on > %(day)s)
  {municipality_filter}
  {qualified_test}
  AND NOT EXISTS (SELECT 1 FROM {enrolment} e
                  WHERE e.bsn = p.bsn AND e.start <= %(day)s
                    AND (e."end" IS NULL OR e."end" >= %(day)s))
  AND NOT EXISTS (SELECT 1 FROM {exemption} x
                  WHERE x.bsn = p.bsn AND x.start <= %(day)s
                    AND (x."end" IS NULL OR x."end" >= %(day)s))
"""


PLAIN_QUALIFIED_TEST = """AND (p.birth_date >= %(leerplicht_from)s
       OR NOT EXISTS (SELECT 1 FROM {diploma} d
                      WHERE d.bsn = p.bsn AND d.startkwalificatie AND d.date <= %(day)s))"""

ANTI_JOIN_QUALIFIED_TEST = """AND NOT EXISTS (SELECT 1 FROM {diploma} d
                  WHERE d.bsn = p.bsn AND d.startkwalificatie AND d.date <= %(day)s
                    AND p.birth_date < %(leerplicht_from)s)"""


def raw_breach_count(
    peildatum: dt.date, municipality_codes: list[str] | None = None, *, anti_join: bool = False
) -> int:
    """Number of residents in absoluut verzuim on `peildatum`, by one hand-written
    anti-join (no signals involved). Equals ``breaches(peildatum, codes).count()``.
    With `anti_join`, the startkwalificatie test in the check's own form."""
    db = router.db_for_read(Person)
    connection = connections[db]
    duty = duty_birth_range(peildatum)
    as_param = connection.ops.adapt_datefield_value
    params: dict[str, object] = {
        "day": as_param(peildatum),
        "duty_from": as_param(duty.earliest),
        "duty_to": as_param(duty.latest),
        "leerplicht_from": as_param(leerplicht_birth_range(peildatum).earliest),
    }
    municipality_filter = ""
    codes = sorted(set(municipality_codes or []))
    if codes:
        names = [f"code{i}" for i in range(len(codes))]
        params.update(zip(names, codes, strict=True))
        marks = ", ".join(f"%({name})s" for name in names)
        municipality_filter = f"AND p.municipality_id IN ({marks})"
    qualified_test = ANTI_JOIN_QUALIFIED_TEST if anti_join else PLAIN_QUALIFIED_TEST
    sql = BREACH_COUNT_SQL.format(
        qualified_test=qualified_test.format(diploma=Diploma._meta.db_table),
        person=Person._meta.db_table,
        diploma=Diploma._meta.db_table,
        enrolment=Enrolment._meta.db_table,
        exemption=Exemption._meta.db_table,
        municipality_filter=municipality_filter,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
