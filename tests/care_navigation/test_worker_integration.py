"""The sweep on a real Celery worker and beat, killed with SIGKILL half-way, then restarted.

Runs on the configured broker: Redis when REDIS_URL is set, else kombu's filesystem transport
under a temporary VAR_DIR (as tests/background/test_worker_integration.py does). The worker's
sweep pauses after each batch of 5 cases (tests/slow_sweep.py), slow enough to kill.
"""

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from care_navigation.models import Case, Notification
from people.models import Person
from tests.processes import start_celery_worker, stop_process_group, worker_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CASES = 160  # half at day 31 (to close), half at day 26 (to warn): 32 batches of 5
BATCH = 5
PAUSE = 0.25


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def start_worker(tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": worker_database_url(),
        "VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "heart.settings",
        "CARE_SWEEP_SECONDS": "1",
        "CARE_SWEEP_BATCH_SIZE": str(BATCH),
        "SLOW_SWEEP_PAUSE_SECONDS": str(PAUSE),
        "WORKER_HEARTBEAT_SECONDS": "60",
        "OUTBOX_RELAY_SECONDS": "60",
    }
    return start_celery_worker(env, tmp_path, name, app="tests.slow_sweep")


def expected_notifications(now) -> Counter:
    expected: Counter = Counter()
    for case in Case.objects.all():
        expected[(case.pk, "first_contact_overdue")] = 1
        kind = "closed" if case.closes_at <= now else "closing_soon"
        expected[(case.pk, kind)] = 1
    return expected


def notifications() -> Counter:
    return Counter(Notification.objects.values_list("case_id", "kind"))


def test_it_finishes_the_sweep_exactly_once_after_a_worker_is_killed(tmp_path):
    now = timezone.now()
    people = Person.objects.bulk_create(Person(name=f"Person {i}") for i in range(CASES))
    cases = []
    for i, person in enumerate(people):
        opened = now - timedelta(days=31 if i % 2 == 0 else 26)
        cases.append(
            Case(
                person=person,
                source="referral",
                opened_at=opened,
                first_contact_due=opened + timedelta(hours=48),
                closes_at=opened + timedelta(days=30),
                warn_at=opened + timedelta(days=25),
            )
        )
    Case.objects.bulk_create(cases)
    expected = expected_notifications(now)
    assert len(expected) == 2 * CASES

    worker, log = start_worker(tmp_path, "first")
    try:
        # Kill it as soon as some batches have committed, long before the sweep can finish.
        started = wait_for(lambda: Notification.objects.filter(kind="closed").exists(), 90)
        assert started, f"the sweep never started:\n{log.read_text()[-4000:]}"
        stop_process_group(worker, signal.SIGKILL)
    finally:
        stop_process_group(worker, signal.SIGKILL)
    assert worker.returncode == -signal.SIGKILL
    half_way = notifications()
    assert 0 < len(half_way) < len(expected), "the worker was not killed in the middle"
    assert Case.objects.filter(status="open", closes_at__lte=now).exists()

    worker, log = start_worker(tmp_path, "second")
    try:
        done = wait_for(
            lambda: (
                not Case.objects.filter(status="open", closes_at__lte=now).exists()
                and len(notifications()) >= len(expected)
            ),
            120,
        )
    finally:
        stop_process_group(worker, signal.SIGTERM)
    assert done, f"the restarted worker did not finish:\n{log.read_text()[-4000:]}"
    assert notifications() == expected  # every notification, each exactly once
    closed = Case.objects.filter(status="closed")
    assert closed.count() == CASES // 2
    assert set(closed.values_list("outcome", flat=True)) == {"unable_to_reach"}
    assert not Case.objects.filter(status="open", closes_at__lte=now).exists()
