"""The transactional outbox: Celery work is a row first, a broker message later.

The row is written in the transaction of the change that causes it, so the work exists if and
only if the change committed. Web processes never talk to the broker: ``outbox_enqueue`` only
writes the row, so a call-taker's save can neither wait on nor fail because of Redis. Only the
Celery worker publishes: beat schedules ``background.tasks.outbox_relay`` every
OUTBOX_RELAY_SECONDS, and the worker running it claims unsent rows, publishes them in id order
and marks them sent; while the broker is down the rows wait, and the first relay after it
returns sends them all. Two relays never send the same row (the claim skips rows another relay
holds); a process that dies between the publish and the commit can send a row twice, so
consumers are idempotent. Sent rows are kept OUTBOX_RETENTION_DAYS for inquiries, then
``outbox_purge`` (beat's ``background.tasks.outbox_purge``) deletes them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from background.models import OutboxMessage

log = logging.getLogger(__name__)


def outbox_enqueue(*, task: str, payload: dict[str, Any]) -> OutboxMessage:
    """Write a message for ``task`` inside the caller's transaction."""
    return OutboxMessage.objects.create(task=task, payload=payload, created_at=timezone.now())


def outbox_relay(*, limit: int = 500) -> int:
    """Publish unsent messages in id order; return how many were sent. Never raises for a
    broker failure: what could not be sent stays for the next relay."""
    sent: list[int] = []
    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("id")[:limit]
        )
        for message in claimed:
            try:
                current_app.send_task(
                    message.task,
                    kwargs={**message.payload, "outbox_id": message.pk},
                    retry=False,
                    headers={"outbox_id": message.pk},
                )
            except Exception as exc:  # noqa: BLE001 - any broker failure: keep it for later
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:2000]
                )
                log.warning("outbox: broker unavailable, #%s and later wait: %s", message.pk, exc)
                break
            sent.append(message.pk)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1
            )
    return len(sent)


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete the messages sent more than OUTBOX_RETENTION_DAYS before ``now``; return how many.
    Unsent messages stay, however old: they are work still to do."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
