"""The national reference figures (landelijke referentie, R-32): what is loaded,
per school year with its source, and the upload that replaces a school year's
figures. For the coordinator and application management; others get 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rbl.reporting.definitions import figure
from rbl.reporting.editors import may_load_reference
from rbl.reporting.forms import ReferenceUploadForm
from rbl.reporting.numbers import format_value, known_keys
from rbl.reporting.reference import ReferenceRejected, load_reference, reference_by_year


@login_required
def reference_page(request: HttpRequest) -> HttpResponse:
    if not may_load_reference(request.user):
        raise PermissionDenied("Alleen de coördinator en applicatiebeheer.")
    status = 200
    problems: list = []
    if request.method == "POST":
        form = ReferenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = load_reference(
                    form.cleaned_data["bestand"].read(),
                    is_sample=form.cleaned_data["voorbeeld"],
                    user=request.user,
                )
            except ReferenceRejected as exc:
                problems = exc.problems
            else:
                messages.success(request, result.summary())
                return redirect("reporting:reference")
        status = 400
    else:
        form = ReferenceUploadForm()
    labels = known_keys()
    years = [
        {
            "school_year": year.school_year,
            "is_sample": year.is_sample,
            "sources": year.sources,
            "rows": [
                {
                    "key": f.key,
                    "label": labels.get(f.key, f.key),
                    "value": format_value(f.key, f.value),
                    "source": f.source,
                    "is_sample": f.is_sample,
                    "loaded_at": f.loaded_at,
                    "loaded_by": f.loaded_by,
                }
                for f in year.figures
            ],
        }
        for year in reference_by_year()
    ]
    keys = [
        (key, label, "ratio" if figure(key).is_rate else "aantal") for key, label in labels.items()
    ]
    context = {"form": form, "problems": problems, "years": years, "keys": keys}
    return render(request, "reporting/reference.html", context, status=status)
