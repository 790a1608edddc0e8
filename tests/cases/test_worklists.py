"""Thuiszitters (R-25), overdue tasks (R-27), vrijstellingen with reminder (R-23)
and absoluut signals that become cases (R-13)."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.absoluut.models import Signal
from rbl.accounts.access import visible_cases
from rbl.cases.models import AssignmentRule, Case, CaseSettings, Task
from rbl.cases.services.absoluut import open_cases_for_due_signals
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.exemptions import (
    exemptions_due_for_reminder,
    mark_reminded,
    record_exemption,
)
from rbl.cases.services.lifecycle import add_task, close_case, complete_task, open_case
from rbl.cases.services.worklists import overdue_tasks, thuiszitters, thuiszitters_per_swv
from rbl.organisation.models import Samenwerkingsverband
from rbl.registry.models import Exemption
from tests.cases.conftest import TODAY
from tests.cases.factories import CaseFactory, staff
from tests.factories import ExemptionFactory, PersonFactory, SchoolFactory, SignalFactory

pytestmark = pytest.mark.django_db


def _case(aalten, case_type, absent_since, school=None, **kw):
    return CaseFactory(
        person=PersonFactory(municipality=aalten),
        type=case_type,
        absent_since=absent_since,
        school=school,
        **kw,
    )


def test_thuiszitter_definition(aalten):
    four_weeks_ago = TODAY - dt.timedelta(weeks=4)
    short = _case(aalten, "relatief_16uur", four_weeks_ago)  # exactly 4 weeks: not yet
    long = _case(aalten, "relatief_16uur", four_weeks_ago - dt.timedelta(days=1))
    langdurig = _case(aalten, "langdurig", TODAY - dt.timedelta(days=3))
    absoluut = _case(aalten, "absoluut", TODAY - dt.timedelta(days=20))
    luxe = _case(aalten, "luxe", TODAY - dt.timedelta(days=200))  # luxe verzuim does not count
    closed = _case(aalten, "relatief_16uur", TODAY - dt.timedelta(days=200), status="afgesloten")
    found = {row.case for row in thuiszitters(TODAY)}
    assert found == {long, langdurig, absoluut}
    assert not {short, luxe, closed} & found


def test_priority_after_three_months_and_longest_first(aalten):
    recent = _case(aalten, "absoluut", TODAY - dt.timedelta(days=40))
    old = _case(aalten, "absoluut", dt.date(2024, 12, 2))  # > 3 months before 2025-03-03
    edge = _case(aalten, "absoluut", dt.date(2024, 12, 3))  # exactly 3 months: no priority
    rows = thuiszitters(TODAY)
    assert [r.case for r in rows] == [old, edge, recent]
    assert [r.priority for r in rows] == [True, False, False]
    assert rows[0].days == (TODAY - dt.date(2024, 12, 2)).days


def test_one_line_per_youth(aalten):
    person = PersonFactory(municipality=aalten)
    CaseFactory(person=person, type="absoluut", absent_since=dt.date(2025, 1, 1))
    CaseFactory(person=person, type="langdurig", absent_since=dt.date(2025, 2, 1))
    assert len(thuiszitters(TODAY)) == 1


def test_region_terms_change_the_definition(aalten):
    CaseSettings.objects.create(region=aalten.region, thuiszitter_weeks=8)
    case = _case(aalten, "relatief_16uur", TODAY - dt.timedelta(weeks=6))
    assert thuiszitters(TODAY) == []
    case.absent_since = TODAY - dt.timedelta(weeks=9)
    case.save()
    assert [r.case for r in thuiszitters(TODAY)] == [case]


def test_list_per_samenwerkingsverband(aalten):
    swv = Samenwerkingsverband.objects.create(code="PO2505", name="SWV Achterhoek PO")
    in_swv = _case(aalten, "langdurig", TODAY, school=SchoolFactory(swv=swv))
    without = _case(aalten, "absoluut", TODAY)
    grouped = thuiszitters_per_swv(TODAY)
    assert [r.case for r in grouped["PO2505"]] == [in_swv]
    assert grouped["PO2505"][0].swv_name == "SWV Achterhoek PO"
    assert [r.case for r in grouped[""]] == [without]


def test_thuiszitters_restricted_to_visible_cases(aalten, winterswijk):
    mine = _case(aalten, "absoluut", TODAY)
    _case(winterswijk, "absoluut", TODAY)
    lpa = staff("lpa", "lpa", aalten)
    assert [r.case for r in thuiszitters(TODAY, visible_cases(lpa, TODAY))] == [mine]


def test_overdue_tasks_for_owner_and_coordinator(aalten):
    lpa = staff("lpa", "lpa", aalten)
    other = staff("lpa2", "lpa", aalten)
    case = CaseFactory(person=PersonFactory(municipality=aalten), owner=lpa)
    late = add_task(case, "opvolging", "bellen", TODAY - dt.timedelta(days=1))
    due_today = add_task(case, "opvolging", "mailen", TODAY)
    done = add_task(case, "opvolging", "klaar", TODAY - dt.timedelta(days=5))
    complete_task(done, done_on=TODAY)
    theirs = add_task(case, "opvolging", "van ander", TODAY - dt.timedelta(days=3), assignee=other)
    assert list(overdue_tasks(TODAY, assignee=lpa)) == [late]
    coordinator = staff("coord", "coordinator", aalten)
    assert list(overdue_tasks(TODAY, cases=visible_cases(coordinator, TODAY))) == [theirs, late]
    assert due_today not in overdue_tasks(TODAY)


def test_closing_a_case_completes_its_tasks(aalten):
    lpa = staff("lpa", "lpa", aalten)
    case = CaseFactory(person=PersonFactory(municipality=aalten), owner=lpa)
    add_task(case, "opvolging", "bellen", TODAY - dt.timedelta(days=1))
    close_case(case, "werk", actor=lpa, expected_version=case.version, closed_on=TODAY)
    assert not overdue_tasks(TODAY).exists()
    assert Task.objects.get().done_on == TODAY


def test_vrijstelling_case_maintains_registry_exemption(aalten):
    lpa = staff("lpa", "lpa", aalten)
    person = PersonFactory(municipality=aalten)
    case = open_case(person, "vrijstelling", owner=lpa, today=TODAY)
    exemption = record_exemption(
        case,
        ground="5a",
        start=dt.date(2025, 3, 1),
        end=dt.date(2026, 7, 31),
        decided_on=TODAY,
        actor=lpa,
        expected_version=1,
    )
    assert (exemption.bsn, exemption.municipality_id) == (person.bsn, "0197")
    record_exemption(
        case,
        ground="5a",
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 7, 31),
        decided_on=TODAY,
        actor=lpa,
        expected_version=2,
    )
    assert Exemption.objects.count() == 1
    assert Exemption.objects.get().end == dt.date(2025, 7, 31)
    other = open_case(person, "luxe", owner=lpa, today=TODAY)
    with pytest.raises(CaseRuleError):
        record_exemption(
            other,
            ground="5b",
            start=TODAY,
            end=None,
            decided_on=TODAY,
            actor=lpa,
            expected_version=1,
        )


def test_reminder_two_months_before_end(aalten):
    ends_soon = ExemptionFactory(municipality=aalten, end=dt.date(2025, 5, 3))
    ExemptionFactory(municipality=aalten, end=dt.date(2025, 5, 4))  # beyond 2 months
    ExemptionFactory(municipality=aalten, end=None)  # open-ended
    ExemptionFactory(municipality=aalten, end=dt.date(2025, 3, 2))  # already ended
    assert list(exemptions_due_for_reminder(TODAY)) == [ends_soon]
    mark_reminded(ends_soon, TODAY)
    assert list(exemptions_due_for_reminder(TODAY)) == []


def test_due_signals_become_absoluut_cases_once(aalten):
    lpa = staff("lpa", "lpa", aalten)
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=lpa)
    term = aalten.region.control_term_days
    # The term counts from the control letter, not from the signal.
    due = SignalFactory(
        person=PersonFactory(municipality=aalten),
        opened_on=TODAY - dt.timedelta(days=term + 5),
        control_letter_on=TODAY - dt.timedelta(days=term + 1),
    )
    SignalFactory(
        person=PersonFactory(municipality=aalten),
        opened_on=TODAY - dt.timedelta(days=term + 5),
        control_letter_on=TODAY - dt.timedelta(days=term),
    )
    # Never a case for a signal whose letter was not sent: that one is overdue itself.
    SignalFactory(
        person=PersonFactory(municipality=aalten), opened_on=TODAY - dt.timedelta(days=60)
    )
    opened = open_cases_for_due_signals(TODAY)
    assert [c.signal for c in opened] == [due]
    case = opened[0]
    assert (case.type, case.owner, case.absent_since) == ("absoluut", lpa, due.opened_on)
    assert open_cases_for_due_signals(TODAY) == []
    assert Case.objects.count() == 1
    assert Signal.objects.count() == 3


def test_signalen_command_turns_due_signals_into_cases(aalten, capsys):
    import json

    from django.core.management import call_command

    lpa = staff("lpa2", "lpa", aalten)
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=lpa)
    term = aalten.region.control_term_days
    SignalFactory(
        person=PersonFactory(municipality=aalten),
        opened_on=TODAY - dt.timedelta(days=term + 1),
        control_letter_on=TODAY - dt.timedelta(days=term + 1),
    )
    call_command("signalen", "--datum", TODAY.isoformat(), "--json")
    assert json.loads(capsys.readouterr().out) == {"cases": 1}
    call_command("signalen", "--datum", TODAY.isoformat(), "--json")
    assert json.loads(capsys.readouterr().out) == {"cases": 0}
    assert Case.objects.get().owner == lpa
