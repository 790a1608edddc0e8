"""PostgreSQL's client programs (pg_dump, pg_restore, psql) for the configured
database: which binary, which connection, and their errors in Dutch.

pg_dump refuses a server newer than itself, so the program must match the
server's major version. It is looked up in this order:

1. `RBL_PG_BIN`, a directory holding pg_dump, pg_restore and psql;
2. `/usr/lib/postgresql/<server major>/bin/` (Debian's postgresql-client-<major>);
3. the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings

from rbl.core.logfilter import redact

DEBIAN_BIN = "/usr/lib/postgresql/{major}/bin"

# Connection settings of Django's PostgreSQL backend and the libpq variables
# that carry them to a client program (never on its command line).
_LIBPQ_ENV = {
    "NAME": "PGDATABASE",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "HOST": "PGHOST",
    "PORT": "PGPORT",
}
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


class PgToolError(Exception):
    """A client program is missing, too old, or failed; the message is Dutch."""


def server_major(connection: Any) -> int:
    """The major version of the server behind a Django PostgreSQL connection."""
    connection.ensure_connection()
    return connection.pg_version // 10000


def find_tool(name: str, major: int) -> Path:
    """The program `name` (pg_dump, pg_restore, psql) for a server of `major`."""
    override = getattr(settings, "RBL_PG_BIN", "")
    if override:
        path = Path(override) / name
        if not path.is_file():
            raise PgToolError(f"{name} niet gevonden in {override} (RBL_PG_BIN).")
        return path
    debian = Path(DEBIAN_BIN.format(major=major)) / name
    if debian.is_file():
        return debian
    found = shutil.which(name)
    if found is None:
        raise PgToolError(
            f"{name} niet gevonden. Installeer postgresql-client-{major} of wijs met "
            "RBL_PG_BIN de map met de PostgreSQL-programma's aan."
        )
    return Path(found)


def tool_version(path: Path) -> str:
    """The version a client program reports, e.g. "15.20"."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise PgToolError(f"{path} kan niet worden gestart: {exc}") from None
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if match is None:
        raise PgToolError(f"Onbekende versie van {path}: {out.strip()}")
    return match.group(0)


def matching_tool(name: str, major: int) -> tuple[Path, str]:
    """The program and its version; refused when it is older than the server."""
    path = find_tool(name, major)
    version = tool_version(path)
    if int(version.split(".")[0]) < major:
        raise PgToolError(
            f"{path} is versie {version}, ouder dan de databaseserver (PostgreSQL {major}). "
            f"Installeer postgresql-client-{major} of wijs met RBL_PG_BIN de juiste map aan."
        )
    return path, version


def libpq_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The environment for a client program that connects to the same database
    as Django (the test database too: pass `connection.settings_dict`)."""
    env = dict(os.environ)
    for key, variable in _LIBPQ_ENV.items():
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        variable = _LIBPQ_OPTIONS.get(key)
        if variable and value:
            env[variable] = str(value)
    return env


def failure(program: str, stderr: str) -> PgToolError:
    """A failed run, with the program's last lines (they name the cause; a value
    they quote, such as a key in a constraint error, with any BSN masked)."""
    lines = [line for line in redact(stderr).strip().splitlines() if line.strip()][-5:]
    detail = "\n".join(lines) or "geen melding"
    return PgToolError(f"{program} is mislukt:\n{detail}")
