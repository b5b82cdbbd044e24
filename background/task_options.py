"""Options every task that touches the database is declared with.

A database restart or failover makes a running task's queries fail with a connection error
(django.db's OperationalError or InterfaceError). Such a task is retried with exponential
backoff (1 s, 2 s, 4 s ... capped at DATABASE_RETRY_BACKOFF_MAX, with jitter so that a
restart does not bring every retry back at once) instead of failing; the next attempt starts on
a fresh connection (Celery's Django fix-up closes a broken one before each task). Tasks are
idempotent, so a retry after a partial run is harmless. Other errors are bugs: they fail at once
and show in the worker's log.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

DATABASE_RETRY_BACKOFF_MAX = 60
DATABASE_RETRY_MAX = 12

DATABASE_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": DATABASE_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": DATABASE_RETRY_MAX,
}
