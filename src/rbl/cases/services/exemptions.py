"""Vrijstellingen decided in the system (R-23): the vrijstelling case keeps the
registry's Exemption row (which the absoluut check reads) up to date, and
parents are reminded before the end date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rbl.cases.models import Case, CaseType, EventKind, ExemptionReminder
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.lifecycle import BY_RULES, open_case
from rbl.cases.services.settings import case_settings
from rbl.registry.models import Exemption, ExemptionGround, Person


def record_exemption(
    case: Case | int,
    *,
    ground: str,
    start: dt.date,
    end: dt.date | None,
    decided_on: dt.date,
    actor: Any,
    expected_version: int | None,
) -> Exemption:
    """Create or change the exemption of a vrijstelling case in the registry."""
    if ground not in ExemptionGround.values:
        raise CaseRuleError("Onbekende grond voor vrijstelling.")
    if end is not None and end < start:
        raise CaseRuleError("De einddatum ligt voor de ingangsdatum.")
    with transaction.atomic(), locked_case(case, expected_version) as locked:
        if locked.type != CaseType.VRIJSTELLING:
            raise CaseRuleError("Alleen een vrijstellingszaak legt een vrijstelling vast.")
        clash = Exemption.objects.filter(bsn=locked.person.bsn, ground=ground, start=start)
        if locked.exemption_id:
            clash = clash.exclude(pk=locked.exemption_id)
        if clash.exists():
            raise CaseRuleError("Er is al een vrijstelling op deze grond met deze ingangsdatum.")
        if locked.exemption_id:
            exemption = Exemption.objects.get(pk=locked.exemption_id)
            ExemptionReminder.objects.filter(exemption=exemption).exclude(
                exemption__end=end
            ).delete()
        else:
            exemption = Exemption(bsn=locked.person.bsn)
        exemption.municipality_id = locked.principal_id
        exemption.ground = ground
        exemption.start = start
        exemption.end = end
        exemption.decided_on = decided_on
        exemption.save()
        locked.exemption = exemption
        save_case(locked, ["exemption"])
        record_event(
            locked,
            EventKind.EXEMPTION,
            actor=actor,
            data={
                "grond": ground,
                "ingang": start.isoformat(),
                "einde": end.isoformat() if end else None,
                "besluit": decided_on.isoformat(),
            },
        )
    return exemption


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def exemptions_due_for_reminder(today: dt.date, months: int | None = None) -> QuerySet[Exemption]:
    """Exemptions ending within `months` (the region's term, default 2) whose
    parents have not been reminded yet."""
    months = case_settings().exemption_reminder_months if months is None else months
    horizon = _add_months(today, months)
    return Exemption.objects.filter(
        end__isnull=False, end__gte=today, end__lte=horizon, end_reminder__isnull=True
    ).order_by("end", "pk")


def mark_reminded(exemption: Exemption, sent_on: dt.date) -> ExemptionReminder:
    reminder, _ = ExemptionReminder.objects.get_or_create(
        exemption=exemption, defaults={"sent_on": sent_on}
    )
    return reminder


def open_exemption_case(
    person: Person,
    *,
    ground: str,
    start: dt.date,
    end: dt.date | None,
    decided_on: dt.date,
    actor: Any,
    today: dt.date | None = None,
    owner: Any = BY_RULES,
) -> Case:
    """Open a vrijstelling case for `person` and record its exemption in the
    registry in one transaction: a refused exemption leaves no empty case.
    Its owner is `owner` when given, else chosen by the region's rules."""
    today = today or timezone.localdate()
    if decided_on > today:
        raise CaseRuleError("De besluitdatum kan niet in de toekomst liggen.")
    with transaction.atomic():
        case = open_case(person, CaseType.VRIJSTELLING, actor=actor, today=today, owner=owner)
        record_exemption(
            case,
            ground=ground,
            start=start,
            end=end,
            decided_on=decided_on,
            actor=actor,
            expected_version=case.version,
        )
    case.refresh_from_db()
    return case


def reminder_horizon(today: dt.date, months: int | None = None) -> dt.date:
    """The last end date that counts as "ending soon" on `today` (the region's
    reminder term, as `exemptions_due_for_reminder` uses)."""
    months = case_settings().exemption_reminder_months if months is None else months
    return _add_months(today, months)


def exemptions_of(persons: QuerySet[Person]) -> QuerySet[Exemption]:
    """The exemptions of `persons` (e.g. the ones a user may see), the ones
    ending first on top, open-ended ones last."""
    return (
        Exemption.objects.filter(bsn__in=persons.values("bsn"))
        .select_related("municipality", "end_reminder")
        .order_by(F("end").asc(nulls_last=True), "start", "pk")
    )


def withdraw_exemption(
    case: Case | int,
    *,
    withdrawn_from: dt.date,
    decided_on: dt.date,
    reason: str,
    actor: Any,
    expected_version: int | None,
    today: dt.date | None = None,
) -> Exemption:
    """Withdraw (intrekken) the exemption decision of a vrijstelling case from
    `withdrawn_from`: the exemption ends the day before (so the absoluut check
    counts the youth again from that day), the decided end date is kept with
    the withdrawal for DUO's register, and the case's history records it."""
    from rbl.cases.models import ExemptionWithdrawal

    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise CaseRuleError("Vul de reden van de intrekking in.")
    if decided_on > today:
        raise CaseRuleError("De besluitdatum van de intrekking kan niet in de toekomst liggen.")
    with transaction.atomic(), locked_case(case, expected_version) as locked:
        if locked.exemption_id is None:
            raise CaseRuleError("Deze zaak heeft geen vrijstelling om in te trekken.")
        exemption = Exemption.objects.select_for_update().get(pk=locked.exemption_id)
        if ExemptionWithdrawal.objects.filter(exemption=exemption).exists():
            raise CaseRuleError("Deze vrijstelling is al ingetrokken.")
        if withdrawn_from < exemption.start:
            raise CaseRuleError("De intrekking kan niet ingaan vóór de ingangsdatum.")
        if exemption.end is not None and withdrawn_from > exemption.end:
            raise CaseRuleError("De vrijstelling is op die datum al afgelopen.")
        if decided_on < exemption.decided_on:
            raise CaseRuleError(
                "De besluitdatum van de intrekking ligt vóór het besluit tot vrijstelling."
            )
        ExemptionWithdrawal.objects.create(
            exemption=exemption,
            withdrawn_from=withdrawn_from,
            decided_on=decided_on,
            previous_end=exemption.end,
            reason=reason[:500],
            recorded_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
        )
        exemption.end = withdrawn_from - dt.timedelta(days=1)
        exemption.save(update_fields=["end"])
        ExemptionReminder.objects.filter(exemption=exemption).delete()
        save_case(locked, [])
        record_event(
            locked,
            EventKind.EXEMPTION,
            actor=actor,
            data={
                "grond": exemption.ground,
                "ingetrokken_per": withdrawn_from.isoformat(),
                "besluit": decided_on.isoformat(),
            },
        )
    return exemption
