"""What the OpenAPI document promises a client: fields that can be empty are
nullable, every error answer is documented with its body, both ways of
logging in are declared. (That the answers keep these promises is checked by
schemathesis in test_schema_conformance.py.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def _operation(schema: dict, path: str, method: str = "get") -> dict:
    return schema["paths"][path][method]


@pytest.mark.parametrize(
    ("component", "fields"),
    [
        ("Case", ["eigenaar", "school", "gesloten_op", "verzuim_sinds"]),
        ("PersonDetail", ["vertrokken_op", "overleden_op"]),
    ],
)
def test_fields_that_can_be_empty_are_nullable(schema, component, fields):
    properties = schema["components"]["schemas"][component]["properties"]
    for field in fields:
        assert properties[field].get("nullable") is True, field
    assert not properties["geopend_op" if component == "Case" else "geboortedatum"].get("nullable")


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/personen/zoeken/", "post", {"400", "401", "403", "406", "415", "429"}),
        ("/api/v1/personen/{person_id}/", "get", {"401", "403", "404", "406", "429"}),
        ("/api/v1/zaken/", "get", {"400", "401", "403", "404", "406", "429"}),
        ("/api/v1/zaken/{case_id}/", "get", {"401", "403", "404", "406", "429"}),
        ("/api/v1/rapportages/art25/", "get", {"400", "401", "403", "404", "406", "429"}),
    ],
)
def test_error_answers_are_documented_with_their_body(schema, path, method, codes):
    responses = _operation(schema, path, method)["responses"]
    assert set(responses) == {"200", *codes}
    for code in codes:
        ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
        assert ref == (
            "#/components/schemas/Validatiefout" if code == "400" else "#/components/schemas/Fout"
        )
    assert "WWW-Authenticate" in responses["401"]["headers"]
    assert "Retry-After" in responses["429"]["headers"]
    error = schema["components"]["schemas"]["Fout"]
    assert error["required"] == ["detail"]


def test_search_takes_json_only(schema):
    body = _operation(schema, "/api/v1/personen/zoeken/", "post")["requestBody"]
    assert set(body["content"]) == {"application/json"}


def test_token_and_session_are_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "API-sleutel van een dienstaccount: `Token <sleutel>`.",
    }
    assert schemes["cookieAuth"]["in"] == "cookie"
    for item in schema["paths"].values():
        for operation in item.values():
            assert {name for s in operation["security"] for name in s} == {
                "tokenAuth",
                "cookieAuth",
            }


def test_art25_figures_are_described(schema):
    body = _operation(schema, "/api/v1/rapportages/art25/")["responses"]["200"]["content"]
    properties = body["application/json"]["schema"]["properties"]
    assert {"gemeenten", "regio", "onderdrukt", "drempel"} <= set(properties)
    assert properties["drempel"]["nullable"] is True
