"""`rbl regio` after edits on screen: which differences between a region file
and the database would undo a change made in RBL.

Every run of `rbl regio` that applies a file keeps what the file said, item by
item (`RegionFileState`). A later run compares three values per item: the
file's, the database's, and the file's of the last run (the base):

- file and database agree: nothing to do;
- the database still holds the base value: the file changed it, the file wins
  (as always: a region file is how a region changes its municipalities,
  blocks and staff);
- otherwise the item was changed in RBL since the last run (on the set-up
  screens) or differs anyway (no base: a region set up before this existed):
  a *difference*. `rbl regio` then applies nothing and lists each difference
  ("in het bestand: X, in RBL: Y") until the file is brought in line with RBL
  or the run is repeated with `--toepassen`, which lets the file win.

An item is a field of the region, of a municipality or of a listed staff
member, a participation period, or one role of a listed staff member for one
municipality. Staff not in the file are never touched, so they are not items.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from rbl.accounts.models import Role, User
from rbl.organisation.models import Municipality, Region, RegionFileState
from rbl.organisation.regio_file import RegionSpec

ABSENT = "(geen)"
EMPTY = "(leeg)"

Items = dict[str, str]


@dataclass(frozen=True)
class Difference:
    item: str
    in_file: str
    in_rbl: str

    def text(self) -> str:
        return f"{self.item}: in het bestand: {self.in_file}, in RBL: {self.in_rbl}"

    def as_json(self) -> dict[str, str]:
        return {"onderdeel": self.item, "bestand": self.in_file, "rbl": self.in_rbl}


def _v(value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def _region_items(
    name: str,
    executing: str | None,
    kind: str,
    start: object,
    years: object,
    notice: object,
    term: object,
    phone: str,
    email: str,
    halt: str,
    om: str,
) -> Items:
    return {
        "regio: naam": _v(name),
        "regio: uitvoerende gemeente": _v(executing),
        "regio: soort samenwerking": _v(kind),
        "regio: ingangsdatum overeenkomst": _v(start),
        "regio: looptijd (jaren)": _v(years),
        "regio: opzegtermijn (maanden)": _v(notice),
        "regio: termijn controlebrief (dagen)": _v(term),
        "regio: telefoon bureau": _v(phone),
        "regio: e-mail bureau": _v(email),
        "regio: adres Halt": _v(halt),
        "regio: adres OM": _v(om),
    }


def _participation_key(code: str, block: int, start: object) -> str:
    return f"gemeente {code}: bouwsteen {block} vanaf {start}"


def _participation_value(end: object) -> str:
    return f"tot en met {end}" if end else "zonder einddatum"


def _staff_keys(username: str) -> dict[str, str]:
    return {
        "first_name": f"medewerker {username}: voornaam",
        "last_name": f"medewerker {username}: achternaam",
        "email": f"medewerker {username}: e-mail",
        "function": f"medewerker {username}: functie",
        "is_active": f"medewerker {username}: account in gebruik",
    }


def _role_key(username: str, role: str, code: str) -> str:
    label = Role(role).label if role in Role.values else role
    return f"medewerker {username}: rol {label} voor {code}"


def file_items(spec: RegionSpec) -> Items:
    """The items as the file describes them."""
    items = _region_items(
        spec.name,
        spec.executing,
        spec.agreement_kind,
        spec.agreement_start,
        spec.agreement_years,
        spec.notice_months,
        spec.control_term_days,
        spec.office_phone,
        spec.office_email,
        spec.halt_address,
        spec.om_address,
    )
    for m in spec.municipalities:
        items[f"gemeente {m.code}: in de regio"] = "ja"
        items[f"gemeente {m.code}: naam"] = _v(m.name)
        items[f"gemeente {m.code}: ondertekening"] = _v(m.signature_text)
        items[f"gemeente {m.code}: adres"] = _v(m.address)
        for p in m.participations:
            items[_participation_key(m.code, p.block, p.start)] = _participation_value(p.end)
    for s in spec.staff:
        keys = _staff_keys(s.username)
        values = {
            "first_name": s.first_name,
            "last_name": s.last_name,
            "email": s.email,
            "function": s.function,
            "is_active": s.active,
        }
        for field, key in keys.items():
            items[key] = _v(values[field])
        for role, code in s.assignments():
            items[_role_key(s.username, role, code)] = "ja"
    return items


def database_items(spec: RegionSpec, region: Region) -> Items:
    """The same items as the database holds them (plus the region's
    municipalities, participations and roles the file does not list)."""
    items = _region_items(
        region.name,
        region.executing_municipality_id,
        region.agreement_kind,
        region.agreement_start,
        region.agreement_years,
        region.notice_months,
        region.control_term_days,
        region.office_phone,
        region.office_email,
        region.halt_address,
        region.om_address,
    )
    listed = [m.code for m in spec.municipalities]
    for m in Municipality.objects.filter(code__in=listed) | region.municipalities.all():
        if m.region_id == region.pk:
            items[f"gemeente {m.code}: in de regio"] = "ja"
        if m.code not in listed:
            continue  # a municipality the file drops: only its membership is an item
        items[f"gemeente {m.code}: naam"] = _v(m.name)
        items[f"gemeente {m.code}: ondertekening"] = _v(m.signature_text)
        items[f"gemeente {m.code}: adres"] = _v(m.address)
        for p in m.participations.all():
            items[_participation_key(m.code, p.block, p.start)] = _participation_value(p.end)
    users = User.objects.filter(username__in=[s.username for s in spec.staff])
    for user in users.prefetch_related("role_assignments"):
        for field, key in _staff_keys(user.username).items():
            items[key] = _v(getattr(user, field))
        for a in user.role_assignments.all():
            items[_role_key(user.username, a.role, a.municipality_id)] = "ja"
    return items


def differences(spec: RegionSpec, region: Region) -> list[Difference]:
    """Items where applying `spec` would undo a value changed in RBL since the
    file was last applied (or, without a record of that, any difference)."""
    state = RegionFileState.objects.filter(region=region).first()
    base = state.values if state is not None else None
    wanted, have = file_items(spec), database_items(spec, region)
    found = []
    for item in sorted(wanted.keys() | have.keys()):
        in_file, in_rbl = wanted.get(item), have.get(item)
        if in_file == in_rbl:
            continue
        if base is not None and base.get(item) == in_rbl:
            continue  # the file changed it since the last run: the file wins
        found.append(Difference(item, in_file or ABSENT, in_rbl or ABSENT))
    return found


def remember(spec: RegionSpec, region: Region) -> None:
    """Keep what the file said, as the base of the next run."""
    RegionFileState.objects.update_or_create(
        region=region, defaults={"values": file_items(spec), "applied_at": timezone.now()}
    )
