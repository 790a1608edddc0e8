"""Work division services (R-05): the rule table and fixed contacts refuse a
lost update and an officer without a fitting role; stand-ins are validated;
a bulk reassignment moves exactly the previewed cases that are still open and
still the officer's, and reports the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.cases.models import AgeGroup, AssignmentRule, Case, CaseStatus, EventKind, Substitution
from rbl.cases.services.assignment import ReassignResult, SkipReason, reassign_cases
from rbl.cases.services.history import describe_events
from rbl.cases.services.werkverdeling import (
    ContactChange,
    RuleChange,
    WorkDivisionConflict,
    WorkDivisionError,
    add_substitution,
    end_substitution,
    remove_substitution,
    set_contacts,
    set_rules,
)
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory, SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


@pytest.fixture
def team(aalten, winterswijk):
    return {
        "lp": staff("lp", "lpa", aalten),
        "lp2": staff("lp2", "lpa", aalten),
        "kp": staff("kp", "kpa", aalten),
        "rmc": staff("rmc", "rmc", aalten),
        "both": staff("both", "lpa", aalten, winterswijk),
        "wsw": staff("wsw", "lpa", winterswijk),
        "coordinator": staff("coord", "coordinator", aalten, winterswijk),
    }


# --- assignment rules -------------------------------------------------------------


def test_rules_are_created_changed_and_removed(aalten, team):
    done = set_rules([RuleChange(aalten, AgeGroup.LP, team["lp"], None)])
    assert AssignmentRule.objects.get(municipality=aalten, age_group="LP").user == team["lp"]
    assert done == ["Toewijzingsregel Aalten – Leerplicht: van niemand naar lp"]
    set_rules([RuleChange(aalten, AgeGroup.LP, team["lp2"], team["lp"].pk)])
    assert AssignmentRule.objects.get(municipality=aalten, age_group="LP").user == team["lp2"]
    set_rules([RuleChange(aalten, AgeGroup.LP, None, team["lp2"].pk)])
    assert not AssignmentRule.objects.exists()


def test_a_rule_changed_meanwhile_is_refused_and_nothing_changes(aalten, team):
    AssignmentRule.objects.create(municipality=aalten, age_group="LP", user=team["lp2"])
    with pytest.raises(WorkDivisionConflict) as exc:
        set_rules(
            [
                RuleChange(aalten, AgeGroup.KP, team["kp"], None),
                # The user saw `lp` there; someone else has set lp2 meanwhile.
                RuleChange(aalten, AgeGroup.LP, team["lp"], team["lp"].pk),
            ]
        )
    assert "Aalten – Leerplicht (nu: lp2)" in exc.value.message
    assert not AssignmentRule.objects.filter(age_group="KP").exists()
    assert AssignmentRule.objects.get(age_group="LP").user == team["lp2"]


def test_a_rule_needs_a_fitting_role_there(aalten, winterswijk, team):
    with pytest.raises(WorkDivisionError, match="Toewijzing Aalten – RMC"):
        set_rules([RuleChange(aalten, AgeGroup.RMC, team["lp"], None)])
    with pytest.raises(WorkDivisionError, match="Winterswijk – Leerplicht: lp heeft"):
        set_rules([RuleChange(winterswijk, AgeGroup.LP, team["lp"], None)])
    team["kp"].is_active = False
    team["kp"].save()
    with pytest.raises(WorkDivisionError):
        set_rules([RuleChange(aalten, AgeGroup.KP, team["kp"], None)])
    assert not AssignmentRule.objects.exists()


def test_contacts_refuse_a_lost_update_and_a_foreign_officer(aalten, team):
    school = SchoolFactory(municipality_code="0197", name="De Klimop")
    set_contacts([ContactChange(school, team["lp"], None)])
    school.refresh_from_db()
    assert school.contact == team["lp"]
    with pytest.raises(WorkDivisionConflict, match="De Klimop \\(nu: lp\\)"):
        set_contacts([ContactChange(school, team["lp2"], None)])
    with pytest.raises(WorkDivisionError, match="Vaste contactpersoon De Klimop"):
        set_contacts([ContactChange(school, team["wsw"], team["lp"].pk)])
    school.refresh_from_db()
    assert school.contact == team["lp"]


# --- stand-ins --------------------------------------------------------------------


def test_substitution_refusals(team):
    later = TODAY + dt.timedelta(days=10)
    with pytest.raises(WorkDivisionError, match="niet voor zichzelf"):
        add_substitution(team["lp"], team["lp"], TODAY, None, today=TODAY)
    with pytest.raises(WorkDivisionError, match="^Tot en met: de einddatum ligt vóór"):
        add_substitution(team["lp"], team["lp2"], later, TODAY, today=TODAY)
    with pytest.raises(WorkDivisionError, match="^Vanaf:"):
        add_substitution(team["lp"], team["lp2"], TODAY - dt.timedelta(days=1), None, today=TODAY)
    # `both` works in Winterswijk too: `lp` lacks that municipality.
    with pytest.raises(WorkDivisionError, match="werkt niet voor gemeente Winterswijk"):
        add_substitution(team["both"], team["lp"], TODAY, None, today=TODAY)
    assert not Substitution.objects.exists()


def test_overlapping_period_for_the_same_absent_officer_is_refused(team):
    add_substitution(team["lp"], team["lp2"], TODAY, TODAY + dt.timedelta(days=6), today=TODAY)
    with pytest.raises(WorkDivisionError, match="^Periode: voor lp is al een waarneming door lp2"):
        add_substitution(team["lp"], team["kp"], TODAY + dt.timedelta(days=6), None, today=TODAY)
    # The day after is free; an open end from then on too.
    add_substitution(team["lp"], team["kp"], TODAY + dt.timedelta(days=7), None, today=TODAY)
    with pytest.raises(WorkDivisionError, match="zonder einddatum"):
        add_substitution(team["lp"], team["lp2"], TODAY + dt.timedelta(days=60), None, today=TODAY)
    assert Substitution.objects.count() == 2


def test_another_role_is_allowed_with_a_warning(team):
    result = add_substitution(team["lp"], team["kp"], TODAY, None, today=TODAY)
    assert result.warnings == [
        "Let op: kp heeft niet de rol leerplichtambtenaar van lp; de waarneming is wel vastgelegd."
    ]
    assert add_substitution(team["kp"], team["coordinator"], TODAY, None, today=TODAY).warnings


def test_end_early_and_remove_only_a_future_one(team):
    running = add_substitution(team["lp"], team["lp2"], TODAY, None, today=TODAY).substitution
    future = add_substitution(
        team["kp"], team["lp"], TODAY + dt.timedelta(days=3), None, today=TODAY
    ).substitution
    with pytest.raises(WorkDivisionError, match="al begonnen"):
        remove_substitution(running, today=TODAY)
    with pytest.raises(WorkDivisionConflict):
        end_substitution(running, TODAY, seen_end=TODAY + dt.timedelta(days=1), today=TODAY)
    end_substitution(running, TODAY, seen_end=None, today=TODAY)
    running.refresh_from_db()
    assert running.end == TODAY
    with pytest.raises(WorkDivisionError, match="^Einddatum: kies een dag vóór"):
        end_substitution(running, TODAY, seen_end=TODAY, today=TODAY)
    remove_substitution(future, today=TODAY)
    assert not Substitution.objects.filter(pk=future.pk).exists()
    with pytest.raises(WorkDivisionConflict):
        remove_substitution(future, today=TODAY)


# --- bulk reassignment ------------------------------------------------------------

FATES = st.sampled_from(["stays", "closed", "other_owner", "not_ticked"])


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fates=st.lists(FATES, min_size=1, max_size=6))
def test_reassign_moves_exactly_previewed_still_open_still_owned(aalten, team, fates):
    """Preview all of lp's open cases; before the confirmation some are closed
    or given to someone else, and some are not ticked."""
    with transaction.atomic():
        cases = [
            CaseFactory(person=PersonFactory(municipality=aalten), owner=team["lp"]) for _ in fates
        ]
        foreign = CaseFactory(person=PersonFactory(municipality=aalten), owner=team["kp"])
        for case, fate in zip(cases, fates, strict=True):
            if fate == "closed":
                case.status = CaseStatus.AFGESLOTEN
                case.save(update_fields=["status"])
            elif fate == "other_owner":
                case.owner = team["lp2"]
                case.save(update_fields=["owner"])
        ticked = [c.pk for c, f in zip(cases, fates, strict=True) if f != "not_ticked"]
        result = ReassignResult()
        moved = reassign_cases(
            [*ticked, foreign.pk],
            team["rmc"],
            actor=team["coordinator"],
            from_user=team["lp"],
            result=result,
        )
        expected = sorted(c.pk for c, f in zip(cases, fates, strict=True) if f == "stays")
        assert sorted(result.moved) == expected and moved == len(expected)
        owners = {c.pk: c.owner_id for c in Case.objects.filter(pk__in=ticked)}
        for case, fate in zip(cases, fates, strict=True):
            want = {
                "stays": team["rmc"].pk,
                "closed": team["lp"].pk,
                "other_owner": team["lp2"].pk,
                "not_ticked": team["lp"].pk,
            }[fate]
            assert owners.get(case.pk, want) == want
        assert result.skipped.get(SkipReason.CLOSED, 0) == fates.count("closed")
        assert result.skipped.get(SkipReason.OTHER_OWNER, 0) == fates.count("other_owner") + 1
        transaction.set_rollback(True)


def test_reassign_within_scope_and_history_line(aalten, winterswijk, team):
    own = CaseFactory(person=PersonFactory(municipality=aalten), owner=team["both"])
    away = CaseFactory(person=PersonFactory(municipality=winterswijk), owner=team["both"])
    result = ReassignResult()
    moved = reassign_cases(
        [own, away],
        team["lp"],
        actor=team["coordinator"],
        from_user=team["both"],
        within=Case.objects.filter(principal_id="0197"),
        result=result,
    )
    assert moved == 1 and result.moved == [own.pk]
    assert result.skipped == {SkipReason.OUT_OF_SCOPE: 1}
    event = own.events.get(kind=EventKind.ASSIGNED)
    assert event.data["bulk"] is True
    lines = describe_events(own.events.all())
    assert any("van both naar lp (overgedragen door herverdeling)" in text for text in lines), lines


def _at_once(*jobs) -> list[str]:
    """Run `jobs` in threads released together; each returns an outcome word."""
    import threading

    from django.db import connection as conn

    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def run(job) -> None:
        try:
            barrier.wait()
            outcomes.append(job())
        except WorkDivisionError:
            outcomes.append("geweigerd")
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_stand_ins_at_once_one_is_refused(team):
    """No stand-in existed yet: the lock on the absent officer's row makes the
    second add wait for the first and then see the overlap."""

    def add(who):
        return lambda: add_substitution(team["lp"], team[who], TODAY, None, today=TODAY) and "ok"

    assert _at_once(add("lp2"), add("kp")) == ["geweigerd", "ok"]
    assert Substitution.objects.filter(absent=team["lp"]).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
@pytest.mark.django_db(transaction=True)
def test_two_reassignments_of_the_same_cases_at_once_move_each_case_once(aalten, team):
    cases = [
        CaseFactory(person=PersonFactory(municipality=aalten), owner=team["lp"]) for _ in range(4)
    ]
    ids = [c.pk for c in cases]
    results = {"lp2": ReassignResult(), "kp": ReassignResult()}

    def move(who):
        def job():
            reassign_cases(
                ids, team[who], actor=team["coordinator"], from_user=team["lp"], result=results[who]
            )
            return "ok"

        return job

    assert _at_once(move("lp2"), move("kp")) == ["ok", "ok"]
    winner, loser = sorted(results, key=lambda k: -len(results[k].moved))
    assert sorted(results[winner].moved) == ids and results[loser].moved == []
    assert results[loser].skipped == {SkipReason.OTHER_OWNER: 4}
    for case in cases:
        assert case.events.filter(kind=EventKind.ASSIGNED).count() == 1
