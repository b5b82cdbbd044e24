"""Celery tasks for care navigation: thin, idempotent, over database rows."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from background.task_options import DATABASE_TASK
from care_navigation.services import care_sweep as sweep


@shared_task(name="care_navigation.tasks.care_sweep", **DATABASE_TASK)
def care_sweep(**_: Any) -> dict[str, int]:
    """Beat runs this every CARE_SWEEP_SECONDS. Running it twice, concurrently or after a
    worker died mid-sweep is harmless: each step is claimed by a conditional UPDATE and each
    notification is unique per case and kind."""
    return sweep().as_dict()
