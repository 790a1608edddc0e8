"""Sessions that know their user (SESSION_ENGINE), and ending them (R-63).

Django's database sessions store the user's id inside the encoded data only;
`UserSession` keeps it in a column as well, so `end_sessions(user)` can end a
user's sessions in one statement: after a password change (all but the one
that made the change), a role change, or a reset of the second factor. The
idle expiry (RBL_SESSION_MINUTES) is Django's own and stays as it is.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from rbl.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj


def end_sessions(user: Any, keep: str | None = None) -> int:
    """End every session of `user` except the one with key `keep`; how many ended."""
    from rbl.accounts.models import UserSession

    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    return sessions.delete()[0]


def _role_text(assignment: Any) -> str:
    from rbl.accounts.models import Role

    label = Role(assignment.role).label if assignment.role in Role.values else assignment.role
    return f"{label} voor {assignment.municipality_id}"


def _user_saved(sender, instance, created: bool, **kwargs) -> None:
    if not getattr(instance, "_rbl_password_changed", False):
        return
    instance._rbl_password_changed = False
    if created:
        return
    from rbl.accounts.models import SecurityEventKind
    from rbl.accounts.security import record

    record(SecurityEventKind.PASSWORD_CHANGED, user=instance)
    ended = end_sessions(instance)
    if ended:
        record(SecurityEventKind.SESSIONS_ENDED, user=instance, detail=f"{ended} na wachtwoord")


def _role_saved(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        return
    from rbl.accounts.models import SecurityEventKind
    from rbl.accounts.security import record

    record(SecurityEventKind.ROLE_GRANTED, user=instance.user, detail=_role_text(instance))
    ended = end_sessions(instance.user)
    if ended:
        record(SecurityEventKind.SESSIONS_ENDED, user=instance.user, detail=f"{ended} na rol")


def _role_deleted(sender, instance, origin=None, **kwargs) -> None:
    from rbl.accounts.models import SecurityEventKind, User
    from rbl.accounts.security import record

    if isinstance(origin, User) or (hasattr(origin, "model") and issubclass(origin.model, User)):
        return  # the user is deleted with their roles (and their sessions)
    user = User.objects.filter(pk=instance.user_id).first()
    if user is None:
        return
    record(SecurityEventKind.ROLE_REVOKED, user=user, detail=_role_text(instance))
    ended = end_sessions(user)
    if ended:
        record(SecurityEventKind.SESSIONS_ENDED, user=user, detail=f"{ended} na rol")


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from rbl.accounts.models import RoleAssignment, User

    post_save.connect(_user_saved, sender=User, dispatch_uid="rbl_password_sessions")
    post_save.connect(_role_saved, sender=RoleAssignment, dispatch_uid="rbl_role_granted")
    post_delete.connect(_role_deleted, sender=RoleAssignment, dispatch_uid="rbl_role_revoked")
