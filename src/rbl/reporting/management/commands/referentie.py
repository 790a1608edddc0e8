"""`rbl referentie FILE [--voorbeeld] [--json]`: load the national reference
figures (R-32) from a CSV with the columns sleutel;schooljaar;waarde;bron.
The whole file is checked first: one bad line rejects it, names the line and
column, and nothing changes (exit code 1). A good file replaces the figures
of the school years in it; the same file twice changes nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rbl.reporting.reference import MAX_BYTES, ReferenceRejected, load_reference


class Command(BaseCommand):
    help = (
        "Laadt de landelijke referentiecijfers (kolommen sleutel;schooljaar;waarde;bron) voor "
        "het jaarverslag en de benchmark. Een goed bestand vervangt de cijfers van de "
        "schooljaren die erin staan; met één foute regel verandert er niets (exitcode 1)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV-bestand")
        parser.add_argument(
            "--voorbeeld",
            action="store_true",
            help="markeer de cijfers als voorbeeldgegevens (geen officiële cijfers)",
        )
        parser.add_argument("--json", action="store_true", help="uitvoer als één JSON-object")

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"bestand niet gevonden: {path}", returncode=2)
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(
                f"{path} is groter dan {MAX_BYTES // 1_000_000} MB; een referentiebestand is "
                "veel kleiner",
                returncode=1,
            )
        try:
            result = load_reference(path.read_bytes(), is_sample=opts["voorbeeld"])
        except ReferenceRejected as exc:
            if opts["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "afgekeurd": True,
                            "fouten": [
                                {"regel": p.line, "kolom": p.column, "reden": p.reason}
                                for p in exc.problems
                            ],
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                self.stdout.write(f"Bestand {path} AFGEKEURD: niets gewijzigd.")
                for problem in exc.problems:
                    self.stdout.write(f"  {problem}")
            sys.exit(1)
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(result.summary())
        if result.is_sample:
            self.stdout.write("Gemarkeerd als voorbeeldgegevens (geen officiële cijfers).")
