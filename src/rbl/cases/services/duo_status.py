"""The status of each verzuimmelding as fed back to DUO, derived from its case,
and the export of the changes (`rbl export duo-status`)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.cases.models import (
    Case,
    CaseStatus,
    ClosingReason,
    DuoStatus,
    DuoStatusExport,
    VerzuimMelding,
    duo_reason_for,
)

EXPORT_COLUMNS = ("meldingsnummer", "status", "reden_afsluiting", "datum")


def duo_status_of(case: Case) -> tuple[str, str]:
    """(status, reason) that DUO hears for the reports of `case`."""
    if case.status != CaseStatus.AFGESLOTEN:
        return DuoStatus.IN_BEHANDELING, ""
    if case.closing_reason == ClosingReason.TER_KENNISGEVING:
        return DuoStatus.TER_KENNISGEVING, ""
    return DuoStatus.AFGESLOTEN, duo_reason_for(case.closing_reason)


def sync_duo_status(case: Case, *, at: dt.datetime) -> int:
    """Give every report of `case` the status that follows from the case; only
    reports whose status really changes get a new change time. Returns that count."""
    status, reason = duo_status_of(case)
    return (
        VerzuimMelding.objects.filter(case=case)
        .exclude(duo_status=status, duo_reason=reason)
        .update(duo_status=status, duo_reason=reason, duo_status_changed_at=at)
    )


def last_export_time() -> dt.datetime | None:
    last = DuoStatusExport.objects.order_by("-exported_at", "-pk").first()
    return last.exported_at if last else None


def export_duo_status(
    path: Path | str,
    *,
    since: dt.date | dt.datetime | None = None,
    user: Any = None,
    actor: str = "",
) -> DuoStatusExport:
    """Write verzuimmelding_status.csv for the reports whose status changed since
    `since` (a date counts from its start, local time); without it, since the
    previous export (all reports with a status when there was none). The run is
    recorded so the next export continues from here."""
    now = timezone.now()
    if since is None:
        moment = last_export_time()
    elif isinstance(since, dt.datetime):
        moment = since
    else:
        moment = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    path = Path(path)
    rows = (
        VerzuimMelding.objects.status_changed_since(moment)
        .filter(duo_status_changed_at__lt=now)
        .order_by("duo_status_changed_at", "meldingsnummer")
        .values_list("meldingsnummer", "duo_status", "duo_reason", "duo_status_changed_at")
    )
    count = 0
    with transaction.atomic():
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(EXPORT_COLUMNS)
            for number, status, reason, changed_at in rows.iterator(chunk_size=2000):
                writer.writerow(
                    [number, status, reason, timezone.localdate(changed_at).isoformat()]
                )
                count += 1
        return DuoStatusExport.objects.create(
            exported_at=now,
            since=moment,
            file_name=path.name[:255],
            count=count,
            actor=(getattr(user, "username", None) or actor or "onbekend")[:150],
            user=user if getattr(user, "pk", None) else None,
        )
