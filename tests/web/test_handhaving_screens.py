"""The Halt and PV screens (R-22): the owner refers to Halt or asks for a PV,
the BOA fills in the record, the owner hears the outcome; who reaches what
(404 for a BOA of another municipality and a policy adviser), the access log,
and a second tab that gets a conflict instead of overwriting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rbl.accounts.models import Role
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Case, Handhaving, Task
from rbl.letters.models import LetterKind
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory
from tests.letters.factories import TINY_PDF
from tests.web.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def region_addresses(world: World, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    region = world.aalten.region
    region.halt_address = "Halt Oost-Nederland\nPostbus 1\n7000 AA  Doetinchem"
    region.om_address = "Openbaar Ministerie\nPostbus 2\n6800 AA  Arnhem"
    region.save()


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def start(client, case: Case, kind: str, boa, version: int | None = None):
    return client.post(
        reverse("handhaving:start", args=[case.pk]),
        {"kind": kind, "handler": boa.pk, "version": version or case.version},
    )


def test_owner_refers_to_halt_and_the_form_is_stored_with_the_case(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    page = client.get(reverse("web:case", args=[case.pk]))
    assert "Halt of proces-verbaal aanvragen" in page.content.decode()
    form = client.get(reverse("handhaving:start", args=[case.pk]))
    assert form.status_code == 200
    assert "Boa" in form.content.decode()  # boa-regio is offered as handler
    response = start(client, case, "halt", world.users["boa-regio"])
    item = Handhaving.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("handhaving:detail", args=[item.pk])
    assert item.prepared_document.letter_kind == LetterKind.HALT_VERWIJZING
    detail = client.get(response["Location"]).content.decode()
    assert "Verwijzing naar Halt" in detail and "Halt-verwijzing" in detail
    assert AccessLogEntry.objects.filter(
        username="lpa-aalten", action=Action.CHANGE, case_id=case.pk
    ).exists()


def test_halt_refused_on_an_excluded_case_type_with_the_reason(client, world):
    case = CaseFactory(
        person=PersonFactory(municipality=world.aalten),
        owner=world.users["lpa-aalten"],
        type="langdurig",
    )
    login(client, world, "lpa-aalten")
    response = start(client, case, "halt", world.users["boa-regio"])
    assert response.status_code == 400
    body = response.content.decode()
    assert "Halt is alleen mogelijk bij beginnend verzuim" in body
    assert 'role="alert"' in body
    assert not Handhaving.objects.exists() and not case.documents.exists()


def test_halt_refused_outside_12_to_18(client, world):
    case = CaseFactory(
        person=PersonFactory(municipality=world.aalten, birth_date=dt.date(2016, 1, 1)),
        owner=world.users["lpa-aalten"],
    )
    login(client, world, "lpa-aalten")
    response = start(client, case, "halt", world.users["boa-regio"])
    assert response.status_code == 400
    assert "12 tot 18 jaar" in response.content.decode()
    assert not Handhaving.objects.exists()


def test_pv_through_the_screens_reports_back_to_the_owner(client, world):
    case = world.cases["own"]
    boa = world.users["boa-regio"]
    login(client, world, "lpa-aalten")
    start(client, case, "pv", boa)
    pv = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    assert "Halt en PV" in client.get(reverse("handhaving:list")).content.decode()
    assert (
        client.post(reverse("handhaving:prepare", args=[pv.pk]), {"version": 1}).status_code == 302
    )
    scan = SimpleUploadedFile("scan.pdf", TINY_PDF, content_type="application/pdf")
    url = reverse("handhaving:scan", args=[pv.pk])
    assert client.post(url, {"version": 2, "file": scan}).status_code == 302
    today = timezone.localdate()
    dates = {"version": 3, "sent_on": today.isoformat()}
    assert client.post(reverse("handhaving:dates", args=[pv.pk]), dates).status_code == 302
    outcome = {"version": 4, "outcome": "boete", "outcome_on": today.isoformat(), "note": ""}
    assert client.post(reverse("handhaving:outcome", args=[pv.pk]), outcome).status_code == 302
    task = Task.objects.get(case=case, title__contains="geldboete")
    assert task.assignee == world.users["lpa-aalten"]
    login(client, world, "lpa-aalten")
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Uitkomst Halt/PV: Geldboete op" in page
    assert "geldboete — vervolg bepalen" in page


def test_second_tab_gets_a_conflict_and_nothing_changes(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    start(client, case, "pv", world.users["boa-regio"])
    pv = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    today = timezone.localdate()
    url = reverse("handhaving:dates", args=[pv.pk])
    first = client.post(url, {"version": 1, "sent_on": today.isoformat()})
    assert first.status_code == 302
    second = client.post(url, {"version": 1, "sent_on": (today - dt.timedelta(days=1)).isoformat()})
    assert second.status_code == 409
    assert "intussen door iemand anders gewijzigd" in second.content.decode()
    pv.refresh_from_db()
    assert (pv.sent_on, pv.version) == (today, 2)
    assert AccessLogEntry.objects.filter(
        username="boa-regio", action=Action.VIEW, path=url, case_id=case.pk
    ).exists()


def test_bad_date_shows_the_error_summary_and_changes_nothing(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    start(client, case, "pv", world.users["boa-regio"])
    pv = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    response = client.post(
        reverse("handhaving:dates", args=[pv.pk]), {"version": 1, "sent_on": "31-02-2026"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="fouten"' in body and 'href="#data_sent_on"' in body
    assert 'aria-invalid="true"' in body
    pv.refresh_from_db()
    assert pv.sent_on is None and pv.version == 1


def test_boa_of_another_municipality_and_policy_adviser_get_404(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    start(client, case, "pv", world.users["boa-regio"])
    pv = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    client.post(reverse("handhaving:prepare", args=[pv.pk]), {"version": 1})
    pv.refresh_from_db()
    other_boa = staff("boa-winterswijk", Role.BOA, world.winterswijk)
    for user in (other_boa, world.users["beleid-winterswijk"]):
        client.force_login(user)
        for name in ("detail", "prepare", "scan", "dates", "outcome", "ask-pv"):
            url = reverse(f"handhaving:{name}", args=[pv.pk])
            response = client.get(url) if name == "detail" else client.post(url, {"version": 2})
            assert response.status_code == 404, (user.username, name)
        response = client.get(reverse("handhaving:start", args=[case.pk]))
        assert response.status_code == 404
        response = client.get(reverse("letters:document", args=[pv.prepared_document.pk]))
        assert response.status_code == 404
    pv.refresh_from_db()
    assert pv.version == 2


def test_every_view_is_in_the_access_log(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    client.get(reverse("handhaving:start", args=[case.pk]))
    start(client, case, "pv", world.users["boa-regio"])
    pv = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    client.get(reverse("handhaving:list"))
    client.get(reverse("handhaving:detail", args=[pv.pk]))
    paths = set(AccessLogEntry.objects.filter(action=Action.VIEW).values_list("path", flat=True))
    assert {
        reverse("handhaving:start", args=[case.pk]),
        reverse("handhaving:list"),
        reverse("handhaving:detail", args=[pv.pk]),
    } <= paths
    listed = AccessLogEntry.objects.get(path=reverse("handhaving:list"))
    assert listed.username == "boa-regio" and listed.person_id == case.person_id


def test_failed_halt_offers_pv_to_the_owner(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    start(client, case, "halt", world.users["boa-regio"])
    halt = Handhaving.objects.get(case=case)
    login(client, world, "boa-regio")
    today = timezone.localdate().isoformat()
    client.post(
        reverse("handhaving:outcome", args=[halt.pk]),
        {"version": 1, "outcome": "halt_niet_geslaagd", "outcome_on": today},
    )
    assert (
        "PV aanvragen"
        not in client.get(reverse("handhaving:detail", args=[halt.pk])).content.decode()
    )
    login(client, world, "lpa-aalten")
    page = client.get(reverse("handhaving:detail", args=[halt.pk])).content.decode()
    assert "PV aanvragen" in page
    case.refresh_from_db()
    response = client.post(reverse("handhaving:ask-pv", args=[halt.pk]), {"version": case.version})
    pv = Handhaving.objects.get(case=case, kind="pv")
    assert response["Location"] == reverse("handhaving:detail", args=[pv.pk])
    assert pv.handler == world.users["boa-regio"]
