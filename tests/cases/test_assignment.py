"""Who gets a new case (R-05): school contact, rule, substitute; bulk reassignment."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.cases.models import AssignmentRule, EventKind, Substitution
from rbl.cases.services.assignment import age_group, reassign_cases
from rbl.cases.services.lifecycle import open_case
from tests.cases.conftest import TODAY
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(aalten):
    return {
        "lp": staff("lp", "lpa", aalten),
        "kp": staff("kp", "kpa", aalten),
        "rmc": staff("rmc", "rmc", aalten),
        "contact": staff("contact", "lpa", aalten),
    }


@pytest.fixture
def rules(aalten, team):
    for group, key in (("LP", "lp"), ("KP", "kp"), ("RMC", "rmc")):
        AssignmentRule.objects.create(municipality=aalten, age_group=group, user=team[key])


@pytest.mark.parametrize(
    ("birth_date", "case_type", "expected"),
    [
        (dt.date(2012, 5, 15), "relatief_16uur", "LP"),  # 12 years old
        (dt.date(2008, 6, 1), "relatief_16uur", "KP"),  # 16, leerplicht ended
        (dt.date(2005, 6, 1), "relatief_16uur", "RMC"),  # 19
        (dt.date(2008, 6, 1), "18plus", "RMC"),  # RMC types always RMC
        (dt.date(2021, 6, 1), "preventief", "LP"),  # under 5
    ],
)
def test_age_group(aalten, birth_date, case_type, expected):
    person = PersonFactory.build(municipality=aalten, birth_date=birth_date)
    assert age_group(person, TODAY, case_type) == expected


def test_rule_per_age_group(aalten, team, rules):
    child = PersonFactory(municipality=aalten, birth_date=dt.date(2012, 5, 15))
    teen = PersonFactory(municipality=aalten, birth_date=dt.date(2008, 6, 1))
    adult = PersonFactory(municipality=aalten, birth_date=dt.date(2005, 6, 1))
    assert open_case(child, "luxe", today=TODAY).owner == team["lp"]
    assert open_case(teen, "overig", today=TODAY).owner == team["kp"]
    assert open_case(adult, "rmc", today=TODAY).owner == team["rmc"]


def test_school_contact_comes_first(aalten, team, rules):
    school = SchoolFactory(contact=team["contact"])
    child = PersonFactory(municipality=aalten)
    assert open_case(child, "relatief_16uur", school=school, today=TODAY).owner == team["contact"]


def test_school_contact_does_not_take_rmc_work(aalten, team, rules):
    school = SchoolFactory(contact=team["contact"])
    adult = PersonFactory(municipality=aalten, birth_date=dt.date(2005, 6, 1))
    assert open_case(adult, "rmc", school=school, today=TODAY).owner == team["rmc"]


def test_rule_of_the_principal_municipality(aalten, winterswijk, team, rules):
    other = staff("lp-w", "lpa", winterswijk)
    AssignmentRule.objects.create(municipality=winterswijk, age_group="LP", user=other)
    assert open_case(PersonFactory(municipality=winterswijk), "luxe", today=TODAY).owner == other


def test_no_rule_leaves_case_without_owner(winterswijk):
    case = open_case(PersonFactory(municipality=winterswijk), "luxe", today=TODAY)
    assert case.owner is None
    assert not case.ownerships.exists()


def test_substitute_gets_new_cases_while_officer_is_away(aalten, team, rules):
    Substitution.objects.create(
        absent=team["lp"],
        substitute=team["kp"],
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 14),
    )
    child = PersonFactory(municipality=aalten)
    assert open_case(child, "luxe", today=TODAY).owner == team["kp"]
    assert open_case(child, "signaal", today=dt.date(2025, 3, 15)).owner == team["lp"]


def test_substitution_loop_does_not_hang(aalten, team, rules):
    Substitution.objects.create(absent=team["lp"], substitute=team["kp"], start=TODAY)
    Substitution.objects.create(absent=team["kp"], substitute=team["lp"], start=TODAY)
    owner = open_case(PersonFactory(municipality=aalten), "luxe", today=TODAY).owner
    assert owner in (team["lp"], team["kp"])


def test_inactive_contact_falls_back_to_rule(aalten, team, rules):
    team["contact"].is_active = False
    team["contact"].save()
    school = SchoolFactory(contact=team["contact"])
    case = open_case(PersonFactory(municipality=aalten), "luxe", school=school, today=TODAY)
    assert case.owner == team["lp"]


def test_bulk_reassignment(aalten, team):
    cases = [
        CaseFactory(person=PersonFactory(municipality=aalten), owner=team["lp"]) for _ in range(3)
    ]
    already = CaseFactory(person=PersonFactory(municipality=aalten), owner=team["kp"])
    coordinator = staff("coordinator", "coordinator", aalten)
    changed = reassign_cases([*cases, already], team["kp"], actor=coordinator, note="verlof")
    assert changed == 3
    for case in cases:
        case.refresh_from_db()
        assert case.owner == team["kp"]
        assert case.version == 2
        event = case.events.get(kind=EventKind.ASSIGNED)
        assert event.data["bulk"] is True and event.actor == coordinator
    already.refresh_from_db()
    assert already.version == 1
