"""Dividing the work on screen (R-05): assignment rules per municipality and
age group, schools' fixed contacts and stand-ins (waarneming).

Who may do this and on which officers, schools and municipalities is decided
in `rbl.accounts.access` (work division section); these functions check the
rules of the set-up itself and refuse a lost update: every change carries the
value the user saw, and a row changed meanwhile by someone else is refused
with a Dutch message naming it (`WorkDivisionConflict`).

Stand-ins: the stand-in must hold a case-owning role in every municipality
where the absent officer holds one (else they could not see the cases of a
youth who moved within the region, nor be chosen for new work there): that is
refused. A stand-in with other roles than the absent officer (a KPA standing
in for an LPA) is allowed with a warning (`SubstitutionResult.warnings`):
small teams stand in across the age groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from rbl.accounts.access import CASE_OWNER_ROLES
from rbl.accounts.models import Role
from rbl.cases.models import AgeGroup, AssignmentRule, Substitution
from rbl.cases.services.errors import CaseRuleError
from rbl.organisation.models import Municipality, School

# Which roles may get the new cases of an age group by rule; a coordinator
# may take any group.
RULE_ROLES: dict[str, frozenset[str]] = {
    AgeGroup.LP: frozenset({Role.LPA, Role.COORDINATOR}),
    AgeGroup.KP: frozenset({Role.KPA, Role.LPA, Role.COORDINATOR}),
    AgeGroup.RMC: frozenset({Role.RMC, Role.COORDINATOR}),
}
# A school's fixed contact gets its LP and KP work (choose_owner).
CONTACT_ROLES = frozenset({Role.LPA, Role.KPA, Role.COORDINATOR})


class WorkDivisionError(CaseRuleError):
    """A set-up change the rules refuse; the message is Dutch and names the field."""


class WorkDivisionConflict(WorkDivisionError):
    """Someone else changed the row since the form was opened."""


def name_of(user: Any) -> str:
    if user is None:
        return "niemand"
    return user.get_full_name() or user.username


def _holds(user: Any, roles: frozenset[str], code: str) -> bool:
    return user.role_assignments.filter(role__in=list(roles), municipality_id=code).exists()


def fitting_officers(officers: Any, roles: frozenset[str], code: str) -> Any:
    """Of the queryset `officers`, the active ones with one of `roles` for `code`."""
    return officers.filter(
        is_active=True,
        role_assignments__role__in=list(roles),
        role_assignments__municipality_id=code,
    ).distinct()


# --- assignment rules ------------------------------------------------------------


@dataclass(frozen=True)
class RuleChange:
    """One cell of the rule table: the officer chosen (None: no rule) and the
    officer id the user saw when the form was opened (None: none)."""

    municipality: Municipality
    age_group: str
    user: Any
    seen_user_id: int | None


def rule_label(municipality: Municipality, age_group: str) -> str:
    return f"{municipality.name} – {AgeGroup(age_group).label}"


def set_rules(changes: list[RuleChange]) -> list[str]:
    """Apply the changed cells of the rule table in one transaction.

    Refuses all (nothing changes) when a chosen officer does not fit or a cell
    was changed by someone else meanwhile. Returns Dutch descriptions of what
    changed, for the security log."""
    for c in changes:
        if c.user is not None and not (
            c.user.is_active and _holds(c.user, RULE_ROLES[c.age_group], c.municipality.code)
        ):
            raise WorkDivisionError(
                f"Toewijzing {rule_label(c.municipality, c.age_group)}: "
                f"{name_of(c.user)} heeft daar geen passende rol."
            )
    done: list[str] = []
    with transaction.atomic():
        conflicts = []
        rows = {}
        for c in changes:
            rule = (
                AssignmentRule.objects.select_for_update(of=("self",))
                .select_related("user")
                .filter(municipality=c.municipality, age_group=c.age_group)
                .first()
            )
            rows[(c.municipality.code, c.age_group)] = rule
            current = rule.user_id if rule else None
            if current != c.seen_user_id:
                conflicts.append(
                    f"{rule_label(c.municipality, c.age_group)} "
                    f"(nu: {name_of(rule.user if rule else None)})"
                )
        if conflicts:
            raise WorkDivisionConflict(
                "Intussen door iemand anders gewijzigd, er is niets opgeslagen: "
                + "; ".join(conflicts)
                + ". Bekijk de nieuwe stand en voer uw wijziging opnieuw in."
            )
        for c in changes:
            rule = rows[(c.municipality.code, c.age_group)]
            before = rule.user if rule else None
            if getattr(before, "pk", None) == getattr(c.user, "pk", None):
                continue
            if c.user is None:
                rule.delete()
            elif rule is None:
                AssignmentRule.objects.create(
                    municipality=c.municipality, age_group=c.age_group, user=c.user
                )
            else:
                rule.user = c.user
                rule.save(update_fields=["user"])
            done.append(
                f"Toewijzingsregel {rule_label(c.municipality, c.age_group)}: "
                f"van {name_of(before)} naar {name_of(c.user)}"
            )
    return done


# --- fixed school contacts -------------------------------------------------------


@dataclass(frozen=True)
class ContactChange:
    school: School
    user: Any
    seen_user_id: int | None


def set_contacts(changes: list[ContactChange]) -> list[str]:
    """Set the fixed contacts of schools; same all-or-nothing rules as `set_rules`."""
    for c in changes:
        if c.user is not None and not (
            c.user.is_active and _holds(c.user, CONTACT_ROLES, c.school.municipality_code)
        ):
            raise WorkDivisionError(
                f"Vaste contactpersoon {c.school.name}: {name_of(c.user)} heeft in de "
                "gemeente van deze school geen rol als leerplicht- of "
                "kwalificatieplichtambtenaar of coördinator."
            )
    done: list[str] = []
    with transaction.atomic():
        locked = {
            s.pk: s
            for s in School.objects.select_for_update(of=("self",))
            .select_related("contact")
            .filter(pk__in=[c.school.pk for c in changes])
        }
        conflicts = [
            f"{locked[c.school.pk].name} (nu: {name_of(locked[c.school.pk].contact)})"
            for c in changes
            if locked[c.school.pk].contact_id != c.seen_user_id
        ]
        if conflicts:
            raise WorkDivisionConflict(
                "Intussen door iemand anders gewijzigd, er is niets opgeslagen: "
                + "; ".join(conflicts)
                + ". Bekijk de nieuwe stand en voer uw wijziging opnieuw in."
            )
        for c in changes:
            school = locked[c.school.pk]
            before = school.contact
            if school.contact_id == getattr(c.user, "pk", None):
                continue
            school.contact = c.user
            school.save(update_fields=["contact"])
            done.append(
                f"Vaste contactpersoon {school.name} ({school.brin}{school.vestiging}): "
                f"van {name_of(before)} naar {name_of(c.user)}"
            )
    return done


# --- stand-ins (waarneming) ------------------------------------------------------


@dataclass
class SubstitutionResult:
    substitution: Substitution
    warnings: list[str] = field(default_factory=list)


def _owner_pairs(user: Any) -> set[tuple[str, str]]:
    return set(
        user.role_assignments.filter(role__in=list(CASE_OWNER_ROLES)).values_list(
            "role", "municipality_id"
        )
    )


def add_substitution(
    absent: Any, substitute: Any, start: dt.date, end: dt.date | None, *, today: dt.date
) -> SubstitutionResult:
    """Record that `substitute` stands in for `absent` from `start` to `end`
    (inclusive; None: until ended). See the module text for what is refused."""
    if absent.pk == substitute.pk:
        raise WorkDivisionError("Waarnemer: iemand kan niet voor zichzelf waarnemen.")
    if not substitute.is_active:
        raise WorkDivisionError(f"Waarnemer: {name_of(substitute)} is niet meer actief.")
    if start < today:
        raise WorkDivisionError("Vanaf: een waarneming begint vandaag of later.")
    if end is not None and end < start:
        raise WorkDivisionError("Tot en met: de einddatum ligt vóór de begindatum.")
    absent_pairs, sub_pairs = _owner_pairs(absent), _owner_pairs(substitute)
    missing = sorted({m for _, m in absent_pairs} - {m for _, m in sub_pairs})
    if missing:
        names = ", ".join(
            Municipality.objects.filter(code__in=missing).values_list("name", flat=True)
        )
        raise WorkDivisionError(
            f"Waarnemer: {name_of(substitute)} werkt niet voor gemeente {names}, "
            f"waar {name_of(absent)} zaken heeft."
        )
    warnings = []
    lacking = sorted({r for r, _ in absent_pairs} - {r for r, _ in sub_pairs})
    if lacking:
        labels = ", ".join(Role(r).label.lower() for r in lacking)
        warnings.append(
            f"Let op: {name_of(substitute)} heeft niet de rol {labels} van "
            f"{name_of(absent)}; de waarneming is wel vastgelegd."
        )
    with transaction.atomic():
        # Lock the absent officer (their row, so also when they have no stand-in
        # yet): two adds at the same time cannot both pass the overlap test.
        type(absent).objects.select_for_update().filter(pk=absent.pk).first()
        others = list(Substitution.objects.filter(absent=absent).select_related("substitute"))
        for o in others:
            if (o.end is None or o.end >= start) and (end is None or o.start <= end):
                until = f"tot en met {o.end:%d-%m-%Y}" if o.end else "zonder einddatum"
                raise WorkDivisionError(
                    f"Periode: voor {name_of(absent)} is al een waarneming door "
                    f"{name_of(o.substitute)} vastgelegd vanaf {o.start:%d-%m-%Y} {until}."
                )
        sub = Substitution.objects.create(
            absent=absent, substitute=substitute, start=start, end=end
        )
    return SubstitutionResult(sub, warnings)


def end_substitution(
    sub: Substitution, end: dt.date, *, seen_end: dt.date | None, today: dt.date
) -> Substitution:
    """End a running stand-in early (on `end`, inclusive)."""
    with transaction.atomic():
        sub = Substitution.objects.select_for_update().get(pk=sub.pk)
        if sub.end != seen_end:
            raise WorkDivisionConflict(
                "Deze waarneming is intussen door iemand anders gewijzigd; "
                "bekijk de nieuwe stand en probeer het opnieuw."
            )
        if end < today - dt.timedelta(days=1):
            raise WorkDivisionError("Einddatum: een waarneming eindigt op zijn vroegst gisteren.")
        if end < sub.start:
            raise WorkDivisionError("Einddatum: de einddatum ligt vóór de begindatum.")
        if sub.end is not None and end >= sub.end:
            raise WorkDivisionError(
                "Einddatum: kies een dag vóór de huidige einddatum "
                f"({sub.end:%d-%m-%Y}) om de waarneming eerder te beëindigen."
            )
        sub.end = end
        sub.save(update_fields=["end"])
    return sub


def remove_substitution(sub: Substitution, *, today: dt.date) -> None:
    """Remove a stand-in that has not started yet (a running one is ended)."""
    with transaction.atomic():
        locked = Substitution.objects.select_for_update().filter(pk=sub.pk).first()
        if locked is None:
            raise WorkDivisionConflict("Deze waarneming is intussen al verwijderd.")
        if locked.start <= today:
            raise WorkDivisionError(
                "Deze waarneming is al begonnen; beëindig haar in plaats van haar te verwijderen."
            )
        locked.delete()


def describe_substitution(sub: Substitution) -> str:
    until = f"tot en met {sub.end:%d-%m-%Y}" if sub.end else "zonder einddatum"
    return (
        f"{name_of(sub.substitute)} neemt waar voor {name_of(sub.absent)} "
        f"vanaf {sub.start:%d-%m-%Y} {until}"
    )
