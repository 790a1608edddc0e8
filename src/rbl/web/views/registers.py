"""Leave requests and exemptions (R-23, R-24): registering them from the
person page, the list of open leave requests with their decision due date,
and the vrijstellingen register. Each opens or reads cases through the cases
services; which youth a user sees comes from `rbl.accounts.access`. Showing
and exporting write the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import visible_cases, visible_persons
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.exemptions import exemptions_of, open_exemption_case, reminder_horizon
from rbl.cases.services.leave import open_leave_requests, register_leave_request_with_reason
from rbl.cases.services.lifecycle import BY_RULES
from rbl.organisation.models import Municipality
from rbl.registry.models import Exemption, Person
from rbl.web import exports
from rbl.web.forms import ExemptionFilterForm, ExemptionForm, LeaveFilterForm, LeaveRequestForm
from rbl.web.permissions import (
    may_register_for,
    may_see_registers,
    registers_as_owner,
    user_grants,
)
from rbl.web.views.persons import person_page

PAGE_SIZE = 50


def _person_for_change(request: HttpRequest, person_id: int) -> Person:
    """The youth, if visible (else 404) and the user may open cases for them (else 403)."""
    youth = (
        visible_persons(request.user).select_related("municipality").filter(pk=person_id).first()
    )
    if youth is None:
        raise Http404
    if not may_register_for(request.user, youth):
        raise PermissionDenied
    return youth


def _register(
    request: HttpRequest,
    person_id: int,
    form_class: type[forms.Form],
    key: str,
    apply: Any,
    done: str,
) -> HttpResponse:
    youth = _person_for_change(request, person_id)
    form = form_class(request.POST, auto_id=f"{key}_%s")
    if form.is_valid():
        try:
            case = apply(youth, form.cleaned_data)
        except CaseRuleError as exc:
            form.add_error(None, exc.message)
        else:
            log_access(request.user, Action.CHANGE, case=case, purpose=done, path=request.path)
            messages.success(request, done)
            return redirect(reverse("web:case", args=[case.pk]))
    return person_page(request, youth, bound={key: form}, status=400)


def _owner(request: HttpRequest, youth: Person) -> Any:
    """The owner of the case the user registers: the registering lpa or kpa
    officer works it on; otherwise the region's rules choose (access.py)."""
    return request.user if registers_as_owner(request.user, youth.municipality_id) else BY_RULES


@login_required
@require_POST
def register_leave_view(request: HttpRequest, person_id: int) -> HttpResponse:
    def apply(youth: Person, data: dict[str, Any]) -> Any:
        leave = register_leave_request_with_reason(
            youth,
            article=data["article"],
            requested_on=data["requested_on"],
            start=data["start"],
            end=data["end"],
            reason=data["reason"],
            actor=request.user,
            owner=_owner(request, youth),
        )
        return leave.case

    return _register(
        request, person_id, LeaveRequestForm, "leave", apply, "Verlofaanvraag geregistreerd."
    )


@login_required
@require_POST
def register_exemption_view(request: HttpRequest, person_id: int) -> HttpResponse:
    def apply(youth: Person, data: dict[str, Any]) -> Any:
        return open_exemption_case(
            youth,
            ground=data["ground"],
            start=data["start"],
            end=data["end"],
            decided_on=data["decided_on"],
            actor=request.user,
            owner=_owner(request, youth),
        )

    return _register(
        request, person_id, ExemptionForm, "exemption", apply, "Vrijstelling geregistreerd."
    )


def _municipalities(codes: frozenset[str]) -> list[tuple[str, str]]:
    return list(
        Municipality.objects.filter(code__in=sorted(codes))
        .order_by("name")
        .values_list("code", "name")
    )


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("export", None)
    return query.urlencode()


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    """Open leave requests with their decision due date; overdue ones flagged."""
    if not may_see_registers(request.user):
        raise PermissionDenied
    title = "Verlofaanvragen"
    today = timezone.localdate()
    g = user_grants(request.user)
    form = LeaveFilterForm(
        request.GET or None, municipalities=_municipalities(g.all_cases | g.handhaving_cases)
    )
    qs = open_leave_requests(visible_cases(request.user, today), today).select_related(
        "case__person", "case__principal", "case__owner"
    )
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["gemeente"]:
                qs = qs.filter(case__principal_id=data["gemeente"])
            if data["artikel"]:
                qs = qs.filter(article=data["artikel"])
            if data["verlopen"]:
                qs = qs.filter(decision_due_on__lt=today)
        else:  # an unknown filter value shows nothing (the form says why)
            qs = qs.none()
    columns = exports.LEAVE_COLUMNS
    if request.GET.get("export") in ("csv", "xlsx"):
        items = list(qs)
        return exports.list_download(
            request,
            title=title,
            slug="verlofaanvragen",
            items=items,
            columns=columns,
            cases=[r.case for r in items],
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    items = list(page.object_list)
    if items:
        log_access(
            request.user,
            Action.VIEW,
            cases=[r.case for r in items],
            purpose=title,
            path=request.path,
        )
    return render(
        request,
        "web/leave_list.html",
        {
            "title": title,
            "form": form,
            "page": page,
            "items": items,
            "overdue": sum(1 for r in items if r.overdue),
            "query": _query(request),
        },
    )


@dataclass(frozen=True)
class ExemptionRow:
    """One exemption of the register with the youth it belongs to."""

    exemption: Exemption
    person: Person
    ending_soon: bool

    @property
    def reminded_on(self) -> Any:
        reminder = getattr(self.exemption, "end_reminder", None)
        return reminder.sent_on if reminder is not None else None


def _exemption_rows(user: Any, exemptions: list[Exemption], today: Any) -> list[ExemptionRow]:
    """Pair each exemption with its (visible) youth: one query for all of them."""
    bsns = {e.bsn for e in exemptions}
    people = {p.bsn: p for p in visible_persons(user).filter(bsn__in=bsns)} if bsns else {}
    horizon = reminder_horizon(today)
    return [
        ExemptionRow(
            exemption=e,
            person=people[e.bsn],
            ending_soon=e.end is not None and today <= e.end <= horizon,
        )
        for e in exemptions
        if e.bsn in people
    ]


@login_required
def exemption_list(request: HttpRequest) -> HttpResponse:
    """The vrijstellingen of the youth the user may see (R-23)."""
    if not may_see_registers(request.user):
        raise PermissionDenied
    title = "Vrijstellingen"
    today = timezone.localdate()
    g = user_grants(request.user)
    form = ExemptionFilterForm(request.GET or None, municipalities=_municipalities(g.persons))
    qs = exemptions_of(visible_persons(request.user, today))
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["gemeente"]:
                qs = qs.filter(municipality_id=data["gemeente"])
            if data["grond"]:
                qs = qs.filter(ground=data["grond"])
            if data["binnenkort"]:
                qs = qs.filter(end__gte=today, end__lte=reminder_horizon(today))
        else:
            qs = qs.none()
    columns = exports.EXEMPTION_COLUMNS
    if request.GET.get("export") in ("csv", "xlsx"):
        rows = _exemption_rows(request.user, list(qs), today)
        return exports.list_download(
            request,
            title=title,
            slug="vrijstellingen",
            items=rows,
            columns=columns,
            persons=[r.person for r in rows],
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = _exemption_rows(request.user, list(page.object_list), today)
    if rows:
        log_access(
            request.user,
            Action.VIEW,
            persons=[r.person for r in rows],
            purpose=title,
            path=request.path,
        )
    return render(
        request,
        "web/exemption_list.html",
        {
            "title": title,
            "form": form,
            "page": page,
            "rows": rows,
            "ending_soon": sum(1 for r in rows if r.ending_soon),
            "query": _query(request),
        },
    )
