"""The leerplicht annual report (R-31) of one municipality or the region: the
figures of a school year beside the previous one, the change, the region's
and the national rates, the targets and whether they were met, the
municipality's own text, and charts; as a page, PDF and XLSX.

Small counts follow the reader (`scope.threshold`): hidden in both years,
with the change and "gehaald" hidden too where a hidden count is behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from rbl.reporting.charts import Bar, bar_chart
from rbl.reporting.definitions import BY_KEY, SchoolYear, Section
from rbl.reporting.documents import Document
from rbl.reporting.figures import Completeness, YearFigures
from rbl.reporting.reference import national_reference
from rbl.reporting.report_text import report_text
from rbl.reporting.snapshots import figures_for
from rbl.reporting.tables import REGION, Cell, Row, Table, year_table
from rbl.reporting.targets import direction, target_met, targets_for

#: Short names of the rates for the chart's labels (the table has the full ones).
SHORT = {
    "verzuim_per_1000": "Verzuim per 1.000",
    "absoluut_per_1000": "Absoluut per 1.000",
    "vrijstellingen_per_1000": "Vrijstellingen per 1.000",
    "pv_per_100_zaken": "Pv per 100 zaken",
    "thuiszitters_per_1000": "Thuiszitters per 1.000",
    "vsv_pct": "VSV-percentage",
}
COLUMNS = ("dit", "vorig", "verschil", "regio", "landelijk", "streef", "gehaald")


@dataclass
class AnnualReport:
    year: SchoolYear
    gemeente: str  # a CBS code or "regio"
    name: str
    current: YearFigures
    previous: YearFigures
    table: Table
    text: str
    charts: list[tuple[str, SafeString]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reference_sources: list[str] = field(default_factory=list)
    reference_is_sample: bool = False

    @property
    def title(self) -> str:
        who = "regio" if self.gemeente == REGION else f"gemeente {self.name}"
        return f"Jaarverslag leerplicht en RMC {who}, schooljaar {self.year}"

    def document(self) -> Document:
        return Document(
            title=self.title,
            meta=self.notes,
            tables=[self.table],
            text=self.text,
            charts=self.charts,
        )


def _diff(now: Cell, before: Cell, decimals: int, rate: bool) -> Cell:
    if now.hidden or before.hidden or now.value is None or before.value is None:
        return Cell(None, hidden=now.hidden or before.hidden, threshold=now.threshold, rate=rate)
    value = now.value - before.value
    return Cell(round(value, decimals) if decimals else value, decimals=decimals, signed=True)


def _met(key: str, cell: Cell, target: Decimal | None) -> Cell:
    if target is None:
        return Cell(None)
    if cell.hidden:
        return Cell(None, hidden=True, threshold=cell.threshold, rate=True)
    met = target_met(key, cell.value, target)
    return Cell(None, label="" if met is None else ("ja" if met else "nee"))


def build_annual_report(
    year: SchoolYear, gemeente: str, name: str, *, threshold: int, with_region: bool
) -> AnnualReport:
    """The report of `gemeente` (a code, or "regio"). `with_region`: the
    reader may see the region's counts; the region's rates are shown to all."""
    column = REGION if gemeente == REGION else gemeente
    codes = None if gemeente == REGION else [gemeente]
    current = figures_for(year, codes)
    previous = figures_for(year.previous, codes)
    now = year_table(current, [column], threshold=threshold)
    before = year_table(previous, [column], threshold=threshold)
    region_rows = {r.key: r for r in year_table(current, [REGION], threshold=0).rows}
    national = national_reference(year)
    targets = targets_for(year, None if gemeente == REGION else gemeente)
    rows = []
    for row, old in zip(now.rows, before.rows, strict=True):
        fig = BY_KEY[row.key.split(".", 1)[0]]
        cell, prev = row.cells[0], old.cells[0]
        decimals = fig.decimals
        region_cell = (
            region_rows[row.key].cells[0]
            if (row.is_rate or with_region) and gemeente != REGION
            else Cell(None)
        )
        ref = national.get(row.key)
        national_cell = Cell(float(ref.value), decimals=max(decimals, 1)) if ref else Cell(None)
        target = targets.get(row.key)
        target_cell = (
            Cell(None, label=f"{direction(row.key)} {_fmt(target, decimals)}")
            if target is not None
            else Cell(None)
        )
        rows.append(
            Row(
                row.key,
                row.label,
                row.definition,
                row.section,
                [
                    cell,
                    prev,
                    _diff(cell, prev, decimals, row.is_rate),
                    region_cell,
                    national_cell,
                    target_cell,
                    _met(row.key, cell, target),
                ],
                row.level,
                row.is_rate,
            )
        )
    headers = [
        str(year),
        str(year.previous),
        "Verschil",
        "Regio",
        "Landelijk",
        "Streefwaarde",
        "Gehaald",
    ]
    table = Table(
        f"Cijfers schooljaar {year} en {year.previous}",
        list(zip(COLUMNS, headers, strict=True)),
        rows,
        threshold,
    )
    report = AnnualReport(
        year=year,
        gemeente=gemeente,
        name=name,
        current=current,
        previous=previous,
        table=table,
        text=report_text(year, None if gemeente == REGION else gemeente),
    )
    report.notes = _notes(report, national)
    report.charts = _charts(report, now, before)
    report.reference_sources = sorted({f.source for f in national.values()})
    report.reference_is_sample = any(f.is_sample for f in national.values())
    return report


def _fmt(value: Decimal, decimals: int) -> str:
    return Cell(float(value), decimals=decimals).text


def _notes(report: AnnualReport, national: dict) -> list[str]:
    year = report.year
    notes = [
        f"Schooljaar {year}: 1 augustus {year.start.year} tot en met 31 juli {year.end.year}; "
        f"inwoners geteld op 1 oktober {year.first_year}. Definities versie "
        f"{report.current.version}.",
    ]
    for figures in (report.current, report.previous):
        if figures.closed and figures.closed_at:
            notes.append(
                f"Schooljaar {figures.school_year} is vastgesteld op "
                f"{figures.closed_at:%d-%m-%Y}; de cijfers liggen vast."
            )
        elif figures.completeness == Completeness.COMPLETE:
            notes.append(f"Schooljaar {figures.school_year} is nog niet vastgesteld.")
        if figures.completeness != Completeness.COMPLETE:
            notes.append(
                f"De gegevens over schooljaar {figures.school_year} zijn {figures.completeness}: "
                "de cijfers van dat jaar zijn niet compleet."
            )
    notes += report.current.outside_notes
    if national:
        sources = "; ".join(sorted({f.source for f in national.values()}))
        sample = any(f.is_sample for f in national.values())
        notes.append(
            f"Landelijke referentie: {sources}."
            + (" Let op: voorbeeldgegevens, geen officiële cijfers." if sample else "")
        )
    else:
        notes.append(f"Er is geen landelijke referentie voor schooljaar {year} geladen.")
    if report.table.threshold:
        notes.append(
            f"Aantallen van 1 tot {report.table.threshold} staan als “< "
            f"{report.table.threshold}”, zodat niemand herkenbaar is."
        )
    return notes


def _charts(report: AnnualReport, now: Table, before: Table) -> list[tuple[str, SafeString]]:
    charts = []
    rows = {r.key: r for r in now.rows}
    prev = {r.key: r for r in before.rows}
    bars = []
    for code, _label in BY_KEY["verzuimmeldingen"].codes:
        for table_rows, year in ((rows, report.year), (prev, report.year.previous)):
            cell = table_rows[f"verzuimmeldingen.{code}"].cells[0]
            bars.append(Bar(f"{code} {year}", cell.value or 0, cell.text, cell.hidden))
    title = f"Verzuimmeldingen per soort, {report.year} en {report.year.previous}"
    charts.append((title, mark_safe(bar_chart("chart-soort", title, bars))))  # noqa: S308 - escaped SVG
    rate_bars = []
    for key in rows:
        fig = BY_KEY.get(key)
        if fig is None or fig.section != Section.RATES:
            continue
        for table_rows, year in ((rows, report.year), (prev, report.year.previous)):
            cell = table_rows[key].cells[0]
            rate_bars.append(Bar(f"{SHORT[key]} {year}", cell.value or 0, cell.text, cell.hidden))
    title = f"Kengetallen, {report.year} en {report.year.previous}"
    svg = bar_chart("chart-kengetallen", title, rate_bars)
    charts.append((title, mark_safe(svg)))  # noqa: S308 - escaped SVG
    return charts
