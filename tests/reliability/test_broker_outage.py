"""Redis stopped: call intake keeps working; when Redis returns, the outbox relay catches up,
nothing lost and nothing doubled."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum
from rest_framework.authtoken.models import Token

from dispatch.models import Call
from heart.dashboards.models import DAY, CallRollup
from heart.models import OutboxMessage
from tests.factories import UserFactory
from tests.reliability.servers import ROOT, base_env, free_port, gunicorn, private_redis, wait_until
from tests.reliability.test_postgres_restart import post_call

pytestmark = pytest.mark.integration


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{s['NAME']}"


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
        DATABASE_URL=database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        VAR_DIR=str(tmp_path),
        OUTBOX_RELAY_SECONDS="1",
        ROLLUP_REFRESH_SECONDS="600",
        WORKER_HEARTBEAT_SECONDS="600",
    )
    worker_log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "heart",
            "worker",
            "--beat",
            "--concurrency=1",
            "--loglevel=info",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
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
            pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
            assert pending >= 5
            with private_redis(port):
                wait_until(
                    lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
                    90,
                    "the relay to send every message kept during the outage",
                )
                wait_until(lambda: rolled_up_calls() == 8, 60, "the rollups to catch up")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
    log = Path(worker_log.name).read_text()
    assert sorted(Call.objects.filter(source="api").values_list("id", flat=True)) == sorted(
        acknowledged
    ), "a call was lost or doubled"
    # The rollups are recomputed from the calls, so a refresh message that died with the
    # stopped Redis (it keeps nothing on disk here) costs nothing once any later one runs.
    assert rolled_up_calls() == 8, log[-3000:]
