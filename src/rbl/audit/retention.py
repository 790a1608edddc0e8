"""Retention of case files (R-29): which closed files have passed their term,
which are held, and the legal holds set by hand.

A file is one case with all its parts. Its term follows the kind of file, as
configured in `RetentionRule` (defaults in `DEFAULT_RETENTION_MONTHS`, the
VNG selectielijst):

- leerplicht file (the youth was leerplichtig when the case was opened, or
  younger): `leerplicht` months after the birth date (19 years);
- kwalificatieplicht or RMC file (an RMC or 18+ case, or a youth past
  leerplicht when it was opened): `kwalificatieplicht` months (2 years) after
  the end of the youth's kwalificatieplicht-and-RMC span. Reading of "2 years
  after the duty ended or the youth turned 23": kwalificatieplicht that ends
  at 18 without a startkwalificatie is followed by the RMC function for the
  same youth until 23, which works on with the same file; so the span ends on
  the day a startkwalificatie was obtained (rbl.law.status: it ends both
  kwalificatieplicht and RMC) or else on the day after the youth's last day
  in the RMC group, whichever is first: the 23rd birthday, or the birthday of
  the RMC age limit of the national table (rbl.law.limits), read once per
  run;
- every Halt referral or PV of the case: `handhaving` months (5 years) after
  its outcome.

The file is due on the latest of these (the longest term wins), and never
before the case was closed. Only closed files expire. A file is held, however
old, while a legal hold set by hand is open, while one of its Halt/PV records
has no outcome, or while an objection against its leave decision waits for
the municipality's decision (`objection_decided_on` empty) or an objection of
the objections app has no outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from rbl.audit.models import Action, LegalHold, RetentionRule, RetentionSubject
from rbl.audit.services import log_access, months_before
from rbl.cases.models import Case, CaseStatus, Handhaving, LeaveRequest
from rbl.cases.models.case import RMC_TYPES
from rbl.law.limits import rmc_limits
from rbl.law.status import (
    DEFAULT_RMC_LIMITS,
    ONE_DAY,
    LegalStatus,
    RmcLimits,
    birthday,
    duty_periods,
)
from rbl.registry.models import Diploma

FILE_SUBJECTS = (
    RetentionSubject.LEERPLICHT,
    RetentionSubject.KWALIFICATIEPLICHT_RMC,
    RetentionSubject.HANDHAVING,
)


class HoldReason:
    MANUAL = "bewaarplicht"
    HANDHAVING_OPEN = "halt_pv_open"
    OBJECTION = "bezwaar"

    LABELS = {
        MANUAL: "bewaarplicht (met de hand vastgezet)",
        HANDHAVING_OPEN: "Halt/PV nog zonder uitkomst",
        OBJECTION: "bezwaar zonder beslissing",
    }


class HoldError(Exception):
    """A hold that cannot be set or lifted; the message is Dutch."""


@dataclass(frozen=True)
class FileTerm:
    """The term of one closed case file on the peildatum."""

    case_id: int
    case_type: str
    rule: str  # a RetentionSubject value
    due_on: dt.date
    held: tuple[str, ...] = ()

    @property
    def expired(self) -> bool:
        return not self.held

    def as_json(self) -> dict[str, Any]:
        return {
            "zaak": self.case_id,
            "soort": self.case_type,
            "regel": self.rule,
            "termijn_verstreken_op": self.due_on.isoformat(),
            **({"vastgehouden": list(self.held)} if self.held else {}),
        }


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later (the month's last day when shorter)."""
    return months_before(day, -months)


def file_subject(
    case_type: str,
    opened_on: dt.date,
    birth_date: dt.date,
    sk: dt.date | None,
    limits: RmcLimits = DEFAULT_RMC_LIMITS,
):
    """Leerplicht file or kwalificatieplicht/RMC file, by the youth's status on opening."""
    if case_type in RMC_TYPES:
        return RetentionSubject.KWALIFICATIEPLICHT_RMC
    periods = duty_periods(birth_date, sk, limits)
    status = periods.status_on(opened_on)
    if status == LegalStatus.LEERPLICHTIG or opened_on < periods.leerplicht_vanaf:
        return RetentionSubject.LEERPLICHT
    return RetentionSubject.KWALIFICATIEPLICHT_RMC


def duty_span_end(
    birth_date: dt.date, sk: dt.date | None, limits: RmcLimits = DEFAULT_RMC_LIMITS
) -> dt.date:
    """The day kwalificatieplicht-and-RMC ends: the startkwalificatie, or the day
    after the last day in the RMC group (the 23rd birthday by default)."""
    rmc_tot = duty_periods(birth_date, None, limits).rmc_tot
    ends = rmc_tot + ONE_DAY if rmc_tot is not None else birthday(birth_date, 18)
    return min(sk, ends) if sk is not None else ends


def _months() -> dict[str, int]:
    return {subject: RetentionRule.months_for(subject) for subject in FILE_SUBJECTS}


def _startkwalificaties(bsns: Iterable[str]) -> dict[str, dt.date]:
    """The first startkwalificatie per BSN (diplomas are kept by BSN)."""
    out: dict[str, dt.date] = {}
    bsns = list(set(bsns))
    for start in range(0, len(bsns), 5000):
        rows = (
            Diploma.objects.filter(bsn__in=bsns[start : start + 5000], startkwalificatie=True)
            .values("bsn")
            .annotate(first=Min("date"))
            .values_list("bsn", "first")
        )
        out.update(rows)
    return out


def _automatic_holds(case_ids: list[int]) -> dict[int, set[str]]:
    holds: dict[int, set[str]] = {}
    for case_id in (
        Handhaving.objects.open().filter(case_id__in=case_ids).values_list("case_id", flat=True)
    ):
        holds.setdefault(case_id, set()).add(HoldReason.HANDHAVING_OPEN)
    pending = LeaveRequest.objects.filter(
        case_id__in=case_ids,
        objection_received_on__isnull=False,
        objection_decided_on__isnull=True,
    )
    for case_id in pending.values_list("case_id", flat=True):
        holds.setdefault(case_id, set()).add(HoldReason.OBJECTION)
    # An objection registered in the objections app (any decision of the case)
    # holds the file until its outcome is recorded.
    from rbl.objections.models import Objection

    open_objections = Objection.objects.filter(case_id__in=case_ids, outcome_on__isnull=True)
    for case_id in open_objections.values_list("case_id", flat=True):
        holds.setdefault(case_id, set()).add(HoldReason.OBJECTION)
    for case_id in LegalHold.objects.filter(
        case_id__in=case_ids, lifted_at__isnull=True
    ).values_list("case_id", flat=True):
        holds.setdefault(case_id, set()).add(HoldReason.MANUAL)
    return holds


def file_terms(today: dt.date) -> list[FileTerm]:
    """Every closed, not yet anonymised case whose term has ended on `today`
    (the held ones with their reasons), oldest due first."""
    months = _months()
    limits = rmc_limits()
    cases = list(
        Case.objects.filter(
            status=CaseStatus.AFGESLOTEN, anonymised_on__isnull=True, person__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "type", "opened_on", "closed_on", "person__birth_date", "person__bsn")
    )
    sk_of = _startkwalificaties(row[5] for row in cases)
    outcomes: dict[int, list[dt.date | None]] = {}
    for case_id, outcome_on in (
        Handhaving.objects.filter(case__status=CaseStatus.AFGESLOTEN, case__anonymised_on=None)
        .exclude(outcome="")
        .values_list("case_id", "outcome_on")
    ):
        outcomes.setdefault(case_id, []).append(outcome_on)
    due: list[tuple[int, str, str, dt.date]] = []
    for pk, case_type, opened_on, closed_on, birth_date, bsn in cases:
        closed_on = closed_on or opened_on
        sk = sk_of.get(bsn)
        if sk is not None and sk < birth_date:
            sk = None  # a diploma before birth is a data error, not a reason to remove early
        subject = file_subject(case_type, opened_on, birth_date, sk, limits)
        if subject == RetentionSubject.LEERPLICHT:
            day = months_after(birth_date, months[subject])
        else:
            day = months_after(duty_span_end(birth_date, sk, limits), months[subject])
        candidates = [(max(day, closed_on), subject)]
        for outcome_on in outcomes.get(pk, []):
            base = outcome_on or closed_on
            candidates.append(
                (
                    months_after(base, months[RetentionSubject.HANDHAVING]),
                    RetentionSubject.HANDHAVING,
                )
            )
        # The longest term wins; on a tie the file's own kind names the rule.
        file_due, rule = max(candidates, key=lambda c: (c[0], c[1] == subject))
        if file_due <= today:
            due.append((pk, case_type, str(rule), file_due))
    holds = _automatic_holds([row[0] for row in due])
    terms = [
        FileTerm(pk, case_type, rule, day, tuple(sorted(holds.get(pk, ()))))
        for pk, case_type, rule, day in due
    ]
    return sorted(terms, key=lambda t: (t.due_on, t.case_id))


# -- legal holds by hand ------------------------------------------------------


def set_hold(case: Case, *, reason: str, actor: Any, path: str = "") -> LegalHold:
    """Hold a file: `rbl retentie` leaves it alone until the hold is lifted.
    The privacy officer does this (`can_read_access_log`), for a procedure
    or inquiry RBL does not record itself; logged in the access log."""
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("Geef een reden voor de bewaarplicht.")
    if case.anonymised_on is not None:
        raise HoldError("Deze zaak is al geanonimiseerd.")
    with transaction.atomic():
        if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
            raise HoldError("Deze zaak heeft al een bewaarplicht.")
        hold = LegalHold.objects.create(
            case=case,
            reason=reason[:300],
            set_at=timezone.now(),
            set_by=(getattr(actor, "username", "") or "systeem")[:150],
        )
        log_access(actor, Action.CHANGE, case=case, purpose="bewaarplicht vastgezet", path=path)
    return hold


def lift_hold(hold: LegalHold, *, reason: str, actor: Any, path: str = "") -> LegalHold:
    """Lift a hold set by hand; the row stays as the record of it."""
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("Geef een reden om de bewaarplicht op te heffen.")
    with transaction.atomic():
        updated = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(),
            lifted_by=(getattr(actor, "username", "") or "systeem")[:150],
            lift_reason=reason[:300],
        )
        if not updated:
            raise HoldError("Deze bewaarplicht is al opgeheven.")
        log_access(
            actor, Action.CHANGE, case=hold.case, purpose="bewaarplicht opgeheven", path=path
        )
    hold.refresh_from_db()
    return hold
