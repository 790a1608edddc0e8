"""A fake Haal Centraal "BRP bevragen" server for the tests, on 127.0.0.1.

It answers `POST /haalcentraal/api/brp/personen` from a small table of persons
and checks every request it receives and every response it sends against the
official OpenAPI document (an unchanged copy in this folder):

- openapi-core (0.23) matches the operation: server, path, method, the request's
  content type (`application/json; charset=utf-8`), the status code and the
  response's content type, and validates the body against the top schema.
- openapi-core does not follow the document's `discriminator` mappings (in
  OpenAPI 3.1 a discriminator is a hint; openapi-core validates only the base
  schema, so `{"type": "RaadpleegMetBurgerservicenummer"}` without a BSN, a
  BSN of two digits or an unknown `type` pass, and the `personen` of an answer
  are not checked at all). So the fake also validates each body with
  jsonschema (draft 2020-12, the dialect of OpenAPI 3.1, with format checks)
  against the operation's schema in which every discriminator is made binding:
  the `type` must be one of the mapping and the body must then match the mapped
  schema (`strict_schemas`). The problem+json error bodies are checked the same
  way against `Foutbericht` / `BadRequestFoutbericht`.

An invalid request is answered 400 with a Problem JSON, as the real service
does, and recorded in `failures`; a response that does not match the document
is never sent: it is recorded in `failures` and answered 500, so a test that
makes the fake answer wrongly fails instead of testing the client against a
shape the real BRP never sends.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jsonschema
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

#: The official document (BRP API Personen 2.7.0, resolved, EUPL-1.2), copied
#: unchanged from the public repository BRP-API/Haal-Centraal-BRP-bevragen.
SPEC_PATHS = (Path(__file__).with_name("haal-centraal-brp-bevragen-openapi.yaml"),)
#: Where the API lives on the fake, as on the document's server.
BASE_PATH = "/haalcentraal/api/brp"
SPEC_SERVER = "https://proefomgeving.haalcentraal.nl"
JSON = "application/json; charset=utf-8"
PROBLEM = "application/problem+json"


def spec_path() -> Path:
    for path in SPEC_PATHS:
        if path.exists():
            return path
    raise FileNotFoundError("the BRP OpenAPI document is missing")


def strict_schemas(schemas: dict[str, Any]) -> dict[str, Any]:
    """The document's schemas with every discriminator made binding (see the
    module docstring). A schema N with a discriminator becomes: N's own
    constraints (kept as N__basis), the property's value one of the mapping,
    and for each value the mapped schema; the mapped schemas' `allOf` refer to
    N__basis instead of N, so the check does not run in circles."""
    schemas = copy.deepcopy(schemas)
    for name, schema in list(schemas.items()):
        disc = schema.get("discriminator") if isinstance(schema, dict) else None
        if not disc:
            continue
        basis = f"{name}__basis"
        schemas[basis] = {k: v for k, v in schema.items() if k != "discriminator"}
        prop, mapping = disc["propertyName"], disc["mapping"]
        for ref in mapping.values():
            target = schemas[ref.rsplit("/", 1)[1]]
            for part in target.get("allOf", []):
                if part.get("$ref") == f"#/components/schemas/{name}":
                    part["$ref"] = f"#/components/schemas/{basis}"
        schemas[name] = {
            "allOf": [
                {"$ref": f"#/components/schemas/{basis}"},
                {"properties": {prop: {"enum": list(mapping)}}, "required": [prop]},
                *(
                    {"if": {"properties": {prop: {"const": value}}}, "then": {"$ref": ref}}
                    for value, ref in mapping.items()
                ),
            ]
        }
    return schemas


class SpecError(AssertionError):
    """A request or response that does not match the OpenAPI document."""


class Spec:
    """The OpenAPI document, as openapi-core and as strict JSON Schemas."""

    def __init__(self) -> None:
        path = spec_path()
        self.openapi = OpenAPI.from_file_path(str(path))
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        strict = {"components": {"schemas": strict_schemas(document["components"]["schemas"])}}
        resource = Resource.from_contents(strict, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:brp", resource)

    def _check(self, data: Any, schema_name: str) -> None:
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"urn:brp#/components/schemas/{schema_name}"},
            registry=self.registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            raise SpecError(
                f"{schema_name}: "
                + "; ".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])
            )

    def request(self, body: bytes, content_type: str, path: str = "/personen") -> MockRequest:
        return MockRequest(
            SPEC_SERVER, "post", BASE_PATH + path, data=body, content_type=content_type
        )

    def validate_request(self, request: MockRequest) -> dict[str, Any]:
        try:
            self.openapi.validate_request(request)
        except Exception as exc:  # openapi-core's own errors
            raise SpecError(f"request: {type(exc).__name__}: {str(exc)[:300]}") from None
        data = json.loads(request.body)
        self._check(data, "PersonenQuery")
        return data

    def validate_response(
        self, request: MockRequest, status: int, body: bytes, content_type: str
    ) -> None:
        if content_type == JSON:
            try:
                self.openapi.validate_response(
                    request, MockResponse(body, status_code=status, content_type=content_type)
                )
            except Exception as exc:
                raise SpecError(f"response: {type(exc).__name__}: {str(exc)[:300]}") from None
        elif content_type != PROBLEM or status < 400:
            raise SpecError(f"response: content type {content_type} with status {status}")
        data = json.loads(body)
        if status == 200:
            self._check(data, "PersonenQueryResponse")
        else:
            self._check(data, "BadRequestFoutbericht" if status == 400 else "Foutbericht")


def problem(status: int, title: str, detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": f"{SPEC_SERVER}{BASE_PATH}/personen",
        "code": code,
        **extra,
    }


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:  # no request lines in the test output
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class FakeBrp:
    """The fake service. `persons`: BSN -> `Persoon` (the API's JSON); `mode`
    makes it misbehave: "normaal", "traag" (answers after `delay` seconds),
    "storing" (500), "weigering" (400 Problem JSON with invalidParams),
    "ongeldig" (tries to send an answer that breaks the document)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.persons: dict[str, dict[str, Any]] = {}
        self.mode = "normaal"
        self.delay = 2.0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.failures: list[str] = []
        self._server = make_server(
            "127.0.0.1", 0, self.app, server_class=_Server, handler_class=_Quiet
        )
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}{BASE_PATH}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeBrp:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.persons.clear()
        self.mode = "normaal"
        self.requests.clear()
        self.headers.clear()
        self.failures.clear()

    # -- the WSGI application --------------------------------------------------

    def app(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        content_type = environ.get("CONTENT_TYPE", "")
        path = environ.get("PATH_INFO", "")
        self.headers.append(
            {
                k[5:].replace("_", "-").lower(): v
                for k, v in environ.items()
                if k.startswith("HTTP_")
            }
        )
        request = self.spec.request(body, content_type, path[len(BASE_PATH) :] or "/")
        if environ["REQUEST_METHOD"] != "POST" or not path.startswith(BASE_PATH):
            status, payload, kind = (
                404,
                problem(404, "Niet gevonden", "Onbekend pad", "notFound"),
                PROBLEM,
            )
            return self._send(start_response, status, json.dumps(payload).encode(), kind)
        try:
            query = self.spec.validate_request(request)
        except (SpecError, ValueError) as exc:
            self.failures.append(f"verzoek: {exc}")
            payload = problem(
                400,
                "Ten minste een parameter voldoet niet aan de specificatie.",
                "De vraag voldoet niet aan de specificatie.",
                "paramsValidation",
                invalidParams=[{"name": "body", "code": "schema", "reason": "Ongeldige vraag."}],
            )
            return self._send(start_response, 400, json.dumps(payload).encode(), PROBLEM, request)
        self.requests.append(query)
        status, payload, kind = self._answer(query)
        data = json.dumps(payload).encode()
        try:
            self.spec.validate_response(request, status, data, kind)
        except SpecError as exc:
            self.failures.append(f"antwoord: {exc}")
            status, kind = 500, PROBLEM
            data = json.dumps(
                problem(500, "Interne server fout.", "Ongeldig antwoord.", "serverError")
            ).encode()
        return self._send(start_response, status, data, kind)

    def _send(
        self, start_response: Any, status: int, data: bytes, kind: str, request: Any = None
    ) -> Iterator[bytes]:
        reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
        start_response(
            f"{status} {reasons.get(status, 'Error')}",
            [("Content-Type", kind), ("Content-Length", str(len(data)))],
        )
        return iter([data])

    def _answer(self, query: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        if self.mode == "traag":
            time.sleep(self.delay)
        if self.mode == "storing":
            return (
                500,
                problem(500, "Interne server fout.", "Er ging iets mis.", "serverError"),
                PROBLEM,
            )
        if self.mode == "weigering":
            return (
                400,
                problem(
                    400,
                    "Een of meerdere parameters zijn niet correct.",
                    "De foutieve parameter(s) zijn fields.",
                    "paramsValidation",
                    invalidParams=[
                        {
                            "name": "fields",
                            "code": "field",
                            "reason": "Parameter bevat een niet bestaande veldnaam.",
                        }
                    ],
                ),
                PROBLEM,
            )
        found = []
        for bsn in query.get("burgerservicenummer", []):
            person = self.persons.get(bsn)
            if person is not None:
                found.append(_only_fields(person, query["fields"]))
        if self.mode == "ongeldig":
            found = [{**p, "burgerservicenummer": "12"} for p in found] or [{"geslacht": "M"}]
        return 200, {"type": query["type"], "personen": found}, JSON


#: Fields the BRP always delivers without being asked (and refuses in `fields`).
_AUTOMATIC = (
    "geheimhoudingPersoonsgegevens",
    "inOnderzoek",
    "opschortingBijhouding",
    "rni",
    "verificatie",
)


def _only_fields(person: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The person with only the asked fields (by their first part) and the automatic ones."""
    wanted = {f.split(".", 1)[0] for f in fields} | set(_AUTOMATIC)
    return {k: v for k, v in person.items() if k in wanted}


# -- building answers -------------------------------------------------------------

_MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


def datum(iso: str) -> dict[str, Any]:
    year, month, day = (int(p) for p in iso.split("-"))
    return {"type": "Datum", "datum": iso, "langFormaat": f"{day} {_MONTHS[month - 1]} {year}"}


def persoon(
    bsn: str,
    *,
    geslachtsnaam: str,
    voornamen: str = "",
    voorvoegsel: str = "",
    geboortedatum: str = "2012-05-01",
    geslacht: str = "V",
    gemeente: tuple[str, str] = ("0197", "Aalten"),
    ingeschreven: str = "2012-05-01",
    adres: dict[str, Any] | None = None,
    adres_sinds: str = "2012-05-01",
    buitenland: bool = False,
    gezag: list[dict[str, Any]] | None = None,
    geheim: bool = False,
    overleden: str = "",
) -> dict[str, Any]:
    """A `Persoon` as the BRP sends it."""
    naam: dict[str, Any] = {"geslachtsnaam": geslachtsnaam}
    if voornamen:
        naam["voornamen"] = voornamen
    if voorvoegsel:
        naam["voorvoegsel"] = voorvoegsel
    labels = {"M": "man", "V": "vrouw", "O": "onbekend"}
    data: dict[str, Any] = {
        "burgerservicenummer": bsn,
        "naam": naam,
        "geboorte": {"datum": datum(geboortedatum)},
        "geslacht": {"code": geslacht, "omschrijving": labels[geslacht]},
        "gemeenteVanInschrijving": {"code": gemeente[0], "omschrijving": gemeente[1]},
        "datumInschrijvingInGemeente": datum(ingeschreven),
    }
    if buitenland:
        data["verblijfplaats"] = {
            "type": "VerblijfplaatsBuitenland",
            "verblijfadres": {
                "regel1": "Hauptstrasse 1",
                "regel2": "Bocholt",
                "land": {"code": "6029", "omschrijving": "Duitsland"},
            },
            "datumVan": datum(adres_sinds),
        }
    else:
        data["verblijfplaats"] = {
            "type": "Adres",
            "verblijfadres": adres
            or {
                "officieleStraatnaam": "Markt",
                "huisnummer": 1,
                "postcode": "7121AA",
                "woonplaats": "Aalten",
            },
            "datumVan": datum(adres_sinds),
        }
    if gezag is not None:
        data["gezag"] = gezag
    if geheim:
        data["geheimhoudingPersoonsgegevens"] = True
    if overleden:
        data["overlijden"] = {"datum": datum(overleden)}
    return data


def ouders(bsn: str, *names: str) -> list[dict[str, Any]]:
    """Joint parental authority of two parents over the minor `bsn`."""
    return [
        {
            "type": "GezamenlijkOuderlijkGezag",
            "minderjarige": {"burgerservicenummer": bsn},
            "ouders": [{"naam": {"volledigeNaam": n}} for n in names],
        }
    ]


def gezag_niet_te_bepalen(bsn: str, toelichting: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "GezagNietTeBepalen",
            "minderjarige": {"burgerservicenummer": bsn},
            "toelichting": toelichting,
        }
    ]
