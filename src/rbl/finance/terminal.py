"""Readable Dutch tables on the terminal (rich), rounded for display."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from rbl.finance.report import TEXT, Section, Table


def _rich_table(table: Table) -> RichTable:
    out = RichTable(title=table.title, title_justify="left", box=box.SIMPLE_HEAVY, show_lines=False)
    for column in table.columns:
        out.add_column(column.heading, justify="left" if column.kind == TEXT else "right")
    for index, row in enumerate(table.rows):
        style = "bold" if index in table.emphasis else None
        out.add_row(*(table.format_cell(v, i) for i, v in enumerate(row)), style=style)
    if table.total is not None:
        out.add_section()
        out.add_row(*(table.format_cell(v, i) for i, v in enumerate(table.total)), style="bold")
    return out


def print_report(sections: list[Section], console: Console) -> None:
    for section in sections:
        console.rule(Text(section.title, style="bold"))
        if section.intro:
            console.print(section.intro)
        for table in section.tables:
            console.print(_rich_table(table))
            if table.note:
                console.print(Text(table.note, style="dim"))
            console.print()
