"""Reads for the dispatch console. Query counts do not grow with the rows shown."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone

from dispatch.models import AlertAcknowledgement, Assignment, Call, FieldEvent, RosterShift, Unit
from dispatch.roster_selectors import crews, unit_makeups, unit_of_responder
from location.geo import bounding_box, distance_m
from workforce.teams import Makeup

PRIORITY_ORDER = Case(
    When(priority="P1", then=1),
    When(priority="P2", then=2),
    When(priority="P3", then=3),
    default=4,
    output_field=IntegerField(),
)
# Minutes a call may wait before the board warns, by priority.
WAIT_WARNING_MINUTES = {"P1": 2, "P2": 10, "P3": 30}
DUPLICATE_RADIUS_M = 150.0
DUPLICATE_WINDOW = timedelta(minutes=30)
HISTORY_WINDOW = timedelta(days=365)

_open_assignments = Prefetch(
    "assignments",
    queryset=Assignment.objects.filter(cleared_at__isnull=True).select_related("unit"),
    to_attr="open_assignments",
)


# What the board (page and API) shows of a call: loading the rest (narrative, answers...)
# for every open call cost more than the board's queries.
BOARD_CALL_FIELDS = (
    "id",
    "status",
    "priority",
    "received_at",
    "held_until",
    "call_type",
    "call_type__label",
    "explanation",
    "route",
    "eligible_route",
    "unserved_reason",
    "address",
    "lat",
    "lon",
    "transferred_from",
)


# Whether a board alert was acknowledged (docs/calls.md), as a column of the rows the board
# reads anyway: no query of its own.
OVERDUE_ACKED = Exists(
    AlertAcknowledgement.objects.filter(
        call_id=OuterRef("pk"), kind=AlertAcknowledgement.Kind.OVERDUE
    )
)
EVENT_ACKED = Exists(AlertAcknowledgement.objects.filter(event_id=OuterRef("pk")))


def ccd_line_count() -> int:
    """Calls on the CCD phone line now: worked by a clinician, not by a unit."""
    return Call.objects.filter(status=Call.Status.PHONE).count()


def waiting_calls() -> QuerySet[Call]:
    """Calls waiting for a unit: most urgent first, then longest waiting (CAHOOTS). Each
    carries ``overdue_acked``: whether its overdue alert was acknowledged."""
    return (
        Call.objects.filter(status__in=[Call.Status.QUEUED, Call.Status.HELD])
        .select_related("call_type")
        .only(*BOARD_CALL_FIELDS)
        .annotate(overdue_acked=OVERDUE_ACKED)
        .annotate(priority_rank=PRIORITY_ORDER)
        .order_by("priority_rank", "received_at", "id")
    )


def active_calls() -> QuerySet[Call]:
    return (
        Call.objects.filter(status=Call.Status.ACTIVE)
        .select_related("call_type")
        .only(*BOARD_CALL_FIELDS)
        .prefetch_related(
            _open_assignments,
            Prefetch(
                "events",
                queryset=FieldEvent.objects.filter(kind=FieldEvent.Kind.BACKUP_REQUESTED).annotate(
                    acked=EVENT_ACKED
                ),
                to_attr="backup_events",
            ),
        )
        .annotate(priority_rank=PRIORITY_ORDER)
        .order_by("priority_rank", "received_at", "id")
    )


def phone_queue() -> QuerySet[Call]:
    return (
        Call.objects.filter(status=Call.Status.PHONE)
        .select_related("call_type", "person")
        .annotate(priority_rank=PRIORITY_ORDER)
        .order_by("priority_rank", "received_at", "id")
    )


def units_with_calls() -> QuerySet[Unit]:
    return Unit.objects.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(cleared_at__isnull=True).only("unit_id", "call_id"),
            to_attr="open_assignments",
        )
    ).order_by("kind", "name")


_BOARD_OPEN = (Call.Status.QUEUED, Call.Status.HELD, Call.Status.PHONE, Call.Status.ACTIVE)


def board_etag() -> str:
    """Changes whenever a call or unit on the board changes.

    The latest ``updated_at`` of all calls moves with any change to a call, including one that
    leaves the board, and is read from its index's last entry; the open calls are counted on
    the status index. (Filtering on "updated in the last hour" instead read every call closed
    in that hour, thousands at a busy center, on every 2-second poll.)
    """
    calls = Call.objects.filter(status__in=_BOARD_OPEN).aggregate(n=Count("id"))
    last_change = Call.objects.aggregate(last=Max("updated_at"))["last"]
    units = Unit.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    # Crews change at shift boundaries with no unit row changing: the shifts on now count too.
    now = timezone.now()
    crews_now = RosterShift.objects.filter(starts_at__lte=now, ends_at__gt=now).aggregate(
        n=Count("id"), last=Max("id")
    )
    raw = (
        f"{calls['n']}|{last_change}|{units['n']}|{units['last']}|"
        f"{crews_now['n']}|{crews_now['last']}"
    )
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:20]


def position_stale_after() -> timedelta:
    return timedelta(minutes=settings.UNIT_POSITION_STALE_MINUTES)


def position_age_s(unit: Unit, *, now: datetime) -> int | None:
    """Seconds since the unit's last position (None when it never had one)."""
    if unit.position_at is None or unit.lat is None or unit.lon is None:
        return None
    return max(0, int((now - unit.position_at).total_seconds()))


def position_trusted(unit: Unit, *, now: datetime) -> bool:
    """A position is trusted for "nearest" while younger than UNIT_POSITION_STALE_MINUTES."""
    age = position_age_s(unit, now=now)
    return age is not None and age <= position_stale_after().total_seconds()


@dataclass(frozen=True)
class Recommendation:
    unit: Unit
    # From a trusted (recent) position to the call's point; None when there is none to use.
    distance_m: float | None
    # Seconds since the unit's last position, trusted or not (None: never reported).
    position_age_s: int | None = None

    makeup: Makeup | None = None
    # Whether someone on the crew speaks the caller's language (None: language not recorded).
    speaks_caller_language: bool | None = None

    @property
    def team_warning(self) -> str:
        return self.makeup.warning if self.makeup else ""

    @property
    def note(self) -> str:
        """What the dispatcher reads beside the unit: how far, or why it is not ranked."""
        age = self.position_age_s
        if self.distance_m is not None:
            return f"{self.distance_m:,.0f} m · position {age_text(age or 0)} old"
        if age is None:
            return "no recent position (none reported)"
        if age <= position_stale_after().total_seconds():
            # A recent position but no distance: the call itself has no point yet.
            return f"no distance: the call has no point · position {age_text(age)} old"
        return f"no recent position (last {age_text(age)} ago)"


def age_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def recommended_units(call: Call, *, limit: int = 5) -> list[Recommendation]:
    """Available units of the call's route, nearest first from a trusted position; then the
    units with no recent position (stale or never reported), by name. A stale position is
    where the unit was, not where it is: ranking by it would send the wrong team. Each comes
    with its crew against its team template and whether the crew speaks the caller's
    language; nearest stays the order: the dispatcher weighs a warning, the list hides none."""
    now = timezone.now()
    units = list(Unit.objects.filter(kind=call.route, status=Unit.Status.AVAILABLE))
    makeups = unit_makeups(units) if units else {}
    ranked: list[Recommendation] = []
    for unit in units:
        distance = None
        if call.lat is not None and call.lon is not None and position_trusted(unit, now=now):
            distance = distance_m(call.lat, call.lon, unit.lat, unit.lon)  # type: ignore[arg-type]
        makeup = makeups.get(unit.pk)
        speaks = makeup.speaks(call.caller_language) if makeup else None
        ranked.append(Recommendation(unit, distance, position_age_s(unit, now=now), makeup, speaks))
    ranked.sort(key=lambda r: (r.distance_m is None, r.distance_m or 0.0, r.unit.name))
    return ranked[:limit]


def possible_duplicates(
    *,
    address: str,
    lat: float | None,
    lon: float | None,
    now: datetime | None = None,
    exclude_id: int | None = None,
) -> list[Call]:
    """Open calls in the last 30 minutes at the same address or within 150 m."""
    now = now or timezone.now()
    recent = Call.objects.filter(
        received_at__gte=now - DUPLICATE_WINDOW,
        status__in=[Call.Status.QUEUED, Call.Status.HELD, Call.Status.PHONE, Call.Status.ACTIVE],
    ).select_related("call_type")
    if exclude_id:
        recent = recent.exclude(pk=exclude_id)
    near = Q(pk__in=[])
    if address.strip():
        near |= Q(address__iexact=address.strip())
    if lat is not None and lon is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, DUPLICATE_RADIUS_M)
        near |= Q(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon))
    found = []
    for call in recent.filter(near).order_by("-received_at")[:20]:
        same_address = address.strip() and call.address.lower() == address.strip().lower()
        close = (
            lat is not None
            and lon is not None
            and call.lat is not None
            and call.lon is not None
            and distance_m(lat, lon, call.lat, call.lon) <= DUPLICATE_RADIUS_M
        )
        if same_address or close:
            found.append(call)
    return found


def prior_calls(
    *, address: str, person_id: int | None, exclude_id: int | None = None, limit: int = 10
) -> list[Call]:
    """Earlier calls at the same address or about the same person in the last 12 months."""
    since = timezone.now() - HISTORY_WINDOW
    match = Q(pk__in=[])
    if address.strip():
        match |= Q(address__iexact=address.strip())
    if person_id:
        match |= Q(person_id=person_id)
    calls = Call.objects.filter(match, received_at__gte=since).select_related("call_type")
    if exclude_id:
        calls = calls.exclude(pk=exclude_id)
    return list(calls.order_by("-received_at")[:limit])


def unit_of(user: Any) -> Unit | None:
    """The unit a responder rides with now: the one they are rostered on, else (a unit with no
    roster) the first by name they are a member of."""
    return unit_of_responder(user)


def rides_with(user: Any, unit: Unit) -> bool:
    """Whether `user` is on `unit`'s crew now (rostered on it, or a member of a unit with no
    roster): a responder moves and clears their own unit only."""
    return any(m.pk == user.pk for m in crews([unit], at=timezone.now())[unit.pk])


def clearing_crew(unit: Unit, assignment: Assignment) -> list[Any]:
    """Who answers "did you feel safe?" when `unit` clears now: its crew since dispatch."""
    return crews([unit], at=assignment.dispatched_at, until=timezone.now())[unit.pk]


def open_assignment(unit: Unit) -> Assignment | None:
    return (
        Assignment.objects.filter(unit=unit, cleared_at__isnull=True)
        .select_related("call", "call__call_type")
        .first()
    )


def call_detail(call_id: int) -> Call | None:
    return (
        Call.objects.select_related("call_type", "person", "duplicate_of", "created_by", "outcome")
        .prefetch_related("assignments__unit", "events", "triage_records", "duplicates")
        .filter(pk=call_id)
        .first()
    )


def calls_for_replay(*, since: datetime) -> Iterator[tuple[Any, ...]]:
    """(id, call type, answers, received_at, route, rule-set version) of the calls received
    since `since`, newest first: what the triage what-if replays. One query, read in chunks."""
    rows = (
        Call.objects.filter(received_at__gte=since)
        .order_by("-received_at", "-pk")
        .values_list("pk", "call_type_id", "answers", "received_at", "route", "ruleset_version")
    )
    return rows.iterator(chunk_size=2000)
