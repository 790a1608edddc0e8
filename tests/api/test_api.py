"""The REST API of interfaces.md: search by POST, 404 for what a user may not
see, the page envelope and filters, token auth, and access logging."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import CaseStatus
from rbl.web import opaque
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/personen/zoeken/"


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.users["lpa-aalten"])
    return client


def test_search_by_bsn_finds_a_visible_person(api, world):
    person = world.persons["own"]
    response = api.post(SEARCH, {"bsn": person.bsn}, format="json")
    assert response.status_code == 200
    [hit] = response.json()["results"]
    assert hit["bsn"] == person.bsn
    assert hit["gemeentecode"] == "0197"
    assert hit["id"] == opaque.person_id(person.pk)
    assert str(person.pk) != hit["id"]


def test_search_never_returns_a_person_of_another_municipality(api, world):
    response = api.post(SEARCH, {"bsn": world.persons["other"].bsn}, format="json")
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.parametrize(
    ("bsn", "reason"),
    [("123456789", "elfproef"), ("12345", "9 cijfers"), ("12345678a", "9 cijfers")],
)
def test_invalid_bsn_is_400_with_the_reason(api, bsn, reason):
    response = api.post(SEARCH, {"bsn": bsn}, format="json")
    assert response.status_code == 400
    assert reason in response.json()["bsn"][0]


@pytest.mark.parametrize("surname", ["jansen", "JANSEN", "de Jansen", "De jansen"])
def test_search_by_surname_ignores_case_and_prefix(api, world, surname):
    person = world.persons["own"]
    response = api.post(
        SEARCH,
        {"geslachtsnaam": surname, "geboortedatum": person.birth_date.isoformat()},
        format="json",
    )
    assert [r["id"] for r in response.json()["results"]] == [opaque.person_id(person.pk)]


def test_search_by_surname_needs_the_birth_date(api):
    response = api.post(SEARCH, {"geslachtsnaam": "Jansen"}, format="json")
    assert response.status_code == 400
    assert "geboortedatum" in response.json()


def test_search_with_wrong_birth_date_finds_nobody(api, world):
    response = api.post(
        SEARCH, {"geslachtsnaam": "Jansen", "geboortedatum": "2001-01-01"}, format="json"
    )
    assert response.json()["results"] == []


def test_search_is_not_possible_by_get(api):
    assert api.get(SEARCH).status_code == 405


def test_person_detail_and_404_for_another_municipality(api, world):
    own = api.get(f"/api/v1/personen/{opaque.person_id(world.persons['own'].pk)}/")
    assert own.status_code == 200
    body = own.json()
    assert body["geslachtsnaam"] == "Jansen"
    assert [z["id"] for z in body["zaken"]] == [opaque.case_id(world.cases["own"].pk)]
    other = api.get(f"/api/v1/personen/{opaque.person_id(world.persons['other'].pk)}/")
    assert other.status_code == 404
    # An id that decodes to no person at all looks exactly the same.
    assert api.get(f"/api/v1/personen/{opaque.person_id(999999)}/").status_code == 404


def test_plain_database_keys_are_not_accepted_as_ids(api, world):
    assert api.get(f"/api/v1/zaken/{world.cases['own'].pk}/").status_code == 404


def test_case_list_uses_the_page_envelope_and_shows_only_visible_cases(api, world):
    response = api.get("/api/v1/zaken/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["results"][0]["id"] == opaque.case_id(world.cases["own"].pk)
    assert body["results"][0]["gemeente"] == "0197"


def test_case_list_filters(world):
    client = APIClient()
    client.force_authenticate(world.users["coordinator"])
    extra = CaseFactory(
        person=PersonFactory(municipality=world.aalten),
        type="luxe",
        status=CaseStatus.AFGESLOTEN,
        owner=world.users["kpa-regio"],
    )

    def ids(query: str) -> set[str]:
        return {z["id"] for z in client.get(f"/api/v1/zaken/?{query}").json()["results"]}

    own, other = (opaque.case_id(world.cases[k].pk) for k in ("own", "other"))
    assert ids("") == {own, other, opaque.case_id(extra.pk)}
    assert ids("gemeente=0294") == {other}
    assert ids("status=afgesloten") == {opaque.case_id(extra.pk)}
    assert ids("type=luxe") == {opaque.case_id(extra.pk)}
    assert ids("eigenaar=lpa-winterswijk") == {other}
    assert client.get("/api/v1/zaken/?status=onzin").status_code == 400


def test_case_detail_404_when_not_visible(api, world):
    assert api.get(f"/api/v1/zaken/{opaque.case_id(world.cases['own'].pk)}/").status_code == 200
    assert api.get(f"/api/v1/zaken/{opaque.case_id(world.cases['other'].pk)}/").status_code == 404


def test_policy_officer_gets_no_person_through_the_api(world):
    client = APIClient()
    client.force_authenticate(world.users["beleid-winterswijk"])
    person = world.persons["other"]  # a resident of the officer's own municipality
    found = client.post(SEARCH, {"bsn": person.bsn}, format="json")
    assert found.json()["results"] == []
    assert client.get(f"/api/v1/personen/{opaque.person_id(person.pk)}/").status_code == 404
    assert client.get("/api/v1/zaken/").json()["count"] == 0


def test_token_authentication(world):
    from rbl.accounts.models import Role
    from rbl.accounts.tokens import create_token
    from tests.cases.factories import staff

    account = staff("koppeling-winterswijk", Role.LPA, world.winterswijk)
    account.is_service_account = True
    account.save()
    _, key = create_token(account, "koppeling", actor=world.users["beheer"])
    client = APIClient()
    assert client.get("/api/v1/zaken/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = client.get("/api/v1/zaken/").json()
    assert [z["id"] for z in body["results"]] == [opaque.case_id(world.cases["other"].pk)]


def test_session_writes_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["lpa-aalten"])
    response = client.post(SEARCH, {"bsn": world.persons["own"].bsn}, format="json")
    assert response.status_code == 403


def test_session_writes_with_the_csrf_token_work(world):
    """The screens' scripts post with the session and the CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["lpa-aalten"])
    client.get("/zoeken/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        SEARCH, {"bsn": world.persons["own"].bsn}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert [p["bsn"] for p in response.json()["results"]] == [world.persons["own"].bsn]


def test_reads_and_searches_are_in_the_access_log(api, world):
    person = world.persons["own"]
    api.post(SEARCH, {"bsn": person.bsn}, format="json")
    api.get(f"/api/v1/personen/{opaque.person_id(person.pk)}/")
    api.get("/api/v1/zaken/")
    api.get(f"/api/v1/zaken/{opaque.case_id(world.cases['own'].pk)}/")
    entries = list(
        AccessLogEntry.objects.filter(username="lpa-aalten")
        .order_by("pk")
        .values_list("action", "person_id", "case_id")
    )
    case_pk = world.cases["own"].pk
    assert entries == [
        (Action.SEARCH, person.pk, None),
        (Action.VIEW, person.pk, None),
        (Action.VIEW, person.pk, case_pk),
        (Action.VIEW, person.pk, case_pk),
    ]
    # The BSN travelled in the body: no log row carries it.
    assert not AccessLogEntry.objects.filter(path__contains=person.bsn).exists()


def test_a_search_without_result_is_logged_too(api, world):
    api.post(SEARCH, {"bsn": world.persons["other"].bsn}, format="json")
    entry = AccessLogEntry.objects.get(username="lpa-aalten")
    assert (entry.action, entry.person_id) == (Action.SEARCH, None)


def test_schema_documents_the_endpoints_without_bsn_in_paths(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/personen/zoeken/",
        "/api/v1/zaken/",
        "/api/v1/zaken/{case_id}/",
        "/api/v1/rapportages/art25/",
    ):
        assert path in schema
    assert "onderdrukt" in schema  # the suppressed figures are described
    assert "{bsn}" not in schema
