"""The case lists: my work, the team's cases, overdue terms; with filters
and CSV/XLSX export of the same columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rbl.accounts.access import visible_signals
from rbl.accounts.models import CASEWORK_ROLES, User
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.services.worklists import week_ahead
from rbl.organisation.models import Municipality
from rbl.web import exports, queries
from rbl.web.filters import CaseFilter
from rbl.web.forms import CaseFilterForm
from rbl.web.permissions import does_casework, user_grants

PAGE_SIZE = 50


def _filter_form(request: HttpRequest) -> CaseFilterForm:
    g = user_grants(request.user)
    codes = sorted(g.all_cases | g.handhaving_cases)
    municipalities = list(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    owners = [
        (u.username, u.get_full_name() or u.username)
        for u in User.objects.filter(
            is_active=True,
            role_assignments__municipality_id__in=codes,
            role_assignments__role__in=[r.value for r in CASEWORK_ROLES],
        )
        .distinct()
        .order_by("last_name", "username")
    ]
    return CaseFilterForm(request.GET or None, municipalities=municipalities, owners=owners)


def _case_list(
    request: HttpRequest,
    *,
    title: str,
    slug: str,
    build: Callable[[], QuerySet],
    intro: str,
    filters: bool = True,
    extra: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """The list page, or with `?export=csv|xlsx` its download. The download is
    written to the access log once, by `exports.list_download`, and nothing
    else is logged then: `extra` (more for the page, which may log what it
    shows) is only built for the page."""
    if not does_casework(request.user) and not request.user.owned_cases.exists():
        raise PermissionDenied
    qs = build()
    form = None
    if filters:
        form = _filter_form(request)
        filterset = CaseFilter(request.GET, queryset=qs, request=request)
        # An unknown filter value shows nothing (and the form says why), not everything.
        qs = filterset.qs if filterset.is_valid() else qs.none()
    if request.GET.get("export") in ("csv", "xlsx"):
        cases = list(qs)
        return exports.list_download(request, title=title, slug=slug, items=cases, cases=cases)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    cases = list(page.object_list)
    if cases:
        log_access(request.user, Action.VIEW, cases=cases, purpose=title, path=request.path)
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("export", None)
    return render(
        request,
        "web/case_list.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "page": page,
            "cases": cases,
            "columns": exports.CASE_COLUMNS,
            "query": query.urlencode(),
            **(extra() if extra else {}),
        },
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    return _case_list(
        request,
        title="Mijn werk",
        slug="mijn-werk",
        build=lambda: queries.my_work(request.user),
        intro="Uw open zaken, de eerstvolgende termijn bovenaan.",
        extra=lambda: {
            "week": week_ahead(queries.my_work(request.user), timezone.localdate()),
        },
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    return _case_list(
        request,
        title="Zaken van het team",
        slug="zaken-team",
        build=lambda: queries.team_cases(request.user),
        intro="Alle zaken die u mag zien. Gebruik de filters om te zoeken.",
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _case_list(
        request,
        title="Termijn verstreken",
        slug="termijn-verstreken",
        build=lambda: queries.overdue_cases(request.user, today),
        intro="Open zaken met een taak waarvan de termijn is verstreken.",
        extra=lambda: {"late_signals": _signals_without_letter(request, today)},
    )


def _signals_without_letter(request: HttpRequest, today) -> list:
    """Signals that waited more than a week for their control letter (R-13),
    for who makes those letters (central administration, coordinator)."""
    codes = user_grants(request.user).edit_cases
    if not codes:
        return []
    signals = list(
        visible_signals(request.user)
        .without_letter(today)
        .filter(municipality_id__in=list(codes))
        .select_related("person", "municipality")
        .order_by("opened_on", "pk")[:50]
    )
    if signals:
        log_access(
            request.user,
            Action.VIEW,
            persons=[s.person_id for s in signals],
            purpose="signalen zonder controlebrief",
            path=request.path,
        )
    return signals
