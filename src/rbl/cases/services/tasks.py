"""Tasks and terms worked from the case page (R-27): add a due date, mark it
done. Both lock the case row and check the version the user saw, like every
other change of a case, so two officers cannot silently overwrite each other,
and both leave an event in the case's history (same transaction, under the
row lock), with the task's description and due date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rbl.cases.models import Case, CaseStatus, EventKind, Task, TaskKind
from rbl.cases.services import case_types
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case

TITLE_MAX = Task._meta.get_field("title").max_length


def schedule_task(
    case: Case | int,
    kind: str,
    title: str,
    due_on: dt.date,
    *,
    expected_version: int | None,
    assignee: Any = None,
    actor: Any = None,
) -> Task:
    """Add a task with a due date to an open case; by default for its owner.
    `actor` is who added it (None: the system)."""
    if kind not in TaskKind.values:
        raise CaseRuleError("Onbekende soort taak.")
    title = (title or "").strip() or TaskKind(kind).label
    if len(title) > TITLE_MAX:
        raise CaseRuleError(f"De omschrijving is langer dan {TITLE_MAX} tekens.")
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Bij een afgesloten zaak kunnen geen taken worden toegevoegd.")
        case_types.check_task(locked.type, kind)
        task = Task.objects.create(
            case=locked,
            kind=kind,
            title=title,
            due_on=due_on,
            assignee=assignee if assignee is not None else locked.owner,
        )
        save_case(locked, [])
        record_event(locked, EventKind.TASK_ADDED, actor=actor, data=_task_data(task))
    return task


def _task_data(task: Task) -> dict[str, Any]:
    """What the history shows of a task (rbl.cases.describe)."""
    return {
        "taak": task.pk,
        "soort": task.kind,
        "omschrijving": task.title,
        "uiterlijk": task.due_on.isoformat(),
        "voor": task.assignee_id,
    }


def finish_task(
    task: Task | int,
    *,
    expected_version: int | None,
    case: Case | int | None = None,
    on: dt.date | None = None,
    actor: Any = None,
) -> Task:
    """Mark a task done on `on` (today by default). With `case`, the task must
    belong to that case (a form cannot reach another case's task). `actor` is
    who finished it (None: the system)."""
    task_id = task.pk if isinstance(task, Task) else task
    case_id = Task.objects.filter(pk=task_id).values_list("case_id", flat=True).first()
    wanted = case.pk if isinstance(case, Case) else case
    if case_id is None or (wanted is not None and case_id != wanted):
        raise CaseRuleError("Deze taak hoort niet bij deze zaak.")
    with locked_case(case_id, expected_version) as locked:
        current = Task.objects.select_for_update().get(pk=task_id)
        if current.done_on is not None:
            raise CaseRuleError("Deze taak is al afgerond.")
        current.done_on = on or timezone.localdate()
        current.save(update_fields=["done_on"])
        save_case(locked, [])
        record_event(
            locked,
            EventKind.TASK_DONE,
            actor=actor,
            data={**_task_data(current), "afgerond": current.done_on.isoformat()},
        )
    return current
