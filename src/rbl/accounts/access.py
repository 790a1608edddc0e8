"""Who may see and change what (R-60): the ONE place where access is decided.

Screens, the API, exports and commands never filter persons or cases
themselves; they start from these querysets (Open Zaak style: the queryset
*is* the authorisation), so a list, a detail page (404 when absent) and a
CSV export always agree.

The rules (interfaces.md, "Who may see what"), per role and municipality,
are the table `ROLE_RULES` below:

| role          | persons of its municipalities | cases of its municipalities | changes cases of its municipalities | registers leave/exemption | Halt/PV | figures | access log | configures |
|---------------|-------------------------------|-----------------------------|-------------------------------------|---------------------------|---------|---------|------------|------------|
| coordinator   | yes                           | all                         | yes (assigns, reassigns)            | yes (owner by the rules)  | changes | yes     | no         | no         |
| administratie | yes                           | all                         | yes (prepares dossiers)             | yes (owner by the rules)  | changes | yes     | no         | no         |
| lpa, kpa      | yes                           | all (read)                  | only own cases                      | yes (becomes the owner)   | reads   | yes     | no         | no         |
| rmc           | yes                           | all (read)                  | only own cases                      | no                        | reads   | yes     | no         | no         |
| boa           | yes                           | Halt/PV cases only          | no (owner stays owner)              | no                        | changes | no      | no         | no         |
| auditor       | yes                           | all (read)                  | no                                  | no                        | reads   | yes     | no         | no         |
| beleid        | no                            | no                          | no                                  | no                        | no      | yes     | no         | no         |
| privacy       | no                            | no                          | no                                  | no                        | no      | no      | yes        | no         |
| beheer        | no                            | no                          | no                                  | no                        | no      | no      | no         | yes        |

"Registers leave/exemption": opens a verlofaanvraag or vrijstelling case for a
youth living in one of its municipalities. The leerplichtambtenaar decides on
leave of more than ten school days and on exemptions (Leerplichtwet art. 5,
11, 14), so the lpa and kpa officers register them, and work the new case as
its owner (`owns_registered_case`); coordinators and the administration
register on the team's behalf and the region's assignment rules choose the
owner. RMC youth (18+) are past the Leerplichtwet: no leave or exemption.

Besides the roles, every staff user:
- sees and changes the cases they own (the fixed school contact gets the
  school's cases assigned, so sees exactly those);
- keeps *reading* a case they owned before a handover, with its person, but
  cannot change it any more;
- a BOA sees and changes the Halt/PV records they handle, with case and person;
- while standing in for an absent colleague (waarneming, `Substitution`) sees
  and changes that colleague's cases.

"Persons of its municipalities" are the residents (the person's municipality),
plus — for the roles that see all cases — anyone with a case on behalf of one
of those municipalities ("registered in", e.g. an RMC youth who moved away).
"Cases of its municipalities" are cases whose principal is one of them or whose
youth lives there now (history stays with the person).

Inactive and anonymous users see nothing. A Django superuser gets no files
through that flag: access to personal data comes only from roles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from rbl.accounts.models import Role
from rbl.core.request_memo import remembered


class CaseScope(StrEnum):
    NONE = "none"
    ALL = "all"
    HANDHAVING = "handhaving"


@dataclass(frozen=True)
class RoleRule:
    """What one role grants for the municipalities it is held for."""

    persons: bool = False
    cases: CaseScope = CaseScope.NONE
    edits_cases: bool = False
    edits_handhaving: bool = False
    registers: bool = False
    aggregates: bool = False
    access_log: bool = False
    configures: bool = False


ROLE_RULES: dict[str, RoleRule] = {
    Role.COORDINATOR: RoleRule(
        persons=True,
        cases=CaseScope.ALL,
        edits_cases=True,
        edits_handhaving=True,
        registers=True,
        aggregates=True,
    ),
    Role.ADMINISTRATIE: RoleRule(
        persons=True,
        cases=CaseScope.ALL,
        edits_cases=True,
        edits_handhaving=True,
        registers=True,
        aggregates=True,
    ),
    Role.LPA: RoleRule(persons=True, cases=CaseScope.ALL, registers=True, aggregates=True),
    Role.KPA: RoleRule(persons=True, cases=CaseScope.ALL, registers=True, aggregates=True),
    Role.RMC: RoleRule(persons=True, cases=CaseScope.ALL, aggregates=True),
    Role.BOA: RoleRule(persons=True, cases=CaseScope.HANDHAVING, edits_handhaving=True),
    Role.AUDITOR: RoleRule(persons=True, cases=CaseScope.ALL, aggregates=True),
    Role.BELEID: RoleRule(aggregates=True),
    Role.PRIVACY: RoleRule(access_log=True),
    Role.BEHEER: RoleRule(configures=True),
}


@dataclass(frozen=True)
class Grants:
    """The municipality codes for which a user holds each kind of right."""

    persons: frozenset[str]
    all_cases: frozenset[str]
    handhaving_cases: frozenset[str]
    edit_cases: frozenset[str]
    edit_handhaving: frozenset[str]
    aggregates: frozenset[str]
    access_log: bool
    configures: bool
    # Last, with a default: who registers leave requests and exemptions.
    registers: frozenset[str] = frozenset()


_NO_GRANTS = Grants(
    frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), False, False
)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def grants(user: Any) -> Grants:
    """Collect the user's rights per municipality from `ROLE_RULES` (one query, once
    per web request: rbl.core.request_memo)."""
    if not _active(user):
        return _NO_GRANTS
    return remembered(("grants", user.pk), lambda: _collect_grants(user))


def _role_pairs(user: Any) -> frozenset[tuple[str, str]]:
    """The user's (role, municipality code) pairs, read once per web request."""
    return user.role_pairs()


def _collect_grants(user: Any) -> Grants:
    sets: dict[str, set[str]] = {
        k: set() for k in ("persons", "all", "handhaving", "edit", "edit_h", "reg", "agg")
    }
    access_log = configures = False
    boa_codes = _boa_codes()
    for role, code in _role_pairs(user):
        rule = ROLE_RULES.get(role)
        if rule is None:
            continue
        if role == Role.BOA and code not in boa_codes:
            continue  # no BOA work there today (block 2 or 3): the role grants nothing
        if rule.persons:
            sets["persons"].add(code)
        if rule.cases == CaseScope.ALL:
            sets["all"].add(code)
        elif rule.cases == CaseScope.HANDHAVING:
            sets["handhaving"].add(code)
        if rule.edits_cases:
            sets["edit"].add(code)
        if rule.edits_handhaving and code in boa_codes:
            sets["edit_h"].add(code)
        if rule.registers:
            sets["reg"].add(code)
        if rule.aggregates:
            sets["agg"].add(code)
        access_log = access_log or rule.access_log
        configures = configures or rule.configures
    return Grants(
        persons=frozenset(sets["persons"]),
        all_cases=frozenset(sets["all"]),
        handhaving_cases=frozenset(sets["handhaving"]),
        edit_cases=frozenset(sets["edit"]),
        edit_handhaving=frozenset(sets["edit_h"]),
        aggregates=frozenset(sets["agg"]),
        access_log=access_log,
        configures=configures,
        registers=frozenset(sets["reg"]),
    )


def _covered_owner_ids(user: Any, day: dt.date) -> list[int]:
    from rbl.cases.models import Substitution

    return remembered(
        ("covered", user.pk, day),
        lambda: list(
            Substitution.objects.active_on(day)
            .filter(substitute=user)
            .values_list("absent_id", flat=True)
        ),
    )


def _case_q(user: Any, g: Grants, day: dt.date) -> Q:
    """The cases a user may read, as one filter on Case."""
    from rbl.cases.models import Handhaving, MasRoute, OwnershipPeriod

    q = Q(owner=user) | Q(pk__in=OwnershipPeriod.objects.filter(user=user).values("case_id"))
    q |= Q(pk__in=Handhaving.objects.filter(handler=user).values("case_id"))
    covered = _covered_owner_ids(user, day)
    if covered:
        q |= Q(owner_id__in=covered)
    if g.all_cases:
        codes = list(g.all_cases)
        q |= Q(principal_id__in=codes) | _lives_in(codes)
    if g.handhaving_cases:
        codes = list(g.handhaving_cases)
        is_handhaving = Q(pk__in=Handhaving.objects.values("case_id")) | Q(
            route__in=[MasRoute.HALT, MasRoute.STRAFRECHT]
        )
        q |= is_handhaving & (Q(principal_id__in=codes) | _lives_in(codes))
    return q


def _lives_in(codes: list[str]) -> Exists:
    """The case's youth lives in one of `codes` now. A correlated EXISTS, not a
    join: PostgreSQL evaluates an OR left to right, so it looks the person up
    only for a case whose principal did not already match, instead of hashing
    every person for every count of a list (a regional team list: 200 ms
    against 40 ms at 100,000 persons, bench/RESULTS.md "Load")."""
    from rbl.registry.models import Person

    return Exists(Person.objects.filter(pk=OuterRef("person_id"), municipality_id__in=codes))


def visible_cases(user: Any, today: dt.date | None = None) -> QuerySet:
    """The cases `user` may read."""
    from rbl.cases.models import Case

    g = grants(user)
    if not _active(user):
        return Case.objects.none()
    # An anonymised file (retention, rbl.audit.retention) is nobody's to read:
    # only the yearly figures still count it.
    return Case.objects.filter(
        _case_q(user, g, today or timezone.localdate()), anonymised_on__isnull=True
    )


def editable_cases(user: Any, today: dt.date | None = None) -> QuerySet:
    """The cases `user` may change: own cases, cases of an absent colleague
    they stand in for, and for coordinators/administration every case on
    behalf of their municipalities. A former owner is not among them."""
    from rbl.cases.models import Case

    if not _active(user):
        return Case.objects.none()
    g = grants(user)
    q = Q(owner=user)
    covered = _covered_owner_ids(user, today or timezone.localdate())
    if covered:
        q |= Q(owner_id__in=covered)
    if g.edit_cases:
        q |= Q(principal_id__in=list(g.edit_cases))
    return Case.objects.filter(q, anonymised_on__isnull=True)


def visible_persons(user: Any, today: dt.date | None = None) -> QuerySet:
    """The persons `user` may see (their file, search results, lists)."""
    from rbl.cases.models import Case
    from rbl.registry.models import Person

    if not _active(user):
        return Person.objects.none()
    g = grants(user)
    day = today or timezone.localdate()
    via_cases = Q(pk__in=Case.objects.filter(_case_q(user, g, day)).values("person_id"))
    if not g.persons:
        return Person.objects.filter(via_cases)
    # The cheap residence test first: PostgreSQL evaluates an OR left to right and
    # builds the (hashed) case subquery only for a row the first test rejects.
    return Person.objects.filter(Q(municipality_id__in=list(g.persons)) | via_cases)


def visible_handhaving(user: Any, today: dt.date | None = None) -> QuerySet:
    """Halt/PV records of the cases `user` may read (the JCO list starts here)."""
    from rbl.cases.models import Handhaving

    return Handhaving.objects.filter(case__in=visible_cases(user, today).values("pk"))


def editable_handhaving(user: Any) -> QuerySet:
    """Halt/PV records `user` may fill in: the ones they handle, and for BOAs,
    coordinators and administration those of their municipalities — all only of
    municipalities with BOA work today (block 2 or 3, see the section
    "Participation" at the end)."""
    from rbl.cases.models import Handhaving

    if not _active(user):
        return Handhaving.objects.none()
    g = grants(user)
    q = Q(handler=user)
    if g.edit_handhaving:
        q |= Q(case__principal_id__in=list(g.edit_handhaving))
    return Handhaving.objects.filter(
        q, case__principal_id__in=list(_boa_codes()), case__anonymised_on__isnull=True
    )


# Who takes part in the fortnightly justice case meeting (JCO) of a
# municipality: its BOA, coordinator and leerplicht officers.
JCO_ROLES = frozenset({Role.COORDINATOR, Role.LPA, Role.KPA, Role.BOA})


def jco_municipalities(user: Any) -> frozenset[str]:
    """The municipalities whose JCO list `user` gets: a JCO role held there, and
    the municipality in block 2 or 3 today (section "Participation")."""
    if not _active(user):
        return frozenset()
    held = remembered(
        ("jco", user.pk),
        lambda: frozenset(
            user.role_assignments.filter(role__in=list(JCO_ROLES)).values_list(
                "municipality_id", flat=True
            )
        ),
    )
    return held & _boa_codes()


def jco_handhaving(user: Any, today: dt.date | None = None) -> QuerySet:
    """The Halt/PV records on `user`'s JCO list, and whose meeting outcome they
    record: those of cases they may read on behalf of their JCO municipalities."""
    codes = jco_municipalities(user)
    if not codes:
        from rbl.cases.models import Handhaving

        return Handhaving.objects.none()
    return visible_handhaving(user, today).filter(case__principal_id__in=list(codes))


def visible_meldingen(user: Any, today: dt.date | None = None) -> QuerySet:
    """Absence reports `user` may see. The "niet gekoppeld" queue (reports of
    unknown youth) is for coordinators and central administration."""
    from rbl.cases.models import VerzuimMelding

    if not _active(user):
        return VerzuimMelding.objects.none()
    g = grants(user)
    q = Q(person_id__in=visible_persons(user, today).values("pk"))
    if g.edit_cases:  # waiting for their youth (an anonymised file's reports keep a case)
        q |= Q(person__isnull=True, case__isnull=True)
    return VerzuimMelding.objects.filter(q)


def visible_documents(user: Any, today: dt.date | None = None) -> QuerySet:
    """Documents (letters, uploads) `user` may open: those of a case they may
    read, and those kept with a person (no case) they may see."""
    from rbl.letters.models import Document

    if not _active(user):
        return Document.objects.none()
    return Document.objects.filter(
        Q(case_id__in=visible_cases(user, today).values("pk"))
        | Q(case__isnull=True, person_id__in=visible_persons(user, today).values("pk"))
    )


def may_register(user: Any, person: Any, g: Grants | None = None) -> bool:
    """May register a leave request or an exemption for `person` (it opens a
    case on behalf of the youth's municipality). `g`: the user's grants, when
    the caller has them at hand already."""
    g = grants(user) if g is None else g
    return person.municipality_id in g.registers


def owns_registered_case(user: Any, municipality_code: str, g: Grants | None = None) -> bool:
    """Whether the case `user` registers for a youth of `municipality_code`
    becomes theirs: an officer who may not change every case there (lpa, kpa)
    works it on as its owner; coordinators and the administration leave the
    owner to the region's assignment rules."""
    g = grants(user) if g is None else g
    return municipality_code in g.registers and municipality_code not in g.edit_cases


def can_make_letters(user: Any) -> bool:
    """Batch letters (control letters, exemption notices) are made by the
    central administration and the coordinator."""
    return bool(grants(user).edit_cases)


def visible_signals(user: Any, today: dt.date | None = None) -> QuerySet:
    """Absoluut-verzuim signals of the persons `user` may see."""
    from rbl.absoluut.models import Signal

    if not _active(user):
        return Signal.objects.none()
    return Signal.objects.filter(person_id__in=visible_persons(user, today).values("pk"))


def can_view_person(user: Any, person: Any) -> bool:
    return visible_persons(user).filter(pk=getattr(person, "pk", person)).exists()


def can_view_case(user: Any, case: Any) -> bool:
    return visible_cases(user).filter(pk=getattr(case, "pk", case)).exists()


def case_to_change(user: Any, case_id: int, allowed: QuerySet | None = None) -> Any:
    """The case `case_id` from `allowed` (default: the cases `user` may change),
    with what its pages show joined in. A case the user may read but not change
    raises PermissionDenied (403); one they may not see, Http404."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    allowed = editable_cases(user) if allowed is None else allowed
    case = (
        allowed.select_related("person", "principal__region", "owner", "school")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        if visible_cases(user).filter(pk=case_id).exists():
            raise PermissionDenied
        raise Http404
    return case


def can_edit_case(user: Any, case: Any) -> bool:
    return editable_cases(user).filter(pk=getattr(case, "pk", case)).exists()


def aggregate_municipalities(user: Any) -> frozenset[str]:
    """Codes of the municipalities whose aggregated figures `user` may see."""
    return grants(user).aggregates


def can_read_access_log(user: Any) -> bool:
    return grants(user).access_log


def can_configure(user: Any) -> bool:
    return grants(user).configures


def can_read_security_log(user: Any, g: Grants | None = None) -> bool:
    """The security log (logins, lockouts, second factor, API keys, roles) is
    for the privacy officer and application management. `g`: the user's grants,
    when the caller has them at hand already."""
    g = grants(user) if g is None else g
    return g.access_log or g.configures


def sees_personal_data(user: Any, g: Grants | None = None) -> bool:
    """Whether `user` may see persons, cases or the access log: such a user
    needs a second factor to log in (R-63, `accounts.secondfactor`). Besides
    the roles, whoever owns a case (a school's fixed contact) sees it."""
    g = grants(user) if g is None else g
    if g.persons or g.all_cases or g.handhaving_cases or g.access_log:
        return True
    return _active(user) and user.owned_cases.exists()


# -- time registration (R-53) -------------------------------------------------
# Hours are no data about a youth, but an officer's hours are data about the
# officer: everyone sees their own entries; a coordinator sees every officer's
# entries of their municipalities; policy staff see only a municipality's totals.
TIME_BOOKING_ROLES = frozenset(
    {Role.COORDINATOR, Role.ADMINISTRATIE, Role.LPA, Role.KPA, Role.RMC, Role.BOA}
)
TIME_TOTAL_ROLES = frozenset({Role.COORDINATOR, Role.BELEID})


def _codes_for(user: Any, roles: frozenset[str]) -> frozenset[str]:
    if not _active(user):
        return frozenset()
    return frozenset(code for role, code in _role_pairs(user) if role in roles)


def may_use_time(user: Any) -> bool:
    """Whether `user` books time or reads the hours overview (the menu)."""
    return bool(time_booking_municipalities(user) or time_total_municipalities(user))


def time_booking_municipalities(user: Any) -> frozenset[str]:
    """Municipalities `user` may book working time for."""
    return _codes_for(user, TIME_BOOKING_ROLES)


def time_detail_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose hours `user` sees per officer (the coordinator)."""
    return _codes_for(user, frozenset({Role.COORDINATOR}))


def time_total_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose total hours `user` sees (coordinator, policy staff)."""
    return _codes_for(user, TIME_TOTAL_ROLES)


def visible_time_entries(user: Any) -> QuerySet:
    """Single time entries `user` may read: their own, and every entry of the
    municipalities they coordinate."""
    from rbl.timekeeping.models import TimeEntry

    if not _active(user):
        return TimeEntry.objects.none()
    return TimeEntry.objects.filter(
        Q(user=user) | Q(municipality_id__in=time_detail_municipalities(user))
    )


# Audits of professionals: staff findings, not youth files. A coordinator
# sees every audit; anyone else only an audit on which they are the audited
# person or the auditor named. The read-only `auditor` role, policy staff and
# the privacy officer get nothing through their role.
AUDIT_ROLES = frozenset(
    {Role.COORDINATOR, Role.ADMINISTRATIE, Role.LPA, Role.KPA, Role.RMC, Role.BOA}
)


def coordinates_audits(user: Any) -> bool:
    return _active(user) and user.has_role(Role.COORDINATOR)


def may_use_audits(user: Any) -> bool:
    """The audit screens: coordinators and the professionals who are audited."""
    return _active(user) and user.has_role(*AUDIT_ROLES)


def audits_visible_to(user: Any) -> QuerySet:
    from rbl.governance.models import Audit

    if not _active(user):
        return Audit.objects.none()
    if coordinates_audits(user):
        return Audit.objects.all()
    return Audit.objects.filter(Q(audited=user) | Q(auditor=user))


# -- Participation (R-02) ------------------------------------------------------
# Building blocks decide which work the region does for a municipality on a day
# (rbl.organisation.participation). For access that means:
# - BOA work (block 2 or 3): the BOA role grants nothing for a municipality
#   outside those blocks today; nobody fills in (starts, edits, closes) a Halt/PV
#   record of such a municipality, and it is on nobody's JCO list. A record made
#   while the municipality took part stays readable to whoever may read its
#   case — the case owner, the BOA who handled it, the team of the municipality
#   — but is no longer worked: finishing it is the municipality's own affair.
# - central administration (block 1): the administration's work lists and batches
#   cover only its municipalities in block 1 today; the municipality's own
#   officers keep working their cases there (their rights come from their roles).


def _boa_codes(day: dt.date | None = None) -> frozenset[str]:
    from rbl.organisation.participation import boa_municipalities

    return boa_municipalities(day or timezone.localdate())


def may_handle_handhaving_for(municipality_code: str, day: dt.date | None = None) -> bool:
    """Whether a Halt referral or PV may be started for a case of this principal."""
    return municipality_code in _boa_codes(day)


def administration_codes(day: dt.date | None = None) -> frozenset[str]:
    """Municipalities whose batches and lists the central administration runs."""
    from rbl.organisation.participation import administration_municipalities

    return administration_municipalities(day or timezone.localdate())


# -- work division: assignment rules, fixed school contacts, stand-ins,
# bulk reassignment. The coordinator divides the work of the municipalities
# they coordinate; application management (beheer) of the municipalities it
# manages. They touch the officers holding a case-owning role there, the
# schools located there and the open cases on behalf of those municipalities.
# Everyone else gets 404 on these screens.
WORK_DIVISION_ROLES = frozenset({Role.COORDINATOR, Role.BEHEER})
# Roles whose holders own cases, so may get work by a rule, a school or a move.
CASE_OWNER_ROLES = frozenset({Role.COORDINATOR, Role.LPA, Role.KPA, Role.RMC})


def work_division_municipalities(user: Any) -> frozenset[str]:
    """Codes of the municipalities whose work `user` divides."""
    return _codes_for(user, WORK_DIVISION_ROLES)


def may_divide_work(user: Any) -> bool:
    return bool(work_division_municipalities(user))


def divisible_officers(user: Any, *, include_inactive: bool = False) -> QuerySet:
    """Active officers holding a case-owning role in a municipality whose work
    `user` divides (the choices for rules, contacts, stand-ins and moves);
    `include_inactive` adds those who left (their cases still need moving)."""
    from rbl.accounts.models import User

    codes = work_division_municipalities(user)
    if not codes:
        return User.objects.none()
    qs = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    return qs.filter(
        is_service_account=False,
        role_assignments__role__in=list(CASE_OWNER_ROLES),
        role_assignments__municipality_id__in=list(codes),
    ).distinct()


def divisible_schools(user: Any) -> QuerySet:
    """School locations in the municipalities whose work `user` divides."""
    from rbl.organisation.models import School

    codes = work_division_municipalities(user)
    return School.objects.filter(municipality_code__in=list(codes), placeholder=False)


def divisible_substitutions(user: Any) -> QuerySet:
    """Stand-ins whose absent officer works in a municipality `user` divides."""
    from rbl.cases.models import Substitution

    codes = work_division_municipalities(user)
    if not codes:
        return Substitution.objects.none()
    return Substitution.objects.filter(
        absent__role_assignments__role__in=list(CASE_OWNER_ROLES),
        absent__role_assignments__municipality_id__in=list(codes),
    ).distinct()


def reassignable_cases(user: Any) -> QuerySet:
    """Open, not anonymised cases on behalf of a municipality `user` divides."""
    from rbl.cases.models import Case

    codes = work_division_municipalities(user)
    if not codes:
        return Case.objects.none()
    return Case.objects.open().filter(principal_id__in=list(codes), anonymised_on__isnull=True)


def reassignable_owners(user: Any) -> QuerySet:
    """Officers whose open cases `user` may move: the officers of their
    municipalities, also those who left, and anyone (a former colleague whose
    roles were taken away) still owning an open case there."""
    from rbl.accounts.models import User

    return User.objects.filter(
        Q(pk__in=divisible_officers(user, include_inactive=True).values("pk"))
        | Q(pk__in=reassignable_cases(user).values("owner_id"))
    )


# -- handbook and evaluation of the cooperation (R-51, R-52) -------------------
# The handbook "Zo werken we in de regio" holds agreed work processes, no
# personal data: every staff member with a role reads it. The coordinator (the
# quality task of building block 4) writes it; application management may too,
# as it keeps the jaarkalender, so that a page can be corrected when the
# coordinator is away. Every version names its author.
# The evaluation of the agreement's goals: kept by the coordinator, read by the
# coordinator, the municipalities' policy advisers and application management.
HANDBOOK_EDITOR_ROLES = frozenset({Role.COORDINATOR, Role.BEHEER})
EVALUATION_READER_ROLES = frozenset({Role.COORDINATOR, Role.BELEID, Role.BEHEER})


def may_read_handbook(user: Any) -> bool:
    return bool(
        _active(user) and not getattr(user, "is_service_account", False) and _role_pairs(user)
    )


def may_edit_handbook(user: Any) -> bool:
    return _active(user) and user.has_role(*HANDBOOK_EDITOR_ROLES)


def may_read_evaluation(user: Any) -> bool:
    return _active(user) and user.has_role(*EVALUATION_READER_ROLES)


def may_edit_evaluation(user: Any) -> bool:
    return _active(user) and user.has_role(Role.COORDINATOR)


# -- set-up of the region (organisation app, /inrichting/) --------------------
# The coordinator and application management (beheer) set the region up: its
# terms, the agreement, the building blocks and the staff. Application
# management may change everything; a coordinator changes the building blocks
# of, and grants or revokes roles for, the municipalities they coordinate only,
# and never the roles `beheer` or `privacy` (nor accounts holding them). Nobody
# changes their own roles or deactivates their own account.
SETUP_ROLES = frozenset({Role.COORDINATOR, Role.BEHEER})
#: Roles only application management grants or revokes.
RESERVED_ROLES = frozenset({Role.BEHEER, Role.PRIVACY})


def may_configure_region(user: Any) -> bool:
    """Whether `user` may open the set-up screens (coordinator or beheer)."""
    return bool(
        _active(user)
        and not getattr(user, "is_service_account", False)
        and any(role in SETUP_ROLES for role, _ in _role_pairs(user))
    )


def manages_everything(user: Any) -> bool:
    """Application management: every municipality and every role."""
    return _active(user) and any(role == Role.BEHEER for role, _ in _role_pairs(user))


def setup_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose building blocks and roles `user` may change: all of
    the region for application management, the coordinated ones otherwise."""
    if not may_configure_region(user):
        return frozenset()
    if manages_everything(user):
        from rbl.organisation.models import Municipality

        return frozenset(
            Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
        )
    return _codes_for(user, frozenset({Role.COORDINATOR}))


def grantable_roles(user: Any) -> list[str]:
    """Roles `user` may grant or revoke (for their `setup_municipalities`)."""
    if not may_configure_region(user):
        return []
    if manages_everything(user):
        return list(Role.values)
    return [r for r in Role.values if r not in RESERVED_ROLES]


def may_change_roles_of(user: Any, other: Any) -> bool:
    """Whether `user` may change `other`'s roles at all: never their own, never a
    service account's (API keys), and a coordinator not those of an account
    holding a reserved role."""
    if not may_configure_region(user) or other.pk == user.pk or other.is_service_account:
        return False
    if manages_everything(user):
        return True
    return not other.role_assignments.filter(role__in=list(RESERVED_ROLES)).exists()


def may_change_role(user: Any, other: Any, role: str, municipality_code: str) -> bool:
    """Whether `user` may grant or revoke `role` for `municipality_code` to `other`."""
    return (
        may_change_roles_of(user, other)
        and role in grantable_roles(user)
        and municipality_code in setup_municipalities(user)
    )


def may_set_active(user: Any, other: Any) -> bool:
    """Whether `user` may deactivate or reactivate `other`'s account: not their
    own; a coordinator only accounts whose roles are all for municipalities they
    coordinate and none reserved."""
    if not may_change_roles_of(user, other):
        return False
    if manages_everything(user):
        return True
    codes = setup_municipalities(user)
    return all(code in codes for code in other.municipality_codes())


# -- objections and complaints (bezwaren en klachten) ---------------------------
# An objection belongs to a case: the case-work roles (coordinator,
# administration, lpa, kpa, rmc) register and handle it when they may read the
# case. A complaint is about an officer's conduct: only a coordinator of the
# municipality it concerns sees and handles it, and never the officer it is
# about (their own complaint answers 404 even to a coordinator). The yearly
# overview (figures, no names) is for every role with the figures grant,
# among them the policy adviser, who sees nothing else of it.
OBJECTION_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATIE, Role.LPA, Role.KPA, Role.RMC})


def may_handle_objections(user: Any) -> bool:
    """Registers and handles objections (of the cases they may read)."""
    return bool(_codes_for(user, OBJECTION_ROLES))


def visible_objections(user: Any, today: dt.date | None = None) -> QuerySet:
    """The objections `user` sees: those of the cases they may read, for the
    case-work roles only."""
    from rbl.objections.models import Objection

    if not may_handle_objections(user):
        return Objection.objects.none()
    return Objection.objects.filter(case_id__in=visible_cases(user, today).values("pk"))


def complaint_municipalities(user: Any) -> frozenset[str]:
    """The municipalities whose complaints `user` registers and handles."""
    return _codes_for(user, frozenset({Role.COORDINATOR}))


def visible_complaints(user: Any) -> QuerySet:
    """Complaints of the municipalities `user` coordinates, except those about
    `user`."""
    from rbl.objections.models import Complaint

    codes = complaint_municipalities(user)
    if not codes:
        return Complaint.objects.none()
    return Complaint.objects.filter(municipality_id__in=list(codes)).exclude(about=user)


def may_use_objections(user: Any) -> bool:
    """The list of objections and complaints (the menu item)."""
    return may_handle_objections(user) or bool(complaint_municipalities(user))


def objection_overview_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose yearly objection and complaint figures `user` sees."""
    return grants(user).aggregates


# -- BRP on demand (R-10, rbl.brp) ---------------------------------------------
# Looking a youth up in the BRP through the Haal Centraal API, and applying the
# answer, is for the roles that may see the person and work with the registry
# (coordinator, administration, leerplicht and RMC officers, BOA), not for the
# read-only auditor. The reports waiting for their youth ("niet gekoppeld")
# are looked up by the administration and the coordinator (`visible_meldingen`).

BRP_ROLES = frozenset(
    {Role.COORDINATOR, Role.ADMINISTRATIE, Role.LPA, Role.KPA, Role.RMC, Role.BOA}
)


def brp_persons(user: Any, today: dt.date | None = None) -> QuerySet:
    """The persons `user` may look up in the BRP (and update from its answer)."""
    from rbl.registry.models import Person

    if not _active(user) or not any(role in BRP_ROLES for role, _ in _role_pairs(user)):
        return Person.objects.none()
    return visible_persons(user, today)


def brp_meldingen(user: Any, today: dt.date | None = None) -> QuerySet:
    """The absence reports waiting for their youth that `user` may look up in the BRP."""
    from rbl.cases.models import VerzuimMelding

    if not _active(user) or not grants(user).edit_cases:
        return VerzuimMelding.objects.none()
    return visible_meldingen(user, today).filter(person__isnull=True, case__isnull=True)


# -- DUO's exemptions register (R-23) ------------------------------------------
# The central administration and the coordinator send the exemption decisions
# of their municipalities to DUO (the file holds BSNs); nobody else downloads it.
EXEMPTION_REGISTER_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATIE})


def exemption_register_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose exemption decisions `user` may export for DUO."""
    return _codes_for(user, EXEMPTION_REGISTER_ROLES)


# -- Chain partners: SVB notifications and BRP terugmeldingen (rbl.chain) -------
# Who may see a case sees its SVB notification and terugmelding; who may change
# the case records them (sent, a doubt about the address, the BRP's outcome).
# The export lists (with BSNs, for the SVB and the BRP department) are for the
# central administration and the coordinator of the case's municipality.
CHAIN_EXPORT_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATIE})


def visible_svb_notifications(user: Any, today: dt.date | None = None) -> QuerySet:
    """The SVB notifications of the cases `user` may read."""
    from rbl.chain.models import SvbNotification

    return SvbNotification.objects.filter(case__in=visible_cases(user, today).values("pk"))


def editable_svb_notifications(user: Any, today: dt.date | None = None) -> QuerySet:
    """The SVB notifications whose sending `user` may record."""
    from rbl.chain.models import SvbNotification

    return SvbNotification.objects.filter(case__in=editable_cases(user, today).values("pk"))


def visible_terugmeldingen(user: Any, today: dt.date | None = None) -> QuerySet:
    """The BRP terugmeldingen of the cases `user` may read."""
    from rbl.chain.models import BrpTerugmelding

    return BrpTerugmelding.objects.filter(case__in=visible_cases(user, today).values("pk"))


def editable_terugmeldingen(user: Any, today: dt.date | None = None) -> QuerySet:
    """The BRP terugmeldingen whose outcome `user` may record."""
    from rbl.chain.models import BrpTerugmelding

    return BrpTerugmelding.objects.filter(case__in=editable_cases(user, today).values("pk"))


def chain_export_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose SVB and BRP export lists `user` may download."""
    return _codes_for(user, CHAIN_EXPORT_ROLES)


# -- RMC age limit (rbl.law, /inrichting/rmc-leeftijd/) -------------------------
# The upper age of the RMC group is national law held as data. Everyone on the
# set-up hub sees the limits; only application management records a new one.


def may_see_rmc_limits(user: Any) -> bool:
    """Whether `user` may see the RMC age limits (the set-up hub's users)."""
    return may_configure_region(user)


def may_change_rmc_limits(user: Any) -> bool:
    """Whether `user` may record a new RMC age limit (application management)."""
    return may_configure_region(user) and manages_everything(user)


# -- Forwarding after a move (issue 20 item 4, R-26; rbl.chain.forwarding) ------
# Who may change an open case hands it over to another municipality: to the
# leerplicht office of a municipality outside the region, or to a municipality
# of the region when the BRP import did not do it. The record of a forwarding
# is seen by whoever may read its case.


def forwardable_cases(user: Any, today: dt.date | None = None) -> QuerySet:
    """The open cases `user` may hand over to another municipality."""
    return editable_cases(user, today).open()


def visible_forwardings(user: Any, today: dt.date | None = None) -> QuerySet:
    """The forwardings (overdrachten buiten de regio) of the cases `user` may read."""
    from rbl.chain.models import Forwarding

    return Forwarding.objects.filter(case__in=visible_cases(user, today).values("pk"))


def report_forwarding_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose DUO reports of youth who moved out of the region
    `user` may forward: who may change or register cases there."""
    g = grants(user)
    return g.edit_cases | g.registers


def forwardable_reports_for(user: Any) -> QuerySet:
    """The DUO reports waiting to be forwarded (youth moved out of the region,
    no case) that `user` may forward."""
    from rbl.chain.forwarding import forwardable_reports

    codes = list(report_forwarding_municipalities(user))
    return forwardable_reports().filter(person__municipality_id__in=codes)
