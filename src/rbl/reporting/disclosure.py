"""Small counts hidden from readers without case access, so no child can be
recognised from a figure (R-60).

A count from 1 up to (not including) the threshold is shown as "< 5"; 0 is
shown, since it points at nobody. Hiding one cell of a table whose total is
shown is not enough: the total minus the other cells gives it back. So after
the small cells (primary suppression) every row and column that holds
exactly one hidden value, counting its total, gets a second one hidden: the
smallest other non-zero cell, or the total when there is none (secondary
suppression), repeated until no line has a single hidden value left. This is
the usual rule of statistical offices for frequency tables; it does not
solve every combination of lines, but no hidden value can be recovered from
one row or one column, which is how such a table is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# A value of a line: (count, hidden?, how to hide it).
Value = tuple[int, bool, Callable[[], None]]


@dataclass
class Grid:
    """A frequency table: `cells[row][col]`, with the totals of each row
    (when `row_totals`), of each column, and the grand total."""

    cells: list[list[int]]
    row_totals: bool = True
    grand_total: bool = True  # False when the columns are different measures
    hidden: list[list[bool]] = field(init=False)
    row_hidden: list[bool] = field(init=False)
    col_hidden: list[bool] = field(init=False)
    total_hidden: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.hidden = [[False] * len(r) for r in self.cells]
        self.row_hidden = [False] * len(self.cells)
        self.col_hidden = [False] * self.width

    @property
    def width(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def row_total(self, i: int) -> int:
        return sum(self.cells[i])

    def col_total(self, j: int) -> int:
        return sum(r[j] for r in self.cells)

    @property
    def total(self) -> int:
        return sum(map(sum, self.cells))


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def protect(grid: Grid, threshold: int) -> Grid:
    """Mark the values of `grid` that must not be shown; returns `grid`."""
    if threshold <= 1:
        return grid
    rows, cols = len(grid.cells), grid.width
    for i in range(rows):
        for j in range(cols):
            grid.hidden[i][j] = _small(grid.cells[i][j], threshold)
        grid.row_hidden[i] = grid.row_totals and _small(grid.row_total(i), threshold)
    for j in range(cols):
        grid.col_hidden[j] = _small(grid.col_total(j), threshold)
    grid.total_hidden = _small(grid.total, threshold)

    def settle(line: list[Value], total: Value) -> bool:
        """One line (cells + its total): hide a second value when exactly one is hidden."""
        hidden = sum(h for _, h, _ in line) + total[1]
        if hidden != 1:
            return False
        candidates = [(v, hide) for v, h, hide in line if not h and v > 0]
        if candidates:
            min(candidates, key=lambda c: c[0])[1]()
        elif not total[1] and total[0] > 0:
            total[2]()
        else:
            return False
        return True

    def cell(i: int, j: int):
        return (grid.cells[i][j], grid.hidden[i][j], lambda: grid.hidden[i].__setitem__(j, True))

    def row_t(i: int):
        return (grid.row_total(i), grid.row_hidden[i], lambda: grid.row_hidden.__setitem__(i, True))

    def col_t(j: int):
        return (grid.col_total(j), grid.col_hidden[j], lambda: grid.col_hidden.__setitem__(j, True))

    def grand():
        return (grid.total, grid.total_hidden, lambda: setattr(grid, "total_hidden", True))

    changed = True
    while changed:
        changed = False
        if grid.row_totals:
            for i in range(rows):
                changed |= settle([cell(i, j) for j in range(cols)], row_t(i))
            changed |= settle([row_t(i) for i in range(rows)], grand())
        for j in range(cols):
            changed |= settle([cell(i, j) for i in range(rows)], col_t(j))
        if grid.grand_total:
            changed |= settle([col_t(j) for j in range(cols)], grand())
    return grid
