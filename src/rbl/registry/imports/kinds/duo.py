"""The DUO files: inschrijvingen.csv, diplomas.csv, vrijstellingen.csv (formats.md).

Rows are upserts by key. Records for a BSN the registry does not hold yet are
stored anyway (DUO's timing makes that normal) and link up by BSN.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from rbl.registry.imports import bulk
from rbl.registry.imports import fields as f
from rbl.registry.imports.base import ImportContext, ImportKind, ImportResult, register
from rbl.registry.imports.stage import STAGE, Stage, distinct_from, indexes_built_after_load
from rbl.registry.models import Enrolment, ExemptionGround

# From this many rows a load into an empty table builds its indexes afterwards.
BULK_FIRST_LOAD = 20_000

SECTORS = ("PO", "SO", "VSO", "PRO", "VO", "MBO", "HO")


def upsert(
    stage: Stage,
    result: ImportResult,
    *,
    table: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
) -> None:
    """Update rows whose non-key values changed, insert new keys, count the rest
    as unchanged. `key` and `values` are column names shared by the staging
    table and `table`."""
    differs = distinct_from()
    on = " AND ".join(f"t.{k} = s.{k}" for k in key)
    changed = " OR ".join(f"t.{v} {differs} s.{v}" for v in values)
    result.updated += stage.execute(
        f"UPDATE {table} AS t SET {', '.join(f'{v} = s.{v}' for v in values)} "
        f"FROM {STAGE} AS s WHERE {on} AND ({changed})"
    )
    cols = key + values
    result.created += stage.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"SELECT {', '.join('s.' + c for c in cols)} FROM {STAGE} AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"
    )
    result.unchanged = stage.remaining() - result.created - result.updated


@register
class InschrijvingenImport(ImportKind):
    name = "inschrijvingen"
    label = "Inschrijvingen (DUO/BRON)"
    columns = (
        f.Column("bsn", f.bsn, required=True),
        f.Column("brin", f.brin, required=True),
        f.Column("vestiging", f.vestiging, default="00"),
        f.Column("sector", f.choice(SECTORS), required=True),
        f.Column("inschrijvingsdatum", f.date, required=True),
        f.Column("uitschrijvingsdatum", f.date),
        f.Column("reden_uitschrijving", f.text(200), default=""),
        f.Column("mutatie", f.choice(("V",)), default=""),
    )
    stage_columns = (
        ("bsn", "TEXT"),
        ("brin", "TEXT"),
        ("vestiging", "TEXT"),
        ("sector", "TEXT"),
        ("start", "DATE"),
        ('"end"', "DATE"),
        ("end_reason", "TEXT"),
        ("remove", "BOOLEAN"),
    )
    key = ("bsn", "brin", "vestiging", "start")

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        end = row["uitschrijvingsdatum"]
        if end is not None and end < row["inschrijvingsdatum"]:
            return [("uitschrijvingsdatum", "uitschrijvingsdatum ligt voor de inschrijvingsdatum")]
        return []

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (
            row["bsn"],
            row["brin"],
            row["vestiging"],
            row["sector"],
            row["inschrijvingsdatum"],
            row["uitschrijvingsdatum"],
            row["reden_uitschrijving"],
            row["mutatie"] == "V",
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        # Unknown schools become placeholders, flagged for the data-quality report.
        stage.execute(
            f"INSERT INTO organisation_school (brin, vestiging, name, sector, municipality_code, "
            f"placeholder) SELECT DISTINCT s.brin, s.vestiging, 'Onbekende school', '', '', TRUE "
            f"FROM {STAGE} AS s WHERE NOT EXISTS (SELECT 1 FROM organisation_school sc "
            f"WHERE sc.brin = s.brin AND sc.vestiging = s.vestiging)"
        )
        if stage.count >= BULK_FIRST_LOAD and not Enrolment.objects.exists():
            # First load into an empty table: nothing to delete, update or match;
            # one INSERT, with the unique key built once afterwards.
            with indexes_built_after_load(Enrolment):
                result.created = stage.execute(
                    f'INSERT INTO registry_enrolment (bsn, brin, vestiging, sector, start, "end", '
                    f"end_reason, school_id) "
                    f'SELECT s.bsn, s.brin, s.vestiging, s.sector, s.start, s."end", s.end_reason, sc.id '
                    f"FROM {STAGE} AS s JOIN organisation_school sc "
                    f"ON sc.brin = s.brin AND sc.vestiging = s.vestiging "
                    f"WHERE NOT s.remove"
                )
        else:
            result.deleted = stage.execute(
                f"DELETE FROM registry_enrolment WHERE EXISTS (SELECT 1 FROM {STAGE} AS s "
                f"WHERE s.remove AND s.bsn = registry_enrolment.bsn "
                f"AND s.brin = registry_enrolment.brin "
                f"AND s.vestiging = registry_enrolment.vestiging "
                f"AND s.start = registry_enrolment.start)"
            )
            differs = distinct_from()
            on = " AND ".join(f"t.{k} = s.{k}" for k in self.key)
            values = ("sector", '"end"', "end_reason")
            changed = " OR ".join(f"t.{v} {differs} s.{v}" for v in values)
            result.updated = stage.execute(
                f"UPDATE registry_enrolment AS t SET {', '.join(f'{v} = s.{v}' for v in values)} "
                f"FROM {STAGE} AS s WHERE {on} AND NOT s.remove AND ({changed})"
            )
            result.created = stage.execute(
                f'INSERT INTO registry_enrolment (bsn, brin, vestiging, sector, start, "end", '
                f"end_reason, school_id) "
                f'SELECT s.bsn, s.brin, s.vestiging, s.sector, s.start, s."end", s.end_reason, sc.id '
                f"FROM {STAGE} AS s JOIN organisation_school sc "
                f"ON sc.brin = s.brin AND sc.vestiging = s.vestiging "
                f"WHERE NOT s.remove AND NOT EXISTS (SELECT 1 FROM registry_enrolment t WHERE {on})"
            )
        result.unchanged = stage.remaining() - result.created - result.updated - result.deleted

    def bulk_lines(self) -> bool:
        """A re-load reads whole lines (bulk.Raw); a load into an empty table, cells."""
        return Enrolment.objects.exists()

    def bulk_apply(self, raw: bulk.Raw, ctx: ImportContext, result: ImportResult) -> None:
        """The merge of `apply`, on the raw text table (see bulk.py)."""
        col = {c.name: c for c in self.columns}

        def value(name: str, alias: str = "s") -> str:
            return bulk.cell_value(col[name], raw.x(name, alias))

        start, end = raw.x("inschrijvingsdatum"), raw.x("uitschrijvingsdatum")
        valid = (
            f"{bulk.all_valid(self.columns, raw)} AND ({end} = '' OR {bulk.binary(end)} >= {start})"
        )
        remove = f"({value('mutatie')} = 'V')"
        brin, vestiging = value("brin"), value("vestiging")
        values = (
            f"{value('bsn')}, {brin}, {vestiging}, {value('sector')}, {value('inschrijvingsdatum')}, "
            f"{value('uitschrijvingsdatum')}, {value('reden_uitschrijving')}"
        )
        insert = (
            'INSERT INTO registry_enrolment (bsn, brin, vestiging, sector, start, "end", '
            f"end_reason, school_id, source_digest) SELECT {values}, sc.id, {raw.digest('s')} "
            f"FROM {{source}} s JOIN organisation_school sc ON sc.brin = {brin} "
            f"AND sc.vestiging = {vestiging} WHERE NOT {remove}{{more}}"
        )
        # The distinct raw (brin, vestiging) pairs first: a few thousand, checked and
        # looked up once each rather than once per row. OFFSET 0 keeps the checks out
        # of the grouping on PostgreSQL: pushed into it, their selectivity made the planner sort
        # the whole file in text order (national: 6.6 s against 0.6 s).
        placeholders = (
            "INSERT INTO organisation_school (brin, vestiging, name, sector, municipality_code, "
            f"placeholder) SELECT DISTINCT {brin}, {vestiging}, 'Onbekende school', '', '', TRUE "
            f"FROM (SELECT {raw.x('brin')}, {raw.x('vestiging')} FROM {{source}} s GROUP BY 1, 2"
            f"{' OFFSET 0' if connection.vendor == 'postgresql' else ''}) s "
            f"WHERE {bulk.cell_valid(col['brin'], raw.x('brin'))} "
            f"AND {bulk.cell_valid(col['vestiging'], raw.x('vestiging'))} "
            f"AND NOT EXISTS (SELECT 1 FROM organisation_school sc "
            f"WHERE sc.brin = {brin} AND sc.vestiging = {vestiging})"
        )

        def key_of(alias: str) -> list[str]:
            return [
                value("bsn", alias),
                value("brin", alias),
                value("vestiging", alias),
                raw.x("inschrijvingsdatum", alias),
            ]

        key = ", ".join(key_of("s"))
        if not raw.lines and raw.rows >= BULK_FIRST_LOAD and not Enrolment.objects.exists():
            # The rows to insert are checked by the INSERT itself: fewer rows inserted
            # than the file's valid removals leave means a bad row (declined, and rolled
            # back with the placeholders). A key twice fails the unique key's rebuild.
            removals, bad_removals = bulk.fetchall(
                f"SELECT COUNT(*) FILTER (WHERE {remove}), "
                f"COUNT(*) FILTER (WHERE {remove} AND NOT ({valid})) FROM {bulk.RAW} s"
            )[0]
            # A key twice: on SQLite the unique key inside the table refuses it during
            # the insert (in process, no server log).
            if bad_removals or (connection.vendor == "postgresql" and bulk.duplicate_key(key)):
                raise bulk.Declined
            bulk.execute(placeholders.format(source=bulk.RAW))
            with indexes_built_after_load(Enrolment):
                result.created = bulk.execute(
                    insert.format(source=bulk.RAW, more=f" AND {valid}") + bulk.key_order(key)
                )
                if result.created != raw.rows - removals:
                    raise bulk.Declined
            result.unchanged = raw.rows - result.created
            return

        x = raw.x
        same = " AND ".join(
            [
                bulk.cell_same(col["sector"], x("sector"), "e.sector"),
                bulk.cell_same(col["uitschrijvingsdatum"], x("uitschrijvingsdatum"), 'e."end"'),
                bulk.cell_same(
                    col["reden_uitschrijving"], x("reden_uitschrijving"), "e.end_reason"
                ),
                bulk.cell_same(col["brin"], x("brin"), "e.brin"),
                bulk.cell_valid(col["mutatie"], x("mutatie")),
            ]
        )
        # Matching the stored key (in text form) proves the key cells valid.
        on = (
            f"e.bsn = {x('bsn')} AND e.brin = {brin} AND e.vestiging = {vestiging} "
            f"AND {bulk.as_text('e.start')} = {start}"
        )
        if raw.lines:
            # PostgreSQL re-load: lines equal to the one their enrolment came from are
            # unchanged (digest.py); the others are split and looked at as below.
            bulk.unmatched_lines(raw, "registry_enrolment")
            bulk.temp_table_as(
                bulk.DIFF,
                f"SELECT s.*, e.id AS eid, (e.id IS NOT NULL AND NOT {remove} AND {same}) "
                f"AS unchanged FROM {bulk.split_lines(raw)} LEFT JOIN registry_enrolment e ON {on}",
            )
            if bulk.found_twice("s.eid") or bulk.duplicate_key(key, bulk.DIFF):
                raise bulk.Declined  # a key twice in the file: the Python path reports it
            bulk.analyzed(bulk.DIFF, raw, "registry_enrolment")
            # Split lines whose enrolment holds the same values (an empty digest, or
            # another header): unchanged, they only get their digest.
            bulk.execute(
                f"UPDATE registry_enrolment AS e SET source_digest = {raw.digest('s')} "
                f"FROM {bulk.DIFF} s WHERE e.id = s.eid AND s.unchanged"
            )
            bulk.execute(f"DELETE FROM {bulk.DIFF} WHERE unchanged")
        else:
            if connection.vendor == "postgresql":
                twice = bulk.duplicate_key(key)
            else:
                # The file in key order (bulk.sort_raw): a key twice is two
                # neighbours, and the join below walks the unique key front to back.
                bulk.sort_raw(key)
                twice = bulk.neighbours_share_key(key_of)
            if twice:
                raise bulk.Declined  # a key twice in the file: the Python path reports it
            bulk.temp_table_as(
                bulk.DIFF,
                f"SELECT s.*, e.id AS eid FROM {bulk.RAW} s LEFT JOIN registry_enrolment e "
                f"ON {on} WHERE e.id IS NULL OR {remove} OR NOT ({same})",
            )
        if bulk.fetchall(f"SELECT 1 FROM {bulk.DIFF} s WHERE NOT ({valid}) LIMIT 1"):
            raise bulk.Declined
        bulk.execute(placeholders.format(source=bulk.DIFF))
        result.deleted = bulk.execute(
            f"DELETE FROM registry_enrolment WHERE id IN "
            f"(SELECT s.eid FROM {bulk.DIFF} s WHERE {remove})"
        )
        result.updated = bulk.execute(
            f'UPDATE registry_enrolment AS e SET sector = {value("sector")}, "end" = '
            f"{value('uitschrijvingsdatum')}, end_reason = {value('reden_uitschrijving')}, "
            f"source_digest = {raw.digest('s')} "
            f"FROM {bulk.DIFF} s WHERE e.id = s.eid AND NOT {remove}"
        )
        result.created = bulk.execute(insert.format(source=bulk.DIFF, more=" AND s.eid IS NULL"))
        result.unchanged = raw.rows - result.created - result.updated - result.deleted


@register
class DiplomasImport(ImportKind):
    name = "diplomas"
    label = "Diploma's (DUO)"
    columns = (
        f.Column("bsn", f.bsn, required=True),
        f.Column("diplomadatum", f.date, required=True),
        f.Column("startkwalificatie", f.yes_no, required=True),
        f.Column("opleiding", f.text(200), default=""),
        f.Column("niveau", f.text(20), default=""),
    )
    stage_columns = (
        ("bsn", "TEXT"),
        ("date", "DATE"),
        ("programme", "TEXT"),
        ("level", "TEXT"),
        ("startkwalificatie", "BOOLEAN"),
    )
    key = ("bsn", "date", "programme")

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (
            row["bsn"],
            row["diplomadatum"],
            row["opleiding"],
            row["niveau"],
            row["startkwalificatie"],
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        upsert(
            stage,
            result,
            table="registry_diploma",
            key=self.key,
            values=("level", "startkwalificatie"),
        )


@register
class VrijstellingenImport(ImportKind):
    name = "vrijstellingen"
    label = "Vrijstellingen (bij de start van de regio)"
    columns = (
        f.Column("bsn", f.bsn, required=True),
        f.Column("gemeentecode", f.gemeentecode, required=True),
        f.Column("grond", f.choice(tuple(ExemptionGround.values), upper=False), required=True),
        f.Column("ingangsdatum", f.date, required=True),
        f.Column("einddatum", f.date),
        f.Column("besluitdatum", f.date, required=True),
    )
    stage_columns = (
        ("bsn", "TEXT"),
        ("municipality_id", "TEXT"),
        ("ground", "TEXT"),
        ("start", "DATE"),
        ('"end"', "DATE"),
        ("decided_on", "DATE"),
    )
    key = ("bsn", "ground", "start")

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        problems = []
        if row["gemeentecode"] not in ctx.region_codes:
            problems.append(("gemeentecode", "gemeente hoort niet bij de regio"))
        elif refusal := ctx.administration_problem(row["gemeentecode"]):
            problems.append(("gemeentecode", refusal))
        end = row["einddatum"]
        if end is not None and end < row["ingangsdatum"]:
            problems.append(("einddatum", "einddatum ligt voor de ingangsdatum"))
        return problems

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return (
            row["bsn"],
            row["gemeentecode"],
            row["grond"],
            row["ingangsdatum"],
            row["einddatum"],
            row["besluitdatum"],
        )

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        upsert(
            stage,
            result,
            table="registry_exemption",
            key=self.key,
            values=("municipality_id", '"end"', "decided_on"),
        )
