"""The jaarkalender screens: the calendar, editing a deadline, the secret
calendar address, and the iCalendar feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from rbl.accounts.security import record_setup_change
from rbl.governance import deadline_changes, services
from rbl.governance.forms import DeadlineForm
from rbl.governance.models import CalendarFeed, Deadline


def _require_viewer(request: HttpRequest) -> None:
    if not services.may_see_calendar(request.user):
        raise PermissionDenied("De jaarkalender is er voor medewerkers met een rol.")


def _require_editor(request: HttpRequest) -> None:
    if not services.may_edit_calendar(request.user):
        raise PermissionDenied(
            "Alleen de coördinator en applicatiebeheer wijzigen de jaarkalender."
        )


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    today = timezone.localdate()
    region = services.the_region()
    context = {
        "today": today,
        "months": services.calendar_months(region, today),
        "may_edit": services.may_edit_calendar(request.user),
        "deadlines": region.deadlines.select_related("responsible_user") if region else [],
    }
    return render(request, "governance/calendar.html", context)


def _edit(request: HttpRequest, deadline: Deadline | None) -> HttpResponse:
    region = services.the_region()
    if region is None:
        raise Http404("Er is nog geen regio ingericht.")
    if request.method == "POST":
        form = DeadlineForm(request.POST, instance=deadline)
        if form.is_valid():
            what = (
                deadline_changes.describe(form, dict(form.initial))
                if deadline
                else "Deadline aangemaakt."
            )
            with transaction.atomic():
                saved = form.save(commit=False)
                saved.region = region
                saved.save()
                deadline_changes.record(saved, request.user, what)
            if what:
                record_setup_change(
                    request.user, f"Jaarkalender “{saved.title}”: {what}", request=request
                )
            messages.success(request, f"Deadline “{saved.title}” opgeslagen.")
            return redirect("governance:calendar")
        status = 400
    else:
        form = DeadlineForm(instance=deadline)
        status = 200
    changes = deadline.changes.all()[:50] if deadline else []
    return render(
        request,
        "governance/deadline_form.html",
        {"form": form, "deadline": deadline, "changes": changes},
        status=status,
    )


@login_required
def deadline_new(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _edit(request, None)


@login_required
def deadline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    return _edit(request, get_object_or_404(Deadline, pk=pk))


@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    """Make, renew or revoke the user's secret calendar address. The address
    is shown once, right after it was made (only its hash is stored)."""
    _require_viewer(request)
    address = None
    if request.method == "POST":
        if request.POST.get("actie") == "intrekken":
            if services.revoke_feed_token(request.user):
                messages.success(request, "Het agenda-adres is ingetrokken; het werkt niet meer.")
            return redirect("governance:feed-settings")
        token = services.new_feed_token(request.user)
        address = request.build_absolute_uri(reverse("governance:feed", args=[token]))
    has_feed = CalendarFeed.objects.filter(user=request.user).first()
    response = render(
        request, "governance/feed_settings.html", {"address": address, "feed": has_feed}
    )
    if address:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no login, the secret token in the address is the key."""
    user = services.feed_user(token)
    if user is None or not services.may_see_calendar(user):
        raise Http404("Onbekend agenda-adres.")
    body = services.ical_feed(user, timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="jaarkalender.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
