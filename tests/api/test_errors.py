"""Every error of the API is Dutch JSON with DRF's shape (`{"detail": …}`, or
the fields with their reasons for invalid input): 400, 401, 403, 404 (also for
a URL under /api/ that matches nothing), 405, 406, 415, 429 and 500; 401 comes
with the token challenge (`WWW-Authenticate: Token`)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from rbl.api import errors
from rbl.api.views import CaseListView
from rbl.web import opaque
from tests.api.dutch import english_in, texts

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/personen/zoeken/"


def dutch_json(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert texts(body) and english_in(body) is None, body
    return body


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.users["lpa-aalten"])
    return client


# --- 404 ---------------------------------------------------------------------------


def test_404_for_a_case_the_user_may_not_see_is_dutch_and_names_nothing(api, world):
    body = dutch_json(api.get(f"/api/v1/zaken/{opaque.case_id(world.cases['other'].pk)}/"), 404)
    assert body == {"detail": errors.NOT_FOUND}
    assert "Case" not in str(body) and "zaak" not in body["detail"].lower()
    person = dutch_json(
        api.get(f"/api/v1/personen/{opaque.person_id(world.persons['other'].pk)}/"), 404
    )
    assert person == {"detail": errors.NOT_FOUND}


@pytest.mark.parametrize(
    "url",
    ["/api/v1/bestaat-niet/", "/api/v1/zaken/geen-id/", "/api/v2/zaken/", "/api/", "/api"],
)
def test_404_for_a_url_under_api_is_dutch_json_not_the_html_page(api, url):
    assert dutch_json(api.get(url), 404) == {"detail": errors.NOT_FOUND}


def test_404_outside_the_api_stays_the_html_page(client, world):
    client.force_login(world.users["lpa-aalten"])
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Niet gevonden" in response.content.decode()


def test_a_page_past_the_last_keeps_its_own_dutch_reason(api):
    assert dutch_json(api.get("/api/v1/zaken/?page=99"), 404) == {"detail": "Ongeldige pagina."}


# --- 401 and 403 --------------------------------------------------------------------


def test_401_with_the_token_challenge_for_an_anonymous_caller(world):
    response = APIClient().get("/api/v1/zaken/")
    assert dutch_json(response, 401) == {"detail": errors.NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"] == "Token"
    search = APIClient().post(SEARCH, {"bsn": world.persons["own"].bsn}, format="json")
    assert dutch_json(search, 401) == {"detail": errors.NOT_AUTHENTICATED}
    assert search["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token 0123456789abcdef", "Token", "Token a b"])
def test_401_for_a_wrong_token(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/zaken/")
    assert dutch_json(response, 401) == {"detail": errors.AUTHENTICATION_FAILED}
    assert response["WWW-Authenticate"] == "Token"


def test_a_staff_session_still_reads_without_a_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["lpa-aalten"])
    response = client.get("/api/v1/zaken/")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_403_when_the_csrf_check_fails(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["lpa-aalten"])
    response = client.post(SEARCH, {"bsn": world.persons["own"].bsn}, format="json")
    assert dutch_json(response, 403) == {"detail": errors.CSRF_FAILED}


# --- 400 ------------------------------------------------------------------------------


def test_400_for_invalid_input_keeps_the_fields_and_their_dutch_reasons(api):
    body = dutch_json(api.post(SEARCH, {"bsn": "123"}, format="json"), 400)
    assert list(body) == ["bsn"] and "9 cijfers" in body["bsn"][0]
    empty = dutch_json(api.post(SEARCH, {}, format="json"), 400)
    assert list(empty) == ["non_field_errors"]
    assert list(dutch_json(api.get("/api/v1/zaken/?status=onzin"), 400)) == ["status"]


def test_400_for_a_body_that_is_no_json(api):
    response = api.post(SEARCH, "{kapot", content_type="application/json")
    assert dutch_json(response, 400) == {"detail": errors.PARSE_ERROR}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"bsn": True}, "bsn", "tekst"),
        ({"geslachtsnaam": ["Jansen"], "geboortedatum": "2012-01-01"}, "geslachtsnaam", "tekst"),
        ({"geslachtsnaam": "Jansen", "geboortedatum": "gisteren"}, "geboortedatum", "JJJJ-MM-DD"),
        ({"geslachtsnaam": "Jansen", "geboortedatum": "2012-01-01T10:00"}, "geboortedatum", "JJJJ"),
        ([], "non_field_errors", "JSON-object"),
        ("1", "non_field_errors", "JSON-object"),
    ],
)
def test_400_for_a_value_of_the_wrong_kind_is_dutch_too(api, body, field, reason):
    response = api.post(SEARCH, body, format="json")
    body = dutch_json(response, 400)
    assert list(body) == [field] and reason in body[field][0]


def test_400_for_a_json_null_body(api):
    response = api.post(SEARCH, "null", content_type="application/json")
    assert dutch_json(response, 400) == {"non_field_errors": [errors.NO_DATA]}


def test_415_for_a_body_that_is_not_json(api):
    response = api.post(SEARCH, "bsn=1", content_type="text/plain")
    assert dutch_json(response, 415) == {"detail": errors.UNSUPPORTED_MEDIA_TYPE}


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_415_for_a_form_post(api, content_type):
    response = api.post(SEARCH, "bsn=1", content_type=content_type)
    assert dutch_json(response, 415) == {"detail": errors.UNSUPPORTED_MEDIA_TYPE}


def test_406_when_the_caller_accepts_only_html(api):
    response = api.get("/api/v1/zaken/", HTTP_ACCEPT="text/html")
    assert dutch_json(response, 406) == {"detail": errors.NOT_ACCEPTABLE}


# --- 405, 429, 500 ------------------------------------------------------------------


def test_405_names_the_method_in_dutch(api):
    assert dutch_json(api.delete("/api/v1/zaken/"), 405) == {
        "detail": "De methode DELETE is hier niet toegestaan."
    }
    assert dutch_json(api.get(SEARCH), 405) == {"detail": "De methode GET is hier niet toegestaan."}


class _Exhausted(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        return False

    def wait(self) -> float:
        return 30.4


def test_429_says_when_to_try_again(api, monkeypatch):
    """No rate limit is configured; when one is, its answer is Dutch too."""
    monkeypatch.setattr(CaseListView, "throttle_classes", [_Exhausted])
    response = api.get("/api/v1/zaken/")
    assert dutch_json(response, 429) == {
        "detail": "Te veel verzoeken. Probeer het over 31 seconden opnieuw."
    }
    assert response["Retry-After"] == "31"


def test_500_is_dutch_json_without_internals(api, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("kapot: SELECT * FROM registry_person WHERE bsn = '123456782'")

    monkeypatch.setattr(CaseListView, "get", broken)
    api.raise_request_exception = False
    body = dutch_json(api.get("/api/v1/zaken/"), 500)
    assert body == {"detail": errors.SERVER_ERROR}


# --- OPTIONS -----------------------------------------------------------------------


@pytest.mark.parametrize(("url", "method"), [("/api/v1/zaken/", "GET"), (SEARCH, "POST")])
def test_options_names_the_methods_and_the_contract_in_dutch(api, url, method):
    response = api.options(url)
    body = dutch_json(response, 200)
    assert method in body["methoden"] and "OPTIONS" not in body["methoden"]
    assert body["openapi"].endswith("/api/v1/schema/")
    # Not DRF's default: no English docstring, no renderer or parser internals.
    assert set(body) == {"methoden", "omschrijving", "openapi"}
