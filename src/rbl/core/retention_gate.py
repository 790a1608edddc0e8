"""The one deliberate path through which append-only records may be removed.

Case events (`cases.AppendOnlyModel`), principal periods, documents
(`letters.WrittenOnce`) and their database triggers refuse every change and
deletion. Only the retention job (`rbl.audit.retention`, run by `rbl
retentie`) may remove the parts of a case file whose term has ended; it does
so inside `retention_removal()`:

- in Python, a context variable tells the model and queryset guards that the
  retention job is at work (other code in the same process, outside the
  block, is refused as before);
- on PostgreSQL, `SET LOCAL rbl.retention_purge = 'on'` opens the triggers
  for the transaction the block runs in, and nothing else.

Nothing but `rbl.audit.retention` and `rbl.audit.services.purge_expired`
should enter this block.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("rbl_retention", default=False)


def removal_allowed() -> bool:
    """Whether the running code is the retention job inside `retention_removal()`."""
    return _ACTIVE.get()


@contextmanager
def retention_removal() -> Iterator[None]:
    """One transaction in which the retention job may delete append-only rows."""
    with transaction.atomic():
        token = _ACTIVE.set(True)
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL rbl.retention_purge = 'on'")
            yield
            # Closed again for whatever else the caller's transaction does
            # (a rollback ends a SET LOCAL by itself).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL rbl.retention_purge = 'off'")
        finally:
            _ACTIVE.reset(token)
