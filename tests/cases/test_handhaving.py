"""Halt and PV handled by a BOA while the owner stays owner (R-22), and the JCO list."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.accounts.access import jco_handhaving, visible_handhaving
from rbl.cases.models import Handhaving, Task
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.handhaving import (
    record_outcome,
    start_handhaving,
    update_handhaving,
)
from rbl.cases.services.lifecycle import open_case
from tests.cases.conftest import TODAY
from tests.cases.factories import staff
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(aalten):
    return {"lpa": staff("lpa", "lpa", aalten), "boa": staff("boa", "boa", aalten)}


@pytest.fixture
def case(aalten, people):
    teen = PersonFactory(municipality=aalten, birth_date=dt.date(2010, 4, 1))
    return open_case(teen, "relatief_16uur", owner=people["lpa"], today=TODAY)


def test_pv_process_keeps_owner_and_reports_back(case, people):
    pv = start_handhaving(
        case, "pv", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
    )
    case.refresh_from_db()
    assert case.owner == people["lpa"]
    assert case.route == "strafrecht"
    pv = update_handhaving(
        pv,
        actor=people["boa"],
        expected_version=1,
        documents_prepared_on=TODAY,
        signed_on=TODAY + dt.timedelta(days=1),
        sent_on=TODAY + dt.timedelta(days=2),
        hearing_on=TODAY + dt.timedelta(days=60),
    )
    assert list(Handhaving.objects.jco_list()) == [pv]
    record_outcome(
        pv, "taakstraf", actor=people["boa"], expected_version=2, on=TODAY + dt.timedelta(days=60)
    )
    assert list(Handhaving.objects.jco_list()) == []
    task = Task.objects.get(case=case)
    assert task.assignee == people["lpa"]
    assert "taakstraf" in task.title
    assert case.events.filter(kind="handhaving").count() == 3


def test_dates_must_follow_each_other(case, people):
    pv = start_handhaving(
        case, "pv", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
    )
    with pytest.raises(CaseRuleError, match="eerder gedateerd"):
        update_handhaving(
            pv,
            actor=people["boa"],
            expected_version=1,
            documents_prepared_on=TODAY,
            signed_on=TODAY - dt.timedelta(days=1),
        )
    pv.refresh_from_db()
    assert pv.signed_on is None


def test_stale_version_of_handhaving(case, people):
    pv = start_handhaving(
        case, "pv", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
    )
    update_handhaving(pv, actor=people["boa"], expected_version=1, documents_prepared_on=TODAY)
    with pytest.raises(ConcurrentEditError):
        update_handhaving(pv, actor=people["boa"], expected_version=1, signed_on=TODAY)


def test_halt_outcome_must_fit_and_age_is_checked(aalten, case, people):
    halt = start_handhaving(
        case, "halt", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
    )
    with pytest.raises(CaseRuleError, match="past niet"):
        record_outcome(halt, "taakstraf", actor=people["boa"], expected_version=1)
    record_outcome(halt, "halt_geslaagd", actor=people["boa"], expected_version=1)
    child = open_case(
        PersonFactory(municipality=aalten, birth_date=dt.date(2015, 1, 1)),
        "luxe",
        owner=people["lpa"],
        today=TODAY,
    )
    with pytest.raises(CaseRuleError, match="12 tot 18"):
        start_handhaving(
            child, "halt", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
        )
    assert Handhaving.objects.count() == 1


def test_jco_list_per_role_municipality(case, people, winterswijk):
    mine = start_handhaving(
        case, "pv", actor=people["lpa"], handler=people["boa"], expected_version=1, on=TODAY
    )
    lpa_w = staff("lpa-w", "lpa", winterswijk)
    other_case = open_case(
        PersonFactory(municipality=winterswijk, birth_date=dt.date(2010, 1, 1)),
        "luxe",
        owner=lpa_w,
        today=TODAY,
    )
    theirs = start_handhaving(
        other_case, "halt", actor=lpa_w, handler=None, expected_version=1, on=TODAY
    )
    assert set(Handhaving.objects.jco_list()) == {mine, theirs}
    assert list(Handhaving.objects.jco_list(["0294"])) == [theirs]
    assert list(visible_handhaving(people["boa"]).filter(outcome="")) == [mine]
    assert list(jco_handhaving(people["boa"]).jco_list()) == [mine]
