"""Dutch error pages that never show personal data (DEBUG stays off)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The exception text is never shown: it may name what was looked up.
    body = loader.render_to_string("404.html", {}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: a failing context processor must not break the error page.
    body = loader.render_to_string("500.html")
    return HttpResponse(body, status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    body = loader.render_to_string("403.html", {}, request)
    return HttpResponse(body, status=403)
