"""The security log (R-63): logins, failures, lockouts, second-factor set-up and
reset, API keys, role and password changes, with who and when.

`record()` writes one immutable `SecurityEvent` and one log line. Neither ever
holds a password, a code or a BSN: the attempted username is stored as typed
except that nine digits in a row are masked (someone typing a BSN into the
username field), and details are fixed texts written here.

The receivers at the bottom connect Django's and django-axes' signals:
every password login, failure and lockout is recorded wherever it happens.
Role changes are recorded by `rbl.accounts.sessions` (they also end sessions).
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.core.logfilter import redact

log = logging.getLogger("rbl.security")

#: Set on a request whose failed attempt was a second-factor code, so the
#: generic password-failure receiver does not record it a second time.
SECOND_FACTOR_ATTEMPT = "rbl_second_factor_attempt"


#: Who acts when no user is at hand (a command such as `rbl regio`): see `acting_as`.
_ACTOR: contextvars.ContextVar[str] = contextvars.ContextVar("rbl_security_actor", default="")


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record `name` as the actor of the security events inside the block
    (role changes made by `rbl regio`, say)."""
    token = _ACTOR.set(name)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address; behind RBL's proxy (RBL_BEHIND_PROXY) the last
    X-Forwarded-For entry, the one the proxy itself appended."""
    if request is None:
        return None
    if settings.RBL_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    actor: Any = None,
    detail: str = "",
) -> SecurityEvent:
    """Append one event to the security log. `actor`: a user or a text such
    as "rbl regio" when someone (or something) acts on `user`'s account."""
    name = username or (user.get_username() if user is not None else "")
    name = redact(str(name))[:150]
    if actor is not None and not isinstance(actor, str):
        actor = actor.get_username()
    actor = actor or _ACTOR.get()
    event = SecurityEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        username=name,
        user=user if user is not None and getattr(user, "pk", None) else None,
        actor=redact(actor or "")[:150],
        ip_address=client_ip(request),
        detail=redact(detail)[:300],
    )
    log.info(
        "security event %s user=%s actor=%s",
        kind,
        name or "-",
        event.actor or "-",
    )
    return event


def locked_out_minutes() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@receiver(user_logged_in, dispatch_uid="rbl_security_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    via = getattr(user, "rbl_login_via", "") or "wachtwoord"
    record(SecurityEventKind.LOGIN, request=request, user=user, detail=f"via {via}")


@receiver(user_logged_out, dispatch_uid="rbl_security_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(SecurityEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="rbl_security_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is not None and getattr(request, SECOND_FACTOR_ATTEMPT, False):
        return  # recorded by the second-factor view as such
    username = str(credentials.get("username") or "")
    if (
        request is not None
        and getattr(request, "axes_locked_out", False)
        and not getattr(request, "rbl_lockout_recorded", False)
    ):
        # Refused by axes before the password was looked at: the name is locked.
        record(SecurityEventKind.REFUSED_LOCKED, request=request, username=username)
        return
    record(SecurityEventKind.LOGIN_FAILED, request=request, username=username)


@receiver(user_locked_out, dispatch_uid="rbl_security_locked_out")
def _locked_out(sender, request, username, ip_address=None, **kwargs) -> None:
    if request is not None and getattr(request, "rbl_lockout_recorded", False):
        return
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return  # a refused attempt during the lockout: recorded as such above
    if request is not None:
        request.rbl_lockout_recorded = True
    record(
        SecurityEventKind.LOCKED,
        request=request,
        username=username or "",
        detail=f"na {failures} mislukte pogingen, {locked_out_minutes()} minuten",
    )


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The username axes counts and stores (AXES_USERNAME_CALLABLE): as typed,
    with nine digits in a row masked, so a BSN typed as username is never kept."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    return None if name is None else redact(str(name))


def record_setup_change(actor: Any, what: str, *, request: HttpRequest | None = None) -> None:
    """Log a change of the region's set-up (assignment rules, stand-ins, terms,
    building blocks, ...) made on a screen: `what` says what changed, in Dutch,
    without any youth's data."""
    record(SecurityEventKind.SETUP_CHANGED, request=request, user=actor, actor=actor, detail=what)
