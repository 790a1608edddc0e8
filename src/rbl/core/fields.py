"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class CodeField(models.CharField):
    """A code compared byte by byte: a BSN, a BRIN, a vestiging number.

    On PostgreSQL the column gets the "C" collation. Codes have no linguistic
    order, and a locale's collation (even C.UTF-8 before PostgreSQL 17) sorts
    through strcoll() without abbreviated keys: building or probing an index on
    a BSN then costs about twice as much (bench/RESULTS.md, 2026-11-23 second
    part). Equality is the same under any deterministic collation, so nothing a
    user sees changes. SQLite compares bytes already (BINARY).
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = "C"
        return params
