"""The RMC age limit schedule from the national table (rbl.law.models).

`rmc_limits()` reads the table once per web request (rbl.core.request_memo);
commands and batch jobs call it once per run and pass the schedule on to the
pure rule (rbl.law.status), which never reads the database itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from rbl.core.request_memo import remembered
from rbl.law.models import RmcAgeLimit
from rbl.law.status import ImpossibleDate, RmcLimits, check_rmc_age


def _read() -> RmcLimits:
    return RmcLimits.of(RmcAgeLimit.objects.values_list("valid_from", "age"))


def rmc_limits() -> RmcLimits:
    """The schedule in force (default 23 with no row), once per request."""
    return remembered(("rmc_limits",), _read)


def add_rmc_limit(
    age: int, valid_from: dt.date, actor: Any = None, *, request: HttpRequest | None = None
) -> RmcAgeLimit:
    """Record a new RMC age limit from `valid_from`; logged as a set-up change.

    Raises ImpossibleDate (field "leeftijd" or "vanaf") for an age out of
    bounds, a date before today or a date that already has a limit.
    """
    from rbl.accounts.models import SecurityEventKind
    from rbl.accounts.security import record, record_setup_change

    check_rmc_age(age)
    if valid_from < timezone.localdate():
        # Past days keep the limit they had: statuses, figures and terms already
        # worked out from it stay reproducible.
        raise ImpossibleDate("vanaf", "kies vandaag of een latere datum")
    with transaction.atomic():
        # One writer at a time: the table is tiny, lock it whole.
        list(RmcAgeLimit.objects.select_for_update().values_list("pk", flat=True))
        if RmcAgeLimit.objects.filter(valid_from=valid_from).exists():
            raise ImpossibleDate(
                "vanaf",
                f"er is al een leeftijdsgrens die geldt vanaf {valid_from.isoformat()}",
            )
        try:
            with transaction.atomic():
                row = RmcAgeLimit.objects.create(age=age, valid_from=valid_from)
        except IntegrityError:  # someone else recorded the same date just now
            raise ImpossibleDate(
                "vanaf",
                f"er is al een leeftijdsgrens die geldt vanaf {valid_from.isoformat()}",
            ) from None
        what = f"Leeftijdsgrens RMC-doelgroep: {age} jaar vanaf {valid_from.isoformat()}"
        if isinstance(actor, str):  # a command, e.g. "rbl rmc-leeftijd"
            record(SecurityEventKind.SETUP_CHANGED, actor=actor, detail=what)
        else:
            record_setup_change(actor, what, request=request)
    return row
