"""The data-quality report (R-35) and the queue of absence reports waiting for
their youth ("niet gekoppeld").

Who may open the report is decided by `rbl.reporting.quality.report_mode`
from the access grants: the coordinator and the central administration see
every item of their municipalities, an officer (lpa, kpa, rmc, auditor) their
own items and own figures; other roles get 403. The report shows counts and
officers' figures, no youth: its view is not in the access log, its exports
are (once per export); every list it links to logs what it shows."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.accounts.access import grants, visible_meldingen
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.brp.client import enabled as brp_enabled
from rbl.reporting.quality import (
    MEASURES,
    CompareRow,
    CompareTable,
    Comparison,
    QualityReport,
    load_terms,
    quality_report,
    unlinked_reports,
)
from rbl.web import exports

# Table -> title (also the spreadsheet's sheet name: at most 31 characters, no colon).
TABLES = {
    "punten": "Datakwaliteit punten",
    "medewerkers": "Datakwaliteit medewerkers",
    "gemeenten": "Datakwaliteit gemeenten",
}


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _measure_text(i: int, value: float | None) -> str:
    return _percent(value) if MEASURES[i].share else _days(value)


def _item_rows(report: QualityReport) -> list[list[Any]]:
    data: list[list[Any]] = []
    for row in report.rows:
        label = f"waarvan {row.label}" if row.sub else row.label
        data.append([label, "Totaal", row.total.count])
        for municipality, cell in zip(report.municipalities, row.cells, strict=False):
            if cell is not None:
                data.append([label, municipality.name, cell.count])
    return data


def _compare_rows(report: QualityReport, side: str) -> list[list[Any]]:
    data: list[list[Any]] = []
    for comparison in report.comparisons:
        table: CompareTable = getattr(comparison, side)
        region = comparison.region.name if comparison.region else ""
        for row in table.rows:
            line: list[Any] = [region, row.label]
            for i, v in enumerate(row.values):
                line += [v.n, _measure_text(i, v.value), "ja" if v.flagged else "nee"]
            data.append(line)
        line = [region, "Regionale mediaan"]
        for i, median in enumerate(table.medians):
            line += ["", _measure_text(i, median), ""]
        data.append(line)
    return data


def _columns(first: Sequence[str], measures: bool) -> list[exports.Column]:
    titles = list(first)
    if measures:
        for m in MEASURES:
            titles += [f"{m.label}: zaken", m.label, f"{m.label}: afwijkend"]
    return [exports.Column(t, itemgetter(i)) for i, t in enumerate(titles)]


def _export(request: HttpRequest, report: QualityReport, kind: str) -> HttpResponse:
    table = request.GET.get("tabel", "punten")
    if table not in TABLES:
        table = "punten"
    if table == "punten":
        data = _item_rows(report)
        columns = _columns(["Punt", "Gemeente", "Aantal"], measures=False)
    else:
        side = "officers" if table == "medewerkers" else "municipalities"
        data = _compare_rows(report, side)
        who = "Medewerker" if table == "medewerkers" else "Gemeente"
        columns = _columns(["Regio", who], measures=True)
    title = TABLES[table]
    log_access(
        request.user,
        Action.EXPORT,
        purpose=f"export {title.lower()} ({kind})",
        path=request.path,
    )
    name = f"datakwaliteit-{table}-{report.today:%Y%m%d}"
    if kind == "csv":
        return exports.csv_response(name, exports.rows(data, columns), columns)
    return exports.xlsx_response(name, title, exports.rows(data, columns), columns)


def _display(comparison: Comparison) -> dict[str, Any]:
    """The comparison as the template shows it: formatted values per row."""

    def cells(row: CompareRow) -> list[dict[str, Any]]:
        return [
            {
                "text": _measure_text(i, v.value),
                "n": v.n,
                "part": v.part,
                "flagged": v.flagged,
            }
            for i, v in enumerate(row.values)
        ]

    def table(t: CompareTable) -> dict[str, Any]:
        return {
            "rows": [{"row": r, "cells": cells(r)} for r in t.rows],
            "medians": [_measure_text(i, m) for i, m in enumerate(t.medians)],
            "thresholds": [_measure_text(i, x) for i, x in enumerate(t.thresholds)],
            "flagged": t.flagged,
        }

    return {
        "comparison": comparison,
        "tables": [
            ("officers", "Medewerkers vergeleken", table(comparison.officers)),
            ("municipalities", "Gemeenten vergeleken", table(comparison.municipalities)),
        ],
    }


@login_required
def quality_page(request: HttpRequest) -> HttpResponse:
    report = quality_report(request.user, timezone.localdate())
    if report is None:
        raise PermissionDenied
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        return _export(request, report, kind)
    return render(
        request,
        "reporting/quality.html",
        {
            "report": report,
            "rows": [
                {"row": r, "cells": list(zip(report.municipalities, r.cells, strict=False))}
                for r in report.rows
            ],
            "measures": MEASURES,
            "comparisons": [_display(c) for c in report.comparisons],
            "terms": report.terms,
        },
    )


@login_required
def unlinked_page(request: HttpRequest) -> HttpResponse:
    """Absence reports whose BSN matches no youth in the registry, waiting
    longer than the region's term: for the administration and the coordinator
    (`visible_meldingen`). Shows DUO's report number, school and dates; never
    the BSN."""
    if not grants(request.user).edit_cases:
        raise PermissionDenied
    today = timezone.localdate()
    terms = load_terms()
    waiting = visible_meldingen(request.user, today).filter(person__isnull=True, case__isnull=True)
    late = (
        unlinked_reports(waiting, today, terms)
        .select_related("school")
        .order_by("meldingsdatum", "pk")
    )
    page = Paginator(late, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "reporting/unlinked.html",
        {
            "page": page,
            "reports": [(m, (today - m.meldingsdatum).days) for m in page.object_list],
            "newer": waiting.count() - page.paginator.count,
            "days": terms.regional.unlinked_report_days,
            "query": "",
            "brp_lookup": brp_enabled(),
        },
    )
