"""Absoluut-verzuim signals become cases for the LPA/KPA when the control
letter's term has passed without a satisfactory answer (R-13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rbl.absoluut.models import Signal
from rbl.cases.models import Case, CaseType
from rbl.cases.services.lifecycle import open_case


def open_cases_for_due_signals(today: dt.date | None = None, *, actor: Any = None) -> list[Case]:
    """Open an absoluut-verzuim case for every open signal past the region's
    control term that has none yet. Running it twice opens nothing new."""
    today = today or timezone.localdate()
    due = (
        Signal.objects.open()
        .due_for_case(today)
        .filter(case__isnull=True)
        .select_related("person", "municipality")
        .order_by("opened_on", "pk")
    )
    opened = []
    for signal in due:
        opened.append(
            open_case(
                signal.person,
                CaseType.ABSOLUUT,
                actor=actor,
                today=today,
                principal=signal.municipality,
                absent_since=signal.opened_on,
                signal=signal,
                note="Geen (voldoende) antwoord op de controlebrief binnen de termijn",
            )
        )
    return opened
