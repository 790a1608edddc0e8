"""Errors of the API in Dutch, as JSON (settings: REST_FRAMEWORK's EXCEPTION_HANDLER).

The shape stays DRF's: `{"detail": "…"}` for an error of the request as a
whole, and for invalid input the fields with their reasons
(`{"bsn": ["…"]}`, `{"non_field_errors": ["…"]}`). A 404 never names what was
looked up (existence does not leak), and a 500 shows no internals.

URLs under /api/ that match no view, and errors raised outside a DRF view,
get the same JSON through `not_found` and `server_error`, which the project's
error handlers (rbl.web.views.errors) call for paths under `API_PREFIX`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

NOT_FOUND = "Niet gevonden: deze gegevens bestaan niet of u mag ze niet zien."
NOT_AUTHENTICATED = "U bent niet ingelogd. Log in of stuur een geldige token mee."
AUTHENTICATION_FAILED = (
    "Inloggen is mislukt: de gebruikersnaam, het wachtwoord of de token klopt niet."
)
PERMISSION_DENIED = "U heeft geen toestemming voor deze handeling."
CSRF_FAILED = (
    "De beveiligingscontrole (CSRF) is mislukt. Laad de pagina opnieuw en probeer het nog eens."
)
PARSE_ERROR = "De gegevens in het verzoek zijn onleesbaar: stuur geldige JSON."
UNSUPPORTED_MEDIA_TYPE = "Dit soort gegevens wordt niet ondersteund: stuur JSON."
NOT_ACCEPTABLE = "Dit antwoordformaat is niet beschikbaar: vraag om JSON."
SERVER_ERROR = "Er is iets misgegaan op de server. Probeer het later opnieuw."


NO_DATA = "Er zijn geen gegevens meegestuurd: stuur een JSON-object."

# Texts DRF writes in English whatever the language (no translation exists).
_UNTRANSLATED = {
    "No data provided": NO_DATA,
    "Not a valid string.": "Vul hier tekst in.",
}


def _method_not_allowed(method: str) -> str:
    return f"De methode {method} is hier niet toegestaan."


def _throttled(wait: float | None) -> str:
    if wait is None:
        return "Te veel verzoeken. Probeer het later opnieuw."
    seconds = max(1, round(wait))
    unit = "seconde" if seconds == 1 else "seconden"
    return f"Te veel verzoeken. Probeer het over {seconds} {unit} opnieuw."


def _text(exc: exceptions.APIException, method: str) -> str | None:
    """The Dutch text for a DRF exception, None to keep its own text."""
    if isinstance(exc, exceptions.NotFound):
        # A text of our own (e.g. the paginator's "Ongeldige pagina.") stays.
        return NOT_FOUND if str(exc.detail) == str(exc.default_detail) else None
    if isinstance(exc, exceptions.NotAuthenticated):
        return NOT_AUTHENTICATED
    if isinstance(exc, exceptions.AuthenticationFailed):
        return AUTHENTICATION_FAILED
    if isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        if detail.startswith("CSRF Failed"):
            return CSRF_FAILED
        # Our own code may refuse with its own Dutch reason; keep that.
        return PERMISSION_DENIED if detail == str(exc.default_detail) else None
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _method_not_allowed(method)
    if isinstance(exc, exceptions.ParseError):
        return PARSE_ERROR
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return UNSUPPORTED_MEDIA_TYPE
    if isinstance(exc, exceptions.NotAcceptable):
        return NOT_ACCEPTABLE
    if isinstance(exc, exceptions.Throttled):
        return _throttled(exc.wait)
    return None


def _translated(detail: Any) -> Any:
    """A validation error's details with DRF's untranslated texts in Dutch;
    fields, order and codes stay."""
    if isinstance(detail, dict):
        return {key: _translated(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_translated(value) for value in detail]
    if isinstance(detail, ErrorDetail) and str(detail) in _UNTRANSLATED:
        return ErrorDetail(_UNTRANSLATED[str(detail)], code=detail.code)
    return detail


def _dutch(exc: Exception, method: str) -> Exception:
    """The exception with a Dutch text. Validation errors keep their fields
    and reasons (Dutch already, but for DRF's few untranslated texts); a DRF
    exception keeps its status code and authentication header, which DRF set
    on it before calling the handler."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(PERMISSION_DENIED)
    if isinstance(exc, exceptions.ValidationError):
        exc.detail = _translated(exc.detail)
        return exc
    if isinstance(exc, exceptions.APIException):
        text = _text(exc, method)
        if text is not None:
            exc.detail = ErrorDetail(text, code=exc.default_code)
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler with Dutch texts. An unexpected error is not handled here:
    it goes on to Django (logged), whose 500 handler answers `server_error`."""
    request = context.get("request")
    method = getattr(request, "method", None) or ""
    return drf_exception_handler(_dutch(exc, method), context)


def is_api(request: HttpRequest | None) -> bool:
    """Whether `request` asked for something under /api/ (or /api itself)."""
    path = getattr(request, "path", "") or ""
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def not_found(request: HttpRequest) -> JsonResponse:
    """A URL under /api/ that matches nothing (or an id that is no id)."""
    return JsonResponse({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)


def permission_denied(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": PERMISSION_DENIED}, status=status.HTTP_403_FORBIDDEN)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
