"""`rbl rapport art25 --schooljaar 2024-2025 [--gemeente CODE …] [--json] [--pdf FILE] [--xlsx FILE]`

The art. 25 figures (R-30) of a school year from the database, per
municipality and for the region, with exact numbers (the command is run by
the executing organisation's staff, who have case access). A closed school
year comes from its snapshot. `rbl rapport vaststellen --schooljaar …` closes
a school year. `rbl rapport vsv --schooljaar …` gives the VSV report (R-33,
`reporting/vsv.py`) the same way. Exit 1 with a Dutch reason for a wrong school year or
municipality code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table as RichTable

from rbl.organisation.models import Municipality
from rbl.reporting.definitions import SchoolYear
from rbl.reporting.documents import Document, art25_document, pdf_bytes, xlsx_bytes
from rbl.reporting.snapshots import CannotClose, close_year, figures_for
from rbl.reporting.tables import REGION, Table, year_table


def _school_year(text: str) -> SchoolYear:
    try:
        return SchoolYear.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Jaarcijfers uit de database. 'art25': de cijfers voor de verantwoording volgens "
        "artikel 25 van de Leerplichtwet per gemeente en voor de regio, voor een schooljaar "
        "(1 augustus tot en met 31 juli). 'vsv': de RMC-cijfers in de vorm van de "
        "VSV-effectrapportage van DUO. 'vaststellen': legt de cijfers van een afgelopen "
        "schooljaar vast; daarna veranderen ze niet meer."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "soort", choices=["art25", "vsv", "vaststellen"], help="art25, vsv of vaststellen"
        )
        parser.add_argument(
            "--schooljaar", required=True, metavar="JJJJ-JJJJ", help="bijvoorbeeld 2024-2025"
        )
        parser.add_argument(
            "--gemeente",
            nargs="+",
            action="extend",
            default=[],
            metavar="CODE",
            help="alleen deze gemeenten (CBS-code); de regio blijft de hele regio",
        )
        parser.add_argument("--json", action="store_true", help="de cijfers als JSON op stdout")
        parser.add_argument("--pdf", metavar="BESTAND", help="schrijf een PDF")
        parser.add_argument("--xlsx", metavar="BESTAND", help="schrijf een Excel-bestand")
        parser.add_argument(
            "--door",
            metavar="GEBRUIKER",
            help="gebruikersnaam van wie vaststelt (bij 'vaststellen')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = _school_year(options["schooljaar"])
        if options["soort"] == "vaststellen":
            self._close(year, options.get("door"))
            return
        known = set(Municipality.objects.values_list("code", flat=True))
        codes = list(dict.fromkeys(options["gemeente"]))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise CommandError(
                f"Onbekende gemeentecode: {', '.join(unknown)}. Bekend zijn: "
                f"{', '.join(sorted(known))}."
            )
        figures = figures_for(year, codes or None)
        if options["soort"] == "vsv":
            self._vsv(figures, options)
            return
        table = year_table(
            figures,
            [*figures.municipalities, REGION],
            title=f"Art. 25 Leerplichtwet, schooljaar {year}",
        )
        document = art25_document(figures, table)
        try:
            if options["pdf"]:
                Path(options["pdf"]).write_bytes(pdf_bytes(document))
            if options["xlsx"]:
                Path(options["xlsx"]).write_bytes(xlsx_bytes(document))
        except OSError as exc:
            raise CommandError(f"Kan niet schrijven naar {exc.filename}: {exc.strerror}.") from None
        if options["json"]:
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False, indent=2))
            return
        self._print(document, table)

    def _vsv(self, figures: Any, options: dict[str, Any]) -> None:
        from django.utils import timezone

        from rbl.reporting.vsv import vsv_document, vsv_json, vsv_table

        table = vsv_table(
            figures,
            [*figures.municipalities, REGION],
            today=timezone.localdate(),
            title=f"VSV-rapportage, schooljaar {figures.school_year}",
        )
        document = vsv_document(figures, table)
        self._files(document, options)
        if options["json"]:
            self.stdout.write(json.dumps(vsv_json(figures, table), ensure_ascii=False, indent=2))
            return
        self._print(document, table)

    def _files(self, document: Document, options: dict[str, Any]) -> None:
        try:
            if options["pdf"]:
                Path(options["pdf"]).write_bytes(pdf_bytes(document))
            if options["xlsx"]:
                Path(options["xlsx"]).write_bytes(xlsx_bytes(document))
        except OSError as exc:
            raise CommandError(f"Kan niet schrijven naar {exc.filename}: {exc.strerror}.") from None

    def _close(self, year: SchoolYear, username: str | None) -> None:
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Onbekende gebruiker: {username}.")
        try:
            figures = close_year(year, actor=actor)
        except CannotClose as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Schooljaar {year} is vastgesteld (definities versie {figures.version}); "
            f"{len(figures.municipalities)} gemeenten."
        )

    def _print(self, document: Document, table: Table) -> None:
        out = self.stdout._out
        console = Console(file=out, width=None if out.isatty() else 200, highlight=False)
        console.print(f"[bold]{document.title}[/bold]")
        for line in document.meta:
            console.print(line)
        rich = RichTable(show_lines=False)
        rich.add_column("Cijfer")
        for _, name in table.columns:
            rich.add_column(name, justify="right")
        for section, rows in table.sections():
            rich.add_row(f"[bold]{section}[/bold]", *([""] * len(table.columns)))
            for row in rows:
                rich.add_row(("  " * row.level) + row.label, *(c.text for c in row.cells))
        console.print(rich)
        console.print("De definities staan in de PDF en het Excel-bestand (--pdf, --xlsx).")
        sys.stdout.flush()
