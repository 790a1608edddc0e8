"""brp.csv — the full extract of the residents aged 0–23 of one or more
municipalities (formats.md). Key: bsn.

The file is the complete list on the peildatum: persons held as residents of
the covered municipalities but absent from the file moved out (or, from 24,
aged out). A person who appears in another municipality keeps one record.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from django.db import connection

from rbl.registry.imports import bulk
from rbl.registry.imports import fields as f
from rbl.registry.imports.base import (
    ImportContext,
    ImportKind,
    ImportResult,
    Rejected,
    register,
)
from rbl.registry.imports.departures import ACCEPT_DEPARTURES, check_departures, departures
from rbl.registry.imports.reader import FileProblem
from rbl.registry.imports.stage import STAGE, Stage, distinct_from, indexes_built_after_load
from rbl.registry.models import Person
from rbl.registry.residence import LOG_OPTION, sync_residences

PERSON_COLUMNS: tuple[f.Column, ...] = (
    f.Column("bsn", f.bsn, required=True),
    f.Column("geslachtsnaam", f.name(200), required=True),
    f.Column("voorvoegsel", f.name(20), default=""),
    f.Column("voornamen", f.name(200), default=""),
    f.Column("geboortedatum", f.date, required=True),
    f.Column("geslacht", f.choice(("M", "V", "O")), default=""),
    f.Column("gemeentecode", f.gemeentecode, required=True),
    f.Column("straat", f.text(200), default=""),
    f.Column("huisnummer", f.text(10), default=""),
    f.Column("huisletter", f.text(5), default=""),
    f.Column("huisnummertoevoeging", f.text(10), default=""),
    f.Column("postcode", f.text(7), default=""),
    f.Column("woonplaats", f.text(100), default=""),
    f.Column("datum_vestiging", f.date),
    f.Column("datum_overlijden", f.date),
    f.Column("geheim", f.yes_no, default=False),
    f.Column("ouder1_bsn", f.bsn, default=""),
    f.Column("ouder1_naam", f.name(200), default=""),
    f.Column("ouder2_bsn", f.bsn, default=""),
    f.Column("ouder2_naam", f.name(200), default=""),
)

# file column -> registry_person column, in staging order
PERSON_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("bsn", "bsn", "TEXT"),
    ("geslachtsnaam", "surname", "TEXT"),
    ("voorvoegsel", "prefix", "TEXT"),
    ("voornamen", "given_names", "TEXT"),
    ("geboortedatum", "birth_date", "DATE"),
    ("geslacht", "gender", "TEXT"),
    ("gemeentecode", "municipality_id", "TEXT"),
    ("straat", "street", "TEXT"),
    ("huisnummer", "house_number", "TEXT"),
    ("huisletter", "house_letter", "TEXT"),
    ("huisnummertoevoeging", "house_number_suffix", "TEXT"),
    ("postcode", "postcode", "TEXT"),
    ("woonplaats", "city", "TEXT"),
    ("datum_vestiging", "settled_on", "DATE"),
    ("datum_overlijden", "died_on", "DATE"),
    ("geheim", "secret", "BOOLEAN"),
    ("ouder1_bsn", "parent1_bsn", "TEXT"),
    ("ouder1_naam", "parent1_name", "TEXT"),
    ("ouder2_bsn", "parent2_bsn", "TEXT"),
    ("ouder2_naam", "parent2_name", "TEXT"),
)


_PERSON_VALUES = operator.itemgetter(*(name for name, _, _ in PERSON_FIELDS))


def check_person_row(row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    code = row.get("gemeentecode")
    if code is not None:
        if code not in ctx.region_codes:
            problems.append(("gemeentecode", "gemeente hoort niet bij de regio"))
        elif refusal := ctx.administration_problem(code):
            problems.append(("gemeentecode", refusal))
        elif ctx.municipalities and code not in ctx.municipalities:
            problems.append(("gemeentecode", "gemeente valt buiten de opgegeven --gemeente"))
    birth = row.get("geboortedatum")
    if birth is not None and birth > ctx.peildatum:
        problems.append(("geboortedatum", "geboortedatum ligt na de peildatum"))
    died = row.get("datum_overlijden")
    if died is not None and birth is not None and died < birth:
        problems.append(("datum_overlijden", "datum overlijden ligt voor de geboortedatum"))
    return problems


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year - years, day=28)


def keep_residences(ctx: ImportContext, result: ImportResult) -> None:
    """The end of every BRP import: the residence history follows the persons it
    changed (registry/residence.py), and the import log says it did."""
    ctx.log_options[LOG_OPTION] = True
    if result.created or result.updated or result.moved_out or result.aged_out:
        sync_residences(ctx.peildatum, since=ctx.now)


def mark_absent(
    execute: Callable[..., int],
    ctx: ImportContext,
    result: ImportResult,
    covered: list[str],
    *,
    absent: str,
    source: str = "",
) -> None:
    """Residents of the covered municipalities that the full extract lacks (`absent`,
    over registry_person p and the table `source`, alias s) moved out, or aged out
    from 24. An empty extract, or departures beyond the limits, are refused
    unless accepted (`check_departures`)."""
    accepted = bool(ctx.extra.get(ACCEPT_DEPARTURES))
    if accepted:
        ctx.log_options[ACCEPT_DEPARTURES] = True
    if result.rows - result.rejected <= 0 and not accepted:
        result.departures = departures(covered, None, source)
        result.add_error(
            1,
            "",
            "",
            "het BRP-extract bevat geen personen; een leeg extract zou alle inwoners "
            "als vertrokken markeren. Bevestig het vertrek als dit klopt",
        )
        raise Rejected
    if not covered:
        return
    marks = ", ".join(["%s"] * len(covered))
    gone = (
        f"{absent} AND p.municipality_id IN ({marks}) AND p.moved_out_on IS NULL "
        f"AND p.aged_out_on IS NULL AND p.died_on IS NULL"
    )
    cutoff = years_before(ctx.peildatum, 24)
    if not accepted:
        check_departures(result, covered, gone, cutoff, source)
    joined = f" FROM {source}" if source else ""
    for field, test in (("aged_out", "<="), ("moved_out", ">")):
        count = execute(
            f"UPDATE registry_person AS p SET {field}_on = %s, updated_at = %s{joined} "
            f"WHERE {gone} AND p.birth_date {test} %s",
            [ctx.peildatum, ctx.now, *covered, cutoff],
        )
        setattr(result, field, count)


# From this many rows a load into an empty registry builds its indexes afterwards.
BULK_FIRST_LOAD = 20_000


@register
class BrpImport(ImportKind):
    name = "brp"
    label = "BRP-extract (volledig)"
    columns = PERSON_COLUMNS
    stage_columns = tuple((col, typ) for _, col, typ in PERSON_FIELDS)
    key = ("bsn",)

    def prepare(self, ctx: ImportContext) -> None:
        for code in ctx.municipalities or []:
            if code not in ctx.region_codes:
                raise FileProblem(1, f"gemeente {code} hoort niet bij de regio", "--gemeente")
            if refusal := ctx.administration_problem(code):
                raise FileProblem(1, refusal, "--gemeente")
        ctx.extra["seen_codes"] = set()

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        problems = check_person_row(row, ctx)
        if not problems:
            ctx.extra["seen_codes"].add(row["gemeentecode"])
        return problems

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return _PERSON_VALUES(row)

    def bulk_lines(self) -> bool:
        """A re-load reads whole lines (bulk.Raw); a load into an empty registry, cells."""
        return Person.objects.exists()

    def bulk_apply(self, raw: bulk.Raw, ctx: ImportContext, result: ImportResult) -> None:
        _bulk_apply(raw, ctx, result)

    def finish(self, ctx: ImportContext, result: ImportResult) -> None:
        keep_residences(ctx, result)

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        cols = [col for _, col, _ in PERSON_FIELDS]
        differs = distinct_from()
        changed = " OR ".join(f"p.{c} {differs} s.{c}" for c in cols[1:])
        changed += " OR p.moved_out_on IS NOT NULL OR p.aged_out_on IS NOT NULL"
        assignments = ", ".join(f"{c} = s.{c}" for c in cols[1:])
        first_load = stage.count >= BULK_FIRST_LOAD and not Person.objects.exists()
        if first_load:
            # Nothing to update or to match against: one plain INSERT, with the
            # indexes built once afterwards.
            with indexes_built_after_load(Person):
                result.created = stage.execute(
                    f"INSERT INTO registry_person ({', '.join(cols)}, moved_out_on, "
                    f"aged_out_on, last_mutation_on, created_at, updated_at) "
                    f"SELECT {', '.join('s.' + c for c in cols)}, NULL, NULL, NULL, %s, %s "
                    f"FROM {STAGE} AS s",
                    [ctx.now, ctx.now],
                )
        else:
            # PostgreSQL and SQLite (3.33+) both know UPDATE ... FROM.
            result.updated = stage.execute(
                f"UPDATE registry_person AS p SET {assignments}, moved_out_on = NULL, "
                f"aged_out_on = NULL, updated_at = %s "
                f"FROM {STAGE} AS s WHERE p.bsn = s.bsn AND ({changed})",
                [ctx.now],
            )
            result.created = stage.execute(
                f"INSERT INTO registry_person ({', '.join(cols)}, moved_out_on, aged_out_on, "
                f"last_mutation_on, created_at, updated_at) "
                f"SELECT {', '.join('s.' + c for c in cols)}, NULL, NULL, NULL, %s, %s "
                f"FROM {STAGE} AS s WHERE NOT EXISTS "
                f"(SELECT 1 FROM registry_person p WHERE p.bsn = s.bsn)",
                [ctx.now, ctx.now],
            )
        result.unchanged = stage.remaining() - result.created - result.updated

        covered = ctx.municipalities or sorted(ctx.extra["seen_codes"])
        mark_absent(
            stage.execute,
            ctx,
            result,
            covered,
            absent=f"NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.bsn = p.bsn)",
        )


def _allowed_codes(ctx: ImportContext) -> list[str]:
    allowed = sorted(ctx.region_codes - set(ctx.outside_administration))
    if ctx.municipalities:
        allowed = [c for c in allowed if c in ctx.municipalities]
    return [c for c in allowed if c.isdigit()]


def _person_row_ok(raw: bulk.Raw, ctx: ImportContext, alias: str = "s") -> str:
    """The rules of `check_person_row` in SQL, on cells that are valid dates/codes
    (ISO dates compare correctly as text)."""
    code = raw.x("gemeentecode", alias)
    birth = raw.x("geboortedatum", alias)
    died = raw.x("datum_overlijden", alias)
    codes = ", ".join(f"'{c}'" for c in _allowed_codes(ctx)) or "NULL"
    return (
        f"({code} IN ({codes}) AND {bulk.binary(birth)} <= '{ctx.peildatum.isoformat()}' "
        f"AND ({died} = '' OR {bulk.binary(died)} >= {birth}))"
    )


def _stored_row_ok(ctx: ImportContext, alias: str = "t") -> str:
    """`_person_row_ok` on a stored person (for a line equal to the one it came from)."""
    codes = ", ".join(f"'{c}'" for c in _allowed_codes(ctx)) or "NULL"
    return (
        f"({alias}.municipality_id IN ({codes}) "
        f"AND {alias}.birth_date <= '{ctx.peildatum.isoformat()}' "
        f"AND ({alias}.died_on IS NULL OR {alias}.died_on >= {alias}.birth_date))"
    )


def _bulk_apply(raw: bulk.Raw, ctx: ImportContext, result: ImportResult) -> None:
    """The merge of `BrpImport.apply`, on the raw text table (see bulk.py)."""
    columns = {c.name: c for c in PERSON_COLUMNS}
    cols = [col for _, col, _ in PERSON_FIELDS]
    insert_cols = (
        f"{', '.join(cols)}, moved_out_on, aged_out_on, last_mutation_on, created_at, updated_at, "
        f"source_digest"
    )

    def values(alias: str) -> str:
        return ", ".join(
            bulk.cell_value(columns[name], raw.x(name, alias)) for name, _, _ in PERSON_FIELDS
        )

    valid = bulk.all_valid(PERSON_COLUMNS, raw) + " AND " + _person_row_ok(raw, ctx)
    if not raw.lines and raw.rows >= BULK_FIRST_LOAD and not Person.objects.exists():
        # A BSN twice: the Python path reports it. (SQLite's unique key, inside the
        # table, refuses it during the insert, in process; no server log there.)
        if connection.vendor == "postgresql" and bulk.duplicate_key(raw.x("bsn")):
            raise bulk.Declined
        # SQLite: in BSN order (bulk.key_order), so the unique BSN key inside the
        # table grows at its end instead of at random places (1M persons: 9.3 s
        # against 13.1 s). A re-load finds its persons by digest (digest.py), so
        # the order it reads them in no longer follows the file's.
        with indexes_built_after_load(Person):
            result.created = bulk.execute(
                f"INSERT INTO registry_person ({insert_cols}) "
                f"SELECT {values('s')}, NULL, NULL, NULL, %s, %s, {raw.digest('s')} "
                f"FROM {bulk.RAW} s WHERE {valid}" + bulk.key_order(raw.x("bsn")),
                [ctx.now, ctx.now],
            )
            if result.created != raw.rows:
                raise bulk.Declined
        return

    bsn = raw.x("bsn")
    total = Person.objects.count()
    same = " AND ".join(
        bulk.cell_same(columns[name], raw.x(name), f"p.{col}") for name, col, _ in PERSON_FIELDS
    )
    same += " AND p.moved_out_on IS NULL AND p.aged_out_on IS NULL"
    if raw.lines:
        # PostgreSQL re-load: the lines equal to the one their person came from are
        # unchanged (digest.py); the rest is split and looked at as below.
        bulk.unmatched_lines(raw, "registry_person", also_out=f"NOT {_stored_row_ok(ctx)}")
        bulk.temp_table_as(
            bulk.DIFF,
            f"SELECT s.*, p.id AS pid FROM {bulk.split_lines(raw)} "
            f"LEFT JOIN registry_person p ON p.bsn = {bsn}",
        )
        if bulk.found_twice("s.pid"):
            raise bulk.Declined
        # ... and the persons no line names.
        with bulk.indexed(bulk.DIFF, "pid"):
            bulk.execute(
                f"INSERT INTO {bulk.DIFF} (pid) SELECT u.tid FROM {bulk.UNMATCHED} u "
                f"WHERE u.tid IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {bulk.DIFF} s WHERE s.pid = u.tid)"
            )
        bulk.analyzed(bulk.DIFF, raw, "registry_person")
        if bulk.fetchall(
            f"SELECT 1 FROM {bulk.DIFF} s WHERE {bsn} IS NOT NULL "
            f"AND NOT {_person_row_ok(raw, ctx)} LIMIT 1"
        ):
            raise bulk.Declined
        covered = ctx.municipalities or _covered_codes(raw)
    else:
        seen = bulk.fetchall(
            f"SELECT {raw.x('gemeentecode')}, COUNT(*) FILTER (WHERE NOT "
            f"{_person_row_ok(raw, ctx)}) FROM {bulk.RAW} s GROUP BY 1"
        )
        if any(bad for _, bad in seen):
            raise bulk.Declined
        covered = ctx.municipalities or sorted(c for c, _ in seen)
        differs = f"p.id IS NULL OR NOT ({same})"
        if connection.vendor == "postgresql":
            # One pass over file and registry: the rows that are new, changed or absent.
            bulk.temp_table_as(
                bulk.DIFF,
                f"SELECT s.*, p.id AS pid FROM {bulk.RAW} s "
                f"FULL JOIN registry_person p ON p.bsn = {bsn} WHERE {bsn} IS NULL OR {differs}",
            )
        else:
            # SQLite: the file's rows through the BSN index of the registry, then the
            # registry's absent persons through an index on the file (unique: a BSN twice
            # in the file fails it, and the Python path reports it).
            bulk.execute(f"CREATE UNIQUE INDEX {bulk.RAW}_bsn ON {bulk.RAW} ({bsn[2:]})")
            nulls = ", ".join("NULL" for _ in [*raw.header, "h"])  # cells and digest
            bulk.temp_table_as(
                bulk.DIFF,
                f"SELECT s.*, p.id AS pid FROM {bulk.RAW} s "
                f"LEFT JOIN registry_person p ON p.bsn = {bsn} WHERE {differs} "
                f"UNION ALL SELECT {nulls}, p.id FROM registry_person p "
                f"WHERE NOT EXISTS (SELECT 1 FROM {bulk.RAW} s WHERE {bsn} = p.bsn)",
            )
    new, changed, absent = bulk.fetchall(
        f"SELECT COUNT(*) FILTER (WHERE pid IS NULL), "
        f"COUNT(*) FILTER (WHERE pid IS NOT NULL AND {bsn} IS NOT NULL), "
        f"COUNT(*) FILTER (WHERE {bsn} IS NULL) FROM {bulk.DIFF} s"
    )[0]
    if raw.rows - new > total - absent or bulk.duplicate_key(bsn, bulk.DIFF, "s.pid IS NULL"):
        raise bulk.Declined  # a BSN twice in the file: the Python path reports it
    if bulk.fetchall(
        f"SELECT 1 FROM {bulk.DIFF} s WHERE {bsn} IS NOT NULL AND NOT ({valid}) LIMIT 1"
    ):
        raise bulk.Declined
    found = f"p.id = s.pid AND {bsn} IS NOT NULL"
    if raw.lines:
        # Split lines whose person holds the same values (its digest was empty, or
        # the file has another header): unchanged; they only get their digest.
        bulk.execute(
            f"UPDATE registry_person AS p SET source_digest = {raw.digest('s')} "
            f"FROM {bulk.DIFF} s WHERE {found} AND {same}"
        )
        found += f" AND NOT ({same})"
    assignments = ", ".join(
        f"{col} = {bulk.cell_value(columns[name], raw.x(name))}" for name, col, _ in PERSON_FIELDS
    )
    result.updated = bulk.execute(
        f"UPDATE registry_person AS p SET {assignments}, moved_out_on = NULL, aged_out_on = NULL, "
        f"updated_at = %s, source_digest = {raw.digest('s')} FROM {bulk.DIFF} s WHERE {found}",
        [ctx.now],
    )
    result.created = bulk.execute(
        f"INSERT INTO registry_person ({insert_cols}) "
        f"SELECT {values('s')}, NULL, NULL, NULL, %s, %s, {raw.digest('s')} "
        f"FROM {bulk.DIFF} s WHERE s.pid IS NULL",
        [ctx.now, ctx.now],
    )
    result.unchanged = raw.rows - result.created - result.updated
    mark_absent(
        bulk.execute,
        ctx,
        result,
        covered,
        absent=f"p.id = s.pid AND {bsn} IS NULL",
        source=f"{bulk.DIFF} s",
    )


def _covered_codes(raw: bulk.Raw) -> list[str]:
    """Lines layout: the municipality codes the file holds, as far as they matter:
    those of the persons it lacks, each covered when a line of the file names it
    (a split line, or an unchanged one: a person of it that a line found)."""
    code = raw.x("gemeentecode")
    named = {
        c
        for (c,) in bulk.fetchall(
            f"SELECT DISTINCT {code} FROM {bulk.DIFF} s WHERE {raw.x('bsn')} IS NOT NULL"
        )
    }
    lacking = bulk.fetchall(
        f"SELECT DISTINCT p.municipality_id FROM {bulk.DIFF} s "
        f"JOIN registry_person p ON p.id = s.pid WHERE {raw.x('bsn')} IS NULL "
        f"AND p.moved_out_on IS NULL AND p.aged_out_on IS NULL AND p.died_on IS NULL"
    )
    for (candidate,) in lacking:
        if candidate not in named and bulk.fetchall(
            f"SELECT 1 FROM registry_person p WHERE p.municipality_id = %s AND p.id NOT IN "
            f"(SELECT u.tid FROM {bulk.UNMATCHED} u WHERE u.tid IS NOT NULL) LIMIT 1",
            [candidate],
        ):
            named.add(candidate)
    return sorted(named)
