"""Small-cell suppression for tables about people (outcomes by demographics).

A table is a grid of counts whose last column holds each row's total and whose last row holds
each column's total (the bottom-right cell is the grand total). Rules, in order:

1. Primary: no count under ``MIN_CELL`` (11) is shown, zero included, margins included.
2. Complementary: every line of the grid (a row with its total, a column with its total) has
   either no hidden cell or at least two, so that no hidden cell is the difference of a total
   and the cells shown beside it. A line with exactly one hidden cell hides one more: its
   smallest shown inner cell (a margin only when no inner cell is left). Repeated until every
   line holds, since each new hidden cell may leave its crossing line with one.

Grids that share a margin (``suppress_shared``: several outcomes cut by the same categories,
each block's last column the same row totals) are suppressed together, so a total hidden in one
block is hidden in all of them and cannot be read off another.

This is the customary heuristic (CDC/CMS cell-size rules with complementary suppression); it
guarantees that no hidden cell equals a sum of shown ones along any single row or column, not
a full linear-programming audit of every combination of lines.
"""

from __future__ import annotations

MIN_CELL = 11


def suppress(grid: list[list[int]]) -> list[list[bool]]:
    """Which cells of `grid` (margins last) are hidden."""
    return suppress_shared([grid])[0]


def suppress_shared(grids: list[list[list[int]]]) -> list[list[list[bool]]]:
    """Hide cells of several grids with the same rows whose last columns (the row totals) are
    the same numbers: the row totals are hidden in all grids or in none."""
    masks = [[[value < MIN_CELL for value in row] for row in grid] for grid in grids]
    changed = True
    while changed:
        changed = _share_totals(masks)
        for grid, mask in zip(grids, masks, strict=True):
            changed |= _complement(grid, mask)
    return masks


def _share_totals(masks: list[list[list[bool]]]) -> bool:
    changed = False
    if not masks:
        return changed
    for r in range(len(masks[0])):
        hidden = any(mask[r][-1] for mask in masks)
        for mask in masks:
            if hidden and not mask[r][-1]:
                mask[r][-1] = True
                changed = True
    return changed


def _lines(rows: int, cols: int) -> list[list[tuple[int, int]]]:
    """Every row and every column of the grid as its cells, the margin (total) last."""
    return [[(r, c) for c in range(cols)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(cols)
    ]


def _complement(grid: list[list[int]], mask: list[list[bool]]) -> bool:
    changed = False
    if not grid or not grid[0]:
        return changed
    again = True
    while again:
        again = False
        for line in _lines(len(grid), len(grid[0])):
            hidden = [cell for cell in line if mask[cell[0]][cell[1]]]
            if len(hidden) != 1:
                continue
            shown = [cell for cell in line if not mask[cell[0]][cell[1]]]
            inner = shown[:-1] if shown and shown[-1] == line[-1] else shown
            r, c = min(inner or shown, key=lambda cell: grid[cell[0]][cell[1]])
            mask[r][c] = True
            changed = again = True
    return changed
