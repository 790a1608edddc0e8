"""Leave requests (R-24): who decides, by when, the decision and an objection
forwarded to the principal municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from rbl.cases.models import (
    CaseType,
    ClosingReason,
    EventKind,
    LeaveArticle,
    LeaveDecider,
    LeaveDecision,
    LeaveRequest,
    Task,
    TaskKind,
)
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.lifecycle import BY_RULES, add_task, close_case, open_case
from rbl.cases.services.settings import case_settings
from rbl.organisation.models import School
from rbl.registry.models import Person


def school_days(start: dt.date, end: dt.date) -> int:
    """Weekdays from `start` through `end` (school holidays are not known here)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(rest):
        if (start + dt.timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def decision_terms(
    article: str, requested_on: dt.date, start: dt.date, days: int, *, weeks: int, school_max: int
) -> tuple[str, dt.date]:
    """(decider, decision due date). Leave of more than `school_max` school days
    under art. 14 is decided by the leerplichtambtenaar, other leave by the head
    of the school; the decision is due `weeks` weeks after the request, and no
    later than the day before the leave starts (when that is still after the
    request)."""
    decider = (
        LeaveDecider.LPA
        if article == LeaveArticle.ART_14 and days > school_max
        else LeaveDecider.SCHOOL
    )
    due = requested_on + dt.timedelta(weeks=weeks)
    day_before = start - dt.timedelta(days=1)
    if requested_on <= day_before < due:
        due = day_before
    return decider, due


def register_leave_request(
    person: Person,
    *,
    article: str,
    requested_on: dt.date,
    start: dt.date,
    end: dt.date,
    actor: Any,
    school: School | None = None,
    today: dt.date | None = None,
    owner: Any = BY_RULES,
) -> LeaveRequest:
    """Register a request: opens a verlof case with a task to decide by the due
    date; its owner is `owner` when given, else chosen by the region's rules."""
    if article not in LeaveArticle.values:
        raise CaseRuleError("Onbekend wetsartikel voor verlof.")
    if end < start:
        raise CaseRuleError("De einddatum van het verlof ligt voor de begindatum.")
    today = today or timezone.localdate()
    if requested_on > today:
        raise CaseRuleError("De aanvraagdatum kan niet in de toekomst liggen.")
    with transaction.atomic():
        case = open_case(
            person, CaseType.VERLOF, actor=actor, today=today, school=school, owner=owner
        )
        terms = case_settings(case.principal)
        days = school_days(start, end)
        decider, due = decision_terms(
            article,
            requested_on,
            start,
            days,
            weeks=terms.leave_decision_weeks,
            school_max=terms.leave_school_max_days,
        )
        request = LeaveRequest.objects.create(
            case=case,
            article=article,
            requested_on=requested_on,
            start=start,
            end=end,
            school_days=days,
            decider=decider,
            decision_due_on=due,
        )
        add_task(case, TaskKind.VERLOF_BESLISSEN, "Beslissen op verlofaanvraag", due)
    return request


def decide_leave(
    request: LeaveRequest,
    decision: str,
    *,
    actor: Any,
    expected_version: int | None,
    decided_on: dt.date | None = None,
    note: str = "",
) -> LeaveRequest:
    """Record the decision; closes the decision task and the case."""
    if decision not in LeaveDecision.values:
        raise CaseRuleError("Onbekend besluit.")
    decided_on = decided_on or timezone.localdate()
    if decided_on < request.requested_on:
        raise CaseRuleError("Het besluit kan niet voor de aanvraag liggen.")
    with transaction.atomic():
        with locked_case(request.case_id, expected_version) as case:
            if request.decision:
                raise CaseRuleError("Op deze aanvraag is al besloten.")
            LeaveRequest.objects.filter(pk=request.pk).update(
                decision=decision, decided_on=decided_on, decision_note=note
            )
            Task.objects.filter(
                case=case, kind=TaskKind.VERLOF_BESLISSEN, done_on__isnull=True
            ).update(done_on=decided_on)
            save_case(case, [])
            record_event(case, EventKind.LEAVE, actor=actor, data={"besluit": decision}, note=note)
            version = case.version
        close_case(
            case,
            ClosingReason.BESLOTEN,
            actor=actor,
            expected_version=version,
            closed_on=max(decided_on, case.opened_on),
        )
    request.refresh_from_db()
    return request


def register_objection(
    request: LeaveRequest,
    *,
    actor: Any,
    expected_version: int | None,
    received_on: dt.date,
    forwarded_on: dt.date | None = None,
    decided_on: dt.date | None = None,
) -> LeaveRequest:
    """Register a bezwaar against the decision, when it was forwarded to the
    principal municipality (which decides on it) and when that municipality
    decided. Until then the objection holds the file against retention."""
    if not request.decision:
        raise CaseRuleError("Bezwaar kan pas na een besluit.")
    if received_on < request.decided_on:
        raise CaseRuleError("Het bezwaar kan niet voor het besluit liggen.")
    if forwarded_on is not None and forwarded_on < received_on:
        raise CaseRuleError("Doorsturen kan niet voor de ontvangst van het bezwaar.")
    if decided_on is not None and decided_on < received_on:
        raise CaseRuleError("De beslissing op het bezwaar kan niet voor de ontvangst liggen.")
    with locked_case(request.case_id, expected_version) as case:
        LeaveRequest.objects.filter(pk=request.pk).update(
            objection_received_on=received_on,
            objection_forwarded_on=forwarded_on,
            objection_decided_on=decided_on,
        )
        save_case(case, [])
        record_event(
            case,
            EventKind.LEAVE,
            actor=actor,
            data={
                "bezwaar_ontvangen": received_on.isoformat(),
                "doorgestuurd": forwarded_on.isoformat() if forwarded_on else None,
                "beslist": decided_on.isoformat() if decided_on else None,
                "gemeente": case.principal_id,
            },
        )
    request.refresh_from_db()
    return request


def register_leave_request_with_reason(
    person: Person,
    *,
    article: str,
    requested_on: dt.date,
    start: dt.date,
    end: dt.date,
    reason: str,
    actor: Any,
    school: School | None = None,
    today: dt.date | None = None,
    owner: Any = BY_RULES,
) -> LeaveRequest:
    """Register a request (see `register_leave_request`) and keep the reason the
    parents gave in the case history, in the same transaction."""
    with transaction.atomic():
        request = register_leave_request(
            person,
            article=article,
            requested_on=requested_on,
            start=start,
            end=end,
            actor=actor,
            school=school,
            today=today,
            owner=owner,
        )
        reason = (reason or "").strip()
        if reason:
            with locked_case(request.case_id, None) as case:
                save_case(case, [])
                record_event(
                    case,
                    EventKind.LEAVE,
                    actor=actor,
                    data={"aanvraag": article, "reden": True},
                    note=reason,
                )
    return request


def open_leave_requests(cases: QuerySet, today: dt.date | None = None) -> QuerySet[LeaveRequest]:
    """Undecided requests among `cases` (a Case queryset, e.g. the ones a user
    may read), the first decision due date first, each marked `overdue` when
    that date has passed."""
    today = today or timezone.localdate()
    return (
        LeaveRequest.objects.filter(decision="", case__in=cases.values("pk"))
        .annotate(
            overdue=Case(
                When(decision_due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("decision_due_on", "pk")
    )
