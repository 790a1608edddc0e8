"""Dutch wording shared by `rbl backup` and `rbl herstel`."""

from __future__ import annotations

import datetime as dt

from rbl.operations.archive import Manifest

VENDORS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def size(n: int) -> str:
    """A byte count as a Dutch reader writes it: 1,5 MB."""
    if n < 1000:
        return f"{n} bytes"
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".", ",")
    raise AssertionError  # unreachable


def moment(manifest: Manifest) -> str:
    """When the backup was made, e.g. 11-03-2026 10:00."""
    try:
        return dt.datetime.fromisoformat(manifest.created_at).strftime("%d-%m-%Y %H:%M")
    except ValueError:
        return manifest.created_at


def database(manifest: Manifest) -> str:
    db = manifest.database
    return f"{VENDORS.get(db['vendor'], db['vendor'])} {db.get('server_version', '')}".strip()
