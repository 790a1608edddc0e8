"""Staff and their roles on screen (/inrichting/medewerkers/).

An account made here has no password: the employee logs in through the
organisation's identity provider (OpenID Connect, when configured; the
username must match the provider's claim), or application management sets a
first password with `rbl changepassword USERNAME`, as after `rbl regio`. RBL
sends no invitation mail: a link that sets a password would be a second way in
next to the one the organisation manages.

Role changes reach the security log through the signals of
`rbl.accounts.sessions` (and end the user's sessions); account creation and
(de)activation are recorded here. Who may change whom: `rbl.accounts.access`.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from rbl.accounts import access
from rbl.accounts.models import Role, RoleAssignment, SecurityEventKind, User
from rbl.accounts.security import acting_as, record, record_setup_change
from rbl.organisation.models import Municipality
from rbl.organisation.setup import SetupError

OWN = "U kunt uw eigen rollen en account niet wijzigen; vraag een collega met die bevoegdheid."


def role_text(role: str, code: str) -> str:
    name = Municipality.objects.filter(code=code).values_list("name", flat=True).first() or code
    return f"{Role(role).label} voor {name}"


@transaction.atomic
def create_user(actor: Any, data: dict[str, Any], *, request: Any = None) -> User:
    """A new staff account without a password (see the module docstring)."""
    user = User(
        username=data["username"],
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        email=data.get("email", ""),
        function=data.get("function", ""),
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise SetupError("Deze gebruikersnaam bestaat al.", "username") from None
    record(SecurityEventKind.ACCOUNT_CREATED, request=request, user=user, actor=actor)
    return user


def _check(actor: Any, other: User, role: str, code: str) -> None:
    if other.pk == actor.pk:
        raise SetupError(OWN)
    if not access.may_change_role(actor, other, role, code):
        raise SetupError("U mag deze rol voor deze gemeente niet toekennen of intrekken.")


@transaction.atomic
def grant_role(actor: Any, other: User, role: str, code: str) -> bool:
    """Give `other` the role for the municipality; False when they hold it already."""
    other = User.objects.select_for_update().get(pk=other.pk)
    _check(actor, other, role, code)
    with acting_as(actor.get_username()):  # the signal logs the grant with its actor
        _, created = RoleAssignment.objects.get_or_create(
            user=other, role=role, municipality_id=code
        )
    return created


@transaction.atomic
def revoke_role(actor: Any, other: User, role: str, code: str) -> bool:
    """Take the role away; False when `other` did not hold it (any more)."""
    other = User.objects.select_for_update().get(pk=other.pk)
    _check(actor, other, role, code)
    assignment = RoleAssignment.objects.filter(user=other, role=role, municipality_id=code).first()
    if assignment is None:
        return False
    with acting_as(actor.get_username()):  # the signal logs the revocation
        assignment.delete()
    return True


@transaction.atomic
def set_active(actor: Any, other: User, active: bool, *, request: Any = None) -> bool:
    """Deactivate or reactivate an account; False when it already was so."""
    other = User.objects.select_for_update().get(pk=other.pk)
    if other.pk == actor.pk:
        raise SetupError(OWN)
    if not access.may_set_active(actor, other):
        raise SetupError("U mag dit account niet buiten gebruik stellen of weer activeren.")
    if other.is_active == active:
        return False
    other.is_active = active
    other.save(update_fields=["is_active"])
    if active:
        record_setup_change(actor, f"account {other.username} weer in gebruik", request=request)
    else:
        from rbl.accounts.sessions import end_sessions

        end_sessions(other)
        record(SecurityEventKind.ACCOUNT_DEACTIVATED, request=request, user=other, actor=actor)
    return True
