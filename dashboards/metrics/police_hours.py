"""Estimated police hours saved."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from django.conf import settings

from dashboards.metrics.period import Period
from dashboards.metrics.presentation import REFERENCES, Cell, Figure, Table, link
from dashboards.metrics.sql import Sums
from dashboards.rollups import DEPARTMENT_ROUTES


def police_minutes_for(
    call_type: str, learned: Mapping[str, tuple[int, float]]
) -> tuple[float, str]:
    """Police minutes per call of this type, and where the figure comes from."""
    n, minutes = learned.get(call_type, (0, 0.0))
    if n >= settings.POLICE_MINUTES_MIN_SAMPLES:
        return minutes, f"learned from {n:,} police calls"
    return float(settings.POLICE_MINUTES_DEFAULT), "default"


def police_hours_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    learned: Mapping[str, tuple[int, float]],
    labels: Mapping[str, str],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    handled: dict[str, int] = defaultdict(int)
    for route, _eligible, _reason, call_type, s in groups:
        if route in DEPARTMENT_ROUTES:
            handled[call_type] += s.calls - s.police_took_over
    rows = []
    total_hours = 0.0
    total_calls = 0
    for call_type in sorted(handled, key=lambda ct: (-handled[ct], ct)):
        n = handled[call_type]
        if n <= 0:
            continue
        minutes, basis = police_minutes_for(call_type, learned)
        hours = n * minutes / 60
        total_hours += hours
        total_calls += n
        rows.append(
            [
                Cell(labels.get(call_type, call_type), value=call_type),
                link(period, f"{n:,}", n, handled=1, call_type=call_type),
                Cell(f"{minutes:.1f}", value=round(minutes, 1), numeric=True),
                Cell(basis),
                Cell(f"{hours:,.1f}", value=round(hours, 1), numeric=True),
            ]
        )
    rows.append(
        [
            Cell("All call types"),
            link(period, f"{total_calls:,}", total_calls, handled=1),
            Cell(""),
            Cell(""),
            Cell(f"{total_hours:,.1f}", value=round(total_hours, 1), numeric=True),
        ]
    )
    tables["police_hours"] = Table(
        "police_hours",
        "Estimated police hours saved",
        ["Call type", "Handled by the department", "Police minutes per call", "Basis", "Hours"],
        rows,
        note=f"Police minutes per call type: the mean time on scene (first on scene to close) "
        f"of the type's police calls in all stored history, when at least "
        f"{settings.POLICE_MINUTES_MIN_SAMPLES} have both times; else "
        f"{settings.POLICE_MINUTES_DEFAULT:g} minutes (POLICE_MINUTES_DEFAULT). Handled: "
        "routed to HEART, co-response or CCD, and police did not take the call over.",
    )
    figures.append(
        Figure(
            "police_hours",
            "Estimated police hours saved",
            f"{total_hours:,.1f} hours over {total_calls:,} calls",
            round(total_hours, 1),
            REFERENCES["police_hours"],
            url=period.url("dashboards_calls", handled=1),
        )
    )
