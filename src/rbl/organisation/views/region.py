"""The set-up hub, the region's terms and addresses, the agreement and the
building blocks per municipality. Coordinator and application management
only (`accounts.access.may_configure_region`); anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.accounts import access
from rbl.accounts.security import record_setup_change
from rbl.organisation import setup
from rbl.organisation.forms import (
    AgreementForm,
    EndParticipationForm,
    ParticipationForm,
    TermsForm,
)
from rbl.organisation.models import Municipality, Participation, Region


def require_setup(request: HttpRequest) -> None:
    if not access.may_configure_region(request.user):
        raise Http404("Pagina niet gevonden.")


def _region() -> Region:
    region = setup.the_region()
    if region is None:
        raise Http404("Er is nog geen regio ingericht; begin met rbl regio.")
    return region


def _screens(user) -> list[tuple[str, str, str]]:
    """The set-up screens, with what each is for."""
    screens = [
        (
            reverse("organisation:terms"),
            "Termijnen en adressen",
            "De termijnen van de regio voor zaken en brieven, en de adressen van het bureau, "
            "Halt en het OM.",
        ),
        (
            reverse("organisation:agreement"),
            "Samenwerkingsovereenkomst",
            "Ingangsdatum, looptijd en opzegtermijn, met de einddatum en de laatste dag om op "
            "te zeggen.",
        ),
        (
            reverse("organisation:blocks"),
            "Bouwstenen per gemeente",
            "Aan welke bouwstenen elke gemeente vanaf welke datum deelneemt.",
        ),
        (
            reverse("organisation:staff"),
            "Medewerkers en rollen",
            "Accounts aanmaken en buiten gebruik stellen, rollen per gemeente geven en intrekken.",
        ),
    ]
    for name, label, text in (
        (
            "werkverdeling:rules",
            "Toewijzingsregels en vaste contactpersonen",
            "Wie nieuwe zaken krijgt per gemeente en leeftijdsgroep, en de vaste "
            "contactpersoon per school.",
        ),
        (
            "werkverdeling:substitutions",
            "Waarneming",
            "Wie de zaken van een afwezige collega waarneemt, en in welke periode.",
        ),
        (
            "werkverdeling:reassign",
            "Zaken herverdelen",
            "De open zaken van een medewerker in één keer aan een ander geven, na een voorbeeld.",
        ),
        (
            "governance:calendar",
            "Jaarkalender",
            "De terugkerende deadlines van de samenwerking, met verantwoordelijke en herinnering.",
        ),
        (
            "law:rmc-limits",
            "Leeftijdsgrens RMC-doelgroep",
            "Tot welke leeftijd jongeren zonder startkwalificatie bij de RMC-doelgroep horen, "
            "vanaf welke datum.",
        ),
    ):
        screens.append((reverse(name), label, text))
    return screens


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    require_setup(request)
    return render(
        request,
        "organisation/setup.html",
        {"screens": _screens(request.user), "region": setup.the_region()},
    )


@login_required
def terms(request: HttpRequest) -> HttpResponse:
    require_setup(request)
    region = _region()
    from rbl.cases.models import CaseSettings

    settings = CaseSettings.objects.filter(region=region).first() or CaseSettings(region=region)
    status = 200
    if request.method == "POST":
        form = TermsForm(request.POST)
        if form.is_valid():
            try:
                changed = setup.save_terms(
                    region, form.cleaned_data, seen=form.cleaned_data["seen"]
                )
            except setup.SetupError as exc:
                form.add_error(None, exc.message)
            else:
                if changed:
                    record_setup_change(
                        request.user, "termijnen gewijzigd: " + ", ".join(changed), request=request
                    )
                    messages.success(request, "De termijnen en adressen zijn opgeslagen.")
                else:
                    messages.info(request, "Er was niets gewijzigd.")
                return redirect("organisation:terms")
        status = 400
    else:
        initial = {f: getattr(region, f) for f in setup.REGION_TERM_FIELDS}
        initial |= {f: getattr(settings, f) for f in setup.CASE_TERM_FIELDS}
        from rbl.chain.svb import chain_settings

        chain = chain_settings(region)
        initial |= {f: getattr(chain, f) for f in setup.CHAIN_TERM_FIELDS}
        initial["seen"] = setup.terms_fingerprint(region)
        form = TermsForm(initial=initial)
    return render(
        request,
        "organisation/form.html",
        {
            "form": form,
            "title": "Termijnen en adressen",
            "intro": "De termijnen gelden voor nieuwe zaken en brieven vanaf het opslaan.",
        },
        status=status,
    )


@login_required
def agreement(request: HttpRequest) -> HttpResponse:
    require_setup(request)
    region = _region()
    status = 200
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            try:
                changed = setup.save_agreement(
                    region, form.cleaned_data, seen=form.cleaned_data["seen"]
                )
            except setup.SetupError as exc:
                form.add_error(None, exc.message)
            else:
                if changed:
                    record_setup_change(
                        request.user,
                        "samenwerkingsovereenkomst gewijzigd: " + ", ".join(changed),
                        request=request,
                    )
                    messages.success(request, "De overeenkomst is opgeslagen.")
                else:
                    messages.info(request, "Er was niets gewijzigd.")
                return redirect("organisation:agreement")
        status = 400
    else:
        initial = {f: getattr(region, f) for f in setup.AGREEMENT_FIELDS}
        initial["seen"] = setup.fingerprint(region, setup.AGREEMENT_FIELDS)
        form = AgreementForm(initial=initial)
    return render(
        request,
        "organisation/agreement.html",
        {"form": form, "dates": setup.agreement_dates(region), "region": region},
        status=status,
    )


def _block_choices(request: HttpRequest) -> list[tuple[str, str]]:
    codes = access.setup_municipalities(request.user)
    return [
        (m.code, m.name)
        for m in Municipality.objects.filter(code__in=codes, region__isnull=False).order_by("name")
    ]


@login_required
def blocks(request: HttpRequest) -> HttpResponse:
    """Every municipality's participations; add one from a date."""
    require_setup(request)
    region = _region()
    today = timezone.localdate()
    choices = _block_choices(request)
    status = 200
    if request.method == "POST":
        form = ParticipationForm(request.POST, municipalities=choices)
        if form.is_valid():
            data = form.cleaned_data
            municipality = Municipality.objects.get(code=data["municipality"])
            try:
                setup.add_participation(
                    municipality, data["block"], data["start"], data["end"], today=today
                )
            except setup.SetupError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                what = (
                    f"{municipality.name} neemt deel aan {setup.block_label(data['block'])} "
                    f"{setup._period(data['start'], data['end'])}"
                )
                record_setup_change(request.user, f"bouwsteen: {what}", request=request)
                messages.success(request, f"Opgeslagen: {what}.")
                return redirect("organisation:blocks")
        status = 400
    else:
        form = ParticipationForm(municipalities=choices, initial={"start": today})
    editable = {code for code, _ in choices}
    rows = []
    for municipality in region.municipalities.order_by("name").prefetch_related("participations"):
        periods = sorted(municipality.participations.all(), key=lambda p: (p.block, p.start))
        rows.append(
            {
                "municipality": municipality,
                "editable": municipality.code in editable,
                "periods": [
                    {
                        "p": p,
                        "label": setup.block_label(p.block),
                        "closed": p.end is not None and p.end < today,
                        "active": p.active_on(today),
                    }
                    for p in periods
                ],
            }
        )
    return render(
        request,
        "organisation/blocks.html",
        {"form": form, "rows": rows, "today": today},
        status=status,
    )


@login_required
def block_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a running participation with an end date (never change a past one)."""
    require_setup(request)
    participation = get_object_or_404(
        Participation.objects.select_related("municipality"),
        pk=pk,
        municipality__code__in=access.setup_municipalities(request.user),
    )
    today = timezone.localdate()
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.POST.get("actie") == "verwijderen":
        form = EndParticipationForm(initial={"end": participation.end or today})
        try:
            setup.remove_future_participation(participation, today=today)
        except setup.SetupError as exc:
            errors.append(exc.message)
        else:
            what = (
                f"{participation.municipality.name}, {setup.block_label(participation.block)}"
                f" vanaf {participation.start:%d-%m-%Y}: geplande deelname verwijderd"
            )
            record_setup_change(request.user, f"bouwsteen: {what}", request=request)
            messages.success(request, f"Opgeslagen: {what}.")
            return redirect("organisation:blocks")
        status = 400
    elif request.method == "POST":
        form = EndParticipationForm(request.POST)
        if form.is_valid():
            end = form.cleaned_data["end"]
            try:
                setup.end_participation(participation, end, today=today)
            except setup.SetupError as exc:
                form.add_error("end", exc.message)
            else:
                what = (
                    f"{participation.municipality.name}, {setup.block_label(participation.block)}"
                    f" vanaf {participation.start:%d-%m-%Y}: eindigt op {end:%d-%m-%Y}"
                )
                record_setup_change(request.user, f"bouwsteen: {what}", request=request)
                messages.success(request, f"Opgeslagen: {what}.")
                return redirect("organisation:blocks")
        status = 400
    else:
        form = EndParticipationForm(initial={"end": participation.end or today})
    return render(
        request,
        "organisation/block_end.html",
        {
            "form": form,
            "participation": participation,
            "label": setup.block_label(participation.block),
            "closed": participation.end is not None and participation.end < today,
            "future": participation.start > today,
            "errors": errors,
        },
        status=status,
    )
