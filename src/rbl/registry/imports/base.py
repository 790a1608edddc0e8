"""The import pipeline shared by every file kind (formats.md, "Rules for every import").

    read header -> check required columns -> stream rows: parse + validate ->
    stage valid rows -> reject duplicate keys -> merge into the registry (kind)

All of it runs in one transaction: a file with any rejected row changes
nothing (unless `skip_invalid`). The import log is written afterwards, in its
own transaction, for accepted and rejected files alike.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone

from rbl.registry.imports import bulk
from rbl.registry.imports.fields import _CONTROL, Column, FieldError
from rbl.registry.imports.reader import FileProblem, open_csv
from rbl.registry.imports.stage import STAGE, Stage
from rbl.registry.models import ImportLog, ImportOutcome
from rbl.registry.signals import import_applied

MAX_ERRORS = 1000


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def public(self) -> dict[str, Any]:
        return asdict(self)

    def for_log(self) -> dict[str, Any]:
        """Stored form: never the offending value (it may be personal data)."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ImportResult:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    moved_out: int = 0
    aged_out: int = 0
    stale: int = 0
    #: Rejected rows: each line counts once, however many of its cells are wrong.
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: All errors found (a row may have several; `errors` keeps the first MAX_ERRORS).
    error_count: int = 0
    log_id: int | None = None
    #: Which path read the file: "python" (row by row) or "bulk" (in SQL, bulk.py).
    via: str = "python"
    #: A full BRP extract refused for its departures (kinds/brp.py, check_departures):
    #: per municipality its code, name, residents and how many would move out.
    departures: list[dict[str, Any]] = field(default_factory=list)

    COUNTS: ClassVar[tuple[str, ...]] = (
        "created",
        "updated",
        "unchanged",
        "deleted",
        "moved_out",
        "aged_out",
        "stale",
    )

    _bad_lines: set[int] = field(default_factory=set, repr=False)

    def add_error(self, line: int, column: str, value: str, reason: str) -> None:
        self.error_count += 1
        if line not in self._bad_lines:
            self._bad_lines.add(line)
            self.rejected += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, value, reason))

    def as_json(self) -> dict[str, Any]:
        data = {
            "kind": self.kind,
            "file": self.file,
            "rows": self.rows,
            **{name: getattr(self, name) for name in self.COUNTS},
            "rejected": self.rejected,
            "errors": [e.public() for e in self.errors],
        }
        if self.departures:
            data["vertrek_te_bevestigen"] = self.departures
        if self.log_id is not None:
            data["import_log"] = self.log_id
        return data

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            **{n: getattr(self, n) for n in self.COUNTS},
            "rejected": self.rejected,
        }


@dataclass
class ImportContext:
    """What a kind needs besides the rows."""

    peildatum: dt.date
    municipalities: list[str] | None
    region_codes: frozenset[str]
    skip_invalid: bool
    now: dt.datetime
    extra: dict[str, Any] = field(default_factory=dict)
    #: Options the kind adds to those the import log records (no personal values).
    log_options: dict[str, Any] = field(default_factory=dict)
    #: Municipalities of the region outside the regional administration (block 1)
    #: on the peildatum, each with the Dutch refusal naming it: their data is not
    #: imported (R-02, rbl.organisation.participation).
    outside_administration: dict[str, str] = field(default_factory=dict)

    def administration_problem(self, code: str | None) -> str | None:
        """The refusal for data of municipality `code`, or None when it may be read."""
        return self.outside_administration.get(code) if code else None


class Rejected(Exception):
    """Raised inside the transaction to roll a rejected file back."""


class ImportKind:
    """One kind of file. Subclasses give the columns, the key and the merge step."""

    name: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    # Columns of the staging table (name, SQL type), in the order of `stage_row`.
    stage_columns: ClassVar[tuple[tuple[str, str], ...]]
    # Staged columns that form the file's key (duplicates in one file are rejected).
    key: ClassVar[tuple[str, ...]]

    def prepare(self, ctx: ImportContext) -> None:
        """Load lookups before the rows stream (e.g. the region's municipalities)."""

    def check_row(self, row: dict[str, Any], ctx: ImportContext) -> list[tuple[str, str]]:
        """Cross-field checks on a parsed row: a list of (column, reason)."""
        return []

    def stage_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        raise NotImplementedError

    def apply(self, stage: Stage, ctx: ImportContext, result: ImportResult) -> None:
        """Merge the staged rows into the registry and fill in the counts."""
        raise NotImplementedError

    def finish(self, ctx: ImportContext, result: ImportResult) -> None:
        """Runs in the import's transaction once the rows are merged, by either
        path (e.g. the BRP kinds keep the residence history)."""


KINDS: dict[str, type[ImportKind]] = {}


def register(kind: type[ImportKind]) -> type[ImportKind]:
    KINDS[kind.name] = kind
    return kind


# progress(done_bytes, total_bytes, phase): phase is "lezen" while the file is
# read and "verwerken" while the staged rows are merged into the registry.
ProgressCallback = Callable[[int, int, str], None]


def _outside_administration(region_codes: frozenset[str], day: dt.date) -> dict[str, str]:
    from rbl.organisation.participation import (
        administration_municipalities,
        outside_administration_message,
    )

    inside = administration_municipalities(day)
    return {
        code: outside_administration_message([code], day) for code in sorted(region_codes - inside)
    }


def _region_codes() -> frozenset[str]:
    from rbl.organisation.models import Municipality

    return frozenset(
        Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
    )


class _NotPlain(Exception):
    """A row the fast path does not take: parse it again on the reporting path."""


def _row_parser(
    kind: ImportKind,
    positions: Sequence[tuple[Column, int]],
    width: int,
    result: ImportResult,
    ctx: ImportContext,
) -> Callable[[int, list[str]], dict[str, Any] | None]:
    """A function (line, cells) -> parsed row, or None after recording the row's errors.

    Valid rows take a fast path that parses each cell once; any row that is not
    plainly valid is parsed again by `_parse_row`, which reports every problem.
    """
    # Optional text columns (the most common kind) need only their length checked
    # once the row is known to hold no control characters: one search over the
    # whole row instead of one per cell. Columns absent from the file take their
    # default (a required column is never absent: the header check rejects that).
    absent = {c.name: c.default for c, index in positions if index < 0}
    texts = []
    others = []
    for column, index in positions:
        max_length = getattr(column.parse, "max_length", None)
        if index < 0:
            continue
        plain_text = getattr(column.parse, "rule", None) == "text"
        if plain_text and not column.required and column.default == "":
            texts.append((column.name, index, max_length))
        else:
            others.append((column.name, column.parse, index, column.required, column.default))
    check_row = kind.check_row
    control = _CONTROL

    def parse(line: int, cells: list[str]) -> dict[str, Any] | None:
        if len(cells) == width and not control.search("".join(cells)):
            row = absent.copy()
            try:
                for name, index, max_length in texts:
                    raw = cells[index].strip()
                    if len(raw) > max_length:
                        raise _NotPlain
                    row[name] = raw
                for name, parse_cell, index, required, default in others:
                    raw = cells[index].strip()
                    if raw:
                        row[name] = parse_cell(raw)
                    elif required:
                        raise _NotPlain
                    else:
                        row[name] = default
            except (FieldError, _NotPlain):
                pass
            else:
                problems = check_row(row, ctx)
                if not problems:
                    return row
                _report_problems(row, problems, line, result)
                return None
        return _parse_row(kind, positions, width, line, cells, result, ctx)

    return parse


def _report_problems(
    row: dict[str, Any], problems: list[tuple[str, str]], line: int, result: ImportResult
) -> None:
    for column_name, reason in problems:
        value = row.get(column_name)
        shown = "" if value is None else str(value)[:100]
        result.add_error(line, column_name, shown, reason)


def _parse_row(
    kind: ImportKind,
    positions: Sequence[tuple[Column, int]],
    width: int,
    line: int,
    cells: list[str],
    result: ImportResult,
    ctx: ImportContext,
) -> dict[str, Any] | None:
    if len(cells) != width:
        result.add_error(
            line, "", "", f"regel heeft {len(cells)} velden, de kopregel heeft er {width}"
        )
        return None
    row: dict[str, Any] = {}
    bad = False
    for column, index in positions:
        raw = cells[index].strip() if index >= 0 else ""
        if not raw:
            if column.required:
                result.add_error(line, column.name, "", "verplicht veld is leeg")
                bad = True
            row[column.name] = column.default
            continue
        try:
            row[column.name] = column.parse(raw)
        except FieldError as exc:
            result.add_error(line, column.name, raw[:100], str(exc))
            bad = True
    if bad:
        return None
    problems = kind.check_row(row, ctx)
    _report_problems(row, problems, line, result)
    return None if problems else row


def _reject_duplicates(kind: ImportKind, stage: Stage, result: ImportResult) -> None:
    """Rows whose key occurs earlier in the same file are rejected."""
    if not kind.key:
        return
    keys = ", ".join(kind.key)
    if not stage.fetchall(f"SELECT 1 FROM {STAGE} GROUP BY {keys} HAVING COUNT(*) > 1 LIMIT 1"):
        return
    on = " AND ".join(f"a.{k} = b.{k}" for k in kind.key)
    rows = stage.fetchall(
        f"SELECT b.line, MIN(a.line) FROM {STAGE} a JOIN {STAGE} b ON {on} AND a.line < b.line "
        f"GROUP BY b.line ORDER BY b.line"
    )
    for line, first in rows:
        result.add_error(
            line,
            kind.key[0],
            "",
            f"dezelfde sleutel ({', '.join(kind.key)}) staat al op regel {first}",
        )
    if rows:
        stage.execute(
            f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {STAGE} a "
            f"WHERE {on.replace('b.', f'{STAGE}.')} AND a.line < {STAGE}.line)"
        )


def run_import(
    kind_name: str,
    path: Path | str,
    *,
    municipalities: Sequence[str] | None = None,
    peildatum: dt.date | None = None,
    skip_invalid: bool = False,
    user: Any = None,
    actor: str | None = None,
    file_name: str | None = None,
    progress: ProgressCallback | None = None,
    extra: dict[str, Any] | None = None,
) -> ImportResult:
    """Import one file of `kind_name`; see formats.md for the semantics."""
    path = Path(path)
    kind = KINDS[kind_name]()
    shown_name = file_name or path.name
    result = ImportResult(kind=kind_name, file=shown_name)
    started = timezone.now()
    source = bulk.ScannedFile(path)
    region_codes = _region_codes()
    day = peildatum or timezone.localdate()
    ctx = ImportContext(
        peildatum=day,
        municipalities=list(municipalities) if municipalities else None,
        region_codes=region_codes,
        skip_invalid=skip_invalid,
        now=started,
        extra=dict(extra or {}),
        outside_administration=_outside_administration(region_codes, day),
    )
    outcome = ImportOutcome.APPLIED
    try:
        with transaction.atomic():
            _run(kind, source, ctx, result, progress)
            if result.rejected and not skip_invalid:
                raise Rejected
            if result.rejected:
                outcome = ImportOutcome.PARTIAL
    except Rejected:
        outcome = ImportOutcome.REJECTED
        for name in ("created", "updated", "unchanged", "deleted", "moved_out", "aged_out"):
            setattr(result, name, 0)
        result.stale = 0
    log = ImportLog.objects.create(
        kind=kind_name,
        file_name=shown_name[:255],
        sha256=source.scan.sha256,
        user=user if getattr(user, "pk", None) else None,
        actor=(getattr(user, "username", None) or actor or _os_user())[:150],
        started_at=started,
        finished_at=timezone.now(),
        options={
            "gemeente": ctx.municipalities or [],
            "peildatum": ctx.peildatum.isoformat(),
            "skip_invalid": skip_invalid,
            **ctx.log_options,
        },
        counts=result.counts(),
        errors=[e.for_log() for e in result.errors],
        outcome=outcome,
    )
    result.log_id = log.pk
    return result


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "onbekend"


def _run(
    kind: ImportKind,
    source: bulk.ScannedFile,
    ctx: ImportContext,
    result: ImportResult,
    progress: ProgressCallback | None,
) -> None:
    try:
        csv_file = open_csv(source.path)
    except FileProblem as problem:
        result.add_error(problem.line, problem.column, "", problem.reason)
        raise Rejected from None
    try:
        header = csv_file.header
        missing = [c.name for c in kind.columns if c.required and c.name not in header]
        for name in missing:
            result.add_error(1, name, "", "verplichte kolom ontbreekt")
        if missing:
            raise Rejected
        positions = [(c, header.index(c.name) if c.name in header else -1) for c in kind.columns]
        width = len(header)
        try:
            kind.prepare(ctx)
        except FileProblem as problem:
            result.add_error(problem.line, problem.column, "", problem.reason)
            raise Rejected from None
        if bulk.try_bulk(kind, source, header, csv_file.delimiter, ctx, result, progress):
            kind.finish(ctx, result)
            import_applied.send(sender=kind.name, result=result)
            return
        parse = _row_parser(kind, positions, width, result, ctx)
        stage_row = kind.stage_row
        with Stage(kind.stage_columns) as stage:
            add = stage.add
            try:
                for line, cells in csv_file.rows():
                    result.rows += 1
                    row = parse(line, cells)
                    if row is not None and (not result.rejected or ctx.skip_invalid):
                        add((line, *stage_row(row)))
                    if progress and result.rows % 10000 == 0:
                        progress(csv_file.counter.bytes_read, csv_file.size, "lezen")
            except FileProblem as problem:
                result.add_error(problem.line, problem.column, "", problem.reason)
                raise Rejected from None
            if progress:
                progress(csv_file.size, csv_file.size, "verwerken")
            stage.close_input(index_on=kind.key)
            _reject_duplicates(kind, stage, result)
            if result.rejected and not ctx.skip_invalid:
                raise Rejected
            kind.apply(stage, ctx, result)
            kind.finish(ctx, result)
            import_applied.send(sender=kind.name, result=result)
    finally:
        csv_file.close()
