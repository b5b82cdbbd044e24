"""The transactional outbox: Celery work is a row first, a broker message later.

The row is written in the transaction of the change that causes it, so the work exists if and
only if the change committed. Web processes never talk to the broker: ``outbox_enqueue`` only
writes the row, so a call-taker's save can neither wait on nor fail because of Redis. Only the
Celery worker publishes: beat schedules ``background.tasks.outbox_relay`` every
OUTBOX_RELAY_SECONDS (on the ``urgent`` queue, never behind a backlog of other work), and the
worker running it claims the rows to publish, publishes them in id order and stamps them sent.

A row is done only when its task has run: every task relayed from here receives ``outbox_id``,
and when it finishes successfully ``outbox_done`` stamps ``done_at`` (background/tasks.py
connects it to Celery's task_postrun signal). A row published but not done after
OUTBOX_REDELIVER_SECONDS is published again: its message may have died with a broker that keeps
nothing on disk, or its task failed. After OUTBOX_MAX_ATTEMPTS publications the row is left for
a person (the admin lists it with its last error). So a task can run twice, never zero times:
consumers are idempotent.

Coalesced work (``coalesce=True``, for tasks that recompute from the whole state, like the
dashboards' rollup refresh): while a row of the task waits unpublished, enqueuing it again adds
nothing, and the relay holds a row back while another of its key is in flight. One waits and
one runs at most, however fast the changes come.

While the broker is down the rows wait, and the first relay after it returns sends them all.
Two relays never send the same row (the claim skips rows another relay holds). Done rows are
kept OUTBOX_RETENTION_DAYS for inquiries, then ``outbox_purge`` deletes them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from background.models import OutboxMessage

log = logging.getLogger(__name__)


def outbox_enqueue(*, task: str, payload: dict[str, Any], coalesce: bool = False) -> OutboxMessage:
    """Write a message for ``task`` inside the caller's transaction. With ``coalesce``, an
    unpublished message of the same task already covers this one and is returned instead."""
    key = task if coalesce else ""
    if key:
        waiting = OutboxMessage.objects.filter(
            coalesce_key=key, sent_at__isnull=True, done_at__isnull=True
        ).first()
        if waiting is not None:
            return waiting
    return OutboxMessage.objects.create(
        task=task, payload=payload, created_at=timezone.now(), coalesce_key=key
    )


def _due(now: datetime) -> Q:
    """Rows to publish: never published, or published and not done within the redelivery time
    (and not given up on)."""
    stale = now - timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS)
    return Q(done_at__isnull=True) & (
        Q(sent_at__isnull=True) | Q(sent_at__lt=stale, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
    )


def _in_flight_keys(now: datetime) -> set[str]:
    """Coalesce keys with a message published recently and not done: their next waits."""
    stale = now - timedelta(seconds=settings.OUTBOX_REDELIVER_SECONDS)
    return set(
        OutboxMessage.objects.exclude(coalesce_key="")
        .filter(done_at__isnull=True, sent_at__gte=stale)
        .values_list("coalesce_key", flat=True)
    )


def outbox_relay(*, limit: int = 500) -> int:
    """Publish the due messages in id order; return how many were published. Never raises for
    a broker failure: what could not be published stays for the next relay."""
    now = timezone.now()
    sent: list[int] = []
    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .order_by("id")[:limit]
        )
        busy = _in_flight_keys(now)
        published_keys: set[str] = set()
        superseded: list[int] = []
        for message in claimed:
            key = message.coalesce_key
            if key and key in published_keys:
                # Another message of the key goes out in this round: one run covers both.
                superseded.append(message.pk)
                continue
            if key and key in busy:
                continue  # its key is running: it waits for the next relay
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
            if key:
                published_keys.add(key)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(
                sent_at=now, attempts=F("attempts") + 1
            )
        if superseded:
            OutboxMessage.objects.filter(pk__in=superseded).update(
                done_at=now, last_error="coalesced into a message published with it"
            )
    return len(sent)


def outbox_done(outbox_id: int, *, error: str = "") -> bool:
    """Record that the task of message ``outbox_id`` ran: successfully (``done_at``), or not
    (``error``, kept for the next publication). Returns whether the row changed."""
    if error:
        changed = OutboxMessage.objects.filter(pk=outbox_id, done_at__isnull=True).update(
            last_error=error[:2000]
        )
    else:
        changed = OutboxMessage.objects.filter(pk=outbox_id, done_at__isnull=True).update(
            done_at=timezone.now()
        )
    return changed > 0


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete the messages done more than OUTBOX_RETENTION_DAYS before ``now``; return how many.
    Messages not done stay, however old: they are work still to do, or for a person to see."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(done_at__lt=cutoff).delete()
    return deleted
