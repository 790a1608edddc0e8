"""The BRP client against the fake BRP service, and the fake itself: it refuses
what the OpenAPI document does not allow, in requests and in responses."""

from __future__ import annotations

import datetime as dt
import json
import socket

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.brp.client import FIELDS, BrpError, BrpNotFound, BrpSettings, lookup
from rbl.core.bsn import make_bsn
from tests.brp.fake_brp import (
    JSON,
    FakeBrp,
    Spec,
    SpecError,
    datum,
    gezag_niet_te_bepalen,
    ouders,
    persoon,
)

BSN = make_bsn(55_500_001)


def _conf(brp: FakeBrp, **kw) -> BrpSettings:
    return BrpSettings(url=brp.url, api_key="test-sleutel", **{"timeout": 5.0, **kw})


def test_the_client_asks_by_bsn_with_the_fields_rbl_needs_and_reads_the_answer(brp):
    brp.persons[BSN] = persoon(
        BSN,
        geslachtsnaam="Vries",
        voorvoegsel="de",
        voornamen="Noor Anna",
        adres={
            "officieleStraatnaam": "Lichtenvoordsestraat",
            "huisnummer": 12,
            "huisletter": "b",
            "postcode": "7121 RC",
            "woonplaats": "Aalten",
        },
        adres_sinds="2026-01-05",
        ingeschreven="2020-02-03",
        gezag=ouders(BSN, "Anna de Vries", "Piet de Vries"),
        geheim=True,
    )
    answer = lookup(BSN, _conf(brp))
    sent = brp.requests[-1]
    assert sent["type"] == "RaadpleegMetBurgerservicenummer"
    assert sent["burgerservicenummer"] == [BSN]
    assert set(FIELDS) == set(sent["fields"])
    assert "geheimhoudingPersoonsgegevens" not in sent["fields"]  # delivered unasked
    assert brp.headers[-1]["x-api-key"] == "test-sleutel"
    assert (answer.surname, answer.prefix, answer.given_names) == ("Vries", "de", "Noor Anna")
    assert answer.birth_date == dt.date(2012, 5, 1)
    assert (answer.street, answer.house_number, answer.house_letter) == (
        "Lichtenvoordsestraat",
        "12",
        "b",
    )
    assert answer.postcode == "7121RC"
    assert answer.municipality_code == "0197"
    assert answer.address_since == dt.date(2026, 1, 5)
    assert answer.settled_on == dt.date(2020, 2, 3)
    assert answer.secret is True
    assert [g.name for g in answer.guardians] == ["Anna de Vries", "Piet de Vries"]
    assert answer.authority_unknown == ""


def test_gezag_niet_te_bepalen_is_read_with_its_explanation(brp):
    brp.persons[BSN] = persoon(
        BSN,
        geslachtsnaam="Smit",
        gezag=gezag_niet_te_bepalen(
            BSN, "Gezag kan niet worden bepaald omdat de ouder onbekend is."
        ),
        overleden="2026-02-01",
    )
    answer = lookup(BSN, _conf(brp))
    assert answer.guardians == ()
    assert answer.authority_unknown.startswith("Gezag niet te bepalen: Gezag kan niet")
    assert answer.died_on == dt.date(2026, 2, 1)


def test_a_person_abroad_is_read_as_abroad(brp):
    brp.persons[BSN] = persoon(BSN, geslachtsnaam="Smit", buitenland=True, gemeente=("1999", "RNI"))
    answer = lookup(BSN, _conf(brp))
    assert answer.abroad
    assert answer.street == ""


def test_an_unknown_bsn_is_not_found(brp):
    with pytest.raises(BrpNotFound, match="kent geen persoon"):
        lookup(BSN, _conf(brp))


def test_a_timeout_is_a_dutch_message(brp):
    brp.persons[BSN] = persoon(BSN, geslachtsnaam="Smit")
    brp.mode, brp.delay = "traag", 1.5
    with pytest.raises(BrpError, match="binnen 0.3 seconden geen antwoord") as caught:
        lookup(BSN, _conf(brp, timeout=0.3))
    assert BSN not in str(caught.value)


def test_a_server_error_is_a_dutch_message_with_the_problem_title(brp):
    brp.mode = "storing"
    with pytest.raises(BrpError) as caught:
        lookup(BSN, _conf(brp))
    text = str(caught.value)
    assert "De BRP had een interne fout (HTTP 500)." in text
    assert "Interne server fout." in text


def test_a_400_problem_json_names_the_invalid_parameters(brp):
    brp.mode = "weigering"
    with pytest.raises(BrpError) as caught:
        lookup(BSN, _conf(brp))
    text = str(caught.value)
    assert "De BRP weigerde de vraag als onjuist (HTTP 400)." in text
    assert "Een of meerdere parameters zijn niet correct." in text
    assert "fields: Parameter bevat een niet bestaande veldnaam." in text


def test_an_unreachable_service_is_a_dutch_message():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(BrpError, match="De BRP is niet bereikbaar"):
        lookup(BSN, BrpSettings(url=f"http://127.0.0.1:{port}/api", timeout=2))


def test_without_a_url_the_lookup_is_off():
    with pytest.raises(BrpError, match="niet ingesteld"):
        lookup(BSN, BrpSettings(url=""))


# -- the fake cannot quietly accept anything ------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [BSN]}, JSON),
        ({"type": "RaadpleegMetBurgerservicenummer", "fields": ["naam"]}, JSON),
        (
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": ["12"],
                "fields": ["naam"],
            },
            JSON,
        ),
        ({"type": "Onbekend", "burgerservicenummer": [BSN], "fields": ["naam"]}, JSON),
        (
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": [BSN],
                "fields": ["a b"],
            },
            JSON,
        ),
        (
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": [BSN],
                "fields": ["naam"],
            },
            "text/plain",
        ),
    ],
    ids=["no-fields", "no-bsn", "short-bsn", "unknown-type", "bad-field", "wrong-content-type"],
)
def test_the_fake_refuses_an_invalid_request(brp, body, content_type):
    brp.persons[BSN] = persoon(BSN, geslachtsnaam="Smit")
    response = httpx.post(
        f"{brp.url}/personen",
        content=json.dumps(body).encode(),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert len(brp.failures) == 1 and brp.failures[0].startswith("verzoek:")
    assert brp.requests == []  # never answered as a query
    brp.failures.clear()


def test_the_fake_never_sends_an_answer_that_breaks_the_document(brp):
    brp.persons[BSN] = persoon(BSN, geslachtsnaam="Smit")
    brp.mode = "ongeldig"
    with pytest.raises(BrpError, match="HTTP 500"):
        lookup(BSN, _conf(brp))
    assert len(brp.failures) == 1 and brp.failures[0].startswith("antwoord:")
    brp.failures.clear()


@pytest.mark.parametrize(
    "breakage",
    [
        lambda p: p["verblijfplaats"]["verblijfadres"].update(huisnummer="twaalf"),
        lambda p: p["geboorte"].update(datum={"type": "Datum", "datum": "2012-05-01"}),
        lambda p: p["geboorte"].update(
            datum={"type": "Datum", "datum": "1 mei", "langFormaat": "x"}
        ),
        lambda p: p["verblijfplaats"].update(type="Onbekend"),
        lambda p: p["gezag"][0].pop("toelichting"),
        lambda p: p["naam"].update(geslachtsnaam="<script>"),
    ],
    ids=[
        "house-number-text",
        "date-without-long-form",
        "date-not-iso",
        "unknown-place",
        "gezag-note",
        "name-chars",
    ],
)
def test_the_spec_check_catches_an_invalid_response(brp_spec: Spec, breakage):
    person = persoon(BSN, geslachtsnaam="Smit", gezag=gezag_niet_te_bepalen(BSN, "Onbekend."))
    request = brp_spec.request(
        json.dumps(
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": [BSN],
                "fields": ["naam"],
            }
        ).encode(),
        JSON,
    )
    good = {"type": "RaadpleegMetBurgerservicenummer", "personen": [person]}
    brp_spec.validate_response(request, 200, json.dumps(good).encode(), JSON)
    breakage(person)
    with pytest.raises(SpecError):
        brp_spec.validate_response(request, 200, json.dumps(good).encode(), JSON)


def test_the_spec_check_catches_a_problem_body_out_of_shape(brp_spec: Spec):
    request = brp_spec.request(b"{}", JSON)
    bad = {"title": "x", "status": "vijfhonderd"}
    with pytest.raises(SpecError):
        brp_spec.validate_response(
            request, 500, json.dumps(bad).encode(), "application/problem+json"
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    surname=st.from_regex(r"[a-zA-Z][a-zA-Z '\-]{0,30}", fullmatch=True),
    number=st.integers(min_value=1, max_value=99999),
    day=st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2026, 1, 1)),
)
def test_any_valid_answer_reads_back_the_same(brp, surname, number, day):
    brp.persons[BSN] = persoon(
        BSN,
        geslachtsnaam=surname,
        adres={
            "officieleStraatnaam": "Markt",
            "huisnummer": number,
            "postcode": "7121AA",
            "woonplaats": "Aalten",
        },
        adres_sinds=day.isoformat(),
    )
    answer = lookup(BSN, _conf(brp))
    assert answer.surname == surname
    assert answer.house_number == str(number)
    assert answer.address_since == day
    assert datum(day.isoformat())["datum"] == day.isoformat()


def test_no_log_line_holds_the_bsn(brp, caplog):
    caplog.set_level("DEBUG")
    brp.persons[BSN] = persoon(BSN, geslachtsnaam="Smit")
    lookup(BSN, _conf(brp))
    for mode in ("storing", "weigering", "traag"):
        brp.mode, brp.delay = mode, 0.6
        with pytest.raises(BrpError):
            lookup(BSN, _conf(brp, timeout=0.2))
    with pytest.raises(BrpError):
        lookup(BSN, BrpSettings(url="http://127.0.0.1:9/api", timeout=1))
    assert caplog.records  # the failures were logged ...
    assert all(BSN not in r.getMessage() for r in caplog.records)  # ... without the BSN
