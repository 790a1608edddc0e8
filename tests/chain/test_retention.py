"""An SVB notification and a BRP terugmelding go with their case file when
its retention term has ended (R-29): they hold the youth's address and the
officer's grounds, and their letters are removed with the file."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.audit.models import Tombstone
from rbl.audit.removal import run_case_retention
from rbl.chain.models import BrpTerugmelding, SvbNotification
from rbl.letters.models import Document
from tests.cases.factories import CaseFactory, staff
from tests.factories import MunicipalityFactory, PersonFactory, RegionFactory
from tests.letters.factories import DocumentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


def test_retention_removes_them_with_the_file(django_capture_on_commit_callbacks):
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=RegionFactory())
    officer = staff("lpa", "lpa", aalten)
    person = PersonFactory(municipality=aalten, birth_date=dt.date(2005, 1, 1))
    case = CaseFactory(
        person=person,
        type="absoluut",
        opened_on=dt.date(2016, 10, 1),
        status="afgesloten",
        closed_on=dt.date(2017, 1, 9),
        closing_reason="terug_naar_school",
    )
    SvbNotification.objects.create(
        case=case,
        trigger="absoluut",
        period_start=case.opened_on,
        due_on=dt.date(2016, 11, 26),
        prepared_on=dt.date(2016, 11, 26),
        document=DocumentFactory(case=case, person=person),
    )
    BrpTerugmelding.objects.create(
        case=case,
        person=person,
        municipality=aalten,
        reasons=["post_retour"],
        grounds="Post kwam terug.",
        registered_address="Markt 1, 7121 AA  AALTEN",
        recorded_on=dt.date(2016, 12, 1),
        recorded_by=officer,
        document=DocumentFactory(case=case, person=person),
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_case_retention(TODAY)
    assert [t.case_id for t in outcome.removed] == [case.pk]
    assert not SvbNotification.objects.exists()
    assert not BrpTerugmelding.objects.exists()
    assert not Document.objects.filter(case=case).exists()
    stone = Tombstone.objects.get(case_id=case.pk)
    assert stone.parts["svb_meldingen"] == 1 and stone.parts["terugmeldingen_brp"] == 1
    assert stone.parts["documenten"] == 2
