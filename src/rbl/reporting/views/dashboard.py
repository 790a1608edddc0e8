"""The live dashboard (R-34): figures for the reader's municipalities, each
number a link to the list behind it for readers with case access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.reporting.dashboard import UnknownMunicipality, build_dashboard, scope_for
from rbl.reporting.exports import tables_download


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    try:
        scope = scope_for(request.user, request.GET.get("gemeente", ""))
    except UnknownMunicipality:
        raise Http404 from None
    if scope is None:
        raise PermissionDenied
    board = build_dashboard(scope, timezone.localdate())
    kind = request.GET.get("export")
    if kind in ("csv", "xlsx"):
        tables = board.tables
        if kind == "csv":
            table = board.table(request.GET.get("tabel", ""))
            if table is None:
                raise Http404
            tables = [table]
        return tables_download(
            request,
            slug=f"dashboard-{scope.gemeente or 'alle-gemeenten'}",
            what=f"dashboard {scope.title}",
            tables=tables,
            kind=kind,
        )
    return render(request, "reporting/dashboard.html", {"board": board, "scope": scope})
