"""The OpenAPI document (`/api/v1/schema/`) matches what the API answers.

schemathesis reads the document from the application running on 127.0.0.1
(pytest-django's live server, started as the browser tests start it), then
generates requests for every operation — valid and invalid bodies, query
parameters and ids — and sends them logged in with a service account's API
key. Every answer must be no server error and exactly as documented: a
documented status code, JSON, the documented headers and a body that fits the
documented schema (nullable fields, the error answers); an error answer must
be Dutch. The number of examples is bounded, so the run stays well under a
minute. The same checks run on answers with real records (200), for a staff
user's session, and without any login (401)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rbl.accounts.models import Role
from rbl.accounts.tokens import create_token
from rbl.web import opaque
from tests.api.dutch import english_in, texts
from tests.cases.factories import staff
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 15  # per operation and per kind of input (valid, invalid)

OPERATIONS = {
    "POST /api/v1/personen/zoeken/",
    "GET /api/v1/personen/{person_id}/",
    "GET /api/v1/zaken/",
    "GET /api/v1/zaken/{case_id}/",
    "GET /api/v1/rapportages/art25/",
}


def _sent_texts(case) -> list[str]:
    """What the request itself carried: an error may repeat a wrong value."""
    sent: list[Any] = [case.query, case.path_parameters]
    if not isinstance(case.body, NotSet):
        sent.append(case.body)
    return [t for value in sent if value for t in texts(value) if t]


def error_is_dutch(ctx, response, case) -> None:
    """An error answer is JSON with a Dutch text (what the caller sent aside)."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert texts(body), f"{response.status_code} zonder tekst"
    text = " ".join(texts(body))
    for value in sorted(_sent_texts(case), key=len, reverse=True):
        text = text.replace(value, " ")
    word = english_in(text)
    assert word is None, f"{response.status_code}: Engels woord {word!r} in {body!r}"
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    error_is_dutch,
]


@pytest.fixture
def api_world(live_server) -> World:
    return build_world()


@pytest.fixture
def api_key(api_world: World) -> str:
    """The key of a service account that sees the cases and figures of both
    municipalities (the coordinator's roles)."""
    account = staff("koppeling-regio", Role.COORDINATOR, api_world.aalten, api_world.winterswijk)
    account.is_service_account = True
    account.save()
    _, key = create_token(account, "koppeling", actor=api_world.users["beheer"])
    return key


@pytest.fixture
def api_schema(live_server, api_key):
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/", headers={"Accept": "application/json"}
    )
    return schema


def _operations(api_schema) -> dict[str, Any]:
    operations = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations[f"{operation.method.upper()} {operation.path}"] = operation
    return operations


def check_generated(operation, mode: GenerationMode, base_url: str, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        case.call_and_validate(base_url=base_url, checks=CHECKS)

    run()


def test_every_operation_answers_as_documented(live_server, api_schema, api_key):
    operations = _operations(api_schema)
    assert set(operations) >= OPERATIONS
    headers = {"Authorization": f"Token {api_key}"}
    for operation in operations.values():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            check_generated(operation, mode, live_server.url, headers)


def _session_cookie(user) -> str:
    """A staff user's session after the whole login (second factor included)."""
    client = Client()
    client.force_login(user)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"


def _call(operation, base_url: str, headers: dict, **kwargs) -> requests.Response:
    case = operation.Case(headers=headers, **kwargs)
    return case.call_and_validate(base_url=base_url, checks=CHECKS)


def test_real_records_by_key_by_session_and_without_login(
    live_server, api_schema, api_key, api_world
):
    """Answers with records in them (200), for both kinds of login, and 401
    without one: each exactly as documented."""
    operations = _operations(api_schema)
    person_id = opaque.person_id(api_world.persons["own"].pk)
    case_id = opaque.case_id(api_world.cases["own"].pk)
    base = live_server.url
    logins = {
        "sleutel": {"Authorization": f"Token {api_key}"},
        "sessie": {"Cookie": _session_cookie(api_world.users["coordinator"])},
    }
    for headers in logins.values():
        found = _call(
            operations["POST /api/v1/personen/zoeken/"],
            base,
            headers,
            body={"bsn": api_world.persons["own"].bsn},
            media_type="application/json",
        )
        # A session writes only with the CSRF token (403, as documented).
        assert found.status_code in (200, 403)
        if "Authorization" in headers:
            assert [p["id"] for p in found.json()["results"]] == [person_id]
        person = _call(
            operations["GET /api/v1/personen/{person_id}/"],
            base,
            headers,
            path_parameters={"person_id": person_id},
        )
        assert person.status_code == 200 and person.json()["vertrokken_op"] is None
        cases = _call(operations["GET /api/v1/zaken/"], base, headers)
        assert cases.json()["count"] == 2
        one = _call(
            operations["GET /api/v1/zaken/{case_id}/"],
            base,
            headers,
            path_parameters={"case_id": case_id},
        )
        assert one.json()["id"] == case_id
        figures = _call(
            operations["GET /api/v1/rapportages/art25/"],
            base,
            headers,
            query={"schooljaar": "2024-2025"},
        )
        assert figures.status_code == 200 and set(figures.json()["gemeenten"]) == {"0197", "0294"}
    anonymous = _call(operations["GET /api/v1/zaken/"], base, {})
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == ["Token"]
