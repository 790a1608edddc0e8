"""The demo region looks like a real one on its peildatum: officers with a
caseload of a few dozen, a plausible number of thuiszitters, a few overdue
cases, leave decided within its term and most control letters answered.

Built at a quarter of the region, so caseloads are compared per unit of scale
and the other figures are ratios. The old demo failed every one of these:
at full scale 17 thuiszitters per 1,000, 44 % of the open cases overdue,
undecided leave requests from months ago, no control letter answered and
248 open cases for the one RMC officer.

The same build holds two school years for the yearly reports: the completed
one in full, closed by the coordinator, and the current one up to the
peildatum, with work in every municipality of the regional administration in
both and rates that differ between the municipalities (a benchmark with a
spread); Doesburg, outside the regional administration, has none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from statistics import mean

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from rbl.cases.models import Case, LeaveRequest
from rbl.demo.build import build_demo
from rbl.demo.realism import realism
from rbl.demo.reference import load_reference
from rbl.demo.users import OWN_ADMINISTRATION
from rbl.registry.models import Residence
from rbl.registry.residence import history_starts_on
from rbl.reporting.definitions import SchoolYear
from rbl.reporting.figures import Completeness, count_year
from rbl.reporting.models import YearSnapshot
from rbl.reporting.snapshots import figures_for
from tests.clock import AMSTERDAM

PEIL = dt.date(2026, 11, 2)
SCALE = 0.25
#: The officers who carry the region's case work.
CASE_WORKERS = (
    "lpa-aalten",
    "lpa-winterswijk",
    "lpa-doetinchem",
    "lpa-montferland",
    "lpa-berkelland",
    "lpa-bronckhorst",
    "kpa-regio",
    "rmc-regio",
)
#: Open cases per officer at full scale (a real officer carries some 30–90).
CASELOAD = (30, 90)


@pytest.mark.django_db(transaction=True)
def test_demo_region_looks_like_a_real_region(clock, client):
    # `rbl demo` as run on an ordinary morning: the peildatum is today.
    clock.move_to(dt.datetime.combine(PEIL, dt.time(9, 0), tzinfo=AMSTERDAM))
    build_demo(seed=1, scale=SCALE, peildatum=PEIL)
    figures = realism(PEIL)
    assert set(CASE_WORKERS) <= set(get_user_model().objects.values_list("username", flat=True))

    # Caseload: on average within the range, and no officer far outside it
    # (a quarter of the region leaves room for chance per officer).
    per_officer = {name: figures.open_per_owner.get(name, 0) / SCALE for name in CASE_WORKERS}
    low, high = CASELOAD
    assert low <= mean(per_officer.values()) <= high, per_officer
    for name, load in per_officer.items():
        assert low / 2 <= load <= high * 1.4, (name, per_officer)
    assert figures.without_owner == 0

    # Thuiszitters: fewer than 3 per 1,000 youth under the duty, but some.
    assert figures.under_duty > 5_000
    assert 0 < figures.thuiszitters_per_1000 < 3, figures.as_lines()

    # Overdue work: a real region has some, well under a tenth of the open cases.
    assert 0 < figures.overdue_share < 0.10, figures.as_lines()

    # Leave: no request waits past its decision term or past the start of the leave.
    assert figures.late_leave == 0
    assert not LeaveRequest.objects.filter(decision="", start__lte=PEIL).exists()
    assert LeaveRequest.objects.exclude(decision="").filter(decided_on__gt=PEIL).count() == 0

    # Absoluut verzuim: every signal got its letter within a week, and most
    # letters were answered; only the rest became cases.
    assert figures.signals_without_letter == 0
    assert figures.signals_answered > 2 * figures.absoluut_cases > 0

    # Cases were opened and closed all year round, not only lately.
    months = [f"{PEIL - dt.timedelta(days=30 * back):%Y-%m}" for back in range(1, 12)]
    assert all(figures.opened_per_month.get(m, 0) > 0 for m in months), figures.opened_per_month
    assert all(figures.closed_per_month.get(m, 0) > 0 for m in months[:-1]), (
        figures.closed_per_month
    )
    assert Case.objects.filter(opened_on__lt=PEIL - dt.timedelta(days=300)).exists()

    # The period: the completed school year from its first day.
    completed = SchoolYear.of(PEIL).previous
    first_month = completed.start
    while first_month < PEIL.replace(day=1):
        assert figures.opened_per_month.get(f"{first_month:%Y-%m}", 0) > 0, first_month
        first_month = (first_month + dt.timedelta(days=32)).replace(day=1)

    assert_two_school_years(client, PEIL)


def assert_two_school_years(client, today: dt.date) -> None:
    """The completed school year is closed, by the coordinator and complete;
    both school years have reports, cases, leave and thuiszitters in every
    municipality; the years differ, and so do the municipalities' rates."""
    current = SchoolYear.of(today)
    completed = current.previous

    # The residence history starts with the extract before the completed year;
    # later moves inside the region came through the mutations.
    since = history_starts_on()
    assert since is not None and since < completed.start
    movers = (
        Residence.objects.values("person")
        .annotate(places=Count("municipality", distinct=True))
        .filter(places__gt=1)
    )
    assert movers.exists()
    assert Residence.objects.filter(person__in=movers.values("person"), start__gt=since).exists()

    snapshot = YearSnapshot.objects.select_related("closed_by").get()
    assert snapshot.school_year == str(completed)
    assert snapshot.figures["volledigheid"] == Completeness.COMPLETE
    assert snapshot.closed_by.username == "coordinator"
    assert figures_for(completed).closed and not figures_for(current).closed

    years = {year: count_year(year, today=today) for year in (completed, current)}
    assert years[completed].completeness == Completeness.COMPLETE
    assert years[current].completeness == Completeness.PARTIAL
    codes = {f.code for f in load_reference()}
    for year, figures in years.items():
        assert set(figures.municipalities) == codes
        for code, values in figures.municipalities.items():
            found = {
                "verzuimmeldingen": sum(values["verzuimmeldingen"].values()),
                "verzuimzaken": values["verzuimzaken"],
                "verlof": values["verlof"],
                "thuiszitters": values["thuiszitters"],
            }
            if code == OWN_ADMINISTRATION:
                # Doesburg keeps its own administration (block 4 only): the region
                # holds none of its residents' reports, cases or leave.
                assert not any(found.values()), (str(year), code, found)
                continue
            assert all(found.values()), (str(year), code, found)

    rates = {
        year: {
            code: v["verzuim_per_1000"]
            for code, v in figures.municipalities.items()
            if code != OWN_ADMINISTRATION
        }
        for year, figures in years.items()
    }
    assert rates[completed] != rates[current]
    assert years[completed].region["verzuimmeldingen"] != years[current].region["verzuimmeldingen"]
    # A benchmark with a spread: the municipalities' rates differ, the highest
    # well above the lowest.
    for year in years:
        spread = sorted(rates[year].values())
        assert len(set(spread)) >= len(spread) - 2, (str(year), spread)
        assert spread[-1] > 1.5 * spread[0] > 0, (str(year), spread)

    # The art. 25 screen shows the completed year as closed.
    assert client.login(username="coordinator", password="demo")
    page = client.get(f"/cijfers/art25/?schooljaar={completed}")
    assert page.status_code == 200
    assert "Vastgesteld op" in page.content.decode()
    assert "Nog niet vastgesteld" not in page.content.decode()
    page = client.get(f"/cijfers/art25/?schooljaar={current}")
    assert "Nog niet vastgesteld" in page.content.decode()

    # The JCO list of the demo: every open Halt/PV of the region, each column
    # filled from what was recorded (status from the BOA's dates, BOA, owner).
    export = client.get("/jco/", {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert rows, "the demo has open Halt referrals or PVs"
    for row in rows:
        for column in ("Gemeente", "Jongere", "Soort", "Status", "BOA", "Eigenaar", "Gestart op"):
            assert row[column], (column, row)
    assert any(row["Verzonden op"] for row in rows)
    assert len({row["Status"] for row in rows}) > 1
