"""Targets (streefwaarden) per school year for the region and each municipality:
the coordinator sets them for the region and every municipality, a policy
adviser for their own municipality only (`rbl.reporting.editors`). Another
municipality, or the region, answers 404 to who may not set it; a role that
sets no targets at all gets 403."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.reporting.definitions import SchoolYear, Section, figure
from rbl.reporting.editors import editable_for, municipality_code
from rbl.reporting.forms import TargetsForm
from rbl.reporting.numbers import format_value, input_value
from rbl.reporting.reference import national_reference
from rbl.reporting.targets import (
    TargetConflict,
    direction,
    keys_for,
    save_targets,
    target_changes,
    targets_for,
)


def school_year_param(text: str) -> SchoolYear:
    """The school year of a query parameter (this one when absent); 404 when unreadable."""
    if not text:
        return SchoolYear.of(timezone.localdate())
    try:
        return SchoolYear.parse(text)
    except ValueError:
        raise Http404 from None


def year_choices(selected: SchoolYear) -> list[str]:
    """Two school years back to one ahead of today's, and the selected one."""
    current = SchoolYear.of(timezone.localdate())
    years = {SchoolYear(current.first_year + d) for d in (-2, -1, 0, 1)} | {selected}
    return [str(y) for y in sorted(years, reverse=True)]


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    editable = editable_for(request.user)
    if not editable:
        raise PermissionDenied("Alleen de coördinator en de beleidsmedewerker van de gemeente.")
    year = school_year_param(request.GET.get("schooljaar", ""))
    gemeente = request.GET.get("gemeente") or editable.default()
    if not editable.allows(gemeente):
        raise Http404
    code = municipality_code(gemeente)
    keys = keys_for(code)
    current = targets_for(year, code)
    here = f"{reverse('reporting:targets')}?{urlencode({'schooljaar': str(year), 'gemeente': gemeente})}"
    status = 200
    if request.method == "POST":
        form = TargetsForm(keys, request.POST)
        result = None
        if form.is_valid():
            try:
                result = save_targets(
                    year, code, form.values(), user=request.user, basis=form.basis()
                )
            except TargetConflict as conflict:
                names = ", ".join(dict(keys)[k] for k in conflict.keys)
                form.add_error(
                    None,
                    "Iemand anders heeft intussen deze streefwaarden gewijzigd: "
                    f"{names}. Er is niets opgeslagen. Hieronder staan uw waarden; "
                    "de nieuwe waarden staan bij Laatste wijzigingen. Sla opnieuw op "
                    "om uw waarden toch vast te stellen.",
                )
                # Saving again deliberately overwrites: the basis is now today's values.
                data = request.POST.copy()
                data["basis"] = TargetsForm.encode_basis(targets_for(year, code))
                form.data = data
                status = 409
        if result is not None:
            if result.changed:
                messages.success(
                    request,
                    f"Streefwaarden {year} voor {editable.title(gemeente)} opgeslagen: "
                    f"{result.created} nieuw, {result.updated} gewijzigd, "
                    f"{result.deleted} verwijderd.",
                )
            else:
                messages.info(request, "Er was niets gewijzigd.")
            return redirect(here)
        status = status if form.non_field_errors() else 400
    else:
        initial = {k: input_value(v) for k, v in current.items()}
        form = TargetsForm(keys, initial={**initial, "basis": TargetsForm.encode_basis(current)})
    reference = national_reference(year)
    sections: dict[str, list[dict]] = {s.value: [] for s in Section}
    for key, _label in keys:
        f = figure(key)
        ref = reference.get(key)
        sections[f.section.value].append(
            {
                "key": key,
                "field": form[key],
                "code": "." in key,
                "definition": f.definition,
                "definition_id": f"def-{f.key}",
                "direction": direction(key),
                "reference": format_value(key, ref.value) if ref else "",
                "reference_sample": bool(ref and ref.is_sample),
            }
        )
    labels = dict(keys)
    changes = [
        {
            "at": c.changed_at,
            "by": c.username,
            "label": labels.get(c.key, c.key),
            "old": format_value(c.key, c.old_value) if c.old_value is not None else "geen",
            "new": format_value(c.key, c.new_value) if c.new_value is not None else "geen",
        }
        for c in target_changes(year, code)
    ]
    context = {
        "form": form,
        "year": str(year),
        "years": year_choices(year),
        "gemeente": gemeente,
        "choices": editable.choices(),
        "title": editable.title(gemeente),
        "sections": [(name, rows) for name, rows in sections.items() if rows],
        "changes": changes,
        "has_reference": bool(reference),
        "action": here,
    }
    return render(request, "reporting/targets.html", context, status=status)
