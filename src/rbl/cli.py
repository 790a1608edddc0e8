"""The `rbl` command: Django's manage.py with RBL's settings preset.

Product commands that use the database migrate it first when it is behind,
so a region can run `rbl import ...` right after an upgrade.
"""

from __future__ import annotations

import os
import sys

# Commands that work on the database and bring its schema up to date first.
# Not `backup` (a backup before an upgrade must hold the schema as it was) nor
# `herstel` (it replaces the schema, and migrates a backup of an older RBL itself).
MIGRATE_FIRST = {
    "regio",
    "import",
    "absoluut",
    "kwaliteit",
    "herinneringen",
    "jaarkalender",
    "brieven",
    "demo",
    "export",
    "rapport",
    "referentie",
    "retentie",
    "rmc-leeftijd",
    "scenario",
    "signalen",
    "svb",
    "runserver",
}


def _preset_database(argv: list[str]) -> None:
    """`rbl demo --db PATH` chooses the SQLite file before settings load."""
    if len(argv) > 1 and argv[1] == "demo":
        for i, arg in enumerate(argv):
            if arg == "--db" and i + 1 < len(argv):
                os.environ["RBL_DB"] = argv[i + 1]
            elif arg.startswith("--db="):
                os.environ["RBL_DB"] = arg.split("=", 1)[1]


def migrate_if_behind() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    if executor.migration_plan(targets):
        call_command("migrate", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "rbl"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rbl.settings")
    _preset_database(argv)

    import django
    from django.core.management import execute_from_command_line

    django.setup()
    wants_help = any(a in ("-h", "--help") for a in argv[2:])
    if len(argv) > 1 and argv[1] in MIGRATE_FIRST and not wants_help:
        migrate_if_behind()
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
