from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from background.models import OutboxMessage
from background.outbox import outbox_enqueue, outbox_relay

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
