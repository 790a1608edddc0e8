"""Which screens a user may open, derived from the role grants of
`rbl.accounts.access` (which persons and cases are decided there, never here).

These answer "may this user use this screen at all"; every screen then shows
only what the access querysets return.
"""

from __future__ import annotations

from typing import Any

from rbl.accounts.access import (
    Grants,
    grants,
    jco_municipalities,
    may_register,
    owns_registered_case,
)
from rbl.accounts.models import Role

_CACHE = "_rbl_web_grants"


def user_grants(user: Any) -> Grants:
    """The user's grants, computed once per request (request.user lives one request)."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = grants(user)
        try:
            setattr(user, _CACHE, cached)
        except AttributeError:  # e.g. AnonymousUser on some Django versions
            pass
    return cached


def does_casework(user: Any) -> bool:
    """Sees person files: the work lists, search and person/case pages apply."""
    return bool(user_grants(user).persons)


def may_import(user: Any) -> bool:
    """Central administration and coordinators load the BRP and DUO files (R-01):
    the roles that may change cases of their municipalities."""
    return bool(user_grants(user).edit_cases)


def caseload_municipalities(user: Any) -> frozenset[str]:
    """Municipalities whose officers' caseload the coordinator watches (R-01)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return frozenset()
    cached = getattr(user, "_rbl_web_coordinator", None)
    if cached is None:
        cached = frozenset(
            user.role_assignments.filter(role=Role.COORDINATOR).values_list(
                "municipality_id", flat=True
            )
        )
        user._rbl_web_coordinator = cached
    return cached


def may_see_caseload(user: Any) -> bool:
    return bool(caseload_municipalities(user))


def may_see_jco(user: Any) -> bool:
    """The JCO list (R-22): BOA, coordinator, LPA and KPA of a municipality;
    which Halt/PV files it holds is decided by `rbl.accounts.access.jco_handhaving`."""
    return bool(jco_municipalities(user))


def may_see_thuiszitters(user: Any) -> bool:
    """The thuiszitters list per SWV (R-25) is derived from all cases of the
    user's municipalities, so it is for the roles that read those cases."""
    return bool(user_grants(user).all_cases)


def may_register_for(user: Any, person: Any) -> bool:
    """May open a new case (verlofaanvraag, vrijstelling) for a youth the user
    sees, on behalf of the youth's municipality: decided by
    `rbl.accounts.access.may_register` (lpa, kpa, coordinator, administration)."""
    return may_register(user, person, user_grants(user))


def registers_as_owner(user: Any, municipality_code: str) -> bool:
    """The registering officer works the new case as its owner
    (`rbl.accounts.access.owns_registered_case`)."""
    return owns_registered_case(user, municipality_code, user_grants(user))


def may_see_registers(user: Any) -> bool:
    """The open leave requests and the vrijstellingen register: every case-work
    role; which rows each sees is decided by `rbl.accounts.access`."""
    return does_casework(user)
