"""The screens of objections and complaints. An objection or complaint the
user may not see answers 404; a screen their role may not use answers 403.
Every page showing personal data is written to the access log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rbl.accounts.access import (
    complaint_municipalities,
    may_handle_objections,
    may_use_objections,
    objection_overview_municipalities,
    visible_cases,
    visible_complaints,
    visible_objections,
)
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.objections import services
from rbl.objections.forms import (
    ComplaintForm,
    ComplaintHandlingForm,
    ListFilter,
    ObjectionForm,
    ObjectionHandlingForm,
)
from rbl.objections.models import Objection, Route
from rbl.organisation.models import Municipality


def _fail(form: Any, error: services.ObjectionError) -> None:
    """Show a refusal of the service at the field it concerns, named by its label."""
    field = error.field if error.field in form.fields else None
    if field is None:
        form.add_error(None, error.message)
        return
    message = error.message[0].lower() + error.message[1:]
    form.add_error(field, f"{form.fields[field].label}: {message}")


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_use_objections(user):
        raise PermissionDenied(
            "Bezwaren en klachten zijn er voor de coördinator en de casemanagers."
        )
    today = timezone.localdate()
    form = ListFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind, status, year = data.get("soort", ""), data.get("status", ""), data.get("jaar")
    objections = visible_objections(user, today).select_related(
        "case__person", "principal", "handler"
    )
    complaints = visible_complaints(user).select_related("municipality", "about", "handler")
    lists = []
    for key, rows in (("bezwaar", objections), ("klacht", complaints)):
        if kind and kind != key:
            rows = rows.none()
        if status == "":
            rows = rows.filter(outcome_on__isnull=True)
        elif status == "verstreken":
            rows = rows.filter(outcome_on__isnull=True, due_on__lt=today)
        if year:
            rows = rows.filter(received_on__year=year)
        lists.append(list(rows))
    shown_objections, shown_complaints = lists
    if shown_objections:
        log_access(
            user,
            Action.VIEW,
            cases=[o.case for o in shown_objections],
            purpose="Lijst bezwaren",
            path=request.path,
        )
    context = {
        "form": form,
        "objections": shown_objections,
        "complaints": shown_complaints,
        "today": today,
        "may_register_complaint": bool(complaint_municipalities(user)),
        "sees_complaints": bool(complaint_municipalities(user)),
        "sees_objections": may_handle_objections(user),
    }
    return render(
        request,
        "objections/list.html",
        context,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def objection_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    case = get_object_or_404(visible_cases(user, today).select_related("person"), pk=case_id)
    if not may_handle_objections(user):
        raise PermissionDenied("Alleen de coördinator en de casemanagers registreren bezwaren.")
    decisions = services.decisions_of(case)
    form = ObjectionForm(
        request.POST or None,
        decisions=[(d.kind, d.label) for d in decisions],
        initial={"received_on": today},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            objection = services.register_objection(
                case,
                decision_kind=d["decision"],
                decision_date=d["decision_date"],
                decision_description=d["decision_description"],
                received_on=d["received_on"],
                grounds=d["grounds"],
                committee=d["committee"],
                handler=user,
                actor=user,
                today=today,
            )
        except services.ObjectionError as error:
            _fail(form, error)
        else:
            log_access(
                user, Action.CREATE, case=case, purpose="Bezwaar geregistreerd", path=request.path
            )
            if objection.route == Route.DOORGESTUURD:
                messages.success(
                    request,
                    f"Bezwaar vastgelegd en vandaag doorgestuurd naar {objection.principal.name}.",
                )
            else:
                messages.success(
                    request,
                    "Bezwaar vastgelegd; het regionale team behandelt het, met advies van de "
                    "bezwaarcommissie van de gemeente.",
                )
            return redirect("objections:objection", pk=objection.pk)
    log_access(user, Action.VIEW, case=case, purpose="Bezwaar registreren", path=request.path)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "objections/objection_new.html", {"case": case, "form": form}, status=status
    )


def _objection_form(objection: Objection, data: Any = None) -> ObjectionHandlingForm:
    initial = {
        name: getattr(objection, name)
        for name in (
            "forwarded_on",
            "committee",
            "committee_informed_on",
            "advice_on",
            "advice",
            "postponed_on",
            "postponement_reason",
            "outcome",
            "outcome_on",
        )
    }
    initial["version"] = objection.version
    return ObjectionHandlingForm(data, initial=initial, regional=objection.route == Route.REGIONAAL)


@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    objection = get_object_or_404(
        visible_objections(user, today).select_related("case__person", "principal", "handler"),
        pk=pk,
    )
    form = _objection_form(objection, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_objection(
                objection,
                expected_version=d["version"],
                actor=user,
                today=today,
                forwarded_on=d.get("forwarded_on"),
                committee=d.get("committee", True),
                committee_informed_on=d["committee_informed_on"],
                advice_on=d["advice_on"],
                advice=d["advice"],
                postponed_on=d["postponed_on"],
                postponement_reason=d["postponement_reason"],
                outcome=d["outcome"],
                outcome_on=d["outcome_on"],
            )
        except services.ObjectionError as error:
            _fail(form, error)
        else:
            log_access(
                user,
                Action.CHANGE,
                case=objection.case,
                purpose="Bezwaar behandeld",
                path=request.path,
            )
            messages.success(request, "Behandeling van het bezwaar opgeslagen.")
            return redirect("objections:objection", pk=objection.pk)
    log_access(user, Action.VIEW, case=objection.case, purpose="Bezwaar bekeken", path=request.path)
    context = {"objection": objection, "form": form, "today": today, "case": objection.case}
    return render(
        request, "objections/objection.html", context, status=400 if form.is_bound else 200
    )


@login_required
def objection_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable note that forwards an objection to the principal municipality."""
    user = request.user
    objection = get_object_or_404(
        visible_objections(user).select_related("case__person", "principal"),
        pk=pk,
        route=Route.DOORGESTUURD,
    )
    log_access(
        user,
        Action.PRINT,
        case=objection.case,
        purpose="Doorzendnotitie bezwaar",
        path=request.path,
    )
    return render(
        request,
        "objections/objection_note.html",
        {"objection": objection, "case": objection.case, "today": timezone.localdate()},
    )


def _municipality_choices(user: Any) -> list[tuple[str, str]]:
    codes = complaint_municipalities(user)
    return list(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("code", "name")
    )


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not complaint_municipalities(user):
        raise PermissionDenied("Alleen de coördinator registreert klachten.")
    today = timezone.localdate()
    form = ComplaintForm(
        request.POST or None,
        municipalities=_municipality_choices(user),
        user=user,
        initial={"received_on": today},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.register_complaint(
                municipality=Municipality.objects.get(code=d["municipality"]),
                received_on=d["received_on"],
                complainant_kind=d["complainant_kind"],
                about=d["about"],
                summary=d["summary"],
                committee=d["committee"],
                handler=user,
                actor=user,
                today=today,
            )
        except services.ObjectionError as error:
            _fail(form, error)
        else:
            log_access(
                user,
                Action.CREATE,
                purpose=f"Klacht {complaint.pk} geregistreerd",
                path=request.path,
            )
            messages.success(request, "Klacht vastgelegd.")
            return redirect("objections:complaint", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "objections/complaint_new.html", {"form": form}, status=status)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    complaint = get_object_or_404(
        visible_complaints(user).select_related("municipality", "about", "handler"), pk=pk
    )
    initial = {
        name: getattr(complaint, name)
        for name in ("committee", "postponed_on", "postponement_reason", "outcome", "outcome_on")
    }
    initial["version"] = complaint.version
    form = ComplaintHandlingForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_complaint(
                complaint,
                expected_version=d["version"],
                today=today,
                committee=d["committee"],
                postponed_on=d["postponed_on"],
                postponement_reason=d["postponement_reason"],
                outcome=d["outcome"],
                outcome_on=d["outcome_on"],
            )
        except services.ObjectionError as error:
            _fail(form, error)
        else:
            log_access(
                user, Action.CHANGE, purpose=f"Klacht {complaint.pk} behandeld", path=request.path
            )
            messages.success(request, "Behandeling van de klacht opgeslagen.")
            return redirect("objections:complaint", pk=complaint.pk)
    log_access(user, Action.VIEW, purpose=f"Klacht {complaint.pk} bekeken", path=request.path)
    context = {"complaint": complaint, "form": form, "today": today}
    return render(
        request, "objections/complaint.html", context, status=400 if form.is_bound else 200
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    from rbl.objections.overview import year_overview
    from rbl.web.exports import XLSX_TYPE

    user = request.user
    if not objection_overview_municipalities(user):
        raise PermissionDenied("Het jaaroverzicht is er voor wie de cijfers van een gemeente ziet.")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("jaar", today.year))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return render(
            request,
            "objections/overview.html",
            {
                "error": "Kies een jaar tussen 2000 en 2100.",
                "year": today.year,
                "years": _years(today),
            },
            status=400,
        )
    data = year_overview(user, year, today)
    kind = request.GET.get("formaat", "")
    if kind in ("csv", "xlsx"):
        log_access(
            user,
            Action.EXPORT,
            purpose=f"Jaaroverzicht bezwaren en klachten {year} ({kind})",
            path=request.path,
        )
        return _download(data, kind, XLSX_TYPE)
    context = {"overview": data, "year": year, "years": _years(today), "threshold": data.threshold}
    return render(request, "objections/overview.html", context)


def _years(today: Any) -> range:
    return range(today.year, today.year - 6, -1)


def _download(data: Any, kind: str, xlsx_type: str) -> HttpResponse:
    import csv
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from rbl.web.exports import _text

    name = f"bezwaren-klachten-{data.year}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(data.header)
        for row in data.export_rows():
            writer.writerow([v if isinstance(v, int) else _text(v) for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = f"Bezwaren en klachten {data.year}"[:31]
        sheet.append(data.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in data.export_rows():
            sheet.append([v if isinstance(v, int) else _text(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=xlsx_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
