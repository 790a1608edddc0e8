"""DUO's exemptions register (R-23) for the central administration and the
coordinator: how many decisions the next file holds (a dry run), the file as
a download (recorded as an export run, every youth in it written to the
access log) and the previous runs. The BSN is only inside the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rbl.accounts.access import exemption_register_municipalities
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.services.exemption_register import (
    export_exemption_register_text,
    preview,
    recent_exports,
)
from rbl.organisation.models import Municipality
from rbl.registry.models import Person

TITLE = "Vrijstellingenregister DUO"


@login_required
@require_http_methods(["GET", "POST"])
def duo_register_page(request: HttpRequest) -> HttpResponse:
    codes = sorted(exemption_register_municipalities(request.user))
    if not codes:
        raise PermissionDenied
    if request.method == "POST":
        return _download(request, codes)
    names = list(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("name", flat=True)
    )
    return render(
        request,
        "cases/duo_register.html",
        {
            "title": TITLE,
            "counts": preview(codes),
            "names": names,
            "runs": recent_exports(codes),
        },
    )


def _download(request: HttpRequest, codes: list[str]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    file_name = f"vrijstellingen_register-{stamp}.csv"
    text, run = export_exemption_register_text(codes=codes, user=request.user, file_name=file_name)
    bsns = run.lines.values_list("exemption__bsn", flat=True)
    persons = Person.objects.filter(bsn__in=list(bsns)).values_list("pk", flat=True)
    log_access(
        request.user,
        Action.EXPORT,
        persons=list(persons),
        purpose=f"export vrijstellingenregister DUO ({run.count} regels)",
        path=request.path,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
