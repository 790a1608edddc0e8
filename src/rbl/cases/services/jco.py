"""The JCO list (R-22): every open Halt referral and PV of the municipalities
a user takes part in the fortnightly justice case meeting for, each line with
its status, and what the meeting agreed per line (append-only `JcoOutcome`).

Which lines a user gets is decided by `rbl.accounts.access.jco_handhaving`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from rbl.cases.models import EventKind, Handhaving, HandhavingKind, JcoOutcome
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case

#: Longest agreed action kept per line (a few sentences).
MAX_ACTION = 2000


@dataclass
class JcoLine:
    """One line of the JCO list: a record, its status and the meeting outcomes."""

    item: Handhaving
    status: str
    outcomes: list[JcoOutcome] = field(default_factory=list)

    @property
    def last(self) -> JcoOutcome | None:
        return self.outcomes[0] if self.outcomes else None


def status_of(item: Handhaving, today: dt.date | None = None) -> str:
    """Where the record stands, in Dutch, read from its dates and outcome."""
    today = today or timezone.localdate()
    if item.outcome:
        return f"Afgerond: {item.get_outcome_display().lower()}"
    pv = item.kind == HandhavingKind.PV
    if item.hearing_on:
        if item.hearing_on >= today:
            return f"Zitting op {item.hearing_on:%d-%m-%Y}"
        return "Zitting geweest, uitspraak afwachten"
    if item.accepted_on:
        return f"Aangenomen door Halt op {item.accepted_on:%d-%m-%Y}"
    if item.sent_on:
        return "Bij het OM, wacht op zittingsdatum" if pv else "Aangemeld bij Halt"
    if item.signed_on:
        return "Ondertekend, nog verzenden"
    if item.documents_prepared_on:
        return "Stukken voorbereid, nog ondertekenen"
    return "Gestart, stukken voorbereiden"


def jco_lines(user: Any, today: dt.date | None = None) -> list[JcoLine]:
    """The lines of the JCO list `user` gets, by municipality and hearing date."""
    from rbl.accounts.access import jco_handhaving

    today = today or timezone.localdate()
    items = (
        jco_handhaving(user, today)
        .jco_list()
        .select_related("case__owner")
        .prefetch_related(
            Prefetch(
                "jco_outcomes",
                queryset=JcoOutcome.objects.select_related("recorded_by").order_by(
                    "-meeting_on", "-pk"
                ),
            )
        )
    )
    return [JcoLine(h, status_of(h, today), list(h.jco_outcomes.all())) for h in items]


def record_jco_outcome(
    item: Handhaving | int,
    *,
    meeting_on: dt.date,
    action: str,
    actor: Any,
) -> JcoOutcome:
    """Record what the JCO of `meeting_on` agreed on one open Halt referral or
    PV; it is added to the case history. The caller decided the user may
    (`jco_handhaving`)."""
    action = (action or "").strip()
    if not action:
        raise CaseRuleError("Vul de afgesproken actie in.")
    if len(action) > MAX_ACTION:
        raise CaseRuleError(f"De afgesproken actie is langer dan {MAX_ACTION} tekens.")
    if meeting_on > timezone.localdate():
        raise CaseRuleError("De datum van het overleg kan niet in de toekomst liggen.")
    pk = item.pk if isinstance(item, Handhaving) else item
    with transaction.atomic():
        current = Handhaving.objects.select_for_update().get(pk=pk)
        if not current.is_open:
            raise CaseRuleError("Deze Halt-verwijzing of dit PV is al afgerond.")
        if meeting_on < current.opened_on:
            raise CaseRuleError(
                "De datum van het overleg ligt voor de start van de "
                f"{current.get_kind_display().lower()} ({current.opened_on:%d-%m-%Y})."
            )
        now = timezone.now()
        outcome = JcoOutcome.objects.create(
            handhaving=current,
            meeting_on=meeting_on,
            action=action,
            recorded_by=actor,
            recorded_at=now,
        )
        with locked_case(current.case_id, None) as case:
            save_case(case, [])
            record_event(
                case,
                EventKind.JCO,
                actor=actor,
                data={
                    "handhaving": current.pk,
                    "soort": current.kind,
                    "overleg": meeting_on.isoformat(),
                    "actie": action,
                },
                at=now,
            )
    return outcome
