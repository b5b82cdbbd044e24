"""The project's Celery app for a worker whose dashboards refresh is slow, for the background
work tests in tests/reliability/test_background_work.py.

`celery -A tests.slow_refresh worker` with SLOW_REFRESH_SECONDS set: in each worker process, a
rollup refresh first opens its database connection, then pauses that long, then refreshes, so
a test can fill the queue behind it or restart the database under it. The pause is put in each
worker process as it starts, so production code carries no test-only setting.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery.signals import worker_process_init

from heart.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_refresh(**_: Any) -> None:
    from django.db import connection

    from dashboards import rollups

    pause = float(os.environ["SLOW_REFRESH_SECONDS"])
    refresh = rollups.rollup_refresh

    def slow_refresh(*args: Any, **kwargs: Any) -> Any:
        connection.ensure_connection()
        time.sleep(pause)
        return refresh(*args, **kwargs)

    rollups.rollup_refresh = slow_refresh
