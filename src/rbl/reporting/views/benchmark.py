"""The benchmark page (R-32) and its XLSX/PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.accounts.access import grants
from rbl.registry.residence import history_starts_on
from rbl.reporting.benchmark import FLAG_MARGIN, Benchmark, build_benchmark, flag_min_count
from rbl.reporting.definitions import BY_KEY
from rbl.reporting.documents import Document
from rbl.reporting.scope import school_years
from rbl.reporting.tables import Cell, Row, Table
from rbl.reporting.views.art25 import chosen_year, download, scope_or_404

RULE = (
    "Een gemeente scoort hoog (of laag) op een kengetal als het meer dan {pct} % boven (of "
    "onder) het kengetal van de regio ligt én er bij die gemeente minstens {n} gevallen "
    "achter zitten; zo maakt een enkel geval in een kleine gemeente haar geen uitschieter."
)


def rule_text() -> str:
    return RULE.format(pct=int(FLAG_MARGIN * 100), n=flag_min_count())


def export_table(bench: Benchmark) -> Table:
    """One row per municipality (then region and national), per rate its value
    and its mark (hoog/laag, target met or not)."""
    columns = []
    for key in bench.keys:
        columns += [(key, BY_KEY[key].label), (f"{key}-m", "markering")]
    rows = []
    for line in [*bench.lines, bench.region, *([bench.national] if bench.national else [])]:
        cells = []
        for score in line.scores:
            mark = ", ".join(x for x in (score.flag, score.target, score.met_text) if x)
            cells += [score.cell, Cell(None, label=mark)]
        rows.append(Row(line.code, line.name, "", "Kengetallen", cells))
    return Table(f"Benchmark schooljaar {bench.year}", columns, rows)


@login_required
def benchmark_page(request: HttpRequest) -> HttpResponse:
    scope_or_404(request, "")
    year = chosen_year(request)
    bench = build_benchmark(year, exact_codes=grants(request.user).all_cases)
    kind = request.GET.get("export")
    if kind in ("pdf", "xlsx"):
        table = export_table(bench)
        notes = [rule_text()] + [f"{BY_KEY[k].label}: {BY_KEY[k].definition}" for k in bench.keys]
        if bench.reference_sources:
            notes.append("Landelijke referentie: " + "; ".join(bench.reference_sources) + ".")
        document = Document(
            title=f"Benchmark leerplicht en RMC, schooljaar {year}", meta=notes, tables=[table]
        )
        return download(request, document, table, kind, f"benchmark-{year}")
    return render(
        request,
        "reporting/benchmark.html",
        {
            "bench": bench,
            "year": year,
            "years": school_years(timezone.localdate(), history_starts_on()),
            "rule": rule_text(),
            "definitions": [(BY_KEY[k].label, BY_KEY[k].definition) for k in bench.keys],
        },
    )
