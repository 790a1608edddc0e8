"""Small counts hidden for readers without case access: never a count from 1
to the threshold shown, never a 0 hidden, and no hidden value alone in a row
or column whose total is shown (it would follow from the total)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rbl.reporting.disclosure import Grid, protect

counts = st.integers(min_value=0, max_value=40)


@st.composite
def grids(draw):
    rows = draw(st.integers(1, 7))
    cols = draw(st.integers(1, 6))
    cells = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    return Grid(cells, row_totals=draw(st.booleans()))


def lines(g: Grid):
    """Every (values, hidden flags) line a reader can subtract along."""
    rows, cols = len(g.cells), g.width
    if g.row_totals:
        for i in range(rows):
            yield [*g.cells[i], g.row_total(i)], [*g.hidden[i], g.row_hidden[i]]
        yield (
            [g.row_total(i) for i in range(rows)] + [g.total],
            [*g.row_hidden, g.total_hidden],
        )
    for j in range(cols):
        yield (
            [g.cells[i][j] for i in range(rows)] + [g.col_total(j)],
            [g.hidden[i][j] for i in range(rows)] + [g.col_hidden[j]],
        )
    yield [g.col_total(j) for j in range(cols)] + [g.total], [*g.col_hidden, g.total_hidden]


@settings(max_examples=300, deadline=None)
@given(grids(), st.integers(2, 11))
def test_no_small_count_shown_and_none_recoverable(grid, threshold):
    protect(grid, threshold)
    for values, hidden in lines(grid):
        for value, h in zip(values, hidden, strict=True):
            if 0 < value < threshold:
                assert h, "a small count is shown"
            if value == 0:
                assert not h, "a 0 points at nobody and stays visible"
        assert sum(hidden) != 1, "a hidden value follows from its line"


def test_threshold_zero_hides_nothing():
    grid = protect(Grid([[1, 2], [3, 0]]), 0)
    assert not any(map(any, grid.hidden)) and not grid.total_hidden


def test_a_table_without_small_counts_is_shown_whole():
    grid = protect(Grid([[5, 9], [12, 0]]), 5)
    assert not any(map(any, grid.hidden))
