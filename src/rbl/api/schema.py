"""The error answers of the API in the OpenAPI document (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS).

drf-spectacular documents only the 200 answer of each operation. This hook
adds the error answers the API really gives (rbl.api.errors), each with the
schema of its body, so the document matches what a client receives:

- every operation: 401 (with `WWW-Authenticate: Token`), 403, 406 and 429
  (with `Retry-After`; wrong API keys from one address are throttled);
- an operation with query parameters or a request body: 400, the fields with
  their reasons (`{"veld": ["…"]}`) or `{"detail": "…"}`;
- an operation with a path parameter (an id) or query parameters (a page past
  the last, an unknown municipality): 404;
- an operation with a request body: 415 (only JSON is read).
"""

from __future__ import annotations

from typing import Any

ERROR = "Fout"
VALIDATION_ERROR = "Validatiefout"

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "Een fout van het verzoek als geheel, met de reden in het Nederlands.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": (
            "Ongeldige invoer: per veld (of `non_field_errors`) de redenen in het Nederlands, "
            "of `detail` voor het verzoek als geheel."
        ),
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}

_TEXT = {"type": "string"}

_RESPONSES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "400": (VALIDATION_ERROR, "Ongeldige invoer.", {}),
    "401": (
        ERROR,
        "Niet ingelogd, of de API-sleutel klopt niet.",
        {
            "WWW-Authenticate": {
                "schema": _TEXT,
                "description": "`Token`: stuur `Authorization: Token <sleutel>` mee.",
            }
        },
    ),
    "403": (ERROR, "Geen toestemming (of de CSRF-controle van een sessie is mislukt).", {}),
    "404": (ERROR, "Niet gevonden, of u mag het niet zien.", {}),
    "406": (ERROR, "Het gevraagde antwoordformaat is niet beschikbaar (alleen JSON).", {}),
    "415": (ERROR, "Het verzoek is geen JSON.", {}),
    "429": (
        ERROR,
        "Te veel verzoeken (bijvoorbeeld te veel onjuiste API-sleutels).",
        {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconden wachten."}},
    ),
}


def _codes(operation: dict[str, Any]) -> list[str]:
    places = {p.get("in") for p in operation.get("parameters", [])}
    body = "requestBody" in operation
    codes = ["401", "403", "406", "429"]
    if "query" in places or body:
        codes.append("400")
    if "path" in places or "query" in places:
        codes.append("404")
    if body:
        codes.append("415")
    return sorted(codes)


def _response(code: str) -> dict[str, Any]:
    component, description, headers = _RESPONSES[code]
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the error answers and their schemas (see the module)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete", "head", "options"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter["description"] = "Paginanummer (vanaf 1)."
            responses = operation.setdefault("responses", {})
            for code in _codes(operation):
                responses.setdefault(code, _response(code))
    return result
