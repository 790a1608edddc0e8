"""Targets (streefwaarden): the coordinator sets them for the region and every
municipality, a policy adviser for their own municipality only; every change
is kept; `targets_for` and `target_met` answer the annual report and the
benchmark."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from rbl.reporting.definitions import REGION_ONLY, SchoolYear, figure, target_keys
from rbl.reporting.models import Target, TargetChange
from rbl.reporting.targets import keys_for, save_targets, target_met, targets_for
from tests.web.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

YEAR = "2025-2026"
URL = "/cijfers/streefwaarden/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def url(gemeente: str, year: str = YEAR) -> str:
    return f"{URL}?schooljaar={year}&gemeente={gemeente}"


# -- target_met ---------------------------------------------------------------------------


def test_target_met_when_lower_is_better():
    assert not figure("vsv_pct").higher_is_better
    assert target_met("vsv_pct", Decimal("1.80"), Decimal("2.00")) is True
    assert target_met("vsv_pct", Decimal("2.00"), Decimal("2.00")) is True
    assert target_met("vsv_pct", Decimal("2.01"), Decimal("2.00")) is False
    assert target_met("verzuimmeldingen.LUXE", 12, Decimal("10")) is False
    assert target_met("thuiszitters_per_1000", 2.5, Decimal("3")) is True


def test_target_met_when_higher_is_better():
    assert figure("rmc_naar_school").higher_is_better
    assert target_met("rmc_naar_school", 40, Decimal("35")) is True
    assert target_met("rmc_naar_school", 35, Decimal("35")) is True
    assert target_met("rmc_naar_school", 30, Decimal("35")) is False


def test_target_met_without_a_value_or_target_is_unknown():
    assert target_met("vsv_pct", None, Decimal("2")) is None
    assert target_met("vsv_pct", Decimal("2"), None) is None


# -- the service ---------------------------------------------------------------------------


def test_targets_per_school_year_municipality_and_region(world):
    user = world.users["coordinator"]
    save_targets(YEAR, None, {"vsv_pct": Decimal("2.0")}, user=user)
    save_targets(YEAR, "0294", {"vsv_pct": Decimal("1.5"), "pv": Decimal("20")}, user=user)
    save_targets("2024-2025", "0294", {"vsv_pct": Decimal("1.7")}, user=user)
    assert targets_for(YEAR, None) == {"vsv_pct": Decimal("2.0")}
    assert targets_for(SchoolYear(2025), "0294") == {"vsv_pct": Decimal("1.5"), "pv": 20}
    assert targets_for("2024-2025", "0294") == {"vsv_pct": Decimal("1.7")}
    assert targets_for(YEAR, "0197") == {}
    # Changing one, removing another, leaving what is not mentioned.
    result = save_targets(YEAR, "0294", {"vsv_pct": Decimal("1.4"), "pv": None}, user=user)
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    assert targets_for(YEAR, "0294") == {"vsv_pct": Decimal("1.4")}
    assert targets_for(YEAR, None) == {"vsv_pct": Decimal("2.0")}
    history = list(
        TargetChange.objects.filter(municipality_id="0294", school_year=YEAR)
        .order_by("pk")
        .values_list("key", "old_value", "new_value", "username")
    )
    assert history == [
        ("vsv_pct", None, Decimal("1.5"), "coordinator"),
        ("pv", None, Decimal("20"), "coordinator"),
        ("vsv_pct", Decimal("1.5"), Decimal("1.4"), "coordinator"),
        ("pv", Decimal("20"), None, "coordinator"),
    ]
    # The same values again: nothing changes, nothing is recorded.
    again = save_targets(YEAR, "0294", {"vsv_pct": Decimal("1.40"), "pv": None}, user=user)
    assert again.changed == 0
    assert TargetChange.objects.count() == 6


def test_region_only_figures_have_no_municipal_target(world):
    assert {k for k, _ in keys_for(None)} == {k for k, _ in target_keys()}
    municipal = {k for k, _ in keys_for("0294")}
    assert municipal and not municipal & REGION_ONLY
    with pytest.raises(ValueError):
        save_targets(YEAR, "0294", {"verzuimmeldingen_niet_gekoppeld": Decimal(1)}, user=None)
    assert not Target.objects.exists()


# -- the screen ------------------------------------------------------------------------------


def test_the_coordinator_sets_targets_for_the_region_and_each_municipality(client, world):
    login(client, world.users["coordinator"])
    page = client.get(URL)
    assert page.status_code == 200
    # The region first, then the municipalities, this school year by default.
    html = page.content.decode()
    current = str(SchoolYear.of(timezone.localdate()))
    assert f"Streefwaarden {current}: de regio" in html
    assert '<option value="0197">Aalten</option>' in html
    assert "Verzuimmeldingen: Luxe verzuim" in html
    assert figure("vsv_pct").definition in html
    for gemeente in ("regio", "0197", "0294"):
        response = client.post(url(gemeente), {"vsv_pct": "1,8", "rmc_naar_school": "25"})
        assert response.status_code == 302
        assert response["Location"] == url(gemeente)
    assert targets_for(YEAR, None) == {"vsv_pct": Decimal("1.8"), "rmc_naar_school": 25}
    assert targets_for(YEAR, "0197")["vsv_pct"] == Decimal("1.8")
    page = client.get(url("0294")).content.decode()
    assert "Streefwaarden 2025-2026 voor Winterswijk opgeslagen: 2 nieuw" in page
    assert 'name="vsv_pct" id="id_vsv_pct" value="1,8"' in page
    assert "ten minste" in page and "ten hoogste" in page
    assert "Laatste wijzigingen" in page and "coordinator" in page
    # Emptying a field removes the target.
    client.post(url("0294"), {"vsv_pct": "", "rmc_naar_school": "25"})
    assert targets_for(YEAR, "0294") == {"rmc_naar_school": 25}


def test_the_policy_adviser_sets_only_their_own_municipality(client, world):
    login(client, world.users["beleid-winterswijk"])
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert ": Winterswijk</h1>" in html
    assert "Regio (alle gemeenten)" not in html and "Aalten" not in html
    assert "Verzuimmeldingen niet gekoppeld" not in html  # a region-only figure
    assert client.post(url("0294"), {"vsv_pct": "1,5"}).status_code == 302
    assert targets_for(YEAR, "0294") == {"vsv_pct": Decimal("1.5")}
    # Another municipality or the region: 404, read or write, and nothing changes.
    for gemeente in ("0197", "regio", "9999"):
        assert client.get(url(gemeente)).status_code == 404
        assert client.post(url(gemeente), {"vsv_pct": "1,0"}).status_code == 404
    assert targets_for(YEAR, "0197") == {} and targets_for(YEAR, None) == {}
    assert Target.objects.count() == 1


def test_a_coordinator_of_part_of_the_region_sets_no_region_targets(client, world):
    login(client, world.matrix_user("coordinator"))  # coordinator for Aalten only
    html = client.get(URL).content.decode()
    assert ": Aalten</h1>" in html
    assert client.get(url("regio")).status_code == 404
    assert client.get(url("0294")).status_code == 404
    assert client.post(url("regio"), {"vsv_pct": "1"}).status_code == 404
    assert not Target.objects.exists()


@pytest.mark.parametrize("username", ["lpa-aalten", "administratie", "beheer", "privacy"])
def test_other_roles_set_no_targets(client, world, username):
    login(client, world.users[username])
    assert client.get(url("0294")).status_code == 403
    assert client.post(url("0294"), {"vsv_pct": "1"}).status_code == 403
    assert not Target.objects.exists()


def test_bad_values_are_refused_in_dutch_and_nothing_is_saved(client, world):
    login(client, world.users["coordinator"])
    client.post(url("0294"), {"vsv_pct": "1,8"})
    response = client.post(
        url("0294"),
        {"vsv_pct": "1,5", "pv": "veel", "halt": "2,5", "thuiszitters_per_1000": "-1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "De streefwaarden zijn niet opgeslagen" in html
    assert "Processen-verbaal: &#x27;veel&#x27; is geen getal" in html
    assert "Halt-verwijzingen: &#x27;2,5&#x27; is geen heel getal" in html
    assert "negatief" in html
    assert 'href="#id_pv"' in html and 'aria-invalid="true"' in html
    # What the user typed stays in the form; nothing was saved, not even the good value.
    assert 'name="pv" id="id_pv" value="veel"' in html
    assert targets_for(YEAR, "0294") == {"vsv_pct": Decimal("1.8")}


def test_an_unreadable_school_year_is_not_found(client, world):
    login(client, world.users["coordinator"])
    assert client.get(f"{URL}?schooljaar=2025&gemeente=regio").status_code == 404


def test_the_national_reference_is_shown_next_to_the_targets(client, world):
    from rbl.reporting.reference import load_reference

    load_reference(
        b"sleutel;schooljaar;waarde;bron\nvsv_pct;2025-2026;2,02;Voorbeeld\n", is_sample=True
    )
    login(client, world.users["beleid-winterswijk"])
    html = client.get(url("0294")).content.decode()
    assert "Landelijk 2025-2026" in html
    assert "2,02 <strong>(voorbeeldgegevens)</strong>" in html
    assert "Landelijk 2024-2025" not in client.get(url("0294", "2024-2025")).content.decode()


@pytest.mark.parametrize(
    ("username", "links"),
    [
        ("coordinator", {"Streefwaarden", "Landelijke referentie"}),
        ("beleid-winterswijk", {"Streefwaarden"}),
        ("lpa-aalten", set()),
    ],
)
def test_the_dashboard_links_to_the_settings_its_reader_may_use(client, world, username, links):
    login(client, world.users[username])
    html = client.get("/cijfers/").content.decode()
    shown = {
        label
        for label, href in (
            ("Streefwaarden", URL),
            ("Landelijke referentie", "/cijfers/referentie/"),
        )
        if f'<a href="{href}">{label}</a>' in html
    }
    assert shown == links


def _form_fields(html: str) -> dict[str, str]:
    """The named inputs of the targets form as the browser would send them."""
    import html as htmllib
    import re

    fields = {}
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = htmllib.unescape(value.group(1)) if value else ""
    return fields


def test_two_editors_at_once_lose_no_change(client, world):
    """Two coordinators open the same form; each changes a different target, and
    both changes stay. When both change the same target, the second is told and
    nothing of theirs is saved until they save again knowingly."""
    from django.test import Client

    save_targets(YEAR, "0294", {"vsv_pct": Decimal("1.8"), "pv": Decimal(3)}, user=None)
    first, second = client, Client()
    login(first, world.users["coordinator"])
    login(second, world.users["coordinator"])
    form_1 = _form_fields(first.get(url("0294")).content.decode())
    form_2 = _form_fields(second.get(url("0294")).content.decode())
    assert form_1["vsv_pct"] == "1,8" and "basis" in form_1

    # Different targets: both are kept.
    assert first.post(url("0294"), {**form_1, "vsv_pct": "1,5"}).status_code == 302
    assert second.post(url("0294"), {**form_2, "halt": "12"}).status_code == 302
    assert targets_for(YEAR, "0294") == {
        "vsv_pct": Decimal("1.5"),
        "pv": 3,
        "halt": 12,
    }

    # The same target: the later save is refused and says which one.
    form_1 = _form_fields(first.get(url("0294")).content.decode())
    form_2 = _form_fields(second.get(url("0294")).content.decode())
    assert first.post(url("0294"), {**form_1, "pv": "4"}).status_code == 302
    response = second.post(url("0294"), {**form_2, "pv": "6", "halt": "10"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft intussen deze streefwaarden gewijzigd: Processen-verbaal" in html
    assert targets_for(YEAR, "0294")["pv"] == 4 and targets_for(YEAR, "0294")["halt"] == 12
    # What they typed is still there; saving again sets it deliberately.
    again = _form_fields(html)
    assert again["pv"] == "6" and again["halt"] == "10"
    assert second.post(url("0294"), again).status_code == 302
    assert targets_for(YEAR, "0294")["pv"] == 6 and targets_for(YEAR, "0294")["halt"] == 10


def test_a_damaged_form_saves_nothing(client, world):
    login(client, world.users["coordinator"])
    response = client.post(url("0294"), {"vsv_pct": "1,5", "basis": "{niet"})
    assert response.status_code == 400
    assert "Het formulier is niet volledig; open de pagina opnieuw." in response.content.decode()
    assert not Target.objects.exists()
