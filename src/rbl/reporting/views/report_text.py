"""The annual report's own text (R-31) of a municipality or of the region,
edited by the municipality's policy adviser and the coordinator
(`rbl.reporting.editors`): 404 for a municipality (or the region) the user may
not edit, 403 for a role that edits no text at all. A save based on an older
version is refused with a message, the user's text kept in the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from rbl.reporting.definitions import SchoolYear
from rbl.reporting.editors import editable_for, municipality_code
from rbl.reporting.forms import ReportTextForm
from rbl.reporting.report_text import (
    StaleText,
    current_text,
    paragraphs,
    save_report_text,
)

CONFLICT = (
    "Iemand anders heeft deze tekst intussen gewijzigd. Uw tekst is niet opgeslagen en "
    "staat hieronder nog in het formulier; de tekst zoals die nu is opgeslagen staat "
    "erboven. Neem over wat u wilt houden en sla opnieuw op."
)


def annual_report_url(school_year: str, gemeente: str) -> str:
    """The annual report of the school year and municipality (or 'regio')."""
    try:
        return reverse("reporting:annual-report", args=[school_year, gemeente])
    except NoReverseMatch:  # the annual report page is not routed (yet)
        return f"{reverse('reporting:dashboard')}jaarverslag/{school_year}/{gemeente}/"


@login_required
def report_text_page(request: HttpRequest, schooljaar: str, gemeente: str) -> HttpResponse:
    editable = editable_for(request.user)
    if not editable:
        raise PermissionDenied("Alleen de coördinator en de beleidsmedewerker van de gemeente.")
    try:
        year = str(SchoolYear.parse(schooljaar))
    except ValueError:
        raise Http404 from None
    if year != schooljaar or not editable.allows(gemeente):
        raise Http404
    code = municipality_code(gemeente)
    saved = current_text(year, code)
    status = 200
    conflict = False
    if request.method == "POST":
        form = ReportTextForm(request.POST)
        if form.is_valid():
            try:
                save_report_text(
                    year,
                    code,
                    form.cleaned_data["tekst"],
                    expected_version=form.cleaned_data["versie"],
                    user=request.user,
                )
            except StaleText as exc:
                saved = exc.current
                conflict = True
                status = 409
                # The user's text stays; the form now builds on the version shown above.
                form = ReportTextForm(
                    initial={
                        "tekst": form.cleaned_data["tekst"],
                        "versie": saved.version if saved else 0,
                    }
                )
            else:
                messages.success(request, "De tekst voor het jaarverslag is opgeslagen.")
                return redirect(annual_report_url(year, gemeente))
        else:
            status = 400
    else:
        form = ReportTextForm(
            initial={"tekst": saved.text if saved else "", "versie": saved.version if saved else 0}
        )
    form.fields["tekst"].label = (
        "Tekst van de regio"
        if code is None
        else f"Tekst van de gemeente {editable.title(gemeente)}"
    )
    context = {
        "form": form,
        "year": year,
        "gemeente": gemeente,
        "title": editable.title(gemeente),
        "saved": saved,
        "saved_paragraphs": paragraphs(saved.text) if saved else [],
        "conflict": conflict,
        "conflict_message": CONFLICT,
        "report_url": annual_report_url(year, gemeente),
    }
    return render(request, "reporting/report_text.html", context, status=status)
