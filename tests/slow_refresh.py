"""The project's Celery app for a worker whose dashboards refresh is slow, for the background
work tests in tests/reliability/test_background_work.py.

`celery -A tests.slow_refresh worker` with SLOW_REFRESH_SECONDS set: in each worker process, a
rollup refresh first opens its database connection, then pauses that long, then refreshes, so
a test can fill the queue behind it. With SLOW_REFRESH_GATE (a file path) as well, the refresh
opens its connection, creates GATE.waiting, and waits (up to SLOW_REFRESH_SECONDS) until the
test creates GATE: the test restarts the database exactly while the refresh holds its
connection, whatever the machine's load. The pause is put in each
worker process as it starts, so production code carries no test-only setting.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import worker_process_init

from heart.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_refresh(**_: Any) -> None:
    from django.db import connection

    from dashboards import rollups

    pause = float(os.environ["SLOW_REFRESH_SECONDS"])
    gate = os.environ.get("SLOW_REFRESH_GATE")
    refresh = rollups.rollup_refresh

    def slow_refresh(*args: Any, **kwargs: Any) -> Any:
        connection.ensure_connection()
        if gate:
            # The first refresh only: its retries go straight on.
            if not Path(f"{gate}.waiting").exists():
                Path(f"{gate}.waiting").touch()
                deadline = time.monotonic() + pause
                while not Path(gate).exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
        else:
            time.sleep(pause)
        return refresh(*args, **kwargs)

    rollups.rollup_refresh = slow_refresh
