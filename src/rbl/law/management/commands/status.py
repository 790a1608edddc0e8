"""`rbl status`: the pure rule of R-12 for one person. Touches no database."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from rbl.law.dates import dutch_date, parse_date
from rbl.law.status import (
    DEFAULT_RMC_AGE,
    MAX_RMC_AGE,
    MIN_RMC_AGE,
    ImpossibleDate,
    RmcLimits,
    StatusOnDate,
    status_on,
)


class Command(BaseCommand):
    help = (
        "Berekent de status (leerplichtig, kwalificatieplichtig, rmc of geen) van één "
        "jongere op een peildatum, met de begin- en einddata van elke periode. "
        "Gebruikt geen database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--geboortedatum", required=True, metavar="D", help="geboortedatum (JJJJ-MM-DD)"
        )
        parser.add_argument(
            "--peildatum", required=True, metavar="D", help="datum waarop de status geldt"
        )
        parser.add_argument(
            "--startkwalificatie",
            metavar="D",
            help="datum waarop een startkwalificatie is behaald (beëindigt "
            "kwalificatieplicht en RMC, nooit de leerplicht)",
        )
        parser.add_argument(
            "--rmc-tot-leeftijd",
            metavar="N",
            default=str(DEFAULT_RMC_AGE),
            help=f"de RMC-doelgroep loopt tot de dag vóór de N-de verjaardag "
            f"({MIN_RMC_AGE} tot en met {MAX_RMC_AGE}; standaard {DEFAULT_RMC_AGE})",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="uitvoer als één JSON-object: status, leerplicht_vanaf, leerplicht_tot, "
            "kwalificatieplicht_tot, rmc_tot (laatste dag, of null als de periode niet geldt)",
        )

    def handle(self, *args, **options) -> None:
        errors: list[dict[str, str]] = []
        dates = {}
        for option in ("geboortedatum", "peildatum", "startkwalificatie"):
            raw = options[option]
            if raw is None:
                dates[option] = None
                continue
            try:
                dates[option] = parse_date(raw)
            except ValueError as exc:
                errors.append({"option": f"--{option}", "value": raw, "reason": str(exc)})
        raw_age = options["rmc_tot_leeftijd"]
        limits = None
        try:
            if not raw_age.strip().isdigit():
                raise ImpossibleDate("rmc_tot_leeftijd", "geen geheel aantal jaren")
            limits = RmcLimits(base=int(raw_age))
        except ImpossibleDate as exc:
            errors.append({"option": "--rmc-tot-leeftijd", "value": raw_age, "reason": exc.reason})
        result = None
        if not errors:
            assert limits is not None
            try:
                result = status_on(
                    dates["geboortedatum"], dates["peildatum"], dates["startkwalificatie"], limits
                )
            except ImpossibleDate as exc:
                raw = options[exc.field]
                errors.append({"option": f"--{exc.field}", "value": raw, "reason": exc.reason})
        if errors:
            self._reject(errors, as_json=options["json"])
        assert result is not None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write(_human(result))

    def _reject(self, errors: list[dict[str, str]], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"errors": errors}))
        for error in errors:
            value = f" ({error['value']})" if error["value"] else ""
            self.stderr.write(f"Fout in {error['option']}{value}: {error['reason']}.")
        raise SystemExit(1)


def _human(result: StatusOnDate) -> str:
    p = result.periods
    lines = [
        f"Status op {dutch_date(result.peildatum)}: {result.status.label}",
        f"Leerplichtig:         {dutch_date(p.leerplicht_vanaf)} t/m {dutch_date(p.leerplicht_tot)}",
    ]
    if p.kwalificatieplicht_vanaf and p.kwalificatieplicht_tot:
        lines.append(
            f"Kwalificatieplichtig: {dutch_date(p.kwalificatieplicht_vanaf)} "
            f"t/m {dutch_date(p.kwalificatieplicht_tot)}"
        )
    else:
        lines.append("Kwalificatieplichtig: niet van toepassing")
    if p.rmc_periods:
        lines.extend(
            f"RMC-doelgroep:        {dutch_date(start)} t/m {dutch_date(end)}"
            for start, end in p.rmc_periods
        )
    else:
        lines.append("RMC-doelgroep:        niet van toepassing")
    if p.startkwalificatie:
        lines.append(f"Startkwalificatie:    behaald op {dutch_date(p.startkwalificatie)}")
    return "\n".join(lines)
