"""`rbl scenario --schooljaar 2025-2026 --basis BASIS.yaml [--uit SCENARIO.yaml]`:
write a finance scenario whose caseload, population, pupils, schools, blocks
and realised extra services come from the database (then `rbl financien`).

Exit 1 with Dutch reasons when no valid scenario can be written (nothing is
written then), 2 for wrong usage (argparse)."""

from __future__ import annotations

import os
import sys
import tempfile
from decimal import Decimal
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser

from rbl.finance.scenario_io import ScenarioFileError, SourceInt, read_scenario_file
from rbl.reporting.definitions import SchoolYear
from rbl.timekeeping.realised import ScenarioNotWritten, build_scenario, hours_comment


class _Dumper(yaml.SafeDumper):
    """Writes what the scenario reader reads back: a code of digits quoted
    (`"0197"`), integers read from the base file as plain integers, decimals
    as numbers."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(SourceInt, lambda d, v: d.represent_int(int(v)))


class Command(BaseCommand):
    help = (
        "Schrijft een scenariobestand voor rbl financien met de caseload, inwoners, leerlingen, "
        "scholen, bouwstenen en gerealiseerde extra diensten (geschreven uren op een product) "
        "van een schooljaar uit de database. Teams, schalen, opslag en ramingen komen uit het "
        "basisbestand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schooljaar", required=True, help="bijvoorbeeld 2025-2026")
        parser.add_argument(
            "--basis",
            required=True,
            metavar="BASIS.yaml",
            help="scenario met teams, schalen, opslag, formatie en ramingen",
        )
        parser.add_argument(
            "--uit", metavar="SCENARIO.yaml", help="schrijf hierheen (anders naar stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = SchoolYear.parse(options["schooljaar"])
        except ValueError as exc:
            self._reject([("--schooljaar", str(exc))])
            return
        try:
            base = read_scenario_file(options["basis"])
        except ScenarioFileError as exc:
            self._reject([(options["basis"], str(exc))])
            return
        try:
            scenario = build_scenario(base, year)
        except ScenarioNotWritten as exc:
            self._reject(exc.problems)
            return
        header = [
            f"Scenario {scenario.get('regio', '')}: cijfers van schooljaar {year} uit de database,",
            f"met teams, schalen en ramingen uit {os.path.basename(options['basis'])}.",
            "Bereken met: rbl financien <dit bestand>",
            *hours_comment(year),
        ]
        text = "".join(f"# {line}\n" for line in header) + yaml.dump(
            scenario,
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=100,
        )
        target = options["uit"]
        if not target:
            self.stdout.write(text, ending="")
            return
        try:
            folder = os.path.dirname(os.path.abspath(target))
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
            ) as handle:
                handle.write(text)
            os.replace(handle.name, target)
        except OSError as exc:
            self._reject([(target, f"kan niet schrijven ({exc.strerror})")])
            return
        self.stdout.write(f"Geschreven: {target}")

    def _reject(self, problems: list[tuple[str, str]]) -> None:
        self.stderr.write("Er is geen scenario geschreven:")
        for place, reason in problems:
            self.stderr.write(f"  - {place}: {reason}" if place else f"  - {reason}")
        sys.exit(1)
