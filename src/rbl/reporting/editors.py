"""Who may load the national reference and who sets the targets and writes
the annual report's text (R-31, R-32), from the user's roles.

- The national reference (landelijke referentie): the coordinator and
  application management; both load data, neither sees a file through it.
- A municipality's targets and annual-report text: the coordinator of that
  municipality and its policy adviser (beleid). The policy adviser never gets
  another municipality's or the region's.
- The region's targets and text: the coordinator of the whole region, i.e. a
  user holding the coordinator role for every municipality of the region.

A screen of these answers 403 to a role that may do none of it and 404 for a
municipality (or the region) the user may not edit, like the dashboard: no
leak of what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rbl.accounts.models import Role
from rbl.organisation.models import Municipality

#: The word in URLs and forms for the region as a whole.
REGION = "regio"


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def may_load_reference(user: Any) -> bool:
    """The coordinator and application management load the national reference."""
    if not _active(user):
        return False
    return user.role_assignments.filter(role__in=[Role.COORDINATOR, Role.BEHEER]).exists()


@dataclass(frozen=True)
class Editable:
    """The municipalities (code -> name, by name) and whether the region, for
    which a user sets targets and writes the annual report's text."""

    municipalities: dict[str, str] = field(default_factory=dict)
    region: bool = False

    def __bool__(self) -> bool:
        return self.region or bool(self.municipalities)

    def choices(self) -> list[tuple[str, str]]:
        """(value, name) for a selection list: the region first."""
        first = [(REGION, "Regio (alle gemeenten)")] if self.region else []
        return first + list(self.municipalities.items())

    def default(self) -> str:
        return self.choices()[0][0] if self else ""

    def allows(self, gemeente: str) -> bool:
        return self.region if gemeente == REGION else gemeente in self.municipalities

    def title(self, gemeente: str) -> str:
        return "de regio" if gemeente == REGION else self.municipalities.get(gemeente, gemeente)


def editable_for(user: Any) -> Editable:
    """What `user` sets targets and writes annual-report texts for."""
    if not _active(user):
        return Editable()
    rows = list(
        user.role_assignments.filter(role__in=[Role.COORDINATOR, Role.BELEID]).values_list(
            "role", "municipality_id"
        )
    )
    if not rows:
        return Editable()
    codes = {code for _, code in rows}
    coordinated = {code for role, code in rows if role == Role.COORDINATOR}
    region_codes = set(
        Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
    )
    names = dict(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("code", "name")
    )
    return Editable(names, bool(region_codes) and region_codes <= coordinated)


def municipality_code(gemeente: str) -> str | None:
    """The municipality of a `gemeente` value: None for the region."""
    return None if gemeente == REGION else gemeente
