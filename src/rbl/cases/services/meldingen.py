"""From DUO absence reports and VSV rows to cases (R-14, R-15).

A report joins the open case of the same youth and type, else opens a new
case assigned by the region's rules, with a task to request the school's
verzuimstaat. A report whose BSN is unknown waits in the "niet gekoppeld"
queue until `link_waiting_reports` finds the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.cases.models import (
    Case,
    CaseType,
    EventKind,
    MeldingSoort,
    TaskKind,
    VerzuimMelding,
    VsvMelding,
)
from rbl.cases.services.duo_status import sync_duo_status
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.lifecycle import add_task, follow_up_due, open_case
from rbl.registry.models import Person

CASE_TYPE_OF_SOORT = {
    MeldingSoort.UUR16: CaseType.RELATIEF_16UUR,
    MeldingSoort.LANGDURIG: CaseType.LANGDURIG,
    MeldingSoort.LUXE: CaseType.LUXE,
    MeldingSoort.SIGNAAL: CaseType.SIGNAAL,
    MeldingSoort.OVERIG: CaseType.OVERIG,
    MeldingSoort.PLUS18: CaseType.PLUS18,
}


def create_or_join_case_from_melding(
    melding: VerzuimMelding,
    *,
    today: dt.date | None = None,
    actor: Any = None,
) -> Case | None:
    """Attach the report to a case: the open case of the same youth and type,
    else a new one. Returns None while the report waits for its person, and
    the existing case when the report already has one.

    A youth who moved out of the region (`moved_out_on`) without an open case
    of the type gets no new case: the report waits, with its youth, to be
    forwarded to the new municipality (rbl.chain.forwarding.forward_report)."""
    if melding.person_id is None:
        return None
    if melding.case_id is not None:
        return melding.case
    today = today or timezone.localdate()
    case_type = CASE_TYPE_OF_SOORT[melding.soort]
    absent_since = melding.verzuim_vanaf or melding.meldingsdatum
    with transaction.atomic():
        existing = (
            Case.objects.open()
            .of_person_and_type(melding.person_id, case_type)
            .order_by("opened_on", "pk")
            .first()
        )
        now = timezone.now()
        if existing is None and _moved_out(melding):
            return None
        if existing is not None:
            with locked_case(existing, None) as case:
                fields = []
                if case.absent_since is None or absent_since < case.absent_since:
                    case.absent_since = absent_since
                    fields.append("absent_since")
                if case.school_id is None and melding.school_id is not None:
                    case.school_id = melding.school_id
                    fields.append("school")
                save_case(case, fields)
                _link(melding, case)
                record_event(
                    case,
                    EventKind.MELDING,
                    actor=actor,
                    data={"meldingsnummer": melding.meldingsnummer, "soort": melding.soort},
                    at=now,
                )
        else:
            case = open_case(
                melding.person,
                case_type,
                actor=actor,
                today=today,
                school=melding.school,
                absent_since=absent_since,
                note=f"Verzuimmelding {melding.meldingsnummer}",
            )
            _link(melding, case)
            add_task(
                case,
                TaskKind.VERZUIMSTAAT,
                "Verzuimstaat opvragen bij de school",
                follow_up_due(case, today),
            )
        sync_duo_status(case, at=now)
    return case


def _moved_out(melding: VerzuimMelding) -> bool:
    return Person.objects.filter(pk=melding.person_id, moved_out_on__isnull=False).exists()


def _link(melding: VerzuimMelding, case: Case) -> None:
    melding.case = case
    VerzuimMelding.objects.filter(pk=melding.pk).update(case=case)


def link_waiting_reports(
    bsns: Iterable[str] | None = None,
    *,
    today: dt.date | None = None,
    actor: Any = None,
) -> int:
    """Link the reports of the "niet gekoppeld" queue (and waiting VSV rows) whose
    person has arrived, and turn them into cases. Call after persons were
    loaded (e.g. after a BRP import). Returns the number of reports linked."""
    waiting = VerzuimMelding.objects.unlinked()
    vsv_waiting = VsvMelding.objects.filter(person__isnull=True)
    if bsns is not None:
        bsn_list = list(bsns)
        waiting = waiting.filter(bsn__in=bsn_list)
        vsv_waiting = vsv_waiting.filter(bsn__in=bsn_list)
    linked = 0
    for melding in waiting.filter(bsn__in=Person.objects.values("bsn")).order_by(
        "meldingsdatum", "pk"
    ):
        person = Person.objects.get(bsn=melding.bsn)
        melding.person = person
        VerzuimMelding.objects.filter(pk=melding.pk).update(person=person)
        create_or_join_case_from_melding(melding, today=today, actor=actor)
        linked += 1
    for row in vsv_waiting.filter(bsn__in=Person.objects.values("bsn")).order_by("pk"):
        row.person = Person.objects.get(bsn=row.bsn)
        VsvMelding.objects.filter(pk=row.pk).update(person=row.person)
        create_or_join_rmc_case(row, today=today, actor=actor)
    return linked


def create_or_join_rmc_case(
    row: VsvMelding,
    *,
    today: dt.date | None = None,
    actor: Any = None,
) -> Case | None:
    """A youth on DUO's VSV list gets an RMC case (R-15): the open RMC case if
    there is one, else a new one assigned by the RMC rule."""
    if row.person_id is None:
        return None
    if row.case_id is not None:
        return row.case
    today = today or timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.open()
            .of_person_and_type(row.person_id, CaseType.RMC)
            .order_by("opened_on", "pk")
            .first()
        )
        if case is None:
            case = open_case(
                row.person,
                CaseType.RMC,
                actor=actor,
                today=today,
                absent_since=row.uitschrijvingsdatum,
                note="VSV-lijst DUO",
            )
        else:
            with locked_case(case, None) as locked:
                save_case(locked, [])
                record_event(
                    locked,
                    EventKind.MELDING,
                    actor=actor,
                    data={"vsv_uitschrijvingsdatum": row.uitschrijvingsdatum.isoformat()},
                )
        row.case = case
        VsvMelding.objects.filter(pk=row.pk).update(case=case)
    return case
