"""The case page and its forms: add an activity or conversation, choose the
MAS route, close with a reason. Each form carries the case version the user
saw; a concurrent change answers with a Dutch conflict message (409) instead
of overwriting it (R-64)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rbl.accounts.access import can_edit_case
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.lifecycle import add_activity, choose_route, close_case
from rbl.web.forms import ActivityForm, CloseForm, RouteForm
from rbl.web.queries import case_for_page


def _load(request: HttpRequest, case_id: int) -> Case:
    case = case_for_page(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _page(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    editable = can_edit_case(request.user, case) and not case.is_closed
    initial = {"version": case.version}
    forms_ = {
        "activity": ActivityForm(initial=initial, auto_id="act_%s"),
        "route": RouteForm(initial={**initial, "route": case.route or None}, auto_id="route_%s"),
        "close": CloseForm(initial=initial, auto_id="close_%s"),
    }
    forms_.update(bound or {})
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "editable": editable,
        "former_owner_only": not editable and not case.is_closed,
        "meldingen": list(case.meldingen.select_related("school").order_by("-meldingsdatum")),
        "activities": list(case.activities.select_related("author").order_by("-date", "-pk")),
        "events": list(case.events.select_related("actor").order_by("-at", "-pk")),
        "tasks": list(case.tasks.select_related("assignee").order_by("done_on", "due_on")),
        "handhaving": list(case.handhaving.select_related("handler")),
        "forms": forms_,
    }
    return render(request, "web/case.html", context, status=status)


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _load(request, case_id)
    log_access(request.user, Action.VIEW, case=case, purpose="zaak", path=request.path)
    return _page(request, case)


def _act(
    request: HttpRequest,
    case_id: int,
    form_class: type[forms.Form],
    key: str,
    apply: Callable[[Case, dict[str, Any], int], Any],
    done: str,
) -> HttpResponse:
    case = _load(request, case_id)
    prefix = {"activity": "act_%s", "route": "route_%s", "close": "close_%s"}[key]
    form = form_class(request.POST, auto_id=prefix)
    if not can_edit_case(request.user, case):
        messages.error(request, "U mag deze zaak niet wijzigen.")
        return _page(request, case, status=403)
    if not form.is_valid():
        return _page(request, case, bound={key: form}, status=400)
    data = form.cleaned_data
    try:
        apply(case, data, data["version"])
    except ConcurrentEditError as exc:
        fresh = _load(request, case_id)
        kept = form_class({**request.POST.dict(), "version": fresh.version}, auto_id=prefix)
        messages.error(request, exc.message)
        return _page(request, fresh, bound={key: kept}, status=409)
    except CaseRuleError as exc:
        form.add_error(None, exc.message)
        return _page(request, case, bound={key: form}, status=400)
    log_access(request.user, Action.CHANGE, case=case, purpose=done, path=request.path)
    messages.success(request, done)
    return redirect(reverse("web:case", args=[case.pk]))


@login_required
@require_POST
def add_activity_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return add_activity(
            case,
            data["kind"],
            author=request.user,
            expected_version=version,
            on=data["date"],
            notes=data["notes"],
        )

    return _act(request, case_id, ActivityForm, "activity", apply, "Activiteit vastgelegd.")


@login_required
@require_POST
def choose_route_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return choose_route(
            case, data["route"], actor=request.user, expected_version=version, note=data["note"]
        )

    return _act(request, case_id, RouteForm, "route", apply, "Route vastgelegd.")


@login_required
@require_POST
def close_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return close_case(
            case, data["reason"], actor=request.user, expected_version=version, note=data["note"]
        )

    return _act(request, case_id, CloseForm, "close", apply, "Zaak afgesloten.")
