"""Every error of the API is Dutch JSON with DRF's shape (`{"detail": …}`, or
the fields with their reasons for invalid input): 400, 401, 403, 404 (also for
a URL under /api/ that matches nothing), 405, 429 and 500."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from rbl.api import errors
from rbl.api.views import CaseListView
from rbl.web import opaque

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/personen/zoeken/"
ENGLISH = re.compile(
    r"\b(the|not|no|found|matches|method|allowed|authentication|credentials|were|provided|"
    r"parse|error|invalid|request|permission|perform|throttled|expected|available)\b",
    re.IGNORECASE,
)


def dutch_json(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    text = " ".join(_texts(body))
    assert text and not ENGLISH.search(text), text
    return body


def _texts(value) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return [str(value)]


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


def test_403_for_an_anonymous_caller(world):
    body = dutch_json(APIClient().get("/api/v1/zaken/"), 403)
    assert body == {"detail": errors.NOT_AUTHENTICATED}


def test_403_for_a_wrong_token(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert dutch_json(client.get("/api/v1/zaken/"), 403) == {"detail": errors.AUTHENTICATION_FAILED}


def test_401_with_the_token_challenge_when_token_authentication_comes_first(world, monkeypatch):
    """With session authentication first (as configured) DRF answers 403; a
    view that asks for a token answers 401 with WWW-Authenticate, in Dutch."""
    from rbl.accounts.tokens import ServiceTokenAuthentication

    monkeypatch.setattr(CaseListView, "authentication_classes", [ServiceTokenAuthentication])
    response = APIClient().get("/api/v1/zaken/")
    assert dutch_json(response, 401) == {"detail": errors.NOT_AUTHENTICATED}
    assert response["WWW-Authenticate"] == "Token"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert dutch_json(client.get("/api/v1/zaken/"), 401) == {"detail": errors.AUTHENTICATION_FAILED}


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


def test_415_for_a_body_that_is_not_json(api):
    response = api.post(SEARCH, "bsn=1", content_type="text/plain")
    assert dutch_json(response, 415) == {"detail": errors.UNSUPPORTED_MEDIA_TYPE}


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
