"""A youth with an open case who moves to another municipality of the region
(issue 20 item 4): the BRP mutations import hands the case over: the
principal changes from the move date, the owner follows the new
municipality's rules (the stand-in while that officer is away), the history
says so and the new owner gets a task. A second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.cases.models import AgeGroup, AssignmentRule, EventKind, PrincipalPeriod, Substitution
from rbl.cases.services.history import describe_events
from rbl.cases.services.lifecycle import open_case
from rbl.cases.services.moves import TASK_TITLE, cases_moved_in_region, move_case_in_region
from rbl.core.bsn import make_bsn
from rbl.registry.imports import run_import
from rbl.registry.models import Person
from tests.cases.factories import staff

pytestmark = pytest.mark.django_db

D = dt.date
MUT_HEADER = (
    "bsn,mutatie,mutatiedatum,geslachtsnaam,geboortedatum,gemeentecode,"
    "datum_vestiging,datum_overlijden\n"
)
YOUTH = make_bsn(12_000_001)


@pytest.fixture
def write(tmp_path):
    counter = {"n": 0}

    def _write(lines: list[str]):
        counter["n"] += 1
        path = tmp_path / f"mutaties{counter['n']}.csv"
        path.write_text(MUT_HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
        return path

    return _write


def mutations(write, lines: list[str], peil: D):
    result = run_import("brp-mutaties", write(lines), peildatum=peil)
    assert result.rejected == 0, result.errors
    return result


@pytest.fixture
def moved_case(world, write):
    """A youth of Aalten with an open case from 5 January, owned by Aalten's officer."""
    mutations(write, [f"{YOUTH},I,2020-01-01,Veld,2012-03-04,0197,2020-01-01,"], D(2020, 1, 2))
    person = Person.objects.get(bsn=YOUTH)
    lpa = world.users["lpa-aalten"]
    return open_case(person, "relatief_16uur", actor=lpa, today=D(2026, 1, 5), owner=lpa)


def test_import_moves_the_case_to_the_new_municipality(world, write, moved_case):
    away = world.users["lpa-winterswijk"]
    standin = staff("lpa-invaller", "lpa", world.winterswijk)
    AssignmentRule.objects.create(municipality=world.winterswijk, age_group=AgeGroup.LP, user=away)
    Substitution.objects.create(absent=away, substitute=standin, start=D(2026, 3, 1))
    move = [
        f"{YOUTH},V,2026-02-01,,,0197,,",
        f"{YOUTH},I,2026-02-01,Veld,2012-03-04,0294,2026-02-01,",
    ]
    mutations(write, move, D(2026, 2, 3))

    case = moved_case
    case.refresh_from_db()
    assert case.principal_id == "0294" and case.owner == standin
    periods = list(
        PrincipalPeriod.objects.filter(case=case)
        .order_by("start")
        .values_list("municipality_id", "start", "end")
    )
    assert periods == [("0197", D(2026, 1, 5), D(2026, 2, 1)), ("0294", D(2026, 2, 1), None)]
    task = case.tasks.get(title=TASK_TITLE)
    assert task.assignee == standin and task.done_on is None
    history = describe_events(case.events.order_by("at", "pk"))
    assert case.events.filter(kind=EventKind.MUNICIPALITY).count() == 1
    assert any(line.startswith(f"Taak toegevoegd: {TASK_TITLE}") for line in history)

    version = case.version
    mutations(write, move, D(2026, 2, 3))
    case.refresh_from_db()
    assert case.version == version and case.tasks.filter(title=TASK_TITLE).count() == 1


def test_a_case_given_another_principal_before_the_move_stays(world, write):
    mutations(write, [f"{YOUTH},I,2020-01-01,Veld,2012-03-04,0197,2020-01-01,"], D(2020, 1, 2))
    person = Person.objects.get(bsn=YOUTH)
    lpa = world.users["lpa-winterswijk"]
    case = open_case(
        person,
        "relatief_16uur",
        actor=lpa,
        today=D(2026, 1, 5),
        owner=lpa,
        principal=world.winterswijk,
    )
    assert not cases_moved_in_region().filter(pk=case.pk).exists()


def test_explicit_move_from_the_case_page_service(world, moved_case):
    AssignmentRule.objects.create(
        municipality=world.winterswijk, age_group=AgeGroup.LP, user=world.users["lpa-winterswijk"]
    )
    case = move_case_in_region(
        moved_case,
        world.winterswijk,
        actor=world.users["coordinator"],
        expected_version=moved_case.version,
        on=D(2026, 3, 2),
    )
    assert case.principal_id == "0294" and case.owner == world.users["lpa-winterswijk"]
    assert PrincipalPeriod.objects.get(case=case, end__isnull=True).start == D(2026, 3, 2)
    assert case.tasks.filter(title=TASK_TITLE, assignee=world.users["lpa-winterswijk"]).exists()
