"""The forwarding screens (issue 20 item 4): an officer forwards a case to a
municipality outside the region or hands it over inside the region; bad input
answers in Dutch naming the field and changes nothing; others get 404, a
stale form 409; the case page shows what was sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import AgeGroup, AssignmentRule, EventKind
from rbl.chain.models import Forwarding
from rbl.letters.models import Document
from tests.letters.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def login(client, world, name="lpa-aalten"):
    client.force_login(world.users[name])


def forward_url(world, key="own"):
    return reverse("chain:forward", args=[world.cases[key].pk])


def test_officer_forwards_a_case_and_the_case_page_shows_it(client, world):
    case = world.cases["own"]
    doc = DocumentFactory(
        case=case, person=case.person, municipality=world.aalten, reference="LP-7", title="Notitie"
    )
    login(client, world)
    page = client.get(forward_url(world))
    assert page.status_code == 200
    assert "Notitie (kenmerk LP-7)" in page.content.decode()
    case.refresh_from_db()
    answer = client.post(
        forward_url(world),
        {
            "version": case.version,
            "municipality_name": "Enschede",
            "municipality_code": "0153",
            "documents": [str(doc.pk)],
        },
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.is_closed and Forwarding.objects.filter(case=case).count() == 1
    assert case.person.bsn not in answer["Location"]
    shown = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "overgedragen aan Leerplicht, gemeente Enschede (0153)" in shown
    assert "Meegestuurd: Notitie (kenmerk LP-7)" in shown
    assert AccessLogEntry.objects.filter(
        action=Action.EXPORT, case_id=case.pk, user=world.users["lpa-aalten"]
    ).exists()
    # a closed case is no longer offered for forwarding
    assert client.get(forward_url(world)).status_code == 403


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [
        ("12", "Enschede", "CBS-code nieuwe gemeente: Vul vier cijfers in"),
        ("", "Enschede", "CBS-code nieuwe gemeente: Vul de CBS-code"),
        ("0153", "", "Naam nieuwe gemeente: Vul de naam"),
        ("0294", "Winterswijk", "ligt in de regio"),
    ],
)
def test_bad_input_is_answered_in_dutch_and_changes_nothing(client, world, code, name, message):
    case = world.cases["own"]
    login(client, world)
    documents = Document.objects.count()
    answer = client.post(
        forward_url(world),
        {"version": case.version, "municipality_name": name, "municipality_code": code},
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    case.refresh_from_db()
    assert not case.is_closed and not Forwarding.objects.exists()
    assert Document.objects.count() == documents


def test_stale_form_and_other_officers(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-winterswijk")
    assert client.get(forward_url(world)).status_code == 404
    assert client.post(forward_url(world), {"version": case.version}).status_code == 404
    assert client.get(reverse("chain:move-region", args=[case.pk])).status_code == 404
    login(client, world)
    answer = client.post(
        forward_url(world),
        {"version": case.version - 1, "municipality_name": "Enschede", "municipality_code": "0153"},
    )
    assert answer.status_code == 409
    case.refresh_from_db()
    assert not case.is_closed


def test_coordinator_hands_over_inside_the_region(client, world):
    case = world.cases["own"]
    AssignmentRule.objects.create(
        municipality=world.winterswijk, age_group=AgeGroup.LP, user=world.users["lpa-winterswijk"]
    )
    login(client, world, "coordinator")
    url = reverse("chain:move-region", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Winterswijk (0294)" in page and "Aalten (0197)" not in page
    bad = client.post(
        url, {"version": case.version, "municipality": "0294", "moved_on": "2099-01-01"}
    )
    assert bad.status_code == 400 and "Datum verhuizing: Deze datum ligt in de toekomst." in (
        bad.content.decode()
    )
    answer = client.post(
        url, {"version": case.version, "municipality": "0294", "moved_on": "2026-03-02"}
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.principal_id == "0294" and case.owner == world.users["lpa-winterswijk"]
    assert case.events.filter(kind=EventKind.MUNICIPALITY).exists()
