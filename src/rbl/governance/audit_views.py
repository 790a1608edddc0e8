"""The audit screens (R-50): the year's overview, planning an audit, the
audit form with its findings and follow-up actions, completing an action.
An audit the user may not see answers 404 (existence does not leak). Audits
are data about professionals: every read is written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import audits_visible_to, coordinates_audits, may_use_audits
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.governance import audits as rules
from rbl.governance.forms import AuditActionForm, AuditFillForm, AuditForm
from rbl.governance.models import Audit, AuditAction


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("jaar", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not may_use_audits(request.user) and not audits_visible_to(request.user).exists():
        raise PermissionDenied("Audits zijn er voor de coördinator en de medewerkers zelf.")
    year = _year(request)
    today = timezone.localdate()
    rows = rules.year_overview(request.user, year, today)
    log_access(
        request.user, Action.VIEW, purpose=f"Overzicht audits {year}", path=request.get_full_path()
    )
    context = {
        "year": year,
        "years": range(today.year + 1, today.year - 4, -1),
        "rows": rows,
        "coordinator": coordinates_audits(request.user),
    }
    return render(request, "governance/audits.html", context)


@login_required
def audit_new(request: HttpRequest) -> HttpResponse:
    if not coordinates_audits(request.user):
        raise PermissionDenied("Alleen de coördinator plant audits.")
    form = AuditForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        audit = form.save(commit=False)
        audit.created_by = request.user
        audit.save()
        messages.success(request, "De audit is gepland.")
        return redirect("governance:audit", pk=audit.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "governance/audit_new.html", {"form": form}, status=status)


def _context(request: HttpRequest, audit: Audit, **forms) -> dict:
    can_fill = rules.may_fill(request.user, audit)
    actions = list(audit.actions.select_related("owner", "done_by"))
    for action in actions:
        action.may_complete = rules.may_complete(request.user, action)
    return {
        "audit": audit,
        "may_fill": can_fill,
        "actions": actions,
        "today": timezone.localdate(),
        "fill_form": forms.get("fill_form")
        or (AuditFillForm(instance=audit) if can_fill else None),
        "action_form": forms.get("action_form")
        or (AuditActionForm(prefix="actie") if can_fill else None),
    }


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_object_or_404(
        audits_visible_to(request.user).select_related("audited", "auditor"), pk=pk
    )
    if request.method != "POST":
        log_access(
            request.user,
            Action.VIEW,
            purpose=f"Audit {audit.year} bekeken",
            path=request.get_full_path(),
        )
        return render(request, "governance/audit.html", _context(request, audit))
    if not rules.may_fill(request.user, audit):
        raise PermissionDenied("Alleen de auditor en de coördinator vullen de audit in.")
    form = AuditFillForm(request.POST, instance=audit)
    if form.is_valid():
        form.save()
        messages.success(request, "De audit is opgeslagen.")
        return redirect("governance:audit", pk=audit.pk)
    context = _context(request, Audit.objects.get(pk=audit.pk), fill_form=form)
    return render(request, "governance/audit.html", context, status=400)


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_object_or_404(audits_visible_to(request.user), pk=pk)
    if not rules.may_fill(request.user, audit):
        raise PermissionDenied("Alleen de auditor en de coördinator zetten verbeteracties uit.")
    form = AuditActionForm(request.POST, prefix="actie")
    if form.is_valid():
        action = form.save(commit=False)
        action.audit = audit
        action.save()
        messages.success(request, "De verbeteractie is toegevoegd.")
        return redirect("governance:audit", pk=audit.pk)
    return render(
        request, "governance/audit.html", _context(request, audit, action_form=form), status=400
    )


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        AuditAction.objects.filter(audit__in=audits_visible_to(request.user)).select_related(
            "audit"
        ),
        pk=pk,
    )
    if not rules.may_complete(request.user, action):
        raise PermissionDenied("Alleen de eigenaar, de auditor en de coördinator ronden af.")
    if rules.complete_action(action, request.user, timezone.localdate()):
        messages.success(request, f"Verbeteractie “{action.description}” is afgerond.")
    else:
        messages.info(request, "Deze verbeteractie was al afgerond.")
    return redirect("governance:audit", pk=action.audit_id)
