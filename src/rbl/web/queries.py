"""Read-side querysets of the screens: work lists, the overdue list and the
coordinator's caseload. All start from `rbl.accounts.access`; they add
ordering, annotations and joins so a page costs a fixed number of queries
however many cases exist (no N+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from rbl.accounts.access import visible_cases
from rbl.accounts.models import CASEWORK_ROLES, User
from rbl.cases.models import Case, CaseStatus, Task


def _next_due() -> Subquery:
    return Subquery(
        Task.objects.filter(case=OuterRef("pk"), done_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )


def for_list(qs: QuerySet) -> QuerySet:
    """The joins and annotations every case list shows."""
    return qs.select_related("person", "principal", "owner", "school").annotate(
        next_due=_next_due()
    )


def my_work(user: Any) -> QuerySet:
    """The open cases the user owns, most urgent term first."""
    qs = visible_cases(user).open().filter(owner=user)
    return for_list(qs).order_by(F("next_due").asc(nulls_last=True), "-opened_on", "-pk")


def team_cases(user: Any) -> QuerySet:
    """Every case the user may see (the team's list); filters narrow it."""
    return for_list(visible_cases(user)).order_by("-opened_on", "-pk")


def overdue_cases(user: Any, today: dt.date) -> QuerySet:
    """Open visible cases with at least one task past its due date (R-27)."""
    overdue = Task.objects.overdue(today).filter(case=OuterRef("pk"))
    qs = visible_cases(user).open().filter(Exists(overdue))
    return for_list(qs).order_by("next_due", "pk")


@dataclass(frozen=True)
class CaseloadRow:
    officer: User
    open: int
    in_behandeling: int
    overdue: int
    oldest_due: dt.date | None

    @property
    def total(self) -> int:
        return self.open + self.in_behandeling


def caseload(user: Any, municipalities: frozenset[str], today: dt.date) -> list[CaseloadRow]:
    """Per officer of `municipalities`: open cases (of those the coordinator may
    see), how many are in progress, and overdue tasks. Three queries."""
    officers = list(
        User.objects.filter(
            is_active=True,
            role_assignments__municipality_id__in=list(municipalities),
            role_assignments__role__in=[r.value for r in CASEWORK_ROLES],
        )
        .distinct()
        .order_by("last_name", "username")
    )
    ids = [o.pk for o in officers]
    cases = visible_cases(user).open().filter(owner_id__in=ids)
    counts = {
        row["owner_id"]: row
        for row in cases.values("owner_id").annotate(
            n_open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
            n_busy=Count("pk", filter=Q(status=CaseStatus.IN_BEHANDELING)),
        )
    }
    tasks = {
        row["case__owner_id"]: row
        for row in Task.objects.overdue(today)
        .filter(case__in=cases.values("pk"))
        .values("case__owner_id")
        .annotate(n=Count("pk"), oldest=Min("due_on"))
    }
    rows = []
    for officer in officers:
        c = counts.get(officer.pk, {})
        t = tasks.get(officer.pk, {})
        rows.append(
            CaseloadRow(
                officer=officer,
                open=c.get("n_open", 0),
                in_behandeling=c.get("n_busy", 0),
                overdue=t.get("n", 0),
                oldest_due=t.get("oldest"),
            )
        )
    return rows


def case_for_page(user: Any, pk: int) -> Case | None:
    """One visible case with what its page shows, or None (the page answers 404)."""
    return (
        visible_cases(user)
        .select_related(
            "person", "person__municipality", "principal", "owner", "school", "exemption"
        )
        .filter(pk=pk)
        .first()
    )
