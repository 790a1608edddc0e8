"""The BRP terugmelding (issue 20 item 3).

An officer who reasonably doubts a youth's registered address records it on
the case with the reasons (a fixed list) and the grounds in words. That
produces the terugmelding for the BRP department of the municipality the
youth is registered in: a letter (letters app) and a line on the BRP
department's export list, and a follow-up task for the officer. The BRP's
outcome ends it (address changed, address right, left for abroad) or keeps it
open (address investigation started, with a new follow-up task).

While a terugmelding is open the absoluut check raises no new signal for the
youth and names them apart ("in onderzoek bij de BRP")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case, EventKind, Task, TaskKind
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.chain.letters import terugmelding_letter
from rbl.chain.models import (
    CLOSING_OUTCOMES,
    BrpTerugmelding,
    TerugmeldingOutcome,
    TerugmeldingReason,
)
from rbl.letters.addressing import address_lines
from rbl.letters.services.letters import make_letter

#: Weeks the officer waits for the BRP before following up.
FOLLOW_UP_WEEKS = 4
#: Weeks to wait again when the BRP has started an address investigation.
INVESTIGATION_WEEKS = 8
TASK_TITLE = "Terugmelding BRP opvolgen"
GROUNDS_MAX = 2000


def _task_data(task: Task, title: str | None = None) -> dict[str, Any]:
    return {
        "taak": task.pk,
        "soort": task.kind,
        "omschrijving": title or task.title,
        "uiterlijk": task.due_on.isoformat(),
        "voor": task.assignee_id,
    }


def _add_task(case: Case, due_on: dt.date, actor: Any, title: str = TASK_TITLE) -> Task:
    task = Task.objects.create(
        case=case,
        kind=TaskKind.OPVOLGING,
        title=title,
        due_on=due_on,
        assignee=actor if getattr(actor, "pk", None) else case.owner,
    )
    record_event(case, EventKind.TASK_ADDED, actor=actor, data=_task_data(task))
    return task


def open_terugmelding_person_ids() -> Any:
    """The persons with an open terugmelding (a values queryset for filters)."""
    return BrpTerugmelding.objects.open().values("person_id")


def record_terugmelding(
    case: Case | int,
    *,
    reasons: list[str],
    grounds: str,
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    path: str = "",
) -> BrpTerugmelding:
    """Record a doubt about the youth's registered address on `case`: the
    terugmelding, its letter to the BRP department and the follow-up task, in
    one transaction."""
    on = on or timezone.localdate()
    grounds = (grounds or "").strip()
    reasons = [r for r in TerugmeldingReason.values if r in set(reasons or [])]
    if not reasons:
        raise CaseRuleError("Kies ten minste één reden voor de twijfel aan het adres.")
    if not grounds:
        raise CaseRuleError("Licht de twijfel aan het adres toe (gronden).")
    if len(grounds) > GROUNDS_MAX:
        raise CaseRuleError(f"De toelichting is langer dan {GROUNDS_MAX} tekens.")
    document = None
    try:
        with locked_case(case, expected_version) as locked:
            if locked.is_closed:
                raise CaseRuleError("Bij een afgesloten zaak kan geen terugmelding worden gedaan.")
            person = locked.person
            if BrpTerugmelding.objects.open().filter(person=person).exists():
                raise CaseRuleError(
                    "Voor deze jongere loopt al een terugmelding bij de BRP; leg eerst de "
                    "uitkomst daarvan vast."
                )
            if person.municipality_id is None:
                raise CaseRuleError("De jongere staat in geen gemeente ingeschreven.")
            item = BrpTerugmelding.objects.create(
                case=locked,
                person=person,
                municipality_id=person.municipality_id,
                reasons=reasons,
                grounds=grounds,
                registered_address=", ".join(address_lines(person)),
                recorded_on=on,
                recorded_by=actor,
            )
            item = BrpTerugmelding.objects.select_related(
                "case__person", "case__principal__region", "case__school", "municipality"
            ).get(pk=item.pk)
            document = make_letter(
                terugmelding_letter(item, on, author=actor), author=actor, day=on
            )
            item.document = document
            locked.refresh_from_db()
            item.task = _add_task(locked, on + dt.timedelta(weeks=FOLLOW_UP_WEEKS), actor)
            item.save(update_fields=["document", "task"])
            save_case(locked, [])
            log_access(
                actor, Action.CHANGE, case=locked, path=path, purpose="terugmelding BRP gedaan"
            )
    except BaseException:
        if document is not None and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return item


def record_outcome(
    item: BrpTerugmelding | int,
    *,
    outcome: str,
    on: dt.date,
    actor: Any,
    expected_version: int | None,
    path: str = "",
) -> BrpTerugmelding:
    """The BRP's answer. An investigation keeps the terugmelding open with a
    new follow-up task; the other outcomes end it."""
    pk = item.pk if isinstance(item, BrpTerugmelding) else item
    if outcome not in TerugmeldingOutcome.values:
        raise CaseRuleError("Kies een uitkomst.")
    if on > timezone.localdate():
        raise CaseRuleError("De datum van de uitkomst ligt in de toekomst.")
    with transaction.atomic():
        current = BrpTerugmelding.objects.select_for_update().get(pk=pk)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(current.version, expected_version)
        if not current.is_open:
            raise CaseRuleError("Deze terugmelding is al afgesloten.")
        if on < current.recorded_on:
            raise CaseRuleError("De datum van de uitkomst ligt vóór de terugmelding.")
        label = TerugmeldingOutcome(outcome).label
        current.outcome = outcome
        current.outcome_on = on
        current.outcome_by = actor
        current.version += 1
        if outcome in CLOSING_OUTCOMES:
            current.closed_on = on
        with locked_case(current.case_id, None) as case:
            title = f"Terugmelding BRP: {label.lower()} op {on:%d-%m-%Y}"
            task = Task.objects.filter(pk=current.task_id, done_on__isnull=True).first()
            if task is not None:
                task.done_on = on
                task.save(update_fields=["done_on"])
                record_event(case, EventKind.TASK_DONE, actor=actor, data=_task_data(task, title))
            else:
                record_event(case, EventKind.TASK_DONE, actor=actor, data={"omschrijving": title})
            if outcome not in CLOSING_OUTCOMES and not case.is_closed:
                current.task = _add_task(
                    case,
                    on + dt.timedelta(weeks=INVESTIGATION_WEEKS),
                    actor,
                    "Adresonderzoek BRP opvolgen",
                )
            save_case(case, [])
        current.save()
        log_access(actor, Action.CHANGE, case=case, path=path, purpose="uitkomst terugmelding BRP")
    return current
