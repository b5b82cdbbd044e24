from __future__ import annotations

from typing import Any

from celery import shared_task

from background.task_options import DATABASE_TASK
from dispatch.services.assignments import holds_expired_fall_back
from dispatch.services.duty import unit_duty_sync


@shared_task(name="dispatch.tasks.holds_sweep", **DATABASE_TASK)
def holds_sweep(**_: Any) -> int:
    """Beat: every held call whose hold ran out falls back (unserved_reason = no_unit).
    Safe to run twice or at once: each fall-back locks its call and re-checks it is held."""
    return holds_expired_fall_back()


@shared_task(name="dispatch.tasks.duty_sync", **DATABASE_TASK)
def duty_sync(**_: Any) -> int:
    """Beat, every minute: department units follow their service's schedule (off duty outside
    its hours, available when it starts). Safe to run twice or at once: each change is a
    conditional update on the status it expects. Returns the units changed."""
    return unit_duty_sync().changed
