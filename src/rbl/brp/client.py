"""A client for the Haal Centraal "BRP bevragen" API (BRP API Personen 2.x).

One question only: the person with this BSN (`POST /personen`, type
`RaadpleegMetBurgerservicenummer`), with the fields RBL keeps (R-10): names,
birth date, gender, address, municipality of registration and its date,
authority (`gezag`, also "gezag niet te bepalen") for the letters' addressees
and death. The BRP adds `geheimhoudingPersoonsgegevens` by itself (it may not
be asked for in `fields`). The answer is read into a `BrpPerson`.

Configured by environment variables (settings.RBL_BRP_*); without
`RBL_BRP_URL` the lookup is off. Every failure of the service becomes a
`BrpError` with a Dutch message for the user; the BSN is never in an error
message or a log line.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

log = logging.getLogger("rbl.brp")

#: The fields RBL asks for (the BRP answers only what is asked and allowed).
FIELDS: tuple[str, ...] = (
    "burgerservicenummer",
    "naam.voornamen",
    "naam.voorvoegsel",
    "naam.geslachtsnaam",
    "geboorte.datum",
    "geslacht",
    "verblijfplaats",
    "gemeenteVanInschrijving",
    "datumInschrijvingInGemeente",
    "gezag",
    "overlijden.datum",
)

#: The municipality code of the RNI (registration of non-residents): abroad.
RNI_CODE = "1999"

_JSON = "application/json; charset=utf-8"


class BrpError(Exception):
    """The BRP could not be consulted; `str()` is the Dutch message for the user."""


class BrpNotFound(BrpError):
    """The BRP knows no (living or deceased) person with this BSN."""


@dataclass(frozen=True)
class Guardian:
    """Someone who holds authority (gezag) over the youth."""

    name: str
    bsn: str = ""


@dataclass(frozen=True)
class BrpPerson:
    """The BRP's answer about one person, in RBL's terms."""

    bsn: str
    surname: str = ""
    prefix: str = ""
    given_names: str = ""
    birth_date: dt.date | None = None
    gender: str = ""
    municipality_code: str = ""
    municipality_name: str = ""
    settled_on: dt.date | None = None
    street: str = ""
    house_number: str = ""
    house_letter: str = ""
    house_number_suffix: str = ""
    postcode: str = ""
    city: str = ""
    #: The day the BRP registered this address (`verblijfplaats.datumVan`).
    address_since: dt.date | None = None
    #: Where the person lives: "adres", "buitenland", "onbekend" or "locatie".
    residence_kind: str = "adres"
    died_on: dt.date | None = None
    secret: bool = False
    guardians: tuple[Guardian, ...] = ()
    #: Set when the BRP cannot name who holds authority: its explanation.
    authority_unknown: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def abroad(self) -> bool:
        return self.residence_kind == "buitenland" or self.municipality_code == RNI_CODE

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.prefix, self.surname) if p)


@dataclass(frozen=True)
class BrpSettings:
    url: str
    api_key: str = ""
    cert: str = ""
    key: str = ""
    ca_file: str = ""
    timeout: float = 10.0

    @classmethod
    def from_django(cls) -> BrpSettings:
        return cls(
            url=settings.RBL_BRP_URL,
            api_key=settings.RBL_BRP_API_KEY,
            cert=settings.RBL_BRP_CLIENT_CERT,
            key=settings.RBL_BRP_CLIENT_KEY,
            ca_file=settings.RBL_BRP_CA_FILE,
            timeout=settings.RBL_BRP_TIMEOUT,
        )


def enabled() -> bool:
    """Whether a BRP service is configured (the "Raadpleeg BRP" action shows)."""
    return bool(settings.RBL_BRP_URL)


def _client(conf: BrpSettings) -> httpx.Client:
    headers = {"Accept": "application/json", "Content-Type": _JSON}
    if conf.api_key:
        headers["X-API-KEY"] = conf.api_key
    kwargs: dict[str, Any] = {"timeout": conf.timeout, "headers": headers}
    if conf.cert:
        kwargs["cert"] = (conf.cert, conf.key) if conf.key else conf.cert
    if conf.ca_file:
        kwargs["verify"] = conf.ca_file
    return httpx.Client(**kwargs)


def lookup(bsn: str, conf: BrpSettings | None = None) -> BrpPerson:
    """The BRP's data about the person with `bsn`; BrpError (Dutch) when the
    service cannot answer, BrpNotFound when it knows no such person."""
    conf = conf or BrpSettings.from_django()
    if not conf.url:
        raise BrpError("Raadplegen van de BRP is niet ingesteld.")
    body = {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": [bsn],
        "fields": list(FIELDS),
    }
    try:
        with _client(conf) as client:
            response = client.post(f"{conf.url}/personen", json=body)
    except httpx.TimeoutException:
        log.warning("BRP lookup timed out after %s s", conf.timeout)
        raise BrpError(
            f"De BRP gaf binnen {conf.timeout:g} seconden geen antwoord. Probeer het later opnieuw."
        ) from None
    except (httpx.TransportError, OSError) as exc:
        log.warning("BRP lookup failed: %s", type(exc).__name__)
        raise BrpError(
            "De BRP is niet bereikbaar. Probeer het later opnieuw of meld het bij applicatiebeheer."
        ) from None
    if response.status_code != 200:
        raise BrpError(_problem_message(response))
    try:
        data = response.json()
        people = data.get("personen") or []
    except (ValueError, AttributeError):
        log.warning("BRP answered 200 without a readable JSON body")
        raise BrpError("De BRP gaf een antwoord dat RBL niet kan lezen.") from None
    for item in people:
        if isinstance(item, dict) and item.get("burgerservicenummer") == bsn:
            return read_person(item, bsn)
    raise BrpNotFound("De BRP kent geen persoon met dit burgerservicenummer.")


_STATUS_TEXT = {
    400: "De BRP weigerde de vraag als onjuist",
    401: "De BRP herkende RBL niet (sleutel of certificaat klopt niet)",
    403: "RBL is niet gemachtigd voor deze vraag aan de BRP",
    404: "De BRP-dienst is niet gevonden op het ingestelde adres",
    406: "De BRP kan niet antwoorden in het gevraagde formaat",
    415: "De BRP accepteerde het formaat van de vraag niet",
    429: "De BRP krijgt te veel vragen; probeer het over een paar minuten opnieuw",
    500: "De BRP had een interne fout",
    503: "De BRP is tijdelijk niet beschikbaar",
}


def _problem_message(response: httpx.Response) -> str:
    """A Dutch message for an error answer, with the Problem JSON's title,
    detail and invalid parameters when the body has them."""
    status = response.status_code
    base = _STATUS_TEXT.get(status) or (
        "De BRP had een storing" if status >= 500 else "De BRP weigerde de vraag"
    )
    parts = [f"{base} (HTTP {status})."]
    problem: dict[str, Any] = {}
    if "json" in response.headers.get("content-type", ""):
        try:
            loaded = response.json()
            problem = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            problem = {}
    title = str(problem.get("title") or "").strip()
    detail = str(problem.get("detail") or "").strip()
    if title:
        parts.append(f"Melding van de BRP: {title[:200]}")
    if detail and detail != title:
        parts.append(f"Toelichting: {detail[:300]}")
    params = problem.get("invalidParams")
    if isinstance(params, list):
        named = [
            f"{p.get('name', '?')}: {p.get('reason', '')}".strip()
            for p in params[:5]
            if isinstance(p, dict)
        ]
        if named:
            parts.append("Onjuiste gegevens: " + "; ".join(named) + ".")
    log.warning("BRP lookup refused with HTTP %s (%s)", status, problem.get("code", ""))
    return " ".join(parts)


def _date(value: Any) -> dt.date | None:
    """A full date from the API's date object (`type: Datum`); partial or
    unknown dates (JaarDatum, JaarMaandDatum, DatumOnbekend) give None."""
    if isinstance(value, dict) and value.get("type") == "Datum":
        try:
            return dt.date.fromisoformat(str(value.get("datum")))
        except ValueError:
            return None
    return None


def _code(value: Any) -> str:
    return str(value.get("code") or "") if isinstance(value, dict) else ""


def _gender(value: Any) -> str:
    code = _code(value).upper()
    return code if code in {"M", "V", "O"} else ""


def _authority(items: Any, bsn: str) -> tuple[tuple[Guardian, ...], str]:
    """The guardians over the youth `bsn`, or the BRP's explanation when it
    cannot name them (GezagNietTeBepalen, TijdelijkGeenGezag)."""

    def who(entry: Any) -> Guardian | None:
        if not isinstance(entry, dict):
            return None
        name = str((entry.get("naam") or {}).get("volledigeNaam") or "").strip()
        if not name:
            return None
        return Guardian(name=name, bsn=str(entry.get("burgerservicenummer") or ""))

    guardians: list[Guardian] = []
    unknown = ""
    for relation in items if isinstance(items, list) else []:
        if not isinstance(relation, dict):
            continue
        minor = relation.get("minderjarige") or {}
        if minor.get("burgerservicenummer") != bsn:
            continue  # authority this person holds over someone else
        kind = relation.get("type")
        if kind in ("GezagNietTeBepalen", "TijdelijkGeenGezag"):
            label = (
                "Gezag niet te bepalen" if kind == "GezagNietTeBepalen" else "Tijdelijk geen gezag"
            )
            note = str(relation.get("toelichting") or "").strip()
            unknown = f"{label}: {note}" if note else label
            continue
        found = [
            *(relation.get("ouders") or []),
            relation.get("ouder"),
            relation.get("derde"),
            *(relation.get("derden") or []),
        ]
        guardians.extend(g for g in map(who, found) if g is not None)
    return tuple(guardians[:2]), unknown


def read_person(data: dict[str, Any], bsn: str) -> BrpPerson:
    """A `Persoon` of the API's answer as a BrpPerson."""
    name = data.get("naam") or {}
    place = data.get("verblijfplaats") or {}
    kind = place.get("type", "")
    address = place.get("verblijfadres") or {}
    values: dict[str, Any] = {}
    if kind == "Adres":
        values = {
            "residence_kind": "adres",
            "street": address.get("officieleStraatnaam") or address.get("korteStraatnaam") or "",
            "house_number": str(address.get("huisnummer") or ""),
            "house_letter": address.get("huisletter") or "",
            "house_number_suffix": address.get("huisnummertoevoeging") or "",
            "postcode": (address.get("postcode") or "").replace(" ", "").upper(),
            "city": address.get("woonplaats") or "",
        }
    elif kind == "Locatie":
        values = {
            "residence_kind": "locatie",
            "street": (address.get("locatiebeschrijving") or "")[:200],
            "city": address.get("woonplaats") or "",
        }
    elif kind == "VerblijfplaatsBuitenland":
        values = {"residence_kind": "buitenland"}
    elif kind:
        values = {"residence_kind": "onbekend"}
    municipality = data.get("gemeenteVanInschrijving") or {}
    guardians, unknown = _authority(data.get("gezag"), bsn)
    return BrpPerson(
        bsn=bsn,
        surname=name.get("geslachtsnaam") or "",
        prefix=name.get("voorvoegsel") or "",
        given_names=name.get("voornamen") or "",
        birth_date=_date((data.get("geboorte") or {}).get("datum")),
        gender=_gender(data.get("geslacht")),
        municipality_code=_code(municipality),
        municipality_name=str(municipality.get("omschrijving") or ""),
        settled_on=_date(data.get("datumInschrijvingInGemeente")),
        address_since=_date(place.get("datumVan")),
        died_on=_date((data.get("overlijden") or {}).get("datum")),
        secret=bool(data.get("geheimhoudingPersoonsgegevens")),
        guardians=guardians,
        authority_unknown=unknown,
        raw=data,
        **values,
    )
