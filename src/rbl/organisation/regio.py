"""The region file of `rbl regio` (R-02, R-04): schema, validation and loader.

The schema is documented, key by key, in ``examples/regio-achterhoek.yaml``.
In short::

    naam: RMC-regio Achterhoek
    uitvoerende_gemeente: "0222"
    samenwerking: {soort, ingangsdatum, looptijd_jaren, opzegtermijn_maanden}
    termijn_controlebrief_dagen: 14
    gemeenten:
      - {code: "0197", naam, logo, ondertekening, adres,
         bouwstenen: {1: 2021-01-01, 2: {vanaf: 2021-01-01, tot: 2025-12-31}}}
    medewerkers:
      - {gebruikersnaam, voornaam, achternaam, email, functie, actief,
         wachtwoord_instellen, rollen: {lpa: ["0197"], coordinator: alle}}

Loading is all-or-nothing: the whole file is checked first (every problem is
reported, with its place in the file), then applied in one transaction. It is
idempotent: a second run with the same file changes nothing. The file is the
truth for what it describes: the region's municipalities (a municipality no
longer listed leaves the region), their participations, and the roles of the
staff it lists. Staff not in the file are left alone. Passwords are never
in the file.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from rbl.accounts.models import Role, RoleAssignment
from rbl.core.yamlfile import YamlFileError, read_yaml_file
from rbl.organisation.models import BuildingBlock, Municipality, Participation, Region
from rbl.organisation.validation import Checker, item, key

ALL = "alle"
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")

TOP_KEYS = (
    "naam",
    "uitvoerende_gemeente",
    "samenwerking",
    "termijn_controlebrief_dagen",
    "gemeenten",
    "medewerkers",
)
AGREEMENT_KEYS = ("soort", "ingangsdatum", "looptijd_jaren", "opzegtermijn_maanden")
MUNICIPALITY_KEYS = ("code", "naam", "logo", "ondertekening", "adres", "bouwstenen")
PERIOD_KEYS = ("vanaf", "tot")
STAFF_KEYS = (
    "gebruikersnaam",
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

    if check.errors:
        raise RegionFileError(check.errors)
    return RegionSpec(
        name=name,
        executing=executing,
        municipalities=tuple(municipalities),
        staff=tuple(staff),
        control_term_days=control_days,
        **agreement,
    )


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
        roles = _parse_roles(check, data["rollen"], key(path, "rollen"), codes, known)
        if username and roles is not None and None not in fields.values():
            result.append(
                StaffSpec(
                    username=username,
                    active=bool(active),
                    set_password=bool(set_password),
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


# --- applying ----------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def as_json(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


@dataclass
class RegionResult:
    region: str
    region_created: bool = False
    region_updated: bool = False
    municipalities: Counts = field(default_factory=Counts)
    participations: Counts = field(default_factory=Counts)
    users: Counts = field(default_factory=Counts)
    roles_granted: int = 0
    roles_revoked: int = 0
    # users in the file without a usable password who should get one
    needs_password: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.region_created
            or self.region_updated
            or self.municipalities.created
            or self.municipalities.updated
            or self.municipalities.removed
            or self.participations.created
            or self.participations.updated
            or self.participations.removed
            or self.users.created
            or self.users.updated
            or self.roles_granted
            or self.roles_revoked
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "region_created": self.region_created,
            "region_updated": self.region_updated,
            "municipalities": self.municipalities.as_json(),
            "participations": self.participations.as_json(),
            "users": self.users.as_json(),
            "roles": {"granted": self.roles_granted, "revoked": self.roles_revoked},
            "set_password": self.needs_password,
            "errors": [],
        }


def logo_storage_name(code: str, source: Path) -> str:
    """Where a municipality's logo is kept, relative to MEDIA_ROOT."""
    return f"logos/{code}{source.suffix.lower()}"


def apply_region(spec: RegionSpec, *, demo: bool = False) -> RegionResult:
    """Create or update the region of `spec` in one transaction.

    The database holds one region. `demo` marks it as the demo region of
    `rbl demo`; a real region file is refused on a demo database and vice versa.
    """
    result = RegionResult(region=spec.name)
    logos: list[tuple[Path, Path]] = []
    with transaction.atomic():
        region = _region(spec, demo, result)
        _check_conflicts(spec, region)
        _sync_municipalities(spec, region, result, logos)
        executing = Municipality.objects.get(code=spec.executing)
        if region.executing_municipality_id != executing.code:
            if not result.region_created:
                result.region_updated = True
            region.executing_municipality = executing
            region.save(update_fields=["executing_municipality"])
        _sync_staff(spec, result)
        transaction.on_commit(lambda: _copy_logos(logos))
    return result


def _region(spec: RegionSpec, demo: bool, result: RegionResult) -> Region:
    values = {
        "name": spec.name,
        "agreement_kind": spec.agreement_kind,
        "agreement_start": spec.agreement_start,
        "agreement_years": spec.agreement_years,
        "notice_months": spec.notice_months,
        "control_term_days": spec.control_term_days,
    }
    regions = list(Region.objects.select_for_update().order_by("pk"))
    if len(regions) > 1:
        raise RegionFileError(
            [f"de database bevat {len(regions)} regio's; RBL werkt met één regio per database"]
        )
    if not regions:
        result.region_created = True
        return Region.objects.create(is_demo=demo, **values)
    region = regions[0]
    if region.is_demo and not demo:
        raise RegionFileError(
            [
                "deze database bevat de demoregio van 'rbl demo'; gebruik voor een echte regio "
                "een eigen database (RBL_DB of DATABASE_URL)"
            ]
        )
    if demo and not region.is_demo:
        raise RegionFileError(["deze database bevat een echte regio, geen demoregio"])
    changed = [k for k, v in values.items() if getattr(region, k) != v]
    if changed:
        for k in changed:
            setattr(region, k, values[k])
        region.save(update_fields=changed)
        result.region_updated = True
    return region


def _check_conflicts(spec: RegionSpec, region: Region) -> None:
    codes = [m.code for m in spec.municipalities]
    elsewhere = (
        Municipality.objects.filter(code__in=codes, region__isnull=False)
        .exclude(region=region)
        .select_related("region")
    )
    errors = [f"gemeenten: gemeente {m.code} hoort al bij regio '{m.region}'" for m in elsewhere]
    if errors:
        raise RegionFileError(errors)


def _sync_municipalities(
    spec: RegionSpec, region: Region, result: RegionResult, logos: list[tuple[Path, Path]]
) -> None:
    existing = {
        m.code: m
        for m in Municipality.objects.select_for_update().filter(
            code__in=[s.code for s in spec.municipalities]
        )
    }
    media = Path(settings.MEDIA_ROOT)
    for item_spec in spec.municipalities:
        logo = ""
        logo_changed = False
        if item_spec.logo is not None:
            logo = logo_storage_name(item_spec.code, item_spec.logo)
            target = media / logo
            logo_changed = not (
                target.is_file() and filecmp.cmp(item_spec.logo, target, shallow=False)
            )
            if logo_changed:
                logos.append((item_spec.logo, target))
        values = {
            "name": item_spec.name,
            "region": region,
            "logo": logo,
            "signature_text": item_spec.signature_text,
            "address": item_spec.address,
        }
        municipality = existing.get(item_spec.code)
        if municipality is None:
            municipality = Municipality.objects.create(code=item_spec.code, **values)
            result.municipalities.created += 1
        else:
            changed = [k for k, v in values.items() if getattr(municipality, k) != v]
            if changed:
                for k in changed:
                    setattr(municipality, k, values[k])
                municipality.save(update_fields=changed)
            if changed or logo_changed:
                result.municipalities.updated += 1
            else:
                result.municipalities.unchanged += 1
        _sync_participations(municipality, item_spec.participations, result.participations)

    listed = [s.code for s in spec.municipalities]
    result.municipalities.removed = (
        Municipality.objects.filter(region=region).exclude(code__in=listed).update(region=None)
    )


def _sync_participations(
    municipality: Municipality, wanted: tuple[ParticipationSpec, ...], counts: Counts
) -> None:
    existing = {(p.block, p.start): p for p in municipality.participations.all()}
    for spec in wanted:
        current = existing.pop((spec.block, spec.start), None)
        if current is None:
            Participation.objects.create(
                municipality=municipality, block=spec.block, start=spec.start, end=spec.end
            )
            counts.created += 1
        elif current.end != spec.end:
            current.end = spec.end
            current.save(update_fields=["end"])
            counts.updated += 1
        else:
            counts.unchanged += 1
    for leftover in existing.values():
        leftover.delete()
        counts.removed += 1


def _sync_staff(spec: RegionSpec, result: RegionResult) -> None:
    User = get_user_model()
    for staff in spec.staff:
        values = {
            "first_name": staff.first_name,
            "last_name": staff.last_name,
            "email": staff.email,
            "function": staff.function,
            "is_active": staff.active,
        }
        user = User.objects.filter(username=staff.username).first()
        created = user is None
        fields_changed = False
        if user is None:
            user = User(username=staff.username, **values)
            user.set_unusable_password()
            user.save()
        else:
            fields = [k for k, v in values.items() if getattr(user, k) != v]
            if fields:
                for k in fields:
                    setattr(user, k, values[k])
                user.save(update_fields=fields)
                fields_changed = True
        wanted = staff.assignments()
        have = {(a.role, a.municipality_id): a for a in user.role_assignments.all()}
        granted = wanted - have.keys()
        revoked = have.keys() - wanted
        for role, code in sorted(granted):
            RoleAssignment.objects.create(user=user, role=role, municipality_id=code)
        for pair in revoked:
            have[pair].delete()
        result.roles_granted += len(granted)
        result.roles_revoked += len(revoked)
        if created:
            result.users.created += 1
        elif fields_changed or granted or revoked:
            result.users.updated += 1
        else:
            result.users.unchanged += 1
        if staff.set_password and not user.has_usable_password():
            result.needs_password.append(user.username)


def _copy_logos(logos: list[tuple[Path, Path]]) -> None:
    for source, target in logos:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
