"""`rbl absoluut`: the absoluut-verzuim check (R-13) for one check date."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from rbl.absoluut.check import (
    CheckResult,
    OutsideAdministration,
    UnknownMunicipality,
    run_check,
)
from rbl.absoluut.export import write_open_signals_csv
from rbl.absoluut.models import CloseReason
from rbl.law.dates import dutch_date, parse_date
from rbl.organisation.participation import names_of


class Command(BaseCommand):
    help = (
        "Controle absoluut verzuim: elke leerplichtige of kwalificatieplichtige "
        "inwoner zonder inschrijving en zonder vrijstelling op de peildatum krijgt een "
        "signaal; signalen die niet meer gelden worden gesloten met een reden."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--peildatum", required=True, metavar="D", help="JJJJ-MM-DD")
        parser.add_argument(
            "--gemeente",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help="CBS-code(s) van de gemeenten om te controleren (standaard: alle)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='uitvoer als één JSON-object: {"peildatum", "checked", "signals", "new", "closed"}',
        )
        parser.add_argument(
            "--csv",
            metavar="FILE",
            type=Path,
            help="schrijf de open signalen naar dit bestand (bsn,gemeentecode,status,sinds)",
        )

    def handle(self, *args, **options) -> None:
        as_json = options["json"]
        try:
            peildatum = parse_date(options["peildatum"])
        except ValueError as exc:
            self._reject("--peildatum", options["peildatum"], str(exc), as_json)
        csv_path: Path | None = options["csv"]
        if csv_path is not None and not csv_path.parent.is_dir():
            self._reject("--csv", str(csv_path), "de map van dit bestand bestaat niet", as_json)
        try:
            result = run_check(peildatum, options["gemeente"] or None)
        except UnknownMunicipality as exc:
            self._reject("--gemeente", ", ".join(exc.codes), "onbekende gemeentecode", as_json)
        except OutsideAdministration as exc:
            self._reject("--gemeente", ", ".join(exc.codes), str(exc), as_json)
        if csv_path is not None:
            with csv_path.open("w", encoding="utf-8", newline="") as out:
                write_open_signals_csv(out, peildatum, list(result.municipality_codes))
        if as_json:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write(_human(result, csv_path))

    def _reject(self, option: str, value: str, reason: str, as_json: bool) -> None:
        if as_json:
            error = {"option": option, "value": value, "reason": reason}
            self.stdout.write(json.dumps({"errors": [error]}))
        self.stderr.write(f"Fout in {option} ({value}): {reason}. Er is niets gewijzigd.")
        raise SystemExit(1)


def _human(result: CheckResult, csv_path: Path | None) -> str:
    scope = ", ".join(result.municipality_codes) or "alle gemeenten"
    lines = [
        f"Controle absoluut verzuim op {dutch_date(result.peildatum)} ({scope})",
        f"  leerplichtige en kwalificatieplichtige inwoners: {result.checked:>8}",
        f"  nieuwe signalen:                                 {result.new:>8}",
        f"  gesloten signalen:                               {result.closed:>8}",
    ]
    for reason, count in result.closed_by_reason.items():
        if count:
            lines.append(f"    {CloseReason(reason).label:<46} {count:>8}")
    lines.append(f"  open signalen na deze controle:                  {result.signals:>8}")
    if result.held_for_brp:
        lines.append(f"  in onderzoek bij de BRP (geen nieuw signaal):    {result.held_for_brp:>8}")
    if result.skipped:
        lines.append(
            f"  niet gecontroleerd (niet in bouwsteen 1, regionale administratie): "
            f"{names_of(result.skipped)}"
        )
    if csv_path is not None:
        lines.append(f"  open signalen geschreven naar {csv_path}")
    return "\n".join(lines)
