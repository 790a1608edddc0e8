"""A youth with an open case who moved to another municipality of the region
(issue 20 item 4, R-26): the case goes to the new municipality.

The principal changes from the move date (`handover_to_municipality`, which
writes the principal history) and the owner follows the assignment rules of
the new municipality (`choose_owner`, the stand-in while that officer is
away); the history records the handover and the new owner gets a task to take
the case up. The BRP imports call `follow_moves_in_region` (receivers.py);
the case page offers the same as an explicit action for when the import did
not do it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from rbl.cases.models import Case, EventKind, PrincipalPeriod, Task, TaskKind
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.lifecycle import handover_to_municipality
from rbl.organisation.models import Municipality
from rbl.registry.models import Residence

TASK_TITLE = "Zaak overgenomen na verhuizing: oppakken en kennismaken"
#: Days the new owner has to take the case up.
TASK_DAYS = 7


def move_case_in_region(
    case: Case | int,
    municipality: Municipality,
    *,
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    note: str = "",
) -> Case:
    """Hand `case` over to `municipality` of the region from `on` (the move
    date, default today): principal, owner by the rules, history line and a
    task for the new owner, in one transaction."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise CaseRuleError("Datum verhuizing: deze datum ligt in de toekomst.")
    with locked_case(case, expected_version) as locked:
        if on < locked.opened_on:
            on = locked.opened_on
        moved = handover_to_municipality(
            locked, municipality, actor=actor, expected_version=None, on=on, note=note
        )
        if moved.owner_id is not None:
            task = Task.objects.create(
                case=moved,
                kind=TaskKind.OPVOLGING,
                title=TASK_TITLE,
                due_on=today + dt.timedelta(days=TASK_DAYS),
                assignee_id=moved.owner_id,
            )
            save_case(moved, [])
            record_event(
                moved,
                EventKind.TASK_ADDED,
                actor=actor,
                data={
                    "taak": task.pk,
                    "soort": task.kind,
                    "omschrijving": task.title,
                    "uiterlijk": task.due_on.isoformat(),
                    "voor": task.assignee_id,
                },
            )
    return moved


def cases_moved_in_region() -> Any:
    """Open cases whose youth now lives in another municipality of the region
    than the case's principal, having moved there after the case came to that
    principal: annotated with `moved_on` (the start of the new residence).

    A case deliberately given another principal than the residence (the youth
    lived there already) is left alone: its residence started before."""
    residence = Residence.objects.filter(person=OuterRef("person_id"), end__isnull=True)
    period = PrincipalPeriod.objects.filter(case=OuterRef("pk"), end__isnull=True)
    return (
        Case.objects.open()
        .filter(person__municipality__isnull=False, person__moved_out_on__isnull=True)
        .filter(person__municipality__region=F("principal__region"))
        .exclude(person__municipality=F("principal"))
        .annotate(
            moved_on=Subquery(residence.values("start")[:1]),
            residence_municipality=Subquery(residence.values("municipality")[:1]),
            principal_since=Subquery(period.values("start")[:1]),
        )
        .filter(moved_on__isnull=False, residence_municipality=F("person__municipality"))
        .filter(moved_on__gte=F("principal_since"))
    )


def follow_moves_in_region(*, actor: Any = None) -> int:
    """Hand over every case of `cases_moved_in_region`; returns how many."""
    moved = 0
    for case in cases_moved_in_region().select_related("person__municipality").order_by("pk"):
        move_case_in_region(
            case.pk,
            case.person.municipality,
            actor=actor,
            expected_version=None,
            on=case.moved_on,
            note="Verhuisd binnen de regio (BRP)",
        )
        moved += 1
    return moved
