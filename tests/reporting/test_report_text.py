"""The annual report's own text: edited by the municipality's policy adviser
and the coordinator, never a lost update, never trusted as HTML."""

from __future__ import annotations

import re

import pytest

from rbl.reporting.models import ReportText
from rbl.reporting.report_text import (
    StaleText,
    paragraphs,
    report_text,
    save_report_text,
)
from tests.web.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db

YEAR = "2025-2026"
HOSTILE = "<script>alert('jaarverslag')</script> & <b>vet</b>"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def url(gemeente: str, year: str = YEAR) -> str:
    return f"/cijfers/jaarverslag/{year}/{gemeente}/tekst/"


def report_url(gemeente: str, year: str = YEAR) -> str:
    return f"/cijfers/jaarverslag/{year}/{gemeente}/"


def version_in(html: str) -> int:
    return int(re.search(r'name="versie" value="(\d+)"', html).group(1))


def textarea(html: str) -> str:
    return re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)


# -- the service ---------------------------------------------------------------------------


def test_texts_per_school_year_municipality_and_region(world):
    user = world.users["coordinator"]
    assert report_text(YEAR, "0294") == ""
    save_report_text(
        YEAR, "0294", "Winterswijk.\r\n\r\nTweede alinea.  ", expected_version=0, user=user
    )
    save_report_text(YEAR, None, "De regio.", expected_version=0, user=user)
    assert report_text(YEAR, "0294") == "Winterswijk.\n\nTweede alinea."
    assert report_text(YEAR, None) == "De regio."
    assert report_text(YEAR, "0197") == ""
    assert report_text("2024-2025", "0294") == ""
    saved = ReportText.objects.get(municipality_id="0294")
    assert (saved.version, saved.updated_by) == (1, user)


def test_a_save_on_an_old_version_is_refused(world):
    first, second = world.users["coordinator"], world.users["beleid-winterswijk"]
    save_report_text(YEAR, "0294", "Eerste versie.", expected_version=0, user=first)
    save_report_text(YEAR, "0294", "Tweede versie.", expected_version=1, user=first)
    with pytest.raises(StaleText) as caught:
        save_report_text(YEAR, "0294", "Van de tweede gebruiker.", expected_version=1, user=second)
    assert caught.value.current.version == 2
    assert caught.value.current.text == "Tweede versie."
    # Two people starting a text that did not exist yet: the second is refused too.
    save_report_text(YEAR, None, "Regio A.", expected_version=0, user=first)
    with pytest.raises(StaleText):
        save_report_text(YEAR, None, "Regio B.", expected_version=0, user=second)
    assert report_text(YEAR, "0294") == "Tweede versie."
    assert report_text(YEAR, None) == "Regio A."


def test_paragraphs_split_on_blank_lines():
    text = "Eerste alinea\nloopt door.\n\n \n\nTweede alinea.\r\n\r\nDerde."
    assert paragraphs(text) == ["Eerste alinea\nloopt door.", "Tweede alinea.", "Derde."]
    assert paragraphs("") == []


# -- the screen ------------------------------------------------------------------------------


def test_the_policy_adviser_writes_the_text_and_goes_to_the_report(client, world):
    login(client, world.users["beleid-winterswijk"])
    page = client.get(url("0294"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tekst jaarverslag 2025-2026: Winterswijk" in html
    assert version_in(html) == 0
    assert '<label for="id_tekst">Tekst van de gemeente Winterswijk</label>' in html
    response = client.post(url("0294"), {"tekst": "Het jaar in Winterswijk.", "versie": "0"})
    assert response.status_code == 302
    assert response["Location"] == report_url("0294")
    assert report_text(YEAR, "0294") == "Het jaar in Winterswijk."
    html = client.get(url("0294")).content.decode()
    assert version_in(html) == 1
    assert "<p>Het jaar in Winterswijk.</p>" in html


def test_another_save_in_between_keeps_the_users_text_in_the_form(client, world):
    login(client, world.users["coordinator"])
    client.post(url("0294"), {"tekst": "Begin.", "versie": "0"})
    # Both open the form at version 1; the policy adviser saves first.
    other = client.__class__()
    login(other, world.users["beleid-winterswijk"])
    assert version_in(other.get(url("0294")).content.decode()) == 1
    assert other.post(url("0294"), {"tekst": "Door beleid.", "versie": "1"}).status_code == 302
    response = client.post(url("0294"), {"tekst": "Mijn eigen alinea.", "versie": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Iemand anders heeft deze tekst intussen gewijzigd" in html
    assert textarea(html).strip() == "Mijn eigen alinea."
    assert "<p>Door beleid.</p>" in html  # the text as it is now
    assert report_text(YEAR, "0294") == "Door beleid."
    # Saving again from this form builds on the version shown: accepted.
    assert version_in(html) == 2
    response = client.post(url("0294"), {"tekst": "Mijn eigen alinea.", "versie": "2"})
    assert response.status_code == 302
    assert report_text(YEAR, "0294") == "Mijn eigen alinea."


def test_a_hostile_text_is_shown_as_text(client, world):
    login(client, world.users["beleid-winterswijk"])
    text = f"{HOSTILE}\n\n<img src=x onerror=alert(1)>"
    assert client.post(url("0294"), {"tekst": text, "versie": "0"}).status_code == 302
    assert report_text(YEAR, "0294") == text  # stored as typed
    html = client.get(url("0294")).content.decode()
    assert "<script>" not in html and "<img src=x" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;alert(&#x27;jaarverslag&#x27;)&lt;/script&gt; &amp; &lt;b&gt;vet" in html
    assert "<p>&lt;img src=x onerror=alert(1)&gt;</p>" in html


def test_form_errors_are_in_dutch(client, world):
    login(client, world.users["beleid-winterswijk"])
    response = client.post(url("0294"), {"tekst": "x" * 20_001, "versie": "0"})
    assert response.status_code == 400
    assert "De tekst is te lang: ten hoogste 20000 tekens (nu 20001)." in response.content.decode()
    response = client.post(url("0294"), {"tekst": "Zonder versie."})
    assert response.status_code == 400
    assert "Het formulier is niet volledig" in response.content.decode()
    assert not ReportText.objects.exists()


def test_the_coordinator_writes_the_region_text(client, world):
    login(client, world.users["coordinator"])
    assert client.get(url("regio")).status_code == 200
    response = client.post(url("regio"), {"tekst": "De regio.", "versie": "0"})
    assert response["Location"] == report_url("regio")
    assert report_text(YEAR, None) == "De regio."
    assert report_text(YEAR, "0294") == ""


def test_who_may_edit_which_text(client, world):
    login(client, world.users["beleid-winterswijk"])
    for gemeente in ("0197", "regio", "9999"):
        assert client.get(url(gemeente)).status_code == 404
        assert client.post(url(gemeente), {"tekst": "x", "versie": "0"}).status_code == 404
    for year in ("2025", "2025-2027", "2025-26"):
        assert client.get(url("0294", year)).status_code == 404
    client.logout()
    login(client, world.matrix_user("coordinator"))  # coordinator for Aalten only
    assert client.get(url("0197")).status_code == 200
    assert client.get(url("0294")).status_code == 404
    assert client.get(url("regio")).status_code == 404
    for username in ("lpa-aalten", "administratie", "beheer", "privacy"):
        client.logout()
        login(client, world.users[username])
        assert client.get(url("0197")).status_code == 403
        assert client.post(url("0197"), {"tekst": "x", "versie": "0"}).status_code == 403
    assert not ReportText.objects.exists()
