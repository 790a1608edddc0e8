"""`rbl regio` applies a checked region file (regio_file.py) to the database
(R-02, R-04) in one transaction. It is idempotent: a second run with the same
file changes nothing. The file is the truth for what it describes: the
region's municipalities (a municipality no longer listed leaves the region),
their participations, and the roles of the staff it lists. Staff not in the
file are left alone. Passwords are never in the file.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from rbl.accounts.models import RoleAssignment
from rbl.organisation.models import Municipality, Participation, Region
from rbl.organisation.regio_diff import Difference, differences, remember
from rbl.organisation.regio_file import ParticipationSpec, RegionFileError, RegionSpec

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


class RegionDifferencesError(RegionFileError):
    """The file would undo changes made in RBL (`regio_diff`); nothing applied."""

    def __init__(self, differences: list[Difference]) -> None:
        super().__init__([d.text() for d in differences])
        self.differences = differences


def apply_region(spec: RegionSpec, *, demo: bool = False, keep_edits: bool = False) -> RegionResult:
    """Create or update the region of `spec` in one transaction.

    The database holds one region. `demo` marks it as the demo region of
    `rbl demo`; a real region file is refused on a demo database and vice versa.
    `keep_edits`: when the file would undo a change made in RBL since it was
    last applied (`regio_diff.differences`), raise `RegionDifferencesError`
    and change nothing; otherwise the file wins. A fresh region is applied
    either way.
    """
    result = RegionResult(region=spec.name)
    logos: list[tuple[Path, Path]] = []
    with transaction.atomic():
        if keep_edits:
            existing = list(Region.objects.select_for_update().order_by("pk"))
            if len(existing) == 1 and existing[0].is_demo == demo:
                found = differences(spec, existing[0])
                if found:
                    raise RegionDifferencesError(found)
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
        remember(spec, region)
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
        "office_phone": spec.office_phone,
        "office_email": spec.office_email,
        "halt_address": spec.halt_address,
        "om_address": spec.om_address,
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
            "is_service_account": staff.service_account,
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
        if staff.service_account and user.has_usable_password():
            user.set_unusable_password()  # a service account logs in with API keys only
            user.save(update_fields=["password"])
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
