"""Two dispatchers, one unit: real threads against the real database."""

import threading

from django.db import connection

from dispatch.models import Assignment, Call
from dispatch.services import CallInput, UnitUnavailable, call_create, unit_assign
from tests.dispatch.conftest import AFTERNOON
from tests.factories import UnitFactory, UserFactory

THREADS = 6


def test_it_gives_exactly_one_success_to_concurrent_assignments(seeded):
    dispatcher = UserFactory(username="racer")
    unit = UnitFactory(name="HEART-R", kind="HEART")
    calls = [
        call_create(
            by=None,
            data=CallInput(
                call_type="WELFARE_CHECK",
                received_at=AFTERNOON,
                zone=str(i),
                answers={"weapon": "no", "violence": "no"},
            ),
        )[0]
        for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(call: Call) -> None:
        try:
            barrier.wait()
            unit_assign(call_id=call.pk, unit_id=unit.pk, by=dispatcher)
            result = "ok"
        except UnitUnavailable:
            result = "conflict"
        except Exception as exc:  # noqa: BLE001 - any other failure is reported below
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["ok"], outcomes
    assert Assignment.objects.filter(unit=unit, cleared_at__isnull=True).count() == 1
