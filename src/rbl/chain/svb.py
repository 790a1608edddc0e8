"""The notification to the SVB (issue 20 item 2).

A case of a trigger's type (by default absoluut verzuim) that is still open
`svb_term_weeks` after it was opened makes RBL prepare a notification to the
SVB: a letter to the SVB's address, a line on the export list, and a task
for the case owner to send it. The officer records when it was sent; that
finishes the task and shows in the case history. A case period (case,
trigger, opening day) gets one notification, never two: the daily job and a
rerun of it find nothing new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case, CaseStatus, CaseType, EventKind, Task, TaskKind
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.chain.letters import svb_letter
from rbl.chain.models import ChainSettings, SvbNotification, SvbTrigger
from rbl.letters.services.letters import make_letter
from rbl.organisation.models import Region

#: The case types each trigger looks at.
TRIGGER_TYPES: dict[str, tuple[str, ...]] = {
    SvbTrigger.ABSOLUUT: (CaseType.ABSOLUUT,),
    SvbTrigger.THUISZITTER: (CaseType.LANGDURIG,),
}

#: Days the owner has to send a prepared notification.
SEND_WITHIN_DAYS = 5
SEND_TASK_TITLE = "SVB-melding versturen"


def chain_settings(region: Region | int | None = None) -> ChainSettings:
    """The region's settings (of the only region when None); an unsaved row
    with the defaults when the region has not set them."""
    qs = ChainSettings.objects.all()
    region_id = region.pk if isinstance(region, Region) else region
    row = qs.filter(region_id=region_id).first() if region_id else qs.order_by("pk").first()
    return row or ChainSettings()


def due_date(opened_on: dt.date, weeks: int) -> dt.date:
    """The first day on which a case opened on `opened_on` is past the term."""
    return opened_on + dt.timedelta(weeks=weeks)


@dataclass(frozen=True)
class Due:
    case: Case
    trigger: str
    due_on: dt.date


def cases_due(day: dt.date) -> list[Due]:
    """Open cases past the term of one of their region's triggers on `day`
    that have no notification for that trigger and case period yet."""
    found: list[Due] = []
    regions = list(Region.objects.order_by("pk")) or [None]
    for region in regions:
        settings = chain_settings(region)
        cutoff = day - dt.timedelta(weeks=settings.svb_term_weeks)
        for trigger in settings.svb_triggers or []:
            types = TRIGGER_TYPES.get(trigger)
            if not types:
                continue
            cases = (
                Case.objects.exclude(status=CaseStatus.AFGESLOTEN)
                .filter(type__in=types, opened_on__lte=cutoff)
                .exclude(
                    Exists(
                        SvbNotification.objects.filter(
                            case=OuterRef("pk"), trigger=trigger, period_start=OuterRef("opened_on")
                        )
                    )
                )
                .select_related("person", "principal", "school", "owner")
                .order_by("opened_on", "pk")
            )
            if region is not None:
                cases = cases.filter(principal__region=region)
            found += [
                Due(c, trigger, due_date(c.opened_on, settings.svb_term_weeks)) for c in cases
            ]
    return found


def prepare(due: Due, day: dt.date, *, actor: Any = None) -> SvbNotification | None:
    """Prepare the notification for one due case: the letter, the record and
    the owner's task to send it, in one transaction. None when another run
    prepared it meanwhile."""
    settings = chain_settings(due.case.principal.region_id)
    document = None
    try:
        with transaction.atomic():
            with locked_case(due.case.pk, None) as case:
                if SvbNotification.objects.filter(
                    case=case, trigger=due.trigger, period_start=case.opened_on
                ).exists():
                    return None
                item = SvbNotification.objects.create(
                    case=case,
                    trigger=due.trigger,
                    period_start=case.opened_on,
                    due_on=due.due_on,
                    prepared_on=day,
                )
            letter = svb_letter(due.case, due.trigger, settings, day, author=actor)
            document = make_letter(letter, author=actor, day=day)
            item.document = document
            item.save(update_fields=["document"])
            with locked_case(due.case.pk, None) as case:
                task = Task.objects.create(
                    case=case,
                    kind=TaskKind.OPVOLGING,
                    title=SEND_TASK_TITLE,
                    due_on=day + dt.timedelta(days=SEND_WITHIN_DAYS),
                    assignee=case.owner,
                )
                save_case(case, [])
                record_event(case, EventKind.TASK_ADDED, actor=actor, data=_task_data(task))
    except IntegrityError:  # the same case period prepared by a parallel run
        _discard(document)
        return None
    except BaseException:
        _discard(document)
        raise
    return item


def _discard(document: Any) -> None:
    if document is not None and document.file.name:
        document.file.storage.delete(document.file.name)


def prepare_due(day: dt.date | None = None, *, actor: Any = None) -> list[SvbNotification]:
    """The daily job: prepare a notification for every case due on `day`."""
    day = day or timezone.localdate()
    made = []
    for due in cases_due(day):
        item = prepare(due, day, actor=actor)
        if item is not None:
            made.append(item)
    return made


def _task_data(task: Task, title: str | None = None) -> dict[str, Any]:
    return {
        "taak": task.pk,
        "soort": task.kind,
        "omschrijving": title or task.title,
        "uiterlijk": task.due_on.isoformat(),
        "voor": task.assignee_id,
    }


def record_sent(
    item: SvbNotification | int,
    *,
    sent_on: dt.date,
    actor: Any,
    expected_version: int | None,
    path: str = "",
) -> SvbNotification:
    """The officer records when the notification went to the SVB; the send
    task is finished and the case history says so."""
    pk = item.pk if isinstance(item, SvbNotification) else item
    today = timezone.localdate()
    if sent_on > today:
        raise CaseRuleError("De verzenddatum ligt in de toekomst.")
    with transaction.atomic():
        current = SvbNotification.objects.select_for_update().get(pk=pk)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(current.version, expected_version)
        if current.sent_on is not None:
            raise CaseRuleError("Deze SVB-melding is al als verzonden vastgelegd.")
        if sent_on < current.prepared_on:
            raise CaseRuleError("De verzenddatum ligt vóór de dag waarop de melding is voorbereid.")
        current.sent_on = sent_on
        current.sent_by = actor
        current.version += 1
        current.save(update_fields=["sent_on", "sent_by", "version"])
        with locked_case(current.case_id, None) as case:
            task = (
                Task.objects.filter(case=case, title=SEND_TASK_TITLE, done_on__isnull=True)
                .order_by("pk")
                .first()
            )
            title = f"SVB-melding verzonden op {sent_on:%d-%m-%Y}"
            if task is not None:
                task.done_on = sent_on
                task.save(update_fields=["done_on"])
                data = _task_data(task, title)
            else:
                data = {"omschrijving": title}
            save_case(case, [])
            record_event(case, EventKind.TASK_DONE, actor=actor, data=data)
        log_access(
            actor, Action.CHANGE, case=case, path=path, purpose="SVB-melding verzonden vastgelegd"
        )
    return current
