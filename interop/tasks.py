"""Interop's Celery tasks: thin, each loads by id and calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from interop.services import deliveries_retry as retry_due
from interop.services import delivery_attempt


@shared_task(name="interop.tasks.delivery_send", acks_late=True, reject_on_worker_lost=True)
def delivery_send(*, delivery: int, **_: Any) -> str:
    """The first try of a delivery, queued through the outbox after the change committed."""
    return delivery_attempt(delivery_id=delivery)


@shared_task(name="interop.tasks.deliveries_retry", acks_late=True, reject_on_worker_lost=True)
def deliveries_retry(**_: Any) -> int:
    """Beat: the due retries (and any first try whose message was lost)."""
    return retry_due()
