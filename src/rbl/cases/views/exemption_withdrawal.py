"""Withdrawing the exemption decision of a vrijstelling case (R-23): for who
may change the case (404 when the user may not see it, 403 when only read).
The exemption ends the day before; DUO's register hears of it with the next
export (`cases/services/exemption_register.py`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rbl.accounts.access import editable_cases, visible_cases
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.forms import ExemptionWithdrawalForm
from rbl.cases.models import Case, CaseType, ExemptionWithdrawal
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.exemptions import withdraw_exemption

PURPOSE = "Vrijstelling intrekken"


def _case(request: HttpRequest, case_id: int) -> Case:
    case = (
        editable_cases(request.user)
        .select_related("person", "principal", "exemption")
        .filter(pk=case_id, type=CaseType.VRIJSTELLING, exemption__isnull=False)
        .first()
    )
    if case is None:
        readable = visible_cases(request.user).filter(
            pk=case_id, type=CaseType.VRIJSTELLING, exemption__isnull=False
        )
        if readable.exists():
            raise PermissionDenied
        raise Http404
    return case


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    withdrawal = ExemptionWithdrawal.objects.filter(exemption_id=case.exemption_id).first()
    status = 200
    if request.method == "POST" and withdrawal is None:
        form = ExemptionWithdrawalForm(request.POST, auto_id="intrekking_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                withdraw_exemption(
                    case,
                    withdrawn_from=data["withdrawn_from"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                    actor=request.user,
                    expected_version=data["version"],
                )
            except ConcurrentEditError as exc:
                case = _case(request, case_id)
                form = ExemptionWithdrawalForm(
                    {**request.POST.dict(), "version": case.version}, auto_id="intrekking_%s"
                )
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                done = f"De vrijstelling is ingetrokken per {data['withdrawn_from']:%d-%m-%Y}."
                log_access(request.user, Action.CHANGE, case=case, purpose=done, path=request.path)
                messages.success(request, done)
                return redirect(reverse("web:case", args=[case.pk]))
        else:
            status = 400
    else:
        form = ExemptionWithdrawalForm(initial={"version": case.version}, auto_id="intrekking_%s")
        log_access(request.user, Action.VIEW, case=case, purpose=PURPOSE, path=request.path)
    context = {
        "case": case,
        "person": case.person,
        "exemption": case.exemption,
        "withdrawal": withdrawal,
        "form": form,
    }
    return render(request, "cases/exemption_withdraw.html", context, status=status)
