"""Who gets a case (R-05): the school's fixed contact, else the region's rule
for the municipality and age group, passed on to the substitute while the
officer is away; and reassignment of many cases at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rbl.cases.models import (
    RMC_TYPES,
    AgeGroup,
    AssignmentRule,
    Case,
    CaseStatus,
    EventKind,
    OwnershipPeriod,
    Substitution,
)
from rbl.law.status import LegalStatus, birthday, duty_periods
from rbl.organisation.models import School
from rbl.registry.models import Person

User = get_user_model()

# Substitutes of substitutes are followed this far, so a loop cannot hang.
_MAX_SUBSTITUTION_CHAIN = 5


def age_group(person: Person, day: dt.date, case_type: str | None = None) -> str:
    """LP, KP or RMC for a youth on `day` (R-12); RMC case types are always RMC."""
    if case_type in RMC_TYPES:
        return AgeGroup.RMC
    status = duty_periods(person.birth_date).status_on(day)
    if status == LegalStatus.KWALIFICATIEPLICHTIG:
        return AgeGroup.KP
    if status == LegalStatus.RMC:
        return AgeGroup.RMC
    if status == LegalStatus.GEEN and day >= birthday(person.birth_date, 18):
        return AgeGroup.RMC
    return AgeGroup.LP


def acting_user(user: Any, day: dt.date) -> Any:
    """The user who does `user`'s work on `day`: a substitute while `user` is away."""
    seen = set()
    current = user
    for _ in range(_MAX_SUBSTITUTION_CHAIN):
        if current is None or current.pk in seen:
            break
        seen.add(current.pk)
        sub = (
            Substitution.objects.active_on(day)
            .filter(absent=current)
            .select_related("substitute")
            .order_by("-start", "-pk")
            .first()
        )
        if sub is None or not sub.substitute.is_active:
            return current
        current = sub.substitute
    return current


def absent_users_covered_by(user: Any, day: dt.date) -> list[int]:
    """Ids of the officers `user` stands in for on `day`."""
    return list(
        Substitution.objects.active_on(day)
        .filter(substitute=user)
        .values_list("absent_id", flat=True)
    )


def choose_owner(
    person: Person,
    *,
    case_type: str,
    school: School | None,
    municipality_code: str,
    day: dt.date,
) -> Any:
    """The default owner of a new case, or None when no rule applies.

    1. the school's fixed contact ("one contact per school"), for LP and KP work;
    2. else the assignment rule of the municipality and age group;
    then the substitute when that officer is away on `day`.
    """
    group = age_group(person, day, case_type)
    owner = None
    if school is not None and school.contact_id and group != AgeGroup.RMC:
        owner = school.contact
    if owner is None or not owner.is_active:
        rule = (
            AssignmentRule.objects.filter(municipality_id=municipality_code, age_group=group)
            .select_related("user")
            .first()
        )
        owner = rule.user if rule and rule.user.is_active else None
    return acting_user(owner, day) if owner is not None else None


def set_owner(case: Case, new_owner: Any, *, at: dt.datetime) -> None:
    """Move ownership (call inside `locked_case`): closes the running ownership
    period and opens one for the new owner; does not save the case."""
    if case.owner_id == getattr(new_owner, "pk", None):
        return
    OwnershipPeriod.objects.filter(case=case, end__isnull=True).update(end=at)
    case.owner = new_owner
    if new_owner is not None:
        OwnershipPeriod.objects.create(case=case, user=new_owner, start=at)


class SkipReason:
    """Why a previewed case was not moved (Dutch, shown to the coordinator)."""

    CLOSED = "intussen afgesloten"
    OTHER_OWNER = "intussen van een andere eigenaar"
    OUT_OF_SCOPE = "niet (meer) binnen uw gemeenten"


@dataclass
class ReassignResult:
    """What a bulk reassignment did: the ids moved, the rest counted by reason."""

    moved: list[int] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def reassign_cases(
    cases: Iterable[Case | int],
    to_user: Any,
    *,
    actor: Any,
    note: str = "",
    from_user: Any = None,
    within: QuerySet | None = None,
    result: ReassignResult | None = None,
) -> int:
    """Bulk reassignment by a coordinator: every case gets `to_user` as owner.

    One transaction; every case is locked and gets its own ASSIGNED event
    (data ``bulk``: the history says it came from a reassignment). Returns the
    number of cases whose owner changed.

    With `from_user` (the preview on the reassignment screen) only the cases
    that are, at this moment, still open and still `from_user`'s are moved,
    and with `within` only those still in that queryset (the actor's scope);
    the others are counted by reason in `result` when given.
    """
    from rbl.cases.services.events import record_event, save_case

    ids = [c.pk if isinstance(c, Case) else c for c in cases]
    now = timezone.now()
    changed = 0
    result = result if result is not None else ReassignResult()

    def skip(reason: str) -> None:
        result.skipped[reason] = result.skipped.get(reason, 0) + 1

    with transaction.atomic():
        locked = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        allowed = (
            set(within.filter(pk__in=ids).values_list("pk", flat=True))
            if within is not None
            else None
        )
        for _ in range(len(set(ids)) - len(locked)):
            skip(SkipReason.OUT_OF_SCOPE)
        for case in locked:
            if from_user is not None:
                if case.status == CaseStatus.AFGESLOTEN:
                    skip(SkipReason.CLOSED)
                    continue
                if case.owner_id != from_user.pk:
                    skip(SkipReason.OTHER_OWNER)
                    continue
            if allowed is not None and case.pk not in allowed:
                skip(SkipReason.OUT_OF_SCOPE)
                continue
            if case.owner_id == to_user.pk:
                continue
            previous = case.owner_id
            set_owner(case, to_user, at=now)
            save_case(case, ["owner"])
            record_event(
                case,
                EventKind.ASSIGNED,
                actor=actor,
                data={"van": previous, "naar": to_user.pk, "bulk": True},
                note=note,
                at=now,
            )
            result.moved.append(case.pk)
            changed += 1
    return changed
