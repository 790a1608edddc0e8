"""`rbl financien SCENARIO.yaml`: formation, budgets and cost split of a scenario.

Touches no database. Exit 1 with Dutch reasons when a scenario is rejected,
2 for wrong usage (argparse).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from rbl.finance.export_pdf import write_pdf
from rbl.finance.export_xlsx import write_xlsx
from rbl.finance.report import build_report
from rbl.finance.results import as_json, compute
from rbl.finance.service import Problem, ScenarioRejected, scenario_from_path
from rbl.finance.terminal import print_report


class Command(BaseCommand):
    help = (
        "Berekent formatiemeter (leerplicht en RMC), preventie-uren, begroting per bouwsteen, "
        "kostenverdeling per verdeelsleutel en begrotingscyclus voor het scenario in een "
        "YAML- of JSON-bestand. Raakt geen database aan."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", help="scenariobestand (YAML of JSON, zie finance.md)")
        parser.add_argument(
            "--vergelijk",
            metavar="ANDER.yaml",
            help="tweede scenario; toont per gemeente beide totalen en het verschil",
        )
        parser.add_argument(
            "--json", action="store_true", help="onafgeronde uitkomsten als JSON op stdout"
        )
        parser.add_argument(
            "--xlsx", metavar="BESTAND", help="schrijf een Excel-bestand (afgerond)"
        )
        parser.add_argument("--pdf", metavar="BESTAND", help="schrijf een PDF-rapport (afgerond)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json_output: bool = options["json"]
        try:
            scenario = scenario_from_path(options["scenario"])
            other = scenario_from_path(options["vergelijk"]) if options["vergelijk"] else None
        except ScenarioRejected as exc:
            self._reject(exc.problems, as_json_output)
            return
        result = compute(scenario)
        comparison = compute(other) if other is not None else None
        sections = build_report(result, comparison)
        heading = f"Financiën samenwerking leerplicht {scenario.regio} — begroting {scenario.jaar}"

        written = []
        try:
            if options["xlsx"]:
                write_xlsx(sections, heading, options["xlsx"])
                written.append(options["xlsx"])
            if options["pdf"]:
                write_pdf(result, sections, options["pdf"])
                written.append(options["pdf"])
        except OSError as exc:
            target = exc.filename or ""
            self._reject(
                [Problem(str(target), "", f"kan niet schrijven ({exc.strerror})")], as_json_output
            )
            return

        if as_json_output:
            self.stdout.write(json.dumps(as_json(result, comparison), ensure_ascii=False, indent=2))
            return
        out = self.stdout._out
        console = Console(file=out, width=None if out.isatty() else 160, highlight=False)
        print_report(sections, console)
        for path in written:
            console.print(f"Geschreven: {path}")

    def _reject(self, problems: list[Problem], as_json_output: bool) -> None:
        if as_json_output:
            payload = {"errors": [p.as_json() for p in problems]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stderr.write("Het scenario is afgewezen; er is niets berekend:")
            for problem in problems:
                self.stderr.write(f"  - {problem}")
        sys.exit(1)
