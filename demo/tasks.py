"""The demo department's simulated AVL feed: with DEMO_AVL_SECONDS set (`make run` sets it
when it loads the demo), beat has the units on duty report their positions again, as phones and
vehicle feeds would, so that "nearest" keeps working in a demo left open for hours. Never set
in production: real positions come from `POST /api/v1/units/{id}/position/`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from background.task_options import DATABASE_TASK
from dispatch.demo import demo_positions_seed


@shared_task(name="demo.tasks.demo_avl", **DATABASE_TASK)
def demo_avl(**_: Any) -> int:
    """The units on duty report where they are (at their post, or on the way to their call)."""
    return demo_positions_seed()
