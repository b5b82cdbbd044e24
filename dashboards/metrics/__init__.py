"""The metrics of docs/domain.md section 8 over a period, read set-based from the rollups.

Every call metric counts the calls *received* in the period (local days, both ends included),
with what happened to them since: their route, times, department assignments, felt-safe
answers, backup requests and handoffs. Care-navigation metrics run on their own clock (cases
opened, or closed, in the period). The rollups cover whole days; the days changed since the
last refresh are read from the base table in the same statement (``sql.rollup_union``), so a
figure is always current. docs/dashboards.md defines each figure.

One module per concern: ``period`` (the period and its parsing from a request), ``sql`` (reading
the rollups), ``statistics`` (percentiles from histograms), ``presentation`` (cells, tables,
figures), one module per section of the page (``routes``, ``eligible``, ``times``, ``field``,
``dispositions``, ``police_hours``, ``care``, ``familiar``, ``hours``), and ``dashboard``,
which builds the page from them. The names callers use are re-exported here.
"""

from dashboards.metrics.care import case_filters
from dashboards.metrics.dashboard import dashboard_build, sources_known
from dashboards.metrics.dispositions import PHONE_RESOLUTIONS
from dashboards.metrics.eligible import REASONS
from dashboards.metrics.familiar import familiar_people, familiar_period
from dashboards.metrics.hours import WEEKDAYS
from dashboards.metrics.period import (
    MAX_PERIOD_DAYS,
    Period,
    calls_span,
    period_default,
    period_of_calls,
    period_parse,
    today,
)
from dashboards.metrics.police_hours import police_minutes_for
from dashboards.metrics.presentation import (
    REFERENCES,
    Cell,
    Dashboard,
    Figure,
    Table,
    figures_table,
    minutes_text,
)
from dashboards.metrics.sql import Scope, police_minutes_learned
from dashboards.metrics.statistics import cumulative_shares, percentile

__all__ = [
    "MAX_PERIOD_DAYS",
    "PHONE_RESOLUTIONS",
    "REASONS",
    "REFERENCES",
    "WEEKDAYS",
    "Cell",
    "Dashboard",
    "Figure",
    "Period",
    "Scope",
    "Table",
    "calls_span",
    "case_filters",
    "cumulative_shares",
    "dashboard_build",
    "familiar_people",
    "familiar_period",
    "figures_table",
    "minutes_text",
    "percentile",
    "period_default",
    "period_of_calls",
    "period_parse",
    "police_minutes_for",
    "police_minutes_learned",
    "sources_known",
    "today",
]
