"""Small-cell suppression: nothing under 11 is shown, and no hidden cell can be worked out
from a total and the cells shown beside it."""

from __future__ import annotations

import itertools

import pytest

from dashboards.metrics.suppression import MIN_CELL, suppress, suppress_shared


def with_margins(inner: list[list[int]]) -> list[list[int]]:
    rows = [[*cells, sum(cells)] for cells in inner]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def recoverable(grid: list[list[int]], mask: list[list[bool]]) -> list[tuple[int, int]]:
    """Hidden cells that are the only hidden one of a row or a column (margin last)."""
    found = []
    rows, cols = len(grid), len(grid[0])
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    for line in lines:
        hidden = [cell for cell in line if mask[cell[0]][cell[1]]]
        if len(hidden) == 1:
            found.append(hidden[0])
    return found


def test_it_hides_ten_and_shows_eleven():
    assert MIN_CELL == 11
    grid = with_margins([[10, 11, 40], [30, 30, 30]])
    mask = suppress(grid)
    assert mask[0][0] is True
    assert mask[0][1] is False or grid[0][1] == 11  # shown unless needed as a complement
    assert not any(
        grid[r][c] < MIN_CELL and not mask[r][c] for r, c in itertools.product(range(3), range(4))
    )


def test_it_shows_a_table_of_eleven_and_more_whole():
    grid = with_margins([[11, 12], [13, 11]])
    assert suppress(grid) == [[False] * 3 for _ in range(3)]


def test_it_hides_zero_too():
    grid = with_margins([[0, 40], [30, 30]])
    assert suppress(grid)[0][0] is True


def test_it_hides_a_complement_in_the_row_and_in_the_column():
    # 5 alone would be 50 - 45 along its row and 35 - 30 down its column.
    grid = with_margins([[5, 45], [30, 30]])
    mask = suppress(grid)
    assert mask[0][0]
    assert mask[0][1], "the row's other cell is hidden with it"
    assert mask[1][0], "the column's other cell is hidden with it"
    assert recoverable(grid, mask) == []


def test_it_hides_the_smallest_complement():
    grid = with_margins([[5, 200, 20], [40, 40, 40]])
    mask = suppress(grid)
    assert mask[0][2] and not mask[0][1]


@pytest.mark.parametrize(
    "inner",
    [
        [[3, 50, 60], [70, 2, 80], [90, 100, 1]],
        [[12, 13, 14], [15, 16, 4], [30, 30, 30], [40, 40, 40]],
        [[10, 10], [10, 10]],
        [[1, 100]],
        [[50], [4], [60]],
        [[0, 0, 0], [20, 30, 40]],
    ],
)
def test_it_leaves_no_hidden_cell_alone_on_any_line(inner):
    grid = with_margins(inner)
    mask = suppress(grid)
    assert recoverable(grid, mask) == []
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value < MIN_CELL:
                assert mask[r][c], (r, c, value)


def test_it_hides_a_shared_total_in_every_block():
    # Two outcomes cut by the same three categories: the totals (last column) are the same.
    # 7 people in the second category hides its total, and a second total (30, the smallest
    # shown) must go with it in both blocks, else 7 = 87 - 50 - 30.
    first = with_margins([[20, 30], [3, 4], [12, 18]])
    second = with_margins([[25, 25], [6, 1], [15, 15]])
    masks = suppress_shared([first, second])
    for mask in masks:
        assert [row[-1] for row in mask] == [False, True, True, False]
    for grid, mask in zip([first, second], masks, strict=True):
        assert recoverable(grid, mask) == []
