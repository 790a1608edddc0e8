"""The second factor (R-63): TOTP (an authenticator app) with one-time recovery
codes, on django-otp.

Who needs it (`second_factor_required`):
- everyone who has set one up, at every login;
- every user who may see persons, cases or the access log
  (`access.sees_personal_data`) — they set it up at their first login —
  except on a database with the demo marker (`Region.is_demo`), where the demo
  logins of interfaces.md keep working with their password alone.

A login that needs it is *pending* until the code is given: the password step
stores only the user's id in the session (`PENDING`), no one is logged in, and
`finish_login` logs in when the code is right. `SecondFactorMiddleware` is the
safety net behind that: a logged-in session of a user who needs the factor but
has not given it (a session from before the factor was required, an
identity-provider login without a second factor there) reaches nothing but
the code and set-up pages and logout; the API answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rbl.core.request_memo import remembered

#: Session key of a login waiting for its second factor:
#: {"user": pk, "backend": dotted path, "next": url, "via": "wachtwoord" | "oidc"}.
PENDING = "rbl_pending_login"
#: Session key set when the identity provider vouched for a second factor (acr/amr).
IDP_SECOND_FACTOR = "rbl_idp_second_factor"
#: How many recovery codes a user gets; each works once.
RECOVERY_CODES = 10


def is_demo_database() -> bool:
    """A database made by `rbl demo`: it has regions, all carrying the demo marker."""
    from rbl.organisation.models import Region

    return remembered(
        "demo",
        lambda: Region.objects.exists() and not Region.objects.filter(is_demo=False).exists(),
    )


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user: Any) -> bool:
    """Whether `user` must give a second factor to log in (see the module docstring)."""
    from rbl.accounts.access import sees_personal_data

    if getattr(user, "is_service_account", False):
        return False  # no interactive login at all
    if has_second_factor(user):
        return True
    return sees_personal_data(user) and not is_demo_database()


def session_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        (hasattr(user, "is_verified") and user.is_verified())
        or request.session.get(IDP_SECOND_FACTOR)
    )


def safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("web:home")


def begin_login(
    request: HttpRequest,
    user: Any,
    *,
    backend: str,
    next_url: str | None,
    via: str = "wachtwoord",
    idp_second_factor: bool = False,
) -> HttpResponse:
    """The password (or the identity provider) accepted `user`: log in now, or
    keep the login pending until the second factor is given or set up."""
    if idp_second_factor or not second_factor_required(user):
        return finish_login(
            request,
            user,
            backend=backend,
            next_url=next_url,
            via=via,
            idp_second_factor=idp_second_factor,
        )
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": safe_next(request, next_url),
        "via": via,
    }
    if has_second_factor(user):
        return redirect("accounts:second-factor")
    return redirect("accounts:setup")


def pending_user(request: HttpRequest) -> tuple[Any, dict] | tuple[None, None]:
    """The user whose login waits for a second factor, with the pending data;
    also a logged-in session that still owes it (see the middleware)."""
    data = request.session.get(PENDING)
    if data:
        user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
        if user is not None:
            return user, data
        request.session.pop(PENDING, None)
    user = request.user
    if getattr(user, "is_authenticated", False) and not session_verified(request):
        if second_factor_required(user):
            return user, {
                "user": user.pk,
                "backend": request.session.get(BACKEND_SESSION_KEY),
                "next": reverse("web:home"),
                "via": "sessie",
            }
    return None, None


def finish_login(
    request: HttpRequest,
    user: Any,
    *,
    backend: str,
    next_url: str | None,
    via: str,
    device: Any = None,
    idp_second_factor: bool = False,
) -> HttpResponse:
    """Log `user` in (the second factor, if any, was given with `device`)."""
    request.session.pop(PENDING, None)
    user.rbl_login_via = via
    if device is not None:
        user.otp_device = device  # django-otp marks the session verified on login
    if getattr(request.user, "pk", None) == user.pk and request.user.is_authenticated:
        # Already logged in, owing the factor: verify this session, keep it.
        request.session.cycle_key()
        if device is not None:
            request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:
        auth_login(request, user, backend=backend)
    if idp_second_factor:
        request.session[IDP_SECOND_FACTOR] = True
    return redirect(safe_next(request, next_url))


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES new ones; shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="herstelcodes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def remove_second_factor(user: Any) -> int:
    """Remove every TOTP device and recovery code of `user` (a lost phone); the
    user sets a new one up at the next login. Returns how many were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed


#: URL names a session that owes its second factor may still use.
_OPEN_URL_NAMES = {
    "web:login",
    "web:logout",
    "accounts:second-factor",
    "accounts:setup",
    "accounts:recovery-codes",
    "accounts:oidc-login",
    "accounts:oidc-callback",
}


class SecondFactorMiddleware:
    """Keeps a logged-in session that owes its second factor out of everything
    but the login steps (after django-otp's OTPMiddleware)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not session_verified(request)
            and not self._open(request)
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Log eerst in met uw tweede factor (de code uit uw app)."},
                    status=403,
                )
            if has_second_factor(user):
                return redirect("accounts:second-factor")
            return redirect("accounts:setup")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        from django.conf import settings
        from django.urls import Resolver404, resolve

        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in _OPEN_URL_NAMES
