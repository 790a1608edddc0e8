"""The region file of `rbl regio` (R-02, R-04): schema, validation and loader;
`regio.py` applies a checked file to the database.

The schema is documented, key by key, in ``examples/regio-achterhoek.yaml``.
In short::

    naam: RMC-regio Achterhoek
    uitvoerende_gemeente: "0222"
    samenwerking: {soort, ingangsdatum, looptijd_jaren, opzegtermijn_maanden}
    termijn_controlebrief_dagen: 14
    bureau: {telefoon: "0314 00 00 00", email: leerplicht@example.nl}
    adres_halt: "Halt Oost-Nederland\nPostbus 1\n7000 AA  Doetinchem"
    adres_om: "Openbaar Ministerie, parket Oost-Nederland\nPostbus 2\n6800 AA  Arnhem"
    gemeenten:
      - {code: "0197", naam, logo, ondertekening, adres,
         bouwstenen: {1: 2021-01-01, 2: {vanaf: 2021-01-01, tot: 2025-12-31}}}
    medewerkers:
      - {gebruikersnaam, voornaam, achternaam, email, functie, actief,
         wachtwoord_instellen, dienstaccount, rollen: {lpa: ["0197"], coordinator: alle}}

A `dienstaccount: true` is a service account for another system's API calls: it
never logs in to the screens (no password) and works with API keys that
application management makes (`/api-sleutels/`), with the roles given here.

Applying (regio.py) is all-or-nothing: the whole file is checked first (every problem is
reported, with its place in the file), then applied in one transaction. It is
idempotent: a second run with the same file changes nothing. The file is the
truth for what it describes: the region's municipalities (a municipality no
longer listed leaves the region), their participations, and the roles of the
staff it lists. Staff not in the file are left alone. Passwords are never
in the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from rbl.accounts.models import Role
from rbl.core.yamlfile import YamlFileError, read_yaml_file
from rbl.organisation.models import BuildingBlock
from rbl.organisation.validation import Checker, item, key

ALL = "alle"
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")

TOP_KEYS = (
    "naam",
    "uitvoerende_gemeente",
    "samenwerking",
    "termijn_controlebrief_dagen",
    "bureau",
    "adres_halt",
    "adres_om",
    "gemeenten",
    "medewerkers",
)
OFFICE_KEYS = ("telefoon", "email")
AGREEMENT_KEYS = ("soort", "ingangsdatum", "looptijd_jaren", "opzegtermijn_maanden")
MUNICIPALITY_KEYS = ("code", "naam", "logo", "ondertekening", "adres", "bouwstenen")
PERIOD_KEYS = ("vanaf", "tot")
STAFF_KEYS = (
    "gebruikersnaam",
    "dienstaccount",
    "voornaam",
    "achternaam",
    "email",
    "functie",
    "actief",
    "wachtwoord_instellen",
    "rollen",
)


class RegionFileError(Exception):
    """The file was rejected; `errors` are Dutch messages naming the place in the file."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ParticipationSpec:
    block: int
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class MunicipalitySpec:
    code: str
    name: str
    logo: Path | None = None
    signature_text: str = ""
    address: str = ""
    participations: tuple[ParticipationSpec, ...] = ()


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    function: str = ""
    active: bool = True
    set_password: bool = True
    service_account: bool = False
    # role -> municipality codes ("alle" already expanded)
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def assignments(self) -> set[tuple[str, str]]:
        return {(role, code) for role, codes in self.roles for code in codes}


@dataclass(frozen=True)
class RegionSpec:
    name: str
    executing: str
    municipalities: tuple[MunicipalitySpec, ...]
    staff: tuple[StaffSpec, ...] = ()
    agreement_kind: str = ""
    agreement_start: dt.date | None = None
    agreement_years: int | None = None
    notice_months: int | None = None
    control_term_days: int = 14
    office_phone: str = ""
    office_email: str = ""
    halt_address: str = ""
    om_address: str = ""


# --- parsing ---------------------------------------------------------------------


def parse_region(data: Any, base_dir: Path | None = None) -> RegionSpec:
    """Check parsed YAML data against the schema; raise RegionFileError with every problem.

    `base_dir` is where relative logo paths are resolved (the file's folder).
    """
    check = Checker()
    if data is None:
        raise RegionFileError(["het bestand is leeg"])
    top = check.mapping(data, "", allowed=TOP_KEYS, required=("naam", "gemeenten"))
    if top is None:
        raise RegionFileError(check.errors)

    name = check.text(top.get("naam"), "naam", max_length=100)
    agreement = _parse_agreement(check, top.get("samenwerking"))
    control_days = 14
    if top.get("termijn_controlebrief_dagen") is not None:
        control_days = check.integer(
            top["termijn_controlebrief_dagen"],
            "termijn_controlebrief_dagen",
            minimum=1,
            maximum=365,
        )

    errors_before = len(check.errors)
    municipalities = _parse_municipalities(check, top.get("gemeenten"), base_dir)
    codes = [m.code for m in municipalities]
    # References to municipalities are only checked against a list that read cleanly.
    known = codes if len(check.errors) == errors_before else None

    executing = None
    if top.get("uitvoerende_gemeente") is None:
        check.error("uitvoerende_gemeente", "ontbreekt (verplicht)")
    else:
        executing = check.cbs_code(top["uitvoerende_gemeente"], "uitvoerende_gemeente")
        if executing and known is not None and executing not in known:
            check.error(
                "uitvoerende_gemeente",
                f"{executing} staat niet in de lijst gemeenten van dit bestand",
            )

    staff = _parse_staff(check, top.get("medewerkers"), codes, known)
    office = _parse_office(check, top.get("bureau"))
    # Where a Halt referral and a proces-verbaal are sent.
    for file_key, field_name in (("adres_halt", "halt_address"), ("adres_om", "om_address")):
        text = check.text(top.get(file_key), file_key, max_length=500, required=False)
        if text:
            office[field_name] = text.strip()

    if check.errors:
        raise RegionFileError(check.errors)
    return RegionSpec(
        name=name,
        executing=executing,
        municipalities=tuple(municipalities),
        staff=tuple(staff),
        control_term_days=control_days,
        **agreement,
        **office,
    )


def _parse_office(check: Checker, value: Any) -> dict[str, str]:
    """The office's telephone number and e-mail address, printed on letters."""
    result: dict[str, str] = {}
    if value is None:
        return result
    data = check.mapping(value, "bureau", allowed=OFFICE_KEYS)
    if data is None:
        return result
    phone = check.text(
        data.get("telefoon"), key("bureau", "telefoon"), max_length=30, required=False
    )
    if phone:
        result["office_phone"] = phone
    email = check.text(data.get("email"), key("bureau", "email"), max_length=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            check.error(key("bureau", "email"), f"'{email}' is geen geldig e-mailadres")
        else:
            result["office_email"] = email
    return result


def _parse_agreement(check: Checker, value: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if value is None:
        return result
    path = "samenwerking"
    data = check.mapping(value, path, allowed=AGREEMENT_KEYS)
    if data is None:
        return result
    if data.get("soort") is not None:
        result["agreement_kind"] = check.text(data["soort"], key(path, "soort"), max_length=40)
    if data.get("ingangsdatum") is not None:
        result["agreement_start"] = check.date(data["ingangsdatum"], key(path, "ingangsdatum"))
    if data.get("looptijd_jaren") is not None:
        result["agreement_years"] = check.integer(
            data["looptijd_jaren"], key(path, "looptijd_jaren"), minimum=1, maximum=99
        )
    if data.get("opzegtermijn_maanden") is not None:
        result["notice_months"] = check.integer(
            data["opzegtermijn_maanden"],
            key(path, "opzegtermijn_maanden"),
            minimum=0,
            maximum=120,
        )
    return result


def _parse_municipalities(
    check: Checker, value: Any, base_dir: Path | None
) -> list[MunicipalitySpec]:
    items = check.sequence(value, "gemeenten", min_items=1)
    result: list[MunicipalitySpec] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(items or []):
        path = item("gemeenten", index)
        data = check.mapping(raw, path, allowed=MUNICIPALITY_KEYS, required=("code", "naam"))
        if data is None:
            continue
        code = check.cbs_code(data["code"], key(path, "code"))
        name = check.text(data["naam"], key(path, "naam"), max_length=100)
        if code in seen:
            check.error(key(path, "code"), f"gemeente {code} staat al in {seen[code]}")
        elif code:
            seen[code] = path
        logo = _parse_logo(check, data.get("logo"), key(path, "logo"), base_dir)
        signature = check.text(
            data.get("ondertekening"), key(path, "ondertekening"), max_length=2000, required=False
        )
        address = check.text(data.get("adres"), key(path, "adres"), max_length=500, required=False)
        participations = _parse_blocks(check, data.get("bouwstenen"), key(path, "bouwstenen"))
        if code and name is not None and signature is not None and address is not None:
            result.append(
                MunicipalitySpec(
                    code=code,
                    name=name,
                    logo=logo,
                    signature_text=signature,
                    address=address,
                    participations=tuple(participations),
                )
            )
    return result


def _parse_logo(check: Checker, value: Any, path: str, base_dir: Path | None) -> Path | None:
    if value is None:
        return None
    text = check.text(value, path, max_length=500)
    if not text:
        return None
    logo = Path(text)
    if not logo.is_absolute():
        logo = (base_dir or Path.cwd()) / logo
    if logo.suffix.lower() not in LOGO_SUFFIXES:
        check.error(path, f"logo moet een {', '.join(LOGO_SUFFIXES)}-bestand zijn")
        return None
    if not logo.is_file():
        check.error(path, f"logobestand niet gevonden: {logo}")
        return None
    return logo.resolve()


def _parse_blocks(check: Checker, value: Any, path: str) -> list[ParticipationSpec]:
    if value is None:
        return []
    if not isinstance(value, dict):
        check.error(
            path, "verwacht per bouwsteen (1 t/m 4) een ingangsdatum, bijv. '1: 2021-01-01'"
        )
        return []
    result = []
    for raw_block, period in value.items():
        where = key(path, raw_block)
        block = _block_number(raw_block)
        if block is None:
            check.error(where, "onbekende bouwsteen; gebruik 1, 2, 3 of 4")
            continue
        if isinstance(period, dict):
            data = check.mapping(period, where, allowed=PERIOD_KEYS, required=("vanaf",))
            if data is None:
                continue
            start = check.date(data["vanaf"], key(where, "vanaf"))
            end = check.date(data["tot"], key(where, "tot")) if data.get("tot") else None
            if start and end and end < start:
                check.error(key(where, "tot"), "ligt voor de ingangsdatum (vanaf)")
                continue
        else:
            start, end = check.date(period, where), None
        if start:
            result.append(ParticipationSpec(block=block, start=start, end=end))
    return result


def _block_number(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, int) and raw in BuildingBlock.values:
        return int(raw)
    return None


_USERNAME = UnicodeUsernameValidator()


def _parse_staff(
    check: Checker, value: Any, codes: list[str], known: list[str] | None
) -> list[StaffSpec]:
    if value is None:
        return []
    items = check.sequence(value, "medewerkers")
    result = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(items or []):
        path = item("medewerkers", index)
        data = check.mapping(raw, path, allowed=STAFF_KEYS, required=("gebruikersnaam", "rollen"))
        if data is None:
            continue
        username = check.text(data["gebruikersnaam"], key(path, "gebruikersnaam"), max_length=150)
        if username:
            try:
                _USERNAME(username)
            except ValidationError:
                check.error(
                    key(path, "gebruikersnaam"),
                    "alleen letters, cijfers en de tekens @ . + - _ zijn toegestaan",
                )
                username = None
        if username and username in seen:
            check.error(key(path, "gebruikersnaam"), f"'{username}' staat al in {seen[username]}")
        elif username:
            seen[username] = path
        fields: dict[str, Any] = {}
        for yaml_key, attr, length in (
            ("voornaam", "first_name", 150),
            ("achternaam", "last_name", 150),
            ("functie", "function", 100),
            ("email", "email", 254),
        ):
            fields[attr] = check.text(
                data.get(yaml_key), key(path, yaml_key), max_length=length, required=False
            )
        if fields["email"]:
            try:
                validate_email(fields["email"])
            except ValidationError:
                check.error(key(path, "email"), "geen geldig e-mailadres")
        active = True
        if "actief" in data:
            active = check.boolean(data["actief"], key(path, "actief"))
        set_password = True
        if "wachtwoord_instellen" in data:
            set_password = check.boolean(
                data["wachtwoord_instellen"], key(path, "wachtwoord_instellen")
            )
        service_account = False
        if "dienstaccount" in data:
            service_account = check.boolean(data["dienstaccount"], key(path, "dienstaccount"))
        roles = _parse_roles(check, data["rollen"], key(path, "rollen"), codes, known)
        if username and roles is not None and None not in fields.values():
            result.append(
                StaffSpec(
                    username=username,
                    active=bool(active),
                    set_password=bool(set_password) and not service_account,
                    service_account=bool(service_account),
                    roles=roles,
                    **fields,
                )
            )
    return result


def _parse_roles(
    check: Checker, value: Any, path: str, codes: list[str], known: list[str] | None
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if not isinstance(value, dict) or not value:
        check.error(
            path,
            "verwacht per rol de gemeenten, bijv. 'lpa: [\"0197\"]' of 'coordinator: alle'",
        )
        return None
    roles = []
    ok = True
    for role, targets in value.items():
        where = key(path, role)
        if role not in Role.values:
            check.error(where, f"onbekende rol; toegestaan: {', '.join(Role.values)}")
            ok = False
            continue
        if targets == ALL:
            roles.append((role, tuple(codes)))
            continue
        if isinstance(targets, str | int) and not isinstance(targets, bool):
            targets = [targets]
        if not isinstance(targets, list) or not targets:
            check.error(where, 'verwacht "alle" of een opsomming van CBS-codes')
            ok = False
            continue
        chosen = []
        for position, target in enumerate(targets):
            code = check.cbs_code(target, item(where, position))
            if code is None:
                ok = False
            elif known is not None and code not in known:
                check.error(item(where, position), f"{code} staat niet in de lijst gemeenten")
                ok = False
            else:
                chosen.append(code)
        roles.append((role, tuple(dict.fromkeys(chosen))))
    return tuple(roles) if ok else None


def read_region_file(path: str | Path) -> RegionSpec:
    """Read and check a region file; raise RegionFileError with Dutch messages."""
    path = Path(path)
    try:
        data = read_yaml_file(path)
    except YamlFileError as exc:
        raise RegionFileError([str(exc)]) from None
    return parse_region(data, base_dir=path.resolve().parent)
