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

An import reconciles the persons it wrote (their `updated_at` is at or after the
moment it started); `sync_residences(day)` without `since` reconciles everyone,
e.g. after persons were changed some other way.
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
    with connection.cursor() as cursor, _settings(cursor, enable_nestloop="on"):
        if not Residence.objects.exists():
            result.opened = _first_fill(cursor, scope, params, unknown)
            return result
        _drop_scope(cursor)
        # The persons in scope with their open residence (if any), and the day it
        # is to end: on a move, where the new one will start (or when the person
        # left, if that came first); else on the day the person left.
        settled_later = (
            "w.settled_on IS NOT NULL AND (w.open_start IS NULL OR w.settled_on > w.open_start)"
        )
        new_start = _case(settled_later, "w.settled_on", "%s")
        moved_on = _not_before("w.open_start", _earlier("w.gone", new_start))
        close_at = (
            f"CASE WHEN w.open_id IS NULL THEN NULL "
            f"WHEN w.open_mun <> w.municipality_id THEN {moved_on} "
            f"WHEN w.gone IS NOT NULL THEN {_not_before('w.open_start', 'w.gone')} END"
        )
        # ... and for a person without one, the end of their last residence.
        last_end = 'SELECT MAX(c."end") FROM registry_residence c WHERE c.person_id = p.id'
        gone = _earliest("p.moved_out_on", "p.died_on", "p.aged_out_on")
        temp = f"TEMP TABLE {SCOPE}" + (" ON COMMIT DROP" if _pg() else "")
        scoped = _execute(
            cursor,
            f"CREATE {temp} AS SELECT w.*, {close_at} AS close_at FROM (SELECT p.id, "
            f"p.municipality_id, p.settled_on, {gone} AS gone, o.id AS open_id, "
            f"o.municipality_id AS open_mun, o.start AS open_start, "
            f"CASE WHEN o.id IS NULL THEN ({last_end}) END AS last_end "
            f"FROM registry_person p LEFT JOIN registry_residence o "
            f'ON o.person_id = p.id AND o."end" IS NULL WHERE {scope}) w',
            [day] * close_at.count("%s") + params,
        )
        if _pg():
            cursor.execute(f"ANALYZE {SCOPE}")
        with _lookups_only(cursor, scoped):
            result.closed = _execute(
                cursor,
                f'UPDATE registry_residence AS r SET "end" = w.close_at FROM {SCOPE} w '
                f"WHERE r.id = w.open_id AND w.close_at IS NOT NULL",
            )
        # No open residence (new, back, or just moved): a new one, from the settling
        # date when it is not before the end of the one before, else from the
        # peildatum. For a person who has left it is closed at once, and only made
        # when it covers a day and the history has not followed the person up to
        # their leaving already (idempotence).
        first = "m.settled_on" if unknown is None else "COALESCE(m.settled_on, %s)"
        start = (
            f"CASE WHEN m.last_end IS NULL THEN {first} "
            f"WHEN m.settled_on >= m.last_end THEN m.settled_on "
            f"WHEN %s > m.last_end THEN %s ELSE m.last_end END"
        )
        start_params = [unknown] if unknown is not None else []
        result.opened = _execute(
            cursor,
            f'INSERT INTO registry_residence (person_id, municipality_id, "start", "end") '
            f"SELECT n.id, n.municipality_id, n.start, n.gone FROM (SELECT m.id, "
            f"m.municipality_id, m.gone, {start} AS start FROM (SELECT w.id, w.municipality_id, "
            f"w.settled_on, w.gone, COALESCE(w.close_at, w.last_end) AS last_end "
            f"FROM {SCOPE} w WHERE w.open_id IS NULL OR w.open_mun <> w.municipality_id) m) n "
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

    # Memory for building the indexes and checking the foreign keys (PostgreSQL
    # runs that check with maintenance_work_mem as its work_mem), as the bulk
    # path gives its own first load (imports/bulk.py).
    with _settings(cursor, maintenance_work_mem="512MB"), indexes_built_after_load(Residence):
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


def _not_before(start: str, day: str) -> str:
    """`day`, or `start` when that is later (an end not before its start)."""
    return _case(f"{start} IS NOT NULL AND {day} < {start}", start, day)


def _earlier(gone: str, day: str) -> str:
    """`day`, or `gone` (a day the person left, or NULL) when that is earlier."""
    return _case(f"{gone} IS NOT NULL AND {gone} < {day}", gone, day)


def _earliest(*dates: str) -> str:
    """SQL for the earliest of nullable dates that are set (NULL when none is).
    PostgreSQL's LEAST skips NULLs; SQLite's min() returns NULL if any is NULL."""
    if _pg():
        return f"LEAST({', '.join(dates)})"
    rotations = [dates[i:] + dates[:i] for i in range(len(dates))]
    return "min(" + ", ".join(f"coalesce({', '.join(r)})" for r in rotations) + ")"


@contextmanager
def _settings(cursor: Any, **values: str) -> Iterator[None]:
    """PostgreSQL: planner settings for the block, then back to what they were.

    A big import turns nested loops off for its transaction (imports/stage.py);
    the reconciliation of the persons it changed wants them (index lookups of
    their residences). Not put back after an error: the transaction is rolled
    back then, and the settings with it."""
    if not _pg() or not values:
        yield
        return
    before = {}
    for name, value in values.items():
        cursor.execute("SELECT current_setting(%s)", [name])
        before[name] = cursor.fetchone()[0]
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    yield
    for name, value in before.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _lookups_only(cursor: Any, scoped: int) -> Any:
    """Settings for joining the persons in scope with all residences: index lookups
    when they are few (a twentieth of the residences or less). The planner would
    hash the whole table for a few thousand persons: at 1M residences and 20,000
    persons the UPDATE took twice as long that way (bench/RESULTS.md)."""
    if not _pg():
        return _settings(cursor)
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'registry_residence'::regclass")
    (residences,) = cursor.fetchone()
    if scoped * 20 > residences:
        return _settings(cursor)
    return _settings(cursor, enable_hashjoin="off", enable_mergejoin="off")
