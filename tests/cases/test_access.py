"""Who may see what (R-60), at the queryset level: every role x own/other municipality."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.accounts import access
from rbl.accounts.models import Role
from rbl.cases.models import Handhaving, Substitution
from tests.cases.factories import CaseFactory, UserFactory, VerzuimMeldingFactory, staff
from tests.factories import PersonFactory, SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def world(aalten, winterswijk):
    owner_a = UserFactory(username="eigenaar-a")
    owner_w = UserFactory(username="eigenaar-w")
    person_a = PersonFactory(municipality=aalten)
    person_w = PersonFactory(municipality=winterswijk)
    pv_person = PersonFactory(municipality=aalten, birth_date=dt.date(2010, 1, 1))
    case_a = CaseFactory(person=person_a, owner=owner_a)
    case_w = CaseFactory(person=person_w, owner=owner_w)
    pv_case = CaseFactory(person=pv_person, owner=owner_a)
    Handhaving.objects.create(case=pv_case, kind="pv", opened_on=TODAY)
    pv_w = CaseFactory(person=PersonFactory(municipality=winterswijk), owner=owner_w)
    Handhaving.objects.create(case=pv_w, kind="halt", opened_on=TODAY)
    return {
        "person_a": person_a,
        "person_w": person_w,
        "pv_person": pv_person,
        "case_a": case_a,
        "case_w": case_w,
        "pv_case": pv_case,
        "pv_w": pv_w,
        "owner_a": owner_a,
    }


# role -> (sees Aalten persons, which Aalten cases, edits Aalten cases)
MATRIX = {
    Role.COORDINATOR: (True, {"case_a", "pv_case"}, True),
    Role.ADMINISTRATIE: (True, {"case_a", "pv_case"}, True),
    Role.LPA: (True, {"case_a", "pv_case"}, False),
    Role.KPA: (True, {"case_a", "pv_case"}, False),
    Role.RMC: (True, {"case_a", "pv_case"}, False),
    Role.BOA: (True, {"pv_case"}, False),
    Role.AUDITOR: (True, {"case_a", "pv_case"}, False),
    Role.BELEID: (False, set(), False),
    Role.PRIVACY: (False, set(), False),
    Role.BEHEER: (False, set(), False),
}


def test_matrix_covers_every_role():
    assert set(MATRIX) == set(Role.values) == set(access.ROLE_RULES)


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_for_own_municipality_only(world, aalten, role):
    sees_persons, case_keys, edits = MATRIX[role]
    user = staff(f"{role}-aalten", role, aalten)
    persons = set(access.visible_persons(user, TODAY))
    cases = set(access.visible_cases(user, TODAY))
    expected_persons = {world["person_a"], world["pv_person"]} if sees_persons else set()
    assert persons == expected_persons
    assert cases == {world[k] for k in case_keys}
    # Nothing of the other municipality, ever.
    assert world["person_w"] not in persons
    assert world["case_w"] not in cases and world["pv_w"] not in cases
    editable = set(access.editable_cases(user, TODAY))
    assert editable == ({world["case_a"], world["pv_case"]} if edits else set())


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_for_both_municipalities_sees_both(world, aalten, winterswijk, role):
    sees_persons, case_keys, _ = MATRIX[role]
    user = staff(f"{role}-regio", role, aalten, winterswijk)
    persons = set(access.visible_persons(user, TODAY))
    assert (world["person_w"] in persons) is sees_persons
    cases = set(access.visible_cases(user, TODAY))
    if case_keys == {"pv_case"}:
        assert cases == {world["pv_case"], world["pv_w"]}
    elif case_keys:
        assert cases == {world["case_a"], world["case_w"], world["pv_case"], world["pv_w"]}
    else:
        assert cases == set()


def test_queryset_shortcuts_agree_with_access_functions(world, aalten):
    from rbl.cases.models import Case

    coordinator = staff("coord", "coordinator", aalten)
    assert set(Case.objects.visible_to(coordinator)) == set(access.visible_cases(coordinator))
    assert set(Case.objects.editable_by(world["owner_a"])) == {world["case_a"], world["pv_case"]}


def test_figures_log_and_configuration_rights(aalten):
    assert access.aggregate_municipalities(staff("b", "beleid", aalten)) == {"0197"}
    assert access.can_read_access_log(staff("p", "privacy", aalten))
    assert not access.can_read_access_log(staff("c", "coordinator", aalten))
    assert access.can_configure(staff("h", "beheer", aalten))
    assert not access.can_configure(staff("l", "lpa", aalten))
    assert access.aggregate_municipalities(staff("x", "privacy", aalten)) == frozenset()


def test_owner_without_roles_sees_own_case_and_person_only(world):
    owner = world["owner_a"]
    assert set(access.visible_cases(owner, TODAY)) == {world["case_a"], world["pv_case"]}
    assert set(access.visible_persons(owner, TODAY)) == {world["person_a"], world["pv_person"]}
    assert set(access.editable_cases(owner, TODAY)) == {world["case_a"], world["pv_case"]}


def test_school_contact_sees_assigned_cases(world, aalten):
    contact = UserFactory(username="contact")
    SchoolFactory(contact=contact)
    case = CaseFactory(person=PersonFactory(municipality=aalten), owner=contact)
    assert list(access.visible_cases(contact, TODAY)) == [case]


def test_resident_with_case_elsewhere_stays_visible_for_rmc_principal(world, aalten, winterswijk):
    """A youth who moved away stays visible for the municipality on whose behalf
    a case runs ("registered in")."""
    moved = PersonFactory(municipality=winterswijk)
    case = CaseFactory(person=moved, principal=aalten, type="rmc")
    rmc = staff("rmc-aalten", "rmc", aalten)
    assert moved in access.visible_persons(rmc, TODAY)
    assert case in access.visible_cases(rmc, TODAY)


def test_case_on_behalf_of_elsewhere_follows_its_youth_home(world, aalten, winterswijk):
    """A youth who moved into Aalten brings a case on behalf of Winterswijk along:
    Aalten's officers read it, a BOA of Aalten only when it is a Halt/PV file;
    a youth living in Winterswijk with a Winterswijk case stays out of sight."""
    arrived = PersonFactory(municipality=aalten)
    case = CaseFactory(person=arrived, principal=winterswijk)
    halt = CaseFactory(person=PersonFactory(municipality=aalten), principal=winterswijk)
    Handhaving.objects.create(case=halt, kind="halt", opened_on=TODAY)
    lpa = set(access.visible_cases(staff("lpa-aalten", "lpa", aalten), TODAY))
    assert {case, halt} <= lpa
    assert world["case_w"] not in lpa and world["pv_w"] not in lpa
    boa = set(access.visible_cases(staff("boa-aalten", "boa", aalten), TODAY))
    assert halt in boa and case not in boa and world["pv_w"] not in boa


def test_substitute_sees_and_edits_absent_colleagues_cases(world):
    sub = UserFactory(username="waarnemer")
    Substitution.objects.create(
        absent=world["owner_a"], substitute=sub, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 5)
    )
    assert world["case_a"] in access.editable_cases(sub, TODAY)
    assert world["person_a"] in access.visible_persons(sub, TODAY)
    after = dt.date(2025, 3, 6)
    assert not access.editable_cases(sub, after).exists()
    assert not access.visible_persons(sub, after).exists()


def test_boa_handler_edits_handhaving_not_case(world, aalten):
    boa = staff("boa-aalten", "boa", aalten)
    item = Handhaving.objects.get(case=world["pv_case"])
    assert item in access.editable_handhaving(boa)
    assert not access.editable_handhaving(staff("lpa-x", "lpa", aalten)).exists()
    assert world["pv_case"] not in access.editable_cases(boa, TODAY)
    other_boa = UserFactory(username="boa-handler")
    item.handler = other_boa
    item.save()
    assert set(access.editable_handhaving(other_boa)) == {item}
    assert world["pv_case"] in access.visible_cases(other_boa, TODAY)


def test_inactive_and_anonymous_users_see_nothing(world, aalten):
    from django.contrib.auth.models import AnonymousUser

    user = staff("weg", "coordinator", aalten)
    user.is_active = False
    user.save()
    for who in (user, AnonymousUser(), None):
        assert not access.visible_persons(who, TODAY).exists()
        assert not access.visible_cases(who, TODAY).exists()
        assert not access.editable_cases(who, TODAY).exists()


def test_superuser_flag_grants_no_files(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not access.visible_persons(admin, TODAY).exists()


def test_unlinked_queue_only_for_administration(world, aalten):
    waiting = VerzuimMeldingFactory(person=None, bsn="123456782")
    linked = VerzuimMeldingFactory(person=world["person_a"])
    admin = staff("adm", "administratie", aalten)
    lpa = staff("lpa", "lpa", aalten)
    assert set(access.visible_meldingen(admin, TODAY)) == {waiting, linked}
    assert set(access.visible_meldingen(lpa, TODAY)) == {linked}
