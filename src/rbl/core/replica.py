"""Reports from a PostgreSQL read replica (README "Running in production").

When DATABASE_REPLICA_URL is set, settings add a `replica` database alias. The
figure screens (dashboard, art. 25, annual reports, RMC, benchmark, and their
downloads) are wrapped in `reads_from_replica`: while such a GET request runs,
the facts they count — persons, enrolments, cases, signals, the organisation —
are read from the replica. Everything else stays on the primary (`default`):
every write; users, roles and sessions (access is decided on current data);
the access log; and the reporting app's own rows — year snapshots, targets,
report texts, quality items — which a user may just have written (closing a
year writes its snapshot, and the next page must show it). Without the
variable there is no `replica` alias and every read goes to `default`.

A replica lags the primary by a moment: figures may miss the last second's
changes, which a dashboard can bear; a screen that may not (a form and its
result) is simply not wrapped.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The apps whose rows are the facts the figures count.
FACT_APPS = frozenset({"organisation", "registry", "law", "absoluut", "cases", "letters"})

_reporting = contextvars.ContextVar("rbl_reporting_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reporting_reads() -> Iterator[None]:
    """Read the facts from the replica (when there is one) inside this block."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reads_from_replica(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A figure view whose GET requests read the facts from the replica; a POST
    (closing a year, say) keeps reading and writing the primary."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reporting_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: facts inside `reporting_reads` from the
    replica, the rest from and to `default`; only `default` is migrated."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _reporting.get() and model._meta.app_label in FACT_APPS and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
