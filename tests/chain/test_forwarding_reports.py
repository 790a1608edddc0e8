"""A DUO absence report of a youth who had moved out of the region before it
came in (issue 20 item 4): no new case is opened for it; the officer forwards
it to the new municipality's leerplicht office (letter read back, record,
access log) and it is marked as handled for DUO, never linked to a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Case, DuoStatus
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.meldingen import create_or_join_case_from_melding
from rbl.chain.forwarding import forward_report, forwardable_reports
from rbl.chain.models import Forwarding
from tests.cases.factories import VerzuimMeldingFactory
from tests.chain.helpers import pdf_text
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world):
    person = PersonFactory(
        municipality=world.aalten,
        surname="Smit",
        given_names="Lotte",
        moved_out_on=dt.date(2026, 2, 1),
    )
    melding = VerzuimMeldingFactory(
        person=person, meldingsdatum=dt.date(2026, 3, 2), verzuim_vanaf=dt.date(2026, 2, 9)
    )
    assert create_or_join_case_from_melding(melding) is None
    return melding


def test_report_of_a_youth_who_moved_out_opens_no_case(report):
    assert not Case.objects.filter(person=report.person).exists()
    assert forwardable_reports().filter(pk=report.pk).exists()


def test_report_is_forwarded_and_handled(world, report):
    item = forward_report(
        report,
        municipality_code="0153",
        municipality_name="Enschede",
        actor=world.users["lpa-aalten"],
    )
    text = pdf_text(item.letter)
    assert "Leerplicht, gemeente Enschede" in text
    assert report.meldingsnummer in text and "Lotte" in text
    assert item.case is None and item.melding_id == report.pk
    report.refresh_from_db()
    assert report.case_id is None and report.duo_status == DuoStatus.AFGESLOTEN
    assert not forwardable_reports().exists()
    assert AccessLogEntry.objects.filter(
        action=Action.EXPORT, person_id=report.person_id, purpose__contains="Enschede"
    ).exists()
    with pytest.raises(CaseRuleError, match="al afgehandeld"):
        forward_report(
            report,
            municipality_code="0153",
            municipality_name="Enschede",
            actor=world.users["lpa-aalten"],
        )
    assert Forwarding.objects.count() == 1


def test_report_screens(client, world, report):
    client.force_login(world.users["beleid-winterswijk"])
    assert (
        "Meldingen verhuisde jongeren"
        not in client.get(reverse("web:home"), follow=True).content.decode()
    )
    assert client.get(reverse("chain:reports")).status_code == 403
    client.force_login(world.users["lpa-aalten"])
    assert (
        "Meldingen verhuisde jongeren"
        in client.get(reverse("web:home"), follow=True).content.decode()
    )
    listing = client.get(reverse("chain:reports")).content.decode()
    assert report.meldingsnummer in listing and report.bsn not in listing
    url = reverse("chain:report-forward", args=[report.pk])
    assert report.bsn not in url
    bad = client.post(url, {"municipality_name": "Enschede", "municipality_code": "x"})
    assert bad.status_code == 400
    assert "CBS-code nieuwe gemeente: Vul vier cijfers in" in bad.content.decode()
    assert not Forwarding.objects.exists()
    answer = client.post(url, {"municipality_name": "Enschede", "municipality_code": "0153"})
    assert answer.status_code == 302
    assert Forwarding.objects.filter(melding=report).exists()
    client.force_login(world.users["lpa-winterswijk"])
    assert client.get(url).status_code == 404
