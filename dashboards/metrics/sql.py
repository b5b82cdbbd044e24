"""Reading the rollups: one derived table of stored rows for the clean days and rows computed
from the base table for the days changed since the last refresh (``rollup_union``), and the grouped
reads of it that the sections use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

from dashboards.metrics.period import Period, as_date
from dashboards.rollups import (
    CALLS,
    ENDINGS,
    HISTOGRAMS,
    HOURS,
    Rollup,
    adapt_day,
    day_ranges,
    month_end,
    month_start,
    received_on,
)
from dispatch.models import Call


@dataclass(frozen=True)
class Scope:
    """What the union reads: a period (None: all history), a source, and the days the rollups
    may not reflect yet (None: none of them, read everything from the base table)."""

    period: Period | None
    source: str
    dirty: frozenset[date] | None


def _in(values: Sequence[date]) -> tuple[str, list[Any]]:
    return ", ".join(["%s"] * len(values)), [adapt_day(v) for v in values]


def _stored_rows(scope: Scope, dirty: list[date]) -> tuple[str, list[Any]]:
    """WHERE clause picking the stored rows of the scope's clean days: month rows for whole
    months without a dirty day, day rows for the other clean days."""
    period = scope.period
    clauses: list[str] = []
    params: list[Any] = []
    dirty_set = set(dirty)
    dirty_months = sorted({month_start(d) for d in dirty})
    if period is None:
        # All history: every month but those holding a dirty day, which are read by day.
        if dirty_months:
            marks, values = _in(dirty_months)
            clauses.append(f"(grain = 'm' AND day NOT IN ({marks}))")
            params += values
        else:
            clauses.append("grain = 'm'")
        days = [d for m in dirty_months for d in _days(m, month_end(m)) if d not in dirty_set]
    else:
        months = []
        m = month_start(period.start)
        while m <= period.end:
            if m >= period.start and month_end(m) <= period.end and m not in dirty_months:
                months.append(m)
            m = month_end(m) + timedelta(days=1)
        covered = {d for m in months for d in _days(m, month_end(m))}
        days = [
            d for d in _days(period.start, period.end) if d not in covered and d not in dirty_set
        ]
        if months:
            marks, values = _in(months)
            clauses.append(f"(grain = 'm' AND day IN ({marks}))")
            params += values
    for first, last in day_ranges(days):
        clauses.append("(grain = 'd' AND day >= %s AND day <= %s)")
        params += [adapt_day(first), adapt_day(last)]
    where = " OR ".join(clauses) or "1 = 0"
    if scope.source:
        where = f"({where}) AND source = %s"
        params.append(scope.source)
    return where, params


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def rollup_union(rollup: Rollup, scope: Scope) -> tuple[str, list[Any]]:
    """A derived table of rollup rows over the scope: stored rows for the clean days (months
    where whole), rows computed from the base table for the dirty days. Both halves have the
    rollup's columns in order."""
    parts: list[str] = []
    params: list[Any] = []
    period = scope.period
    live = None
    if scope.dirty is None:
        live = Call.objects.all()
        if period is not None:
            live = live.filter(received_at__gte=period.since, received_at__lt=period.until)
    else:
        dirty = sorted(d for d in scope.dirty if period is None or period.start <= d <= period.end)
        where, where_params = _stored_rows(scope, dirty)
        parts.append(
            f"SELECT {', '.join(rollup.columns)} FROM {rollup.table} WHERE {where}"  # noqa: S608
        )
        params += where_params
        if dirty:
            live = Call.objects.filter(received_on(dirty))
    if live is not None:
        if scope.source:
            live = live.filter(source=scope.source)
        sql, live_params = rollup.select(live)
        parts.append(sql)
        params += live_params
    return "(" + " UNION ALL ".join(parts) + ")", params


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass
class Sums:
    calls: int = 0
    processing_n: int = 0
    processing_sum_s: float = 0.0
    processing_within_60: int = 0
    response_n: int = 0
    response_sum_s: float = 0.0
    department_responses: int = 0
    safety_n: int = 0
    safety_yes: int = 0
    backups: int = 0
    handoffs: int = 0
    police_took_over: int = 0
    police_uninvited: int = 0

    def add(self, values: Sequence[Any]) -> None:
        # PostgreSQL sums integers as numeric: back to int (counts) or float (seconds).
        for name, value in zip(SUM_FIELDS, values, strict=True):
            current = getattr(self, name)
            setattr(self, name, current + type(current)(value or 0))


SUM_FIELDS = tuple(Sums.__dataclass_fields__)


def call_groups(scope: Scope) -> list[tuple[str, str, str, str, Sums]]:
    """(route, eligible_route, unserved_reason, call_type, sums) for the scope."""
    union, params = rollup_union(CALLS, scope)
    sums = ", ".join(f"SUM({name})" for name in SUM_FIELDS)
    rows = fetch(
        f"SELECT route, eligible_route, unserved_reason, call_type, {sums}"  # noqa: S608
        f" FROM {union} r GROUP BY route, eligible_route, unserved_reason, call_type",
        params,
    )
    out = []
    for route, eligible, reason, call_type, *values in rows:
        s = Sums()
        s.add(values)
        out.append((route, eligible, reason, call_type, s))
    return out


def calls_by_day(scope: Scope) -> list[tuple[date, str, int]]:
    union, params = rollup_union(CALLS, scope)
    rows = fetch(
        f"SELECT day, route, SUM(calls) FROM {union} r GROUP BY day, route",  # noqa: S608
        params,
    )
    return [(as_date(day), route, int(n)) for day, route, n in rows]


def histograms_by_route(scope: Scope) -> dict[tuple[str, str], dict[int, int]]:
    """{(measure, route): {bucket: calls}}."""
    union, params = rollup_union(HISTOGRAMS, scope)
    rows = fetch(
        f"SELECT measure, route, bucket, SUM(calls) FROM {union} r"  # noqa: S608
        " GROUP BY measure, route, bucket",
        params,
    )
    out: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for measure, route, bucket, n in rows:
        out[(measure, route)][int(bucket)] = int(n)
    return out


def disposition_rows(scope: Scope) -> list[tuple[str, str, str, int]]:
    """(disposition, CCD disposition, 988 transfer, calls) for the scope's calls that ended."""
    union, params = rollup_union(ENDINGS, scope)
    rows = fetch(
        "SELECT disposition, ccd_disposition, transfer_988, SUM(calls)"  # noqa: S608
        f" FROM {union} r GROUP BY disposition, ccd_disposition, transfer_988",
        params,
    )
    return [(d, c, t, int(n)) for d, c, t, n in rows]


def hour_rows(scope: Scope) -> list[tuple[int, int, str, str, str, int]]:
    union, params = rollup_union(HOURS, scope)
    rows = fetch(
        "SELECT weekday, hour, eligible_route, route, unserved_reason, SUM(calls)"  # noqa: S608
        f" FROM {union} r GROUP BY weekday, hour, eligible_route, route, unserved_reason",
        params,
    )
    return [(int(w), int(h), e, r, u, int(n)) for w, h, e, r, u, n in rows]


def police_minutes_learned(scope: Scope) -> dict[str, tuple[int, float]]:
    """{call type: (police calls with on-scene and close times, mean minutes)} over all
    history: calls routed to POLICE, first on scene to closed, up to 12 hours."""
    union, params = rollup_union(CALLS, scope)
    rows = fetch(
        f"SELECT call_type, SUM(scene_n), SUM(scene_sum_s) FROM {union} r"  # noqa: S608
        " WHERE route = 'POLICE' GROUP BY call_type",
        params,
    )
    return {ct: (int(n), float(s) / float(n) / 60) for ct, n, s in rows if n}
