"""A message is done when its task has run, not when it was published; what was published and
never done is published again; coalesced work waits one at a time (background/outbox.py)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction

from background.models import OutboxMessage
from background.outbox import outbox_done, outbox_enqueue, outbox_relay

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
HEARTBEAT = "background.tasks.worker_heartbeat"
REFRESH = "dashboards.tasks.rollup_refresh"


def relay_at(at: datetime) -> list[dict]:
    with time_machine.travel(at, tick=False), mock.patch("heart.celery.app.send_task") as send:
        outbox_relay()
    return [c.kwargs["kwargs"] for c in send.call_args_list]


def test_a_published_message_is_not_done_until_its_task_ran():
    with transaction.atomic():
        message = outbox_enqueue(task=HEARTBEAT, payload={})
    assert relay_at(NOON) == [{"outbox_id": message.pk}]
    message.refresh_from_db()
    assert message.sent_at is not None and message.done_at is None
    assert outbox_done(message.pk) is True
    message.refresh_from_db()
    assert message.done_at is not None
    assert outbox_done(message.pk) is False  # a second run changes nothing


def test_it_publishes_again_what_was_published_and_never_done(settings):
    settings.OUTBOX_REDELIVER_SECONDS = 300
    with transaction.atomic():
        lost = outbox_enqueue(task=HEARTBEAT, payload={"n": 1})
        ran = outbox_enqueue(task=HEARTBEAT, payload={"n": 2})
    assert len(relay_at(NOON)) == 2
    outbox_done(ran.pk)
    # Within the redelivery time the lost one may still be queued: nothing is published.
    assert relay_at(NOON + timedelta(seconds=299)) == []
    # After it, the message whose task never ran goes out again; the one that ran does not.
    assert relay_at(NOON + timedelta(seconds=301)) == [{"n": 1, "outbox_id": lost.pk}]
    lost.refresh_from_db()
    assert lost.attempts == 2


def test_it_gives_up_after_the_attempts_limit_and_keeps_the_error(settings):
    settings.OUTBOX_REDELIVER_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        message = outbox_enqueue(task=HEARTBEAT, payload={})
    at = NOON
    published = 0
    for _ in range(6):
        published += len(relay_at(at))
        outbox_done(message.pk, error="KeyError: 'call'")
        at += timedelta(seconds=61)
    assert published == 3
    message.refresh_from_db()
    assert message.done_at is None and message.last_error == "KeyError: 'call'"


def test_enqueuing_coalesced_work_again_adds_nothing_while_one_waits():
    with transaction.atomic():
        first = outbox_enqueue(task=REFRESH, payload={}, coalesce=True)
        again = outbox_enqueue(task=REFRESH, payload={}, coalesce=True)
        other = outbox_enqueue(task=HEARTBEAT, payload={})
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 2
    assert other.coalesce_key == ""
    # Once it is published, the next change needs a run of its own: a new message waits.
    relay_at(NOON)
    with transaction.atomic():
        later = outbox_enqueue(task=REFRESH, payload={}, coalesce=True)
    assert later.pk != first.pk


def test_the_relay_holds_coalesced_work_back_while_its_key_runs(settings):
    settings.OUTBOX_REDELIVER_SECONDS = 300
    with transaction.atomic():
        running = outbox_enqueue(task=REFRESH, payload={}, coalesce=True)
    assert relay_at(NOON) == [{"outbox_id": running.pk}]
    with transaction.atomic():
        waiting = outbox_enqueue(task=REFRESH, payload={}, coalesce=True)
    assert relay_at(NOON + timedelta(seconds=2)) == []  # one runs, one waits
    outbox_done(running.pk)
    assert relay_at(NOON + timedelta(seconds=4)) == [{"outbox_id": waiting.pk}]


def test_the_relay_publishes_one_of_coalesced_messages_written_in_a_race():
    # Two transactions that each found no waiting message both wrote one.
    rows = [
        OutboxMessage.objects.create(task=REFRESH, created_at=NOON, coalesce_key=REFRESH)
        for _ in range(3)
    ]
    assert relay_at(NOON) == [{"outbox_id": rows[0].pk}]
    superseded = OutboxMessage.objects.filter(pk__in=[r.pk for r in rows[1:]])
    assert all(m.done_at is not None for m in superseded)


def test_the_worker_marks_a_relayed_task_done_when_it_succeeds_and_not_when_it_fails():
    from background.tasks import outbox_purge, worker_heartbeat

    with transaction.atomic():
        ok = outbox_enqueue(task=HEARTBEAT, payload={})
        failing = outbox_enqueue(task="background.tasks.outbox_purge", payload={})
    worker_heartbeat.apply(kwargs={"outbox_id": ok.pk})
    with mock.patch(
        "background.tasks.purge_sent", side_effect=DatabaseOperationalError("server closed")
    ) as purge:
        # Run eagerly, the retries follow at once (a worker waits the backoff between them).
        result = outbox_purge.apply(kwargs={"outbox_id": failing.pk})
    ok.refresh_from_db()
    failing.refresh_from_db()
    assert ok.done_at is not None
    assert purge.call_count == 1 + outbox_purge.max_retries
    # Failed for good: not done, the error kept for a person and the next publication.
    assert result.state == "FAILURE"
    assert failing.done_at is None
    assert failing.last_error == "OperationalError: server closed"


def test_tasks_that_touch_the_database_retry_connection_errors_with_backoff():
    from celery import current_app

    current_app.loader.import_default_modules()  # the apps' tasks modules, as a worker does
    for name in (
        "dashboards.tasks.rollup_refresh",
        "dashboards.tasks.rollup_reconcile",
        "care_navigation.tasks.care_sweep",
        "dispatch.tasks.holds_sweep",
        "dispatch.tasks.duty_sync",
        "background.tasks.outbox_purge",
    ):
        task = current_app.tasks[name]
        assert DatabaseOperationalError in task.autoretry_for, name
        assert task.retry_backoff and task.acks_late, name


def test_the_relay_and_the_time_bound_sweeps_have_their_own_queue(settings):
    from celery import current_app

    router = current_app.amqp.router
    for name in (
        "background.tasks.outbox_relay",
        "dispatch.tasks.holds_sweep",
        "dispatch.tasks.duty_sync",
    ):
        assert router.route({}, name)["queue"].name == "urgent", name
    assert router.route({}, REFRESH)["queue"].name == "celery"
    # A worker started without -Q consumes both.
    assert {q.name for q in current_app.amqp.queues.values()} >= {"urgent", "celery"}
