"""The annual report (R-31) page with its PDF and XLSX, and the RMC figures
(R-33)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.registry.residence import history_starts_on
from rbl.reporting.annual import build_annual_report
from rbl.reporting.definitions import SchoolYear, Section
from rbl.reporting.documents import Document
from rbl.reporting.editors import editable_for
from rbl.reporting.scope import school_years
from rbl.reporting.tables import REGION, year_table
from rbl.reporting.views.art25 import chosen_year, download, scope_or_404, year_page


@login_required
def annual_index(request: HttpRequest) -> HttpResponse:
    """The reader's own report: the region for who sees it, else their first
    municipality; the last school year that has ended."""
    scope = scope_or_404(request, "")
    gemeente = request.GET.get("gemeente") or (REGION if scope.region else scope.all_codes[0])
    scope_or_404(request, gemeente)
    year = chosen_year(request)
    return redirect("reporting:annual-report", str(year), gemeente)


@login_required
def annual_report(request: HttpRequest, schooljaar: str, gemeente: str) -> HttpResponse:
    scope = scope_or_404(request, gemeente)
    try:
        year = SchoolYear.parse(schooljaar)
    except ValueError:
        raise Http404 from None
    name = "Regio" if gemeente == REGION else scope.names[gemeente]
    report = build_annual_report(
        year, gemeente, name, threshold=scope.threshold, with_region=scope.region
    )
    kind = request.GET.get("export")
    if kind in ("pdf", "xlsx"):
        slug = f"jaarverslag-{year}-{gemeente}"
        return download(request, report.document(), report.table, kind, slug)
    today = timezone.localdate()
    choices = ([(REGION, "Regio")] if scope.region else []) + list(scope.names.items())
    return render(
        request,
        "reporting/annual.html",
        {
            "report": report,
            "scope": scope,
            "gemeente": gemeente,
            "choices": choices,
            "years": school_years(today, history_starts_on()),
            "may_edit": editable_for(request.user).allows(gemeente),
            "edit_url": reverse("reporting:report-text", args=[str(year), gemeente]),
        },
    )


@login_required
def rmc_page(request: HttpRequest) -> HttpResponse:
    """VSV and RMC trajects per municipality (R-33), with the VSV percentage."""
    page = year_page(request, "RMC-cijfers", sections=(Section.RMC,))
    rates = year_table(
        page.figures, page.scope.columns, threshold=page.scope.threshold, sections=(Section.RATES,)
    )
    page.table.rows += [r for r in rates.rows if r.key == "vsv_pct"]
    document = Document(
        title=f"RMC-cijfers: voortijdig schoolverlaters en trajecten, schooljaar {page.year}",
        meta=[f"Definities versie {page.figures.version}."],
        tables=[page.table],
    )
    kind = request.GET.get("export")
    if kind in ("pdf", "xlsx", "csv"):
        slug = f"rmc-{page.year}-{page.gemeente or 'alle'}"
        return download(request, document, page.table, kind, slug)
    return render(request, "reporting/rmc.html", page.context())
