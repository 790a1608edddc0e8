"""The chain-partner screens (issue 20 items 2 and 3), mounted at /keten/:
recording that a prepared SVB notification was sent, recording a doubt about
a youth's address (the BRP terugmelding) and its outcome, and the export
lists for the administration.

Who may do what comes from `rbl.accounts.access`: a terugmelding is there for
whoever may read its case (others get 404); its forms for whoever may change
the case (403 for a reader). Every form carries the version the user saw;
a change made meanwhile answers with a Dutch conflict message (409). Every
page view, change and export is written to the access log; no URL holds a
BSN (cases travel by their opaque id)."""

from __future__ import annotations

from typing import Any

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
    chain_export_municipalities,
    editable_svb_notifications,
    editable_terugmeldingen,
    visible_svb_notifications,
    visible_terugmeldingen,
)
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.chain import delta, svb, terugmelding
from rbl.chain.exports import BRP_COLUMNS, SVB_COLUMNS, brp_rows, csv_download, svb_rows
from rbl.chain.forms import OutcomeForm, SentForm, TerugmeldingForm
from rbl.chain.models import BrpTerugmelding, ChainExportKind, Forwarding, SvbNotification
from rbl.organisation.models import Municipality
from rbl.web.exports import xlsx_response


def _case_url(case_id: int) -> str:
    return reverse("web:case", args=[case_id])


# --- SVB: the officer records the sending ----------------------------------------


@login_required
@require_POST
def svb_sent(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_svb_notifications(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    if not editable_svb_notifications(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            svb.record_sent(
                item,
                sent_on=form.cleaned_data["sent_on"],
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                path=request.path,
            )
        except ConcurrentEditError as exc:
            messages.error(request, exc.message)
        except CaseRuleError as exc:
            messages.error(request, f"Verzonden op: {exc.message}")
        else:
            messages.success(request, "De verzending van de SVB-melding is vastgelegd.")
    else:
        errors = "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}"
            for f, e in form.errors.items()
            if f in form.fields
        )
        messages.error(request, errors or "Er is niets vastgelegd.")
    return redirect(_case_url(item.case_id) + "#h-keten")


# --- BRP terugmelding --------------------------------------------------------------


@login_required
def terugmelding_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record a doubt about the youth's registered address (GET the form, POST it)."""
    case = case_to_change(request.user, case_id)
    status = 200
    if request.method == "POST":
        form = TerugmeldingForm(request.POST, auto_id="tm_%s")
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = terugmelding.record_terugmelding(
                    case,
                    reasons=data["reasons"],
                    grounds=data["grounds"],
                    actor=request.user,
                    expected_version=data["version"],
                    path=request.path,
                )
            except ConcurrentEditError as exc:
                case = case_to_change(request.user, case_id)
                form = TerugmeldingForm(
                    {
                        **request.POST.dict(),
                        "reasons": request.POST.getlist("reasons"),
                        "version": case.version,
                    },
                    auto_id="tm_%s",
                )
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except CaseRuleError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    "De terugmelding is gedaan: de brief aan de BRP is gemaakt en bij de zaak "
                    "bewaard, en er is een taak om haar op te volgen.",
                )
                return redirect(reverse("chain:terugmelding", args=[item.pk]))
        else:
            status = 400
    else:
        form = TerugmeldingForm(initial={"version": case.version}, auto_id="tm_%s")
        log_access(
            request.user, Action.VIEW, case=case, purpose="terugmelding BRP", path=request.path
        )
    open_item = BrpTerugmelding.objects.open().filter(person=case.person_id).first()
    context = {"case": case, "person": case.person, "form": form, "open_item": open_item}
    return render(request, "chain/terugmelding_new.html", context, status=status)


def _visible_item(request: HttpRequest, pk: int) -> BrpTerugmelding:
    item = (
        visible_terugmeldingen(request.user)
        .select_related(
            "case__person",
            "case__principal",
            "municipality",
            "document",
            "recorded_by",
            "outcome_by",
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _detail(
    request: HttpRequest, item: BrpTerugmelding, form: OutcomeForm | None, status: int = 200
) -> HttpResponse:
    editable = item.is_open and editable_terugmeldingen(request.user).filter(pk=item.pk).exists()
    if editable and form is None:
        form = OutcomeForm(
            initial={"version": item.version, "outcome_on": timezone.localdate()},
            auto_id="uit_%s",
        )
    context = {
        "item": item,
        "case": item.case,
        "person": item.person,
        "form": form if editable else None,
    }
    return render(request, "chain/terugmelding.html", context, status=status)


@login_required
def terugmelding_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    log_access(
        request.user, Action.VIEW, case=item.case, purpose="terugmelding BRP", path=request.path
    )
    return _detail(request, item, None)


@login_required
@require_POST
def terugmelding_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    if not editable_terugmeldingen(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = OutcomeForm(request.POST, auto_id="uit_%s")
    if not form.is_valid():
        return _detail(request, item, form, status=400)
    data = form.cleaned_data
    try:
        terugmelding.record_outcome(
            item,
            outcome=data["outcome"],
            on=data["outcome_on"],
            actor=request.user,
            expected_version=data["version"],
            path=request.path,
        )
    except ConcurrentEditError as exc:
        item = _visible_item(request, pk)
        kept = OutcomeForm({**request.POST.dict(), "version": item.version}, auto_id="uit_%s")
        kept.is_valid()
        kept.add_error(None, exc.message)
        return _detail(request, item, kept, status=409)
    except CaseRuleError as exc:
        form.add_error(None, exc.message)
        return _detail(request, item, form, status=400)
    messages.success(request, "De uitkomst van de terugmelding is vastgelegd.")
    return redirect(reverse("chain:terugmelding", args=[pk]))


# --- the export lists ----------------------------------------------------------------


def _export_codes(request: HttpRequest) -> list[str]:
    codes = sorted(chain_export_municipalities(request.user))
    if not codes:
        raise PermissionDenied
    return codes


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    """The SVB notifications and terugmeldingen of the user's municipalities,
    with the downloads."""
    codes = _export_codes(request)
    notifications = list(
        visible_svb_notifications(request.user)
        .filter(case__principal_id__in=codes)
        .select_related("case__person", "case__principal", "sent_by")
        .order_by("sent_on", "-prepared_on", "pk")
    )
    items = list(
        visible_terugmeldingen(request.user)
        .filter(municipality_id__in=codes)
        .select_related("person", "municipality", "case")
        .order_by("closed_on", "-recorded_on", "pk")
    )
    log_access(
        request.user,
        Action.VIEW,
        persons=[n.case.person_id for n in notifications] + [t.person_id for t in items],
        purpose="ketenpartners: SVB-meldingen en terugmeldingen BRP",
        path=request.path,
    )
    municipalities = list(Municipality.objects.filter(code__in=codes).order_by("name"))
    svb_scope = visible_svb_notifications(request.user).filter(case__principal_id__in=codes)
    svb_pending = len(delta.pending_lines(ChainExportKind.SVB, svb_scope))
    brp_scope = visible_terugmeldingen(request.user)
    for m in municipalities:
        m.brp_pending = len(  # type: ignore[attr-defined]
            delta.pending_lines(ChainExportKind.BRP, brp_scope.filter(municipality_id=m.code))
        )
    context = {
        "notifications": notifications,
        "items": items,
        "municipalities": municipalities,
        "svb_pending": svb_pending,
        "svb_exports": delta.recent_exports(ChainExportKind.SVB, codes),
        "brp_exports": delta.recent_exports(ChainExportKind.BRP, codes),
    }
    return render(request, "chain/lists.html", context)


def _chosen(request: HttpRequest, codes: list[str]) -> list[str]:
    wanted = request.GET.get("gemeente", "")
    if not wanted:
        return codes
    if wanted not in codes:
        raise Http404
    return [wanted]


@login_required
def svb_export(request: HttpRequest) -> HttpResponse:
    """The SVB notifications of the user's municipalities: CSV, or XLSX with
    `?formaat=xlsx`; `?open=1` only those not yet sent; `?sinds_vorige=1` only
    the lines new or changed since the last such export (recorded)."""
    codes = _chosen(request, _export_codes(request))
    qs = visible_svb_notifications(request.user).filter(case__principal_id__in=codes)
    if request.GET.get("open"):
        qs = qs.filter(sent_on__isnull=True)
    if request.GET.get("sinds_vorige"):
        lines, _run = delta.export_delta(ChainExportKind.SVB, qs, codes=codes, user=request.user)
        rows = [line.row for line in lines]
        persons = [line.person_id for line in lines]
    else:
        rows = svb_rows(qs)
        persons = list(qs.values_list("case__person_id", flat=True))
    log_access(
        request.user,
        Action.EXPORT,
        persons=persons,
        purpose="export SVB-meldingen",
        path=request.path,
    )
    name = f"svb-meldingen-{timezone.localdate():%Y%m%d}"
    if request.GET.get("formaat") == "xlsx":
        return xlsx_response(name, "SVB-meldingen", rows, SVB_COLUMNS)
    return csv_download(name, SVB_COLUMNS, rows)


@login_required
def brp_export(request: HttpRequest) -> HttpResponse:
    """The terugmeldingen for the BRP department of one municipality (or all
    of the user's): CSV; `?open=1` only those still open; `?sinds_vorige=1`
    only the lines new or changed since the last such export (recorded)."""
    codes = _chosen(request, _export_codes(request))
    qs = visible_terugmeldingen(request.user).filter(municipality_id__in=codes)
    if request.GET.get("open"):
        qs = qs.filter(closed_on__isnull=True)
    if request.GET.get("sinds_vorige"):
        lines, _run = delta.export_delta(ChainExportKind.BRP, qs, codes=codes, user=request.user)
        rows = [line.row for line in lines]
        persons = [line.person_id for line in lines]
    else:
        rows = brp_rows(qs)
        persons = list(qs.values_list("person_id", flat=True))
    log_access(
        request.user,
        Action.EXPORT,
        persons=persons,
        purpose="export terugmeldingen BRP",
        path=request.path,
    )
    suffix = f"-{codes[0]}" if len(codes) == 1 else ""
    return csv_download(
        f"terugmeldingen-brp{suffix}-{timezone.localdate():%Y%m%d}", BRP_COLUMNS, rows
    )


def case_chain_context(user: Any, case: Case, *, editable: bool) -> dict[str, Any]:
    """What the case page shows of the chain partners (templatetags.chain);
    `editable`: the user may change the open case (the case page knows)."""
    svb_types = {t for types in svb.TRIGGER_TYPES.values() for t in types}
    svb_items = (
        list(SvbNotification.objects.filter(case=case).select_related("document", "sent_by"))
        if case.type in svb_types
        else []
    )
    return {
        "svb_items": svb_items,
        "tm_items": list(
            BrpTerugmelding.objects.filter(case=case).select_related("document", "recorded_by")
        ),
        # A forwarding closes its case: an open case is not asked (query bound of
        # the case page); the history keeps the forwarding after a reopening.
        "fw_items": list(Forwarding.objects.filter(case=case).select_related("letter", "sent_by"))
        if case.is_closed
        else [],
        "chain_editable": editable,
        "chain_can_report": editable and not case.is_closed,
        "today": timezone.localdate(),
    }
