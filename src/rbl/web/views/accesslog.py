"""The privacy officer's screen (R-61): who looked at a youth's file, to
answer a citizen's request. It shows log rows only, never the file itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from rbl.accounts.access import can_read_access_log
from rbl.audit.models import Action
from rbl.audit.services import log_access, who_viewed, who_viewed_summary
from rbl.registry.models import Person
from rbl.web.forms import AccessLogForm

MAX_ROWS = 500


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
            context["searched"] = True
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
