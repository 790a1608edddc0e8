"""The person page (doorlopend dossier) and the search by BSN or name."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rbl.accounts.access import visible_cases, visible_persons
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.brp.services import lookup_allowed as brp_lookup_allowed
from rbl.law.limits import rmc_limits
from rbl.law.status import status_on
from rbl.registry.models import Exemption, Person
from rbl.web.display import full_address
from rbl.web.forms import ExemptionForm, LeaveRequestForm, SearchForm
from rbl.web.permissions import does_casework, may_register_for
from rbl.web.search import SearchError, search_and_log
from rbl.web.timeline import person_timeline


def person_page(
    request: HttpRequest,
    youth: Person,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The person page; `bound` holds a registration form that needs correcting."""
    cases = list(
        visible_cases(request.user)
        .filter(person=youth)
        .select_related("principal", "owner", "school")
        .order_by("-opened_on", "-pk")
    )
    today = timezone.localdate()
    try:
        legal = status_on(youth.birth_date, today, None, rmc_limits()).status.label
    except ValueError:
        legal = ""
    forms_: dict[str, forms.Form] = {}
    if may_register_for(request.user, youth):
        forms_ = {
            "leave": LeaveRequestForm(auto_id="leave_%s"),
            "exemption": ExemptionForm(auto_id="exemption_%s"),
            **(bound or {}),
        }
    return render(
        request,
        "web/person.html",
        {
            "person": youth,
            "cases": cases,
            "exemptions": list(
                Exemption.objects.filter(bsn=youth.bsn)
                .select_related("municipality")
                .order_by("-start", "-pk")
            ),
            "residences": [
                r
                for r in youth.residences.select_related("municipality").order_by(
                    F("start").asc(nulls_first=True), "pk"
                )
                if r.start is None or r.end is None or r.start < r.end  # covers a day
            ],
            "timeline": person_timeline(youth, cases),
            "legal_status": legal,
            "address": full_address(youth),
            "forms": forms_,
            "brp_lookup": brp_lookup_allowed(request.user, youth),
        },
        status=status,
    )


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    found = visible_persons(request.user).select_related("municipality").filter(pk=person_id)
    youth = found.first()
    if youth is None:
        raise Http404
    log_access(request.user, Action.VIEW, persons=[youth], purpose="dossier", path=request.path)
    return person_page(request, youth)


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """GET shows the empty form; terms travel by POST only, never in the URL."""
    if not does_casework(request.user):
        raise PermissionDenied
    results = None
    status = 200
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            try:
                results = search_and_log(
                    request.user, form.cleaned_data, purpose="zoeken", path=request.path
                )
            except SearchError as exc:
                form.add_error(None, str(exc))
                status = 400
        else:
            status = 400
    else:
        form = SearchForm()
    return render(request, "web/search.html", {"form": form, "results": results}, status=status)
