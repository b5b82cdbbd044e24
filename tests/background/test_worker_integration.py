"""A real Celery worker with embedded beat, on the configured broker (Redis or the filesystem)."""

import os
import time
from pathlib import Path

import pytest

from background.models import OutboxMessage, WorkerHeartbeat
from tests.processes import start_celery_worker, stop_process_group, worker_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_it_runs_beat_and_a_worker_for_real(tmp_path):
    # The web process could not publish this one (broker down): beat's relay must send it.
    pending = OutboxMessage.objects.create(
        task="background.tasks.worker_heartbeat", payload={}, created_at="2026-01-01T00:00:00Z"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": worker_database_url(),
        "VAR_DIR": str(tmp_path),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "OUTBOX_RELAY_SECONDS": "1",
        "DJANGO_SETTINGS_MODULE": "heart.settings",
    }
    worker, log = start_celery_worker(env, tmp_path)
    try:
        seen = wait_for(lambda: WorkerHeartbeat.objects.filter(name="celery").exists(), 60)
        relayed = wait_for(
            lambda: OutboxMessage.objects.filter(pk=pending.pk, sent_at__isnull=False).exists(), 30
        )
    finally:
        stop_process_group(worker)
    output = log.read_text()
    assert seen, f"no heartbeat from the worker; its output:\n{output[-4000:]}"
    assert relayed, f"beat's relay did not send the pending message:\n{output[-4000:]}"
