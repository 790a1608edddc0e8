"""The screens for handing a case over after the youth moved (issue 20 item
4, R-26), mounted at /keten/: forwarding to the leerplicht office of a
municipality outside the region, and handing over to a municipality of the
region when the BRP import did not do it.

Who may do it comes from `rbl.accounts.access.forwardable_cases` (who may
change the open case); a reader gets 403, anyone else 404. The form carries
the case version the user saw (409 on a change meanwhile). Views are logged
in the access log; the forwarding itself is logged as an export by the
service. No URL holds a BSN."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.accounts.access import (
    case_to_change,
    forwardable_cases,
    forwardable_reports_for,
    report_forwarding_municipalities,
    visible_cases,
)
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.moves import move_case_in_region
from rbl.chain.forms import ForwardForm, ForwardReportForm, MoveInRegionForm
from rbl.chain.forwarding import forward_case, forward_report
from rbl.letters.models import Document
from rbl.organisation.models import Municipality


def _case_documents(case: Case) -> list[Document]:
    return list(Document.objects.filter(case=case).order_by("created_at", "pk"))


@login_required
def forward(request: HttpRequest, case_id: int) -> HttpResponse:
    """Forward the case to a municipality outside the region (GET the form, POST it)."""
    case = case_to_change(request.user, case_id, forwardable_cases(request.user))
    documents = _case_documents(case)
    status = 200
    if request.method == "POST":
        form = ForwardForm(request.POST, documents=documents, auto_id="fw_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                forward_case(
                    case,
                    municipality_code=data["municipality_code"],
                    municipality_name=data["municipality_name"],
                    document_ids=[int(i) for i in data["documents"]],
                    actor=request.user,
                    expected_version=data["version"],
                    path=request.path,
                )
            except ConcurrentEditError as exc:
                case = case_to_change(request.user, case_id, forwardable_cases(request.user))
                form = ForwardForm(
                    {
                        **request.POST.dict(),
                        "documents": request.POST.getlist("documents"),
                        "version": case.version,
                    },
                    documents=documents,
                    auto_id="fw_%s",
                )
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    "De zaak is overgedragen: de overdrachtsbrief is gemaakt en bij de zaak "
                    "bewaard, en de zaak is afgesloten (verhuisd buiten de regio).",
                )
                return redirect(reverse("web:case", args=[case.pk]) + "#h-keten")
        else:
            status = 400
    else:
        form = ForwardForm(initial={"version": case.version}, documents=documents, auto_id="fw_%s")
        log_access(
            request.user,
            Action.VIEW,
            case=case,
            purpose="overdracht aan gemeente buiten de regio",
            path=request.path,
        )
    context = {"case": case, "person": case.person, "form": form}
    return render(request, "chain/forward.html", context, status=status)


@login_required
def move_in_region(request: HttpRequest, case_id: int) -> HttpResponse:
    """Hand the case over to another municipality of the region."""
    case = case_to_change(request.user, case_id, forwardable_cases(request.user))
    municipalities = list(
        Municipality.objects.filter(region_id=case.principal.region_id)
        .exclude(pk=case.principal_id)
        .order_by("name")
    )
    status = 200
    if request.method == "POST":
        form = MoveInRegionForm(request.POST, municipalities=municipalities, auto_id="mv_%s")
        if form.is_valid():
            data = form.cleaned_data
            target = next(m for m in municipalities if m.pk == data["municipality"])
            try:
                moved = move_case_in_region(
                    case,
                    target,
                    actor=request.user,
                    expected_version=data["version"],
                    on=data["moved_on"],
                    note="Verhuisd binnen de regio",
                )
            except ConcurrentEditError as exc:
                case = case_to_change(request.user, case_id, forwardable_cases(request.user))
                form = MoveInRegionForm(
                    {**request.POST.dict(), "version": case.version},
                    municipalities=municipalities,
                    auto_id="mv_%s",
                )
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                log_access(
                    request.user,
                    Action.CHANGE,
                    case=moved,
                    purpose=f"zaak overgedragen aan gemeente {target.name}",
                    path=request.path,
                )
                messages.success(
                    request,
                    f"De zaak is overgedragen aan de gemeente {target.name}.",
                )
                if (
                    forwardable_cases(request.user).filter(pk=case.pk).exists()
                    or visible_cases(request.user).filter(pk=case.pk).exists()
                ):
                    return redirect(reverse("web:case", args=[case.pk]))
                return redirect(reverse("web:home"))
        else:
            status = 400
    else:
        form = MoveInRegionForm(
            initial={"version": case.version, "moved_on": timezone.localdate()},
            municipalities=municipalities,
            auto_id="mv_%s",
        )
        log_access(
            request.user,
            Action.VIEW,
            case=case,
            purpose="overdracht aan gemeente in de regio",
            path=request.path,
        )
    context = {"case": case, "person": case.person, "form": form}
    return render(request, "chain/move_region.html", context, status=status)


# --- DUO reports of youth who moved out of the region --------------------------------


def _report_codes(request: HttpRequest) -> list[str]:
    codes = sorted(report_forwarding_municipalities(request.user))
    if not codes:
        raise PermissionDenied
    return codes


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The DUO reports of youth who had moved out of the region before the
    report came in, waiting to be forwarded to the new municipality."""
    _report_codes(request)
    items = list(
        forwardable_reports_for(request.user)
        .select_related("person__municipality", "school")
        .order_by("meldingsdatum", "pk")
    )
    log_access(
        request.user,
        Action.VIEW,
        persons=[m.person_id for m in items],
        purpose="verzuimmeldingen van verhuisde jongeren",
        path=request.path,
    )
    return render(request, "chain/reports.html", {"items": items})


@login_required
def report_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Forward one such report (GET the form, POST it)."""
    melding = (
        forwardable_reports_for(request.user)
        .select_related("person__municipality", "school")
        .filter(pk=pk)
        .first()
    )
    if melding is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ForwardReportForm(request.POST, auto_id="fwm_%s")
        if form.is_valid():
            try:
                forward_report(
                    melding,
                    municipality_code=form.cleaned_data["municipality_code"],
                    municipality_name=form.cleaned_data["municipality_name"],
                    actor=request.user,
                    path=request.path,
                )
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    f"Verzuimmelding {melding.meldingsnummer} is doorgestuurd; de brief is bij "
                    "de jongere bewaard en de melding is voor DUO afgesloten.",
                )
                return redirect(reverse("chain:reports"))
        else:
            status = 400
    else:
        form = ForwardReportForm(auto_id="fwm_%s")
        log_access(
            request.user,
            Action.VIEW,
            persons=[melding.person_id],
            purpose="verzuimmelding doorsturen",
            path=request.path,
        )
    context = {"melding": melding, "person": melding.person, "form": form}
    return render(request, "chain/report_forward.html", context, status=status)
