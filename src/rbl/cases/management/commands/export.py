"""`rbl export duo-status FILE [--sinds D]`: the status of each verzuimmelding
back to DUO (formats.md, verzuimmelding_status.csv).

`rbl export duo-vrijstellingen FILE [--sinds D] [--proef]`: the exemption and
substitute-schooling decisions changed since the last export, for DUO's
exemptions register (docs/formats-out.md, vrijstellingen_register.csv)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from rbl.cases.services.duo_status import export_duo_status
from rbl.cases.services.exemption_register import export_exemption_register, preview
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
        reg = sub.add_parser(
            "duo-vrijstellingen",
            help="vrijstellingen en vervangende leerplicht voor DUO (vrijstellingen_register.csv)",
            description=(
                "Schrijft de besluiten over vrijstelling en vervangende leerplicht die nieuw, "
                "gewijzigd of ingetrokken zijn sinds de vorige export. Met --sinds D gaan de "
                "besluiten (en intrekkingen) vanaf D opnieuw mee."
            ),
        )
        reg.add_argument("bestand", metavar="FILE", help="uitvoerbestand (CSV)")
        reg.add_argument(
            "--sinds",
            type=cli_date,
            default=None,
            help="ook de besluiten vanaf deze datum opnieuw (JJJJ-MM-DD)",
        )
        reg.add_argument(
            "--proef",
            action="store_true",
            help="alleen tellen wat mee zou gaan; schrijft niets en legt niets vast",
        )
        reg.add_argument("--json", action="store_true", help="uitkomst als JSON")

    def handle(self, *args, **options) -> None:
        if options["wat"] == "duo-vrijstellingen":
            self._register(options)
            return
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

    def _register(self, options: dict) -> None:
        since = options["sinds"]
        if options["proef"]:
            counts = preview(since=since)
            if options["json"]:
                self.stdout.write(json.dumps({"proef": True, **counts}))
            else:
                self.stdout.write(
                    f"Proef: {counts['totaal']} regels zouden worden geschreven "
                    f"({counts['N']} nieuw, {counts['W']} gewijzigd, {counts['I']} ingetrokken); "
                    "er is niets geschreven."
                )
            return
        try:
            run = export_exemption_register(options["bestand"], since=since, actor=_os_user())
        except OSError as exc:
            raise CommandError(f"Kan het bestand niet schrijven: {exc.strerror}") from None
        mutations = dict.fromkeys(("N", "W", "I"), 0)
        for m in run.lines.values_list("mutation", flat=True):
            mutations[m] += 1
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "file": options["bestand"],
                        "rows": run.count,
                        "sinds": since.isoformat() if since else None,
                        **mutations,
                    }
                )
            )
        elif run.count == 0:
            self.stdout.write(
                f"Geen wijzigingen sinds de vorige export; {options['bestand']} bevat alleen "
                "de kopregel."
            )
        else:
            self.stdout.write(
                f"{run.count} vrijstellingen geschreven naar {options['bestand']} "
                f"({mutations['N']} nieuw, {mutations['W']} gewijzigd, "
                f"{mutations['I']} ingetrokken)."
            )


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "onbekend"
