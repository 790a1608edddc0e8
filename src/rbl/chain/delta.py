"""Delta exports of the outgoing chain lists (`?sinds_vorige=1`): only the
lines that are new or changed since the last delta export of that list by
anyone. A line counts as changed when its fields differ from what was last
sent for the same notification or terugmelding; what was sent is kept as a
keyed fingerprint (HMAC-SHA256 with the SECRET_KEY) of the line, never the
fields themselves, so the export log holds no BSN. Lines belong to one
municipality each, so exports for different municipalities do not hide each
other's lines."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rbl.chain.exports import BRP_COLUMNS, SVB_COLUMNS, _cell, brp_items, svb_items
from rbl.chain.models import ChainExport, ChainExportKind, ChainExportLine
from rbl.web.exports import Column


@dataclass(frozen=True)
class _Kind:
    columns: Sequence[Column]
    items: Any  # queryset -> ordered queryset with related rows
    municipality: Any  # item -> CBS code
    person: Any  # item -> person id


_KINDS: dict[str, _Kind] = {
    ChainExportKind.SVB: _Kind(
        SVB_COLUMNS, svb_items, lambda n: n.case.principal_id, lambda n: n.case.person_id
    ),
    ChainExportKind.BRP: _Kind(
        BRP_COLUMNS, brp_items, lambda t: t.municipality_id, lambda t: t.person_id
    ),
}


@dataclass(frozen=True)
class DeltaLine:
    object_id: int
    municipality_code: str
    person_id: int
    row: list[Any]
    fingerprint: str


def fingerprint(row: Iterable[Any]) -> str:
    """A keyed fingerprint of a line as it is written to the file."""
    text = "\x1f".join(_cell(v) for v in row)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _last_sent(kind: str, ids: list[int]) -> dict[int, str]:
    """Per object the fingerprint of its line in the latest delta export."""
    out: dict[int, str] = {}
    lines = (
        ChainExportLine.objects.filter(export__kind=kind, object_id__in=ids)
        .order_by("object_id", "-export__made_at", "-export_id")
        .values_list("object_id", "fingerprint")
    )
    for object_id, print_ in lines:
        out.setdefault(object_id, print_)
    return out


def pending_lines(kind: str, queryset: Any) -> list[DeltaLine]:
    """The lines of `queryset` (notifications or terugmeldingen) that are new
    or changed since the last delta export of this list; nothing recorded."""
    spec = _KINDS[kind]
    items = list(spec.items(queryset))
    sent = _last_sent(kind, [i.pk for i in items])
    out = []
    for item in items:
        row = [c.value(item) for c in spec.columns]
        print_ = fingerprint(row)
        if sent.get(item.pk) != print_:
            out.append(DeltaLine(item.pk, spec.municipality(item), spec.person(item), row, print_))
    return out


def export_delta(
    kind: str, queryset: Any, *, codes: Iterable[str], user: Any
) -> tuple[list[DeltaLine], ChainExport]:
    """Work out the new and changed lines, record them as sent and return them
    with the recorded export. Two exports at once do not both send a line: the
    objects in scope stay locked until the export is recorded."""
    with transaction.atomic():
        list(queryset.select_for_update(of=("self",)).values_list("pk", flat=True))
        lines = pending_lines(kind, queryset)
        run = ChainExport.objects.create(
            kind=kind,
            made_at=timezone.now(),
            municipalities=sorted(codes),
            count=len(lines),
            actor=(getattr(user, "username", "") or "systeem")[:150],
            user=user if getattr(user, "pk", None) else None,
        )
        ChainExportLine.objects.bulk_create(
            [
                ChainExportLine(
                    export=run,
                    object_id=line.object_id,
                    municipality_code=line.municipality_code,
                    fingerprint=line.fingerprint,
                )
                for line in lines
            ],
            batch_size=1000,
        )
    return lines, run


def recent_exports(kind: str, codes: Iterable[str], limit: int = 10) -> list[ChainExport]:
    """The last delta exports of a list that covered (some of) `codes`."""
    wanted = set(codes)
    out = []
    for run in ChainExport.objects.filter(kind=kind).select_related("user")[: limit * 5]:
        if wanted & set(run.municipalities):
            out.append(run)
    return out[:limit]
