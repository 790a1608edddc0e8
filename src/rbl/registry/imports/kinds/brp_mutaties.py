"""brp_mutaties.csv — the daily changes from the BRP (formats.md).

Key: bsn + mutatiedatum + mutatie. Applied in file order:
I = new person or changed data, V = moved out of `gemeentecode` (or emigrated),
O = died. A mutation dated before the last one applied to the person is stale.
A move inside the region arrives as V (old) and I (new): one record, one history.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import connection

from rbl.registry.imports import fields as f
from rbl.registry.imports.base import ImportContext, ImportKind, ImportResult, register
from rbl.registry.imports.kinds.brp import (
    PERSON_COLUMNS,
    PERSON_FIELDS,
    check_person_row,
    keep_residences,
)
from rbl.registry.imports.stage import STAGE, Stage
from rbl.registry.models import Person

_CHUNK = 2000
_PERSON_ATTRS = [col for _, col, _ in PERSON_FIELDS]
_REQUIRED_FOR_I = ("geslachtsnaam", "geboortedatum", "gemeentecode")


@register
class BrpMutatiesImport(ImportKind):
    name = "brp-mutaties"
    label = "BRP-mutaties (dagelijks)"
    columns = tuple(dataclasses.replace(c, required=c.name == "bsn") for c in PERSON_COLUMNS) + (
        f.Column("mutatie", f.choice(("I", "V", "O")), required=True),
        f.Column("mutatiedatum", f.date, required=True),
    )
    stage_columns = tuple((col, typ) for _, col, typ in PERSON_FIELDS) + (
        ("mutatie", "TEXT"),
        ("mutatiedatum", "DATE"),
    )
    key = ("bsn", "mutatiedatum", "mutatie")

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        kind = row["mutatie"]
        needed = _REQUIRED_FOR_I if kind == "I" else ("gemeentecode",) if kind == "V" else ()
        missing = [(name, "verplicht veld is leeg") for name in needed if row[name] in (None, "")]
        if missing:
            return missing
        if kind == "O":
            return []
        problems = [p for p in check_person_row(row, ctx) if kind == "I" or p[0] == "gemeentecode"]
        return problems

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[name] for name, _, _ in PERSON_FIELDS) + (
            row["mutatie"],
            row["mutatiedatum"],
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        names = [n for n, _ in self.stage_columns]
        last_line = 0
        while True:
            rows = stage.fetchall(
                f"SELECT line, {', '.join(names)} FROM {STAGE} WHERE line > %s "
                f"ORDER BY line LIMIT {_CHUNK}",
                [last_line],
            )
            if not rows:
                return
            last_line = rows[-1][0]
            records = [dict(zip(names, r[1:], strict=True)) for r in rows]
            self._apply_chunk(records, ctx, result)

    def finish(self, ctx: ImportContext, result: ImportResult) -> None:
        keep_residences(ctx, result)

    def _apply_chunk(
        self, records: list[dict[str, Any]], ctx: ImportContext, result: ImportResult
    ) -> None:
        people = {p.bsn: p for p in Person.objects.filter(bsn__in={r["bsn"] for r in records})}
        new: dict[str, Person] = {}
        dirty: dict[str, Person] = {}
        for rec in records:
            for date_field in ("birth_date", "settled_on", "died_on", "mutatiedatum"):
                rec[date_field] = _as_date(rec[date_field])
            rec["secret"] = bool(rec["secret"])
            bsn = rec["bsn"]
            person = people.get(bsn) or new.get(bsn)
            when = rec["mutatiedatum"]
            if person is not None and person.last_mutation_on and when < person.last_mutation_on:
                result.stale += 1
                continue
            if person is None:
                if rec["mutatie"] != "I":
                    result.unchanged += 1
                    continue
                person = Person(**{a: rec[a] for a in _PERSON_ATTRS}, last_mutation_on=when)
                new[bsn] = person
                result.created += 1
                continue
            changed = self._mutate(person, rec)
            if person.last_mutation_on != when:
                person.last_mutation_on = when
                dirty[bsn] = person
            if changed:
                dirty[bsn] = person
                result.updated += 1
            else:
                result.unchanged += 1
        if new:
            Person.objects.bulk_create(new.values())
        stored = [p for b, p in dirty.items() if b not in new]
        if stored:
            # One parameterised UPDATE per person (executemany): Django's bulk_update
            # builds a CASE expression per field that grows with the batch.
            fields = [*_PERSON_ATTRS[1:], "moved_out_on", "aged_out_on", "last_mutation_on"]
            assignments = ", ".join(f"{name} = %s" for name in fields)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE registry_person SET {assignments}, updated_at = %s WHERE id = %s",
                    [
                        (*(_db_value(getattr(p, name)) for name in fields), ctx.now, p.pk)
                        for p in stored
                    ],
                )

    @staticmethod
    def _mutate(person: Person, rec: dict[str, Any]) -> bool:
        kind = rec["mutatie"]
        if kind == "I":
            values = {a: rec[a] for a in _PERSON_ATTRS[1:]}
            values["moved_out_on"] = None
            values["aged_out_on"] = None
        elif kind == "V":
            if person.municipality_id != rec["municipality_id"] or person.moved_out_on:
                return False  # already moved on: the V of the old municipality came late
            values = {"moved_out_on": rec["mutatiedatum"]}
        else:
            values = {"died_on": rec["died_on"] or rec["mutatiedatum"]}
        changed = False
        for attr, value in values.items():
            if getattr(person, attr) != value:
                setattr(person, attr, value)
                changed = True
        return changed


def _db_value(value: Any) -> Any:
    """Dates as ISO text for SQLite's driver; everything else as is."""
    if connection.vendor == "sqlite" and hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _as_date(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value
