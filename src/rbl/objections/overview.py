"""The yearly overview of objections and complaints for the evaluation of the
cooperation: counts per kind, route, outcome and term, per municipality.

An objection counts for the principal municipality of its case on the
decision date, a complaint for the municipality on whose behalf the officer
acted; both in the calendar year they were received. The table holds no
names. For a reader who does not read the cases of every municipality shown,
counts from 1 below the threshold (`RBL_SMALL_COUNT_THRESHOLD`, 5) show as
"< 5", with the reporting app's secondary suppression per block
(`rbl.reporting.disclosure`), so a hidden count cannot be worked back from its
row or column total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rbl.accounts.access import grants, objection_overview_municipalities
from rbl.objections.models import (
    Complaint,
    ComplaintOutcome,
    Objection,
    ObjectionOutcome,
    Route,
)
from rbl.objections.terms import in_time
from rbl.organisation.models import Municipality
from rbl.reporting.disclosure import Grid, protect

TERM_LABELS = {
    "binnen": "Beslist binnen de termijn",
    "te-laat": "Beslist na de termijn",
    "open": "Nog open, binnen de termijn",
    "verstreken": "Nog open, termijn verstreken",
}


@dataclass
class Block:
    """One frequency table: rows are categories, columns municipalities."""

    title: str
    labels: list[str]
    grid: Grid

    def text(self, value: int, hidden: bool) -> str:
        return f"< {self.threshold}" if hidden else str(value)

    threshold: int = 0

    def rows(self) -> list[tuple[str, list[str], str]]:
        """(label, cells per municipality, row total) as text."""
        g = self.grid
        return [
            (
                label,
                [self.text(v, h) for v, h in zip(g.cells[i], g.hidden[i], strict=True)],
                self.text(g.row_total(i), g.row_hidden[i]),
            )
            for i, label in enumerate(self.labels)
        ]

    def totals(self) -> tuple[list[str], str]:
        g = self.grid
        cols = [self.text(g.col_total(j), g.col_hidden[j]) for j in range(g.width)]
        return cols, self.text(g.total, g.total_hidden)


@dataclass
class Overview:
    year: int
    names: list[str]  # municipality names, in column order
    threshold: int
    blocks: list[Block]

    def export_rows(self) -> list[list[Any]]:
        """Every block as rows: block, category, one cell per municipality, total."""
        out: list[list[Any]] = []
        for block in self.blocks:
            for label, cells, total in block.rows():
                out.append([block.title, label, *[_number(c) for c in cells], _number(total)])
            cols, total = block.totals()
            out.append([block.title, "Totaal", *[_number(c) for c in cols], _number(total)])
        return out

    @property
    def header(self) -> list[str]:
        return ["Onderdeel", "Categorie", *self.names, "Totaal"]


def _number(text: str) -> Any:
    return int(text) if text.isdigit() else text


def overview_codes(user: Any) -> list[str]:
    codes = objection_overview_municipalities(user)
    return list(
        Municipality.objects.filter(code__in=codes).order_by("name").values_list("code", flat=True)
    )


def _block(
    title: str,
    items: Sequence[Any],
    codes: list[str],
    categories: list[tuple[str, str]],
    key: Callable[[Any], str],
    place: Callable[[Any], str],
    threshold: int,
) -> Block:
    index = {code: j for j, code in enumerate(codes)}
    rows = {value: i for i, (value, _) in enumerate(categories)}
    cells = [[0] * len(codes) for _ in categories]
    for item in items:
        i, j = rows.get(key(item)), index.get(place(item))
        if i is not None and j is not None:
            cells[i][j] += 1
    grid = protect(Grid(cells), threshold)
    return Block(title, [label for _, label in categories], grid, threshold=threshold)


def year_overview(user: Any, year: int, today: dt.date) -> Overview:
    """The overview of `year` for the municipalities `user` has figures of."""
    codes = overview_codes(user)
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    exact = bool(codes) and set(codes) <= grants(user).all_cases
    threshold = 0 if exact else settings.RBL_SMALL_COUNT_THRESHOLD
    objections = list(
        Objection.objects.filter(received_on__year=year, principal_id__in=codes).only(
            "route", "outcome", "due_on", "outcome_on", "principal_id"
        )
    )
    complaints = list(
        Complaint.objects.filter(received_on__year=year, municipality_id__in=codes).only(
            "outcome", "due_on", "outcome_on", "municipality_id", "committee"
        )
    )
    open_label = [("", "Nog geen uitkomst")]
    terms = list(TERM_LABELS.items())

    def on_objection(o: Objection) -> str:
        return o.principal_id

    def on_complaint(c: Complaint) -> str:
        return c.municipality_id

    def term(x: Any) -> str:
        return in_time(x.due_on, x.outcome_on, today)

    blocks = [
        _block(
            "Bezwaren naar behandeling",
            objections,
            codes,
            list(Route.choices),
            lambda o: o.route,
            on_objection,
            threshold,
        ),
        _block(
            "Bezwaren naar uitkomst",
            objections,
            codes,
            [*ObjectionOutcome.choices, *open_label],
            lambda o: o.outcome,
            on_objection,
            threshold,
        ),
        _block("Bezwaren naar termijn", objections, codes, terms, term, on_objection, threshold),
        _block(
            "Klachten naar behandeling",
            complaints,
            codes,
            [("nee", "Zonder klachtencommissie"), ("ja", "Met klachtencommissie")],
            lambda c: "ja" if c.committee else "nee",
            on_complaint,
            threshold,
        ),
        _block(
            "Klachten naar uitkomst",
            complaints,
            codes,
            [*ComplaintOutcome.choices, *open_label],
            lambda c: c.outcome,
            on_complaint,
            threshold,
        ),
        _block("Klachten naar termijn", complaints, codes, terms, term, on_complaint, threshold),
    ]
    return Overview(year, [names[c] for c in codes], threshold, blocks)
