"""The "Raadpleeg BRP" screens: for a person, and for a DUO absence report that
waits for its youth. A purpose from a fixed list is asked first (POST, so no
BSN and no choice ever lands in a URL); the answer is shown beside what RBL
holds, differences marked, and can be applied as a mutation (services.py).
Applying asks the BRP once more and applies only when the answer is still the
one the officer saw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from rbl.accounts.access import brp_meldingen, brp_persons, can_view_person
from rbl.brp import client
from rbl.brp.client import BrpError, BrpNotFound, BrpPerson
from rbl.brp.services import (
    BrpApplyError,
    Purpose,
    apply_answer,
    compare,
    consult,
    fingerprint,
    lives_in_region,
    same_fingerprint,
)
from rbl.registry.models import Person


class PurposeForm(forms.Form):
    doel = forms.ChoiceField(
        label="Doel van de raadpleging",
        choices=[("", "Kies een doel")] + list(Purpose.choices),
        error_messages={
            "required": "Kies bij 'Doel van de raadpleging' waarom u de BRP raadpleegt.",
            "invalid_choice": "Kies bij 'Doel van de raadpleging' een doel uit de lijst.",
        },
    )


class ApplyForm(forms.Form):
    doel = forms.ChoiceField(choices=Purpose.choices, widget=forms.HiddenInput)
    antwoord = forms.CharField(widget=forms.HiddenInput, max_length=128)
    versie = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


def _status(exc: BrpError) -> int:
    """An unknown BSN is an answer; anything else is the service failing."""
    return 200 if isinstance(exc, BrpNotFound) else 502


def _person(request: HttpRequest, person_id: int) -> Person:
    if not client.enabled():
        raise Http404
    found = brp_persons(request.user).select_related("municipality").filter(pk=person_id).first()
    if found is None:
        raise Http404
    return found


def _melding(request: HttpRequest, melding_id: int) -> Any:
    if not client.enabled():
        raise Http404
    found = brp_meldingen(request.user).select_related("school").filter(pk=melding_id).first()
    if found is None:
        raise Http404
    return found


def _answer_page(
    request: HttpRequest,
    *,
    answer: BrpPerson,
    person: Person | None,
    melding: Any,
    purpose: str,
    apply_url: str,
    back_url: str,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    rows = compare(person, answer)
    inside = lives_in_region(answer)
    can_apply = person is not None and any(r.differs for r in rows)
    if person is not None and not inside:  # only the move out (and a death) apply
        can_apply = person.moved_out_on is None or bool(
            answer.died_on and answer.died_on != person.died_on
        )
    if person is None:
        can_apply = inside
    apply_form = ApplyForm(
        initial={
            "doel": purpose,
            "antwoord": fingerprint(answer, person),
            "versie": person.updated_at.isoformat() if person is not None else "",
        }
    )
    return render(
        request,
        "brp/answer.html",
        {
            "person": person,
            "melding": melding,
            "answer": answer,
            "rows": rows,
            "differences": sum(1 for r in rows if r.differs),
            "inside": inside,
            "can_apply": can_apply,
            "apply_form": apply_form,
            "apply_url": apply_url,
            "back_url": back_url,
            "purpose_label": Purpose(purpose).label,
            "problem": problem,
        },
        status=status,
    )


def _ask_page(
    request: HttpRequest,
    form: PurposeForm,
    *,
    melding: Any,
    person_url: str,
    back_url: str,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "brp/ask.html",
        {
            "form": form,
            "melding": melding,
            "action": request.path,
            "person_url": person_url,
            "back_url": back_url,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_lookup(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    back = reverse("web:person", args=[person.pk])
    if request.method == "GET":
        return _ask_page(request, PurposeForm(), melding=None, person_url=back, back_url=back)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        return _ask_page(request, form, melding=None, person_url=back, back_url=back, status=400)
    purpose = form.cleaned_data["doel"]
    try:
        answer = consult(request.user, person.bsn, purpose, person=person, path=request.path)
    except BrpError as exc:
        return _ask_page(
            request,
            form,
            melding=None,
            person_url=back,
            back_url=back,
            problem=str(exc),
            status=_status(exc),
        )
    return _answer_page(
        request,
        answer=answer,
        person=person,
        melding=None,
        purpose=purpose,
        apply_url=reverse("brp:person-apply", args=[person.pk]),
        back_url=back,
    )


@login_required
@require_POST
def person_apply(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    back = reverse("web:person", args=[person.pk])
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Het formulier is niet compleet. Raadpleeg de BRP opnieuw.")
        return redirect("brp:person", person.pk)
    purpose = form.cleaned_data["doel"]
    apply_url = reverse("brp:person-apply", args=[person.pk])
    try:
        answer = consult(request.user, person.bsn, purpose, person=person, path=request.path)
    except BrpError as exc:
        return _ask_page(
            request,
            PurposeForm(initial={"doel": purpose}),
            melding=None,
            person_url=back,
            back_url=back,
            problem=f"{exc} Er is niets gewijzigd.",
            status=502,
        )
    page = {
        "answer": answer,
        "melding": None,
        "purpose": purpose,
        "apply_url": apply_url,
        "back_url": back,
    }
    if not same_fingerprint(form.cleaned_data["antwoord"], fingerprint(answer, person)):
        return _answer_page(
            request,
            person=person,
            problem="De gegevens in de BRP of in RBL zijn gewijzigd sinds u ze bekeek. "
            "Er is niets gewijzigd; bekijk de verschillen hieronder opnieuw.",
            status=409,
            **page,
        )
    try:
        done = apply_answer(
            request.user,
            answer,
            person=person,
            version=form.cleaned_data["versie"],
            path=request.path,
        )
    except BrpApplyError as exc:
        person.refresh_from_db()
        return _answer_page(request, person=person, problem=str(exc), status=409, **page)
    if done.moved_out:
        messages.success(
            request,
            "Volgens de BRP woont de jongere niet meer in de regio: RBL heeft de jongere "
            f"als vertrokken geregistreerd (mutatie van {done.on:%d-%m-%Y}).",
        )
    elif done.changed:
        messages.success(
            request, f"De gegevens uit de BRP zijn verwerkt (mutatie van {done.on:%d-%m-%Y})."
        )
    else:
        messages.success(request, "RBL had de gegevens van de BRP al; er is niets gewijzigd.")
    return redirect("web:person", person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def melding_lookup(request: HttpRequest, melding_id: int) -> HttpResponse:
    melding = _melding(request, melding_id)
    back = reverse("reporting:unlinked")
    if request.method == "GET":
        return _ask_page(request, PurposeForm(), melding=melding, person_url="", back_url=back)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        return _ask_page(request, form, melding=melding, person_url="", back_url=back, status=400)
    purpose = form.cleaned_data["doel"]
    try:
        answer = consult(
            request.user,
            melding.bsn,
            purpose,
            report_number=melding.meldingsnummer,
            path=request.path,
        )
    except BrpError as exc:
        return _ask_page(
            request,
            form,
            melding=melding,
            person_url="",
            back_url=back,
            problem=str(exc),
            status=_status(exc),
        )
    return _answer_page(
        request,
        answer=answer,
        person=None,
        melding=melding,
        purpose=purpose,
        apply_url=reverse("brp:melding-apply", args=[melding.pk]),
        back_url=back,
    )


@login_required
@require_POST
def melding_apply(request: HttpRequest, melding_id: int) -> HttpResponse:
    melding = _melding(request, melding_id)
    back = reverse("reporting:unlinked")
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Het formulier is niet compleet. Raadpleeg de BRP opnieuw.")
        return redirect("brp:melding", melding.pk)
    purpose = form.cleaned_data["doel"]
    try:
        answer = consult(
            request.user,
            melding.bsn,
            purpose,
            report_number=melding.meldingsnummer,
            path=request.path,
        )
    except BrpError as exc:
        return _ask_page(
            request,
            PurposeForm(initial={"doel": purpose}),
            melding=melding,
            person_url="",
            back_url=back,
            problem=f"{exc} Er is niets gewijzigd.",
            status=502,
        )
    page = {
        "answer": answer,
        "person": None,
        "melding": melding,
        "purpose": purpose,
        "apply_url": reverse("brp:melding-apply", args=[melding.pk]),
        "back_url": back,
    }
    if not same_fingerprint(form.cleaned_data["antwoord"], fingerprint(answer, None)):
        return _answer_page(
            request,
            problem="De gegevens in de BRP zijn gewijzigd sinds u ze bekeek. "
            "Er is niets gewijzigd; bekijk ze hieronder opnieuw.",
            status=409,
            **page,
        )
    try:
        done = apply_answer(
            request.user,
            answer,
            person=None,
            path=request.path,
            report_number=melding.meldingsnummer,
        )
    except BrpApplyError as exc:
        return _answer_page(request, problem=str(exc), status=409, **page)
    messages.success(
        request,
        "De jongere is uit de BRP in de registratie opgenomen en de verzuimmelding is gekoppeld.",
    )
    if can_view_person(request.user, done.person):
        return redirect("web:person", done.person.pk)
    return redirect("reporting:unlinked")
