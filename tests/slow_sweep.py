"""The project's Celery app for a worker whose care sweep pauses after each batch, so that
tests/care_navigation/test_worker_integration.py can kill it half-way through a sweep.

`celery -A tests.slow_sweep worker` with SLOW_SWEEP_PAUSE_SECONDS set; the pause is put in
each worker process as it starts, so production code carries no test-only setting.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery.signals import worker_process_init

from heart.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _slow_batches(**_: Any) -> None:
    from care_navigation.services import sweep

    pause = float(os.environ["SLOW_SWEEP_PAUSE_SECONDS"])
    batch = sweep._sweep_batch

    def slow_batch(*args: Any, **kwargs: Any) -> None:
        batch(*args, **kwargs)
        time.sleep(pause)

    sweep._sweep_batch = slow_batch
