"""The record of a forwarding goes with its case file when the retention term
has ended (R-29): it lists the documents sent and points at the transfer
letter removed with the file."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.audit.models import Tombstone
from rbl.audit.removal import run_case_retention
from rbl.chain.models import Forwarding
from rbl.letters.models import Document
from tests.cases.factories import CaseFactory, staff
from tests.factories import MunicipalityFactory, PersonFactory, RegionFactory
from tests.letters.factories import DocumentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


def test_retention_removes_the_forwarding_with_the_file(django_capture_on_commit_callbacks):
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=RegionFactory())
    officer = staff("lpa", "lpa", aalten)
    person = PersonFactory(municipality=aalten, birth_date=dt.date(2005, 1, 1))
    case = CaseFactory(
        person=person,
        type="absoluut",
        opened_on=dt.date(2016, 10, 1),
        status="afgesloten",
        closed_on=dt.date(2017, 1, 9),
        closing_reason="verhuisd",
    )
    Forwarding.objects.create(
        case=case,
        person=person,
        municipality_code="0153",
        municipality_name="Enschede",
        summary="• Soort zaak: Absoluut verzuim",
        letter=DocumentFactory(case=case, person=person),
        sent_on=dt.date(2017, 1, 9),
        sent_by=officer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run_case_retention(TODAY)
    assert [t.case_id for t in outcome.removed] == [case.pk]
    assert not Forwarding.objects.exists()
    assert not Document.objects.filter(case=case).exists()
    assert Tombstone.objects.get(case_id=case.pk).parts["overdrachten"] == 1
