"""The VSV report (R-33) on screen and as PDF, XLSX and CSV (`reporting/vsv.py`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.reporting.definitions import Section
from rbl.reporting.views.art25 import download, year_page
from rbl.reporting.vsv import vsv_document, vsv_table


@login_required
def vsv_page(request: HttpRequest) -> HttpResponse:
    """The reader's municipalities (and the region for who sees it all); small
    counts hidden for readers without case access, as on the other yearly pages."""
    page = year_page(request, "VSV-rapportage", sections=(Section.RMC,))
    table = vsv_table(
        page.figures,
        page.scope.columns,
        today=timezone.localdate(),
        threshold=page.scope.threshold,
        title=f"VSV-rapportage, schooljaar {page.year}",
    )
    document = vsv_document(page.figures, table)
    kind = request.GET.get("export")
    if kind in ("pdf", "xlsx", "csv"):
        slug = f"vsv-{page.year}-{page.gemeente or 'alle'}"
        return download(request, document, table, kind, slug)
    page.table = table
    return render(request, "reporting/vsv.html", page.context(document=document))
