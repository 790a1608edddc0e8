"""The Halt and PV screens (R-22): the owner (or coordinator) refers a youth
to Halt or asks for a PV; the BOA who handles it prepares the PV, uploads the
signed scan, records sending, Halt's acceptance, the hearing and the outcome;
the outcome goes back to the owner as a task and a line in the case history.

Who sees what comes from `rbl.accounts.access`: a Halt/PV page is there for
whoever may read its case (others get 404, as does a policy adviser); its
forms for whoever may fill in the record (`editable_handhaving`). Every form
carries the version the user saw; a change made meanwhile in another tab
answers with a Dutch conflict message (409) and changes nothing. Every page
view and change is written to the access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import (
    case_to_change,
    editable_cases,
    editable_handhaving,
    grants,
    may_handle_handhaving_for,
    visible_handhaving,
)
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.handhaving_forms import DatesForm, OutcomeForm, ScanForm, StartForm, VersionOnlyForm
from rbl.cases.models import Case, Handhaving, HandhavingKind, HandhavingOutcome
from rbl.cases.services import case_types
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.handhaving import (
    DATES_BY_KIND,
    boas_of,
    record_outcome,
    start_handhaving,
    update_handhaving,
)
from rbl.letters.services.handhaving import (
    attach_signed_scan,
    prepare_pv,
    pv_after_failed_halt,
    refer_to_halt,
)
from rbl.organisation.participation import outside_boa_message


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


# --- the list of the BOA's open Halt referrals and PVs -------------------------------


@login_required
def handhaving_list(request: HttpRequest) -> HttpResponse:
    """The open Halt referrals and PVs the user fills in (the BOA's work list)."""
    if not grants(request.user).edit_handhaving and not editable_handhaving(request.user).exists():
        raise PermissionDenied
    items = list(
        editable_handhaving(request.user)
        .filter(pk__in=visible_handhaving(request.user).values("pk"))
        .open()
        .select_related("case__person", "case__principal", "case__owner", "handler")
        .order_by("opened_on", "pk")
    )
    log_access(
        request.user,
        Action.VIEW,
        persons=[i.case.person_id for i in items],
        purpose="lijst Halt en proces-verbaal",
        path=request.path,
    )
    return render(request, "cases/handhaving_list.html", {"items": items})


# --- starting: a Halt referral or a PV request, by the owner -----------------------------


def _boas(case: Case) -> list[tuple[int, str]]:
    return [(u.pk, _name(u)) for u in boas_of(case.principal_id)]


@login_required
def start_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Refer to Halt or ask for a PV (GET the form, POST it)."""
    case = case_to_change(request.user, case_id)
    boas = _boas(case)
    status = 200
    if request.method == "POST":
        form = StartForm(request.POST, boas=boas, auto_id="start_%s")
        if form.is_valid():
            data = form.cleaned_data
            handler = next(u for u in boas_of(case.principal_id) if u.pk == data["handler"])
            try:
                if data["kind"] == HandhavingKind.HALT:
                    item = refer_to_halt(
                        case,
                        actor=request.user,
                        handler=handler,
                        expected_version=data["version"],
                        path=request.path,
                    )
                    done = "De verwijzing naar Halt is gemaakt en bij de zaak bewaard."
                else:
                    item = start_handhaving(
                        case,
                        HandhavingKind.PV,
                        actor=request.user,
                        handler=handler,
                        expected_version=data["version"],
                    )
                    done = f"Het proces-verbaal is aangevraagd bij {_name(handler)}."
            except ConcurrentEditError as exc:
                case = case_to_change(request.user, case_id)
                form = StartForm(
                    {**request.POST.dict(), "version": case.version}, boas=boas, auto_id="start_%s"
                )
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                log_access(request.user, Action.CHANGE, case=case, purpose=done, path=request.path)
                messages.success(request, done)
                return redirect(reverse("handhaving:detail", args=[item.pk]))
        else:
            status = 400
    else:
        form = StartForm(initial={"version": case.version}, boas=boas, auto_id="start_%s")
        log_access(
            request.user, Action.VIEW, case=case, purpose="Halt of PV aanvragen", path=request.path
        )
    problem = ""
    if not case_types.has_mas(case.type):
        problem = f"Bij {case_types.OUTSIDE_MAS[case.type]} horen geen Halt en geen proces-verbaal."
    elif not may_handle_handhaving_for(case.principal_id):
        problem = outside_boa_message(case.principal_id, timezone.localdate())
    elif not boas:
        problem = f"Er is geen BOA met de rol voor {case.principal.name}; vraag de coördinator."
    context = {"case": case, "person": case.person, "form": form, "problem": problem}
    return render(request, "cases/handhaving_start.html", context, status=status)


# --- one Halt referral or PV ----------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> Handhaving:
    item = (
        visible_handhaving(request.user)
        .select_related(
            "case__person",
            "case__principal",
            "case__owner",
            "case__school",
            "handler",
            "prepared_document",
            "signed_scan",
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _forms(item: Handhaving, may_fill: bool, may_ask_pv: bool) -> dict[str, Any]:
    initial = {"version": item.version}
    result: dict[str, Any] = {}
    if may_fill and item.is_open:
        if item.kind == HandhavingKind.PV and not item.signed_scan_id:
            result["prepare"] = VersionOnlyForm(initial=initial, auto_id="opmaken_%s")
        if item.kind == HandhavingKind.PV and item.prepared_document_id and not item.signed_scan_id:
            result["scan"] = ScanForm(initial=initial, auto_id="scan_%s")
        dates = {name: getattr(item, name) for name in DATES_BY_KIND[item.kind]}
        result["dates"] = DatesForm(initial={**initial, **dates}, kind=item.kind, auto_id="data_%s")
        result["outcome"] = OutcomeForm(initial=initial, kind=item.kind, auto_id="uitkomst_%s")
    if may_ask_pv:
        result["ask_pv"] = VersionOnlyForm(initial={"version": item.case.version}, auto_id="pv_%s")
    return result


def _page(
    request: HttpRequest,
    item: Handhaving,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    if status != 200:  # a form shown again: the page is seen again
        log_access(
            request.user,
            Action.VIEW,
            case=item.case,
            purpose=f"{item.get_kind_display().lower()} bekeken",
            path=request.path,
        )
    may_fill = editable_handhaving(request.user).filter(pk=item.pk).exists()
    may_ask_pv = (
        item.kind == HandhavingKind.HALT
        and item.outcome == HandhavingOutcome.HALT_NIET_GESLAAGD
        and not item.case.is_closed
        and not item.case.handhaving.filter(kind=HandhavingKind.PV, outcome="").exists()
        and editable_cases(request.user).filter(pk=item.case_id).exists()
    )
    page_forms = {**_forms(item, may_fill, may_ask_pv), **(bound or {})}
    context = {
        "item": item,
        "case": item.case,
        "person": item.case.person,
        "forms": page_forms,
        "may_fill": may_fill,
        "errors": [f for f in (bound or {}).values() if f.errors],
    }
    return render(request, "cases/handhaving.html", context, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    log_access(
        request.user,
        Action.VIEW,
        case=item.case,
        purpose=f"{item.get_kind_display().lower()} bekeken",
        path=request.path,
    )
    return _page(request, item)


def _act(
    request: HttpRequest,
    pk: int,
    key: str,
    make_form: Callable[[Handhaving], forms.Form],
    apply: Callable[[Handhaving, dict[str, Any]], Any],
    done: str,
    *,
    by_owner: bool = False,
) -> HttpResponse:
    """Check access, validate, apply through the service; a conflict (409) or a
    refused step (400) shows the page again with the form as the user filled it."""
    item = _item(request, pk)
    allowed = (
        editable_cases(request.user).filter(pk=item.case_id)
        if by_owner
        else editable_handhaving(request.user).filter(pk=item.pk)
    )
    if not allowed.exists():
        raise PermissionDenied  # the user may read the record (else _item gave 404)
    form = make_form(item)
    if not form.is_valid():
        return _page(request, item, {key: form}, status=400)
    try:
        result = apply(item, form.cleaned_data)
    except ConcurrentEditError as exc:
        fresh = _item(request, pk)
        messages.error(request, exc.message)
        return _page(request, fresh, status=409)
    except CaseRuleError as exc:
        form.add_error(None, exc.message)
        return _page(request, item, {key: form}, status=400)
    log_access(request.user, Action.CHANGE, case=item.case, purpose=done, path=request.path)
    messages.success(request, done)
    target = result.pk if isinstance(result, Handhaving) else item.pk
    return redirect(reverse("handhaving:detail", args=[target]))


@login_required
@require_POST
def prepare_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "prepare",
        lambda item: VersionOnlyForm(request.POST, auto_id="opmaken_%s"),
        lambda item, d: prepare_pv(
            item, actor=request.user, expected_version=d["version"], path=request.path
        ),
        "Het proces-verbaal is opgemaakt en bij de zaak bewaard.",
    )


@login_required
@require_POST
def scan_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "scan",
        lambda item: ScanForm(request.POST, request.FILES, auto_id="scan_%s"),
        lambda item, d: attach_signed_scan(
            item, d["file"], actor=request.user, expected_version=d["version"], path=request.path
        ),
        "De ondertekende scan van het proces-verbaal is toegevoegd.",
    )


@login_required
@require_POST
def dates_view(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(item: Handhaving, d: dict[str, Any]) -> Handhaving:
        changed = {
            name: d.get(name)
            for name in DATES_BY_KIND[item.kind]
            if d.get(name) != getattr(item, name)
        }
        if not changed:
            raise CaseRuleError("Er is geen datum gewijzigd.")
        return update_handhaving(item, actor=request.user, expected_version=d["version"], **changed)

    return _act(
        request,
        pk,
        "dates",
        lambda item: DatesForm(request.POST, kind=item.kind, auto_id="data_%s"),
        apply,
        "De data zijn vastgelegd.",
    )


@login_required
@require_POST
def outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "outcome",
        lambda item: OutcomeForm(request.POST, kind=item.kind, auto_id="uitkomst_%s"),
        lambda item, d: record_outcome(
            item,
            d["outcome"],
            actor=request.user,
            expected_version=d["version"],
            on=d["outcome_on"],
            note=d["note"],
        ),
        "De uitkomst is vastgelegd en teruggemeld aan de eigenaar van de zaak.",
    )


@login_required
@require_POST
def ask_pv_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "ask_pv",
        lambda item: VersionOnlyForm(request.POST, auto_id="pv_%s"),
        lambda item, d: pv_after_failed_halt(
            item, actor=request.user, expected_version=d["version"]
        ),
        "Het proces-verbaal is aangevraagd.",
        by_owner=True,
    )
