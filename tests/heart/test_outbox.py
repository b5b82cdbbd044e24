from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from heart.models import OutboxMessage
from heart.outbox import outbox_enqueue, outbox_relay

pytestmark = pytest.mark.django_db


def test_it_relays_only_after_commit(django_capture_on_commit_callbacks):
    with mock.patch("heart.celery.app.send_task") as send:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            message = outbox_enqueue(task="heart.tasks.worker_heartbeat", payload={"a": 1})
            assert send.call_count == 0
        send.assert_called_once()
        assert send.call_args.kwargs["kwargs"] == {"a": 1, "outbox_id": message.pk}
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_it_keeps_messages_when_the_broker_is_down_and_sends_them_later():
    with transaction.atomic():
        first = outbox_enqueue(task="heart.tasks.worker_heartbeat", payload={})
        second = outbox_enqueue(task="heart.tasks.worker_heartbeat", payload={})
    with mock.patch("heart.celery.app.send_task", side_effect=OperationalError("down")):
        assert outbox_relay() == 0
    first.refresh_from_db()
    assert first.sent_at is None and "down" in first.last_error
    with mock.patch("heart.celery.app.send_task") as send:
        assert outbox_relay() == 2
        sent_ids = [c.kwargs["kwargs"]["outbox_id"] for c in send.call_args_list]
    assert sent_ids == [first.pk, second.pk]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_it_discards_the_message_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(task="heart.tasks.worker_heartbeat", payload={})
        raise RuntimeError("the call failed to save")
    assert not OutboxMessage.objects.exists()
