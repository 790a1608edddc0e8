"""The start page: every role lands where its work is.

- coordinator, policy staff and auditor: the dashboard of their municipalities;
- leerplicht officers, KPA, RMC and BOA (and a school's fixed contact): their work;
- central administration: the week's imports, signals and letters to print;
- privacy officer: the access log;
- application management: the set-up screens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rbl.accounts.models import Role
from rbl.web.permissions import user_grants

# The first role of this list the user holds decides the home.
HOME_BY_ROLE: tuple[tuple[str, str], ...] = (
    (Role.COORDINATOR, "reporting:dashboard"),
    (Role.ADMINISTRATIE, "office"),
    (Role.LPA, "web:my-work"),
    (Role.KPA, "web:my-work"),
    (Role.RMC, "web:my-work"),
    (Role.BOA, "web:my-work"),
    (Role.BELEID, "reporting:annual"),
    (Role.AUDITOR, "reporting:dashboard"),
    (Role.PRIVACY, "web:access-log"),
    (Role.BEHEER, "setup"),
)


def home_for(user: Any) -> str:
    """The home of `user`: a URL name, or "office"/"setup"/"welcome" (pages here)."""
    roles = set(user.role_assignments.values_list("role", flat=True))
    for role, home in HOME_BY_ROLE:
        if role in roles:
            return home
    if user.owned_cases.exists():  # a school's fixed contact without a role
        return "web:my-work"
    return "welcome"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    target = home_for(request.user)
    if target == "office":
        return render(request, "web/home_office.html", office_week(request.user))
    if target == "setup":
        return render(request, "web/home_setup.html", setup_screens(request.user))
    if target == "welcome":
        return render(request, "web/home.html")
    return redirect(target)


@dataclass(frozen=True)
class Batch:
    pk: int
    kind: str
    letters: int
    finished_at: dt.datetime


def office_week(user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """What the central administration handles this week, as counts and links
    (no person on this page): imports, new signals, signals waiting for their
    control letter, letter batches to print, reports waiting for a youth."""
    from rbl.absoluut.models import Signal
    from rbl.cases.models import VerzuimMelding
    from rbl.letters.models import BatchState, LetterBatch
    from rbl.letters.services.letters import signals_needing_letter
    from rbl.registry.imports import KINDS
    from rbl.registry.models import ImportJob, ImportJobState, ImportLog

    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    since = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    codes = sorted(user_grants(user).edit_cases)
    imports = list(ImportLog.objects.filter(started_at__gte=since).order_by("-started_at")[:20])
    labels = {name: kind.label for name, kind in KINDS.items()}
    for log in imports:
        log.kind_label = labels.get(log.kind, log.kind)
    running = ImportJob.objects.filter(
        state__in=[ImportJobState.WAITING, ImportJobState.RUNNING]
    ).count()
    batches = list(
        LetterBatch.objects.filter(state=BatchState.DONE, letters__gt=0, finished_at__gte=since)
        .order_by("-finished_at")
        .values_list("pk", "kind", "letters", "finished_at")[:20]
    )
    from rbl.letters.models import LetterKind

    return {
        "today": today,
        "monday": monday,
        "imports": imports,
        "imports_running": running,
        "signals_new": Signal.objects.of_municipalities(codes).filter(opened_on__gte=monday).count()
        if codes
        else 0,
        "signals_waiting": signals_needing_letter(codes).count() if codes else 0,
        "batches": [Batch(pk, LetterKind(kind).label, n, at) for pk, kind, n, at in batches],
        "unlinked": VerzuimMelding.objects.filter(person__isnull=True, case__isnull=True).count()
        if codes
        else 0,
    }


def setup_screens(user: Any) -> dict[str, Any]:
    """The set-up screens application management may open."""
    from django.urls import reverse

    screens = []
    if user_grants(user).configures:
        screens.append(
            (
                reverse("letters:templates"),
                "Briefsjablonen",
                "De teksten van de standaardbrieven, het logo en de tekstblokken per gemeente.",
            )
        )
    from rbl.reporting.editors import may_load_reference

    if may_load_reference(user):
        screens.append(
            (
                reverse("reporting:reference"),
                "Landelijke referentie",
                "De landelijke cijfers, met bron en schooljaar, waarmee jaarverslag en "
                "benchmark de gemeenten vergelijken.",
            )
        )
    from rbl.accounts.access import can_configure, can_read_security_log

    if can_configure(user):
        screens.append(
            (
                reverse("accounts:api-tokens"),
                "API-sleutels",
                "Sleutels van de dienstaccounts waarmee andere systemen de API aanroepen: "
                "maken, bekijken en intrekken.",
            )
        )
    if can_read_security_log(user):
        screens.append(
            (
                reverse("accounts:security-log"),
                "Beveiligingslog",
                "Wie wanneer inlogde, mislukte pogingen en blokkades, de tweede factor, "
                "API-sleutels en gewijzigde rollen.",
            )
        )
    from rbl.finance.views import may_use_finance

    if may_use_finance(user):
        screens.append(
            (
                reverse("finance:scenario"),
                "Financiën",
                "Het scenario van formatie en kostenverdeling van de samenwerking.",
            )
        )
    return {"screens": screens}
