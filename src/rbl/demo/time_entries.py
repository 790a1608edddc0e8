"""The demo's written time (R-53): time on most case activities, and weekly
prevention hours at schools outside cases, some of them on the priced product
"Extra preventie-uur" that a municipality buys on top of its contribution."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from rbl.accounts.models import RoleAssignment
from rbl.cases.models import Activity
from rbl.organisation.models import BuildingBlock
from rbl.organisation.participation import municipalities_in
from rbl.timekeeping.blocks import block_for_activity
from rbl.timekeeping.models import Product, TimeEntry

#: The municipalities that buy extra prevention hours in the demo.
EXTRA_PREVENTION = ("0197", "1876")


def populate_time(seed: int, peildatum: dt.date, first_day: dt.date) -> int:
    """Write the demo's time from `first_day` up to `peildatum`; returns the
    number of entries. Same seed, same entries."""
    rng = random.Random(seed * 53)
    product, _ = Product.objects.get_or_create(
        name="Extra preventie-uur",
        defaults={"unit_price": 85, "block": BuildingBlock.TEAM},
    )
    entries: list[TimeEntry] = []
    activities = Activity.objects.select_related("case").order_by("pk")
    for activity in activities.iterator(chunk_size=2000):
        if rng.random() < 0.8:  # not everybody writes every time
            entries.append(
                TimeEntry(
                    user_id=activity.author_id,
                    municipality_id=activity.case.principal_id,
                    date=activity.date,
                    minutes=rng.choice((15, 30, 30, 45, 60, 90)),
                    block=block_for_activity(activity.kind),
                    description=activity.get_kind_display(),
                    activity_id=activity.pk,
                )
            )
    officers = sorted(
        RoleAssignment.objects.filter(role__in=["lpa", "kpa"]).values_list(
            "user_id", "municipality_id"
        )
    )
    day = first_day + dt.timedelta(days=(7 - first_day.weekday()) % 7)  # Mondays
    while day <= peildatum:
        if day.month not in (7, 8):  # no prevention in the summer holiday
            team = municipalities_in(BuildingBlock.TEAM, day)
            for user_id, code in officers:
                if code not in team:
                    continue  # prevention by the regional team only where it works
                if rng.random() < 0.5:
                    extra = code in EXTRA_PREVENTION and rng.random() < 0.3
                    entries.append(
                        TimeEntry(
                            user_id=user_id,
                            municipality_id=code,
                            date=day,
                            minutes=rng.choice((60, 90, 120)),
                            block=BuildingBlock.TEAM,
                            description="Preventie op school",
                            product=product if extra else None,
                        )
                    )
        day += dt.timedelta(days=7)
    with transaction.atomic():
        TimeEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
