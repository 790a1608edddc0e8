"""The RMC age limits on the set-up hub: everyone on the hub sees them,
application management (beheer) adds one (`accounts.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.accounts import access
from rbl.law.dates import dutch_date
from rbl.law.forms import RmcLimitForm
from rbl.law.limits import add_rmc_limit
from rbl.law.models import RmcAgeLimit
from rbl.law.status import DEFAULT_RMC_AGE, ImpossibleDate

_FIELDS = {"leeftijd": "age", "vanaf": "valid_from"}


@login_required
def rmc_limits_page(request: HttpRequest) -> HttpResponse:
    if not access.may_see_rmc_limits(request.user):
        raise Http404("Pagina niet gevonden.")
    may_add = access.may_change_rmc_limits(request.user)
    today = timezone.localdate()
    form = RmcLimitForm()
    status = 200
    if request.method == "POST":
        if not may_add:
            return HttpResponse("U mag de leeftijdsgrens niet wijzigen.", status=403)
        form = RmcLimitForm(request.POST)
        if form.is_valid():
            age, valid_from = form.cleaned_data["age"], form.cleaned_data["valid_from"]
            try:
                add_rmc_limit(age, valid_from, actor=request.user, request=request)
            except ImpossibleDate as exc:
                form.add_error(_FIELDS[exc.field], exc.reason[:1].upper() + exc.reason[1:] + ".")
            else:
                messages.success(
                    request,
                    f"Vastgelegd: de RMC-doelgroep loopt vanaf {dutch_date(valid_from)} tot "
                    f"{age} jaar.",
                )
                return redirect(reverse("law:rmc-limits"))
        status = 400
    rows = list(RmcAgeLimit.objects.order_by("valid_from"))
    current = next((r for r in reversed(rows) if r.valid_from <= today), None)
    return render(
        request,
        "law/rmc_limits.html",
        {
            "rows": rows,
            "today": today,
            "current_age": current.age if current else DEFAULT_RMC_AGE,
            "current": current,
            "default_age": DEFAULT_RMC_AGE,
            "form": form if may_add else None,
        },
        status=status,
    )
