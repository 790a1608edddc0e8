"""The coordinator's view of the caseload per officer (R-01, R-27)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.web.permissions import caseload_municipalities
from rbl.web.queries import caseload


@login_required
def caseload_page(request: HttpRequest) -> HttpResponse:
    municipalities = caseload_municipalities(request.user)
    if not municipalities:
        raise PermissionDenied
    today = timezone.localdate()
    rows = caseload(request.user, municipalities, today)
    return render(request, "web/caseload.html", {"rows": rows, "today": today})
