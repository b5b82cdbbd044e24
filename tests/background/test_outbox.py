from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from background.models import OutboxMessage
from background.outbox import outbox_enqueue, outbox_purge, outbox_relay

pytestmark = pytest.mark.django_db


def test_it_never_touches_the_broker_while_saving(django_capture_on_commit_callbacks):
    with mock.patch("heart.celery.app.send_task") as send:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox_enqueue(task="background.tasks.worker_heartbeat", payload={"a": 1})
        assert send.call_count == 0
    assert OutboxMessage.objects.get().sent_at is None


def test_it_relays_in_order_and_marks_sent():
    with transaction.atomic():
        first = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={"a": 1})
        second = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={"a": 2})
    with mock.patch("heart.celery.app.send_task") as send:
        assert outbox_relay() == 2
        assert outbox_relay() == 0  # nothing is sent twice
    sent = [c.kwargs["kwargs"] for c in send.call_args_list]
    assert sent == [{"a": 1, "outbox_id": first.pk}, {"a": 2, "outbox_id": second.pk}]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_it_keeps_messages_while_the_broker_is_down_and_sends_them_later():
    with transaction.atomic():
        first = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
        outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
    with mock.patch("heart.celery.app.send_task", side_effect=OperationalError("down")):
        assert outbox_relay() == 0
    first.refresh_from_db()
    assert first.sent_at is None and "down" in first.last_error and first.attempts == 1
    with mock.patch("heart.celery.app.send_task") as send:
        assert outbox_relay() == 2
        assert send.call_count == 2


def test_it_discards_the_message_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
        raise RuntimeError("the call failed to save")
    assert not OutboxMessage.objects.exists()


def test_it_purges_messages_done_before_the_retention_days(settings):
    settings.OUTBOX_RETENTION_DAYS = 7
    sent_long_ago = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with transaction.atomic():
        old = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
        recent = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
        unsent = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=sent_long_ago, done_at=sent_long_ago)
    OutboxMessage.objects.filter(pk=recent.pk).update(
        sent_at=sent_long_ago, done_at=sent_long_ago + timedelta(days=2)
    )
    # Published long ago and never done: work still to do, never purged.
    OutboxMessage.objects.filter(pk=unsent.pk).update(
        created_at=sent_long_ago, sent_at=sent_long_ago
    )

    assert outbox_purge(now=sent_long_ago + timedelta(days=8)) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert outbox_purge(now=sent_long_ago + timedelta(days=8)) == 0  # safe to run twice


def test_it_purges_on_beats_schedule(settings):
    from background.tasks import outbox_purge as task

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-purge"]
    assert entry["task"] == task.name == "background.tasks.outbox_purge"
    with transaction.atomic():
        message = outbox_enqueue(task="background.tasks.worker_heartbeat", payload={})
    long_ago = timezone.now() - timedelta(days=30)
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=long_ago, done_at=long_ago)
    assert task() == 1
