"""The import page: upload a file of any kind, follow its progress, read the
error report (line, column, reason) and download it as CSV.

The import itself runs as a task on the queue (rbl.registry.imports.jobs), in a
`rbl db_worker` process; these views only start it and read its job row."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rbl.registry.imports import KINDS, jobs
from rbl.registry.models import ImportJobState, ImportLog
from rbl.web.forms import ImportForm
from rbl.web.permissions import may_import


def _check(request: HttpRequest) -> None:
    if not may_import(request.user):
        raise PermissionDenied


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _check(request)
    max_mb = settings.RBL_MAX_UPLOAD_MB
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, max_mb=max_mb)
        if form.is_valid():
            data = form.cleaned_data
            job = jobs.start(
                request.user,
                data["kind"],
                data["file"],
                municipalities=[m.code for m in data["gemeenten"]] or None,
                peildatum=data["peildatum"],
                skip_invalid=data["skip_invalid"],
            )
            return redirect(reverse("web:import-job", args=[job.id]))
        status = 400
    else:
        form = ImportForm(max_mb=max_mb)
    logs = ImportLog.objects.select_related("user").order_by("-started_at")[:25]
    kinds = [(name, kind.label) for name, kind in KINDS.items()]
    return render(
        request,
        "web/import.html",
        {
            "form": form,
            "logs": logs,
            "kinds": kinds,
            "max_mb": max_mb,
            "running": jobs.unfinished(request.user),
        },
        status=status,
    )


def _job(request: HttpRequest, job_id: UUID):
    """The job, for the user who started it only: anyone else gets 404."""
    _check(request)
    job = jobs.get(job_id, request.user)
    if job is None:
        raise Http404
    return job


def rows_with_errors(count: int) -> str:
    """The rejected rows in Dutch: 1 regel met een fout, 2 regels met fouten
    (rows, not errors: one row may have several)."""
    return "1 regel met een fout" if count == 1 else f"{count} regels met fouten"


def rejected_rows(count: int) -> str:
    """The rows left out in Dutch: 1 afgekeurde regel, 2 afgekeurde regels."""
    return "1 afgekeurde regel" if count == 1 else f"{count} afgekeurde regels"


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(request, job_id)
    errors, values_shown = jobs.shown_errors(job)
    result = job.result or {}
    rejected = int(result.get("rejected") or 0)
    # Jobs stored before error_count existed counted one error per rejected row.
    error_count = int(result.get("error_count") or rejected)
    return render(
        request,
        "web/import_job.html",
        {
            "job": job,
            "result": job.result,
            "errors": errors,
            "values_shown": values_shown,
            "rows_with_errors": rows_with_errors(rejected),
            "rejected_rows": rejected_rows(rejected),
            "errors_cut": error_count > len(errors),
            "error_count": error_count,
        },
    )


@login_required
@require_POST
def import_job_confirm(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The user who started a refused BRP extract confirms its departures: it is
    imported again, accepting them (jobs.confirm)."""
    job = _job(request, job_id)
    if job.state == ImportJobState.CONFIRM:
        if request.POST.get("besluit") == "annuleren":
            jobs.cancel(job)
        else:
            jobs.confirm(job)
    return redirect(reverse("web:import-job", args=[job.id]))


@login_required
@require_GET
def import_job_status(request: HttpRequest, job_id: UUID) -> JsonResponse:
    return JsonResponse(jobs.status(_job(request, job_id)))


@login_required
@require_GET
def import_errors_csv(request: HttpRequest, log_id: int) -> HttpResponse:
    """The stored error report: line, column and reason, never a personal value."""
    _check(request)
    log = get_object_or_404(ImportLog, pk=log_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["regel", "kolom", "reden"])
    for error in log.errors:
        writer.writerow([error.get("line", ""), error.get("column", ""), error.get("reason", "")])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="importfouten-{log.pk}.csv"'
    return response
