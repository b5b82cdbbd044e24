"""Beat's rollup work for the dashboards: thin, idempotent, safe to run twice or at once
(a refresh locks the state row, and recomputing a day from the base table twice gives the same
rows)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from background.task_options import DATABASE_TASK
from dashboards import rollups


@shared_task(name="dashboards.tasks.rollup_refresh", **DATABASE_TASK)
def rollup_refresh(**_: Any) -> int:
    """Every ROLLUP_REFRESH_SECONDS: recompute the days whose calls changed since the last
    refresh. Returns the number of days recomputed (-1 for a first, full build)."""
    return rollups.rollup_refresh().days


@shared_task(name="dashboards.tasks.rollup_reconcile", **DATABASE_TASK)
def rollup_reconcile(**_: Any) -> int:
    """Every ROLLUP_RECONCILE_SECONDS: recompute the days a deleted or moved call left stale."""
    return rollups.rollup_reconcile().days
