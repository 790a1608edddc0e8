"""The privacy officer's screen (R-61): who looked at a youth's file, to
answer a citizen's request. It shows log rows only, never the file itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rbl.accounts.access import can_read_access_log
from rbl.audit.models import Action
from rbl.audit.services import log_access, who_viewed, who_viewed_summary
from rbl.brp.services import report_lookups
from rbl.registry.models import Person
from rbl.web import exports
from rbl.web.forms import AccessLogForm

MAX_ROWS = 500


def _moment(entry) -> str:
    return timezone.localtime(entry.at).strftime("%d-%m-%Y %H:%M:%S")


COLUMNS = (
    exports.Column("Tijdstip", _moment),
    exports.Column("Medewerker", lambda e: e.username),
    exports.Column("Handeling", lambda e: e.get_action_display()),
    exports.Column("Doel", lambda e: e.purpose),
    exports.Column("Pagina of opdracht", lambda e: e.path),
)


@login_required
@require_http_methods(["GET", "POST"])
def access_log(request: HttpRequest) -> HttpResponse:
    """The BSN comes by POST only; the answer lists who did what and when."""
    if not can_read_access_log(request.user):
        raise PermissionDenied
    context: dict = {"form": AccessLogForm(), "searched": False}
    status = 200
    if request.method == "POST":
        form = AccessLogForm(request.POST)
        context["form"] = form
        if form.is_valid():
            person = Person.objects.filter(bsn=form.cleaned_data["bsn"]).only("pk").first()
            kind = request.POST.get("export")
            if person is not None and kind in ("csv", "xlsx"):
                return _download(request, person, form.cleaned_data.get("sinds"), kind)
            context["searched"] = True
            # BRP lookups against DUO reports of this BSN made while RBL held no youth.
            context["report_lookups"] = list(
                report_lookups(form.cleaned_data["bsn"], form.cleaned_data.get("sinds"))[:MAX_ROWS]
            )
            if person is not None:
                since = form.cleaned_data.get("sinds")
                context["summary"] = [
                    {**row, "label": Action(row["action"]).label}
                    for row in who_viewed_summary(person)
                ]
                context["entries"] = list(who_viewed(person, since=since)[:MAX_ROWS])
                context["max_rows"] = MAX_ROWS
            # The question itself is an access to the log of this youth.
            log_access(
                request.user,
                Action.SEARCH,
                persons=[person] if person else [],
                purpose="toegangslog opvragen (privacy)",
                path=request.path,
            )
        else:
            status = 400
    return render(request, "web/access_log.html", context, status=status)


def _download(request: HttpRequest, person: Person, since, kind: str) -> HttpResponse:
    """Every log row of one youth (no row limit), as CSV or XLSX; the export
    itself is logged. The BSN stays in the POST body, never in the file name."""
    log_access(
        request.user,
        Action.EXPORT,
        persons=[person],
        purpose=f"export toegangslog (privacy, {kind})",
        path=request.path,
    )
    data = exports.rows(who_viewed(person, since=since).iterator(), COLUMNS)
    name = f"toegangslog-{timezone.localdate():%Y%m%d}"
    if kind == "csv":
        return exports.csv_response(name, data, COLUMNS)
    return exports.xlsx_response(name, "Toegangslog", data, COLUMNS)
