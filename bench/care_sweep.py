"""Benchmark of the care-navigation sweep over 100,000 open cases, against a count(*) baseline.

    python bench/care_sweep.py [--cases N] [--batch-size B]

Needs PostgreSQL: DATABASE_URL from the environment, by default
postgres://postgres@127.0.0.1:5432/fifth_bench_care (created if missing, migrated, and its
people and cases replaced on every run). Loads N open cases (default 100,000) spread over 35
days of openings, so that the sweep has every kind of work: about 14% to close (day 30), 14%
to warn (day 25), most with an overdue first contact, a tenth to flag unable to reach. Then
measures, as of one instant:

- the baseline: ``SELECT count(*)`` over the same open cases (best of 5);
- the sweep: ``care_sweep(now=...)`` once, doing all of that work (target: under 5 s);
- the sweep again, with nothing left to do.

Prints each time with its ratio to the baseline. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fifth_bench_care"
TARGET_SECONDS = 5.0
AS_OF = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"  # no query log: measure what production runs
    os.environ["SECRET_KEY"] = "bench-only-key-signs-nothing-it-is-a-local-benchmark-run-0000"  # noqa: S105
    os.environ.setdefault("VAR_DIR", str(REPO_ROOT / "var" / "bench-care"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "heart.settings"
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit(f"the sweep benchmark needs PostgreSQL; DATABASE_URL is {database_url!r}")
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def load(cases: int) -> None:
    """People and open cases, generated in the database (seconds, not minutes)."""
    from django.db import connection

    from care_navigation.models import Case, Notification
    from people.models import Person

    person, case, notification = (
        Person._meta.db_table,
        Case._meta.db_table,
        Notification._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {notification}, {case}, {person} RESTART IDENTITY CASCADE")
        cursor.execute(
            f"INSERT INTO {person} (name, phone, aliases, created_at) "
            "SELECT 'Bench person ' || g, '', '[]'::jsonb, %s FROM generate_series(1, %s) g",
            [AS_OF, cases],
        )
        # Case i was opened (i mod 35) days and (i mod 24) hours before AS_OF.
        cursor.execute(
            f"""
            INSERT INTO {case} (
                person_id, source, status, outcome, opened_at, first_contact_due,
                first_contact_at, closes_at, warn_at, connected_at, declined_at,
                failed_attempts_in_row, unable_to_reach, person_needs_review
            )
            SELECT id, 'referral', 'open', '', o,
                   o + interval '48 hours',
                   CASE WHEN id %% 3 = 0 THEN o + interval '20 hours' END,
                   o + interval '30 days',
                   o + interval '25 days',
                   CASE WHEN id %% 5 = 0 AND o < %s - interval '6 days'
                        THEN o + interval '5 days' END,
                   CASE WHEN id %% 17 = 0 THEN o + interval '30 hours' END,
                   CASE WHEN id %% 10 = 1 THEN 3 ELSE 0 END,
                   false, false
            FROM (
                SELECT id,
                       %s - make_interval(days => (id %% 35)::int, hours => (id %% 24)::int) AS o
                FROM {person}
            ) opened
            """,
            [AS_OF, AS_OF],
        )
        cursor.execute(f"VACUUM ANALYZE {person}")
        cursor.execute(f"VACUUM ANALYZE {case}")


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the setting")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    setup_django(database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from care_navigation.models import Case, Notification
    from care_navigation.services import care_sweep

    call_command("migrate", verbosity=0)
    seconds, _ = timed(lambda: load(args.cases))
    print(
        f"loaded {args.cases:,} open cases in {seconds:.1f} s ({connection.settings_dict['NAME']})"
    )

    def count_open() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {Case._meta.db_table} WHERE status = 'open'")
            return int(cursor.fetchone()[0])

    baseline = min(timed(count_open)[0] for _ in range(5))
    batch = args.batch_size or settings.CARE_SWEEP_BATCH_SIZE
    sweep_seconds, result = timed(lambda: care_sweep(now=AS_OF, batch_size=batch))
    idle_seconds, idle = timed(lambda: care_sweep(now=AS_OF, batch_size=batch))
    assert idle.closed == 0 and idle.first_contact_overdue == 0, idle

    print(f"as of {AS_OF.isoformat()}, batches of {batch:,} cases")
    print(f"work done: {result.as_dict()}")
    print(f"notifications: {Notification.objects.count():,}")
    print(f"{'measure':<44}{'seconds':>10}{'x baseline':>12}")
    print(f"{'baseline: SELECT count(*) of the open cases':<44}{baseline:>10.4f}{1:>12.1f}")
    for label, value in (
        (f"sweep of {args.cases:,} open cases", sweep_seconds),
        ("sweep again, nothing left to do", idle_seconds),
    ):
        print(f"{label:<44}{value:>10.3f}{value / baseline:>12.1f}")
    ok = sweep_seconds < TARGET_SECONDS * args.cases / 100_000
    print(f"target: under {TARGET_SECONDS:.0f} s per 100,000 cases: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
