"""Yearly audits of professionals (R-50): who was audited in a year, the
follow-up actions (PDCA) and who may fill in and complete what. Who sees an
audit at all is decided by accounts.access.audits_visible_to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from rbl.accounts.access import audits_visible_to, coordinates_audits
from rbl.accounts.models import Role
from rbl.governance.models import Audit, AuditAction

#: The professionals audited every year.
AUDITED_ROLES = (Role.LPA, Role.KPA, Role.RMC, Role.BOA, Role.ADMINISTRATIE)


def professionals() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            is_active=True, is_service_account=False, role_assignments__role__in=AUDITED_ROLES
        )
        .distinct()
        .order_by("last_name", "username")
    )


@dataclass(frozen=True)
class OverviewRow:
    user: object
    audit: Audit | None
    open_actions: int
    overdue_actions: int


def year_overview(viewer, year: int, today: dt.date) -> list[OverviewRow]:
    """Per professional: the year's audit and its open and overdue actions.
    A coordinator gets every professional (also those not audited yet);
    anyone else only the audits they may see."""
    audits = {
        a.audited_id: a
        for a in audits_visible_to(viewer)
        .filter(year=year)
        .select_related("audited", "auditor")
        .annotate(
            open_count=Count("actions", filter=Q(actions__done_on__isnull=True)),
            overdue_count=Count(
                "actions", filter=Q(actions__done_on__isnull=True, actions__due_on__lt=today)
            ),
        )
    }
    people = list(professionals()) if coordinates_audits(viewer) else []
    seen = {u.pk for u in people}
    people += [a.audited for a in audits.values() if a.audited_id not in seen]
    return [
        OverviewRow(
            u,
            audits.get(u.pk),
            audits[u.pk].open_count if u.pk in audits else 0,
            audits[u.pk].overdue_count if u.pk in audits else 0,
        )
        for u in people
    ]


def may_fill(user, audit: Audit) -> bool:
    """The coordinator and the colleague named as auditor fill in the form and
    set the follow-up actions; the audited person reads."""
    return coordinates_audits(user) or (
        audit.auditor_id is not None and audit.auditor_id == user.pk
    )


def may_complete(user, action: AuditAction) -> bool:
    return action.owner_id == user.pk or may_fill(user, action.audit)


def complete_action(action: AuditAction, by, today: dt.date) -> bool:
    """Mark an action done; False when it was done already (nothing changes)."""
    return bool(
        AuditAction.objects.filter(pk=action.pk, done_on__isnull=True).update(
            done_on=today, done_by=by
        )
    )
