"""Eligible calls by hour of week, and those outside service hours."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboards.metrics.eligible import outcome_of
from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    num,
    pct,
    share_text,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_section(
    period: Period,
    rows: list[tuple[int, int, str, str, str, int]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> list[dict[str, Any]]:
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for weekday, hour, eligible, route, reason, n in rows:
        cells[(weekday, hour)][outcome_of(route, eligible, reason)] += n
        cells[(weekday, hour)]["eligible"] += n
    total = sum(c["eligible"] for c in cells.values())
    outside = sum(c["outside_hours"] for c in cells.values())
    figures.append(
        Figure(
            "hours",
            "Eligible calls outside service hours",
            share_text(outside, total, none="no eligible call"),
            pct(outside, total),
            REFERENCES["hours"],
            url=period.url("dashboards_calls", eligible=1, outcome="outside_hours"),
        )
    )
    heatmap = []
    table_rows = []
    for weekday in range(1, 8):
        row_cells = []
        for hour in range(24):
            c = cells.get((weekday, hour), {})
            n = c.get("eligible", 0)
            off = c.get("outside_hours", 0)
            share = off / n if n else 0.0
            row_cells.append(
                {
                    "hour": hour,
                    "eligible": n,
                    "served": c.get("served", 0),
                    "outside": off,
                    "shade": 0 if not n else 1 + min(4, int(share * 5)),
                    "url": period.url("dashboards_calls", eligible=1, weekday=weekday, hour=hour),
                }
            )
            table_rows.append(
                [
                    Cell(WEEKDAYS[weekday - 1]),
                    Cell(f"{hour:02d}:00", value=hour),
                    num(n),
                    num(c.get("served", 0)),
                    num(off),
                    num(c.get("no_unit", 0)),
                    num(c.get("override", 0) + c.get("unexplained", 0)),
                ]
            )
        heatmap.append({"day": WEEKDAYS[weekday - 1], "cells": row_cells})
    tables["hours"] = Table(
        "hours",
        "Eligible calls by hour of week",
        ["Day", "Hour", "Eligible", "Served", "Outside hours", "No unit", "Other unserved"],
        table_rows,
    )
    return heatmap
