"""Beat's background tasks: the outbox relay and purge, and the worker heartbeat."""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task
from django.utils import timezone

from background.models import WorkerHeartbeat
from background.outbox import outbox_purge as purge_sent
from background.outbox import outbox_relay as relay_pending


@shared_task(name="background.tasks.outbox_relay", acks_late=True, reject_on_worker_lost=True)
def outbox_relay(**_: Any) -> int:
    """Publish the outbox's unsent messages: the only way work reaches the broker
    (background/outbox.py)."""
    return relay_pending()


@shared_task(name="background.tasks.outbox_purge", acks_late=True, reject_on_worker_lost=True)
def outbox_purge(**_: Any) -> int:
    """Delete the messages sent more than OUTBOX_RETENTION_DAYS ago."""
    return purge_sent()


@shared_task(name="background.tasks.worker_heartbeat", acks_late=True, reject_on_worker_lost=True)
def worker_heartbeat(**_: Any) -> None:
    """Record that beat scheduled and a worker ran a task; the overview shows how long ago."""
    WorkerHeartbeat.objects.update_or_create(
        name="celery", defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()}
    )
