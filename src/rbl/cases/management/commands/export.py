"""`rbl export duo-status FILE [--sinds D]`: the status of each verzuimmelding
back to DUO (formats.md, verzuimmelding_status.csv)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from rbl.cases.services.duo_status import export_duo_status
from rbl.core.dates import cli_date


class Command(BaseCommand):
    help = "Exporteert bestanden voor andere systemen."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="wat", required=True, metavar="SOORT")
        duo = sub.add_parser(
            "duo-status",
            help="status van de verzuimmeldingen voor DUO (verzuimmelding_status.csv)",
            description=(
                "Schrijft meldingsnummer,status,reden_afsluiting,datum voor de meldingen "
                "waarvan de status is gewijzigd sinds D (standaard: sinds de vorige export)."
            ),
        )
        duo.add_argument("bestand", metavar="FILE", help="uitvoerbestand (CSV)")
        duo.add_argument(
            "--sinds", type=cli_date, default=None, help="wijzigingen vanaf deze datum (JJJJ-MM-DD)"
        )
        duo.add_argument("--json", action="store_true", help="uitkomst als JSON")

    def handle(self, *args, **options) -> None:
        if options["wat"] != "duo-status":  # pragma: no cover - argparse rejects others
            raise CommandError("Onbekende export.")
        try:
            run = export_duo_status(options["bestand"], since=options["sinds"], actor=_os_user())
        except OSError as exc:
            raise CommandError(f"Kan het bestand niet schrijven: {exc.strerror}") from None
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "file": options["bestand"],
                        "rows": run.count,
                        "sinds": run.since.isoformat() if run.since else None,
                    }
                )
            )
        else:
            self.stdout.write(f"{run.count} meldingen geschreven naar {options['bestand']}.")


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "onbekend"
