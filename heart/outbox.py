"""The transactional outbox: Celery work is a row first, a broker message after commit.

A call-taker's save never waits on, or fails because of, the broker. If the broker is down
the row stays unsent and the next relay (after the next commit, or beat's periodic relay)
sends it. Consumers must be idempotent: a row can be sent twice if the process dies between
the publish and the update that marks it sent.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from heart.models import OutboxMessage

log = logging.getLogger(__name__)


def outbox_enqueue(*, task: str, payload: dict[str, Any]) -> OutboxMessage:
    """Write a message inside the caller's transaction; relay it once that commits."""
    message = OutboxMessage.objects.create(task=task, payload=payload, created_at=timezone.now())
    transaction.on_commit(lambda: outbox_relay(limit=100), robust=True)
    return message


def outbox_relay(*, limit: int = 500) -> int:
    """Publish unsent messages in id order; return how many were sent. Never raises."""
    from heart.celery import app

    sent = 0
    pending = list(OutboxMessage.objects.filter(sent_at__isnull=True).order_by("id")[:limit])
    for message in pending:
        try:
            app.send_task(
                message.task,
                kwargs={**message.payload, "outbox_id": message.pk},
                retry=False,
                headers={"outbox_id": message.pk},
            )
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row for later
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:2000]
            )
            log.warning("outbox relay stopped at #%s: %s", message.pk, exc)
            break
        # Conditional: a concurrent relay that already marked it keeps its timestamp.
        OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1
        )
        sent += 1
    return sent
