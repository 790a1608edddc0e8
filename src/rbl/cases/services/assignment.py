"""Who gets a case (R-05): the school's fixed contact, else the region's rule
for the municipality and age group, passed on to the substitute while the
officer is away; and reassignment of many cases at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from rbl.cases.models import (
    RMC_TYPES,
    AgeGroup,
    AssignmentRule,
    Case,
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


def reassign_cases(
    cases: Iterable[Case | int],
    to_user: Any,
    *,
    actor: Any,
    note: str = "",
) -> int:
    """Bulk reassignment by a coordinator: every case gets `to_user` as owner.

    One transaction; every case is locked and gets its own event. Returns the
    number of cases whose owner changed.
    """
    from rbl.cases.services.events import record_event, save_case

    ids = [c.pk if isinstance(c, Case) else c for c in cases]
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for case in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
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
            changed += 1
    return changed
