"""The absoluut-verzuim check (R-13) as users of `rbl absoluut` rely on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from rbl.absoluut.check import UnknownMunicipality, run_check
from rbl.absoluut.floor import raw_breach_count
from rbl.absoluut.models import Signal
from rbl.absoluut.queries import breach_rows, breaches, duty_resident_count, duty_residents
from tests.factories import (
    DiplomaFactory,
    EnrolmentFactory,
    ExemptionFactory,
    PersonFactory,
    SignalFactory,
)

from .conftest import KP_BIRTH, LP_BIRTH, RMC_BIRTH, TODDLER_BIRTH, D

DAY = dt.timedelta(days=1)
pytestmark = pytest.mark.django_db


def open_signal(person) -> Signal | None:
    return Signal.objects.open().filter(person=person).first()


def test_unenrolled_leerplichtige_gets_a_signal(child):
    result = run_check(D)
    assert (result.checked, result.new, result.closed, result.signals) == (1, 1, 0, 1)
    signal = open_signal(child)
    assert signal.municipality_id == "0197"
    assert signal.status == "leerplichtig"
    assert signal.opened_on == D


@pytest.mark.parametrize(
    "start,end,breach",
    [
        (D - 10 * DAY, D - DAY, True),  # ended yesterday
        (D - DAY, D - DAY, True),  # yesterday only
        (D, D, False),  # today only: both ends count
        (D - 100 * DAY, D, False),  # ending on D
        (D, None, False),  # starting on D, open-ended
        (D + DAY, None, True),  # starts tomorrow
        (D - 400 * DAY, None, False),  # running
    ],
)
def test_enrolment_covers_the_day_with_both_ends_inclusive(child, start, end, breach):
    EnrolmentFactory(bsn=child.bsn, start=start, end=end)
    result = run_check(D)
    assert result.checked == 1
    assert result.new == int(breach)
    assert (open_signal(child) is not None) == breach


def test_overlapping_enrolments_count_once(child):
    EnrolmentFactory(bsn=child.bsn, start=D - 300 * DAY, end=D + 10 * DAY)
    EnrolmentFactory(bsn=child.bsn, start=D - 5 * DAY, end=None)
    result = run_check(D)
    assert (result.checked, result.new, result.signals) == (1, 0, 0)
    assert raw_breach_count(D) == 0


@pytest.mark.parametrize(
    "start,end,breach",
    [
        (D - 100 * DAY, None, False),
        (D - 100 * DAY, D, False),
        (D, D + 30 * DAY, False),
        (D - 100 * DAY, D - DAY, True),
        (D + DAY, None, True),
    ],
)
def test_exemption_covering_the_day_prevents_a_signal(child, start, end, breach):
    ExemptionFactory(bsn=child.bsn, municipality=child.municipality, start=start, end=end)
    assert run_check(D).new == int(breach)


def test_startkwalificatie_ends_kwalificatieplicht(aalten):
    with_sk = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    DiplomaFactory(bsn=with_sk.bsn, date=D - 30 * DAY, startkwalificatie=True)
    on_d = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    DiplomaFactory(bsn=on_d.bsn, date=D, startkwalificatie=True)
    later = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    DiplomaFactory(bsn=later.bsn, date=D + DAY, startkwalificatie=True)
    no_sk = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    DiplomaFactory(bsn=no_sk.bsn, date=D - 30 * DAY, startkwalificatie=False, level="vmbo-bb")

    result = run_check(D)

    assert result.checked == 2
    assert {s.person_id for s in Signal.objects.open()} == {later.pk, no_sk.pk}
    assert {s.status for s in Signal.objects.open()} == {"kwalificatieplichtig"}


def test_the_count_of_residents_in_duty_is_the_law_s_on_both_databases(aalten, winterswijk):
    """duty_resident_count (what the check reports on PostgreSQL) counts in two parts
    what duty_residents filters in one: the same number, diplomas and leerplicht
    age included (a startkwalificatie never ends leerplicht)."""
    for birth in (KP_BIRTH, LP_BIRTH):
        for municipality in (aalten, winterswijk):
            for diploma in ((D - 30 * DAY, True), (D + DAY, True), (D - DAY, False), None):
                person = PersonFactory(municipality=municipality, birth_date=birth)
                if diploma is not None:
                    DiplomaFactory(bsn=person.bsn, date=diploma[0], startkwalificatie=diploma[1])
    PersonFactory(municipality=aalten, birth_date=D - 30 * 365 * DAY)  # out of age
    for codes in (None, ["0197"]):
        expected = duty_residents(D, codes).count()
        assert duty_resident_count(D, codes) == expected
    assert duty_resident_count(D) == 14  # 16 of duty age, less 2 kwalificatie-age with sk


def test_startkwalificatie_never_ends_leerplicht(child):
    DiplomaFactory(bsn=child.bsn, date=D - 30 * DAY, startkwalificatie=True)
    result = run_check(D)
    assert (result.checked, result.new) == (1, 1)


def test_only_leerplichtigen_and_kwalificatieplichtigen_are_checked(aalten):
    PersonFactory(municipality=aalten, birth_date=RMC_BIRTH)
    PersonFactory(municipality=aalten, birth_date=TODDLER_BIRTH)
    kp = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    result = run_check(D)
    assert (result.checked, result.new) == (1, 1)
    assert open_signal(kp).status == "kwalificatieplichtig"


def test_non_residents_are_not_checked(aalten):
    PersonFactory(municipality=aalten, moved_out_on=D)
    PersonFactory(municipality=aalten, died_on=D - DAY)
    PersonFactory(municipality=aalten, aged_out_on=D - DAY)
    leaving_tomorrow = PersonFactory(municipality=aalten, moved_out_on=D + DAY)
    result = run_check(D)
    assert (result.checked, result.new) == (1, 1)
    assert open_signal(leaving_tomorrow) is not None


def test_rerun_creates_no_duplicates(child):
    first = run_check(D)
    second = run_check(D)
    third = run_check(D + 7 * DAY)
    assert first.new == 1
    assert (second.new, second.closed, second.signals) == (0, 0, 1)
    assert (third.new, third.closed, third.signals) == (0, 0, 1)
    assert Signal.objects.filter(person=child).count() == 1
    assert open_signal(child).opened_on == D  # "sinds" keeps the first day


@pytest.mark.parametrize(
    "change,reason",
    [
        ("enrol", "ingeschreven"),
        ("exempt", "vrijgesteld"),
        ("move_out", "verhuisd"),
        ("die", "overleden"),
        ("diploma", "buiten_leeftijd"),
    ],
)
def test_signal_is_closed_with_the_reason(aalten, change, reason):
    person = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    run_check(D)
    later = D + 7 * DAY
    if change == "enrol":
        EnrolmentFactory(bsn=person.bsn, start=D + DAY)
    elif change == "exempt":
        ExemptionFactory(bsn=person.bsn, municipality=aalten, start=D + 3 * DAY)
    elif change == "move_out":
        person.moved_out_on = later
    elif change == "die":
        person.died_on = D + 2 * DAY
    elif change == "diploma":
        DiplomaFactory(bsn=person.bsn, date=D + DAY)
    person.save()

    result = run_check(later)

    assert (result.new, result.closed, result.signals) == (0, 1, 0)
    assert result.closed_by_reason[reason] == 1
    signal = Signal.objects.get(person=person)
    assert (signal.closed_on, signal.close_reason) == (later, reason)


def test_signal_closes_when_the_youth_turns_18(aalten):
    person = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    run_check(D)
    eighteenth = dt.date(2026, 3, 10)
    assert run_check(eighteenth - DAY).closed == 0
    result = run_check(eighteenth)
    assert result.closed_by_reason["buiten_leeftijd"] == 1
    assert Signal.objects.get(person=person).close_reason == "buiten_leeftijd"


def test_died_wins_over_other_reasons(child):
    run_check(D)
    EnrolmentFactory(bsn=child.bsn, start=D)
    child.died_on = D + DAY
    child.moved_out_on = D + DAY
    child.save()
    run_check(D + 2 * DAY)
    assert Signal.objects.get(person=child).close_reason == "overleden"


def test_a_new_breach_after_closing_opens_a_new_signal(child):
    run_check(D)
    EnrolmentFactory(bsn=child.bsn, start=D + DAY, end=D + 20 * DAY)
    assert run_check(D + 7 * DAY).closed == 1
    result = run_check(D + 28 * DAY)
    assert (result.new, result.signals) == (1, 1)
    signals = list(Signal.objects.filter(person=child).order_by("opened_on"))
    assert [(s.opened_on, s.closed_on) for s in signals] == [
        (D, D + 7 * DAY),
        (D + 28 * DAY, None),
    ]


def test_moving_within_the_region_moves_the_signal(child, winterswijk):
    run_check(D)
    child.municipality = winterswijk
    child.save()
    result = run_check(D + 7 * DAY)
    assert (result.new, result.closed, result.signals) == (1, 1, 1)
    old, new = Signal.objects.filter(person=child).order_by("pk")
    assert (old.municipality_id, old.close_reason) == ("0197", "verhuisd")
    assert (new.municipality_id, new.opened_on, new.closed_on) == ("0294", D + 7 * DAY, None)


def test_check_of_one_municipality_leaves_the_others_alone(child, winterswijk):
    other = PersonFactory(municipality=winterswijk)
    result = run_check(D, ["0294"])
    assert (result.checked, result.new, result.signals) == (1, 1, 1)
    assert open_signal(child) is None and open_signal(other) is not None
    # Winterswijk's signal is not closed by a run over Aalten, even when resolved.
    EnrolmentFactory(bsn=other.bsn, start=D)
    result = run_check(D, ["0197"])
    assert (result.checked, result.new, result.closed, result.signals) == (1, 1, 0, 1)
    assert open_signal(other) is not None


def test_an_open_signal_elsewhere_blocks_a_second_one(child, winterswijk):
    """At most one open signal per person: it stays with the municipality where it
    was opened until a run over that municipality closes it."""
    run_check(D)
    child.municipality = winterswijk
    child.save()
    result = run_check(D + DAY, ["0294"])
    assert (result.checked, result.new, result.closed, result.signals) == (1, 0, 0, 0)
    assert open_signal(child).municipality_id == "0197"


def test_unknown_municipality_changes_nothing(child):
    with pytest.raises(UnknownMunicipality):
        run_check(D, ["0197", "9999"])
    assert not Signal.objects.exists()


def test_raw_floor_counts_the_same_breaches(aalten, winterswijk):
    for i, birth in enumerate([LP_BIRTH, KP_BIRTH, RMC_BIRTH, TODDLER_BIRTH] * 3):
        person = PersonFactory(municipality=aalten if i % 2 else winterswijk, birth_date=birth)
        if i % 3 == 0:
            EnrolmentFactory(bsn=person.bsn, start=D - 50 * DAY)
    expected = breaches(D).count()
    assert expected > 0
    assert raw_breach_count(D) == expected
    assert raw_breach_count(D, ["0197"]) == breaches(D, ["0197"]).count()
    assert run_check(D).new == expected


def test_due_for_case_after_the_control_term_counted_from_the_letter(aalten, winterswijk):
    aalten.region.control_term_days = 10
    aalten.region.save()
    child = PersonFactory(municipality=aalten)
    enrolled_since = PersonFactory(municipality=aalten)
    run_check(D)
    EnrolmentFactory(bsn=enrolled_since.bsn, start=D + 5 * DAY)

    # No letter yet: the term has not started, however long the signal waits.
    assert open_signal(child).control_deadline() is None
    assert not Signal.objects.due_for_case(D + 60 * DAY).exists()
    assert open_signal(child) in Signal.objects.without_letter(D + 8 * DAY)
    assert not Signal.objects.without_letter(D + 7 * DAY).exists()  # a week is allowed

    # The letter goes out three days after the check: the term runs from its date.
    Signal.objects.filter(person__in=[child, enrolled_since]).update(control_letter_on=D + 3 * DAY)
    assert not Signal.objects.without_letter(D + 8 * DAY).exists()
    assert not Signal.objects.due_for_case(D + 13 * DAY).exists()  # the last day of the term
    assert list(Signal.objects.due_for_case(D + 14 * DAY)) == [open_signal(child)]
    assert open_signal(child).control_deadline() == D + 13 * DAY


def test_due_for_case_without_region_uses_14_days(db):
    signal = SignalFactory(
        person__municipality__region=None, opened_on=D - 5 * DAY, control_letter_on=D
    )
    assert signal.control_deadline() == D + 14 * DAY
    assert not Signal.objects.due_for_case(D + 14 * DAY).exists()
    assert Signal.objects.due_for_case(D + 15 * DAY).get() == signal


def test_finding_breaches_is_one_statement_regardless_of_population(
    aalten, django_assert_max_num_queries
):
    for _ in range(30):
        PersonFactory(municipality=aalten)
    # A fixed number of statements: 16, and one reading the building blocks
    # (which municipalities the central administration checks, R-02).
    with django_assert_max_num_queries(17):
        result = run_check(D)
    assert result.new == 30


def test_a_run_for_an_earlier_date_leaves_later_signals_alone(child):
    EnrolmentFactory(bsn=child.bsn, start=D - 100 * DAY, end=D + DAY)
    assert run_check(D + 7 * DAY).new == 1
    result = run_check(D)
    assert (result.new, result.closed, result.signals) == (0, 0, 1)
    assert open_signal(child).opened_on == D + 7 * DAY


def test_empty_registry_gives_an_empty_run(aalten):
    result = run_check(D)
    assert (result.checked, result.new, result.closed, result.signals) == (0, 0, 0, 0)
    assert result.closed_by_reason == {
        "overleden": 0,
        "verhuisd": 0,
        "buiten_leeftijd": 0,
        "vrijgesteld": 0,
        "ingeschreven": 0,
    }


def test_one_run_closes_for_every_reason_and_reopens_a_mover(aalten, winterswijk):
    """The one closing UPDATE records, per signal, the first reason that applies."""
    people = {
        name: PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
        for name in ("stays", "enrols", "exempted", "dies", "leaves", "moves", "diploma")
    }
    run_check(D)
    later = D + 7 * DAY
    EnrolmentFactory(bsn=people["enrols"].bsn, start=later)
    ExemptionFactory(bsn=people["exempted"].bsn, municipality=aalten, start=later)
    EnrolmentFactory(bsn=people["dies"].bsn, start=later)  # died wins over enrolled
    people["dies"].died_on = later
    people["leaves"].moved_out_on = later
    people["moves"].municipality = winterswijk
    for person in people.values():
        person.save()
    DiplomaFactory(bsn=people["diploma"].bsn, date=later, startkwalificatie=True)

    result = run_check(later)

    assert result.closed_by_reason == {
        "overleden": 1,
        "verhuisd": 2,
        "buiten_leeftijd": 1,
        "vrijgesteld": 1,
        "ingeschreven": 1,
    }
    assert (result.checked, result.new, result.closed, result.signals) == (4, 1, 6, 2)
    reasons = {s.person_id: s.close_reason for s in Signal.objects.exclude(close_reason="")}
    assert reasons == {
        people["enrols"].pk: "ingeschreven",
        people["exempted"].pk: "vrijgesteld",
        people["dies"].pk: "overleden",
        people["leaves"].pk: "verhuisd",
        people["moves"].pk: "verhuisd",
        people["diploma"].pk: "buiten_leeftijd",
    }
    assert {(s.person_id, s.municipality_id) for s in Signal.objects.open()} == {
        (people["stays"].pk, "0197"),
        (people["moves"].pk, "0294"),
    }


def test_the_breaches_read_enrolments_exemptions_and_diplomas_once_on_postgresql(child):
    """On PostgreSQL the check finds the breaches with hash anti joins, one read
    of each table, not a subquery per person (bench/RESULTS.md: 38 s at
    national size). Without a SubPlan the statement may also run in parallel."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plan")
    sql, params = breach_rows(D).query.get_compiler(connection=connection).as_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")  # as run_check does
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.count("Hash Anti Join") == 3, plan
    assert "SubPlan" not in plan, plan


def test_a_big_batch_of_new_signals_keeps_its_foreign_keys(aalten, winterswijk, monkeypatch):
    """A first run that opens many signals checks their foreign keys in one join
    afterwards; the signals are the same and the keys are back."""
    from rbl.absoluut import check

    monkeypatch.setattr(check, "BIG_BATCH", 1)
    people = [PersonFactory(municipality=aalten, birth_date=LP_BIRTH) for _ in range(3)]
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "absoluut_signal")
    result = run_check(D)
    assert (result.new, result.signals) == (3, 3)
    assert {s.person_id for s in Signal.objects.open()} == {p.pk for p in people}
    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, "absoluut_signal")
    assert after.keys() == before.keys()
    assert run_check(D).new == 0
