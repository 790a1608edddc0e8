"""Targets (streefwaarden) per school year, for the region and per municipality.

The annual report and the benchmark ask `targets_for` what was aimed at and
`target_met` whether a value reaches it; the direction comes from the figure:
"at least" when more is better (`Figure.higher_is_better`), otherwise "at
most". Every change is kept in `TargetChange` (who, when, old and new value):
targets are not personal data, so they stay out of the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.reporting.definitions import REGION_ONLY, SchoolYear, figure, target_keys
from rbl.reporting.models import Target, TargetChange


def keys_for(municipality_code: str | None) -> list[tuple[str, str]]:
    """The (key, label) a target can be set for: a municipality has no
    region-only figures."""
    keys = target_keys()
    if municipality_code is None:
        return keys
    return [(k, label) for k, label in keys if figure(k).key not in REGION_ONLY]


def targets_for(school_year: SchoolYear | str, municipality_code: str | None) -> dict[str, Decimal]:
    """The targets of a school year for a municipality (CBS code) or, with None,
    for the region: key -> value. A key without a target is absent."""
    qs = Target.objects.filter(school_year=str(school_year))
    if municipality_code is None:
        qs = qs.filter(municipality__isnull=True)
    else:
        qs = qs.filter(municipality_id=municipality_code)
    return dict(qs.values_list("key", "value"))


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def target_met(key: str, value: Any, target: Any) -> bool | None:
    """Whether `value` of figure `key` reaches `target`: at least the target when
    more is better, at most when less is better. None when either is missing."""
    if value is None or target is None:
        return None
    value, target = _decimal(value), _decimal(target)
    if figure(key).higher_is_better:
        return value >= target
    return value <= target


def direction(key: str) -> str:
    """How a target of `key` reads: "ten minste" or "ten hoogste"."""
    return "ten minste" if figure(key).higher_is_better else "ten hoogste"


class TargetConflict(Exception):
    """Someone else changed these targets after the form was opened."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(", ".join(keys))
        self.keys = keys


@dataclass(frozen=True)
class SaveResult:
    created: int
    updated: int
    deleted: int

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def save_targets(
    school_year: SchoolYear | str,
    municipality_code: str | None,
    values: dict[str, Decimal | None],
    *,
    user: Any,
    basis: dict[str, Decimal | None] | None = None,
) -> SaveResult:
    """Set the targets of `values` (None: no target) in one transaction and
    record every change. Keys not in `values` are left as they are; a key that
    cannot have a target here raises ValueError (the form offers none).

    `basis` is what the user saw when the form was opened. With it, only the
    keys the user changed are written, so a value someone else set meanwhile
    stays; and when someone else changed one of those same keys meanwhile,
    nothing is saved and `TargetConflict` names them (no lost update)."""
    allowed = {k for k, _ in keys_for(municipality_code)}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"geen streefwaarde mogelijk voor: {', '.join(sorted(unknown))}")
    year = str(school_year)
    now = timezone.now()
    username = (getattr(user, "username", "") or "systeem")[:150]
    scope = {"school_year": year, "municipality_id": municipality_code}
    with transaction.atomic():
        existing = {
            t.key: t
            for t in Target.objects.select_for_update().filter(
                school_year=year,
                **(
                    {"municipality__isnull": True}
                    if municipality_code is None
                    else {"municipality_id": municipality_code}
                ),
            )
        }
        if basis is not None:
            values = {k: v for k, v in values.items() if v != basis.get(k)}
            stale = [
                k for k in values if (existing[k].value if k in existing else None) != basis.get(k)
            ]
            if stale:
                raise TargetConflict(stale)
        changes: list[TargetChange] = []
        created = updated = deleted = 0
        for key, value in values.items():
            current = existing.get(key)
            old = current.value if current is not None else None
            if old == value:
                continue
            if value is None:
                current.delete()
                deleted += 1
            elif current is None:
                Target.objects.create(key=key, value=value, set_by=user, set_at=now, **scope)
                created += 1
            else:
                current.value, current.set_by, current.set_at = value, user, now
                current.save(update_fields=["value", "set_by", "set_at"])
                updated += 1
            changes.append(
                TargetChange(
                    key=key,
                    old_value=old,
                    new_value=value,
                    changed_by=user,
                    username=username,
                    changed_at=now,
                    **scope,
                )
            )
        TargetChange.objects.bulk_create(changes)
    return SaveResult(created, updated, deleted)


def target_changes(school_year: SchoolYear | str, municipality_code: str | None, limit: int = 20):
    """The latest changes of the targets of a school year and municipality (or region)."""
    qs = TargetChange.objects.filter(school_year=str(school_year))
    if municipality_code is None:
        qs = qs.filter(municipality__isnull=True)
    else:
        qs = qs.filter(municipality_id=municipality_code)
    return list(qs[:limit])
