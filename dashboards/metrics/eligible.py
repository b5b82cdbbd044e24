"""Eligible calls served and unserved, by the reason recorded."""

from __future__ import annotations

from collections import defaultdict

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    link,
    pct,
    pct_text,
    share_cell,
    share_text,
)
from dashboards.metrics.sql import Sums
from dashboards.rollups import DEPARTMENT_ROUTES
from dispatch.models import UNSERVED_REASONS

REASONS = dict(UNSERVED_REASONS)


def outcome_of(route: str, eligible: str, reason: str) -> str:
    """Served when the call went where it was eligible, else why not (as recorded)."""
    if route == eligible:
        return "served"
    return reason if reason in REASONS else "unexplained"


def eligible_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    counts: dict[str, dict[str, int]] = {r: defaultdict(int) for r in DEPARTMENT_ROUTES}
    for route, eligible, reason, _ct, s in groups:
        if eligible not in DEPARTMENT_ROUTES:
            continue
        counts[eligible][outcome_of(route, eligible, reason)] += s.calls
    outcomes = ["served", "outside_hours", "no_unit", "override", "unexplained"]
    titles = {
        "served": "Served",
        "outside_hours": "Unserved: outside hours",
        "no_unit": "Unserved: no unit",
        "override": "Unserved: override",
        "unexplained": "Unserved: no reason recorded",
    }
    rows = []
    totals: dict[str, int] = defaultdict(int)
    for eligible in DEPARTMENT_ROUTES:
        c = counts[eligible]
        n = sum(c.values())
        cells = [Cell(eligible), link(period, f"{n:,}", n, eligible_route=eligible)]
        for outcome in outcomes:
            totals[outcome] += c[outcome]
            cells.append(
                link(
                    period, f"{c[outcome]:,}", c[outcome], eligible_route=eligible, outcome=outcome
                )
            )
        unserved = n - c["served"]
        cells.append(share_cell(unserved, n))
        rows.append(cells)
    eligible_total = sum(totals.values())
    unserved_total = eligible_total - totals["served"]
    rows.append(
        [
            Cell("All services"),
            link(period, f"{eligible_total:,}", eligible_total, eligible=1),
            *[link(period, f"{totals[o]:,}", totals[o], eligible=1, outcome=o) for o in outcomes],
            Cell(
                pct_text(pct(unserved_total, eligible_total)),
                value=pct(unserved_total, eligible_total),
                numeric=True,
            ),
        ]
    )
    tables["eligible"] = Table(
        "eligible",
        "Eligible calls served and unserved, by reason",
        ["Eligible for", "Eligible", *[titles[o] for o in outcomes], "Unserved share"],
        rows,
        note="Served: the call went to the service it was eligible for. Unserved: it went "
        "elsewhere, with the reason the console recorded.",
    )
    figures.append(
        Figure(
            "eligible",
            "Eligible calls unserved",
            share_text(unserved_total, eligible_total, none="no eligible call"),
            pct(unserved_total, eligible_total),
            REFERENCES["eligible"],
            url=period.url("dashboards_calls", eligible=1, outcome="unserved"),
            detail=f"{totals['unexplained']:,} without a recorded reason",
        )
    )
