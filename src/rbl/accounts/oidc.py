"""Login through the organisation's identity provider (R-63): OpenID Connect's
authorization-code flow on mozilla-django-oidc, configured by environment
variables (README, "Configuration"):

- RBL_OIDC_ISSUER: the provider's issuer URL; its endpoints and keys come from
  discovery (`/.well-known/openid-configuration`, cached for an hour). Empty:
  no identity-provider login (the default).
- RBL_OIDC_CLIENT_ID, RBL_OIDC_CLIENT_SECRET: RBL's registration there.
- RBL_OIDC_USERNAME_CLAIM: the claim that holds the RBL username
  (default `preferred_username`).
- RBL_OIDC_MFA_ACR, RBL_OIDC_MFA_AMR: `acr` values, and `amr` methods, that
  mean the provider asked for a second factor; such a login skips RBL's own
  second factor, any other login is asked for it as after a password.

The ID token must be signed (RS256) with a key of the provider's JWKS and carry
the provider as issuer, RBL as audience, the nonce of this login, and an
expiry that has not passed; the state must be the one this browser was sent
with. A user RBL does not know (or an inactive one, or a service account) is
refused, never created. Every refusal is in the security log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from rbl.accounts.models import SecurityEventKind
from rbl.accounts.security import record

log = logging.getLogger("rbl.security")

_DISCOVERY: dict[str, Any] = {}
DISCOVERY_SECONDS = 3600
#: Leeway for the clocks of RBL and the provider, in seconds.
LEEWAY = 30

REFUSED = (
    "Inloggen via {name} is niet gelukt. Probeer het opnieuw, of log in met uw "
    "gebruikersnaam en wachtwoord. Lukt het niet, neem dan contact op met de applicatiebeheerder."
)


class OidcError(Exception):
    """The provider could not be used (discovery failed or is inconsistent)."""


def enabled() -> bool:
    return bool(getattr(settings, "RBL_OIDC_ISSUER", ""))


def provider_name() -> str:
    return getattr(settings, "RBL_OIDC_NAME", "") or "uw organisatie"


def discovery() -> dict[str, Any]:
    """The provider's metadata (cached); its issuer must be the configured one."""
    issuer = settings.RBL_OIDC_ISSUER.rstrip("/")
    cached = _DISCOVERY.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcError(f"discovery mislukt: {type(exc).__name__}") from None
    if str(data.get("issuer", "")).rstrip("/") != issuer:
        raise OidcError("de issuer in de discovery is niet de ingestelde issuer")
    _DISCOVERY[issuer] = (time.monotonic(), data)
    return data


_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's settings: endpoints from discovery, the rest from RBL's."""
    if attr in _ENDPOINTS:
        return discovery()[_ENDPOINTS[attr]]
    fixed = {
        "OIDC_RP_CLIENT_ID": settings.RBL_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.RBL_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": settings.RBL_OIDC_SCOPES,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TOKEN_USE_BASIC_AUTH": True,
        "OIDC_CREATE_USER": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc-callback",
        "OIDC_TIMEOUT": 10,
        "LOGIN_REDIRECT_URL_FAILURE": "/login/",
    }
    if attr in fixed:
        return fixed[attr]
    return import_from_settings(attr, *args)


def shows_second_factor(payload: dict[str, Any]) -> bool:
    """Whether the ID token's `acr` or `amr` says the provider used a second factor."""
    acr_values = {v.strip() for v in settings.RBL_OIDC_MFA_ACR.split(",") if v.strip()}
    amr_values = {v.strip() for v in settings.RBL_OIDC_MFA_AMR.split(",") if v.strip()}
    if payload.get("acr") in acr_values:
        return True
    amr = payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(amr_values.intersection(str(m) for m in amr))


class OidcBackend(OIDCAuthenticationBackend):
    """Finds the RBL user of a provider login; never creates one."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs) -> None:
        # Configured at the first provider login (discovery), not for every
        # password login that passes through the backends.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = oidc_setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "nonce" not in kwargs:
            return None  # not a provider callback (a password login)
        try:
            self._configure()
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, OidcError, requests.RequestException, ValueError) as exc:
            reason = str(exc) if isinstance(exc, SuspiciousOperation | OidcError) else ""
            record(
                SecurityEventKind.OIDC_REFUSED,
                request=request,
                detail=(reason or type(exc).__name__)[:200],
            )
            return None

    def _verify_jws(self, payload, key):
        """Signature (RS256, a key of the JWKS), issuer, audience, expiry."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=["RS256"],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("ID-token verlopen") from None
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID-token ongeldig ({type(exc).__name__})") from None

    def verify_token(self, token, **kwargs):
        if not token:
            raise SuspiciousOperation("geen ID-token ontvangen")
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
            raise SuspiciousOperation(f"ID-token ongeldig ({type(exc).__name__})") from None

    def get_or_create_user(self, access_token, id_token, payload):
        """The RBL user named by the configured claim; an unknown one is refused."""
        info = self.get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo hoort niet bij het ID-token")
        claim = settings.RBL_OIDC_USERNAME_CLAIM
        name = str(info.get(claim) or payload.get(claim) or "")
        user = (
            self.UserModel.objects.filter(username=name, is_active=True, is_service_account=False)
            .exclude(username="")
            .first()
        )
        if user is None:
            record(
                SecurityEventKind.OIDC_REFUSED,
                request=self.request,
                username=name,
                detail="onbekende of niet-actieve gebruiker",
            )
            return None
        user.rbl_idp_second_factor = shows_second_factor(payload)
        return user

    def get_user(self, user_id):
        try:
            return self.UserModel.objects.get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None


class OidcLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (with state, nonce and PKCE)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except OidcError as exc:
            record(SecurityEventKind.OIDC_REFUSED, request=request, detail=str(exc))
            return _refused(request)
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: checks state, then the backend checks the token;
    then RBL's second factor unless the provider vouched for one."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # unknown or missing state
            record(SecurityEventKind.OIDC_REFUSED, request=request, detail=str(exc)[:200])
            return self.login_failure()

    def login_failure(self):
        return _refused(self.request)

    def login_success(self):
        from rbl.accounts.secondfactor import begin_login

        user = self.user
        return begin_login(
            self.request,
            user,
            backend=user.backend,
            next_url=self.success_url,
            via="identity provider",
            idp_second_factor=getattr(user, "rbl_idp_second_factor", False),
        )


def _refused(request) -> HttpResponse:
    from rbl.accounts.views import LoginForm

    return render(
        request,
        "registration/login.html",
        {
            "form": LoginForm(request),
            "error": REFUSED.format(name=provider_name()),
            "oidc_enabled": enabled(),
            "oidc_name": provider_name(),
        },
        status=403,
    )
