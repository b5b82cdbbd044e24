"""The supervisor dashboard over a million calls, beside the raw SQL it replaces.

Fills the bench database once with 1,000,000 calls over three years (``INSERT ... SELECT
generate_series``; source ``bench-dashboard``), with department assignments, felt-safe answers,
backup requests, handoffs, people and care-navigation cases in realistic proportions. Then:

- times a full rollup rebuild (``rollup_refresh(full=True)``);
- times, in this process, the raw aggregates over the base table that the dashboard would
  otherwise run for the last 12 months: calls by route per week, eligible calls by hour of the
  week, response-time percentiles by route (median of 3 runs each);
- serves the dashboard for the last 12 months under gunicorn and measures 30 requests from
  one client, with the rollups fresh, then with 300 of today's calls changed since the last
  refresh (today is then read from the base table);
- times the staffing model over a year of eligible calls (loading them, and each simulation).

Target: the dashboard's p95 under 500 ms, against 1.2 to 1.9 s for the raw aggregates.

Run alone: ``.venv/bin/python -m bench.dashboard`` (``--regenerate`` to rebuild the data,
``--calls N`` for another size), or through ``bench/run.py`` once listed in BENCHMARKS.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.harness import (  # noqa: E402
    BenchConfig,
    Table,
    gunicorn_server,
    machine_summary,
    prepare_database,
    run_load,
    setup_django,
    signed_in_session,
)

SOURCE = "bench-dashboard"
DEFAULT_CALLS = 1_000_000
YEARS = 3
PEOPLE = 20_000
REQUESTS = 30
UNIT_PREFIX = "DASHBENCH-"

BEHAVIORAL = [
    "MENTAL_HEALTH",
    "SUICIDE_THREAT",
    "WELFARE_CHECK",
    "TRESPASS",
    "INTOXICATED",
    "PANHANDLING",
    "INDECENCY",
    "VERBAL_DISTURBANCE",
    "ASSIST_PERSON",
    "FOLLOW_UP",
]
POLICE = [
    "ASSAULT",
    "SHOTS_FIRED",
    "ROBBERY",
    "BURGLARY",
    "THEFT",
    "DOMESTIC",
    "FIGHT",
    "WEAPON",
    "SUSPICIOUS",
    "TRAFFIC_ACCIDENT",
    "TRAFFIC",
    "ALARM",
    "NOISE",
    "OTHER_POLICE",
]
FIRE = ["FIRE", "FIRE_ALARM", "HAZMAT"]
EMS = ["MEDICAL", "OVERDOSE", "UNCONSCIOUS", "INJURY"]


def _array(codes: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{c}'" for c in codes) + "]"


# Calls: a quarter behavioral (eligible for HEART, co-response or CCD), the rest police, fire
# and EMS. HEART answers 07-19 and co-response 09-21 (the default schedules): outside those
# hours an eligible call falls back (outside_hours); inside, 8% find no unit and 2% are
# overridden. Processing ~ 15 s + exp(45 s), travel ~ 200 s + exp(420 s), on scene ~ 300 s +
# exp(1800 s).
CALLS_SQL = f"""
INSERT INTO dispatch_call (
  source, external_id, source_priority, source_disposition, status, updated_at, held_until,
  received_at, created_at, triaged_at, closed_at, first_dispatched_at, first_on_scene_at,
  call_type_id, external_label, address, zone, caller_name, callback_number, narrative,
  person_id, answers, eligible_route, route, priority, rule, ruleset_version, unserved_reason,
  override_reason, explanation, disposition, referral_consent
)
WITH g AS (
  SELECT i,
    %(start)s::timestamptz + (i - 1) * %(step)s * interval '1 second'
      + (random() - 0.5) * interval '20 minutes' AS received_at,
    random() AS r1, random() AS r2, random() AS r3, random() AS r4,
    random() AS r5, random() AS r6, random() AS r7, random() AS r8, random() AS r9
  FROM generate_series(1, %(n)s) AS i
), t AS (
  SELECT g.*,
    CASE WHEN r1 < 0.25 THEN 'behavioral' WHEN r1 < 0.85 THEN 'police'
         WHEN r1 < 0.90 THEN 'fire' ELSE 'ems' END AS family,
    extract(hour FROM g.received_at AT TIME ZONE %(tz)s)::int AS h
  FROM g
), e AS (
  SELECT t.*,
    CASE family
      WHEN 'behavioral' THEN ({_array(BEHAVIORAL)})[1 + floor(r2 * {len(BEHAVIORAL)})::int]
      WHEN 'police' THEN ({_array(POLICE)})[1 + floor(r2 * {len(POLICE)})::int]
      WHEN 'fire' THEN ({_array(FIRE)})[1 + floor(r2 * {len(FIRE)})::int]
      ELSE ({_array(EMS)})[1 + floor(r2 * {len(EMS)})::int] END AS call_type,
    CASE family
      WHEN 'behavioral' THEN CASE WHEN r3 < 0.15 THEN 'CO_RESPONSE'
                                  WHEN r3 < 0.30 THEN 'CCD' ELSE 'HEART' END
      WHEN 'police' THEN 'POLICE' WHEN 'fire' THEN 'FIRE' ELSE 'EMS' END AS eligible
  FROM t
), r AS (
  SELECT e.*,
    CASE
      WHEN eligible = 'HEART' AND h BETWEEN 7 AND 18 AND r4 >= 0.10 THEN 'HEART'
      WHEN eligible = 'HEART' AND h BETWEEN 7 AND 18 THEN 'POLICE'
      WHEN eligible = 'HEART' AND h BETWEEN 9 AND 20 THEN 'CO_RESPONSE'
      WHEN eligible = 'HEART' THEN 'POLICE'
      WHEN eligible = 'CO_RESPONSE' AND h BETWEEN 9 AND 20 AND r4 >= 0.10 THEN 'CO_RESPONSE'
      WHEN eligible = 'CO_RESPONSE' THEN 'POLICE'
      ELSE eligible END AS route,
    CASE
      WHEN eligible = 'HEART' AND h BETWEEN 7 AND 18 AND r4 >= 0.10 THEN ''
      WHEN eligible = 'HEART' AND h BETWEEN 7 AND 18 AND r4 < 0.08 THEN 'no_unit'
      WHEN eligible = 'HEART' AND h BETWEEN 7 AND 18 THEN 'override'
      WHEN eligible = 'HEART' THEN 'outside_hours'
      WHEN eligible = 'CO_RESPONSE' AND h BETWEEN 9 AND 20 AND r4 >= 0.10 THEN ''
      WHEN eligible = 'CO_RESPONSE' AND h BETWEEN 9 AND 20 THEN 'no_unit'
      WHEN eligible = 'CO_RESPONSE' THEN 'outside_hours'
      ELSE '' END AS reason,
    15 + (-ln(1 - r5) * 45) AS proc_s,
    200 + (-ln(1 - r6) * 420) AS travel_s,
    300 + (-ln(1 - r7) * 1800) AS scene_s
  FROM e
)
SELECT %(source)s, NULL, '', '', 'closed', now(), NULL,
  received_at, received_at, received_at,
  received_at + (proc_s + CASE WHEN route = 'CCD' THEN 0 ELSE travel_s END + scene_s)
    * interval '1 second',
  received_at + proc_s * interval '1 second',
  CASE WHEN route = 'CCD' THEN NULL ELSE received_at + (proc_s + travel_s) * interval '1 second'
  END,
  call_type, '', '', '', '', '', '',
  CASE WHEN route IN ('HEART', 'CO_RESPONSE', 'CCD') AND r8 < 0.4
    THEN %(person0)s + floor(%(people)s * power(r9, 3))::bigint END,
  '{{}}'::jsonb, eligible, route, 'P2', 'bench', NULL, reason,
  CASE WHEN reason = 'override' THEN 'bench override' ELSE '' END, '',
  CASE WHEN route IN ('HEART', 'CO_RESPONSE') THEN
    CASE WHEN r9 < 0.02 THEN 'police_took_over'
         WHEN r9 < 0.07 THEN 'referred_to_care_navigation' ELSE 'resolved_on_scene' END
  ELSE '' END,
  NULL
FROM r
"""  # noqa: S608 (constant code lists; values are parameters)

ASSIGNMENTS_SQL = """
INSERT INTO dispatch_assignment (
  call_id, unit_id, dispatched_at, en_route_at, on_scene_at, transporting_at, cleared_at,
  disposition, assigned_by_id
)
SELECT c.id, (u.ids)[1 + (c.id %% array_length(u.ids, 1))], c.first_dispatched_at,
  c.first_dispatched_at, c.first_on_scene_at, NULL, c.closed_at, c.disposition, NULL
FROM dispatch_call c
JOIN (SELECT kind, array_agg(id ORDER BY id) AS ids FROM dispatch_unit
      WHERE name LIKE %(prefix)s GROUP BY kind) u ON u.kind = c.route
WHERE c.source = %(source)s AND c.route IN ('HEART', 'CO_RESPONSE', 'CCD')
"""

SAFETY_SQL = """
INSERT INTO dispatch_safetycheck (call_id, unit_id, responder_id, safe, at)
SELECT a.call_id, a.unit_id, r.id, random() > 0.01, a.cleared_at
FROM dispatch_assignment a
JOIN dispatch_unit u ON u.id = a.unit_id AND u.kind IN ('HEART', 'CO_RESPONSE')
JOIN dispatch_call c ON c.id = a.call_id AND c.source = %(source)s
CROSS JOIN (SELECT id FROM auth_user WHERE username IN ('dashbench-r1', 'dashbench-r2')) r
"""

EVENTS_SQL = """
INSERT INTO dispatch_fieldevent (call_id, unit_id, kind, at, reason, by_id)
SELECT a.call_id, a.unit_id, 'backup_requested', a.on_scene_at + interval '5 minutes',
  'bench', NULL::bigint
FROM dispatch_assignment a
JOIN dispatch_unit u ON u.id = a.unit_id AND u.kind IN ('HEART', 'CO_RESPONSE')
JOIN dispatch_call c ON c.id = a.call_id AND c.source = %(source)s
WHERE random() < 0.006
UNION ALL
SELECT c.id, NULL::bigint, 'handoff', c.first_dispatched_at, 'bench', NULL::bigint
FROM dispatch_call c
WHERE c.source = %(source)s AND c.route = 'HEART' AND random() < 0.004
"""


def _execute(sql: str, params: dict[str, object] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _rows(sql: str) -> list[tuple[object, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def _scalar(sql: str, params: list[object] | None = None) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    return row[0] if row else None


def _vacuum(*tables: str) -> None:
    clock = time.perf_counter()
    for table in tables:
        _execute(f"VACUUM ANALYZE {table}")
    print(f"VACUUM ANALYZE {', '.join(tables)}: {time.perf_counter() - clock:.1f} s")


def bench_calls() -> int:
    return int(_scalar("SELECT count(*) FROM dispatch_call WHERE source = %s", [SOURCE]) or 0)


def remove_data() -> None:
    """Delete what an earlier run generated, children first."""
    calls = "SELECT id FROM dispatch_call WHERE source = %(source)s"
    for table, column in (
        ("care_navigation_clearingreferral", "call_id"),
        ("dispatch_safetycheck", "call_id"),
        ("dispatch_fieldevent", "call_id"),
        ("dispatch_assignment", "call_id"),
        ("dispatch_triagerecord", "call_id"),
    ):
        _execute(f"DELETE FROM {table} WHERE {column} IN ({calls})", {"source": SOURCE})  # noqa: S608
    from care_navigation.models import Case

    Case.objects.filter(call__source=SOURCE).delete()
    Case.objects.filter(person__name__startswith="Dashbench case ").delete()
    _execute("DELETE FROM dispatch_call WHERE source = %(source)s", {"source": SOURCE})
    _execute("DELETE FROM people_person WHERE name LIKE 'Dashbench %%'")


def generate(calls: int) -> None:
    """The calls and everything hanging off them, in a handful of set-based statements."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from dispatch.models import Unit
    from people.models import Person

    user_model = get_user_model()
    for name in ("dashbench-r1", "dashbench-r2"):
        user_model.objects.get_or_create(username=name)
    for kind, count in (("HEART", 6), ("CO_RESPONSE", 3), ("CCD", 2)):
        for n in range(1, count + 1):
            Unit.objects.get_or_create(name=f"{UNIT_PREFIX}{kind}-{n}", defaults={"kind": kind})
    now = timezone.now()
    start = now - timedelta(days=365 * YEARS)
    step = (now - start).total_seconds() / calls
    clock = time.perf_counter()
    with transaction.atomic():
        Person.objects.bulk_create(
            Person(name=f"Dashbench person {i}", phone="", aliases=[]) for i in range(PEOPLE)
        )
        person0 = _scalar("SELECT min(id) FROM people_person WHERE name LIKE 'Dashbench person %%'")
        _execute(
            CALLS_SQL,
            {
                "start": start,
                "step": step,
                "n": calls,
                "tz": "America/New_York",
                "source": SOURCE,
                "person0": person0,
                "people": PEOPLE,
            },
        )
        assignments = _execute(ASSIGNMENTS_SQL, {"prefix": f"{UNIT_PREFIX}%", "source": SOURCE})
        safety = _execute(SAFETY_SQL, {"source": SOURCE})
        events = _execute(EVENTS_SQL, {"source": SOURCE})
        cases = _cases(now)
    print(
        f"generated {calls:,} calls, {assignments:,} assignments, {safety:,} felt-safe answers, "
        f"{events:,} backup requests and handoffs, {cases:,} cases in "
        f"{time.perf_counter() - clock:.1f} s"
    )


def _cases(now: datetime) -> int:
    """A case for each call referred to care navigation (about 5% of department responses),
    each for its own person; closed with an outcome once its 30 days are over."""
    import random

    from care_navigation.models import Case, ClearingReferral
    from dispatch.models import Call
    from people.models import Person

    rng = random.Random(5)
    referred = list(
        Call.objects.filter(source=SOURCE, disposition="referred_to_care_navigation").values_list(
            "id", "closed_at"
        )
    )
    people = Person.objects.bulk_create(
        Person(name=f"Dashbench case {i}", phone="", aliases=[]) for i in range(len(referred))
    )
    cases = []
    referrals = []
    for (call_id, closed_at), person in zip(referred, people, strict=True):
        opened = closed_at
        contact = opened + timedelta(hours=rng.expovariate(1 / 36)) if rng.random() < 0.8 else None
        done = opened + timedelta(days=30) <= now
        connected = (
            opened + timedelta(days=rng.uniform(3, 29)) if contact and rng.random() < 0.25 else None
        )
        if done:
            outcome = (
                "connected"
                if connected
                else ("unable_to_reach" if contact is None else "not_connected")
            )
        else:
            outcome, connected = "", connected if connected and connected <= now else None
        cases.append(
            Case(
                person=person,
                call_id=call_id,
                source="referral",
                status="closed" if done else "open",
                outcome=outcome,
                opened_at=opened,
                first_contact_due=opened + timedelta(hours=48),
                first_contact_at=contact if contact is None or contact <= now else None,
                closes_at=opened + timedelta(days=30),
                warn_at=opened + timedelta(days=25),
                closed_at=opened + timedelta(days=30) if done else None,
                connected_at=connected,
            )
        )
        referrals.append(ClearingReferral(call_id=call_id, at=opened, consent=True))
    Case.objects.bulk_create(cases, batch_size=2000)
    ClearingReferral.objects.bulk_create(referrals, batch_size=2000)
    return len(cases)


# The measurements ---------------------------------------------------------------------------


def _median_seconds(run: Callable[[], object], times: int = 3) -> float:
    samples = []
    for _ in range(times):
        clock = time.perf_counter()
        run()
        samples.append(time.perf_counter() - clock)
    return statistics.median(samples)


RAW_QUERIES = {
    "calls by route per week": """
        SELECT date_trunc('week', received_at AT TIME ZONE %(tz)s) AS week, route, count(*)
        FROM dispatch_call WHERE received_at >= %(since)s AND received_at < %(until)s
        GROUP BY 1, 2""",
    "eligible calls by hour of week": """
        SELECT extract(isodow FROM received_at AT TIME ZONE %(tz)s) AS weekday,
          extract(hour FROM received_at AT TIME ZONE %(tz)s) AS hour,
          count(*) FILTER (WHERE route = eligible_route) AS served,
          count(*) FILTER (WHERE unserved_reason = 'outside_hours') AS outside_hours
        FROM dispatch_call WHERE received_at >= %(since)s AND received_at < %(until)s
          AND eligible_route IN ('HEART', 'CO_RESPONSE', 'CCD')
        GROUP BY 1, 2""",
    "response-time percentiles by route": """
        SELECT route, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (
          ORDER BY extract(epoch FROM first_on_scene_at - received_at))
        FROM dispatch_call WHERE received_at >= %(since)s AND received_at < %(until)s
          AND first_on_scene_at IS NOT NULL
        GROUP BY route""",
}


def raw_aggregates(since: datetime, until: datetime) -> dict[str, float]:
    params = {"tz": "America/New_York", "since": since, "until": until}
    return {
        name: _median_seconds(lambda sql=sql: _execute(sql, params))
        for name, sql in RAW_QUERIES.items()
    }


def _supervisor(username: str) -> str:
    """The dashboard's reader: a supervisor (get or create); returns the username."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.set(Group.objects.filter(name="supervisor"))
    return username


def _touch_today(calls: int) -> int:
    """Change `calls` of today's calls after the refresh: the dashboard reads today live."""
    from django.utils import timezone

    from dashboards.rollups import local_midnight

    return _execute(
        "UPDATE dispatch_call SET updated_at = now(), disposition = disposition WHERE id IN ("
        " SELECT id FROM dispatch_call WHERE source = %(source)s AND received_at >= %(since)s"
        " ORDER BY id LIMIT %(n)s)",
        {"source": SOURCE, "since": local_midnight(timezone.localdate()), "n": calls},
    )


def staffing_timings(since_days: int = 365) -> list[str]:
    from dashboards import staffing
    from dashboards.metrics import period_default

    period = period_default(days=since_days)
    clock = time.perf_counter()
    demand = staffing.demand_load(period)
    load = time.perf_counter() - clock
    # The proposal: HEART's current shifts running on to 23:00.
    current = staffing.schedule_current().text()
    proposal, errors = staffing.schedule_parse(current.replace("07:00-19:00", "07:00-23:00"))
    assert not errors, errors
    comparison = staffing.staffing_compare(
        period=period, proposal=proposal, target_minutes=10, hold_minutes=20, demand=demand
    )
    lines = [
        f"staffing model, last {since_days} days: "
        + ", ".join(f"{s} {len(d.arrivals):,} eligible calls" for s, d in demand.items())
        + f"; loading them {load * 1000:.0f} ms"
    ]
    for scenario in comparison.scenarios:
        total = scenario.total
        lines.append(
            f"  simulate {scenario.schedule.name:<17} {total.seconds * 1000:7.1f} ms for "
            f"{total.calls:,} calls: {total.within_target_share}% within 10 min, "
            f"{total.served_share}% served"
        )
    return lines


def run(config: BenchConfig, *, calls: int = DEFAULT_CALLS, regenerate: bool = False) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dashboards.metrics import period_default
    from dashboards.rollups import CLOCK_SKEW, ROLLUPS, rollup_refresh

    if regenerate or bench_calls() != calls:
        remove_data()
        generate(calls)
    # A refresh re-reads the calls changed in the last CLOCK_SKEW before its watermark, so a
    # refresh within that time of the generation would re-read a million calls, and the
    # dashboard would read them live until the next one: a steady state has no such burst.
    newest = _scalar("SELECT max(updated_at) FROM dispatch_call")
    if newest is not None:
        wait = (newest + CLOCK_SKEW - timezone.now()).total_seconds()
        if wait > 0:
            print(f"waiting {wait:.0f} s for the generated calls to pass CLOCK_SKEW", flush=True)
            time.sleep(wait)
    # A steady state, as autovacuum leaves it: statistics current, the BRIN index on
    # received_at summarised (a bulk insert leaves its ranges unsummarised, and an
    # unsummarised range matches every query).
    _vacuum("dispatch_call", "dispatch_assignment", "dispatch_safetycheck", "dispatch_fieldevent")
    total = int(_scalar("SELECT count(*) FROM dispatch_call") or 0)
    print(f"dispatch_call holds {total:,} rows ({bench_calls():,} of them {SOURCE})")
    clock = time.perf_counter()
    result = rollup_refresh(full=True)
    print(f"rollup_refresh(full=True): {time.perf_counter() - clock:.1f} s")
    _vacuum(*(r.table for r in ROLLUPS))
    for rollup in ROLLUPS:
        counts = dict(
            _rows(f"SELECT grain, count(*) FROM {rollup.table} GROUP BY grain")  # noqa: S608
        )
        print(f"{rollup.table}: {counts.get('d', 0):,} day rows, {counts.get('m', 0):,} month rows")
    clock = time.perf_counter()
    rollup_refresh()
    print(f"rollup_refresh() with nothing changed: {(time.perf_counter() - clock) * 1000:.0f} ms")
    assert result.watermark is not None

    period = period_default(days=365)
    raw = raw_aggregates(period.since, period.until)
    for name, seconds in raw.items():
        print(f"raw SQL over the base table, 12 months, {name}: {seconds * 1000:.0f} ms")
    raw_total = sum(raw.values())
    print(f"raw SQL aggregates together: {raw_total * 1000:.0f} ms")

    cookie = signed_in_session(_supervisor("dashbench-supervisor"))
    # The page links its CSS and scripts through the manifest storage (DEBUG is off).
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    url = f"/dashboards/?from={period.start}&to={period.end}"
    headers = {"Cookie": f"sessionid={cookie}"}
    with gunicorn_server(workers=config.workers) as server:
        fresh = run_load(
            server.url + url,
            name="dashboard-12mo",
            clients=1,
            requests=REQUESTS,
            duration=None,
            warmup=config.warmup,
            headers=headers,
            expect={200},
        )
        config.table.add(fresh)
        changed = _touch_today(300)
        connection.close()
        edge = run_load(
            server.url + url,
            name="dashboard-12mo-live-edge",
            clients=1,
            requests=REQUESTS,
            duration=None,
            warmup=config.warmup,
            headers=headers,
            expect={200},
        )
        config.table.add(edge)
        staffing_url = f"/dashboards/staffing/?from={period.start}&to={period.end}"
        staffing_result = run_load(
            server.url + staffing_url,
            name="staffing-12mo",
            clients=1,
            requests=10,
            duration=None,
            warmup=config.warmup,
            headers=headers,
            expect={200},
        )
        config.table.add(staffing_result)
    print(
        f"\ndashboard, last 12 months, p95: {fresh.p95_ms:.0f} ms with fresh rollups, "
        f"{edge.p95_ms:.0f} ms with {changed} of today's calls changed since the refresh "
        f"(target < 500 ms); the raw aggregates it replaces: {raw_total * 1000:.0f} ms "
        f"({raw_total * 1000 / max(fresh.p95_ms, 0.001):.1f}x the dashboard's p95)"
    )
    for line in staffing_timings():
        print(line)
    clock = time.perf_counter()
    refreshed = rollup_refresh()
    print(
        f"rollup_refresh() after the change: {refreshed.days} day(s) in "
        f"{(time.perf_counter() - clock) * 1000:.0f} ms"
    )
    print(f"finished {timezone.now():%Y-%m-%d %H:%M %Z}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=DEFAULT_CALLS)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the generated data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args(argv)
    setup_django()
    database = prepare_database()
    for line in machine_summary(args.workers):
        print(line)
    print(f"database {database} migrated\n")
    config = BenchConfig(
        duration=10.0, clients=(1,), workers=args.workers, warmup=args.warmup, table=Table()
    )
    run(config, calls=args.calls, regenerate=args.regenerate)
    return 1 if any(r.errors for r in config.table.results) else 0


if __name__ == "__main__":
    sys.exit(main())
