"""Background work that is not lost either (issue 17): real workers, beat, Redis and PostgreSQL.

- A task published just before Redis lost its memory still runs: the outbox counts a message
  done only when its task ran, and publishes again what was published and never done.
- The relay never waits behind a backlog: it has its own queue, and the per-call rollup
  refresh coalesces to one waiting and one running however fast calls come.
- A task whose database restarts under it is retried with backoff, not failed.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from django.db.models import Sum
from rest_framework.authtoken.models import Token

from background.models import OutboxMessage
from dashboards.models import DAY, CallRollup
from tests.factories import UserFactory
from tests.processes import start_celery_worker, stop_process_group, worker_database_url
from tests.reliability.servers import (
    base_env,
    free_port,
    gunicorn,
    manage,
    private_postgres,
    private_redis,
    wait_until,
)
from tests.reliability.test_postgres_restart import post_call

pytestmark = pytest.mark.integration

HEARTBEAT = "background.tasks.worker_heartbeat"
REFRESH = "dashboards.tasks.rollup_refresh"
AT = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)


def _log_tail(path) -> str:  # type: ignore[no-untyped-def]
    """The worker's log without beat's "Sending due task" lines, its last 4000 characters."""
    if not path.exists():
        return "(no log)"
    lines = [line for line in path.read_text().splitlines() if "Sending due task" not in line]
    return "\n".join(lines)[-4000:]


@pytest.mark.django_db(transaction=True)
def test_a_task_lost_with_redis_runs_after_all(tmp_path):
    port = free_port()
    env = base_env(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAR_DIR=str(tmp_path),
        OUTBOX_RELAY_SECONDS="1",
        OUTBOX_REDELIVER_SECONDS="5",
        WORKER_HEARTBEAT_SECONDS="600",
        ROLLUP_REFRESH_SECONDS="600",
    )
    messages = [
        OutboxMessage.objects.create(task=HEARTBEAT, payload={"n": n}, created_at=AT)
        for n in range(20)
    ]
    ids = [m.pk for m in messages]
    with private_redis(port):
        # A worker for the urgent queue alone: its relay publishes the messages onto the
        # default queue, where nobody takes them before Redis dies.
        relay, relay_log = start_celery_worker(env, tmp_path, "relay", queues="urgent")
        try:
            wait_until(
                lambda: OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).count() == 0,
                90,
                "the relay to publish the messages",
            )
        finally:
            stop_process_group(relay)
    # Redis stopped and kept nothing on disk: the published messages are gone with it.
    assert OutboxMessage.objects.filter(pk__in=ids, done_at__isnull=False).count() == 0
    with private_redis(port):
        worker, worker_log = start_celery_worker(env, tmp_path, "worker")
        try:
            wait_until(
                lambda: OutboxMessage.objects.filter(pk__in=ids, done_at__isnull=True).count() == 0,
                90,
                "every message lost with Redis to be published again and run",
            )
        except TimeoutError as exc:
            raise AssertionError(_log_tail(worker_log)) from exc
        finally:
            stop_process_group(worker)
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {2}


def _rolled_up() -> int:
    rows = CallRollup.objects.filter(source="api", grain=DAY)
    return rows.aggregate(n=Sum("calls"))["n"] or 0


def test_the_relay_keeps_up_while_refreshes_queue_and_calls_pour_in(seeded, tmp_path):
    from django.contrib.auth.models import Group

    user = UserFactory(username="burst-taker")
    user.groups.set(Group.objects.filter(name="call_taker"))
    token = Token.objects.create(user=user).key
    port = free_port()
    env = base_env(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAR_DIR=str(tmp_path),
        OUTBOX_RELAY_SECONDS="1",
        OUTBOX_REDELIVER_SECONDS="600",
        ROLLUP_REFRESH_SECONDS="600",
        WORKER_HEARTBEAT_SECONDS="600",
        SLOW_REFRESH_SECONDS="2",
    )
    # A backlog like the old one-refresh-per-call flood: 12 slow refreshes (24 s of work for a
    # worker with one process) already queued ahead of everything else.
    for _ in range(12):
        OutboxMessage.objects.create(task=REFRESH, payload={}, created_at=AT)
    worker, log = start_celery_worker(env, tmp_path, app="tests.slow_refresh")
    acknowledged = 0
    try:
        with private_redis(port), gunicorn(env) as url:
            wait_until(
                lambda: (
                    not OutboxMessage.objects.filter(task=REFRESH, sent_at__isnull=True).exists()
                ),
                60,
                "the backlog to be published",
            )
            # Now a message for other work: it must be published in seconds, not after the
            # backlog (the relay runs from the urgent queue, between the refreshes).
            probe = OutboxMessage.objects.create(task=HEARTBEAT, payload={}, created_at=AT)
            started = time.monotonic()
            wait_until(
                lambda: OutboxMessage.objects.filter(pk=probe.pk, sent_at__isnull=False).exists(),
                20,
                "the relay to publish past the backlog",
            )
            relayed_in = time.monotonic() - started
            # Calls pour in: each asks for a refresh; they coalesce.
            for _ in range(40):
                status, _call = post_call(url, token, uuid.uuid4().hex)
                assert status == 201
                acknowledged += 1
            per_call = OutboxMessage.objects.filter(task=REFRESH, coalesce_key=REFRESH)
            assert per_call.count() <= 12, "the rollup refresh did not coalesce"
            assert per_call.filter(done_at__isnull=True).count() <= 2
            wait_until(lambda: _rolled_up() == acknowledged, 120, "the rollups to catch up")
    except (TimeoutError, AssertionError) as exc:
        raise AssertionError(f"{exc}\n{_log_tail(log)}") from exc
    finally:
        stop_process_group(worker)
    assert relayed_in < 12, f"the relay waited {relayed_in:.1f} s behind the refreshes"


def test_a_task_whose_database_restarts_under_it_is_retried(tmp_path):
    with private_postgres() as pg:
        env = base_env(
            DATABASE_URL=pg.url,
            VAR_DIR=str(tmp_path / "var"),
            OUTBOX_RELAY_SECONDS="1",
            # Far beyond the test: the retry recovers the task, not the relay's republication.
            OUTBOX_REDELIVER_SECONDS="3600",
            ROLLUP_REFRESH_SECONDS="3600",
            WORKER_HEARTBEAT_SECONDS="3600",
            CARE_SWEEP_SECONDS="3600",
            SLOW_REFRESH_SECONDS="120",
            SLOW_REFRESH_GATE=str(tmp_path / "gate"),
        )
        manage("migrate", "--noinput", env=env)
        dsn = f"host=127.0.0.1 port={pg.port} user=postgres dbname=fifth"

        def message_state() -> tuple[object, object]:
            with psycopg.connect(dsn, connect_timeout=2) as db:
                row = db.execute(
                    "SELECT sent_at, done_at FROM background_outboxmessage WHERE task = %s",
                    [REFRESH],
                ).fetchone()
            return row or (None, None)

        worker, log = start_celery_worker(env, tmp_path, app="tests.slow_refresh")
        try:
            with psycopg.connect(dsn) as db:
                db.execute(
                    "INSERT INTO background_outboxmessage (task, payload, created_at, attempts,"
                    " last_error, coalesce_key) VALUES (%s, '{}', now(), 0, '', %s)",
                    [REFRESH, REFRESH],
                )
            wait_until(lambda: message_state()[0] is not None, 60, "the refresh to be relayed")
            waiting = tmp_path / "gate.waiting"
            wait_until(waiting.exists, 60, "the refresh to open its connection and wait")
            # The refresh holds its connection and waits: restart the database under it, then
            # let it go on (its next query meets the closed connection).
            pg.restart()
            (tmp_path / "gate").touch()

            def done() -> bool:
                try:
                    return message_state()[1] is not None
                except psycopg.OperationalError:
                    return False

            wait_until(done, 90, "the refresh to be retried and done")
        except (TimeoutError, AssertionError) as exc:
            raise AssertionError(f"{exc}\n{_log_tail(log)}") from exc
        finally:
            stop_process_group(worker)
        output = log.read_text()
    assert "Retry in" in output, output[-4000:]
