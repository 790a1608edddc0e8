"""The art. 25 figures (R-30) on screen, as PDF, XLSX and CSV, and closing a
school year ("vaststellen")."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.registry.residence import history_starts_on
from rbl.reporting.definitions import SchoolYear, Section
from rbl.reporting.documents import Document, art25_document, pdf_bytes, xlsx_bytes
from rbl.reporting.figures import YearFigures
from rbl.reporting.scope import (
    UnknownMunicipality,
    YearScope,
    default_year,
    school_years,
    year_scope,
)
from rbl.reporting.snapshots import CannotClose, close_year, closed_years, figures_for
from rbl.reporting.tables import Table, year_table
from rbl.web.exports import XLSX_TYPE


def scope_or_404(request: HttpRequest, gemeente: str) -> YearScope:
    try:
        scope = year_scope(request.user, gemeente)
    except UnknownMunicipality:
        raise Http404 from None
    if scope is None:
        raise PermissionDenied
    return scope


def chosen_year(request: HttpRequest) -> SchoolYear:
    text = request.GET.get("schooljaar", "")
    if not text:
        return default_year(timezone.localdate())
    try:
        return SchoolYear.parse(text)
    except ValueError:
        raise Http404 from None


def download(
    request: HttpRequest, document: Document, table: Table, kind: str, slug: str
) -> HttpResponse:
    """The document as PDF, XLSX or CSV (the first table), logged as an export."""
    log_access(
        request.user, Action.EXPORT, purpose=f"export {document.title} ({kind})", path=request.path
    )
    if kind == "pdf":
        response = HttpResponse(pdf_bytes(document), content_type="application/pdf")
    elif kind == "xlsx":
        response = HttpResponse(xlsx_bytes(document), content_type=XLSX_TYPE)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow([document.title])
        for line in document.meta:
            writer.writerow([line])
        writer.writerow(table.header)
        for row in table.export_rows():
            writer.writerow(
                [
                    "" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v
                    for v in row
                ]
            )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.{kind}"'
    return response


@dataclass
class YearPage:
    """What every yearly table page shows: the reader's scope, the school year,
    its figures and their table."""

    scope: YearScope
    gemeente: str
    year: SchoolYear
    figures: YearFigures
    table: Table

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "gemeente": self.gemeente,
            "year": self.year,
            "years": school_years(timezone.localdate(), history_starts_on()),
            "figures": self.figures,
            "table": self.table,
            "closed": closed_years(),
            **more,
        }


def year_page(
    request: HttpRequest, title: str, sections: tuple[Section, ...] | None = None
) -> YearPage:
    """The figures of `?schooljaar=` for `?gemeente=` as the reader may see them."""
    gemeente = request.GET.get("gemeente", "")
    scope = scope_or_404(request, gemeente)
    year = chosen_year(request)
    figures = figures_for(year, list(scope.codes))
    table = year_table(
        figures,
        scope.columns,
        threshold=scope.threshold,
        sections=sections,
        title=f"{title}, schooljaar {year}",
    )
    return YearPage(scope, gemeente, year, figures, table)


@login_required
def art25_page(request: HttpRequest) -> HttpResponse:
    page = year_page(request, "Art. 25 Leerplichtwet")
    document = art25_document(page.figures, page.table)
    kind = request.GET.get("export")
    if kind in ("pdf", "xlsx", "csv"):
        slug = f"art25-{page.year}-{page.gemeente or 'alle'}"
        return download(request, document, page.table, kind, slug)
    figures, year = page.figures, page.year
    return render(
        request,
        "reporting/art25.html",
        page.context(
            document=document,
            can_close=(
                page.scope.closes_years and not figures.closed and year.end < timezone.localdate()
            ),
        ),
    )


@login_required
@require_POST
def close_year_view(request: HttpRequest) -> HttpResponse:
    scope = scope_or_404(request, "")
    if not scope.closes_years:
        raise PermissionDenied
    try:
        year = SchoolYear.parse(request.POST.get("schooljaar", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:art25")
    try:
        close_year(year, actor=request.user)
    except CannotClose as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Schooljaar {year} is vastgesteld. De cijfers van dit jaar veranderen niet meer.",
        )
    return redirect(f"{reverse('reporting:art25')}?schooljaar={year}")
