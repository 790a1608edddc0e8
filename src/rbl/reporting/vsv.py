"""The VSV report (R-33): the yearly RMC figures in the shape of DUO's VSV
effect report — new early school leavers, the VSV rate, youth brought back
to school, youth in a traject and the RMC caseload by status — per
municipality and for the region, on screen, as PDF and XLSX and with
`rbl rapport vsv`.

The figures are those of the reporting app (`definitions.py`; a closed school
year from its snapshot). Two figures are added here, each with its
definition shown next to it: the trajects still running at the end of the
school year (`rmc_lopend`), counted from the cases at the municipality that
was the case's principal that day, and the caseload of the year
(`rmc_caseload`), which is by definition the trajects closed in the year
plus those still running. Because the cases are counted again, the running
trajects of a closed year can differ from the day it was closed when a case
was reopened since; the report says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from rbl.cases.models import Case, CaseType
from rbl.reporting.definitions import BY_KEY, Figure, Section
from rbl.reporting.disclosure import Grid, protect
from rbl.reporting.documents import Document
from rbl.reporting.figures import YearFigures, principals_on
from rbl.reporting.tables import REGION, Cell, Row, Table

SECTION_VSV = "Voortijdig schoolverlaten"
SECTION_RMC = "RMC-trajecten"

#: The figures added for this report (not part of the art. 25 figures).
RMC_LOPEND = Figure(
    "rmc_lopend",
    "In traject op 31 juli",
    "RMC-zaken die op de laatste dag van het schooljaar (of vandaag, in een lopend "
    "schooljaar) nog openstaan, bij de gemeente die die dag opdrachtgever van de zaak is.",
    Section.RMC,
)
RMC_CASELOAD = Figure(
    "rmc_caseload",
    "RMC-caseload in het schooljaar",
    "RMC-zaken die in het schooljaar ergens openstonden: de trajecten die in het schooljaar "
    "zijn afgesloten (terug naar school, werk, anders) plus die op de laatste dag nog lopen.",
    Section.RMC,
)
CASELOAD_PARTS = ("rmc_naar_school", "rmc_naar_werk", "rmc_overig", "rmc_lopend")
#: (key, label in the report, section, level); labels follow DUO's report.
LAYOUT: tuple[tuple[str, str, str, int], ...] = (
    ("deelnemers", "Deelnemers onderwijs 12-22 jaar (1 oktober)", SECTION_VSV, 0),
    ("vsv", "Nieuwe voortijdig schoolverlaters", SECTION_VSV, 0),
    ("vsv_pct", "VSV-percentage", SECTION_VSV, 0),
    ("rmc_trajecten", "Nieuwe RMC-trajecten", SECTION_RMC, 0),
    ("rmc_caseload", RMC_CASELOAD.label, SECTION_RMC, 0),
    ("rmc_naar_school", "Teruggeleid naar school", SECTION_RMC, 1),
    ("rmc_naar_werk", "Naar werk", SECTION_RMC, 1),
    ("rmc_overig", "Afgesloten om een andere reden", SECTION_RMC, 1),
    ("rmc_lopend", RMC_LOPEND.label, SECTION_RMC, 1),
)
EXTRA: dict[str, Figure] = {RMC_LOPEND.key: RMC_LOPEND, RMC_CASELOAD.key: RMC_CASELOAD}


def _figure(key: str) -> Figure:
    return EXTRA.get(key) or BY_KEY[key]


def running_on(day: dt.date, codes: list[str]) -> tuple[dict[str, int], int]:
    """RMC cases open on `day`, per municipality of `codes` (the principal on
    `day`) and for the region (every municipality: a case has one principal)."""
    ids = list(
        Case.objects.filter(type=CaseType.RMC, opened_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values_list("pk", flat=True)
    )
    principal = principals_on(dict.fromkeys(ids, day))
    per = dict.fromkeys(codes, 0)
    for code in principal.values():
        if code in per:
            per[code] += 1
    return per, len(principal)


def vsv_values(figures: YearFigures, *, today: dt.date) -> dict[str, dict[str, Any]]:
    """{municipality code or "regio": {key: value}} for every key of the report."""
    year = figures.school_year
    day = min(year.end, today)
    per, region = running_on(day, list(figures.municipalities))
    out: dict[str, dict[str, Any]] = {}
    sources = {**figures.municipalities, REGION: figures.region}
    for code, values in sources.items():
        row = {key: values.get(key) for key, *_ in LAYOUT if key not in EXTRA}
        row["rmc_lopend"] = region if code == REGION else per.get(code, 0)
        closed = [row[k] for k in CASELOAD_PARTS[:3]]
        row["rmc_caseload"] = (
            None if None in closed else sum(closed) + row["rmc_lopend"]  # type: ignore[arg-type]
        )
        out[code] = row
    return out


def vsv_table(
    figures: YearFigures,
    columns: list[str],
    *,
    today: dt.date,
    threshold: int = 0,
    title: str = "",
) -> Table:
    """The report's table for `columns` (municipality codes and/or "regio");
    small counts hidden below `threshold` as the other yearly tables do."""
    values = vsv_values(figures, today=today)
    names = {**figures.names, REGION: "Regio"}
    rows: list[Row] = []
    for key, label, section, level in LAYOUT:
        fig = _figure(key)
        cells = [Cell(values[c][key], False, threshold, fig.decimals, fig.is_rate) for c in columns]
        rows.append(Row(key, label, fig.definition, section, cells, level, fig.is_rate))
    if threshold > 1:
        _suppress(rows, columns, threshold)
    return Table(title, [(c, names.get(c, c)) for c in columns], rows, threshold)


def _suppress(rows: list[Row], columns: list[str], threshold: int) -> None:
    by_key = {r.key: r for r in rows}
    municipal = [i for i, c in enumerate(columns) if c != REGION]
    region = columns.index(REGION) if REGION in columns else None
    groups = [["deelnemers"], ["vsv"], ["rmc_trajecten"], ["rmc_caseload"], list(CASELOAD_PARTS)]
    for keys in groups:
        lines = [by_key[k] for k in keys]
        targets = municipal or [region]
        cells = [[int(line.cells[i].value or 0) for i in targets] for line in lines]  # type: ignore[index]
        with_totals = region is not None and bool(municipal)
        grid = protect(Grid(cells, row_totals=with_totals), threshold)
        for li, line in enumerate(lines):
            for gi, i in enumerate(targets):
                line.cells[i].hidden = grid.hidden[li][gi]  # type: ignore[index]
            if with_totals:
                line.cells[region].hidden = grid.row_hidden[li]  # type: ignore[index]
    # A rate is hidden where the count it is made of is.
    for rate, count in (("vsv_pct", "vsv"),):
        for cell, base in zip(by_key[rate].cells, by_key[count].cells, strict=True):
            cell.hidden = base.hidden


def vsv_document(figures: YearFigures, table: Table) -> Document:
    year = figures.school_year
    meta = [
        f"Schooljaar {year} (1 augustus {year.start.year} tot en met 31 juli {year.end.year}), "
        "in de vorm van de VSV-effectrapportage van DUO.",
        f"Definities versie {figures.version}."
        + (
            f" Vastgesteld op {figures.closed_at:%d-%m-%Y}; de lopende trajecten zijn opnieuw "
            "uit de zaken geteld."
            if figures.closed and figures.closed_at
            else " Nog niet vastgesteld: de cijfers kunnen nog veranderen."
        ),
    ]
    if table.threshold > 1:
        meta.append(f"Aantallen van 1 tot {table.threshold} staan er als '< {table.threshold}'.")
    return Document(title=f"VSV-rapportage schooljaar {year}", meta=meta, tables=[table])


def vsv_json(figures: YearFigures, table: Table) -> dict[str, Any]:
    """The shape of `rbl rapport vsv --json`: per column its figures (null when
    hidden) and the definitions."""
    columns: dict[str, Any] = {}
    for index, (code, name) in enumerate(table.columns):
        columns[code] = {
            "naam": name,
            **{row.key: row.cells[index].json_value for row in table.rows},
        }
    region = columns.pop(REGION, None)
    return {
        "schooljaar": str(figures.school_year),
        "definities_versie": figures.version,
        "vastgesteld": figures.closed,
        "volledigheid": figures.completeness,
        "gemeenten": columns,
        "regio": region,
        "definities": {row.key: row.definition for row in table.rows},
    }
