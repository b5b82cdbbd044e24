"""The staffing model: how many teams, on which hours, serve how many eligible calls, at what
cost. docs/staffing.md explains the method and its limits.

A discrete-event simulation replays the real eligible calls of a period (their arrival times
and service times) against a weekly schedule of teams. Calls are taken first come, first
served by the team that can start soonest; a call no team can start within the hold time
falls back (to co-response or police), as it does on the floor. HEART and co-response are
simulated separately: each has its own teams and its own eligible calls.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, F, FilteredRelation, Max, Q, Value

from dashboards.metrics import Period
from dashboards.rollups import Seconds
from dispatch.models import Call, Unit
from triage.models import ServiceSchedule
from web.cache import cached

SERVICES = ("HEART", "CO_RESPONSE")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# 1970-01-01, where local seconds count from, was a Thursday: minute 3 x 1440 of a week that
# starts on Monday.
EPOCH_WEEK_OFFSET = 3 * MINUTES_PER_DAY
WEEKS_PER_YEAR = 365.25 / 7
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {
    "daily": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekends": (5, 6),
}
# A median of fewer known times than this is not trusted over the configured default.
MIN_KNOWN_TIMES = 10

_CLOCK = re.compile(r"^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$")


# Schedules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    service: str
    weekday: int  # Monday = 0
    start: int  # minute of the day, inclusive
    end: int  # minute of the day, exclusive; at or before start: ends the next day
    teams: int

    def minutes(self) -> range:
        first = self.weekday * MINUTES_PER_DAY + self.start
        length = self.end - self.start
        if length <= 0:
            length += MINUTES_PER_DAY
        return range(first, first + length)


@dataclass(frozen=True)
class Schedule:
    name: str
    shifts: tuple[Shift, ...]

    def teams_by_minute(self, service: str) -> list[int]:
        """Teams of `service` on duty in each minute of the week (Monday 00:00 = 0)."""
        counts = [0] * MINUTES_PER_WEEK
        for shift in self.shifts:
            if shift.service != service:
                continue
            for minute in shift.minutes():
                counts[minute % MINUTES_PER_WEEK] += shift.teams
        return counts

    def team_hours_per_week(self, service: str) -> float:
        return sum(len(s.minutes()) * s.teams for s in self.shifts if s.service == service) / 60

    def max_teams(self, service: str) -> int:
        counts = self.teams_by_minute(service)
        return max(counts) if counts else 0

    def text(self) -> str:
        """The schedule in the syntax `schedule_parse` reads, shifts that differ only by day
        on one line: ``HEART daily 07:00-19:00 2``."""
        days: dict[tuple[str, int, int, int], list[int]] = {}
        for s in self.shifts:
            days.setdefault((s.service, s.start, s.end, s.teams), []).append(s.weekday)
        lines = []
        for (service, start, end, teams), weekdays in sorted(days.items()):
            until = "24:00" if end == MINUTES_PER_DAY else _clock(end)
            lines.append(f"{service} {_day_text(weekdays)} {_clock(start)}-{until} {teams}")
        return "\n".join(lines)


def _day_text(weekdays: list[int]) -> str:
    """Mon-Fri, Sat,Sun, daily...: what `_days` reads back."""
    chosen = sorted(set(weekdays))
    for name, group in DAY_GROUPS.items():
        if tuple(chosen) == group:
            return name
    parts = []
    for first, last in _runs(chosen):
        a, b = DAY_NAMES[first].title(), DAY_NAMES[last].title()
        parts.append(a if first == last else f"{a}-{b}")
    return ",".join(parts)


def _runs(values: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for value in values:
        if runs and runs[-1][1] + 1 == value:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute(value: str) -> int | None:
    match = _CLOCK.match(value)
    if not match:
        return None
    if value == "24:00":
        return MINUTES_PER_DAY
    return int(match.group(1)) * 60 + int(match.group(2))


def _days(value: str) -> tuple[int, ...] | None:
    value = value.lower()
    if value in DAY_GROUPS:
        return DAY_GROUPS[value]
    days: list[int] = []
    for part in value.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            if first[:3] not in DAY_NAMES or last[:3] not in DAY_NAMES:
                return None
            a, b = DAY_NAMES.index(first[:3]), DAY_NAMES.index(last[:3])
            days += [d % 7 for d in range(a, b + 1 if b >= a else b + 8)]
        elif part[:3] in DAY_NAMES and len(part) >= 3:
            days.append(DAY_NAMES.index(part[:3]))
        else:
            return None
    return tuple(dict.fromkeys(days))


def schedule_parse(text: str, *, name: str = "Proposed") -> tuple[Schedule, list[str]]:
    """Read shifts, one per line: ``SERVICE DAYS HH:MM-HH:MM TEAMS``, for example
    ``HEART Mon-Fri 07:00-19:00 2`` or ``CO_RESPONSE daily 21:00-07:00 1`` (an end at or
    before the start runs into the next day). DAYS: a day, a range, a comma list, ``daily``,
    ``weekdays`` or ``weekends``. Lines starting with # are comments. Returns the schedule and
    the errors, each naming its line."""
    shifts: list[Shift] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"schedule line {number}"
        parts = line.split()
        if len(parts) != 4:
            errors.append(
                f"{where}: expected SERVICE DAYS HH:MM-HH:MM TEAMS, like "
                f"'HEART Mon-Fri 07:00-19:00 2', not {line!r}"
            )
            continue
        service, days_text, hours, teams_text = parts
        service = service.upper()
        if service not in SERVICES:
            errors.append(f"{where}: {parts[0]!r} is not one of {', '.join(SERVICES)}")
            continue
        days = _days(days_text)
        if not days:
            errors.append(
                f"{where}: {days_text!r} is not a day, a range like Mon-Fri, a list like "
                "Mon,Wed, or daily, weekdays, weekends"
            )
            continue
        start_text, _, end_text = hours.partition("-")
        start, end = _minute(start_text), _minute(end_text)
        if start is None or end is None or start == MINUTES_PER_DAY:
            errors.append(f"{where}: {hours!r} is not HH:MM-HH:MM (00:00 to 24:00)")
            continue
        if not teams_text.isdigit() or not 1 <= int(teams_text) <= 50:
            errors.append(f"{where}: teams {teams_text!r} is not a whole number from 1 to 50")
            continue
        for day in days:
            shifts.append(Shift(service, day, start, end, int(teams_text)))
    if not shifts and not errors:
        errors.append("schedule: give at least one shift")
    return Schedule(name, tuple(shifts)), errors


def _teams_per_service() -> dict[str, int]:
    """Teams the department has today: its units of each kind (at least one)."""
    counts = dict.fromkeys(SERVICES, 0)
    for kind in Unit.objects.filter(kind__in=SERVICES).values_list("kind", flat=True):
        counts[kind] += 1
    return {service: max(1, n) for service, n in counts.items()}


def schedule_current() -> Schedule:
    """The service schedules in force (triage.ServiceSchedule), each shift staffed with every
    unit of the service the department has."""
    teams = _teams_per_service()
    shifts = []
    for entry in ServiceSchedule.objects.filter(service__in=SERVICES).order_by(
        "service", "weekday", "start"
    ):
        start, end = _minute(entry.start), _minute(entry.end)
        if start is None or end is None:
            continue  # the model validates the clock; a hand-edited row is left out
        shifts.append(Shift(entry.service, entry.weekday, start, end, teams[entry.service]))
    return Schedule("Current schedule", tuple(shifts))


def schedule_around_the_clock(teams: dict[str, int]) -> Schedule:
    shifts = tuple(
        Shift(service, day, 0, MINUTES_PER_DAY, n)
        for service, n in teams.items()
        if n > 0
        for day in range(7)
    )
    return Schedule("24/7", shifts)


# Demand: the eligible calls of a period -----------------------------------------------------


@dataclass
class Demand:
    """Eligible calls of one service: local arrival seconds and team busy seconds, sorted."""

    service: str
    arrivals: list[tuple[float, float]]
    observed_served: int
    known_service: int  # calls whose on-scene to clear time came from an assignment
    service_minutes: float  # median, or the default, given to the others
    service_basis: str
    travel_minutes: float
    travel_basis: str


class _HourOffsets(dict[int, float]):
    """UTC offset in seconds of the department's zone, by hour since 1970 (UTC): looked up
    once per hour of the period, not once per call."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, hour: int) -> float:
        delta = datetime.fromtimestamp(hour * 3600, UTC).astimezone(self.zone).utcoffset()
        self[hour] = offset = delta.total_seconds() if delta else 0.0
        return offset


def _median_minutes(values: Sequence[float], default: float, what: str) -> tuple[float, str]:
    if len(values) >= MIN_KNOWN_TIMES:
        return statistics.median(values) / 60, f"median of {len(values):,} recorded {what}"
    return default, f"default ({len(values):,} recorded, fewer than {MIN_KNOWN_TIMES})"


def demand_load(period: Period) -> dict[str, Demand]:
    """The eligible HEART and co-response calls received in the period, with the busy time
    of a team on each: the median travel (dispatch to on scene) plus the call's own time on
    scene (on scene to clear, from its first department assignment) or the median of those.

    One read, no query per call: the calls joined to their department assignments that
    recorded both times (usually one; the earliest dispatched is kept)."""
    calls = Call.objects.filter(
        eligible_route__in=SERVICES,
        received_at__gte=period.since,
        received_at__lt=period.until,
    )
    if period.source:
        calls = calls.filter(source=period.source)
    # A join condition can name the unit, not its kind: the department's unit ids (or none).
    units = list(Unit.objects.filter(kind__in=SERVICES).values_list("pk", flat=True)) or [0]
    epoch = Value(datetime(1970, 1, 1, tzinfo=UTC), output_field=DateTimeField())
    rows = (
        calls.order_by()
        .annotate(
            team=FilteredRelation(
                "assignments",
                condition=Q(
                    assignments__unit_id__in=units,
                    assignments__on_scene_at__isnull=False,
                    assignments__cleared_at__isnull=False,
                ),
            ),
            t=Seconds(F("received_at"), epoch),
            sent=Seconds(F("team__dispatched_at"), epoch),
            scene=Seconds(F("team__cleared_at"), F("team__on_scene_at")),
            travel=Seconds(F("team__on_scene_at"), F("team__dispatched_at")),
        )
        .values_list("pk", "t", "eligible_route", "route", "sent", "scene", "travel")
    )
    # Straight from the cursor: Django's per-value converters would cost more than the query.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    calls_by_id: dict[int, tuple[Any, ...]] = {}
    for row in fetched:
        seen = calls_by_id.get(row[0])
        # Several department teams on one call: the first dispatched is the one timed.
        if seen is None or (row[4] is not None and (seen[4] is None or row[4] < seen[4])):
            calls_by_id[row[0]] = row
    offsets = _HourOffsets(ZoneInfo(settings.TIME_ZONE))
    raw: dict[str, list[tuple[float, float | None]]] = {s: [] for s in SERVICES}
    served = dict.fromkeys(SERVICES, 0)
    scene_known: dict[str, list[float]] = {s: [] for s in SERVICES}
    travel_known: list[float] = []
    for _pk, utc_seconds, eligible, route, _sent, scene, travel in calls_by_id.values():
        scene = scene if scene is not None and scene >= 0 else None
        utc_seconds = float(utc_seconds)
        raw[eligible].append((utc_seconds + offsets[int(utc_seconds // 3600)], scene))
        if scene is not None:
            scene_known[eligible].append(scene)
        if travel is not None and travel >= 0:
            travel_known.append(travel)
        if route == eligible:
            served[eligible] += 1
    travel_min, travel_basis = _median_minutes(
        travel_known, settings.STAFFING_TRAVEL_MINUTES, "travel times"
    )
    demand = {}
    for service in SERVICES:
        scene_min, scene_basis = _median_minutes(
            scene_known[service], settings.STAFFING_SERVICE_MINUTES, "times on scene"
        )
        travel_s = travel_min * 60
        fallback = scene_min * 60
        arrivals = sorted(
            (t, travel_s + (fallback if scene is None else scene)) for t, scene in raw[service]
        )
        demand[service] = Demand(
            service=service,
            arrivals=arrivals,
            observed_served=served[service],
            known_service=len(scene_known[service]),
            service_minutes=scene_min,
            service_basis=scene_basis,
            travel_minutes=travel_min,
            travel_basis=travel_basis,
        )
    return demand


def demand_cached(period: Period) -> dict[str, Demand]:
    """demand_load, kept STAFFING_DEMAND_CACHE_SECONDS while no call changes: a supervisor
    tries schedule after schedule over the same period, and only the simulation depends on
    the schedule."""
    latest = Call.objects.aggregate(updated=Max("updated_at"), last=Max("id"))
    stamp = f"{latest['updated'].isoformat() if latest['updated'] else ''}:{latest['last']}"
    key = (period.start, period.end, period.source, stamp)
    return cached("staffing_demand", key, lambda: demand_load(period))


# The simulation -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one service's teams did with its eligible calls under one schedule."""

    service: str
    calls: int = 0
    served: int = 0  # a team started within the hold time
    within_target: int = 0  # a team started within the target time
    outside_hours: int = 0  # fell back: no team of the service on duty when the call came
    no_unit: int = 0  # fell back: teams on duty, none free within the hold
    wait_sum_s: float = 0.0
    busy_s: float = 0.0
    team_hours_per_week: float = 0.0
    seconds: float = 0.0  # the simulation's own run time

    @property
    def served_share(self) -> float | None:
        return _share(self.served, self.calls)

    @property
    def within_target_share(self) -> float | None:
        return _share(self.within_target, self.calls)

    @property
    def mean_wait_minutes(self) -> float | None:
        return self.wait_sum_s / self.served / 60 if self.served else None


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def simulate(
    arrivals: Sequence[tuple[float, float]],
    teams_by_minute: Sequence[int],
    *,
    hold_s: float,
    target_s: float,
    service: str = "",
) -> Outcome:
    """Replay `arrivals` ((local seconds, busy seconds), sorted by arrival) against teams whose
    number on duty in each minute of the week is `teams_by_minute`.

    Team i is on duty in a minute that has more than i teams: team 0 works every staffed
    minute, and the extra teams cover the peaks. Each call, in arrival order, goes to the team
    that can start it soonest: a free team on duty at once, else the first to become free and
    on duty. A team finishes a call it started even past the end of its shift. If no team can
    start within `hold_s`, the call falls back: "outside hours" when no team of the service
    was on duty as it came in, else "no unit"."""
    clock = time.perf_counter()
    team_count = max(teams_by_minute) if teams_by_minute else 0
    # Per team: on duty by minute of the week, twice over, so a search never wraps.
    duty = [bytes(1 if n > i else 0 for n in teams_by_minute) * 2 for i in range(team_count)]
    teams = list(zip(range(team_count), duty, strict=True))
    free = [float("-inf")] * team_count
    week = MINUTES_PER_WEEK
    offset = EPOCH_WEEK_OFFSET
    never = float("inf")
    calls = served = within = outside = no_unit = 0
    wait_sum = busy_sum = 0.0
    for arrival, busy in arrivals:
        calls += 1
        limit = arrival + hold_s
        best = -1
        best_start = never
        for i, on in teams:
            start = free[i]
            if start > limit:
                continue  # busy past the hold: it cannot take this call
            if start < arrival:
                start = arrival
            minute = int(start // 60)
            m = (minute + offset) % week
            if not on[m]:
                ahead = on.find(1, m)
                if ahead < 0:
                    continue  # this team never works
                start = (minute + ahead - m) * 60.0
            if start < best_start:
                best, best_start = i, start
                if start == arrival:
                    break
        if best < 0 or best_start > limit:
            if teams_by_minute[(int(arrival // 60) + offset) % week]:
                no_unit += 1
            else:
                outside += 1
            continue
        free[best] = best_start + busy
        wait = best_start - arrival
        served += 1
        wait_sum += wait
        busy_sum += busy
        if wait <= target_s:
            within += 1
    return Outcome(
        service=service,
        calls=calls,
        served=served,
        within_target=within,
        outside_hours=outside,
        no_unit=no_unit,
        wait_sum_s=wait_sum,
        busy_s=busy_sum,
        team_hours_per_week=sum(teams_by_minute) / 60,
        seconds=time.perf_counter() - clock,
    )


# The comparison the page shows --------------------------------------------------------------


@dataclass
class Scenario:
    schedule: Schedule
    outcomes: dict[str, Outcome]
    weeks: float  # length of the period, in weeks, for utilisation

    @property
    def total(self) -> Outcome:
        total = Outcome(service="all")
        for o in self.outcomes.values():
            for name in (
                "calls",
                "served",
                "within_target",
                "outside_hours",
                "no_unit",
                "wait_sum_s",
                "busy_s",
                "team_hours_per_week",
                "seconds",
            ):
                setattr(total, name, getattr(total, name) + getattr(o, name))
        return total

    def yearly_cost(self, service: str | None = None) -> float:
        outcomes = [self.outcomes[service]] if service else list(self.outcomes.values())
        hours = sum(o.team_hours_per_week for o in outcomes)
        return hours * WEEKS_PER_YEAR * settings.COST_PER_TEAM_HOUR

    def utilisation(self, service: str | None = None) -> float | None:
        """Busy team time over team time on duty in the period."""
        outcomes = [self.outcomes[service]] if service else list(self.outcomes.values())
        on_duty_s = sum(o.team_hours_per_week for o in outcomes) * 3600 * self.weeks
        busy = sum(o.busy_s for o in outcomes)
        return round(100 * busy / on_duty_s, 1) if on_duty_s else None


@dataclass
class Comparison:
    period: Period
    demand: dict[str, Demand]
    scenarios: list[Scenario]
    target_minutes: int
    hold_minutes: int
    load_seconds: float
    errors: list[str] = field(default_factory=list)


def scenario_run(
    schedule: Schedule,
    demand: dict[str, Demand],
    *,
    period: Period,
    target_minutes: int,
    hold_minutes: int,
) -> Scenario:
    outcomes = {}
    for service in SERVICES:
        outcomes[service] = simulate(
            demand[service].arrivals,
            schedule.teams_by_minute(service),
            hold_s=hold_minutes * 60,
            target_s=target_minutes * 60,
            service=service,
        )
    return Scenario(schedule=schedule, outcomes=outcomes, weeks=period.days / 7)


def staffing_compare(
    *,
    period: Period,
    proposal: Schedule,
    target_minutes: int,
    hold_minutes: int,
    demand: dict[str, Demand] | None = None,
) -> Comparison:
    """The proposal, the current schedule and 24/7 (with the proposal's largest number of
    teams of each service around the clock), replayed over the period's eligible calls."""
    clock = time.perf_counter()
    demand = demand if demand is not None else demand_cached(period)
    load_seconds = time.perf_counter() - clock
    around = schedule_around_the_clock(
        {service: max(1, proposal.max_teams(service)) for service in SERVICES}
    )
    scenarios = [
        scenario_run(
            schedule,
            demand,
            period=period,
            target_minutes=target_minutes,
            hold_minutes=hold_minutes,
        )
        for schedule in (proposal, schedule_current(), around)
    ]
    return Comparison(
        period=period,
        demand=demand,
        scenarios=scenarios,
        target_minutes=target_minutes,
        hold_minutes=hold_minutes,
        load_seconds=load_seconds,
    )


def comparison_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per scenario and service (then all services), for the table and the CSV."""
    rows = []
    for scenario in comparison.scenarios:
        for service in (*SERVICES, None):
            o = scenario.outcomes[service] if service else scenario.total
            rows.append(
                {
                    "scenario": scenario.schedule.name,
                    "service": service or "All",
                    "eligible_calls": o.calls,
                    "served_within_target_pct": o.within_target_share,
                    "served_pct": o.served_share,
                    "unserved_outside_hours": o.outside_hours,
                    "unserved_no_unit": o.no_unit,
                    "mean_wait_min": None
                    if o.mean_wait_minutes is None
                    else round(o.mean_wait_minutes, 1),
                    "team_hours_per_week": round(o.team_hours_per_week, 1),
                    "utilisation_pct": scenario.utilisation(service),
                    "yearly_cost": round(scenario.yearly_cost(service)),
                    "simulation_ms": round(o.seconds * 1000, 1),
                }
            )
    return rows
