"""The report sections in a shape for Django templates (web page and PDF)."""

from __future__ import annotations

from dataclasses import dataclass

from rbl.finance.report import TEXT, Section


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    strong: bool = False


@dataclass(frozen=True)
class HtmlTable:
    title: str
    headers: list[Cell]
    rows: list[Row]
    total: Row | None
    note: str


@dataclass(frozen=True)
class HtmlSection:
    title: str
    intro: str
    tables: list[HtmlTable]


def for_template(sections: list[Section]) -> list[HtmlSection]:
    out = []
    for section in sections:
        tables = []
        for table in section.tables:
            numeric = [c.kind != TEXT for c in table.columns]
            headers = [Cell(c.heading, n) for c, n in zip(table.columns, numeric, strict=True)]

            def row(values: list, strong: bool, table=table, numeric=numeric) -> Row:
                return Row(
                    [Cell(table.format_cell(v, i), numeric[i]) for i, v in enumerate(values)],
                    strong,
                )

            tables.append(
                HtmlTable(
                    table.title,
                    headers,
                    [row(r, i in table.emphasis) for i, r in enumerate(table.rows)],
                    row(table.total, True) if table.total is not None else None,
                    table.note,
                )
            )
        out.append(HtmlSection(section.title, section.intro, tables))
    return out
