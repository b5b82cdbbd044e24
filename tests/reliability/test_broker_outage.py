"""Redis stopped: call intake keeps working; when Redis returns, the outbox relay catches up,
nothing lost and nothing doubled."""

import time
import uuid

import pytest
from django.db.models import Sum
from rest_framework.authtoken.models import Token

from background.models import OutboxMessage
from dashboards.models import DAY, CallRollup
from dispatch.models import Call
from tests.factories import UserFactory
from tests.processes import start_celery_worker, stop_process_group, worker_database_url
from tests.reliability.servers import base_env, free_port, gunicorn, private_redis, wait_until
from tests.reliability.test_postgres_restart import post_call

pytestmark = pytest.mark.integration


def rolled_up_calls() -> int:
    day_rows = CallRollup.objects.filter(source="api", grain=DAY)
    return day_rows.aggregate(n=Sum("calls"))["n"] or 0


def test_it_takes_calls_while_redis_is_down_and_catches_up_after(seeded, tmp_path):
    from django.contrib.auth.models import Group

    user = UserFactory(username="outage-taker")
    user.groups.set(Group.objects.filter(name="call_taker"))
    token = Token.objects.create(user=user).key
    port = free_port()
    env = base_env(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAR_DIR=str(tmp_path),
        OUTBOX_RELAY_SECONDS="1",
        ROLLUP_REFRESH_SECONDS="600",
        WORKER_HEARTBEAT_SECONDS="600",
    )
    worker, worker_log = start_celery_worker(env, tmp_path)
    acknowledged: list[int] = []
    try:
        with gunicorn(env) as url:
            with private_redis(port):
                for _ in range(3):
                    status, call_id = post_call(url, token, uuid.uuid4().hex)
                    assert status == 201
                    acknowledged.append(call_id)
                wait_until(
                    lambda: rolled_up_calls() == 3, 60, "the first calls to reach the rollups"
                )
            # Redis is gone. Intake must not notice, nor slow to a crawl.
            started = time.monotonic()
            for _ in range(5):
                status, call_id = post_call(url, token, uuid.uuid4().hex)
                assert status == 201, "call intake failed while Redis was down"
                acknowledged.append(call_id)
            assert time.monotonic() - started < 15
            # The five calls' refreshes coalesced into one message, waiting for the broker.
            pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
            assert pending == 1
            with private_redis(port):
                wait_until(
                    lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
                    90,
                    "the relay to send every message kept during the outage",
                )
                wait_until(lambda: rolled_up_calls() == 8, 60, "the rollups to catch up")
    finally:
        stop_process_group(worker)
    log = worker_log.read_text()
    assert sorted(Call.objects.filter(source="api").values_list("id", flat=True)) == sorted(
        acknowledged
    ), "a call was lost or doubled"
    # The rollups are recomputed from the calls, so a refresh message that died with the
    # stopped Redis (it keeps nothing on disk here) costs nothing once any later one runs.
    assert rolled_up_calls() == 8, log[-3000:]
