"""The metrics of docs/domain.md section 8 over a period, read set-based from the rollups.

Every call metric counts the calls *received* in the period (local days, both ends included),
with what happened to them since: their route, times, department assignments, felt-safe
answers, backup requests and handoffs. Care-navigation metrics run on their own clock (cases
opened, or closed, in the period). The rollups cover whole days; the days changed since the
last refresh are read from the base table in the same statement (``_union``), so a figure is
always current. docs/dashboards.md defines each figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from care_navigation.models import Case, ClearingReferral
from dashboards.models import CallRollup, RollupState
from dashboards.rollups import (
    CALLS,
    DEPARTMENT_ROUTES,
    HISTOGRAMS,
    HOURS,
    PEOPLE,
    PROCESSING_BUCKET_SECONDS,
    PROCESSING_BUCKETS,
    PROCESSING_TARGET_SECONDS,
    RESPONSE_BUCKET_SECONDS,
    RESPONSE_BUCKETS,
    Rollup,
    adapt_day,
    day_ranges,
    dirty_days,
    local_midnight,
    month_end,
    month_start,
    received_on,
    rollup_state,
)
from dispatch.models import UNSERVED_REASONS, Assignment, Call
from triage.models import CallType
from triage.vocabulary import ROUTES

FIELD_ROUTES = ("HEART", "CO_RESPONSE")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REASONS = dict(UNSERVED_REASONS)
MAX_PERIOD_DAYS = 3700  # ten years and a little: a typo in a year is an error, not a scan

# docs/domain.md section 8: the published figure shown beside each metric.
REFERENCES: dict[str, str] = {
    "calls": "HEART 2024: 11,612 responses; CAHOOTS: 17% of Eugene police volume (2017)",
    "eligible": "NYC B-HEARD FY22-24: 37,113 eligible, 35% unserved",
    "response": "HEART early pilot: 7.6 min average; SF SCRT: 12 min",
    "processing": "NFPA 1225: 90% within 60 s",
    "felt_safe": "HEART: 99%",
    "backup": "CAHOOTS 2019: 150 of ~24,000 (0.6%)",
    "handoffs": "HEART: 450+ in two years",
    "police_hours": "HEART: 5,500+ hours in two years",
    "care": "HEART: 20% connected",
    "familiar": "Durham: 0.5% of people, 12% of responses",
    "hours": "Durham: $5M budget, $6.5M for 24/7",
}


# The period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days `start` to `end`, both included, and optionally one call source."""

    start: date
    end: date
    source: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        return local_midnight(self.start)

    @property
    def until(self) -> datetime:
        return local_midnight(self.end + timedelta(days=1))

    def params(self) -> dict[str, str]:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.source:
            params["source"] = self.source
        return params

    def url(self, name: str, **extra: object) -> str:
        params: dict[str, object] = {**self.params(), **extra}
        return f"{reverse(name)}?{urlencode(params)}"

    def label(self) -> str:
        text = f"{self.start:%d %b %Y} to {self.end:%d %b %Y} ({self.days} days)"
        return f"{text}, source {self.source}" if self.source else text


def today() -> date:
    return timezone.localdate()


def period_default(*, days: int = 30) -> Period:
    end = today()
    return Period(start=end - timedelta(days=days - 1), end=end)


def calls_span() -> tuple[date, date] | None:
    """The local days of the first and the last stored call, or None without calls. Read from
    the rollups' day rows and the days changed since their refresh (both indexed); the calls
    table itself only while nothing was rolled up yet."""
    state = rollup_state()
    dirty = dirty_days(state)
    if dirty is None:
        span = Call.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
        if span["first"] is None:
            return None
        return timezone.localdate(span["first"]), timezone.localdate(span["last"])
    rolled = CallRollup.objects.filter(grain="d").aggregate(first=Min("day"), last=Max("day"))
    days = [_as_date(d) for d in (rolled["first"], rolled["last"]) if d is not None]
    days += dirty
    return (min(days), max(days)) if days else None


def period_of_calls(*, days: int) -> Period:
    """At most `days` days, ending on the day of the last stored call (never after today)
    and starting no earlier than the day of the first: a console with a month of history is
    modelled over that month, an imported year over that year, not over a period mostly
    empty. Without calls, the last `days` days."""
    span = calls_span()
    if span is None:
        return period_default(days=days)
    first, last = span
    end = min(last, today())
    return Period(start=min(end, max(first, end - timedelta(days=days - 1))), end=end)


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{name}: {raw!r} is not a date (YYYY-MM-DD)"
        return None


def period_parse(
    params: Mapping[str, str], *, default_days: int = 30, default: Period | None = None
) -> tuple[Period, dict]:
    """The period asked for in `params` ("from", "to", "source"), and the errors by field.

    Missing dates default to `default`, else to the last `default_days` days ending today; a
    "to" without a "from" starts `default_days` days before it. With errors, the default
    period comes back beside them, for the form to show."""
    errors: dict[str, str] = {}
    fallback = default or period_default(days=default_days)
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    source = (params.get("source") or "").strip()
    end = _date(raw_to, "to", errors) if raw_to else fallback.end
    if raw_from:
        start = _date(raw_from, "from", errors)
    elif not raw_to:
        start = fallback.start
    else:
        start = end - timedelta(days=default_days - 1) if end else None
    if len(source) > 40:
        errors["source"] = "source: at most 40 characters"
    if start and end and not errors:
        if start > end:
            errors["to"] = f"to: {end} is before from ({start})"
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors["from"] = f"from: the period is at most {MAX_PERIOD_DAYS} days"
    if errors or start is None or end is None:
        return fallback, errors
    return Period(start=start, end=end, source=source), {}


# Reading the rollups ------------------------------------------------------------------------


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


def _union(rollup: Rollup, scope: Scope) -> tuple[str, list[Any]]:
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


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


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

    def add(self, values: Sequence[Any]) -> None:
        # PostgreSQL sums integers as numeric: back to int (counts) or float (seconds).
        for name, value in zip(SUM_FIELDS, values, strict=True):
            current = getattr(self, name)
            setattr(self, name, current + type(current)(value or 0))


SUM_FIELDS = tuple(Sums.__dataclass_fields__)


def _call_groups(scope: Scope) -> list[tuple[str, str, str, str, Sums]]:
    """(route, eligible_route, unserved_reason, call_type, sums) for the scope."""
    union, params = _union(CALLS, scope)
    sums = ", ".join(f"SUM({name})" for name in SUM_FIELDS)
    rows = _fetch(
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


def _calls_by_day(scope: Scope) -> list[tuple[date, str, int]]:
    union, params = _union(CALLS, scope)
    rows = _fetch(
        f"SELECT day, route, SUM(calls) FROM {union} r GROUP BY day, route",  # noqa: S608
        params,
    )
    return [(_as_date(day), route, int(n)) for day, route, n in rows]


def _histograms(scope: Scope) -> dict[tuple[str, str], dict[int, int]]:
    """{(measure, route): {bucket: calls}}."""
    union, params = _union(HISTOGRAMS, scope)
    rows = _fetch(
        f"SELECT measure, route, bucket, SUM(calls) FROM {union} r"  # noqa: S608
        " GROUP BY measure, route, bucket",
        params,
    )
    out: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for measure, route, bucket, n in rows:
        out[(measure, route)][int(bucket)] = int(n)
    return out


def _hours(scope: Scope) -> list[tuple[int, int, str, str, str, int]]:
    union, params = _union(HOURS, scope)
    rows = _fetch(
        "SELECT weekday, hour, eligible_route, route, unserved_reason, SUM(calls)"  # noqa: S608
        f" FROM {union} r GROUP BY weekday, hour, eligible_route, route, unserved_reason",
        params,
    )
    return [(int(w), int(h), e, r, u, int(n)) for w, h, e, r, u, n in rows]


def police_minutes_learned(scope: Scope) -> dict[str, tuple[int, float]]:
    """{call type: (police calls with on-scene and close times, mean minutes)} over all
    history: calls routed to POLICE, first on scene to closed, up to 12 hours."""
    union, params = _union(CALLS, scope)
    rows = _fetch(
        f"SELECT call_type, SUM(scene_n), SUM(scene_sum_s) FROM {union} r"  # noqa: S608
        " WHERE route = 'POLICE' GROUP BY call_type",
        params,
    )
    return {ct: (int(n), float(s) / float(n) / 60) for ct, n, s in rows if n}


# Percentiles from fixed-width histograms ----------------------------------------------------


def percentile(counts: Mapping[int, int], p: float, *, width: int, buckets: int) -> float | None:
    """The p-th percentile (0-1) in seconds, interpolated inside its bucket as if the times
    were spread evenly across it; the lower edge of the overflow bucket if it falls there."""
    total = sum(counts.values())
    if not total:
        return None
    rank = p * total
    seen = 0
    for bucket in sorted(counts):
        n = counts[bucket]
        if n and seen + n >= rank:
            if bucket >= buckets - 1:
                return float(width * (buckets - 1))
            return (bucket + (rank - seen) / n) * width
        seen += n
    return float(width * (buckets - 1))


def cumulative_shares(counts: Mapping[int, int], *, upto: int) -> list[float]:
    """Share of calls (0-100) within 1, 2, ... `upto` buckets."""
    total = sum(counts.values())
    out = []
    running = 0
    for bucket in range(upto):
        running += counts.get(bucket, 0)
        out.append(round(100 * running / total, 1) if total else 0.0)
    return out


def _merge(histograms: Iterable[Mapping[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = defaultdict(int)
    for histogram in histograms:
        for bucket, n in histogram.items():
            merged[bucket] += n
    return merged


# What the page shows ------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    value: Any = None  # what the CSV gets; the text when None
    url: str = ""
    numeric: bool = False

    @property
    def csv(self) -> Any:
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class Figure:
    key: str
    label: str
    text: str
    value: float | int | None
    reference: str
    url: str = ""
    detail: str = ""


@dataclass
class Dashboard:
    period: Period
    figures: list[Figure]
    tables: dict[str, Table]
    charts: dict[str, Any]
    heatmap: list[dict[str, Any]]
    refreshed_at: datetime | None
    live_days: int  # days read from the base table because they changed since the refresh
    sources: list[str] = field(default_factory=list)


def num(n: int | float) -> Cell:
    return Cell(f"{n:,}" if isinstance(n, int) else f"{n:,.1f}", value=n, numeric=True)


def pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def pct_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def minutes_text(seconds: float | None, *, overflow: float | None = None) -> str:
    if seconds is None:
        return "—"
    if overflow is not None and seconds >= overflow:
        return f"> {overflow / 60:.0f} min"
    return f"{seconds / 60:.1f} min"


def link(period: Period, text: str, value: Any = None, **q: Any) -> Cell:
    """A number that opens the calls behind it."""
    return Cell(text, value=value, url=period.url("dashboards_calls", **q), numeric=True)


def dashboard_build(period: Period) -> Dashboard:
    """Every figure, table and chart of the dashboard page for `period`."""
    state: RollupState | None = rollup_state()
    dirty = dirty_days(state)
    frozen = None if dirty is None else frozenset(dirty)
    scope = Scope(period=period, source=period.source, dirty=frozen)
    groups = _call_groups(scope)
    histograms = _histograms(scope)
    labels = dict(CallType.objects.values_list("code", "label"))
    figures: list[Figure] = []
    tables: dict[str, Table] = {}
    charts: dict[str, Any] = {}

    _routes_section(period, groups, _calls_by_day(scope), figures, tables, charts)
    _eligible_section(period, groups, figures, tables)
    _times_section(period, groups, histograms, figures, tables, charts)
    _field_section(period, groups, figures, tables)
    learned = police_minutes_learned(Scope(period=None, source="", dirty=frozen))
    _police_hours_section(period, groups, learned, labels, figures, tables)
    _care_section(period, figures, tables, charts)
    _familiar_section(period, frozen, figures, tables)
    heatmap = _hours_section(period, _hours(scope), figures, tables)

    live = (
        period.days if dirty is None else sum(1 for d in dirty if period.start <= d <= period.end)
    )
    return Dashboard(
        period=period,
        figures=figures,
        tables=tables,
        charts=charts,
        heatmap=heatmap,
        refreshed_at=state.refreshed_at if state else None,
        live_days=live,
        sources=sources_known(),
    )


def sources_known() -> list[str]:
    """Call sources for the filter: those in the rollups (the calls table itself while no
    rollup is built), plus the console's own."""
    rolled = CallRollup.objects.order_by().values_list("source", flat=True).distinct()
    found = set(rolled)
    if not found:
        found = set(Call.objects.order_by().values_list("source", flat=True).distinct())
    return sorted(found | {"console", "api"})


def _routes_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    by_day: list[tuple[date, str, int]],
    figures: list[Figure],
    tables: dict[str, Table],
    charts: dict[str, Any],
) -> None:
    by_route: dict[str, int] = defaultdict(int)
    for route, _eligible, _reason, _ct, s in groups:
        by_route[route] += s.calls
    total = sum(by_route.values())
    department = sum(by_route[r] for r in DEPARTMENT_ROUTES)
    figures.append(
        Figure(
            "calls",
            "Calls handled by the department",
            f"{department:,} of {total:,} ({pct_text(pct(department, total))})",
            pct(department, total),
            REFERENCES["calls"],
            url=period.url("dashboards_calls", department=1),
        )
    )
    rows = []
    for route in [*ROUTES, ""]:
        if route == "" and not by_route.get(""):
            continue
        n = by_route.get(route, 0)
        rows.append(
            [
                Cell(route or "(not routed)"),
                link(period, f"{n:,}", n, route=route or "none"),
                Cell(pct_text(pct(n, total)), value=pct(n, total), numeric=True),
            ]
        )
    rows.append(
        [
            Cell("All calls"),
            link(period, f"{total:,}", total),
            Cell("100.0%" if total else "—", value=100.0 if total else None, numeric=True),
        ]
    )
    tables["routes"] = Table("routes", "Calls by route", ["Route", "Calls", "Share"], rows)

    # Over time: by day for up to two months, else by ISO week (Monday).
    weekly = period.days > 62
    series: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, route, n in by_day:
        key = day - timedelta(days=day.weekday()) if weekly else day
        series[route or "none"][key] += n
    step = 7 if weekly else 1
    first = period.start - timedelta(days=period.start.weekday()) if weekly else period.start
    keys = []
    cursor = first
    while cursor <= period.end:
        keys.append(cursor)
        cursor += timedelta(days=step)
    routes = [r for r in [*ROUTES, "none"] if r in series]
    time_rows = []
    for key in keys:
        label = f"week of {key:%d %b %Y}" if weekly else f"{key:%a %d %b %Y}"
        extra = {"week": key.isoformat()} if weekly else {"day": key.isoformat()}
        cells = [Cell(label, value=key.isoformat())]
        for route in routes:
            n = series[route].get(key, 0)
            cells.append(link(period, f"{n:,}", n, route=route, **extra))
        time_rows.append(cells)
    tables["over_time"] = Table(
        "over_time",
        "Calls by route per " + ("week" if weekly else "day"),
        ["Week" if weekly else "Day", *routes],
        time_rows,
    )
    charts["over_time"] = {
        "labels": [f"{k:%d %b}" if not weekly else f"{k:%d %b %y}" for k in keys],
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": [series[route].get(k, 0) for k in keys],
                "urls": [
                    period.url(
                        "dashboards_calls",
                        route=route,
                        **({"week": k.isoformat()} if weekly else {"day": k.isoformat()}),
                    )
                    for k in keys
                ],
            }
            for route in routes
        ],
        "unit": "week" if weekly else "day",
    }


def _outcome(route: str, eligible: str, reason: str) -> str:
    """Served when the call went where it was eligible, else why not (as recorded)."""
    if route == eligible:
        return "served"
    return reason if reason in REASONS else "unexplained"


def _eligible_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    counts: dict[str, dict[str, int]] = {r: defaultdict(int) for r in DEPARTMENT_ROUTES}
    for route, eligible, reason, _ct, s in groups:
        if eligible not in DEPARTMENT_ROUTES:
            continue
        counts[eligible][_outcome(route, eligible, reason)] += s.calls
    outcomes = ["served", "outside_hours", "no_unit", "override", "unexplained"]
    titles = {
        "served": "Served",
        "outside_hours": "Unserved: outside hours",
        "no_unit": "Unserved: no unit",
        "override": "Unserved: override",
        "unexplained": "Unserved: no reason recorded",
    }
    rows = []
    totals: dict[str, int] = defaultdict(int)
    for eligible in DEPARTMENT_ROUTES:
        c = counts[eligible]
        n = sum(c.values())
        cells = [Cell(eligible), link(period, f"{n:,}", n, eligible_route=eligible)]
        for outcome in outcomes:
            totals[outcome] += c[outcome]
            cells.append(
                link(
                    period, f"{c[outcome]:,}", c[outcome], eligible_route=eligible, outcome=outcome
                )
            )
        unserved = n - c["served"]
        cells.append(Cell(pct_text(pct(unserved, n)), value=pct(unserved, n), numeric=True))
        rows.append(cells)
    eligible_total = sum(totals.values())
    unserved_total = eligible_total - totals["served"]
    rows.append(
        [
            Cell("All services"),
            link(period, f"{eligible_total:,}", eligible_total, eligible=1),
            *[link(period, f"{totals[o]:,}", totals[o], eligible=1, outcome=o) for o in outcomes],
            Cell(
                pct_text(pct(unserved_total, eligible_total)),
                value=pct(unserved_total, eligible_total),
                numeric=True,
            ),
        ]
    )
    tables["eligible"] = Table(
        "eligible",
        "Eligible calls served and unserved, by reason",
        ["Eligible for", "Eligible", *[titles[o] for o in outcomes], "Unserved share"],
        rows,
        note="Served: the call went to the service it was eligible for. Unserved: it went "
        "elsewhere, with the reason the console recorded.",
    )
    figures.append(
        Figure(
            "eligible",
            "Eligible calls unserved",
            f"{unserved_total:,} of {eligible_total:,} "
            f"({pct_text(pct(unserved_total, eligible_total))})",
            pct(unserved_total, eligible_total),
            REFERENCES["eligible"],
            url=period.url("dashboards_calls", eligible=1, outcome="unserved"),
            detail=f"{totals['unexplained']:,} without a recorded reason",
        )
    )


def _times_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    histograms: dict[tuple[str, str], dict[int, int]],
    figures: list[Figure],
    tables: dict[str, Table],
    charts: dict[str, Any],
) -> None:
    by_route: dict[str, Sums] = defaultdict(Sums)
    for route, _eligible, _reason, _ct, s in groups:
        target = by_route[route]
        for name in SUM_FIELDS:
            setattr(target, name, getattr(target, name) + getattr(s, name))
    resp_kw = {"width": RESPONSE_BUCKET_SECONDS, "buckets": RESPONSE_BUCKETS}
    proc_kw = {"width": PROCESSING_BUCKET_SECONDS, "buckets": PROCESSING_BUCKETS}
    resp_overflow = float(RESPONSE_BUCKET_SECONDS * (RESPONSE_BUCKETS - 1))
    proc_overflow = float(PROCESSING_BUCKET_SECONDS * (PROCESSING_BUCKETS - 1))
    rows = []
    all_proc = Sums()
    for route in [r for r in ROUTES if r in by_route]:
        s = by_route[route]
        all_proc.processing_n += s.processing_n
        all_proc.processing_within_60 += s.processing_within_60
        resp = histograms.get(("response", route), {})
        proc = histograms.get(("processing", route), {})
        mean = s.response_sum_s / s.response_n if s.response_n else None
        within = pct(s.processing_within_60, s.processing_n)
        rows.append(
            [
                Cell(route),
                link(
                    period, f"{s.processing_n:,}", s.processing_n, route=route, measure="processing"
                ),
                link(
                    period,
                    pct_text(within),
                    within,
                    route=route,
                    measure="processing_within",
                ),
                Cell(
                    minutes_text(percentile(proc, 0.9, **proc_kw), overflow=proc_overflow),
                    value=_round(percentile(proc, 0.9, **proc_kw)),
                    numeric=True,
                ),
                link(period, f"{s.response_n:,}", s.response_n, route=route, measure="response"),
                Cell(minutes_text(mean), value=_round(mean), numeric=True),
                Cell(
                    minutes_text(percentile(resp, 0.5, **resp_kw), overflow=resp_overflow),
                    value=_round(percentile(resp, 0.5, **resp_kw)),
                    numeric=True,
                ),
                Cell(
                    minutes_text(percentile(resp, 0.9, **resp_kw), overflow=resp_overflow),
                    value=_round(percentile(resp, 0.9, **resp_kw)),
                    numeric=True,
                ),
            ]
        )
    tables["times"] = Table(
        "times",
        "Call processing and response times by route",
        [
            "Route",
            "Dispatched",
            f"Processed within {PROCESSING_TARGET_SECONDS} s",
            "Processing p90",
            "On scene",
            "Response mean",
            "Response p50",
            "Response p90",
        ],
        rows,
        note="Processing: received to first dispatch. Response: received to first unit on "
        "scene. Percentiles come from 1-minute (response) and 5-second (processing) "
        "buckets; seconds in the CSV.",
    )
    within = pct(all_proc.processing_within_60, all_proc.processing_n)
    figures.append(
        Figure(
            "processing",
            f"Calls processed within {PROCESSING_TARGET_SECONDS} s",
            f"{pct_text(within)} of {all_proc.processing_n:,} dispatched",
            within,
            REFERENCES["processing"],
            url=period.url("dashboards_calls", measure="processing_over"),
            detail=f"{all_proc.processing_n - all_proc.processing_within_60:,} took longer",
        )
    )
    field = [by_route[r] for r in FIELD_ROUTES if r in by_route]
    field_n = sum(s.response_n for s in field)
    field_mean = sum(s.response_sum_s for s in field) / field_n if field_n else None
    field_hist = _merge(histograms.get(("response", r), {}) for r in FIELD_ROUTES)
    p50 = percentile(field_hist, 0.5, **resp_kw)
    p90 = percentile(field_hist, 0.9, **resp_kw)
    figures.append(
        Figure(
            "response",
            "Department response time (HEART and co-response)",
            f"p50 {minutes_text(p50, overflow=resp_overflow)}, "
            f"p90 {minutes_text(p90, overflow=resp_overflow)}",
            _round(p50),
            REFERENCES["response"],
            url=period.url("dashboards_calls", department=1, measure="response"),
            detail=f"mean {minutes_text(field_mean)} over {field_n:,} responses",
        )
    )
    minutes = 60
    charts["response"] = {
        "labels": list(range(1, minutes + 1)),
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": cumulative_shares(histograms.get(("response", route), {}), upto=minutes),
            }
            for route in ROUTES
            if histograms.get(("response", route))
        ],
    }
    steps = PROCESSING_BUCKETS - 1
    charts["processing"] = {
        "labels": [(b + 1) * PROCESSING_BUCKET_SECONDS for b in range(steps)],
        "datasets": [
            {
                "label": route,
                "route": route,
                "data": cumulative_shares(histograms.get(("processing", route), {}), upto=steps),
            }
            for route in ROUTES
            if histograms.get(("processing", route))
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _field_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    s = Sums()
    for *_dims, sums in groups:
        s.add([getattr(sums, name) for name in SUM_FIELDS])
    safe = pct(s.safety_yes, s.safety_n)
    backup_share = pct(s.backups, s.department_responses)
    figures.append(
        Figure(
            "felt_safe",
            "Responders who felt safe",
            f"{pct_text(safe)} of {s.safety_n:,} answers",
            safe,
            REFERENCES["felt_safe"],
            url=period.url("dashboards_calls", has="unsafe"),
            detail=f"{s.safety_n - s.safety_yes:,} answered no",
        )
    )
    figures.append(
        Figure(
            "backup",
            "Police backup requests",
            f"{s.backups:,} for {s.department_responses:,} department responses "
            f"({pct_text(backup_share)})",
            backup_share,
            REFERENCES["backup"],
            url=period.url("dashboards_calls", has="backup"),
        )
    )
    figures.append(
        Figure(
            "handoffs",
            "Police-to-department handoffs",
            f"{s.handoffs:,}",
            s.handoffs,
            REFERENCES["handoffs"],
            url=period.url("dashboards_calls", has="handoff"),
        )
    )
    tables["field"] = Table(
        "field",
        "In the field",
        ["Measure", "Count", "Share", "Published"],
        [
            [
                Cell("Department responses (HEART, co-response, CCD assignments)"),
                link(
                    period, f"{s.department_responses:,}", s.department_responses, has="department"
                ),
                Cell(""),
                Cell(""),
            ],
            [
                Cell("Felt-safe answers: yes"),
                link(period, f"{s.safety_yes:,}", s.safety_yes, has="safety"),
                Cell(pct_text(safe), value=safe, numeric=True),
                Cell(REFERENCES["felt_safe"]),
            ],
            [
                Cell("Felt-safe answers: no"),
                link(
                    period,
                    f"{s.safety_n - s.safety_yes:,}",
                    s.safety_n - s.safety_yes,
                    has="unsafe",
                ),
                Cell(pct_text(pct(s.safety_n - s.safety_yes, s.safety_n)), numeric=True),
                Cell(""),
            ],
            [
                Cell("Police backup requests"),
                link(period, f"{s.backups:,}", s.backups, has="backup"),
                Cell(pct_text(backup_share), value=backup_share, numeric=True),
                Cell(REFERENCES["backup"]),
            ],
            [
                Cell("Police-to-department handoffs"),
                link(period, f"{s.handoffs:,}", s.handoffs, has="handoff"),
                Cell(""),
                Cell(REFERENCES["handoffs"]),
            ],
        ],
        note="Backup share: requests per department assignment on the period's calls.",
    )


def police_minutes_for(
    call_type: str, learned: Mapping[str, tuple[int, float]]
) -> tuple[float, str]:
    """Police minutes per call of this type, and where the figure comes from."""
    n, minutes = learned.get(call_type, (0, 0.0))
    if n >= settings.POLICE_MINUTES_MIN_SAMPLES:
        return minutes, f"learned from {n:,} police calls"
    return float(settings.POLICE_MINUTES_DEFAULT), "default"


def _police_hours_section(
    period: Period,
    groups: list[tuple[str, str, str, str, Sums]],
    learned: Mapping[str, tuple[int, float]],
    labels: Mapping[str, str],
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    handled: dict[str, int] = defaultdict(int)
    for route, _eligible, _reason, call_type, s in groups:
        if route in DEPARTMENT_ROUTES:
            handled[call_type] += s.calls - s.police_took_over
    rows = []
    total_hours = 0.0
    total_calls = 0
    for call_type in sorted(handled, key=lambda ct: (-handled[ct], ct)):
        n = handled[call_type]
        if n <= 0:
            continue
        minutes, basis = police_minutes_for(call_type, learned)
        hours = n * minutes / 60
        total_hours += hours
        total_calls += n
        rows.append(
            [
                Cell(labels.get(call_type, call_type), value=call_type),
                link(period, f"{n:,}", n, handled=1, call_type=call_type),
                Cell(f"{minutes:.1f}", value=round(minutes, 1), numeric=True),
                Cell(basis),
                Cell(f"{hours:,.1f}", value=round(hours, 1), numeric=True),
            ]
        )
    rows.append(
        [
            Cell("All call types"),
            link(period, f"{total_calls:,}", total_calls, handled=1),
            Cell(""),
            Cell(""),
            Cell(f"{total_hours:,.1f}", value=round(total_hours, 1), numeric=True),
        ]
    )
    tables["police_hours"] = Table(
        "police_hours",
        "Estimated police hours saved",
        ["Call type", "Handled by the department", "Police minutes per call", "Basis", "Hours"],
        rows,
        note=f"Police minutes per call type: the mean time on scene (first on scene to close) "
        f"of the type's police calls in all stored history, when at least "
        f"{settings.POLICE_MINUTES_MIN_SAMPLES} have both times; else "
        f"{settings.POLICE_MINUTES_DEFAULT:g} minutes (POLICE_MINUTES_DEFAULT). Handled: "
        "routed to HEART, co-response or CCD, and police did not take the call over.",
    )
    figures.append(
        Figure(
            "police_hours",
            "Estimated police hours saved",
            f"{total_hours:,.1f} hours over {total_calls:,} calls",
            round(total_hours, 1),
            REFERENCES["police_hours"],
            url=period.url("dashboards_calls", handled=1),
        )
    )


# Care navigation and familiar neighbors -----------------------------------------------------


def case_filters(period: Period) -> dict[str, Q]:
    """The cases behind each care-navigation figure, by stage."""
    opened = Q(opened_at__gte=period.since, opened_at__lt=period.until)
    closed = Q(status=Case.Status.CLOSED, closed_at__gte=period.since, closed_at__lt=period.until)
    now = timezone.now()
    stages = {
        "opened": opened,
        "contacted": opened & Q(first_contact_at__isnull=False),
        "contact_due": opened & (Q(first_contact_at__isnull=False) | Q(first_contact_due__lte=now)),
        "contacted_in_time": opened
        & Q(first_contact_at__isnull=False, first_contact_at__lte=F("first_contact_due")),
        "contact_late": opened
        & (
            Q(first_contact_at__isnull=False, first_contact_at__gt=F("first_contact_due"))
            | Q(first_contact_at__isnull=True, first_contact_due__lte=now)
        ),
        "connected": opened & Q(connected_at__isnull=False),
        "closed": closed,
    }
    for outcome in Case.Outcome.values:
        stages[f"outcome_{outcome}"] = closed & Q(outcome=outcome)
    return stages


def _care_section(
    period: Period, figures: list[Figure], tables: dict[str, Table], charts: dict[str, Any]
) -> None:
    aggregates = {
        stage: Count("id", filter=condition) for stage, condition in case_filters(period).items()
    }
    span = Q(opened_at__gte=period.since, opened_at__lt=period.until) | Q(
        closed_at__gte=period.since, closed_at__lt=period.until
    )
    c = Case.objects.filter(span).aggregate(**aggregates)
    offers = ClearingReferral.objects.filter(at__gte=period.since, at__lt=period.until).aggregate(
        consented=Count("id", filter=Q(consent=True)),
        declined=Count("id", filter=Q(consent=False)),
    )
    in_time = pct(c["contacted_in_time"], c["contact_due"])
    connected = pct(c["outcome_connected"], c["closed"])
    hours = settings.CARE_FIRST_CONTACT_HOURS

    def case_link(text: str, value: Any, stage: str) -> Cell:
        return Cell(
            text, value=value, url=period.url("dashboards_cases", stage=stage), numeric=True
        )

    rows = [
        [Cell("Referrals at clearing, consented"), num(offers["consented"])],
        [
            Cell("Referrals at clearing, declined (no case)"),
            Cell(
                f"{offers['declined']:,}",
                value=offers["declined"],
                url=period.url("dashboards_calls", has="referral_declined"),
                numeric=True,
            ),
        ],
        [Cell("Cases opened"), case_link(f"{c['opened']:,}", c["opened"], "opened")],
        [
            Cell("First contact made"),
            case_link(f"{c['contacted']:,}", c["contacted"], "contacted"),
        ],
        [
            Cell(f"First contact within {hours} h (of cases whose contact was due)"),
            case_link(
                f"{c['contacted_in_time']:,} of {c['contact_due']:,} ({pct_text(in_time)})",
                c["contacted_in_time"],
                "contacted_in_time",
            ),
        ],
        [
            Cell(f"First contact late or overdue (after {hours} h)"),
            case_link(
                f"{c['contact_due'] - c['contacted_in_time']:,}",
                c["contact_due"] - c["contacted_in_time"],
                "contact_late",
            ),
        ],
        [Cell("Connected to care"), case_link(f"{c['connected']:,}", c["connected"], "connected")],
        [Cell("Cases closed"), case_link(f"{c['closed']:,}", c["closed"], "closed")],
    ]
    for outcome, label in Case.Outcome.choices:
        n = c[f"outcome_{outcome}"]
        share = pct(n, c["closed"])
        rows.append(
            [
                Cell(f"Closed: {label.lower().replace('_', ' ')}"),
                case_link(f"{n:,} ({pct_text(share)})", n, f"outcome_{outcome}"),
            ]
        )
    tables["care"] = Table(
        "care",
        "Care navigation",
        ["Measure", "Count"],
        rows,
        note="Cases opened in the period (first contact, connected), and cases closed in the "
        "period with their outcome at the end of the window.",
    )
    figures.append(
        Figure(
            "care",
            "Closed cases connected to care",
            f"{c['outcome_connected']:,} of {c['closed']:,} ({pct_text(connected)})",
            connected,
            REFERENCES["care"],
            url=period.url("dashboards_cases", stage="outcome_connected"),
            detail=f"first contact within {hours} h: {pct_text(in_time)} of "
            f"{c['contact_due']:,} due",
        )
    )
    charts["care"] = {
        "labels": ["Cases opened", "First contact", f"Contact within {hours} h", "Connected"],
        "data": [c["opened"], c["contacted"], c["contacted_in_time"], c["connected"]],
        "urls": [
            period.url("dashboards_cases", stage=s)
            for s in ("opened", "contacted", "contacted_in_time", "connected")
        ],
    }


def familiar_period(period: Period) -> Period:
    """The CARE_FAMILIAR_NEIGHBOR_DAYS (365) days ending with the period."""
    days = settings.CARE_FAMILIAR_NEIGHBOR_DAYS
    return Period(period.end - timedelta(days=days - 1), period.end, period.source)


def familiar_people(period: Period) -> Any:
    """Ids of the people with CARE_FAMILIAR_NEIGHBOR_RESPONSES (5) or more department
    responses on calls received in the window, as a subquery (the drill-down's definition;
    the figure reads the same from PersonDayRollup)."""
    window = familiar_period(period)
    assignments = Assignment.objects.filter(
        unit__kind__in=DEPARTMENT_ROUTES,
        call__received_at__gte=window.since,
        call__received_at__lt=window.until,
        call__person__isnull=False,
    )
    if window.source:
        assignments = assignments.filter(call__source=window.source)
    return (
        assignments.order_by()
        .values("call__person_id")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.CARE_FAMILIAR_NEIGHBOR_RESPONSES)
        .values("call__person_id")
    )


def _familiar_section(
    period: Period,
    dirty: frozenset[date] | None,
    figures: list[Figure],
    tables: dict[str, Table],
) -> None:
    window = familiar_period(period)
    scope = Scope(period=window, source=window.source, dirty=dirty)
    threshold = settings.CARE_FAMILIAR_NEIGHBOR_RESPONSES
    union, params = _union(PEOPLE, scope)
    ((people, with_person, familiar, familiar_responses),) = _fetch(
        "SELECT COUNT(*), COALESCE(SUM(n), 0),"  # noqa: S608
        " COALESCE(SUM(CASE WHEN n >= %s THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN n >= %s THEN n ELSE 0 END), 0)"
        f" FROM (SELECT person_id, SUM(responses) AS n FROM {union} r GROUP BY person_id) p",
        [threshold, threshold, *params],
    )
    union, params = _union(CALLS, scope)
    ((responses,),) = _fetch(
        f"SELECT COALESCE(SUM(department_responses), 0) FROM {union} r",  # noqa: S608
        params,
    )
    people, familiar = int(people), int(familiar)
    responses, familiar_responses = int(responses), int(familiar_responses)
    anonymous = responses - int(with_person)
    people_share = pct(familiar, people)
    response_share = pct(familiar_responses, responses)
    span = f"{window.start:%d %b %Y} to {window.end:%d %b %Y}"
    url = period.url("dashboards_calls", familiar="responses")
    people_url = period.url("dashboards_calls", familiar="people")
    figures.append(
        Figure(
            "familiar",
            "Familiar neighbors",
            f"{familiar:,} {'person' if familiar == 1 else 'people'} ({pct_text(people_share)}), "
            f"{pct_text(response_share)} of responses",
            response_share,
            REFERENCES["familiar"],
            url=url,
            detail=f"{threshold}+ department responses, {span}",
        )
    )
    tables["familiar"] = Table(
        "familiar",
        "Familiar neighbors",
        ["Measure", "Count", "Share"],
        [
            [Cell("People with a department response"), num(people), Cell("")],
            [
                Cell(f"Familiar neighbors ({threshold}+ responses)"),
                Cell(f"{familiar:,}", value=familiar, url=people_url, numeric=True),
                Cell(pct_text(people_share), value=people_share, numeric=True),
            ],
            [Cell("Department responses"), num(responses), Cell("")],
            [
                Cell("Responses to familiar neighbors"),
                Cell(f"{familiar_responses:,}", value=familiar_responses, url=url, numeric=True),
                Cell(pct_text(response_share), value=response_share, numeric=True),
            ],
            [Cell("Responses with no known person"), num(anonymous), Cell("")],
        ],
        note=f"Calls received in the {settings.CARE_FAMILIAR_NEIGHBOR_DAYS} days ending with "
        f"the period ({span}): assignments of HEART, co-response and CCD units on them.",
    )


def _hours_section(
    period: Period,
    rows: list[tuple[int, int, str, str, str, int]],
    figures: list[Figure],
    tables: dict[str, Table],
) -> list[dict[str, Any]]:
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for weekday, hour, eligible, route, reason, n in rows:
        cells[(weekday, hour)][_outcome(route, eligible, reason)] += n
        cells[(weekday, hour)]["eligible"] += n
    total = sum(c["eligible"] for c in cells.values())
    outside = sum(c["outside_hours"] for c in cells.values())
    figures.append(
        Figure(
            "hours",
            "Eligible calls outside service hours",
            f"{outside:,} of {total:,} ({pct_text(pct(outside, total))})",
            pct(outside, total),
            REFERENCES["hours"],
            url=period.url("dashboards_calls", eligible=1, outcome="outside_hours"),
        )
    )
    heatmap = []
    table_rows = []
    for weekday in range(1, 8):
        row_cells = []
        for hour in range(24):
            c = cells.get((weekday, hour), {})
            n = c.get("eligible", 0)
            off = c.get("outside_hours", 0)
            share = off / n if n else 0.0
            row_cells.append(
                {
                    "hour": hour,
                    "eligible": n,
                    "served": c.get("served", 0),
                    "outside": off,
                    "shade": 0 if not n else 1 + min(4, int(share * 5)),
                    "url": period.url("dashboards_calls", eligible=1, weekday=weekday, hour=hour),
                }
            )
            table_rows.append(
                [
                    Cell(WEEKDAYS[weekday - 1]),
                    Cell(f"{hour:02d}:00", value=hour),
                    num(n),
                    num(c.get("served", 0)),
                    num(off),
                    num(c.get("no_unit", 0)),
                    num(c.get("override", 0) + c.get("unexplained", 0)),
                ]
            )
        heatmap.append({"day": WEEKDAYS[weekday - 1], "cells": row_cells})
    tables["hours"] = Table(
        "hours",
        "Eligible calls by hour of week",
        ["Day", "Hour", "Eligible", "Served", "Outside hours", "No unit", "Other unserved"],
        table_rows,
    )
    return heatmap


def figures_table(dashboard: Dashboard) -> Table:
    """Every headline figure with its published reference: the summary CSV."""
    return Table(
        "figures",
        "Figures",
        ["Metric", "Value", "Figure", "Detail", "Published reference"],
        [
            [
                Cell(f.label, value=f.key),
                Cell("" if f.value is None else str(f.value), value=f.value, numeric=True),
                Cell(f.text),
                Cell(f.detail),
                Cell(f.reference),
            ]
            for f in dashboard.figures
        ],
    )
