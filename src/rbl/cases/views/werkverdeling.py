"""Work division screens (R-05), mounted at /werkverdeling/: the assignment
rules and the schools' fixed contacts, and stand-ins (waarneming). The bulk
reassignment of one officer's open cases is in `werkverdeling_reassign`.

For the coordinator (their municipalities) and application management;
anyone else gets 404 (`rbl.accounts.access.may_divide_work`). Every change is
written to the security log without any youth's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.accounts.access import (
    divisible_officers,
    divisible_schools,
    divisible_substitutions,
    may_divide_work,
    work_division_municipalities,
)
from rbl.accounts.security import record_setup_change
from rbl.cases.models import AgeGroup, AssignmentRule
from rbl.cases.services.werkverdeling import (
    CONTACT_ROLES,
    RULE_ROLES,
    ContactChange,
    RuleChange,
    WorkDivisionError,
    add_substitution,
    describe_substitution,
    end_substitution,
    fitting_officers,
    name_of,
    remove_substitution,
    rule_label,
    set_contacts,
    set_rules,
)
from rbl.organisation.models import Municipality, Sector

SCHOOLS_PER_PAGE = 25


def guard(request: HttpRequest) -> None:
    if not may_divide_work(request.user):
        raise Http404


def municipalities_of(user: Any) -> list[Municipality]:
    return list(Municipality.objects.filter(code__in=work_division_municipalities(user)))


def _int_or_none(value: str | None) -> int | None | str:
    """'' -> None, digits -> int, anything else -> 'bad'."""
    if value in (None, ""):
        return None
    return int(value) if value.isdigit() else "bad"


# --- assignment rules and fixed contacts -------------------------------------------


class SchoolFilter(forms.Form):
    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=[("", "Alle sectoren"), *Sector.choices]
    )
    zoek = forms.CharField(label="Naam of BRIN", required=False, max_length=100)

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [("", "Alle gemeenten")] + [
            (m.code, m.name) for m in municipalities
        ]
        self.fields["gemeente"].error_messages["invalid_choice"] = "Kies een gemeente uit de lijst."
        self.fields["sector"].error_messages["invalid_choice"] = "Kies een sector uit de lijst."


def _rule_rows(user: Any, municipalities: list[Municipality], posted: dict) -> list[dict]:
    officers = divisible_officers(user)
    rules = {
        (r.municipality_id, r.age_group): r
        for r in AssignmentRule.objects.filter(municipality__in=municipalities).select_related(
            "user"
        )
    }
    rows = []
    for m in municipalities:
        cells = []
        for group in AgeGroup:
            rule = rules.get((m.code, group.value))
            key = f"{m.code}-{group.value}"
            current = rule.user_id if rule else None
            cells.append(
                {
                    "key": key,
                    "label": rule_label(m, group),
                    "group": group,
                    "current": current,
                    "current_name": name_of(rule.user) if rule else None,
                    "selected": str(posted.get(f"regel-{key}", current or "")),
                    "choices": list(
                        fitting_officers(officers, RULE_ROLES[group], m.code).order_by(
                            "first_name", "last_name", "username"
                        )
                    ),
                }
            )
        rows.append({"municipality": m, "cells": cells})
    return rows


def _save_rules(request: HttpRequest, municipalities: list[Municipality]) -> str | None:
    """Apply the posted rule table; returns a Dutch error or None."""
    officers = divisible_officers(request.user)
    changes = []
    for m in municipalities:
        for group in AgeGroup:
            key = f"{m.code}-{group.value}"
            chosen = _int_or_none(request.POST.get(f"regel-{key}"))
            seen = _int_or_none(request.POST.get(f"gezien-{key}"))
            label = rule_label(m, group)
            if chosen == "bad" or seen == "bad":
                return f"Toewijzing {label}: kies een medewerker uit de lijst."
            if f"regel-{key}" not in request.POST or chosen == seen:
                continue
            user = None
            if chosen is not None:
                user = (
                    fitting_officers(officers, RULE_ROLES[group], m.code).filter(pk=chosen).first()
                )
                if user is None:
                    return f"Toewijzing {label}: kies een medewerker uit de lijst."
            changes.append(RuleChange(m, group, user, seen))
    if not changes:
        return "Er is niets gewijzigd."
    done = set_rules(changes)
    for line in done:
        record_setup_change(request.user, line, request=request)
    messages.success(request, f"Toewijzingsregels opgeslagen ({len(done)} gewijzigd).")
    return None


def _save_contacts(request: HttpRequest) -> str | None:
    officers = divisible_officers(request.user)
    schools = divisible_schools(request.user)
    ids = [i for i in request.POST.getlist("school") if i.isdigit()]
    changes = []
    for school in schools.filter(pk__in=ids).order_by("name", "pk"):
        chosen = _int_or_none(request.POST.get(f"contact-{school.pk}"))
        seen = _int_or_none(request.POST.get(f"gezien-contact-{school.pk}"))
        if chosen == "bad" or seen == "bad":
            return f"Vaste contactpersoon {school.name}: kies een medewerker uit de lijst."
        if chosen == seen:
            continue
        user = None
        if chosen is not None:
            user = (
                fitting_officers(officers, CONTACT_ROLES, school.municipality_code)
                .filter(pk=chosen)
                .first()
            )
            if user is None:
                return f"Vaste contactpersoon {school.name}: kies een medewerker uit de lijst."
        changes.append(ContactChange(school, user, seen))
    if not changes:
        return "Er is niets gewijzigd."
    done = set_contacts(changes)
    for line in done:
        record_setup_change(request.user, line, request=request)
    messages.success(request, f"Vaste contactpersonen opgeslagen ({len(done)} gewijzigd).")
    return None


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rule table (municipality × age group) and the schools' fixed contacts."""
    guard(request)
    municipalities = municipalities_of(request.user)
    error = error_contacts = None
    posted: dict = {}
    if request.method == "POST":
        posted = request.POST
        try:
            if request.POST.get("actie") == "scholen":
                error_contacts = _save_contacts(request)
            else:
                error = _save_rules(request, municipalities)
        except WorkDivisionError as exc:
            if request.POST.get("actie") == "scholen":
                error_contacts = exc.message
            else:
                error = exc.message
        if error is None and error_contacts is None:
            query = request.POST.get("terug", "")
            return redirect(reverse("werkverdeling:rules") + (f"?{query}" if query else ""))
    filters = SchoolFilter(request.GET or None, municipalities=municipalities)
    schools = divisible_schools(request.user).select_related("contact")
    if filters.is_valid():
        if filters.cleaned_data["gemeente"]:
            schools = schools.filter(municipality_code=filters.cleaned_data["gemeente"])
        if filters.cleaned_data["sector"]:
            schools = schools.filter(sector=filters.cleaned_data["sector"])
        term = filters.cleaned_data["zoek"].strip()
        if term:
            schools = schools.filter(Q(name__icontains=term) | Q(brin__iexact=term[:4]))
    elif filters.is_bound:
        schools = schools.none()  # an unknown filter value shows nothing, and says why
    page = Paginator(schools.order_by("name", "brin", "vestiging"), SCHOOLS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    officers = divisible_officers(request.user).order_by("first_name", "last_name", "username")
    by_code: dict[str, list] = {}
    names = {m.code: m.name for m in municipalities}
    school_rows = []
    for school in page.object_list:
        code = school.municipality_code
        if code not in by_code:
            by_code[code] = list(fitting_officers(officers, CONTACT_ROLES, code))
        school_rows.append(
            {
                "school": school,
                "choices": by_code[code],
                "municipality": names.get(code, ""),
                "selected": str(posted.get(f"contact-{school.pk}", school.contact_id or "")),
            }
        )
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "cases/werkverdeling/rules.html",
        {
            "rows": _rule_rows(request.user, municipalities, posted),
            "groups": list(AgeGroup),
            "error": error,
            "error_contacts": error_contacts,
            "filters": filters,
            "page": page,
            "school_rows": school_rows,
            "query": query.urlencode(),
            "back": request.GET.urlencode(),
        },
        status=400 if (error or error_contacts) else 200,
    )


# --- stand-ins --------------------------------------------------------------------


class SubstitutionForm(forms.Form):
    absent = forms.ModelChoiceField(
        label="Afwezige medewerker", queryset=None, empty_label="— kies —"
    )
    substitute = forms.ModelChoiceField(label="Waarnemer", queryset=None, empty_label="— kies —")
    start = forms.DateField(label="Vanaf", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label="Tot en met (leeg: tot de waarneming wordt beëindigd)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("absent", "substitute"):
            self.fields[name].queryset = officers
            self.fields[name].label_from_instance = name_of
        self.fields["absent"].error_messages["required"] = "Kies de afwezige medewerker."
        self.fields["substitute"].error_messages["required"] = "Kies de waarnemer."
        self.fields["start"].error_messages["required"] = "Vul de begindatum in."
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Vul een geldige datum in."
        for name in ("absent", "substitute"):
            self.fields[name].error_messages["invalid_choice"] = "Kies een medewerker uit de lijst."


def _substitution_action(request: HttpRequest, today: dt.date) -> str | None:
    """End early or remove one stand-in; returns a Dutch error or None."""
    pk = request.POST.get("waarneming", "")
    sub = (
        divisible_substitutions(request.user)
        .select_related("absent", "substitute")
        .filter(pk=int(pk) if pk.isdigit() else 0)
        .first()
    )
    if sub is None:
        raise Http404
    if request.POST.get("actie") == "verwijderen":
        what = describe_substitution(sub)
        remove_substitution(sub, today=today)
        record_setup_change(request.user, f"Waarneming verwijderd: {what}", request=request)
        messages.success(request, "De waarneming is verwijderd.")
        return None
    try:
        end = dt.date.fromisoformat(request.POST.get("einde", ""))
    except ValueError:
        return "Einddatum: vul een geldige datum in."
    seen_raw = request.POST.get("gezien_einde", "")
    try:
        seen = dt.date.fromisoformat(seen_raw) if seen_raw else None
    except ValueError:
        seen = dt.date.min
    sub = end_substitution(sub, end, seen_end=seen, today=today)
    record_setup_change(
        request.user, f"Waarneming eerder beëindigd: {describe_substitution(sub)}", request=request
    )
    messages.success(request, f"De waarneming eindigt op {end:%d-%m-%Y}.")
    return None


@login_required
def substitutions(request: HttpRequest) -> HttpResponse:
    """The running and coming stand-ins; add, end early, remove a future one."""
    guard(request)
    today = timezone.localdate()
    officers = divisible_officers(request.user).order_by("first_name", "last_name", "username")
    form = SubstitutionForm(officers=officers)
    error = None
    if request.method == "POST":
        if request.POST.get("actie") in ("beeindigen", "verwijderen"):
            try:
                error = _substitution_action(request, today)
            except WorkDivisionError as exc:
                error = exc.message
            if error is None:
                return redirect("werkverdeling:substitutions")
        else:
            form = SubstitutionForm(request.POST, officers=officers)
            if form.is_valid():
                d = form.cleaned_data
                try:
                    done = add_substitution(
                        d["absent"], d["substitute"], d["start"], d["end"], today=today
                    )
                except WorkDivisionError as exc:
                    form.add_error(None, exc.message)
                else:
                    what = describe_substitution(done.substitution)
                    record_setup_change(
                        request.user, f"Waarneming vastgelegd: {what}", request=request
                    )
                    messages.success(request, f"Waarneming vastgelegd: {what}.")
                    for warning in done.warnings:
                        messages.warning(request, warning)
                    return redirect("werkverdeling:substitutions")
    items = list(
        divisible_substitutions(request.user)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("absent", "substitute")
        .order_by("start", "pk")
    )
    for s in items:
        s.running = s.start <= today
        s.absent_name, s.substitute_name = name_of(s.absent), name_of(s.substitute)
    return render(
        request,
        "cases/werkverdeling/substitutions.html",
        {"form": form, "items": items, "error": error, "today": today},
        status=400 if (error or form.errors) else 200,
    )
