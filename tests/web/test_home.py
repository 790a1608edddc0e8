"""Every role lands on the home that fits its work."""

from __future__ import annotations

import pytest

from tests.web.world import PASSWORD

pytestmark = pytest.mark.django_db

LANDING = {
    "coordinator": "/cijfers/",
    "lpa-aalten": "/werk/",
    "lpa-winterswijk": "/werk/",
    "kpa-regio": "/werk/",
    "rmc-regio": "/werk/",
    "boa-regio": "/werk/",
    "beleid-winterswijk": "/cijfers/jaarverslag/",
    "privacy": "/toegangslog/",
}


@pytest.mark.parametrize("username", sorted(LANDING))
def test_role_lands_on_its_work(client, world, username):
    assert client.login(username=username, password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == LANDING[username]
    assert client.get(response["Location"], follow=True).status_code == 200


def test_administration_lands_on_the_week(client, world):
    from rbl.absoluut.models import Signal

    Signal.objects.create(
        person=world.persons["own"],
        municipality=world.aalten,
        status="leerplichtig",
        opened_on="2026-03-10",
    )
    assert client.login(username="administratie", password=PASSWORD)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Deze week</h1>" in html
    assert response.context["signals_waiting"] == 1
    assert response.context["signals_new"] == 1
    assert [log.file_name for log in response.context["imports"]] == ["brp.csv"]
    # Counts and links only: no youth on this page.
    for person in world.persons.values():
        assert person.surname not in html


def test_application_management_lands_on_the_set_up_screens(client, world):
    assert client.login(username="beheer", password=PASSWORD)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Inrichting" in html and "/brieven/sjablonen/" in html and "/financien/" in html


def test_a_user_without_a_role_gets_a_plain_welcome(client, world):
    from tests.cases.factories import UserFactory

    user = UserFactory(username="nieuw")
    user.set_password(PASSWORD)
    user.save()
    assert client.login(username="nieuw", password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 200 and "Welkom" in response.content.decode()


def test_officer_sees_what_is_overdue_and_due_this_week(client, world):
    import datetime as dt

    from django.utils import timezone

    from rbl.cases.models import Task, TaskKind
    from tests.cases.factories import CaseFactory
    from tests.factories import PersonFactory

    today = timezone.localdate()  # Wednesday 11 March 2026 on the fixed clock
    officer = world.users["lpa-aalten"]
    due = {}
    for name, days in (("Vrijdag", 2), ("Zondag", 4), ("Maandag", 5)):
        case = CaseFactory(
            person=PersonFactory(municipality=world.aalten, surname=name),
            owner=officer,
            opened_on=today - dt.timedelta(days=10),
        )
        Task.objects.create(
            case=case,
            kind=TaskKind.OPVOLGING,
            title="Gesprek met ouders",
            due_on=today + dt.timedelta(days=days),
            assignee=officer,
        )
        due[name] = case

    assert client.login(username="lpa-aalten", password=PASSWORD)
    html = client.get("/werk/").content.decode()
    assert "<strong>1</strong> zaak met een verstreken termijn" in html
    assert "<strong>2</strong> zaken met een termijn deze week" in html
    assert "tot en met zondag 15 maart" in html

    overdue = client.get("/werk/?termijn=verstreken").context["cases"]
    assert overdue == [world.cases["own"]]
    this_week = client.get("/werk/?termijn=deze_week").context["cases"]
    assert {c.person.surname for c in this_week} == {"Vrijdag", "Zondag"}
