"""The yearly figures as a table: one row per figure (and per code of a
figure with codes), one column per municipality and the region; each row
with its definition. The same table feeds the screen, the PDF, the XLSX and
the terminal, so they never differ.

For a reader without case access small counts are hidden ("< 5", 0
excepted), with secondary suppression inside each group of figures that add
up (a figure and its codes, thuiszitters and their split, leave and its
decisions) across the columns shown (`disclosure.protect`); a rate is hidden
when the count it is made of is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rbl.reporting.definitions import BY_KEY, FIGURES, REGION_ONLY, Figure, Section
from rbl.reporting.disclosure import Grid, protect
from rbl.reporting.figures import YearFigures

REGION = "regio"
#: Figures whose parts add up to them (besides the figures with codes).
PARTS: dict[str, tuple[str, ...]] = {
    "verlof": ("verlof_toegekend", "verlof_afgewezen"),
    "thuiszitters": ("thuiszitters_kort", "thuiszitters_lang"),
}
PART_OF = {part: whole for whole, parts in PARTS.items() for part in parts}
#: The count a rate is made of: hidden count, hidden rate.
RATE_NUMERATOR = {
    "verzuim_per_1000": "verzuimmeldingen",
    "absoluut_per_1000": "absoluut_verzuim",
    "vrijstellingen_per_1000": "vrijstellingen",
    "pv_per_100_zaken": "pv",
    "thuiszitters_per_1000": "thuiszitters",
    "vsv_pct": "vsv",
}


def _nl_number(value: float | int, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class Cell:
    value: int | float | None
    hidden: bool = False
    threshold: int = 0
    decimals: int = 0
    rate: bool = False
    label: str = ""  # a text instead of a number ("ja", "nee")
    signed: bool = False  # a change: "+3"

    @property
    def text(self) -> str:
        if self.hidden:
            return "klein aantal" if self.rate else f"< {self.threshold}"
        if self.label:
            return self.label
        if self.value is None:
            return "–"
        text = _nl_number(self.value, self.decimals)
        return f"+{text}" if self.signed and self.value > 0 else text

    @property
    def export_value(self) -> int | float | str | None:
        """A number stays a number in a spreadsheet; a hidden one is its text."""
        return self.text if self.hidden or self.label else self.value

    @property
    def json_value(self) -> int | float | None:
        return None if self.hidden else self.value


@dataclass
class Row:
    key: str  # "pv", "verzuimmeldingen.LUXE"
    label: str
    definition: str
    section: str
    cells: list[Cell]
    level: int = 0  # 1 for a code or a part of a figure
    is_rate: bool = False


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str]]  # (code or "regio", name)
    rows: list[Row]
    threshold: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return ["Cijfer", *(name for _, name in self.columns), "Definitie"]

    def export_rows(self) -> list[list[Any]]:
        return [
            [("  " * r.level) + r.label, *(c.export_value for c in r.cells), r.definition]
            for r in self.rows
        ]

    def sections(self) -> list[tuple[str, list[Row]]]:
        out: list[tuple[str, list[Row]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.section:
                out.append((row.section, []))
            out[-1][1].append(row)
        return out

    def hidden_keys(self) -> dict[str, list[str]]:
        """{column code: [keys hidden]} for the JSON's "onderdrukt"."""
        hidden: dict[str, list[str]] = {}
        for row in self.rows:
            for (code, _), cell in zip(self.columns, row.cells, strict=True):
                if cell.hidden:
                    hidden.setdefault(code, []).append(row.key)
        return hidden


def _value(values: dict[str, Any], key: str) -> Any:
    name, _, code = key.partition(".")
    value = values.get(name)
    if isinstance(value, dict):
        if code:
            return value.get(code, 0)
        return None if None in value.values() else sum(value.values())
    return value


def year_table(
    figures: YearFigures,
    columns: list[str],
    *,
    threshold: int = 0,
    sections: tuple[Section, ...] | None = None,
    title: str = "",
) -> Table:
    """The table of `figures` for `columns` (municipality codes and/or "regio")."""
    names = {**figures.names, REGION: "Regio"}
    sources = {
        code: figures.region if code == REGION else figures.municipalities[code] for code in columns
    }
    rows: list[Row] = []
    for fig in FIGURES:
        if sections and fig.section not in sections:
            continue
        if fig.key in REGION_ONLY and REGION not in columns:
            continue
        keys = [(fig.key, fig.label, fig.definition, PART_OF.get(fig.key) and 1 or 0)]
        keys += [(f"{fig.key}.{code}", label, "", 1) for code, label in fig.codes]
        for key, label, definition, level in keys:
            cells = [
                Cell(_value(sources[c], key), False, threshold, fig.decimals, fig.is_rate)
                for c in columns
            ]
            rows.append(
                Row(
                    key,
                    label,
                    definition,
                    fig.section.value,
                    cells,
                    level,
                    fig.is_rate,
                )
            )
    if threshold > 1:
        _suppress(rows, columns, threshold)
    return Table(title, [(c, names.get(c, c)) for c in columns], rows, threshold)


def _suppress(rows: list[Row], columns: list[str], threshold: int) -> None:
    by_key = {r.key: r for r in rows}
    groups: list[tuple[Row, list[Row]]] = []
    for row in rows:
        if row.is_rate or row.level:
            continue
        fig: Figure = BY_KEY[row.key]
        parts = [by_key[f"{row.key}.{code}"] for code, _ in fig.codes] or [
            by_key[k] for k in PARTS.get(row.key, ()) if k in by_key
        ]
        groups.append((row, parts))
    # The region column is the total of the municipalities' columns.
    municipal = [i for i, c in enumerate(columns) if c != REGION]
    region = columns.index(REGION) if REGION in columns else None
    for whole, parts in groups:
        lines = parts or [whole]
        cells = [[int(line.cells[i].value or 0) for i in municipal] for line in lines]
        if not municipal:  # the region alone: its column is the only one
            cells = [[int(line.cells[region].value or 0)] for line in lines]  # type: ignore[index]
        grid = protect(Grid(cells, row_totals=region is not None and bool(municipal)), threshold)
        targets = municipal or [region]
        for li, line in enumerate(lines):
            for gi, i in enumerate(targets):
                line.cells[i].hidden = grid.hidden[li][gi]
            if region is not None and municipal:
                line.cells[region].hidden = grid.row_hidden[li]
        if parts:
            for gi, i in enumerate(targets):
                whole.cells[i].hidden = grid.col_hidden[gi]
            if region is not None and municipal:
                whole.cells[region].hidden = grid.total_hidden
    for row in rows:
        numerator = RATE_NUMERATOR.get(row.key)
        if numerator and numerator in by_key:
            for i, cell in enumerate(row.cells):
                if by_key[numerator].cells[i].hidden:
                    cell.hidden = True
