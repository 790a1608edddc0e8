"""rbl import KIND FILE [--gemeente CODE …] [--peildatum D] [--skip-invalid]
[--accepteer-vertrek] [--json]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rbl.core.dates import cli_date
from rbl.core.progress import byte_progress
from rbl.registry.imports import KINDS, run_import
from rbl.registry.imports.departures import ACCEPT_DEPARTURES


class Command(BaseCommand):
    help = "Leest een BRP- of DUO-bestand in (zie formats.md). Afgekeurd bestand: niets gewijzigd, exitcode 1."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="soort bestand")
        parser.add_argument("file", type=Path, help="CSV-bestand")
        parser.add_argument(
            "--gemeente",
            action="append",
            default=[],
            metavar="CODE",
            help="gemeente(n) waarvoor het extract volledig is (brp)",
        )
        parser.add_argument(
            "--peildatum", type=cli_date, help="peildatum JJJJ-MM-DD (standaard vandaag)"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="verwerk de goede regels; afgekeurde regels gaan naar het foutenrapport",
        )
        parser.add_argument(
            "--accepteer-vertrek",
            action="store_true",
            help="brp: verwerk ook een leeg extract, of een dat meer dan 10 %% en meer dan 50 "
            "inwoners van een gemeente als vertrokken markeert",
        )
        parser.add_argument("--json", action="store_true", help="uitvoer als één JSON-object")

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"bestand niet gevonden: {path}", returncode=2)
        with byte_progress(f"Inlezen {opts['kind']}", enabled=not opts["json"]) as progress:
            result = run_import(
                opts["kind"],
                path,
                municipalities=opts["gemeente"] or None,
                peildatum=opts["peildatum"],
                skip_invalid=opts["skip_invalid"],
                progress=progress,
                extra={ACCEPT_DEPARTURES: True} if opts["accepteer_vertrek"] else None,
            )
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self._print(result, opts["skip_invalid"])
        # Departures to confirm refuse the file even with --skip-invalid.
        if (result.rejected and not opts["skip_invalid"]) or result.departures:
            sys.exit(1)

    def _print(self, result, skip_invalid: bool) -> None:
        out = self.stdout.write
        if result.rejected and (not skip_invalid or result.departures):
            rows = "1 regel" if result.rejected == 1 else f"{result.rejected} regels"
            out(f"Bestand {result.file} AFGEKEURD: niets gewijzigd ({rows} met fouten).")
        else:
            out(f"Bestand {result.file} verwerkt ({result.rows} regels).")
        labels = {
            "created": "nieuw",
            "updated": "gewijzigd",
            "unchanged": "ongewijzigd",
            "deleted": "verwijderd",
            "moved_out": "vertrokken",
            "aged_out": "buiten leeftijd",
            "stale": "verouderd (overgeslagen)",
            "rejected": "afgekeurd",
        }
        for key, label in labels.items():
            value = getattr(result, key)
            if value or key in ("created", "updated", "unchanged"):
                out(f"  {label:<26} {value:>10}")
        for error in result.errors:
            column = f", kolom {error.column}" if error.column else ""
            value = f" (waarde: {error.value})" if error.value else ""
            out(f"  regel {error.line}{column}: {error.reason}{value}")
        more = result.error_count - len(result.errors)
        if more > 0:
            out(f"  … en nog {more} {'fout' if more == 1 else 'fouten'}")
        if result.departures and result.rejected and not skip_invalid:
            out("Klopt dit vertrek? Importeer het bestand dan opnieuw met --accepteer-vertrek.")
