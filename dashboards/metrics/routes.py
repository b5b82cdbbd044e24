"""Calls by route, and by route over time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Figure,
    Table,
    link,
    pct,
    share_cell,
    share_text,
)
from dashboards.metrics.sql import Sums
from dashboards.rollups import DEPARTMENT_ROUTES
from triage.vocabulary import ROUTES


def routes_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    by_day: list[tuple[date, str, int]],
    figures: list[Figure],
    tables: dict[str, Table],
    charts: dict[str, Any],
) -> None:
    by_route: dict[str, int] = defaultdict(int)
    for route, _eligible, _reason, _ct, s in groups:
        by_route[route] += s.calls
    total = sum(by_route.values())
    department = sum(by_route[r] for r in DEPARTMENT_ROUTES)
    figures.append(
        Figure(
            "calls",
            "Calls handled by the department",
            share_text(department, total, none="no call"),
            pct(department, total),
            REFERENCES["calls"],
            url=period.url("dashboards_calls", department=1),
        )
    )
    rows = []
    for route in [*ROUTES, ""]:
        if route == "" and not by_route.get(""):
            continue
        n = by_route.get(route, 0)
        rows.append(
            [
                Cell(route or "(not routed)"),
                link(period, f"{n:,}", n, route=route or "none"),
                share_cell(n, total),
            ]
        )
    rows.append(
        [
            Cell("All calls"),
            link(period, f"{total:,}", total),
            share_cell(total, total),
        ]
    )
    tables["routes"] = Table("routes", "Calls by route", ["Route", "Calls", "Share"], rows)

    # Over time: by day for up to two months, else by ISO week (Monday).
    weekly = period.days > 62
    series: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, route, n in by_day:
        key = day - timedelta(days=day.weekday()) if weekly else day
        series[route or "none"][key] += n
    step = 7 if weekly else 1
    first = period.start - timedelta(days=period.start.weekday()) if weekly else period.start
    keys = []
    cursor = first
    while cursor <= period.end:
        keys.append(cursor)
        cursor += timedelta(days=step)
    routes = [r for r in [*ROUTES, "none"] if r in series]
    time_rows = []
    for key in keys:
        label = f"week of {key:%d %b %Y}" if weekly else f"{key:%a %d %b %Y}"
        extra = {"week": key.isoformat()} if weekly else {"day": key.isoformat()}
        cells = [Cell(label, value=key.isoformat())]
        for route in routes:
            n = series[route].get(key, 0)
            cells.append(link(period, f"{n:,}", n, route=route, **extra))
        time_rows.append(cells)
    tables["over_time"] = Table(
        "over_time",
        "Calls by route per " + ("week" if weekly else "day"),
        ["Week" if weekly else "Day", *routes],
        time_rows,
    )
    charts["over_time"] = {
        "labels": [f"{k:%d %b}" if not weekly else f"{k:%d %b %y}" for k in keys],
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": [series[route].get(k, 0) for k in keys],
                "urls": [
                    period.url(
                        "dashboards_calls",
                        route=route,
                        **({"week": k.isoformat()} if weekly else {"day": k.isoformat()}),
                    )
                    for k in keys
                ],
            }
            for route in routes
        ],
        "unit": "week" if weekly else "day",
    }
