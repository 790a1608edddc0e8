"""Locking, versioning and the append-only event log of a case.

Pattern (as in Signalen): the change and its event are written in one
transaction under a row lock; listeners hear about the event only after the
transaction commits (`case_event_committed`), so they never act on a change
that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import django.dispatch
from django.db import transaction
from django.utils import timezone

from rbl.cases.models import Case, CaseEvent
from rbl.cases.services.errors import ConcurrentEditError

# Sent after commit with `event` (a CaseEvent); connect for notifications etc.
case_event_committed = django.dispatch.Signal()


@contextmanager
def locked_case(case: Case | int, expected_version: int | None) -> Iterator[Case]:
    """Open a transaction, lock the case row and check the version the user saw.

    `expected_version=None` is for system actions (imports, scheduled jobs)
    that work on whatever is current.
    """
    case_id = case.pk if isinstance(case, Case) else case
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case_id)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(current.version, expected_version)
        yield current


def save_case(case: Case, fields: list[str]) -> None:
    """Save changed `fields` and bump the version (call inside `locked_case`)."""
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def record_event(
    case: Case,
    kind: str,
    *,
    actor: Any = None,
    data: dict[str, Any] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append an event to the case's history; listeners hear of it after commit."""
    event = CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        data=data or {},
        note=note,
        version=case.version,
    )
    transaction.on_commit(lambda: case_event_committed.send_robust(sender=CaseEvent, event=event))
    return event
