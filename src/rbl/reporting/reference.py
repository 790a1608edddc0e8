"""The national reference figures (landelijke referentie, R-32): loaded as data
with their source and school year, never computed or invented here.

The file (README, "National reference figures") is a CSV with the columns
`sleutel;schooljaar;waarde;bron`, separated by `;` or `,`, UTF-8 (with or
without byte-order mark) or Windows-1252 as Excel writes it, a decimal comma
or point. Every line is checked before anything changes; one bad line rejects
the whole file, naming its line and column. A good file replaces the figures
of the school years it holds: a key of such a year that is not in the file is
removed, other school years stay as they are, and loading the same file again
changes nothing (everything "ongewijzigd").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rbl.registry.imports.reader import csv_reason
from rbl.reporting.definitions import SchoolYear
from rbl.reporting.models import ReferenceFigure
from rbl.reporting.numbers import known_keys, parse_value

COLUMNS = ("sleutel", "schooljaar", "waarde", "bron")
#: Bigger than any real reference file; an upload above it is refused unread.
MAX_BYTES = 1_000_000
SOURCE_MAX = ReferenceFigure._meta.get_field("source").max_length
#: The demo's sample file (marked as sample data wherever it is shown).
SAMPLE_FILE = ("rbl.demo", "data/referentie-voorbeeld.csv")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        column = f", kolom {self.column}" if self.column else ""
        return f"Regel {self.line}{column}: {self.reason}"


class ReferenceRejected(Exception):
    """The file was refused as a whole; nothing changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    line: int
    key: str
    school_year: str
    value: Decimal
    source: str


@dataclass
class LoadResult:
    school_years: list[str]
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    is_sample: bool = False

    def summary(self) -> str:
        years = ", ".join(self.school_years)
        return (
            f"Landelijke referentie {years} geladen: {self.created} nieuw, "
            f"{self.updated} gewijzigd, {self.unchanged} ongewijzigd, "
            f"{self.deleted} verwijderd."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "schooljaren": self.school_years,
            "regels": self.rows,
            "nieuw": self.created,
            "gewijzigd": self.updated,
            "ongewijzigd": self.unchanged,
            "verwijderd": self.deleted,
            "voorbeeldgegevens": self.is_sample,
        }


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's "CSV (gescheiden door lijstscheidingsteken)" on Windows.
        return data.decode("cp1252", errors="replace")


def _header(first: str) -> tuple[str, dict[str, int]]:
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    names = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
    problems = []
    for name in COLUMNS:
        if names.count(name) > 1:
            problems.append(Problem(1, name, f"de kolom '{name}' staat er twee keer"))
        elif name not in names:
            problems.append(
                Problem(
                    1,
                    "",
                    f"de kolom '{name}' ontbreekt; de eerste regel moet de kolomnamen "
                    "sleutel;schooljaar;waarde;bron bevatten",
                )
            )
    if problems:
        raise ReferenceRejected(problems)
    return delimiter, {name: names.index(name) for name in COLUMNS}


def parse_reference(data: bytes) -> list[Row]:
    """The rows of a reference file; ReferenceRejected lists every problem."""
    text = _decode(data)
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise ReferenceRejected(
            [
                Problem(
                    1,
                    "",
                    "het bestand is leeg; de eerste regel moet de kolomnamen "
                    "sleutel;schooljaar;waarde;bron bevatten",
                )
            ]
        )
    delimiter, index = _header(lines[0])
    keys = known_keys()
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    reader = csv.reader(io.StringIO("".join(lines[1:])), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(reader.line_num + 1, "", csv_reason(exc)))
            break
        line = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index[name]
            return cells[i].strip() if i < len(cells) else ""

        row_problems: list[Problem] = []
        key = cell("sleutel")
        if not key:
            row_problems.append(Problem(line, "sleutel", "er staat geen sleutel"))
        elif key not in keys:
            row_problems.append(
                Problem(
                    line,
                    "sleutel",
                    f"'{key}' is geen bekend cijfer; de sleutels staan op het scherm "
                    "Landelijke referentie",
                )
            )
        school_year = cell("schooljaar")
        try:
            school_year = str(SchoolYear.parse(school_year))
        except ValueError as exc:
            reason = str(exc) if school_year else "er staat geen schooljaar"
            row_problems.append(Problem(line, "schooljaar", reason))
        value = None
        if key in keys:
            try:
                value = parse_value(cell("waarde"), key)
            except ValueError as exc:
                row_problems.append(Problem(line, "waarde", str(exc)))
        source = " ".join(cell("bron").split())
        if not source:
            row_problems.append(
                Problem(line, "bron", "de bron ontbreekt; noem de publicatie en het jaar")
            )
        elif len(source) > SOURCE_MAX:
            row_problems.append(Problem(line, "bron", f"de bron is langer dan {SOURCE_MAX} tekens"))
        if not row_problems and value is not None:
            earlier = seen.get((key, school_year))
            if earlier:
                row_problems.append(
                    Problem(
                        line,
                        "sleutel",
                        f"'{key}' staat voor {school_year} al op regel {earlier}",
                    )
                )
            else:
                seen[(key, school_year)] = line
                rows.append(Row(line, key, school_year, value, source))
        problems += row_problems
    if problems:
        raise ReferenceRejected(problems)
    if not rows:
        raise ReferenceRejected([Problem(2, "", "het bestand bevat geen cijfers")])
    return rows


def load_reference(data: bytes, *, is_sample: bool = False, user: Any = None) -> LoadResult:
    """Check `data` completely, then replace the figures of its school years in
    one transaction. ReferenceRejected: nothing changed."""
    rows = parse_reference(data)
    years = sorted({r.school_year for r in rows})
    result = LoadResult(years, rows=len(rows), is_sample=is_sample)
    now = timezone.now()
    loaded_by = user if getattr(user, "pk", None) else None
    try:
        with transaction.atomic():
            existing = {
                (f.key, f.school_year): f
                for f in ReferenceFigure.objects.select_for_update().filter(school_year__in=years)
            }
            new: list[ReferenceFigure] = []
            changed: list[ReferenceFigure] = []
            for row in rows:
                current = existing.pop((row.key, row.school_year), None)
                if current is None:
                    new.append(
                        ReferenceFigure(
                            key=row.key,
                            school_year=row.school_year,
                            value=row.value,
                            source=row.source,
                            is_sample=is_sample,
                            loaded_by=loaded_by,
                            loaded_at=now,
                        )
                    )
                elif (current.value, current.source, current.is_sample) != (
                    row.value,
                    row.source,
                    is_sample,
                ):
                    current.value, current.source, current.is_sample = (
                        row.value,
                        row.source,
                        is_sample,
                    )
                    current.loaded_by, current.loaded_at = loaded_by, now
                    changed.append(current)
                else:
                    result.unchanged += 1
            ReferenceFigure.objects.bulk_create(new)
            ReferenceFigure.objects.bulk_update(
                changed, ["value", "source", "is_sample", "loaded_by", "loaded_at"]
            )
            if existing:
                ReferenceFigure.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
    except IntegrityError:
        raise ReferenceRejected(
            [Problem(1, "", "iemand anders laadde tegelijk dezelfde schooljaren; probeer opnieuw")]
        ) from None
    result.created, result.updated, result.deleted = len(new), len(changed), len(existing)
    return result


def load_sample_reference() -> LoadResult:
    """The demo's sample reference (not official figures), marked as sample."""
    package, name = SAMPLE_FILE
    data = resources.files(package).joinpath(name).read_bytes()
    return load_reference(data, is_sample=True)


def national_reference(school_year: SchoolYear | str) -> dict[str, ReferenceFigure]:
    """The national reference of a school year by key (empty when none is loaded).
    A figure's `is_sample` must be shown as "voorbeeldgegevens" next to it."""
    return {f.key: f for f in ReferenceFigure.objects.filter(school_year=str(school_year))}


@dataclass
class YearReference:
    school_year: str
    figures: list[ReferenceFigure] = field(default_factory=list)

    @property
    def is_sample(self) -> bool:
        return any(f.is_sample for f in self.figures)

    @property
    def sources(self) -> list[str]:
        return sorted({f.source for f in self.figures})


def reference_by_year(figures: Iterable[ReferenceFigure] | None = None) -> list[YearReference]:
    """Every loaded school year, newest first, its figures in the order of the definitions."""
    order = {key: i for i, key in enumerate(known_keys())}
    if figures is None:
        figures = ReferenceFigure.objects.select_related("loaded_by")
    years: dict[str, YearReference] = {}
    for f in figures:
        years.setdefault(f.school_year, YearReference(f.school_year)).figures.append(f)
    for year in years.values():
        year.figures.sort(key=lambda f: order.get(f.key, len(order)))
    return [years[y] for y in sorted(years, reverse=True)]
