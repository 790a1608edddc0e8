"""The residence history: where each person lived in the region, from when to
when (`Residence`), so that figures for a past day ("leerplichtigen on
1 October", art. 25 Leerplichtwet) come out the same whenever they are made.

The BRP imports keep it: at the end of every full extract and every file of
mutations, inside the import's transaction, `sync_residences` reconciles the
history with the persons' current registration, in a few set-based statements.
A second import of the same file changes nothing.

- A person whose municipality differs from their open residence: the open one
  is closed and a new one opened on the same day (periods are half-open,
  [start, end), so no day is in both).
- A person who moved out of the region, died or aged out (`moved_out_on`,
  `died_on`, `aged_out_on`: the earliest of them) gets the open one closed on
  that day.
- A person who comes back (or appears for the first time) gets a new one.

The new residence starts on the person's `settled_on` (datum vestiging) when it
is known and not before the residence before it, else on the import's peildatum
(never before the end of the residence before it). A person the history has
never seen and whose settling date is unknown starts on the peildatum too, or
with an open start ("from before the history began") while the history has not
begun: until the first full extract that kept it (`history_starts_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

from rbl.registry.models import ImportLog, ImportOutcome, Person, Residence

#: The key of the import log's options that marks an import that kept the history.
LOG_OPTION = "woonhistorie"
SCOPE = "rbl_residence_scope"
# From this many persons a first fill of an empty history builds its indexes afterwards.
BIG_FIRST_FILL = 20_000


@dataclass
class ResidenceSync:
    """What one reconciliation changed: residences opened (a new row, already
    closed when the person left again) and open residences closed."""

    opened: int = 0
    closed: int = 0


def history_starts_on() -> dt.date | None:
    """The first day the residence history is complete for: the peildatum of the
    first BRP full extract that kept it (recorded in the import log), or None.
    Figures for days before it count persons by incomplete data."""
    options = (
        ImportLog.objects.filter(
            kind="brp",
            outcome__in=[ImportOutcome.APPLIED, ImportOutcome.PARTIAL],
            **{f"options__{LOG_OPTION}": True},
        )
        .order_by("started_at", "pk")
        .values_list("options", flat=True)
        .first()
    )
    return dt.date.fromisoformat(options["peildatum"]) if options else None


def sync_residences(day: dt.date, *, since: dt.datetime | None = None) -> ResidenceSync:
    """Reconcile the residence history with the persons' current registration
    (module docstring), for the persons written at or after `since` (an import
    passes the moment it started: every person it creates or changes gets that
    `updated_at` or later), or for all persons. `day` is the import's peildatum.
    Idempotent; run it inside the transaction that changed the persons."""
    unknown = day if history_starts_on() is not None else None
    scope, params = ("p.updated_at >= %s", [_moment(since)]) if since else ("TRUE", [])
    result = ResidenceSync()
    with connection.cursor() as cursor, _planner_for_lookups():
        if not Residence.objects.exists():
            result.opened = _first_fill(cursor, scope, params, unknown)
            return result
        _drop_scope(cursor)
        gone = _earliest("p.moved_out_on", "p.died_on", "p.aged_out_on")
        temp = "TEMP TABLE" + (" " + SCOPE + " ON COMMIT DROP" if _pg() else " " + SCOPE)
        cursor.execute(
            f"CREATE {temp} AS SELECT p.id, p.municipality_id, p.settled_on, {gone} AS gone "
            f"FROM registry_person p WHERE {scope}",
            params,
        )
        if _pg():
            cursor.execute(f"ANALYZE {SCOPE}")
        # 1. A move: the open residence in another municipality ends where the new
        #    one will start (or when the person left, if that came first).
        new_start = _case(
            "s.settled_on IS NOT NULL AND (r.start IS NULL OR s.settled_on > r.start)",
            "s.settled_on",
            "%s",
        )
        end = _case("s.gone IS NOT NULL AND s.gone < {e}", "s.gone", "{e}").format(e=new_start)
        end = _not_before_start(end)
        result.closed = _execute(
            cursor,
            f'UPDATE registry_residence AS r SET "end" = {end} FROM {SCOPE} s '
            f'WHERE r.person_id = s.id AND r."end" IS NULL '
            f"AND r.municipality_id <> s.municipality_id",
            [day] * end.count("%s"),
        )
        # 2. Moved out, died or aged out: the open residence ends that day.
        result.closed += _execute(
            cursor,
            f'UPDATE registry_residence AS r SET "end" = {_not_before_start("s.gone")} '
            f'FROM {SCOPE} s WHERE r.person_id = s.id AND r."end" IS NULL '
            f"AND s.gone IS NOT NULL",
        )
        # 3. No open residence (new, back, or just moved): a new one, from the
        #    settling date when it is not before the end of the one before, else
        #    from the peildatum. For a person who has left it is closed at once, and
        #    only made when it covers a day and the history has not followed the
        #    person up to their leaving already (idempotence).
        first = "s.settled_on" if unknown is None else "COALESCE(s.settled_on, %s)"
        start = (
            f"CASE WHEN l.last_end IS NULL THEN {first} "
            f"WHEN s.settled_on >= l.last_end THEN s.settled_on "
            f"WHEN %s > l.last_end THEN %s ELSE l.last_end END"
        )
        start_params = [unknown] if unknown is not None else []
        result.opened = _execute(
            cursor,
            f'INSERT INTO registry_residence (person_id, municipality_id, "start", "end") '
            f"SELECT n.id, n.municipality_id, n.start, n.gone FROM ("
            f"SELECT s.id, s.municipality_id, s.gone, {start} AS start FROM {SCOPE} s "
            f'LEFT JOIN (SELECT c.person_id, MAX(c."end") AS last_end FROM registry_residence c '
            f"WHERE c.person_id IN (SELECT id FROM {SCOPE}) GROUP BY c.person_id) l "
            f"ON l.person_id = s.id WHERE NOT EXISTS (SELECT 1 FROM registry_residence o "
            f'WHERE o.person_id = s.id AND o."end" IS NULL)) n '
            f"WHERE n.gone IS NULL OR ((n.start IS NULL OR n.start < n.gone) "
            f"AND NOT EXISTS (SELECT 1 FROM registry_residence c "
            f'WHERE c.person_id = n.id AND c."end" >= n.gone))',
            [*start_params, day, day],
        )
        _drop_scope(cursor)
    return result


def _first_fill(cursor: Any, scope: str, params: list[Any], unknown: dt.date | None) -> int:
    """An empty history (the first import): one residence per person in scope, from
    the settling date (else `unknown`), closed when the person has left."""
    gone = _earliest("p.moved_out_on", "p.died_on", "p.aged_out_on")
    start = "p.settled_on" if unknown is None else "COALESCE(p.settled_on, %s)"
    start_params = [unknown] if unknown is not None else []
    sql = (
        f'INSERT INTO registry_residence (person_id, municipality_id, "start", "end") '
        f"SELECT n.id, n.municipality_id, n.start, n.gone FROM (SELECT p.id, "
        f"p.municipality_id, {start} AS start, {gone} AS gone FROM registry_person p "
        f"WHERE {scope}) n WHERE n.gone IS NULL OR n.start IS NULL OR n.start < n.gone"
    )
    if Person.objects.count() < BIG_FIRST_FILL:
        return _execute(cursor, sql, [*start_params, *params])
    from rbl.registry.imports.stage import indexes_built_after_load

    with indexes_built_after_load(Residence):
        return _execute(cursor, sql, [*start_params, *params])


def _execute(cursor: Any, sql: str, params: Sequence[Any] = ()) -> int:
    cursor.execute(sql, params)
    return cursor.rowcount


def _drop_scope(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {'' if _pg() else 'temp.'}{SCOPE}")


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _moment(since: dt.datetime) -> Any:
    """`since` as the ORM stores it: on SQLite a text that compares correctly with
    both the ORM's and raw SQL's way of writing a moment."""
    return connection.ops.adapt_datetimefield_value(since)


def _case(test: str, then: str, otherwise: str) -> str:
    return f"(CASE WHEN {test} THEN {then} ELSE {otherwise} END)"


def _not_before_start(end: str) -> str:
    """An end for the residence r that is not before its start."""
    return _case(f"r.start IS NOT NULL AND {end} < r.start", "r.start", end)


def _earliest(*dates: str) -> str:
    """SQL for the earliest of nullable dates that are set (NULL when none is).
    PostgreSQL's LEAST skips NULLs; SQLite's min() returns NULL if any is NULL."""
    if _pg():
        return f"LEAST({', '.join(dates)})"
    rotations = [dates[i:] + dates[:i] for i in range(len(dates))]
    return "min(" + ", ".join(f"coalesce({', '.join(r)})" for r in rotations) + ")"


@contextmanager
def _planner_for_lookups() -> Iterator[None]:
    """PostgreSQL: a big import turns nested loops off for its transaction
    (imports/stage.py); the reconciliation of a few persons wants them (index
    lookups of their residences). The setting is put back afterwards."""
    if not _pg():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop')")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")
        # Not in a `finally`: after an error the transaction is rolled back, the
        # setting with it, and a statement here would only hide the error.
        yield
        cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [before])
