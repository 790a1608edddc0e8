"""Opening, working, closing and handing over cases, with versions and history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from rbl.accounts.access import can_edit_case, can_view_case, can_view_person
from rbl.cases.models import (
    Activity,
    AssignmentRule,
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    ImmutableError,
    OwnershipPeriod,
    Task,
)
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.events import case_event_committed
from rbl.cases.services.lifecycle import (
    add_activity,
    assign_case,
    cases_due_for_rmc_handover,
    change_status,
    choose_route,
    close_case,
    handover_to_municipality,
    handover_to_rmc,
    open_case,
    record_parents_choice,
)
from tests.cases.conftest import TODAY
from tests.cases.factories import staff
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lpa(aalten):
    return staff("lpa-aalten", "lpa", aalten)


@pytest.fixture
def case(aalten, lpa):
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=lpa)
    return open_case(PersonFactory(municipality=aalten), "relatief_16uur", actor=lpa, today=TODAY)


def test_new_case_goes_to_rule_owner_with_creation_event(case, lpa, aalten):
    assert case.owner == lpa
    assert case.principal == aalten
    assert case.status == CaseStatus.OPEN
    assert case.version == 1
    assert list(case.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    assert OwnershipPeriod.objects.get(case=case).user == lpa


def test_closing_requires_a_reason(case, lpa):
    with pytest.raises(CaseRuleError, match="reden van afsluiten is verplicht"):
        close_case(case, "", actor=lpa, expected_version=case.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_change_status_cannot_close_without_reason(case, lpa):
    with pytest.raises(CaseRuleError):
        change_status(case, CaseStatus.AFGESLOTEN, actor=lpa, expected_version=1)


def test_close_and_reopen(case, lpa):
    closed = close_case(case, "terug_naar_school", actor=lpa, expected_version=1, closed_on=TODAY)
    assert closed.status == CaseStatus.AFGESLOTEN
    assert closed.closed_on == TODAY
    assert closed.version == 2
    with pytest.raises(CaseRuleError, match="al afgesloten"):
        close_case(case, "werk", actor=lpa, expected_version=2)
    reopened = change_status(case, CaseStatus.IN_BEHANDELING, actor=lpa, expected_version=2)
    assert reopened.closing_reason == ""
    assert reopened.closed_on is None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.CLOSED, EventKind.REOPENED]


def test_stale_version_is_refused_and_nothing_is_lost(case, lpa):
    first_view = case.version
    choose_route(case, "vrijwillig", actor=lpa, expected_version=first_view, chosen_on=TODAY)
    with pytest.raises(ConcurrentEditError) as err:
        close_case(case, "werk", actor=lpa, expected_version=first_view)
    assert "intussen door iemand anders gewijzigd" in str(err.value)
    case.refresh_from_db()
    assert case.route == "vrijwillig"
    assert case.status == CaseStatus.IN_BEHANDELING
    assert case.version == first_view + 1


def test_event_log_is_append_only(case):
    event = case.events.get()
    event.note = "later bijgewerkt"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_events_carry_the_case_version(case, lpa):
    add_activity(case, "gesprek_jongere", author=lpa, expected_version=1, on=TODAY, notes="...")
    choose_route(case, "vrijwillig", actor=lpa, expected_version=2, chosen_on=TODAY)
    assert list(case.events.order_by("pk").values_list("version", flat=True)) == [1, 2, 3]


def test_listeners_hear_of_an_event_only_after_commit(
    case, lpa, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, event, **kwargs):
        heard.append(event.kind)

    case_event_committed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            choose_route(case, "vrijwillig", actor=lpa, expected_version=1, chosen_on=TODAY)
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [EventKind.ROUTE]
    finally:
        case_event_committed.disconnect(listener)


def test_first_activity_starts_the_work_and_is_dated_with_author(case, lpa):
    activity = add_activity(
        case, "huisbezoek", author=lpa, expected_version=1, on=dt.date(2025, 2, 1), notes="thuis"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_BEHANDELING
    assert (activity.date, activity.author, activity.notes) == (dt.date(2025, 2, 1), lpa, "thuis")


def test_no_activity_on_a_closed_case(case, lpa):
    close_case(case, "werk", actor=lpa, expected_version=1)
    with pytest.raises(CaseRuleError):
        add_activity(case, "huisbezoek", author=lpa, expected_version=2)
    assert Activity.objects.count() == 0


def test_halt_route_only_for_12_to_18(aalten, lpa):
    young = open_case(
        PersonFactory(municipality=aalten, birth_date=dt.date(2015, 1, 1)),
        "relatief_16uur",
        owner=lpa,
        today=TODAY,
    )
    with pytest.raises(CaseRuleError, match="12 tot 18"):
        choose_route(young, "halt", actor=lpa, expected_version=1, chosen_on=TODAY)
    choose_route(young, "jeugdbescherming", actor=lpa, expected_version=1, chosen_on=TODAY)


def test_parents_choice_only_from_16(aalten, lpa):
    under16 = open_case(PersonFactory(municipality=aalten), "luxe", owner=lpa, today=TODAY)
    with pytest.raises(CaseRuleError, match="vanaf 16"):
        record_parents_choice(under16, False, actor=lpa, expected_version=1, on=TODAY)
    older = open_case(
        PersonFactory(municipality=aalten, birth_date=dt.date(2008, 6, 1)),
        "signaal",
        owner=lpa,
        today=TODAY,
    )
    record_parents_choice(older, False, actor=lpa, expected_version=1, on=TODAY)
    older.refresh_from_db()
    assert older.parents_may_hear_reasons is False


def test_handover_to_officer_keeps_history_and_former_owner_reads_only(case, lpa, aalten):
    colleague = staff("lpa-2", "kpa", aalten)
    outsider = staff("buiten", "beheer", aalten)
    add_activity(case, "gesprek_ouders", author=lpa, expected_version=1, on=TODAY)
    Task.objects.create(case=case, kind="opvolging", title="bellen", due_on=TODAY, assignee=lpa)
    assign_case(case, outsider, actor=lpa, expected_version=2, handover=True)
    case.refresh_from_db()
    assert case.owner == outsider
    assert case.activities.count() == 1  # history stays
    assert Task.objects.get().assignee == outsider
    periods = list(OwnershipPeriod.objects.filter(case=case).order_by("pk"))
    assert [p.user for p in periods] == [lpa, outsider]
    assert periods[0].end is not None and periods[1].end is None
    # Former owner (LPA has no edit right on others' cases) may read, not write.
    lpa.role_assignments.all().delete()
    assert can_view_case(lpa, case)
    assert can_view_person(lpa, case.person)
    assert not can_edit_case(lpa, case)
    assert can_edit_case(outsider, case)
    assert not can_edit_case(colleague, case)


def test_handover_to_other_municipality_moves_principal_and_owner(case, lpa, winterswijk):
    lpa_w = staff("lpa-winterswijk", "lpa", winterswijk)
    AssignmentRule.objects.create(municipality=winterswijk, age_group="LP", user=lpa_w)
    handover_to_municipality(case, winterswijk, actor=lpa, expected_version=1)
    case.refresh_from_db()
    assert case.principal == winterswijk
    assert case.owner == lpa_w
    event = case.events.get(kind=EventKind.MUNICIPALITY)
    assert event.data["van_gemeente"] == "0197"
    assert event.data["naar_gemeente"] == "0294"


def test_handover_to_rmc_at_18_links_new_case(aalten, lpa):
    rmc = staff("rmc-regio", "rmc", aalten)
    AssignmentRule.objects.create(municipality=aalten, age_group="RMC", user=rmc)
    person = PersonFactory(municipality=aalten, birth_date=dt.date(2007, 2, 20))
    case = open_case(person, "relatief_16uur", owner=lpa, today=dt.date(2025, 1, 10))
    assert list(cases_due_for_rmc_handover(dt.date(2025, 2, 19))) == []
    assert list(cases_due_for_rmc_handover(dt.date(2025, 2, 20))) == [case]
    new = handover_to_rmc(case, actor=lpa, expected_version=1, on=dt.date(2025, 2, 21))
    case.refresh_from_db()
    assert case.status == CaseStatus.AFGESLOTEN
    assert case.closing_reason == "overgedragen_rmc"
    assert new.type == "rmc" and new.owner == rmc
    assert new.handed_over_from == case
    assert Case.objects.filter(person=person).count() == 2
    assert list(cases_due_for_rmc_handover(dt.date(2025, 2, 21))) == []


def test_unknown_values_are_refused(case, lpa):
    with pytest.raises(CaseRuleError):
        close_case(case, "geen-idee", actor=lpa, expected_version=1)
    with pytest.raises(CaseRuleError):
        choose_route(case, "zomaar", actor=lpa, expected_version=1)
    with pytest.raises(CaseRuleError):
        open_case(case.person, "onbekend", today=TODAY)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_version_one_wins(aalten, lpa):
    """Both load version 1 and save at the same moment: the row lock makes the
    second wait for the first and then see that the case changed (no lost update)."""
    import threading

    from django.db import connection as conn

    case = open_case(PersonFactory(municipality=aalten), "luxe", owner=lpa, today=TODAY)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(route: str) -> None:
        try:
            barrier.wait()
            choose_route(case.pk, route, actor=lpa, expected_version=1, chosen_on=TODAY)
            outcomes.append("opgeslagen")
        except ConcurrentEditError:
            outcomes.append("verouderd")
        finally:
            conn.close()

    threads = [threading.Thread(target=work, args=(r,)) for r in ("vrijwillig", "strafrecht")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["opgeslagen", "verouderd"]
    case.refresh_from_db()
    assert case.version == 2
    assert case.events.filter(kind=EventKind.ROUTE).count() == 1
