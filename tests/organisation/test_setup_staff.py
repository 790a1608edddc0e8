"""Staff and their roles on the set-up screens: new accounts without a
password, roles per municipality, (de)activation; nobody changes their own
roles; the coordinator's limits; the security log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rbl.accounts.models import RoleAssignment, SecurityEvent, SecurityEventKind, User
from tests.cases.factories import staff
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def page(user: User) -> str:
    return reverse("organisation:staff-user", args=[user.pk])


def roles(user: User) -> set[tuple[str, str]]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", "municipality_id"))


def test_staff_list_shows_roles_per_municipality_and_inactive_on_request(world, client):
    gone = staff("oud-lpa", "lpa", world.aalten)
    gone.is_active = False
    gone.save()
    client.force_login(world.users["coordinator"])
    body = client.get(reverse("organisation:staff")).content.decode()
    assert "lpa-aalten" in body
    assert "Leerplichtambtenaar: Aalten" in body
    assert "oud-lpa" not in body
    body = client.get(reverse("organisation:staff") + "?toon=inactief").content.decode()
    assert "oud-lpa" in body and "lpa-aalten" not in body


def test_new_account_has_no_password_and_is_logged(world, client):
    client.force_login(world.users["beheer"])
    response = client.post(
        reverse("organisation:staff-new"),
        {
            "username": "j.devries",
            "first_name": "Jan",
            "last_name": "de Vries",
            "email": "j.devries@aalten.nl",
            "function": "leerplichtambtenaar",
        },
    )
    user = User.objects.get(username="j.devries")
    assert response.status_code == 302
    assert response["Location"] == page(user)
    assert not user.has_usable_password()
    assert (user.get_full_name(), user.function) == ("Jan de Vries", "leerplichtambtenaar")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_CREATED)
    assert (event.username, event.actor) == ("j.devries", "beheer")


@pytest.mark.parametrize(
    "data,message",
    [
        ({"username": "lpa-aalten", "last_name": "X"}, "Gebruikersnaam: Deze gebruikersnaam"),
        ({"username": "jan de vries", "last_name": "X"}, "Gebruikersnaam: Gebruik 2 tot 150"),
        ({"username": "u123456789", "last_name": "X"}, "negen cijfers"),
        ({"username": "piet", "last_name": ""}, "Achternaam: Vul dit veld in."),
        (
            {"username": "piet", "last_name": "X", "email": "geen"},
            "E-mail: Vul een geldig e-mailadres in.",
        ),
    ],
)
def test_bad_new_account_is_refused_in_dutch(world, client, data, message):
    client.force_login(world.users["coordinator"])
    count = User.objects.count()
    response = client.post(reverse("organisation:staff-new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == count


def test_grant_and_revoke_a_role_with_actor_in_the_security_log(world, client):
    lpa = world.users["lpa-aalten"]
    client.force_login(world.users["coordinator"])
    response = client.post(page(lpa), {"actie": "toekennen", "role": "kpa", "municipality": "0294"})
    assert response.status_code == 302
    assert ("kpa", "0294") in roles(lpa)
    granted = SecurityEvent.objects.filter(kind=SecurityEventKind.ROLE_GRANTED, user=lpa).first()
    assert granted.actor == "coordinator"
    response = client.post(page(lpa), {"actie": "intrekken", "rol": "kpa", "gemeente": "0294"})
    assert response.status_code == 302
    assert ("kpa", "0294") not in roles(lpa)
    revoked = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_REVOKED, user=lpa)
    assert revoked.actor == "coordinator"


@pytest.mark.parametrize("name", ["coordinator", "beheer"])
def test_nobody_changes_their_own_roles_or_account(world, client, name):
    me = world.users[name]
    client.force_login(me)
    body = client.get(page(me)).content.decode()
    assert "Dit bent u zelf" in body
    assert 'name="actie"' not in body  # no control to grant, revoke or deactivate
    before = roles(me)
    for data in [
        {"actie": "toekennen", "role": "lpa", "municipality": "0197"},
        {"actie": "intrekken", "rol": name, "gemeente": "0197"},
        {"actie": "deactiveren"},
    ]:
        response = client.post(page(me), data)  # a crafted POST
        assert response.status_code == 400
        assert "eigen rollen en account" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active
    assert roles(me) == before


def test_coordinator_grants_only_for_coordinated_municipalities_and_no_reserved_roles(
    world, client
):
    coordinator_aalten = staff("coord-aalten", "coordinator", world.aalten)
    lpa = world.users["lpa-aalten"]
    client.force_login(coordinator_aalten)
    form = client.get(page(lpa)).context["form"]
    assert [c for c, _ in form.fields["municipality"].choices] == ["0197"]
    offered = {c for c, _ in form.fields["role"].choices}
    assert "beheer" not in offered and "privacy" not in offered and "lpa" in offered
    for data, message in [
        ({"role": "lpa", "municipality": "0294"}, "Kies een gemeente uit de lijst."),
        ({"role": "beheer", "municipality": "0197"}, "Kies een rol uit de lijst."),
        ({"role": "privacy", "municipality": "0197"}, "Kies een rol uit de lijst."),
    ]:
        response = client.post(page(lpa), {"actie": "toekennen", **data})
        assert response.status_code == 400
        assert message in response.content.decode()
    # revoking a role for another municipality is refused too
    winterswijk_lpa = world.users["lpa-winterswijk"]
    response = client.post(
        page(winterswijk_lpa), {"actie": "intrekken", "rol": "lpa", "gemeente": "0294"}
    )
    assert response.status_code == 400
    assert "niet toekennen of intrekken" in response.content.decode()
    assert roles(lpa) == {("lpa", "0197")}
    assert ("lpa", "0294") in roles(winterswijk_lpa)


def test_coordinator_leaves_accounts_with_reserved_roles_alone(world, client):
    privacy = world.users["privacy"]
    client.force_login(world.users["coordinator"])
    body = client.get(page(privacy)).content.decode()
    assert "Rol geven" not in body and "buiten gebruik stellen" not in body
    response = client.post(page(privacy), {"actie": "deactiveren"})
    assert response.status_code == 400
    privacy.refresh_from_db()
    assert privacy.is_active
    # application management may
    client.force_login(world.users["beheer"])
    assert client.post(page(privacy), {"actie": "deactiveren"}).status_code == 302
    privacy.refresh_from_db()
    assert not privacy.is_active


def test_deactivate_ends_sessions_and_is_logged_then_reactivate(world, client):
    lpa = world.users["lpa-aalten"]
    other_browser = client.__class__()
    other_browser.force_login(lpa)
    assert other_browser.get(reverse("web:my-work")).status_code == 200
    client.force_login(world.users["coordinator"])
    assert client.post(page(lpa), {"actie": "deactiveren"}).status_code == 302
    lpa.refresh_from_db()
    assert not lpa.is_active
    assert other_browser.get(reverse("web:my-work")).status_code == 302  # to the login
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_DEACTIVATED)
    assert (event.username, event.actor) == ("lpa-aalten", "coordinator")
    assert client.post(page(lpa), {"actie": "activeren"}).status_code == 302
    lpa.refresh_from_db()
    assert lpa.is_active
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.SETUP_CHANGED, detail="account lpa-aalten weer in gebruik"
    ).exists()


def test_unknown_action_changes_nothing(world, client):
    lpa = world.users["lpa-aalten"]
    client.force_login(world.users["beheer"])
    response = client.post(page(lpa), {"actie": "verwijderen"})
    assert response.status_code == 400
    assert "Onbekende actie" in response.content.decode()
    assert User.objects.filter(pk=lpa.pk, is_active=True).exists()


def test_service_accounts_are_not_on_the_staff_screens(world, client):
    robot = staff("koppeling", "lpa", world.aalten)
    robot.is_service_account = True
    robot.save()
    client.force_login(world.users["beheer"])
    assert "koppeling" not in client.get(reverse("organisation:staff")).content.decode()
    assert client.get(page(robot)).status_code == 404
