"""Figures that tell whether the demo region looks like a real one: caseload per
officer, thuiszitters per 1,000 youth under the duty, overdue work, leave
decided in time, signals answered, and the yearly figures of the two school
years per municipality (`year_lines`). Used by the realism test and handy
after `rbl demo` (``python -m rbl.demo.realism`` against the demo database)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q


@dataclass
class Realism:
    today: dt.date
    open_per_owner: dict[str, int] = field(default_factory=dict)
    open_cases: int = 0
    closed_cases: int = 0
    without_owner: int = 0
    under_duty: int = 0  # leerplichtige and kwalificatieplichtige residents
    thuiszitters: int = 0
    overdue_cases: int = 0
    late_leave: int = 0  # undecided requests past their decision date
    open_leave: int = 0
    signals_without_letter: int = 0
    signals: int = 0
    signals_answered: int = 0  # closed after the control letter, without a case
    absoluut_cases: int = 0
    opened_per_month: dict[str, int] = field(default_factory=dict)
    closed_per_month: dict[str, int] = field(default_factory=dict)

    @property
    def thuiszitters_per_1000(self) -> float:
        return 1000 * self.thuiszitters / self.under_duty if self.under_duty else 0.0

    @property
    def overdue_share(self) -> float:
        return self.overdue_cases / self.open_cases if self.open_cases else 0.0

    def as_lines(self) -> list[str]:
        lines = [f"peildatum {self.today}"]
        lines += [f"  open cases {name:<20} {n}" for name, n in sorted(self.open_per_owner.items())]
        lines += [
            f"open cases {self.open_cases}, closed {self.closed_cases}, "
            f"without owner {self.without_owner}",
            f"thuiszitters {self.thuiszitters} on {self.under_duty} under the duty: "
            f"{self.thuiszitters_per_1000:.2f} per 1,000",
            f"open cases with an overdue task {self.overdue_cases} "
            f"({100 * self.overdue_share:.1f} %)",
            f"undecided leave requests {self.open_leave}, past their term {self.late_leave}",
            f"signals {self.signals}: answered {self.signals_answered}, "
            f"absoluut cases {self.absoluut_cases}, without letter {self.signals_without_letter}",
            f"opened per month {self.opened_per_month}",
            f"closed per month {self.closed_per_month}",
        ]
        return lines


def realism(today: dt.date) -> Realism:
    from rbl.absoluut.models import CloseReason, Signal
    from rbl.cases.models import Case, CaseType, LeaveRequest, Task
    from rbl.cases.services.worklists import thuiszitters
    from rbl.law.status import duty_birth_range, leerplicht_birth_range
    from rbl.registry.models import Diploma, Person

    figures = Realism(today=today)
    open_cases = Case.objects.open()
    owners: Counter[str] = Counter(
        name or "(geen)" for name in open_cases.values_list("owner__username", flat=True)
    )
    figures.open_per_owner = dict(owners)
    figures.open_cases = open_cases.count()
    figures.closed_cases = Case.objects.closed().count()
    figures.without_owner = open_cases.filter(owner__isnull=True).count()

    duty = duty_birth_range(today)
    leerplicht = leerplicht_birth_range(today)
    residents = Person.objects.residents_on(today).filter(
        birth_date__gte=duty.earliest, birth_date__lte=duty.latest
    )
    with_sk = Diploma.objects.filter(bsn=OuterRef("bsn"), startkwalificatie=True, date__lte=today)
    figures.under_duty = residents.filter(
        Q(birth_date__gte=leerplicht.earliest) | ~Q(Exists(with_sk))
    ).count()
    figures.thuiszitters = len(thuiszitters(today))

    overdue = Task.objects.overdue(today).filter(case=OuterRef("pk"))
    figures.overdue_cases = open_cases.filter(Exists(overdue)).count()
    undecided = LeaveRequest.objects.filter(decision="")
    figures.open_leave = undecided.count()
    figures.late_leave = undecided.filter(decision_due_on__lt=today).count()

    figures.signals = Signal.objects.count()
    figures.signals_without_letter = Signal.objects.without_letter(today).count()
    figures.signals_answered = Signal.objects.filter(close_reason=CloseReason.ANSWERED).count()
    figures.absoluut_cases = Case.objects.filter(type=CaseType.ABSOLUUT).count()

    figures.opened_per_month = _per_month(Case.objects.values_list("opened_on", flat=True))
    figures.closed_per_month = _per_month(Case.objects.closed().values_list("closed_on", flat=True))
    return figures


def year_lines(today: dt.date) -> list[str]:
    """The art. 25 figures the demo is about, per municipality, for the last
    completed school year and the current one: reports, cases, leave and
    thuiszitters, and reports per 1,000 in duty (the benchmark's spread)."""
    from rbl.reporting.definitions import SchoolYear
    from rbl.reporting.snapshots import closed_years, figures_for

    current = SchoolYear.of(today)
    closed = closed_years()
    lines = []
    for year in (current.previous, current):
        figures = figures_for(year, today=today)
        state = "vastgesteld" if str(year) in closed else figures.completeness
        lines.append(
            f"school year {year} ({state}): reports, cases, leave, thuiszitters, per 1,000"
        )
        for code, values in [*figures.municipalities.items(), ("regio", figures.region)]:
            lines.append(
                f"  {figures.names.get(code, code):<20} "
                f"{sum(values['verzuimmeldingen'].values()):>6} {values['verzuimzaken']:>6} "
                f"{values['verlof']:>6} {values['thuiszitters']:>6} "
                f"{values['verzuim_per_1000']:>8}"
            )
    return lines


def _per_month(days: Any) -> dict[str, int]:
    return dict(sorted(Counter(f"{d:%Y-%m}" for d in days if d is not None).items()))


if __name__ == "__main__":  # pragma: no cover - a tool for looking at a demo database
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rbl.settings")
    django.setup()
    day = dt.date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else dt.date.today()
    print("\n".join(realism(day).as_lines() + year_lines(day)))
