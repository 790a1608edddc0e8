"""Derived work lists: overdue tasks (R-27), thuiszitters per SWV (R-25),
18-year-olds to hand over to RMC (R-15)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from rbl.cases.models import Case, CaseType, Task
from rbl.cases.services.exemptions import _add_months
from rbl.cases.services.settings import case_settings


def overdue_tasks(today: dt.date, *, assignee: Any = None, cases: QuerySet[Case] | None = None):
    """Open tasks past their due date: an officer's own (`assignee`), or those of
    `cases` (e.g. the coordinator's visible cases)."""
    qs = Task.objects.overdue(today).select_related("case", "assignee")
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if cases is not None:
        qs = qs.filter(case__in=cases)
    return qs.order_by("due_on", "pk")


@dataclass(frozen=True)
class WeekAhead:
    """An officer's open cases with a term: past, and falling in this week."""

    overdue: int
    due_this_week: int
    week_end: dt.date


def week_ahead_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """From today up to and including Sunday: the days of "deze week"."""
    return today, today + dt.timedelta(days=6 - today.weekday())


def week_ahead(cases: QuerySet[Case], today: dt.date) -> WeekAhead:
    """Of `cases` (an officer's open cases): how many have a task whose term
    has passed, and how many one that falls from today up to Sunday. One query."""
    sunday = week_ahead_range(today)[1]
    open_tasks = Task.objects.open().filter(case=OuterRef("pk"))
    counts = cases.aggregate(
        overdue=Count("pk", filter=Q(Exists(open_tasks.filter(due_on__lt=today)))),
        week=Count(
            "pk", filter=Q(Exists(open_tasks.filter(due_on__gte=today, due_on__lte=sunday)))
        ),
    )
    return WeekAhead(counts["overdue"], counts["week"], sunday)


@dataclass(frozen=True)
class Thuiszitter:
    case: Case
    since: dt.date
    days: int
    priority: bool
    swv_code: str
    swv_name: str


def thuiszitters(today: dt.date, cases: QuerySet[Case] | None = None) -> list[Thuiszitter]:
    """Youth who are thuiszitters on `today` by the national definition (R-25),
    longest first; more than the priority term (default 3 months) is flagged."""
    terms = case_settings()
    qs = (cases if cases is not None else Case.objects.all()).thuiszitters(
        today, weeks=terms.thuiszitter_weeks
    )
    qs = qs.select_related("person", "school", "school__swv").order_by("absent_since", "pk")
    priority_from = _add_months(today, -terms.thuiszitter_priority_months)
    seen: set[int] = set()
    rows = []
    for case in qs:
        if case.person_id in seen:  # one line per youth: the longest absence
            continue
        seen.add(case.person_id)
        since = case.absent_since or case.opened_on
        swv = case.school.swv if case.school_id and case.school.swv_id else None
        rows.append(
            Thuiszitter(
                case=case,
                since=since,
                days=(today - since).days,
                priority=since < priority_from,
                swv_code=swv.code if swv else "",
                swv_name=str(swv) if swv else "Geen samenwerkingsverband bekend",
            )
        )
    return rows


def thuiszitters_per_swv(
    today: dt.date, cases: QuerySet[Case] | None = None
) -> dict[str, list[Thuiszitter]]:
    """The shared list for the periodic meeting with each samenwerkingsverband."""
    grouped: dict[str, list[Thuiszitter]] = defaultdict(list)
    for row in thuiszitters(today, cases):
        grouped[row.swv_code].append(row)
    return dict(grouped)


def is_absoluut(case: Case) -> bool:
    return case.type == CaseType.ABSOLUUT
