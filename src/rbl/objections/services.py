"""Registering and handling objections and complaints (issue 18, item 8).

Routing (`route_for`): an objection against a decision the leerplichtambtenaar
took in mandate on behalf of the principal municipality (an exemption, leave up
to ten school days, any other case decision) is forwarded at once to that
municipality, which decides on it; an objection against the officer's own
decision on leave of more than ten school days (art. 14 lid 3 Leerplichtwet)
is handled by the regional team, with the principal municipality's objection
committee informed and advising (so the twelve-week term applies).
Leave decided by the head of the school is no decision of ours: an objection
against it goes to the school's governing board and is refused here.

Terms as work: each objection and complaint carries its own `due_on`
(`rbl.objections.terms`), recomputed here whenever the committee flag or the
postponement changes, and `open_terms` lists a handler's open items for the
home screen and "Mijn werk". They are deliberately not `cases.Task` rows: a
complaint has no case, a postponement would have to rewrite a task, and the
task list's kinds belong to the cases app; one due date on the record itself
cannot drift from it.

A leave objection is mirrored onto the leave request's own objection fields
(`cases.services.leave.register_objection`), which puts it in the case history
and holds the file against retention until the objection is decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse

from rbl.cases.models import Case, LeaveArticle, LeaveDecider, LeaveRequest, PrincipalPeriod
from rbl.objections.models import (
    Complaint,
    DecisionKind,
    Objection,
    Route,
)
from rbl.objections.terms import complaint_due, objection_due

# Art. 14 lid 3 Leerplichtwet: leave of more than ten school days is the
# leerplichtambtenaar's own decision.
OWN_DECISION_MIN_DAYS = 11


class ObjectionError(Exception):
    """A change the rules do not allow; `field` names the form field (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


STALE = (
    "Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens."
)


@dataclass(frozen=True)
class Decision:
    """A decision of a case an objection can be made against."""

    kind: str
    label: str
    date: dt.date | None
    leave_request: LeaveRequest | None = None
    exemption: Any = None


def decisions_of(case: Case) -> list[Decision]:
    """The recorded decisions of `case` (leave, exemption), plus "another
    decision" whose date the user gives."""
    found: list[Decision] = []
    leave = LeaveRequest.objects.filter(case=case).exclude(decision="").first()
    if leave is not None and leave.decided_on:
        found.append(
            Decision(
                DecisionKind.VERLOF,
                f"Verlof: {leave.get_decision_display().lower()} op "
                f"{leave.decided_on:%d-%m-%Y} ({leave.school_days} schooldagen, "
                f"{leave.get_decider_display().lower()})",
                leave.decided_on,
                leave_request=leave,
            )
        )
    if case.exemption_id:
        exemption = case.exemption
        found.append(
            Decision(
                DecisionKind.VRIJSTELLING,
                f"Vrijstelling ({exemption.get_ground_display()}) besloten op "
                f"{exemption.decided_on:%d-%m-%Y}",
                exemption.decided_on,
                exemption=exemption,
            )
        )
    found.append(Decision(DecisionKind.ANDERS, "Ander besluit in de zaak", None))
    return found


def is_own_decision(leave: LeaveRequest) -> bool:
    """The leerplichtambtenaar's own decision (art. 14 lid 3): leave under art.
    14 of more than ten school days decided by the officer."""
    return (
        leave.decider == LeaveDecider.LPA
        and leave.article == LeaveArticle.ART_14
        and leave.school_days >= OWN_DECISION_MIN_DAYS
    )


def route_for(decision_kind: str, leave: LeaveRequest | None = None) -> str:
    """Who handles an objection against this decision (see the module text)."""
    if decision_kind == DecisionKind.VERLOF:
        if leave is None:
            raise ObjectionError("Kies het besluit op de verlofaanvraag.", "decision")
        if leave.decider == LeaveDecider.SCHOOL:
            raise ObjectionError(
                "Over dit verlof besliste de directeur van de school; bezwaar daartegen "
                "gaat naar het schoolbestuur, niet naar het regionale bureau.",
                "decision",
            )
        if is_own_decision(leave):
            return Route.REGIONAAL
    return Route.DOORGESTUURD


def principal_on(case: Case, day: dt.date) -> str:
    """The CBS code of the case's principal municipality on `day` (the opening
    day for a day before the case was opened)."""
    day = max(day, case.opened_on)
    period = PrincipalPeriod.objects.filter(case=case).covering(day).first()
    return period.municipality_id if period else case.principal_id


def _leave_mirror(objection: Objection, actor: Any) -> None:
    """Keep the leave request's objection fields in step (history, retention)."""
    if objection.leave_request_id is None:
        return
    from rbl.cases.services.leave import register_objection as mirror

    mirror(
        LeaveRequest.objects.get(pk=objection.leave_request_id),
        actor=actor,
        expected_version=None,
        received_on=objection.received_on,
        forwarded_on=objection.forwarded_on,
        decided_on=objection.outcome_on,
    )


def register_objection(
    case: Case,
    *,
    decision_kind: str,
    received_on: dt.date,
    handler: Any,
    actor: Any,
    today: dt.date,
    decision_date: dt.date | None = None,
    decision_description: str = "",
    grounds: str = "",
    committee: bool = False,
) -> Objection:
    """Register an objection against a decision of `case` and route it: an
    objection against a decision in mandate is forwarded today to the
    principal municipality of the decision date."""
    decisions = {d.kind: d for d in decisions_of(case)}
    decision = decisions.get(decision_kind)
    if decision is None:
        raise ObjectionError("Deze zaak heeft geen besluit van deze soort.", "decision")
    route = route_for(decision_kind, decision.leave_request)
    if decision.date is not None:
        decision_date = decision.date
    if decision_date is None:
        raise ObjectionError("Vul de datum van het besluit in.", "decision_date")
    if decision_kind == DecisionKind.ANDERS and not decision_description.strip():
        raise ObjectionError("Omschrijf tegen welk besluit het bezwaar is.", "decision_description")
    if decision_date > today:
        raise ObjectionError("De datum van het besluit ligt in de toekomst.", "decision_date")
    if received_on > today:
        raise ObjectionError("De ontvangstdatum ligt in de toekomst.", "received_on")
    if received_on < decision_date:
        raise ObjectionError(
            "Het bezwaar kan niet eerder ontvangen zijn dan het besluit is genomen.", "received_on"
        )
    if route == Route.REGIONAAL:
        committee = True  # the principal municipality's committee advises
    with transaction.atomic():
        objection = Objection.objects.create(
            case=case,
            decision_kind=decision_kind,
            leave_request=decision.leave_request,
            exemption=decision.exemption,
            decision_description=decision_description.strip()[:200],
            decision_date=decision_date,
            route=route,
            principal_id=principal_on(case, decision_date),
            grounds=grounds,
            received_on=received_on,
            committee=committee,
            due_on=objection_due(received_on, committee=committee, postponed=False),
            forwarded_on=today if route == Route.DOORGESTUURD else None,
            handler=handler,
            created_by=actor,
        )
        _leave_mirror(objection, actor)
    return objection


def _check_postponement(
    postponed_on: dt.date | None,
    reason: str,
    received_on: dt.date,
    due_without: dt.date,
    today: dt.date,
) -> None:
    if postponed_on is None:
        if reason.strip():
            raise ObjectionError("Vul ook de datum van de verdaging in.", "postponed_on")
        return
    if not reason.strip():
        raise ObjectionError("Geef de reden van de verdaging.", "postponement_reason")
    if postponed_on < received_on:
        raise ObjectionError("De verdaging kan niet voor de ontvangst liggen.", "postponed_on")
    if postponed_on > today:
        raise ObjectionError("De verdaging ligt in de toekomst.", "postponed_on")
    if postponed_on > due_without:
        raise ObjectionError(
            f"Verdagen kan alleen binnen de termijn (uiterlijk {due_without:%d-%m-%Y}).",
            "postponed_on",
        )


def _check_outcome(
    outcome: str, outcome_on: dt.date | None, received_on: dt.date, today: dt.date
) -> None:
    if bool(outcome) != (outcome_on is not None):
        field = "outcome_on" if outcome else "outcome"
        raise ObjectionError("Vul de uitkomst en de datum daarvan allebei in.", field)
    if outcome_on is not None and outcome_on < received_on:
        raise ObjectionError("De beslisdatum ligt voor de ontvangst.", "outcome_on")
    if outcome_on is not None and outcome_on > today:
        raise ObjectionError("De beslisdatum ligt in de toekomst.", "outcome_on")


def update_objection(
    objection: Objection,
    *,
    expected_version: int,
    actor: Any,
    today: dt.date,
    forwarded_on: dt.date | None,
    committee: bool,
    committee_informed_on: dt.date | None,
    advice_on: dt.date | None,
    advice: str,
    postponed_on: dt.date | None,
    postponement_reason: str,
    outcome: str,
    outcome_on: dt.date | None,
) -> Objection:
    """Record the handling of an objection; the due date follows the
    committee flag and the one postponement."""
    with transaction.atomic():
        current = Objection.objects.select_for_update().get(pk=objection.pk)
        if current.version != expected_version:
            raise ObjectionError(STALE)
        received = current.received_on
        if current.route == Route.REGIONAAL:
            committee = True
            forwarded_on = None
        elif forwarded_on is None:
            raise ObjectionError("Vul in wanneer het bezwaar is doorgestuurd.", "forwarded_on")
        for field, day in (
            ("forwarded_on", forwarded_on),
            ("committee_informed_on", committee_informed_on),
            ("advice_on", advice_on),
        ):
            if day is not None and day < received:
                raise ObjectionError("Deze datum ligt voor de ontvangst van het bezwaar.", field)
            if day is not None and day > today:
                raise ObjectionError("Deze datum ligt in de toekomst.", field)
        if advice_on is not None and not committee:
            raise ObjectionError("Een advies vraagt om een commissie.", "advice_on")
        if advice.strip() and advice_on is None:
            raise ObjectionError("Vul de datum van het advies in.", "advice_on")
        due_without = objection_due(received, committee=committee, postponed=False)
        _check_postponement(postponed_on, postponement_reason, received, due_without, today)
        _check_outcome(outcome, outcome_on, received, today)
        current.forwarded_on = forwarded_on
        current.committee = committee
        current.committee_informed_on = committee_informed_on
        current.advice_on = advice_on
        current.advice = advice.strip()
        current.postponed_on = postponed_on
        current.postponement_reason = postponement_reason.strip() if postponed_on else ""
        current.outcome = outcome
        current.outcome_on = outcome_on
        current.due_on = objection_due(
            received, committee=committee, postponed=postponed_on is not None
        )
        current.version += 1
        current.save()
        _leave_mirror(current, actor)
    return current


def register_complaint(
    *,
    municipality: Any,
    received_on: dt.date,
    complainant_kind: str,
    about: Any,
    summary: str,
    handler: Any,
    actor: Any,
    today: dt.date,
    committee: bool = False,
) -> Complaint:
    """Register a complaint about an officer's conduct (art. 9:1 Awb)."""
    if received_on > today:
        raise ObjectionError("De ontvangstdatum ligt in de toekomst.", "received_on")
    if about.pk == handler.pk:
        raise ObjectionError(
            "Wie de klacht betreft, behandelt haar niet. Kies een andere behandelaar.", "about"
        )
    if not summary.strip():
        raise ObjectionError("Vat de klacht samen.", "summary")
    return Complaint.objects.create(
        municipality=municipality,
        received_on=received_on,
        complainant_kind=complainant_kind,
        about=about,
        summary=summary.strip(),
        committee=committee,
        due_on=complaint_due(received_on, committee=committee, postponed=False),
        handler=handler,
        created_by=actor,
    )


def update_complaint(
    complaint: Complaint,
    *,
    expected_version: int,
    today: dt.date,
    committee: bool,
    postponed_on: dt.date | None,
    postponement_reason: str,
    outcome: str,
    outcome_on: dt.date | None,
) -> Complaint:
    """Record the handling of a complaint; the due date follows the committee
    flag and the one postponement."""
    with transaction.atomic():
        current = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if current.version != expected_version:
            raise ObjectionError(STALE)
        received = current.received_on
        due_without = complaint_due(received, committee=committee, postponed=False)
        _check_postponement(postponed_on, postponement_reason, received, due_without, today)
        _check_outcome(outcome, outcome_on, received, today)
        current.committee = committee
        current.postponed_on = postponed_on
        current.postponement_reason = postponement_reason.strip() if postponed_on else ""
        current.outcome = outcome
        current.outcome_on = outcome_on
        current.due_on = complaint_due(
            received, committee=committee, postponed=postponed_on is not None
        )
        current.version += 1
        current.save()
    return current


@dataclass(frozen=True)
class TermItem:
    """One open objection or complaint on a handler's work list."""

    kind: str  # "Bezwaar" or "Klacht"
    label: str
    due_on: dt.date
    overdue: bool
    url: str


def open_terms(user: Any, today: dt.date) -> list[TermItem]:
    """The open objections and complaints `user` handles (and may still see),
    earliest due date first."""
    from rbl.accounts.access import visible_complaints, visible_objections

    items: list[TermItem] = []
    objections = (
        visible_objections(user, today)
        .filter(handler=user, outcome_on__isnull=True)
        .select_related("principal")
    )
    for o in objections:
        items.append(
            TermItem(
                "Bezwaar",
                f"{o.get_decision_kind_display()} ({o.principal.name})",
                o.due_on,
                o.due_on < today,
                reverse("objections:objection", args=[o.pk]),
            )
        )
    complaints = (
        visible_complaints(user)
        .filter(handler=user, outcome_on__isnull=True)
        .select_related("municipality")
    )
    for c in complaints:
        items.append(
            TermItem(
                "Klacht",
                f"Klacht ontvangen {c.received_on:%d-%m-%Y} ({c.municipality.name})",
                c.due_on,
                c.due_on < today,
                reverse("objections:complaint", args=[c.pk]),
            )
        )
    return sorted(items, key=lambda i: (i.due_on, i.kind))
