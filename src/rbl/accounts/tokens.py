"""API keys for service accounts (R-63) and their authentication.

Only service accounts (`User.is_service_account`, from the region file's
`dienstaccount: true`) get API keys; application management makes, lists and
revokes them (`/api-sleutels/`). A key is 256 random bits, shown once; the
database keeps its SHA-256 and its first 8 characters (to recognise it in the
list). The header is `Authorization: Token <key>` (interfaces.md).

Guessing is throttled per client address: after RBL_API_MAX_FAILURES wrong
keys within RBL_API_FAILURE_MINUTES, every token request from that address is
answered 429 until the window has passed (counted in the database, so for
every web process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from rbl.accounts.models import ApiAuthFailure, SecurityEventKind, ServiceToken
from rbl.accounts.security import client_ip, record

KEYWORD = "Token"


class NotAServiceAccount(ValueError):
    """API keys are for service accounts only; the message is Dutch."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, name: str, *, actor: Any, request=None) -> tuple[ServiceToken, str]:
    """Make a key for service account `user`; returns the stored row and the key
    itself, which is not kept and must be shown to `actor` now."""
    if not getattr(user, "is_service_account", False) or not user.is_active:
        raise NotAServiceAccount(
            f"{user.get_username()} is geen actief dienstaccount; API-sleutels zijn alleen "
            "voor dienstaccounts."
        )
    key = secrets.token_urlsafe(32)
    token = ServiceToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=_hash(key),
        created_at=timezone.now(),
        created_by=actor.get_username(),
    )
    record(
        SecurityEventKind.TOKEN_CREATED,
        request=request,
        user=user,
        actor=actor,
        detail=f"sleutel {token.prefix}… ({name})",
    )
    return token, key


def revoke_token(token: ServiceToken, *, actor: Any, request=None) -> bool:
    """Revoke `token`; False when it was revoked already."""
    updated = ServiceToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.get_username()
    )
    if updated:
        record(
            SecurityEventKind.TOKEN_REVOKED,
            request=request,
            user=token.user,
            actor=actor,
            detail=f"sleutel {token.prefix}… ({token.name})",
        )
    return bool(updated)


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.RBL_API_FAILURE_MINUTES)


def _recent_failures(ip: str | None, now: dt.datetime) -> int:
    return ApiAuthFailure.objects.filter(ip_address=ip, at__gt=now - _window()).count()


class ServiceTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` of a service account's unrevoked key."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        ip = client_ip(request._request)
        now = timezone.now()
        failures = _recent_failures(ip, now)
        if failures >= settings.RBL_API_MAX_FAILURES:
            oldest = (
                ApiAuthFailure.objects.filter(ip_address=ip, at__gt=now - _window())
                .order_by("at")
                .values_list("at", flat=True)
                .first()
            )
            wait = (oldest + _window() - now).total_seconds() if oldest else None
            raise exceptions.Throttled(wait=wait)
        token = None
        if len(parts) == 2:
            try:
                key = parts[1].decode("ascii")
            except UnicodeDecodeError:
                key = ""
            if key:
                token = (
                    ServiceToken.objects.select_related("user")
                    .filter(key_hash=_hash(key), revoked_at__isnull=True)
                    .first()
                )
        if token is None or not token.user.is_active or not token.user.is_service_account:
            self._failed(request, ip, now, failures + 1)
            raise exceptions.AuthenticationFailed()
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ServiceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    @staticmethod
    def _failed(request, ip: str | None, now: dt.datetime, failures: int) -> None:
        with transaction.atomic():
            ApiAuthFailure.objects.create(at=now, ip_address=ip)
            ApiAuthFailure.objects.filter(at__lt=now - _window()).delete()
        kind = (
            SecurityEventKind.TOKEN_THROTTLED
            if failures == settings.RBL_API_MAX_FAILURES
            else SecurityEventKind.TOKEN_REFUSED
        )
        record(kind, request=request._request, detail=f"{failures} onjuiste sleutel(s)")

    def authenticate_header(self, request) -> str:
        return KEYWORD


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension
except ImportError:  # pragma: no cover - drf-spectacular is a dependency
    pass
else:

    class ServiceTokenScheme(OpenApiAuthenticationExtension):
        """The OpenAPI document describes the key header."""

        target_class = "rbl.accounts.tokens.ServiceTokenAuthentication"
        name = "tokenAuth"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "API-sleutel van een dienstaccount: `Token <sleutel>`.",
            }
