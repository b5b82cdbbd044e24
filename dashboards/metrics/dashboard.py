"""Every figure, table and chart of the dashboard page, section by section."""

from __future__ import annotations

from typing import Any

from dashboards.metrics.care import care_section
from dashboards.metrics.connection import connection_section
from dashboards.metrics.dispositions import dispositions_section
from dashboards.metrics.eligible import eligible_section
from dashboards.metrics.familiar import familiar_section
from dashboards.metrics.field import field_section
from dashboards.metrics.hours import hours_section
from dashboards.metrics.outcomes import outcomes_section
from dashboards.metrics.period import Period
from dashboards.metrics.police_hours import police_hours_section
from dashboards.metrics.presentation import Dashboard, Figure, Table
from dashboards.metrics.routes import routes_section
from dashboards.metrics.sql import (
    Scope,
    call_groups,
    calls_by_day,
    disposition_rows,
    histograms_by_route,
    hour_rows,
    police_minutes_learned,
)
from dashboards.metrics.times import times_section
from dashboards.metrics.transfers_988 import transfers_988_section
from dashboards.models import CallRollup, RollupState
from dashboards.rollups import dirty_days, rollup_state
from dispatch.models import Call
from triage.models import CallType


def dashboard_build(period: Period) -> Dashboard:
    """Every figure, table and chart of the dashboard page for `period`."""
    state: RollupState | None = rollup_state()
    dirty = dirty_days(state)
    frozen = None if dirty is None else frozenset(dirty)
    scope = Scope(period=period, source=period.source, dirty=frozen)
    groups = call_groups(scope)
    histograms = histograms_by_route(scope)
    labels = dict(CallType.objects.values_list("code", "label"))
    figures: list[Figure] = []
    tables: dict[str, Table] = {}
    charts: dict[str, Any] = {}

    routes_section(period, groups, calls_by_day(scope), figures, tables, charts)
    eligible_section(period, groups, figures, tables)
    times_section(period, groups, histograms, figures, tables, charts)
    field_section(period, groups, figures, tables)
    endings = disposition_rows(scope)
    dispositions_section(period, endings, tables)
    transfers_988_section(period, endings, figures, tables)
    outcomes_section(period, tables)
    learned = police_minutes_learned(Scope(period=None, source="", dirty=frozen))
    police_hours_section(period, groups, learned, labels, figures, tables)
    care_section(period, figures, tables, charts)
    connection_section(period, tables)
    familiar_section(period, frozen, figures, tables)
    heatmap = hours_section(period, hour_rows(scope), figures, tables)

    live = (
        period.days if dirty is None else sum(1 for d in dirty if period.start <= d <= period.end)
    )
    return Dashboard(
        period=period,
        figures=figures,
        tables=tables,
        charts=charts,
        heatmap=heatmap,
        refreshed_at=state.refreshed_at if state else None,
        live_days=live,
        sources=sources_known(),
    )


def sources_known() -> list[str]:
    """Call sources for the filter: those in the rollups (the calls table itself while no
    rollup is built), plus the console's own."""
    rolled = CallRollup.objects.order_by().values_list("source", flat=True).distinct()
    found = set(rolled)
    if not found:
        found = set(Call.objects.order_by().values_list("source", flat=True).distinct())
    return sorted(found | {"console", "api"})
