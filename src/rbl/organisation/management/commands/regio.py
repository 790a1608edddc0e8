"""rbl regio FILE.yaml [--json] [--controleer] [--toepassen] — create or update the
region (R-02, R-04); a file that would undo edits made on screen is not applied
unless `--toepassen` is given (organisation.regio_diff)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from rbl.accounts.security import acting_as
from rbl.organisation.regio import RegionDifferencesError, RegionResult, apply_region
from rbl.organisation.regio_file import RegionFileError, read_region_file


class Command(BaseCommand):
    help = (
        "Legt de regio vast of werkt haar bij vanuit een YAML-bestand: gemeenten, uitvoerende "
        "gemeente, samenwerking, deelname per bouwsteen en medewerkers met hun rollen. "
        "Zie examples/regio-achterhoek.yaml voor alle sleutels. Een afgekeurd bestand "
        "verandert niets (exitcode 1). Is de regio na de vorige keer inlezen in RBL gewijzigd "
        "(op de inrichtingsschermen) en zou het bestand die wijziging terugdraaien, dan legt "
        "rbl regio niets vast en noemt het elk verschil ('in het bestand: X, in RBL: Y'; "
        'exitcode 1, met --json onder "verschillen"). Neem de waarden van RBL over in het '
        "bestand, of geef --toepassen om het bestand te laten gelden. Een nieuwe regio wordt "
        "altijd vastgelegd."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="YAML-bestand met de regio")
        parser.add_argument("--json", action="store_true", help="uitvoer als één JSON-object")
        parser.add_argument(
            "--controleer",
            action="store_true",
            help="alleen controleren, niets vastleggen",
        )
        parser.add_argument(
            "--toepassen",
            action="store_true",
            help="het bestand laten gelden, ook waar het wijzigingen terugdraait die in RBL "
            "(op de inrichtingsschermen) zijn gemaakt",
        )

    def handle(self, *args, **opts) -> None:
        try:
            spec = read_region_file(opts["file"])
            with acting_as("rbl regio"):  # the actor of role changes in the security log
                result = (
                    None
                    if opts["controleer"]
                    else apply_region(spec, keep_edits=not opts["toepassen"])
                )
        except RegionDifferencesError as exc:
            self._differ(exc, opts["json"])
            sys.exit(1)
        except RegionFileError as exc:
            self._reject(exc.errors, opts["json"])
            sys.exit(1)
        if result is None:
            if opts["json"]:
                self.stdout.write(json.dumps({"valid": True, "errors": []}, ensure_ascii=False))
            else:
                self.stdout.write(f"Bestand {opts['file']} is in orde (niets vastgelegd).")
            return
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._print(result)

    def _reject(self, errors: list[str], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"errors": errors}, ensure_ascii=False))
            return
        count = "1 fout" if len(errors) == 1 else f"{len(errors)} fouten"
        self.stderr.write(f"Bestand AFGEKEURD, niets gewijzigd ({count}):")
        for error in errors:
            self.stderr.write(f"  {error}")

    def _differ(self, exc: RegionDifferencesError, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "errors": exc.errors,
                        "verschillen": [d.as_json() for d in exc.differences],
                    },
                    ensure_ascii=False,
                )
            )
            return
        n = len(exc.differences)
        count = "1 verschil" if n == 1 else f"{n} verschillen"
        self.stderr.write(
            f"NIETS VASTGELEGD: het bestand zou wijzigingen terugdraaien die in RBL zijn "
            f"gemaakt sinds het vorige inlezen ({count}):"
        )
        for d in exc.differences:
            self.stderr.write(f"  {d.text()}")
        self.stderr.write(
            "Neem de waarden van RBL over in het bestand, of lees het opnieuw in met "
            "--toepassen om het bestand te laten gelden."
        )

    def _print(self, result: RegionResult) -> None:
        out = self.stdout.write
        if result.region_created:
            out(f"Regio '{result.region}' aangemaakt.")
        elif result.changed:
            out(f"Regio '{result.region}' bijgewerkt.")
        else:
            out(f"Regio '{result.region}' is al zo vastgelegd; niets gewijzigd.")
        m, p, u = result.municipalities, result.participations, result.users
        out(
            f"  gemeenten:  {m.created} nieuw, {m.updated} gewijzigd, {m.unchanged} ongewijzigd"
            + (f", {m.removed} uit de regio gehaald" if m.removed else "")
        )
        out(
            f"  deelnames:  {p.created} nieuw, {p.updated} gewijzigd, {p.unchanged} ongewijzigd"
            + (f", {p.removed} verwijderd" if p.removed else "")
        )
        out(
            f"  medewerkers: {u.created} nieuw, {u.updated} gewijzigd, {u.unchanged} ongewijzigd; "
            f"rollen {result.roles_granted} toegekend, {result.roles_revoked} ingetrokken"
        )
        if result.needs_password:
            out("Deze medewerkers hebben nog geen wachtwoord. Stel het in met:")
            for username in result.needs_password:
                out(f"  rbl changepassword {username}")
