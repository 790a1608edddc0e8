"""The RMC age limit on the set-up hub (/inrichting/rmc-leeftijd/) and on a
youth's timeline (issue 20 item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.law.models import RmcAgeLimit
from rbl.web.timeline import person_timeline
from tests.factories import EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/inrichting/rmc-leeftijd/"


def login(client, world, name):
    client.force_login(world.users[name])
    return client


def test_url_name():
    assert reverse("law:rmc-limits") == URL


def test_application_management_adds_a_limit(client, world):
    page = login(client, world, "beheer").get(URL).content.decode()
    assert "Vandaag (11-03-2026) geldt: <strong>tot 23 jaar</strong>" in page
    response = client.post(URL, {"age": "27", "valid_from": "2026-08-01"}, follow=True)
    page = response.content.decode()
    assert "Vastgelegd: de RMC-doelgroep loopt vanaf 1 augustus 2026 tot 27 jaar." in page
    assert "01-08-2026" in page and "gaat later in" in page
    assert list(RmcAgeLimit.objects.values_list("age", "valid_from")) == [(27, dt.date(2026, 8, 1))]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert event.actor == "beheer"
    assert "27 jaar vanaf 2026-08-01" in event.detail


@pytest.mark.parametrize(
    "data,message",
    [
        ({"age": "35", "valid_from": "2026-08-01"}, "Leeftijdsgrens (jaren): Vul 30 of minder in."),
        ({"age": "27", "valid_from": "2026-03-10"}, "Geldig vanaf: Kies vandaag of een latere"),
        ({"age": "27", "valid_from": "31-02-2026"}, "Geldig vanaf: Vul een datum in"),
        ({"age": "", "valid_from": "2026-08-01"}, "Leeftijdsgrens (jaren): Vul dit veld in."),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, world, data, message):
    response = login(client, world, "beheer").post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RmcAgeLimit.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.SETUP_CHANGED).exists()


def test_a_second_limit_on_the_same_day_is_refused(client, world):
    RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2026, 8, 1))
    response = login(client, world, "beheer").post(URL, {"age": "25", "valid_from": "2026-08-01"})
    assert response.status_code == 400
    assert "al een leeftijdsgrens" in response.content.decode()
    assert list(RmcAgeLimit.objects.values_list("age", flat=True)) == [27]


def test_the_coordinator_sees_the_limits_but_does_not_change_them(client, world):
    RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2026, 1, 1))
    page = login(client, world, "coordinator").get(URL).content.decode()
    assert "<strong>tot 27 jaar</strong>" in page
    assert "Alleen applicatiebeheer" in page and "<form" not in page.split("<main")[-1]
    response = client.post(URL, {"age": "25", "valid_from": "2026-08-01"})
    assert response.status_code == 403
    assert RmcAgeLimit.objects.count() == 1


@pytest.mark.parametrize("name", ["lpa-aalten", "rmc-regio", "beleid-winterswijk", "privacy"])
def test_others_get_404(client, world, name):
    assert login(client, world, name).get(URL).status_code == 404


def test_the_hub_links_to_the_screen(client, world):
    page = login(client, world, "beheer").get(reverse("organisation:setup")).content.decode()
    assert f'href="{URL}"' in page


def _texts(person):
    return [(i.day, i.text) for i in person_timeline(person, []) if i.category == "Wet"]


def test_the_timeline_follows_a_raised_limit(world):
    # 23 on 10 March 2024; the limit rises to 27 on 1 August 2026.
    person = PersonFactory(birth_date=dt.date(2001, 3, 10))
    EnrolmentFactory(bsn=person.bsn, start=dt.date(2027, 1, 4))
    assert (dt.date(2024, 3, 9), "Einde RMC-doelgroep (23 jaar)") in _texts(person)
    assert all(day <= dt.date(2024, 3, 10) for day, _ in _texts(person))

    RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2026, 8, 1))
    texts = _texts(person)
    assert (dt.date(2024, 3, 9), "Einde RMC-doelgroep (23 jaar)") in texts
    assert (dt.date(2026, 8, 1), "Weer RMC-doelgroep: leeftijdsgrens 27 jaar") in texts
    assert (dt.date(2028, 3, 9), "Einde RMC-doelgroep (27 jaar)") in texts
    # The school after the 23rd birthday is on the timeline now.
    assert any(i.day == dt.date(2027, 1, 4) for i in person_timeline(person, []))
