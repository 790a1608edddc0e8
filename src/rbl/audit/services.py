"""Writing and reading the access log (R-61) and applying its retention term."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from rbl.audit.models import AccessLogEntry, Action, RetentionRule, RetentionSubject
from rbl.core.retention_gate import retention_removal

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def clean_path(path: str) -> str:
    """The page or command, without query string, and never a BSN-like number."""
    path = (path or "").split("?", 1)[0].split("#", 1)[0]
    return _NINE_DIGITS.sub("*********", path)[:300]


def _id(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk


def log_access(
    user: Any,
    action: str,
    *,
    persons: Iterable[Any] = (),
    case: Any = None,
    cases: Iterable[Any] = (),
    purpose: str = "",
    path: str = "",
    at: dt.datetime | None = None,
) -> int:
    """Log one access of `user` to many persons at once (list views and exports
    log every person shown). `persons` are Person objects or ids; `case` is the
    case worked on (its person is logged when no persons are given); `cases`
    logs each case with its person. A search without result is logged once
    without a person. Returns the number of entries written."""
    if action not in Action.values:
        raise ValueError(f"unknown access-log action: {action}")
    at = at or timezone.now()
    username = (getattr(user, "username", "") or "systeem")[:150]
    base = {
        "at": at,
        "user_id": getattr(user, "pk", None),
        "username": username,
        "action": action,
        "purpose": (purpose or "")[:200],
        "path": clean_path(path),
    }
    case_id = _id(case)
    entries: list[AccessLogEntry] = []
    seen: set[tuple[int | None, int | None]] = set()

    def add(person_id: int | None, for_case: int | None) -> None:
        if (person_id, for_case) not in seen:
            seen.add((person_id, for_case))
            entries.append(AccessLogEntry(person_id=person_id, case_id=for_case, **base))

    for person in persons:
        add(_id(person), case_id)
    for item in cases:
        add(item.person_id, item.pk)
    if case is not None and not entries:
        person_id = getattr(case, "person_id", None)
        add(person_id, case_id)
    if not entries:
        add(None, None)
    AccessLogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def who_viewed(person: Any, *, since: dt.date | None = None) -> QuerySet[AccessLogEntry]:
    """Every logged access to a youth's data, newest first: the answer to a
    citizen's "who looked at my file" (for the privacy officer)."""
    qs = AccessLogEntry.objects.for_person(_id(person))
    if since is not None:
        qs = qs.filter(at__date__gte=since)
    return qs


def who_viewed_summary(person: Any) -> list[dict[str, Any]]:
    """Per user and action: how often, first and last time."""
    return list(
        AccessLogEntry.objects.filter(person_id=_id(person))
        .values("username", "action")
        .annotate(times=Count("pk"), first=Min("at"), last=Max("at"))
        .order_by("-last")
    )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when shorter)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month0 + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def purge_expired(today: dt.date | None = None, *, dry_run: bool = False) -> int:
    """Delete access-log entries older than the retention term. On PostgreSQL
    the immutability trigger lets these deletes through only inside this
    transaction. Returns the number of entries (that would be) removed."""
    today = today or timezone.localdate()
    months = RetentionRule.months_for(RetentionSubject.ACCESS_LOG)
    cutoff_day = months_before(today, months)
    cutoff = timezone.make_aware(dt.datetime.combine(cutoff_day, dt.time.min))
    expired = AccessLogEntry.objects.filter(at__lt=cutoff)
    if dry_run:
        return expired.count()
    with retention_removal():
        deleted, _ = expired.delete()
    return deleted
