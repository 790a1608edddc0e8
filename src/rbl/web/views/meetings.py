"""The list for the region's meetings with the samenwerkingsverbanden: the
thuiszitters per SWV for the periodic meeting with each SWV (R-25). (The JCO
list of open Halt referrals and PVs is a screen of the cases app,
`rbl.cases.views.jco`.)

The rows come from the cases services; which files a user sees is decided by
`rbl.accounts.access`. Showing and exporting both write the access log."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.accounts.access import visible_cases
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.services.worklists import Thuiszitter, thuiszitters
from rbl.organisation.models import Municipality
from rbl.web import exports
from rbl.web.filters import REGION
from rbl.web.permissions import may_see_thuiszitters, user_grants

NO_SWV = "geen"


def _swv_choices(rows: Sequence[Thuiszitter]) -> list[tuple[str, str]]:
    found = {(r.swv_code or NO_SWV): r.swv_name for r in rows}
    return sorted(found.items(), key=lambda item: (item[0] == NO_SWV, item[1].lower()))


@login_required
def thuiszitters_page(request: HttpRequest) -> HttpResponse:
    if not may_see_thuiszitters(request.user):
        raise PermissionDenied
    title = "Thuiszitters"
    today = timezone.localdate()
    cases = visible_cases(request.user, today).select_related("owner", "principal")
    codes = sorted(user_grants(request.user).all_cases)
    municipalities = list(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("code", "name")
    )
    gemeente = request.GET.get("gemeente", "")
    if gemeente == REGION:  # every municipality whose cases the user reads (the dashboard)
        cases = cases.filter(principal_id__in=codes)
    elif gemeente:
        cases = cases.filter(principal_id=gemeente if gemeente in codes else None)
    rows = thuiszitters(today, cases)
    choices = _swv_choices(rows)
    chosen = request.GET.get("swv", "")
    error = ""
    if chosen:
        if chosen in dict(choices):
            rows = [r for r in rows if (r.swv_code or NO_SWV) == chosen]
        else:
            error = "Onbekend samenwerkingsverband: er worden geen thuiszitters getoond."
            rows = []
    shown = [r.case for r in rows]
    response = exports.list_download(
        request,
        title=title,
        slug="thuiszitters",
        items=rows,
        cases=shown,
        columns=exports.THUISZITTER_COLUMNS,
    )
    if response is not None:
        return response
    if shown:
        log_access(request.user, Action.VIEW, cases=shown, purpose=title, path=request.path)
    groups: dict[str, list[Thuiszitter]] = {}
    for row in rows:  # longest absence first within each SWV, as the service orders
        groups.setdefault(row.swv_name, []).append(row)
    return render(
        request,
        "web/thuiszitters.html",
        {
            "title": title,
            "groups": sorted(groups.items(), key=lambda g: g[0].lower()),
            "count": len(rows),
            "priority": sum(1 for r in rows if r.priority),
            "choices": choices,
            "chosen": chosen,
            "error": error,
            "municipalities": municipalities,
            "gemeente": gemeente,
            "query": urlencode(
                {
                    k: v
                    for k, v in (("swv", chosen if not error else ""), ("gemeente", gemeente))
                    if v
                }
            ),
        },
    )
