"""Beat's background tasks: the outbox relay and purge, and the worker heartbeat; and the
receiver that marks an outbox message done when its task has run (background/outbox.py)."""

from __future__ import annotations

import socket
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun
from django.utils import timezone

from background.models import WorkerHeartbeat
from background.outbox import outbox_done
from background.outbox import outbox_purge as purge_sent
from background.outbox import outbox_relay as relay_pending
from background.task_options import DATABASE_TASK


# The relay and the heartbeat run every few seconds from beat: a failed run is simply followed
# by the next one, so they are not retried (retries would pile up behind a database outage).
@shared_task(name="background.tasks.outbox_relay", acks_late=True, reject_on_worker_lost=True)
def outbox_relay(**_: Any) -> int:
    """Publish the outbox's due messages: the only way work reaches the broker
    (background/outbox.py)."""
    return relay_pending()


@shared_task(name="background.tasks.outbox_purge", **DATABASE_TASK)
def outbox_purge(**_: Any) -> int:
    """Delete the messages done more than OUTBOX_RETENTION_DAYS ago."""
    return purge_sent()


@shared_task(name="background.tasks.worker_heartbeat", acks_late=True, reject_on_worker_lost=True)
def worker_heartbeat(**_: Any) -> None:
    """Record that beat scheduled and a worker ran a task; the overview shows how long ago."""
    WorkerHeartbeat.objects.update_or_create(
        name="celery", defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()}
    )


@task_postrun.connect
def _outbox_message_ran(
    *,
    task: Task | None = None,
    kwargs: dict[str, Any] | None = None,
    retval: Any = None,
    state: str | None = None,
    **_: Any,
) -> None:
    """A task relayed from the outbox finished: done when it succeeded; its error kept when it
    failed for good (the relay publishes it again after OUTBOX_REDELIVER_SECONDS). A retry
    scheduled by autoretry is neither: the message is still on its way."""
    outbox_id = (kwargs or {}).get("outbox_id")
    if not isinstance(outbox_id, int):
        return
    if state == "SUCCESS":
        outbox_done(outbox_id)
    elif state == "FAILURE":
        outbox_done(outbox_id, error=f"{type(retval).__name__}: {retval}")
