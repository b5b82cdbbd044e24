"""The demo's simulated AVL feed: with DEMO_AVL_SECONDS, beat keeps the demo units' positions
fresh, so that "nearest" still works in a demo left open; without it, nothing is scheduled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from dispatch.models import Unit
from dispatch.selectors import position_trusted
from tests.factories import UnitFactory

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
SCHEDULE = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.CELERY_BEAT_SCHEDULE.get('demo-avl')))"
)


def beat_entry(**env: str) -> object:
    environ = {k: v for k, v in os.environ.items() if k != "DEMO_AVL_SECONDS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCHEDULE],
        cwd=ROOT,
        env={**environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_beat_runs_the_demo_feed_only_when_asked():
    assert beat_entry() is None
    assert beat_entry(DEMO_AVL_SECONDS="30") == {"task": "demo.tasks.demo_avl", "schedule": 30.0}


@pytest.mark.django_db
def test_the_demo_feed_makes_stale_positions_trusted_again():
    from demo.tasks import demo_avl

    with time_machine.travel(NOON, tick=False):
        unit = UnitFactory(kind="HEART", status="available")
    later = NOON + timedelta(minutes=30)
    with time_machine.travel(later, tick=False):
        assert not position_trusted(Unit.objects.get(pk=unit.pk), now=later)
        assert demo_avl() >= 1
        assert position_trusted(Unit.objects.get(pk=unit.pk), now=later)
