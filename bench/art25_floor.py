"""The floor of the art. 25 benchmark: every count of `count_year` (R-30) in six
hand-written SQL statements, run on a bare psycopg connection.

The same definitions as rbl.reporting.figures (definitions.py), written out:

1. population, one statement per figure: residents on 1 October (the
   residence covering the day) joined to the person, born in the figure's
   range; kwalificatieplichtigen without a startkwalificatie on or before the
   day (NOT EXISTS: an anti-join), deelnemers aged 12 up to 23 and enrolled
   that day (EXISTS: a semi-join). One statement with the three as FILTERed
   counts was slower at national size: EXISTS inside a FILTER is a subquery
   per row (28–36 s), a LEFT JOIN to the distinct BSNs of the enrolments and
   diplomas joins every resident with both (9–18 s), against 6–12 s for the
   three;
2. dated facts: each fact of a case with its date (reports by soort, cases
   opened: absoluut and verzuim, RMC trajecten opened and closed by reason,
   Halt/PV started, leave decided by the officer) in one UNION ALL, joined once
   to the principal period covering the later of the fact's date and the
   case's opening day; exemptions at their deciding municipality; reports
   without a case for the region;
3. thuiszitters: per case the first and last day it made its youth a
   thuiszitter in the year, per youth the earliest spell (DISTINCT ON) and
   whether any spell lasted three months, at the principal of that case on
   that first day;
4. VSV: distinct BSNs per municipality of residence on the day of leaving.

The region's counts are its own, as `count_year` counts them: each statement
groups by GROUPING SETS ((municipality, …), (…)), so the database counts the
region's rows in the same scan, not by adding up the municipalities: a fact
once however many municipalities it got (COUNT(DISTINCT) of the facts), and
for the whole country every fact, also one without a municipality. A
residence joined to its person is one row, so the population counts rows.
`floor` returns {"per": {code: {key: value}}, "region": {key: value}} in the
shape of `YearFigures` (counts only, no rates) and the milliseconds of each
statement.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

RESIDENTS = """
SELECT GROUPING(r.municipality_id), r.municipality_id, '{key}', count(*)
  FROM registry_residence r
  JOIN registry_person p ON p.id = r.person_id
 WHERE (%(everywhere)s OR r.municipality_id = ANY(%(codes)s))
   AND (r.start IS NULL OR r.start <= %(day)s)
   AND (r."end" IS NULL OR r."end" > %(day)s)
   AND {where}
 GROUP BY GROUPING SETS ((r.municipality_id), ())
"""
LEERPLICHTIGEN = RESIDENTS.format(
    key="leerplichtigen", where="p.birth_date >= %(lp_from)s AND p.birth_date <= %(lp_to)s"
)
KWALIFICATIEPLICHTIGEN = RESIDENTS.format(
    key="kwalificatieplichtigen",
    where="""p.birth_date >= %(duty_from)s AND p.birth_date < %(lp_from)s
   AND NOT EXISTS (SELECT 1 FROM registry_diploma d
                    WHERE d.bsn = p.bsn AND d.startkwalificatie AND d.date <= %(day)s)""",
)
DEELNEMERS = RESIDENTS.format(
    key="deelnemers",
    where="""p.birth_date > %(born_23)s AND p.birth_date <= %(born_12)s
   AND EXISTS (SELECT 1 FROM registry_enrolment e
                WHERE e.bsn = p.bsn AND e.start <= %(day)s
                  AND (e."end" IS NULL OR e."end" >= %(day)s))""",
)

FACTS = """
WITH fact (id, case_id, day, key) AS (
    SELECT m.id, m.case_id, m.meldingsdatum, 'verzuimmeldingen.' || m.soort
      FROM cases_verzuimmelding m
     WHERE m.meldingsdatum BETWEEN %(start)s AND %(until)s AND m.case_id IS NOT NULL
  UNION ALL
    SELECT c.id, c.id, c.opened_on, k.key
      FROM cases_case c
     CROSS JOIN LATERAL (VALUES
           (CASE WHEN c.type = 'absoluut' THEN 'absoluut_verzuim' END),
           (CASE WHEN c.type = ANY(%(verzuim_types)s) THEN 'verzuimzaken' END),
           (CASE WHEN c.type = 'rmc' THEN 'rmc_trajecten' END)) AS k (key)
     WHERE c.opened_on BETWEEN %(start)s AND %(until)s AND k.key IS NOT NULL
  UNION ALL
    SELECT c.id, c.id, c.closed_on,
           CASE WHEN c.closing_reason = ANY(%(rmc_school)s) THEN 'rmc_naar_school'
                WHEN c.closing_reason = ANY(%(rmc_work)s) THEN 'rmc_naar_werk'
                ELSE 'rmc_overig' END
      FROM cases_case c
     WHERE c.type = 'rmc' AND c.closed_on BETWEEN %(start)s AND %(until)s
  UNION ALL
    SELECT h.id, h.case_id, h.opened_on, h.kind
      FROM cases_handhaving h
     WHERE h.opened_on BETWEEN %(start)s AND %(until)s AND h.kind IN ('halt', 'pv')
  UNION ALL
    SELECT l.id, l.case_id, l.decided_on, k.key
      FROM cases_leaverequest l
     CROSS JOIN LATERAL (VALUES
           ('verlof'),
           (CASE WHEN l.decision IN ('toegekend', 'deels') THEN 'verlof_toegekend'
                 WHEN l.decision = 'afgewezen' THEN 'verlof_afgewezen' END)) AS k (key)
     WHERE l.decider = 'lpa' AND l.decision <> ''
       AND l.decided_on BETWEEN %(start)s AND %(until)s AND k.key IS NOT NULL
), counted (id, g, key) AS (
    SELECT f.id, pp.municipality_id, f.key
      FROM fact f
      JOIN cases_case c ON c.id = f.case_id
      LEFT JOIN cases_principalperiod pp ON pp.case_id = f.case_id
       AND pp.start <= GREATEST(f.day, c.opened_on)
       AND (pp."end" IS NULL OR pp."end" > GREATEST(f.day, c.opened_on))
  UNION ALL
    SELECT x.id, x.municipality_id, 'vrijstellingen.' || x.ground
      FROM registry_exemption x
     WHERE x.decided_on BETWEEN %(start)s AND %(until)s
)
SELECT GROUPING(g), g, key,
       CASE WHEN GROUPING(g) = 1 THEN count(DISTINCT id) ELSE count(*) END
  FROM counted
 WHERE %(everywhere)s OR g = ANY(%(codes)s)
 GROUP BY GROUPING SETS ((g, key), (key))
UNION ALL
SELECT 1, NULL, 'verzuimmeldingen_niet_gekoppeld', count(*)
  FROM cases_verzuimmelding
 WHERE meldingsdatum BETWEEN %(start)s AND %(until)s AND case_id IS NULL
"""

THUISZITTERS = """
WITH spell AS (
    SELECT c.id AS case_id, c.person_id,
           GREATEST(%(start)s::date, c.opened_on,
                    CASE WHEN c.type IN ('absoluut', 'langdurig') THEN NULL
                         ELSE COALESCE(c.absent_since, c.opened_on) + %(weeks_days)s END)
               AS first,
           LEAST(%(until)s::date, c.closed_on) AS last,
           COALESCE(c.absent_since, c.opened_on) AS since
      FROM cases_case c
     WHERE c.type = ANY(%(thuiszitter_types)s) AND c.opened_on <= %(until)s
       AND (c.closed_on IS NULL OR c.closed_on >= %(start)s)
), youth AS (
    SELECT DISTINCT ON (person_id) case_id, first,
           bool_or((last - %(long)s::interval)::date >= since)
               OVER (PARTITION BY person_id) AS long
      FROM spell
     WHERE first <= last
     ORDER BY person_id, first, case_id
)
SELECT GROUPING(pp.municipality_id), pp.municipality_id, k.key, count(*)
  FROM youth y
  JOIN cases_principalperiod pp ON pp.case_id = y.case_id
   AND pp.start <= y.first AND (pp."end" IS NULL OR pp."end" > y.first)
 CROSS JOIN LATERAL (VALUES
       ('thuiszitters'),
       (CASE WHEN y.long THEN 'thuiszitters_lang' ELSE 'thuiszitters_kort' END)) AS k (key)
 WHERE pp.municipality_id = ANY(%(codes)s)
 GROUP BY GROUPING SETS ((pp.municipality_id, k.key), (k.key))
"""

VSV = """
WITH leaver AS (
    SELECT r.municipality_id AS g, v.bsn
      FROM cases_vsvmelding v
      JOIN registry_person p ON p.bsn = v.bsn
      JOIN registry_residence r ON r.person_id = p.id
       AND (r.start IS NULL OR r.start <= v.uitschrijvingsdatum)
       AND (r."end" IS NULL OR r."end" > v.uitschrijvingsdatum)
     WHERE v.uitschrijvingsdatum BETWEEN %(start)s AND %(until)s
       AND r.municipality_id = ANY(%(codes)s)
)
SELECT GROUPING(g), g, 'vsv', count(DISTINCT bsn)
  FROM leaver
 GROUP BY GROUPING SETS ((g), ())
"""

STATEMENTS = (
    ("leerplichtigen", LEERPLICHTIGEN),
    ("kwalificatieplichtigen", KWALIFICATIEPLICHTIGEN),
    ("deelnemers", DEELNEMERS),
    ("dated facts", FACTS),
    ("thuiszitters", THUISZITTERS),
    ("vsv", VSV),
)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def parameters(year, codes: list[str], until: dt.date, everywhere: bool = False) -> dict[str, Any]:
    """The constants of the definitions for `year` (a SchoolYear); `everywhere`:
    `codes` holds every municipality, and the region's own counts take every
    fact, also one without a municipality (as `count_year`)."""
    from rbl.law.status import duty_birth_range, leerplicht_birth_range
    from rbl.reporting import figures

    day = year.count_day
    lp, duty = leerplicht_birth_range(day), duty_birth_range(day)
    return {
        "codes": list(codes),
        "everywhere": everywhere,
        "day": day,
        "start": year.start,
        "until": min(year.end, until),
        "lp_from": lp.earliest,
        "lp_to": lp.latest,
        "duty_from": duty.earliest,
        "born_23": _years_before(day, 23),
        "born_12": _years_before(day, 12),
        "verzuim_types": [str(t) for t in figures.VERZUIM_TYPES],
        "rmc_school": [str(r) for r in figures.RMC_SCHOOL],
        "rmc_work": [str(r) for r in figures.RMC_WORK],
        "thuiszitter_types": ["absoluut", "relatief_16uur", "signaal", "overig", "langdurig"],
        "weeks_days": 7 * figures.THUISZITTER_WEEKS + 1,
        "long": f"{figures.THUISZITTER_LONG_MONTHS} months",
    }


def floor(
    conn, year, codes: list[str], until: dt.date, everywhere: bool = False
) -> tuple[dict[str, Any], list[float]]:
    """Runs the statements on `conn` (psycopg, autocommit, not prepared);
    returns the counts and the milliseconds of each statement."""
    from rbl.reporting.definitions import GRONDEN, SOORTEN

    params = parameters(year, codes, until, everywhere)
    per: dict[str, dict[str, Any]] = {
        c: {
            "verzuimmeldingen": {s: 0 for s, _ in SOORTEN},
            "vrijstellingen": {g: 0 for g, _ in GRONDEN},
        }
        for c in codes
    }
    region: dict[str, Any] = {
        "verzuimmeldingen": {s: 0 for s, _ in SOORTEN},
        "vrijstellingen": {g: 0 for g, _ in GRONDEN},
    }
    simple = [
        "leerplichtigen",
        "kwalificatieplichtigen",
        "deelnemers",
        "absoluut_verzuim",
        "verzuimzaken",
        "verzuimmeldingen_niet_gekoppeld",
        "halt",
        "pv",
        "verlof",
        "verlof_toegekend",
        "verlof_afgewezen",
        "thuiszitters",
        "thuiszitters_lang",
        "thuiszitters_kort",
        "vsv",
        "rmc_trajecten",
        "rmc_naar_school",
        "rmc_naar_werk",
        "rmc_overig",
    ]
    for values in [*per.values(), region]:
        values.update({k: 0 for k in simple})

    def put(target: dict[str, Any], key: str, n: int) -> None:
        if "." in key:
            name, sub = key.split(".", 1)
            target[name][sub] = n
        else:
            target[key] = n

    ms: list[float] = []
    with conn.cursor() as cur:
        for _, sql in STATEMENTS:
            started = time.perf_counter()
            cur.execute(sql, params)
            rows = cur.fetchall()
            ms.append((time.perf_counter() - started) * 1000)
            for whole, code, key, n in rows:
                if whole:
                    put(region, key, n)
                elif code in per:
                    put(per[code], key, n)
    for key in ("verzuimmeldingen_niet_gekoppeld",):
        for values in per.values():
            values.pop(key)
    return {"per": per, "region": region}, ms
