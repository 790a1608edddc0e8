"""The work division screens (R-05): assignment rules and fixed contacts,
stand-ins, bulk reassignment with a preview; who may use them; refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.accounts.models import Role, SecurityEvent
from rbl.audit.models import AccessLogEntry
from rbl.cases.models import AgeGroup, AssignmentRule, CaseStatus, Substitution
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory, SchoolFactory
from tests.web.world import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return build_world()


def test_rules_page_shows_the_table(world, client):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("werkverdeling:rules"))
    assert response.status_code == 200
    assert "Toewijzingsregels" in response.content.decode()


@pytest.mark.parametrize("name", ["rules", "substitutions", "reassign"])
def test_only_coordinator_and_beheer_see_the_screens(world, client, name):
    url = reverse(f"werkverdeling:{name}")
    for username in ("coordinator", "beheer", "m-beheer", "m-coordinator"):
        client.force_login(world.users[username])
        assert client.get(url).status_code == 200, username
    for role in Role:
        if role in (Role.COORDINATOR, Role.BEHEER):
            continue
        client.force_login(world.matrix_user(role))
        assert client.get(url).status_code == 404, role
        assert client.post(url, {}).status_code == 404, role


def _setup_events(detail: str) -> int:
    return SecurityEvent.objects.filter(detail__icontains=detail).count()


def test_coordinator_sets_a_rule_and_it_goes_to_the_security_log(world, client):
    client.force_login(world.users["coordinator"])
    lpa = world.users["lpa-aalten"]
    response = client.post(
        reverse("werkverdeling:rules"),
        {"actie": "regels", "regel-0197-LP": lpa.pk, "gezien-0197-LP": ""},
    )
    assert response.status_code == 302
    rule = AssignmentRule.objects.get(municipality=world.aalten, age_group=AgeGroup.LP)
    assert rule.user == lpa
    assert _setup_events("Toewijzingsregel Aalten – Leerplicht: van niemand naar Lpa Test") == 1


def test_a_rule_changed_in_another_tab_is_refused_in_dutch(world, client):
    client.force_login(world.users["coordinator"])
    kpa = world.users["kpa-regio"]
    AssignmentRule.objects.create(municipality=world.aalten, age_group="KP", user=kpa)
    response = client.post(
        reverse("werkverdeling:rules"),
        {"actie": "regels", "regel-0197-KP": world.users["lpa-aalten"].pk, "gezien-0197-KP": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Intussen door iemand anders gewijzigd" in body
    assert "Aalten – Kwalificatieplicht (nu: Kpa Test)" in body
    assert AssignmentRule.objects.get(age_group="KP").user == kpa


def test_an_officer_not_offered_is_refused_naming_the_field(world, client):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("werkverdeling:rules"),
        {"actie": "regels", "regel-0197-RMC": world.users["lpa-aalten"].pk, "gezien-0197-RMC": ""},
    )
    assert response.status_code == 400
    assert "Toewijzing Aalten – RMC (18–23): kies een medewerker uit de lijst." in (
        response.content.decode()
    )
    response = client.post(
        reverse("werkverdeling:rules"),
        {"actie": "regels", "regel-0197-LP": "abc", "gezien-0197-LP": ""},
    )
    assert response.status_code == 400
    assert not AssignmentRule.objects.exists()


def test_schools_filter_paginate_and_set_a_contact(world, client):
    for i in range(30):
        SchoolFactory(name=f"Basisschool {i:02d}", municipality_code="0294", sector="PO")
    elsewhere = SchoolFactory(name="Buiten de regio", municipality_code="0344")
    client.force_login(world.users["coordinator"])
    url = reverse("werkverdeling:rules")
    page = client.get(url, {"gemeente": "0294", "sector": "PO"}).content.decode()
    assert "31 vestigingen" not in page and "30 vestigingen, pagina 1 van 2" in page
    assert "Het Assink Lyceum" not in page and elsewhere.name not in page
    page = client.get(url, {"zoek": "Assink"}).content.decode()
    assert "Het Assink Lyceum" in page and "Basisschool 00" not in page
    school = world.cases["own"].school
    lpa = world.users["lpa-aalten"]
    response = client.post(
        url,
        {
            "actie": "scholen",
            "school": [school.pk],
            f"contact-{school.pk}": lpa.pk,
            f"gezien-contact-{school.pk}": "",
            "terug": "zoek=Assink",
        },
    )
    assert response.status_code == 302 and response.url.endswith("?zoek=Assink")
    school.refresh_from_db()
    assert school.contact == lpa
    assert _setup_events("Vaste contactpersoon Het Assink Lyceum") == 1
    # A Winterswijk-only officer cannot be the contact of an Aalten school.
    response = client.post(
        url,
        {
            "actie": "scholen",
            "school": [school.pk],
            f"contact-{school.pk}": world.users["lpa-winterswijk"].pk,
            f"gezien-contact-{school.pk}": lpa.pk,
        },
    )
    assert response.status_code == 400
    assert "Vaste contactpersoon Het Assink Lyceum: kies een medewerker" in (
        response.content.decode()
    )


def test_coordinator_of_one_municipality_does_not_touch_another(world, client):
    from tests.cases.factories import staff

    only_aalten = staff("coord-aalten", Role.COORDINATOR, world.aalten)
    client.force_login(only_aalten)
    page = client.get(reverse("werkverdeling:rules")).content.decode()
    assert "Winterswijk" not in page
    response = client.post(
        reverse("werkverdeling:rules"),
        {"actie": "regels", "regel-0294-LP": world.users["lpa-winterswijk"].pk},
    )
    assert response.status_code == 400
    assert not AssignmentRule.objects.exists()


def test_substitution_add_refusals_end_and_remove(world, client):
    client.force_login(world.users["coordinator"])
    url = reverse("werkverdeling:substitutions")
    lpa, kpa = world.users["lpa-aalten"], world.users["kpa-regio"]
    response = client.post(url, {"absent": lpa.pk, "substitute": lpa.pk, "start": "2026-03-11"})
    assert response.status_code == 400
    assert "Waarnemer: iemand kan niet voor zichzelf waarnemen." in response.content.decode()
    response = client.post(
        url, {"absent": lpa.pk, "substitute": kpa.pk, "start": "2026-03-20", "end": "2026-03-12"}
    )
    assert "Tot en met: de einddatum ligt vóór de begindatum." in response.content.decode()
    response = client.post(url, {"absent": lpa.pk, "substitute": kpa.pk, "start": "gisteren"})
    assert "Vul een geldige datum in." in response.content.decode()
    # kpa-regio works in both municipalities of lpa-aalten: allowed, with a role warning.
    response = client.post(
        url, {"absent": lpa.pk, "substitute": kpa.pk, "start": "2026-03-11"}, follow=True
    )
    body = response.content.decode()
    assert "Waarneming vastgelegd: Kpa Test neemt waar voor Lpa Test" in body
    assert "Let op: Kpa Test heeft niet de rol leerplichtambtenaar" in body
    sub = Substitution.objects.get()
    assert _setup_events("Waarneming vastgelegd") == 1
    response = client.post(
        url, {"absent": lpa.pk, "substitute": world.users["rmc-regio"].pk, "start": "2026-04-01"}
    )
    assert "Periode: voor Lpa Test is al een waarneming" in response.content.decode()
    # lpa-aalten lacks Winterswijk, where kpa-regio works: refused.
    response = client.post(url, {"absent": kpa.pk, "substitute": lpa.pk, "start": "2026-03-12"})
    assert "werkt niet voor gemeente Winterswijk" in response.content.decode()
    # End the running one early.
    response = client.post(
        url,
        {"actie": "beeindigen", "waarneming": sub.pk, "einde": "2026-03-13", "gezien_einde": ""},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.end == dt.date(2026, 3, 13)
    future = Substitution.objects.create(
        absent=kpa, substitute=world.users["rmc-regio"], start=dt.date(2026, 4, 1)
    )
    response = client.post(url, {"actie": "verwijderen", "waarneming": sub.pk})
    assert "al begonnen" in response.content.decode()
    assert client.post(url, {"actie": "verwijderen", "waarneming": future.pk}).status_code == 302
    assert not Substitution.objects.filter(pk=future.pk).exists()
    assert _setup_events("Waarneming verwijderd") == 1


def test_reassign_preview_logs_access_and_moves_only_what_is_still_there(world, client):
    lpa = world.users["lpa-aalten"]
    extra = [
        CaseFactory(person=PersonFactory(municipality=world.aalten), owner=lpa) for _ in range(3)
    ]
    client.force_login(world.users["coordinator"])
    url = reverse("werkverdeling:reassign")
    preview = client.get(url, {"medewerker": lpa.pk})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "4 open zaken van Lpa Test" in body
    assert world.cases["own"].person.bsn not in body
    logged = set(
        AccessLogEntry.objects.filter(purpose="herverdelen: voorvertoning").values_list(
            "case_id", flat=True
        )
    )
    assert logged == {world.cases["own"].pk, *(c.pk for c in extra)}
    token = preview.context["token"]
    # Between preview and confirmation: one closed, one given to someone else.
    extra[0].status = CaseStatus.AFGESLOTEN
    extra[0].save(update_fields=["status"])
    extra[1].owner = world.users["coordinator"]
    extra[1].save(update_fields=["owner"])
    ticked = [c.pk for c in extra] + [world.cases["own"].pk, world.cases["other"].pk]
    response = client.post(
        url,
        {"voorvertoning": token, "zaak": ticked, "naar": world.users["kpa-regio"].pk},
        follow=True,
    )
    body = response.content.decode()
    assert "2 zaken overgedragen aan Kpa Test." in body
    assert (
        "Niet overgedragen: 1 zaak intussen afgesloten; 1 zaak intussen van een andere eigenaar."
        in body
    )
    for case, owner in [
        (world.cases["own"], "kpa-regio"),
        (extra[2], "kpa-regio"),
        (extra[0], "lpa-aalten"),
        (extra[1], "coordinator"),
        (world.cases["other"], "lpa-winterswijk"),  # not previewed: untouched
    ]:
        case.refresh_from_db()
        assert case.owner == world.users[owner], case
    assert _setup_events("Herverdeling: 2 zaken van Lpa Test naar Kpa Test") == 1


def test_reassign_refusals(world, client):
    client.force_login(world.users["coordinator"])
    url = reverse("werkverdeling:reassign")
    lpa = world.users["lpa-aalten"]
    response = client.post(url, {"voorvertoning": "vervalst", "zaak": [1], "naar": lpa.pk})
    assert response.status_code == 400
    assert "De voorvertoning is verlopen of ongeldig" in response.content.decode()
    token = client.get(url, {"medewerker": lpa.pk}).context["token"]
    response = client.post(url, {"voorvertoning": token, "naar": world.users["kpa-regio"].pk})
    assert "Zaken: vink ten minste één zaak aan" in response.content.decode()
    response = client.post(
        url, {"voorvertoning": token, "zaak": [world.cases["own"].pk], "naar": lpa.pk}
    )
    assert "Nieuwe eigenaar: kies een medewerker uit de lijst." in response.content.decode()
    response = client.get(url, {"medewerker": "999999"})
    assert response.status_code == 400
    assert "Kies een medewerker uit de lijst." in response.content.decode()
    world.cases["own"].refresh_from_db()
    assert world.cases["own"].owner == lpa


def test_beheer_sees_the_preview_without_names(world, client):
    client.force_login(world.users["beheer"])
    response = client.get(
        reverse("werkverdeling:reassign"), {"medewerker": world.users["lpa-aalten"].pk}
    )
    body = response.content.decode()
    assert "1 open zaak van Lpa Test" in body
    assert world.cases["own"].person.surname not in body


def test_cases_of_an_officer_who_left_without_roles_can_be_moved(world, client):
    lpa = world.users["lpa-aalten"]
    lpa.is_active = False
    lpa.save()
    lpa.role_assignments.all().delete()
    client.force_login(world.users["coordinator"])
    url = reverse("werkverdeling:reassign")
    page = client.get(url)
    assert "Lpa Test (inactief)" in page.content.decode()
    preview = client.get(url, {"medewerker": lpa.pk})
    assert "1 open zaak van Lpa Test" in preview.content.decode()
    # An inactive officer is never a new owner.
    assert lpa not in list(preview.context["targets"])
    response = client.post(
        url,
        {
            "voorvertoning": preview.context["token"],
            "zaak": [world.cases["own"].pk],
            "naar": world.users["kpa-regio"].pk,
        },
    )
    assert response.status_code == 302
    world.cases["own"].refresh_from_db()
    assert world.cases["own"].owner == world.users["kpa-regio"]


def test_an_unknown_school_filter_shows_nothing_and_says_why(world, client):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("werkverdeling:rules"), {"gemeente": "9999"}).content.decode()
    assert "Kies een gemeente uit de lijst." in page
    assert "Het Assink Lyceum" not in page and "Geen scholen gevonden." in page
