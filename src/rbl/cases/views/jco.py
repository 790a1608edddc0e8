"""The JCO list (R-22): every open Halt referral and PV of the user's
municipalities for the fortnightly justice case meeting with the OM and the
Raad voor de Kinderbescherming, with the meeting's outcome per line.

Shown as a page, downloaded as CSV, XLSX or PDF (`?export=csv|xlsx|pdf`);
every view and export is written to the access log. Which lines a user gets
is decided by `rbl.accounts.access.jco_handhaving`."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import jco_handhaving
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.forms import JcoOutcomeForm
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.jco import JcoLine, jco_lines, record_jco_outcome
from rbl.web import exports
from rbl.web.exports import Column
from rbl.web.permissions import may_see_jco

TITLE = "JCO-lijst"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _last(line: JcoLine) -> str:
    last = line.last
    return f"{last.meeting_on:%d-%m-%Y}: {last.action}" if last else ""


# One JcoLine per row.
JCO_COLUMNS: Sequence[Column] = (
    Column("Gemeente", lambda r: r.item.case.principal.name),
    Column("Jongere", lambda r: r.item.case.person.full_name),
    Column("Geboortedatum", lambda r: r.item.case.person.birth_date),
    Column("Soort", lambda r: r.item.get_kind_display()),
    Column("Status", lambda r: r.status),
    Column("BOA", lambda r: _name(r.item.handler)),
    Column("Eigenaar", lambda r: _name(r.item.case.owner)),
    Column("Gestart op", lambda r: r.item.opened_on),
    Column("Verzonden op", lambda r: r.item.sent_on),
    Column("Zitting", lambda r: r.item.hearing_on),
    Column("Laatste afspraak JCO", _last),
)


def _pdf(request: HttpRequest, lines: list[JcoLine]) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(
        "cases/jco_pdf.html",
        {"title": TITLE, "lines": lines, "made": timezone.localtime()},
    )
    response = HttpResponse(HTML(string=html, base_url="/").write_pdf(), "application/pdf")
    name = f"jco-lijst-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(
    request: HttpRequest,
    lines: list[JcoLine],
    bound: JcoOutcomeForm | None = None,
    bound_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = []
    for line in lines:
        pk = line.item.pk
        form = bound if pk == bound_pk else JcoOutcomeForm(auto_id=f"jco{pk}_%s")
        rows.append((line, form))
    return render(
        request,
        "cases/jco.html",
        {
            "title": TITLE,
            "rows": rows,
            "count": len(lines),
            "columns": JCO_COLUMNS,
            "open_form": bound_pk,
        },
        status=status,
    )


@login_required
def jco_list_page(request: HttpRequest) -> HttpResponse:
    if not may_see_jco(request.user):
        raise PermissionDenied
    lines = jco_lines(request.user)
    cases = [line.item.case for line in lines]
    if request.GET.get("export") == "pdf":
        log_access(
            request.user,
            Action.EXPORT,
            cases=cases,
            purpose="export jco-lijst (pdf)",
            path=request.path,
        )
        return _pdf(request, lines)
    response = exports.list_download(
        request, title=TITLE, slug="jco-lijst", items=lines, cases=cases, columns=JCO_COLUMNS
    )
    if response is not None:
        return response
    if cases:
        log_access(request.user, Action.VIEW, cases=cases, purpose=TITLE, path=request.path)
    return _page(request, lines)


@login_required
@require_POST
def jco_outcome_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Record what the meeting agreed on one line."""
    if not may_see_jco(request.user):
        raise PermissionDenied
    item = jco_handhaving(request.user).filter(pk=item_id).select_related("case").first()
    if item is None:
        raise Http404
    form = JcoOutcomeForm(request.POST, auto_id=f"jco{item.pk}_%s")
    if form.is_valid():
        try:
            record_jco_outcome(
                item,
                meeting_on=form.cleaned_data["meeting_on"],
                action=form.cleaned_data["action"],
                actor=request.user,
            )
        except CaseRuleError as exc:
            form.add_error(None, exc.message)
        else:
            log_access(
                request.user,
                Action.CHANGE,
                case=item.case,
                purpose="afspraak JCO vastgelegd",
                path=request.path,
            )
            messages.success(request, "Afspraak van het JCO vastgelegd.")
            return redirect(f"{reverse('cases:jco')}#jco-{item.pk}")
    lines = jco_lines(request.user)
    if all(line.item.pk != item.pk for line in lines):  # e.g. finished meanwhile
        for error in form.non_field_errors():
            messages.error(request, error)
    cases = [line.item.case for line in lines]
    if cases:
        log_access(request.user, Action.VIEW, cases=cases, purpose=TITLE, path=request.path)
    return _page(request, lines, bound=form, bound_pk=item.pk, status=400)
