"""The evaluation of the cooperation (R-52): the agreement's goals per year,
each with a status, an explanation and evidence from the live figures.

The evidence of a goal is one of `EVIDENCE`: links to the screens with the
figures (shown to a reader who may open them) and a value computed from the
database at the moment the page is read: never a number typed in by hand.
The values are counts for the whole region, never data about one youth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rbl.accounts.access import grants, may_use_audits
from rbl.governance.models import EvaluationGoal, GoalStatus


class StaleGoal(Exception):
    """The goal was changed by someone else after the editor opened it."""


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    may_open: Callable[[Any], bool]


@dataclass(frozen=True)
class Evidence:
    key: str
    label: str
    links: tuple[Link, ...]
    value: Callable[[int, dt.date], str] | None = None


def _figures(user: Any) -> bool:
    return bool(grants(user).aggregates)


def _all_cases(user: Any) -> bool:
    return bool(grants(user).all_cases)


def _persons(user: Any) -> bool:
    return bool(grants(user).persons)


def _d(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def art25_state(year: int, today: dt.date) -> str:
    """Whether the school year whose art. 25 report is due on 1 October of
    `year` has been closed (its figures fixed), and when."""
    from rbl.reporting.definitions import SchoolYear
    from rbl.reporting.models import YearSnapshot

    school_year = SchoolYear(year - 1)
    snapshot = YearSnapshot.objects.filter(school_year=str(school_year)).first()
    if snapshot is None:
        return f"Schooljaar {school_year}: cijfers nog niet vastgesteld."
    closed = timezone.localtime(snapshot.closed_at).date()
    late = " (na 1 oktober)" if closed >= dt.date(year, 10, 1) else ""
    return f"Schooljaar {school_year}: cijfers vastgesteld op {_d(closed)}{late}."


def overdue_tasks_count(year: int, today: dt.date) -> str:
    """Open tasks on cases whose term has passed, in the whole region, today."""
    from rbl.cases.models import Task

    count = Task.objects.overdue(today).count()
    if count == 0:
        return "Vandaag geen open taken met een verstreken termijn."
    return f"Vandaag {count} open {'taak' if count == 1 else 'taken'} met een verstreken termijn."


def thuiszitters_state(year: int, today: dt.date) -> str:
    """Thuiszitters today by the national definition, and how many past the
    priority term (default three months)."""
    from rbl.cases.services.worklists import thuiszitters

    rows = thuiszitters(today)
    longer = sum(1 for row in rows if row.priority)
    return (
        f"Vandaag {len(rows)} thuiszitter{'' if len(rows) == 1 else 's'}, "
        f"van wie {longer} langer dan de prioriteitstermijn thuis."
    )


def audits_state(year: int, today: dt.date) -> str:
    """Professionals audited in `year`, and follow-up actions past their date."""
    from rbl.governance.audits import professionals
    from rbl.governance.models import Audit, AuditAction

    total = professionals().count()
    held = Audit.objects.filter(year=year, held_on__isnull=False).count()
    late = AuditAction.objects.filter(
        audit__year=year, done_on__isnull=True, due_on__lt=today
    ).count()
    return (
        f"{held} van {total} professionals geaudit in {year}; "
        f"{late} verbeteractie{'' if late == 1 else 's'} over de datum."
    )


EVIDENCE: dict[str, Evidence] = {
    e.key: e
    for e in (
        Evidence(
            "art25",
            "Art. 25-verslag",
            (
                Link("reporting:art25", "Art. 25-cijfers", _figures),
                Link("reporting:annual", "Jaarverslagen per gemeente", _figures),
            ),
            art25_state,
        ),
        Evidence(
            "termijnen",
            "Termijnen van taken",
            (
                Link("web:overdue", "Zaken met verstreken termijn", _persons),
                Link("reporting:dashboard", "Dashboard", _figures),
            ),
            overdue_tasks_count,
        ),
        Evidence(
            "thuiszitters",
            "Thuiszitters",
            (
                Link("web:thuiszitters", "Thuiszitterslijst", _all_cases),
                Link("reporting:art25", "Art. 25-cijfers", _figures),
            ),
            thuiszitters_state,
        ),
        Evidence(
            "audits",
            "Audits van professionals",
            (Link("governance:audits", "Audits", may_use_audits),),
            audits_state,
        ),
        Evidence(
            "jaarcijfers",
            "Jaarcijfers",
            (
                Link("reporting:annual", "Jaarcijfers", _figures),
                Link("reporting:benchmark", "Vergelijking gemeenten", _figures),
            ),
        ),
    )
}

EVIDENCE_CHOICES = [("", "— geen —")] + [(e.key, e.label) for e in EVIDENCE.values()]


@dataclass(frozen=True)
class GoalRow:
    goal: EvaluationGoal
    evidence: Evidence | None
    links: list[tuple[str, str]]
    value: str | None


def goal_rows(user: Any, year: int, today: dt.date) -> list[GoalRow]:
    """The year's goals with their evidence: the links `user` may open and the
    live value, computed once per kind of evidence."""
    values: dict[str, str | None] = {}
    rows = []
    for goal in EvaluationGoal.objects.filter(year=year).select_related("updated_by"):
        evidence = EVIDENCE.get(goal.evidence)
        links: list[tuple[str, str]] = []
        value = None
        if evidence is not None:
            links = [(reverse(lk.url_name), lk.label) for lk in evidence.links if lk.may_open(user)]
            if evidence.value is not None:
                if evidence.key not in values:
                    values[evidence.key] = evidence.value(year, today)
                value = values[evidence.key]
        rows.append(GoalRow(goal, evidence, links, value))
    return rows


def status_counts(rows: list[GoalRow]) -> dict[str, int]:
    counts = {label: 0 for _, label in GoalStatus.choices}
    for row in rows:
        counts[row.goal.get_status_display()] += 1
    return counts


def save_goal(
    goal: EvaluationGoal | None, user: Any, *, base_version: int | None, **fields: Any
) -> EvaluationGoal:
    """Create a goal, or change one unless someone saved it after `base_version`."""
    with transaction.atomic():
        if goal is None:
            return EvaluationGoal.objects.create(updated_by=user, **fields)
        locked = EvaluationGoal.objects.select_for_update().get(pk=goal.pk)
        if locked.version != base_version:
            who = locked.updated_by
            name = (who.get_full_name() or who.username) if who else "iemand"
            raise StaleGoal(
                f"{name} heeft dit doel gewijzigd nadat u het opende. Uw tekst staat "
                "hieronder nog; bekijk de nieuwe stand en sla opnieuw op."
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.updated_by = user
        locked.save()
        return locked


#: The goals the demo region agreed on, with a plausible status.
DEMO_GOALS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Iedere gemeente krijgt jaarlijks het art. 25-verslag vóór 1 oktober",
        "art25",
        GoalStatus.ACHIEVED,
        "Het verslag over het afgelopen schooljaar is vastgesteld en aan alle gemeenten gestuurd.",
    ),
    (
        "Thuiszitters zijn binnen 3 maanden in beeld en hebben een plan",
        "thuiszitters",
        GoalStatus.ATTENTION,
        "Een deel van de thuiszitters is langer dan drie maanden thuis; bespreken in "
        "het overleg met de samenwerkingsverbanden.",
    ),
    (
        "Taken op zaken worden binnen de termijn afgehandeld",
        "termijnen",
        GoalStatus.ATTENTION,
        "Het aantal verstreken termijnen daalt, maar is nog niet nul.",
    ),
    (
        "Iedere professional krijgt ieder jaar een audit",
        "audits",
        GoalStatus.OPEN,
        "De audits van dit jaar lopen nog.",
    ),
    (
        "Gemeenten ontvangen vergelijkbare jaarcijfers voor hun beleid",
        "jaarcijfers",
        GoalStatus.ACHIEVED,
        "De jaarcijfers en de vergelijking tussen gemeenten staan voor iedere gemeente klaar.",
    ),
)


def seed_goals(year: int, user: Any = None) -> int:
    """The demo's goals for `year`, once. Returns how many were added."""
    if EvaluationGoal.objects.filter(year=year).exists():
        return 0
    for position, (title, evidence, status, explanation) in enumerate(DEMO_GOALS, 1):
        EvaluationGoal.objects.create(
            year=year,
            position=position,
            title=title,
            evidence=evidence,
            status=status,
            explanation=explanation,
            updated_by=user,
        )
    return len(DEMO_GOALS)
