"""Web page: upload a scenario, see its tables and a chart, or download XLSX/PDF."""

from __future__ import annotations

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from rbl.accounts.models import Role
from rbl.finance.chart import contributions_svg
from rbl.finance.export_pdf import pdf_bytes
from rbl.finance.export_xlsx import write_xlsx
from rbl.finance.forms import ScenarioUploadForm
from rbl.finance.html_report import for_template
from rbl.finance.report import build_report
from rbl.finance.results import compute
from rbl.finance.service import ScenarioRejected, scenario_from_upload

FINANCE_ROLES = (Role.BELEID, Role.COORDINATOR, Role.BEHEER)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_use_finance(user) -> bool:
    """Policy staff, coordinators and application management work with scenarios."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*FINANCE_ROLES)))


@login_required
def scenario_page(request: HttpRequest) -> HttpResponse:
    if not may_use_finance(request.user):
        raise PermissionDenied("Alleen beleid, coördinatie en applicatiebeheer.")
    if request.method != "POST":
        return render(request, "finance/scenario.html", {"form": ScenarioUploadForm()})

    form = ScenarioUploadForm(request.POST, request.FILES)
    context: dict[str, object] = {"form": form}
    if not form.is_valid():
        return render(request, "finance/scenario.html", context, status=400)
    try:
        upload = form.cleaned_data["scenario"]
        scenario = scenario_from_upload(upload.read(), upload.name)
        other_upload = form.cleaned_data.get("vergelijk")
        other = (
            scenario_from_upload(other_upload.read(), other_upload.name) if other_upload else None
        )
    except ScenarioRejected as exc:
        context["problems"] = exc.problems
        return render(request, "finance/scenario.html", context, status=400)

    result = compute(scenario)
    comparison = compute(other) if other is not None else None
    sections = build_report(result, comparison)
    name = slugify(f"financien {scenario.regio} {scenario.jaar}") or "financien"
    fmt = form.cleaned_data["formaat"]
    if fmt == "xlsx":
        buffer = BytesIO()
        heading = f"Financiën samenwerking leerplicht {scenario.regio} — begroting {scenario.jaar}"
        write_xlsx(sections, heading, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(pdf_bytes(result, sections), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    context.update(
        {
            "scenario": scenario,
            "sections": for_template(sections),
            "chart": mark_safe(contributions_svg(result)),  # noqa: S308 - built with escape()
        }
    )
    return render(request, "finance/scenario.html", context)
