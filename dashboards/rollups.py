"""The dashboards' rollups: per local day sums of the calls table, kept current incrementally.

A rollup day is always recomputed as a whole from the base table (DELETE its rows, then one
``INSERT ... SELECT ... GROUP BY``), so a refresh is idempotent and a day is either entirely old
or entirely new. Which days to recompute comes from ``Call.updated_at`` (indexed), which every
dispatch service moves when it changes a call, adds an assignment, a field event or the
felt-safe answers. ``rollup_refresh`` runs every minute from beat and may be called directly.

Calls updated at or after the watermark may not be in the rollups yet: the dashboard reads
those days from the base table instead (``dirty_days``), so its figures are current to the
request, not to the last refresh. Two changes leave no trace in ``updated_at`` on the day they
leave: a deleted call, and a call whose ``received_at`` moved to another day. The hourly
``rollup_reconcile`` finds those days by comparing per-day call counts with the base table.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from dashboards.models import (
    CallHistogram,
    CallRollup,
    DispositionRollup,
    EligibleHourRollup,
    PersonDayRollup,
    RollupState,
)
from dispatch.models import Assignment, Call, FieldEvent, SafetyCheck

logger = logging.getLogger(__name__)

DEPARTMENT_ROUTES = ("HEART", "CO_RESPONSE", "CCD")
STATE_NAME = "calls"

# Fixed-width histogram buckets; the last bucket of each holds everything above its range.
RESPONSE_BUCKET_SECONDS = 60
RESPONSE_BUCKETS = 121  # 0-120 minutes by minute, then "over 2 hours"
PROCESSING_BUCKET_SECONDS = 5
PROCESSING_BUCKETS = 73  # 0-6 minutes by 5 seconds, then "over 6 minutes"
PROCESSING_TARGET_SECONDS = 60  # NFPA 1225
# On-scene times above this are data errors (a call closed days later), not police time.
SCENE_MAX_SECONDS = 12 * 3600
# Allowance for clock differences between the web servers (which stamp updated_at) and the
# database, added below every watermark.
CLOCK_SKEW = timedelta(seconds=60)

CALL_COLUMNS = (
    "day",
    "source",
    "call_type",
    "route",
    "eligible_route",
    "unserved_reason",
    "calls",
    "processing_n",
    "processing_sum_s",
    "processing_within_60",
    "response_n",
    "response_sum_s",
    "scene_n",
    "scene_sum_s",
    "department_responses",
    "safety_n",
    "safety_yes",
    "backups",
    "handoffs",
    "police_took_over",
    "police_uninvited",
)
HISTOGRAM_COLUMNS = ("day", "source", "route", "measure", "bucket", "calls")
PERSON_COLUMNS = ("day", "source", "person_id", "responses")
DISPOSITION_COLUMNS = (
    "day",
    "source",
    "disposition",
    "ccd_disposition",
    "transfer_988",
    "calls",
)
HOUR_COLUMNS = (
    "day",
    "weekday",
    "hour",
    "source",
    "eligible_route",
    "route",
    "unserved_reason",
    "calls",
)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date) -> datetime:
    """The instant a local day starts (midnight exists in every zone the console runs in)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone())


class Seconds(Func):
    """Seconds from the second expression to the first, as a float; NULL if either is NULL."""

    output_field = FloatField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::float8",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Rounded to the millisecond: julianday's double would put exactly 60 s at 59.99999.
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) over `queryset` (already filtered on call=OuterRef("pk"))."""
    counted = queryset.order_by().values("call").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted runs of consecutive days, as (first, last) inclusive."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def received_on(days: Iterable[date] | None) -> Q:
    """Calls received on these local days, as UTC ranges the received_at indexes can use."""
    if days is None:
        return Q()
    condition = Q(pk__in=[])
    for first, last in day_ranges(days):
        condition |= Q(
            received_at__gte=local_midnight(first),
            received_at__lt=local_midnight(last + timedelta(days=1)),
        )
    return condition


def per_call(calls: QuerySet[Call]) -> QuerySet[Any]:
    """One row per call with the local day, its dimensions and its times in seconds."""
    tz = zone()
    return (
        calls.order_by()
        .annotate(
            r_day=TruncDate("received_at", tzinfo=tz),
            r_source=F("source"),
            r_call_type=F("call_type_id"),
            r_route=F("route"),
            r_eligible=F("eligible_route"),
            r_reason=F("unserved_reason"),
            r_disposition=F("disposition"),
            proc_s=Seconds(F("first_dispatched_at"), F("received_at")),
            resp_s=Seconds(F("first_on_scene_at"), F("received_at")),
            scene_s=Seconds(F("closed_at"), F("first_on_scene_at")),
            dept_n=_count(
                Assignment.objects.filter(call=OuterRef("pk"), unit__kind__in=DEPARTMENT_ROUTES)
            ),
            safety_n=_count(SafetyCheck.objects.filter(call=OuterRef("pk"))),
            safety_yes=_count(SafetyCheck.objects.filter(call=OuterRef("pk"), safe=True)),
            backups_n=_count(
                FieldEvent.objects.filter(
                    call=OuterRef("pk"), kind=FieldEvent.Kind.BACKUP_REQUESTED
                )
            ),
            handoffs_n=_count(
                FieldEvent.objects.filter(call=OuterRef("pk"), kind=FieldEvent.Kind.HANDOFF)
            ),
            uninvited_n=_count(
                FieldEvent.objects.filter(
                    call=OuterRef("pk"), kind=FieldEvent.Kind.POLICE_UNINVITED
                )
            ),
        )
        .values(
            "r_day",
            "r_source",
            "r_call_type",
            "r_route",
            "r_eligible",
            "r_reason",
            "r_disposition",
            "proc_s",
            "resp_s",
            "scene_s",
            "dept_n",
            "safety_n",
            "safety_yes",
            "backups_n",
            "handoffs_n",
            "uninvited_n",
        )
    )


def per_call_times(calls: QuerySet[Call]) -> QuerySet[Any]:
    """One row per call with the local day and hour and its two times: no joins."""
    tz = zone()
    return (
        calls.order_by()
        .annotate(
            r_day=TruncDate("received_at", tzinfo=tz),
            r_weekday=ExtractIsoWeekDay("received_at", tzinfo=tz),
            r_hour=ExtractHour("received_at", tzinfo=tz),
            r_source=F("source"),
            r_route=F("route"),
            r_eligible=F("eligible_route"),
            r_reason=F("unserved_reason"),
            proc_s=Seconds(F("first_dispatched_at"), F("received_at")),
            resp_s=Seconds(F("first_on_scene_at"), F("received_at")),
        )
        .values(
            "r_day",
            "r_weekday",
            "r_hour",
            "r_source",
            "r_route",
            "r_eligible",
            "r_reason",
            "proc_s",
            "resp_s",
        )
    )


def _sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def call_rollup_select(calls: QuerySet[Call]) -> tuple[str, list[Any]]:
    """SELECT producing CallRollup rows (CALL_COLUMNS, in order) for `calls`."""
    inner, params = _sql(per_call(calls))
    valid_scene = f"c.scene_s >= 0 AND c.scene_s <= {SCENE_MAX_SECONDS}"
    sql = f"""
        SELECT c.r_day AS day, c.r_source AS source, c.r_call_type AS call_type,
          c.r_route AS route, c.r_eligible AS eligible_route, c.r_reason AS unserved_reason,
          COUNT(*) AS calls,
          SUM(CASE WHEN c.proc_s >= 0 THEN 1 ELSE 0 END) AS processing_n,
          COALESCE(SUM(CASE WHEN c.proc_s >= 0 THEN c.proc_s END), 0) AS processing_sum_s,
          SUM(CASE WHEN c.proc_s >= 0 AND c.proc_s <= {PROCESSING_TARGET_SECONDS}
              THEN 1 ELSE 0 END) AS processing_within_60,
          SUM(CASE WHEN c.resp_s >= 0 THEN 1 ELSE 0 END) AS response_n,
          COALESCE(SUM(CASE WHEN c.resp_s >= 0 THEN c.resp_s END), 0) AS response_sum_s,
          SUM(CASE WHEN {valid_scene} THEN 1 ELSE 0 END) AS scene_n,
          COALESCE(SUM(CASE WHEN {valid_scene} THEN c.scene_s END), 0) AS scene_sum_s,
          SUM(c.dept_n) AS department_responses, SUM(c.safety_n) AS safety_n,
          SUM(c.safety_yes) AS safety_yes, SUM(c.backups_n) AS backups,
          SUM(c.handoffs_n) AS handoffs,
          SUM(CASE WHEN c.r_disposition = 'police_took_over' THEN 1 ELSE 0 END)
            AS police_took_over,
          SUM(c.uninvited_n) AS police_uninvited
        FROM ({inner}) c
        GROUP BY 1, 2, 3, 4, 5, 6
    """  # noqa: S608 (constants and compiled ORM SQL; every value is a parameter)
    return sql, params


def _bucket(column: str, width: int, buckets: int) -> str:
    last = buckets - 1
    return (
        f"CASE WHEN {column} >= {width * last} THEN {last} "
        f"ELSE CAST(FLOOR({column} / {width}.0) AS INTEGER) END"
    )


def histogram_select(calls: QuerySet[Call]) -> tuple[str, list[Any]]:
    """SELECT producing CallHistogram rows (HISTOGRAM_COLUMNS) for `calls`."""
    inner, params = _sql(per_call_times(calls))
    response = _bucket("c.resp_s", RESPONSE_BUCKET_SECONDS, RESPONSE_BUCKETS)
    processing = _bucket("c.proc_s", PROCESSING_BUCKET_SECONDS, PROCESSING_BUCKETS)
    sql = f"""
        SELECT c.r_day AS day, c.r_source AS source, c.r_route AS route,
          'response' AS measure, {response} AS bucket, COUNT(*) AS calls
        FROM ({inner}) c WHERE c.resp_s >= 0 GROUP BY 1, 2, 3, 4, 5
        UNION ALL
        SELECT c.r_day AS day, c.r_source AS source, c.r_route AS route,
          'processing' AS measure, {processing} AS bucket, COUNT(*) AS calls
        FROM ({inner}) c WHERE c.proc_s >= 0 GROUP BY 1, 2, 3, 4, 5
    """  # noqa: S608
    return sql, params + params


def hour_select(calls: QuerySet[Call]) -> tuple[str, list[Any]]:
    """SELECT producing EligibleHourRollup rows (HOUR_COLUMNS) for `calls`."""
    eligible = calls.filter(eligible_route__in=DEPARTMENT_ROUTES)
    inner, params = _sql(per_call_times(eligible))
    sql = f"""
        SELECT c.r_day AS day, c.r_weekday AS weekday, c.r_hour AS hour, c.r_source AS source,
          c.r_eligible AS eligible_route, c.r_route AS route, c.r_reason AS unserved_reason,
          COUNT(*) AS calls
        FROM ({inner}) c GROUP BY 1, 2, 3, 4, 5, 6, 7
    """  # noqa: S608
    return sql, params


def person_select(calls: QuerySet[Call]) -> tuple[str, list[Any]]:
    """SELECT producing PersonDayRollup rows (PERSON_COLUMNS) for `calls`: department
    assignments per person, per local day the call came in."""
    responses = (
        Assignment.objects.filter(
            call__in=calls.filter(person__isnull=False), unit__kind__in=DEPARTMENT_ROUTES
        )
        .order_by()
        .annotate(
            r_day=TruncDate("call__received_at", tzinfo=zone()),
            r_source=F("call__source"),
            r_person=F("call__person_id"),
        )
        .values("r_day", "r_source", "r_person")
    )
    inner, params = _sql(responses)
    sql = f"""
        SELECT c.r_day AS day, c.r_source AS source, c.r_person AS person_id,
          COUNT(*) AS responses
        FROM ({inner}) c GROUP BY 1, 2, 3
    """  # noqa: S608
    return sql, params


def disposition_select(calls: QuerySet[Call]) -> tuple[str, list[Any]]:
    """SELECT producing DispositionRollup rows (DISPOSITION_COLUMNS) for `calls` that ended
    with a disposition, the field's or the phone line's."""
    ended = (
        calls.exclude(disposition="", ccd_disposition="")
        .order_by()
        .annotate(
            r_day=TruncDate("received_at", tzinfo=zone()),
            r_source=F("source"),
            r_disposition=F("disposition"),
            r_ccd=F("ccd_disposition"),
            r_988=F("transfer_988"),
        )
        .values("r_day", "r_source", "r_disposition", "r_ccd", "r_988")
    )
    inner, params = _sql(ended)
    sql = f"""
        SELECT c.r_day AS day, c.r_source AS source, c.r_disposition AS disposition,
          c.r_ccd AS ccd_disposition, c.r_988 AS transfer_988, COUNT(*) AS calls
        FROM ({inner}) c GROUP BY 1, 2, 3, 4, 5
    """  # noqa: S608
    return sql, params


@dataclass(frozen=True)
class Rollup:
    """A rollup table: its columns after `day` are dimensions, then sums."""

    model: type[Any]
    dims: tuple[str, ...]
    sums: tuple[str, ...]
    select: Callable[[QuerySet[Call]], tuple[str, list[Any]]]

    @property
    def columns(self) -> tuple[str, ...]:
        return ("day", *self.dims, *self.sums)

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)


CALLS = Rollup(CallRollup, CALL_COLUMNS[1:6], CALL_COLUMNS[6:], call_rollup_select)
HISTOGRAMS = Rollup(CallHistogram, HISTOGRAM_COLUMNS[1:5], ("calls",), histogram_select)
HOURS = Rollup(EligibleHourRollup, HOUR_COLUMNS[1:7], ("calls",), hour_select)
PEOPLE = Rollup(PersonDayRollup, PERSON_COLUMNS[1:3], ("responses",), person_select)
ENDINGS = Rollup(DispositionRollup, DISPOSITION_COLUMNS[1:5], ("calls",), disposition_select)
ROLLUPS = (CALLS, HISTOGRAMS, HOURS, PEOPLE, ENDINGS)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _month_of(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _recompute(days: Iterable[date] | None) -> int:
    """Replace the rollup rows of `days` (None: every day) with sums from the base table, then
    the month rows of their months with sums of the day rows.

    Runs inside the caller's transaction, which holds the state row's lock."""
    runs = None if days is None else day_ranges(days)
    if runs == []:
        return 0
    calls = Call.objects.filter(received_on(days))
    with connection.cursor() as cursor:
        for rollup in ROLLUPS:
            if runs is None:
                cursor.execute(f"DELETE FROM {rollup.table} WHERE grain = 'd'")  # noqa: S608
            else:
                for first, last in runs:
                    cursor.execute(
                        f"DELETE FROM {rollup.table} WHERE grain = 'd'"  # noqa: S608
                        " AND day >= %s AND day <= %s",
                        [adapt_day(first), adapt_day(last)],
                    )
            sql, params = rollup.select(calls)
            cursor.execute(
                f"INSERT INTO {rollup.table} ({', '.join(rollup.columns)}) {sql}", params
            )
    months = None if days is None else {month_start(d) for d in days}
    _recompute_months(months)
    return -1 if runs is None else sum((last - first).days + 1 for first, last in runs)


def _recompute_months(months: set[date] | None) -> None:
    """Month rows from day rows: (None: every month)."""
    spans: list[tuple[date, date]] | None = None
    if months is not None:
        spans = [(m, month_end(m)) for m in sorted(months)]
    with connection.cursor() as cursor:
        for rollup in ROLLUPS:
            dims = ", ".join(rollup.dims)
            sums = ", ".join(f"SUM({name})" for name in rollup.sums)
            select = (
                f"SELECT 'm', {_month_of('day')}, {dims}, {sums} FROM {rollup.table}"  # noqa: S608
                " WHERE grain = 'd' {where}"
                f" GROUP BY {_month_of('day')}, {dims}"
            )
            insert = f"INSERT INTO {rollup.table} (grain, {', '.join(rollup.columns)}) "
            if spans is None:
                cursor.execute(f"DELETE FROM {rollup.table} WHERE grain = 'm'")  # noqa: S608
                cursor.execute(insert + select.format(where=""))
                continue
            for first, last in spans:
                bounds = [adapt_day(first), adapt_day(last)]
                cursor.execute(
                    f"DELETE FROM {rollup.table} WHERE grain = 'm'"  # noqa: S608
                    " AND day >= %s AND day <= %s",
                    bounds,
                )
                cursor.execute(insert + select.format(where="AND day >= %s AND day <= %s"), bounds)


def adapt_day(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _state_locked() -> RollupState:
    """The state row, locked FOR UPDATE until the transaction ends: one refresh at a time."""
    for _ in range(2):
        state = RollupState.objects.select_for_update().filter(name=STATE_NAME).first()
        if state is not None:
            return state
        try:
            with transaction.atomic():
                RollupState.objects.create(name=STATE_NAME)
        except IntegrityError:
            continue  # created by a concurrent refresh meanwhile: lock theirs
    raise RuntimeError("the rollup state row could not be created")


def _safe_watermark(started: datetime) -> datetime:
    """The newest instant such that every call updated before it is visible now.

    A transaction still running may yet commit calls stamped after its start, so on
    PostgreSQL the mark goes back to the oldest open transaction of this database's clients.
    Only clients: an autovacuum worker's transaction (minutes long on a big table, right
    after an import) writes no call, yet counting it would send every refresh back over every
    day changed since it started."""
    mark = started - CLOCK_SKEW
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
            row = cursor.fetchone()
        oldest = row[0] if row else None
        if oldest is not None and oldest - CLOCK_SKEW < mark:
            mark = oldest - CLOCK_SKEW
    return mark


def changed_days(since: datetime) -> set[date]:
    """Local days holding a call updated at or after `since` (Call.updated_at is indexed)."""
    rows = (
        Call.objects.filter(updated_at__gte=since)
        .order_by()
        .annotate(d=TruncDate("received_at", tzinfo=zone()))
        .values_list("d", flat=True)
        .distinct()
    )
    return set(rows)


@dataclass(frozen=True)
class RefreshResult:
    days: int  # days recomputed; -1 for a full rebuild
    seconds: float
    watermark: datetime | None


def rollup_refresh(*, since: datetime | None = None, full: bool = False) -> RefreshResult:
    """Bring the rollups up to date with the calls table and return what was recomputed.

    Recomputes every local day holding a call updated at or after `since` (default: the stored
    watermark); with no watermark yet, or with `full`, rebuilds everything. One refresh runs at
    a time (the state row is locked); readers keep seeing the previous rows until it commits.
    The watermark only moves forward, and never past a change that is not visible yet."""
    clock = time.monotonic()
    started = timezone.now()
    with transaction.atomic():
        state = _state_locked()
        mark = _safe_watermark(started)
        scan_from = since or state.watermark
        if full or scan_from is None:
            days = _recompute(None)
            advance = True
        else:
            days = _recompute(changed_days(scan_from))
            advance = state.watermark is None or scan_from <= state.watermark
        if advance and (state.watermark is None or mark > state.watermark):
            state.watermark = mark
        state.refreshed_at = timezone.now()
        state.last_days = max(days, 0)
        state.last_seconds = time.monotonic() - clock
        state.save(update_fields=["watermark", "refreshed_at", "last_days", "last_seconds"])
    if days:
        logger.info("rollups: %s day(s) recomputed in %.2f s", days, state.last_seconds)
    return RefreshResult(days=days, seconds=state.last_seconds, watermark=state.watermark)


def rollup_reconcile() -> RefreshResult:
    """Recompute the days whose call count differs from the base table: a deleted call, or
    one moved to another day, leaves its old day stale, with no updated_at to find it by."""
    clock = time.monotonic()
    with transaction.atomic():
        state = _state_locked()
        base = dict(
            Call.objects.order_by()
            .annotate(d=TruncDate("received_at", tzinfo=zone()))
            .values("d")
            .annotate(n=Count("id"))
            .values_list("d", "n")
        )
        rolled = dict(
            CallRollup.objects.filter(grain="d")
            .order_by()
            .values("day")
            .annotate(n=Sum("calls"))
            .values_list("day", "n")
        )
        stale = {day for day in base.keys() | rolled.keys() if base.get(day) != rolled.get(day)}
        days = _recompute(stale)
        state.reconciled_at = timezone.now()
        state.save(update_fields=["reconciled_at"])
    if days:
        logger.warning("rollups: reconcile recomputed %s stale day(s)", days)
    return RefreshResult(days=days, seconds=time.monotonic() - clock, watermark=state.watermark)


def rollup_state() -> RollupState | None:
    return RollupState.objects.filter(name=STATE_NAME).first()


def dirty_days(state: RollupState | None) -> set[date] | None:
    """Days the rollups may not reflect yet (None: all of them, nothing was rolled up)."""
    if state is None or state.watermark is None:
        return None
    return changed_days(state.watermark)
