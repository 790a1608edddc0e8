"""Opening, working, closing and handing over a case (R-20, R-21, R-26, R-64).

Every change runs under `locked_case` with the version the user saw, bumps
the version, appends a CaseEvent and, for cases with DUO reports, updates
the status that goes back to DUO.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.cases.models import (
    RMC_TYPES,
    Activity,
    Case,
    CaseStatus,
    CaseType,
    ClosingReason,
    EventKind,
    MasRoute,
    ParentsConsent,
    Task,
    TaskKind,
)
from rbl.cases.services import case_types
from rbl.cases.services.assignment import choose_owner, set_owner
from rbl.cases.services.duo_status import sync_duo_status
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.principal import change_principal, start_principal_history
from rbl.cases.services.settings import case_settings
from rbl.law.status import birthday
from rbl.organisation.models import Municipality, School
from rbl.registry.models import Person

_UNSET = object()
#: As `owner` of a new case: let the region's assignment rules choose (the default).
BY_RULES: Any = _UNSET


def open_case(
    person: Person,
    case_type: str,
    *,
    actor: Any = None,
    today: dt.date | None = None,
    school: School | None = None,
    owner: Any = _UNSET,
    principal: Municipality | None = None,
    absent_since: dt.date | None = None,
    signal: Any = None,
    handed_over_from: Case | None = None,
    note: str = "",
) -> Case:
    """Open a new case; without an explicit `owner` the region's rules choose one.

    The principal is the residence municipality at opening unless given.
    """
    if case_type not in CaseType.values:
        raise CaseRuleError("Onbekende soort zaak.")
    today = today or timezone.localdate()
    principal_code = principal.pk if principal is not None else person.municipality_id
    if owner is _UNSET:
        owner = choose_owner(
            person,
            case_type=case_type,
            school=school,
            municipality_code=principal_code,
            day=today,
        )
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            type=case_type,
            person=person,
            principal_id=principal_code,
            school=school,
            opened_on=today,
            absent_since=absent_since,
            signal=signal,
            handed_over_from=handed_over_from,
        )
        start_principal_history(case)
        set_owner(case, owner, at=now)
        case.save(update_fields=["owner"])
        record_event(
            case,
            EventKind.CREATED,
            actor=actor,
            data={"soort": case_type, "eigenaar": getattr(owner, "pk", None)},
            note=note,
            at=now,
        )
    return case


def change_status(
    case: Case | int,
    status: str,
    *,
    actor: Any,
    expected_version: int | None,
    note: str = "",
) -> Case:
    """Move an open case between `open` and `in behandeling`, or reopen a closed
    case. Closing goes through `close_case` (a reason is required)."""
    if status == CaseStatus.AFGESLOTEN:
        raise CaseRuleError("Sluit een zaak af met een reden van afsluiten.")
    if status not in CaseStatus.values:
        raise CaseRuleError("Onbekende status.")
    with locked_case(case, expected_version) as locked:
        if locked.status == status:
            return locked
        previous = locked.status
        reopened = previous == CaseStatus.AFGESLOTEN
        locked.status = status
        fields = ["status"]
        if reopened:
            locked.closed_on = None
            locked.closing_reason = ""
            locked.closing_note = ""
            fields += ["closed_on", "closing_reason", "closing_note"]
        save_case(locked, fields)
        now = timezone.now()
        record_event(
            locked,
            EventKind.REOPENED if reopened else EventKind.STATUS,
            actor=actor,
            data={"van": previous, "naar": status},
            note=note,
            at=now,
        )
        sync_duo_status(locked, at=now)
    return locked


def close_case(
    case: Case | int,
    reason: str,
    *,
    actor: Any,
    expected_version: int | None,
    closed_on: dt.date | None = None,
    note: str = "",
    forwarded_to: str = "",
) -> Case:
    """Close a case with a required closing reason; its DUO reports follow.
    `forwarded_to`: the office outside the region the case was handed over to
    (rbl.chain.forwarding), named in the history."""
    if not reason:
        raise CaseRuleError("Een reden van afsluiten is verplicht.")
    if reason not in ClosingReason.values:
        raise CaseRuleError("Onbekende reden van afsluiten.")
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Deze zaak is al afgesloten.")
        closed_on = closed_on or timezone.localdate()
        if closed_on < locked.opened_on:
            raise CaseRuleError("De datum van afsluiten ligt voor de datum van opening.")
        previous = locked.status
        locked.status = CaseStatus.AFGESLOTEN
        locked.closed_on = closed_on
        locked.closing_reason = reason
        locked.closing_note = note
        save_case(locked, ["status", "closed_on", "closing_reason", "closing_note"])
        now = timezone.now()
        record_event(
            locked,
            EventKind.CLOSED,
            actor=actor,
            data={
                "van": previous,
                "reden": reason,
                **({"overgedragen_aan": forwarded_to} if forwarded_to else {}),
            },
            note=note,
            at=now,
        )
        Task.objects.filter(case=locked, done_on__isnull=True).update(done_on=closed_on)
        sync_duo_status(locked, at=now)
    return locked


def choose_route(
    case: Case | int,
    route: str,
    *,
    actor: Any,
    expected_version: int | None,
    chosen_on: dt.date | None = None,
    note: str = "",
) -> Case:
    """Record the MAS route the owner chose after the first conversations (R-21)."""
    if route not in MasRoute.values:
        raise CaseRuleError("Onbekende route.")
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Een afgesloten zaak kan niet worden gewijzigd.")
        case_types.check_route(locked.type)
        chosen_on = chosen_on or timezone.localdate()
        if route == MasRoute.HALT:
            _check_halt_age(locked.person, chosen_on)
        previous = locked.route
        locked.route = route
        locked.route_chosen_on = chosen_on
        if locked.status == CaseStatus.OPEN:
            locked.status = CaseStatus.IN_BEHANDELING
        save_case(locked, ["route", "route_chosen_on", "status"])
        now = timezone.now()
        record_event(
            locked,
            EventKind.ROUTE,
            actor=actor,
            data={"van": previous, "naar": route},
            note=note,
            at=now,
        )
        sync_duo_status(locked, at=now)
    return locked


def _check_halt_age(person: Person, day: dt.date) -> None:
    if not (birthday(person.birth_date, 12) <= day < birthday(person.birth_date, 18)):
        raise CaseRuleError("Halt is alleen mogelijk voor jongeren van 12 tot 18 jaar.")


def record_parents_choice(
    case: Case | int,
    parents_may_hear: bool,
    *,
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
) -> Case:
    """From 16 the youth decides whether parents hear the reasons given in a
    conversation (R-21); under 16 the parents are always informed. Every
    choice is kept (`ParentsConsent`); the case holds the latest."""
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Een afgesloten zaak kan niet worden gewijzigd.")
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise CaseRuleError("De datum van de keuze kan niet in de toekomst liggen.")
        sixteen = birthday(locked.person.birth_date, 16)
        if on < sixteen:
            raise CaseRuleError(
                "Deze keuze maakt de jongere pas vanaf 16 jaar; "
                f"{locked.person.full_name} wordt 16 op {sixteen:%d-%m-%Y}."
            )
        now = timezone.now()
        ParentsConsent.objects.create(
            case=locked,
            parents_may_hear=parents_may_hear,
            decided_on=on,
            recorded_by=actor,
            recorded_at=now,
        )
        latest = locked.consents.order_by("-decided_on", "-pk").first()
        locked.parents_may_hear_reasons = latest.parents_may_hear
        save_case(locked, ["parents_may_hear_reasons"])
        record_event(
            locked,
            EventKind.PARENTS,
            actor=actor,
            data={"ouders_mogen_horen": parents_may_hear, "datum": on.isoformat()},
            at=now,
        )
    return locked


def add_activity(
    case: Case | int,
    kind: str,
    *,
    author: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    notes: str = "",
) -> Activity:
    """Record a dated MAS step with its author and notes (R-21). The first
    activity puts a new case `in behandeling`."""
    from rbl.cases.models import ActivityKind

    if kind not in ActivityKind.values:
        raise CaseRuleError("Onbekende soort activiteit.")
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Een afgesloten zaak kan niet worden gewijzigd.")
        case_types.check_activity(locked.type, kind)
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise CaseRuleError("De datum van een activiteit kan niet in de toekomst liggen.")
        activity = Activity.objects.create(
            case=locked, kind=kind, date=on, author=author, notes=notes
        )
        fields: list[str] = []
        if locked.status == CaseStatus.OPEN:
            locked.status = CaseStatus.IN_BEHANDELING
            fields.append("status")
        save_case(locked, fields)
        now = timezone.now()
        record_event(
            locked,
            EventKind.ACTIVITY,
            actor=author,
            data={"activiteit": activity.pk, "soort": kind, "datum": on.isoformat()},
            at=now,
        )
        sync_duo_status(locked, at=now)
    return activity


def assign_case(
    case: Case | int,
    to_user: Any,
    *,
    actor: Any,
    expected_version: int | None,
    note: str = "",
    handover: bool = False,
) -> Case:
    """Give the case to another officer (R-05, R-26). The former owner keeps
    read access through the ownership history, not write access."""
    with locked_case(case, expected_version) as locked:
        if locked.owner_id == getattr(to_user, "pk", None):
            return locked
        previous = locked.owner_id
        now = timezone.now()
        set_owner(locked, to_user, at=now)
        save_case(locked, ["owner"])
        record_event(
            locked,
            EventKind.HANDOVER if handover else EventKind.ASSIGNED,
            actor=actor,
            data={"van": previous, "naar": getattr(to_user, "pk", None)},
            note=note,
            at=now,
        )
        Task.objects.filter(case=locked, done_on__isnull=True, assignee_id=previous).update(
            assignee=to_user
        )
    return locked


def handover_to_municipality(
    case: Case | int,
    municipality: Municipality,
    *,
    actor: Any,
    expected_version: int | None,
    to_user: Any = _UNSET,
    note: str = "",
    on: dt.date | None = None,
) -> Case:
    """The youth moved within the region: the new residence municipality becomes
    the principal from `on` (the move date; default today; a new
    PrincipalPeriod) and the case goes to its officer (by the rules unless
    given). History stays on the case."""
    with locked_case(case, expected_version) as locked:
        if locked.status == CaseStatus.AFGESLOTEN:
            raise CaseRuleError("Een afgesloten zaak kan niet worden overgedragen.")
        if municipality.pk == locked.principal_id:
            raise CaseRuleError("De zaak hoort al bij deze gemeente.")
        today = timezone.localdate()
        if to_user is _UNSET:
            to_user = choose_owner(
                locked.person,
                case_type=locked.type,
                school=locked.school,
                municipality_code=municipality.pk,
                day=today,
            )
        previous = (locked.principal_id, locked.owner_id)
        now = timezone.now()
        change_principal(locked, municipality, on=on or timezone.localdate(now))
        set_owner(locked, to_user, at=now)
        save_case(locked, ["principal", "owner"])
        record_event(
            locked,
            EventKind.MUNICIPALITY,
            actor=actor,
            data={
                "van_gemeente": previous[0],
                "naar_gemeente": municipality.pk,
                "van": previous[1],
                "naar": getattr(to_user, "pk", None),
            },
            note=note,
            at=now,
        )
        Task.objects.filter(case=locked, done_on__isnull=True).update(assignee=to_user)
    return locked


def handover_to_rmc(
    case: Case | int,
    *,
    actor: Any,
    expected_version: int | None,
    to_user: Any = _UNSET,
    on: dt.date | None = None,
    note: str = "",
) -> Case:
    """At 18 an open leerplicht/kwalificatieplicht case goes to RMC (R-15, R-26):
    it is closed as handed over and an RMC case continues from it, linked, so
    the history stays with the person. Returns the new RMC case."""
    on = on or timezone.localdate()
    with transaction.atomic():
        with locked_case(case, expected_version) as locked:
            if locked.type in RMC_TYPES:
                raise CaseRuleError("Dit is al een RMC-zaak.")
            if locked.status == CaseStatus.AFGESLOTEN:
                raise CaseRuleError("Een afgesloten zaak kan niet worden overgedragen.")
            version = locked.version
        close_case(
            locked,
            ClosingReason.OVERGEDRAGEN_RMC,
            actor=actor,
            expected_version=version,
            closed_on=on,
            note=note,
        )
        new_case = open_case(
            locked.person,
            CaseType.RMC,
            actor=actor,
            today=on,
            school=locked.school,
            owner=to_user,
            principal=locked.principal,
            absent_since=locked.absent_since,
            handed_over_from=locked,
            note=note,
        )
        with locked_case(locked, None) as again:
            record_event(
                again, EventKind.RMC, actor=actor, data={"naar_zaak": new_case.pk}, note=note
            )
    return new_case


def cases_due_for_rmc_handover(today: dt.date):
    """Open non-RMC cases of youth who turned 18 by `today` (R-15)."""
    latest_birth = _latest_birth_for_age(18, today)
    return (
        Case.objects.open()
        .exclude(type__in=list(RMC_TYPES))
        .exclude(type__in=[CaseType.VERLOF, CaseType.VRIJSTELLING])
        .filter(person__birth_date__lte=latest_birth)
    )


def _latest_birth_for_age(age: int, day: dt.date) -> dt.date:
    """The latest birth date of someone who has reached `age` on `day`."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # `day` is 29 February: someone born that day reaches the age on 1 March
        return dt.date(day.year - age, 2, 28)


def add_task(
    case: Case | int,
    kind: str,
    title: str,
    due_on: dt.date,
    *,
    assignee: Any = None,
) -> Task:
    """A due date on a case (R-27); by default for the case owner."""
    case_obj = case if isinstance(case, Case) else Case.objects.get(pk=case)
    if kind not in TaskKind.values:
        raise CaseRuleError("Onbekende soort taak.")
    return Task.objects.create(
        case=case_obj,
        kind=kind,
        title=title,
        due_on=due_on,
        assignee=assignee if assignee is not None else case_obj.owner,
    )


def complete_task(task: Task, *, done_on: dt.date | None = None) -> Task:
    if task.done_on is None:
        task.done_on = done_on or timezone.localdate()
        task.save(update_fields=["done_on"])
    return task


def follow_up_due(case: Case, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=case_settings(case.principal).follow_up_days)
