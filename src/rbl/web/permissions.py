"""Which screens a user may open, derived from the role grants of
`rbl.accounts.access` (which persons and cases are decided there, never here).

These answer "may this user use this screen at all"; every screen then shows
only what the access querysets return.
"""

from __future__ import annotations

from typing import Any

from rbl.accounts.access import grants
from rbl.accounts.models import Role


def does_casework(user: Any) -> bool:
    """Sees person files: the work lists, search and person/case pages apply."""
    return bool(grants(user).persons)


def may_import(user: Any) -> bool:
    """Central administration and coordinators load the BRP and DUO files (R-01):
    the roles that may change cases of their municipalities."""
    return bool(grants(user).edit_cases)


def may_see_caseload(user: Any) -> bool:
    """The coordinator watches the caseload of the officers (R-01)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.role_assignments.filter(role=Role.COORDINATOR).exists()


def caseload_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose officers' caseload the coordinator sees."""
    if not may_see_caseload(user):
        return frozenset()
    return frozenset(
        user.role_assignments.filter(role=Role.COORDINATOR).values_list(
            "municipality_id", flat=True
        )
    )
