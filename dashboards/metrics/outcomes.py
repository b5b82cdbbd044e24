"""Outcomes of the calls cleared with an outcome record, cut by each self-reported demographic
(docs/dashboards.md, "Outcomes by demographics"), with small-cell suppression
(metrics/suppression.py): arrest, police use of force, IVC petitioned, ED diverted and
involuntary transport, each as yes / no / not recorded, per category, with totals.

Read from the base tables (dispatch.CallOutcome joined to its call), not a rollup: a row exists
only for a call a unit cleared with an outcome, a small share of all calls, and the query
groups them in the database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import Cell, Table
from dashboards.metrics.suppression import MIN_CELL, suppress_shared
from dispatch.models import CallOutcome
from dispatch.outcome_vocabulary import DEMOGRAPHICS, FLAGS, TRANSPORT_NONE

MEASURES: list[tuple[str, str]] = [
    *((name, label) for name, label in FLAGS.items()),
    ("involuntary_transport", "Involuntary transport"),
]
ANSWERS = ("yes", "no", "")  # "" = not recorded
HIDDEN = "*"


def _answer(row: dict[str, Any], measure: str) -> str:
    if measure == "involuntary_transport":
        if row["transport_voluntary"]:
            return "yes" if row["transport_voluntary"] == "involuntary" else "no"
        return "no" if row["transport_by"] == TRANSPORT_NONE else ""
    value = row[measure]
    return "" if value is None else ("yes" if value else "no")


def outcome_groups(period: Period) -> list[dict[str, Any]]:
    """The outcome records of the calls received in the period, grouped by every field."""
    rows = CallOutcome.objects.filter(
        call__received_at__gte=period.since, call__received_at__lt=period.until
    )
    if period.source:
        rows = rows.filter(call__source=period.source)
    fields = [*DEMOGRAPHICS, *FLAGS, "transport_by", "transport_voluntary"]
    return list(rows.order_by().values(*fields).annotate(n=Count("pk")))


def _grid(
    groups: list[dict[str, Any]], field: str, codes: list[str], measure: str
) -> list[list[int]]:
    counts: Counter[tuple[str, str]] = Counter()
    for g in groups:
        counts[(g[field], _answer(g, measure))] += g["n"]
    inner = [[counts[(code, answer)] for answer in ANSWERS] for code in codes]
    rows = [[*cells, sum(cells)] for cells in inner]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def outcome_table(groups: list[dict[str, Any]], field: str) -> Table:
    """One demographic: a block of rows per outcome, suppressed together (they share the
    categories' totals)."""
    label, choices = DEMOGRAPHICS[field]
    codes = [code for code, _ in choices]
    names = [*(name for _, name in choices), "All"]
    grids = [_grid(groups, field, codes, measure) for measure, _ in MEASURES]
    masks = suppress_shared(grids)
    rows: list[list[Cell]] = []
    for (measure, measure_label), grid, mask in zip(MEASURES, grids, masks, strict=True):
        for name, counts, hidden in zip(names, grid, mask, strict=True):
            rows.append(
                [
                    Cell(measure_label, value=measure),
                    Cell(name),
                    *(
                        Cell(HIDDEN, value=HIDDEN, numeric=True)
                        if h
                        else Cell(f"{n:,}", value=n, numeric=True)
                        for n, h in zip(counts, hidden, strict=True)
                    ),
                ]
            )
    return Table(
        f"outcomes_{field}",
        f"Outcomes by {label.lower()}",
        ["Outcome", label, "Yes", "No", "Not recorded", "Calls"],
        rows,
        note=f"Calls received in the period and cleared with an outcome record; {label.lower()} "
        f"as the person reported it. {HIDDEN} = suppressed: fewer than {MIN_CELL} calls, or a "
        "second cell hidden so that the first cannot be worked out from the totals.",
    )


def outcomes_section(period: Period, tables: dict[str, Table]) -> None:
    groups = outcome_groups(period)
    for field in DEMOGRAPHICS:
        tables[f"outcomes_{field}"] = outcome_table(groups, field)
