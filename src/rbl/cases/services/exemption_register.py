"""DUO's exemptions register (R-23): every exemption and substitute-schooling
decision (vervangende leerplicht, art. 15) goes to DUO in
`vrijstellingen_register.csv` (docs/formats-out.md), written by
`rbl export duo-vrijstellingen FILE [--sinds D]` or downloaded from the
screen of the central administration.

Only what changed goes: each export records per exemption what it sent
(`ExemptionRegisterLine`, without the BSN), and the next export compares
every exemption with its last line. An exemption never sent is `N` (new), a
changed one `W`, a withdrawn decision `I` (once, and again only if the
withdrawal itself changes). Exporting twice with nothing changed writes the
header only. An exemption removed from the register after it was sent (at
the end of its retention term) is not reported again."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rbl.cases.models import (
    ExemptionRegisterExport,
    ExemptionRegisterLine,
    RegisterMutation,
)
from rbl.registry.models import Exemption

FILE_NAME = "vrijstellingen_register.csv"
COLUMNS = (
    "mutatie",
    "bsn",
    "gemeentecode",
    "grond",
    "ingangsdatum",
    "einddatum",
    "besluitdatum",
    "intrekkingsdatum",
    "besluitdatum_intrekking",
)


@dataclass(frozen=True)
class RegisterLine:
    """One line of the file: the state of one exemption as DUO should know it."""

    exemption_id: int
    mutation: str
    bsn: str
    municipality_code: str
    ground: str
    start: dt.date
    end: dt.date | None
    decided_on: dt.date
    withdrawn_from: dt.date | None
    withdrawal_decided_on: dt.date | None

    def state(self) -> tuple[Any, ...]:
        return (
            self.municipality_code,
            self.ground,
            self.start,
            self.end,
            self.decided_on,
            self.withdrawn_from,
        )

    def row(self) -> list[str]:
        def d(day: dt.date | None) -> str:
            return day.isoformat() if day else ""

        return [
            self.mutation,
            self.bsn,
            self.municipality_code,
            self.ground,
            d(self.start),
            d(self.end),
            d(self.decided_on),
            d(self.withdrawn_from),
            d(self.withdrawal_decided_on),
        ]


def _scope(codes: Iterable[str] | None) -> Any:
    qs = Exemption.objects.select_related("withdrawal")
    if codes is not None:
        qs = qs.filter(municipality_id__in=list(codes))
    return qs.order_by("decided_on", "pk")


def _last_sent(ids: list[int]) -> dict[int, ExemptionRegisterLine]:
    latest = (
        ExemptionRegisterLine.objects.filter(exemption_id__in=ids)
        .values("exemption_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return {line.exemption_id: line for line in ExemptionRegisterLine.objects.filter(pk__in=latest)}


def _line(exemption: Exemption, sent: ExemptionRegisterLine | None) -> RegisterLine:
    withdrawal = getattr(exemption, "withdrawal", None)
    if withdrawal is not None:
        mutation = RegisterMutation.INTREKKING
    elif sent is None:
        mutation = RegisterMutation.NIEUW
    else:
        mutation = RegisterMutation.WIJZIGING
    return RegisterLine(
        exemption_id=exemption.pk,
        mutation=mutation,
        bsn=exemption.bsn,
        municipality_code=exemption.municipality_id,
        ground=exemption.ground,
        start=exemption.start,
        # A withdrawn decision is reported with the period as decided.
        end=withdrawal.previous_end if withdrawal is not None else exemption.end,
        decided_on=exemption.decided_on,
        withdrawn_from=withdrawal.withdrawn_from if withdrawal is not None else None,
        withdrawal_decided_on=withdrawal.decided_on if withdrawal is not None else None,
    )


def _sent_state(line: ExemptionRegisterLine) -> tuple[Any, ...]:
    return (
        line.municipality_code,
        line.ground,
        line.start,
        line.end,
        line.decided_on,
        line.withdrawn_from,
    )


def pending_lines(
    codes: Iterable[str] | None = None, *, since: dt.date | None = None
) -> list[RegisterLine]:
    """The lines the next export writes: every exemption (of the municipalities
    `codes`; None: the whole region) whose state differs from what was last
    sent. `since`: also every exemption decided or withdrawn on or after that
    day again, even when it was sent before (a re-send)."""
    exemptions = list(_scope(codes))
    sent = _last_sent([e.pk for e in exemptions])
    lines: list[RegisterLine] = []
    for exemption in exemptions:
        previous = sent.get(exemption.pk)
        line = _line(exemption, previous)
        again = since is not None and (
            exemption.decided_on >= since
            or (line.withdrawal_decided_on is not None and line.withdrawal_decided_on >= since)
        )
        if previous is None or _sent_state(previous) != line.state() or again:
            lines.append(line)
    return lines


def preview(codes: Iterable[str] | None = None, *, since: dt.date | None = None) -> dict[str, int]:
    """A dry run: how many lines of each mutation the next export writes
    ({"N": 2, "W": 0, "I": 1, "totaal": 3}); nothing is recorded."""
    counts = Counter(line.mutation for line in pending_lines(codes, since=since))
    out = {m.value: counts.get(m.value, 0) for m in RegisterMutation}
    out["totaal"] = sum(counts.values())
    return out


def _write(fh: Any, lines: list[RegisterLine]) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(line.row())


def _record(
    lines: list[RegisterLine],
    *,
    file_name: str,
    since: dt.date | None,
    codes: Iterable[str] | None,
    user: Any,
    actor: str,
) -> ExemptionRegisterExport:
    run = ExemptionRegisterExport.objects.create(
        exported_at=timezone.now(),
        since=since,
        municipalities=sorted(codes) if codes is not None else [],
        file_name=file_name[:255],
        count=len(lines),
        actor=(getattr(user, "username", None) or actor or "onbekend")[:150],
        user=user if getattr(user, "pk", None) else None,
    )
    ExemptionRegisterLine.objects.bulk_create(
        [
            ExemptionRegisterLine(
                export=run,
                exemption_id=line.exemption_id,
                mutation=line.mutation,
                municipality_code=line.municipality_code,
                ground=line.ground,
                start=line.start,
                end=line.end,
                decided_on=line.decided_on,
                withdrawn_from=line.withdrawn_from,
            )
            for line in lines
        ],
        batch_size=1000,
    )
    return run


def _locked_lines(codes: Iterable[str] | None, since: dt.date | None) -> list[RegisterLine]:
    # Two exports at once must not both send the same change: the exemptions
    # in scope are locked until the run is recorded.
    list(_scope(codes).select_for_update(of=("self",)).values_list("pk", flat=True))
    return pending_lines(codes, since=since)


def export_exemption_register(
    path: Path | str,
    *,
    since: dt.date | None = None,
    codes: Iterable[str] | None = None,
    user: Any = None,
    actor: str = "",
) -> ExemptionRegisterExport:
    """Write the register file to `path` and record what was sent."""
    path = Path(path)
    codes = list(codes) if codes is not None else None
    with transaction.atomic():
        lines = _locked_lines(codes, since)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            _write(fh, lines)
        return _record(lines, file_name=path.name, since=since, codes=codes, user=user, actor=actor)


def export_exemption_register_text(
    *,
    codes: Iterable[str] | None = None,
    user: Any = None,
    file_name: str = FILE_NAME,
) -> tuple[str, ExemptionRegisterExport]:
    """The register file as text (the web download) and the recorded run."""
    codes = list(codes) if codes is not None else None
    with transaction.atomic():
        lines = _locked_lines(codes, None)
        buffer = io.StringIO()
        _write(buffer, lines)
        run = _record(lines, file_name=file_name, since=None, codes=codes, user=user, actor="")
    return buffer.getvalue(), run


def recent_exports(codes: Iterable[str] | None = None, limit: int = 10) -> list[Any]:
    """The last runs that covered (some of) `codes`; None: all runs."""
    wanted = set(codes) if codes is not None else None
    out = []
    for run in ExemptionRegisterExport.objects.select_related("user")[: limit * 5]:
        if wanted is None or not run.municipalities or wanted & set(run.municipalities):
            out.append(run)
    return out[:limit]
