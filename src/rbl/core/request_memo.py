"""Values computed at most once per web request.

A user's rights per municipality (`accounts.access.grants`), the colleagues
they stand in for and whether the database is a demo are asked by the
middleware, the view and the helpers it calls several times per page, each
time with a query (a case page asked for the rights four times). Within one
request they do not change: roles come from `rbl regio`, substitutions and
the demo marker from other commands and requests. `RequestMemoMiddleware`
keeps them for the request it serves and forgets them when the response is
made; outside a request (commands, tests that call the functions directly)
nothing is kept and every call asks the database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("rbl_request_memo", default=None)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per request for `key`; every time outside a request."""
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]


class RequestMemoMiddleware:
    """Gives each request an empty memo (first in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
