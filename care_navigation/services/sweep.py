"""The sweep: flag, notify, warn and close open cases, set-based, in batches of case ids."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from django.utils import timezone

from access.audit import audit_record
from care_navigation.models import Case, Notification
from care_navigation.services.contacts import UNREACHABLE_AFTER_FAILED_ATTEMPTS

log = logging.getLogger(__name__)


SWEEP_KINDS = ("unable_to_reach", "first_contact_overdue", "closing_soon", "closed")


@dataclass
class SweepResult:
    unable_to_reach: int = 0
    first_contact_overdue: int = 0
    closing_soon: int = 0
    closed: int = 0
    batches: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _insert_notifications(
    claims: list[tuple[str, str, list[Any]]], range_sql: str, range_params: list[Any], now: datetime
) -> Counter[str]:
    """One INSERT ... SELECT for all kinds, whatever the number of cases; the unique
    constraint drops any notification that exists already (a second sweep racing this one).
    Returns the notifications added, by kind."""
    notification = Notification._meta.db_table
    case = Case._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    selects: list[str] = []
    params: list[Any] = []
    for kind, where, where_params in claims:
        # Table and column names come from the models, never from input; values are parameters.
        selects.append(f"SELECT id, %s, %s FROM {case} WHERE {range_sql} AND {where}")  # noqa: S608
        params += [kind, stamp, *range_params, *where_params]
    sql = (
        f"INSERT INTO {notification} (case_id, kind, created_at) "  # noqa: S608
        + " UNION ALL ".join(selects)
        + " ON CONFLICT DO NOTHING RETURNING kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(kind for (kind,) in cursor.fetchall())


def _sweep_batch(low: int, high: int | None, now: datetime, result: SweepResult) -> None:
    """One batch of case ids in one transaction: one UPDATE claims every step that is due
    (each claim column goes from NULL to `now`, so no step is claimed twice) and closes the
    cases at the end of their window; then one INSERT ... SELECT per kind writes the
    notifications of exactly the rows this UPDATE claimed. A worker killed here leaves all
    of the batch's work or none of it."""
    in_batch = Q(id__gt=low) if high is None else Q(id__gt=low, id__lte=high)
    range_sql = "id > %s" if high is None else "id > %s AND id <= %s"
    range_params: list[Any] = [low] if high is None else [low, high]
    stamp = connection.ops.adapt_datetimefield_value(now)

    # Every condition reads the row as it was before this UPDATE (SQL semantics).
    failing = Q(failed_attempts_in_row__gte=UNREACHABLE_AFTER_FAILED_ATTEMPTS)
    unreachable = Q(unable_to_reach=True) | failing
    to_flag = failing & Q(unable_to_reach=False)
    to_notify_unreachable = unreachable & Q(unreachable_notified_at__isnull=True)
    overdue = Q(
        first_contact_at__isnull=True, first_contact_due__lte=now, overdue_notified_at__isnull=True
    )
    closing_soon = Q(warn_at__lte=now, closes_at__gt=now, closing_warned_at__isnull=True)
    to_close = Q(closes_at__lte=now)

    def claim(condition: Q, column: str) -> SqlCase:
        return SqlCase(When(condition, then=Value(now)), default=F(column))

    outcome = SqlCase(
        When(connected_at__isnull=False, then=Value(Case.Outcome.CONNECTED)),
        When(declined_at__isnull=False, then=Value(Case.Outcome.DECLINED)),
        When(
            unreachable | Q(first_contact_at__isnull=True), then=Value(Case.Outcome.UNABLE_TO_REACH)
        ),
        default=Value(Case.Outcome.NOT_CONNECTED),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Safe to lose on a crash: a batch's claims and notifications commit together, so
            # a lost commit is simply redone by the next sweep. Not waiting for the WAL flush
            # of each batch keeps the sweep from queueing behind the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        changed = (
            Case.objects.filter(in_batch, status=Case.Status.OPEN)
            .filter(to_flag | to_notify_unreachable | overdue | closing_soon | to_close)
            .update(
                unable_to_reach=SqlCase(
                    When(failing, then=Value(True)), default=F("unable_to_reach")
                ),
                unreachable_notified_at=claim(to_notify_unreachable, "unreachable_notified_at"),
                overdue_notified_at=claim(overdue, "overdue_notified_at"),
                closing_warned_at=claim(closing_soon, "closing_warned_at"),
                status=SqlCase(When(to_close, then=Value(Case.Status.CLOSED)), default=F("status")),
                closed_at=claim(to_close, "closed_at"),
                outcome=SqlCase(When(to_close, then=outcome), default=F("outcome")),
            )
        )
        counts: Counter[str] = Counter()
        if changed:
            counts = _insert_notifications(
                [
                    (Notification.Kind.UNABLE_TO_REACH, "unreachable_notified_at = %s", [stamp]),
                    (Notification.Kind.FIRST_CONTACT_OVERDUE, "overdue_notified_at = %s", [stamp]),
                    (Notification.Kind.CLOSING_SOON, "closing_warned_at = %s", [stamp]),
                    (
                        Notification.Kind.CLOSED,
                        "status = %s AND closed_at = %s AND closed_by_id IS NULL",
                        [Case.Status.CLOSED, stamp],
                    ),
                ],
                range_sql,
                range_params,
                now,
            )
            audit_record(
                action="care.sweep",
                object_type=Case._meta.label_lower,
                detail={
                    **{kind: counts[kind] for kind in SWEEP_KINDS},
                    "cases": changed,
                    "as_of": now.isoformat(),
                    "after_id": low,
                    "to_id": high,
                },
            )
    result.unable_to_reach += counts["unable_to_reach"]
    result.first_contact_overdue += counts["first_contact_overdue"]
    result.closing_soon += counts["closing_soon"]
    result.closed += counts["closed"]
    result.batches += 1


def care_sweep(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Flag, notify, warn and close open cases as of `now`, in batches of case ids.

    Set-based: each batch is a handful of UPDATE and INSERT ... SELECT statements whatever
    its size. Safe to run twice, concurrently, or after a worker died half-way: every step is
    claimed by a conditional UPDATE and every notification is unique per case and kind.
    """
    now = now or timezone.now()
    size = batch_size or settings.CARE_SWEEP_BATCH_SIZE
    result = SweepResult()
    open_ids = Case.objects.filter(status=Case.Status.OPEN).order_by("id")
    low = 0
    while True:
        # The id that ends this batch: one index probe, not a list of ids.
        ends = list(open_ids.filter(id__gt=low).values_list("id", flat=True)[size - 1 : size])
        high = ends[0] if ends else None
        if high is None and not open_ids.filter(id__gt=low).exists():
            break
        _sweep_batch(low, high, now, result)
        if high is None:
            break
        low = high
    log.info("care sweep as of %s: %s", now.isoformat(), result.as_dict())
    return result
