"""The bulk reassignment screen (R-05), /werkverdeling/herverdelen/: choose an
officer (and filters), preview their open cases, tick them and confirm. Only
the ticked previewed cases that are, at the moment of confirming, still open,
still that officer's and still within the user's municipalities move
(`rbl.cases.services.assignment.reassign_cases`); the rest is reported by
count and reason. The preview shows cases, so it is written to the access log;
the move goes to the security log without any youth's data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rbl.accounts.access import (
    divisible_officers,
    reassignable_cases,
    reassignable_owners,
    visible_cases,
)
from rbl.accounts.security import record_setup_change
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import CaseType
from rbl.cases.services.assignment import ReassignResult, reassign_cases
from rbl.cases.services.werkverdeling import name_of
from rbl.cases.views.werkverdeling import guard, municipalities_of

PREVIEW_SALT = "rbl.werkverdeling.herverdelen"
PREVIEW_MAX_AGE = 4 * 3600  # seconds a preview may be confirmed


class ReassignFilter(forms.Form):
    medewerker = forms.ModelChoiceField(
        label="Medewerker van wie de zaken komen", queryset=None, empty_label="— kies —"
    )
    gemeente = forms.ChoiceField(label="Gemeente (opdrachtgever)", required=False)
    soort = forms.ChoiceField(
        label="Soort zaak", required=False, choices=[("", "Alle soorten"), *CaseType.choices]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["medewerker"]
        field.queryset = reassignable_owners(user).order_by("first_name", "last_name", "username")
        field.label_from_instance = lambda u: name_of(u) + ("" if u.is_active else " (inactief)")
        field.error_messages["required"] = "Kies de medewerker van wie de zaken komen."
        field.error_messages["invalid_choice"] = "Kies een medewerker uit de lijst."
        self.fields["gemeente"].choices = [("", "Alle gemeenten")] + [
            (m.code, m.name) for m in municipalities_of(user)
        ]
        self.fields["gemeente"].error_messages["invalid_choice"] = "Kies een gemeente uit de lijst."
        self.fields["soort"].error_messages["invalid_choice"] = "Kies een soort uit de lijst."


def _preview(request: HttpRequest, filters: ReassignFilter) -> dict:
    d = filters.cleaned_data
    officer = d["medewerker"]
    qs = reassignable_cases(request.user).filter(owner=officer)
    if d["gemeente"]:
        qs = qs.filter(principal_id=d["gemeente"])
    if d["soort"]:
        qs = qs.filter(type=d["soort"])
    cases = list(qs.select_related("person", "principal").order_by("opened_on", "pk"))
    readable = set(
        visible_cases(request.user)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("pk", flat=True)
    )
    for c in cases:
        c.shows_name = c.pk in readable
    if cases:
        log_access(
            request.user,
            Action.VIEW,
            cases=cases,
            purpose="herverdelen: voorvertoning",
            path=request.path,
        )
    token = signing.dumps({"van": officer.pk, "zaken": [c.pk for c in cases]}, salt=PREVIEW_SALT)
    targets = divisible_officers(request.user).exclude(pk=officer.pk)
    return {
        "officer": officer,
        "officer_name": name_of(officer),
        "cases": cases,
        "token": token,
        "targets": targets.order_by("first_name", "last_name", "username"),
    }


def _confirm(request: HttpRequest) -> tuple[str | None, dict]:
    """Move the ticked previewed cases; returns a Dutch error or None, and the
    context to show the preview again."""
    try:
        preview = signing.loads(
            request.POST.get("voorvertoning", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
        )
    except signing.BadSignature:
        return "De voorvertoning is verlopen of ongeldig; vraag haar opnieuw op.", {}
    officer = reassignable_owners(request.user).filter(pk=preview["van"]).first()
    if officer is None:
        raise Http404
    previewed = set(preview["zaken"])
    ticked = [int(i) for i in request.POST.getlist("zaak") if i.isdigit()]
    chosen = [i for i in ticked if i in previewed]
    target_raw = request.POST.get("naar", "")
    target = (
        divisible_officers(request.user)
        .exclude(pk=officer.pk)
        .filter(pk=int(target_raw) if target_raw.isdigit() else 0)
        .first()
    )
    if target is None:
        return "Nieuwe eigenaar: kies een medewerker uit de lijst.", {}
    if not chosen:
        return "Zaken: vink ten minste één zaak aan om over te dragen.", {}
    result = ReassignResult()
    moved = reassign_cases(
        chosen,
        target,
        actor=request.user,
        note="Herverdeling",
        from_user=officer,
        within=reassignable_cases(request.user),
        result=result,
    )
    record_setup_change(
        request.user,
        f"Herverdeling: {moved} {'zaak' if moved == 1 else 'zaken'} van {name_of(officer)} "
        f"naar {name_of(target)}",
        request=request,
    )
    messages.success(
        request,
        f"{moved} {'zaak' if moved == 1 else 'zaken'} overgedragen aan {name_of(target)}.",
    )
    if result.skipped:
        parts = [
            f"{n} {'zaak' if n == 1 else 'zaken'} {reason}" for reason, n in result.skipped.items()
        ]
        messages.warning(request, "Niet overgedragen: " + "; ".join(parts) + ".")
    return None, {}


@login_required
def reassign(request: HttpRequest) -> HttpResponse:
    """Choose an officer (and filters), preview their open cases, tick and confirm."""
    guard(request)
    error = None
    if request.method == "POST":
        error, _ = _confirm(request)
        if error is None:
            return redirect("werkverdeling:reassign")
    filters = ReassignFilter(
        request.GET if "medewerker" in request.GET else None, user=request.user
    )
    context: dict = {"filters": filters, "error": error}
    if filters.is_bound and filters.is_valid():
        context.update(_preview(request, filters))
    bad = bool(error) or (filters.is_bound and not filters.is_valid())
    return render(request, "cases/werkverdeling/reassign.html", context, status=400 if bad else 200)
