"""Dutch error pages that never show personal data (DEBUG stays off).

Under /api/ the same errors answer JSON in Dutch (rbl.api.errors), also for a
URL that matches no view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader

from rbl.api import errors as api_errors


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.not_found(request)
    # The exception text is never shown: it may name what was looked up.
    body = loader.render_to_string("404.html", {}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.server_error(request)
    # No request context: a failing context processor must not break the error page.
    body = loader.render_to_string("500.html")
    return HttpResponse(body, status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.permission_denied(request)
    body = loader.render_to_string("403.html", {}, request)
    return HttpResponse(body, status=403)
