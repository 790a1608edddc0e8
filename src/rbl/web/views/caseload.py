"""The coordinator's view of the caseload per officer (R-01, R-27)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.web.exports import Column, list_download
from rbl.web.permissions import caseload_municipalities
from rbl.web.queries import caseload

COLUMNS = (
    Column("Medewerker", lambda r: r.officer.get_full_name() or r.officer.username),
    Column("Gebruikersnaam", lambda r: r.officer.username),
    Column("Nieuw", lambda r: r.open),
    Column("In behandeling", lambda r: r.in_behandeling),
    Column("Totaal open", lambda r: r.total),
    Column("Taken over termijn", lambda r: r.overdue),
    Column("Oudste termijn", lambda r: r.oldest_due),
)


@login_required
def caseload_page(request: HttpRequest) -> HttpResponse:
    municipalities = caseload_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied
    today = timezone.localdate()
    rows = caseload(request.user, municipalities, today)
    download = list_download(
        request, title="Caseload", slug="caseload", items=rows, columns=COLUMNS
    )
    if download is not None:
        return download
    return render(request, "web/caseload.html", {"rows": rows, "today": today})
