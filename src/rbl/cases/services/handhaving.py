"""The Halt and PV process handled by a BOA while the owner stays owner (R-22)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.cases.models import (
    Case,
    CaseStatus,
    CaseType,
    EventKind,
    Handhaving,
    HandhavingKind,
    HandhavingOutcome,
    MasRoute,
    TaskKind,
)
from rbl.cases.services.case_types import check_handhaving
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.lifecycle import _check_halt_age, add_task, follow_up_due
from rbl.organisation.participation import boa_municipalities, outside_boa_message

#: The case types on which the MAS allows a Halt referral: beginning absence
#: (a first report of relatief verzuim, a signal of absence) and luxe verzuim.
#: Not for long-term absence, absoluut verzuim or other cases.
HALT_TYPES = frozenset({CaseType.RELATIEF_16UUR, CaseType.SIGNAAL, CaseType.LUXE})
ROUTE_OF_KIND = {HandhavingKind.HALT: MasRoute.HALT, HandhavingKind.PV: MasRoute.STRAFRECHT}
# Dates a BOA fills in as the process goes, in order.
PROCESS_DATES = ("documents_prepared_on", "signed_on", "sent_on", "hearing_on")
#: Dates the BOA may fill in by hand; the papers themselves date the others.
DATES_BY_KIND = {
    HandhavingKind.HALT: ("sent_on", "accepted_on"),
    HandhavingKind.PV: ("sent_on", "hearing_on"),
}


def check_halt_type(case_type: str) -> None:
    """Halt only on a case of beginning or luxe verzuim (MAS)."""
    if case_type not in HALT_TYPES:
        label = CaseType(case_type).label.lower() if case_type in CaseType.values else case_type
        raise CaseRuleError(
            "Halt is alleen mogelijk bij beginnend verzuim (relatief verzuim of signaalverzuim) "
            f"en bij luxe verzuim; deze zaak gaat over {label}."
        )


def start_handhaving(
    case: Case | int,
    kind: str,
    *,
    actor: Any,
    handler: Any,
    expected_version: int | None,
    on: dt.date | None = None,
) -> Handhaving:
    """Start a Halt referral or a PV on a case; the BOA `handler` does the
    paperwork, the case owner stays owner. Records the matching MAS route.
    Only for a principal with BOA work on `on` (block 2 or 3, R-02)."""
    if kind not in HandhavingKind.values:
        raise CaseRuleError("Kies Halt of proces-verbaal.")
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Een afgesloten zaak kan niet worden gewijzigd.")
        check_handhaving(locked.type)
        on = on or timezone.localdate()
        if locked.principal_id not in boa_municipalities(on):
            raise CaseRuleError(outside_boa_message(locked.principal_id, on))
        if kind == HandhavingKind.HALT:
            check_halt_type(locked.type)
            _check_halt_age(locked.person, on)
        if locked.handhaving.filter(kind=kind, outcome="").exists():
            raise CaseRuleError(
                "Deze zaak heeft al een lopende Halt-verwijzing of PV van deze soort."
            )
        item = Handhaving.objects.create(case=locked, kind=kind, handler=handler, opened_on=on)
        locked.route = ROUTE_OF_KIND[kind]
        locked.route_chosen_on = locked.route_chosen_on or on
        locked.status = CaseStatus.IN_BEHANDELING
        save_case(locked, ["route", "route_chosen_on", "status"])
        record_event(
            locked,
            EventKind.HANDHAVING,
            actor=actor,
            data={"handhaving": item.pk, "soort": kind, "boa": getattr(handler, "pk", None)},
        )
    return item


def _locked_item(item: Handhaving | int, expected_version: int | None) -> Handhaving:
    pk = item.pk if isinstance(item, Handhaving) else item
    current = Handhaving.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current.version, expected_version)
    return current


def update_handhaving(
    item: Handhaving | int,
    *,
    actor: Any,
    expected_version: int | None,
    **dates: dt.date | None,
) -> Handhaving:
    """Fill in the process dates: documents prepared, signed, sent (to the OM or
    Halt), hearing date. A later step cannot be dated before an earlier one."""
    unknown = set(dates) - {*PROCESS_DATES, "accepted_on"}
    if unknown:
        raise CaseRuleError("Onbekend veld: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        if not current.is_open:
            raise CaseRuleError("Deze Halt-verwijzing of dit PV is al afgerond.")
        if "accepted_on" in dates and current.kind != HandhavingKind.HALT:
            raise CaseRuleError("Alleen een Halt-verwijzing wordt door Halt aangenomen.")
        accepted = dates.get("accepted_on")
        sent = dates.get("sent_on", current.sent_on)
        if accepted is not None and (sent is None or accepted < sent):
            raise CaseRuleError(
                "Halt kan de verwijzing pas aannemen nadat die is verzonden; "
                "vul eerst de verzenddatum in."
            )
        for name, value in dates.items():
            setattr(current, name, value)
        previous: dt.date | None = current.opened_on
        for name in PROCESS_DATES[:3]:
            value = getattr(current, name)
            if value is not None:
                if previous is not None and value < previous:
                    raise CaseRuleError(
                        "Een stap kan niet eerder gedateerd zijn dan de vorige stap."
                    )
                previous = value
        current.version += 1
        current.save(update_fields=[*dates, "version"])
        with locked_case(current.case_id, None) as case:
            save_case(case, [])
            record_event(
                case,
                EventKind.HANDHAVING,
                actor=actor,
                data={
                    "handhaving": current.pk,
                    **{k: (v.isoformat() if v else None) for k, v in dates.items()},
                },
            )
    return current


def record_outcome(
    item: Handhaving | int,
    outcome: str,
    *,
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    note: str = "",
) -> Handhaving:
    """Record the verdict or Halt outcome and report it back to the case owner
    with a follow-up task."""
    if outcome not in HandhavingOutcome.values:
        raise CaseRuleError("Onbekende uitkomst.")
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        if not current.is_open:
            raise CaseRuleError("Deze Halt-verwijzing of dit PV is al afgerond.")
        halt_outcomes = {HandhavingOutcome.HALT_GESLAAGD, HandhavingOutcome.HALT_NIET_GESLAAGD}
        if (current.kind == HandhavingKind.HALT) != (outcome in halt_outcomes):
            raise CaseRuleError("Deze uitkomst past niet bij de soort (Halt of PV).")
        on = on or timezone.localdate()
        current.outcome = outcome
        current.outcome_on = on
        current.outcome_note = note
        current.reported_to_owner_on = timezone.localdate()
        current.version += 1
        current.save(
            update_fields=[
                "outcome",
                "outcome_on",
                "outcome_note",
                "reported_to_owner_on",
                "version",
            ]
        )
        with locked_case(current.case_id, None) as case:
            save_case(case, [])
            record_event(
                case,
                EventKind.HANDHAVING,
                actor=actor,
                data={"handhaving": current.pk, "uitkomst": outcome, "op": on.isoformat()},
                note=note,
            )
            add_task(
                case,
                TaskKind.OPVOLGING,
                f"Uitkomst {current.get_kind_display().lower()}: "
                f"{current.get_outcome_display().lower()} — vervolg bepalen",
                follow_up_due(case, on),
            )
    return current


def boas_of(municipality_code: str) -> list[Any]:
    """The active users holding the BOA role for a municipality: who may
    handle its Halt referrals and PVs."""
    from rbl.accounts.models import Role, User

    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.BOA,
            role_assignments__municipality_id=municipality_code,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
