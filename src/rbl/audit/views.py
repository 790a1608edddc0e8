"""The privacy officer's retention screen (R-29): the tombstones of removed
case files, filtered by period and rule, and the legal holds set by hand.
No file is shown: only case numbers, kinds, rules and dates."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rbl.accounts.access import can_read_access_log
from rbl.audit.models import LegalHold, RemovalKind, RetentionSubject, Tombstone
from rbl.audit.retention import FILE_SUBJECTS, HoldError, lift_hold, set_hold
from rbl.cases.models import Case
from rbl.web import opaque
from rbl.web.forms import AccessibleForm, DateInput

RULE_CHOICES = [("", "alle")] + [(s.value, s.label) for s in FILE_SUBJECTS]


class TombstoneFilter(AccessibleForm):
    van = forms.DateField(label="Verwijderd vanaf", required=False, widget=DateInput)
    tot = forms.DateField(label="Verwijderd tot en met", required=False, widget=DateInput)
    regel = forms.ChoiceField(label="Bewaartermijn", required=False, choices=RULE_CHOICES)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise forms.ValidationError("De datum 'vanaf' ligt na de datum 'tot en met'.")
        return data


class HoldForm(AccessibleForm):
    zaak = forms.CharField(
        label="Zaaknummer (zoals in de adresbalk van de zaak, of het nummer)", max_length=20
    )
    reden = forms.CharField(label="Reden (procedure of onderzoek)", max_length=300)

    def clean_zaak(self) -> Case:
        value = self.cleaned_data["zaak"].strip().lower()
        try:
            pk = int(value) if value.isdigit() else opaque.decode("case", value)
        except ValueError:
            pk = None
        case = Case.objects.filter(pk=pk).first() if pk is not None else None
        if case is None:
            raise forms.ValidationError("Er is geen zaak met dit nummer.")
        return case


class LiftForm(AccessibleForm):
    reden = forms.CharField(label="Reden om op te heffen", max_length=300)


def _guard(request: HttpRequest) -> None:
    if not can_read_access_log(request.user):
        raise PermissionDenied


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = TombstoneFilter(request.GET or None)
    stones = Tombstone.objects.all()
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["van"]:
            stones = stones.filter(removed_at__gte=_day_start(data["van"]))
        if data["tot"]:
            stones = stones.filter(removed_at__lt=_day_start(data["tot"] + dt.timedelta(days=1)))
        if data["regel"]:
            stones = stones.filter(rule=data["regel"])
        query = urlencode(
            {k: v for k, v in request.GET.items() if k in ("van", "tot", "regel") and v}
        )
    page = Paginator(stones.order_by("-removed_at", "-pk"), 100).get_page(request.GET.get("pagina"))
    return render(
        request,
        "audit/retention.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "holds": LegalHold.objects.filter(lifted_at__isnull=True).order_by("-set_at"),
            "hold_form": HoldForm(),
            "lift_form": LiftForm(),
            "case_types": dict(Case._meta.get_field("type").choices),
            "rules": dict(RetentionSubject.choices),
            "kinds": dict(RemovalKind.choices),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    """Set a legal hold on a file (the privacy officer, at a coordinator's or
    lawyer's request); logged in the access log."""
    _guard(request)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            made = set_hold(
                form.cleaned_data["zaak"],
                reason=form.cleaned_data["reden"],
                actor=request.user,
                path=request.path,
            )
        except HoldError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Bewaarplicht vastgelegd voor zaak {made.case_id}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("audit:retention")


@login_required
@require_POST
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    _guard(request)
    held = get_object_or_404(LegalHold, pk=hold_id, lifted_at__isnull=True)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Geef een reden om de bewaarplicht op te heffen.")
        return redirect("audit:retention")
    try:
        lift_hold(held, reason=form.cleaned_data["reden"], actor=request.user, path=request.path)
    except HoldError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Bewaarplicht van zaak {held.case_id} opgeheven.")
    return redirect("audit:retention")
